"""VPC peering planning over boto3-shaped data: overlaps, the connection's ends, steps per side."""

import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import peering
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import CrossvpcError

VPC_A, VPC_B = "vpc-0aaaaaaaaaaaaaaaa", "vpc-0bbbbbbbbbbbbbbbb"


def connection(code="active", requester_dns=False, accepter_dns=False, tags=None, pcx="pcx-0123456789abcdef0"):
    return {"VpcPeeringConnectionId": pcx, "Status": {"Code": code, "Message": code},
            "RequesterVpcInfo": {"VpcId": VPC_A, "OwnerId": "111111111111", "Region": "us-east-1",
                                 "CidrBlock": "10.1.0.0/16",
                                 "PeeringOptions": {"AllowDnsResolutionFromRemoteVpc": requester_dns}},
            "AccepterVpcInfo": {"VpcId": VPC_B, "OwnerId": "222222222222", "Region": "us-east-1",
                                "CidrBlockSet": [{"CidrBlock": "10.2.0.0/16"}, {"CidrBlock": "10.3.0.0/16"}],
                                "PeeringOptions": {"AllowDnsResolutionFromRemoteVpc": accepter_dns}},
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}


def test_vpc_cidrs_include_associated_secondaries_only():
    vpc = {"CidrBlock": "10.1.0.0/16", "CidrBlockAssociationSet": [
        {"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "10.8.0.0/16", "CidrBlockState": {"State": "disassociated"}}]}
    assert peering.vpc_cidrs(vpc) == ["10.1.0.0/16", "10.9.0.0/16"]


@pytest.mark.parametrize("mine, theirs, clashes", [
    (["10.0.0.0/16"], ["10.0.0.0/16"], [("10.0.0.0/16", "10.0.0.0/16")]),
    (["10.0.0.0/16"], ["10.0.128.0/17"], [("10.0.0.0/16", "10.0.128.0/17")]),
    (["10.0.0.0/8"], ["10.200.0.0/16", "172.16.0.0/12"], [("10.0.0.0/8", "10.200.0.0/16")]),
    (["10.0.0.0/16", "10.5.0.0/16"], ["10.1.0.0/16", "10.5.3.0/24"], [("10.5.0.0/16", "10.5.3.0/24")]),
    (["10.0.0.0/16"], ["10.1.0.0/16"], []),
    (["192.168.0.0/24"], ["192.168.1.0/24"], []),
])
def test_overlaps(mine, theirs, clashes):
    assert peering.overlaps(mine, theirs) == clashes


def test_overlap_message_names_both_vpcs_the_ranges_and_privatelink():
    message = peering.overlap_message(VPC_A, VPC_B, [("10.0.0.0/16", "10.0.0.0/16")])
    assert VPC_A in message and VPC_B in message and "10.0.0.0/16 overlaps 10.0.0.0/16" in message
    assert "cannot route between overlapping ranges" in message and "playbooks/privatelink.yml" in message


def test_live_connection_ignores_history_and_refuses_two_live():
    history = [connection("failed"), connection("rejected"), connection("deleted"), connection("expired")]
    assert peering.live_connection(history) is None
    live = connection("pending-acceptance", pcx="pcx-0000000000000000a")
    assert peering.live_connection(history + [live]) is live
    with pytest.raises(CrossvpcError, match="2 live peering connections"):
        peering.live_connection([live, connection("active")])


@pytest.mark.parametrize("current, vpc, side, dns, steps", [
    (None, VPC_A, "requester", None, {"create": True}),
    (None, VPC_B, "accepter", True, {"accept": True, "dns": True}),
    (connection("pending-acceptance"), VPC_A, "requester", None, {}),
    (connection("pending-acceptance"), VPC_B, "accepter", None, {"accept": True}),
    (connection("active"), VPC_B, "accepter", None, {}),
    (connection("active"), VPC_A, "requester", True, {"dns": True}),
    (connection("active", requester_dns=True), VPC_A, "requester", True, {}),
    # Each side reads its own option: the accepter's being set says nothing about the requester's.
    (connection("active", accepter_dns=True), VPC_A, "requester", True, {"dns": True}),
    (connection("active", accepter_dns=True), VPC_B, "accepter", False, {"dns": False}),
])
def test_plan_steps(current, vpc, side, dns, steps):
    assert peering.plan(current, vpc, side, dns, None, True) == steps


def test_plan_tags_only_own_and_new_requests_carry_them():
    assert peering.plan(None, VPC_A, "requester", None, {"Name": "x"}, True) == {"create": True}
    current = connection("active", tags={"Name": "old", "team": "net"})
    assert peering.plan(current, VPC_A, "requester", None, {"Name": "new"}, True) == {
        "tag": {"Name": "new"}, "untag": ["team"]}
    assert peering.plan(current, VPC_A, "requester", None, {"Name": "new"}, False) == {"tag": {"Name": "new"}}
    assert peering.plan(current, VPC_A, "requester", None, None, True) == {}


def test_side_of():
    assert peering.side_of(connection(), VPC_A) == "Requester"
    assert peering.side_of(connection(), VPC_B) == "Accepter"


@pytest.mark.parametrize("current, reason", [
    (None, "it no longer exists"),
    (dict(connection("failed"), Status={"Code": "failed", "Message": "Overlapping CIDRs"}), "PrivateLink"),
    (connection("rejected"), "it is rejected"),
    (connection("expired"), "it is expired"),
    (connection("active"), None),
    (connection("pending-acceptance"), None),
])
def test_failure_reason(current, reason):
    found = peering.failure_reason(current)
    assert (found is None) if reason is None else (reason in found)


def test_result_shape():
    shown = peering.result(connection("active", accepter_dns=True, tags={"Name": "x"}), VPC_B)
    assert shown["side"] == "accepter" and shown["status"] == "active" and shown["tags"] == {"Name": "x"}
    assert shown["accepter"]["cidr_blocks"] == ["10.2.0.0/16", "10.3.0.0/16"]
    assert shown["accepter"]["allow_dns_resolution_from_remote_vpc"] is True
    assert shown["requester"]["allow_dns_resolution_from_remote_vpc"] is False
    assert peering.result(None, VPC_A) == {}
