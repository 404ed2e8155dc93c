# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: vpcs
short_description: The VPCs of several AWS accounts and regions, one host per account and region
version_added: 0.1.0
description:
  - One inventory host per account and region, with that account's VPCs in that region in the host variable C(aws_vpcs)
    (CIDRs, subnets by Availability Zone, route tables, transit gateway attachments, tags), and the variables this
    collection's playbooks read (C(aws_profile), C(aws_region), C(aws_account_id), a local connection).
  - Each account is reached through an AWS profile. A profile with C(role_arn) and C(source_profile) (or
    C(credential_source)) assumes a role in that account, as a cross-account setup does.
  - An account whose profile fails (a role that cannot be assumed, credentials that do not work) is left out with a
    warning naming it and the error; the other accounts are listed, and the group C(all) variable C(aws_accounts_left_out)
    lists those left out (playbooks/connect.yml refuses to plan without them). If no account can be read, parsing fails.
  - A region or a filter given wrong is an error of the whole source, not of an account, and parsing fails naming the
    option and the value (see O(regions) and O(filters)).
  - VPCs tagged C(crossvpc:connect) are also listed in the host's C(connect_vpcs), so that playbooks/connect.yml runs from
    this inventory (give C(connect_links) in another inventory source or with C(-e)). The tag's value is the VPC's
    C(group) unless it is empty or C(true); the subnets tagged C(crossvpc:connect) are its C(subnet_names) (else one
    named subnet per zone); the VPC's tags C(crossvpc:clients) and C(crossvpc:service-targets) give
    C(client_security_group_names) and C(service_targets), comma-separated; C(from_tags_of), the VPC's id, lets connect.yml's
    preflight name the tag to fix. A tagged VPC or subnet without a Name tag
    is listed in C(connect_unnamed) with a warning, and connect.yml refuses to plan until it has one.
  - The file's name may end in C(vpcs.yml) or C(vpcs.yaml); any other YAML file whose C(plugin) is C(crossvpc.aws.vpcs) is read too.
  - A key of the file that is none of this plugin's options (those below, the constructed and cache ones included), for
    example C(regionz), fails parsing before any call to AWS, naming the key and the closest option.
author:
  - crossvpc.aws maintainers (@crossvpc)
requirements:
  - boto3
  - botocore
extends_documentation_fragment:
  - constructed
  - inventory_cache
options:
  plugin:
    description: This plugin's name.
    type: str
    required: true
    choices: [crossvpc.aws.vpcs]
  accounts:
    description:
      - The accounts to list, at least one. Given wrong (none, an entry without a profile or with another key, a profile
        or a name listed twice, a name with other characters than allowed), parsing fails before any call to AWS, naming
        C(accounts[i]).
    type: list
    elements: dict
    required: true
    suboptions:
      profile:
        description:
          - The AWS profile of the account, each listed once, and one per account (an account is one host per region); two
            profiles of one account fail parsing once their account is read.
        type: str
        required: true
      name:
        description:
          - The host's name (with several O(regions), followed by C(_) and the region). Default C(account_)
            and the account's id.
          - Letters, digits, C(_), C(-) and C(.) only, so that host patterns can name it, and no other account's name.
        type: str
  regions:
    description:
      - The regions to list the VPCs of, each once.
      - Each is checked, before any call to AWS, against the regions botocore knows (those of all its partitions,
        opt-in regions included). One that is not among them and is not named like an AWS region (for example
        C(xx-nowhere-1)) fails parsing, naming C(regions[i]) and the regions botocore knows.
      - One named like a region but unknown to botocore (a region newer than the installed botocore, or a typo such as
        C(us-east-9)) is read with a warning; if AWS then refuses it or has no endpoint for it, parsing fails naming it.
    type: list
    elements: str
    default: [us-east-1]
  filters:
    description:
      - DescribeVpcs filters that choose the VPCs, filter name to a value or a list of values, for example
        C(tag:Environment) or C(cidr). Booleans are sent as C(true) and C(false), numbers as text.
      - They apply to every account, so a filter AWS refuses (a name DescribeVpcs does not have, AWS's
        C(InvalidParameterValue)) fails parsing with AWS's message, rather than leaving accounts out.
    type: dict
    default: {}
