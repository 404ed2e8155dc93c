#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: connectivity_plan
short_description: Choose VPC peering, Transit Gateway or PrivateLink for each pair of VPCs, and say why
version_added: 0.1.0
description:
  - Plans how to connect VPCs, across accounts or in one, and explains every choice. It changes nothing in AWS.
  - Per link, in order. If any IPv4 or IPv6 CIDR of the client overlaps one of the server (secondary blocks
    included), the link uses V(privatelink). Peering and Transit Gateway route by destination CIDR, and AWS refuses
    a peering between overlapping IPv4 blocks; PrivateLink puts the server's service as an endpoint in the client's
    VPC, so no address crosses.
  - Else, if the client (or the server, for the return route) already routes, through an earlier link, to a range
    that overlaps the other end, the link uses V(privatelink) too. A route table holds one route per range, so the
    same range could reach only one VPC. Nested ranges would both be routed, but the longest prefix wins, and the
    narrower range would be shadowed for that VPC, whose traffic to it would all go to the narrower route's VPC and
    never reach the wider VPC's addresses in it.
  - The links left route. They are decided by group, a group being VPCs that reach each other through these
    links, each group on its own (several groups may each get a Transit Gateway). With O(on_premises), or
    O(expected_vpcs) given as one number for the whole estate, every routed VPC is one group. Let N be a group's
    VPCs, and planned N the larger of N and O(expected_vpcs), or with O(expected_vpcs) per group the sum over its
    VPCs' groups (O(vpcs[].group), else the account) of the larger of their VPCs now and their expected count.
  - With O(on_premises), a group uses V(transit_gateway). Peering is not transitive, and VPN and Direct Connect
    attach to the Transit Gateway. Else with planned N over O(peering_max_vpcs) it uses V(transit_gateway), as a
    full mesh needs N(N-1)/2 peerings against N attachments. Else, if a VPC would need more peerings than
    O(peering_quota_per_vpc), V(transit_gateway). Else V(peering), which has one connection per pair and no
    attachment-hour or per-GB processing charge.
  - Accounts play no part in choosing between V(peering) and V(transit_gateway). VPCs with distinct CIDRs are
    peered in one account or across accounts (and across regions) alike; an overlap leads to V(privatelink) in one
    account as across accounts.
  - With a Transit Gateway, its one route table holds every attached VPC's ranges, so a routed link whose VPC
    overlaps an attached one uses V(privatelink), the same range or a nested one, which would be shadowed as above.
  - Problems are reported, not failed on. These are overlapping links without ports, VPCs in several regions under
    one Transit Gateway (it is regional; TGW peering is not built by this collection), cross-region PrivateLink,
    and quotas (attachments per Transit Gateway, routes per route table).
  - Bad input fails before any AWS call, naming the option as written (for example C(on_premises[0].cidrs[1])), its
    value and the fix. This includes an O(on_premises) range that overlaps any VPC of O(vpcs), and a O(reachability)
    check whose link names a VPC not in O(vpcs). A VPC given without O(vpcs[].cidrs) is checked against
    O(on_premises) once it is discovered.
  - A VPC given with O(vpcs[].cidrs) is not looked up. With every VPC's CIDRs given, the module makes no AWS call at
    all and needs no credentials. A VPC without them is read with C(DescribeVpcs) only, by O(vpcs[].vpc_id) or by
    its Name tag.
  - The Markdown report and the Mermaid diagram are written only when their content changes.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  vpcs:
    description:
      - The VPCs to connect.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - A unique name. It is the Name tag a VPC without O(vpcs[].cidrs) is found by, unless O(vpcs[].vpc_id) is
            given.
        type: str
        required: true
      account_id:
        description:
          - The 12-digit account that owns the VPC. Required with O(vpcs[].cidrs); discovered otherwise.
        type: str
      region:
        description:
          - The VPC's region. Defaults to the module's region.
        type: str
      cidrs:
        description:
          - The VPC's IPv4 CIDR blocks, the primary first, secondary ones included.
          - Omitted, the VPC is discovered and its associated blocks are used.
        type: list
        elements: str
      ipv6_cidrs:
        description:
          - The VPC's IPv6 CIDR blocks. Only with O(vpcs[].cidrs); discovered otherwise.
        type: list
        elements: str
      group:
        description:
          - The group whose growth O(expected_vpcs) plans, when given per group. Defaults to the VPC's account.
        type: str
      vpc_id:
        description:
          - The VPC's id (C(vpc-...)), to discover it by id rather than by Name tag.
        type: str
      profile:
        description:
          - The AWS profile to discover this VPC with (its account's). Defaults to the module's credentials.
        type: str
  links:
    description:
      - Who talks to whom. One of O(links) and O(all_to_all) is required.
    type: list
    elements: dict
    suboptions:
      client:
        description: The VPC name that opens connections.
        type: str
        required: true
      server:
        description: The VPC name that serves them.
        type: str
        required: true
      ports:
        description:
          - The TCP ports the server listens on. Required when the link ends up as PrivateLink, which carries only
            the ports of an NLB listener.
          - Leave it out to plan a link without ports; an empty list is refused, as an emptied list is usually a mistake.
        type: list
        elements: int
      service:
        description: A label for the service, for example V(eks-api).
        type: str
  all_to_all:
    description:
      - Link every pair of O(vpcs) in list order, the later VPC being the client and the earlier the server, with
        O(default_ports).
    type: bool
    default: false
  default_ports:
    description: The ports of the links that O(all_to_all) makes.
    type: list
    elements: int
  expected_vpcs:
    description:
      - How many VPCs are expected. One number is the whole estate's, and every routed VPC is then decided as one
        group. A mapping gives it per group of VPCs (O(vpcs[].group)) or per account id, for example C(payments)
        8 and C(222222222222) 4, and each group is decided on its own.
      - Defaults to how many there are now.
    type: raw
  on_premises:
    description:
      - Networks reached over VPN or Direct Connect. They join the routed VPCs through a Transit Gateway.
      - No range may overlap a CIDR block of any VPC in O(vpcs), routed or not; such a range is refused. List only the
        ranges on premises, for example without the VPCs' blocks rather than a summary such as C(10.0.0.0/8) that holds
        them.
    type: list
    elements: dict
    suboptions:
      name:
        description: A unique name, for example V(dc1).
        type: str
        required: true
      cidrs:
        description: Its IPv4 or IPv6 ranges.
        type: list
        elements: str
        required: true
  peering_max_vpcs:
    description:
      - A routed group of at most this many VPCs, now and expected, is peered; a larger one uses a Transit Gateway.
    type: int
    default: 3
  peering_quota_per_vpc:
    description: Active peering connections a VPC may have (AWS's default quota is 50).
    type: int
    default: 50
  transit_gateway_attachment_quota:
    description: Attachments a Transit Gateway may have (AWS's default quota is 5000).
    type: int
    default: 5000
  route_table_route_quota:
    description: Non-propagated routes a VPC route table may hold, per address family (AWS's default is 50).
    type: int
    default: 50
  hub_account:
    description:
      - The account to own the Transit Gateway. Defaults to the account with the most routed VPCs, ties going to
        the one listed first.
    type: str
  reachability:
    description:
      - The links' reachability checks for the report's Reachability section (one hop table per check), each a
        crossvpc.aws.reachability result (C(reachable), C(msg), C(table)) with its link (C(client), C(server),
        C(ports), C(method), and C(port) when the check is of one of the link's ports) as C(item), as a loop over the
        plan's links registers them. playbooks/connect.yml checks each port of each link, and passes them all.
      - Each C(item) must have a C(client) and a C(server) that are names in O(vpcs); otherwise the module fails,
        naming C(reachability[i].item.client) or C(reachability[i].item.server).
    type: list
    elements: dict
  report_path:
    description:
      - Where to write the Markdown report, including a C(mermaid) block. Parent directories are created.
    type: path
  diagram_path:
    description:
      - Where to write the bare Mermaid diagram (C(.mmd)). Parent directories are created.
    type: path
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Plan the lab, with every CIDR given (no AWS call, no credentials needed)
  crossvpc.aws.connectivity_plan:
    vpcs:
      - {name: VPC_A, account_id: "111111111111", cidrs: [10.0.0.0/16]}
      - {name: VPC_B, account_id: "222222222222", cidrs: [10.0.0.0/16]}
      - {name: VPC_C, account_id: "222222222222", cidrs: [10.1.0.0/16]}
    links:
      - {client: VPC_B, server: VPC_A, ports: [8443], service: eks-api}
      - {client: VPC_C, server: VPC_A, ports: [8443], service: eks-api}
    report_path: reports/connectivity.md
    diagram_path: reports/connectivity.mmd
  register: connectivity

- name: Show why each link gets its method
  ansible.builtin.debug:
    msg: "{{ item.client }} -> {{ item.server }}: {{ item.method }} ({{ item.reasons | join(' ') }})"
  loop: "{{ connectivity.links }}"

- name: Discover the VPCs by Name tag, each with its account's profile, and plan for growth
  crossvpc.aws.connectivity_plan:
    region: us-east-1
    vpcs:
      - {name: crossvpc-lab-a, profile: account-a}
      - {name: crossvpc-lab-c, profile: account-b}
      - {name: shared-services, vpc_id: vpc-0123456789abcdef0, profile: account-b}
    all_to_all: true
    default_ports: [443]
    expected_vpcs: 10
    on_premises:
      - {name: dc1, cidrs: [192.168.0.0/16]}
"""

RETURN = r"""
vpcs:
  description: The VPCs as planned, discovered fields filled in.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The VPC's name.
      type: str
    account_id:
      description: Its account.
      type: str
      sample: "111111111111"
    region:
      description: Its region.
      type: str
    cidrs:
      description: Its IPv4 CIDR blocks.
      type: list
      elements: str
      sample: [10.0.0.0/16]
    ipv6_cidrs:
      description: Its IPv6 CIDR blocks.
      type: list
      elements: str
    vpc_id:
      description: Its id, when given or discovered.
      type: str
on_premises:
  description: The on-premises networks as given.
  returned: always
  type: list
  elements: dict
links:
  description: Every link, in order, with the method chosen and why.
  returned: always
  type: list
  elements: dict
  contains:
    client:
      description: The client VPC.
      type: str
      sample: VPC_B
    server:
      description: The server VPC.
      type: str
      sample: VPC_A
    method:
      description: V(privatelink), V(peering) or V(transit_gateway).
      type: str
      sample: privatelink
    reasons:
      description: Why, in plain words.
      type: list
      elements: str
      sample: ["VPC_B 10.0.0.0/16 overlaps VPC_A 10.0.0.0/16."]
    overlaps:
      description: The overlapping ranges of client and server.
      type: list
      elements: dict
      contains:
        client_cidr:
          description: The client's range.
          type: str
        server_cidr:
          description: The server's range.
          type: str
    ports:
      description: The server's ports.
      type: list
      elements: int
      sample: [8443]
    service:
      description: The service label, if given.
      type: str
designs:
  description: The designs compared, for the VPCs that route to each other.
  returned: always
  type: dict
  contains:
    peering:
      description:
        - C(vpcs), C(vpcs_expected), C(connections_full_mesh) (N(N-1)/2), C(connections_full_mesh_expected),
          C(connections_requested) (one per pair of linked VPCs), C(peerings_per_vpc_max) and
          C(routes_per_table_max).
      type: dict
      sample: {vpcs: 2, vpcs_expected: 2, connections_full_mesh: 1, connections_full_mesh_expected: 1,
               connections_requested: 1, peerings_per_vpc_max: 1, routes_per_table_max: 1}
    transit_gateway:
      description:
        - C(vpcs), C(vpcs_expected), C(attachments) (one per VPC and per on-premises network),
          C(attachments_expected), C(route_tables) and C(routes_per_table_max).
      type: dict
    privatelink:
      description: C(endpoint_services) (one per server and service) and C(endpoints) (one per link).
      type: dict
    routed_method:
      description:
        - V(peering) or V(transit_gateway) for the links that route, V(mixed) when some groups peer and others have a
          Transit Gateway; null when none routes.
      type: str
problems:
  description: What stands in the way of the plan, each with its RV(problems[].kind).
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: C(quota), C(region) or C(ports).
      type: str
    message:
      description: The problem and what to do.
      type: str
steps:
  description: What a playbook carries out, in order.
  returned: always
  type: dict
  contains:
    privatelink:
      description:
        - One per PrivateLink link. C(provider) (the server VPC) and C(provider_account) publish the service;
          C(consumer) and C(consumer_account) make the endpoint; C(ports), C(service).
      type: list
      elements: dict
    peering:
      description:
        - One per pair of peered VPCs. C(requester) (the server VPC), C(requester_account), C(requester_region)
          request; C(accepter), C(accepter_account), C(accepter_region) accept; C(ports), all the links' ports;
          C(requester_ports) and C(accepter_ports), the ports each end serves (both, for links both ways).
      type: list
      elements: dict
    transit_gateways:
      description:
        - One per group that shares a Transit Gateway. C(name) (its group's first VPC, which stays as VPCs join),
          C(hub_account) and C(region), its C(spokes) (C(vpc), C(account), C(region)) and C(on_premises) names.
      type: list
      elements: dict
mermaid:
  description: The diagram, as Mermaid flowchart source.
  returned: always
  type: str
markdown:
  description: The report, as Markdown.
  returned: always
  type: str
report_path:
  description: Where the report is written, if anywhere.
  returned: always
  type: str
diagram_path:
  description: Where the diagram is written, if anywhere.
  returned: always
  type: str
"""

import os
import tempfile

from ansible_collections.crossvpc.aws.plugins.module_utils import connectivity
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput, client, new_module, run_module

OPTIONS = ("all_to_all", "default_ports", "expected_vpcs", "on_premises", "peering_max_vpcs", "peering_quota_per_vpc",
           "transit_gateway_attachment_quota", "route_table_route_quota", "hub_account")


def discover(module, vpcs):
    """Read the VPCs given without cidrs, one EC2 client per profile and region."""
    clients = {}
    found = []
    for index, vpc in enumerate(vpcs):
        if vpc["cidrs"] is None:
            key = (vpc["profile"], vpc["region"])
            if key not in clients:
                extra = {"region": vpc["region"]}
                if vpc["profile"]:
                    extra.update(profile_name=vpc["profile"], aws_access_key_id=None, aws_secret_access_key=None,
                                 aws_session_token=None)
                clients[key] = client(module, "ec2", **extra)
            vpc = connectivity.discover(clients[key], vpc, "vpcs[%d]" % index)
        found.append(vpc)
    return found


def read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def write(path, content):
    """Write via a temporary file in the same directory, so a reader never sees half a report."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".connectivity-")
    with os.fdopen(handle, "w") as out:
        out.write(content)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def reconcile(module):
    params = module.params
    options = dict((key, params[key]) for key in OPTIONS)
    if params["report_path"] and params["report_path"] == params["diagram_path"]:
        raise InvalidInput("diagram_path", params["diagram_path"], "is report_path too.", "Give two different files.")
    vpcs = connectivity.check_input(params["vpcs"], params["links"], **options)[0]
    connectivity.check_reachability(params["reachability"], vpcs)
    if any(v["region"] is None for v in vpcs):
        # Only read (from parameters, environment or profile) when needed: no call is made either way.
        options["region"] = module.region
        vpcs = [dict(v, region=v["region"] or options["region"]) for v in vpcs]
    if any(v["cidrs"] is None for v in vpcs):
        vpcs = discover(module, vpcs)
    plan = connectivity.plan(vpcs, params["links"], **options)
    if params["reachability"]:
        plan["markdown"] = connectivity.markdown(plan, params["reachability"])

    diffs, changed = [], False
    for key, content in (("report_path", plan["markdown"]), ("diagram_path", plan["mermaid"])):
        path = params[key]
        if not path:
            continue
        before = read(path)
        if before != content:
            changed = True
            diffs.append({"before_header": path, "after_header": path, "before": before or "", "after": content})
            if not module.check_mode:
                write(path, content)
    result = dict(plan, changed=changed, report_path=params["report_path"], diagram_path=params["diagram_path"])
    if module._diff and diffs:
        result["diff"] = diffs
    return result


def main():
    argument_spec = dict(
        vpcs=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            account_id=dict(type="str"),
            region=dict(type="str"),
            cidrs=dict(type="list", elements="str"),
            ipv6_cidrs=dict(type="list", elements="str"),
            vpc_id=dict(type="str"),
            group=dict(type="str"),
            profile=dict(type="str"),
        )),
        links=dict(type="list", elements="dict", options=dict(
            client=dict(type="str", required=True),
            server=dict(type="str", required=True),
            ports=dict(type="list", elements="int"),
            service=dict(type="str"),
        )),
        all_to_all=dict(type="bool", default=False),
        default_ports=dict(type="list", elements="int"),
        expected_vpcs=dict(type="raw"),
        on_premises=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            cidrs=dict(type="list", elements="str", required=True),
        )),
        peering_max_vpcs=dict(type="int", default=3),
        peering_quota_per_vpc=dict(type="int", default=50),
        transit_gateway_attachment_quota=dict(type="int", default=5000),
        route_table_route_quota=dict(type="int", default=50),
        hub_account=dict(type="str"),
        report_path=dict(type="path"),
        diagram_path=dict(type="path"),
        reachability=dict(type="list", elements="dict"),
    )
    run_module(new_module(argument_spec), reconcile)


if __name__ == "__main__":
    main()
