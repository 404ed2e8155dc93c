"""Preflight's checks of a host's variables, before any call: types from the roles' argument
specs, formats, required and exclusive variables, misspelt names. (The look-ups and the
playbooks' use of it: tests/integration/test_preflight.py.)"""

import pytest

from ansible_collections.crossvpc.aws.plugins.action.preflight import role_specs
from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import PARTS, check_across, check_variables

SPECS = {}
for _role in PARTS[:-1]:  # the last, "connect", is connect.yml's own variables, not a role's
    SPECS.update(role_specs(_role))

CONSUMER = {"aws_account_id": "222222222222", "aws_region": "us-east-1", "aws_profile": "crossvpc-b",
            "privatelink_consumer_name": "demo", "privatelink_consumer_subnet_names": ["b-1", "b-2"],
            "privatelink_consumer_client_security_group_names": ["clients"]}


def problems_of(part, variables, state="present"):
    problems, _values = check_variables("host", [part], state, variables, SPECS)
    return problems


def test_a_good_host_has_no_problem():
    assert problems_of("privatelink_consumer", CONSUMER) == []


def test_values_of_yaml_and_extra_vars_are_converted_not_refused():
    problems, values = check_variables("host", ["privatelink_consumer"], "present", dict(
        CONSUMER, privatelink_consumer_wait_timeout="300", privatelink_consumer_private_dns_enabled="yes",
        aws_account_id=222222222222), SPECS)
    assert problems == []
    assert values["privatelink_consumer_wait_timeout"] == 300 and values["privatelink_consumer_private_dns_enabled"] is True
    assert values["aws_account_id"] == "222222222222"


def test_a_misspelt_variable_is_named_with_the_one_meant():
    problems = problems_of("privatelink_consumer", dict(CONSUMER, privatelink_consumer_subnet_name=["b-1"]))
    assert problems == ["privatelink_consumer_subnet_name=['b-1']: is not a variable of privatelink_consumer. "
                        "Did you mean privatelink_consumer_subnet_names? (As written it is ignored.)"]


def test_what_the_roles_set_themselves_is_not_a_misspelling():
    assert problems_of("vpc_peering", {"aws_region": "us-east-1", "vpc_peering_vpc_name": "c", "vpc_peering_connection": {}}) == []


def test_every_problem_of_a_host_is_reported_at_once():
    problems = problems_of("privatelink_consumer", dict(
        CONSUMER, privatelink_consumer_client_cidrs=["10.0.0.0/33"], privatelink_consumer_wait_timeout=-1,
        aws_account_id="1"))
    assert len(problems) == 3, problems


@pytest.mark.parametrize("part, drop, expected", [
    ("privatelink_consumer", "privatelink_consumer_subnet_names",
     "privatelink_consumer_subnet_ids or privatelink_consumer_subnet_names: not set."),
    ("privatelink_consumer", "privatelink_consumer_client_security_group_names", "Name the clients allowed to call the service"),
    ("privatelink_consumer", "aws_region", "aws_region: not set."),
])
def test_what_a_part_needs_must_be_set(part, drop, expected):
    problems = problems_of(part, {k: v for k, v in CONSUMER.items() if k != drop})
    assert [p for p in problems if expected in p], problems


def test_a_list_of_the_wrong_type_does_not_also_count_as_missing():
    problems = problems_of("privatelink_consumer", dict(CONSUMER, privatelink_consumer_subnet_names="b-1"))
    assert len(problems) == 1, problems


def test_a_teardown_needs_no_build_inputs_but_checks_what_is_given():
    assert problems_of("privatelink_consumer", {"aws_region": "us-east-1", "privatelink_consumer_name": "demo"}, "absent") == []
    assert problems_of("privatelink_consumer", {"aws_region": "us-east-1", "privatelink_consumer_subnet_names": "b-1"}, "absent")


# Every variable of every role's argument spec, with a bad value and what its message must say.
# Each part's good inputs come first; the case changes one variable.
GOOD = {
    "privatelink_provider": {"privatelink_provider_name": "demo", "privatelink_provider_port": 8443,
                             "privatelink_provider_subnet_names": ["a-1", "a-2"], "privatelink_provider_targets": ["10.0.1.10"]},
    "privatelink_consumer": {k: v for k, v in CONSUMER.items() if k.startswith("privatelink_")},
    "vpc_peering": {"vpc_peering_vpc_name": "crossvpc-lab-c"},
    "transit_gateway_hub": {},
    "transit_gateway_spoke": {"transit_gateway_spoke_vpcs": [{"vpc_name": "c", "subnet_names": ["c-1"], "name": "vpc-c"}]},
}
ALB = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/0123456789abcdef"
VARIABLES = [
    ("privatelink_provider_name", "x" * 33, "cannot name the Network Load Balancer and target group the role makes"),
    ("privatelink_provider_port", 70000, "privatelink_provider_port=70000: is not a TCP port."),
    ("privatelink_provider_consumer_accounts", ["*"], "privatelink_provider_consumer_accounts[0]='*': is not an AWS account id."),
    ("privatelink_provider_state", "gone", "privatelink_provider_state='gone': is not one of present, absent."),
    ("privatelink_provider_nlb_arn", ALB, "is an Application Load Balancer."),
    ("privatelink_provider_subnet_ids", ["vpc-0123456789abcdef0"], "privatelink_provider_subnet_ids[0]='vpc-0123456789abcdef0': is not a valid subnet id."),
    ("privatelink_provider_subnet_names", "a-1", "privatelink_provider_subnet_names='a-1': is not a list."),
    ("privatelink_provider_targets", ["10.0.1.300"], "privatelink_provider_targets[0]='10.0.1.300': is not an IP address."),
    ("privatelink_provider_acceptance_required", "maybe", "privatelink_provider_acceptance_required='maybe': is not true or false."),
    ("privatelink_provider_private_dns_name", "not a domain", "privatelink_provider_private_dns_name='not a domain'"),
    ("privatelink_provider_tags", {"": "x"}, "privatelink_provider_tags"),
    ("privatelink_provider_wait_timeout", 0, "privatelink_provider_wait_timeout=0: must be positive."),
    ("privatelink_provider_require_connection", "maybe", "privatelink_provider_require_connection='maybe': is not true or false."),
    ("privatelink_consumer_name", "x" * 250, "privatelink_consumer_name='xxx"),
    ("privatelink_consumer_service", {"service_name": "vpce-svc-0123456789abcdef0"},
     "privatelink_consumer_service.service_name='vpce-svc-0123456789abcdef0': is not an endpoint service name."),
    ("privatelink_consumer_state", "gone", "privatelink_consumer_state='gone': is not one of present, absent."),
    ("privatelink_consumer_vpc_id", "subnet-0123456789abcdef0", "privatelink_consumer_vpc_id='subnet-0123456789abcdef0': is not a valid vpc id."),
    ("privatelink_consumer_subnet_ids", ["sg-0123456789abcdef0"], "privatelink_consumer_subnet_ids[0]='sg-0123456789abcdef0': is not a valid subnet id."),
    ("privatelink_consumer_subnet_names", "b-1", "privatelink_consumer_subnet_names='b-1': is not a list."),
    ("privatelink_consumer_client_security_group_ids", ["clients"], "privatelink_consumer_client_security_group_ids[0]='clients': is not a valid sg id."),
    ("privatelink_consumer_client_security_group_names", [["clients"]], "privatelink_consumer_client_security_group_names[0]=['clients']: is not a string."),
    ("privatelink_consumer_client_cidrs", ["10.0.0.0/33"], "privatelink_consumer_client_cidrs[0]='10.0.0.0/33': is not a CIDR block."),
    ("privatelink_consumer_private_dns_enabled", "maybe", "privatelink_consumer_private_dns_enabled='maybe': is not true or false."),
    ("privatelink_consumer_tags", {"aws:owner": "me"}, "privatelink_consumer_tags"),
    ("privatelink_consumer_wait_for", "ready", "privatelink_consumer_wait_for='ready': is not one of pendingAcceptance, available, none."),
    ("privatelink_consumer_wait_timeout", "soon", "privatelink_consumer_wait_timeout='soon': is not a whole number."),
    ("vpc_peering_vpc_id", "vpc-123", "vpc_peering_vpc_id='vpc-123': is not a valid vpc id."),
    ("vpc_peering_vpc_name", ["crossvpc-lab-c"], "vpc_peering_vpc_name=['crossvpc-lab-c']: is not a string."),
    ("vpc_peering_state", "gone", "vpc_peering_state='gone': is not one of present, absent."),
    ("vpc_peering_peer", "vpc-0123456789abcdef0", "vpc_peering_peer='vpc-0123456789abcdef0': is not a mapping."),
    ("vpc_peering_name", "x" * 300, "vpc_peering_name='xxx"),
    ("vpc_peering_tags", {"k" * 129: "v"}, "vpc_peering_tags"),
    ("vpc_peering_wait_timeout", -1, "vpc_peering_wait_timeout=-1: must be positive."),
    ("vpc_peering_connection_id", "tgw-0123456789abcdef0", "vpc_peering_connection_id='tgw-0123456789abcdef0': is not a valid pcx id."),
    ("vpc_peering_allow_dns_resolution", "sometimes", "vpc_peering_allow_dns_resolution='sometimes': is not true or false."),
    ("vpc_peering_route_table_ids", ["rtb-1"], "vpc_peering_route_table_ids[0]='rtb-1': is not a valid rtb id."),
    ("vpc_peering_route_table_tags", "tier=private", "vpc_peering_route_table_tags='tier=private': is not a mapping."),
    ("vpc_peering_allowed_ports", [70000], "vpc_peering_allowed_ports[0]=70000: is not a TCP port."),
    ("vpc_peering_remove_connection", "perhaps", "vpc_peering_remove_connection='perhaps': is not true or false."),
    ("vpc_peering_check", {"subnet_name": "c-1", "address": "10.0.1.300", "port": 8443}, "vpc_peering_check.address='10.0.1.300': is not an IP address."),
    ("transit_gateway_hub_name", "x" * 257, "transit_gateway_hub_name='xxx"),
    ("transit_gateway_hub_asn", 100, "transit_gateway_hub_asn=100"),
    ("transit_gateway_hub_spoke_accounts", ["2222"], "transit_gateway_hub_spoke_accounts[0]='2222': is not an AWS account id."),
    ("transit_gateway_hub_tags", {"Name": "x" * 257}, "transit_gateway_hub_tags"),
    ("transit_gateway_hub_wait_timeout", 0, "transit_gateway_hub_wait_timeout=0: must be positive."),
    ("transit_gateway_hub_gateway", "tgw-0123456789abcdef0", "transit_gateway_hub_gateway='tgw-0123456789abcdef0': is not a mapping."),
    ("transit_gateway_hub_attachments", ["tgw-attach-0123456789abcdef0"],
     "transit_gateway_hub_attachments[0]='tgw-attach-0123456789abcdef0': is not a mapping."),
    ("transit_gateway_hub_route_tables", [{"associate": "*"}], "transit_gateway_hub_route_tables[0]={'associate': '*'}: has no name."),
    ("transit_gateway_spoke_gateway", "tgw-0123456789abcdef0", "transit_gateway_spoke_gateway='tgw-0123456789abcdef0': is not a mapping."),
    ("transit_gateway_spoke_vpcs", [{"vpc_name": "c", "subnet_names": "c-1"}], "transit_gateway_spoke_vpcs[0].subnet_names='c-1': is not a list."),
    ("transit_gateway_spoke_wait_timeout", 0, "transit_gateway_spoke_wait_timeout=0: must be positive."),
    ("transit_gateway_spoke_attachments", "tgw-attach-0123456789abcdef0", "transit_gateway_spoke_attachments='tgw-attach-0123456789abcdef0': is not a list."),
    ("transit_gateway_spoke_destinations", "10.0.0.0/8", "transit_gateway_spoke_destinations='10.0.0.0/8': is not a list."),
    ("transit_gateway_spoke_found", ["vpc-0123456789abcdef0"], "transit_gateway_spoke_found=['vpc-0123456789abcdef0']: is not a mapping."),
    # Read by the playbooks beside the roles.
    ("aws_region", ["us-east-1"], "aws_region=['us-east-1']: is not a string."),
    ("aws_profile", {"name": "a"}, "aws_profile={'name': 'a'}: is not a string."),
    ("aws_account_profiles", "crossvpc-a", "aws_account_profiles='crossvpc-a': is not a mapping."),
    ("transit_gateway_spoke_route_cidrs", ["10.0.0.0/33"], "transit_gateway_spoke_route_cidrs[0]='10.0.0.0/33': is not a CIDR block."),
    ("transit_gateway_check", {"subnet_name": "c-1", "address": "10.0.1.3", "port": 0}, "transit_gateway_check.port=0: is not a TCP port."),
    ("reachability_check", "often", "reachability_check='often': is not true or false."),
    ("connect_vpcs", [{"name": "b", "subnet_names": []}], "connect_vpcs[0].subnet_names=[]: is empty."),
]


