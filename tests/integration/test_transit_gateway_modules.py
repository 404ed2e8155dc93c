"""Transit Gateway and RAM modules on the local AWS: the cases the playbook test does not reach."""

import pytest

from localaws import ACCOUNT_A, ACCOUNT_B

from test_transit_gateway_playbook import spoke_vpc  # same directory, on sys.path under pytest


def mutating(localaws, mark):
    return [(c["account"], c["action"]) for c in localaws.control.calls(mark) if c["mutating"]]


@pytest.mark.parametrize("module_name, args, message", [
    ("crossvpc.aws.transit_gateway", {"name": "hub", "amazon_side_asn": 65535}, "amazon_side_asn=65535"),
    ("crossvpc.aws.transit_gateway", {"name": "hub", "amazon_side_asn": 100}, "Use 64512-65534"),
    ("crossvpc.aws.transit_gateway", {"name": "hub", "amazon_side_asn": "abc"},
     "amazon_side_asn='abc': is not a whole number. Give a private ASN number, 64512-65534 or 4200000000-4294967294."),
    ("crossvpc.aws.transit_gateway_attachment", {"transit_gateway_id": "tgw-1", "attachments": [{"vpc_id": "vpc-0123456789abcdef0"}]},
     "transit_gateway_id='tgw-1'"),
    ("crossvpc.aws.transit_gateway_attachment", {"transit_gateway_id": "tgw-0123456789abcdef0", "attachments": [
        {"vpc_id": "vpc-0123456789abcdef0"}, {"vpc_id": "vpc-0123456789abcdef0"}]}, "is listed twice"),
    ("crossvpc.aws.transit_gateway_attachment", {"transit_gateway_id": "tgw-0123456789abcdef0", "state": "accepted"},
     "Give vpc_ids, account_ids or attachment_ids"),
    ("crossvpc.aws.transit_gateway_route_table", {"transit_gateway_id": "tgw-0123456789abcdef0", "name": "t", "routes": [
        {"destination_cidr": "10.0.0.0/16"}]}, "needs exactly one target: attachment_name, attachment_id or blackhole=true."),
    ("crossvpc.aws.transit_gateway_route_table", {"transit_gateway_id": "tgw-0123456789abcdef0", "name": "t", "routes": [
        {"destination_cidr": "10.0.0.0/16", "attachment_name": "egres"}], "attachment_names": {"egress": "tgw-attach-0123456789abcdef0"}},
     "routes[0].attachment_name='egres': is not the name of any attachment. Use one of: egress."),
    ("crossvpc.aws.transit_gateway_route_table", {"transit_gateway_id": "tgw-0123456789abcdef0", "name": "t", "routes": [
        {"destination_cidr": "10.0.0.1/16", "blackhole": True}]}, "has host bits set"),
    ("crossvpc.aws.resource_share", {"name": "s", "principals": ["*"]}, "principals[0]='*'"),
    # AWS Organizations ids: o- and 10-32 lowercase letters or digits; ou-, 4-32, a hyphen and 8-32 more
    ("crossvpc.aws.resource_share", {"name": "s", "principals": [ACCOUNT_B, "arn:aws:organizations::111111111111:organization/o-bad"]},
     "principals[1]='arn:aws:organizations::111111111111:organization/o-bad': is not an organization ARN. Expected "
     "arn:aws:organizations::MANAGEMENT-ACCOUNT:organization/o-ID, the id o- and 10-32 lowercase letters or digits, like "
     "arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5."),
    ("crossvpc.aws.resource_share", {"name": "s", "principals": ["arn:aws:organizations::111111111111:organization/o-A1B2C3D4E5"]},
     "principals[0]='arn:aws:organizations::111111111111:organization/o-A1B2C3D4E5': is not an organization ARN."),
    ("crossvpc.aws.resource_share", {"name": "s", "principals": ["arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12"]},
     "principals[0]='arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12': is not an organizational unit ARN. "
     "Expected arn:aws:organizations::MANAGEMENT-ACCOUNT:ou/o-ID/ou-ROOT-UNIT"),
    ("crossvpc.aws.resource_share", {"name": "s", "principals": ["arn:aws:organizations::111111111111:ou/o-bad/ou-ab12-cd34ef56"]},
     "is not an organizational unit ARN."),
    ("crossvpc.aws.resource_share", {"name": "s", "state": "accepted"}, "owner_account_id=None"),
    # tags and Name tags as AWS takes them; lists of mappings given as strings name the option
    ("crossvpc.aws.transit_gateway", {"name": "h" * 257}, "is 257 characters; AWS allows at most 256 in a Name tag."),
    ("crossvpc.aws.transit_gateway", {"name": "hub", "tags": {"aws:cost": "x"}}, "tags['aws:cost']='x': has a key that starts"),
    ("crossvpc.aws.transit_gateway", {"name": "hub", "tags": {"cost": 12}}, "tags['cost']=12: is not text"),
    ("crossvpc.aws.transit_gateway_attachment", {"transit_gateway_id": "tgw-0123456789abcdef0", "attachments": [
        {"vpc_id": "vpc-0123456789abcdef0", "tags": {"": "x"}}]}, "attachments[0].tags['']='x': has an empty key."),
    ("crossvpc.aws.transit_gateway_attachment", {"transit_gateway_id": "tgw-0123456789abcdef0",
                                                 "attachments": "vpc-0123456789abcdef0"},
     "attachments='vpc-0123456789abcdef0': is not a list of mappings"),
    ("crossvpc.aws.transit_gateway_route_table", {"transit_gateway_id": "tgw-0123456789abcdef0", "name": "t",
                                                  "routes": "10.0.0.0/16"}, "routes='10.0.0.0/16': is not a list of mappings"),
    ("crossvpc.aws.transit_gateway_route_table", {"transit_gateway_id": "tgw-0123456789abcdef0", "name": "t",
                                                  "tags": {"k" * 129: ""}}, "has a key of 129 characters"),
    ("crossvpc.aws.resource_share", {"name": "s", "principals": [ACCOUNT_B], "tags": {"AWS:x": "y"}},
     "tags['AWS:x']='y': has a key that starts with aws:"),
])
def test_bad_input_fails_before_any_call(localaws, module, module_name, args, message):
    mark = localaws.control.mark()
    result = module(module_name, args)
    assert result.get("failed") and message in result["msg"], result.get("msg")
    assert localaws.control.calls(mark) == []


