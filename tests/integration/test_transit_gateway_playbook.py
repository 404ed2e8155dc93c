"""playbooks/transit_gateway.yml and its teardown on the local AWS: a hub in account A with spoke
VPCs in A and B. Everything asserted is read back from the two accounts or counted at the server."""

import json

import pytest

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C

PLAYBOOK = "playbooks/transit_gateway.yml"
TEARDOWN = "playbooks/transit_gateway_teardown.yml"


def spoke_vpc(localaws, profile, cidr, name):
    """A VPC with two subnets in two zones, each with its own route table."""
    ec2 = localaws.client("ec2", profile)
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    tables = []
    for n, zone in ((1, "a"), (2, "b")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n}.0/24", AvailabilityZone=f"us-east-1{zone}",
                                   TagSpecifications=[{"ResourceType": "subnet", "Tags": [
                                       {"Key": "Name", "Value": f"{name}-{n}"}]}])["Subnet"]["SubnetId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        tables.append(table)
    return {"profile": profile, "vpc": vpc, "cidr": cidr, "name": name, "tables": tables}


def inventory(tmp_path, hub_name, spokes_a, spokes_b, **extra):
    def host(profile, account, spokes):
        return {**extra, "aws_profile": profile, "aws_region": "us-east-1", "aws_account_id": account,
                "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "transit_gateway_hub_name": hub_name,
                "transit_gateway_spoke_vpcs": [{"vpc_name": s["name"], "subnet_names": [f"{s['name']}-1", f"{s['name']}-2"],
                                                "name": s["name"]} for s in spokes]}

    # A spoke account this inventory does not manage, shared with beside the spoke hosts' accounts.
    hub = dict(host("crossvpc-a", ACCOUNT_A, spokes_a), transit_gateway_hub_spoke_accounts=[ACCOUNT_C], transit_gateway_hub_route_tables=[
        {"name": "spokes", "associate": "*", "propagate": "*", "routes": [
            {"destination_cidr": "10.99.0.0/16", "blackhole": True},
            # By the spoke's name, before its attachment exists (e.g. an egress or shared-services VPC's wider range).
            {"destination_cidr": "10.98.0.0/16", "attachment_name": spokes_b[0]["name"]}]}])
    path = tmp_path / f"inventory{len(extra)}.json"
    path.write_text(json.dumps({"all": {"children": {
        "hub": {"hosts": {"acct_a": hub}},
        "spoke": {"hosts": {"acct_a": {}, "acct_b": host("crossvpc-b", ACCOUNT_B, spokes_b)}}}}}))
    return path


def mutating(localaws, mark):
    return [(c["account"], c["action"]) for c in localaws.control.calls(mark) if c["mutating"]]


def gateways(localaws, name):
    found = localaws.client("ec2", "crossvpc-a").describe_transit_gateways(
        Filters=[{"Name": "tag:Name", "Values": [name]}])["TransitGateways"]
    return [g for g in found if g["State"] not in ("deleting", "deleted")]


def tgw_routes(localaws, spoke):
    """{destination: transit gateway} of a spoke VPC's routes to a transit gateway, per route table."""
    ec2 = localaws.client("ec2", spoke["profile"])
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [spoke["vpc"]]}])["RouteTables"]
    return {t["RouteTableId"]: {r["DestinationCidrBlock"]: r["TransitGatewayId"] for r in t["Routes"]
                                if r.get("TransitGatewayId")} for t in tables}


