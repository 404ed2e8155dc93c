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
