"""Every resource module's --diff prints: Ansible's callbacks render a diff's before and after only
when each is a mapping or text (a list fails with "'list' object has no attribute 'splitlines'",
and the task's diff is lost). One change per module, each module's main() run in this process
against the local AWS, its result['diff'] through the callbacks' own rendering."""

import copy

from ansible.plugins.callback import CallbackBase

from localaws import ACCOUNT_B

UNKNOWN = "(known after apply)"
A, B = "crossvpc-a", "crossvpc-b"


def mutating(localaws, mark):
    return [(c["account"], c["action"]) for c in localaws.control.calls(mark) if c["mutating"]]


def network(localaws, profile, cidr, name):
    """A VPC with two subnets in two zones and a route table, named ``name``."""
    ec2 = localaws.client("ec2", profile)
    tag = [{"Key": "Name", "Value": name}]
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": tag}])["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    return {"vpc": vpc, "subnets": subnets, "table": table}


def rendered(result):
    """What the default callback prints for the task's diff (CallbackBase._get_diff, as it calls it)."""
    return CallbackBase()._get_diff(copy.deepcopy(result["diff"]))  # pylint: disable=protected-access


def test_every_module_diff_renders(localaws, module):
    a1, a2 = network(localaws, A, "10.91.0.0/16", "diff-a1"), network(localaws, A, "10.92.0.0/16", "diff-a2")
    b1 = network(localaws, B, "10.93.0.0/16", "diff-b1")
    runs = []  # (module, result, check mode)

    def run(name, args, profile=A, check=False):
        result = module(f"crossvpc.aws.{name}", args, profile=profile, check=check, diff=True)
        assert not result.get("failed"), (name, result.get("msg"))
        runs.append((name, result, check))
        return result

    # Check-mode changes: planned, nothing made.
    mark = localaws.control.mark()
    run("security_group", {"name": "diff-sg", "description": "diff", "vpc_id": a1["vpc"], "ports": [443],
                           "source_cidrs": ["10.0.0.0/8"]}, check=True)
    run("vpc_peering", {"vpc_id": a1["vpc"], "peer_vpc_id": a2["vpc"]}, check=True)
    assert mutating(localaws, mark) == []

    # Real changes the later modules build on, each with its diff.
    nlb = run("network_load_balancer", {"name": "diff-nlb", "subnet_ids": a1["subnets"], "listener_port": 8443,
                                        "targets": ["10.91.1.10"]})["load_balancer"]
    service = run("vpc_endpoint_service", {"name": "diff-svc", "network_load_balancer_arns": [nlb["load_balancer_arn"]],
                                           "allowed_principals": [ACCOUNT_B]})["service"]
    endpoint = run("vpc_endpoint", {"name": "diff-ep", "vpc_id": b1["vpc"], "service_name": service["service_name"],
                                    "subnet_ids": b1["subnets"]}, profile=B)["endpoint"]
    run("vpc_endpoint_connection", {"service_id": service["service_id"], "consumer_accounts": [ACCOUNT_B]})
    gateway = run("transit_gateway", {"name": "diff-tgw"})["transit_gateway"]
    tgw_id = gateway["transit_gateway_id"]
    run("transit_gateway_attachment", {"transit_gateway_id": tgw_id, "attachments": [
        {"vpc_id": a1["vpc"], "subnet_ids": a1["subnets"], "name": "diff-a1"}]})

    mark = localaws.control.mark()
    # The revocation of account B, with the connection it would reject.
    revoke = run("vpc_endpoint_service", {"name": "diff-svc", "network_load_balancer_arns": [nlb["load_balancer_arn"]],
                                          "allowed_principals": []}, check=True)
    assert revoke["changes"]["reject_connections"] == [endpoint["vpc_endpoint_id"]]
    run("transit_gateway_attachment", {"transit_gateway_id": tgw_id, "attachments": [
        {"vpc_id": a2["vpc"], "subnet_ids": a2["subnets"], "name": "diff-a2"}]}, check=True)
    run("transit_gateway_attachment", {"transit_gateway_id": tgw_id, "state": "absent",
                                       "attachments": [{"vpc_id": a1["vpc"]}]}, check=True)
    run("transit_gateway_attachment", {"transit_gateway_id": tgw_id, "state": "accepted", "vpc_ids": [b1["vpc"]],
                                       "attachment_ids": [UNKNOWN]}, check=True)
    run("transit_gateway_route_table", {"transit_gateway_id": tgw_id, "name": "diff-rt", "routes": [
        {"destination_cidr": "10.99.0.0/16", "blackhole": True}]}, check=True)
    run("resource_share", {"name": "diff-share", "resource_arns": [gateway["transit_gateway_arn"]],
                           "principals": [ACCOUNT_B]}, check=True)
    run("vpc_route", {"route_table_ids": [a1["table"]], "destination_cidrs": ["10.92.0.0/16"],
                      "transit_gateway_id": tgw_id}, check=True)
    assert mutating(localaws, mark) == []

    problems = []
    for name, result, check in runs:
        diff = result.get("diff")
        if not result["changed"] or diff is None:
            problems.append(f"{name}: changed={result['changed']}, no diff")
            continue
        shapes = {side: type(diff[side]).__name__ for side in ("before", "after")}
        if not all(isinstance(diff[side], (dict, str, type(None))) for side in ("before", "after")):
            problems.append(f"{name}: before/after are {shapes}")
            continue
        text = rendered(result)
        if not any(line.startswith("+") and not line.startswith("+++") for line in text.splitlines()):
            problems.append(f"{name}{' (check mode)' if check else ''}: the rendered diff shows no change:\n{text}")
    assert problems == [], "\n".join(problems)
    assert {name for name, _result, _check in runs} == {
        "security_group", "vpc_peering", "network_load_balancer", "vpc_endpoint_service", "vpc_endpoint",
        "vpc_endpoint_connection", "transit_gateway", "transit_gateway_attachment", "transit_gateway_route_table",
        "resource_share", "vpc_route"}
