"""crossvpc.aws.vpc_peering against the local AWS: same account, cross-account, cross-region, overlaps.

Every outcome is read back with boto3 from the account that owns it, and calls are counted at the server.
"""

import pytest

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C

A, B = "crossvpc-a", "crossvpc-b"
PEERING = "crossvpc.aws.vpc_peering"


def new_vpc(localaws, profile, cidr, region="us-east-1", secondary=None):
    ec2 = localaws.client("ec2", profile, region)
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if secondary:
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock=secondary)
    return vpc


def connections(localaws, profile, vpc, region="us-east-1"):
    """Every connection of ``vpc`` as ``profile`` sees it."""
    found = localaws.client("ec2", profile, region).describe_vpc_peering_connections()["VpcPeeringConnections"]
    return [c for c in found if vpc in (c["RequesterVpcInfo"]["VpcId"], c["AccepterVpcInfo"]["VpcId"])]


def live(localaws, profile, vpc, region="us-east-1"):
    return [c for c in connections(localaws, profile, vpc, region)
            if c["Status"]["Code"] in ("pending-acceptance", "provisioning", "active")]


def mutating(localaws, mark):
    return [(c["account"], c["action"]) for c in localaws.control.calls(mark) if c["mutating"]]


def peer_end_to_end(localaws, module, requester, accepter):
    """Check mode, request, accept with DNS, requester DNS, reruns and teardown, asserting each step.

    ``requester``/``accepter``: dicts of profile, region, vpc; returns nothing, fails on any drift.
    """
    req_args = {"vpc_id": requester["vpc"], "peer_vpc_id": accepter["vpc"],
                "peer_owner_id": accepter["account"], "peer_region": accepter["region"],
                "tags": {"Name": "requester-tag"}}
    acc_args = {"side": "accepter", "vpc_id": accepter["vpc"], "peer_vpc_id": requester["vpc"],
                "peer_owner_id": requester["account"], "peer_region": requester["region"],
                "allow_dns_resolution_from_remote_vpc": True}
    if accepter["account"] != requester["account"]:  # one account has one set of tags
        acc_args["tags"] = {"Name": "accepter-tag"}
        # The requester cannot read another account's VPC: it is told the CIDRs, as the role does.
        peer_ec2 = localaws.client("ec2", accepter["profile"], accepter["region"])
        req_args["peer_vpc_cidrs"] = [peer_ec2.describe_vpcs(VpcIds=[accepter["vpc"]])["Vpcs"][0]["CidrBlock"]]
    as_requester = dict(profile=requester["profile"], region=requester["region"])
    as_accepter = dict(profile=accepter["profile"], region=accepter["region"])

    mark = localaws.control.mark()
    planned = module(PEERING, req_args, check=True, **as_requester)
    assert planned["changed"] and planned["peering_connection"]["vpc_peering_connection_id"] == "(known after apply)"
    planned_accept = module(PEERING, dict(acc_args, peering_connection_id="(known after apply)"), check=True,
                            **as_accepter)
    assert planned_accept["changed"] and planned_accept["peering_connection"]["status"] == "active", planned_accept
    assert mutating(localaws, mark) == []
    assert live(localaws, requester["profile"], requester["vpc"], requester["region"]) == []

    requested = module(PEERING, req_args, **as_requester)
    assert requested["changed"], requested
    pcx = requested["peering_connection"]["vpc_peering_connection_id"]
    [seen] = live(localaws, accepter["profile"], accepter["vpc"], accepter["region"])
    assert seen["VpcPeeringConnectionId"] == pcx and seen["Status"]["Code"] == "pending-acceptance"

    mark = localaws.control.mark()
    assert module(PEERING, req_args, **as_requester)["changed"] is False
    assert mutating(localaws, mark) == []

    accepted = module(PEERING, acc_args, diff=True, **as_accepter)
    assert accepted["changed"] and accepted["diff"]["before"]["status"] == "pending-acceptance"
    assert module(PEERING, dict(req_args, allow_dns_resolution_from_remote_vpc=True), **as_requester)["changed"]
    for profile, region, vpc, tag in ((requester["profile"], requester["region"], requester["vpc"], "requester-tag"),
                                      (accepter["profile"], accepter["region"], accepter["vpc"], "accepter-tag")):
        [state] = live(localaws, profile, vpc, region)
        assert state["VpcPeeringConnectionId"] == pcx and state["Status"]["Code"] == "active"
        assert state["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
        assert state["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
        if requester["profile"] != accepter["profile"]:  # tags are per account
            assert {t["Key"]: t["Value"] for t in state.get("Tags", [])} == {"Name": tag}

    mark = localaws.control.mark()
    assert module(PEERING, dict(req_args, allow_dns_resolution_from_remote_vpc=True), **as_requester)["changed"] is False
    assert module(PEERING, acc_args, **as_accepter)["changed"] is False
    assert mutating(localaws, mark) == []

    removed = module(PEERING, dict(req_args, state="absent"), **as_requester)
    assert removed["changed"] and removed["removed"] == [pcx]
    assert live(localaws, requester["profile"], requester["vpc"], requester["region"]) == []
    assert live(localaws, accepter["profile"], accepter["vpc"], accepter["region"]) == []
    mark = localaws.control.mark()
    assert module(PEERING, dict(acc_args, state="absent"), **as_accepter)["changed"] is False
    assert mutating(localaws, mark) == []


def test_same_account(localaws, module):
    requester = dict(profile=A, account=ACCOUNT_A, region="us-east-1", vpc=new_vpc(localaws, A, "10.1.0.0/16"))
    accepter = dict(profile=A, account=ACCOUNT_A, region="us-east-1", vpc=new_vpc(localaws, A, "10.2.0.0/16"))
    peer_end_to_end(localaws, module, requester, accepter)


def test_cross_account(localaws, module):
    requester = dict(profile=A, account=ACCOUNT_A, region="us-east-1", vpc=new_vpc(localaws, A, "10.1.0.0/16"))
    accepter = dict(profile=B, account=ACCOUNT_B, region="us-east-1", vpc=new_vpc(localaws, B, "10.2.0.0/16"))
    peer_end_to_end(localaws, module, requester, accepter)


def test_cross_region_cross_account(localaws, module):
    requester = dict(profile=A, account=ACCOUNT_A, region="us-east-1", vpc=new_vpc(localaws, A, "10.1.0.0/16"))
    accepter = dict(profile=B, account=ACCOUNT_B, region="us-west-2",
                    vpc=new_vpc(localaws, B, "10.2.0.0/16", region="us-west-2"))
    peer_end_to_end(localaws, module, requester, accepter)


def test_cross_region_same_account(localaws, module):
    requester = dict(profile=A, account=ACCOUNT_A, region="us-east-1", vpc=new_vpc(localaws, A, "10.1.0.0/16"))
    accepter = dict(profile=A, account=ACCOUNT_A, region="eu-west-1",
                    vpc=new_vpc(localaws, A, "10.2.0.0/16", region="eu-west-1"))
    peer_end_to_end(localaws, module, requester, accepter)


# --- overlapping CIDRs ---------------------------------------------------------------------------

def assert_refused_for_overlap(result, *ranges):
    assert result.get("failed"), result
    message = result["msg"]
    assert "overlapping" in message and "playbooks/privatelink.yml" in message, message
    for cidr in ranges:
        assert cidr in message, message


def test_overlap_across_accounts_refused_before_any_mutating_call(localaws, module):
    """The lab's situation: two 10.0.0.0/16 VPCs in two accounts."""
    vpc_a, vpc_b = new_vpc(localaws, A, "10.0.0.0/16"), new_vpc(localaws, B, "10.0.0.0/16")
    mark = localaws.control.mark()
    refused = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B,
                               "peer_vpc_cidrs": ["10.0.0.0/16"]})
    assert_refused_for_overlap(refused, "10.0.0.0/16")
    calls = localaws.control.calls(mark)
    assert [c["action"] for c in calls] == ["DescribeVpcs"], calls
    assert connections(localaws, A, vpc_a) == []


