# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight: every input of every part a host plays in a playbook, checked before any host
changes anything.

Types and choices come from the roles' argument specs (the preflight action hands them over),
formats from validation.py (the rules the modules apply to the options these variables feed),
and the look-ups that can fail are read calls, one per kind of resource. Every problem of a host
is reported at once, each naming the inventory variable as the user wrote it, its value and the fix.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import hashlib
import ipaddress
import os
import re
import tempfile

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.crossvpc.aws.plugins.module_utils import connectivity, load_balancing, security_groups, validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    CrossvpcError, InvalidInput, call, client, known_profile, known_regions, paginate, region_problem, tags_of)

# The roles a host may play, and "connect": connect.yml's own description of the host's VPCs.
PARTS = ("privatelink_provider", "privatelink_consumer", "vpc_peering", "transit_gateway_hub", "transit_gateway_spoke", "connect")

# What the roles and playbooks set themselves: close to a role variable's name, but not a typo.
OUTPUTS = frozenset((
    "privatelink_provider_service", "privatelink_consumer_endpoint", "privatelink_consumer_service",
    "vpc_peering_connection", "vpc_peering_end", "vpc_peering_peer", "vpc_peering_result",
    "transit_gateway_hub_gateway", "transit_gateway_hub_attachments", "transit_gateway_spoke_gateway",
    "transit_gateway_spoke_attachments", "transit_gateway_spoke_destinations", "transit_gateway_spoke_found",
))


class Problems(list):
    """The problems found so far: check() runs a rule and keeps its InvalidInput instead of raising."""

    def check(self, rule, *args):
        try:
            return rule(*args)
        except InvalidInput as error:
            self.append(error.message)
            return None


# --- types, from the roles' argument specs ----------------------------------------------------

def _typed(name, value, kind):
    """``value`` as ``kind``, with the conversions a YAML file or ``-e key=value`` make necessary
    (numbers and booleans as text); a string where a list or dict belongs is an error, not a split."""
    if kind in ("str", "path"):
        if isinstance(value, (dict, list, bool)):
            raise InvalidInput(name, value, "is not a string.", "Give one value, for example %s: my-name." % name)
        return value if isinstance(value, str) else str(value)
    if kind == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        ranged = isinstance(value, str) and re.match(r"^\s*\d+\s*-\s*\d+\s*$", value)
        raise InvalidInput(name, value, "is not a whole number%s." % (" (a range is not taken: list each port)" if ranged else ""),
                           "Give digits only, for example %s: %s." % (name, 8443 if "port" in name else 600))
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in BOOLEANS_TRUE | BOOLEANS_FALSE:
            return value.lower() in BOOLEANS_TRUE
        raise InvalidInput(name, value, "is not true or false.", "Give %s: true or %s: false." % (name, name))
    if kind == "list":
        if not isinstance(value, list):
            raise InvalidInput(name, value, "is not a list.", "Give a YAML list, for example %s: [first, second]." % name)
        return value
    if kind == "dict":
        if not isinstance(value, dict):
            raise InvalidInput(name, value, "is not a mapping.", "Give a YAML mapping, for example %s: {key: value}." % name)
        return value
    return value


def typed(problems, name, value, spec):
    """Check ``value`` against its argument spec entry; returns the converted value or None."""
    try:
        value = _typed(name, value, spec.get("type", "str"))
        if spec.get("type") == "list" and spec.get("elements"):
            value = [_typed("%s[%d]" % (name, i), v, spec["elements"]) for i, v in enumerate(value)]
            if spec["elements"] in ("str", "int"):
                twice = sorted(set(v for v in value if value.count(v) > 1))
                if twice:
                    raise InvalidInput(name, value, "lists %s twice." % ", ".join(str(v) for v in twice), "Keep one of each.")
        if spec.get("choices") and value not in spec["choices"]:
            raise InvalidInput(name, value, "is not one of %s." % ", ".join(str(c) for c in spec["choices"]),
                               "Use one of them.")
        return value
    except InvalidInput as error:
        problems.append(error.message)
        return None


# --- formats, with the modules' own rules ----------------------------------------------------

def _each(rule):
    return lambda name, values: [rule("%s[%d]" % (name, i), v) for i, v in enumerate(values or [])]


def _id(prefix):
    return lambda name, value: validation.resource_id(name, value, prefix) if value else value


def _address(name, value):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        raise InvalidInput(name, value, "is not an IP address.", "Give the target's address, for example 10.0.1.10.")


PRIVATE_TARGET_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")


def _private_address(name, value):
    """An NLB's IP targets are in its VPC or in private ranges (RFC 1918, 100.64.0.0/10): AWS refuses a public
    address when it registers the targets, after the load balancer and its target group were made."""
    address = _address(name, value)
    if address.version == 4 and not any(address in ipaddress.ip_network(n) for n in PRIVATE_TARGET_RANGES):
        raise InvalidInput(name, value, "is a public address, and a Network Load Balancer's IP targets are private "
                           "(RFC 1918 or 100.64.0.0/10).", "Give the workload's private address.")
    return address


def _text(limit):
    return lambda name, value: validation.text(name, value, limit)


def _role_tags(name_variable):
    """A role's tags: the role sets the Name tag from ``name_variable``, and its modules refuse another Name only
    when they come to it, after the play's earlier hosts have built."""
    def check(name, value):
        validation.tags(name, value)
        if isinstance(value, dict) and "Name" in value:
            raise InvalidInput("%s['Name']" % name, value["Name"], "is the Name tag, which the role sets from %s." % name_variable,
                               "Drop Name from %s; to name what the role makes, set %s." % (name, name_variable))
    return check


def meant_variables(name, known):
    """The names (variables or keys) ``name`` may stand for: those holding all of its words (vpc_peering_ports for
    vpc_peering_allowed_ports; two at most), else the closest spelling."""
    words = set(name.split("_"))
    return sorted((n for n in known if words <= set(n.split("_"))), key=len)[:2] or difflib.get_close_matches(name, known, 1, 0.6)


def _keys(name, entry, known):
    """Keys a mapping may have: an unknown one (a typo) would be ignored, and the run silently do less."""
    for key in sorted(set(entry) - set(known)):
        meant = meant_variables(key, known)
        raise InvalidInput("%s.%s" % (name, key), entry[key], "is not a key here.%s" % (" Did you mean %s?" % " or ".join(meant) if meant else ""),
                           "Use %s." % ", ".join(known))


CHECK_KEYS = ("subnet_name", "address", "port", "security_group_names", "destination_security_group_names")
CONNECT_VPC_KEYS = ("name", "subnet_names", "client_security_group_names", "service_targets", "group")
# What the inventory plugin crossvpc.aws.vpcs reads each key of a connect_vpcs entry from (the entry's from_tags_of: the VPC).
CONNECT_VPC_TAGS = {"service_targets": "its tag crossvpc:service-targets", "client_security_group_names": "its tag crossvpc:clients",
                    "subnet_names": "the Name tags of its subnets (those tagged crossvpc:connect, else the first of each zone)",
                    "name": "its Name tag"}
ROUTE_TABLE_KEYS = ("name", "associate", "propagate", "routes")
ROUTE_KEYS = ("destination_cidr", "attachment_name", "attachment_id", "blackhole")
SPOKE_KEYS = ("vpc_id", "vpc_name", "subnet_ids", "subnet_names", "name", "dns_support", "ipv6_support", "appliance_mode_support", "tags")


def _check(name, value):
    """A playbook's reachability check: {subnet_name, address, port, ...}."""
    _keys(name, value, CHECK_KEYS)
    for key in ("subnet_name", "address", "port"):
        if key not in value:
            raise InvalidInput(name, value, "has no %s." % key,
                               "Give subnet_name (where the check starts), address and port (what it must reach).")
    _address("%s.address" % name, value["address"])
    port = value["port"]  # the reachability module's port is an int option: Ansible takes "8443" as 8443
    validation.port("%s.port" % name, int(port) if isinstance(port, str) and port.strip().isdigit() else port)


def _spoke_vpc(name, entry):
    if not isinstance(entry, dict):
        raise InvalidInput(name, entry, "is not a mapping.", "Give {vpc_name, subnet_names, name} per VPC.")
    _keys(name, entry, SPOKE_KEYS)
    if bool(entry.get("vpc_id")) == bool(entry.get("vpc_name")):
        raise InvalidInput(name, entry, "needs exactly one of vpc_id and vpc_name.", "Name the VPC one way.")
    if bool(entry.get("subnet_ids")) == bool(entry.get("subnet_names")):
        raise InvalidInput(name, entry, "needs exactly one of subnet_ids and subnet_names.",
                           "List one subnet per Availability Zone, by id or by Name tag.")
    for key in ("subnet_ids", "subnet_names"):
        if key in entry and not isinstance(entry[key], list):
            raise InvalidInput("%s.%s" % (name, key), entry[key], "is not a list.", "Give a YAML list.")
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise InvalidInput("%s.name" % name, entry.get("name"), "is missing: it is the attachment's Name tag, how the hub's "
                           "route tables and the teardown's checks name it.", "Give each spoke VPC a name, for example name: orders.")
    _id("vpc")("%s.vpc_id" % name, entry.get("vpc_id"))
    _each(_id("subnet"))("%s.subnet_ids" % name, entry.get("subnet_ids"))
    for key in ("dns_support", "ipv6_support", "appliance_mode_support"):
        if entry.get(key) is not None:
            _typed("%s.%s" % (name, key), entry[key], "bool")
    if entry.get("tags") is not None:
        _role_tags("%s.name" % name)("%s.tags" % name, entry["tags"])  # the role tags the attachment Name=<name>


def _spoke_vpcs(name, entries):
    """Each entry, then no VPC and no attachment name twice (AWS attaches a VPC once per gateway)."""
    _each(_spoke_vpc)(name, entries)
    for key in ("vpc_id", "vpc_name", "name"):
        given = [e.get(key) for e in entries if e.get(key)]
        twice = sorted(set(v for v in given if given.count(v) > 1))
        if twice:
            raise InvalidInput(name, entries, "lists %s %s twice." % (key, ", ".join(twice)),
                               "A VPC attaches once to a transit gateway, and each attachment needs a name of its own.")


def _connect_vpc(name, entry):
    """One of connect.yml's connect_vpcs: {name, subnet_names, client_security_group_names, service_targets}."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        raise InvalidInput(name, entry, "has no name.", "Give each VPC its Name tag: {name: my-vpc, subnet_names: [...]}.")
    _keys(name, dict((k, v) for k, v in entry.items() if k != "from_tags_of"), CONNECT_VPC_KEYS)  # from_tags_of: the plugin's
    for key in ("subnet_names", "client_security_group_names", "service_targets"):
        if not isinstance(entry.get(key, []), list):
            raise InvalidInput("%s.%s" % (name, key), entry[key], "is not a list.", "Give a YAML list.")
    if not entry.get("subnet_names"):
        raise InvalidInput("%s.subnet_names" % name, entry.get("subnet_names"), "is empty.",
                           "List the VPC's subnets where its callers sit (one per zone).")
    _each(_address)("%s.service_targets" % name, entry.get("service_targets"))


def _route_table(name, table):
    if not isinstance(table, dict) or not table.get("name"):
        raise InvalidInput(name, table, "has no name.", "Give each route table a name, e.g. {name: spokes, associate: '*'}.")
    _keys(name, table, ROUTE_TABLE_KEYS)
    for key in ("associate", "propagate"):
        choice = table.get(key, [])
        if choice != "*" and not (isinstance(choice, list) and all(isinstance(c, str) for c in choice)):
            raise InvalidInput("%s.%s" % (name, key), choice, "is neither '*' nor a list of attachment names.",
                               "Give '*' for every spoke, or the spokes' attachment names (transit_gateway_spoke_vpcs[].name).")
    routes = table.get("routes") or []
    if not isinstance(routes, list):
        raise InvalidInput("%s.routes" % name, routes, "is not a list.", "List static routes as mappings.")
    for i, route in enumerate(routes):
        if not isinstance(route, dict):
            raise InvalidInput("%s.routes[%d]" % (name, i), route, "is not a mapping.",
                               "Give {destination_cidr: 10.9.0.0/16, attachment_name: a-spoke}, or blackhole: true instead of the attachment.")
        _keys("%s.routes[%d]" % (name, i), route, ROUTE_KEYS)
        validation.cidr("%s.routes[%d].destination_cidr" % (name, i), route.get("destination_cidr"))
        blackhole = _typed("%s.routes[%d].blackhole" % (name, i), route["blackhole"], "bool") if route.get("blackhole") is not None else False
        validation.one_route_target("%s.routes[%d]" % (name, i), route, blackhole)


def _route_tables(name, tables):
    """Each table valid, and each found by its own Name tag: two of one name would be one table."""
    _each(_route_table)(name, tables)
    first = {}
    for i, table in enumerate(tables or []):
        if table["name"] in first:
            raise InvalidInput("%s[%d].name" % (name, i), table["name"], "names %s[%d] too, and the role finds each route table by "
                               "its Name tag, so both would be one table." % (name, first[table["name"]]), "Give each its own name.")
        first[table["name"]] = i


def connect_name(name, value):
    """connect.yml names each NLB connect_name + "-" + 8 hex characters, and an NLB name holds 32."""
    if not load_balancing.LOAD_BALANCER_NAME.match(value + "-00000000") or value.startswith("sg-") or "--" in value + "-":
        raise InvalidInput(name, value, "cannot start the names connect.yml gives its load balancers and security groups (it adds "
                           "a hyphen and 8 characters): up to 23 letters, digits and hyphens, not starting with a hyphen, internal- "
                           "or sg-, not ending with a hyphen, and no two hyphens in a row.",
                           "Shorten or rename it.")


def consumer_name(name, value):
    """The consumer role's security group is <name>-endpoint, described "PrivateLink endpoint <name>: port <port> from its clients only"."""
    validation.text(name, value, security_groups.TEXT_LIMIT - len("PrivateLink endpoint : port 65535 from its clients only"),
                    "the description of the role's security group, with the service's port")
    security_groups.check_name(name, value, "-endpoint")


def peering_name(name, value):
    """The peering role's security group is <name>-from-peer, described "Peering <name>: TCP from the peer VPC only"."""
    validation.text(name, value, security_groups.TEXT_LIMIT - len("Peering : TCP from the peer VPC only"),
                    "the description of the role's security group")
    security_groups.check_name(name, value, "-from-peer")


# The roles' defaults these rules need (roles/*/meta/argument_specs.yml).
HUB_TABLES_DEFAULT = [{"name": "spokes"}]
PEERING_NAME_DEFAULT = "crossvpc-peering"

TEARDOWNS = {"privatelink_provider": "privatelink_teardown.yml", "privatelink_consumer": "privatelink_teardown.yml",
             "vpc_peering": "peering_teardown.yml", "transit_gateway_hub": "transit_gateway_teardown.yml",
             "transit_gateway_spoke": "transit_gateway_teardown.yml"}

NAMES = ("privatelink_provider_name", "privatelink_consumer_name", "vpc_peering_name", "transit_gateway_hub_name", "connect_name")


