"""Preflight's checks of a host's variables, before any call: types from the roles' argument
specs, formats, required and exclusive variables, misspelt names. (The look-ups and the
playbooks' use of it: tests/integration/test_preflight.py.)"""

import pytest

from ansible_collections.crossvpc.aws.plugins.action.preflight import role_specs
from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import PARTS, check_variables

SPECS = {}
for _role in PARTS:
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


@pytest.mark.parametrize("name, value, expected", [
    ("privatelink_consumer_subnet_names", "b-1", "privatelink_consumer_subnet_names='b-1': is not a list."),
    ("privatelink_consumer_tags", "env=prod", "privatelink_consumer_tags='env=prod': is not a mapping."),
    ("privatelink_consumer_wait_timeout", "soon", "privatelink_consumer_wait_timeout='soon': is not a whole number."),
    ("privatelink_consumer_private_dns_enabled", "maybe", "privatelink_consumer_private_dns_enabled='maybe': is not true or false."),
    ("privatelink_consumer_wait_for", "ready", "privatelink_consumer_wait_for='ready': is not one of pendingAcceptance, available, none."),
    ("privatelink_consumer_client_cidrs", ["10.0.0.0/33"], "privatelink_consumer_client_cidrs[0]='10.0.0.0/33': is not a CIDR block."),
    ("privatelink_consumer_client_cidrs", ["10.0.0.1/16"], "privatelink_consumer_client_cidrs[0]='10.0.0.1/16': has host bits set. Use 10.0.0.0/16."),
    ("privatelink_consumer_vpc_id", "subnet-0123456789abcdef0", "privatelink_consumer_vpc_id='subnet-0123456789abcdef0': is not a valid vpc id."),
    ("privatelink_consumer_wait_timeout", 0, "privatelink_consumer_wait_timeout=0: must be positive."),
    ("aws_account_id", "22222222222", "aws_account_id='22222222222': is not an AWS account id. Write the account's 12-digit id, in quotes"),
    ("privatelink_consumer_subnet_name", ["b-1"], "privatelink_consumer_subnet_name=['b-1']: is not a variable of privatelink_consumer. "
                                                  "Did you mean privatelink_consumer_subnet_names?"),
])
def test_a_bad_variable_is_named_with_its_value_and_the_fix(name, value, expected):
    problems = problems_of("privatelink_consumer", dict(CONSUMER, **{name: value}))
    assert [p for p in problems if p.startswith(expected)], problems


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


@pytest.mark.parametrize("part, variables, expected", [
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_vpc_id": "vpc-0123456789abcdef0"},
     "vpc_peering_vpc_id and vpc_peering_vpc_name: both set"),
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_allowed_ports": [70000]}, "vpc_peering_allowed_ports[0]=70000: is not a TCP port."),
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_check": {"subnet_name": "c-1", "address": "10.0.1.300", "port": 8443}},
     "vpc_peering_check.address='10.0.1.300': is not an IP address."),
    ("vpc_peering", {"vpc_peering_vpc_name": "c", "vpc_peering_check": {"address": "10.0.1.3", "port": 8443}},
     "has no subnet_name."),
    ("privatelink_provider", {"privatelink_provider_name": "demo", "privatelink_provider_port": 70000,
                              "privatelink_provider_subnet_names": ["a-1"]}, "privatelink_provider_port=70000: is not a TCP port."),
    ("privatelink_provider", {"privatelink_provider_name": "demo", "privatelink_provider_port": 443},
     "privatelink_provider_nlb_arn or privatelink_provider_subnet_ids or privatelink_provider_subnet_names: not set."),
    ("privatelink_provider", {"privatelink_provider_name": "demo", "privatelink_provider_port": 443, "privatelink_provider_nlb_arn":
                              "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/0123456789abcdef"},
     "is an Application Load Balancer."),
    ("privatelink_provider", {"privatelink_provider_name": "demo", "privatelink_provider_port": 443, "privatelink_provider_subnet_names": ["a"],
                              "privatelink_provider_targets": ["10.0.1.300"]}, "privatelink_provider_targets[0]='10.0.1.300': is not an IP address."),
    ("transit_gateway_hub", {"transit_gateway_hub_spoke_accounts": ["2222"]}, "transit_gateway_hub_spoke_accounts[0]='2222': is not an AWS account id."),
    ("transit_gateway_hub", {"transit_gateway_hub_route_tables": [{"associate": "*"}]}, "transit_gateway_hub_route_tables[0]={'associate': '*'}: has no name."),
    ("transit_gateway_spoke", {"transit_gateway_spoke_vpcs": [{"vpc_name": "c", "subnet_names": "c-1"}]},
     "transit_gateway_spoke_vpcs[0].subnet_names='c-1': is not a list."),
    ("transit_gateway_spoke", {"transit_gateway_spoke_vpcs": [{"vpc_name": "c"}]}, "needs exactly one of subnet_ids and subnet_names."),
    ("transit_gateway_spoke", {}, "transit_gateway_spoke_vpcs: not set."),
])
def test_each_role_s_variables(part, variables, expected):
    problems = problems_of(part, dict(variables, aws_region="us-east-1"))
    assert [p for p in problems if expected in p], problems