def part_of(name):
    return next((p for p in PARTS if name.startswith(p + "_")), "transit_gateway_spoke")


GOOD["connect"] = {"connect_links": [{"client": "x", "server": "y", "ports": [443]}]}


def test_every_role_variable_has_a_case():
    assert sorted(SPECS) == sorted(n for n, _v, _e in VARIABLES if n in SPECS)
    assert len({n for n, _v, _e in VARIABLES}) == len(VARIABLES)


# A Name among a role's tags: the role sets it from its name variable, and its module refuses another only when
# it comes to it, after the play's earlier hosts have built (the tenth trial's p027, x001, x002).
NAME_TAGS = [("privatelink_provider_tags", "privatelink_provider_name"), ("privatelink_consumer_tags", "privatelink_consumer_name"),
             ("vpc_peering_tags", "vpc_peering_name"), ("transit_gateway_hub_tags", "transit_gateway_hub_name")]


def test_a_name_tag_among_a_spoke_vpcs_tags_is_refused():
    """The role tags each attachment Name=<its name>: another Name was dropped without a word (the tenth trial's z005)."""
    vpcs = [{"vpc_name": "c", "subnet_names": ["c-1"], "name": "vpc-c", "tags": {"Name": "other"}}]
    problems = problems_of("transit_gateway_spoke", dict(GOOD["transit_gateway_spoke"], aws_region="us-east-1", transit_gateway_spoke_vpcs=vpcs))
    assert ("transit_gateway_spoke_vpcs[0].tags['Name']='other': is the Name tag, which the role sets from transit_gateway_spoke_vpcs[0].name. "
            "Drop Name from transit_gateway_spoke_vpcs[0].tags") in " | ".join(problems), problems


@pytest.mark.parametrize("name, name_variable", NAME_TAGS)
def test_a_name_tag_among_a_roles_tags_is_refused(name, name_variable):
    part = part_of(name)
    problems = problems_of(part, dict(GOOD[part], **{"aws_region": "us-east-1", name: {"team": "a", "Name": "x"}}))
    assert f"{name}['Name']='x': is the Name tag, which the role sets from {name_variable}. Drop Name from {name}" in " | ".join(problems)


@pytest.mark.parametrize("name, value, expected", VARIABLES, ids=[n for n, _v, _e in VARIABLES])
def test_each_variable_is_checked_and_named_with_its_value(name, value, expected):
    part = part_of(name)
    problems = problems_of(part, dict(GOOD[part], **{"aws_region": "us-east-1", name: value}))
    assert [p for p in problems if expected in p], problems


@pytest.mark.parametrize("part, variables, expected", [
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_vpc_id": "vpc-0123456789abcdef0"},
     "vpc_peering_vpc_id and vpc_peering_vpc_name: both set"),
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_route_table_ids": ["rtb-0123456789abcdef0"],
                     "vpc_peering_route_table_tags": {"tier": "app"}},
     "vpc_peering_route_table_ids and vpc_peering_route_table_tags: both set (['rtb-0123456789abcdef0'], {'tier': 'app'}). Give one"),
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_check": {"address": "10.0.1.3", "port": 8443}},
     "has no subnet_name."),
    ("privatelink_provider", {"privatelink_provider_name": "demo", "privatelink_provider_port": 443},
     "privatelink_provider_nlb_arn or privatelink_provider_subnet_ids or privatelink_provider_subnet_names: not set."),
    ("privatelink_provider", {"privatelink_provider_name": "x" * 40, "privatelink_provider_port": 443,
                              "privatelink_provider_nlb_arn": ALB.replace("/app/", "/net/")}, None),
    ("transit_gateway_spoke", {"transit_gateway_spoke_vpcs": [{"vpc_name": "c"}]}, "needs exactly one of subnet_ids and subnet_names."),
    ("transit_gateway_spoke", {"transit_gateway_spoke_vpcs": [{"vpc_name": "c", "subnet_names": ["c-1"]}]},
     "transit_gateway_spoke_vpcs[0].name=None: is missing"),
    ("transit_gateway_spoke", {}, "transit_gateway_spoke_vpcs: not set."),
])
def test_rules_across_variables(part, variables, expected):
    problems = problems_of(part, dict(variables, aws_region="us-east-1"))
    if expected is None:
        assert problems == []
    else:
        assert [p for p in problems if expected in p], problems


def test_a_hub_route_table_names_attachments_the_spokes_give():
    tables = {"transit_gateway_hub_route_tables": [{"name": "t", "associate": ["vpc-a"], "propagate": ["vpc-a", "vpc-z"],
                                                    "routes": [{"destination_cidr": "0.0.0.0/0", "attachment_name": "egres"}]}],
              "aws_region": "us-east-1"}
    problems, _values = check_variables("hub", ["transit_gateway_hub"], "present", tables, SPECS, {"attachment_names": ["vpc-a", "vpc-c"]})
    assert problems == ["transit_gateway_hub_route_tables[0].propagate: 'vpc-z' is not the name of any spoke's attachment "
                        "(transit_gateway_spoke_vpcs[].name: vpc-a, vpc-c). Use one of them, or '*'.",
                        "transit_gateway_hub_route_tables[0].routes[0].attachment_name='egres': is not the name of any spoke's "
                        "attachment (transit_gateway_spoke_vpcs[].name: vpc-a, vpc-c). Use one of them."]


@pytest.mark.parametrize("part, key, expected", [
    ("privatelink_consumer", "service_region", "aws_region='eu-west-1': the provider's service is in us-east-1"),
    ("transit_gateway_spoke", "hub_region", "aws_region='eu-west-1': the hub's transit gateway is in us-east-1"),
])
def test_a_consumer_or_spoke_must_be_in_the_region_of_the_service_or_hub(part, key, expected):
    variables = dict(GOOD[part], aws_region="eu-west-1")
    problems, _values = check_variables("host", [part], "present", variables, SPECS, {key: "us-east-1"})
    assert [p for p in problems if p.startswith(expected)], problems
    assert check_variables("host", [part], "present", dict(variables, aws_region="us-east-1"), SPECS, {key: "us-east-1"})[0] == []


