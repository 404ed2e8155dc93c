#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: transit_gateway_route_table
short_description: Ensure a transit gateway route table with its associations, propagations and static routes
version_added: 0.1.0
description:
  - Ensures a transit gateway route table, found by transit gateway and Name tag, and, as lists in
    one task, the attachments associated with it, the attachments that propagate their routes into
    it, and its static and blackhole routes.
  - An attachment listed in O(associations) that is associated with another route table is moved
    (disassociated there, then associated here), since an attachment has one route table.
  - What is not listed is left alone unless O(purge_associations), O(purge_propagations) or
    O(purge_routes) ask to remove it. Propagated routes are never touched.
  - Attachment ids and CIDRs are checked before any change; attachments that do not belong to the
    transit gateway fail with a message that names them.
  - Only the transit gateway's owner makes its route tables. A new table on a transit gateway that another
    account shares with this one (through AWS RAM) is refused before any change, naming the owner; this
    reads the account of the credentials (C(sts:GetCallerIdentity)) when a table is to be created.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  transit_gateway_id:
    description:
      - The transit gateway (C(tgw-...)) of this account; C((known after apply)) in check mode.
    type: str
    required: true
  name:
    description: The Name tag that identifies the route table on its transit gateway, at most 256 characters.
    type: str
    required: true
  state:
    description: V(absent) removes its associations and the route table.
    type: str
    choices: [present, absent]
    default: present
  associations:
    description: Attachments (C(tgw-attach-...)) whose traffic this route table routes.
    type: list
    elements: str
  propagations:
    description: Attachments whose CIDRs are propagated into this route table.
    type: list
    elements: str
  routes:
    description: Static routes.
    type: list
    elements: dict
    suboptions:
      destination_cidr:
        description: The destination CIDR block.
        type: str
        required: true
      attachment_id:
        description: The attachment the route points at. One of this, O(routes[].attachment_name) or O(routes[].blackhole).
        type: str
      attachment_name:
        description:
          - The attachment the route points at, by the name O(attachment_names) gives it (for the
            transit_gateway_hub role, a spoke's C(transit_gateway_spoke_vpcs[].name)), so that a route can be
            written before the attachment exists.
        type: str
      blackhole:
        description: Drop traffic to O(routes[].destination_cidr).
        type: bool
        default: false
  attachment_names:
    description:
      - Attachment ids by name, for O(routes[].attachment_name). A name not in it is an error naming the route.
    type: dict
    default: {}
  purge_associations:
    description: Disassociate attachments not in O(associations) (when given).
    type: bool
    default: false
  purge_propagations:
    description: Disable propagations not in O(propagations) (when given).
    type: bool
    default: false
  purge_routes:
    description: Delete static routes not in O(routes) (when given).
    type: bool
    default: false
  tags:
    description: Tags besides Name. Keys of 1 to 128 characters that do not start with C(aws:), text values of up to 256 characters.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not in O(tags) (Name is kept). Ignored when O(tags) is omitted.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the table, associations and propagations.
    type: int
    default: 300
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Spokes reach each other and the shared services, nothing reaches 10.99.0.0/16
  crossvpc.aws.transit_gateway_route_table:
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
    name: spokes
    associations: "{{ spoke_attachment_ids }}"
    propagations: "{{ spoke_attachment_ids }}"
    routes:
      - destination_cidr: 0.0.0.0/0
        attachment_id: tgw-attach-0123456789abcdef0
      - destination_cidr: 10.99.0.0/16
        blackhole: true
    purge_routes: true

- name: A route by the spoke's name, before its attachment exists
  crossvpc.aws.transit_gateway_route_table:
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
    name: spokes
    attachment_names: "{{ dict(attachments | map(attribute='tags.Name') | zip(attachments | map(attribute='transit_gateway_attachment_id'))) }}"
    routes:
      - destination_cidr: 0.0.0.0/0
        attachment_name: egress
"""

RETURN = r"""
route_table:
  description: The route table after the change (planned in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    transit_gateway_route_table_id:
      description: Its id; C((known after apply)) in check mode when it would be created.
      type: str
      sample: tgw-rtb-0123456789abcdef0
    transit_gateway_id:
      description: Its transit gateway.
      type: str
    associations:
      description: The associated attachments.
      type: list
      elements: str
    propagations:
      description: The propagating attachments.
      type: list
      elements: str
    routes:
      description: Static routes, destination CIDR to attachment id or C(blackhole).
      type: dict
      sample: {"10.99.0.0/16": "blackhole"}
    tags:
      description: Its tags.
      type: dict
changes:
  description: The planned steps (create, associate, move, disassociate, propagate, unpropagate, routes, tag...).
  returned: always
  type: dict
  sample: {"associate": ["tgw-attach-0123456789abcdef0"]}
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import transit_gateway as tables
from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, InvalidInput, call, client, new_module, result_with_diff, run_module)


def desired_state(module):
    """Validate before any API call; the wanted table as plain data."""
    params = module.params
    unknown_ok = module.check_mode

    def ids(option, values):
        values = values if values is None else sorted(set(values))
        validation.resource_ids(option, [v for v in values or [] if not (unknown_ok and v == UNKNOWN)], "tgw-attach")
        return values

    if not (unknown_ok and params["transit_gateway_id"] == UNKNOWN):
        validation.resource_id("transit_gateway_id", params["transit_gateway_id"], "tgw")
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    validation.text("name", params["name"], validation.TAG_VALUE_LIMIT, "a Name tag")
    tags = validation.named_tags("tags", params["tags"], params["name"])
    routes = None
    if params["routes"] is not None:
        routes = {}
        for index, route in enumerate(params["routes"]):
            where = "routes[%d]" % index
            cidr = str(validation.cidr(where + ".destination_cidr", route["destination_cidr"]))
            validation.one_route_target(where, route, route["blackhole"])
            if route["attachment_name"]:
                names = params["attachment_names"] or {}
                if route["attachment_name"] not in names:
                    raise InvalidInput(where + ".attachment_name", route["attachment_name"], "is not the name of any attachment.",
                                       "Use one of: %s." % ", ".join(sorted(names)) if names else
                                       "Map the name to its attachment in attachment_names, for example attachment_names: {%s: "
                                       "tgw-attach-0123456789abcdef0}, or give the route's attachment_id." % route["attachment_name"])
                route = dict(route, attachment_id=names[route["attachment_name"]])
            if cidr in routes:
                raise InvalidInput(where + ".destination_cidr", cidr, "is listed twice.", "Keep one route per CIDR.")
            target = "blackhole" if route["blackhole"] else route["attachment_id"]
            if target != "blackhole" and not (unknown_ok and target == UNKNOWN):
                validation.resource_id(where + ".attachment_id", target, "tgw-attach")
            routes[cidr] = target
    return {"associations": ids("associations", params["associations"]),
            "propagations": ids("propagations", params["propagations"]), "routes": routes,
            "purge_associations": params["purge_associations"], "purge_propagations": params["purge_propagations"],
            "purge_routes": params["purge_routes"],
            "tags": tags,
            "purge_tags": params["purge_tags"] and params["tags"] is not None}


def reconcile(module):
    params = module.params
    desired = desired_state(module)
    gateway_id = params["transit_gateway_id"]
    ec2 = client(module, "ec2")
    current = None if gateway_id == UNKNOWN else tables.find_table(ec2, gateway_id, params["name"])
    state = tables.read_table(ec2, current)
    before = tables.table_result(current, state)
    if params["state"] == "absent":
        if current and not module.check_mode:
            tables.delete_table(ec2, current, state, params["wait_timeout"])
        return result_with_diff(module, before, {}, changed=bool(current), route_table={},
                                changes={"delete": True} if current else {})
    if current is None and gateway_id != UNKNOWN:  # a new table: its gateway must exist, or the create fails after the call,
        gateway = tables.find_visible_gateway(ec2, gateway_id)  # and be this account's (a shared one is visible too)
        account = call(client(module, "sts"), "get_caller_identity", "find this account's id")["Account"]
        tables.check_table_owner(gateway, account)
    attachments = {} if gateway_id == UNKNOWN else tables.check_attachments(ec2, gateway_id, desired)
    steps = tables.plan_table(current, state, desired, attachments)
    if steps and not module.check_mode:
        current = tables.apply_table(ec2, gateway_id, current, steps, desired, params["wait_timeout"])
        after = tables.table_result(current, tables.read_table(ec2, current))
    else:
        after = tables.table_result(*tables.planned_table(gateway_id, current, state, steps, desired, UNKNOWN))
    return result_with_diff(module, before, after, changed=bool(steps), route_table=after, changes=steps)


def main():
    argument_spec = dict(
        transit_gateway_id=dict(type="str", required=True),
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        associations=dict(type="list", elements="str"),
        propagations=dict(type="list", elements="str"),
        routes=dict(type="list", elements="dict", options=dict(
            destination_cidr=dict(type="str", required=True),
            attachment_id=dict(type="str"),
            attachment_name=dict(type="str"),
            blackhole=dict(type="bool", default=False),
        )),
        attachment_names=dict(type="dict", default={}),
        purge_associations=dict(type="bool", default=False),
        purge_propagations=dict(type="bool", default=False),
        purge_routes=dict(type="bool", default=False),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    run_module(new_module(argument_spec), reconcile)


if __name__ == "__main__":
    main()
