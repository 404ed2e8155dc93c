"""Transit Gateway as AWS does it: a hub in A shared through RAM, spokes from A and B, routing.

Account A (crossvpc-a) owns the TGWs; B (crossvpc-b) attaches its VPCs once A's share is accepted.
Every test makes its own TGW and VPCs, with CIDRs no other test uses.
"""

import itertools
import uuid

import botocore.exceptions
import pytest

from localaws import ACCOUNT_A, ACCOUNT_B

# A /16 of 10.0.0.0/8 per VPC; 150+ keeps clear of the peering tests' blocks.
BLOCKS = itertools.count(150)


@pytest.fixture
def clients(localaws):
    """clients(service, profile): this test's client for an account, made once."""
    made = {}

    def client(service="ec2", profile="crossvpc-a"):
        if (service, profile) not in made:
            made[service, profile] = localaws.client(service, profile)
        return made[service, profile]

    return client


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def new_tgw(clients, **options):
    return clients().create_transit_gateway(Description="hub", Options=options)["TransitGateway"]


def new_vpc(clients, profile="crossvpc-a"):
    ec2 = clients("ec2", profile)
    cidr = f"10.{next(BLOCKS)}.0.0/16"
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("0.0/16", "0.0/24"))["Subnet"]["SubnetId"]
    return vpc_id, subnet_id, cidr


def share_with_b(clients, tgw, accept=True):
    share_arn = clients("ram").create_resource_share(
        name=unique("share"), resourceArns=[tgw["TransitGatewayArn"]], principals=[ACCOUNT_B])["resourceShare"]["resourceShareArn"]
    if accept:
        ram_b = clients("ram", "crossvpc-b")
        [invitation] = ram_b.get_resource_share_invitations(resourceShareArns=[share_arn])["resourceShareInvitations"]
        ram_b.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    return share_arn


def attach(clients, tgw_id, profile="crossvpc-a", **extra):
    vpc_id, subnet_id, cidr = new_vpc(clients, profile)
    made = clients("ec2", profile).create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=[subnet_id], **extra)["TransitGatewayVpcAttachment"]
    return made["TransitGatewayAttachmentId"], vpc_id, cidr


def attachment(clients, attachment_id, profile="crossvpc-a"):
    [found] = clients("ec2", profile).describe_transit_gateway_attachments(
        TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayAttachments"]
    return found


def state(clients, attachment_id, profile="crossvpc-a"):
    return attachment(clients, attachment_id, profile)["State"]


def new_table(clients, tgw_id):
    return clients().create_transit_gateway_route_table(
        TransitGatewayId=tgw_id)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]


def routes(clients, table_id, *filters):
    params = [{"Name": name, "Values": list(values)} for name, *values in filters]
    return clients().search_transit_gateway_routes(TransitGatewayRouteTableId=table_id, Filters=params or [
        {"Name": "state", "Values": ["active", "blackhole"]}])["Routes"]


