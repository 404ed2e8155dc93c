# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks that run before any API call, each failing with InvalidInput (parameter, value, fix)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import re

from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput, region_problem

ID_PATTERN = "^%s-([0-9a-f]{8}|[0-9a-f]{17})$"


def cidr(parameter, value):
    """A canonical IPv4 or IPv6 network; host bits set is an error that shows the right network."""
    if not isinstance(value, str) or "/" not in value:
        raise InvalidInput(parameter, value, "is not a CIDR block.",
                           "Write it as a network address and prefix length, for example 10.1.0.0/16.")
    try:
        return ipaddress.ip_network(value)
    except ValueError:
        pass
    try:
        network = ipaddress.ip_interface(value).network
    except ValueError:
        raise InvalidInput(parameter, value, "is not a CIDR block.",
                           "Write it as a network address and prefix length, for example 10.1.0.0/16.")
    raise InvalidInput(parameter, value, "has host bits set.", "Use %s." % network)


def cidrs(parameter, values):
    return [cidr(parameter, value) for value in values or []]


def account_id(parameter, value, fix="Use the 12-digit id of the AWS account."):
    """A 12-digit account id, as text. A YAML number is refused with how to write it: unquoted, an id
    with leading zeros (012345678901) loses them and becomes an 11-digit number."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10 ** 12:
        quoted = "Quote the id so YAML keeps it text: '%s' if that is the account." % str(value).zfill(12)
        if value < 10 ** 11:
            raise InvalidInput(parameter, value, "is a number of %d digits, not a 12-digit account id: an unquoted "
                               "number loses its leading zeros." % len(str(value)), quoted)
        raise InvalidInput(parameter, value, "is a number, and an account id is text.", quoted)
    if not isinstance(value, str) or not re.match(r"^\d{12}$", value):
        if isinstance(value, str) and re.match(r"^\d{11}$", value):  # Ansible may have made text of the short number
            fix += " If you wrote 0%s unquoted, YAML read a number and dropped its leading zero: quote it ('0%s')." % (value, value)
        raise InvalidInput(parameter, value, "is not an AWS account id.", fix)
    return value


def positive_seconds(parameter, value):
    if value < 1:
        raise InvalidInput(parameter, value, "must be positive.", "Give a number of seconds, for example 300.")
    return value


def is_resource_id(value, prefixes):
    """Whether ``value`` is an AWS id with one of ``prefixes`` (a string or a tuple), for modules that say so in
    their own words."""
    if isinstance(prefixes, str):
        prefixes = (prefixes,)
    return isinstance(value, str) and any(re.match(ID_PATTERN % p, value) for p in prefixes)


def resource_id(parameter, value, prefixes):
    """An AWS id with one of ``prefixes`` (rtb, vpc, ...), for example rtb-0123456789abcdef0."""
    if isinstance(prefixes, str):
        prefixes = (prefixes,)
    if not is_resource_id(value, prefixes):
        raise InvalidInput(parameter, value, "is not a valid %s id." % " or ".join(prefixes),
                           "Expected something like %s-0123456789abcdef0." % prefixes[0])
    return value


def resource_ids(parameter, values, prefixes):
    return [resource_id(parameter, value, prefixes) for value in values or []]


PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(root|(role|user)/[\w+=,.@/-]+)$")
LOAD_BALANCER_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer/(net|app|gwy)/[\w-]+/[0-9a-f]+$")
SERVICE_NAME = re.compile(r"^com\.amazonaws\.(vpce\.)?([a-z]{2}(-[a-z]+)+-\d)\.[\w.-]+$")


def principal(parameter, value, allow_any=False):
    """An IAM principal ARN; a bare 12-digit account id becomes that account's root ARN."""
    if value == "*":
        if not allow_any:
            raise InvalidInput(parameter, value, "would let every AWS account connect.",
                               "List the consumer accounts, or set allow_any_principal=true if you mean it.")
        return value
    if isinstance(value, str) and re.match(r"^\d{12}$", value):
        return "arn:aws:iam::%s:root" % value
    if not isinstance(value, str) or not PRINCIPAL_ARN.match(value):
        raise InvalidInput(parameter, value, "is not an account id or an IAM principal ARN.",
                           "Use a 12-digit account id or an ARN like arn:aws:iam::210987654321:root.")
    return value


