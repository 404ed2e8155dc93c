"""crossvpc.aws.vpc_route against the local AWS: every result is read back from AWS and the call log."""

import pytest

from localaws import ACCOUNT_B

MODULE = "crossvpc.aws.vpc_route"


@pytest.fixture
def net(localaws):
    """A VPC with two subnets (own tables), the main table, a peering, a TGW and an IGW."""
    ec2 = localaws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    peer = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnets, tables = [], []
    for n, zone in ((1, "a"), (2, "b")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{n}.0/24",
                                   AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
        rtb = ec2.create_route_table(VpcId=vpc, TagSpecifications=[{
            "ResourceType": "route-table", "Tags": [{"Key": "tier", "Value": f"t{n}"}]}])
        rtb = rtb["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
        subnets.append(subnet)
        tables.append(rtb)
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                              {"Name": "association.main", "Values": ["true"]}])
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer)["VpcPeeringConnection"]
    tgw = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    return {"ec2": ec2, "vpc": vpc, "subnets": subnets, "tables": tables, "tgw": tgw, "igw": igw,
            "main": main["RouteTables"][0]["RouteTableId"], "pcx": pcx["VpcPeeringConnectionId"]}


def routes_in(ec2, table_id):
    """{destination: target} read back from AWS."""
    [table] = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
    out = {}
    for r in table["Routes"]:
        dest = r.get("DestinationCidrBlock") or r.get("DestinationIpv6CidrBlock")
        out[dest] = next(r[k] for k in ("GatewayId", "VpcPeeringConnectionId", "TransitGatewayId",
                                        "NatGatewayId") if r.get(k))
    return out


def mutating(localaws, mark):
    return [c for c in localaws.control.calls(mark) if c["mutating"]]


def test_check_mode_reports_the_plan_and_changes_nothing(localaws, module, net):
    mark = localaws.control.mark()
    result = module(MODULE, {"vpc_id": net["vpc"], "subnet_ids": net["subnets"],
                             "destination_cidrs": ["10.1.0.0/16"],
                             "vpc_peering_connection_id": net["pcx"]}, check=True, diff=True)
    assert result["changed"] is True
    assert sorted((c["route_table_id"], c["action"]) for c in result["changes"]) == sorted(
        (t, "create") for t in net["tables"])
    assert result["diff"]["after"][net["tables"][0]]["10.1.0.0/16"] == net["pcx"]
    assert "10.1.0.0/16" not in result["diff"]["before"][net["tables"][0]]
    assert mutating(localaws, mark) == []
    assert all("10.1.0.0/16" not in routes_in(net["ec2"], t) for t in net["tables"])


def test_create_then_second_run_makes_no_mutating_call(localaws, module, net):
    args = {"vpc_id": net["vpc"], "subnet_ids": net["subnets"],
            "destination_cidrs": ["10.1.0.0/17", "10.1.128.0/17"],  # the peer VPC in halves
            "vpc_peering_connection_id": net["pcx"]}
    first = module(MODULE, args)
    assert first["changed"] is True and len(first["changes"]) == 4
    for table in net["tables"]:
        assert routes_in(net["ec2"], table)["10.1.0.0/17"] == net["pcx"]
        assert routes_in(net["ec2"], table)["10.1.128.0/17"] == net["pcx"]
    assert "10.1.0.0/17" not in routes_in(net["ec2"], net["main"])

    mark = localaws.control.mark()
    second = module(MODULE, args)
    assert second["changed"] is False and second["changes"] == []
    calls = [c for c in localaws.control.calls(mark) if c["service"] == "ec2"]
    assert [c for c in calls if c["mutating"]] == []
    assert len(calls) <= 2  # route tables of the VPC, subnets: nothing else is needed


def test_a_route_to_a_peering_for_a_range_beyond_the_peer_is_refused(localaws, module, net):
    """The eighteenth trial's M19: a peering carries traffic to the peer VPC's ranges only, so such a route never carries any."""
    mark = localaws.control.mark()
    result = module(MODULE, {"vpc_id": net["vpc"], "destination_cidrs": ["10.1.0.0/16", "192.168.0.0/16"],
                             "vpc_peering_connection_id": net["pcx"]})
    assert result.get("failed") and result["msg"].startswith(
        f"vpc_peering_connection_id='{net['pcx']}': leads to the peer VPC's 10.1.0.0/16 only, and 192.168.0.0/16 is outside: a "
        "peering does not carry traffic on to other networks"), result
    assert mutating(localaws, mark) == []