@pytest.mark.parametrize("part, variables, expected", [
    # Keys inside a mapping: a typo would be ignored and the run silently do less.
    ("transit_gateway_spoke", {"transit_gateway_spoke_vpcs": [{"vpc_name": "c", "subnet_names": ["c-1"], "appliance_mode": True}]},
     "transit_gateway_spoke_vpcs[0].appliance_mode=True: is not a key here. Did you mean appliance_mode_support?"),
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_check": {"subnet_name": "c-1", "address": "10.0.1.1", "port": 1,
                                                                        "security_group_name": ["x"]}},
     "vpc_peering_check.security_group_name=['x']: is not a key here. Did you mean security_group_names?"),
    # Read by transit_gateway.yml on every spoke: no role prefix covers its name.
    ("transit_gateway_spoke", dict(GOOD["transit_gateway_spoke"], transit_gateway_check={"subnet_name": "c-1", "address": "eks-pod", "port": 1}),
     "transit_gateway_check.address='eks-pod': is not an IP address."),
    ("transit_gateway_hub", {"transit_gateway_hub_name": ""}, "transit_gateway_hub_name='': is empty"),
    ("connect", {"connect_name": "bad name!"}, "connect_name='bad name!': cannot start the names connect.yml gives its load balancers"),
    ("connect", {"connect_name": "web-"}, "connect_name='web-': cannot start the names connect.yml gives"),
    ("connect", {"connect_name": "sg-web"}, "connect_name='sg-web': cannot start the names connect.yml gives its load balancers and security"),
    ("connect", {"connect_name": "x" * 24}, "up to 23 letters"),
])
def test_keys_names_and_playbook_variables(part, variables, expected):
    problems = problems_of(part, dict(variables, aws_region="us-east-1"))
    assert [p for p in problems if expected in p], problems


def test_a_list_names_what_it_lists_twice():
    problems = problems_of("privatelink_provider", dict(GOOD["privatelink_provider"], aws_region="us-east-1",
                                                        privatelink_provider_subnet_names=["a-1", "a-1"]))
    assert problems == ["privatelink_provider_subnet_names=['a-1', 'a-1']: lists a-1 twice. Keep one of each."]


def test_a_spoke_vpc_attached_twice_or_an_attachment_name_used_twice_is_refused():
    mine = {"aws_region": "us-east-1", "aws_account_id": "222222222222",
            "transit_gateway_spoke_vpcs": [{"vpc_name": "c", "subnet_names": ["c-1"], "name": "vpc-c"}]}
    twice = dict(mine, transit_gateway_spoke_vpcs=mine["transit_gateway_spoke_vpcs"] * 2)
    assert [p for p in problems_of("transit_gateway_spoke", twice) if "lists vpc_name c twice." in p]
    context = {"spoke_vpcs": {"me": mine["transit_gateway_spoke_vpcs"], "other": [{"vpc_name": "c", "name": "vpc-x"}],
                              "third": [{"vpc_name": "d", "name": "vpc-c"}]},
               "accounts": {"me": "222222222222", "other": "222222222222", "third": "333333333333"}}
    problems, _values = check_variables("me", ["transit_gateway_spoke"], "present", mine, SPECS, context)
    assert problems == [
        "transit_gateway_spoke_vpcs[0]: host other attaches c of account 222222222222 too. List each VPC once, on one host.",
        "transit_gateway_spoke_vpcs[0].name='vpc-c': host third names an attachment so too. Give each attachment a name of its own."]


def found(vpc_id, named, *cidrs):
    return {"vpc_id": vpc_id, "account": "111111111111", "named": named, "cidrs": list(cidrs)}


def test_across_hosts_a_peering_of_a_vpc_with_itself_or_overlapping_ranges_is_refused():
    a = found("vpc-a", "vpc_peering_vpc_name='a'", "10.0.0.0/16")
    pairs = {"peering_pairs": [["r", "x"]]}
    assert check_across({"r": {"peering_vpc": a}, "x": {"peering_vpc": dict(a, named="vpc_peering_vpc_id='vpc-a'")}}, pairs) == [
        "host r's vpc_peering_vpc_name='a' and host x's vpc_peering_vpc_id='vpc-a': both are vpc-a, and a VPC cannot peer with itself. "
        "Name the other end's VPC."]
    nested = found("vpc-b", "vpc_peering_vpc_name='b'", "10.1.0.0/16", "10.0.128.0/17")
    [problem] = check_across({"r": {"peering_vpc": a}, "x": {"peering_vpc": nested}}, pairs)
    assert "have overlapping CIDRs (10.0.0.0/16 overlaps 10.0.128.0/17), and peering routes by CIDR." in problem
    assert check_across({"r": {"peering_vpc": a}, "x": {"peering_vpc": found("vpc-c", "c", "10.1.0.0/16")}}, pairs) == []


def test_across_hosts_spokes_with_overlapping_ranges_are_refused():
    spokes = {"h1": {"spoke_vpcs": [found("vpc-a", "s[0] (a)", "10.0.0.0/16"), found("vpc-c", "s[1] (c)", "10.1.0.0/16")]},
              "h2": {"spoke_vpcs": [found("vpc-b", "s[0] (b)", "10.0.0.0/16")]}}
    assert check_across(spokes, {}) == [
        "host h1's s[0] (a) and host h2's s[0] (b): 10.0.0.0/16 overlaps 10.0.0.0/16, and a transit gateway route table sends a range "
        "to one attachment. Leave one of them out, and connect it with playbooks/privatelink.yml."]


def test_a_teardown_that_stopped_halfway_is_not_taken_for_a_misspelt_endpoint_name():
    """Two consumer hosts of one account and service: the first's endpoint already gone, the second's
    left. Its endpoint is the second host's own, not one the first host's name missed."""
    endpoints = [{"id": "vpce-2", "name": "b2", "service_name": "svc"}]
    found = {"provider": {"service_name": "svc", "services": {"svc": "s"}, "service_named": "privatelink_provider_name='s'"},
             "b1": {"endpoints": endpoints, "endpoint_named": "privatelink_consumer_name='b1'", "endpoint_name": "b1"},
             "b2": {"endpoints": endpoints, "endpoint_named": None, "endpoint_name": "b2"}}
    assert check_across(found, {}) == []
    del found["b2"]
    assert ["host b1's privatelink_consumer_name='b1': no endpoint has this name, but vpce-2 (b2)" in p for p in check_across(found, {})] == [True]


def test_a_host_without_aws_account_id_is_named_when_a_shared_variable_needs_it():
    from ansible_collections.crossvpc.aws.plugins.action.preflight import missing_account_ids

    task_vars = {"groups": {"all": ["account_a", "account_b"]}, "hostvars": {"account_a": {"aws_account_id": "1"}, "account_b": {}}}
    assert missing_account_ids(task_vars, "'dict object' has no attribute 'aws_account_id'") == ["account_b"]
    assert missing_account_ids(task_vars, "something else") == []


def test_an_nlb_target_must_be_a_private_address():
    problems = problems_of("privatelink_provider", dict(GOOD["privatelink_provider"], privatelink_provider_targets=["203.0.113.10"],
                                                        aws_region="us-east-1"))
    assert problems == ["privatelink_provider_targets[0]='203.0.113.10': is a public address, and a Network Load Balancer's IP targets "
                        "are private (RFC 1918 or 100.64.0.0/10). Give the workload's private address."]


def test_a_spoke_that_lists_no_vpc_in_a_teardown_is_refused():
    """Its attachments would stay, and the hub's removal would fail after the hub's own parts were gone."""
    problems, _values = check_variables("spoke", ["transit_gateway_spoke"], "absent", {"transit_gateway_spoke_vpcs": [], "aws_region": "us-east-1"},
                                        SPECS)
    assert [p for p in problems if p.startswith("transit_gateway_spoke_vpcs=[]: lists no VPC")], problems


def test_route_entries_must_be_mappings():
    problems = problems_of("transit_gateway_hub", {"transit_gateway_hub_route_tables": [{"name": "t", "routes": ["10.9.0.0/16"]}],
                                                   "aws_region": "us-east-1"})
    assert [p for p in problems if p.startswith("transit_gateway_hub_route_tables[0].routes[0]='10.9.0.0/16': is not a mapping.")], problems


def test_a_misspelt_key_of_a_hub_route_table_or_route_is_refused_not_ignored():
    """Ignored, propagates: would leave the table without propagations, found only when nothing routes."""
    def problems_of_table(table):
        return problems_of("transit_gateway_hub", {"transit_gateway_hub_route_tables": [table], "aws_region": "us-east-1"})

    problems = problems_of_table({"name": "t", "associate": "*", "propagates": "*"})
    assert [p for p in problems if p.startswith("transit_gateway_hub_route_tables[0].propagates='*': is not a key here. Did you mean "
                                                "propagate? Use name, associate, propagate, routes.")], problems
    problems = problems_of_table({"name": "u", "routes": [{"destination_cidr": "10.9.0.0/16", "attachment_nam": "egress"}]})
    assert [p for p in problems if p.startswith("transit_gateway_hub_route_tables[0].routes[0].attachment_nam='egress': is not a key "
                                                "here. Did you mean attachment_name?")], problems
    assert problems_of_table({"name": "v", "associate": "*", "propagate": "*", "routes": [
        {"destination_cidr": "10.9.0.0/16", "blackhole": True}, {"destination_cidr": "10.8.0.0/16", "attachment_name": "egress"}]}) == []


def test_a_provider_without_targets_is_refused_unless_it_brings_its_nlb():
    assert [p for p in problems_of("privatelink_provider", dict(GOOD["privatelink_provider"], privatelink_provider_targets=[]))
            if p.startswith("privatelink_provider_targets=[]: lists no target, so the load balancer the role makes would forward to nothing.")]
    assert not [p for p in problems_of("privatelink_provider", dict(GOOD["privatelink_provider"], privatelink_provider_targets=[],
                                                                    privatelink_provider_nlb_arn=ALB.replace("app/web", "net/web")))
                if "privatelink_provider_targets" in p]


