"""The connectivity planner over plain data: one table of topologies, each link's method and why."""

import re
from pathlib import Path

import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import connectivity
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import CrossvpcError, InvalidInput

ACCT_A, ACCT_B, ACCT_C = "111111111111", "222222222222", "333333333333"
PL, PEER, TGW = "privatelink", "peering", "transit_gateway"


def vpc(name, account, *cidrs, ipv6=(), region=None):
    entry = {"name": name, "account_id": account, "cidrs": list(cidrs)}
    if ipv6:
        entry["ipv6_cidrs"] = list(ipv6)
    if region:
        entry["region"] = region
    return entry


def link(client, server, *ports, service=None):
    return {"client": client, "server": server, "ports": list(ports) or None, "service": service}


def many(n, accounts=(ACCT_A, ACCT_B), region=None):
    """``n`` VPCs with distinct CIDRs (10.x.y.0/24), alternating between ``accounts``."""
    return [vpc("v%d" % i, accounts[i % len(accounts)], "10.%d.%d.0/24" % (i // 256, i % 256), region=region)
            for i in range(n)]


def hub_and_spoke(n):
    return [link("v%d" % i, "v0", 443) for i in range(1, n)]


LAB = [vpc("VPC_A", ACCT_A, "10.0.0.0/16"), vpc("VPC_B", ACCT_B, "10.0.0.0/16"), vpc("VPC_C", ACCT_B, "10.1.0.0/16")]
FOUR_TWO_REGIONS = [vpc("east1", ACCT_A, "10.0.0.0/16", region="us-east-1"),
                    vpc("east2", ACCT_A, "10.1.0.0/16", region="us-east-1"),
                    vpc("west1", ACCT_B, "10.2.0.0/16", region="eu-west-1"),
                    vpc("west2", ACCT_B, "10.3.0.0/16", region="eu-west-1")]
TWIN_TENS = [vpc("X", ACCT_A, "10.0.0.0/16"), vpc("Y", ACCT_B, "10.0.0.0/16"),
             vpc("Z", ACCT_A, "10.5.0.0/16"), vpc("W", ACCT_B, "10.6.0.0/16")]
ALL = object()  # links=ALL: all_to_all with default_ports [443]

# (vpcs, links, options, expected, problem kinds). expected: one (method, phrase) per link in order, or a
# single (method, phrase) that every link must match.
TOPOLOGIES = [
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.0.0.0/16")], [link("b", "a", 443)], {},
                 [(PL, "same account (111111111111)")], [], id="overlap-in-one-account"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_B, "10.0.0.0/16")], [link("b", "a", 443)], {},
                 [(PL, "b 10.0.0.0/16 overlaps a 10.0.0.0/16")], [], id="overlap-across-accounts"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", "10.50.0.0/16"), vpc("b", ACCT_B, "10.1.0.0/16", "10.50.0.0/20")],
                 [link("b", "a", 443)], {}, [(PL, "b 10.50.0.0/20 overlaps a 10.50.0.0/16")], [],
                 id="secondary-cidr-overlap"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_B, "10.0.128.0/17")], [link("b", "a", 443)], {},
                 [(PL, "b 10.0.128.0/17 overlaps a 10.0.0.0/16")], [], id="partial-overlap"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", ipv6=["2600:1f18:1::/56"]),
                  vpc("b", ACCT_B, "10.1.0.0/16", ipv6=["2600:1f18:1::/64"])], [link("b", "a", 443)], {},
                 [(PL, "b 2600:1f18:1::/64 overlaps a 2600:1f18:1::/56")], [], id="ipv6-overlap"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", ipv6=["2600:1f18:1::/56"]),
                  vpc("b", ACCT_B, "10.0.0.0/16", ipv6=["2600:1f18:2::/56"])], [link("b", "a", 443)], {},
                 [(PL, "b 10.0.0.0/16 overlaps a 10.0.0.0/16")], [], id="ipv6-distinct-ipv4-overlap"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", ipv6=["2600:1f18:1::/56"]),
                  vpc("b", ACCT_B, "10.1.0.0/16", ipv6=["2600:1f18:2::/56"])], [link("b", "a", 443)], {},
                 [(PEER, "do not overlap")], [], id="dual-stack-distinct"),
    pytest.param(many(2), ALL, {}, (PEER, "not expected to grow"), [], id="2-vpcs-all-to-all"),
    pytest.param(many(3), ALL, {}, (PEER, "one connection per pair (3 for these links)"), [], id="3-vpcs-all-to-all"),
    pytest.param(many(3), hub_and_spoke(3), {}, (PEER, "no Transit Gateway attachment-hour"), [],
                 id="3-vpcs-hub-and-spoke"),
    pytest.param(many(4), ALL, {}, (TGW, "N(N-1)/2 = 6 connections"), [], id="4-vpcs-all-to-all"),
    pytest.param(many(4), hub_and_spoke(4), {}, (TGW, "N = 4 attachments"), [], id="4-vpcs-hub-and-spoke"),
    pytest.param(many(5), ALL, {}, (TGW, "N(N-1)/2 = 10 connections"), [], id="5-vpcs-all-to-all"),
    pytest.param(many(5), hub_and_spoke(5), {}, (TGW, "more than peering_max_vpcs=3"), [], id="5-vpcs-hub-and-spoke"),
    pytest.param(many(20), ALL, {}, (TGW, "N(N-1)/2 = 190 connections"), [], id="20-vpcs-all-to-all"),
    pytest.param(many(20), hub_and_spoke(20), {}, (TGW, "N = 20 attachments"), [], id="20-vpcs-hub-and-spoke"),
    pytest.param(many(100), ALL, {}, (TGW, "N(N-1)/2 = 4950 connections"), ["quota"], id="100-vpcs-all-to-all"),
    pytest.param(many(100), hub_and_spoke(100), {}, (TGW, "N = 100 attachments"), ["quota"],
                 id="100-vpcs-hub-and-spoke"),
    pytest.param(many(2), ALL, {"expected_vpcs": 10}, (TGW, "N(N-1)/2 = 45 connections (1 today)"), [],
                 id="growth-2-now-10-expected"),
    pytest.param(many(2), ALL, {"expected_vpcs": 1}, (PEER, "2 VPCs route to each other now, 2 expected"), [],
                 id="expected-below-current-counts-current"),
    pytest.param(many(2), ALL, {"on_premises": [{"name": "dc1", "cidrs": ["192.168.0.0/16"]}]},
                 (TGW, "peering is not transitive"), [], id="on-premises"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", ipv6=["2600:1f18:1::/56"]), vpc("b", ACCT_B, "10.1.0.0/16")], ALL,
                 {"on_premises": [{"name": "dc1", "cidrs": ["192.168.0.0/16", "fd00::/8"]}]},
                 (TGW, "On-premises networks join (dc1)"), [], id="on-premises-dual-stack"),
    pytest.param(LAB, [link("VPC_B", "VPC_A", 8443), link("VPC_C", "VPC_A", 8443)], {},
                 [(PL, "VPC_B 10.0.0.0/16 overlaps VPC_A 10.0.0.0/16"), (PEER, "at most peering_max_vpcs=3")], [],
                 id="lab-demo"),
    pytest.param(LAB, ALL, {},
                 [(PL, "AWS refuses a peering between overlapping IPv4 blocks"), (PEER, "do not overlap"),
                  (PL, "VPC_C already routes 10.0.0.0/16 to VPC_A")], [], id="lab-all-to-all-route-conflict"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16"), vpc("c", ACCT_B, "10.0.0.0/16")],
                 [link("b", "a", 443), link("c", "b", 443)], {},
                 [(PEER, "do not overlap"), (PL, "b already routes 10.0.0.0/16 to a")], [],
                 id="return-route-conflict"),
    # Nested ranges: both routes would stay, and the longest prefix takes the narrower range away from the wider VPC.
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16"), vpc("c", ACCT_B, "10.0.5.0/24")],
                 [link("b", "a", 443), link("c", "b", 443)], {},
                 [(PEER, "do not overlap"),
                  (PL, "b already routes 10.0.0.0/16 to a (an earlier routed link), and c's 10.0.5.0/24 lies inside it: both routes "
                       "can coexist, but the longest prefix wins, so b's traffic to 10.0.5.0/24 would go to c, and a's addresses in "
                       "10.0.5.0/24 would be shadowed for b")], [],
                 id="nested-inside-a-routed-range"),
    pytest.param([vpc("a", ACCT_A, "10.0.5.0/24"), vpc("b", ACCT_A, "10.1.0.0/16"), vpc("c", ACCT_B, "10.0.0.0/16")],
                 [link("b", "a", 443), link("b", "c", 443)], {},
                 [(PEER, "do not overlap"),
                  (PL, "c's 10.0.0.0/16 holds it: both routes can coexist, but the longest prefix wins, so b's traffic to "
                       "10.0.5.0/24 would go to a, and c's addresses in 10.0.5.0/24 would be shadowed for b")], [],
                 id="routed-range-inside-the-new-one"),
    pytest.param(many(3), hub_and_spoke(3), {"peering_quota_per_vpc": 1},
                 (TGW, "v0 would need 2 peering connections, more than peering_quota_per_vpc=1"), [],
                 id="peering-quota-small"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", "10.9.0.0/16"), vpc("b", ACCT_B, "10.1.0.0/16")],
                 [link("b", "a", 443)], {"route_table_route_quota": 1}, (PEER, "do not overlap"), ["quota"],
                 id="route-quota"),
    pytest.param(FOUR_TWO_REGIONS, ALL, {}, (TGW, "N(N-1)/2 = 6"), ["region"], id="cross-region-under-tgw"),
    pytest.param(FOUR_TWO_REGIONS[1:3], ALL, {}, (PEER, "do not overlap"), [], id="cross-region-peering-is-fine"),
    pytest.param(many(4), ALL, {"peering_max_vpcs": 5}, (PEER, "at most peering_max_vpcs=5"), [],
                 id="threshold-raised-keeps-peering"),
    pytest.param(many(3), ALL, {"peering_max_vpcs": 2}, (TGW, "more than peering_max_vpcs=2"), [],
                 id="threshold-lowered-takes-tgw"),
    pytest.param(many(4), ALL, {"transit_gateway_attachment_quota": 3}, (TGW, "N = 4 attachments"), ["quota"],
                 id="attachment-quota"),
    # Growth given for the whole estate puts every routed VPC behind one hub, whose one route table cannot hold both 10.0.0.0/16.
    pytest.param(TWIN_TENS, [link("Z", "X", 443), link("W", "Y", 443)], {"expected_vpcs": 4},
                 [(TGW, "N(N-1)/2 = 6"), (PL, "the Transit Gateway's one route table already holds X's 10.0.0.0/16")],
                 [], id="tgw-shared-route-table-conflict"),
    # Without it, two pairs that do not route to each other are two groups, each simplest peered.
    pytest.param(TWIN_TENS, [link("Z", "X", 443), link("W", "Y", 443)], {},
                 [(PEER, "2 VPCs route to each other now, 2 expected")] * 2, [], id="separate-groups-decided-apart"),
    # Growth per group (or account): the growing group gets a hub, the other stays peered.
    pytest.param([dict(v, group="payments") if v["name"] in ("v0", "v1") else v for v in many(4)],
                 [link("v1", "v0", 443), link("v3", "v2", 443)], {"expected_vpcs": {"payments": 6}},
                 [(TGW, "2 VPCs route to each other now, 6 expected"), (PEER, "2 VPCs route to each other now, 2 expected")], [],
                 id="growth-per-group"),
    pytest.param(TWIN_TENS[:1] + [vpc("Y", ACCT_B, "10.0.5.0/24")] + TWIN_TENS[2:], [link("Z", "X", 443), link("W", "Y", 443)],
                 {"expected_vpcs": 4},
                 [(TGW, "N(N-1)/2 = 6"),
                  (PL, "already holds X's 10.0.0.0/16, and Y's 10.0.5.0/24 lies inside it: both routes can coexist, but the "
                       "longest prefix wins, so every attached VPC's traffic to 10.0.5.0/24 would go to Y")], [],
                 id="tgw-shared-route-table-nested"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_B, "10.0.0.0/16")], [link("b", "a")], {},
                 [(PL, "overlaps")], ["ports"], id="overlap-without-ports"),
    pytest.param(many(2), [link("v1", "v0", 443), link("v0", "v1", 80)], {},
                 [(PEER, "one connection per pair (1 for these links)")] * 2, [], id="both-directions-one-peering"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", region="us-east-1"),
                  vpc("b", ACCT_B, "10.0.0.0/16", region="eu-west-1")], [link("b", "a", 443)], {},
                 [(PL, "overlaps")], ["region"], id="cross-region-privatelink"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.0.0.0/16")],
                 [link("b", "a", 443, service="api"), link("b", "a", 9090, service="metrics")], {},
                 [(PL, "same account")] * 2, [], id="two-services-one-pair"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.0.0.0/16"), vpc("c", ACCT_B, "10.1.0.0/16"),
                  vpc("d", ACCT_B, "10.2.0.0/16")], ALL, {"expected_vpcs": 6},
                 [(PL, "same account"), (TGW, "3 VPCs route to each other now, 6 expected"), (TGW, "do not overlap"),
                  (PL, "c already routes 10.0.0.0/16 to a"), (PL, "d already routes 10.0.0.0/16 to a"),
                  (TGW, "do not overlap")], [],
                 id="mixed-overlap-growth"),
]


