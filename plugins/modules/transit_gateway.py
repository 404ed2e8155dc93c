#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: transit_gateway
short_description: Ensure a transit gateway, found by its Name tag, with options changed in place
version_added: 0.1.0
description:
  - Creates, updates or deletes a transit gateway (TGW), the hub VPCs of many accounts attach to.
  - The transit gateway is found by its Name tag (O(name)), not by its description, so changing the
    description never makes a second one.
  - Options AWS can change on an existing transit gateway (ASN, auto-accept of shared attachments,
    default route table association and propagation, DNS and ECMP support) and the description are
    changed in place. Multicast support cannot be changed, and asking for another value fails with a
    clear message rather than being ignored.
  - Options left unset keep their current value (on create, AWS's default).
  - Deleting a transit gateway that still has attachments fails before any change, listing them (in
    check mode a warning, as earlier tasks of a teardown may plan to remove them).
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  name:
    description:
      - The Name tag that identifies the transit gateway in this account and region.
      - At most 256 characters (a tag value).
    type: str
    required: true
  state:
    description: V(absent) deletes it (and waits until it is gone).
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - A description (changed in place). The CreateTransitGateway API reference states no length
        limit, so none is checked here; AWS's refusal, if any, names this option.
    type: str
  amazon_side_asn:
    description:
      - The private ASN of the AWS side, 64512-65534 or 4200000000-4294967294. AWS's default is 64512.
    type: int
  auto_accept_shared_attachments:
    description:
      - Accept attachments from other accounts automatically. AWS's default, and ours, is V(false), so
        the hub accepts each spoke explicitly with M(crossvpc.aws.transit_gateway_attachment).
    type: bool
  default_route_table_association:
    description:
      - Associate new attachments with the default route table. Disable it to choose each attachment's
        route table with M(crossvpc.aws.transit_gateway_route_table).
    type: bool
  default_route_table_propagation:
    description: Propagate new attachments' routes into the default route table.
    type: bool
  dns_support:
    description: Resolve public DNS hostnames to private IPs across attached VPCs.
    type: bool
  vpn_ecmp_support:
    description: Equal-cost multipath routing across VPN tunnels.
    type: bool
  multicast_support:
    description: Multicast. Only settable when the transit gateway is created.
    type: bool
  tags:
    description:
      - Tags besides Name. Keys of 1 to 128 characters that do not start with C(aws:), text values of
        up to 256 characters.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags that are not in O(tags) (Name is kept). Ignored when O(tags) is omitted.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for the transit gateway to be available (or gone).
    type: int
    default: 600
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: A hub whose route tables we manage ourselves
  crossvpc.aws.transit_gateway:
    name: hub
    amazon_side_asn: 64600
    auto_accept_shared_attachments: false
    default_route_table_association: false
    default_route_table_propagation: false
    tags:
      team: network
  register: hub

- name: Remove it (after its attachments)
  crossvpc.aws.transit_gateway:
    name: hub
    state: absent
"""

RETURN = r"""
transit_gateway:
  description: The transit gateway after the change (planned in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    transit_gateway_id:
      description: Its id, C((known after apply)) in check mode when it would be created.
      type: str
      sample: tgw-0123456789abcdef0
    transit_gateway_arn:
      description: Its ARN, what a RAM share of it names.
      type: str
      sample: arn:aws:ec2:us-east-1:123456789012:transit-gateway/tgw-0123456789abcdef0
    owner_id:
      description: Its account.
      type: str
    state:
      description: C(available) once ready.
      type: str
    description:
      description: Its description.
      type: str
    amazon_side_asn:
      description: The AWS side's ASN.
      type: int
    auto_accept_shared_attachments:
      description: Whether shared attachments are accepted automatically.
      type: bool
    default_route_table_association:
      description: Whether new attachments are associated with the default route table.
      type: bool
    default_route_table_propagation:
      description: Whether new attachments propagate into the default route table.
      type: bool
    dns_support:
      description: DNS support.
      type: bool
    vpn_ecmp_support:
      description: VPN ECMP support.
      type: bool
    multicast_support:
      description: Multicast support.
      type: bool
    association_default_route_table_id:
      description: The default association route table, if any.
      type: str
    propagation_default_route_table_id:
      description: The default propagation route table, if any.
      type: str
    tags:
      description: Its tags.
      type: dict
changes:
  description: The planned steps (create, options, description, tag, untag, delete). Empty when nothing changes.
  returned: always
  type: dict
  sample: {"options": {"AutoAcceptSharedAttachments": "disable"}}
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import transit_gateway as tgw
from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, InvalidInput, client, new_module, result_with_diff, run_module)


def desired_state(params):
    """Validate before any API call; the wanted transit gateway as module options."""
    if not params["name"]:
        raise InvalidInput("name", params["name"], "is empty.", "Name the transit gateway; it is how it is found.")
    if params["amazon_side_asn"] is not None:
        validation.private_asn("amazon_side_asn", params["amazon_side_asn"])
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    validation.text("name", params["name"], validation.TAG_VALUE_LIMIT, "a Name tag")
    desired = dict((option, params[option]) for option in tgw.TGW_OPTIONS)
    desired["description"] = params["description"]
    desired["tags"] = validation.named_tags("tags", params["tags"], params["name"])
    desired["purge_tags"] = params["purge_tags"] and params["tags"] is not None
    return desired


def reconcile(module):
    params = module.params
    desired = desired_state(params)
    ec2 = client(module, "ec2")
    current = tgw.find_gateway(ec2, params["name"])
    before = tgw.gateway_result(current)
    if params["state"] == "absent":
        if current:
            tgw.refuse_if_attached(module, ec2, current["TransitGatewayId"])
        if current and not module.check_mode:
            tgw.delete_gateway(ec2, current["TransitGatewayId"], params["wait_timeout"])
        return result_with_diff(module, before, {}, changed=bool(current), transit_gateway={},
                                changes={"delete": True} if current else {})
    steps = tgw.plan_gateway(current, desired)
    if steps and not module.check_mode:
        after = tgw.apply_gateway(ec2, current, steps, desired, params["wait_timeout"])
    else:
        after = tgw.planned_gateway(current, steps, desired, UNKNOWN)
    return result_with_diff(module, before, tgw.gateway_result(after), changed=bool(steps),
                            transit_gateway=tgw.gateway_result(after), changes=steps)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        description=dict(type="str"),
        amazon_side_asn=dict(type="int"),
        auto_accept_shared_attachments=dict(type="bool"),
        default_route_table_association=dict(type="bool"),
        default_route_table_propagation=dict(type="bool"),
        dns_support=dict(type="bool"),
        vpn_ecmp_support=dict(type="bool"),
        multicast_support=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    run_module(new_module(argument_spec, fixes={"amazon_side_asn": "Give a private ASN number, 64512-65534 or 4200000000-4294967294."}),
               reconcile)


if __name__ == "__main__":
    main()