@pytest.mark.parametrize("name, value, expected", [
    ("privatelink_consumer_name", "sg-demo", "privatelink_consumer_name='sg-demo': is not a valid security group name (the role's group "
     "is named sg-demo-endpoint). Use 1 to 246 characters that do not start with sg-."),
    ("privatelink_consumer_name", "d\u00e9mo", "privatelink_consumer_name='d\u00e9mo': has characters AWS does not allow in a security group "
     "name (the role's group is named d\u00e9mo-endpoint): '\u00e9'. Use only letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*."),
    ("vpc_peering_name", "sg-peer", "vpc_peering_name='sg-peer': is not a valid security group name (the role's group is named "
     "sg-peer-from-peer)."),
    ("vpc_peering_name", "peer\u00e9", "vpc_peering_name='peer\u00e9': has characters AWS does not allow in a security group name"),
])
def test_a_name_that_names_a_roles_security_group_follows_aws_group_names(name, value, expected):
    """The eleventh trial: refused only by the security_group module, after the peering or the provider's service was made."""
    part = "vpc_peering" if name.startswith("vpc_peering") else "privatelink_consumer"
    assert [p for p in problems_of(part, dict(GOOD[part], **{name: value})) if p.startswith(expected)]


def test_a_roles_security_group_description_must_fit_what_aws_allows():
    [problem] = problems_of("privatelink_consumer", dict(GOOD["privatelink_consumer"], aws_region="us-east-1", privatelink_consumer_name="x" * 201))
    assert problem == (f"privatelink_consumer_name='{'x' * 201}': is 201 characters; AWS allows at most 200 in the description of the "
                       "role's security group, with the service's port. Shorten it.")
    [problem] = problems_of("vpc_peering", dict(GOOD["vpc_peering"], aws_region="us-east-1", vpc_peering_name="p" * 220))
    assert problem == (f"vpc_peering_name='{'p' * 220}': is 220 characters; AWS allows at most 219 in the description of the role's "
                       "security group. Shorten it.")
    # The ports are not in the description (AWS cannot change one, and the ports may change): any number of them fits.
    assert problems_of("vpc_peering", dict(GOOD["vpc_peering"], aws_region="us-east-1", vpc_peering_allowed_ports=list(range(1000, 1060)))) == []


def test_a_provider_name_whose_target_group_aws_refuses_is_refused():
    """The eleventh trial's pl83: the load balancer was made, then AWS refused the target group crossvpc--demo-tg."""
    [problem] = problems_of("privatelink_provider", dict(GOOD["privatelink_provider"], aws_region="us-east-1",
                                                         privatelink_provider_name="crossvpc--demo"))
    assert problem.startswith("privatelink_provider_name='crossvpc--demo': cannot name the Network Load Balancer and target group")


def test_a_provider_that_brings_its_nlb_gives_nothing_to_make_one_from():
    nlb = ALB.replace("app/web", "net/web")
    problems = problems_of("privatelink_provider", dict(GOOD["privatelink_provider"], aws_region="us-east-1", privatelink_provider_nlb_arn=nlb))
    assert [p.split(": both set")[0] for p in problems] == [
        "privatelink_provider_nlb_arn and privatelink_provider_subnet_names", "privatelink_provider_nlb_arn and privatelink_provider_targets"]
    assert problems[0].endswith("the role makes none: leave privatelink_provider_subnet_names out, or privatelink_provider_nlb_arn "
                                "for the role to make one.")
    assert problems_of("privatelink_provider", {"aws_region": "us-east-1", "privatelink_provider_name": "demo",
                                                "privatelink_provider_port": 8443, "privatelink_provider_nlb_arn": nlb}) == []


def test_across_hosts_a_peering_whose_ends_give_two_names_is_refused():
    ends = {"a": {"peering_vpc": found("vpc-a", "vpc_peering_vpc_name='a'", "10.0.0.0/16"), "peering_name": "one"},
            "c": {"peering_vpc": found("vpc-c", "vpc_peering_vpc_name='c'", "10.1.0.0/16"), "peering_name": "other"}}
    assert check_across(ends, {"peering_pairs": [["a", "c"]]}) == [
        "host a's vpc_peering_name='one' and host c's vpc_peering_name='other': the two ends of one peering find its connection "
        "and security groups by one name. Give both the same."]


def test_across_hosts_ends_swapped_on_a_built_peering_are_refused():
    built = {"id": "pcx-1", "name": "one", "vpcs": ["vpc-a", "vpc-c"]}
    ends = {"a": {"peering_vpc": found("vpc-a", "vpc_peering_vpc_name='a'", "10.0.0.0/16"), "peering_name": "one", "peerings_now": []},
            "c": {"peering_vpc": found("vpc-c", "vpc_peering_vpc_name='c'", "10.1.0.0/16"), "peering_name": "one", "peerings_now": [built]}}
    assert check_across(ends, {"peering_pairs": [["a", "c"]]}) == [
        "host a (a requester) and host c (its accepter): the peering between them named 'one', pcx-1, was requested by host c's VPC, "
        "vpc-c, and a requester cannot accept it. Put host c back among the requesters and host a among the accepters, or remove the "
        "peering first (playbooks/peering_teardown.yml) to build it the other way."]
    assert check_across(ends, {"peering_pairs": [["c", "a"]]}) == []


def test_connect_refuses_to_plan_when_the_inventory_plugin_left_an_account_out():
    left_out = ["accounts[1] (profile crossvpc-b): The config profile (crossvpc-b) could not be found"]
    problems, _values = check_variables("h", ["connect"], "present", dict(GOOD["connect"], aws_region="us-east-1", aws_accounts_left_out=left_out), SPECS)
    assert problems == [f"aws_accounts_left_out={left_out!r}: the inventory plugin crossvpc.aws.vpcs could not read these accounts, and "
                        "connect.yml plans every account's VPCs together, so its plan would miss theirs. Fix their profiles (or take them "
                        "out of the plugin's accounts) and run again."]
    assert check_variables("h", ["connect"], "present", dict(GOOD["connect"], aws_region="us-east-1", aws_accounts_left_out=[]), SPECS)[0] == []
    unnamed = ["VPC vpc-0123456789abcdef0"]
    assert check_variables("h", ["connect"], "present", dict(GOOD["connect"], aws_region="us-east-1", connect_unnamed=unnamed), SPECS)[0] == [
        f"connect_unnamed={unnamed!r}: tagged crossvpc:connect, these have no Name tag, and connect.yml finds VPCs and subnets by Name, "
        "so the plan would leave them out. Give each a Name tag (or take crossvpc:connect off it) and run again."]


def test_a_problem_of_an_entry_the_inventory_plugin_made_names_the_tag_to_fix():
    """The eleventh trial's iv21: the message named connect_vpcs, which the user never wrote (the plugin made it from tags)."""
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import tagged_sources

    entries = [{"name": "a", "subnet_names": ["a-1"]}, {"name": "b", "subnet_names": ["b-1"], "from_tags_of": "vpc-b"}]
    problems = ["connect_vpcs[1].service_targets[1]='10.0.2.999': is not an IP address. Give an IPv4 or IPv6 address.",
                "connect_vpcs[0].subnet_names[0]='a-9': no subnet has this Name tag.", "aws_region: not set."]
    assert tagged_sources(problems, entries) == [
        problems[0] + " (The inventory plugin crossvpc.aws.vpcs read connect_vpcs[1] from VPC vpc-b: fix its tag crossvpc:service-targets.)",
        problems[1], problems[2]]


def test_a_link_to_a_vpc_without_service_targets_is_refused():
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_links

    hosts = {"h1": {"connect_vpcs": [{"name": "x"}, {"name": "y"}], "connect_servers": ["y"], "connect_links": [
        {"client": "x", "server": "y", "ports": [1]}, {"client": "y", "server": "x", "ports": [1]}]}}
    assert check_links(hosts) == ["connect_links[1].server='x': its connect_vpcs entry (host h1's connect_vpcs[0]) has no service_targets, "
                                  "the addresses connect.yml sends the link's traffic to. Give them."]


def test_across_hosts_a_peering_check_must_call_the_far_end():
    ends = {"a": {"peering_vpc": found("vpc-a", "vpc_peering_vpc_name='a'", "10.0.0.0/16"), "peering_check": "10.1.2.10"},
            "c": {"peering_vpc": found("vpc-c", "vpc_peering_vpc_name='c'", "10.1.0.0/16"), "peering_check": "10.1.2.10"}}
    assert check_across(ends, {"peering_pairs": [["a", "c"]]}) == [
        "host c's vpc_peering_check.address='10.1.2.10': is not in host a's VPC (vpc_peering_vpc_name='a': 10.0.0.0/16), the far end "
        "the check must reach over the peering (it is in this host's own VPC). Give an address in it."]


def test_a_peering_teardown_whose_vpcs_are_not_the_named_connections_is_refused():
    """The connection is found by its two VPCs: named by another VPC, the teardown would remove only the security groups."""
    named = [{"id": "pcx-1", "vpcs": ["vpc-a", "vpc-c"]}]
    ends = {"a": {"peering_vpc": found("vpc-a", "vpc_peering_vpc_name='a'", "10.0.0.0/16"), "peering_name": "p", "peerings": [],
                  "named_peerings": named},
            "b": {"peering_vpc": found("vpc-b", "vpc_peering_vpc_name='b'", "10.0.0.0/16"), "peering_name": "p"}}
    assert check_across(ends, {"peering_pairs": [["a", "b"]]}) == [
        "host a's vpc_peering_vpc_name='a' and host b's vpc_peering_vpc_name='b': the peering named 'p' is pcx-1, between vpc-a and "
        "vpc-c, so with these VPCs the teardown would find no connection and remove only their security groups. Name the VPCs it joins."]
    ends["b"]["peering_vpc"] = found("vpc-c", "vpc_peering_vpc_name='c'", "10.1.0.0/16")
    ends["a"]["peerings"] = [{"id": "pcx-1", "name": "p", "vpcs": ["vpc-a", "vpc-c"]}]
    assert check_across(ends, {"peering_pairs": [["a", "b"]]}) == []


