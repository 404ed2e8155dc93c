"""Transit Gateway and RAM planning over boto3-shaped data: what changes, what is refused."""

import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import resource_share
from ansible_collections.crossvpc.aws.plugins.module_utils import transit_gateway as tgw
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import UNKNOWN, CrossvpcError, InvalidInput
from ansible_collections.crossvpc.aws.plugins.modules import resource_share as resource_share_module

GATEWAY = {"TransitGatewayId": "tgw-0123456789abcdef0", "State": "available", "Description": "hub",
           "Options": {"AmazonSideAsn": 64512, "AutoAcceptSharedAttachments": "disable",
                       "DefaultRouteTableAssociation": "enable", "DefaultRouteTablePropagation": "enable",
                       "DnsSupport": "enable", "VpnEcmpSupport": "enable", "MulticastSupport": "disable"},
           "Tags": [{"Key": "Name", "Value": "hub"}]}


def wanted_gateway(**options):
    desired = dict((option, None) for option in tgw.TGW_OPTIONS)
    desired.update(description=None, tags={"Name": "hub"}, purge_tags=False)
    desired.update(options)
    return desired


def test_a_missing_gateway_is_created():
    assert tgw.plan_gateway(None, wanted_gateway()) == {"create": True}


def test_unset_options_are_left_alone_and_set_ones_changed_in_place():
    assert tgw.plan_gateway(GATEWAY, wanted_gateway()) == {}
    wanted = wanted_gateway(amazon_side_asn=64600, default_route_table_association=False, description="the hub")
    assert tgw.plan_gateway(GATEWAY, wanted) == {
        "options": {"AmazonSideAsn": 64600, "DefaultRouteTableAssociation": "disable"}, "description": "the hub"}


def test_an_option_aws_cannot_change_is_refused_not_ignored():
    with pytest.raises(CrossvpcError, match="multicast_support of transit gateway tgw-0123456789abcdef0 cannot be changed"):
        tgw.plan_gateway(GATEWAY, wanted_gateway(multicast_support=True))


def test_gateway_result_speaks_booleans():
    result = tgw.gateway_result(GATEWAY)
    assert result["auto_accept_shared_attachments"] is False and result["dns_support"] is True
    assert result["amazon_side_asn"] == 64512 and result["tags"] == {"Name": "hub"}


def test_planned_gateway_applies_the_options_it_would_create_with():
    planned = tgw.planned_gateway(None, {"create": True}, wanted_gateway(default_route_table_propagation=False), UNKNOWN)
    result = tgw.gateway_result(planned)
    assert result["transit_gateway_id"] == UNKNOWN and result["default_route_table_propagation"] is False


ATTACHMENT = {"TransitGatewayAttachmentId": "tgw-attach-0123456789abcdef0", "VpcId": "vpc-1", "State": "available",
              "SubnetIds": ["subnet-a", "subnet-b"], "Options": {"DnsSupport": "enable", "Ipv6Support": "disable",
                                                                 "ApplianceModeSupport": "disable"},
              "Tags": [{"Key": "Name", "Value": "spoke"}]}


def wanted_attachment(**extra):
    wanted = {"vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"], "dns_support": None, "ipv6_support": None,
              "appliance_mode_support": None, "tags": {"Name": "spoke"}, "purge_tags": False}
    wanted.update(extra)
    return wanted


@pytest.mark.parametrize("current, extra, steps", [
    (None, {}, {"create": True}),
    (ATTACHMENT, {}, {}),
    (ATTACHMENT, {"subnet_ids": ["subnet-b", "subnet-c"]}, {"add_subnets": ["subnet-c"], "remove_subnets": ["subnet-a"]}),
    (ATTACHMENT, {"subnet_ids": []}, {}),  # subnets not given: left as they are
    (ATTACHMENT, {"appliance_mode_support": True, "dns_support": True}, {"options": {"ApplianceModeSupport": "enable"}}),
    (ATTACHMENT, {"tags": {"Name": "spoke", "team": "x"}}, {"tag": {"team": "x"}}),
])
def test_attachment_steps(current, extra, steps):
    assert tgw.plan_attachment(current, wanted_attachment(**extra)) == steps


