# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security groups that open a few ports to named sources: find, plan, apply.

A group's rules are reduced to flat tuples (protocol, from_port, to_port, kind, source), one per
source, so desired and current compare as sets: what is missing is authorized, what is extra is
revoked, in one call each. The group is found by name in its VPC (AWS keeps names unique there),
so a rerun after a crash between create and authorize finds it and finishes the rules.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, call, ec2_tag, error_code, paginate, tag_steps, tags_of)

# CreateSecurityGroup (EC2 API reference): GroupName and GroupDescription, up to 255 characters of
# a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$* ; a name may not start with sg-.
TEXT_LIMIT = 255
ALLOWED = re.compile(r"^[a-zA-Z0-9 ._\-:/()#,@\[\]+=&;{}!$*]*$")
ALLOWED_TEXT = "letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*"


def check_text(option, value, what=None):
    """A group name or description as AWS accepts them: length and character set."""
    what = what or "a security group %s" % option
    validation.text(option, value, TEXT_LIMIT, what)
    bad = sorted(set(c for c in value if not ALLOWED.match(c)))
    if bad:
        raise InvalidInput(option, value, "has characters AWS does not allow in %s: %s." % (what, " ".join(repr(c) for c in bad)),
                           "Use only %s." % ALLOWED_TEXT)


def check_name(option, value, suffix=""):
    """A group's name; ``suffix``: what a role adds to the name variable ``option`` to name its group."""
    named = " (the role's group is named %s%s)" % (value, suffix) if suffix else ""
    if not value.strip() or len(value + suffix) > TEXT_LIMIT or value.startswith("sg-"):
        raise InvalidInput(option, value, "is not a valid security group name%s." % named,
                           "Use 1 to %d characters that do not start with sg-." % (TEXT_LIMIT - len(suffix)))
    check_text(option, value, "a security group name" + named)


# kind -> (key of the source list in an IpPermission, key of the source in each item)
SOURCE_KEYS = (
    ("cidr", "IpRanges", "CidrIp"),
    ("cidr6", "Ipv6Ranges", "CidrIpv6"),
    ("group", "UserIdGroupPairs", "GroupId"),
    ("prefix_list", "PrefixListIds", "PrefixListId"),
)
ALL_EGRESS = frozenset([("-1", None, None, "cidr", "0.0.0.0/0")])


def rules_of(permissions):
    """Flat rule tuples from AWS's IpPermissions (protocol -1 carries no ports)."""
    rules = set()
    for permission in permissions or []:
        protocol = str(permission.get("IpProtocol"))
        ports = (None, None) if protocol == "-1" else (permission.get("FromPort"), permission.get("ToPort"))
        for kind, list_key, item_key in SOURCE_KEYS:
            for item in permission.get(list_key) or []:
                rules.add((protocol,) + ports + (kind, item[item_key]))
    return rules


def permissions_of(rules):
    """AWS's IpPermissions for rule tuples, one permission per rule, in a stable order."""
    keys = dict((kind, (list_key, item_key)) for kind, list_key, item_key in SOURCE_KEYS)
    permissions = []
    for protocol, from_port, to_port, kind, source in sorted(rules, key=str):
        permission = {"IpProtocol": protocol}
        if protocol != "-1":
            permission.update(FromPort=from_port, ToPort=to_port)
        list_key, item_key = keys[kind]
        permission[list_key] = [{item_key: source}]
        permissions.append(permission)
    return permissions


def describe_rules(rules):
    """Rule tuples as readable dicts (what --diff and the result show)."""
    described = []
    for protocol, from_port, to_port, kind, source in sorted(rules, key=str):
        rule = {"protocol": "all" if protocol == "-1" else protocol, kind: source}
        if protocol != "-1":
            rule["ports"] = "%s" % from_port if from_port == to_port else "%s-%s" % (from_port, to_port)
        described.append(rule)
    return described


def desired_ingress(protocol, ports, cidrs, group_ids):
    """One rule per (port, source); ``cidrs`` are ipaddress networks, ``group_ids`` resolved ids."""
    sources = [("cidr6" if network.version == 6 else "cidr", str(network)) for network in cidrs]
    sources += [("group", group_id) for group_id in group_ids]
    return set((protocol, port, port) + source for port in ports for source in sources)