def test_overlap_with_a_secondary_cidr_in_one_account(localaws, module):
    vpc_1 = new_vpc(localaws, A, "10.3.0.0/16")
    vpc_2 = new_vpc(localaws, A, "10.4.0.0/16", secondary="10.3.128.0/17")
    mark = localaws.control.mark()
    refused = module(PEERING, {"vpc_id": vpc_1, "peer_vpc_id": vpc_2})
    assert_refused_for_overlap(refused, "10.3.0.0/16 overlaps 10.3.128.0/17")
    assert mutating(localaws, mark) == []
    assert connections(localaws, A, vpc_1) == []


@pytest.mark.parametrize("check", [True, False], ids=["check-mode", "real"])
def test_cross_account_request_without_the_peer_cidrs_is_refused_before_any_mutating_call(localaws, module, check):
    """Account A cannot read B's VPC: without peer_vpc_cidrs an overlap would be found by AWS only after
    the request, which would then stay failed; so the request is not made."""
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, B, "10.2.0.0/16")
    mark = localaws.control.mark()
    refused = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B}, check=check)
    assert refused.get("failed"), refused
    assert refused["msg"].startswith("peer_vpc_cidrs=None: is required to request peering with %s of account %s"
                                     % (vpc_b, ACCOUNT_B)), refused["msg"]
    assert "Give peer_vpc_cidrs" in refused["msg"]
    assert mutating(localaws, mark) == [] and connections(localaws, A, vpc_a) == []


