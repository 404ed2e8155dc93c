"""RAM as AWS does it: invitations across accounts, the receiver's view, associations, tags, tokens.

Account A (crossvpc-a) shares its transit gateways; B (crossvpc-b) receives; C (crossvpc-c) stands
outside. Every test makes its own TGW and share.
"""

import uuid

import botocore.exceptions
import pytest

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C


@pytest.fixture
def clients(localaws):
    """clients(service, profile): this test's client for an account, made once."""
    made = {}

    def client(service, profile="crossvpc-a"):
        if (service, profile) not in made:
            made[service, profile] = localaws.client(service, profile)
        return made[service, profile]

    return client


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def new_tgw(clients):
    return clients("ec2").create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayArn"]


def new_share(clients, tgw_arn, principals=(ACCOUNT_B,), **extra):
    return clients("ram").create_resource_share(
        name=extra.pop("name", unique("share")), resourceArns=[tgw_arn], principals=list(principals),
        **extra)["resourceShare"]


def invitations(clients, share_arn, profile="crossvpc-b"):
    return clients("ram", profile).get_resource_share_invitations(
        resourceShareArns=[share_arn])["resourceShareInvitations"]


def shares(clients, profile, owner, **params):
    return clients("ram", profile).get_resource_shares(resourceOwner=owner, **params)["resourceShares"]


def arns(items, key="resourceShareArn"):
    return {item[key] for item in items}


def error_code(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]["Code"]


def test_an_invitation_waits_in_the_receiver_account_until_accepted(clients):
    tgw_arn = new_tgw(clients)
    share = new_share(clients, tgw_arn)
    assert share["status"] == "ACTIVE" and share["allowExternalPrincipals"] is True
    [invitation] = invitations(clients, share["resourceShareArn"])
    assert invitation["status"] == "PENDING"
    assert (invitation["senderAccountId"], invitation["receiverAccountId"]) == (ACCOUNT_A, ACCOUNT_B)
    assert invitations(clients, share["resourceShareArn"], "crossvpc-c") == []
    assert share["resourceShareArn"] not in arns(shares(clients, "crossvpc-b", "OTHER-ACCOUNTS"))
    [association] = clients("ram").get_resource_share_associations(
        associationType="PRINCIPAL", resourceShareArns=[share["resourceShareArn"]])["resourceShareAssociations"]
    assert (association["associatedEntity"], association["status"]) == (ACCOUNT_B, "ASSOCIATING")

    ram_b = clients("ram", "crossvpc-b")
    accepted = ram_b.accept_resource_share_invitation(
        resourceShareInvitationArn=invitation["resourceShareInvitationArn"])["resourceShareInvitation"]
    assert accepted["status"] == "ACCEPTED"
    [seen] = shares(clients, "crossvpc-b", "OTHER-ACCOUNTS", resourceShareArns=[share["resourceShareArn"]])
    assert (seen["status"], seen["owningAccountId"]) == ("ACTIVE", ACCOUNT_A)
    assert share["resourceShareArn"] in arns(shares(clients, "crossvpc-a", "SELF"))
    assert share["resourceShareArn"] not in arns(shares(clients, "crossvpc-b", "SELF"))
    assert error_code(ram_b.accept_resource_share_invitation,
                      resourceShareInvitationArn=invitation["resourceShareInvitationArn"]) == \
        "ResourceShareInvitationAlreadyAcceptedException"


def test_list_resources_by_owner_and_type(clients):
    tgw_arn = new_tgw(clients)
    share_arn = new_share(clients, tgw_arn)["resourceShareArn"]
    ram_a, ram_b = clients("ram"), clients("ram", "crossvpc-b")
    [mine] = ram_a.list_resources(resourceOwner="SELF", resourceArns=[tgw_arn])["resources"]
    assert (mine["type"], mine["resourceShareArn"], mine["status"]) == ("ec2:TransitGateway", share_arn, "AVAILABLE")
    assert tgw_arn not in arns(ram_b.list_resources(resourceOwner="OTHER-ACCOUNTS")["resources"], "arn")

    [invitation] = invitations(clients, share_arn)
    ram_b.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    seen = ram_b.list_resources(resourceOwner="OTHER-ACCOUNTS", resourceType="ec2:TransitGateway")["resources"]
    assert tgw_arn in arns(seen, "arn")
    assert ram_b.list_resources(resourceOwner="OTHER-ACCOUNTS", resourceType="ec2:Subnet",
                                resourceShareArns=[share_arn])["resources"] == []


def test_a_rejected_invitation_gives_no_access(clients):
    share_arn = new_share(clients, new_tgw(clients))["resourceShareArn"]
    ram_b = clients("ram", "crossvpc-b")
    [invitation] = invitations(clients, share_arn)
    rejected = ram_b.reject_resource_share_invitation(
        resourceShareInvitationArn=invitation["resourceShareInvitationArn"])["resourceShareInvitation"]
    assert rejected["status"] == "REJECTED"
    assert invitations(clients, share_arn)[0]["status"] == "REJECTED"
    assert share_arn not in arns(shares(clients, "crossvpc-b", "OTHER-ACCOUNTS"))
    assert error_code(ram_b.accept_resource_share_invitation,
                      resourceShareInvitationArn=invitation["resourceShareInvitationArn"]) == \
        "ResourceShareInvitationAlreadyRejectedException"
    # Another account cannot answer B's invitation.
    assert error_code(clients("ram", "crossvpc-c").accept_resource_share_invitation,
                      resourceShareInvitationArn=invitation["resourceShareInvitationArn"]) == \
        "ResourceShareInvitationArnNotFoundException"