@pytest.mark.parametrize("vpcs, links, options, expected, problem_kinds", TOPOLOGIES)
def test_topology(vpcs, links, options, expected, problem_kinds):
    if links is ALL:
        result = connectivity.plan(vpcs, all_to_all=True, default_ports=[443], **options)
    else:
        result = connectivity.plan(vpcs, links, **options)
    if isinstance(expected, tuple):
        expected = [expected] * len(result["links"])
    assert len(result["links"]) == len(expected)
    for shown, (method, phrase) in zip(result["links"], expected):
        assert shown["method"] == method, (shown["client"], shown["server"], shown["reasons"])
        assert any(phrase in reason for reason in shown["reasons"]), (phrase, shown["reasons"])
    assert sorted(p["kind"] for p in result["problems"]) == sorted(problem_kinds), result["problems"]


def test_at_least_thirty_topologies():
    assert len(TOPOLOGIES) >= 30


def test_route_conflict_reasons_say_what_aws_does():
    """One route per range for the same range; for nested ranges the longest prefix wins, so the
    reason says which addresses would be shadowed, never that the routes cannot coexist."""
    same = connectivity.plan([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16"), vpc("c", ACCT_B, "10.0.0.0/16")],
                             [link("b", "a", 443), link("c", "b", 443)])["links"][1]["reasons"][0]
    assert same.endswith("and c's 10.0.0.0/16 is the same range: a route table holds one route per range, so b could reach "
                         "only one of them."), same
    nested = connectivity.plan([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16"),
                                vpc("c", ACCT_B, "10.0.5.0/24")], [link("b", "a", 443), link("c", "b", 443)])
    reason = nested["links"][1]["reasons"][0]
    assert "coexist" in reason and "can't coexist" not in reason and reason.endswith("shadowed for b (unreachable)."), reason
    assert "shadowed for b" in nested["markdown"]


def test_overlaps_list_the_exact_ranges():
    result = connectivity.plan([vpc("a", ACCT_A, "10.0.0.0/16", "10.50.0.0/16", ipv6=["2600:1f18:1::/56"]),
                                vpc("b", ACCT_B, "10.50.1.0/24", ipv6=["2600:1f18:1:1::/64"])], [link("b", "a", 443)])
    assert result["links"][0]["overlaps"] == [{"client_cidr": "10.50.1.0/24", "server_cidr": "10.50.0.0/16"},
                                              {"client_cidr": "2600:1f18:1:1::/64", "server_cidr": "2600:1f18:1::/56"}]
    assert "PrivateLink publishes a's service" in " ".join(result["links"][0]["reasons"])


def test_problem_messages_say_what_to_do():
    no_ports = connectivity.plan([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_B, "10.0.0.0/16")], [link("b", "a")])
    assert no_ports["problems"] == [{"kind": "ports", "message": "links[0] b -> a: PrivateLink carries only the ports "
                                                                 "of an NLB listener: give ports."}]
    regions = connectivity.plan(FOUR_TWO_REGIONS, all_to_all=True)["problems"]
    assert "A Transit Gateway is regional" in regions[0]["message"] and "TGW peering" in regions[0]["message"]
    assert "us-east-1: east1, east2; eu-west-1: west1, west2" in regions[0]["message"]
    routes = connectivity.plan(many(100), all_to_all=True)["problems"][0]["message"]
    assert "need up to 99 routes" in routes and "route_table_route_quota=50" in routes and "summary route" in routes