def test_route_table_refuses_an_attachment_of_another_gateway(localaws, module):
    spoke = spoke_vpc(localaws, "crossvpc-a", "10.81.0.0/16", "tgw-mod-other")
    one = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-one"})["transit_gateway"]["transit_gateway_id"]
    two = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-two"})["transit_gateway"]["transit_gateway_id"]
    attached = module("crossvpc.aws.transit_gateway_attachment", {
        "transit_gateway_id": two, "attachments": [{"vpc_id": spoke["vpc"], "subnet_names": ["tgw-mod-other-1"]}]})
    foreign = attached["attachments"][0]["transit_gateway_attachment_id"]
    mark = localaws.control.mark()
    result = module("crossvpc.aws.transit_gateway_route_table", {"transit_gateway_id": one, "name": "t",
                                                                 "associations": [foreign]})
    assert result.get("failed") and f"associations: {foreign} is not an attachment of {one}" in result["msg"], result
    assert mutating(localaws, mark) == []


def test_a_route_table_on_a_gateway_shared_with_this_account_is_refused(localaws, module):
    """B sees A's transit gateway through the share, but only A makes its route tables: AWS would refuse the
    create saying the gateway does not exist. Refused before any change, in check mode too."""
    gateway = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-foreign"})["transit_gateway"]
    gateway_id = gateway["transit_gateway_id"]
    share = {"name": "tgw-mod-foreign", "resource_arns": [gateway["transit_gateway_arn"]], "principals": [ACCOUNT_B]}
    assert module("crossvpc.aws.resource_share", share)["changed"]
    assert module("crossvpc.aws.resource_share", {"name": "tgw-mod-foreign", "state": "accepted",
                                                  "owner_account_id": ACCOUNT_A}, profile="crossvpc-b")["changed"]
    [seen] = localaws.client("ec2", "crossvpc-b").describe_transit_gateways(TransitGatewayIds=[gateway_id])["TransitGateways"]
    assert seen["OwnerId"] == ACCOUNT_A  # visible to B, through the share
    table = {"transit_gateway_id": gateway_id, "name": "spokes", "routes": [{"destination_cidr": "10.99.0.0/16", "blackhole": True}]}
    expected = (f"transit_gateway_id='{gateway_id}': belongs to account {ACCOUNT_A}, which shares it with this account "
                f"({ACCOUNT_B}); a transit gateway's route tables are made by its owner. Run this task with the profile "
                f"of account {ACCOUNT_A}, the transit gateway's owner.")
    for check in (True, False):
        mark = localaws.control.mark()
        refused = module("crossvpc.aws.transit_gateway_route_table", table, profile="crossvpc-b", check=check)
        assert refused.get("failed") and refused["msg"] == expected, refused
        assert localaws.control.mutating_calls(mark) == []
    # The owner makes it; B's refusal left nothing behind.
    ec2_a = localaws.client("ec2", "crossvpc-a")
    tables = ec2_a.describe_transit_gateway_route_tables(Filters=[
        {"Name": "transit-gateway-id", "Values": [gateway_id]}, {"Name": "tag:Name", "Values": ["spokes"]}])["TransitGatewayRouteTables"]
    assert tables == []
    made = module("crossvpc.aws.transit_gateway_route_table", table)
    assert made["changed"] and made["route_table"]["routes"] == {"10.99.0.0/16": "blackhole"}, made
    mark = localaws.control.mark()
    assert module("crossvpc.aws.transit_gateway_route_table", table)["changed"] is False
    assert "GetCallerIdentity" not in [c["action"] for c in localaws.control.calls(mark)]  # read only to make a table