def find_group(ec2, vpc_id, name):
    """The group called ``name`` in the VPC, or None."""
    groups = paginate(ec2, "describe_security_groups", "SecurityGroups", "find security group %s" % name,
                      Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": [name]}])
    return groups[0] if groups else None


def group_ids_by_name(ec2, vpc_id, names):
    """{name: id} of the named groups of the VPC; a name that does not exist there is an error."""
    if not names:
        return {}
    groups = paginate(ec2, "describe_security_groups", "SecurityGroups", "find the source security groups",
                      Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": list(names)}])
    found = dict((g["GroupName"], g["GroupId"]) for g in groups)
    missing = [n for n in names if n not in found]
    if missing:
        raise CrossvpcError("source_security_group_names: no security group called %s in %s. Create the clients' "
                            "group first, or name it by id in source_security_group_ids." % (
                                ", ".join(missing), vpc_id))
    return found


def check_group_ids(ec2, vpc_id, group_ids):
    """Every id is a security group this account and region can see, of ``vpc_id`` or of a VPC peered with it
    (AWS refuses a rule naming any other), so that the group is not made before AWS refuses its ingress rule."""
    if not group_ids:
        return
    found = paginate(ec2, "describe_security_groups", "SecurityGroups", "look up the source security groups",
                     Filters=[{"Name": "group-id", "Values": list(group_ids)}])
    missing = sorted(set(group_ids) - set(g["GroupId"] for g in found))
    if missing:
        raise InvalidInput("source_security_group_ids", missing[0] if len(missing) == 1 else missing,
                           "no such security group in this account and region.",
                           "Check the id, the account (profile) and the region; a group of another account "
                           "cannot be named here.")
    others = sorted(set(g["VpcId"] for g in found if g.get("VpcId") and g["VpcId"] != vpc_id))
    peered = set()
    for side in ("requester", "accepter") if others else ():
        for pcx in paginate(ec2, "describe_vpc_peering_connections", "VpcPeeringConnections", "look up the peerings of %s" % vpc_id,
                            Filters=[{"Name": "%s-vpc-info.vpc-id" % side, "Values": [vpc_id]},
                                     {"Name": "status-code", "Values": ["active"]}]):
            peered |= {pcx["RequesterVpcInfo"].get("VpcId"), pcx["AccepterVpcInfo"].get("VpcId")}
    for group in [g for g in found if g.get("VpcId") in set(others) - peered]:
        raise InvalidInput("source_security_group_ids", group["GroupId"], "is a group of %s, which is neither %s nor peered with it, "
                           "and AWS refuses a rule naming it." % (group["VpcId"], vpc_id),
                           "Name a group of this VPC or of an actively peered one, or its CIDRs in source_cidrs.")


def group_state(group):
    """What --diff shows of a group (None when it does not exist)."""
    if group is None:
        return None
    return {"group_id": group["GroupId"], "group_name": group["GroupName"], "vpc_id": group["VpcId"],
            "description": group.get("Description"), "ingress": describe_rules(rules_of(group.get("IpPermissions"))),
            "egress": describe_rules(rules_of(group.get("IpPermissionsEgress"))), "tags": tags_of(group)}


def plan_group(group, ingress, egress, tags, purge_tags):
    """The steps from ``group`` (None: to be made) to the desired rules and tags; {} when none.

    A new group comes with AWS's default egress rule and no ingress; its tags go with the create.
    """
    if group is None:
        steps, current_in, current_out = {"create": True}, set(), set(ALL_EGRESS)
    else:
        steps = tag_steps(tags_of(group), tags, purge_tags)
        current_in, current_out = rules_of(group.get("IpPermissions")), rules_of(group.get("IpPermissionsEgress"))
    for direction, current, desired in (("ingress", current_in, ingress), ("egress", current_out, egress)):
        if desired - current:
            steps["authorize_" + direction] = desired - current
        if current - desired:
            steps["revoke_" + direction] = current - desired
    return steps


def planned_state(before, steps, name, vpc_id, description, ingress, egress, tags):
    """What --check says the group will be."""
    if before is None:
        planned_tags = dict(tags or {})
    else:
        planned_tags = dict((k, v) for k, v in before["tags"].items() if k not in steps.get("untag", []))
        planned_tags.update(steps.get("tag", {}))
    return {"group_id": before["group_id"] if before else UNKNOWN, "group_name": name, "vpc_id": vpc_id,
            "description": before["description"] if before else description,
            "ingress": describe_rules(ingress), "egress": describe_rules(egress), "tags": planned_tags}


def apply_group(ec2, group, steps, vpc_id, name, description, tags):
    """Carry out plan_group()'s steps; returns the group read back."""
    if steps.get("create"):
        group = create_group(ec2, vpc_id, name, description, tags)
    else:
        ec2_tag(ec2, group["GroupId"], steps.get("tag"), steps.get("untag"))
    for direction in ("ingress", "egress"):
        apply_rules(ec2, group["GroupId"], direction, steps.get("authorize_" + direction),
                    steps.get("revoke_" + direction))
    return find_group(ec2, vpc_id, name)


def create_group(ec2, vpc_id, name, description, tags):
    """Create the group; a create that AWS made although its answer was lost is found, not repeated."""
    params = dict(VpcId=vpc_id, GroupName=name, Description=description)
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "security-group", "Tags": ansible_dict_to_boto3_tag_list(tags)}]
    options = {"description": ("description",), "name": ("groupname", "group name"), "tags": ("tag",),
               "vpc_id": ("vpc",)}
    try:
        call(ec2, "create_security_group", "create security group %s in %s" % (name, vpc_id), options=options,
             **params)
    except CrossvpcError as error:
        if error_code(error.error) != "InvalidGroup.Duplicate":
            raise
    group = find_group(ec2, vpc_id, name)
    if group is None:
        raise CrossvpcError("Created security group %s in %s, but cannot read it back." % (name, vpc_id))
    return group