def error_code(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"]


def found(call, key, id_key, *filters):
    params = [{"Name": name, "Values": list(values)} for name, *values in filters]
    return {item[id_key] for item in call(Filters=params)[key]}


def test_b_sees_and_attaches_to_a_shared_tgw_only_once_the_share_is_accepted(clients):
    tgw = new_tgw(clients, AutoAcceptSharedAttachments="enable")
    tgw_id, ec2_b = tgw["TransitGatewayId"], clients("ec2", "crossvpc-b")
    vpc_id, subnet_id, _cidr = new_vpc(clients, "crossvpc-b")
    create = dict(TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=[subnet_id])
    assert error_code(ec2_b.create_transit_gateway_vpc_attachment, **create) == "InvalidTransitGatewayID.NotFound"
    share_with_b(clients, tgw, accept=False)
    assert error_code(ec2_b.describe_transit_gateways, TransitGatewayIds=[tgw_id]) == "InvalidTransitGatewayID.NotFound"
    assert error_code(ec2_b.create_transit_gateway_vpc_attachment, **create) == "InvalidTransitGatewayID.NotFound"

    share_with_b(clients, tgw)
    [seen] = ec2_b.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    assert seen["OwnerId"] == ACCOUNT_A
    made = ec2_b.create_transit_gateway_vpc_attachment(**create)["TransitGatewayVpcAttachment"]
    assert made["VpcOwnerId"] == ACCOUNT_B
    for profile in ("crossvpc-a", "crossvpc-b"):
        seen = attachment(clients, made["TransitGatewayAttachmentId"], profile)
        assert (seen["ResourceOwnerId"], seen["TransitGatewayOwnerId"], seen["ResourceId"]) == (ACCOUNT_B, ACCOUNT_A, vpc_id)
        [vpc_view] = clients("ec2", profile).describe_transit_gateway_vpc_attachments(
            TransitGatewayAttachmentIds=[made["TransitGatewayAttachmentId"]])["TransitGatewayVpcAttachments"]
        assert (vpc_view["VpcOwnerId"], vpc_view["VpcId"]) == (ACCOUNT_B, vpc_id)
    # A cannot attach B's VPC.
    assert error_code(clients().create_transit_gateway_vpc_attachment, **create) == "InvalidVpcID.NotFound"


def test_a_cross_account_attachment_waits_for_the_tgw_owner(clients):
    tgw = new_tgw(clients)
    share_with_b(clients, tgw)
    attachment_id, _vpc, cidr = attach(clients, tgw["TransitGatewayId"], "crossvpc-b")
    default_table = tgw["Options"]["AssociationDefaultRouteTableId"]
    for profile in ("crossvpc-a", "crossvpc-b"):
        assert state(clients, attachment_id, profile) == "pendingAcceptance"
    ec2_a, ec2_b = clients(), clients("ec2", "crossvpc-b")
    assert error_code(ec2_b.accept_transit_gateway_vpc_attachment,
                      TransitGatewayAttachmentId=attachment_id) == "InvalidParameterValue"
    ec2_a.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment_id)
    accepted = attachment(clients, attachment_id, "crossvpc-b")
    assert accepted["State"] == "available"
    assert accepted["Association"] == {"TransitGatewayRouteTableId": default_table, "State": "associated"}
    assert [r["DestinationCidrBlock"] for r in routes(clients, default_table)] == [cidr]
    assert error_code(ec2_a.accept_transit_gateway_vpc_attachment,
                      TransitGatewayAttachmentId=attachment_id) == "IncorrectState"


def test_rejected_and_deleted_attachments_keep_their_final_state(clients):
    tgw = new_tgw(clients)
    share_with_b(clients, tgw)
    rejected = attach(clients, tgw["TransitGatewayId"], "crossvpc-b")[0]
    ec2_a, ec2_b = clients(), clients("ec2", "crossvpc-b")
    assert error_code(ec2_b.reject_transit_gateway_vpc_attachment,
                      TransitGatewayAttachmentId=rejected) == "InvalidParameterValue"
    ec2_a.reject_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=rejected)
    assert state(clients, rejected, "crossvpc-b") == "rejected"
    assert "Association" not in attachment(clients, rejected)

    own = attach(clients, tgw["TransitGatewayId"])[0]
    answer = ec2_a.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=own)
    assert answer["TransitGatewayVpcAttachment"]["State"] == "deleting"
    assert state(clients, own) == "deleted"
    assert error_code(ec2_a.delete_transit_gateway_vpc_attachment,
                      TransitGatewayAttachmentId=own) == "InvalidTransitGatewayAttachmentID.NotFound"


def test_same_account_and_auto_accepted_attachments_become_available(clients):
    tgw = new_tgw(clients, AutoAcceptSharedAttachments="enable")
    share_with_b(clients, tgw)
    vpc_id, subnet_id, _cidr = new_vpc(clients)
    own = clients().create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc_id, SubnetIds=[subnet_id])["TransitGatewayVpcAttachment"]
    assert own["State"] == "pending"
    shared = attach(clients, tgw["TransitGatewayId"], "crossvpc-b")[0]
    assert state(clients, own["TransitGatewayAttachmentId"]) == state(clients, shared) == "available"