def test_designs_count_a_full_mesh_against_attachments_for_100_vpcs():
    result = connectivity.plan(many(100), all_to_all=True, default_ports=[443])
    designs = result["designs"]
    assert designs["peering"]["connections_full_mesh"] == 4950 == designs["peering"]["connections_requested"]
    assert designs["transit_gateway"]["attachments"] == 100 and designs["transit_gateway"]["route_tables"] == 1
    assert designs["routed_method"] == TGW
    assert result["steps"]["peering"] == [] and len(result["steps"]["transit_gateways"][0]["spokes"]) == 100


def test_growth_counts_the_expected_mesh():
    designs = connectivity.plan(many(2), all_to_all=True, expected_vpcs=10, on_premises=[
        {"name": "dc1", "cidrs": ["192.168.0.0/16"]}])["designs"]
    assert designs["peering"]["connections_full_mesh"] == 1 and designs["peering"]["connections_full_mesh_expected"] == 45
    assert designs["transit_gateway"]["attachments"] == 3 and designs["transit_gateway"]["attachments_expected"] == 11


def test_lab_steps_name_provider_and_requester_first():
    result = connectivity.plan(LAB, [link("VPC_B", "VPC_A", 8443, service="eks-api"), link("VPC_C", "VPC_A", 8443)])
    assert result["steps"] == {
        "privatelink": [{"provider": "VPC_A", "provider_account": ACCT_A, "consumer": "VPC_B", "consumer_account": ACCT_B,
                         "ports": [8443], "service": "eks-api"}],
        "peering": [{"requester": "VPC_A", "requester_account": ACCT_A, "requester_region": None,
                     "accepter": "VPC_C", "accepter_account": ACCT_B, "accepter_region": None, "ports": [8443],
                     "requester_ports": [8443], "accepter_ports": []}],
        "transit_gateways": []}
    assert result["designs"]["privatelink"] == {"endpoint_services": 1, "endpoints": 1}
    assert result["designs"]["peering"]["connections_requested"] == 1