def load_balancer_arn(parameter, value, kinds=("net",)):
    """An ELBv2 ARN of one of ``kinds`` (net, gwy, app): returns (region, account, kind)."""
    match = LOAD_BALANCER_ARN.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidInput(parameter, value, "is not a load balancer ARN.", "Expected "
                           "arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/net/NAME/ID.")
    names = {"net": "a Network Load Balancer", "gwy": "a Gateway Load Balancer",
             "app": "an Application Load Balancer"}
    if match.group(3) not in kinds:
        raise InvalidInput(parameter, value, "is %s." % names[match.group(3)],
                           "An endpoint service fronts %s." % " or ".join(names[k] for k in kinds))
    return match.group(1), match.group(2), match.group(3)


def service_name(parameter, value, region):
    """An endpoint service name in ``region`` (com.amazonaws.vpce.REGION.vpce-svc-...)."""
    match = SERVICE_NAME.match(value) if isinstance(value, str) else None
    if not match:
        raise InvalidInput(parameter, value, "is not an endpoint service name.",
                           "Use the provider's service_name, like com.amazonaws.vpce.%s.vpce-svc-0123456789abcdef0."
                           % region)
    if region and match.group(2) != region:
        fix = "Interface endpoints reach services of their own region: use region=%s or the provider's " \
              "service in %s." % (match.group(2), region)
        raise InvalidInput(parameter, value, "is a service in %s, and this endpoint is in %s." % (match.group(2), region),
                           fix)
    return value