def test_route_to_another_target_is_replaced_with_diff(localaws, module, net):
    table = net["tables"][0]
    net["ec2"].create_route(RouteTableId=table, DestinationCidrBlock="10.1.0.0/16",
                            TransitGatewayId=net["tgw"])
    result = module(MODULE, {"route_table_ids": [table], "destination_cidrs": ["10.1.0.0/16"],
                             "vpc_peering_connection_id": net["pcx"]}, diff=True)
    assert [(c["action"], c["before"], c["after"]) for c in result["changes"]] == [
        ("replace", net["tgw"], net["pcx"])]
    assert result["diff"]["before"][table]["10.1.0.0/16"] == net["tgw"]
    assert routes_in(net["ec2"], table)["10.1.0.0/16"] == net["pcx"]


def test_replace_false_fails_without_changing_anything(localaws, module, net):
    table = net["tables"][0]
    net["ec2"].create_route(RouteTableId=table, DestinationCidrBlock="10.1.0.0/16",
                            TransitGatewayId=net["tgw"])
    mark = localaws.control.mark()
    result = module(MODULE, {"route_table_ids": net["tables"], "replace": False,
                             "destination_cidrs": ["10.1.0.0/16"],
                             "vpc_peering_connection_id": net["pcx"]})
    assert result["failed"] and "replace=false" in result["msg"] and table in result["msg"]
    assert mutating(localaws, mark) == []
    assert "10.1.0.0/16" not in routes_in(net["ec2"], net["tables"][1])


def test_other_routes_are_left_alone(localaws, module, net):
    table = net["tables"][0]
    ec2 = net["ec2"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=net["igw"])
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.7.0.0/16", TransitGatewayId=net["tgw"])
    before = routes_in(ec2, table)
    module(MODULE, {"route_table_ids": [table], "destination_cidrs": ["10.1.0.0/16"],
                    "vpc_peering_connection_id": net["pcx"]})
    module(MODULE, {"route_table_ids": [table], "destination_cidrs": ["10.1.0.0/16"],
                    "vpc_peering_connection_id": net["pcx"], "state": "absent"})
    assert routes_in(ec2, table) == before


def test_absent_removes_only_routes_to_the_target_and_is_idempotent(localaws, module, net):
    ec2 = net["ec2"]
    ec2.create_route(RouteTableId=net["tables"][0], DestinationCidrBlock="10.1.0.0/16",
                     VpcPeeringConnectionId=net["pcx"])
    ec2.create_route(RouteTableId=net["tables"][1], DestinationCidrBlock="10.1.0.0/16",
                     TransitGatewayId=net["tgw"])
    args = {"vpc_id": net["vpc"], "destination_cidrs": ["10.1.0.0/16"], "state": "absent",
            "vpc_peering_connection_id": net["pcx"]}
    result = module(MODULE, args)
    assert [(c["route_table_id"], c["action"]) for c in result["changes"]] == [
        (net["tables"][0], "delete")]
    assert "10.1.0.0/16" not in routes_in(ec2, net["tables"][0])
    assert routes_in(ec2, net["tables"][1])["10.1.0.0/16"] == net["tgw"]
    mark = localaws.control.mark()
    assert module(MODULE, args)["changed"] is False
    assert mutating(localaws, mark) == []


def test_exclusive_removes_the_targets_routes_outside_the_named_tables_and_cidrs(localaws, module, net):
    ec2, (first, second) = net["ec2"], net["tables"]
    ec2.create_route(RouteTableId=second, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=net["pcx"])
    ec2.create_route(RouteTableId=first, DestinationCidrBlock="10.9.0.0/16", VpcPeeringConnectionId=net["pcx"])
    ec2.create_route(RouteTableId=second, DestinationCidrBlock="10.8.0.0/16", TransitGatewayId=net["tgw"])
    args = {"route_table_ids": [first], "destination_cidrs": ["10.1.0.0/16"],
            "vpc_peering_connection_id": net["pcx"], "exclusive": True}
    mark = localaws.control.mark()
    planned = module(MODULE, args, check=True)
    assert mutating(localaws, mark) == []
    result = module(MODULE, args)
    assert sorted((c["route_table_id"], c["destination"], c["action"]) for c in result["changes"]) == sorted([
        (first, "10.1.0.0/16", "create"), (first, "10.9.0.0/16", "delete"), (second, "10.1.0.0/16", "delete")])
    assert planned["changes"] == result["changes"]
    assert routes_in(ec2, first)["10.1.0.0/16"] == net["pcx"] and "10.9.0.0/16" not in routes_in(ec2, first)
    assert "10.1.0.0/16" not in routes_in(ec2, second)
    assert routes_in(ec2, second)["10.8.0.0/16"] == net["tgw"]  # another target's route stays
    mark = localaws.control.mark()
    assert module(MODULE, args)["changed"] is False
    assert mutating(localaws, mark) == []