def test_hub_is_the_account_with_most_routed_vpcs_ties_to_the_first_listed():
    vpcs = [vpc("a", ACCT_B, "10.0.0.0/24"), vpc("b", ACCT_A, "10.0.1.0/24"), vpc("c", ACCT_A, "10.0.2.0/24"),
            vpc("d", ACCT_C, "10.0.3.0/24")]
    assert connectivity.plan(vpcs, all_to_all=True)["steps"]["transit_gateways"][0]["hub_account"] == ACCT_A
    tie = [vpc("a", ACCT_B, "10.0.0.0/24"), vpc("b", ACCT_A, "10.0.1.0/24"), vpc("c", ACCT_A, "10.0.2.0/24"),
           vpc("d", ACCT_B, "10.0.3.0/24")]
    [tgw] = connectivity.plan(tie, all_to_all=True)["steps"]["transit_gateways"]
    assert tgw["hub_account"] == ACCT_B
    assert tgw["spokes"][0] == {"vpc": "a", "account": ACCT_B, "region": None}
    assert connectivity.plan(tie, all_to_all=True, hub_account=ACCT_C)["steps"]["transit_gateways"][0]["hub_account"] == ACCT_C


def test_region_option_fills_vpcs_without_one():
    result = connectivity.plan(many(2), all_to_all=True, region="eu-west-1")
    assert [v["region"] for v in result["vpcs"]] == ["eu-west-1", "eu-west-1"]
    assert result["steps"]["peering"][0]["requester_region"] == "eu-west-1"


def test_mermaid_for_the_lab():
    shown = connectivity.plan(LAB, [link("VPC_B", "VPC_A", 8443), link("VPC_C", "VPC_A", 8443)])["mermaid"]
    lines = shown.splitlines()
    assert lines[0] == "flowchart LR"
    assert '    subgraph acct_111111111111["Account 111111111111"]' in lines
    assert '    subgraph acct_222222222222["Account 222222222222"]' in lines
    assert '        vpc_0["VPC_A<br/>10.0.0.0/16"]' in lines and '        vpc_2["VPC_C<br/>10.1.0.0/16"]' in lines
    assert '    vpc_1 -- "PrivateLink :8443" --> vpc_0' in lines
    assert '    vpc_2 -- "peering :8443" --> vpc_0' in lines  # every link from its client to its server, with its ports
    assert lines.count("    end") == 2 and "tgw" not in shown


