"""Snapshots: every account's resources saved under a name and put back, in place, on a server of its own."""

import subprocess
import sys
import urllib.error

import pytest

from conftest import REPO, running_localaws


@pytest.fixture(scope="module")
def server():
    with running_localaws() as local:
        yield local


def vpcs(ec2):
    return sorted(v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"])


def test_restore_puts_back_what_was_saved_in_every_account_and_service(server):
    a, b = server.client("ec2", "crossvpc-a"), server.client("ec2", "crossvpc-b")
    a.create_vpc(CidrBlock="10.10.0.0/16")
    kept = b.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    assert server.control.save("two-vpcs")["backends"] > 0

    a.create_vpc(CidrBlock="10.11.0.0/16")
    b.delete_vpc(VpcId=kept)
    elb = server.client("elbv2", "crossvpc-b")  # a service first used after the snapshot
    subnet = b.create_subnet(VpcId=b.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"],
                             CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"]
    elb.create_load_balancer(Name="after", Type="network", Subnets=[subnet])
    mark = server.control.mark()

    server.control.restore("two-vpcs")
    # The clients' credentials (B's assumed after the snapshot) still work; the call log goes on.
    assert vpcs(a) == ["10.10.0.0/16"] and vpcs(b) == ["10.20.0.0/16"]
    assert elb.describe_load_balancers()["LoadBalancers"] == []
    assert server.control.calls(mark) and server.control.calls(mark)[0]["seq"] > mark

    # A snapshot can be restored again after more changes, and the restored state is live.
    a.create_vpc(CidrBlock="10.12.0.0/16")
    server.control.restore("two-vpcs")
    assert vpcs(a) == ["10.10.0.0/16"]
    assert a.describe_vpcs(VpcIds=[a.create_vpc(CidrBlock="10.13.0.0/16")["Vpc"]["VpcId"]])["Vpcs"]


def test_a_service_dropped_by_one_restore_comes_back_with_a_later_snapshot(server):
    """A restore drops the backends first used after its snapshot; a request then makes a new one in the same place,
    and a later snapshot's restore must put its own back there, not drop both."""
    ec2, elb = server.client("ec2", "crossvpc-a", "eu-west-3"), server.client("elbv2", "crossvpc-a", "eu-west-3")
    server.control.save("before-load-balancers")
    subnet = ec2.create_subnet(VpcId=ec2.create_vpc(CidrBlock="10.40.0.0/16")["Vpc"]["VpcId"], CidrBlock="10.40.1.0/24",
                               AvailabilityZone="eu-west-3a")["Subnet"]["SubnetId"]
    elb.create_load_balancer(Name="kept", Type="network", Subnets=[subnet])
    server.control.save("with-load-balancer")
    server.control.restore("before-load-balancers")
    assert elb.describe_load_balancers()["LoadBalancers"] == []  # a new, empty backend where the dropped one was
    server.control.restore("with-load-balancer")
    assert [lb["LoadBalancerName"] for lb in elb.describe_load_balancers()["LoadBalancers"]] == ["kept"]


def test_unknown_snapshot_is_refused_and_forget_removes_one(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        server.control.restore("never-saved")
    assert refused.value.code == 400 and "never-saved" in refused.value.read().decode()
    server.control.save("scratch")
    assert "scratch" in server.control.snapshots()
    assert server.control.forget("scratch") == {"deleted": True}
    assert "scratch" not in server.control.snapshots()


def test_cli_saves_lists_and_restores(server):
    ec2 = server.client("ec2", "crossvpc-a")
    cli = [sys.executable, "-m", "localaws", "--state-dir", str(server.state_dir), "snapshot"]

    def run(*args):
        return subprocess.run(cli + list(args), cwd=REPO, check=True, capture_output=True, text=True).stdout

    run("save", "from-cli")
    assert "from-cli" in run("list").split()
    before = vpcs(ec2)
    ec2.create_vpc(CidrBlock="10.40.0.0/16")
    assert '"restored"' in run("restore", "from-cli")
    assert vpcs(ec2) == before


def test_a_snapshot_written_to_a_file_is_restored_by_another_server(server, tmp_path):
    """A lab built once serves a second server: export there, import and restore here, ids and all, and it stays live."""
    ec2, elb = server.client("ec2", "crossvpc-a"), server.client("elbv2", "crossvpc-a")
    vpc = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.50.{n}.0/24", AvailabilityZone=f"us-east-1{z}")["Subnet"]["SubnetId"]
               for n, z in ((1, "a"), (2, "b"))]
    nlb = elb.create_load_balancer(Name="filed", Type="network", Scheme="internal", Subnets=subnets)["LoadBalancers"][0]
    server.client("ec2", "crossvpc-b").create_vpc(CidrBlock="10.51.0.0/16")
    server.control.save("to-file")
    path = tmp_path / "lab.snapshot"
    assert server.control.export("to-file", path)["backends"] > 0 and path.stat().st_size > 0

    cli = [sys.executable, "-m", "localaws", "snapshot"]
    with running_localaws() as other:
        loaded = subprocess.run(cli[:3] + ["--state-dir", str(other.state_dir)] + cli[3:] + ["import", "from-file", str(path)],
                                cwd=REPO, check=True, capture_output=True, text=True).stdout
        assert '"backends"' in loaded and "from-file" in other.control.snapshots()
        other.control.restore("from-file")
        ec2_b, elb_b = other.client("ec2", "crossvpc-a"), other.client("elbv2", "crossvpc-a")
        assert vpcs(ec2_b) == vpcs(ec2) and vpcs(other.client("ec2", "crossvpc-b")) == vpcs(server.client("ec2", "crossvpc-b"))
        assert sorted(s["SubnetId"] for s in ec2_b.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]) == sorted(subnets)
        [copied] = elb_b.describe_load_balancers(Names=["filed"])["LoadBalancers"]
        assert copied["LoadBalancerArn"] == nlb["LoadBalancerArn"] and copied["VpcId"] == vpc
        # Live on the other server: it changes, and the first server's state does not.
        ec2_b.create_subnet(VpcId=vpc, CidrBlock="10.50.3.0/24")
        assert len(ec2_b.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]) == 3
        assert len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]) == 2
    with pytest.raises(urllib.error.HTTPError) as refused:
        server.control.export("never-saved", path)
    assert refused.value.code == 400 and "never-saved" in refused.value.read().decode()
