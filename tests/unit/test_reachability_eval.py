"""Reachability over boto3-shaped data: longest prefix match, security groups, network ACLs, input
checks, and the walk with fake Describe answers per account (no AWS here; the integration tests
prove the same against the local AWS)."""

import copy
import ipaddress

import botocore.exceptions
import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import reachability as r
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput

A, B = "111111111111", "222222222222"
N = ipaddress.ip_network


# --- longest prefix match ----------------------------------------------------------------------

def route(cidr, **target):
    return dict({"DestinationCidrBlock": cidr, "State": "active"}, **target)


ROUTES = [route("10.1.0.0/16", GatewayId="local"), route("10.0.0.0/8", TransitGatewayId="tgw-1"),
          route("10.0.0.0/16", VpcPeeringConnectionId="pcx-1"), route("0.0.0.0/0", GatewayId="igw-1"),
          {"DestinationPrefixListId": "pl-1", "GatewayId": "vpce-1"}]


@pytest.mark.parametrize("address, expected", [
    ("10.0.1.10/32", "pcx-1"), ("10.0.0.0/16", "pcx-1"), ("10.9.0.1/32", "tgw-1"), ("10.1.2.3/32", "local"),
    ("8.8.8.8/32", "igw-1"), ("10.0.0.0/8", "tgw-1"),
])
def test_longest_prefix_wins(address, expected):
    found = r.longest_prefix_route(ROUTES, N(address))
    assert r.target_of(found)[1] == expected


def test_a_cidr_wider_than_every_route_matches_none_but_default():
    assert r.longest_prefix_route(ROUTES[:3], N("10.0.0.0/7")) is None


def test_blackhole_more_specific_route_still_wins():
    routes = ROUTES + [route("10.0.1.0/24", VpcPeeringConnectionId="pcx-gone", State="blackhole")]
    assert r.longest_prefix_route(routes, N("10.0.1.10/32"))["State"] == "blackhole"
    assert r.longest_prefix_route(routes, N("10.0.2.10/32"))["VpcPeeringConnectionId"] == "pcx-1"


# --- security groups ---------------------------------------------------------------------------

def group(group_id, ingress=(), egress=()):
    return {"GroupId": group_id, "IpPermissions": list(ingress), "IpPermissionsEgress": list(egress)}