def test_mermaid_for_a_transit_gateway_with_on_premises():
    shown = connectivity.plan(many(4), all_to_all=True, on_premises=[{"name": "dc1", "cidrs": ["192.168.0.0/16"]}],
                              hub_account=ACCT_C)["mermaid"]
    lines = shown.splitlines()
    assert '    tgw_0(("Transit Gateway"))' in lines  # the hub account has no VPC: the hub stands alone
    assert '    onprem_0[/"dc1<br/>192.168.0.0/16"/]' in lines
    assert all("    vpc_%d --- tgw_0" % i in lines for i in range(4)) and "    onprem_0 --- tgw_0" in lines
    assert '    vpc_1 -- "via TGW" --> vpc_0' in lines  # who calls whom (and on which ports, when given), through the hub
    assert "peering" not in shown
    inside = connectivity.plan(many(4), all_to_all=True)["mermaid"].splitlines()
    assert '        tgw_0(("Transit Gateway"))' in inside  # in the hub account's subgraph


def test_mermaid_names_each_hub_when_groups_have_their_own():
    vpcs = [dict(v, group="payments") if v["name"] in ("v0", "v1") else v for v in many(6)]
    links = [link("v1", "v0", 443), link("v3", "v2", 80), link("v5", "v4", 80)]
    result = connectivity.plan(vpcs, links, expected_vpcs={"payments": 5, ACCT_A: 4})
    assert [(t["name"], [s["vpc"] for s in t["spokes"]]) for t in result["steps"]["transit_gateways"]] == [
        ("v0", ["v0", "v1"]), ("v2", ["v2", "v3"]), ("v4", ["v4", "v5"])]
    lines = result["mermaid"].splitlines()
    assert '        tgw_0(("Transit Gateway<br/>v0"))' in lines and "    vpc_3 --- tgw_1" in lines
    assert result["designs"]["routed_method"] == TGW and result["designs"]["transit_gateway"]["route_tables"] == 3


def test_mermaid_escapes_quotes_and_markup_in_names():
    shown = connectivity.plan([vpc('a "prod"', ACCT_A, "10.0.0.0/16"), vpc("<b>", ACCT_A, "10.0.0.0/16")],
                              [link("<b>", 'a "prod"', 443, service='say "hi"')])["mermaid"]
    assert 'vpc_0["a #quot;prod#quot;<br/>10.0.0.0/16"]' in shown and 'vpc_1["#lt;b#gt;<br/>10.0.0.0/16"]' in shown
    assert 'vpc_1 -- "PrivateLink say #quot;hi#quot; :443" --> vpc_0' in shown


def test_markdown_has_the_table_overlaps_designs_problems_and_the_diagram():
    result = connectivity.plan(LAB, all_to_all=True, default_ports=[8443])
    text = result["markdown"]
    assert text.startswith("# Connectivity plan\n")
    assert "| Client | Server | Method | Ports | Why |" in text
    assert "| VPC_B | VPC_A | PrivateLink | 8443 | VPC_B 10.0.0.0/16 overlaps VPC_A 10.0.0.0/16." in text
    assert "| VPC_C | VPC_A | VPC peering | 8443 |" in text
    assert "| VPC_B | 10.0.0.0/16 | VPC_A | 10.0.0.0/16 |" in text
    assert "## Design comparison" in text and "| Connections now (full mesh N(N-1)/2 vs N attachments) | 1 | 2 |" in text
    assert "## Problems\n\nNone." in text
    assert "```mermaid\n" + result["mermaid"] + "```\n" in text


def test_markdown_escapes_table_pipes_and_lists_problems():
    result = connectivity.plan([vpc("a|b", ACCT_A, "10.0.0.0/16"), vpc("c", ACCT_A, "10.0.0.0/16")], [link("c", "a|b")])
    assert "| c | a\\|b | PrivateLink | - |" in result["markdown"]
    assert "- **ports**: links[0] c -> a|b: PrivateLink carries only" in result["markdown"]


def test_plan_is_deterministic():
    first = connectivity.plan(many(20), all_to_all=True, expected_vpcs=30)
    assert connectivity.plan(many(20), all_to_all=True, expected_vpcs=30) == first