"""

EXAMPLES = r"""
# inventories/org/aws.vpcs.yml
plugin: crossvpc.aws.vpcs
accounts:
  - {profile: platform, name: platform}
  - {profile: payments}        # a profile with role_arn: assumes the role in the payments account
regions: [eu-west-1, eu-central-1]
filters:
  "tag:Environment": prod
keyed_groups:
  - key: aws_region
    prefix: region
compose:
  vpc_count: aws_vpcs | length
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/crossvpc-vpcs

# Then, with the links in a file of their own:
#   ansible-playbook crossvpc.aws.connect -i inventories/org/aws.vpcs.yml -i inventories/org/links.yml
"""

import difflib
import re

import yaml

try:
    import boto3
    import botocore
    import botocore.exceptions
    import botocore.session
except ImportError:  # reported when the plugin parses
    boto3 = None

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

try:
    from ansible.template import trust_as_template  # ansible-core 2.19: only trusted strings are templated
except ImportError:
    def trust_as_template(value):
        return value

CONNECT_TAG = "crossvpc:connect"
NOT_A_GROUP = ("", "true", "yes")
# What EC2 answers a DescribeVpcs whose filters it does not take with ("The filter 'x' is invalid").
FILTER_ERRORS = ("InvalidParameterValue", "InvalidFilter", "InvalidParameter", "InvalidParameterCombination")
SOME_FILTERS = "tag:KEY, tag-key, cidr, cidr-block-association.cidr-block, vpc-id, owner-id, state, is-default"


class FilterRefused(Exception):
    """AWS refused the DescribeVpcs filters: a fault of the source's filters, not of the account."""

    def __init__(self, error):
        super(FilterRefused, self).__init__(str(error))
        self.error = error


def region_data():
    """(the regions botocore knows EC2 in, over all its partitions, opt-in ones included; each partition's region pattern)."""
    session = boto3.session.Session()
    known = set()
    for partition in session.get_available_partitions():
        known.update(session.get_available_regions("ec2", partition_name=partition))
    patterns = []
    for partition in botocore.session.get_session().get_data("endpoints").get("partitions", []):
        known.update(partition.get("regions", {}))
        if partition.get("regionRegex"):
            patterns.append(partition["regionRegex"])
    return known, patterns


def checked_regions(regions, warn):
    """The regions, refused (AnsibleParserError naming regions[i]) unless each is once and an AWS region or named like one;
    the indexes of those botocore does not know (warned about)."""
    if not regions:
        raise AnsibleParserError("crossvpc.aws.vpcs: regions=[]: lists no region. Give at least one, for example [us-east-1].")
    known, patterns = region_data()
    unknown, seen = [], {}
    for i, region in enumerate(regions):
        if region in seen:
            raise AnsibleParserError("crossvpc.aws.vpcs: regions[%d]=%r: is regions[%d] too, and each region is a host per account. "
                                     "List each region once." % (i, region, seen[region]))
        seen[region] = i
        if region in known:
            continue
        if not any(re.match(pattern, region) for pattern in patterns):
            close = difflib.get_close_matches(region, sorted(known), 3)
            raise AnsibleParserError("crossvpc.aws.vpcs: regions[%d]=%r: not an AWS region (%sknown regions: %s)."
                                     % (i, region, "did you mean %s? " % " or ".join(close) if close else "", ", ".join(sorted(known))))
        unknown.append(i)
        warn("crossvpc.aws.vpcs: regions[%d]=%r: not a region botocore %s knows, though named like one; it is read as given "
             "(a region newer than botocore, or a typo)." % (i, region, botocore.__version__))
    return unknown