def test_a_hub_teardown_with_an_attachment_no_spoke_host_removes_is_refused():
    """It would remove the other attachments, the route tables and the share, then stop at the hub."""
    hub = {"account": "111111111111", "hub_named": "transit_gateway_hub_name='h' (tgw-1)", "hub_attachments": [
        {"id": "tgw-attach-a", "type": "vpc", "vpc": "vpc-a", "account": "111111111111"},
        {"id": "tgw-attach-c", "type": "vpc", "vpc": "vpc-c", "account": "222222222222"}]}
    spokes = {"hub": dict(hub, spoke_vpc_ids=["vpc-a"]), "b": {"account": "222222222222", "spoke_vpc_ids": ["vpc-b"]}}
    assert check_across(spokes, {}) == [
        "host hub's transit_gateway_hub_name='h' (tgw-1): its attachment tgw-attach-c (vpc vpc-c of account 222222222222) is in no spoke "
        "host's transit_gateway_spoke_vpcs, so the teardown would remove the other attachments, the route tables and the share, then "
        "stop at the hub. List that VPC in the transit_gateway_spoke_vpcs of b."]
    # The VPC written in its place, never attached to the hub, is named (the seventeenth trial's TGT03).
    spokes["b"] = {"account": "222222222222", "spoke_vpcs": [{"vpc_id": "vpc-b", "named": "transit_gateway_spoke_vpcs[0] (lab-b)"}]}
    assert check_across(spokes, {})[0].endswith(
        "List that VPC in the transit_gateway_spoke_vpcs of b (host b's transit_gateway_spoke_vpcs[0] (lab-b), vpc-b has no attachment "
        "to this hub: is that the entry meant for it?).")
    del spokes["b"]
    assert check_across(spokes, {})[0].endswith("Add a spoke host of account 222222222222, listing that VPC.")
    spokes["c"] = {"account": "222222222222", "spoke_vpc_ids": ["vpc-c"]}
    assert check_across(spokes, {}) == []


INVENTORY_PARTS = {"privatelink_provider": ["provider"], "privatelink_consumer": ["consumer"], "vpc_peering": ["requester", "accepter"],
                   "transit_gateway_hub": ["hub"], "transit_gateway_spoke": ["spoke"]}


def test_connect_on_an_inventory_without_hosts_points_at_the_plugins_warning():
    """The thirteenth trial's IV16: a plugin file Ansible failed to parse left no host, and the run failed on an undefined variable."""
    from ansible_collections.crossvpc.aws.plugins.action.preflight import inventory_problems, part_groups

    # As connect_plan.yml's task gives it (the fourteenth trial's I22 found the part dropped on the way).
    [problem] = inventory_problems(part_groups({"parts": {"connect": ["all"]}}), {"all": [], "ungrouped": []}, {})
    assert problem.startswith("the inventory has no hosts, so connect.yml has no VPC to plan. If it is a crossvpc.aws.vpcs plugin file")


def test_a_misspelt_group_is_refused_naming_the_group_and_the_host_it_leaves_out():
    from ansible_collections.crossvpc.aws.plugins.action.preflight import inventory_problems

    hostvars = {"a": {"privatelink_provider_name": "s", "region": "r"},
                "b": {"privatelink_consumer_name": "e", "privatelink_provider_host": "a", "region": "r"}}
    groups = {"all": ["a", "b"], "provider": ["a"], "consumers": ["b"]}
    assert inventory_problems({p: INVENTORY_PARTS[p] for p in ("privatelink_provider", "privatelink_consumer")}, groups, hostvars) == [
        "group 'consumer' has no hosts, and the privatelink_consumer hosts are needed with the others of this playbook. Did you mean "
        "consumers? Put them in consumer, or pass consumer_group=<their group>. If you took out its last host to stop serving that "
        "account, give the privatelink_provider host privatelink_provider_consumer_accounts (the other accounts it serves), or tear it "
        "down with the playbook's teardown.",
        "host b sets privatelink_consumer_name and is in group 'consumers', not 'consumer', which plays privatelink_consumer. Put it "
        "in consumer, or pass consumer_group=consumers."]
    # A host in a group of another name that still sets the role's variables: they would be ignored.
    privatelink = {p: INVENTORY_PARTS[p] for p in ("privatelink_provider", "privatelink_consumer")}
    groups["paused"] = ["b"]
    del groups["consumers"]
    assert inventory_problems(privatelink, groups, hostvars) == [
        "group 'consumer' has no hosts, and the privatelink_consumer hosts are needed with the others of this playbook. Put them in "
        "consumer, or pass consumer_group=<their group>. If you took out its last host to stop serving that account, give the "
        "privatelink_provider host privatelink_provider_consumer_accounts (the other accounts it serves), or tear it down with the "
        "playbook's teardown.",
        "host b sets privatelink_consumer_name, but is in no group that plays privatelink_consumer (consumer), so they would be "
        "ignored. Put it in consumer, or take those variables off it (a host left out of this run on purpose)."]
    # The last managed consumer revoked: its variables off, the provider listing the accounts it serves (none, or others).
    revoked = dict(hostvars, a=dict(hostvars["a"], privatelink_provider_consumer_accounts=[]), b={"region": "r"})
    assert inventory_problems(privatelink, groups, revoked) == []
    groups["consumers"] = groups.pop("paused")
    # Right: the consumer's privatelink_provider_host is a pairing, and a value every host shares is a setting (group_vars/all).
    groups["consumer"] = groups.pop("consumers")
    for host in hostvars.values():
        host["transit_gateway_hub_name"] = "shared"
    assert inventory_problems(INVENTORY_PARTS, groups, hostvars) == []
    # A family none of whose groups has hosts is another playbook's; none at all is refused.
    assert inventory_problems({"vpc_peering": ["requester", "accepter"]}, groups, hostvars) == [
        "none of the groups requester, accepter has a host. Inventory groups with hosts: consumer, provider. Put the hosts in those "
        "groups, or name yours with requester_group, accepter_group."]


def test_connect_links_need_ports_and_expected_counts_name_connect_expected_vpcs():
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_links

    host = {"account": "111111111111", "connect_vpcs": [{"name": "x"}, {"name": "y", "group": "g"}], "connect_servers": ["y"],
            "connect_links": [{"client": "x", "server": "y", "ports": []}]}
    assert check_links({"h1": host}) == ["connect_links[0]={'client': 'x', 'server': 'y', 'ports': []}: gives no ports. connect.yml opens "
                                         "and checks each link on its ports: give them, for example ports: [443]."]
    [problem] = check_links({"h1": dict(host, connect_links=[{"client": "x", "server": "y", "ports": [443]}],
                                        connect_options={"expected_vpcs": {"gg": 5}})})
    assert problem.startswith("connect_expected_vpcs={'gg': 5}: names 'gg', which is neither a VPC's group nor its account. Key the "
                              "expected counts by group or account (111111111111, g)."), problem


def test_connect_without_links_is_refused_naming_them():
    """The twelfth trial's I10: Ansible's "'connect_links' is undefined" came from the plan's first task."""
    assert problems_of("connect", {"aws_region": "us-east-1"}) == [
        "connect_links: not set. List the links to connect: connect_links: [{client: <VPC name>, server: <VPC name>, ports: [443]}], "
        "in the inventory's group vars or with -e."]
    # Given as a mapping, it is refused as that alone (the sixteenth trial's CN24 was also told it was not set).
    [problem] = problems_of("connect", {"aws_region": "us-east-1", "connect_links": {"client": "b", "server": "a", "ports": [8443]}})
    assert problem.startswith("connect_links={'client': 'b', 'server': 'a', 'ports': [8443]}: is not a list."), problem


def test_a_connect_vpc_key_that_is_not_one_is_refused():
    problems = problems_of("connect", dict(GOOD["connect"], aws_region="us-east-1", connect_vpcs=[{"name": "x", "subnet_names": ["s"], "gruop": "g"}]))
    assert problems == ["connect_vpcs[0].gruop='g': is not a key here. Did you mean group? Use name, subnet_names, "
                        "client_security_group_names, service_targets, group."], problems


def test_across_hosts_transit_gateway_checks_routes_and_service_names():
    spokes = {"a": {"spoke_vpcs": [dict(found("vpc-a", "s[0] (a)", "10.0.0.0/16"), attachment="a")], "tgw_check": "10.9.0.10",
                    "hub_routes": [("transit_gateway_hub_route_tables[0].routes[0].destination_cidr", "10.1.5.0/24", "a")]},
              "b": {"spoke_vpcs": [dict(found("vpc-b", "s[0] (b)", "10.1.0.0/16"), attachment="b")]}}
    assert check_across(spokes, {}) == [
        "host a's transit_gateway_check.address='10.9.0.10': is in no spoke's VPC (s[0] (a) 10.0.0.0/16, s[0] (b) 10.1.0.0/16), so the "
        "check would not reach it through the transit gateway. Give an address of another spoke's VPC.",
        "host a's transit_gateway_hub_route_tables[0].routes[0].destination_cidr='10.1.5.0/24': overlaps host b's s[0] (b) "
        "(10.1.5.0/24 overlaps 10.1.0.0/16), whose VPC routes that range to the transit gateway (to the attachment a), and AWS refuses "
        "a route inside a VPC's own range. Route a range outside the spokes' VPCs."]
    providers = {"p1": {"account": "1", "provider_name": "svc"}, "p2": {"account": "1", "provider_name": "svc"},
                 "p3": {"account": "2", "provider_name": "svc"}}
    assert check_across(providers, {}) == [
        "host p1's and host p2's privatelink_provider_name='svc': both in account 1, and a provider finds its service, load balancer and "
        "target group by that name. Give each a name of its own."]