def test_static_routes_keep_their_target_and_are_not_duplicated(clients):
    tgw_id = new_tgw(clients)["TransitGatewayId"]
    attachment_id, vpc_id, _cidr = attach(clients, tgw_id)
    table_id, ec2 = new_table(clients, tgw_id), clients()
    route = ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table_id, DestinationCidrBlock="172.16.0.0/16",
                                             TransitGatewayAttachmentId=attachment_id)["Route"]
    assert route["TransitGatewayAttachments"] == [
        {"ResourceId": vpc_id, "TransitGatewayAttachmentId": attachment_id, "ResourceType": "vpc"}]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table_id, DestinationCidrBlock="172.17.0.0/16",
                                     Blackhole=True)
    [static] = routes(clients, table_id, ("route-search.exact-match", "172.16.0.0/16"))
    assert (static["Type"], static["State"], static["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"]) == (
        "static", "active", attachment_id)
    [blackhole] = routes(clients, table_id, ("state", "blackhole"))
    assert blackhole["DestinationCidrBlock"] == "172.17.0.0/16" and "TransitGatewayAttachments" not in blackhole
    assert error_code(ec2.create_transit_gateway_route, TransitGatewayRouteTableId=table_id,
                      DestinationCidrBlock="172.16.0.0/16", Blackhole=True) == "RouteAlreadyExists"

    ec2.replace_transit_gateway_route(TransitGatewayRouteTableId=table_id, DestinationCidrBlock="172.16.0.0/16",
                                      Blackhole=True)
    assert {r["DestinationCidrBlock"] for r in routes(clients, table_id, ("state", "blackhole"))} == {
        "172.16.0.0/16", "172.17.0.0/16"}
    ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=table_id, DestinationCidrBlock="172.16.0.0/16")
    assert [r["DestinationCidrBlock"] for r in routes(clients, table_id)] == ["172.17.0.0/16"]
    assert error_code(ec2.delete_transit_gateway_route, TransitGatewayRouteTableId=table_id,
                      DestinationCidrBlock="172.16.0.0/16") == "InvalidRoute.NotFound"


def test_propagation_adds_and_removes_the_vpc_routes(clients):
    tgw_id = new_tgw(clients, DefaultRouteTablePropagation="disable")["TransitGatewayId"]
    attachment_id, vpc_id, cidr = attach(clients, tgw_id)
    table_id, ec2 = new_table(clients, tgw_id), clients()
    relation = dict(TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=attachment_id)
    assert routes(clients, table_id) == []
    ec2.enable_transit_gateway_route_table_propagation(**relation)
    [route] = routes(clients, table_id, ("type", "propagated"))
    assert (route["DestinationCidrBlock"], route["State"]) == (cidr, "active")
    assert route["TransitGatewayAttachments"][0]["ResourceId"] == vpc_id
    [propagation] = ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=table_id, Filters=[{"Name": "resource-id", "Values": [vpc_id]}])[
        "TransitGatewayRouteTablePropagations"]
    assert (propagation["TransitGatewayAttachmentId"], propagation["State"]) == (attachment_id, "enabled")
    ec2.disable_transit_gateway_route_table_propagation(**relation)
    assert routes(clients, table_id) == []
    assert ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=table_id)["TransitGatewayRouteTablePropagations"] == []


def test_an_attachment_is_associated_with_one_route_table_at_a_time(clients):
    tgw = new_tgw(clients)
    attachment_id = attach(clients, tgw["TransitGatewayId"])[0]
    default_table = tgw["Options"]["AssociationDefaultRouteTableId"]
    table_id, ec2 = new_table(clients, tgw["TransitGatewayId"]), clients()
    assert error_code(ec2.associate_transit_gateway_route_table, TransitGatewayRouteTableId=table_id,
                      TransitGatewayAttachmentId=attachment_id) == "Resource.AlreadyAssociated"
    ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=default_table,
                                                 TransitGatewayAttachmentId=attachment_id)
    assert "Association" not in attachment(clients, attachment_id)
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table_id,
                                              TransitGatewayAttachmentId=attachment_id)
    assert attachment(clients, attachment_id)["Association"]["TransitGatewayRouteTableId"] == table_id
    [association] = ec2.get_transit_gateway_route_table_associations(
        TransitGatewayRouteTableId=table_id,
        Filters=[{"Name": "transit-gateway-attachment-id", "Values": [attachment_id]}])["Associations"]
    assert association["State"] == "associated"
    assert ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=default_table)["Associations"] == []


def test_default_route_table_follows_the_tgw_options(clients):
    ec2 = clients()
    neither = new_tgw(clients, DefaultRouteTableAssociation="disable", DefaultRouteTablePropagation="disable")
    assert "AssociationDefaultRouteTableId" not in neither["Options"]
    assert ec2.describe_transit_gateway_route_tables(Filters=[
        {"Name": "transit-gateway-id", "Values": [neither["TransitGatewayId"]]}])["TransitGatewayRouteTables"] == []

    propagation_only = new_tgw(clients, DefaultRouteTableAssociation="disable")
    table_id = propagation_only["Options"]["PropagationDefaultRouteTableId"]
    attachment_id = attach(clients, propagation_only["TransitGatewayId"])[0]
    assert "Association" not in attachment(clients, attachment_id)
    assert ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table_id)["Associations"] == []
    assert [p["TransitGatewayAttachmentId"] for p in ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=table_id)["TransitGatewayRouteTablePropagations"]] == [attachment_id]


