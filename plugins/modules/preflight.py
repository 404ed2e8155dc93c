#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: preflight
short_description: Check a host's inputs to the crossvpc.aws roles before any host changes anything
version_added: 0.1.0
description:
  - The first play of every crossvpc.aws playbook runs this on every host, with C(any_errors_fatal),
    so that nothing is made anywhere unless every host's inputs are right.
  - Checks each variable of the roles the host plays (O(parts)) for its type and choices (from the roles'
    argument specs), its format (CIDRs, ids, ports, account ids, ARNs, tags, lengths, DNS names, with the
    rules of the modules the variable feeds), the variables a part needs, and any variable with a role's
    prefix that the role does not have (a misspelling, which the role would ignore), naming the one meant.
  - Then, with read calls only, what can fail later - the profile resolves and its account is
    C(aws_account_id), the region exists, every VPC, subnet, security group and route table named by id
    or Name tag exists in that account and region (one per Availability Zone where AWS wants that), a
    load balancer ARN names a network load balancer, and a consumer's given service is visible to it.
  - Every problem of the host is reported at once, each naming the variable as written in the inventory,
    its value and the fix. No call is made when the variables alone are wrong.
  - Use it through its action plugin, which collects the host's variables; the module itself takes
    them as O(variables).
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  across:
    description:
      - The second step, once on one host - every host's RV(found), by host. Checks what no host sees alone
        (with C(peering_pairs) of O(context), the requester's and the accepter's hosts - a VPC peered with
        itself, overlapping ranges; spokes whose ranges overlap), with no AWS call. The playbook passes it.
      - The action plugin does this step on the controller; the module only refuses it.
      - With O(parts) as a mapping of role to groups, the action plugin also checks the pairing of hosts - each consumer's
        C(privatelink_provider_host), spoke's C(transit_gateway_hub_host) and peering end's C(vpc_peering_peer_host) (default,
        the other group's first host) names a host of the other group; with O(state=present), every provider and hub has a
        consumer or spoke (or accounts listed in the inventory), and each peering's accepter names its requester back.
    type: dict
  inventory:
    description:
      - The first step, once on the controller (a play on localhost) - check O(parts), a mapping of role to groups, against
        the inventory's groups, with no AWS call. Where one group of a build has hosts, every group of it must (a misspelt
        C(consumer) group would leave its hosts out without a word), except a consumer or spoke group when every provider or
        hub lists the accounts it serves (C(privatelink_provider_consumer_accounts), C(transit_gateway_hub_spoke_accounts)),
        as when the last managed consumer is revoked; and no host may set a role's variables outside every group that plays
        the role. A value every host shares (C(group_vars/all)) does not count.
      - The action plugin does this step; the module only refuses it.
    type: bool
    default: false
  parts:
    description:
      - The roles this host plays, or a mapping of role to the inventory groups that play it (the action
        plugin keeps the roles whose groups the host is in; C(all) is every host).
      - Besides the roles, V(connect) checks C(connect_vpcs), playbooks/connect.yml's description of the
        host's VPCs (each VPC, its subnets and client security groups by name).
    type: raw
    default: []
  state:
    description:
      - V(present) before a build; V(absent) before a teardown, which checks variables, credentials and
        that the VPCs named exist (the connections go, the VPCs stay), but not the rest (it may be gone already).
    type: str
    choices: [present, absent]
    default: present
  host:
    description:
      - The inventory host, for the messages. Set by the action plugin.
    type: str
  variables:
    description:
      - The host's variables of those roles (and C(aws_account_id), C(aws_region), C(aws_profile),
        C(aws_account_profiles)), as the inventory gives them. Set by the action plugin.
    type: dict
    default: {}
  specs:
    description:
      - The roles' argument specs of those variables. Set by the action plugin.
    type: dict
    default: {}
  context:
    description:
      - What the playbook knows of the other hosts, for rules across hosts. C(attachment_names) lists every
        spoke's attachment names (C(transit_gateway_spoke_vpcs[].name)), which a hub's route tables may
        associate and propagate by name. C(service_region) and C(hub_region), the provider's and the hub's
        regions, where a consumer's endpoint and a spoke's VPCs must be; C(service_dns), per consumer host its provider's
        private DNS name (private DNS needs one). C(spoke_vpcs) and C(accounts), each
        spoke host's C(transit_gateway_spoke_vpcs) and C(aws_account_id), so that no VPC is attached twice and no attachment
        name is used twice. C(peering_pairs), each requester's host and its accepter's (a mapping), for O(across);
        C(failed_hosts), the hosts whose own checks failed, for O(across) (nothing is concluded from what they did not find).
        C(planned_names), C(planned_links) and C(vpc_names), connect.yml's plan (its parts' names, its links with their
        methods, every host's connect_vpcs names); what connect.yml made that the plan no longer names is refused, naming
        the link it served and what changed.
    type: dict
    default: {}