def checked_keys(config, options):
    """Refused (AnsibleParserError naming the key and the closest option) unless every key of the source is one of the options."""
    for key in config:
        if key not in options:
            close = difflib.get_close_matches(str(key), sorted(options), 1)
            raise AnsibleParserError("crossvpc.aws.vpcs: %s=%r: not an option of this plugin, and it would be ignored (%soptions: %s). "
                                     "Give it as %s, or remove it."
                                     % (key, config[key], "did you mean %s? " % close[0] if close else "", ", ".join(sorted(options)),
                                        close[0] if close else "one of the options"))


HOST_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
ACCOUNT_KEYS = ("profile", "name")
HOST_NAME_CHARACTERS = "letters, digits, '_', '-' and '.'"


def checked_accounts(accounts):
    """The accounts as (profile, name or None), refused (AnsibleParserError naming accounts[i]) unless there is one at least,
    each a mapping with a profile of its own and, if named, a name of its own that host patterns can name."""
    if not accounts:
        raise AnsibleParserError("crossvpc.aws.vpcs: accounts=%r: accounts lists no account; list at least one {profile, name}, "
                                 "for example [{profile: payments, name: payments}]." % (accounts,))
    checked, profiles, names = [], {}, {}
    for i, account in enumerate(accounts):
        for key in sorted(set(account) - set(ACCOUNT_KEYS) if isinstance(account, dict) else [], key=str):
            close = difflib.get_close_matches(str(key), ACCOUNT_KEYS, 1)
            raise AnsibleParserError("crossvpc.aws.vpcs: accounts[%d].%s=%r: not a key of an account, and it would be ignored. Give "
                                     "%s." % (i, key, account[key], "it as %s" % close[0] if close else "only profile and name"))
        profile = account.get("profile") if isinstance(account, dict) else None
        if not profile or not isinstance(profile, str):
            raise AnsibleParserError("crossvpc.aws.vpcs: accounts[%d]=%r: has no profile. Give each account as a mapping with its "
                                     "AWS profile's name, for example {profile: payments, name: payments}." % (i, account))
        if profile in profiles:
            other = profiles[profile]
            other_name = accounts[other].get("name")
            raise AnsibleParserError("crossvpc.aws.vpcs: accounts[%d].profile=%r: is accounts[%d]'s too (%s), and a profile is one account, "
                                     "which would be listed as two hosts. List each profile once."
                                     % (i, profile, other, "name %r" % other_name if other_name else "no name"))
        profiles[profile] = i
        name = account.get("name")
        if name is not None and name != "":
            if not isinstance(name, str):
                raise AnsibleParserError("crossvpc.aws.vpcs: accounts[%d].name=%r: a host's name is text of %s. Quote it, for example "
                                         "name: \"%s\"." % (i, name, HOST_NAME_CHARACTERS, name))
            if not HOST_NAME.match(name):
                raise AnsibleParserError("crossvpc.aws.vpcs: accounts[%d].name=%r: a host's name has only %s, so that host patterns can "
                                         "name it. Give a name of those, for example %r."
                                         % (i, name, HOST_NAME_CHARACTERS, re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or profile))
            if name in names:
                raise AnsibleParserError("crossvpc.aws.vpcs: accounts[%d].name=%r: is accounts[%d]'s too, and each account is a host of "
                                         "its own. Give each its own name." % (i, name, names[name]))
            names[name] = i
        checked.append((profile, name or None))
    return checked


def _filter_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def checked_filters(filters):
    """The filters as DescribeVpcs takes them, {name: [text, ...]}; refused (AnsibleParserError) if not names to values."""
    if not isinstance(filters, dict):
        raise AnsibleParserError("crossvpc.aws.vpcs: filters=%r: give a mapping of DescribeVpcs filter names to values, "
                                 "for example {\"tag:Environment\": prod}." % (filters,))
    checked = {}
    for name, value in filters.items():
        if not isinstance(name, str) or not name.strip():
            raise AnsibleParserError("crossvpc.aws.vpcs: filters: %r: a filter's name is a DescribeVpcs filter, such as %s."
                                     % (name, SOME_FILTERS))
        values = [_filter_value(v) for v in (value if isinstance(value, list) else [value])]
        if not values or None in values:
            raise AnsibleParserError("crossvpc.aws.vpcs: filters: %r=%r: give a value or a list of values (text, numbers or "
                                     "booleans)." % (name, value))
        checked[name] = values
    return checked