def test_picking_subnets_by_name_and_one_per_zone():
    subnets = [{"SubnetId": "subnet-a", "AvailabilityZone": "us-east-1a", "Tags": [{"Key": "Name", "Value": "a"}]},
               {"SubnetId": "subnet-b", "AvailabilityZone": "us-east-1b", "Tags": [{"Key": "Name", "Value": "b"}]},
               {"SubnetId": "subnet-c", "AvailabilityZone": "us-east-1a", "Tags": [{"Key": "Name", "Value": "c"}]}]
    entry = {"vpc_id": "vpc-1", "subnet_ids": [], "subnet_names": ["a", "b"]}
    tgw._pick_subnets("attachments[0]", entry, subnets)
    assert entry["subnet_ids"] == ["subnet-a", "subnet-b"]
    with pytest.raises(CrossvpcError, match="subnet-a and subnet-c are both in us-east-1a"):
        tgw._pick_subnets("attachments[0]", {"vpc_id": "vpc-1", "subnet_ids": [], "subnet_names": ["a", "c"]}, subnets)
    with pytest.raises(CrossvpcError, match="subnet-x is not a subnet of vpc-1"):
        tgw._pick_subnets("attachments[0]", {"vpc_id": "vpc-1", "subnet_ids": ["subnet-x"], "subnet_names": []}, subnets)


def table_desired(**extra):
    desired = {"associations": None, "propagations": None, "routes": None, "purge_associations": False,
               "purge_propagations": False, "purge_routes": False, "tags": {"Name": "spokes"}, "purge_tags": False}
    desired.update(extra)
    return desired


TABLE = {"TransitGatewayRouteTableId": "tgw-rtb-1", "Tags": [{"Key": "Name", "Value": "spokes"}]}
STATE = {"associations": ["att-1"], "propagations": ["att-1"], "routes": {"10.99.0.0/16": "blackhole"}}


def test_route_table_lists_are_added_to_and_purged_only_when_asked():
    attachments = {"att-2": {"Association": {"TransitGatewayRouteTableId": "tgw-rtb-other"}}, "att-3": {}}
    steps = tgw.plan_table(TABLE, STATE, table_desired(associations=["att-2", "att-3"], propagations=["att-3"]),
                           attachments)
    assert steps == {"associate": ["att-2", "att-3"], "move": {"att-2": "tgw-rtb-other"}, "propagate": ["att-3"]}
    steps = tgw.plan_table(TABLE, STATE, table_desired(associations=["att-3"], purge_associations=True,
                                                       propagations=[], purge_propagations=True), attachments)
    assert steps == {"associate": ["att-3"], "disassociate": ["att-1"], "unpropagate": ["att-1"]}


def test_route_table_routes_add_replace_and_purge():
    desired = table_desired(routes={"10.99.0.0/16": "att-1", "0.0.0.0/0": "att-2"})
    assert tgw.plan_table(TABLE, STATE, desired, {}) == {"add_routes": {"0.0.0.0/0": "att-2"},
                                                         "replace_routes": {"10.99.0.0/16": "att-1"}}
    assert tgw.plan_table(TABLE, STATE, table_desired(routes={}, purge_routes=True), {}) == {
        "delete_routes": ["10.99.0.0/16"]}
    assert tgw.plan_table(TABLE, STATE, table_desired(routes={}), {}) == {}