def writable(name, path):
    """A file the run writes on the controller: its nearest existing directory takes new files."""
    directory = os.path.dirname(os.path.abspath(os.path.expanduser(path)))
    while not os.path.isdir(directory) and os.path.dirname(directory) != directory:
        if os.path.exists(directory):
            raise InvalidInput(name, path, "cannot be written: %s is not a directory." % directory, "Give a path in a directory of yours.")
        directory = os.path.dirname(directory)
    try:  # (os.access says yes to root where the file system says no, as in /proc)
        tempfile.TemporaryFile(dir=directory).close()
    except OSError as error:
        raise InvalidInput(name, path, "cannot be written: %s does not take new files (%s)." % (directory, error.strerror),
                           "Give a path in a directory of yours.")


FORMATS = {
    "aws_account_id": lambda name, value: validation.account_id(
        name, value, "Write the account's 12-digit id, in quotes so YAML keeps it a string (\"012345678901\")."),
    "privatelink_provider_name": _text(256),
    "privatelink_provider_port": validation.port,
    "privatelink_provider_consumer_accounts": _each(validation.account_id),
    "privatelink_provider_nlb_arn": lambda name, value: validation.load_balancer_arn(name, value) if value else None,
    "privatelink_provider_subnet_ids": _each(_id("subnet")),
    "privatelink_provider_targets": _each(_private_address),
    "privatelink_provider_private_dns_name": lambda name, value: validation.dns_name(name, value) if value else None,
    "privatelink_provider_tags": _role_tags("privatelink_provider_name"),
    "privatelink_provider_wait_timeout": validation.positive_seconds,
    "privatelink_consumer_name": consumer_name,
    "privatelink_consumer_vpc_id": _id("vpc"),
    "privatelink_consumer_subnet_ids": _each(_id("subnet")),
    "privatelink_consumer_client_security_group_ids": _each(_id("sg")),
    "privatelink_consumer_client_cidrs": _each(validation.cidr),
    "privatelink_consumer_tags": _role_tags("privatelink_consumer_name"),
    "privatelink_consumer_wait_timeout": validation.positive_seconds,
    "vpc_peering_name": peering_name,
    "vpc_peering_vpc_id": _id("vpc"),
    "vpc_peering_connection_id": _id("pcx"),
    "vpc_peering_route_table_ids": _each(_id("rtb")),
    "vpc_peering_route_table_tags": validation.tags,
    "vpc_peering_allowed_ports": _each(validation.port),
    "vpc_peering_tags": _role_tags("vpc_peering_name"),
    "vpc_peering_wait_timeout": validation.positive_seconds,
    "vpc_peering_check": _check,
    "transit_gateway_hub_name": _text(256),
    "transit_gateway_hub_asn": validation.private_asn,
    "transit_gateway_hub_spoke_accounts": _each(validation.account_id),
    "transit_gateway_hub_tags": _role_tags("transit_gateway_hub_name"),
    "transit_gateway_hub_route_tables": _route_tables,
    "transit_gateway_hub_wait_timeout": validation.positive_seconds,
    "transit_gateway_spoke_vpcs": _spoke_vpcs,
    "transit_gateway_spoke_route_cidrs": _each(validation.cidr),
    "transit_gateway_spoke_wait_timeout": validation.positive_seconds,
    "transit_gateway_check": _check,
    "connect_vpcs": _each(_connect_vpc),
    "connect_name": connect_name,
    "connect_report_path": writable,
}


# Variables a playbook reads beside the roles' own (spec entries as in meta/argument_specs.yml).
PLAYBOOK_SPECS = {
    "aws_account_id": {"type": "str"},
    "aws_region": {"type": "str"},
    "aws_profile": {"type": "str"},
    "aws_account_profiles": {"type": "dict"},
    "aws_accounts_left_out": {"type": "list", "elements": "str"},  # by the inventory plugin crossvpc.aws.vpcs
    "connect_unnamed": {"type": "list", "elements": "str"},  # by the inventory plugin crossvpc.aws.vpcs
    "reachability_check": {"type": "bool"},
    # connect.yml's own (connect_plan.yml describes them; connectivity_plan checks the links).
    "connect_vpcs": {"type": "list", "elements": "dict"},
    "connect_links": {"type": "list", "elements": "dict"},
    "connect_expected_vpcs": {"type": "raw"},
    "connect_on_premises": {"type": "list", "elements": "dict"},
    "connect_report_path": {"type": "str"},
    "connect_plan_writes_report": {"type": "bool"},  # set by connect.yml and connect_teardown.yml
    "connect_peering_max_vpcs": {"type": "int"},
    "connect_peering_quota_per_vpc": {"type": "int"},
    "connect_transit_gateway_attachment_quota": {"type": "int"},
    "connect_route_table_route_quota": {"type": "int"},
    "connect_hub_account": {"type": "str"},
    "connect_name": {"type": "str"},
    "vpc_peering_check": {"type": "dict"},
    "transit_gateway_check": {"type": "dict"},
    "transit_gateway_spoke_route_cidrs": {"type": "list", "elements": "str"},
    # Pairings, when a playbook runs several services or peerings: the inventory host of the other end.
    "privatelink_provider_host": {"type": "str"},
    "vpc_peering_peer_host": {"type": "str"},
    "transit_gateway_hub_host": {"type": "str"},
}

# Per part, with state=present: (variables of which at least one must be non-empty, the fix).
REQUIRED = {
    "privatelink_provider": [
        (("privatelink_provider_name",), "Name the service."),
        (("privatelink_provider_port",), "Give the service's TCP port."),
        (("privatelink_provider_nlb_arn", "privatelink_provider_subnet_ids", "privatelink_provider_subnet_names"),
         "Give the NLB's subnets (one per zone) for the role to make it, or an existing NLB's ARN."),
    ],
    "privatelink_consumer": [
        (("privatelink_consumer_name",), "Name the endpoint."),
        (("privatelink_consumer_subnet_ids", "privatelink_consumer_subnet_names"),
         "List the endpoint's subnets, one per zone the clients run in."),
        (("privatelink_consumer_client_security_group_ids", "privatelink_consumer_client_security_group_names",
          "privatelink_consumer_client_cidrs"), "Name the clients allowed to call the service: the endpoint opens its port to them only."),
    ],
    "vpc_peering": [
        (("vpc_peering_vpc_id", "vpc_peering_vpc_name"), "Name this end's VPC by id or Name tag."),
    ],
    "transit_gateway_hub": [],
    "connect": [],
    "transit_gateway_spoke": [
        (("transit_gateway_spoke_vpcs",), "List this account's VPCs to attach: [{vpc_name, subnet_names, name}]."),
    ],
    "common": [
        (("aws_region",), "Set the account's region, for example aws_region: us-east-1."),
    ],
}

# What an emptied spoke list means to a user who built with it (the build detaches nothing it is no longer given).
SPOKES_EMPTIED = (" transit_gateway.yml attaches the VPCs listed and detaches none: to detach this account's VPCs, take "
                  "the host out of the spoke group and run playbooks/transit_gateway_teardown.yml, or, for one VPC, "
                  "crossvpc.aws.vpc_route state=absent for its routes to the gateway, then "
                  "crossvpc.aws.transit_gateway_attachment state=absent.")

# Parts whose host must be in the region of another host's resource: (part, context key, problem).
SAME_REGION = [
    ("privatelink_consumer", "service_region", "the provider's service is in %(there)s, and an interface endpoint reaches services "
     "of its own region. Make this consumer's endpoint in %(there)s, or publish the service in %(here)s too."),
    ("transit_gateway_spoke", "hub_region", "the hub's transit gateway is in %(there)s, and a VPC attaches to a transit gateway of "
     "its own region. Attach VPCs of %(there)s, or make a hub in %(here)s."),
]

ONE_OF = "Give one of them."
# With an NLB given the role makes none, so what it would make it from would be silently ignored.
GIVEN_NLB = ("With privatelink_provider_nlb_arn the service fronts that load balancer as it is and the role makes none: "
             "leave %s out, or privatelink_provider_nlb_arn for the role to make one.")
EXCLUSIVE = [
    ("privatelink_provider_subnet_ids", "privatelink_provider_subnet_names", ONE_OF),
    ("privatelink_consumer_subnet_ids", "privatelink_consumer_subnet_names", ONE_OF),
    ("vpc_peering_vpc_id", "vpc_peering_vpc_name", ONE_OF),
    ("vpc_peering_route_table_ids", "vpc_peering_route_table_tags", ONE_OF),
] + [("privatelink_provider_nlb_arn", name, GIVEN_NLB % name) for name in (
    "privatelink_provider_subnet_ids", "privatelink_provider_subnet_names", "privatelink_provider_targets")]


def check_variables(host, parts, state, variables, specs, context=None):
    """Types, formats, required and exclusive variables, and typos: no AWS call. Returns
    (problems, the variables converted to their types). ``context``: what the playbook knows of
    the other hosts (attachment_names: every spoke's attachment names; service_region and hub_region:
    the provider's (or per consumer host, its provider's) and the hub's regions; spoke_vpcs and accounts: each spoke host's
    transit_gateway_spoke_vpcs and aws_account_id)."""
    problems = Problems()
    specs = dict(PLAYBOOK_SPECS, **(specs or {}))
    values, wrong = {}, set()
    for name in sorted(variables):
        if name in specs:
            value = typed(problems, name, variables[name], specs[name])
            if value is None:
                wrong.add(name)
            else:
                values[name] = value
        elif name not in OUTPUTS:  # a role's prefix, not its variable: a typo, which the role would ignore
            kin = [n for n in specs if n.split("_")[0] == name.split("_")[0]]
            meant = meant_variables(name, kin)
            hint = " Did you mean %s?" % " or ".join(meant) if meant else ""
            subnets = [n for n in kin if n.startswith(name.rsplit("_vpc_", 1)[0] + "_subnet_")]
            if "_vpc_" in name and not [n for n in kin if n.startswith(name.rsplit("_vpc_", 1)[0] + "_vpc_")] and subnets:
                hint = " Its VPC is the one of its subnets: give %s." % " or ".join(sorted(subnets))  # the provider has no VPC variable
            problems.append("%s=%r: is not a variable of %s.%s (As written it is ignored.)" % (
                name, variables[name], " or ".join(p for p in parts if name.startswith(p + "_")) or " or ".join(parts), hint))
    if state == "absent" and "transit_gateway_spoke" in parts and values.get("transit_gateway_spoke_vpcs") == []:
        problems.append("transit_gateway_spoke_vpcs=[]: lists no VPC, so this account's attachments would stay and block the "
                        "hub's removal. List the VPCs it attached, or take the host out of the spoke group.")
    links = values.get("connect_links")
    if "connect" in parts and state == "present" and "planned_names" not in (context or {}) and not links \
            and "connect_links" not in wrong:  # given wrong (not a list), it is named as that, not as unset
        fix = ("List the links to connect: connect_links: [{client: <VPC name>, server: <VPC name>, ports: [443]}], in the inventory's "
               "group vars or with -e.")
        problems.append("connect_links: not set. %s" % fix if links is None else "connect_links=%r: lists no link. %s connect.yml builds "
                        "the links listed and removes none: to remove what it built, run playbooks/connect_teardown.yml with the links "
                        "it built." % (links, fix))
    if "connect" in parts and values.get("connect_unnamed"):
        problems.append("connect_unnamed=%r: tagged crossvpc:connect, these have no Name tag, and connect.yml finds VPCs and subnets "
                        "by Name, so the plan would leave them out. Give each a Name tag (or take crossvpc:connect off it) and run "
                        "again." % values["connect_unnamed"])
    if "connect" in parts and values.get("aws_accounts_left_out"):
        problems.append("aws_accounts_left_out=%r: the inventory plugin crossvpc.aws.vpcs could not read these accounts, and connect.yml "
                        "plans every account's VPCs together, so its plan would miss theirs. Fix their profiles (or take them out of the "
                        "plugin's accounts) and run again." % values["aws_accounts_left_out"])
    if state == "present" and "privatelink_provider" in parts and values.get("privatelink_provider_targets") == [] \
            and not values.get("privatelink_provider_nlb_arn"):
        problems.append("privatelink_provider_targets=[]: lists no target, so the load balancer the role makes would forward to "
                        "nothing. List the service's addresses (its pods' IPs), or give privatelink_provider_nlb_arn.")
    if state == "present":
        for part in ["common"] + list(parts):
            for names, fix in REQUIRED[part]:
                if not any(values.get(n) not in (None, "", [], {}) or n in wrong for n in names):
                    empty = [n for n in names if values.get(n) is not None]
                    problems.append("%s. %s%s" % ("%s=%r: is empty" % (empty[0], values[empty[0]]) if empty else
                                                  "%s: not set" % " or ".join(names), fix, SPOKES_EMPTIED if empty == ["transit_gateway_spoke_vpcs"] else ""))
        for first, second, fix in EXCLUSIVE:
            if values.get(first) and values.get(second):
                problems.append("%s and %s: both set (%r, %r). %s" % (first, second, values[first], values[second], fix))
    for part in parts if state == "present" else []:  # a build that removes half of what it builds
        if values.get(part + "_state") == "absent":
            problems.append("%s_state='absent': this playbook builds, and with it the run would remove this part halfway through "
                            "the build. Leave %s_state out, and run playbooks/%s to remove it." % (part, part, TEARDOWNS.get(part)))
    for part in parts if state == "absent" else []:  # the teardown sets it: a host's value would be ignored
        if values.get(part + "_state") not in (None, "absent") and part in TEARDOWNS:
            problems.append("%s_state=%r: this playbook tears down, and removes this part whatever it says. Leave %s_state out, and "
                            "run playbooks/%s to build it." % (part, values[part + "_state"], part, TEARDOWNS[part].replace("_teardown", "")))
    if state == "absent" and "vpc_peering" in parts and "vpc_peering_remove_connection" in values \
            and host not in (context or {}).get("peering_pairs", {host: None}):
        problems.append("vpc_peering_remove_connection=%r: set on an accepter, and only the requester removes the connection, so "
                        "it would be ignored. Set it on the requester's host." % (values["vpc_peering_remove_connection"],))
    for name in NAMES:  # the Name tags that find what a role made: a role's default, or given, never empty
        if name in values and values[name] in (None, ""):
            problems.append("%s=%r: is empty, and it is the Name tag that finds what the role makes on every run. Give a "
                            "name, or leave the variable out for the role's default." % (name, values[name]))
    for name, value in sorted(values.items()):
        if name in FORMATS and value not in (None, ""):
            problems.check(FORMATS[name], name, value)
    if "privatelink_provider" in parts and not values.get("privatelink_provider_nlb_arn"):
        problems.check(load_balancer_name, "privatelink_provider_name", values.get("privatelink_provider_name"))
    names = (context or {}).get("attachment_names")
    if "transit_gateway_hub" in parts and names is not None:
        for i, table in enumerate(values.get("transit_gateway_hub_route_tables") or []):
            for key in ("associate", "propagate"):
                chosen = table.get(key) if isinstance(table, dict) else None
                for unknown in sorted(set(chosen or []) - set(names)) if isinstance(chosen, list) else []:
                    problems.append("transit_gateway_hub_route_tables[%d].%s: %r is not the name of any spoke's attachment "
                                    "(transit_gateway_spoke_vpcs[].name: %s). Use one of them, or '*'." % (
                                        i, key, unknown, ", ".join(sorted(names)) or "none"))
            for j, route in enumerate(table.get("routes") or [] if isinstance(table, dict) else []):
                name = route.get("attachment_name") if isinstance(route, dict) else None
                if name is not None and name not in names:
                    problems.append("transit_gateway_hub_route_tables[%d].routes[%d].attachment_name=%r: is not the name of any "
                                    "spoke's attachment (transit_gateway_spoke_vpcs[].name: %s). Use one of them." % (
                                        i, j, name, ", ".join(sorted(names)) or "none"))
        # An attachment is associated with one route table: in two, each run would move it back and forth.
        associated = {}
        for i, table in enumerate(values.get("transit_gateway_hub_route_tables") or []):
            chosen = table.get("associate") if isinstance(table, dict) else None
            for name in sorted(set(names) if chosen == "*" else set(chosen or []) & set(names) if isinstance(chosen, list) else []):
                if name in associated:
                    problems.append("transit_gateway_hub_route_tables[%d].associate=%r: associates %r, as transit_gateway_hub_route_tables"
                                    "[%d].associate does. An attachment is associated with one route table (it may propagate into "
                                    "several): keep it in one." % (i, chosen, name, associated[name]))
                associated.setdefault(name, i)
    spokes = (context or {}).get("spoke_vpcs") or {}
    accounts = (context or {}).get("accounts") or {}
    others = [dict(entry, host=other, account=accounts.get(other)) for other, entries in sorted(spokes.items()) if other != host
              and isinstance(entries, list) for entry in entries if isinstance(entry, dict)]
    if "transit_gateway_spoke" in parts and others:
        problems.extend(spoke_clashes(values.get("aws_account_id"), values.get("transit_gateway_spoke_vpcs") or [], others))
    region = values.get("aws_region")
    if isinstance(region, str) and region_problem(region):  # what the region is matters before where it is
        close = difflib.get_close_matches(region, known_regions(), 1)
        problem = region_problem(region)
        problems.append("aws_region=%r: %s%s %s" % (region, problem[0], " Did you mean %s?" % close[0] if close else "", problem[1]))
        region = None
    for part, key, problem in SAME_REGION:
        expected = (context or {}).get(key)
        if isinstance(expected, dict):  # per host: each consumer's own provider
            expected = expected.get(host)
        # (an unknown region on the other side is that host's problem, not this one's)
        if part in parts and expected and region and region != expected and not region_problem(expected):
            problems.append("aws_region=%r: %s" % (region, problem % {"there": expected, "here": region}))
    service_dns = (context or {}).get("service_dns")
    if isinstance(service_dns, dict) and "privatelink_consumer" in parts and values.get("privatelink_consumer_private_dns_enabled") \
            and not service_dns.get(host):  # AWS refuses private DNS on an endpoint to a service without a name
        problems.append("privatelink_consumer_private_dns_enabled=True: the provider's service gets no private DNS name "
                        "(privatelink_provider_private_dns_name is not set), so AWS would refuse the endpoint. Leave it false and call "
                        "the endpoint's own DNS name, or give the provider a privatelink_provider_private_dns_name.")
    acceptance = (context or {}).get("service_acceptance")
    if isinstance(acceptance, dict) and "privatelink_consumer" in parts and values.get("privatelink_consumer_wait_for") == "available" \
            and str(acceptance.get(host)).lower() not in ("false", "no", "0"):  # unset on the provider: its default, true
        problems.append("privatelink_consumer_wait_for='available': the provider's service requires acceptance "
                        "(privatelink_provider_acceptance_required), and the provider accepts after the consumers' play, so this "
                        "wait could only time out. Leave it pendingAcceptance (the playbook waits for available after the accept), "
                        "or set privatelink_provider_acceptance_required: false on the provider.")
    service = values.get("privatelink_consumer_service") or {}
    if "privatelink_consumer" in parts and service.get("service_name"):
        problems.check(validation.service_name, "privatelink_consumer_service.service_name", service["service_name"],
                       values.get("aws_region"))
    return problems, values