def test_across_hosts_a_hub_blackhole_on_the_checks_way_out_or_back_is_refused():
    """The tenth trial's v003: a blackhole for the checking spoke's own range, in the table of the spoke it calls."""
    def hosts(blackhole, associate=("a", "c")):
        return {"hub": {"hub_blackholes": [("transit_gateway_hub_route_tables[0].routes[0]", blackhole, "rt1", list(associate))]},
                "spoke": {"spoke_vpcs": [dict(found("vpc-a", "s[0] (a)", "10.0.0.0/16"), attachment="a"),
                                         dict(found("vpc-c", "s[1] (c)", "10.1.0.0/16"), attachment="c")],
                          "tgw_check": "10.0.1.10", "tgw_check_from": "c", "tgw_check_subnet": "10.1.1.0/24"}}
    assert check_across(hosts("10.1.0.0/16"), {}) == [
        "host hub's transit_gateway_hub_route_tables[0].routes[0] (blackhole 10.1.0.0/16) in table 'rt1', which associates a: drops "
        "the way back (to 10.1.1.0/24) of host spoke's transit_gateway_check (it is at least as specific as the route s[1] (c) "
        "propagates for 10.1.0.0/16), so the check could not pass. Take the blackhole out, or check between other spokes."]
    [out] = check_across(hosts("10.0.1.0/24"), {})
    assert "which associates c: drops the way out (to 10.0.1.10) of host spoke's" in out
    # Less specific than the spoke's own range, elsewhere in it, or in a table no end of the check uses: the check passes.
    assert check_across(hosts("10.0.0.0/8"), {}) == check_across(hosts("10.1.9.0/24"), {}) == []
    assert check_across(hosts("10.1.0.0/16", associate=["c"]), {}) == []


def test_every_host_pairs_with_a_host_of_the_other_group():
    from ansible_collections.crossvpc.aws.plugins.action.preflight import pairing_problems

    groups = {"all": ["a", "b", "c"], "provider": ["a", "c"], "consumer": ["b"], "requester": ["a", "c"], "accepter": ["b"],
              "hub": ["a"], "spoke": ["a", "b"]}
    hostvars = {"a": {}, "b": {"privatelink_provider_host": "acount_a", "transit_gateway_hub_host": "b"}, "c": {"vpc_peering_peer_host": "b"}}
    assert pairing_problems(INVENTORY_PARTS, groups, hostvars, "present") == [
        "host b's privatelink_provider_host='acount_a': is no host of the inventory, not a host of group provider (a, c). Name the host "
        "at the other end of its link.",
        "host a: no host of group consumer names it (privatelink_provider_host), so it would be built for nobody. Set "
        "privatelink_provider_host=a on the hosts that use it, list the accounts in privatelink_provider_consumer_accounts, or take it "
        "out of its group.",
        "host c: no host of group consumer names it (privatelink_provider_host), so it would be built for nobody. Set "
        "privatelink_provider_host=c on the hosts that use it, list the accounts in privatelink_provider_consumer_accounts, or take it "
        "out of its group.",
        "host b's transit_gateway_hub_host='b': is this host itself, not a host of group hub (a). Name the host at the other end of its link.",
        "host c asks host b to peer, but b's vpc_peering_peer_host is 'a', so the request would never be accepted. One accepter host per "
        "peering: give c an accepter host of its own."]
    # A teardown removes a provider nobody calls any more; the names must still pair.
    assert len(pairing_problems(INVENTORY_PARTS, groups, hostvars, "absent")) == 3


@pytest.mark.parametrize("part, name, meant", [
    ("vpc_peering", "vpc_peering_ports", "vpc_peering_allowed_ports"),
    ("vpc_peering", "vpc_peering_dns_resolution", "vpc_peering_allow_dns_resolution"),
    ("transit_gateway_hub", "transit_gateway_hub_amazon_side_asn", "transit_gateway_hub_asn"),
    ("privatelink_consumer", "privatelink_consumer_private_dns", "privatelink_consumer_private_dns_enabled"),
    ("privatelink_provider", "privatelink_provider_consumers", "privatelink_provider_consumer_accounts"),
    ("privatelink_provider", "privatelink_provider_dns_name", "privatelink_provider_private_dns_name"),
])
def test_a_variable_with_a_roles_prefix_that_the_role_does_not_have_is_refused_naming_the_one_meant(part, name, meant):
    problems = problems_of(part, dict(GOOD[part], aws_region="us-east-1", **{name: "x"}))
    assert ["%s='x': is not a variable of %s. Did you mean %s? (As written it is ignored.)" % (name, part, meant) in p
            for p in problems] == [True], problems


def test_a_vpc_variable_of_the_provider_which_has_none_points_to_its_subnets():
    """The fifteenth trial's D003: privatelink_provider_vpc_id was met with a did-you-mean of an unrelated variable."""
    problems = problems_of("privatelink_provider", dict(GOOD["privatelink_provider"], aws_region="us-east-1", privatelink_provider_vpc_id="x"))
    assert problems == ["privatelink_provider_vpc_id='x': is not a variable of privatelink_provider. Its VPC is the one of its subnets: give "
                        "privatelink_provider_subnet_ids or privatelink_provider_subnet_names. (As written it is ignored.)"]


def test_an_attachment_associated_with_two_hub_route_tables_is_refused():
    problems, _values = check_variables("hub", ["transit_gateway_hub"], "present", dict(
        GOOD["transit_gateway_hub"], aws_region="us-east-1", transit_gateway_hub_route_tables=[
            {"name": "t1", "associate": "*"}, {"name": "t2", "associate": ["vpc-a"]}]), SPECS, {"attachment_names": ["vpc-a", "vpc-c"]})
    assert problems == ["transit_gateway_hub_route_tables[1].associate=['vpc-a']: associates 'vpc-a', as transit_gateway_hub_route_tables[0]."
                        "associate does. An attachment is associated with one route table (it may propagate into several): keep it in one."]


def test_private_dns_on_a_consumer_needs_a_service_with_a_private_dns_name():
    consumer = dict(CONSUMER, aws_region="us-east-1", privatelink_consumer_private_dns_enabled=True)
    problems, _values = check_variables("b", ["privatelink_consumer"], "present", consumer, SPECS, {"service_dns": {"b": ""}})
    assert [p for p in problems if p.startswith("privatelink_consumer_private_dns_enabled=True: the provider's service gets no private DNS")]
    assert check_variables("b", ["privatelink_consumer"], "present", consumer, SPECS, {"service_dns": {"b": "api.example.com"}})[0] == []


def test_a_consumer_is_not_blamed_for_its_providers_unknown_region():
    problems, _values = check_variables("b", ["privatelink_consumer"], "present", dict(CONSUMER, aws_region="us-east-1"), SPECS,
                                        {"service_region": "us-east-9"})
    assert problems == []


def test_too_few_vpcs_for_connect_names_the_hosts_without_connect_vpcs():
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_links

    found = {"a": {"account": "111111111111", "connect_vpcs": [{"name": "x"}], "connect_links": []}, "b": {"account": "222222222222"}}
    assert check_links(found) == ["connect_vpcs: the hosts list 1 VPC(s) (host a's x), and connect.yml connects two or more. Hosts without "
                                  "connect_vpcs: b. List each account's VPCs in its host's connect_vpcs."]


def test_too_few_vpcs_from_the_inventory_plugin_says_to_tag_them():
    """The thirteenth trial's IV13: the plugin read a region with no tagged VPC, and the fix was a static inventory's."""
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_links

    found = {"a": {"account": "111111111111", "connect_vpcs": [], "connect_links": [], "from_plugin": True, "region": "eu-west-1"}}
    assert check_links(found) == ["connect_vpcs: the hosts list 0 VPC(s) (), and connect.yml connects two or more. Hosts without "
                                  "connect_vpcs: a. The inventory plugin crossvpc.aws.vpcs lists the VPCs tagged crossvpc:connect (with a "
                                  "Name tag) in the accounts and regions it reads (host a: eu-west-1): tag the VPCs to connect, or check "
                                  "its regions."]


def test_an_emptied_list_is_named_as_written_with_what_emptying_it_does_not_do():
    """The thirteenth trial's TB04, CC17: [] was reported "not set", and the fix did not say how to remove what was built."""
    [problem] = problems_of("transit_gateway_spoke", dict(GOOD["transit_gateway_spoke"], aws_region="us-east-1", transit_gateway_spoke_vpcs=[]))
    assert problem.startswith("transit_gateway_spoke_vpcs=[]: is empty. List this account's VPCs to attach")
    assert "take the host out of the spoke group and run playbooks/transit_gateway_teardown.yml" in problem
    [problem] = problems_of("connect", dict(GOOD["connect"], aws_region="us-east-1", connect_links=[]))
    assert problem.startswith("connect_links=[]: lists no link. List the links to connect")
    assert problem.endswith("to remove what it built, run playbooks/connect_teardown.yml with the links it built.")


def test_a_checks_quoted_port_is_a_port_as_the_reachability_module_takes_it():
    check = {"subnet_name": "a-1", "address": "10.1.0.5", "port": "8443"}
    assert problems_of("vpc_peering", dict(GOOD["vpc_peering"], aws_region="us-east-1", vpc_peering_check=check)) == []


