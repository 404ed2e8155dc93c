"""new_module's own words for option values Ansible cannot read: the option as written, the value, a fix."""

import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import aws

SPEC = {
    "ports": {"type": "list", "elements": "int", "default": []},
    "wait_timeout": {"type": "int", "default": 300},
    "asn": {"type": "int", "aliases": ["amazon_asn"]},
    "routes": {"type": "list", "elements": "dict", "options": {"port": {"type": "int"}, "cidr": {"type": "str"}}},
}


@pytest.mark.parametrize("params", [{}, {"ports": [443, "8443"]}, {"ports": "443,8443"}, {"ports": 443},
                                    {"wait_timeout": "30"}, {"amazon_asn": 64600}, {"routes": [{"port": "22"}]}])
def test_what_ansible_reads_as_numbers_passes(params):
    assert aws._shape_problem(SPEC, params) is None  # pylint: disable=protected-access


@pytest.mark.parametrize("params, problem", [
    ({"ports": ["https"]}, ("ports[0]", "https", "is not a whole number.", "ports")),
    ({"ports": [443, "8443-8445"]}, ("ports[1]", "8443-8445", "is not a whole number.", "ports")),
    ({"ports": "443,https"}, ("ports[1]", "https", "is not a whole number.", "ports")),
    ({"wait_timeout": "5m"}, ("wait_timeout", "5m", "is not a whole number.", "wait_timeout")),
    ({"wait_timeout": 1.5}, ("wait_timeout", 1.5, "is not a whole number.", "wait_timeout")),
    ({"amazon_asn": "abc"}, ("amazon_asn", "abc", "is not a whole number.", "asn")),  # named as written
    ({"ports": [443, True]}, ("ports[1]", True, "is a boolean, not a whole number.", "ports")),  # Ansible reads 1
    ({"wait_timeout": False}, ("wait_timeout", False, "is a boolean, not a whole number.", "wait_timeout")),
    ({"routes": [{"port": True}]}, ("routes[0].port", True, "is a boolean, not a whole number.", "routes.port")),
    ({"routes": [{"cidr": "10.0.0.0/8"}, {"port": "ssh"}]}, ("routes[1].port", "ssh", "is not a whole number.", "routes.port")),
    ({"routes": "x"}, ("routes", "x", "is not a list of mappings (key: value entries, one per item).", None)),
])
def test_a_value_ansible_cannot_read_is_named_with_its_spec_path(params, problem):
    assert aws._shape_problem(SPEC, params) == problem  # pylint: disable=protected-access


def test_the_relaxed_spec_keeps_the_aliases_of_the_option_it_relaxes():
    relaxed = aws._relaxed(SPEC, "amazon_asn")  # pylint: disable=protected-access
    assert relaxed["asn"] == {"type": "raw", "aliases": ["amazon_asn"]} and relaxed["ports"] == SPEC["ports"]