def spoke_clashes(account, entries, others):
    """This host's spoke VPCs against the other spoke hosts': an attachment name used twice, or a VPC
    of the same account attached twice (the second would take over the first's attachment)."""
    clashes = []
    for i, entry in enumerate(e for e in entries if isinstance(e, dict)):
        for other in others:
            if entry.get("name") and entry.get("name") == other.get("name"):
                clashes.append("transit_gateway_spoke_vpcs[%d].name=%r: host %s names an attachment so too. Give each attachment "
                               "a name of its own." % (i, entry["name"], other["host"]))
            vpc = entry.get("vpc_id") or entry.get("vpc_name")
            if vpc and vpc in (other.get("vpc_id"), other.get("vpc_name")) and str(other.get("account")) == str(account):
                clashes.append("transit_gateway_spoke_vpcs[%d]: host %s attaches %s of account %s too. List each VPC once, on one host." % (
                    i, other["host"], vpc, account))
    return clashes


def load_balancer_name(name, value):
    """The NLB the provider role makes is named after the service: ELBv2's name rules."""
    if value and not (load_balancing.LOAD_BALANCER_NAME.match(value)
                      and load_balancing.TARGET_GROUP_NAME.match(load_balancing.target_group_name(value))):
        raise InvalidInput(name, value, "cannot name the Network Load Balancer and target group the role makes: up to 32 letters, "
                           "digits and hyphens, not starting or ending with a hyphen, nor with internal-, and no two hyphens in a row.",
                           "Shorten or rename it, or give privatelink_provider_nlb_arn.")


# --- look-ups: read calls that find what the variables name -----------------------------------

# What Account.read() reads: operation and result key, per kind of resource.
READS = {"vpcs": ("describe_vpcs", "Vpcs"), "subnets": ("describe_subnets", "Subnets"),
         "security groups": ("describe_security_groups", "SecurityGroups"),
         "route tables": ("describe_route_tables", "RouteTables")}


class Account:
    """One account and region's VPCs, subnets, security groups and route tables, each read once."""

    def __init__(self, module, account, region):
        self.ec2 = client(module, "ec2")
        self.where = "in account %s, %s" % (account, region)
        self._read = {}

    def read(self, kind, vpc_id=None):
        """Every resource of ``kind`` (of ``vpc_id`` when given), read once."""
        if (kind, vpc_id) not in self._read:
            operation, key = READS[kind]
            filters = [{"Name": "vpc-id", "Values": [vpc_id]}] if vpc_id else []
            self._read[kind, vpc_id] = paginate(self.ec2, operation, key, "describe the %s%s" % (
                kind, " of %s" % vpc_id if vpc_id else ""), Filters=filters)
        return self._read[kind, vpc_id]

    def vpcs(self):
        return self.read("vpcs")

    def subnets(self):
        return self.read("subnets")

    def peering_connection(self, problems, connection_id, vpc):
        """vpc_peering_connection_id, when set, is a live connection of this end's VPC (the playbooks find the
        connection from the two VPCs, so a wrong one would be ignored without a word)."""
        if not connection_id or vpc is None:
            return
        found = call(self.ec2, "describe_vpc_peering_connections", "look up %s" % connection_id, missing={},
                     VpcPeeringConnectionIds=[connection_id]).get("VpcPeeringConnections", [])
        found = [p for p in found if _state(p, "Status.Code") not in GONE]
        ends = [found[0]["RequesterVpcInfo"]["VpcId"], found[0]["AccepterVpcInfo"]["VpcId"]] if found else []
        if vpc["VpcId"] not in ends:
            problems.append("vpc_peering_connection_id=%r: %s, not a connection of this host's VPC %s. Leave it empty: the "
                            "playbooks find the connection from the two VPCs." % (
                                connection_id, "connects %s and %s" % tuple(ends) if ends else "no such peering connection %s"
                                % self.where, vpc["VpcId"]))

    def attachment_ids(self, problems, given):
        """Attachment ids a route names exist now: AWS makes them, so a later step cannot."""
        if not given:
            return
        live = [a["TransitGatewayAttachmentId"] for a in paginate(
            self.ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments", "look up the routes' attachments",
            Filters=[{"Name": "transit-gateway-attachment-id", "Values": sorted(set(attachment_id for _name, attachment_id in given))}])
            if _state(a, "State") not in GONE]
        for name, attachment_id in given:
            if attachment_id not in live:
                problems.append("%s=%r: no such transit gateway attachment %s (or it is deleted). Name a spoke's attachment by "
                                "attachment_name instead, or check the id." % (name, attachment_id, self.where))

    def vpc(self, problems, id_name, vpc_id, name_name, vpc_name):
        """The one VPC named by id or Name tag, or None with a problem."""
        if vpc_id:
            found = [v for v in self.vpcs() if v["VpcId"] == vpc_id]
            if not found:
                problems.append("%s=%r: no such VPC %s. Check the id, the account (aws_profile) and aws_region." % (
                    id_name, vpc_id, self.where))
        elif vpc_name:
            found = [v for v in self.vpcs() if tags_of(v).get("Name") == vpc_name]
            if len(found) != 1:
                problems.append("%s=%r: %s %s. %s" % (
                    name_name, vpc_name, "matches %d VPCs (%s)" % (len(found), ", ".join(v["VpcId"] for v in found))
                    if found else "no VPC has this Name tag", self.where,
                    "Check the name, the account (aws_profile) and aws_region." if not found else
                    "Give %s instead, or give each VPC a Name tag of its own." % id_name if id_name else
                    "Give each VPC a Name tag of its own: the playbook finds it by that tag."))
                found = []
        else:
            return None
        return found[0] if found else None

    def subnets_named(self, problems, ids_name, ids, names_name, names, vpc=None, vpc_name=None, vpc_option=None):
        """The subnets listed by id or Name tag, each resolving to exactly one subnet (of ``vpc`` when
        given); every one must resolve, and at most one per Availability Zone. ``vpc_option``: the variable
        that would narrow the names to one VPC, when the caller has one."""
        found = []
        for i, subnet_id in enumerate(ids or []):
            match = [s for s in self.subnets() if s["SubnetId"] == subnet_id]
            if not match:
                problems.append("%s[%d]=%r: no such subnet %s. Check the id, the account and the region." % (
                    ids_name, i, subnet_id, self.where))
            found += match
        for listed, given in ((ids_name, ids), (names_name, names)):
            twice = sorted(set(v for v in given or [] if list(given).count(v) > 1))
            if twice:
                problems.append("%s=%r: lists %s twice, and AWS takes one subnet per Availability Zone. List each once." % (
                    listed, given, ", ".join(twice)))
        for i, name in enumerate(names or []):
            match = [s for s in self.subnets() if tags_of(s).get("Name") == name]
            inside = [s for s in match if vpc is None or s["VpcId"] == vpc["VpcId"]]
            if not inside:
                problems.append("%s[%d]=%r: no subnet has this Name tag %s%s. Check the name, or list the subnets by id." % (
                    names_name, i, name, self.where, " in %s" % (vpc_name or vpc["VpcId"]) if vpc and match else ""))
            elif len(inside) > 1:
                fixes = (["List them by id in %s" % ids_name] if ids_name else []) + (
                    ["give %s" % vpc_option] if vpc_option and vpc is None else []) + ["give each subnet a Name tag of its own"]
                fixes[0] = fixes[0][0].upper() + fixes[0][1:]
                problems.append("%s[%d]=%r: %d subnets have this Name tag %s (%s). %s." % (
                    names_name, i, name, len(inside), self.where, ", ".join(s["SubnetId"] for s in inside), ", or ".join(fixes)))
            else:
                found += inside
        where = ids_name if ids else names_name
        if vpc is not None:
            for subnet in found:
                if subnet["VpcId"] != vpc["VpcId"]:
                    problems.append("%s: %s is in %s, not in %s. List subnets of that VPC." % (
                        where, subnet["SubnetId"], subnet["VpcId"], vpc_name or vpc["VpcId"]))
        elif len(set(s["VpcId"] for s in found)) > 1:
            problems.append("%s: the subnets are in %d VPCs (%s). List subnets of one VPC." % (
                where, len(set(s["VpcId"] for s in found)), ", ".join(sorted(set(s["VpcId"] for s in found)))))
        zones = {}
        for subnet in found:
            other = zones.setdefault(subnet["AvailabilityZone"], subnet)
            if other is not subnet:
                problems.append("%s: %s and %s are both in %s, and AWS takes one subnet per Availability Zone. Keep one of them." % (
                    where, other["SubnetId"], subnet["SubnetId"], subnet["AvailabilityZone"]))
        return found

    def groups_named(self, problems, ids_name, ids, names_name, names, vpc):
        groups = self.read("security groups", vpc["VpcId"])
        for i, group_id in enumerate(ids or []):
            if not [g for g in groups if g["GroupId"] == group_id]:
                problems.append("%s[%d]=%r: no such security group in %s %s. Check the id." % (
                    ids_name, i, group_id, vpc["VpcId"], self.where))
        for i, name in enumerate(names or []):
            if not [g for g in groups if g["GroupName"] == name]:
                problems.append("%s[%d]=%r: no security group of this name in %s %s. Check the name." % (
                    names_name, i, name, vpc["VpcId"], self.where))

    def check_path(self, problems, name, check, vpc, vpc_name):
        """A reachability check's start: its subnet (and groups) in the VPC of this host."""
        self.subnets_named(problems, None, [], "%s.subnet_name" % name, [check["subnet_name"]], vpc, vpc_name)
        self.groups_named(problems, None, [], "%s.security_group_names" % name,
                          check.get("security_group_names") or [], vpc)


def check_credentials(module, problems, values):
    """The profile resolves and its account is aws_account_id; returns the account, or None."""
    profile = values.get("aws_profile")
    if profile and not known_profile(profile):
        problems.append("aws_profile=%r: is not a profile of your AWS config (%s). Check the name, or set AWS_CONFIG_FILE." % (
            profile, os.environ.get("AWS_CONFIG_FILE", "~/.aws/config")))
        return None
    for other in sorted((values.get("aws_account_profiles") or {}).items()):
        if other[1] and not known_profile(other[1]):
            problems.append("aws_account_profiles[%r]=%r: is not a profile of your AWS config. Check the name." % other)
    try:
        account = call(client(module, "sts"), "get_caller_identity", "read the account of the credentials")["Account"]
    except CrossvpcError as error:
        if profile:
            problems.append("aws_profile=%r: its credentials do not work: %s. Check the profile's keys or role (aws sts "
                            "get-caller-identity --profile %s)." % (profile, error.message.rstrip("."), profile))
        else:
            problems.append("aws_profile: not set, and the credentials of the environment do not work: %s. Set aws_profile for this "
                            "host to a profile of your AWS config, or give credentials in the environment (AWS_PROFILE, or "
                            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)." % error.message.rstrip("."))
        return None
    expected = values.get("aws_account_id")
    if expected and expected != account:
        problems.append("aws_account_id=%r: but the credentials (aws_profile=%r) are of account %s. Fix the id or the profile." % (
            expected, profile, account))
    return account