def port(parameter, value):
    if isinstance(value, str) and value.strip().isdigit():  # quoted in YAML: where no option type turns it into a number
        raise InvalidInput(parameter, value, "is text, not a number.", "Write it without quotes: %s." % value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InvalidInput(parameter, value, "is not a TCP port.", "Use a number from 1 to 65535.")
    return value


# --- tags, text, names ---------------------------------------------------------------------------

TAG_KEY_LIMIT = 128  # AWS tag keys: 1-128 characters, not starting with aws: (any case)
TAG_VALUE_LIMIT = 256  # tag values: 0-256 characters


def tags(parameter, value):
    """AWS tags as a mapping of text keys (1-128 characters, not starting with ``aws:`` in any case)
    to text values (0-256 characters); the message names the key, as ``tags['key']``."""
    if value is None:
        return value
    if not isinstance(value, dict):
        raise InvalidInput(parameter, value, "is not a mapping of tag keys to values.",
                           "Write it as key: value pairs, for example %s: {team: payments}." % parameter)
    for key, tag_value in value.items():
        where = "%s[%r]" % (parameter, key)
        if not isinstance(key, str):
            raise InvalidInput(where, tag_value, "has a key that is not text.", "Quote the key.")
        if not key:
            raise InvalidInput(where, tag_value, "has an empty key.", "Give every tag a key of 1 to 128 characters.")
        if len(key) > TAG_KEY_LIMIT:
            raise InvalidInput(where, tag_value, "has a key of %d characters; AWS allows at most %d." % (
                len(key), TAG_KEY_LIMIT), "Shorten the key.")
        if key.lower().startswith("aws:"):
            raise InvalidInput(where, tag_value, "has a key that starts with aws:, which AWS reserves for its own tags.",
                               "Use a key without the aws: prefix.")
        if not isinstance(tag_value, str):
            raise InvalidInput(where, tag_value, "is not text (tag values are strings).",
                               "Quote the value, for example %s: '%s'." % (key, "" if tag_value is None else tag_value))
        if len(tag_value) > TAG_VALUE_LIMIT:
            raise InvalidInput(where, tag_value, "is %d characters; AWS allows at most %d in a tag value." % (
                len(tag_value), TAG_VALUE_LIMIT), "Shorten the value.")
    return value


def named_tags(parameter, value, name):
    """``tags`` checked as above, with the Name tag set from ``name`` (when given); a Name in the
    tags that says otherwise is refused, as the resource is found by its name."""
    tags(parameter, value)
    given = (value or {}).get("Name")
    if not name:
        return dict(value or {})
    if given is not None and given != name:
        raise InvalidInput("%s['Name']" % parameter, given, "differs from name=%r, which sets the Name tag." % name,
                           "Drop Name from %s, or set name: %s." % (parameter, given))
    return dict(value or {}, Name=name)


def text(parameter, value, limit, what=""):
    """A string of at most ``limit`` characters (``what``: what AWS calls it, for the message)."""
    if value is None:
        return value
    if not isinstance(value, str):
        raise InvalidInput(parameter, value, "is not text.", "Give a string%s." % (" for %s" % what if what else ""))
    if len(value) > limit:
        raise InvalidInput(parameter, value, "is %d characters; AWS allows at most %d%s." % (
            len(value), limit, " in %s" % what if what else ""), "Shorten it.")
    return value


DNS_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
DNS_NAME_LIMIT = 253  # 255 octets on the wire, 253 characters written out without the final dot


def dns_name(parameter, value, wildcard=False):
    """A fully qualified domain name: two labels or more, each 1-63 letters, digits and hyphens that
    neither start nor end with a hyphen, 253 characters in all; ``*.`` in front only with ``wildcard``."""
    fix = "Give a domain name you own, like api.example.com."
    if not isinstance(value, str) or not value:
        raise InvalidInput(parameter, value, "is not a domain name.", fix)
    if len(value) > DNS_NAME_LIMIT:
        raise InvalidInput(parameter, value, "is %d characters; a domain name has at most %d." % (
            len(value), DNS_NAME_LIMIT), fix)
    labels = value.split(".")
    if labels[0] == "*":
        if not wildcard:
            raise InvalidInput(parameter, value, "is a wildcard name, which this option does not take.",
                               "Give the exact name, like api.example.com.")
        labels = labels[1:]
    if len(labels) < 2:
        raise InvalidInput(parameter, value, "is not a fully qualified domain name (it has one label).", fix)
    for label in labels:
        if not DNS_LABEL.match(label):
            problem = "has an empty label" if not label else "has the label %r, which is not 1-63 letters, digits " \
                "or hyphens that neither start nor end with a hyphen" % label
            raise InvalidInput(parameter, value, problem + ".", fix)
    return value


def unique(parameter, values):
    """No value listed twice."""
    seen = set()
    for value in values or []:
        key = json.dumps(value, sort_keys=True, default=str)
        if key in seen:
            raise InvalidInput(parameter, value, "is listed twice.", "List each one once.")
        seen.add(key)
    return values


ASN_RANGES = ((64512, 65534), (4200000000, 4294967294))


def one_route_target(parameter, route, blackhole):
    """A Transit Gateway static route points at exactly one of an attachment (by id or by name) or a blackhole."""
    if [bool(route.get("attachment_id")), bool(route.get("attachment_name")), bool(blackhole)].count(True) != 1:
        raise InvalidInput(parameter, route, "needs exactly one target: attachment_name, attachment_id or blackhole=true.",
                           "Route the range to a spoke's attachment (attachment_name: a-spoke), or drop it (blackhole=true).")


def private_asn(parameter, value):
    """A private ASN that AWS accepts for the Amazon side of a transit gateway."""
    if isinstance(value, bool) or not isinstance(value, int) or not any(low <= value <= high for low, high in ASN_RANGES):
        raise InvalidInput(parameter, value, "is not a private ASN AWS accepts.", "Use 64512-65534 or 4200000000-4294967294.")
    return value


def region(parameter, value):
    """A region the pinned botocore knows (or one listed in CROSSVPC_EXTRA_REGIONS)."""
    problem = region_problem(value) if isinstance(value, str) else ("is not a region name.", "For example eu-west-1.")
    if problem:
        raise InvalidInput(parameter, value, *problem)
    return value


def policy_document(parameter, value):
    """An IAM policy as JSON text or a mapping; returns the mapping."""
    if isinstance(value, dict):
        return value
    fix = "Give the policy as a YAML mapping or as a JSON object, like {\"Statement\": [...]}."
    try:
        document = json.loads(value)
    except (TypeError, ValueError) as error:
        raise InvalidInput(parameter, value, "is not JSON (%s)." % error, fix)
    if not isinstance(document, dict):
        raise InvalidInput(parameter, value, "is JSON, but not an object.", fix)
    return document