def test_a_peer_vpc_not_where_the_owner_and_region_say_names_all_three(localaws, module):
    """AWS looks the peer VPC up in peer_owner_id's account and peer_region: its "does not exist" may mean either."""
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, B, "10.2.0.0/16")
    refused = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_C, "peer_vpc_cidrs": ["10.2.0.0/16"]})
    assert refused.get("failed") and (f"AWS refused peer_vpc_id (looked up in account peer_owner_id={ACCOUNT_C}, region peer_region=us-east-1: "
                                      f"check all three)") in refused["msg"], refused["msg"]
    assert live(localaws, A, vpc_a) == []


def test_a_request_aws_answers_failed_fails_waited_for_or_not_naming_the_peer_cidrs_given(localaws, module):
    """The twelfth trial's M54: peer_vpc_cidrs that hide the overlap (account A cannot read B's VPC): with wait=false the
    run ended rc 0 with a connection AWS had already answered failed."""
    vpc_a, vpc_b = new_vpc(localaws, A, "10.0.0.0/16"), new_vpc(localaws, B, "10.0.0.0/16")
    made = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B, "peer_vpc_cidrs": ["10.2.0.0/16"],
                            "wait": False})
    [failed] = connections(localaws, A, vpc_a)
    assert failed["Status"]["Code"] == "failed", failed
    assert made.get("failed") and made["msg"].startswith(f"AWS made peering connection {failed['VpcPeeringConnectionId']}, and it is failed"), made
    assert made["msg"].endswith("(peer_vpc_cidrs=['10.2.0.0/16']: check them against the peer VPC's ranges)."), made["msg"]
    # A rerun finds that failed request and makes no other (the fifteenth trial's M051: one more failed connection each run).
    mark = localaws.control.mark()
    again = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B, "peer_vpc_cidrs": ["10.2.0.0/16"]})
    assert again.get("failed") and again["msg"].startswith(
        f"peer_vpc_cidrs=['10.2.0.0/16']: do not overlap {vpc_a}'s, and yet AWS failed the same request before: "
        f"{failed['VpcPeeringConnectionId']} it is failed"), again["msg"]
    assert mutating(localaws, mark) == [] and connections(localaws, A, vpc_a) == [failed]


def test_failed_peering_from_another_tool_is_not_reused_nor_duplicated(localaws, module):
    vpc_a, vpc_b = new_vpc(localaws, A, "10.0.0.0/16"), new_vpc(localaws, B, "10.0.0.0/16")
    ec2 = localaws.client("ec2", A)
    failed = ec2.create_vpc_peering_connection(VpcId=vpc_a, PeerVpcId=vpc_b, PeerOwnerId=ACCOUNT_B)
    failed_id = failed["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    [old] = connections(localaws, A, vpc_a)
    assert old["Status"]["Code"] == "failed", old
    mark = localaws.control.mark()
    # Without the peer's CIDRs the module cannot tell the cause is gone: it does not repeat the request.
    refused = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B})
    assert refused.get("failed") and failed_id in refused["msg"] and "peer_vpc_cidrs" in refused["msg"], refused
    assert "overlapping" in refused["msg"] and "playbooks/privatelink.yml" in refused["msg"], refused
    # With them, the overlap itself is named.
    refused = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B,
                               "peer_vpc_cidrs": ["10.0.0.0/16"]})
    assert_refused_for_overlap(refused, "10.0.0.0/16")
    # Nor does the accepter (to whom AWS does not show failed requests) find anything to accept.
    refused = module(PEERING, {"side": "accepter", "vpc_id": vpc_b, "peer_vpc_id": vpc_a, "peer_owner_id": ACCOUNT_A},
                     profile=B)
    assert refused.get("failed") and "No peering request" in refused["msg"], refused
    assert mutating(localaws, mark) == []
    assert [c["VpcPeeringConnectionId"] for c in connections(localaws, A, vpc_a)] == [failed_id]