def vpc_found(vpc, named):
    """What the hosts' look-ups hand to the check across hosts: the VPC, how the inventory named it, its ranges."""
    return {"vpc_id": vpc["VpcId"], "account": vpc.get("OwnerId"), "named": named,
            "cidrs": [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []
                      if a.get("CidrBlockState", {}).get("State") in ("associated", "associating")]}


def _overlap(first, second):
    """The first pair of overlapping ranges of two VPCs, as text, or None."""
    for a in first["cidrs"]:
        for b in second["cidrs"]:
            if ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b)):
                return "%s overlaps %s" % (a, b)
    return None


def inside(address, vpc):
    """The range of ``vpc`` (vpc_found's) that holds ``address``, or None."""
    address = ipaddress.ip_address(address)
    return next((c for c in vpc["cidrs"] if address in ipaddress.ip_network(c)), None)


def outside(problems, name, addresses, vpc, why):
    """Each of ``addresses`` (the variable ``name``) must be in ``vpc``'s ranges."""
    for i, address in enumerate(addresses or []):
        if not inside(address, vpc):
            problems.append("%s[%d]=%r: is outside %s (%s): %s. Give addresses in that VPC." % (
                name, i, address, vpc["named"], ", ".join(vpc["cidrs"]), why))


def wrong_account_profiles(found):
    """aws_account_profiles entries whose profile a host's own credentials show to be of another account."""
    proven = dict((found[h]["profile"], (h, found[h].get("account"))) for h in sorted(found, reverse=True)
                  if (found[h] or {}).get("profile") and found[h].get("account"))
    entries = sorted(set((str(a), p) for h in found for a, p in ((found[h] or {}).get("account_profiles") or {}).items()))
    return ["aws_account_profiles[%r]=%r: that profile's credentials are of account %s (host %s's aws_profile), not %s, so the checks "
            "would read the wrong account. Key each profile by its own account's id." % (account, profile, proven[profile][1],
                                                                                         proven[profile][0], account)
            for account, profile in entries if profile in proven and proven[profile][1] != account]


def renamed_privatelink(found, providers):
    """A provider or consumer name changed on a built PrivateLink (found by their names, a second service and endpoint would
    be made and the first left connected): a consumer's endpoint already connects to another service of its provider's
    account, or another endpoint of its VPC already connects to its provider's service. ``providers``: consumer -> provider."""
    problems = []
    claimed = set((found[h] or {}).get("consumer_name") for h in found)
    for consumer, provider in sorted(providers.items()):
        mine, theirs = found.get(consumer) or {}, found.get(provider) or {}
        if "vpc_endpoints" not in mine or "account_services" not in theirs:
            continue
        # (Within one account the consumer's service of that name is the provider's own: nothing swapped.)
        for service, named in sorted((mine.get("account_services") or {}).items()) if mine.get("account") != theirs.get("account") else []:
            if named == theirs.get("provider_name") and service in (theirs.get("account_endpoint_services") or []):
                problems.append("host %s (a consumer) and host %s (its provider): this consumer's account %s has the service named %r, "
                                "%s, and an endpoint of the provider's account %s calls it: the two accounts swapped since the build, "
                                "which would make a second service and endpoint and leave that one connected. Put the hosts back in "
                                "their groups, or tear the built one down first (playbooks/privatelink_teardown.yml with the inventory "
                                "of the build)." % (consumer, provider, mine.get("account"), named, service, theirs.get("account")))
        for endpoint in [e for e in mine["vpc_endpoints"] if e["name"] == mine.get("consumer_name")]:
            service = endpoint["service_name"]
            if service in theirs["account_services"] and service != theirs["provider_service"]:
                problems.append("host %s's privatelink_provider_name=%r: host %s's endpoint %s (%s) connects to %s of that account, "
                                "named %r, not to a service of this name, so the build would make a second service and load balancer, "
                                "and a second endpoint of that name. Keep the name %r, or tear the built one down first "
                                "(playbooks/privatelink_teardown.yml with the names of the build)." % (
                                    provider, theirs["provider_name"], consumer, endpoint["id"], endpoint["name"], service,
                                    theirs["account_services"][service], theirs["account_services"][service]))
        for endpoint in [e for e in mine["vpc_endpoints"] if theirs["provider_service"] and e["service_name"] == theirs["provider_service"]
                         and e["name"] not in claimed]:
            problems.append("host %s's privatelink_consumer_name=%r: endpoint %s (Name %r) of this VPC already connects to host %s's "
                            "service %s, so the build would make a second endpoint and security group and leave that one connected. "
                            "Keep the name %r, or tear it down first (playbooks/privatelink_teardown.yml with the names of the build)." % (
                                consumer, mine.get("consumer_name"), endpoint["id"], endpoint["name"], provider,
                                theirs["provider_service"], endpoint["name"]))
        for endpoint in [e for e in mine["vpc_endpoints"] if e["service_name"] in (theirs.get("provider_twins") or []) and e["name"] not in claimed]:
            problems.append("host %s's privatelink_provider_name=%r and host %s's privatelink_consumer_name=%r: endpoint %s (Name %r) of this "
                            "consumer's VPC connects to %s (Name %r) of the provider's account, which serves the same targets: both names "
                            "changed since the build, and the build would make a second service, load balancer and endpoint and leave "
                            "those connected. Keep the names %r and %r, or tear the built ones down first (playbooks/privatelink_teardown.yml "
                            "with the names of the build)." % (
                                provider, theirs["provider_name"], consumer, mine.get("consumer_name"), endpoint["id"], endpoint["name"],
                                endpoint["service_name"], theirs["account_services"].get(endpoint["service_name"]),
                                theirs["account_services"].get(endpoint["service_name"]), endpoint["name"]))
    return problems


def absent_across(found):
    """The rules across hosts that conclude from what no host found: an endpoint or service no host
    names, a hub attachment no spoke removes, a check address in no spoke's VPC, links to VPCs no
    host lists."""
    problems = check_links(found) + wrong_account_profiles(found)
    services = [(host, (found[host] or {}).get("service_name")) for host in sorted(found) if (found[host] or {}).get("service_name")]
    consumers = set(found[host].get("account") for host in found if "endpoints" in (found[host] or {}))
    for provider in sorted(h for h in found if (found[h] or {}).get("service_connections")):
        for connection in [c for c in found[provider]["service_connections"] if c["account"] not in consumers]:
            problems.append("host %s's %s: endpoint %s of account %s is connected to its service %s, and no consumer host of this "
                            "teardown is in that account, so the teardown would stop at the service (AWS keeps a service with live "
                            "connections). Add that account's consumer host to the consumer group, or have it remove %s first." % (
                                provider, found[provider]["service_named"], connection["endpoint"], connection["account"],
                                found[provider]["service_name"], connection["endpoint"]))
    # Endpoints another consumer host of this run names are its own (a teardown that stopped halfway, run again).
    claimed = set((found[host] or {}).get("endpoint_name") for host in found)
    for host in sorted(found):
        named = (found[host] or {}).get("endpoint_named")
        for provider, service in services if named else []:
            for endpoint in [e for e in found[host]["endpoints"] if e["service_name"] == service and e["name"] not in claimed]:
                problems.append("host %s's %s: no endpoint has this name, but %s (%s) in the same account connects to host %s's "
                                "service %s, whose removal it would block after this host's part was torn down. Give %s's "
                                "Name tag, or remove it first." % (host, named, endpoint["id"], endpoint["name"] or "no Name tag",
                                                                   provider, service, endpoint["id"]))
    # A provider's misspelt service name: the consumers' endpoints would go, the service and its NLB stay.
    for provider in sorted(host for host in found if (found[host] or {}).get("services") and not found[host].get("service_name")):
        for host in sorted(found):
            consumer = found[host] or {}
            for endpoint in [e for e in consumer.get("endpoints") or [] if e["name"] == consumer.get("endpoint_name")]:
                service = found[provider]["services"].get(endpoint["service_name"], False)
                if service is not False:
                    problems.append("host %s's %s: no endpoint service has this name, but host %s's endpoint %s (%s) connects to "
                                    "its account's service %s (Name tag %s): the teardown would remove the endpoint and leave the "
                                    "service. Give the service's Name tag." % (
                                        provider, found[provider]["service_named"], host, endpoint["id"], endpoint["name"],
                                        endpoint["service_name"], service or "none"))
    listed = set((found[host].get("account"), vpc) for host in found for vpc in (found[host] or {}).get("spoke_vpc_ids") or [])
    listed |= set((found[host].get("account"), vpc["vpc_id"]) for host in found for vpc in (found[host] or {}).get("spoke_vpcs") or [])
    for hub in sorted(host for host in found if (found[host] or {}).get("hub_attachments")):
        attached = set((a["account"], a["vpc"]) for a in found[hub]["hub_attachments"])
        for attachment in [a for a in found[hub]["hub_attachments"] if (a["account"], a["vpc"]) not in listed]:
            of_account = sorted(host for host in found if set(("spoke_vpc_ids", "spoke_vpcs")) & set(found[host] or {})
                                and found[host].get("account") == attachment["account"])
            fix = ("List that VPC in the transit_gateway_spoke_vpcs of %s" % " or ".join(of_account) if of_account
                   else "Add a spoke host of account %s, listing that VPC" % attachment["account"])
            # In a teardown, what the account's hosts list instead, never attached to this hub: likely the entry written in its place.
            instead = ["host %s's %s, %s" % (host, v["named"], v["vpc_id"]) for host in of_account
                       for v in found[host].get("spoke_vpcs") or [] if (attachment["account"], v["vpc_id"]) not in attached]
            if instead and not found[hub].get("building"):
                fix += " (%s %s no attachment to this hub: is %s the entry meant for it?)" % (
                    "; ".join(instead), "has" if len(instead) == 1 else "have", "that" if len(instead) == 1 else "one of them")
            problems.append("host %s's %s: its attachment %s (%s %s of account %s) is in no spoke host's transit_gateway_spoke_vpcs, %s" % (
                hub, found[hub]["hub_named"], attachment["id"], attachment["type"], attachment["vpc"], attachment["account"],
                "and transit_gateway.yml does not detach a VPC it is no longer given: it would stay connected. %s, or disconnect it "
                "first: in account %s, crossvpc.aws.vpc_route state=absent for its routes to the gateway, then "
                "crossvpc.aws.transit_gateway_attachment state=absent." % (fix, attachment["account"]) if found[hub].get("building") else
                "so the teardown would remove the other attachments, the route tables and the share, then stop at the hub. %s." % fix))
    spokes = [(host, vpc) for host in sorted(found) for vpc in (found[host] or {}).get("spoke_vpcs") or []]
    for host in sorted(h for h in found if (found[h] or {}).get("tgw_check") and spokes):
        far = [(other, vpc) for other, vpc in spokes if inside(found[host]["tgw_check"], vpc)]
        if not far:
            problems.append("host %s's transit_gateway_check.address=%r: is in no spoke's VPC (%s), so the check would not reach it "
                            "through the transit gateway. Give an address of another spoke's VPC." % (
                                host, found[host]["tgw_check"], ", ".join("%s %s" % (v["named"], "/".join(v["cidrs"])) for _o, v in spokes)))
        missing = [g for g in found[host].get("tgw_check_groups") or [] if far and g not in far[0][1]["group_names"]]
        if missing:
            problems.append("host %s's transit_gateway_check.destination_security_group_names=%r: host %s's %s, where its address is, "
                            "has no group named %s, so the check could not be run. Name groups of that VPC." % (
                                host, found[host]["tgw_check_groups"], far[0][0], far[0][1]["named"], ", ".join(missing)))
    # A teardown whose hub name finds no gateway while a spoke's VPC is attached to one of that account's: the spokes would
    # keep their attachments, and the hub its gateway.
    hubs = set((found[h] or {}).get("hub_id") for h in found)
    for hub in sorted(h for h in found if (found[h] or {}).get("hub_missing")):
        gateways = dict((g, n) for g, n in found[hub]["hub_missing"]["gateways"].items() if g not in hubs)  # not another hub host's
        owners = found[hub]["hub_missing"].get("owners") or {}
        for host, entry in [(h, e) for h in sorted(found) for e in (found[h] or {}).get("spoke_attached") or []]:
            for gateway in [g for g in entry["gateways"] if g in gateways]:
                owner = owners.get(gateway)
                if owner and owner != found[hub].get("account"):  # shared with this account: its Name tag is the owner's to see
                    problems.append("host %s's %s: no transit gateway of account %s has this Name tag, and host %s's %s is attached to %s "
                                    "of account %s, shared with this one: the hub moved to another account since that attachment, so %s" % (
                                        hub, found[hub]["hub_missing"]["named"], found[hub].get("account"), host, entry["named"], gateway,
                                        owner, "the build would make a second gateway and leave that one. Keep the hub in account %s, "
                                        "or tear that hub down first (playbooks/transit_gateway_teardown.yml with the inventory of the "
                                        "build)." % owner if found[hub].get("building") else "the teardown would leave both. Run it with "
                                        "the hub's host in account %s." % owner))
                    continue
                problems.append("host %s's %s: no transit gateway has this Name tag, and host %s's %s is attached to %s (%s) of that "
                                "account, so %s" % (hub, found[hub]["hub_missing"]["named"], host, entry["named"], gateway, gateways[gateway],
                                                    "the build would make a second gateway and leave that one. Keep the name %r, or tear "
                                                    "that hub down first (playbooks/transit_gateway_teardown.yml with that name)." % gateways[gateway]
                                                    if found[hub].get("building") else
                                                    "the teardown would leave both. Fix the name (%r?), or detach it first." % gateways[gateway]))
    # An attachment no hub route table associates has no routes, so a check from or to it cannot pass.
    chosen = [choice for host in sorted(found) for choice in (found[host] or {}).get("hub_associate") or []]
    associated = set(name for choice in chosen if isinstance(choice, list) for name in choice)
    for host in sorted(h for h in found if (found[h] or {}).get("tgw_check") and chosen and "*" not in chosen):
        ends = [("starts from", found[host].get("tgw_check_from"))] + [
            ("calls", vpc["attachment"]) for _other, vpc in spokes if inside(found[host]["tgw_check"], vpc)]
        for verb, name in [(verb, name) for verb, name in ends if name and name not in associated]:
            problems.append("host %s's transit_gateway_check: %s the attachment %r, which no table of the hub's "
                            "transit_gateway_hub_route_tables associates (associate: %s), so it has no route and the check could "
                            "not pass. Associate it in a table, or check between associated spokes." % (
                                host, verb, name, ", ".join(sorted(associated)) or "none"))
    problems.extend(blackholed_checks(found, spokes))
    return problems


