#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc_route
short_description: Ensure or remove routes to one target in VPC route tables, touching nothing else
version_added: 0.1.0
description:
  - Ensures that each of O(destination_cidrs) in each selected route table points at one target
    (a VPC peering connection, transit gateway, internet or virtual private gateway, NAT gateway,
    instance, network interface, Gateway Load Balancer endpoint, egress-only internet gateway,
    carrier gateway, local gateway or core network), or removes those routes.
  - Routes to other destinations are never modified or removed, unlike M(amazon.aws.ec2_vpc_route_table)
    which purges routes it did not create.
  - A route to one of O(destination_cidrs) that points at another target is replaced, unless
    O(replace=false).
  - Route tables are named by id, or found from a VPC, all of its tables, those used by given
    subnets, or those with given tags. One task manages many tables and CIDRs.
  - CIDRs, ids, route tables, subnets and the target are checked before any change is made, so a
    bad input never leaves some tables changed and others not.
  - In check mode the target may be C((known after apply)), the id an earlier check-mode task
    returns for a resource it would make, so a whole playbook can be previewed.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  state:
    description:
      - V(present) makes the routes point at the target; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  route_table_ids:
    description:
      - Route tables to manage, by id. Mutually exclusive with O(vpc_id).
    type: list
    elements: str
  vpc_id:
    description:
      - Manage the route tables of this VPC. Without O(subnet_ids) or O(route_table_tags), all of them.
    type: str
  subnet_ids:
    description:
      - With O(vpc_id), only the route tables these subnets use (their explicit association, else
        the VPC's main route table).
    type: list
    elements: str
  route_table_tags:
    description:
      - With O(vpc_id), only the route tables that carry all of these tags.
    type: dict
  destination_cidrs:
    description:
      - IPv4 or IPv6 CIDR blocks to route, for example the peer VPC's CIDRs.
      - Empty only with O(exclusive=true), which then removes every route to the target from the selected route tables.
    type: list
    elements: str
    required: true
  skip_local_destinations:
    description:
      - Skip, rather than refuse, a destination that is a table's own local route (its VPC's CIDR).
        One task can then route a set of VPCs' CIDRs (every spoke's) in all of those VPCs' tables.
    type: bool
    default: false
  exclusive:
    description:
      - Make the target carry exactly what this task names. Routes to the target in other route tables of
        the same VPCs, or to destinations not in O(destination_cidrs), are removed. For a target that
        belongs to this route set alone, such as a peering connection whose route tables or peer CIDRs
        were narrowed. Needs O(state=present).
      - Leave V(false) for a shared target (an internet or transit gateway that other routes use). The
        transit_gateway_spoke role sets it, as every route to its gateway in the spoke VPCs is the role's.
    type: bool
    default: false
  replace:
    description:
      - Replace a route to one of O(destination_cidrs) that points at another target. With
        V(false), such a route makes the task fail instead, naming the route.
    type: bool
    default: true
  vpc_peering_connection_id:
    description: Route to this VPC peering connection (C(pcx-...)).
    type: str
  transit_gateway_id:
    description: Route to this transit gateway (C(tgw-...)).
    type: str
  gateway_id:
    description: Route to this internet gateway (C(igw-...)) or virtual private gateway (C(vgw-...)).
    type: str
  nat_gateway_id:
    description: Route to this NAT gateway (C(nat-...)).
    type: str
  instance_id:
    description: Route to this instance (C(i-...)).
    type: str
  network_interface_id:
    description: Route to this network interface (C(eni-...)).
    type: str
  vpc_endpoint_id:
    description: Route to this Gateway Load Balancer endpoint (C(vpce-...)).
    type: str
  egress_only_internet_gateway_id:
    description: Route IPv6 CIDRs to this egress-only internet gateway (C(eigw-...)).
    type: str
  carrier_gateway_id:
    description: Route to this carrier gateway (C(cagw-...)).
    type: str
  local_gateway_id:
    description: Route to this local gateway (C(lgw-...)).
    type: str
  core_network_arn:
    description: Route to this Cloud WAN core network (its ARN).
    type: str
