"""Route planning over boto3-shaped data: what changes, what stays, what is refused."""

import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import routes
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import CrossvpcError

PCX = ("vpc_peering_connection_id", "pcx-0123456789abcdef0")
TGW = ("transit_gateway_id", "tgw-0123456789abcdef0")


def table(table_id, *extra_routes):
    local = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
    return {"RouteTableId": table_id, "VpcId": "vpc-1", "Routes": [local] + list(extra_routes)}


def route(destination, **target):
    key = "DestinationIpv6CidrBlock" if ":" in destination else "DestinationCidrBlock"
    return dict({key: destination, "State": "active"}, **target)


def test_missing_route_is_created_in_every_table():
    changes = routes.plan_routes([table("rtb-1"), table("rtb-2")], ["10.1.0.0/16"], PCX)
    assert [(c["route_table_id"], c["action"], c["before"], c["after"]) for c in changes] == [
        ("rtb-1", "create", None, PCX[1]), ("rtb-2", "create", None, PCX[1])]


def test_route_with_the_right_target_is_no_change():
    tables = [table("rtb-1", route("10.1.0.0/16", VpcPeeringConnectionId=PCX[1]))]
    assert routes.plan_routes(tables, ["10.1.0.0/16"], PCX) == []


def test_route_to_another_target_is_replaced():
    tables = [table("rtb-1", route("10.1.0.0/16", TransitGatewayId=TGW[1]))]
    [change] = routes.plan_routes(tables, ["10.1.0.0/16"], PCX)
    assert (change["action"], change["before"], change["after"]) == ("replace", TGW[1], PCX[1])


def test_replace_false_refuses_to_repoint_and_names_the_route():
    tables = [table("rtb-1", route("10.1.0.0/16", TransitGatewayId=TGW[1]))]
    with pytest.raises(CrossvpcError, match="10.1.0.0/16 in rtb-1 already points at tgw-"):
        routes.plan_routes(tables, ["10.1.0.0/16"], PCX, replace=False)


def test_other_routes_are_never_touched():
    other = route("0.0.0.0/0", GatewayId="igw-0123456789abcdef0")
    tables = [table("rtb-1", other, route("10.1.0.0/16", VpcPeeringConnectionId=PCX[1]))]
    assert routes.plan_routes(tables, ["10.1.0.0/16", "10.2.0.0/16"], PCX)[0]["destination"] == "10.2.0.0/16"
    assert len(routes.plan_routes(tables, ["10.2.0.0/16"], PCX)) == 1
    assert routes.plan_routes(tables, ["10.2.0.0/16"], PCX, state="absent") == []


def test_absent_with_target_removes_only_routes_to_that_target():
    tables = [table("rtb-1", route("10.1.0.0/16", VpcPeeringConnectionId=PCX[1])),
              table("rtb-2", route("10.1.0.0/16", TransitGatewayId=TGW[1]))]
    changes = routes.plan_routes(tables, ["10.1.0.0/16"], PCX, state="absent")
    assert [(c["route_table_id"], c["action"]) for c in changes] == [("rtb-1", "delete")]


def test_absent_without_target_removes_whatever_the_route_points_at():
    tables = [table("rtb-1", route("10.1.0.0/16", VpcPeeringConnectionId=PCX[1])),
              table("rtb-2", route("10.1.0.0/16", TransitGatewayId=TGW[1])), table("rtb-3")]
    changes = routes.plan_routes(tables, ["10.1.0.0/16"], None, state="absent")
    assert [c["route_table_id"] for c in changes] == ["rtb-1", "rtb-2"]


@pytest.mark.parametrize("state", ["present", "absent"])
def test_the_local_route_is_refused(state):
    with pytest.raises(CrossvpcError, match="10.0.0.0/16 is the local route of rtb-1"):
        routes.plan_routes([table("rtb-1")], ["10.0.0.0/16"], PCX, state=state)


@pytest.mark.parametrize("state", ["present", "absent"])
def test_the_local_route_is_skipped_when_asked(state):
    """Every spoke's CIDR routed in every spoke's tables: each table skips its own."""
    tables = [table("rtb-1"), table("rtb-2", route("10.1.0.0/16", TransitGatewayId=TGW[1]))]
    changes = routes.plan_routes(tables, ["10.0.0.0/16", "10.1.0.0/16"], TGW, state=state, skip_local=True)
    expected = [("rtb-1", "10.1.0.0/16", "create")] if state == "present" else [("rtb-2", "10.1.0.0/16", "delete")]
    assert [(c["route_table_id"], c["destination"], c["action"]) for c in changes] == expected


def test_ipv6_destinations_compare_canonically():
    tables = [table("rtb-1", route("2001:0db8:0000::/32", VpcPeeringConnectionId=PCX[1]))]
    assert routes.plan_routes(tables, ["2001:db8::/32"], PCX) == []


def test_instance_route_is_the_instances_not_its_interface():
    r = route("10.1.0.0/16", InstanceId="i-0123456789abcdef0", NetworkInterfaceId="eni-0123456789abcdef0")
    assert routes.target_of(r) == ("instance_id", "i-0123456789abcdef0")


def test_routes_after_applies_the_plan_for_diff():
    tables = [table("rtb-1", route("10.1.0.0/16", TransitGatewayId=TGW[1]), route("10.2.0.0/16", VpcPeeringConnectionId=PCX[1]))]
    changes = routes.plan_routes(tables, ["10.1.0.0/16", "10.3.0.0/16"], PCX)
    changes += routes.plan_routes(tables, ["10.2.0.0/16"], PCX, state="absent")
    assert routes.routes_after(tables, changes) == {
        "rtb-1": {"10.0.0.0/16": "local", "10.1.0.0/16": PCX[1], "10.3.0.0/16": PCX[1]}}


def test_subnet_tables_fall_back_to_the_main_table():
    main = dict(table("rtb-main"), Associations=[{"Main": True}])
    own = dict(table("rtb-own"), Associations=[{"Main": False, "SubnetId": "subnet-1"}])

    class Ec2:
        def describe_subnets(self, aws_retry, **params):
            return {"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"},
                                {"SubnetId": "subnet-2", "VpcId": "vpc-1"}]}

    chosen = routes.tables_of_subnets(Ec2(), [main, own], "vpc-1", ["subnet-1", "subnet-2"])
    assert [t["RouteTableId"] for t in chosen] == ["rtb-own", "rtb-main"]


def test_tags_must_all_match():
    tagged = {"Tags": [{"Key": "tier", "Value": "private"}, {"Key": "env", "Value": "prod"}]}
    assert routes.tags_match(tagged, {"tier": "private"})
    assert not routes.tags_match(tagged, {"tier": "private", "env": "dev"})


def test_a_range_inside_the_vpc_goes_to_an_appliance_only():
    with pytest.raises(CrossvpcError) as refused:
        routes.plan_routes([table("rtb-1")], ["10.0.5.0/24"], TGW)
    assert "10.0.5.0/24 lies inside 10.0.0.0/16, the local route of rtb-1" in refused.value.message
    eni = ("network_interface_id", "eni-0123456789abcdef0")
    assert [c["action"] for c in routes.plan_routes([table("rtb-1")], ["10.0.5.0/24"], eni)] == ["create"]