BAD_INPUT = [
    pytest.param(LAB, [link("VPC_X", "VPC_A", 443)], {}, "links[0].client='VPC_X': is not a VPC name in vpcs.",
                 id="unknown-vpc"),
    pytest.param(LAB, [link("VPC_A", "VPC_A", 443)], {}, "is both client and server", id="client-is-server"),
    pytest.param(LAB + [vpc("VPC_A", ACCT_A, "10.9.0.0/16")], [link("VPC_C", "VPC_A")], {},
                 "vpcs[3].name='VPC_A': is listed twice (also vpcs[0])", id="duplicate-name"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0"), vpc("b", ACCT_A, "10.1.0.0/16")], [link("b", "a")], {},
                 "vpcs[0].cidrs='10.0.0.0': is not a CIDR block.", id="malformed-cidr"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.1/16"), vpc("b", ACCT_A, "10.1.0.0/16")], [link("b", "a")], {},
                 "has host bits set. Use 10.0.0.0/16.", id="host-bits"),
    pytest.param([vpc("a", ACCT_A, "2600:1f18::/56"), vpc("b", ACCT_A, "10.1.0.0/16")], [link("b", "a")], {},
                 "is not IPv4. List it under ipv6_cidrs.", id="ipv6-in-cidrs"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", ipv6=["10.9.0.0/16"]), vpc("b", ACCT_A, "10.1.0.0/16")],
                 [link("b", "a")], {}, "vpcs[0].ipv6_cidrs='10.9.0.0/16': is not IPv6", id="ipv4-in-ipv6-cidrs"),
    pytest.param([vpc("a", "12345", "10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16")], [link("b", "a")], {},
                 "vpcs[0].account_id='12345': is not an AWS account id.", id="bad-account"),
    pytest.param([vpc("a", None, "10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16")], [link("b", "a")], {},
                 "vpcs[0].account_id=None: is missing for a, whose cidrs are given.", id="account-missing-with-cidrs"),
    pytest.param(LAB, [link("VPC_B", "VPC_A", 0)], {}, "links[0].ports[0]=0: is not a TCP port.", id="port-zero"),
    pytest.param(LAB, [link("VPC_B", "VPC_A", 65536)], {}, "links[0].ports[0]=65536: is not a TCP port.", id="port-high"),
    pytest.param(LAB, None, {"all_to_all": True, "default_ports": [70000]}, "default_ports[0]=70000", id="default-port"),
    pytest.param(LAB, [{"client": "VPC_B", "server": "VPC_A", "ports": []}], {}, "links[0].ports=[]: lists no port. List the server's "
                 "ports, for example [443], or leave ports out", id="ports-emptied"),
    pytest.param(LAB, None, {}, "links=None: no links given.", id="no-links"),
    pytest.param(LAB, [link("VPC_B", "VPC_A")], {"all_to_all": True}, "is given with all_to_all=true", id="both"),
    pytest.param(LAB[:1], None, {"all_to_all": True}, "vpcs=", id="one-vpc"),
    pytest.param(LAB, [link("VPC_B", "VPC_A", 1), link("VPC_B", "VPC_A", 2)], {}, "is listed twice (also links[0])",
                 id="duplicate-link"),
    pytest.param(LAB, [link("VPC_B", "VPC_A")], {"hub_account": "hub"}, "hub_account='hub'", id="bad-hub-account"),
    pytest.param(LAB, [link("VPC_B", "VPC_A")], {"expected_vpcs": 0}, "expected_vpcs=0: must be a whole number",
                 id="expected-zero"),
    pytest.param(LAB, [link("VPC_B", "VPC_A")], {"peering_max_vpcs": -1}, "peering_max_vpcs=-1", id="bad-threshold"),
    pytest.param(LAB, [link("VPC_B", "VPC_A")], {"on_premises": [{"name": "VPC_A", "cidrs": ["192.168.0.0/16"]}]},
                 "on_premises[0].name='VPC_A': is already used.", id="on-prem-name-clash"),
    pytest.param(LAB, [link("VPC_B", "VPC_A")], {"on_premises": [{"name": "dc1", "cidrs": ["192.168.0.1/16"]}]},
                 "on_premises[0].cidrs='192.168.0.1/16': has host bits set", id="on-prem-host-bits"),
    pytest.param([{"name": "a", "account_id": ACCT_A}, vpc("b", ACCT_A, "10.1.0.0/16")], [link("b", "a")], {},
                 "vpcs[0].cidrs=None: is missing for a.", id="plan-needs-cidrs"),
    pytest.param([dict(vpc("a", ACCT_A, "10.0.0.0/16"), cidr="10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16")],
                 [link("b", "a")], {}, "vpcs[0]=['cidr']: are not known keys.", id="unknown-key"),
    pytest.param([dict(vpc("a", ACCT_A, "10.0.0.0/16"), vpc_id="vpc-1"), vpc("b", ACCT_A, "10.1.0.0/16")],
                 [link("b", "a")], {}, "vpcs[0].vpc_id='vpc-1': is not a valid vpc id.", id="bad-vpc-id"),
    pytest.param([dict(vpc("a", ACCT_A, "10.0.0.0/16"), region="mars"), vpc("b", ACCT_A, "10.1.0.0/16")],
                 [link("b", "a")], {}, "vpcs[0].region='mars': is not an AWS region.", id="bad-region"),
    pytest.param(LAB, [link("VPC_B", "VPC_A")], {"ports": [1]}, "options=['ports']: are not planner options.",
                 id="unknown-option"),
    # An on-premises range is routed to the VPN or Direct Connect: refused when any VPC holds part of it, routed or not.
    pytest.param(LAB, [link("VPC_C", "VPC_A", 443)], {"on_premises": [{"name": "dc1", "cidrs": ["192.168.0.0/16", "10.0.0.0/8"]}]},
                 "on_premises[0].cidrs[1]='10.0.0.0/8': overlaps VPC_A's 10.0.0.0/16 (vpcs[0].cidrs): a route table sends "
                 "a range to one place", id="on-prem-holds-a-vpc"),
    pytest.param(LAB, [link("VPC_B", "VPC_A", 443)], {"on_premises": [{"name": "dc1", "cidrs": ["10.1.5.0/24"]}]},
                 "on_premises[0].cidrs[0]='10.1.5.0/24': overlaps VPC_C's 10.1.0.0/16 (vpcs[2].cidrs)",
                 id="on-prem-inside-an-unrouted-vpc"),
    pytest.param([vpc("a", ACCT_A, "10.0.0.0/16", ipv6=["2600:1f18:1::/56"]), vpc("b", ACCT_B, "10.1.0.0/16")],
                 [link("b", "a", 443)], {"on_premises": [{"name": "dc1", "cidrs": ["2600:1f18:1:1::/64"]}]},
                 "on_premises[0].cidrs[0]='2600:1f18:1:1::/64': overlaps a's 2600:1f18:1::/56 (vpcs[0].ipv6_cidrs)",
                 id="on-prem-ipv6-overlap"),
]