def test_a_teardown_refuses_a_state_it_would_ignore():
    """The thirteenth trial's PT10, PR08: privatelink_provider_state: present and an accepter's vpc_peering_remove_connection were
    ignored by the teardowns (the requester's is now honoured)."""
    provider = dict(GOOD["privatelink_provider"], privatelink_provider_state="present")
    problems, _values = check_variables("a", ["privatelink_provider"], "absent", provider, SPECS)
    assert problems == ["privatelink_provider_state='present': this playbook tears down, and removes this part whatever it says. Leave "
                        "privatelink_provider_state out, and run playbooks/privatelink.yml to build it."]
    pairs = {"peering_pairs": {"r": "a"}}
    accepter = dict(GOOD["vpc_peering"], vpc_peering_remove_connection=False)
    assert check_variables("a", ["vpc_peering"], "absent", accepter, SPECS, pairs)[0] == [
        "vpc_peering_remove_connection=False: set on an accepter, and only the requester removes the connection, so it would be "
        "ignored. Set it on the requester's host."]
    assert check_variables("r", ["vpc_peering"], "absent", accepter, SPECS, pairs)[0] == []


def test_the_planners_limits_are_connect_variables_checked_by_the_planners_rules():
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_links

    assert [p for p in problems_of("connect", {"aws_region": "us-east-1", "connect_peering_max_vpcs": "three"})
            if p.startswith("connect_peering_max_vpcs='three': ")]
    host = {"account": "111111111111", "connect_vpcs": [{"name": "x"}, {"name": "y"}], "connect_servers": ["y"],
            "connect_links": [{"client": "x", "server": "y", "ports": [443]}], "connect_options": {"peering_max_vpcs": 0}}
    assert [p.startswith("connect_peering_max_vpcs=0: ") for p in check_links({"h": host})] == [True], check_links({"h": host})


def test_a_provider_that_lists_no_account_is_not_built_for_nobody_it_revokes_the_last_consumer():
    from ansible_collections.crossvpc.aws.plugins.action.preflight import inventory_problems, pairing_problems

    parts = {p: INVENTORY_PARTS[p] for p in ("privatelink_provider", "privatelink_consumer")}
    groups = {"all": ["a", "b"], "provider": ["a"], "lab": ["b"]}
    for listed in ([], ["333333333333"]):
        hostvars = {"a": {"privatelink_provider_name": "s", "privatelink_provider_consumer_accounts": listed}, "b": {}}
        assert inventory_problems(parts, groups, hostvars) == [] and pairing_problems(parts, groups, hostvars, "present") == []
    hostvars = {"a": {"privatelink_provider_name": "s"}, "b": {}}
    assert [p for p in pairing_problems(parts, groups, hostvars, "present") if "so it would be built for nobody" in p]


def test_two_hub_route_tables_of_one_name_are_refused():
    tables = [{"name": "t1", "associate": ["vpc-a"]}, {"name": "t1", "associate": ["vpc-c"]}]
    problems = problems_of("transit_gateway_hub", dict(GOOD["transit_gateway_hub"], aws_region="us-east-1",
                                                       transit_gateway_hub_route_tables=tables))
    assert problems == ["transit_gateway_hub_route_tables[1].name='t1': names transit_gateway_hub_route_tables[0] too, and the role finds "
                        "each route table by its Name tag, so both would be one table. Give each its own name."]


def test_a_consumer_that_waits_for_available_before_its_provider_accepts_is_refused():
    consumer = dict(CONSUMER, aws_region="us-east-1", privatelink_consumer_wait_for="available")
    for acceptance in ("", True):  # unset on the provider (its default), or set
        problems, _values = check_variables("b", ["privatelink_consumer"], "present", consumer, SPECS, {"service_acceptance": {"b": acceptance}})
        assert [p.startswith("privatelink_consumer_wait_for='available': the provider's service requires acceptance") for p in problems] == [True]
    assert check_variables("b", ["privatelink_consumer"], "present", consumer, SPECS, {"service_acceptance": {"b": False}})[0] == []


def test_a_hub_account_no_host_has_is_refused_whether_or_not_the_plan_needs_a_hub():
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_links

    host = {"account": "111111111111", "connect_vpcs": [{"name": "x"}, {"name": "y"}], "connect_servers": ["y"],
            "connect_links": [{"client": "x", "server": "y", "ports": [443]}], "connect_options": {"hub_account": "999999999999"}}
    assert check_links({"h": host}) == [
        "connect_hub_account='999999999999': no host with connect_vpcs has this aws_account_id (host h: 111111111111), and the hub is "
        "built by the host of its account. Give one of them, or leave it out for the plan to choose."]
    host["connect_options"]["hub_account"] = "111111111111"
    assert check_links({"h": host}) == []


def test_a_transit_gateway_check_from_or_to_an_attachment_no_hub_table_associates_is_refused():
    spokes = {"hub": {"hub_associate": [["a"]]},
              "s": {"spoke_vpcs": [dict(found("vpc-a", "s[0] (a)", "10.0.0.0/16"), attachment="a"),
                                   dict(found("vpc-c", "s[1] (c)", "10.2.0.0/16"), attachment="c")],
                    "tgw_check": "10.0.1.10", "tgw_check_from": "c"}}
    assert check_across(spokes, {}) == [
        "host s's transit_gateway_check: starts from the attachment 'c', which no table of the hub's transit_gateway_hub_route_tables "
        "associates (associate: a), so it has no route and the check could not pass. Associate it in a table, or check between "
        "associated spokes."]
    spokes["hub"]["hub_associate"] = [["a"], "*"]
    assert check_across(spokes, {}) == []


def test_two_consumers_of_one_endpoint_name_in_one_account_are_refused():
    consumers = {"b1": {"account": "2", "consumer_name": "demo"}, "b2": {"account": "2", "consumer_name": "demo"},
                 "c": {"account": "3", "consumer_name": "demo"}}
    assert check_across(consumers, {}) == [
        "host b1's and host b2's privatelink_consumer_name='demo': both in account 2, and a consumer finds its endpoint and its "
        "security group by that name. Give each a name of its own."]


@pytest.mark.parametrize("route, expected", [
    ({"destination_cidr": "10.9.0.0/16"}, "routes[0]={'destination_cidr': '10.9.0.0/16'}: needs exactly one target"),
    ({"destination_cidr": "10.9.0.0/16", "attachment_name": "vpc-a", "blackhole": True}, "needs exactly one target"),
    ({"destination_cidr": "10.9.0.0/16", "blackhole": "sure"}, "routes[0].blackhole='sure': is not true or false."),
])
def test_a_hub_route_needs_one_target_and_a_boolean_blackhole(route, expected):
    problems = problems_of("transit_gateway_hub", dict(GOOD["transit_gateway_hub"], aws_region="us-east-1", transit_gateway_hub_route_tables=[
        {"name": "spokes", "associate": "*", "routes": [route]}]))
    assert [p.startswith("transit_gateway_hub_route_tables[0].") and expected in p for p in problems] == [True], problems


def test_a_spoke_option_that_is_not_a_boolean_is_refused_and_a_build_that_removes_is_refused():
    spoke = [{"vpc_name": "v", "subnet_names": ["s"], "name": "v", "dns_support": "maybe"}]
    problems = problems_of("transit_gateway_spoke", dict(GOOD["transit_gateway_spoke"], aws_region="us-east-1", transit_gateway_spoke_vpcs=spoke))
    assert problems == ["transit_gateway_spoke_vpcs[0].dns_support='maybe': is not true or false. Give transit_gateway_spoke_vpcs[0]."
                        "dns_support: true or transit_gateway_spoke_vpcs[0].dns_support: false."]
    problems = problems_of("vpc_peering", dict(GOOD["vpc_peering"], aws_region="us-east-1", vpc_peering_state="absent"))
    assert problems == ["vpc_peering_state='absent': this playbook builds, and with it the run would remove this part halfway through "
                        "the build. Leave vpc_peering_state out, and run playbooks/peering_teardown.yml to remove it."]
    assert problems_of("vpc_peering", dict(GOOD["vpc_peering"], aws_region="us-east-1", vpc_peering_state="absent"), state="absent") == []


def test_a_report_path_that_cannot_be_written_is_refused(tmp_path):
    assert [p.startswith("connect_report_path='/proc/nope/plan.md': cannot be written: /proc does not take new files")
            for p in problems_of("connect", dict(GOOD["connect"], aws_region="us-east-1", connect_report_path="/proc/nope/plan.md"))] == [True]
    assert problems_of("connect", dict(GOOD["connect"], aws_region="us-east-1", connect_report_path=str(tmp_path / "new" / "plan.md"))) == []


def test_a_hub_teardown_whose_name_finds_nothing_while_a_spoke_is_attached_there_is_refused():
    found = {"a": {"hub_missing": {"named": "transit_gateway_hub_name='hub-x'", "gateways": {"tgw-1": "hub"}}},
             "b": {"spoke_attached": [{"named": "transit_gateway_spoke_vpcs[0] (c)", "gateways": ["tgw-1"]}]}}
    assert check_across(found, {}) == [
        "host a's transit_gateway_hub_name='hub-x': no transit gateway has this Name tag, and host b's transit_gateway_spoke_vpcs[0] (c) "
        "is attached to tgw-1 (hub) of that account, so the teardown would leave both. Fix the name ('hub'?), or detach it first."]
    found["b"]["spoke_attached"][0]["gateways"] = ["tgw-2"]  # another account's gateway: not this hub's
    assert check_across(found, {}) == []


def test_swapped_account_profiles_are_refused_by_what_the_hosts_credentials_proved():
    found = {"a": {"account": "111111111111", "profile": "pa", "account_profiles": {"111111111111": "pb", "222222222222": "pa"}},
             "b": {"account": "222222222222", "profile": "pb", "account_profiles": {"111111111111": "pb", "222222222222": "pa"}}}
    assert check_across(found, {}) == [
        "aws_account_profiles['111111111111']='pb': that profile's credentials are of account 222222222222 (host b's aws_profile), "
        "not 111111111111, so the checks would read the wrong account. Key each profile by its own account's id.",
        "aws_account_profiles['222222222222']='pa': that profile's credentials are of account 111111111111 (host a's aws_profile), "
        "not 222222222222, so the checks would read the wrong account. Key each profile by its own account's id."]
    for host in found.values():
        host["account_profiles"] = {"111111111111": "pa", "222222222222": "pb", "333333333333": "pc"}  # pc: no host proves it
    assert check_across(found, {}) == []
    found["b"]["account_profiles"] = {"111111111111": "pb"}  # a host whose own check failed: nothing concluded
    assert check_across(found, {"failed_hosts": ["b"]}) == []