def test_an_attachment_moves_between_route_tables(localaws, module):
    spoke = spoke_vpc(localaws, "crossvpc-a", "10.82.0.0/16", "tgw-mod-move")
    gateway = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-move", "default_route_table_association": False,
                                                      "default_route_table_propagation": False})["transit_gateway"]
    attachment = module("crossvpc.aws.transit_gateway_attachment", {
        "transit_gateway_id": gateway["transit_gateway_id"],
        "attachments": [{"vpc_id": spoke["vpc"], "subnet_names": ["tgw-mod-move-1"]}]})["attachments"][0]
    attachment_id = attachment["transit_gateway_attachment_id"]
    first = module("crossvpc.aws.transit_gateway_route_table", {
        "transit_gateway_id": gateway["transit_gateway_id"], "name": "first", "associations": [attachment_id]})
    second = module("crossvpc.aws.transit_gateway_route_table", {
        "transit_gateway_id": gateway["transit_gateway_id"], "name": "second", "associations": [attachment_id]})
    assert second["changes"]["move"] == {attachment_id: first["route_table"]["transit_gateway_route_table_id"]}
    ec2 = localaws.client("ec2", "crossvpc-a")
    [found] = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayAttachments"]
    assert found["Association"]["TransitGatewayRouteTableId"] == second["route_table"]["transit_gateway_route_table_id"]


def test_an_attachment_name_another_vpcs_attachment_has_is_refused(localaws, module):
    """The seventeenth trial's TA03: a second attachment took the Name of another VPC's, rc 0; route tables and the
    playbooks tell attachments apart by name."""
    first, second = (spoke_vpc(localaws, "crossvpc-a", cidr, name) for cidr, name in (("10.84.0.0/16", "tgw-mod-n1"), ("10.85.0.0/16", "tgw-mod-n2")))
    gateway_id = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-names"})["transit_gateway"]["transit_gateway_id"]
    made = module("crossvpc.aws.transit_gateway_attachment", {"transit_gateway_id": gateway_id, "attachments": [
        {"vpc_id": first["vpc"], "subnet_names": ["tgw-mod-n1-1"], "name": "payments"}]})["attachments"][0]
    mark = localaws.control.mark()
    refused = module("crossvpc.aws.transit_gateway_attachment", {"transit_gateway_id": gateway_id, "attachments": [
        {"vpc_id": second["vpc"], "subnet_names": ["tgw-mod-n2-1"], "name": "payments"}]})
    assert refused.get("failed") and refused["msg"].startswith(
        f"attachments[].name='payments': is the Name of {made['transit_gateway_attachment_id']}, the attachment of {first['vpc']} to "
        f"{gateway_id}"), refused
    assert mutating(localaws, mark) == []