def test_hub_with_spokes_in_two_accounts(localaws, ansible, tmp_path):
    spokes_a = [spoke_vpc(localaws, "crossvpc-a", "10.61.0.0/16", "tgw-spoke-a1"),
                spoke_vpc(localaws, "crossvpc-a", "10.62.0.0/16", "tgw-spoke-a2")]
    spokes_b = [spoke_vpc(localaws, "crossvpc-b", "10.63.0.0/16", "tgw-spoke-b1")]
    spokes = spokes_a + spokes_b
    hosts = inventory(tmp_path, "tgw-test-hub", spokes_a, spokes_b)

    mark = localaws.control.mark()
    check = ansible(PLAYBOOK, check=True, inventory=hosts)
    assert check.returncode == 0, check.stdout[-3000:] + check.stderr
    assert check.changed() > 0
    assert mutating(localaws, mark) == []
    assert gateways(localaws, "tgw-test-hub") == []

    converge = ansible(PLAYBOOK, inventory=hosts)
    assert converge.returncode == 0, converge.stdout[-3000:] + converge.stderr
    assert check.changes() == converge.changes()  # --check named exactly the changes the build made
    [gateway] = gateways(localaws, "tgw-test-hub")
    tgw_id = gateway["TransitGatewayId"]
    ec2_a = localaws.client("ec2", "crossvpc-a")
    attachments = ec2_a.describe_transit_gateway_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])["TransitGatewayAttachments"]
    by_vpc = {a["ResourceId"]: a for a in attachments if a["State"] == "available"}
    assert set(by_vpc) == {s["vpc"] for s in spokes}
    assert by_vpc[spokes_b[0]["vpc"]]["ResourceOwnerId"] == ACCOUNT_B
    ram = localaws.client("ram", "crossvpc-a")
    [share] = [s for s in ram.get_resource_shares(resourceOwner="SELF", name="tgw-test-hub")["resourceShares"] if s["status"] == "ACTIVE"]
    associations = ram.get_resource_share_associations(associationType="PRINCIPAL", resourceShareArns=[share["resourceShareArn"]])
    # B accepted as a spoke host; C's invitation waits for an account this inventory does not manage.
    assert sorted((a["associatedEntity"], a["status"]) for a in associations["resourceShareAssociations"]) == [
        (ACCOUNT_B, "ASSOCIATED"), (ACCOUNT_C, "ASSOCIATING")]
    [table] = ec2_a.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])["TransitGatewayRouteTables"]
    table_id = table["TransitGatewayRouteTableId"]
    ids = {a["TransitGatewayAttachmentId"] for a in by_vpc.values()}
    associated = ec2_a.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table_id)["Associations"]
    propagating = ec2_a.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=table_id)["TransitGatewayRouteTablePropagations"]
    assert {a["TransitGatewayAttachmentId"] for a in associated} == ids
    assert {p["TransitGatewayAttachmentId"] for p in propagating} == ids
    propagated = ec2_a.search_transit_gateway_routes(
        TransitGatewayRouteTableId=table_id, Filters=[{"Name": "type", "Values": ["propagated"]}])["Routes"]
    assert {r["DestinationCidrBlock"] for r in propagated} == {s["cidr"] for s in spokes}
    static = ec2_a.search_transit_gateway_routes(
        TransitGatewayRouteTableId=table_id, Filters=[{"Name": "type", "Values": ["static"]}])["Routes"]
    b1_attachment = by_vpc[spokes_b[0]["vpc"]]["TransitGatewayAttachmentId"]
    assert sorted((r["DestinationCidrBlock"], r["State"], [a["TransitGatewayAttachmentId"] for a in r.get("TransitGatewayAttachments", [])])
                  for r in static) == [("10.98.0.0/16", "active", [b1_attachment]), ("10.99.0.0/16", "blackhole", [])]
    # Every route table of every spoke VPC routes the other spokes' CIDRs, and the named route's range
    # where it leads to another spoke, to the hub; nothing else.
    for spoke in spokes:
        others = {s["cidr"]: tgw_id for s in spokes if s is not spoke}
        others.update({"10.98.0.0/16": tgw_id} if spoke is not spokes_b[0] else {})
        routes = tgw_routes(localaws, spoke)
        assert set(spoke["tables"]) <= set(routes)
        assert all(found == others for found in routes.values()), routes

    mark = localaws.control.mark()
    rerun = ansible(PLAYBOOK, inventory=hosts)
    assert rerun.returncode == 0 and rerun.changed() == 0, rerun.stats
    assert mutating(localaws, mark) == []

    # A spoke's routes narrowed to one range: the others it routed to the gateway go, in its account alone (the tenth
    # trial's g010); the other spokes keep theirs.
    narrowed = json.loads(hosts.read_text())
    narrowed["all"]["children"]["spoke"]["hosts"]["acct_b"]["transit_gateway_spoke_route_cidrs"] = [spokes_a[0]["cidr"]]
    narrowed_hosts = tmp_path / "narrowed.json"
    narrowed_hosts.write_text(json.dumps(narrowed))
    mark = localaws.control.mark()
    narrowing = ansible(PLAYBOOK, inventory=narrowed_hosts)
    assert narrowing.returncode == 0, narrowing.stdout[-3000:]
    assert sorted(set(mutating(localaws, mark))) == [(ACCOUNT_B, "DeleteRoute")]
    assert all(found == {spokes_a[0]["cidr"]: tgw_id} for found in tgw_routes(localaws, spokes_b[0]).values())
    assert all(found == {s["cidr"]: tgw_id for s in spokes if s is not spokes_a[1]} | {"10.98.0.0/16": tgw_id}
               for found in tgw_routes(localaws, spokes_a[1]).values())
    # Narrowed to none: [] is no range, not every spoke's (the thirteenth trial's TG30 got every spoke's routes).
    narrowed["all"]["children"]["spoke"]["hosts"]["acct_b"]["transit_gateway_spoke_route_cidrs"] = []
    narrowed_hosts.write_text(json.dumps(narrowed))
    mark = localaws.control.mark()
    emptied = ansible(PLAYBOOK, inventory=narrowed_hosts)
    assert emptied.returncode == 0, emptied.stdout[-3000:]
    assert sorted(set(mutating(localaws, mark))) == [(ACCOUNT_B, "DeleteRoute")]
    assert all(found == {} for found in tgw_routes(localaws, spokes_b[0]).values())

    # The teardown's inventory routes a summary now: the routes the build made to the gateway go all the same.
    # Its check run predicts it (the gateway's attachments are only planned to go: a warning, not a failure).
    teardown_hosts = inventory(tmp_path, "tgw-test-hub", spokes_a, spokes_b, transit_gateway_spoke_route_cidrs=["10.0.0.0/8"])
    mark = localaws.control.mark()
    check = ansible(TEARDOWN, check=True, inventory=teardown_hosts)
    assert check.returncode == 0, [(name, host, result.get("msg")) for name, host, result in check.tasks() if result.get("failed")]
    assert mutating(localaws, mark) == [] and len(gateways(localaws, "tgw-test-hub")) == 1
    teardown = ansible(TEARDOWN, inventory=teardown_hosts)
    assert teardown.returncode == 0, [(name, host, result.get("msg")) for name, host, result in teardown.tasks() if result.get("failed")]
    assert check.changes() == teardown.changes()
    assert gateways(localaws, "tgw-test-hub") == []
    for spoke in spokes:
        assert all(found == {} for found in tgw_routes(localaws, spoke).values())
    shares = localaws.client("ram", "crossvpc-a").get_resource_shares(resourceOwner="SELF", name="tgw-test-hub")
    assert [s["status"] for s in shares["resourceShares"] if s["status"] != "DELETED"] == []

    mark = localaws.control.mark()
    again = ansible(TEARDOWN, inventory=hosts)
    assert again.returncode == 0 and again.changed() == 0, again.stats
    assert mutating(localaws, mark) == []