def test_associate_and_disassociate_principals_and_resources(clients):
    first, second = new_tgw(clients), new_tgw(clients)
    share_arn = new_share(clients, first, principals=[])["resourceShareArn"]
    ram_a = clients("ram")
    added = ram_a.associate_resource_share(resourceShareArn=share_arn, principals=[ACCOUNT_C],
                                           resourceArns=[second])["resourceShareAssociations"]
    assert {(a["associatedEntity"], a["associationType"]) for a in added} == {
        (ACCOUNT_C, "PRINCIPAL"), (second, "RESOURCE")}
    [invitation] = invitations(clients, share_arn, "crossvpc-c")
    assert invitation["status"] == "PENDING"
    [resources] = [ram_a.get_resource_share_associations(
        associationType="RESOURCE", resourceShareArns=[share_arn], associationStatus="ASSOCIATED")]
    assert arns(resources["resourceShareAssociations"], "associatedEntity") == {first, second}

    removed = ram_a.disassociate_resource_share(resourceShareArn=share_arn, resourceArns=[first],
                                                principals=[ACCOUNT_C])["resourceShareAssociations"]
    assert {a["status"] for a in removed} == {"DISASSOCIATING"}
    assert arns(ram_a.list_resources(resourceOwner="SELF", resourceShareArns=[share_arn])["resources"],
                "arn") == {second}
    assert invitations(clients, share_arn, "crossvpc-c") == []
    assert error_code(ram_a.associate_resource_share, resourceShareArn=share_arn.replace(
        share_arn[-8:], "00000000"), principals=[ACCOUNT_B]) == "UnknownResourceException"


def test_a_deleted_share_is_listed_deleted_and_ends_access(clients):
    share_arn = new_share(clients, new_tgw(clients))["resourceShareArn"]
    ram_b = clients("ram", "crossvpc-b")
    [invitation] = invitations(clients, share_arn)
    ram_b.accept_resource_share_invitation(resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    assert clients("ram").delete_resource_share(resourceShareArn=share_arn)["returnValue"] is True
    [deleted] = shares(clients, "crossvpc-a", "SELF", resourceShareArns=[share_arn])
    assert deleted["status"] == "DELETED"
    assert share_arn not in arns(shares(clients, "crossvpc-b", "OTHER-ACCOUNTS"))
    assert ram_b.list_resources(resourceOwner="OTHER-ACCOUNTS", resourceShareArns=[share_arn])["resources"] == []


def test_shares_carry_tags_and_are_found_by_name_and_tag(clients):
    name, team = unique("named"), unique("team")
    share_arn = new_share(clients, new_tgw(clients), name=name,
                          tags=[{"key": "team", "value": team}])["resourceShareArn"]
    [found] = shares(clients, "crossvpc-a", "SELF", name=name)
    assert found["resourceShareArn"] == share_arn
    assert found["tags"] == [{"key": "team", "value": team}]
    assert arns(shares(clients, "crossvpc-a", "SELF", tagFilters=[{"tagKey": "team", "tagValues": [team]}])) == {share_arn}
    assert shares(clients, "crossvpc-a", "SELF", name=unique("other")) == []
    clients("ram").tag_resource(resourceShareArn=share_arn, tags=[{"key": "Name", "value": "hub"}])
    clients("ram").untag_resource(resourceShareArn=share_arn, tagKeys=["team"])
    assert shares(clients, "crossvpc-a", "SELF", name=name)[0]["tags"] == [{"key": "Name", "value": "hub"}]


def test_client_token_makes_create_associate_and_accept_idempotent(clients):
    tgw_arn, token = new_tgw(clients), unique("token")
    name = unique("share")
    first = new_share(clients, tgw_arn, name=name, clientToken=token)
    again = new_share(clients, tgw_arn, name=name, clientToken=token)
    assert first["resourceShareArn"] == again["resourceShareArn"]
    assert len(shares(clients, "crossvpc-a", "SELF", name=name)) == 1
    assert error_code(clients("ram").create_resource_share, name=unique("other"), resourceArns=[tgw_arn],
                      clientToken=token) == "IdempotentParameterMismatchException"

    ram_a, share_arn = clients("ram"), first["resourceShareArn"]
    for _attempt in range(2):
        ram_a.associate_resource_share(resourceShareArn=share_arn, principals=[ACCOUNT_C],
                                       clientToken=token + "-associate")
    [invitation] = invitations(clients, share_arn)
    ram_b = clients("ram", "crossvpc-b")
    for _attempt in range(2):
        accepted = ram_b.accept_resource_share_invitation(
            resourceShareInvitationArn=invitation["resourceShareInvitationArn"], clientToken=token + "-accept")
        assert accepted["resourceShareInvitation"]["status"] == "ACCEPTED"


def test_ram_calls_are_logged_and_classified(clients, localaws):
    mark = localaws.control.mark()
    share_arn = new_share(clients, new_tgw(clients))["resourceShareArn"]
    [invitation] = invitations(clients, share_arn)
    clients("ram", "crossvpc-b").accept_resource_share_invitation(
        resourceShareInvitationArn=invitation["resourceShareInvitationArn"])
    clients("ram", "crossvpc-b").list_resources(resourceOwner="OTHER-ACCOUNTS")
    calls = [(c["action"], c["mutating"]) for c in localaws.control.calls(mark)
             if c["service"] == "ram" and c["status"] == 200]
    for call in [("CreateResourceShare", True), ("GetResourceShareInvitations", False),
                 ("AcceptResourceShareInvitation", True), ("ListResources", False)]:
        assert call in calls
