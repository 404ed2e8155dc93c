"""The call log records every request with its account, service, action and whether it mutates."""

import json
import subprocess
import sys

from localaws import ACCOUNT_A, ACCOUNT_B
from localaws.recorder import is_mutating


def test_reads_and_writes_are_told_apart():
    assert not is_mutating("DescribeVpcs")
    assert not is_mutating("GetResourceShares")
    assert not is_mutating("ListTargetsByTargetGroup")
    assert not is_mutating("AssumeRole")
    assert is_mutating("CreateRoute")
    assert is_mutating("AcceptVpcEndpointConnections")
    assert is_mutating("ModifyVpcEndpointServicePermissions")


def test_every_call_is_recorded_with_account_service_action(localaws):
    ec2_a, elb_b = localaws.client("ec2", "crossvpc-a"), localaws.client("elbv2", "crossvpc-b")
    mark = localaws.control.mark()
    vpc = ec2_a.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2_a.describe_vpcs(VpcIds=[vpc])
    elb_b.describe_load_balancers()
    calls = [c for c in localaws.control.calls(mark) if c["service"] != "sts"]
    assert [(c["account"], c["service"], c["action"], c["mutating"], c["status"]) for c in calls] == [
        (ACCOUNT_A, "ec2", "CreateVpc", True, 200),
        (ACCOUNT_A, "ec2", "DescribeVpcs", False, 200),
        (ACCOUNT_B, "elbv2", "DescribeLoadBalancers", False, 200),
    ]
    assert all(c["seq"] > mark for c in calls)


def test_errors_are_recorded_with_their_code(localaws):
    ec2 = localaws.client("ec2")
    mark = localaws.control.mark()
    try:
        ec2.delete_vpc(VpcId="vpc-00000000000000000")
    except Exception:
        pass
    [call] = localaws.control.calls(mark)
    assert call["action"] == "DeleteVpc" and call["status"] == 400
    assert call["error"] == "InvalidVpcID.NotFound"


def test_cli_summarises_the_log(localaws):
    localaws.client("ec2", "crossvpc-b").describe_subnets()
    mark = localaws.control.mark()
    localaws.client("ec2", "crossvpc-b").create_vpc(CidrBlock="10.8.0.0/16")
    cli = [sys.executable, "-m", "localaws", "--state-dir", str(localaws.state_dir), "calls"]
    summary = subprocess.run(cli + ["--since", str(mark), "--mutating"], capture_output=True,
                             text=True, check=True).stdout
    assert "1 calls, 1 mutating" in summary
    assert f"{ACCOUNT_B}  ec2      CreateVpc" in summary
    as_json = json.loads(subprocess.run(cli + ["--since", str(mark), "--json"], capture_output=True,
                                        text=True, check=True).stdout)
    assert [c["action"] for c in as_json if c["service"] == "ec2"] == ["CreateVpc"]
