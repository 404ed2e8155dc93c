#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: reachability
short_description: Say whether a client subnet can reach an address or a PrivateLink service, and what is broken
version_added: 0.1.0
description:
  - Follows the path from a client (a subnet and its security groups) to a destination with Describe calls only,
    across VPC peering, a Transit Gateway or PrivateLink, and reports each hop, whether traffic can flow and, if
    not, the first broken hop in the order a packet meets them, with what to fix.
  - Read-only, it never changes anything (C(changed) is always false); check mode makes the same reads.
  - "For an address: the source subnet's route table (longest prefix match), then the peering connection
    (active, leading to the VPC that holds the address) or the Transit Gateway (the VPC's attachment, with a
    subnet in the client's zone, the route in the attachment's TGW route table, the destination attachment), the
    destination subnets' route back, and at both ends the security groups and network ACLs."
  - "For a service name: the interface endpoint in the client's VPC and its state, its security groups and the
    network ACLs on the way, then on the provider side the endpoint service, this endpoint's connection, a
    listener on O(destination.port) on one of the service's Network Load Balancers and its target group."
  - The module's credentials are the source account's. Hops in other accounts (the peer VPC, the Transit Gateway's
    route tables, the provider) are read with the profiles in O(account_profiles).
  - A hop that cannot be checked is reported as not checked (ok null) with a warning, does not count as broken, and
    makes RV(msg) say "Reachable as far as checked" - its account has no profile, no security groups are known at the
    destination (no network interface there yet, and none named), or the path goes on beyond a VPN or Direct Connect
    attachment.
  - Not modelled (noted where met) are IPv6, prefix lists in routes and security group rules, routes through
    appliances (instances, interfaces, gateways), Transit Gateway peering and VPN attachments beyond the first hop.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  source:
    description: The client.
    type: dict
    required: true
    suboptions:
      subnet_id:
        description: The client's subnet (C(subnet-...)). Give this or O(source.subnet_name).
        type: str
      subnet_name:
        description: The client's subnet by its Name tag.
        type: str
      security_group_ids:
        description: The client's security groups (C(sg-...)). Give these or O(source.security_group_names).
        type: list
        elements: str
      security_group_names:
        description: The client's security groups by group name, in the subnet's VPC.
        type: list
        elements: str
  destination:
    description: What the client calls.
    type: dict
    required: true
    suboptions:
      address:
        description:
          - An IPv4 address, or a CIDR block (for example the peer VPC's), on a peering or Transit Gateway path.
            With a CIDR, every destination subnet inside it is checked.
          - Give this or O(destination.service_name).
        type: str
      service_name:
        description: A PrivateLink endpoint service name (C(com.amazonaws.vpce.REGION.vpce-svc-...)).
        type: str
      port:
        description: The port the client calls, 1 to 65535.
        type: int
        required: true
      protocol:
        description: The protocol.
        type: str
        choices: [tcp, udp]
        default: tcp
      security_group_ids:
        description:
          - Optional security groups of the destination (C(sg-...)), in the destination's account. Their ingress
            must allow the port from the source subnet (or a CIDR containing it, or a source group). Over an
            inter-region peering only CIDRs count, as AWS takes no reference to the peer VPC's groups there.
          - For a PrivateLink service, the targets' groups, which must allow the target port from the load
            balancer's subnets.
          - What AWS evaluates is the groups of the network interface that holds the address (for a service, each
            target's), so where one holds it the module reads and evaluates those, and warns about a group given here
            that is not on it. These are evaluated only where no interface holds the address yet (the groups its
            workload will carry). With neither, the hop is not checked, and the result says so.
        type: list
        elements: str
      security_group_names:
        description: The same as O(destination.security_group_ids), by group name in the destination VPC.
        type: list
        elements: str
  account_profiles:
    description:
      - Profiles of the other accounts on the path, keyed by 12-digit account id, for the far-side hops.
    type: dict
    default: {}
  fail_when_unreachable:
    description:
      - Fail the task when a hop is broken; the message names the hop and the fix. With V(false) the result
        says so in RV(reachable) and RV(broken_hop) and the task succeeds.
    type: bool
    default: true
extends_documentation_fragment:
  - crossvpc.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Can account B's VPC_C reach the service in account A's VPC_A over peering?
  crossvpc.aws.reachability:
    profile: crossvpc-b
    source:
      subnet_name: crossvpc-lab-c-private-1
      security_group_ids: [sg-0123456789abcdef0]
    destination:
      address: 10.0.1.10
      port: 8443
      security_group_names: [crossvpc-demo-from-peer]
    account_profiles:
      "111111111111": crossvpc-a

- name: Check the PrivateLink path, and report rather than fail
  crossvpc.aws.reachability:
    profile: crossvpc-b
    source:
      subnet_name: crossvpc-lab-b-private-1
      security_group_names: [crossvpc-lab-b-clients]
    destination:
      service_name: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0
      port: 8443
    account_profiles:
      "111111111111": crossvpc-a
    fail_when_unreachable: false
  register: path

- name: Show the first broken hop
  ansible.builtin.debug:
    msg: "{{ path.broken_hop }}"
  when: not path.reachable
"""

RETURN = r"""
reachable:
  description:
    - Whether no checked hop is broken. Hops not checked (no profile for their account, no security groups known at
      the destination) do not count; RV(msg) then says "Reachable as far as checked" and names them, with a warning.
  returned: always
  type: bool
  sample: false
path:
  description:
    - C(local), C(peering), C(transit_gateway) or C(privatelink); null when the source route table has no usable
      route for the address.
  returned: always
  type: str
  sample: peering
hops:
  description: Every hop looked at, in the order a packet meets them.
  returned: always
  type: list
  elements: dict
  contains:
    hop:
      description:
        - The hop, one of C(source security group), C(source network ACL), C(source route table),
          C(peering connection), C(transit gateway attachment), C(transit gateway route table),
          C(destination transit gateway attachment), C(destination network ACL), C(destination security group),
          C(destination route table), C(interface endpoint), C(endpoint network ACL), C(endpoint security group),
          C(endpoint service), C(endpoint connection), C(load balancer listener), C(target group).
      type: str
      sample: destination route table
    resource:
      description: The resource looked at (id, ids or name).
      type: str
      sample: rtb-0123456789abcdef0
    account:
      description: The account that owns it, when known.
      type: str
      sample: "111111111111"
    ok:
      description: True when it lets the traffic through, false when it does not, null when not checked.
      type: bool
    detail:
      description: What was found.
      type: str
broken_hop:
  description: The first broken hop, with the fix; null when reachable.
  returned: always
  type: dict
  contains:
    hop:
      description: The hop's name, as in RV(hops).
      type: str
    resource:
      description: The resource.
      type: str
    account:
      description: Its account.
      type: str
    detail:
      description: What is wrong.
      type: str
    fix:
      description: What to change.
      type: str
msg:
  description: A one-line verdict; when not reachable, the broken hop and its fix.
  returned: always
  type: str
table:
  description:
    - RV(hops) as Markdown table rows, header first (hop, verdict V(ok), V(BROKEN) or V(not checked), resource,
      detail), to print or put in a report.
  returned: always
  type: list
  elements: str
  sample:
    - "| Hop | Verdict | Resource | Detail |"
    - "|---|---|---|---|"
    - "| source route table | ok | rtb-0123456789abcdef0 | routes 10.1.0.0/16 to pcx-0123456789abcdef0 |"
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import reachability
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    InvalidInput, call, checked_region, client, known_profile, new_module, run_module)

GROUPS = dict(security_group_ids=dict(type="list", elements="str"),
              security_group_names=dict(type="list", elements="str"))
ARGUMENT_SPEC = dict(
    source=dict(type="dict", required=True, options=dict(
        subnet_id=dict(type="str"), subnet_name=dict(type="str"), **GROUPS)),
    destination=dict(type="dict", required=True, options=dict(
        address=dict(type="str"), service_name=dict(type="str"), port=dict(type="int", required=True),
        protocol=dict(type="str", choices=["tcp", "udp"], default="tcp"), **GROUPS)),
    account_profiles=dict(type="dict", default={}),
    fail_when_unreachable=dict(type="bool", default=True),
)


def connector(module):
    """connect(account, service, region): this module's credentials for None (the source account),
    the account's profile from account_profiles, or None when it has none."""
    profiles, proved = module.params["account_profiles"] or {}, set()

    def connect(account, service, region):
        if account is None:
            return client(module, service, region=region)
        if account not in profiles:
            return None
        kwargs = dict(region=region, profile_name=profiles[account], aws_access_key_id=None, aws_secret_access_key=None,
                      aws_session_token=None)
        if account not in proved:  # a profile of another account would read that account, and blame the path
            owner = call(client(module, "sts", **kwargs), "get_caller_identity", "read the account of profile %s" % profiles[account])["Account"]
            if owner != account:
                raise InvalidInput("account_profiles['%s']" % account, profiles[account], "is a profile of account %s, not of %s." % (
                    owner, account), "Give account %s's profile." % account)
            proved.add(account)
        return client(module, service, **kwargs)

    return connect


def check(module):
    destination = reachability.validate(module.params, checked_region(module))
    for account, profile in sorted((module.params["account_profiles"] or {}).items()):
        if not known_profile(profile):  # botocore's "could not be found" would name neither the option nor the account
            raise InvalidInput("account_profiles['%s']" % account, profile, "is not a profile of this machine's AWS config.",
                               "Give account %s's profile (aws configure list-profiles lists them)." % account)
    result = reachability.Walk(module.params, module.region, connector(module)).run(destination)
    for warning in result.pop("warnings"):
        module.warn(warning)
    if not result["reachable"] and module.params["fail_when_unreachable"]:
        module.fail_json(changed=False, **result)
    return dict(changed=False, **result)


def main():
    run_module(new_module(ARGUMENT_SPEC), check)


if __name__ == "__main__":
    main()