def refused_filters(error, filters):
    """The filter names AWS's refusal names (all of them if it names none)."""
    message = error.response.get("Error", {}).get("Message") or ""
    return [n for n in filters if "'%s'" % n in message] or re.findall(r"filter '([^']*)'", message) or list(filters)


def region_refused(error):
    """Whether an error says that AWS has no such region (no endpoint for it, or a credential scope it refuses)."""
    return isinstance(error, botocore.exceptions.EndpointConnectionError) or "valid region" in str(error).lower()


def _tags(resource):
    return dict((t["Key"], t["Value"]) for t in resource.get("Tags") or [])


def _listed(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _all(client, operation, key, **params):
    found = []
    for page in client.get_paginator(operation).paginate(**params):
        found += page.get(key, [])
    return found


def read_region(ec2, filters):
    """The VPCs of one account and region, each with its subnets, route tables and attachments."""
    try:
        vpcs = _all(ec2, "describe_vpcs", "Vpcs", Filters=[{"Name": k, "Values": v} for k, v in filters.items()])
    except botocore.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in FILTER_ERRORS:
            raise FilterRefused(error)
        raise
    if not vpcs:
        return []
    by_vpc = [{"Name": "vpc-id", "Values": [v["VpcId"] for v in vpcs]}]
    subnets = _all(ec2, "describe_subnets", "Subnets", Filters=by_vpc)
    tables = _all(ec2, "describe_route_tables", "RouteTables", Filters=by_vpc)
    attachments = _all(ec2, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments", Filters=by_vpc)
    listed = []
    for vpc in sorted(vpcs, key=lambda v: (_tags(v).get("Name", ""), v["VpcId"])):
        own = sorted((s for s in subnets if s["VpcId"] == vpc["VpcId"]), key=lambda s: (_tags(s).get("Name", ""), s["SubnetId"]))
        zones = {}
        for subnet in own:
            zones.setdefault(subnet["AvailabilityZone"], []).append(subnet["SubnetId"])
        listed.append({
            "vpc_id": vpc["VpcId"],
            "name": _tags(vpc).get("Name", ""),
            "owner_id": vpc.get("OwnerId"),
            "cidrs": [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []
                      if a.get("CidrBlockState", {}).get("State") in ("associated", "associating")],
            "tags": _tags(vpc),
            "subnets": [{"subnet_id": s["SubnetId"], "name": _tags(s).get("Name", ""), "availability_zone": s["AvailabilityZone"],
                         "cidr": s["CidrBlock"], "tags": _tags(s)} for s in own],
            "subnets_by_zone": zones,
            "route_tables": [{"route_table_id": t["RouteTableId"], "name": _tags(t).get("Name", ""),
                              "main": any(a.get("Main") for a in t.get("Associations") or []),
                              "subnet_ids": sorted(a["SubnetId"] for a in t.get("Associations") or [] if a.get("SubnetId"))}
                             for t in tables if t["VpcId"] == vpc["VpcId"]],
            "transit_gateway_attachments": [{"attachment_id": a["TransitGatewayAttachmentId"], "transit_gateway_id": a["TransitGatewayId"],
                                             "state": a["State"]} for a in attachments
                                            if a["VpcId"] == vpc["VpcId"] and a["State"] not in ("deleted", "deleting", "failed", "rejected")],
        })
    return listed


def connect_vpc(vpc):
    """connect.yml's entry for a VPC tagged crossvpc:connect (None when it has no Name to find it by)."""
    if CONNECT_TAG not in vpc["tags"] or not vpc["name"]:
        return None
    tagged = [s["name"] for s in vpc["subnets"] if CONNECT_TAG in s["tags"] and s["name"]]
    first_per_zone = {}
    for subnet in vpc["subnets"]:
        if subnet["name"]:
            first_per_zone.setdefault(subnet["availability_zone"], subnet["name"])
    entry = {"name": vpc["name"], "subnet_names": tagged or [first_per_zone[z] for z in sorted(first_per_zone)],
             "from_tags_of": vpc["vpc_id"]}  # the preflight's messages name the tag to fix
    for key, tag in (("client_security_group_names", "crossvpc:clients"), ("service_targets", "crossvpc:service-targets")):
        if _listed(vpc["tags"].get(tag)):
            entry[key] = _listed(vpc["tags"][tag])
    if vpc["tags"][CONNECT_TAG].strip().lower() not in NOT_A_GROUP:
        entry["group"] = vpc["tags"][CONNECT_TAG].strip()
    return entry


def unnamed_connect_parts(vpcs):
    """The VPCs and subnets tagged crossvpc:connect that have no Name, which connect.yml would not find."""
    return ["VPC %s" % v["vpc_id"] for v in vpcs if CONNECT_TAG in v["tags"] and not v["name"]] + [
        "subnet %s of %s" % (s["subnet_id"], v["name"] or v["vpc_id"]) for v in vpcs if CONNECT_TAG in v["tags"]
        for s in v["subnets"] if CONNECT_TAG in s["tags"] and not s["name"]]


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = "crossvpc.aws.vpcs"

    def verify_file(self, path):
        """A YAML file named *vpcs.yml, or any other YAML file whose plugin key names this plugin: it asks for it, and
        skipping it for its name left only Ansible's "Unable to parse" warning."""
        if not super(InventoryModule, self).verify_file(path) or not path.endswith((".yml", ".yaml")):
            return False
        if path.endswith(("vpcs.yml", "vpcs.yaml")):
            return True
        try:
            with open(path) as source:
                config = yaml.safe_load(source)
        except (OSError, yaml.YAMLError):
            return False
        return isinstance(config, dict) and config.get("plugin") == self.NAME

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        if boto3 is None:
            raise AnsibleParserError("crossvpc.aws.vpcs needs boto3 and botocore: pip install boto3")
        config = self._read_config_data(path)
        # Given wrong, these fail the whole source, before any call (and before the cache answers).
        checked_keys(config, self._options)
        accounts = checked_accounts(self.get_option("accounts"))
        regions = self.get_option("regions")
        unknown_regions = checked_regions(regions, self.display.warning)
        filters = checked_filters(self.get_option("filters"))
        key = self.get_cache_key(path)
        data = None
        if self.get_option("cache") and cache:
            data = self._cache.get(key)
        if data is None:
            data = self._read_accounts(accounts, regions, filters, unknown_regions)
            if self.get_option("cache"):
                self._cache[key] = data
        if isinstance(data, list):  # a cache written before left-out accounts were kept
            data = {"hosts": data, "left_out": []}
        self._populate(data["hosts"], data["left_out"])

    def _read_accounts(self, accounts, regions, filters, unknown_regions):
        """The hosts of the accounts checked_accounts gave, each account's in each region."""
        hosts, failed, seen, left_out = [], [], {}, []
        for i, (profile, given_name) in enumerate(accounts):
            region = regions[0]
            try:
                session = boto3.session.Session(profile_name=profile)
                account_id = session.client("sts", region_name=region).get_caller_identity()["Account"]
                if account_id in seen:  # one account, two hosts (or one, merged, without names)
                    raise AnsibleParserError("crossvpc.aws.vpcs: accounts[%d] (profile %s): reaches account %s, as accounts[%d] (profile %s) "
                                             "does, and an account is one host per region. List one profile per account."
                                             % (i, profile, account_id, seen[account_id], accounts[seen[account_id]][0]))
                seen[account_id] = i
                for region in regions:
                    name = given_name or "account_%s" % account_id
                    hosts.append({"host": name if len(regions) == 1 else "%s_%s" % (name, re.sub(r"\W", "_", region)),
                                  "profile": profile, "account": account_id, "region": region,
                                  "vpcs": read_region(session.client("ec2", region_name=region), filters)})
            except FilterRefused as refused:
                error = refused.error.response.get("Error", {})
                raise AnsibleParserError("crossvpc.aws.vpcs: filters: AWS refused %s: %s (%s, to DescribeVpcs of accounts[%d] (profile %s) "
                                         "in %s). The filters apply to every account: give filters DescribeVpcs has, such as %s."
                                         % (", ".join(repr(n) for n in refused_filters(refused.error, filters)),
                                            error.get("Message") or refused.error, error.get("Code"), i, profile, region, SOME_FILTERS))
            except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
                if regions.index(region) in unknown_regions and region_refused(error):
                    raise AnsibleParserError("crossvpc.aws.vpcs: regions[%d]=%r: not a region AWS has (botocore %s does not know it "
                                             "either): %s" % (regions.index(region), region, botocore.__version__, error))
                hosts = [h for h in hosts if h["profile"] != profile]
                failed.append(profile)
                left_out.append("accounts[%d] (profile %s): %s" % (i, profile, error))
                self.display.warning("crossvpc.aws.vpcs: accounts[%d] (profile %s) is left out: %s. Check the profile, and that "
                                     "its role can be assumed." % (i, profile, error))
        if failed and not hosts:
            raise AnsibleParserError("crossvpc.aws.vpcs: no account could be read (profiles %s): see the warnings above." % ", ".join(failed))
        return {"hosts": hosts, "left_out": left_out}

    def _constructed(self, option, construct, facts, host, strict):
        """Ansible's constructed option, strict; not strict, an expression that fails other than on a variable some hosts
        lack is left out with a warning naming it (Ansible drops it silently, and plays aimed at its groups then match no host)."""
        try:
            construct(self.get_option(option), facts, host, strict=True)
        except AnsibleError as error:
            if strict:
                raise
            if "is undefined" not in str(error):
                self.display.warning("crossvpc.aws.vpcs: %s of host %s left out: %s. Fix the expression (strict: true makes this an "
                                     "error)." % (option, host, error))
            construct(self.get_option(option), facts, host, strict=False)

    def _populate(self, hosts, left_out):
        strict = self.get_option("strict")
        for entry in hosts:
            host = self.inventory.add_host(entry["host"])
            variables = {"aws_profile": entry["profile"], "aws_region": entry["region"], "aws_account_id": entry["account"],
                         "aws_vpcs": entry["vpcs"], "ansible_connection": "local",
                         "ansible_python_interpreter": trust_as_template("{{ ansible_playbook_python }}")}
            connect = [c for c in (connect_vpc(v) for v in entry["vpcs"]) if c]
            if connect:
                variables["connect_vpcs"] = connect
            unnamed = unnamed_connect_parts(entry["vpcs"])
            if unnamed:  # connect.yml finds VPCs and subnets by Name: its preflight refuses to plan without these
                variables["connect_unnamed"] = unnamed
                self.display.warning("crossvpc.aws.vpcs: %s: tagged %s without a Name tag, so connect.yml cannot find %s. Give "
                                     "each a Name tag." % (", ".join(unnamed), CONNECT_TAG, "it" if len(unnamed) == 1 else "them"))
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
            self._constructed("compose", self._set_composite_vars, self.inventory.get_host(host).get_vars(), host, strict)
            facts = self.inventory.get_host(host).get_vars()
            self._constructed("groups", self._add_host_to_composed_groups, facts, host, strict)
            self._constructed("keyed_groups", self._add_host_to_keyed_groups, facts, host, strict)
        # What reachability reads a path's far side with: every account's profile by account id.
        self.inventory.set_variable("all", "aws_account_profiles", dict((h["account"], h["profile"]) for h in hosts))
        # connect.yml plans every account's VPCs together: a plan without an account's would be wrong, so it refuses to run.
        self.inventory.set_variable("all", "aws_accounts_left_out", left_out)
