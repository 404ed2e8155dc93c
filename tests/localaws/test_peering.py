"""VPC peering as AWS does it: overlap check, filters, visibility, per-account tags, options, rights.

Account A (crossvpc-a) requests, B (crossvpc-b) accepts, C (crossvpc-c) stands outside. Every test
makes its own VPCs with CIDRs no other test uses.
"""

import itertools
import uuid
from datetime import datetime, timedelta, timezone

import botocore.exceptions
import pytest

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C

ACCOUNTS = {"crossvpc-a": ACCOUNT_A, "crossvpc-b": ACCOUNT_B, "crossvpc-c": ACCOUNT_C}
FAILED_MESSAGE = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"
NOT_FOUND = "InvalidVpcPeeringConnectionID.NotFound"
DNS = "AllowDnsResolutionFromRemoteVpc"
# A /16 of 10.0.0.0/8 per VPC, none used twice in a test run (each worker has its own server).
BLOCKS = itertools.count(100)


@pytest.fixture
def clients(localaws):
    """clients(profile, region): this test's EC2 client for an account in a region, made once
    (making one costs about half a second: B and C assume a role)."""
    made = {}

    def client(profile="crossvpc-a", region="us-east-1"):
        if (profile, region) not in made:
            made[profile, region] = localaws.client("ec2", profile, region)
        return made[profile, region]

    return client


def new_cidr():
    return f"10.{next(BLOCKS)}.0.0/16"


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def new_vpc(clients, profile="crossvpc-a", region="us-east-1", cidr=None, secondary=()):
    ec2 = clients(profile, region)
    vpc_id = ec2.create_vpc(CidrBlock=cidr or new_cidr())["Vpc"]["VpcId"]
    for block in secondary:
        ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock=block)
    return vpc_id


def request(clients, vpc_id, peer_vpc_id, accepter="crossvpc-b", region="us-east-1",
            peer_region=None, **extra):
    """Account A asks for a peering from ``vpc_id`` to ``peer_vpc_id``; the create response."""
    params = dict(VpcId=vpc_id, PeerVpcId=peer_vpc_id, PeerOwnerId=ACCOUNTS[accepter], **extra)
    if peer_region:
        params["PeerRegion"] = peer_region
    return clients("crossvpc-a", region).create_vpc_peering_connection(
        **params)["VpcPeeringConnection"]


def pending(clients, accepter="crossvpc-b", **extra):
    """A new request from a new VPC of A to a new VPC of ``accepter``: (pcx id, vpc, peer vpc)."""
    vpc_id, peer_vpc_id = new_vpc(clients), new_vpc(clients, accepter)
    pcx = request(clients, vpc_id, peer_vpc_id, accepter, **extra)
    return pcx["VpcPeeringConnectionId"], vpc_id, peer_vpc_id


def active(clients, accepter="crossvpc-b"):
    pcx_id = pending(clients, accepter)[0]
    clients(accepter).accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    return pcx_id


def described(clients, pcx_id, profile="crossvpc-a", region="us-east-1"):
    [pcx] = clients(profile, region).describe_vpc_peering_connections(
        VpcPeeringConnectionIds=[pcx_id])["VpcPeeringConnections"]
    return pcx


def status(clients, pcx_id, profile="crossvpc-a", region="us-east-1"):
    return described(clients, pcx_id, profile, region)["Status"]