def rule(protocol="tcp", ports=(8443, 8443), cidrs=(), groups=(), prefix_lists=()):
    return {"IpProtocol": protocol, "FromPort": ports[0], "ToPort": ports[1],
            "IpRanges": [{"CidrIp": c} for c in cidrs], "UserIdGroupPairs": [{"GroupId": g} for g in groups],
            "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists]}


def test_ingress_from_a_containing_cidr_allows():
    groups = [group("sg-1", ingress=[rule(cidrs=["10.1.0.0/16"])])]
    assert r.security_groups_allow(groups, "ingress", "tcp", 8443, N("10.1.1.0/24"))[0] is True
    assert r.security_groups_allow(groups, "ingress", "tcp", 8443, N("10.2.1.0/24"))[0] is False
    assert r.security_groups_allow(groups, "ingress", "tcp", 443, N("10.1.1.0/24"))[0] is False
    assert r.security_groups_allow(groups, "ingress", "udp", 8443, N("10.1.1.0/24"))[0] is False


def test_a_rule_narrower_than_the_source_subnet_does_not_allow_it():
    groups = [group("sg-1", ingress=[rule(cidrs=["10.1.1.0/25"])])]
    assert r.security_groups_allow(groups, "ingress", "tcp", 8443, N("10.1.1.0/24"))[0] is False


def test_group_reference_and_all_traffic_rules():
    groups = [group("sg-1", ingress=[rule(groups=["sg-client"])], egress=[rule("-1", (-1, -1), ["0.0.0.0/0"])])]
    assert r.security_groups_allow(groups, "ingress", "tcp", 8443, N("10.0.1.0/24"), ["sg-client"])[0] is True
    assert r.security_groups_allow(groups, "ingress", "tcp", 8443, N("10.0.1.0/24"), ["sg-other"])[0] is False
    assert r.security_groups_allow(groups, "egress", "udp", 53, N("10.9.9.9/32"))[0] is True


def test_any_of_several_groups_allows_and_prefix_lists_are_noted():
    groups = [group("sg-1", ingress=[rule(prefix_lists=["pl-1"])]), group("sg-2", ingress=[rule("6", cidrs=["10.0.0.0/8"])])]
    allowed, why, notes = r.security_groups_allow(groups, "ingress", "tcp", 8443, N("10.1.1.0/24"))
    assert allowed and "sg-2" in why and notes == ["prefix list pl-1 in sg-1 not evaluated"]


# --- network ACLs ------------------------------------------------------------------------------

def entry(number, action, egress, cidr="0.0.0.0/0", protocol="-1", ports=None):
    made = {"RuleNumber": number, "RuleAction": action, "Egress": egress, "CidrBlock": cidr, "Protocol": protocol}
    if ports:
        made["PortRange"] = {"From": ports[0], "To": ports[1]}
    return made


DEFAULT = [entry(100, "allow", True), entry(32767, "deny", True), entry(100, "allow", False), entry(32767, "deny", False)]


def test_default_acl_allows_both_ways():
    acl = {"NetworkAclId": "acl-1", "Entries": DEFAULT}
    assert r.nacl_check(acl, "tcp", 8443, N("10.0.0.0/16"), outbound=True)[0] is True
    assert r.nacl_check(acl, "tcp", 8443, N("10.0.0.0/16"), outbound=False)[0] is True


def test_lower_numbered_deny_wins_whatever_the_list_order():
    entries = DEFAULT + [entry(50, "deny", True, "10.0.0.0/16", "6", (8000, 9000))]
    allowed, decided = r.nacl_verdict(entries, True, "tcp", (8443, 8443), N("10.0.1.10/32"))
    assert (allowed, decided["RuleNumber"]) == (False, 50)
    # the same deny does not touch other ports or other networks
    assert r.nacl_verdict(entries, True, "tcp", (443, 443), N("10.0.1.10/32"))[0] is True
    assert r.nacl_verdict(entries, True, "tcp", (8443, 8443), N("10.5.1.10/32"))[0] is True
    assert r.nacl_verdict(entries, True, "udp", (8443, 8443), N("10.0.1.10/32"))[0] is True


def test_allow_after_deny_comes_too_late():
    entries = [entry(10, "deny", False, "10.1.0.0/16"), entry(20, "allow", False, "10.1.1.0/24"), entry(32767, "deny", False)]
    assert r.nacl_verdict(entries, False, "tcp", (8443, 8443), N("10.1.1.0/24"))[0] is False


def test_only_the_default_rule_denies_and_replies_need_ephemeral_ports():
    # egress only the service port: the request leaves, the reply (inbound ephemeral) has no rule
    entries = [entry(100, "allow", True, "10.0.0.0/16", "6", (8443, 8443)), entry(32767, "deny", True),
               entry(100, "allow", False, "10.0.0.0/16", "6", (8443, 8443)), entry(32767, "deny", False)]
    acl = {"NetworkAclId": "acl-1", "Entries": entries}
    ok, detail = r.nacl_check(acl, "tcp", 8443, N("10.0.1.10/32"), outbound=True)
    assert ok is False and "ingress reply" in detail and "rule *: deny" in detail
    assert r.nacl_verdict([], True, "tcp", (1, 1), N("10.0.0.0/8")) == (False, None)


def test_an_allow_covering_part_of_the_ephemeral_range_does_not_decide():
    entries = [entry(10, "allow", False, "0.0.0.0/0", "6", (1024, 2000)), entry(32767, "deny", False)]
    assert r.nacl_verdict(entries, False, "tcp", r.EPHEMERAL, N("10.0.0.0/16"))[0] is False


# --- input -------------------------------------------------------------------------------------

def params(source=None, destination=None, **extra):
    made = {"source": {"subnet_name": "s", "security_group_names": ["g"]},
            "destination": {"address": "10.0.1.10", "port": 8443, "protocol": "tcp"}, "account_profiles": {}}
    made["source"].update(source or {})
    made["destination"].update(destination or {})
    made.update(extra)
    return made


@pytest.mark.parametrize("changes, parameter", [
    ({"destination": {"service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"}}, "destination"),
    ({"destination": {"address": None}}, "destination"),
    ({"destination": {"port": 0}}, "destination.port"),
    ({"destination": {"port": 65536}}, "destination.port"),
    ({"destination": {"address": "10.0.1.0/16"}}, "destination.address"),
    ({"destination": {"address": "fd00::1"}}, "destination.address"),
    ({"destination": {"address": "nonsense"}}, "destination.address"),
    ({"source": {"subnet_id": "subnet-0123456789abcdef0"}}, "source"),
    ({"source": {"subnet_name": None, "subnet_id": "sub-1"}}, "source.subnet_id"),
    ({"source": {"security_group_names": None}}, "source.security_group_ids"),
    ({"source": {"security_group_ids": ["sg-0123456789abcdef0"]}}, "source.security_group_ids"),
    ({"account_profiles": {"1234": "x"}}, "account_profiles"),
])
def test_bad_input_names_the_parameter(changes, parameter):
    with pytest.raises(InvalidInput) as raised:
        r.validate(params(**changes), "us-east-1")
    assert raised.value.parameter == parameter


def test_good_input_gives_the_destination_network():
    assert r.validate(params(), "us-east-1") == N("10.0.1.10/32")
    assert r.validate(params(destination={"address": "10.0.0.0/16"}), "us-east-1") == N("10.0.0.0/16")
    assert r.validate(params(destination={"address": None, "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-1"}),
                      "us-east-1") is None


# --- the walk, with fake Describe answers --------------------------------------------------------

class FakeEC2:
    """Answers the Describe calls the walk makes from plain lists, honouring the filters it uses."""

    def __init__(self, **data):
        self.data = data
        self.calls = []

    def _answer(self, operation, key, items, **kwargs):
        self.calls.append(operation)
        filters = dict((f["Name"], f["Values"]) for f in kwargs.get("Filters", []))
        return {key: [i for i in items if all(self._match(i, name, values) for name, values in filters.items())]}

    @staticmethod
    def _match(item, name, values):
        fields = {"subnet-id": item.get("SubnetId"), "vpc-id": item.get("VpcId"), "group-id": item.get("GroupId"),
                  "group-name": item.get("GroupName"), "service-name": item.get("ServiceName"),
                  "tag:Name": next((t["Value"] for t in item.get("Tags", []) if t["Key"] == "Name"), None),
                  "transit-gateway-id": item.get("TransitGatewayId"), "resource-id": item.get("ResourceId")}
        if name == "association.subnet-id":
            return any(a.get("SubnetId") in values for a in item.get("Associations", []))
        if name == "association.main":
            return any(a.get("Main") for a in item.get("Associations", []))
        if name == "addresses.private-ip-address":
            return any(a["PrivateIpAddress"] in values for a in item.get("PrivateIpAddresses", []))
        if name == "attachment.instance-id":
            return (item.get("Attachment") or {}).get("InstanceId") in values
        return name not in fields or fields[name] in values

    def describe_subnets(self, aws_retry=False, **kwargs):
        return self._answer("describe_subnets", "Subnets", self.data.get("subnets", []), **kwargs)

    def describe_security_groups(self, aws_retry=False, **kwargs):
        return self._answer("describe_security_groups", "SecurityGroups", self.data.get("groups", []), **kwargs)

    def describe_route_tables(self, aws_retry=False, **kwargs):
        return self._answer("describe_route_tables", "RouteTables", self.data.get("tables", []), **kwargs)

    def describe_network_acls(self, aws_retry=False, **kwargs):
        return self._answer("describe_network_acls", "NetworkAcls", self.data.get("acls", []), **kwargs)

    def describe_network_interfaces(self, aws_retry=False, **kwargs):
        return self._answer("describe_network_interfaces", "NetworkInterfaces", self.data.get("interfaces", []), **kwargs)

    def describe_vpc_peering_connections(self, aws_retry=False, VpcPeeringConnectionIds=()):
        return {"VpcPeeringConnections": [c for c in self.data.get("peerings", [])
                                          if c["VpcPeeringConnectionId"] in VpcPeeringConnectionIds]}


def subnet(subnet_id, vpc_id, cidr, owner, name, zone="us-east-1a"):
    return {"SubnetId": subnet_id, "VpcId": vpc_id, "CidrBlock": cidr, "OwnerId": owner, "AvailabilityZone": zone,
            "Tags": [{"Key": "Name", "Value": name}]}


def table(table_id, vpc_id, subnet_id, *routes):
    return {"RouteTableId": table_id, "VpcId": vpc_id, "Associations": [{"SubnetId": subnet_id}], "Routes": list(routes)}


def acl(acl_id, subnet_ids):
    return {"NetworkAclId": acl_id, "Associations": [{"SubnetId": s} for s in subnet_ids], "Entries": copy.deepcopy(DEFAULT)}


def peering_accounts():
    """Account B's VPC_C (10.1.0.0/16) peered with account A's VPC_A (10.0.0.0/16), routed both ways."""
    b = FakeEC2(
        subnets=[subnet("subnet-c1", "vpc-c", "10.1.1.0/24", B, "c-1")],
        groups=[dict(group("sg-c", egress=[rule("-1", (-1, -1), ["0.0.0.0/0"])]), VpcId="vpc-c", GroupName="default")],
        tables=[table("rtb-c1", "vpc-c", "subnet-c1", route("10.1.0.0/16", GatewayId="local"),
                      route("10.0.0.0/16", VpcPeeringConnectionId="pcx-1"))],
        acls=[acl("acl-c", ["subnet-c1"])],
        peerings=[{"VpcPeeringConnectionId": "pcx-1", "Status": {"Code": "active"},
                   "RequesterVpcInfo": {"VpcId": "vpc-a", "OwnerId": A, "Region": "us-east-1", "CidrBlock": "10.0.0.0/16"},
                   "AccepterVpcInfo": {"VpcId": "vpc-c", "OwnerId": B, "Region": "us-east-1", "CidrBlock": "10.1.0.0/16"}}])
    a = FakeEC2(
        subnets=[subnet("subnet-a1", "vpc-a", "10.0.1.0/24", A, "a-1"), subnet("subnet-a2", "vpc-a", "10.0.2.0/24", A, "a-2")],
        groups=[dict(group("sg-peer", ingress=[rule(cidrs=["10.1.0.0/16"])]), VpcId="vpc-a", GroupName="from-peer")],
        tables=[table("rtb-a1", "vpc-a", "subnet-a1", route("10.0.0.0/16", GatewayId="local"),
                      route("10.1.0.0/16", VpcPeeringConnectionId="pcx-1")),
                table("rtb-a2", "vpc-a", "subnet-a2", route("10.0.0.0/16", GatewayId="local"),
                      route("10.1.0.0/16", VpcPeeringConnectionId="pcx-1"))],
        acls=[acl("acl-a", ["subnet-a1", "subnet-a2"])])
    return {B: b, A: a}


def walk(accounts, destination=None, profiles=(A,), **source):
    def connect(account, service, region):
        if account is None:
            return accounts[B]
        return accounts[account] if account in profiles else None

    made = params(source=dict({"subnet_name": "c-1", "security_group_names": ["default"]}, **source),
                  destination=dict({"security_group_names": ["from-peer"]}, **(destination or {})))
    return r.Walk(made, "us-east-1", connect).run(r.validate(made, "us-east-1"))


def test_peering_walk_is_reachable_in_packet_order():
    result = walk(peering_accounts())
    assert result["reachable"] and result["path"] == "peering" and result["broken_hop"] is None
    assert [h["hop"] for h in result["hops"]] == list(r.ADDRESS_ORDER[:4]) + list(r.ADDRESS_ORDER[-3:])
    assert [h["account"] for h in result["hops"]] == [B, B, B, B, A, A, A]


def test_missing_return_route_is_the_destination_route_table():
    accounts = peering_accounts()
    accounts[A].data["tables"][0]["Routes"].pop()
    broken = walk(accounts)["broken_hop"]
    assert (broken["hop"], broken["resource"], broken["account"]) == ("destination route table", "rtb-a1", A)
    # the source VPC's CIDR (not the source subnet's), to the peering connection found, in the table that lacks it
    assert broken["fix"].startswith("Add a route for 10.1.0.0/16 (the source VPC's CIDR, which holds the source subnet "
                                    "10.1.1.0/24) to the peering connection pcx-1 in rtb-a1, the table of subnet-a1 (crossvpc.aws.vpc_route"), broken


def test_missing_return_route_names_the_vpc_cidr_that_holds_the_source():
    """A source subnet in the VPC's secondary block, and a wider route back elsewhere: the return
    route to add is for that block (more specific, it wins)."""
    accounts = peering_accounts()
    accounts[B].data["subnets"][0]["CidrBlock"] = "100.64.1.0/24"
    accounts[B].data["tables"][0]["Routes"].insert(1, route("100.64.0.0/16", GatewayId="local"))
    for table in accounts[A].data["tables"]:
        table["Routes"].append(route("100.64.0.0/10", TransitGatewayId="tgw-1"))
    accounts[A].data["groups"][0]["IpPermissions"] = [rule(cidrs=["100.64.0.0/16"])]
    broken = walk(accounts)["broken_hop"]
    assert broken["hop"] == "destination route table" and "not pcx-1" in broken["detail"], broken
    assert broken["fix"].startswith("Add a route for 100.64.0.0/16 (the source VPC's CIDR, which holds the source subnet "
                                    "100.64.1.0/24) to the peering connection pcx-1 in rtb-a1"), broken


def test_return_route_via_another_target_is_broken():
    accounts = peering_accounts()
    accounts[A].data["tables"][0]["Routes"].append(route("10.1.1.0/24", TransitGatewayId="tgw-1"))
    broken = walk(accounts)["broken_hop"]
    assert broken["hop"] == "destination route table" and "not pcx-1" in broken["detail"]
    # the narrower route wins over 10.1.0.0/16 -> pcx-1, which is there: adding a route would not help
    assert broken["fix"].startswith("The route for 10.1.1.0/24 in rtb-a1, the table of subnet-a1, is narrower than the "
                                    "source VPC's CIDR 10.1.0.0/16 and wins by longest prefix: point it at the peering "
                                    "connection pcx-1, or delete it (crossvpc.aws.vpc_route"), broken


def test_blackhole_return_route_for_the_vpc_cidr_is_pointed_at_the_peering():
    accounts = peering_accounts()
    accounts[A].data["tables"][0]["Routes"][-1]["State"] = "blackhole"
    broken = walk(accounts)["broken_hop"]
    assert broken["fix"].startswith("Point the route for 10.1.0.0/16 (the source VPC's CIDR, which holds the source "
                                    "subnet 10.1.1.0/24) in rtb-a1, the table of subnet-a1, at the peering connection "
                                    "pcx-1"), broken


def interface(interface_id, vpc_id, address, *group_ids):
    return {"NetworkInterfaceId": interface_id, "VpcId": vpc_id, "PrivateIpAddress": address,
            "PrivateIpAddresses": [{"PrivateIpAddress": address}], "Groups": [{"GroupId": g} for g in group_ids]}


def test_the_destination_hop_is_the_groups_of_the_interface_at_the_address():
    """AWS evaluates the groups of the network interface that holds the address, not the ones a user names (the
    seventeenth trial's B6): a named group on no interface there is said, and does not make the path reachable."""
    accounts = peering_accounts()
    service = dict(group("sg-service", ingress=[rule(cidrs=["10.0.0.0/16"])]), VpcId="vpc-a", GroupName="service")
    accounts[A].data["groups"].append(service)
    accounts[A].data["interfaces"] = [interface("eni-pod", "vpc-a", "10.0.1.10", "sg-service")]
    result = walk(accounts)
    broken = result["broken_hop"]
    assert (broken["hop"], broken["resource"]) == ("destination security group", "sg-service"), result["hops"]
    assert broken["detail"].startswith("eni-pod, the network interface of 10.0.1.10: no ingress rule of sg-service allows tcp 8443 "
                                       "from 10.1.1.0/24")
    assert result["warnings"] == ["destination security group: sg-peer (from-peer), named in destination.security_group_*, is not on eni-pod, "
                                  "the network interface of 10.0.1.10: it does not apply. Attach it to the workload, or name the "
                                  "groups it carries."], result["warnings"]
    # The interface carries the named group too: reachable, nothing to warn about.
    accounts[A].data["interfaces"][0]["Groups"].append({"GroupId": "sg-peer"})
    result = walk(accounts)
    assert result["reachable"] and result["warnings"] == [] and result["msg"] == "Reachable over peering: every hop allows it."
    # The rule is on the interface's own group, and no group is named: the interface's groups decide.
    accounts[A].data["interfaces"][0]["Groups"].pop()
    service["IpPermissions"].append(rule(cidrs=["10.1.0.0/16"]))
    result = walk(accounts, destination={"security_group_names": []})
    assert result["reachable"] and result["warnings"] == [], result
    assert {h["hop"]: h for h in result["hops"]}["destination security group"]["resource"] == "sg-service"


def test_an_interface_without_groups_filters_nothing():
    """A service-managed interface (an NLB's without security groups) carries none: AWS filters nothing there."""
    accounts = peering_accounts()
    accounts[A].data["interfaces"] = [dict(interface("eni-nlb", "vpc-a", "10.0.1.10"), InterfaceType="network_load_balancer")]
    result = walk(accounts, destination={"security_group_names": []})
    hop = {h["hop"]: h for h in result["hops"]}["destination security group"]
    assert result["reachable"] and (hop["resource"], hop["ok"]) == ("eni-nlb", True), hop
    assert hop["detail"] == "eni-nlb, the network_load_balancer network interface of 10.0.1.10 carries no security group: nothing filters."


def test_no_interface_at_the_address_and_no_groups_named_is_not_checked_and_said():
    result = walk(peering_accounts(), destination={"security_group_names": []})
    hop = {h["hop"]: h for h in result["hops"]}["destination security group"]
    assert hop["ok"] is None and "no network interface of vpc-a holds 10.0.1.10," in hop["detail"], hop
    assert result["msg"].startswith("Reachable as far as checked; 1 hop(s) not checked: destination security group"), result["msg"]
    assert len(result["warnings"]) == 1


@pytest.mark.parametrize("region, group_reference", [("us-east-1", True), ("eu-west-1", False)])
def test_destination_group_fix_offers_a_group_reference_only_within_a_region(region, group_reference):
    """AWS takes a rule that references the peer VPC's group over same-region peering, not across
    regions: there the fix is the source VPC's CIDR, and such a rule is not counted."""
    accounts = peering_accounts()
    accounts[B].data["peerings"][0]["RequesterVpcInfo"]["Region"] = region
    accounts[A].data["groups"][0]["IpPermissions"] = [rule(cidrs=["10.9.0.0/16"])]
    result = walk(accounts)
    broken = result["broken_hop"]
    assert broken["hop"] == "destination security group", result["hops"]
    assert broken["fix"].startswith("Add an ingress rule for tcp 8443 from 10.1.0.0/16 (the source VPC's CIDR"), broken
    assert ("from the client's group sg-c (account %s)" % B in broken["fix"]) is group_reference, broken
    assert ("sg-c" in broken["detail"] + broken["fix"]) is group_reference, broken
    if not group_reference:
        assert "inter-region peering a rule cannot reference the client's security group" in broken["fix"]
        accounts[A].data["groups"][0]["IpPermissions"] = [rule(groups=["sg-c"])]
        assert walk(accounts)["broken_hop"]["hop"] == "destination security group"


def test_a_cidr_destination_checks_every_subnet_inside_it():
    accounts = peering_accounts()
    accounts[A].data["tables"][1]["Routes"].pop()
    result = walk(accounts, {"address": "10.0.0.0/16"})
    assert result["broken_hop"]["resource"] == "rtb-a2"
    assert [h["resource"] for h in result["hops"] if h["hop"] == "destination route table"] == ["rtb-a1", "rtb-a2"]


@pytest.mark.parametrize("state, hop, words", [
    ("blackhole", "source route table", "blackhole"),
    ("missing", "source route table", "Add a route"),
])
def test_source_route_problems(state, hop, words):
    accounts = peering_accounts()
    routes = accounts[B].data["tables"][0]["Routes"]
    if state == "missing":
        routes.pop()
    else:
        routes[-1]["State"] = "blackhole"
    result = walk(accounts)
    assert result["broken_hop"]["hop"] == hop and words in result["broken_hop"]["detail"] + result["broken_hop"]["fix"]
    assert result["path"] is None
    assert {h["hop"] for h in result["hops"] if h["ok"] is None} >= {"peering connection", "destination route table"}


# --- Transit Gateway walk: account B's spoke 10.83.0.0/16 to account A's spoke 10.81.0.0/16 ----------

class FakeTGW(FakeEC2):
    def describe_transit_gateway_attachments(self, aws_retry=False, TransitGatewayAttachmentIds=None, **kwargs):
        items = [a for a in self.data.get("attachments", [])
                 if TransitGatewayAttachmentIds is None or a["TransitGatewayAttachmentId"] in TransitGatewayAttachmentIds]
        return self._answer("describe_transit_gateway_attachments", "TransitGatewayAttachments", items, **kwargs)

    def describe_transit_gateway_vpc_attachments(self, aws_retry=False, TransitGatewayAttachmentIds=()):
        return {"TransitGatewayVpcAttachments": [a for a in self.data.get("vpc_attachments", [])
                                                 if a["TransitGatewayAttachmentId"] in TransitGatewayAttachmentIds]}

    def search_transit_gateway_routes(self, aws_retry=False, TransitGatewayRouteTableId=None, Filters=()):
        return {"Routes": self.data["tgw_routes"].get(TransitGatewayRouteTableId, [])}


def tgw_entry(cidr, attachment=None, state="active", kind="propagated"):
    return {"DestinationCidrBlock": cidr, "State": state, "Type": kind, "TransitGatewayAttachments": [
        {"TransitGatewayAttachmentId": attachment, "ResourceType": "vpc"}] if attachment else []}


def attachment(attachment_id, vpc_id, owner):
    return {"TransitGatewayAttachmentId": attachment_id, "TransitGatewayId": "tgw-1", "TransitGatewayOwnerId": A,
            "ResourceType": "vpc", "ResourceId": vpc_id, "ResourceOwnerId": owner, "State": "available",
            "Association": {"TransitGatewayRouteTableId": "tgw-rtb-1", "State": "associated"}}


def tgw_accounts():
    """The hub (tgw-1, one route table with both spokes propagated) in account A."""
    b = FakeTGW(
        subnets=[subnet("subnet-b1", "vpc-b", "10.83.1.0/24", B, "b-1")],
        groups=[dict(group("sg-b", egress=[rule("-1", (-1, -1), ["0.0.0.0/0"])]), VpcId="vpc-b", GroupName="default")],
        tables=[table("rtb-b1", "vpc-b", "subnet-b1", route("10.83.0.0/16", GatewayId="local"),
                      route("10.81.0.0/16", TransitGatewayId="tgw-1"))],
        acls=[acl("acl-b", ["subnet-b1"])],
        attachments=[attachment("tgw-attach-b", "vpc-b", B)],
        vpc_attachments=[{"TransitGatewayAttachmentId": "tgw-attach-b", "SubnetIds": ["subnet-b1"]}])
    a = FakeTGW(
        subnets=[subnet("subnet-a1", "vpc-a", "10.81.1.0/24", A, "a-1")],
        groups=[dict(group("sg-a", ingress=[rule(cidrs=["10.83.0.0/16"])]), VpcId="vpc-a", GroupName="from-spoke")],
        tables=[table("rtb-a1", "vpc-a", "subnet-a1", route("10.81.0.0/16", GatewayId="local"),
                      route("10.83.0.0/16", TransitGatewayId="tgw-1"))],
        acls=[acl("acl-a", ["subnet-a1"])],
        attachments=[attachment("tgw-attach-a", "vpc-a", A), attachment("tgw-attach-b", "vpc-b", B)],
        tgw_routes={"tgw-rtb-1": [tgw_entry("10.81.0.0/16", "tgw-attach-a"), tgw_entry("10.83.0.0/16", "tgw-attach-b")]})
    return {B: b, A: a}


def tgw_walk(accounts):
    return walk(accounts, {"address": "10.81.1.10", "security_group_names": ["from-spoke"]}, subnet_name="b-1")


def test_transit_gateway_walk_is_reachable():
    result = tgw_walk(tgw_accounts())
    assert result["reachable"] and result["path"] == "transit_gateway", result["msg"]
    assert [h["hop"] for h in result["hops"]].count("transit gateway route table") == 2


def test_a_destination_attachment_without_a_subnet_in_the_destinations_zone_is_broken():
    """The eighteenth trial's R51/TG01/C15: the replies leave through the attachment's interface in their own zone."""
    accounts = tgw_accounts()
    accounts[A].data["subnets"].append(subnet("subnet-a2", "vpc-a", "10.81.2.0/24", A, "a-2", "us-east-1b"))
    accounts[A].data["vpc_attachments"] = [{"TransitGatewayAttachmentId": "tgw-attach-a", "SubnetIds": ["subnet-a2"]}]
    broken = tgw_walk(accounts)["broken_hop"]
    assert (broken["hop"], broken["resource"]) == ("destination transit gateway attachment", "tgw-attach-a"), broken
    assert broken["detail"] == ("tgw-attach-a has subnets in us-east-1b only; the destination subnet subnet-a1 is in us-east-1a, "
                                "whose replies cannot reach the transit gateway.")
    assert broken["fix"].startswith("Add a subnet of vpc-a in us-east-1a to tgw-attach-a")
    accounts[A].data["vpc_attachments"][0]["SubnetIds"].append("subnet-a1")
    assert tgw_walk(accounts)["reachable"] is True


@pytest.mark.parametrize("blackhole, fallback, words", [
    # a more specific blackhole shadows the propagated route: deleting it is the whole fix
    ("10.81.1.0/24", True, "; then the route for 10.81.0.0/16 to tgw-attach-a carries it."),
    # the blackhole is the VPC's own range: delete it, then route the range to the attachment
    ("10.81.0.0/16", False, "; then propagate the destination VPC's attachment into tgw-rtb-1, or add a static route"),
])
def test_tgw_blackhole_fix_deletes_that_route(blackhole, fallback, words):
    accounts = tgw_accounts()
    routes = accounts[A].data["tgw_routes"]["tgw-rtb-1"]
    if not fallback:
        routes.pop(0)
    routes.append(tgw_entry(blackhole, state="blackhole", kind="static"))
    broken = tgw_walk(accounts)["broken_hop"]
    assert (broken["hop"], broken["resource"], broken["account"]) == ("transit gateway route table", "tgw-rtb-1", A)
    assert broken["fix"].startswith("Delete the blackhole route for %s from tgw-rtb-1 (crossvpc.aws.transit_gateway_route_table"
                                    % blackhole), broken
    assert words in broken["fix"], broken
    assert not broken["fix"].startswith("Propagate")


def test_tgw_return_route_fixes_name_the_source_vpc_cidr_and_attachment():
    accounts = tgw_accounts()
    routes = accounts[A].data["tgw_routes"]["tgw-rtb-1"]
    routes.append(tgw_entry("10.83.1.0/24", state="blackhole", kind="static"))
    broken = tgw_walk(accounts)["broken_hop"]
    assert "the return route 10.83.1.0/24 is a blackhole" in broken["detail"], broken
    assert broken["fix"].startswith("Delete the blackhole route for 10.83.1.0/24 from tgw-rtb-1"), broken
    assert broken["fix"].endswith("; then the route for 10.83.0.0/16 to tgw-attach-b carries it."), broken
    del routes[1:]
    broken = tgw_walk(accounts)["broken_hop"]
    assert broken["fix"].startswith("Propagate the source VPC's attachment tgw-attach-b into tgw-rtb-1, or add a static "
                                    "route for 10.83.0.0/16 (the source VPC's CIDR, which holds the source subnet "
                                    "10.83.1.0/24) to it"), broken


def test_pending_peering_says_who_accepts():
    accounts = peering_accounts()
    accounts[B].data["peerings"][0]["Status"] = {"Code": "pending-acceptance", "Message": "Pending"}
    broken = walk(accounts)["broken_hop"]
    assert broken["hop"] == "peering connection" and "accepter account %s accepts" % B in broken["fix"]


def test_security_groups_and_nacls_at_both_ends():
    accounts = peering_accounts()
    accounts[A].data["groups"][0]["IpPermissions"] = [rule(cidrs=["10.9.0.0/16"])]
    assert walk(accounts)["broken_hop"]["hop"] == "destination security group"

    accounts = peering_accounts()
    accounts[A].data["acls"][0]["Entries"].append(entry(10, "deny", False, "10.1.0.0/16"))
    broken = walk(accounts)["broken_hop"]
    assert (broken["hop"], broken["resource"]) == ("destination network ACL", "acl-a")

    accounts = peering_accounts()
    accounts[B].data["groups"][0]["IpPermissionsEgress"] = []
    accounts[A].data["acls"][0]["Entries"].append(entry(10, "deny", False, "10.1.0.0/16"))
    # two problems: the first one a packet meets is reported
    assert walk(accounts)["broken_hop"]["hop"] == "source security group"


def test_source_egress_may_reference_the_destination_group():
    accounts = peering_accounts()
    accounts[B].data["groups"][0]["IpPermissionsEgress"] = [rule(groups=["sg-peer"])]
    assert walk(accounts)["reachable"] is True


def test_without_a_profile_the_far_side_is_not_checked_and_not_broken():
    result = walk(peering_accounts(), profiles=())
    assert result["reachable"] is True
    unchecked = [h for h in result["hops"] if h["ok"] is None]
    assert len(unchecked) == 3 and all(h["detail"] == r.NO_PROFILE % A for h in unchecked)
    assert len(result["warnings"]) == 3 and "not checked" in result["msg"]


def test_local_destination_in_the_same_subnet_meets_no_acl():
    accounts = peering_accounts()
    accounts[B].data["acls"][0]["Entries"] = [entry(32767, "deny", True), entry(32767, "deny", False)]
    accounts[B].data["groups"][0]["IpPermissions"] = [rule(cidrs=["10.1.1.0/24"])]
    result = walk(accounts, {"address": "10.1.1.20", "security_group_names": ["default"]})
    assert result["reachable"] is True and result["path"] == "local", result["hops"]


def test_summary_orders_hops_and_keeps_the_fix_out_of_them():
    hops = [{"hop": "destination route table", "resource": "rtb-2", "account": A, "ok": False, "detail": "d2", "fix": "f2"},
            {"hop": "source route table", "resource": "rtb-1", "account": B, "ok": False, "detail": "d1", "fix": "f1"}]
    result = r.summarize("peering", hops, r.ADDRESS_ORDER)
    assert result["broken_hop"] == {"hop": "source route table", "resource": "rtb-1", "account": B, "detail": "d1", "fix": "f1"}
    assert all(set(h) == {"hop", "resource", "account", "ok", "detail"} for h in result["hops"])
    assert result["msg"].startswith("Not reachable: source route table rtb-1")


# --- PrivateLink walk ----------------------------------------------------------------------------

class FakeConsumer(FakeEC2):
    def describe_vpc_endpoints(self, aws_retry=False, **kwargs):
        return self._answer("describe_vpc_endpoints", "VpcEndpoints", self.data["endpoints"], **kwargs)

    def describe_vpc_endpoint_services(self, aws_retry=False, ServiceNames=()):
        return {"ServiceDetails": [{"ServiceName": n, "Owner": A} for n in ServiceNames]}


class FakeProvider(FakeEC2):
    def describe_vpc_endpoint_service_configurations(self, aws_retry=False, **kwargs):
        return self._answer("configs", "ServiceConfigurations", self.data["configs"], **kwargs)

    def describe_vpc_endpoint_connections(self, aws_retry=False, **kwargs):
        return {"VpcEndpointConnections": self.data["connections"]}


class FakeELB:
    def __init__(self, listeners, health):
        self.listeners, self.health = listeners, health

    def describe_listeners(self, aws_retry=False, LoadBalancerArn=None):
        return {"Listeners": self.listeners}

    def describe_target_groups(self, aws_retry=False, TargetGroupArns=()):
        return {"TargetGroups": [{"TargetGroupArn": a, "TargetGroupName": "tg", "Port": 8443, "VpcId": "vpc-a"}
                                 for a in TargetGroupArns]}

    def describe_target_health(self, aws_retry=False, TargetGroupArn=None):
        return {"TargetHealthDescriptions": self.health}


SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-1"
NLB = "arn:aws:elasticloadbalancing:us-east-1:%s:loadbalancer/net/demo/1" % A
TG = "arn:aws:elasticloadbalancing:us-east-1:%s:targetgroup/tg/1" % A


def privatelink_accounts(endpoint_state="available", connection_state="available", listeners=None, health=None):
    b = FakeConsumer(
        subnets=[subnet("subnet-b1", "vpc-b", "10.0.1.0/24", B, "b-1"),
                 subnet("subnet-b2", "vpc-b", "10.0.2.0/24", B, "b-2", "us-east-1b")],
        groups=[dict(group("sg-clients", egress=[rule("-1", (-1, -1), ["0.0.0.0/0"])]), VpcId="vpc-b", GroupName="clients"),
                dict(group("sg-endpoint", ingress=[rule(groups=["sg-clients"])]), VpcId="vpc-b", GroupName="endpoint")],
        acls=[acl("acl-b", ["subnet-b1", "subnet-b2"])],
        endpoints=[{"VpcEndpointId": "vpce-old", "VpcId": "vpc-b", "ServiceName": SERVICE, "State": "deleted"},
                   {"VpcEndpointId": "vpce-1", "VpcId": "vpc-b", "ServiceName": SERVICE, "State": endpoint_state,
                    "SubnetIds": ["subnet-b1", "subnet-b2"], "Groups": [{"GroupId": "sg-endpoint"}]}])
    a = FakeProvider(
        configs=[{"ServiceName": SERVICE, "ServiceId": "vpce-svc-1", "ServiceState": "Available",
                  "AcceptanceRequired": True, "NetworkLoadBalancerArns": [NLB]}],
        connections=[{"ServiceId": "vpce-svc-1", "VpcEndpointId": "vpce-1", "VpcEndpointState": connection_state,
                      "VpcEndpointConnectionId": "vpce-con-1"}])
    elb = FakeELB(listeners if listeners is not None else [
        {"ListenerArn": "listener-1", "Port": 8443, "Protocol": "TCP", "DefaultActions": [{"TargetGroupArn": TG}]}],
        health if health is not None else [{"Target": {"Id": "10.0.1.10", "Port": 8443}, "TargetHealth": {"State": "healthy"}}])
    return {(B, "ec2"): b, (A, "ec2"): a, (A, "elbv2"): elb}


def privatelink_walk(accounts, account_profiles=None, **destination):
    def connect(account, service, region):
        return accounts.get((account or B, service))

    made = params(source={"subnet_name": "b-1", "security_group_names": ["clients"]},
                  destination=dict({"address": None, "service_name": SERVICE}, **destination),
                  account_profiles=account_profiles or {})
    return r.Walk(made, "us-east-1", connect).run(r.validate(made, "us-east-1"))


def test_privatelink_walk_is_reachable():
    result = privatelink_walk(privatelink_accounts())
    assert result["reachable"] and result["path"] == "privatelink", result["msg"]
    assert [h["hop"] for h in result["hops"]] == list(r.PRIVATELINK_ORDER)
    assert next(h for h in result["hops"] if h["hop"] == "interface endpoint")["resource"] == "vpce-1"


@pytest.mark.parametrize("endpoint_state, connection_state, words", [
    ("pendingAcceptance", "pendingAcceptance", "provider accepts the connection"),
    ("rejected", "rejected", "new endpoint must be requested"),
])
def test_endpoint_states_name_the_fix(endpoint_state, connection_state, words):
    result = privatelink_walk(privatelink_accounts(endpoint_state, connection_state))
    assert result["broken_hop"]["hop"] == "interface endpoint" and words in result["broken_hop"]["fix"]
    assert [h["ok"] for h in result["hops"] if h["hop"] == "endpoint connection"] == [False]


def test_listener_on_another_port_is_the_load_balancer_listener():
    listeners = [{"ListenerArn": "l", "Port": 443, "Protocol": "TCP", "DefaultActions": [{"TargetGroupArn": TG}]}]
    broken = privatelink_walk(privatelink_accounts(listeners=listeners))["broken_hop"]
    assert broken["hop"] == "load balancer listener" and "443/TCP" in broken["detail"] and "8443" in broken["fix"]


def test_targets_none_is_broken_unknown_health_is_not():
    assert privatelink_walk(privatelink_accounts(health=[]))["broken_hop"]["hop"] == "target group"
    unknown = [{"Target": {"Id": "10.0.1.10"}, "TargetHealth": {"State": "unavailable"}}]
    assert privatelink_walk(privatelink_accounts(health=unknown))["reachable"] is True
    sick = [{"Target": {"Id": "10.0.1.10"}, "TargetHealth": {"State": "unhealthy", "Description": "timeout"}}]
    assert "timeout" in privatelink_walk(privatelink_accounts(health=sick))["broken_hop"]["detail"]


def test_endpoint_group_without_the_client_rule_is_the_endpoint_security_group():
    accounts = privatelink_accounts()
    accounts[B, "ec2"].data["groups"][1]["IpPermissions"] = []
    broken = privatelink_walk(accounts)["broken_hop"]
    assert (broken["hop"], broken["resource"]) == ("endpoint security group", "sg-endpoint")


def test_endpoint_nacl_applies_to_the_other_subnet_only():
    accounts = privatelink_accounts()
    accounts[B, "ec2"].data["acls"][0]["Entries"].append(entry(5, "deny", False, "10.0.1.0/24", "6", (8443, 8443)))
    broken = privatelink_walk(accounts)["broken_hop"]
    assert broken["hop"] == "endpoint network ACL" and "subnet-b2" in broken["detail"]


def test_provider_without_a_profile_is_not_checked():
    accounts = privatelink_accounts()
    del accounts[A, "ec2"]
    result = privatelink_walk(accounts)
    assert result["reachable"] is True
    assert [h["hop"] for h in result["hops"] if h["ok"] is None] == [
        "endpoint service", "endpoint connection", "load balancer listener", "target group"]


def test_privatelink_targets_are_checked_in_the_groups_of_their_interfaces():
    """Each IP target's interface, and an instance target's primary one; a target no interface takes is said."""
    accounts = privatelink_accounts(health=[{"Target": {"Id": "10.0.1.10"}, "TargetHealth": {"State": "healthy"}},
                                            {"Target": {"Id": "i-1"}, "TargetHealth": {"State": "healthy"}},
                                            {"Target": {"Id": "10.0.2.99"}, "TargetHealth": {"State": "healthy"}}])
    provider = accounts[A, "ec2"]
    provider.data.update(
        subnets=[subnet("subnet-a1", "vpc-a", "10.0.1.0/24", A, "a-1")],
        groups=[dict(group("sg-pods", ingress=[rule(cidrs=["10.0.0.0/16"])]), VpcId="vpc-a", GroupName="pods"),
                dict(group("sg-instance", ingress=[rule(cidrs=["10.9.0.0/16"])]), VpcId="vpc-a", GroupName="instance")],
        interfaces=[interface("eni-pod", "vpc-a", "10.0.1.10", "sg-pods"),
                    dict(interface("eni-vm", "vpc-a", "10.0.1.20", "sg-instance"), Attachment={"InstanceId": "i-1", "DeviceIndex": 0})])
    accounts[A, "elbv2"].describe_load_balancers = lambda aws_retry=False, LoadBalancerArns=(): {"LoadBalancers": [
        {"LoadBalancerArn": NLB, "AvailabilityZones": [{"SubnetId": "subnet-a1"}]}]}
    result = privatelink_walk(accounts)
    broken = result["broken_hop"]
    assert (broken["hop"], broken["resource"]) == ("destination security group", "sg-instance"), result["hops"]
    assert broken["detail"].startswith("eni-vm, the network interface of i-1: no ingress rule of sg-instance allows tcp 8443 from the "
                                       "load balancer's subnet subnet-a1 (10.0.1.0/24)."), broken
    assert result["warnings"] == ["destination security group: no network interface of vpc-a takes 10.0.2.99, so it is not checked."]
    provider.data["groups"][1]["IpPermissions"] = [rule(cidrs=["10.0.1.0/24"])]
    hop = {h["hop"]: h for h in privatelink_walk(accounts)["hops"]}["destination security group"]
    assert (hop["ok"], hop["resource"]) == (True, "sg-instance, sg-pods"), hop


class HiddenServiceConsumer(FakeConsumer):
    """The provider no longer lists this account: AWS answers InvalidServiceName."""

    def describe_vpc_endpoint_services(self, aws_retry=False, ServiceNames=()):
        raise botocore.exceptions.ClientError({"Error": {"Code": "InvalidServiceName", "Message": "no"}},
                                              "DescribeVpcEndpointServices")


def test_provider_is_found_through_the_profiles_when_the_service_is_hidden():
    accounts = privatelink_accounts()
    accounts[B, "ec2"].__class__ = HiddenServiceConsumer
    result = privatelink_walk(accounts, account_profiles={A: "crossvpc-a"})
    assert result["reachable"] is True and [h["account"] for h in result["hops"] if h["hop"] == "endpoint service"] == [A]
    broken = privatelink_walk(accounts)["broken_hop"]
    assert broken["hop"] == "endpoint service" and "allowed principals" in broken["fix"]