def test_tables_chosen_by_tag_and_all_tables_of_a_vpc(localaws, module, net):
    result = module(MODULE, {"vpc_id": net["vpc"], "route_table_tags": {"tier": "t2"},
                             "destination_cidrs": ["10.3.0.0/16"], "transit_gateway_id": net["tgw"]})
    assert [c["route_table_id"] for c in result["changes"]] == [net["tables"][1]]
    result = module(MODULE, {"vpc_id": net["vpc"], "destination_cidrs": ["10.4.0.0/16"],
                             "transit_gateway_id": net["tgw"]})
    assert sorted(c["route_table_id"] for c in result["changes"]) == sorted(net["tables"] + [net["main"]])
    for table in net["tables"] + [net["main"]]:
        assert routes_in(net["ec2"], table)["10.4.0.0/16"] == net["tgw"]


def test_ipv6_route_to_an_internet_gateway(localaws, module, net):
    module(MODULE, {"route_table_ids": [net["tables"][0]], "destination_cidrs": ["2001:db8::/32"],
                    "gateway_id": net["igw"]})
    assert routes_in(net["ec2"], net["tables"][0])["2001:db8::/32"] == net["igw"]


def test_throttled_api_is_retried_and_converges_without_duplicates(localaws, module, net):
    localaws.control.add_fault(kind="throttle", service="ec2", action="CreateRoute", count=3)
    localaws.control.add_fault(kind="unavailable", service="ec2", action="DescribeRouteTables", count=2)
    try:
        mark = localaws.control.mark()
        result = module(MODULE, {"vpc_id": net["vpc"], "subnet_ids": net["subnets"],
                                 "destination_cidrs": ["10.1.0.0/16"],
                                 "vpc_peering_connection_id": net["pcx"]})
    finally:
        localaws.control.clear_faults()
    assert result["changed"] is True, result
    faulted = [c for c in localaws.control.calls(mark) if c["fault"]]
    assert len(faulted) == 5
    for table in net["tables"]:
        routes = net["ec2"].describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
        assert [r.get("DestinationCidrBlock") for r in routes].count("10.1.0.0/16") == 1


def test_account_b_manages_its_own_tables(localaws, module):
    ec2_b = localaws.client("ec2", "crossvpc-b")
    vpc = ec2_b.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    tgw = ec2_b.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    mark = localaws.control.mark()
    result = module(MODULE, {"vpc_id": vpc, "destination_cidrs": ["10.9.0.0/16"],
                             "transit_gateway_id": tgw}, profile="crossvpc-b")
    assert result["changed"] is True
    [table] = result["route_tables"]
    assert routes_in(ec2_b, table["route_table_id"])["10.9.0.0/16"] == tgw
    assert {c["account"] for c in mutating(localaws, mark)} == {ACCOUNT_B}


BAD_INPUTS = [
    ({"destination_cidrs": ["10.1.0.1/16"]}, "destination_cidrs='10.1.0.1/16': has host bits set. Use 10.1.0.0/16."),
    ({"destination_cidrs": ["10.1.0.0"]}, "destination_cidrs='10.1.0.0': is not a CIDR block"),
    ({"destination_cidrs": ["nonsense"]}, "destination_cidrs='nonsense': is not a CIDR block"),
    ({"vpc_peering_connection_id": "tgw-0123456789abcdef0"}, "vpc_peering_connection_id='tgw-0123456789abcdef0': is not a valid pcx id"),
    ({"route_table_ids": ["vpc-0123456789abcdef0"], "vpc_id": None}, "route_table_ids='vpc-0123456789abcdef0': is not a valid rtb id"),
    ({"subnet_ids": ["sg-0123456789abcdef0"]}, "subnet_ids='sg-0123456789abcdef0': is not a valid subnet id"),
    ({"vpc_peering_connection_id": None}, "state=present needs a target"),
    ({"egress_only_internet_gateway_id": "eigw-0123456789abcdef0", "vpc_peering_connection_id": None},
     "is IPv4, and an egress-only internet gateway routes IPv6 only"),
]