def blackholed_checks(found, spokes):
    """A hub blackhole route at least as specific as a spoke VPC's range drops the traffic a table's attachments send to it
    (a VPC attachment propagates its VPC's ranges, and AWS prefers the longer prefix, then the static route): a check
    whose way out or back goes through it cannot pass."""
    problems = []
    blackholes = [(hub, route) for hub in sorted(found) for route in (found[hub] or {}).get("hub_blackholes") or []]
    for host in sorted(h for h in found if (found[h] or {}).get("tgw_check") and blackholes):
        address = found[host]["tgw_check"]
        source = [vpc for _other, vpc in spokes if vpc.get("attachment") == found[host].get("tgw_check_from")][:1]
        target = [vpc for _other, vpc in spokes if inside(address, vpc)][:1]
        if not source or not target:
            continue  # the rules above name what is missing
        back = found[host].get("tgw_check_subnet")
        ways = [("the way out (to %s)" % address, source[0], ipaddress.ip_network(address), target[0], inside(address, target[0])),
                ("the way back (to %s)" % back, target[0], back and ipaddress.ip_network(back), source[0],
                 back and inside(back.split("/")[0], source[0]))]
        for hub, (variable, destination, table, associate) in blackholes:
            hole = ipaddress.ip_network(destination)
            for way, sender, reached, owner, vpc_range in [w for w in ways if w[2] and w[4]]:
                associated = associate == "*" or sender["attachment"] in (associate or [])
                if associated and hole.overlaps(reached) and hole.prefixlen >= ipaddress.ip_network(vpc_range).prefixlen:
                    problems.append("host %s's %s (blackhole %s) in table %r, which associates %s: drops %s of host %s's "
                                    "transit_gateway_check (it is at least as specific as the route %s propagates for %s), so the "
                                    "check could not pass. Take the blackhole out, or check between other spokes." % (
                                        hub, variable, destination, table, sender["attachment"], way, host, owner["named"], vpc_range))
    return problems


def moved_peerings(found, context):
    """A live peering of a pair's name that joins other VPCs than any pair of this run: an end moved to another VPC, and
    the build would make a second connection and leave that one, its routes and its group live."""
    pairs = sorted(dict((context or {}).get("peering_pairs") or {}).items())
    ends = [(r, a, (found.get(r) or {}).get("peering_vpc"), (found.get(a) or {}).get("peering_vpc")) for r, a in pairs]
    joined = set(tuple(sorted([rv["vpc_id"], av["vpc_id"]])) for _r, _a, rv, av in ends if rv and av)
    problems, told = [], set()
    for requester, accepter, r_vpc, a_vpc in [e for e in ends if e[2] and e[3]]:
        name = found[requester].get("peering_name")
        for peering in [p for host in (requester, accepter) for p in found[host].get("peerings_named") or []]:
            if tuple(peering["vpcs"]) in joined or peering["id"] in told:
                continue
            told.add(peering["id"])
            problems.append("host %s's and host %s's %s: the peering of this name, %s, joins %s, not %s and %s, so the build would "
                            "make a second one and leave that one live, its routes and security group open. Give the VPCs it joins, or "
                            "remove it first (playbooks/peering_teardown.yml with those VPCs), then build." % (
                                requester, accepter, as_written("vpc_peering_name", name, found[requester].get("connect_name")),
                                peering["id"], " and ".join(peering["vpcs"]), r_vpc["named"], a_vpc["named"]))
    return problems


def routed_subnets(tables, subnets, selected):
    """[(subnet CIDR, its route table, whether the peering routes it)]: a subnet without a table of its own uses the main one."""
    main = next((t["RouteTableId"] for t in tables for a in t.get("Associations") or [] if a.get("Main")), None)
    table_of = dict((a["SubnetId"], t["RouteTableId"]) for t in tables for a in t.get("Associations") or [] if a.get("SubnetId"))
    return [(s["CidrBlock"], table_of.get(s["SubnetId"], main), table_of.get(s["SubnetId"], main) in selected) for s in subnets]


def unrouted_peering_checks(found, context):
    """A check whose subnet, or whose address in the peer, is in a route table the peering's narrowed list leaves out: the
    build would finish (or, on a built peering, take that table's route away) and then the check fail."""
    problems = []
    for requester, accepter in sorted(dict((context or {}).get("peering_pairs") or {}).items()):
        for host, peer in ((requester, accepter), (accepter, requester)):
            mine, theirs = found.get(host) or {}, found.get(peer) or {}
            if not mine.get("peering_check"):
                continue
            ends = [("subnet", cidr, host, mine) for cidr in (mine.get("peering_check_from") or [])[:1]]
            ends.append(("address", mine["peering_check"], peer, theirs))
            for what, where, owner, routed in [(w, a, o, f["peering_routed"]) for w, a, o, f in ends if f.get("peering_routed")]:
                for cidr, table, kept in routed["subnets"]:
                    if not kept and inside(where.split("/")[0], {"cidrs": [cidr]}):
                        problems.append("host %s's vpc_peering_check: its %s %s is in subnet %s, whose route table %s is not in host "
                                        "%s's %s, so the path would have no route there and the check could not pass. Add %s to it, "
                                        "or check a subnet it routes." % (host, what, where, cidr, table, owner, routed["given"], table))
    return problems


def unknown_check_groups(found, context):
    """A peering check's destination groups that are not groups of the far VPC (nor the group its allowed ports make):
    the check could not be run. (A port the far end's vpc_peering_allowed_ports leaves out is not refused: the workload's
    own groups may open it, and the check evaluates those.)"""
    problems = []
    for requester, accepter in sorted(dict((context or {}).get("peering_pairs") or {}).items()):
        for host, peer in ((requester, accepter), (accepter, requester)):
            mine, theirs = found.get(host) or {}, found.get(peer) or {}
            groups = mine.get("peering_check_groups")
            if not groups or "group_names" not in theirs:
                continue
            made = "%s-from-peer" % (theirs.get("peering_name") or PEERING_NAME_DEFAULT) if theirs["peering_ports"] else None
            missing = [g for g in groups if g not in theirs["group_names"] and g != made]
            if missing:
                problems.append("host %s's vpc_peering_check.destination_security_group_names=%r: host %s's VPC (%s) has no group "
                                "named %s, so the check could not be run. Name groups of that VPC." % (
                                    host, groups, peer, theirs["peering_vpc"]["named"], ", ".join(missing)))
    return problems


def check_across(found, context):
    """What no host can see alone, from every host's look-ups (``found``: host -> the preflight's
    ``found``): a peering of a VPC with itself or with overlapping ranges, spokes with overlapping ranges,
    and in a teardown a consumer's misspelt endpoint name that would leave the provider's service blocked.
    With ``failed_hosts`` in the context (hosts whose own checks failed, their look-ups partial), only what
    two hosts' findings say together: nothing is concluded from what a failed host did not find."""
    problems = []
    whole = not (context or {}).get("failed_hosts")
    problems.extend(moved_peerings(found, context))
    problems.extend(unrouted_peering_checks(found, context))
    problems.extend(unknown_check_groups(found, context))
    for requester, accepter in sorted(dict((context or {}).get("peering_pairs") or {}).items()):  # {requester: accepter}
        ends = [(host, (found.get(host) or {}).get("peering_vpc")) for host in (requester, accepter)]
        if not all(vpc for _host, vpc in ends):
            continue
        (r_host, r_vpc), (a_host, a_vpc) = ends
        where = "host %s's %s and host %s's %s" % (r_host, r_vpc["named"], a_host, a_vpc["named"])
        requester = found[r_host]
        if requester.get("peering_name") != found[a_host].get("peering_name"):
            problems.append("host %s's vpc_peering_name=%r and host %s's vpc_peering_name=%r: the two ends of one peering find "
                            "its connection and security groups by one name. Give both the same." % (
                                r_host, requester.get("peering_name"), a_host, found[a_host].get("peering_name")))
            continue
        if "peerings" in requester:  # a teardown: the connection between them must carry the name given
            pair = sorted([r_vpc["vpc_id"], a_vpc["vpc_id"]])
            between = [p for p in requester["peerings"] if p["vpcs"] == pair]
            for peering in [] if between else [p for p in requester.get("named_peerings") or [] if p["vpcs"] != pair]:
                problems.append("%s: the peering named %r is %s, between %s, so with these VPCs the teardown would find no "
                                "connection and remove only their security groups. Name the VPCs it joins." % (
                                    where, requester["peering_name"], peering["id"], " and ".join(peering["vpcs"])))
            if between and not [p for p in between if p["name"] == requester["peering_name"]]:
                problems.append("host %s's %s: the peering between %s and %s is %s, named %s: with this name its "
                                "security group (<name>-from-peer) would stay after its routes and connection are gone. Give its "
                                "name." % (r_host, as_written("vpc_peering_name", requester["peering_name"], requester.get("connect_name")),
                                           r_vpc["vpc_id"], a_vpc["vpc_id"], between[0]["id"], between[0]["name"] or "nothing (no Name tag)"))
            continue
        pair = sorted([r_vpc["vpc_id"], a_vpc["vpc_id"]])
        renamed = dict((p["id"], p) for host in (r_host, a_host) for p in found[host].get("peerings_now") or []
                       if p["vpcs"] == pair and p["name"] and p["name"] != requester.get("peering_name"))
        for peering in [p for _id, p in sorted(renamed.items())]:
            group = "%s-from-peer" % peering["name"]
            for host in [h for h in (r_host, a_host) if group in (found[h].get("peering_groups") or [])]:
                problems.append("host %s's %s: the peering between %s and %s is %s, named %r, and its security group %s is in host %s's "
                                "VPC: with this name the build would make a new group and leave that one open. Keep the name %r, or "
                                "remove the peering with it first (playbooks/peering_teardown.yml), then build with the new one." % (
                                    r_host, as_written("vpc_peering_name", requester.get("peering_name"), requester.get("connect_name")),
                                    r_vpc["vpc_id"], a_vpc["vpc_id"], peering["id"], peering["name"], group, host, peering["name"]))
        for peering in [p for p in found[a_host].get("peerings_now") or [] if p["vpcs"] == pair and p["name"] == requester.get("peering_name")]:
            problems.append("host %s (a requester) and host %s (its accepter): the peering between them named %r, %s, was requested by "
                            "host %s's VPC, %s, and a requester cannot accept it. Put host %s back among the requesters and host %s among the "
                            "accepters, or remove the peering first (playbooks/peering_teardown.yml) to build it the other way." % (
                                r_host, a_host, peering["name"], peering["id"], a_host, a_vpc["vpc_id"], a_host, r_host))
        if r_vpc["vpc_id"] == a_vpc["vpc_id"]:
            problems.append("%s: both are %s, and a VPC cannot peer with itself. Name the other end's VPC." % (where, r_vpc["vpc_id"]))
        elif _overlap(r_vpc, a_vpc):
            problems.append("%s have overlapping CIDRs (%s), and peering routes by CIDR. Connect them with playbooks/privatelink.yml." % (
                where, _overlap(r_vpc, a_vpc)))
        for host, vpc, far_host, far in ((r_host, r_vpc, a_host, a_vpc), (a_host, a_vpc, r_host, r_vpc)):
            address = found[host].get("peering_check")
            if address and not inside(address, far):
                problems.append("host %s's vpc_peering_check.address=%r: is not in host %s's VPC (%s: %s), the far end the check "
                                "must reach over the peering%s. Give an address in it." % (
                                    host, address, far_host, far["named"], ", ".join(far["cidrs"]),
                                    " (it is in this host's own VPC)" if inside(address, vpc) else ""))
    if whole:
        problems.extend(absent_across(found) + renamed_privatelink(found, (context or {}).get("service_provider") or {}))
    spokes = [(host, vpc) for host in sorted(found) for vpc in (found[host] or {}).get("spoke_vpcs") or []]
    for hub in sorted(h for h in found if (found[h] or {}).get("hub_routes")):
        for name, destination, attachment in found[hub]["hub_routes"]:
            for host, vpc in [(h, v) for h, v in spokes if v.get("attachment") != attachment]:
                if _overlap({"cidrs": [destination]}, vpc):
                    problems.append("host %s's %s=%r: overlaps host %s's %s (%s), whose VPC routes that range to the transit gateway "
                                    "(to the attachment %s), and AWS refuses a route inside a VPC's own range. Route a range outside "
                                    "the spokes' VPCs." % (hub, name, destination, host, vpc["named"], _overlap({"cidrs": [destination]}, vpc),
                                                           attachment))
    for variable, what in (("provider_name", "a provider finds its service, load balancer and target group"),
                           ("consumer_name", "a consumer finds its endpoint and its security group")):
        named = [(h, (found[h].get("account"), found[h][variable])) for h in sorted(found) if (found[h] or {}).get(variable)]
        for i, (host, key) in enumerate(named):
            for other, other_key in named[i + 1:]:
                if key == other_key:
                    problems.append("host %s's and host %s's privatelink_%s=%r: both in account %s, and %s by that name. Give each "
                                    "a name of its own." % (host, other, variable, key[1], key[0], what))
    for i, (host, vpc) in enumerate(spokes):
        for other_host, other in spokes[i + 1:]:
            overlap = vpc["vpc_id"] != other["vpc_id"] and _overlap(vpc, other)
            if overlap:
                problems.append("host %s's %s and host %s's %s: %s, and a transit gateway route table sends a range to one "
                                "attachment. Leave one of them out, and connect it with playbooks/privatelink.yml." % (
                                    host, vpc["named"], other_host, other["named"], overlap))
    return problems


# connect_plan.yml passes connect_<option> as crossvpc.aws.connectivity_plan's <option>.
CONNECT_OPTIONS = ("expected_vpcs", "on_premises", "peering_max_vpcs", "peering_quota_per_vpc", "transit_gateway_attachment_quota",
                   "route_table_route_quota", "hub_account")