def test_failed_peering_is_not_a_blocker_once_the_cidrs_are_known_not_to_overlap(localaws, module):
    """Same account: the peer VPC is readable, so a request that failed earlier is retried once fixed."""
    vpc_1 = new_vpc(localaws, A, "10.5.0.0/16")
    vpc_2 = new_vpc(localaws, A, "10.6.0.0/16", secondary="10.5.128.0/17")
    ec2 = localaws.client("ec2", A)
    ec2.create_vpc_peering_connection(VpcId=vpc_1, PeerVpcId=vpc_2)
    assert [c["Status"]["Code"] for c in connections(localaws, A, vpc_1)] == ["failed"]
    [association] = [a for a in ec2.describe_vpcs(VpcIds=[vpc_2])["Vpcs"][0]["CidrBlockAssociationSet"]
                     if a["CidrBlock"] == "10.5.128.0/17"]
    ec2.disassociate_vpc_cidr_block(AssociationId=association["AssociationId"])
    result = module(PEERING, {"vpc_id": vpc_1, "peer_vpc_id": vpc_2})
    assert result["changed"], result.get("msg")
    assert sorted(c["Status"]["Code"] for c in connections(localaws, A, vpc_1)) == ["failed", "pending-acceptance"]


@pytest.mark.parametrize("check", [False, True], ids=["real", "check-mode"])
@pytest.mark.parametrize("given, details", [
    (["10.1.0.0/16"], "10.1.0.0/16 is not one of them; 10.2.0.0/16, 10.2.128.0/17 are missing"),
    (["10.9.0.0/16", "10.2.0.0/16"], "10.9.0.0/16 is not one of them; 10.2.128.0/17 is missing"),
    (["10.2.0.0/16"], "10.2.128.0/17 is missing"),
    (["10.2.128.0/17", "10.2.0.0/16"], None),
], ids=["overlaps-this-vpc", "one-not-the-peers", "secondary-left-out", "the-peers-own"])
def test_peer_vpc_cidrs_that_are_not_a_same_account_peers_are_refused_naming_them(localaws, module, given, details, check):
    """Within one account the module reads the peer's CIDRs: a peer_vpc_cidrs that says otherwise is a wrong inventory,
    named as such (not blamed on the VPCs as an overlap, nor silently ignored)."""
    vpc_a = new_vpc(localaws, A, "10.1.0.0/16")
    vpc_b = new_vpc(localaws, A, "10.2.0.0/16", secondary="10.2.128.0/17")
    mark = localaws.control.mark()
    result = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_vpc_cidrs": given}, check=check)
    if details is None:
        assert result["changed"] and not result.get("failed"), result.get("msg")
        if check:
            assert result["peering_connection"]["accepter"]["cidr_blocks"] == ["10.2.0.0/16", "10.2.128.0/17"]
        assert len(live(localaws, A, vpc_a)) == (0 if check else 1)
        return
    assert result.get("failed"), result
    assert result["msg"] == (
        f"peer_vpc_cidrs={given!r}: are not the IPv4 CIDRs of peer_vpc_id {vpc_b}, which this account reads in "
        f"us-east-1: 10.2.0.0/16, 10.2.128.0/17 ({details}). Give peer_vpc_cidrs=['10.2.0.0/16', '10.2.128.0/17'], "
        "or leave peer_vpc_cidrs out (for a VPC of this account they are read from it); check that peer_vpc_id is "
        "the VPC you mean."), result["msg"]
    assert mutating(localaws, mark) == [] and connections(localaws, A, vpc_a) == []