def error(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(**kwargs)
    return raised.value.response["Error"]


def error_code(call, **kwargs):
    return error(call, **kwargs)["Code"]


def found(ec2, *filters):
    """Ids of the connections ``ec2``'s account sees through ``filters`` (name, values...)."""
    params = [{"Name": name, "Values": list(values)} for name, *values in filters]
    return {pcx["VpcPeeringConnectionId"]
            for pcx in ec2.describe_vpc_peering_connections(Filters=params)["VpcPeeringConnections"]}


def tags(clients, pcx_id, profile):
    return {t["Key"]: t["Value"] for t in described(clients, pcx_id, profile)["Tags"]}


def test_a_request_initiates_then_waits_for_acceptance_then_is_active(clients):
    vpc_id, peer_vpc_id = new_vpc(clients), new_vpc(clients, "crossvpc-b")
    made = request(clients, vpc_id, peer_vpc_id)
    pcx_id = made["VpcPeeringConnectionId"]
    assert made["Status"] == {"Code": "initiating-request",
                              "Message": f"Initiating Request to {ACCOUNT_B}"}
    for profile in ("crossvpc-a", "crossvpc-b"):
        pcx = described(clients, pcx_id, profile)
        assert pcx["Status"] == {"Code": "pending-acceptance",
                                 "Message": f"Pending Acceptance by {ACCOUNT_B}"}
        in_a_week = datetime.now(timezone.utc) + timedelta(days=7)
        assert abs(pcx["ExpirationTime"] - in_a_week) < timedelta(minutes=5)

    accepted = clients("crossvpc-b").accept_vpc_peering_connection(
        VpcPeeringConnectionId=pcx_id)["VpcPeeringConnection"]
    assert accepted["Status"]["Code"] == "active"
    for profile in ("crossvpc-a", "crossvpc-b"):
        pcx = described(clients, pcx_id, profile)
        assert pcx["Status"] == {"Code": "active", "Message": "Active"}
        assert "ExpirationTime" not in pcx
        assert pcx["RequesterVpcInfo"]["VpcId"] == vpc_id
        assert pcx["AccepterVpcInfo"]["VpcId"] == peer_vpc_id


def test_overlapping_cidrs_fail_the_request_for_the_requester_only(clients):
    # The overlap is between A's secondary block and B's primary one.
    shared = new_cidr()
    vpc_id = new_vpc(clients, secondary=[shared])
    peer_vpc_id = new_vpc(clients, "crossvpc-b", cidr=shared.replace(".0.0/16", ".128.0/17"))
    made = request(clients, vpc_id, peer_vpc_id)
    pcx_id = made["VpcPeeringConnectionId"]
    assert made["Status"]["Code"] == "initiating-request"
    assert status(clients, pcx_id) == {"Code": "failed", "Message": FAILED_MESSAGE}
    # AWS: "The failed VPC peering connection remains visible to the requester"; B never got it.
    ec2_b = clients("crossvpc-b")
    assert error_code(ec2_b.describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx_id]) == NOT_FOUND
    assert error_code(ec2_b.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx_id) == NOT_FOUND

    # Within one account the requester is also the accepter: it sees the failure, cannot accept it.
    cidr = new_cidr()
    pcx_id = request(clients, new_vpc(clients, cidr=cidr), new_vpc(clients, cidr=cidr),
                     accepter="crossvpc-a")["VpcPeeringConnectionId"]
    ec2_a = clients("crossvpc-a")
    assert status(clients, pcx_id)["Code"] == "failed"
    assert error_code(ec2_a.accept_vpc_peering_connection, VpcPeeringConnectionId=pcx_id) == "InvalidStateTransition"
    assert status(clients, pcx_id)["Code"] == "failed"

    # Touching is not overlapping: 10.N.0.0/16 and 10.N+1.0.0/16 peer fine.
    pcx_id = request(clients, new_vpc(clients), new_vpc(clients, "crossvpc-b"))["VpcPeeringConnectionId"]
    assert status(clients, pcx_id)["Code"] == "pending-acceptance"


