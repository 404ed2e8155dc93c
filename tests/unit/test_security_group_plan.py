"""Security group planning over boto3-shaped data: rules as flat tuples, the steps to reach them."""

import ipaddress

from ansible_collections.crossvpc.aws.plugins.module_utils import security_groups as sg

CLIENTS = "sg-0123456789abcdef0"
ALL_OUT = ({"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": [],
            "PrefixListIds": []},)


def group(ingress=(), egress=ALL_OUT, tags=None):
    return {"GroupId": "sg-0fedcba9876543210", "GroupName": "svc", "VpcId": "vpc-1", "Description": "d",
            "IpPermissions": list(ingress), "IpPermissionsEgress": list(egress),
            "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}


def desired(ports=(443,), cidrs=("10.30.0.0/24",), groups=(CLIENTS,)):
    return sg.desired_ingress("tcp", list(ports), [ipaddress.ip_network(c) for c in cidrs], list(groups))


def test_aws_permissions_flatten_to_one_rule_per_source_and_back():
    permissions = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.30.0.0/24"}],
                    "Ipv6Ranges": [{"CidrIpv6": "fd00::/64"}], "UserIdGroupPairs": [{"GroupId": CLIENTS}]},
                   {"IpProtocol": "udp", "FromPort": 1000, "ToPort": 2000, "PrefixListIds": [{"PrefixListId": "pl-1"}]}]
    rules = sg.rules_of(permissions)
    assert rules == {("tcp", 443, 443, "cidr", "10.30.0.0/24"), ("tcp", 443, 443, "cidr6", "fd00::/64"),
                     ("tcp", 443, 443, "group", CLIENTS), ("udp", 1000, 2000, "prefix_list", "pl-1")}
    assert sg.rules_of(sg.permissions_of(rules)) == rules
    assert {"protocol": "udp", "ports": "1000-2000", "prefix_list": "pl-1"} in sg.describe_rules(rules)


def test_all_traffic_carries_no_ports():
    assert sg.rules_of(ALL_OUT) == set(sg.ALL_EGRESS)
    assert sg.permissions_of(sg.ALL_EGRESS) == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    assert sg.describe_rules(sg.ALL_EGRESS) == [{"protocol": "all", "cidr": "0.0.0.0/0"}]


def test_new_group_without_egress_is_created_opened_and_has_the_default_egress_revoked():
    steps = sg.plan_group(None, desired(), set(), {"Name": "svc"}, True)
    assert steps == {"create": True, "authorize_ingress": desired(), "revoke_egress": set(sg.ALL_EGRESS)}


def test_group_as_wanted_needs_no_step():
    current = group(ingress=sg.permissions_of(desired()), tags={"Name": "svc"})
    assert sg.plan_group(current, desired(), set(sg.ALL_EGRESS), {"Name": "svc"}, True) == {}


def test_extra_rules_are_revoked_missing_ones_authorized_and_tags_reconciled():
    extra = ("tcp", 22, 22, "cidr", "0.0.0.0/0")
    current = group(ingress=sg.permissions_of(desired() | {extra}), egress=[], tags={"Name": "svc", "owner": "x"})
    steps = sg.plan_group(current, desired(ports=(443, 8443)), set(sg.ALL_EGRESS), {"Name": "svc"}, True)
    assert steps == {"untag": ["owner"], "revoke_ingress": {extra}, "authorize_egress": set(sg.ALL_EGRESS),
                     "authorize_ingress": desired(ports=(8443,))}


def test_tags_left_alone_when_not_given():
    current = group(ingress=sg.permissions_of(desired()), tags={"owner": "x"})
    assert sg.plan_group(current, desired(), set(sg.ALL_EGRESS), None, True) == {}


def test_check_mode_state_of_a_new_group():
    steps = sg.plan_group(None, desired(), set(), {"Name": "svc"}, True)
    state = sg.planned_state(None, steps, "svc", "vpc-1", "d", desired(), set(), {"Name": "svc"})
    assert state["group_id"] == "(known after apply)" and state["egress"] == [] and state["tags"] == {"Name": "svc"}
    assert {"protocol": "tcp", "ports": "443", "group": CLIENTS} in state["ingress"]