def two_pairs(localaws, module):
    """VPCs A-B with a pending request (made by the module) and C-D with an active connection (made by another tool),
    all in account A: (a, b, the A-B connection, c, d, the C-D connection)."""
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, A, "10.2.0.0/16")
    vpc_c, vpc_d = new_vpc(localaws, A, "10.3.0.0/16"), new_vpc(localaws, A, "10.4.0.0/16")
    ab = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b})["peering_connection"]["vpc_peering_connection_id"]
    ec2 = localaws.client("ec2", A)
    cd = ec2.create_vpc_peering_connection(VpcId=vpc_c, PeerVpcId=vpc_d)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=cd)
    return vpc_a, vpc_b, ab, vpc_c, vpc_d, cd


@pytest.mark.parametrize("state, check", [("absent", False), ("absent", True), ("present", False)],
                         ids=["absent", "absent-check-mode", "present"])
def test_a_connection_id_of_other_vpcs_is_refused_before_any_mutating_call(localaws, module, state, check):
    """peering_connection_id names C-D's live connection while vpc_id/peer_vpc_id say A and B: neither is touched."""
    vpc_a, vpc_b, ab, vpc_c, vpc_d, cd = two_pairs(localaws, module)
    mark = localaws.control.mark()
    result = module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peering_connection_id": cd, "state": state},
                    check=check)
    assert result.get("failed"), result
    assert result["msg"] == (
        f"peering_connection_id='{cd}': is the active connection of {vpc_c} and {vpc_d}, not of vpc_id {vpc_a} and "
        f"peer_vpc_id {vpc_b}. Give the connection of {vpc_a} and {vpc_b} ({ab}), or leave peering_connection_id out "
        "to find it from the two VPCs."), result["msg"]
    assert mutating(localaws, mark) == []
    assert [(c["VpcPeeringConnectionId"], c["Status"]["Code"]) for c in live(localaws, A, vpc_a)] == [(ab, "pending-acceptance")]
    assert [(c["VpcPeeringConnectionId"], c["Status"]["Code"]) for c in live(localaws, A, vpc_c)] == [(cd, "active")]


def test_absent_with_a_connection_id_removes_that_connection_only_if_it_is_the_live_one(localaws, module):
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, A, "10.2.0.0/16")
    pair = {"vpc_id": vpc_a, "peer_vpc_id": vpc_b}
    old = module(PEERING, pair)["peering_connection"]["vpc_peering_connection_id"]
    localaws.client("ec2", A).reject_vpc_peering_connection(VpcPeeringConnectionId=old)
    new = module(PEERING, pair)["peering_connection"]["vpc_peering_connection_id"]
    assert new != old
    mark = localaws.control.mark()
    for state, check in (("absent", True), ("absent", False), ("present", False)):
        stale = module(PEERING, dict(pair, peering_connection_id=old, state=state), check=check)
        assert stale.get("failed") and stale["msg"] == (
            f"peering_connection_id='{old}': is the rejected connection of {vpc_a} and {vpc_b}; their live one is {new}. "
            f"Give the connection of {vpc_a} and {vpc_b} ({new}), or leave peering_connection_id out to find it from "
            "the two VPCs."), stale
    unknown = module(PEERING, dict(pair, peering_connection_id="pcx-0000000000000dead", state="absent"))
    assert unknown.get("failed") and unknown["msg"].startswith(
        "peering_connection_id='pcx-0000000000000dead': is no peering connection that this account sees in us-east-1. "
        f"Give the connection of {vpc_a} and {vpc_b} ({new})"), unknown
    assert mutating(localaws, mark) == []
    assert [c["VpcPeeringConnectionId"] for c in live(localaws, A, vpc_a)] == [new]

    removed = module(PEERING, dict(pair, peering_connection_id=new, state="absent"))
    assert removed["changed"] and removed["removed"] == [new], removed
    assert live(localaws, A, vpc_a) == []
    mark = localaws.control.mark()
    gone = module(PEERING, dict(pair, peering_connection_id="pcx-0000000000000dead", state="absent"))
    assert gone["changed"] is False and not gone.get("failed"), gone
    assert any("pcx-0000000000000dead" in w and "nothing to remove" in w for w in gone.get("warnings", [])), gone
    assert mutating(localaws, mark) == []


# --- the accepter side -------------------------------------------------------------------------

def test_accepter_without_request_says_what_to_run(localaws, module):
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, B, "10.2.0.0/16")
    mark = localaws.control.mark()
    result = module(PEERING, {"side": "accepter", "vpc_id": vpc_b, "peer_vpc_id": vpc_a, "peer_owner_id": ACCOUNT_A},
                    profile=B)
    assert result.get("failed") and "Run the requester side first" in result["msg"], result
    assert mutating(localaws, mark) == []


