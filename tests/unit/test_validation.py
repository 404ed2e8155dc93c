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


# --- account ids -----------------------------------------------------------------------------------

def test_account_ids_as_text_pass():
    assert validation.account_id("peer_owner_id", "012345678901") == "012345678901"


def test_an_unquoted_id_that_lost_its_leading_zero_says_to_quote_it():
    """012345678901 unquoted in YAML is the number 12345678901: say so, not just "not an account id"."""
    with pytest.raises(InvalidInput) as error:
        validation.account_id("peer_owner_id", 12345678901, "Give the peer VPC's account.")
    assert str(error.value) == (
        "peer_owner_id=12345678901: is a number of 11 digits, not a 12-digit account id: an unquoted number loses "
        "its leading zeros. Quote the id so YAML keeps it text: '012345678901' if that is the account.")
    assert error.value.parameter == "peer_owner_id"


def test_a_12_digit_number_says_to_quote_it():
    with pytest.raises(InvalidInput) as error:
        validation.account_id("hub_account", 123456789012)
    assert str(error.value) == ("hub_account=123456789012: is a number, and an account id is text. "
                                "Quote the id so YAML keeps it text: '123456789012' if that is the account.")


@pytest.mark.parametrize("value", ["1234567890", "1234567890123", "12345678901a", 1234567890123, -1, True, None, 1.5])
def test_other_values_are_not_account_ids(value):
    with pytest.raises(InvalidInput) as error:
        validation.account_id("account_ids", value)
    assert str(error.value) == "account_ids=%r: is not an AWS account id. Use the 12-digit id of the AWS account." % (value,)


# --- tags ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [None, {}, {"Name": "a", "team": ""}, {"k" * 128: "v" * 256},
                                   {"Aws-owner": "x", "awsome": "y"}])
def test_tags_aws_accepts_pass(value):
    assert validation.tags("tags", value) == value


@pytest.mark.parametrize("value, where, problem", [
    ({"": "x"}, "tags['']='x'", "has an empty key."),
    ({"k" * 129: "v"}, "tags['%s']='v'" % ("k" * 129), "has a key of 129 characters; AWS allows at most 128."),
    ({"aws:owner": "me"}, "tags['aws:owner']='me'", "starts with aws:"),
    ({"AWS:Owner": "me"}, "tags['AWS:Owner']='me'", "starts with aws:"),
    ({"team": "v" * 257}, "tags['team']='%s'" % ("v" * 257), "is 257 characters; AWS allows at most 256"),
    ({"count": 3}, "tags['count']=3", "is not text"),
    ({"owner": None}, "tags['owner']=None", "is not text"),
    ({3: "x"}, "tags[3]='x'", "has a key that is not text."),
    ("Name=x", "tags='Name=x'", "is not a mapping of tag keys to values."),
])
def test_bad_tags_name_the_key(value, where, problem):
    with pytest.raises(InvalidInput) as error:
        validation.tags("tags", value)
    assert str(error.value).startswith(where + ": "), str(error.value)
    assert problem in str(error.value)
    assert error.value.parameter.startswith("tags")


# --- text ------------------------------------------------------------------------------------------

def test_text_within_the_limit_passes():
    assert validation.text("description", "x" * 255, 255) == "x" * 255
    assert validation.text("description", None, 255) is None


def test_text_over_the_limit_says_the_length_and_the_limit():
    with pytest.raises(InvalidInput) as error:
        validation.text("description", "x" * 256, 255, "a security group description")
    assert str(error.value).startswith("description='%s': is 256 characters; AWS allows at most 255 in a security "
                                       "group description." % ("x" * 256))


def test_text_refuses_what_is_not_text():
    with pytest.raises(InvalidInput) as error:
        validation.text("description", ["a"], 255)
    assert "description=['a']: is not text." in str(error.value)


# --- DNS names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["example.com", "api.example.com", "a-b.c0.example.co.uk", "API.Example.COM",
                                   ".".join(["a" * 63] * 3) + ".com", "x" * 63 + ".io"])
def test_domain_names_pass(value):
    assert validation.dns_name("private_dns_name", value) == value


@pytest.mark.parametrize("value, problem", [
    ("localhost", "it has one label"),
    ("api..example.com", "has an empty label"),
    ("example.com.", "has an empty label"),
    ("-api.example.com", "'-api'"),
    ("api-.example.com", "'api-'"),
    ("api_v1.example.com", "'api_v1'"),
    ("a" * 64 + ".com", "'%s'" % ("a" * 64)),
    (".".join(["a" * 63] * 4) + ".com", "is 259 characters; a domain name has at most 253"),
    ("*.example.com", "is a wildcard name"),
    ("api.*.example.com", "'*'"),
    ("", "is not a domain name"),
    (None, "is not a domain name"),
])
def test_bad_domain_names_say_why(value, problem):
    with pytest.raises(InvalidInput) as error:
        validation.dns_name("private_dns_name", value)
    assert str(error.value).startswith("private_dns_name=%r: " % (value,))
    assert problem in str(error.value)


