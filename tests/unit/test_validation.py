"""Input checks name the parameter, the value and the fix, before any API call."""

import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput


@pytest.mark.parametrize("value", ["10.0.0.0/16", "10.1.2.0/24", "0.0.0.0/0", "2001:db8::/32",
                                   "192.168.1.7/32"])
def test_canonical_cidrs_pass(value):
    assert str(validation.cidr("destination_cidrs", value)) == value


@pytest.mark.parametrize("value, problem, fix", [
    ("10.0.0.1/16", "has host bits set", "Use 10.0.0.0/16."),
    ("10.0.0.0", "is not a CIDR block", "10.1.0.0/16"),
    ("10.0.0.0/33", "is not a CIDR block", "10.1.0.0/16"),
    ("banana", "is not a CIDR block", "10.1.0.0/16"),
    ("2001:db8::1/32", "has host bits set", "Use 2001:db8::/32."),
    (None, "is not a CIDR block", "10.1.0.0/16"),
])
def test_bad_cidrs_say_what_and_how_to_fix(value, problem, fix):
    with pytest.raises(InvalidInput) as error:
        validation.cidr("destination_cidrs", value)
    assert error.value.parameter == "destination_cidrs"
    assert str(error.value).startswith("destination_cidrs=%r: %s" % (value, problem))
    assert fix in str(error.value)


@pytest.mark.parametrize("value, prefixes", [("rtb-0123456789abcdef0", "rtb"), ("rtb-01234567", "rtb"),
                                             ("igw-0123456789abcdef0", ("igw", "vgw")),
                                             ("vgw-01234567", ("igw", "vgw"))])
def test_ids_of_the_right_kind_pass(value, prefixes):
    assert validation.resource_id("x", value, prefixes) == value


@pytest.mark.parametrize("value, prefixes", [("vpc-0123456789abcdef0", "rtb"), ("rtb-xyz", "rtb"),
                                             ("rtb-0123456789ABCDEF0", "rtb"), ("", "rtb"), (7, "rtb"),
                                             ("nat-0123456789abcdef0", ("igw", "vgw"))])
def test_ids_of_the_wrong_kind_fail(value, prefixes):
    with pytest.raises(InvalidInput) as error:
        validation.resource_id("route_table_ids", value, prefixes)
    assert "route_table_ids=%r: is not a valid" % (value,) in str(error.value)
    assert "0123456789abcdef0" in str(error.value)