def test_describe_honours_every_filter(clients):
    team = unique("team")
    waiting, vpc_1, vpc_2 = pending(clients, TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": team, "Value": f"{team}-value"}]}])
    working = active(clients, accepter="crossvpc-a")
    ours = ("vpc-peering-connection-id", waiting, working)
    [cidr_1, cidr_2] = [described(clients, waiting)[side]["CidrBlock"] for side in ("RequesterVpcInfo", "AccepterVpcInfo")]
    accepter_of_working = described(clients, working)["AccepterVpcInfo"]
    ec2 = clients("crossvpc-a")

    assert found(ec2, ours) == {waiting, working}
    assert found(ec2, ours, ("status-code", "pending-acceptance")) == {waiting}
    assert found(ec2, ours, ("status-code", "pending-acceptance", "active")) == {waiting, working}
    assert found(ec2, ours, ("status-code", "deleted")) == set()
    assert found(ec2, ours, ("status-message", "Active")) == {working}
    assert found(ec2, ("requester-vpc-info.vpc-id", vpc_1)) == {waiting}
    assert found(ec2, ("accepter-vpc-info.vpc-id", vpc_2, accepter_of_working["VpcId"])) == {waiting, working}
    assert found(ec2, ours, ("requester-vpc-info.owner-id", ACCOUNT_A)) == {waiting, working}
    assert found(ec2, ours, ("accepter-vpc-info.owner-id", ACCOUNT_B)) == {waiting}
    assert found(ec2, ("requester-vpc-info.cidr-block", cidr_1)) == {waiting}
    assert found(ec2, ("accepter-vpc-info.cidr-block", cidr_2)) == {waiting}
    assert found(ec2, ("accepter-vpc-info.cidr-block", accepter_of_working["CidrBlock"])) == {working}
    assert found(ec2, (f"tag:{team}", f"{team}-value")) == {waiting}
    assert found(ec2, (f"tag:{team}", "other")) == set()
    assert found(ec2, ("tag-key", team)) == {waiting}
    assert found(ec2, ("tag-value", f"{team}-*")) == {waiting}
    assert found(ec2, ("tag-key", team), ("status-code", "active")) == set()
    bad_filter = [{"Name": "no-such-filter", "Values": ["x"]}]
    assert error_code(ec2.describe_vpc_peering_connections, Filters=bad_filter) == "InvalidParameterValue"


def test_unknown_ids_are_not_found_in_every_action(clients):
    known = pending(clients)[0]
    unknown = "pcx-0123456789abcdef0"
    ec2 = clients("crossvpc-a")
    answer = error(ec2.describe_vpc_peering_connections, VpcPeeringConnectionIds=[known, unknown])
    assert answer == {"Code": NOT_FOUND, "Message": f"The vpcPeeringConnection ID '{unknown}' does not exist"}
    for call in (ec2.accept_vpc_peering_connection, ec2.reject_vpc_peering_connection,
                 ec2.delete_vpc_peering_connection):
        assert error_code(call, VpcPeeringConnectionId=unknown) == NOT_FOUND
    assert error_code(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=unknown,
                      RequesterPeeringConnectionOptions={DNS: True}) == NOT_FOUND


def test_only_the_two_accounts_see_a_connection(clients):
    pcx_id, vpc_id, peer_vpc_id = pending(clients)
    for profile in ("crossvpc-a", "crossvpc-b"):
        ec2 = clients(profile)
        assert pcx_id in found(ec2)
        pcx = described(clients, pcx_id, profile)
        assert (pcx["RequesterVpcInfo"]["OwnerId"], pcx["AccepterVpcInfo"]["OwnerId"]) == (ACCOUNT_A, ACCOUNT_B)
        assert (pcx["RequesterVpcInfo"]["VpcId"], pcx["AccepterVpcInfo"]["VpcId"]) == (vpc_id, peer_vpc_id)
    ec2_c = clients("crossvpc-c")
    assert pcx_id not in found(ec2_c)
    assert found(ec2_c, ("requester-vpc-info.vpc-id", vpc_id)) == set()
    assert error_code(ec2_c.describe_vpc_peering_connections, VpcPeeringConnectionIds=[pcx_id]) == NOT_FOUND
    for call in (ec2_c.accept_vpc_peering_connection, ec2_c.reject_vpc_peering_connection,
                 ec2_c.delete_vpc_peering_connection):
        assert error_code(call, VpcPeeringConnectionId=pcx_id) == NOT_FOUND
    assert error_code(ec2_c.create_tags, Resources=[pcx_id], Tags=[{"Key": "k", "Value": "v"}]) == NOT_FOUND
    assert status(clients, pcx_id, "crossvpc-b")["Code"] == "pending-acceptance"


def test_tags_belong_to_the_account_that_set_them(clients):
    pcx_id = pending(clients, TagSpecifications=[
        {"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "Side", "Value": "requester"}]}])[0]
    ec2_a, ec2_b = clients("crossvpc-a"), clients("crossvpc-b")
    assert tags(clients, pcx_id, "crossvpc-a") == {"Side": "requester"}
    assert tags(clients, pcx_id, "crossvpc-b") == {}

    ec2_b.create_tags(Resources=[pcx_id], Tags=[{"Key": "Side", "Value": "accepter"}, {"Key": "Owner", "Value": "b"}])
    assert tags(clients, pcx_id, "crossvpc-a") == {"Side": "requester"}
    assert tags(clients, pcx_id, "crossvpc-b") == {"Side": "accepter", "Owner": "b"}
    ids = ("vpc-peering-connection-id", pcx_id)
    assert found(ec2_b, ids, ("tag:Side", "accepter")) == {pcx_id}
    assert found(ec2_b, ids, ("tag:Side", "requester")) == set()
    assert found(ec2_a, ids, ("tag-key", "Owner")) == set()

    ec2_a.delete_tags(Resources=[pcx_id], Tags=[{"Key": "Side"}])
    assert tags(clients, pcx_id, "crossvpc-a") == {}
    assert tags(clients, pcx_id, "crossvpc-b") == {"Side": "accepter", "Owner": "b"}


def test_each_side_sets_only_its_own_options_and_only_when_active(clients):
    pcx_id = pending(clients)[0]
    ec2_a, ec2_b = clients("crossvpc-a"), clients("crossvpc-b")
    answer = error(ec2_a.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx_id,
                   RequesterPeeringConnectionOptions={DNS: True})
    assert answer == {"Code": "OperationNotPermitted", "Message": (
        f"Peering {pcx_id} is not active. Peering options can be added only to active peerings.")}
    ec2_b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)

    for ec2, side in ((ec2_a, "Accepter"), (ec2_b, "Requester")):
        code = error_code(ec2.modify_vpc_peering_connection_options, VpcPeeringConnectionId=pcx_id,
                          **{f"{side}PeeringConnectionOptions": {DNS: True}})
        assert code == "OperationNotPermitted"
    answer = ec2_a.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx_id, RequesterPeeringConnectionOptions={DNS: True})
    assert answer["RequesterPeeringConnectionOptions"][DNS] is True
    assert "AccepterPeeringConnectionOptions" not in answer
    pcx = described(clients, pcx_id, "crossvpc-b")
    assert (pcx["RequesterVpcInfo"]["PeeringOptions"][DNS], pcx["AccepterVpcInfo"]["PeeringOptions"][DNS]) == (True, False)

    ec2_b.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx_id, AccepterPeeringConnectionOptions={DNS: True})
    assert described(clients, pcx_id)["AccepterVpcInfo"]["PeeringOptions"][DNS] is True

    # One account owning both VPCs sets both sides at once.
    own = active(clients, accepter="crossvpc-a")
    answer = ec2_a.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=own, RequesterPeeringConnectionOptions={DNS: True},
        AccepterPeeringConnectionOptions={DNS: True})
    assert answer["RequesterPeeringConnectionOptions"][DNS] and answer["AccepterPeeringConnectionOptions"][DNS]