def test_a_wildcard_only_where_allowed():
    assert validation.dns_name("name", "*.example.com", wildcard=True) == "*.example.com"
    with pytest.raises(InvalidInput):
        validation.dns_name("name", "*.com", wildcard=True)


# --- unique, ASNs, regions, policies ----------------------------------------------------------------

def test_unique_names_the_value_listed_twice():
    assert validation.unique("subnet_ids", ["subnet-1", "subnet-2"]) == ["subnet-1", "subnet-2"]
    assert validation.unique("subnet_ids", None) is None
    with pytest.raises(InvalidInput) as error:
        validation.unique("subnet_ids", ["subnet-1", "subnet-2", "subnet-1"])
    assert str(error.value) == "subnet_ids='subnet-1': is listed twice. List each one once."


@pytest.mark.parametrize("value, ok", [(64512, True), (65534, True), (4200000000, True), (4294967294, True),
                                       (64511, False), (65535, False), (4294967295, False), (True, False), ("64512", False)])
def test_private_asn(value, ok):
    if ok:
        assert validation.private_asn("amazon_side_asn", value) == value
    else:
        with pytest.raises(InvalidInput) as error:
            validation.private_asn("amazon_side_asn", value)
        assert "amazon_side_asn=%r: is not a private ASN AWS accepts." % (value,) in str(error.value)


def test_regions_come_from_botocore_and_the_escape_hatch(monkeypatch):
    monkeypatch.delenv("CROSSVPC_EXTRA_REGIONS", raising=False)
    for known in ("us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"):
        assert validation.region("region", known) == known
    with pytest.raises(InvalidInput) as error:
        validation.region("region", "xx-fake-1")
    assert str(error.value).startswith("region='xx-fake-1': is not an AWS region that botocore")
    assert "CROSSVPC_EXTRA_REGIONS=xx-fake-1" in str(error.value)
    with pytest.raises(InvalidInput):
        validation.region("region", "aws-global")  # a pseudo-region of the endpoint data, not a region
    # The thirteenth trial's X11: upper case was told to go into CROSSVPC_EXTRA_REGIONS.
    with pytest.raises(InvalidInput) as error:
        validation.region("aws_region", "US-EAST-1")
    assert str(error.value) == "aws_region='US-EAST-1': is not an AWS region: region names are lower case. Use us-east-1."
    with pytest.raises(InvalidInput) as error:
        validation.region("region", "us-eats-1")
    assert "Did you mean us-east-1?" in str(error.value)
    monkeypatch.setenv("CROSSVPC_EXTRA_REGIONS", "xx-fake-1, xx-fake-2")
    assert validation.region("region", "xx-fake-2") == "xx-fake-2"


@pytest.mark.parametrize("value, problem", [("not json", "is not JSON"), ("[1, 2]", "is JSON, but not an object")])
def test_a_policy_must_be_a_json_object(value, problem):
    assert validation.policy_document("policy", '{"Statement": []}') == {"Statement": []}
    with pytest.raises(InvalidInput) as error:
        validation.policy_document("policy", value)
    assert str(error.value).startswith("policy=%r: %s" % (value, problem))


def test_an_eleven_digit_account_id_says_how_its_leading_zero_was_lost():
    with pytest.raises(InvalidInput) as error:
        validation.account_id("privatelink_provider_consumer_accounts[0]", "12345678901")
    assert str(error.value) == (
        "privatelink_provider_consumer_accounts[0]='12345678901': is not an AWS account id. Use the 12-digit id of the AWS account. "
        "If you wrote 012345678901 unquoted, YAML read a number and dropped its leading zero: quote it ('012345678901').")


def test_a_quoted_port_says_to_drop_the_quotes():
    """The fourteenth trial's C26: ports: ['8443'] in connect_links was told to use a number from 1 to 65535."""
    with pytest.raises(InvalidInput) as error:
        validation.port("connect_links[0].ports[0]", "8443")
    assert str(error.value) == "connect_links[0].ports[0]='8443': is text, not a number. Write it without quotes: 8443."
    with pytest.raises(InvalidInput) as error:
        validation.port("ports[0]", True)  # Ansible and Python read True as 1
    assert "is not a TCP port" in str(error.value)