def check_links(found):
    """connect_links (and connect_expected_vpcs, connect_on_premises) against the VPCs of every host's
    connect_vpcs, by the planner's own rules, each problem naming the inventory variable (connect_links[i],
    or host H's connect_vpcs[j])."""
    hosts = [host for host in sorted(found) if "connect_vpcs" in (found[host] or {})]
    if not hosts:
        return []
    where = [(host, j, vpc["name"], dict(vpc, account_id=found[host].get("account"))) for host in hosts
             for j, vpc in enumerate(found[host]["connect_vpcs"])]
    links = found[hosts[0]]["connect_links"] or []
    portless = ["connect_links[%d]=%r: gives no ports. connect.yml opens and checks each link on its ports: give them, for example "
                "ports: [443]." % (i, link) for i, link in enumerate(links) if isinstance(link, dict) and not link.get("ports")]
    if [link for link in links if isinstance(link, dict) and link.get("ports") == []]:
        return portless  # the planner refuses an emptied list for a reason that is not connect.yml's
    try:
        connectivity.check_input([vpc for _host, _j, _name, vpc in where], found[hosts[0]]["connect_links"],
                                 **found[hosts[0]].get("connect_options", {}))
    except InvalidInput as error:
        if error.parameter == "vpcs":  # too few: say which hosts give none
            plugin = [h for h in sorted(found) if (found[h] or {}).get("from_plugin")]
            return ["connect_vpcs: the hosts list %d VPC(s) (%s), and connect.yml connects two or more. Hosts without connect_vpcs: %s. "
                    "%s" % (len(where), ", ".join("host %s's %s" % (host, name) for host, _j, name, _vpc in where),
                            ", ".join(h for h in sorted(found) if not (found[h] or {}).get("connect_vpcs")) or "none",
                            "The inventory plugin crossvpc.aws.vpcs lists the VPCs tagged crossvpc:connect (with a Name tag) in the "
                            "accounts and regions it reads (%s): tag the VPCs to connect, or check its regions." % ", ".join(
                                "host %s: %s" % (h, found[h].get("region")) for h in plugin) if plugin
                            else "List each account's VPCs in its host's connect_vpcs.")]
        vpc = re.match(r"vpcs\[(\d+)\]", error.parameter)
        written = ("host %s's connect_vpcs[%d]" % where[int(vpc.group(1))][:2] + error.parameter[vpc.end():] if vpc
                   else "connect_" + error.parameter)
        message = error.message.replace(error.parameter, written, 1)
        message = re.sub(r"\bvpcs\[(\d+)\]", lambda m: "host %s's connect_vpcs[%d]" % where[int(m.group(1))][:2], message)
        return [message.replace("in vpcs.", "in any host's connect_vpcs.").replace("also links[", "also connect_links[")]
    hub_account = found[hosts[0]].get("connect_options", {}).get("hub_account")
    accounts = dict((str(found[host].get("account")), host) for host in hosts)
    if hub_account and str(hub_account) not in accounts and None not in [found[host].get("account") for host in hosts]:
        return ["connect_hub_account=%r: no host with connect_vpcs has this aws_account_id (%s), and the hub is built by the host "
                "of its account. Give one of them, or leave it out for the plan to choose." % (
                    hub_account, ", ".join("host %s: %s" % (h, a) for a, h in sorted(accounts.items())))]
    # A link's server is reached at its service_targets: the NLB's targets, or the address the check calls.
    serving = set(name for host in hosts for name in found[host].get("connect_servers") or [])
    return ["connect_links[%d].server=%r: its connect_vpcs entry (host %s's connect_vpcs[%d]) has no service_targets, the addresses "
            "connect.yml sends the link's traffic to. Give them." % ((i, link["server"]) + next(w[:2] for w in where if w[2] == link["server"]))
            for i, link in enumerate(links) if link["server"] not in serving] + portless


def provider_built(module, problems, where, name, port, subnets):
    """A service already built keeps its load balancer's subnets and the port its target group was made with."""
    elb = client(module, "elbv2")
    try:
        made = load_balancing.find_load_balancer(elb, name) if name else None
    except InvalidInput as error:  # a load balancer of another type has the name
        problems.append("privatelink_provider_name=%r: %s" % (name, error.message.split(": ", 1)[-1]))
        return
    if made and subnets and sorted(s["SubnetId"] for s in subnets) != load_balancing.subnets_of(made):
        problems.append("privatelink_provider_subnet_names (or _ids): name %s, and the service's load balancer %s is in %s %s, "
                        "which the role does not change. List its subnets, or run playbooks/privatelink_teardown.yml first to "
                        "make it in others." % (", ".join(sorted(s["SubnetId"] for s in subnets)), name,
                                                ", ".join(load_balancing.subnets_of(made)), where))
    group = load_balancing.find_target_group(elb, load_balancing.target_group_name(name)) if name and port else None
    if group and group["Port"] != port:
        problems.append("privatelink_provider_port=%r: the service %s already forwards to port %s (its target group %s %s), and AWS "
                        "cannot change a target group's port. Keep %s, or move the service: run playbooks/privatelink_teardown.yml, "
                        "then this playbook with the new port (its consumers get new endpoints)." % (
                            port, name, group["Port"], group["TargetGroupName"], where, group["Port"]))


def look_up(module, problems, parts, values):
    """The read-only look-ups of every part; returns what they found, for the report."""
    account = check_credentials(module, problems, values)
    if account is None:
        return {}
    # The reachability checks read each account with its aws_account_profiles entry: checked across hosts against the
    # accounts the hosts' own profiles proved to be.
    found = {"account": account, "profile": values.get("aws_profile"), "account_profiles": values.get("aws_account_profiles") or {}}
    aws = Account(module, account, values.get("aws_region"))
    if "privatelink_provider" in parts:
        found["provider_name"] = values.get("privatelink_provider_name")
        # The account's services, and this one's (found by its name): a consumer's endpoint that connects to another of them
        # means the name changed since the build (check across hosts).
        services = [s for s in paginate(aws.ec2, "describe_vpc_endpoint_service_configurations", "ServiceConfigurations",
                                        "list the endpoint services") if _state(s, "ServiceState") not in GONE]
        found["account_services"] = dict((s["ServiceName"], tags_of(s).get("Name")) for s in services)
        found["provider_service"] = next((s["ServiceName"] for s in services if tags_of(s).get("Name") == found["provider_name"]), None)
        # A new name, and a service of the account that serves the same targets: this one renamed, if a consumer's endpoint
        # still calls it under an old name too (check across hosts). Read only when the build would make a service.
        targets = sorted(values.get("privatelink_provider_targets") or [])
        found["provider_twins"] = []
        if targets and found["provider_service"] is None:
            elb = client(module, "elbv2")
            for service in services:
                groups = [g for arn in service.get("NetworkLoadBalancerArns") or [] for g in call(
                    elb, "describe_target_groups", "list the target groups of %s" % arn, missing={"TargetGroups": []},
                    LoadBalancerArn=arn)["TargetGroups"]]
                if [g for g in groups if load_balancing.registered_targets(elb, g["TargetGroupArn"]) == targets]:
                    found["provider_twins"].append(service["ServiceName"])
        # The services this account's endpoints call: one of a consumer's account named as this service means the two swapped.
        found["account_endpoint_services"] = sorted(set(
            e.get("ServiceName") for e in paginate(aws.ec2, "describe_vpc_endpoints", "VpcEndpoints", "list the endpoints")
            if _state(e, "State") not in GONE))
        arn = values.get("privatelink_provider_nlb_arn")
        if arn:
            elb = client(module, "elbv2")
            lbs = call(elb, "describe_load_balancers", "describe the load balancer", missing={"LoadBalancers": []},
                       LoadBalancerArns=[arn])["LoadBalancers"]
            if not lbs:
                problems.append("privatelink_provider_nlb_arn=%r: no such load balancer %s. Check the ARN." % (arn, aws.where))
            elif lbs[0].get("Type") != "network":
                problems.append("privatelink_provider_nlb_arn=%r: is a %s load balancer; an endpoint service fronts a network "
                                "load balancer." % (arn, lbs[0].get("Type")))
            else:  # the role leaves a given NLB as it is: the service port must be one it listens on
                port = values.get("privatelink_provider_port")
                listeners = call(elb, "describe_listeners", "list the load balancer's listeners", LoadBalancerArn=arn)["Listeners"]
                ports = sorted(set(l["Port"] for l in listeners if l.get("Protocol") in ("TCP", "TLS", "TCP_UDP")))
                if port not in ports:
                    problems.append("privatelink_provider_port=%r: privatelink_provider_nlb_arn=%r has no TCP listener on it (it listens "
                                    "on %s), so the consumers' endpoints would lead nowhere. Give a port it listens on, or add a "
                                    "listener on %s to it (crossvpc.aws.network_load_balancer listener_port=%s)." % (
                                        port, arn, ", ".join(str(p) for p in ports) or "no TCP port", port, port))
        else:
            subnets = aws.subnets_named(problems, "privatelink_provider_subnet_ids", values.get("privatelink_provider_subnet_ids"),
                                        "privatelink_provider_subnet_names", values.get("privatelink_provider_subnet_names"))
            found["provider_subnets"] = [s["SubnetId"] for s in subnets]
            provider_built(module, problems, aws.where, values.get("privatelink_provider_name"), values.get("privatelink_provider_port"),
                           subnets)
            vpcs = [v for v in aws.vpcs() if v["VpcId"] == subnets[0]["VpcId"]] if subnets and values.get("privatelink_provider_targets") else []
            if vpcs:
                outside(problems, "privatelink_provider_targets", values["privatelink_provider_targets"],
                        vpc_found(vpcs[0], "%s, the VPC of the NLB's subnets" % vpcs[0]["VpcId"]),
                        "the NLB registers its targets in its own VPC, and AWS refuses an address outside it after the NLB was made")
                zones = sorted(set(s["AvailabilityZone"] for s in subnets))
                for i, target in enumerate(values["privatelink_provider_targets"]):
                    home = [s for s in aws.subnets() if s["VpcId"] == vpcs[0]["VpcId"] and inside(target, {"cidrs": [s["CidrBlock"]]})]
                    if inside(target, vpc_found(vpcs[0], "")) and not [s for s in home if s["AvailabilityZone"] in zones]:
                        problems.append("privatelink_provider_targets[%d]=%r: is %s, and the load balancer serves a target in a zone "
                                        "where it has a subnet (%s). Give the workload's address in one of those zones, or add a subnet "
                                        "of its zone to privatelink_provider_subnet_names." % (
                                            i, target, "in %s (%s)" % (home[0]["SubnetId"], home[0]["AvailabilityZone"]) if home
                                            else "in no subnet of %s" % vpcs[0]["VpcId"], ", ".join(zones)))
    if "privatelink_consumer" in parts:
        vpc = aws.vpc(problems, "privatelink_consumer_vpc_id", values.get("privatelink_consumer_vpc_id"), None, None)
        subnets = aws.subnets_named(problems, "privatelink_consumer_subnet_ids", values.get("privatelink_consumer_subnet_ids"),
                                    "privatelink_consumer_subnet_names", values.get("privatelink_consumer_subnet_names"), vpc,
                                    "privatelink_consumer_vpc_id=%r" % vpc["VpcId"] if vpc else None, "privatelink_consumer_vpc_id")
        if vpc is None and subnets:
            vpc = {"VpcId": subnets[0]["VpcId"]}  # the subnets' VPC (no DescribeVpcs, which the role never needs)
        if vpc is not None:
            aws.groups_named(problems, "privatelink_consumer_client_security_group_ids",
                             values.get("privatelink_consumer_client_security_group_ids"),
                             "privatelink_consumer_client_security_group_names",
                             values.get("privatelink_consumer_client_security_group_names"), vpc)
            found["consumer_vpc"] = vpc["VpcId"]
            found["consumer_name"] = values.get("privatelink_consumer_name")
            name = values.get("privatelink_consumer_name")
            listed = paginate(aws.ec2, "describe_vpc_endpoints", "VpcEndpoints", "list the endpoints")
            endpoints = [e for e in listed if _state(e, "State") not in GONE]
            elsewhere = [e for e in endpoints if name and tags_of(e).get("Name") == name and e["VpcId"] != vpc["VpcId"]]
            here = [e for e in listed if name and tags_of(e).get("Name") == name and e["VpcId"] == vpc["VpcId"]]
            live_here = [e for e in here if _state(e, "State") not in GONE]
            for endpoint in [] if live_here else [e for e in here if _state(e, "State") in ("rejected", "failed")]:
                # The role would find it and stop there, after the provider's changes (the seventeenth trial's PLC10).
                problems.append("privatelink_consumer_name=%r: its endpoint %s is %s (the provider rejected it, or revoked this "
                                "account), and AWS does not connect it again. Remove it first (playbooks/privatelink_teardown.yml "
                                "for this consumer, or crossvpc.aws.vpc_endpoint state=absent), then build." % (
                                    name, endpoint["VpcEndpointId"], _state(endpoint, "State")))
            found["vpc_endpoints"] = [{"id": e["VpcEndpointId"], "name": tags_of(e).get("Name"), "service_name": e.get("ServiceName")}
                                      for e in endpoints if e["VpcId"] == vpc["VpcId"]]
            services = paginate(aws.ec2, "describe_vpc_endpoint_service_configurations", "ServiceConfigurations", "list the endpoint services")
            found["account_services"] = dict((s["ServiceName"], tags_of(s).get("Name")) for s in services if _state(s, "ServiceState") not in GONE)
            for endpoint in elsewhere:  # the role finds its endpoint by name in its VPC: it would make a second one
                problems.append("privatelink_consumer_name=%r: endpoint %s of this name is in %s, and this host's endpoint goes in %s. "
                                "An endpoint stays in its VPC: remove the old one first (playbooks/privatelink_teardown.yml with "
                                "the inventory that made it), or give the new one a name of its own." % (
                                    name, endpoint["VpcEndpointId"], endpoint["VpcId"], vpc["VpcId"]))
        service = (values.get("privatelink_consumer_service") or {}).get("service_name")
        if service:
            visible = call(aws.ec2, "describe_vpc_endpoint_services", "look up the endpoint service",
                           missing={"ServiceDetails": []}, ServiceNames=[service]).get("ServiceDetails")
            if not visible:
                problems.append("privatelink_consumer_service.service_name=%r: is not visible to account %s (it does not exist %s, "
                                "or does not allow this account). Ask the provider to allow %s." % (
                                    service, account, aws.where, account))
    if "vpc_peering" in parts:
        vpc = aws.vpc(problems, "vpc_peering_vpc_id", values.get("vpc_peering_vpc_id"),
                      "vpc_peering_vpc_name", values.get("vpc_peering_vpc_name"))
        if vpc is not None:
            given = "vpc_peering_vpc_id" if values.get("vpc_peering_vpc_id") else "vpc_peering_vpc_name"
            found["peering_vpc"] = vpc_found(vpc, "%s=%r" % (given, values[given]))
            found["peering_name"] = values.get("vpc_peering_name")
            found["connect_name"] = values.get("connect_name")
            # A connection between the two ends named otherwise: its security group is found by that name (check across hosts).
            found["peerings_now"] = peerings_of(aws, vpc)
            # The live connections of this name, wherever they are: one between other VPCs means an end moved (a second would be made).
            named = found["peering_name"] or PEERING_NAME_DEFAULT
            found["peerings_named"] = [
                {"id": p["VpcPeeringConnectionId"], "vpcs": sorted([p["RequesterVpcInfo"]["VpcId"], p["AccepterVpcInfo"]["VpcId"]])}
                for p in paginate(aws.ec2, "describe_vpc_peering_connections", "VpcPeeringConnections", "list the peering connections named "
                                  "%s" % named, Filters=[{"Name": "tag:Name", "Values": [named]}])
                if _state(p, "Status.Code") not in GONE]
            # The VPC's group names: the other end's check may name them as its destination (check across hosts).
            found["group_names"] = [g["GroupName"] for g in aws.read("security groups", vpc["VpcId"])]
            found["peering_groups"] = [g for g in found["group_names"] if g.endswith("-from-peer")]
            found["peering_ports"] = values.get("vpc_peering_allowed_ports") or []
            aws.peering_connection(problems, values.get("vpc_peering_connection_id"), vpc)
            wanted = values.get("vpc_peering_route_table_tags") or {}
            tables = aws.read("route tables", vpc["VpcId"]) if wanted or values.get("vpc_peering_route_table_ids") else []
            for i, table_id in enumerate(values.get("vpc_peering_route_table_ids") or []):
                if not [t for t in tables if t["RouteTableId"] == table_id]:
                    problems.append("vpc_peering_route_table_ids[%d]=%r: no such route table in %s %s. Check the id." % (
                        i, table_id, vpc["VpcId"], aws.where))
            selected = values.get("vpc_peering_route_table_ids") or [
                t["RouteTableId"] for t in tables if all(tags_of(t).get(k) == v for k, v in wanted.items())]
            if wanted and not selected:
                problems.append("vpc_peering_route_table_tags=%r: no route table of %s has these tags, so nothing would be "
                                "routed. Check the tags." % (wanted, vpc["VpcId"]))
            if tables:  # narrowed: which subnets it routes, for the checks of both ends (check across hosts)
                given = "vpc_peering_route_table_ids" if values.get("vpc_peering_route_table_ids") else "vpc_peering_route_table_tags"
                found["peering_routed"] = {"given": "%s=%r" % (given, values[given]), "subnets": routed_subnets(
                    tables, [s for s in aws.subnets() if s["VpcId"] == vpc["VpcId"]], selected)}
            if values.get("vpc_peering_check") and values.get("reachability_check", True):
                aws.check_path(problems, "vpc_peering_check", values["vpc_peering_check"], vpc, None)
                found["peering_check"] = values["vpc_peering_check"]["address"]
                found["peering_check_groups"] = values["vpc_peering_check"].get("destination_security_group_names") or []
                found["peering_check_from"] = [s["CidrBlock"] for s in aws.subnets() if s["VpcId"] == vpc["VpcId"]
                                               and tags_of(s).get("Name") == values["vpc_peering_check"]["subnet_name"]]
    if "transit_gateway_hub" in parts:
        # Its gateway's attachments must all be the spokes' (a VPC no longer listed would stay attached), and a spoke
        # attached to another gateway of this account means the hub's name changed (a second gateway would be made).
        name = values.get("transit_gateway_hub_name")
        if account in (values.get("transit_gateway_hub_spoke_accounts") or []):
            problems.append("transit_gateway_hub_spoke_accounts=%r: lists %s, the hub's own account, and RAM shares only with "
                            "other accounts: its spokes attach to the gateway as they are. Take %s off the list." % (
                                values["transit_gateway_hub_spoke_accounts"], account, account))
        live = [g for g in paginate(aws.ec2, "describe_transit_gateways", "TransitGateways", "list the transit gateways")
                if _state(g, "State") not in GONE]
        found.update(hub_state(aws, as_written("transit_gateway_hub_name", name, values.get("connect_name")), live,
                               [g for g in live if tags_of(g).get("Name") == name]), building=True)
        if found.get("hub_id"):
            stale_hub_tables(problems, aws, found["hub_id"], values)
        # Static routes by attachment name: the other spokes route their ranges.
        found["hub_routes"] = [("transit_gateway_hub_route_tables[%d].routes[%d].destination_cidr" % (i, j), route["destination_cidr"],
                                route["attachment_name"]) for i, table in enumerate(values.get("transit_gateway_hub_route_tables") or [])
                               for j, route in enumerate(table.get("routes") or []) if route.get("attachment_name")]
        found["hub_associate"] = [table.get("associate") for table in values.get("transit_gateway_hub_route_tables") or []]
        found["hub_blackholes"] = [("transit_gateway_hub_route_tables[%d].routes[%d]" % (i, j), route["destination_cidr"], table.get("name"),
                                    table.get("associate")) for i, table in enumerate(values.get("transit_gateway_hub_route_tables") or [])
                                   for j, route in enumerate(table.get("routes") or []) if route.get("blackhole")]
        aws.attachment_ids(problems, [("transit_gateway_hub_route_tables[%d].routes[%d].attachment_id" % (i, j), route["attachment_id"])
                                      for i, table in enumerate(values.get("transit_gateway_hub_route_tables") or [])
                                      for j, route in enumerate(table.get("routes") or []) if route.get("attachment_id")])
    if "connect" in parts:  # the plan's links, checked across hosts against every host's connect_vpcs
        found["connect_vpcs"] = [dict((k, entry[k]) for k in ("name", "group") if entry.get(k)) for entry in values.get("connect_vpcs") or []]
        found["connect_servers"] = [entry["name"] for entry in values.get("connect_vpcs") or [] if entry.get("service_targets")]
        found["connect_links"] = values.get("connect_links")
        found["from_plugin"], found["region"] = "aws_accounts_left_out" in values, values.get("aws_region")  # the plugin sets it
        found["connect_options"] = dict((option, values["connect_" + option]) for option in CONNECT_OPTIONS if "connect_" + option in values)
    for i, entry in enumerate(values.get("connect_vpcs") or [] if "connect" in parts else []):
        name = "connect_vpcs[%d]" % i
        vpc = aws.vpc(problems, None, None, name + ".name", entry["name"])
        if vpc is not None:
            aws.subnets_named(problems, None, [], name + ".subnet_names", entry.get("subnet_names"), vpc, entry["name"])
            aws.groups_named(problems, None, [], name + ".client_security_group_names", entry.get("client_security_group_names"), vpc)
            outside(problems, name + ".service_targets", entry.get("service_targets"), vpc_found(vpc, entry["name"]),
                    "connect.yml sends the link's traffic to them in that VPC (through its load balancer or its routes)")
    if "transit_gateway_spoke" in parts:
        for i, entry in enumerate(values.get("transit_gateway_spoke_vpcs") or []):
            name = "transit_gateway_spoke_vpcs[%d]" % i
            vpc = aws.vpc(problems, name + ".vpc_id", entry.get("vpc_id"), name + ".vpc_name", entry.get("vpc_name"))
            if vpc is not None:
                aws.subnets_named(problems, name + ".subnet_ids", entry.get("subnet_ids"),
                                  name + ".subnet_names", entry.get("subnet_names"), vpc, entry.get("vpc_name"))
                # Its group names: another host's check may name them as its destination (check across hosts).
                found.setdefault("spoke_vpcs", []).append(dict(vpc_found(vpc, "%s (%s)" % (name, entry.get("vpc_name") or entry.get("vpc_id"))),
                                                               attachment=entry.get("name"), group_names=[
                                                                   g["GroupName"] for g in aws.read("security groups", vpc["VpcId"])]))
                ipv6 = [a for a in vpc.get("Ipv6CidrBlockAssociationSet") or [] if _state(a, "Ipv6CidrBlockState.State") == "associated"]
                if _typed(name + ".ipv6_support", entry.get("ipv6_support") or False, "bool") and not ipv6:
                    problems.append("%s.ipv6_support=True: %s has no IPv6 range, and AWS refuses IPv6 support on an attachment whose VPC "
                                    "and subnets have none. Leave it false, or give the VPC and its subnets IPv6 ranges first." % (
                                        name, vpc["VpcId"]))
        ids = [v["vpc_id"] for v in found.get("spoke_vpcs") or []]
        for vpc_id in sorted(set(i for i in ids if ids.count(i) > 1)):  # one by name, one by id
            problems.append("%s: are the same VPC, %s, and a VPC attaches once to a transit gateway. List it once." % (
                " and ".join(v["named"] for v in found["spoke_vpcs"] if v["vpc_id"] == vpc_id), vpc_id))
        attached = [a for a in paginate(aws.ec2, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments",
                                        "list the attachments of the spoke VPCs", Filters=[{"Name": "vpc-id", "Values": ids}])
                    if _state(a, "State") not in GONE] if ids else []
        found["spoke_attached"] = [{"named": v["named"], "gateways": sorted(set(a["TransitGatewayId"] for a in attached if a["VpcId"] == v["vpc_id"]))}
                                   for v in found.get("spoke_vpcs") or []]
        for j, cidr in enumerate(values.get("transit_gateway_spoke_route_cidrs") or []):
            network = ipaddress.ip_network(cidr)
            for vpc in found.get("spoke_vpcs") or []:
                for own in [ipaddress.ip_network(c) for c in vpc["cidrs"]]:
                    if own.version == network.version and network.subnet_of(own):
                        problems.append("transit_gateway_spoke_route_cidrs[%d]=%r: lies inside %s's own %s, and AWS refuses a route "
                                        "to a range the VPC's local route covers. Route the other VPCs' ranges, or a summary wider "
                                        "than %s." % (j, cidr, vpc["named"], own, own))
        check = values.get("transit_gateway_check") if values.get("reachability_check", True) else None
        if check:
            subnets = aws.subnets_named(problems, None, [], "transit_gateway_check.subnet_name", [check["subnet_name"]])
            if subnets:
                vpc = {"VpcId": subnets[0]["VpcId"]}
                aws.groups_named(problems, None, [], "transit_gateway_check.security_group_names",
                                 check.get("security_group_names") or [], vpc)
                spokes = [v for v in found.get("spoke_vpcs") or [] if v["vpc_id"] == vpc["VpcId"]]
                if not spokes:
                    problems.append("transit_gateway_check.subnet_name=%r: is in %s, which is not one of this host's "
                                    "transit_gateway_spoke_vpcs (%s), so the check would not cross the transit gateway. Name a "
                                    "subnet of one of them." % (check["subnet_name"], vpc["VpcId"], ", ".join(
                                        "%s: %s" % (v["named"], v["vpc_id"]) for v in found.get("spoke_vpcs") or []) or "none found"))
                found["tgw_check_from"] = spokes[0]["attachment"] if spokes else None
                found["tgw_check_subnet"] = subnets[0]["CidrBlock"]
                if spokes and inside(check["address"], spokes[0]):
                    problems.append("transit_gateway_check.address=%r: is in %s, the VPC the check starts from, so it would not "
                                    "cross the transit gateway. Give an address of another spoke's VPC." % (
                                        check["address"], spokes[0]["named"]))
            routed = values.get("transit_gateway_spoke_route_cidrs")
            if routed is not None and not inside(check["address"], {"cidrs": routed}):
                problems.append("transit_gateway_check.address=%r: is outside transit_gateway_spoke_route_cidrs=%r, the ranges this "
                                "host's VPCs send to the transit gateway, so the check could not pass. Route its range too." % (
                                    check["address"], routed))
            found["tgw_check"] = check["address"]
            found["tgw_check_groups"] = check.get("destination_security_group_names") or []
    return found


