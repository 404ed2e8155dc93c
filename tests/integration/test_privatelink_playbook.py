"""playbooks/privatelink.yml end to end on the lab: plan, build, rerun, tear down, from both accounts."""

import json
import sys

import botocore.exceptions
import pytest
import yaml

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C
from conftest import REPO, playbook_runner

PLAYBOOKS = REPO / "playbooks"


def mutating(localaws, mark):
    return [c for c in localaws.control.calls(mark) if c["mutating"]]


def ours(localaws):
    """Every PrivateLink resource of the demo left in either account."""
    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")
    return {
        "services": [s["ServiceId"] for s in ec2_a.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
                     if {"Key": "Name", "Value": "crossvpc-demo"} in s.get("Tags", [])],
        "endpoints": [e["VpcEndpointId"] for e in ec2_b.describe_vpc_endpoints()["VpcEndpoints"]
                      if {"Key": "Name", "Value": "crossvpc-demo"} in e.get("Tags", [])
                      and e["State"].lower() not in ("deleted", "deleting")],
        "load_balancers": [lb["LoadBalancerArn"] for lb in localaws.client("elbv2", "crossvpc-a")
                           .describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == "crossvpc-demo"],
        "security_groups": [g["GroupId"] for g in ec2_b.describe_security_groups(
            Filters=[{"Name": "group-name", "Values": ["crossvpc-demo-endpoint"]}])["SecurityGroups"]],
    }


def released(localaws, installed):
    """Run playbooks by file name from the installed release (conftest's ``installed``), as its user does."""
    run, collections = playbook_runner(localaws), installed[1]
    playbooks = collections / "ansible_collections" / "crossvpc" / "aws" / "playbooks"
    return lambda name, *args, **kwargs: run(playbooks / name, *args, env={"ANSIBLE_COLLECTIONS_PATH": str(collections)}, **kwargs)


def revoked_inventory(tmp_path, consumer_accounts):
    """inventories/local with account B out of the consumer group and without its consumer variables,
    the provider serving ``consumer_accounts`` besides."""
    directory = tmp_path / "revoked"
    directory.mkdir()
    for source in (REPO / "inventories" / "local").glob("*.yml"):
        data = yaml.safe_load(source.read_text())
        children = data["all"].get("children") or {}
        children.pop("consumer", None)
        for group in children.values():
            for name, host in (group.get("hosts") or {}).items():
                for variable in [v for v in host or {} if v.startswith("privatelink_consumer_")]:
                    del host[variable]
                if name == "account_a" and host and "privatelink_provider_name" in host:
                    host["privatelink_provider_consumer_accounts"] = consumer_accounts
        (directory / source.name).write_text(yaml.safe_dump(data))
    return directory