notes:
  - With O(state=absent) and a target, only routes that point at that target are removed; a route
    to the same CIDR that points elsewhere is left alone. Without a target, the routes to
    O(destination_cidrs) are removed whatever they point at.
  - The local route of a VPC cannot be replaced or removed; naming its CIDR is an error.
  - Prefix-list destinations are not managed by this module.
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Route the peer VPC's CIDR over the peering, in the tables of the app subnets
  crossvpc.aws.vpc_route:
    vpc_id: vpc-0a1b2c3d4e5f60718
    subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788]
    destination_cidrs: [10.20.0.0/16]
    vpc_peering_connection_id: pcx-0a1b2c3d4e5f60718

- name: Route two spoke ranges to the transit gateway in every table tagged tier=private
  crossvpc.aws.vpc_route:
    vpc_id: vpc-0a1b2c3d4e5f60718
    route_table_tags:
      tier: private
    destination_cidrs: [10.30.0.0/16, 10.40.0.0/16]
    transit_gateway_id: tgw-0a1b2c3d4e5f60718

- name: Route the peer's CIDR in one table only, removing the peering's routes from the VPC's other tables
  crossvpc.aws.vpc_route:
    route_table_ids: [rtb-0a1b2c3d4e5f60718]
    destination_cidrs: [10.20.0.0/16]
    vpc_peering_connection_id: pcx-0a1b2c3d4e5f60718
    exclusive: true

- name: Remove the routes to the peering, and only those
  crossvpc.aws.vpc_route:
    state: absent
    route_table_ids: [rtb-0a1b2c3d4e5f60718]
    destination_cidrs: [10.20.0.0/16]
    vpc_peering_connection_id: pcx-0a1b2c3d4e5f60718
"""

RETURN = r"""
changes:
  description: What was changed, or with C(--check) what would be; empty when nothing changes.
  returned: always
  type: list
  elements: dict
  contains:
    route_table_id:
      description: The route table.
      type: str
      sample: rtb-0a1b2c3d4e5f60718
    destination:
      description: The destination CIDR.
      type: str
      sample: 10.20.0.0/16
    action:
      description: V(create), V(replace) or V(delete).
      type: str
      sample: create
    before:
      description: The target the route pointed at before, or null.
      type: str
      sample: null
    after:
      description: The target the route points at after, or null once deleted.
      type: str
      sample: pcx-0a1b2c3d4e5f60718
  sample: [{"route_table_id": "rtb-0a1b2c3d4e5f60718", "destination": "10.20.0.0/16",
            "action": "create", "before": null, "after": "pcx-0a1b2c3d4e5f60718"}]
route_tables:
  description: Each managed route table and all its routes (destination to target) after the change.
  returned: always
  type: list
  elements: dict
  contains:
    route_table_id:
      description: The route table.
      type: str
      sample: rtb-0a1b2c3d4e5f60718
    vpc_id:
      description: Its VPC.
      type: str
      sample: vpc-0a1b2c3d4e5f60718
    routes:
      description: Destination to target id, for every route in the table.
      type: dict
      sample: {"10.0.0.0/16": "local", "10.20.0.0/16": "pcx-0a1b2c3d4e5f60718"}
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import routes, validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, InvalidInput, client, new_module, paginate, result_with_diff, run_module)


def validate(params, check_mode):
    """Check every input before any API call; return (destinations, target)."""
    validation.resource_ids("route_table_ids", params["route_table_ids"], "rtb")
    if params["vpc_id"]:
        validation.resource_id("vpc_id", params["vpc_id"], "vpc")
    validation.resource_ids("subnet_ids", params["subnet_ids"], "subnet")
    if not params["destination_cidrs"] and not params["exclusive"]:
        raise InvalidInput("destination_cidrs", params["destination_cidrs"], "is empty.",
                           "Name at least one CIDR to route, or set exclusive=true to remove every route to the target.")
    destinations = [str(n) for n in validation.cidrs("destination_cidrs", params["destination_cidrs"])]
    target = None
    for option, _key, prefixes in routes.TARGETS:
        if params[option] is not None:
            if check_mode and params[option] == UNKNOWN:
                pass  # made by an earlier task of this check-mode run: plan against it
            elif prefixes:
                validation.resource_id(option, params[option], prefixes)
            elif not params[option].startswith("arn:"):
                raise InvalidInput(option, params[option], "is not an ARN.",
                                   "Use the core network's ARN, arn:aws:networkmanager::...")
            target = (option, params[option])
    if params["exclusive"] and params["state"] != "present":
        raise InvalidInput("exclusive", True, "needs state=present (it removes the target's other routes).",
                           "Use state=absent without exclusive to remove routes.")
    if target is None and params["state"] == "present":
        raise InvalidInput("target", None, "state=present needs a target.",
                           "Set one of %s." % ", ".join(o for o, _k, _p in routes.TARGETS))
    if target and target[0] == "egress_only_internet_gateway_id":
        for destination in destinations:
            if ":" not in destination:
                raise InvalidInput("destination_cidrs", destination, "is IPv4, and an egress-only "
                                   "internet gateway routes IPv6 only.", "Route IPv6 CIDRs to it.")
    return sorted(set(destinations), key=destinations.index), target