def preflight(module, host, parts, state, variables, specs, context=None):
    """All problems of this host's inputs (no call when the variables alone are wrong), and what
    the look-ups found."""
    problems, values = check_variables(host, parts, state, variables, specs, context)
    found = {}
    if not problems and "connect" in parts and "planned_names" in (context or {}):  # connect_plan.yml checked the rest
        problems.extend(unplanned(module, values, context["planned_names"], state, context.get("planned_links"), context.get("vpc_names")))
    elif not problems:
        if state == "present":
            found = look_up(module, problems, parts, values)
        else:
            found = look_up_teardown(module, problems, parts, values)
    return tagged_sources(problems, variables.get("connect_vpcs")), found


def tagged_sources(problems, entries):
    """A connect_vpcs entry the inventory plugin made from a VPC's tags: each problem of it names the tag to fix too."""
    named = []
    for problem in problems:
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            vpc = entry.get("from_tags_of") if isinstance(entry, dict) else None
            key = re.match(r"connect_vpcs\[%d\](?:\.(\w+))?" % i, problem)
            if vpc and key:
                problem += " (The inventory plugin crossvpc.aws.vpcs read connect_vpcs[%d] from VPC %s: fix %s.)" % (
                    i, vpc, CONNECT_VPC_TAGS.get(key.group(1), "its tags"))
        named.append(problem)
    return named


def changed_link(item, made, links, vpc_names, names):
    """What became of the link a part connect.yml made served, by the plan's ``links`` now: a part's tags say whose it is
    (crossvpc:serves, crossvpc:calls: server and port; crossvpc:group-of: a hub's group), a peering's name hashes its two
    VPCs' names (among ``names``, every host's connect_vpcs). ``vpc_names``: VPC id -> Name of this account's VPCs."""
    tags = tags_of(item)
    if tags.get("crossvpc:group-of"):
        return "the transit gateway of group %s, for which the plan has no hub now" % tags["crossvpc:group-of"]
    serves = tags.get("crossvpc:serves") or tags.get("crossvpc:calls")
    if serves:
        server, port = serves.rsplit(":", 1)
        client = vpc_names.get(item.get("VpcId")) if tags.get("crossvpc:calls") else None
        what = "%sPrivateLink to %s on port %s" % ("%s's " % client if client else "", server, port)
        now = [l for l in links if l["server"] == server and (client is None or l["client"] == client)]
    else:
        ends = sorted((set(vpc_names.values()) | set(names) | set(e for l in links for e in (l["client"], l["server"]))) - set([None]))
        pair = next(([a, b] for a in ends for b in ends if a < b and made.endswith(
            "-" + hashlib.sha1(("%s,%s" % (a, b)).encode()).hexdigest()[:8])), None)
        if pair is None:
            return None
        what = "the peering of %s and %s" % tuple(pair)
        now, port = [l for l in links if sorted([l["client"], l["server"]]) == pair], None
    if not now:
        return "%s: connect_links has no link %s now" % (what, "between them" if port is None else "to %s" % server)
    methods = sorted(set(l["method"] for l in now))
    if (port is None and "peering" not in methods) or (port is not None and "privatelink" not in methods):
        return "%s: its link is planned as %s now (connect_expected_vpcs or a planner threshold changed the method)" % (
            what, " and ".join(methods))
    if port is not None:
        return "%s: that link's ports are now %s" % (what, ", ".join(
            str(p) for l in now if l["method"] == "privatelink" for p in l.get("ports") or []))
    return None