def test_check_converge_rerun_revoke_and_teardown(localaws, lab, installed, tmp_path):
    """Run from the collection as a user installs it (its tarball, installed offline), on the repository's inventory."""
    ansible = released(localaws, installed)
    mark = localaws.control.mark()
    plan = ansible("privatelink.yml", check=True, diff=True)
    assert plan.returncode == 0, plan.stdout[-4000:]
    assert mutating(localaws, mark) == []
    assert ours(localaws) == {"services": [], "endpoints": [], "load_balancers": [], "security_groups": []}
    assert plan.result("Ensure the interface endpoint to the provider's service", "account_b")["changes"] == {"create": True}

    first = ansible("privatelink.yml")
    assert first.returncode == 0, first.stdout[-4000:]
    assert plan.changes() == first.changes()  # --check named exactly the changes the build made
    report = first.result("Show what the consumer calls", "account_b")["msg"]

    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")
    [service] = ours(localaws)["services"]
    [config] = ec2_a.describe_vpc_endpoint_service_configurations(ServiceIds=[service])["ServiceConfigurations"]
    assert config["AcceptanceRequired"] is True and report["service_name"] == config["ServiceName"]
    allowed = ec2_a.describe_vpc_endpoint_service_permissions(ServiceId=service)["AllowedPrincipals"]
    assert [p["Principal"] for p in allowed] == [f"arn:aws:iam::{ACCOUNT_B}:root"]
    [endpoint] = ec2_b.describe_vpc_endpoints(VpcEndpointIds=[report["endpoint_id"]])["VpcEndpoints"]
    assert endpoint["State"] == "available" and endpoint["OwnerId"] == ACCOUNT_B
    assert report["endpoint_state"] == "available"
    assert report["call"] == f"{endpoint['DnsEntries'][0]['DnsName']}:8443"
    [group] = ec2_b.describe_security_groups(GroupIds=[g["GroupId"] for g in endpoint["Groups"]])["SecurityGroups"]
    [clients] = ec2_b.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["crossvpc-lab-b-clients"]}])[
        "SecurityGroups"]
    assert [(p["FromPort"], p["ToPort"], [g["GroupId"] for g in p["UserIdGroupPairs"]], p["IpRanges"])
            for p in group["IpPermissions"]] == [(8443, 8443, [clients["GroupId"]], [])]
    connections = ec2_a.describe_vpc_endpoint_connections()["VpcEndpointConnections"]
    assert [(c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in connections
            if c["VpcEndpointId"] == report["endpoint_id"]] == [(ACCOUNT_B, "available")]

    # A third account is not allowed, so AWS says the service does not exist.
    outsider = localaws.client("ec2", "crossvpc-c")
    vpc = outsider.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = outsider.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        outsider.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, SubnetIds=[subnet],
                                     ServiceName=config["ServiceName"])
    assert refused.value.response["Error"]["Code"] == "InvalidServiceName"

    mark = localaws.control.mark()
    second = ansible("privatelink.yml")
    assert second.returncode == 0 and second.changed() == 0, second.stdout[-3000:]
    assert mutating(localaws, mark) == []
    assert {c["account"] for c in localaws.control.calls(mark)} == {ACCOUNT_A, ACCOUNT_B}

    # Account B revoked, the last consumer this inventory manages: out of the consumer group, its
    # consumer variables gone, the provider listing only an account it does not manage. B's live
    # connection is rejected, not left connected.
    revoked = ansible("privatelink.yml", inventory=revoked_inventory(tmp_path, [ACCOUNT_C]))
    assert revoked.returncode == 0, revoked.stdout[-3000:]
    assert [p["Principal"] for p in ec2_a.describe_vpc_endpoint_service_permissions(ServiceId=service)["AllowedPrincipals"]] == [
        f"arn:aws:iam::{ACCOUNT_C}:root"]
    assert [(c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in ec2_a.describe_vpc_endpoint_connections()["VpcEndpointConnections"]
            if c["VpcEndpointId"] == report["endpoint_id"]] == [(ACCOUNT_B, "rejected")]

    teardown = ansible("privatelink_teardown.yml")
    assert teardown.returncode == 0, teardown.stdout[-3000:]
    assert ours(localaws) == {"services": [], "endpoints": [], "load_balancers": [], "security_groups": []}
    mark = localaws.control.mark()
    again = ansible("privatelink_teardown.yml")
    assert again.returncode == 0 and again.changed() == 0
    assert mutating(localaws, mark) == []


def test_consumer_role_an_account_not_allowed_fails_before_anything_is_made(localaws, ansible, module, tmp_path):
    """The provider's output lists the accounts it allows; a consumer not among them looks the service up
    first, with read calls, and fails before its endpoint's security group is made."""
    ec2_a, ec2_c = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-c")
    provider_vpc = ec2_a.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    provider_subnets = [ec2_a.create_subnet(VpcId=provider_vpc, CidrBlock=f"10.0.{n}.0/24", AvailabilityZone=f"us-east-1{z}")
                        ["Subnet"]["SubnetId"] for n, z in ((1, "a"), (2, "b"))]
    nlb = module("crossvpc.aws.network_load_balancer", {"name": "pl-role-outsider", "subnet_ids": provider_subnets,
                                                        "listener_port": 8443, "targets": ["10.0.1.10"]})
    service = module("crossvpc.aws.vpc_endpoint_service", {
        "name": "pl-role-outsider", "network_load_balancer_arns": [nlb["load_balancer"]["load_balancer_arn"]],
        "allowed_principals": [ACCOUNT_B]})["service"]
    vpc = ec2_c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2_c.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    playbook = tmp_path / "consumer.yml"
    playbook.write_text(json.dumps([{
        "hosts": "localhost", "gather_facts": False, "connection": "local",
        "module_defaults": {"group/crossvpc.aws.aws": {"profile": "crossvpc-c", "region": "us-east-1"}},
        "vars": {"aws_account_id": ACCOUNT_C, "privatelink_consumer_name": "pl-role-outsider",
                 "privatelink_consumer_vpc_id": vpc, "privatelink_consumer_subnet_ids": [subnet],
                 "privatelink_consumer_client_cidrs": ["10.0.0.0/16"],
                 # as the provider role hands it over: the accounts it allows, not C
                 "privatelink_consumer_service": {"service_name": service["service_name"], "service_id": service["service_id"],
                                                  "port": 8443, "allowed_accounts": service["allowed_accounts"]}},
        "roles": [{"role": "crossvpc.aws.privatelink_consumer"}]}]))

    mark = localaws.control.mark()
    run = ansible(playbook, inventory="localhost,", extra_vars={"ansible_python_interpreter": sys.executable})
    assert run.returncode != 0, run.stdout[-3000:]
    failed = run.result("Check that the provider's service lets this account in, before anything is made")
    assert failed.get("failed") and "does not exist, or does not allow this account" in failed["msg"], failed
    assert mutating(localaws, mark) == []
    assert {c["action"] for c in localaws.control.calls(mark) if c["account"] == ACCOUNT_C} == {
        "DescribeVpcEndpoints", "DescribeVpcs", "DescribeSubnets", "DescribeVpcEndpointServices"}
    assert ec2_c.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["pl-role-outsider-endpoint"]}])[
        "SecurityGroups"] == []