def test_planned_table_shows_the_result_of_the_steps():
    steps = {"associate": ["att-2"], "disassociate": ["att-1"], "add_routes": {"0.0.0.0/0": "att-2"}}
    table, state = tgw.planned_table("tgw-1", TABLE, STATE, steps, table_desired(), UNKNOWN)
    assert state == {"associations": ["att-2"], "propagations": ["att-1"],
                     "routes": {"10.99.0.0/16": "blackhole", "0.0.0.0/0": "att-2"}}
    table, state = tgw.planned_table("tgw-1", None, dict(tgw.EMPTY_TABLE), {"create": True}, table_desired(), UNKNOWN)
    assert table["TransitGatewayRouteTableId"] == UNKNOWN and tgw.tags_of(table) == {"Name": "spokes"}


def share_desired(**extra):
    desired = {"name": "hub", "resources": ["arn:tgw"], "principals": ["222222222222"], "purge_resources": True,
               "purge_principals": True, "allow_external_principals": None, "tags": {}, "purge_tags": False}
    desired.update(extra)
    return desired


def test_share_members_are_exact_sets_or_add_only():
    share = {"resourceShareArn": "arn:share", "name": "hub", "allowExternalPrincipals": True, "tags": []}
    members = (["arn:tgw"], ["222222222222", "333333333333"])
    assert resource_share.plan_share(share, members, share_desired()) == {"remove_principals": ["333333333333"]}
    assert resource_share.plan_share(share, members, share_desired(purge_principals=False)) == {}
    assert resource_share.plan_share(share, members, share_desired(principals=None, resources=["arn:tgw", "arn:x"])) == {
        "add_resources": ["arn:x"]}
    assert resource_share.plan_share(None, ([], []), share_desired()) == {"create": True}


def test_only_the_gateways_owner_makes_its_route_tables():
    gateway = {"TransitGatewayId": "tgw-0123456789abcdef0", "OwnerId": "111111111111"}
    assert tgw.check_table_owner(gateway, "111111111111") is gateway
    with pytest.raises(InvalidInput) as refused:
        tgw.check_table_owner(gateway, "222222222222")
    assert refused.value.parameter == "transit_gateway_id"
    assert refused.value.message == (
        "transit_gateway_id='tgw-0123456789abcdef0': belongs to account 111111111111, which shares it with this account "
        "(222222222222); a transit gateway's route tables are made by its owner. Run this task with the profile of "
        "account 111111111111, the transit gateway's owner.")


@pytest.mark.parametrize("principal", [
    "210987654321", "arn:aws:iam::210987654321:role/network/hub-admin",
    "arn:aws:iam::210987654321:user/ops@example.com", "arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5",
    "arn:aws-us-gov:organizations::111111111111:organization/o-" + "a" * 32,
    "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56",
    "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-" + "a" * 32 + "-" + "b" * 32])
def test_share_principals_aws_takes_pass(principal):
    resource_share_module.check_principal("principals[0]", principal)


@pytest.mark.parametrize("principal, problem", [
    ("arn:aws:organizations::111111111111:organization/o-bad", "is not an organization ARN."),
    ("arn:aws:organizations::111111111111:organization/o-a1b2c3d4e", "is not an organization ARN."),  # 9 after o-
    ("arn:aws:organizations::111111111111:organization/o-" + "a" * 33, "is not an organization ARN."),
    ("arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5/x", "is not an organization ARN."),
    ("arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab1-cd34ef56", "is not an organizational unit ARN."),
    ("arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cd34ef5", "is not an organizational unit ARN."),
    ("arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-AB12-CD34EF56", "is not an organizational unit ARN."),
    ("arn:aws:organizations::111111111111:ou/o-bad/ou-ab12-cd34ef56", "is not an organizational unit ARN."),
    ("*", "is not an account id, organization, OU, role or user ARN."),
    ("21098765432", "is not an account id, organization, OU, role or user ARN."),
])
def test_share_principals_of_another_shape_are_refused_naming_the_item(principal, problem):
    with pytest.raises(InvalidInput) as refused:
        resource_share_module.check_principal("principals[2]", principal)
    assert refused.value.message.startswith("principals[2]=%r: %s" % (principal, problem))