def unplanned(module, values, planned, state, links=None, names=()):
    """connect.yml builds, and connect_teardown.yml tears down, what the plan names: what connect.yml made (Name
    connect_name plus a link's hash) that the current plan does not name would stay, so the inputs changed since the build.
    A part named another prefix plus the hash of one of this plan's parts was made under another connect_name. With the
    plan's ``links``, each such part says which link of the build it served and what changed."""
    name = values.get("connect_name") or "crossvpc-connect"
    prefix = re.compile(r"^%s-[0-9a-f]{8}$" % re.escape(name))
    hashes = set(n.rsplit("-", 1)[-1] for n in planned)
    ec2, left, renamed, vpc_names = client(module, "ec2"), [], {}, None
    for _part, _variable, kind, operation, key, id_key, status in TORN_DOWN:
        for item in paginate(ec2, operation, key, "list the %ss" % kind):
            made = tags_of(item).get("Name") or ""
            if _state(item, status) in GONE:
                continue
            if prefix.match(made) and made not in planned:
                if links is not None and vpc_names is None:
                    vpc_names = dict((v["VpcId"], tags_of(v).get("Name")) for v in paginate(ec2, "describe_vpcs", "Vpcs", "list the VPCs"))
                became = changed_link(item, made, links, vpc_names, names or []) if links is not None else None
                left.append("%s %s (%s%s)" % (kind, item[id_key], made, ", " + became if became else ""))
            elif re.match(r"^.+-[0-9a-f]{8}$", made) and made.rsplit("-", 1)[1] in hashes and made not in planned:
                renamed.setdefault(made.rsplit("-", 1)[0], []).append("%s %s (%s)" % (kind, item[id_key], made))
    problems = []
    for old, parts in sorted(renamed.items()):
        fix = ("With the new name the build would make each part again beside the old one and leave that one's link open. Set "
               "connect_name back to %r, or run playbooks/connect_teardown.yml with connect_name=%r first." % (old, old)
               if state == "present" else "With this name the teardown finds none of them. Run it with connect_name=%r." % old)
        problems.append("connect_name=%r: connect.yml made %s for this plan's links under connect_name=%r (the name plus the link's "
                        "hash). %s" % (name, ", ".join(sorted(set(parts))), old, fix))
    if not left:
        return problems
    them = "them" if len(left) > 1 else "it"
    if state == "present":
        return problems + [
            "connect.yml made %s, which the plan made now does not name (a link taken out, or its server, ports or method "
            "changed), and connect.yml does not remove what it built for an older plan: %s would stay, and keep %s link open. "
            "Put the link back as it was, or run playbooks/connect_teardown.yml with the inputs of the build first, then build "
            "the new plan." % (", ".join(sorted(set(left))), "they" if len(left) > 1 else "it", "their" if len(left) > 1 else "its")]
    return problems + [
        "connect.yml made %s, which the plan made now does not name: the teardown would leave %s. The plan's inputs "
        "(connect_links, connect_vpcs, connect_expected_vpcs, connect_name) changed since the build: run the teardown with "
        "the inputs of the build, then build the new plan." % (", ".join(sorted(set(left))), them)]


GONE_FIX = ("If that VPC was deleted, nothing of the connection is left in it: take it out of the inventory. Otherwise "
            "check the name (a typo here would tear down one end and leave the other).")


def spoke_attachment_names(module, aws, where, vpc, entry):
    """A teardown finds a spoke's attachments by VPC: one named otherwise than its entry goes all the same, with a word."""
    live = paginate(aws.ec2, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments",
                    "list the attachments of %s" % vpc["VpcId"], Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
    live = [a for a in live if _state(a, "State") not in GONE]
    for attachment in [a for a in live if tags_of(a).get("Name") != entry.get("name")]:
        module.warn("%s.name=%r: the attachment of %s (%s) is named %r; the teardown removes it all the same, as it finds a "
                    "spoke's attachments by VPC." % (where, entry.get("name"), vpc["VpcId"], attachment["TransitGatewayAttachmentId"],
                                                     tags_of(attachment).get("Name")))
    return sorted(set(a["TransitGatewayId"] for a in live))


def look_up_teardown(module, problems, parts, values):
    """For a teardown: the VPCs named must exist (the connections go, the VPCs stay), so that a typo
    does not tear down half of a connection. Other look-ups are left out: what they name may be gone."""
    account = check_credentials(module, problems, values)
    if account is None:
        return {}
    aws = Account(module, account, values.get("aws_region"))
    named = []
    if "vpc_peering" in parts:
        named.append(("vpc_peering_vpc_id", values.get("vpc_peering_vpc_id"), "vpc_peering_vpc_name", values.get("vpc_peering_vpc_name"), None))
    for i, entry in enumerate(values.get("transit_gateway_spoke_vpcs") or [] if "transit_gateway_spoke" in parts else []):
        name = "transit_gateway_spoke_vpcs[%d]" % i
        named.append((name + ".vpc_id", entry.get("vpc_id"), name + ".vpc_name", entry.get("vpc_name"), entry))
    before, found = len(problems), {}
    if "transit_gateway_spoke" in parts:
        found["spoke_vpc_ids"] = []  # the VPCs whose attachments this host removes, for the hub's check across hosts
    peering_vpc = None
    for id_name, vpc_id, name_name, vpc_name, spoke in named:
        vpc = aws.vpc(problems, id_name, vpc_id, name_name, vpc_name)
        if vpc is not None and spoke is not None:
            found["spoke_vpc_ids"].append(vpc["VpcId"])
            gateways = spoke_attachment_names(module, aws, id_name.rsplit(".", 1)[0], vpc, spoke)
            found.setdefault("spoke_attached", []).append({"named": "%s (%s)" % (id_name.rsplit(".", 1)[0], vpc_name or vpc_id),
                                                           "gateways": gateways})
        if vpc is not None and id_name == "vpc_peering_vpc_id":
            # For the check across hosts: the peering between the two ends is found by its VPCs, its
            # security group by vpc_peering_name, so a misspelt name would leave the group behind.
            given = "vpc_peering_vpc_id" if vpc_id else "vpc_peering_vpc_name"
            found["peering_vpc"] = vpc_found(vpc, "%s=%r" % (given, vpc_id or vpc_name))
            found["peering_name"] = values.get("vpc_peering_name")
            found["connect_name"] = values.get("connect_name")
            peering_vpc = vpc
            found["peerings"] = peerings_of(aws, vpc)
    consumer_vpc = values.get("privatelink_consumer_vpc_id")
    if "privatelink_consumer" in parts and values.get("privatelink_consumer_subnet_names"):
        # They find the endpoint's VPC: a name that matches nothing would leave the endpoint, and the service behind it.
        subnets = aws.subnets_named(problems, None, [], "privatelink_consumer_subnet_names", values["privatelink_consumer_subnet_names"])
        consumer_vpc = consumer_vpc or (subnets[0]["VpcId"] if subnets else None)
    for i in range(before, len(problems)):
        problems[i] += " " + GONE_FIX
    aws.peering_connection(problems, values.get("vpc_peering_connection_id"), peering_vpc)
    arn, name = values.get("privatelink_provider_nlb_arn"), values.get("privatelink_provider_name")
    if "privatelink_provider" in parts and arn and name and load_balancing.LOAD_BALANCER_NAME.match(name):
        # The role removes the NLB it made only without an ARN: one given now would leave the one it made.
        made = call(client(module, "elbv2"), "describe_load_balancers", "look up load balancer %s" % name, missing={},
                    Names=[name]).get("LoadBalancers") or []
        if [lb for lb in made if lb["LoadBalancerArn"] == arn]:
            module.warn("privatelink_provider_nlb_arn=%r: is the load balancer the role made for this service (named after "
                        "privatelink_provider_name=%r); given by ARN, the teardown keeps it. Leave the ARN out to remove it." % (arn, name))
        for lb in [lb for lb in made if lb["LoadBalancerArn"] != arn]:
            problems.append("privatelink_provider_nlb_arn=%r: with it the teardown leaves the load balancer the role made for this "
                            "service, %s (named after privatelink_provider_name=%r). Leave privatelink_provider_nlb_arn out of the "
                            "teardown's inventory, as when it was made." % (arn, lb["LoadBalancerArn"], name))
    return dict(look_up_named(module, problems, aws, parts, values, consumer_vpc), account=account, **found)


# What a teardown removes by its Name tag: (part, variable, what it is, read call, key, id key, gone states).
TORN_DOWN = (
    ("transit_gateway_hub", "transit_gateway_hub_name", "transit gateway", "describe_transit_gateways",
     "TransitGateways", "TransitGatewayId", "State"),
    ("privatelink_provider", "privatelink_provider_name", "endpoint service", "describe_vpc_endpoint_service_configurations",
     "ServiceConfigurations", "ServiceId", "ServiceState"),
    ("privatelink_consumer", "privatelink_consumer_name", "interface endpoint", "describe_vpc_endpoints",
     "VpcEndpoints", "VpcEndpointId", "State"),
    ("vpc_peering", "vpc_peering_name", "peering connection", "describe_vpc_peering_connections",
     "VpcPeeringConnections", "VpcPeeringConnectionId", "Status.Code"),
)
GONE = ("deleted", "deleting", "failed", "rejected", "expired")


def stale_hub_tables(problems, aws, gateway, values):
    """A route table of the hub's gateway that the list no longer names (renamed, or taken out) would stay, with its
    propagations: the build does not remove a table it is no longer given."""
    tables = values["transit_gateway_hub_route_tables"] if "transit_gateway_hub_route_tables" in values else HUB_TABLES_DEFAULT
    listed = [table.get("name") for table in tables]
    for table in paginate(aws.ec2, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables",
                          "list the route tables of %s" % gateway, Filters=[{"Name": "transit-gateway-id", "Values": [gateway]}]):
        name = tags_of(table).get("Name")
        if name and name not in listed and _state(table, "State") not in GONE:
            problems.append(
                "transit_gateway_hub_route_tables (names %s): the hub's gateway %s has the route table %r (%s), which the list no "
                "longer names, and the build does not remove a table it is not given: it would stay with its propagations. Name it "
                "again (if it was renamed), or remove it first: crossvpc.aws.transit_gateway_route_table name=%s transit_gateway_id=%s "
                "state=absent." % (", ".join(map(repr, listed)) or "none", gateway, name, table["TransitGatewayRouteTableId"], name, gateway))


def hub_state(aws, named, live, mine):
    """For the check across hosts: the hub's gateway and its VPCs' attachments (each must be a spoke's), or, when
    its name finds none, the account's gateways (a spoke attached to one of them means the name changed)."""
    if not mine:
        return {"hub_missing": {"named": named, "gateways": dict((g["TransitGatewayId"], tags_of(g).get("Name")) for g in live),
                                "owners": dict((g["TransitGatewayId"], g.get("OwnerId")) for g in live)}}
    return {"hub_named": "%s (%s)" % (named, mine[0]["TransitGatewayId"]), "hub_id": mine[0]["TransitGatewayId"], "hub_attachments": [
        {"id": a["TransitGatewayAttachmentId"], "type": a.get("ResourceType"), "vpc": a.get("ResourceId"), "account": a.get("ResourceOwnerId")}
        for a in paginate(aws.ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments",
                          "list the attachments of %s" % mine[0]["TransitGatewayId"],
                          Filters=[{"Name": "transit-gateway-id", "Values": [mine[0]["TransitGatewayId"]]}])
        if _state(a, "State") not in GONE]}


def peerings_of(aws, vpc):
    """The live peering connections this VPC requested: with the other end's, every connection between the two."""
    return [{"id": p["VpcPeeringConnectionId"], "name": tags_of(p).get("Name"),
             "vpcs": sorted([p["RequesterVpcInfo"]["VpcId"], p["AccepterVpcInfo"]["VpcId"]])}
            for p in paginate(aws.ec2, "describe_vpc_peering_connections", "VpcPeeringConnections",
                              "list the peering connections of %s" % vpc["VpcId"],
                              Filters=[{"Name": "requester-vpc-info.vpc-id", "Values": [vpc["VpcId"]]}])
            if _state(p, "Status.Code") not in GONE]


def _state(item, path):
    for key in path.split("."):
        item = (item or {}).get(key)
    return str(item or "").lower()


def as_written(variable, name, connect_name=None):
    """``variable=name``; connect.yml names each part connect_name plus the link's hash, and then connect_name is the name to fix."""
    made = re.match(r"(.*)-[0-9a-f]{8}$", name or "")
    if made and connect_name and made.group(1) == connect_name:
        return "%s=%r (connect_name=%r plus the link's hash)" % (variable, name, connect_name)
    return "%s=%r" % (variable, name)


def look_up_named(module, problems, aws, parts, values, consumer_vpc=None):
    """A teardown whose name matches nothing removes nothing there. That is right on a second run, so it
    is a warning, naming the variable and what is there instead (a typo shows at once). The consumers'
    endpoints and the provider's service name go to the check across hosts: an endpoint left behind by a
    misspelt name would block the service's removal halfway through the teardown."""
    found = {}
    for part, variable, kind, operation, key, id_key, state in TORN_DOWN:
        name = values.get(variable)
        if part not in parts or not name:
            continue
        live = [i for i in paginate(aws.ec2, operation, key, "list the %ss" % kind) if _state(i, state) not in GONE]
        mine = [i for i in live if tags_of(i).get("Name") == name]
        if part == "privatelink_provider":
            found["service_name"] = mine[0].get("ServiceName") if mine else None
            # Its live connections: one from an account no consumer host of the teardown is in would stop it at the service.
            found["service_connections"] = [
                {"endpoint": c.get("VpcEndpointId"), "account": c.get("VpcEndpointOwner")}
                for c in paginate(aws.ec2, "describe_vpc_endpoint_connections", "VpcEndpointConnections", "list the connections of "
                                  "%s" % mine[0]["ServiceId"], Filters=[{"Name": "service-id", "Values": [mine[0]["ServiceId"]]}])
                if _state(c, "VpcEndpointState") in ("available", "pendingacceptance", "pending")] if mine else []
            found["services"] = dict((i.get("ServiceName"), tags_of(i).get("Name")) for i in live)
            found["service_named"] = "%s=%r" % (variable, name)
        if part == "privatelink_consumer" and consumer_vpc and mine and not [i for i in mine if i.get("VpcId") == consumer_vpc]:
            problems.append("%s=%r: the endpoint of this name, %s, is in %s, but the teardown looks for it in %s (%s), and would "
                            "leave it, and the provider's service behind it. Give that endpoint's subnets, or privatelink_consumer_vpc_id=%s." % (
                                variable, name, mine[0][id_key], mine[0].get("VpcId"), consumer_vpc,
                                "privatelink_consumer_vpc_id" if values.get("privatelink_consumer_vpc_id") else "the VPC of "
                                "privatelink_consumer_subnet_names", mine[0].get("VpcId")))
        if part == "privatelink_consumer":
            found["endpoints"] = [{"id": i[id_key], "name": tags_of(i).get("Name"), "service_name": i.get("ServiceName")} for i in live]
            found["endpoint_named"] = "%s=%r" % (variable, name) if not mine else None
            found["endpoint_name"] = name
        if part == "vpc_peering":
            found["named_peerings"] = [{"id": i[id_key], "vpcs": sorted([i["RequesterVpcInfo"]["VpcId"], i["AccepterVpcInfo"]["VpcId"]])}
                                       for i in mine]
        if part == "transit_gateway_hub":
            found.update(hub_state(aws, as_written(variable, name), live, mine))
        if not mine:
            # A request not yet accepted carries no tag of the accepter's (tags are per account): not a name to fix.
            unaccepted = [i[id_key] for i in live if part == "vpc_peering" and not tags_of(i).get("Name")
                          and _state(i, "Status.Code") == "pending-acceptance"]
            others = ["%s (%s)" % (tags_of(i).get("Name") or "no Name tag", i[id_key]) for i in live if i[id_key] not in unaccepted]
            there = (". Those there: %s. If you meant one of them, fix the name and run again." % ", ".join(sorted(others)) if others
                     else "." if unaccepted else " (already removed).")
            there += (" %s awaits this account's acceptance, untagged here until accepted: the requester's teardown removes it." % (
                " and ".join(sorted(unaccepted))) if unaccepted else "")
            module.warn("%s: no %s has this Name tag %s, so there is none to remove%s" % (
                as_written(variable, name, values.get("connect_name")), kind, aws.where, there))
    return found