def test_a_spoke_of_another_account_needs_the_share_then_waits_for_the_hub(localaws, module):
    spoke = spoke_vpc(localaws, "crossvpc-b", "10.83.0.0/16", "tgw-mod-b")
    gateway = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-shared"})["transit_gateway"]
    attach = {"transit_gateway_id": gateway["transit_gateway_id"],
              "attachments": [{"vpc_id": spoke["vpc"], "subnet_names": ["tgw-mod-b-1", "tgw-mod-b-2"]}]}
    mark = localaws.control.mark()
    unshared = module("crossvpc.aws.transit_gateway_attachment", attach, profile="crossvpc-b")
    assert unshared.get("failed") and "share it with this one" in unshared["msg"], unshared
    assert mutating(localaws, mark) == []

    share = {"name": "tgw-mod-shared", "resource_arns": [gateway["transit_gateway_arn"]], "principals": [ACCOUNT_B]}
    assert module("crossvpc.aws.resource_share", share)["changed"]
    accept = {"name": "tgw-mod-shared", "state": "accepted", "owner_account_id": ACCOUNT_A}
    assert module("crossvpc.aws.resource_share", accept, profile="crossvpc-b")["changed"]
    mark = localaws.control.mark()
    assert module("crossvpc.aws.resource_share", share)["changed"] is False
    assert module("crossvpc.aws.resource_share", accept, profile="crossvpc-b")["changed"] is False
    assert mutating(localaws, mark) == []

    attached = module("crossvpc.aws.transit_gateway_attachment", attach, profile="crossvpc-b")
    assert attached["attachments"][0]["state"] == "pendingAcceptance", attached
    attachment_id = attached["attachments"][0]["transit_gateway_attachment_id"]
    hub = {"transit_gateway_id": gateway["transit_gateway_id"], "state": "accepted", "account_ids": [ACCOUNT_B]}
    planned = module("crossvpc.aws.transit_gateway_attachment", hub, check=True)
    assert planned["changed"] and planned["changes"] == {attachment_id: {"accept": True}}
    assert module("crossvpc.aws.transit_gateway_attachment", hub)["changed"]
    [found] = localaws.client("ec2", "crossvpc-a").describe_transit_gateway_attachments(
        TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayAttachments"]
    assert found["State"] == "available" and found["ResourceOwnerId"] == ACCOUNT_B
    assert module("crossvpc.aws.transit_gateway_attachment", hub)["changed"] is False
    # Rejecting it now does nothing on AWS: refused, naming it (the seventeenth trial's TA05 was rc 0, the VPC still connected).
    mark = localaws.control.mark()
    refused = module("crossvpc.aws.transit_gateway_attachment", dict(hub, state="rejected"))
    assert refused.get("failed") and f"{attachment_id} of {spoke['vpc']} (account {ACCOUNT_B}) is available" in refused["msg"], refused
    assert "delete its attachment" in refused["msg"] and mutating(localaws, mark) == []


def test_a_share_rebuilt_under_the_same_name_is_accepted_again(localaws, module):
    """After a teardown the old share's ACCEPTED invitation stays listed; it must not stand in
    for the new share's PENDING one."""
    gateway = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-rebuilt"})["transit_gateway"]
    share = {"name": "tgw-mod-rebuilt", "resource_arns": [gateway["transit_gateway_arn"]], "principals": [ACCOUNT_B]}
    accept = {"name": "tgw-mod-rebuilt", "state": "accepted", "owner_account_id": ACCOUNT_A}
    mark = localaws.control.mark()  # sharing with the owner's own account: refused before the share is made
    own = module("crossvpc.aws.resource_share", dict(share, principals=[ACCOUNT_B, ACCOUNT_A]))
    assert own["failed"] and own["msg"].startswith(f"principals[1]='{ACCOUNT_A}': is this account itself") and mutating(localaws, mark) == []
    old = module("crossvpc.aws.resource_share", share)["resource_share"]["resource_share_arn"]
    assert module("crossvpc.aws.resource_share", accept, profile="crossvpc-b")["changed"]
    assert module("crossvpc.aws.resource_share", dict(share, state="absent"))["changed"]

    # The rebuild shares a new transit gateway, as after a teardown of the whole hub.
    rebuilt = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-rebuilt-2"})["transit_gateway"]
    share["resource_arns"] = [rebuilt["transit_gateway_arn"]]
    new = module("crossvpc.aws.resource_share", share)["resource_share"]["resource_share_arn"]
    assert new != old
    accepted = module("crossvpc.aws.resource_share", accept, profile="crossvpc-b")
    assert accepted["changed"] and accepted["invitation"]["resource_share_arn"] == new, accepted
    ram = localaws.client("ram", "crossvpc-b")
    statuses = {i["resourceShareArn"]: i["status"] for i in ram.get_resource_share_invitations()["resourceShareInvitations"]
                if i["resourceShareName"] == "tgw-mod-rebuilt"}
    assert statuses == {old: "ACCEPTED", new: "ACCEPTED"}
    received = ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS", name="tgw-mod-rebuilt")["resourceShares"]
    assert [s["resourceShareArn"] for s in received if s["status"] == "ACTIVE"] == [new]
    mark = localaws.control.mark()
    again = module("crossvpc.aws.resource_share", accept, profile="crossvpc-b")
    assert again["changed"] is False and again["invitation"]["resource_share_arn"] == new
    assert mutating(localaws, mark) == []


def test_check_mode_hub_plans_to_accept_a_spokes_planned_attachment(localaws, module):
    """In a check run a new spoke's attachment is only planned (its id is (known after apply)): the hub's accept
    of it must plan a change, as the real run makes one, not report ok."""
    spoke = spoke_vpc(localaws, "crossvpc-b", "10.84.0.0/16", "tgw-mod-plan")
    gateway = module("crossvpc.aws.transit_gateway", {"name": "tgw-mod-plan"})["transit_gateway"]
    assert module("crossvpc.aws.resource_share", {"name": "tgw-mod-plan", "resource_arns": [gateway["transit_gateway_arn"]],
                                                  "principals": [ACCOUNT_B]})["changed"]
    assert module("crossvpc.aws.resource_share", {"name": "tgw-mod-plan", "state": "accepted",
                                                  "owner_account_id": ACCOUNT_A}, profile="crossvpc-b")["changed"]
    attach = {"transit_gateway_id": gateway["transit_gateway_id"],
              "attachments": [{"vpc_id": spoke["vpc"], "subnet_names": ["tgw-mod-plan-1"], "name": "tgw-mod-plan"}]}

    mark = localaws.control.mark()
    [planned] = module("crossvpc.aws.transit_gateway_attachment", attach, profile="crossvpc-b", check=True)["attachments"]
    assert planned["transit_gateway_attachment_id"] == "(known after apply)"
    # What the hub role passes: the foreign spokes' VPCs and their attachment ids.
    hub = {"transit_gateway_id": gateway["transit_gateway_id"], "state": "accepted", "vpc_ids": [planned["vpc_id"]],
           "attachment_ids": [planned["transit_gateway_attachment_id"]]}
    hub_plan = module("crossvpc.aws.transit_gateway_attachment", hub, check=True)
    assert hub_plan["changed"], hub_plan
    assert hub_plan["changes"] == {f"(known after apply) ({spoke['vpc']})": {"accept": True}}
    assert [(a["vpc_id"], a["state"]) for a in hub_plan["attachments"]] == [(spoke["vpc"], "available")]
    assert mutating(localaws, mark) == []
    ec2_a = localaws.client("ec2", "crossvpc-a")
    assert [a for a in ec2_a.describe_transit_gateway_attachments(Filters=[
        {"Name": "transit-gateway-id", "Values": [gateway["transit_gateway_id"]]}])["TransitGatewayAttachments"]
        if a["State"] != "deleted"] == []

    # The real run does what the check said: the spoke attaches, the hub accepts (changed).
    [attached] = module("crossvpc.aws.transit_gateway_attachment", attach, profile="crossvpc-b")["attachments"]
    attachment_id = attached["transit_gateway_attachment_id"]
    accepted = module("crossvpc.aws.transit_gateway_attachment", dict(hub, attachment_ids=[attachment_id]))
    assert accepted["changed"] and accepted["changes"] == {attachment_id: {"accept": True}}
    [found] = ec2_a.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[attachment_id])["TransitGatewayAttachments"]
    assert found["State"] == "available" and found["ResourceOwnerId"] == ACCOUNT_B