def test_describe_filters_are_honoured(clients):
    name = unique("hub")
    tgw = clients().create_transit_gateway(TagSpecifications=[
        {"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": name}]}])["TransitGateway"]
    tgw_id, ec2, ec2_b = tgw["TransitGatewayId"], clients(), clients("ec2", "crossvpc-b")
    share_with_b(clients, tgw)
    own_id, own_vpc, _cidr = attach(clients, tgw_id)
    shared_id, shared_vpc, _cidr = attach(clients, tgw_id, "crossvpc-b")
    tgws = (ec2.describe_transit_gateways, "TransitGateways", "TransitGatewayId")
    assert found(*tgws, ("tag:Name", name)) == {tgw_id}
    assert found(*tgws, ("tag-key", "Name"), ("transit-gateway-id", tgw_id), ("state", "available"), ("owner-id", ACCOUNT_A)) == {tgw_id}
    assert found(ec2_b.describe_transit_gateways, "TransitGateways", "TransitGatewayId", ("owner-id", ACCOUNT_A)) >= {tgw_id}
    assert found(*tgws, ("tag:Name", name), ("state", "deleted")) == set()

    attachments = (ec2.describe_transit_gateway_attachments, "TransitGatewayAttachments", "TransitGatewayAttachmentId")
    ours = ("transit-gateway-id", tgw_id)
    assert found(*attachments, ours) == {own_id, shared_id}
    assert found(*attachments, ours, ("state", "pendingAcceptance")) == {shared_id}
    assert found(*attachments, ours, ("resource-owner-id", ACCOUNT_B)) == {shared_id}
    assert found(*attachments, ("resource-id", own_vpc), ("transit-gateway-owner-id", ACCOUNT_A), ("resource-type", "vpc")) == {own_id}
    assert found(*attachments, ("association.transit-gateway-route-table-id", tgw["Options"]["AssociationDefaultRouteTableId"])) == {own_id}
    assert found(*attachments, ("transit-gateway-attachment-id", own_id)) == {own_id}
    vpc_attachments = (ec2.describe_transit_gateway_vpc_attachments, "TransitGatewayVpcAttachments", "TransitGatewayAttachmentId")
    assert found(*vpc_attachments, ("vpc-id", shared_vpc), ours, ("state", "pendingAcceptance")) == {shared_id}
    ec2.create_tags(Resources=[own_id], Tags=[{"Key": "Name", "Value": name}])
    assert found(*vpc_attachments, ("tag:Name", name)) == found(*attachments, ("tag-key", "Name"), ours) == {own_id}

    tables = (ec2.describe_transit_gateway_route_tables, "TransitGatewayRouteTables", "TransitGatewayRouteTableId")
    extra_table = new_table(clients, tgw_id)
    ec2.create_tags(Resources=[extra_table], Tags=[{"Key": "Name", "Value": name}])
    assert found(*tables, ("transit-gateway-id", tgw_id), ("default-association-route-table", "false")) == {extra_table}
    assert found(*tables, ("tag:Name", name), ("transit-gateway-route-table-id", extra_table), ("state", "available")) == {extra_table}
    assert error_code(ec2.describe_transit_gateway_attachments, Filters=[{"Name": "no-such", "Values": ["x"]}]) == \
        "InvalidParameterValue"