def reconcile(module):
    params = module.params
    destinations, target = validate(params, module.check_mode)
    ec2 = client(module, "ec2")
    tables = routes.find_route_tables(ec2, params["route_table_ids"], params["vpc_id"],
                                      params["subnet_ids"], params["route_table_tags"])
    changes = routes.plan_routes(tables, destinations, target, params["state"], params["replace"],
                                 params["skip_local_destinations"])
    if target and target[1] != UNKNOWN and any(c["action"] != "delete" for c in changes):
        problem = routes.target_problem(ec2, target[0], target[1], set(t["VpcId"] for t in tables),
                                        sorted(set(c["destination"] for c in changes if c["action"] != "delete")))
        if problem:
            raise InvalidInput(target[0], target[1], problem)
    if params["exclusive"] and target[1] != UNKNOWN:
        vpc_ids = sorted(set(t["VpcId"] for t in tables))
        everything = tables if params["vpc_id"] and not (params["subnet_ids"] or params["route_table_tags"]) else paginate(
            ec2, "describe_route_tables", "RouteTables", "describe the route tables of %s" % ", ".join(vpc_ids),
            Filters=[{"Name": "vpc-id", "Values": vpc_ids}])
        selected = set(t["RouteTableId"] for t in tables)
        strays = routes.stray_routes(everything, selected, destinations, target)
        # Nothing to make, nothing routed to it: a target AWS does not know is a typo, not a clean-up done.
        if not changes + strays and not any(routes.target_of(r) == tuple(target) for t in everything for r in t.get("Routes", [])) \
                and routes.target_found(ec2, target[0], target[1]) == []:
            raise InvalidInput(target[0], target[1], "not found in this account and region, and no route of these tables points "
                               "at it, so there is nothing to keep or clean up.", "Check the id, the account (profile) and the region.")
        changes += strays
        touched = set(c["route_table_id"] for c in strays) - selected
        tables += [t for t in everything if t["RouteTableId"] in touched]
    if changes and not module.check_mode:
        routes.apply_routes(ec2, changes, target)

    before = dict((t["RouteTableId"], routes.describe_routes(t)) for t in tables)
    after = routes.routes_after(tables, changes)
    return result_with_diff(module, before, after, changed=bool(changes), changes=changes,
                            route_tables=[{"route_table_id": t["RouteTableId"], "vpc_id": t.get("VpcId"),
                                           "routes": after[t["RouteTableId"]]} for t in tables])


def main():
    target_options = [option for option, _key, _prefixes in routes.TARGETS]
    argument_spec = dict(
        state=dict(type="str", choices=["present", "absent"], default="present"),
        route_table_ids=dict(type="list", elements="str"),
        vpc_id=dict(type="str"),
        subnet_ids=dict(type="list", elements="str"),
        route_table_tags=dict(type="dict"),
        destination_cidrs=dict(type="list", elements="str", required=True),
        replace=dict(type="bool", default=True),
        exclusive=dict(type="bool", default=False),
        skip_local_destinations=dict(type="bool", default=False),
        **dict((option, dict(type="str")) for option in target_options)
    )
    module = new_module(
        argument_spec,
        mutually_exclusive=[("route_table_ids", "vpc_id"), target_options],
        required_one_of=[("route_table_ids", "vpc_id")],
        required_by={"subnet_ids": "vpc_id", "route_table_tags": "vpc_id"},
    )
    run_module(module, reconcile)


if __name__ == "__main__":
    main()