def apply_rules(ec2, group_id, direction, to_add, to_remove):
    """Revoke then authorize, one call each (nothing to do makes no call)."""
    if to_remove:
        call(ec2, "revoke_security_group_%s" % direction, "revoke %s rules of %s" % (direction, group_id),
             GroupId=group_id, IpPermissions=permissions_of(to_remove))
    if to_add:
        call(ec2, "authorize_security_group_%s" % direction, "authorize %s rules on %s" % (direction, group_id),
             GroupId=group_id, IpPermissions=permissions_of(to_add))


def lasting_users(ec2, group_id):
    """What keeps the group in use that waiting will not end: network interfaces other than interface endpoints'
    (AWS removes those a little after their endpoint), and other groups' rules naming it. Empty when they cannot be read."""
    try:
        interfaces = paginate(ec2, "describe_network_interfaces", "NetworkInterfaces", "find what uses %s" % group_id,
                              Filters=[{"Name": "group-id", "Values": [group_id]}])
        referring = paginate(ec2, "describe_security_groups", "SecurityGroups", "find the rules naming %s" % group_id,
                             Filters=[{"Name": "ip-permission.group-id", "Values": [group_id]}])
    except CrossvpcError:  # a policy without these reads: wait, as before
        return []
    return ["network interface %s (%s)" % (i["NetworkInterfaceId"], i.get("Description") or i.get("InterfaceType") or "no description")
            for i in interfaces if i.get("InterfaceType") != "vpc_endpoint"] + [
        "the rules of group %s (%s)" % (g["GroupId"], g.get("GroupName")) for g in referring if g["GroupId"] != group_id]


def delete_group(ec2, group_id, timeout):
    """Delete the group, waiting while AWS still counts it in use (the network interfaces of an endpoint
    just deleted go a little later); past the timeout, AWS's refusal is the error. What waiting will not end
    (a workload's network interface, another group's rule) is named at the first refusal."""
    deadline, delay, users = time.monotonic() + timeout, 2.0, None
    while True:
        try:
            call(ec2, "delete_security_group", "delete security group %s" % group_id, missing={}, GroupId=group_id)
            return
        except CrossvpcError as error:
            if error_code(error.error) != "DependencyViolation":
                raise
            users = lasting_users(ec2, group_id) if users is None else users
            if users:
                raise CrossvpcError("Security group %s is in use by %s, which would keep it whatever the wait: detach it from "
                                    "those, or name the group you meant." % (group_id, ", ".join(users)), error.error)
            if time.monotonic() + delay > deadline:
                raise CrossvpcError("%s It is still attached to a network interface or referenced by another "
                                    "group's rule: remove those first." % error.message, error.error)
        time.sleep(delay)
        delay = min(delay * 2, 15.0)