def test_only_the_accepter_accepts_or_rejects_and_only_a_pending_request(clients):
    pcx_id = pending(clients)[0]
    ec2_a, ec2_b = clients("crossvpc-a"), clients("crossvpc-b")
    for call in (ec2_a.accept_vpc_peering_connection, ec2_a.reject_vpc_peering_connection):
        assert error_code(call, VpcPeeringConnectionId=pcx_id) == "OperationNotPermitted"
    assert status(clients, pcx_id)["Code"] == "pending-acceptance"
    ec2_b.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    assert status(clients, pcx_id)["Code"] == status(clients, pcx_id, "crossvpc-b")["Code"] == "rejected"
    for call in (ec2_b.accept_vpc_peering_connection, ec2_b.reject_vpc_peering_connection):
        assert error_code(call, VpcPeeringConnectionId=pcx_id) == "InvalidStateTransition"

    accepted = active(clients)
    for call in (ec2_b.accept_vpc_peering_connection, ec2_b.reject_vpc_peering_connection):
        assert error_code(call, VpcPeeringConnectionId=accepted) == "InvalidStateTransition"
    assert status(clients, accepted)["Code"] == "active"


def test_delete_follows_the_state_and_the_side(clients):
    ec2_a, ec2_b = clients("crossvpc-a"), clients("crossvpc-b")
    # A pending request: the accepter must reject it; the requester may withdraw it.
    withdrawn = pending(clients)[0]
    assert error_code(ec2_b.delete_vpc_peering_connection, VpcPeeringConnectionId=withdrawn) == "OperationNotPermitted"
    ec2_a.delete_vpc_peering_connection(VpcPeeringConnectionId=withdrawn)

    # An active connection: either owner deletes it.
    by_requester, by_accepter = active(clients), active(clients)
    ec2_a.delete_vpc_peering_connection(VpcPeeringConnectionId=by_requester)
    ec2_b.delete_vpc_peering_connection(VpcPeeringConnectionId=by_accepter)
    for pcx_id in (withdrawn, by_requester, by_accepter):
        for profile in ("crossvpc-a", "crossvpc-b"):
            assert status(clients, pcx_id, profile)["Code"] == "deleted"
    assert {withdrawn, by_requester} <= found(ec2_a, ("status-code", "deleted"))

    rejected = pending(clients)[0]
    ec2_b.reject_vpc_peering_connection(VpcPeeringConnectionId=rejected)
    cidr = new_cidr()
    failed = request(clients, new_vpc(clients, cidr=cidr), new_vpc(clients, cidr=cidr),
                     accepter="crossvpc-a")["VpcPeeringConnectionId"]
    for pcx_id, from_state in ((rejected, "rejected"), (failed, "failed"), (by_requester, "deleted")):
        answer = error(ec2_a.delete_vpc_peering_connection, VpcPeeringConnectionId=pcx_id)
        assert answer == {"Code": "InvalidStateTransition", "Message": (
            f"Invalid state transition for {pcx_id}, attempted to transition from {from_state} to deleting")}
    assert status(clients, rejected)["Code"] == "rejected"