def test_accepter_refuses_a_request_from_another_account_than_expected(localaws, module):
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, B, "10.2.0.0/16")
    assert module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B,
                            "peer_vpc_cidrs": ["10.2.0.0/16"]})["changed"]
    mark = localaws.control.mark()
    result = module(PEERING, {"side": "accepter", "vpc_id": vpc_b, "peer_vpc_id": vpc_a,
                              "peer_owner_id": "333333333333"}, profile=B)
    assert result.get("failed") and "Check the inventory" in result["msg"], result
    assert mutating(localaws, mark) == []
    assert live(localaws, B, vpc_b)[0]["Status"]["Code"] == "pending-acceptance"


def test_rejected_request_fails_fast_and_a_new_request_replaces_it(localaws, module):
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, B, "10.2.0.0/16")
    request = {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B, "peer_vpc_cidrs": ["10.2.0.0/16"]}
    first = module(PEERING, request)
    pcx = first["peering_connection"]["vpc_peering_connection_id"]
    localaws.client("ec2", B).reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    accept = module(PEERING, {"side": "accepter", "vpc_id": vpc_b, "peer_vpc_id": vpc_a, "peer_owner_id": ACCOUNT_A,
                              "peering_connection_id": pcx}, profile=B)
    assert accept.get("failed") and "rejected" in accept["msg"], accept
    again = module(PEERING, request)
    assert again["changed"] and again["peering_connection"]["vpc_peering_connection_id"] != pcx
    assert len(live(localaws, A, vpc_a)) == 1


def test_absent_as_accepter_rejects_a_pending_request(localaws, module):
    vpc_a, vpc_b = new_vpc(localaws, A, "10.1.0.0/16"), new_vpc(localaws, B, "10.2.0.0/16")
    module(PEERING, {"vpc_id": vpc_a, "peer_vpc_id": vpc_b, "peer_owner_id": ACCOUNT_B, "peer_vpc_cidrs": ["10.2.0.0/16"]})
    result = module(PEERING, {"side": "accepter", "vpc_id": vpc_b, "peer_vpc_id": vpc_a, "state": "absent"},
                    profile=B, check=True)
    assert result["changed"] and len(live(localaws, B, vpc_b)) == 1
    assert module(PEERING, {"side": "accepter", "vpc_id": vpc_b, "peer_vpc_id": vpc_a, "state": "absent"},
                  profile=B)["changed"]
    assert [c["Status"]["Code"] for c in connections(localaws, A, vpc_a)] == ["rejected"]


# --- bad input: refused before any call --------------------------------------------------------

@pytest.mark.parametrize("args, parameter", [
    ({"vpc_id": "vpc-xyz", "peer_vpc_id": "vpc-0123456789abcdef0"}, "vpc_id"),
    ({"vpc_id": "vpc-0123456789abcdef0", "peer_vpc_id": "subnet-0123456789abcdef0"}, "peer_vpc_id"),
    ({"vpc_id": "vpc-0123456789abcdef0", "peer_vpc_id": "vpc-0123456789abcdef0"}, "peer_vpc_id"),
    ({"vpc_id": "vpc-0123456789abcdef0", "peer_vpc_id": "vpc-0123456789abcdef1", "peer_owner_id": "1234"},
     "peer_owner_id"),
    ({"vpc_id": "vpc-0123456789abcdef0", "peer_vpc_id": "vpc-0123456789abcdef1", "peer_region": "useast1"},
     "peer_region"),
    ({"vpc_id": "vpc-0123456789abcdef0", "peer_vpc_id": "vpc-0123456789abcdef1", "peer_vpc_cidrs": ["10.0.0.1/16"]},
     "peer_vpc_cidrs"),
    ({"vpc_id": "vpc-0123456789abcdef0", "peer_vpc_id": "vpc-0123456789abcdef1", "peering_connection_id": "pcx-1"},
     "peering_connection_id"),
])
def test_bad_input_fails_before_any_call(localaws, module, args, parameter):
    mark = localaws.control.mark()
    result = module(PEERING, args)
    assert result.get("failed") and result["msg"].startswith(parameter + "="), result
    assert localaws.control.calls(mark) == []