@pytest.mark.parametrize("override, message", BAD_INPUTS, ids=[m[:40] for _o, m in BAD_INPUTS])
def test_bad_input_fails_before_any_api_call(localaws, module, net, override, message):
    args = {"vpc_id": net["vpc"], "destination_cidrs": ["10.1.0.0/16"],
            "vpc_peering_connection_id": net["pcx"]}
    args.update(override)
    args = {k: v for k, v in args.items() if v is not None}
    mark = localaws.control.mark()
    result = module(MODULE, args)
    assert result.get("failed"), result
    assert message in result["msg"]
    assert localaws.control.calls(mark) == []


def test_unknown_ids_fail_before_any_mutating_call(localaws, module, net):
    cases = [
        ({"route_table_ids": [net["tables"][0], "rtb-0000000000000dead"]},
         "route_table_ids: rtb-0000000000000dead not found"),
        ({"vpc_id": "vpc-0000000000000dead"}, "vpc_id='vpc-0000000000000dead': no such VPC"),
        ({"vpc_id": net["vpc"], "subnet_ids": [net["subnets"][0], "subnet-0000000000000dead"]},
         "subnet_ids: subnet-0000000000000dead not found"),
        ({"vpc_id": net["vpc"], "route_table_tags": {"tier": "nope"}}, "matched no route table"),
        ({"vpc_id": net["vpc"], "vpc_peering_connection_id": "pcx-0000000000000dead"},
         "vpc_peering_connection_id='pcx-0000000000000dead': not found in this account and region. Check the id, the account"),
    ]
    for selection, message in cases:
        args = {"destination_cidrs": ["10.1.0.0/16"], "vpc_peering_connection_id": net["pcx"]}
        args.update(selection)
        mark = localaws.control.mark()
        result = module(MODULE, args)
        assert result.get("failed") and message in result["msg"], (selection, result.get("msg"))
        assert mutating(localaws, mark) == []
    for table in net["tables"]:
        assert "10.1.0.0/16" not in routes_in(net["ec2"], table)


def test_subnet_of_another_vpc_is_refused(localaws, module, net):
    ec2 = net["ec2"]
    other = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.create_subnet(VpcId=other, CidrBlock="10.50.1.0/24")["Subnet"]["SubnetId"]
    mark = localaws.control.mark()
    result = module(MODULE, {"vpc_id": net["vpc"], "subnet_ids": [foreign],
                             "destination_cidrs": ["10.1.0.0/16"], "vpc_peering_connection_id": net["pcx"]})
    assert result["failed"] and f"{foreign} belongs to {other}, not to vpc_id {net['vpc']}" in result["msg"]
    assert mutating(localaws, mark) == []


def test_dead_peering_is_refused(localaws, module, net):
    net["ec2"].delete_vpc_peering_connection(VpcPeeringConnectionId=net["pcx"])
    result = module(MODULE, {"vpc_id": net["vpc"], "destination_cidrs": ["10.1.0.0/16"],
                             "vpc_peering_connection_id": net["pcx"]})
    assert result["failed"] and "is deleted, so a route to it would be a blackhole" in result["msg"]


def test_local_route_is_refused(localaws, module, net):
    result = module(MODULE, {"vpc_id": net["vpc"], "destination_cidrs": ["10.0.0.0/16"],
                             "vpc_peering_connection_id": net["pcx"]})
    assert result["failed"] and "is the local route" in result["msg"]


def test_a_range_inside_the_vpc_or_a_peering_of_other_vpcs_is_refused_before_any_change(localaws, module, net):
    """AWS refuses both, after the routes before them were made."""
    mark = localaws.control.mark()
    inside = module(MODULE, {"vpc_id": net["vpc"], "destination_cidrs": ["10.0.5.0/24"], "vpc_peering_connection_id": net["pcx"]})
    assert inside["failed"] and "10.0.5.0/24 lies inside 10.0.0.0/16, the local route of" in inside["msg"], inside["msg"]
    assert mutating(localaws, mark) == []
    ec2 = net["ec2"]
    left, right = (ec2.create_vpc(CidrBlock=c)["Vpc"]["VpcId"] for c in ("10.60.0.0/16", "10.61.0.0/16"))
    strangers = ec2.create_vpc_peering_connection(VpcId=left, PeerVpcId=right)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    mark = localaws.control.mark()
    elsewhere = module(MODULE, {"vpc_id": net["vpc"], "destination_cidrs": ["10.61.0.0/16"], "vpc_peering_connection_id": strangers})
    assert elsewhere["failed"] and f"joins {left} and {right}, not {net['vpc']}" in elsewhere["msg"], elsewhere["msg"]
    assert mutating(localaws, mark) == []
