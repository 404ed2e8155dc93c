# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks that run before any API call, each failing with InvalidInput (parameter, value, fix)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput

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
    if not isinstance(value, str) or not re.match(r"^\d{12}$", value):
        raise InvalidInput(parameter, value, "is not an AWS account id.", fix)
    return value


def positive_seconds(parameter, value):
    if value < 1:
        raise InvalidInput(parameter, value, "must be positive.", "Give a number of seconds, for example 300.")
    return value


def resource_id(parameter, value, prefixes):
    """An AWS id with one of ``prefixes`` (rtb, vpc, ...), for example rtb-0123456789abcdef0."""
    if isinstance(prefixes, str):
        prefixes = (prefixes,)
    if not isinstance(value, str) or not any(re.match(ID_PATTERN % p, value) for p in prefixes):
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
    if not isinstance(value, int) or not 1 <= value <= 65535:
        raise InvalidInput(parameter, value, "is not a TCP port.", "Use a number from 1 to 65535.")
    return value