def test_cross_region_requests_are_accepted_in_the_accepter_region(clients):
    for accepter in ("crossvpc-a", "crossvpc-b"):
        vpc_id, peer_vpc_id = new_vpc(clients), new_vpc(clients, accepter, "us-west-2")
        pcx_id = request(clients, vpc_id, peer_vpc_id, accepter, peer_region="us-west-2")["VpcPeeringConnectionId"]
        # In the requester's region: A is told the region is wrong; B has nothing there.
        wrong_region = "OperationNotPermitted" if accepter == "crossvpc-a" else NOT_FOUND
        assert error_code(clients(accepter, "us-east-1").accept_vpc_peering_connection,
                          VpcPeeringConnectionId=pcx_id) == wrong_region
        west = clients(accepter, "us-west-2")
        assert found(west, ("requester-vpc-info.vpc-id", vpc_id), ("accepter-vpc-info.owner-id", ACCOUNTS[accepter]),
                     ("status-code", "pending-acceptance")) == {pcx_id}
        west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
        for profile, region in (("crossvpc-a", "us-east-1"), (accepter, "us-west-2")):
            pcx = described(clients, pcx_id, profile, region)
            assert pcx["Status"]["Code"] == "active"
            assert (pcx["RequesterVpcInfo"]["Region"], pcx["AccepterVpcInfo"]["Region"]) == ("us-east-1", "us-west-2")

    # Overlap is checked across regions too; the failure stays with the requester's region.
    cidr = new_cidr()
    vpc_id, peer_vpc_id = new_vpc(clients, cidr=cidr), new_vpc(clients, "crossvpc-b", "us-west-2", cidr=cidr)
    pcx_id = request(clients, vpc_id, peer_vpc_id, peer_region="us-west-2")["VpcPeeringConnectionId"]
    assert status(clients, pcx_id) == {"Code": "failed", "Message": FAILED_MESSAGE}
    assert found(clients("crossvpc-b", "us-west-2"), ("accepter-vpc-info.vpc-id", peer_vpc_id)) == set()