def test_tag_specifications_are_applied_on_create(clients):
    name, ec2 = unique("tagged"), clients()

    def tags(kind):
        return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]
    tgw_id = ec2.create_transit_gateway(TagSpecifications=tags("transit-gateway"))["TransitGateway"]["TransitGatewayId"]
    table_id = ec2.create_transit_gateway_route_table(
        TransitGatewayId=tgw_id, TagSpecifications=tags("transit-gateway-route-table"))["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    attachment_id = attach(clients, tgw_id, TagSpecifications=tags("transit-gateway-attachment"))[0]
    expected = [{"Key": "Name", "Value": name}]
    assert attachment(clients, attachment_id)["Tags"] == expected
    assert ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"][0]["Tags"] == expected
    assert ec2.describe_transit_gateway_route_tables(
        TransitGatewayRouteTableIds=[table_id])["TransitGatewayRouteTables"][0]["Tags"] == expected


def test_deletes_are_refused_while_in_use_and_unknown_ids_are_not_found(clients):
    tgw = new_tgw(clients)
    tgw_id, ec2 = tgw["TransitGatewayId"], clients()
    attachment_id = attach(clients, tgw_id)[0]
    assert error_code(ec2.delete_transit_gateway, TransitGatewayId=tgw_id) == "IncorrectState"
    assert error_code(ec2.delete_transit_gateway_route_table,
                      TransitGatewayRouteTableId=tgw["Options"]["AssociationDefaultRouteTableId"]) == "IncorrectState"
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment_id)
    ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
    assert ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"][0]["State"] == "deleted"

    unknown_tgw, unknown_attachment, unknown_table = "tgw-0123456789abcdef0", "tgw-attach-0123456789abcdef0", "tgw-rtb-0123456789abcdef0"
    for call, params, code in [
            (ec2.delete_transit_gateway, {"TransitGatewayId": unknown_tgw}, "InvalidTransitGatewayID.NotFound"),
            (ec2.modify_transit_gateway, {"TransitGatewayId": unknown_tgw}, "InvalidTransitGatewayID.NotFound"),
            (ec2.create_transit_gateway_route_table, {"TransitGatewayId": unknown_tgw}, "InvalidTransitGatewayID.NotFound"),
            (ec2.delete_transit_gateway_vpc_attachment, {"TransitGatewayAttachmentId": unknown_attachment},
             "InvalidTransitGatewayAttachmentID.NotFound"),
            (ec2.modify_transit_gateway_vpc_attachment, {"TransitGatewayAttachmentId": unknown_attachment},
             "InvalidTransitGatewayAttachmentID.NotFound"),
            (ec2.accept_transit_gateway_vpc_attachment, {"TransitGatewayAttachmentId": unknown_attachment},
             "InvalidTransitGatewayAttachmentID.NotFound"),
            (ec2.delete_transit_gateway_route_table, {"TransitGatewayRouteTableId": unknown_table}, "InvalidRouteTableID.NotFound"),
            (ec2.search_transit_gateway_routes, {"TransitGatewayRouteTableId": unknown_table,
                                                 "Filters": [{"Name": "type", "Values": ["static"]}]}, "InvalidRouteTableID.NotFound"),
            (ec2.get_transit_gateway_route_table_associations, {"TransitGatewayRouteTableId": unknown_table},
             "InvalidRouteTableID.NotFound"),
            (ec2.create_transit_gateway_route, {"TransitGatewayRouteTableId": unknown_table,
                                                "DestinationCidrBlock": "10.0.0.0/8", "Blackhole": True}, "InvalidRouteTableID.NotFound")]:
        assert error_code(call, **params) == code, call


def test_modify_is_applied_and_a_vpc_attaches_once(clients):
    tgw_id, ec2 = new_tgw(clients)["TransitGatewayId"], clients()
    attachment_id, vpc_id, cidr = attach(clients, tgw_id)
    second_subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("0.0/16", "1.0/24"))["Subnet"]["SubnetId"]
    [before] = ec2.describe_transit_gateway_vpc_attachments(
        TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayVpcAttachments"]
    modified = ec2.modify_transit_gateway_vpc_attachment(
        TransitGatewayAttachmentId=attachment_id, AddSubnetIds=[second_subnet], RemoveSubnetIds=before["SubnetIds"],
        Options={"DnsSupport": "disable"})["TransitGatewayVpcAttachment"]
    assert modified["State"] == "modifying"
    [after] = ec2.describe_transit_gateway_vpc_attachments(
        TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayVpcAttachments"]
    assert (after["SubnetIds"], after["Options"]["DnsSupport"], after["State"]) == ([second_subnet], "disable", "available")
    assert error_code(ec2.create_transit_gateway_vpc_attachment, TransitGatewayId=tgw_id, VpcId=vpc_id,
                      SubnetIds=[second_subnet]) == "DuplicateTransitGatewayAttachment"
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=attachment_id)
    assert state(clients, attachment_id) == "deleted"
    again = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=[second_subnet])
    assert again["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"] != attachment_id


def test_b_routes_its_vpc_to_a_shared_tgw(clients):
    tgw = new_tgw(clients)
    ec2_b = clients("ec2", "crossvpc-b")
    vpc_id = new_vpc(clients, "crossvpc-b")[0]
    table_id = ec2_b.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    route = dict(RouteTableId=table_id, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw["TransitGatewayId"])
    assert error_code(ec2_b.create_route, **route) == "InvalidTransitGatewayID.NotFound"
    share_with_b(clients, tgw)
    ec2_b.create_route(**route)
    [table] = ec2_b.describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
    [to_tgw] = [r for r in table["Routes"] if r["DestinationCidrBlock"] == "10.0.0.0/8"]
    assert to_tgw["TransitGatewayId"] == tgw["TransitGatewayId"]