extends_documentation_fragment:
  - crossvpc.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - It reads each kind of resource once per host (VPCs, subnets, then security groups and route tables
    of the VPCs concerned) and calls C(sts:GetCallerIdentity) once.
"""

EXAMPLES = r"""
# The first play of a playbook: every host of the groups that take part, any error ends the run.
- name: Check every host's inputs before anything changes
  hosts: provider:consumer
  gather_facts: false
  any_errors_fatal: true
  module_defaults:
    group/crossvpc.aws.aws:
      profile: "{{ aws_profile | default(omit) }}"
      region: "{{ aws_region }}"
  tasks:
    - name: Check the variables and what they name
      crossvpc.aws.preflight:
        parts:
          privatelink_provider: [provider]
          privatelink_consumer: [consumer]
"""

RETURN = r"""
parts:
  description: The roles this host's variables were checked for.
  returned: always
  type: list
  elements: str
  sample: [privatelink_consumer]
checked:
  description: The variables checked.
  returned: always
  type: list
  elements: str
  sample: [aws_account_id, aws_region, privatelink_consumer_name]
found:
  description: What the look-ups found (the account of the credentials, the VPCs and subnets named, and the ranges of
    the VPCs to peer or attach, for the check across hosts).
  returned: always
  type: dict
  sample: {"account": "222222222222", "consumer_vpc": "vpc-0123456789abcdef0"}
problems:
  description: Every problem found, each naming the variable, its value and the fix.
  returned: failure
  type: list
  elements: str
  sample: ["privatelink_consumer_subnet_names[1]='privat-2': no subnet has this Name tag in account 222222222222, us-east-1."]
"""

from ansible_collections.crossvpc.aws.plugins.module_utils.aws import new_module
from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import PARTS, preflight


def main():
    module = new_module(dict(
        parts=dict(type="raw", default=[]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        host=dict(type="str"),
        variables=dict(type="dict", default={}),
        specs=dict(type="dict", default={}),
        context=dict(type="dict", default={}),
        across=dict(type="dict"),
        inventory=dict(type="bool", default=False),
    ))
    params = module.params
    for step in ("inventory", "across"):  # no AWS call: the action plugin does them on the controller
        if params[step] not in (None, False):
            module.fail_json(msg="%s: the action plugin checks this on the controller; call the module through it." % step)
    parts = params["parts"]
    if not isinstance(parts, list) or [p for p in parts if p not in PARTS]:
        module.fail_json(msg="parts=%r: list roles of %s." % (parts, ", ".join(PARTS)))
    problems, found = preflight(module, params["host"], parts, params["state"], params["variables"], params["specs"],
                                params["context"])
    who = params["host"] or "this host"
    result = {"changed": False, "parts": parts, "checked": sorted(params["variables"]), "found": found}
    if problems:
        module.fail_json(msg="%s: %d problem(s) in the inventory, nothing was changed on any host: %s" % (
            who, len(problems), " | ".join(problems)), problems=problems, **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