@pytest.mark.parametrize("spoke_entry, message", [
    ({"vpc_name": "tgw-bad-1", "subnet_names": ["tgw-bad-1-1", "tgw-bad-1-1b"], "name": "x"}, "one subnet per Availability Zone"),
    ({"vpc_name": "tgw-bad-1", "subnet_names": ["tgw-bad-2-1"], "name": "x"}, "subnet_names: tgw-bad-2-1 not found"),
    ({"vpc_name": "no-such-vpc", "subnet_names": ["x"], "name": "x"}, "vpc_name='no-such-vpc'"),
    ({"vpc_name": "tgw-bad-1", "subnet_ids": ["SUBNET OF tgw-bad-2"], "name": "x"}, "is not a subnet of"),
])
def test_bad_spokes_fail_before_any_mutating_call(localaws, module, spoke_entry, message):
    ec2 = localaws.client("ec2", "crossvpc-a")
    if not ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["tgw-bad-1"]}])["Vpcs"]:
        spoke_vpc(localaws, "crossvpc-a", "10.71.0.0/16", "tgw-bad-1")
        spoke_vpc(localaws, "crossvpc-a", "10.72.0.0/16", "tgw-bad-2")
        [vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["tgw-bad-1"]}])["Vpcs"]
        ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.71.9.0/24", AvailabilityZone="us-east-1a",
                          TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "tgw-bad-1-1b"}]}])
    if spoke_entry.get("subnet_ids") == ["SUBNET OF tgw-bad-2"]:
        other = ec2.describe_subnets(Filters=[{"Name": "tag:Name", "Values": ["tgw-bad-2-1"]}])["Subnets"][0]
        spoke_entry = dict(spoke_entry, subnet_ids=[other["SubnetId"]])
    gateway = module("crossvpc.aws.transit_gateway", {"name": "tgw-bad-input"})["transit_gateway"]
    mark = localaws.control.mark()
    result = module("crossvpc.aws.transit_gateway_attachment",
                    {"transit_gateway_id": gateway["transit_gateway_id"], "attachments": [spoke_entry]})
    assert result.get("failed") and message in result["msg"], result.get("msg")
    assert mutating(localaws, mark) == []