@pytest.mark.parametrize("vpcs, links, options, message", BAD_INPUT)
def test_bad_input_is_refused_with_parameter_and_fix(vpcs, links, options, message):
    with pytest.raises(InvalidInput) as raised:
        connectivity.plan(vpcs, links, **options)
    assert message in raised.value.message


def test_check_input_allows_vpcs_to_discover():
    vpcs, links, on_premises, options = connectivity.check_input(
        [{"name": "a"}, {"name": "b", "vpc_id": "vpc-0123456789abcdef0", "profile": "other"}], all_to_all=True)
    assert [v["cidrs"] for v in vpcs] == [None, None] and vpcs[1]["profile"] == "other"
    assert links == [{"client": "b", "server": "a", "ports": [], "service": None}]
    assert on_premises == [] and options["peering_max_vpcs"] == 3


def test_on_premises_overlap_is_refused_with_the_fix_and_checked_once_cidrs_are_known():
    dc1 = [{"name": "dc1", "cidrs": ["10.0.0.0/8"]}]
    with pytest.raises(InvalidInput) as raised:
        connectivity.check_input(many(3), all_to_all=True, on_premises=dc1)
    assert raised.value.parameter == "on_premises[0].cidrs[0]"
    assert raised.value.message == (
        "on_premises[0].cidrs[0]='10.0.0.0/8': overlaps v0's 10.0.0.0/24 (vpcs[0].cidrs): a route table sends a range to "
        "one place, so the VPC and the on-premises network could not both be reached at those addresses. List only the "
        "ranges on premises, without any VPC's blocks (split a summary such as 10.0.0.0/8 into the ranges actually "
        "there), or renumber one of them.")
    # A VPC to discover has no CIDRs yet: plan() checks it once discovery filled them in.
    assert connectivity.check_input([{"name": "a"}, {"name": "b"}], all_to_all=True, on_premises=dc1)[2] == dc1
    with pytest.raises(InvalidInput, match=r"on_premises\[0\]\.cidrs\[0\]='10.0.0.0/8': overlaps a's 10.0.0.0/24"):
        connectivity.plan([vpc("a", ACCT_A, "10.0.0.0/24"), vpc("b", ACCT_A, "172.16.0.0/16")], all_to_all=True,
                          on_premises=dc1)
    assert connectivity.plan(many(3), all_to_all=True, on_premises=[{"name": "dc1", "cidrs": ["172.16.0.0/12"]}])["problems"] == []


def checked(client, server):
    """One crossvpc.aws.reachability result as connect.yml registers it in a loop over the plan's links."""
    return {"reachable": True, "msg": "ok", "table": [], "changed": False,
            "item": {"client": client, "server": server, "ports": [8443], "method": "peering"}}


@pytest.mark.parametrize("checks, message", [
    pytest.param([checked("VPC_C", "VPC_A"), checked("VPC_X", "VPC_A")],
                 "reachability[1].item.client='VPC_X': is not a VPC name in vpcs. Use one of: VPC_A, VPC_B, VPC_C.",
                 id="unknown-client"),
    pytest.param([checked("VPC_C", "vpc_a")],
                 "reachability[0].item.server='vpc_a': is not a VPC name in vpcs. Use one of: VPC_A, VPC_B, VPC_C.",
                 id="unknown-server"),
    pytest.param([{"reachable": True, "client": "VPC_C", "server": "VPC_A"}],
                 "reachability[0].item=None: is not a link (a mapping with client and server). Give each check its link",
                 id="no-item"),
    pytest.param("VPC_C->VPC_A", "reachability='VPC_C->VPC_A': is not a list.", id="not-a-list"),
])
def test_reachability_checks_name_vpcs_of_the_plan(checks, message):
    vpcs = connectivity.check_input(LAB, [link("VPC_C", "VPC_A", 8443)])[0]
    with pytest.raises(InvalidInput) as raised:
        connectivity.check_reachability(checks, vpcs)
    assert raised.value.message.startswith(message), raised.value.message


def test_reachability_checks_of_listed_vpcs_pass():
    vpcs = connectivity.check_input(LAB, [link("VPC_C", "VPC_A", 8443)])[0]
    assert connectivity.check_reachability([checked("VPC_C", "VPC_A"), checked("VPC_B", "VPC_C")], vpcs) is None
    assert connectivity.check_reachability(None, vpcs) is None and connectivity.check_reachability([], vpcs) is None


class FakeEC2:
    """describe_vpcs over a fixed list, honouring VpcIds and (loosely) a Name filter, like moto."""

    def __init__(self, vpcs):
        self.vpcs = vpcs
        self.calls = []

    def describe_vpcs(self, aws_retry=False, VpcIds=None, Filters=None):
        self.calls.append(("DescribeVpcs", VpcIds, Filters))
        found = self.vpcs
        if VpcIds:
            found = [v for v in found if v["VpcId"] in VpcIds]
        return {"Vpcs": found}


def described(vpc_id, name, owner, cidrs, ipv6=()):
    return {"VpcId": vpc_id, "OwnerId": owner, "CidrBlock": cidrs[0][0], "Tags": [{"Key": "Name", "Value": name}],
            "CidrBlockAssociationSet": [{"CidrBlock": c, "CidrBlockState": {"State": s}} for c, s in cidrs],
            "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": c, "Ipv6CidrBlockState": {"State": s}} for c, s in ipv6]}


