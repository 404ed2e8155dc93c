#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: security_group
short_description: A security group that opens only the named ports to the named sources
version_added: 0.1.0
description:
  - Ensures a security group, found by its name in its VPC, whose inbound rules are exactly
    O(ports) from O(source_cidrs), O(source_security_group_ids) and O(source_security_group_names);
    missing rules are authorized and any other inbound rule is revoked.
  - Outbound rules are either AWS's default (all traffic to C(0.0.0.0/0)) or none, see O(egress).
  - A rerun after an interrupted run finds the group by name and finishes its rules; nothing is made twice.
  - AWS cannot change a group's description; a different O(description) is reported as a warning and kept.
  - When AWS refuses a call, the failure carries AWS's code and message (for example the IAM action
    an C(UnauthorizedOperation) names).
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  name:
    description:
      - The group's name, unique in its VPC. It may not start with C(sg-).
      - Up to 255 characters, of the set AWS allows (CreateSecurityGroup), letters C(a-z), C(A-Z), digits
        C(0-9), spaces and C(._-:/()#,@[]+=&;{}!$*).
    type: str
    required: true
  vpc_id:
    description:
      - The VPC (C(vpc-...)) of the group. It must be a VPC this account and region can see (its own,
        or one shared with it through AWS RAM); another VPC is refused before the group is created.
    type: str
    required: true
  description:
    description:
      - The group's description, set when it is created. Required with O(state=present).
      - Up to 255 characters, of the same set as O(name).
    type: str
  state:
    description:
      - V(present) ensures the group and its rules; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  protocol:
    description:
      - The protocol of the opened ports.
    type: str
    choices: [tcp, udp]
    default: tcp
  ports:
    description:
      - The ports to open, each a number from 1 to 65535. Ranges are not supported; list each port.
        With no ports the group has no inbound rule.
    type: list
    elements: int
    default: []
  source_cidrs:
    description:
      - IPv4 or IPv6 networks allowed in on O(ports).
      - V(0.0.0.0/0) or V(::/0) is allowed, with a warning that it names no client.
    type: list
    elements: str
    default: []
  source_security_group_ids:
    description:
      - Security groups (C(sg-...)) whose members are allowed in on O(ports).
    type: list
    elements: str
    default: []
  source_security_group_names:
    description:
      - Security groups of the same VPC, by name, whose members are allowed in on O(ports).
    type: list
    elements: str
    default: []
  egress:
    description:
      - V(all) keeps AWS's default outbound rule (all traffic to C(0.0.0.0/0)); V(none) removes every
        outbound rule, for groups that only answer (an interface endpoint's).
    type: str
    choices: [all, none]
    default: all
  tags:
    description:
      - Tags of the group. Keys of 1 to 128 characters that do not start with C(aws:), text values of
        up to 256 characters.
    type: dict
  purge_tags:
    description:
      - Remove tags not in O(tags) (never C(aws:) ones). Ignored when O(tags) is not given.
    type: bool
    default: true
  wait_timeout:
    description:
      - With O(state=absent), seconds to keep retrying while AWS still counts the group in use (the
        network interfaces of an endpoint deleted just before leave a little later).
    type: int
    default: 300
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Let the clients' group reach the endpoint on 443 only, and nothing out
  crossvpc.aws.security_group:
    name: orders-endpoint
    description: "PrivateLink endpoint orders: 443 from its clients only"
    vpc_id: vpc-0123456789abcdef0
    ports: [443]
    source_security_group_names: [orders-clients]
    egress: none
    tags:
      Name: orders-endpoint

- name: Open 8080 to a peer VPC's ranges
  crossvpc.aws.security_group:
    name: pcx-a-b-from-peer
    description: "Peering a-b: 8080 from the peer VPC only"
    vpc_id: vpc-0123456789abcdef0
    ports: [8080]
    source_cidrs: [10.1.0.0/16, 10.2.0.0/16]

- name: Remove the group
  crossvpc.aws.security_group:
    name: orders-endpoint
    vpc_id: vpc-0123456789abcdef0
    state: absent
"""

RETURN = r"""
group_id:
  description: The group's id; C((known after apply)) in check mode before it exists; empty once absent.
  returned: always
  type: str
  sample: sg-0123456789abcdef0
group_name:
  description: The group's name.
  returned: always
  type: str
  sample: orders-endpoint
vpc_id:
  description: The group's VPC.
  returned: always
  type: str
  sample: vpc-0123456789abcdef0
ingress:
  description: The inbound rules after the change (planned in check mode), one per port and source.
  returned: when O(state=present)
  type: list
  elements: dict
  sample: [{"protocol": "tcp", "ports": "443", "group": "sg-0fedcba9876543210"}]
egress:
  description: The outbound rules after the change (planned in check mode).
  returned: when O(state=present)
  type: list
  elements: dict
  sample: []
tags:
  description: The group's tags after the change.
  returned: when O(state=present)
  type: dict
  sample: {"Name": "orders-endpoint"}
changes:
  description: The steps made (planned in check mode), each with its rules or tags; empty when none.
  returned: when O(state=present)
  type: dict
  sample: {"create": true, "authorize_ingress": [{"protocol": "tcp", "ports": "443", "cidr": "10.1.0.0/16"}]}
"""


from ansible_collections.crossvpc.aws.plugins.module_utils import security_groups, validation, vpcs
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, InvalidInput, client, new_module, result_with_diff, run_module)


# What ports: [https] or [8443-8445] is told (the option takes whole numbers, one port each).
PORTS_FIX = "Give TCP port numbers such as 443; ranges are not supported: list each port."


def validate(module):
    """The parsed sources; every problem is found before any API call."""
    params = module.params
    security_groups.check_name("name", params["name"])
    if params["name"] == "default":  # AWS makes it with the VPC; its rules are everyone's who uses the VPC
        raise InvalidInput("name", params["name"], "is the VPC's default group, which AWS makes and this module does not manage "
                           "(its rules would be replaced).", "Name a group of its own.")
    if not (module.check_mode and params["vpc_id"] == UNKNOWN):
        validation.resource_id("vpc_id", params["vpc_id"], "vpc")
    if params["state"] == "absent":
        return []
    if not (params["description"] or "").strip():
        raise InvalidInput("description", params["description"], "is required with state=present.",
                           "Say what the group lets in, for example 'orders endpoint: 443 from its clients'.")
    security_groups.check_text("description", params["description"])
    validation.tags("tags", params["tags"])
    for index, port in enumerate(params["ports"]):
        validation.port("ports[%d]" % index, port)
    cidrs = validation.cidrs("source_cidrs", params["source_cidrs"])
    validation.resource_ids("source_security_group_ids", params["source_security_group_ids"], "sg")
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    has_sources = cidrs or params["source_security_group_ids"] or params["source_security_group_names"]
    if params["ports"] and not has_sources:
        raise InvalidInput("ports", params["ports"], "are opened to nobody: no source is given.",
                           "Name the clients in source_cidrs, source_security_group_ids or source_security_group_names.")
    if has_sources and not params["ports"]:
        raise InvalidInput("ports", params["ports"], "is empty, so the named sources would be let in nowhere.",
                           "List the service's ports, for example [443].")
    return cidrs


def reconcile(module):
    params = module.params
    cidrs = validate(module)
    result = {"group_name": params["name"], "vpc_id": params["vpc_id"]}
    if params["vpc_id"] == UNKNOWN:  # check mode, the VPC itself only planned
        return dict(result, changed=True, group_id=UNKNOWN, changes={"create": True})
    ec2 = client(module, "ec2")
    group = security_groups.find_group(ec2, params["vpc_id"], params["name"])
    before = security_groups.group_state(group)

    if params["state"] == "absent":
        if group is None:  # gone already, or never there: a mistyped VPC id would look the same, so say which
            try:
                vpcs.find_vpc(ec2, params["vpc_id"])
            except InvalidInput as error:
                module.warn("Nothing to remove: %s" % error)
        if group and not module.check_mode:
            security_groups.delete_group(ec2, group["GroupId"], params["wait_timeout"])
        return result_with_diff(module, before, None, changed=group is not None, group_id="", **result)

    if group is None:  # to be created: in a VPC this account can use, or refused before anything is made
        vpcs.find_vpc(ec2, params["vpc_id"])
    by_name = security_groups.group_ids_by_name(ec2, params["vpc_id"], params["source_security_group_names"])
    known = security_groups.rules_of(group.get("IpPermissions")) if group else set()
    security_groups.check_group_ids(ec2, params["vpc_id"], sorted(set(params["source_security_group_ids"]) - set(
        rule[4] for rule in known if rule[3] == "group")))
    ingress = security_groups.desired_ingress(params["protocol"], params["ports"], cidrs,
                                              params["source_security_group_ids"] + sorted(by_name.values()))
    egress = set(security_groups.ALL_EGRESS) if params["egress"] == "all" else set()
    everyone = [str(c) for c in cidrs if c.prefixlen == 0]
    if everyone and params["ports"]:  # allowed, as asked: but that names no client
        module.warn("source_cidrs=%r: %s lets every address that can reach the group's VPC in on ports %s (peered, transit "
                    "gateway and on-premises networks, and the internet where it routes here), not only the clients. Name "
                    "the clients' ranges, or their security groups, unless that is what you mean." % (
                        params["source_cidrs"], " and ".join(everyone), ", ".join(str(p) for p in params["ports"])))
    if group and params["description"] != group.get("Description"):
        module.warn("security group %s keeps its description %r: AWS cannot change a group's description "
                    "(delete and recreate the group to change it)." % (group["GroupId"], group.get("Description")))
    steps = security_groups.plan_group(group, ingress, egress, params["tags"], params["purge_tags"])
    if not steps:
        after = before
    elif module.check_mode:
        after = security_groups.planned_state(before, steps, params["name"], params["vpc_id"], params["description"],
                                              ingress, egress, params["tags"])
    else:
        after = security_groups.group_state(security_groups.apply_group(
            ec2, group, steps, params["vpc_id"], params["name"], params["description"], params["tags"]))
    changes = dict((step, security_groups.describe_rules(value) if isinstance(value, set) else value) for step, value in steps.items())
    return result_with_diff(module, before, after, changed=bool(steps), group_id=after["group_id"],
                            ingress=after["ingress"], egress=after["egress"], tags=after["tags"], changes=changes, **result)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        vpc_id=dict(type="str", required=True),
        description=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        protocol=dict(type="str", choices=["tcp", "udp"], default="tcp"),
        ports=dict(type="list", elements="int", default=[]),
        source_cidrs=dict(type="list", elements="str", default=[]),
        source_security_group_ids=dict(type="list", elements="str", default=[]),
        source_security_group_names=dict(type="list", elements="str", default=[]),
        egress=dict(type="str", choices=["all", "none"], default="all"),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    run_module(new_module(argument_spec, fixes={"ports": PORTS_FIX}), reconcile)


if __name__ == "__main__":
    main()