def test_a_build_with_a_renamed_hub_or_a_spoke_no_longer_listed_is_refused():
    hub = {"account": "111111111111", "building": True, "hub_named": "transit_gateway_hub_name='h' (tgw-1)", "hub_id": "tgw-1",
           "hub_attachments": [{"id": "tgw-attach-c", "type": "vpc", "vpc": "vpc-c", "account": "222222222222"}]}
    found = {"hub": hub, "b": {"account": "222222222222", "spoke_vpcs": [{"vpc_id": "vpc-b", "named": "b", "cidrs": ["10.1.0.0/16"]}]}}
    assert check_across(found, {}) == [
        "host hub's transit_gateway_hub_name='h' (tgw-1): its attachment tgw-attach-c (vpc vpc-c of account 222222222222) is in no spoke "
        "host's transit_gateway_spoke_vpcs, and transit_gateway.yml does not detach a VPC it is no longer given: it would stay connected. "
        "List that VPC in the transit_gateway_spoke_vpcs of b, or disconnect it first: in account 222222222222, crossvpc.aws.vpc_route "
        "state=absent for its routes to the gateway, then crossvpc.aws.transit_gateway_attachment state=absent."]
    found["b"]["spoke_vpcs"].append({"vpc_id": "vpc-c", "named": "c", "cidrs": ["10.2.0.0/16"]})
    assert check_across(found, {}) == []
    found = {"hub": {"building": True, "hub_missing": {"named": "transit_gateway_hub_name='h2'", "gateways": {"tgw-1": "h", "tgw-9": "x"}}},
             "other": {"hub_id": "tgw-9"},
             "b": {"spoke_attached": [{"named": "transit_gateway_spoke_vpcs[0] (c)", "gateways": ["tgw-1", "tgw-9"]}]}}
    assert check_across(found, {}) == [
        "host hub's transit_gateway_hub_name='h2': no transit gateway has this Name tag, and host b's transit_gateway_spoke_vpcs[0] (c) "
        "is attached to tgw-1 (h) of that account, so the build would make a second gateway and leave that one. Keep the name 'h', or "
        "tear that hub down first (playbooks/transit_gateway_teardown.yml with that name)."]
    # The hub's host moved to the account the gateway is shared with (the eleventh trial's tw50): its Name is the owner's to see.
    found["hub"].update(account="2", hub_missing=dict(found["hub"]["hub_missing"], gateways={"tgw-1": None}, owners={"tgw-1": "1"}))
    assert check_across(found, {}) == [
        "host hub's transit_gateway_hub_name='h2': no transit gateway of account 2 has this Name tag, and host b's "
        "transit_gateway_spoke_vpcs[0] (c) is attached to tgw-1 of account 1, shared with this one: the hub moved to another account "
        "since that attachment, so the build would make a second gateway and leave that one. Keep the hub in account 1, or tear that "
        "hub down first (playbooks/transit_gateway_teardown.yml with the inventory of the build)."]


def test_a_peering_renamed_while_its_security_group_is_live_is_refused():
    ends = {"a": {"peering_vpc": found("vpc-a", "vpc_peering_vpc_name='a'", "10.0.0.0/16"), "peering_name": "new",
                  "peerings_now": [{"id": "pcx-1", "name": "old", "vpcs": ["vpc-a", "vpc-b"]}], "peering_groups": []},
            "b": {"peering_vpc": found("vpc-b", "vpc_peering_vpc_name='b'", "10.1.0.0/16"), "peering_name": "new",
                  "peerings_now": [], "peering_groups": ["old-from-peer"]}}
    assert check_across(ends, {"peering_pairs": [["a", "b"]]}) == [
        "host a's vpc_peering_name='new': the peering between vpc-a and vpc-b is pcx-1, named 'old', and its security group "
        "old-from-peer is in host b's VPC: with this name the build would make a new group and leave that one open. Keep the name "
        "'old', or remove the peering with it first (playbooks/peering_teardown.yml), then build with the new one."]
    ends["b"]["peering_groups"] = []  # no group of the old name: renaming only retags the connection
    assert check_across(ends, {"peering_pairs": [["a", "b"]]}) == []


def test_a_peering_check_through_a_route_table_the_peering_leaves_out_is_refused():
    """The fifteenth trial's R027/R017: the requester's route tables narrowed past the accepter's check address; the build
    finished (or took the route away) and then the check failed."""
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import unrouted_peering_checks

    routed = {"given": "vpc_peering_route_table_ids=['rtb-2']", "subnets": [("10.0.1.0/24", "rtb-1", False), ("10.0.2.0/24", "rtb-2", True)]}
    found = {"r": {"peering_routed": routed}, "a": {"peering_check": "10.0.1.10", "peering_check_from": ["10.1.1.0/24"]}}
    assert unrouted_peering_checks(found, {"peering_pairs": {"r": "a"}}) == [
        "host a's vpc_peering_check: its address 10.0.1.10 is in subnet 10.0.1.0/24, whose route table rtb-1 is not in host r's "
        "vpc_peering_route_table_ids=['rtb-2'], so the path would have no route there and the check could not pass. Add rtb-1 to it, "
        "or check a subnet it routes."]
    found["a"]["peering_check"] = "10.0.2.10"
    assert unrouted_peering_checks(found, {"peering_pairs": {"r": "a"}}) == []
    # The check's own subnet, on the end that narrowed.
    found = {"r": {"peering_routed": routed, "peering_check": "10.1.1.10", "peering_check_from": ["10.0.1.0/24"]}, "a": {}}
    assert unrouted_peering_checks(found, {"peering_pairs": {"r": "a"}})[0].startswith(
        "host r's vpc_peering_check: its subnet 10.0.1.0/24 is in subnet 10.0.1.0/24, whose route table rtb-1")


def test_a_name_shared_by_two_vpcs_or_subnets_says_what_this_variable_can_do_about_it():
    """The fifteenth trial's D003/D004: connect_vpcs' name matching two VPCs said "give the id", which connect_vpcs has no
    key for, and a provider's subnet name matching two subnets said "Give the VPC", which the provider has no variable for."""
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import Account

    def tagged(name, **resource):
        return dict(resource, Tags=[{"Key": "Name", "Value": name}])

    account = Account.__new__(Account)  # its reads given, not made
    account.where, account._read = "in account 1, r", {
        ("vpcs", None): [tagged("twin", VpcId="vpc-1"), tagged("twin", VpcId="vpc-2")],
        ("subnets", None): [tagged("s", SubnetId="subnet-1", VpcId="vpc-1"), tagged("s", SubnetId="subnet-2", VpcId="vpc-2")]}
    problems = []
    assert account.vpc(problems, None, None, "connect_vpcs[0].name", "twin") is None
    account.vpc(problems, "vpc_peering_vpc_id", None, "vpc_peering_vpc_name", "twin")
    account.subnets_named(problems, "privatelink_provider_subnet_ids", [], "privatelink_provider_subnet_names", ["s"])
    account.subnets_named(problems, "privatelink_consumer_subnet_ids", [], "privatelink_consumer_subnet_names", ["s"],
                          vpc_option="privatelink_consumer_vpc_id")
    assert problems == [
        "connect_vpcs[0].name='twin': matches 2 VPCs (vpc-1, vpc-2) in account 1, r. Give each VPC a Name tag of its own: the playbook "
        "finds it by that tag.",
        "vpc_peering_vpc_name='twin': matches 2 VPCs (vpc-1, vpc-2) in account 1, r. Give vpc_peering_vpc_id instead, or give each VPC a "
        "Name tag of its own.",
        "privatelink_provider_subnet_names[0]='s': 2 subnets have this Name tag in account 1, r (subnet-1, subnet-2). List them by id in "
        "privatelink_provider_subnet_ids, or give each subnet a Name tag of its own.",
        "privatelink_consumer_subnet_names[0]='s': 2 subnets have this Name tag in account 1, r (subnet-1, subnet-2). List them by id in "
        "privatelink_consumer_subnet_ids, or give privatelink_consumer_vpc_id, or give each subnet a Name tag of its own."]


def test_a_privatelink_within_one_account_is_not_taken_for_a_swap_of_accounts():
    """The seventeenth trial's SA02: provider and consumer in one account, the second run of an unchanged inventory was
    refused as 'the two accounts swapped since the build' (the consumer's account has the service, its endpoint calls it)."""
    from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import renamed_privatelink

    services = {"com.amazonaws.vpce.r.vpce-svc-1": "svc"}
    consumer = {"account": "222222222222", "consumer_name": "ep", "account_services": services,
                "vpc_endpoints": [{"id": "vpce-1", "name": "ep", "service_name": "com.amazonaws.vpce.r.vpce-svc-1"}]}
    provider = {"account": "222222222222", "provider_name": "svc", "provider_service": "com.amazonaws.vpce.r.vpce-svc-1",
                "account_services": services, "account_endpoint_services": ["com.amazonaws.vpce.r.vpce-svc-1"]}
    assert renamed_privatelink({"c": consumer, "p": provider}, {"c": "p"}) == []
    swapped = dict(provider, account="111111111111")  # the same findings across two accounts: a swap
    assert "the two accounts swapped since the build" in renamed_privatelink({"c": consumer, "p": swapped}, {"c": "p"})[0]