def discovering(name, vpc_id=None, account_id=None):
    return {"name": name, "account_id": account_id, "region": "us-east-1", "cidrs": None, "ipv6_cidrs": [],
            "vpc_id": vpc_id, "profile": None}


def test_discover_by_name_takes_associated_blocks_only():
    ec2 = FakeEC2([described("vpc-0aaaaaaaaaaaaaaaa", "lab-a", ACCT_A,
                             [("10.0.0.0/16", "associated"), ("10.9.0.0/16", "associated"),
                              ("10.8.0.0/16", "disassociated"), ("10.7.0.0/16", "associating")],
                             ipv6=[("2600:1f18:1::/56", "associated"), ("2600:1f18:2::/56", "disassociating")]),
                   described("vpc-0bbbbbbbbbbbbbbbb", "other", ACCT_A, [("10.1.0.0/16", "associated")])])
    found = connectivity.discover(ec2, discovering("lab-a"), "vpcs[0]")
    assert found["cidrs"] == ["10.0.0.0/16", "10.9.0.0/16"] and found["ipv6_cidrs"] == ["2600:1f18:1::/56"]
    assert found["account_id"] == ACCT_A and found["vpc_id"] == "vpc-0aaaaaaaaaaaaaaaa"
    assert ec2.calls == [("DescribeVpcs", None, [{"Name": "tag:Name", "Values": ["lab-a"]}])]


def test_discover_by_id_and_its_failures():
    ec2 = FakeEC2([described("vpc-0aaaaaaaaaaaaaaaa", "twin", ACCT_A, [("10.0.0.0/16", "associated")]),
                   described("vpc-0bbbbbbbbbbbbbbbb", "twin", ACCT_A, [("10.1.0.0/16", "associated")])])
    by_id = connectivity.discover(ec2, discovering("anything", vpc_id="vpc-0bbbbbbbbbbbbbbbb"), "vpcs[1]")
    assert by_id["cidrs"] == ["10.1.0.0/16"] and by_id["name"] == "anything"
    with pytest.raises(CrossvpcError, match=r"vpcs\[0\]: 2 VPCs are named twin in region us-east-1 .*Give vpc_id"):
        connectivity.discover(ec2, discovering("twin"), "vpcs[0]")
    with pytest.raises(CrossvpcError, match=r"vpcs\[0\]: no VPC named nowhere in region us-east-1"):
        connectivity.discover(ec2, discovering("nowhere"), "vpcs[0]")
    with pytest.raises(CrossvpcError, match="belongs to account 111111111111, not account_id=222222222222"):
        connectivity.discover(ec2, discovering("x", vpc_id="vpc-0aaaaaaaaaaaaaaaa", account_id=ACCT_B), "vpcs[0]")


def test_readme_shows_the_plan_of_the_demo_topology_and_growth_turns_peering_into_a_transit_gateway():
    """The README's diagram is the planner's own output for inventories/local, not a drawing."""
    vpcs = [{"name": "crossvpc-lab-a", "account_id": "111111111111", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]},
            {"name": "crossvpc-lab-b", "account_id": "222222222222", "region": "us-east-1", "cidrs": ["10.0.0.0/16"]},
            {"name": "crossvpc-lab-c", "account_id": "222222222222", "region": "us-east-1", "cidrs": ["10.1.0.0/16"]}]
    links = [{"client": "crossvpc-lab-b", "server": "crossvpc-lab-a", "ports": [8443], "service": "eks"},
             {"client": "crossvpc-lab-c", "server": "crossvpc-lab-a", "ports": [8443], "service": "eks"}]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    [shown] = re.findall(r"```mermaid\n(.*?)```", readme, re.S)
    assert shown.strip() == connectivity.mermaid(connectivity.plan(vpcs, links)).strip()
    grown = connectivity.plan(vpcs, links, expected_vpcs=10)
    assert [link["method"] for link in grown["links"]] == ["privatelink", "transit_gateway"]


def test_a_peering_with_links_both_ways_opens_each_end_on_the_ports_it_serves():
    """The trial's lab-a <-> lab-c: only the requester used to open its port, so the reverse link was refused at the accepter."""
    [step] = connectivity.plan([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("c", ACCT_B, "10.1.0.0/16")],
                               [link("c", "a", 8443), link("a", "c", 9443)])["steps"]["peering"]
    assert (step["requester"], step["requester_ports"], step["accepter"], step["accepter_ports"], step["ports"]) == (
        "a", [8443], "c", [9443], [8443, 9443])


def test_the_report_heads_a_link_with_a_hop_not_checked_as_reachable_only_as_far_as_checked():
    """A check that could not see a hop (no workload at the address yet, no profile) is not called reachable outright."""
    result = connectivity.plan([vpc("a", ACCT_A, "10.0.0.0/16"), vpc("b", ACCT_A, "10.1.0.0/16")], [link("b", "a", 443)])
    link_ = dict(result["links"][0], ports=[443])
    hops = [{"hop": "source route table", "ok": True}, {"hop": "destination security group", "ok": None}]
    report = connectivity.markdown(result, [{"item": link_, "reachable": True, "hops": hops, "msg": "m", "table": []}])
    assert "### b -> a:443 (VPC peering): reachable as far as checked (1 hop(s) not checked)" in report, report
    report = connectivity.markdown(result, [{"item": link_, "reachable": True, "hops": hops[:1], "msg": "m", "table": []}])
    assert "### b -> a:443 (VPC peering): reachable\n" in report, report
