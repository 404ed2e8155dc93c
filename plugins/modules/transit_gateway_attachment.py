#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: transit_gateway_attachment
short_description: Attach VPCs to a transit gateway, or accept or reject their attachments as its owner
version_added: 0.1.0
description:
  - From a VPC's own account (O(state=present) or V(absent)), attaches each VPC in O(attachments) to a
    transit gateway of this account or of another account that shared it through RAM, or removes the
    attachments. One task handles many VPCs, with one describe call for all of them.
  - An attachment is found by transit gateway and VPC, so a rerun never makes a second one. Subnets
    (added and removed), DNS, IPv6 and appliance mode support and tags are changed in place.
  - Subnets are checked before any change, with a message naming the VPC, the subnet and the fix; a
    subnet of another VPC, an unknown subnet, or two subnets in one Availability Zone are refused.
  - From the transit gateway's account (O(state=accepted) or V(rejected)), accepts or rejects the
    attachments other accounts made, chosen by VPC, account or attachment id, then waits until they
    are available. An attachment already in the wanted state is no change.
  - Waits fail at once, naming the attachment, when it is rejected or fails.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  transit_gateway_id:
    description:
      - The transit gateway (C(tgw-...)). In check mode it may be C((known after apply)).
    type: str
    required: true
  state:
    description:
      - V(present) and V(absent) act on this account's VPCs in O(attachments).
      - V(accepted) and V(rejected) act, as the transit gateway's owner, on the attachments chosen by
        O(vpc_ids), O(account_ids) or O(attachment_ids).
    type: str
    choices: [present, absent, accepted, rejected]
    default: present
  attachments:
    description: With O(state=present) or V(absent), the VPCs to attach or detach.
    type: list
    elements: dict
    suboptions:
      vpc_id:
        description: The VPC (C(vpc-...)) in this account. Either this or O(attachments[].vpc_name).
        type: str
      vpc_name:
        description: The VPC by its Name tag.
        type: str
      subnet_ids:
        description:
          - One subnet per Availability Zone the attachment serves. Required to create (or
            O(attachments[].subnet_names)); on an existing attachment, subnets not listed are removed
            and new ones added.
        type: list
        elements: str
        default: []
      subnet_names:
        description: The subnets by their Name tags.
        type: list
        elements: str
        default: []
      name:
        description: Name tag of the attachment, at most 256 characters.
        type: str
      dns_support:
        description: DNS support on the attachment (AWS's default is enabled).
        type: bool
      ipv6_support:
        description: IPv6 support on the attachment.
        type: bool
      appliance_mode_support:
        description: Appliance mode (symmetric routing through a middlebox VPC).
        type: bool
      tags:
        description: Tags besides Name. Keys of 1 to 128 characters that do not start with C(aws:), text values of up to 256 characters.
        type: dict
  purge_tags:
    description: Remove attachment tags not given (Name is kept). Only for attachments that list O(attachments[].tags).
    type: bool
    default: true
  vpc_ids:
    description: With O(state=accepted) or V(rejected), the attached VPCs to accept or reject.
    type: list
    elements: str
  account_ids:
    description: With O(state=accepted) or V(rejected), every attachment from these 12-digit accounts.
    type: list
    elements: str
  attachment_ids:
    description:
      - With O(state=accepted) or V(rejected), these attachments (C(tgw-attach-...)).
      - In check mode an id may be C((known after apply)), an attachment a spoke's task planned earlier in the
        same run. The real run would find it waiting and accept (or reject) it, so the module plans that too
        (changed), for each VPC of O(vpc_ids) that has no attachment yet (or once, without O(vpc_ids)).
    type: list
    elements: str
  require_attachment:
    description:
      - With O(state=accepted) or V(rejected), fail when a VPC of O(vpc_ids), an account of O(account_ids)
        or an id of O(attachment_ids) has no attachment (the spoke has not attached yet). With V(false),
        no match is no change.
    type: bool
    default: true
  wait_for:
    description:
      - With O(state=present), the state to wait for. V(created) waits until each attachment is
        C(available) or C(pendingAcceptance) (the hub still has to accept it); V(available) waits for
        C(available); V(none) does not wait. With V(accepted), the module always waits for C(available)
        unless V(none).
    type: str
    choices: [created, available, none]
    default: created
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 600
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Spoke account B attaches two VPCs to account A's shared transit gateway
  crossvpc.aws.transit_gateway_attachment:
    transit_gateway_id: tgw-0123456789abcdef0
    attachments:
      - vpc_id: vpc-0b0b0b0b0b0b0b0b0
        subnet_ids: [subnet-0b1b1b1b1b1b1b1b1, subnet-0b2b2b2b2b2b2b2b2]
        name: orders
      - vpc_id: vpc-0c0c0c0c0c0c0c0c0
        subnet_ids: [subnet-0c1c1c1c1c1c1c1c1]
        name: billing
        appliance_mode_support: false
  register: spokes

- name: Hub account A accepts every attachment from account B
  crossvpc.aws.transit_gateway_attachment:
    transit_gateway_id: tgw-0123456789abcdef0
    state: accepted
    account_ids: ["210987654321"]

- name: Detach a VPC
  crossvpc.aws.transit_gateway_attachment:
    transit_gateway_id: tgw-0123456789abcdef0
    state: absent
    attachments:
      - vpc_id: vpc-0c0c0c0c0c0c0c0c0
"""

RETURN = r"""
attachments:
  description:
    - The attachments acted on, after the change (planned in check mode), in the order given.
      Removed ones are not listed.
  returned: always
  type: list
  elements: dict
  contains:
    transit_gateway_attachment_id:
      description: Its id; C((known after apply)) in check mode when it would be created.
      type: str
      sample: tgw-attach-0123456789abcdef0
    transit_gateway_id:
      description: The transit gateway.
      type: str
    vpc_id:
      description: The attached VPC.
      type: str
    vpc_cidrs:
      description: The VPC's IPv4 CIDR blocks (with O(state=present)), what the other spokes route to it.
      type: list
      elements: str
    vpc_owner_id:
      description: The VPC's account.
      type: str
    state:
      description: C(pendingAcceptance), C(available), ...
      type: str
      sample: available
    subnet_ids:
      description: Its subnets.
      type: list
      elements: str
    dns_support:
      description: DNS support.
      type: bool
    ipv6_support:
      description: IPv6 support.
      type: bool
    appliance_mode_support:
      description: Appliance mode.
      type: bool
    tags:
      description: Its tags.
      type: dict
changes:
  description:
    - Per VPC (or attachment id, when accepting), the planned steps. Empty when nothing changes.
    - In check mode, an attachment only planned by a spoke is keyed C((known after apply) (vpc-...)).
    - With C(--diff), the diff's before and after are mappings of the same results, by VPC (by attachment id when accepting).
  returned: always
  type: dict
  sample: {"vpc-0b0b0b0b0b0b0b0b0": {"create": true}}
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import transit_gateway as tgw
from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, client, new_module, result_with_diff, run_module, tags_of)


def validate(module):
    params = module.params
    if not (module.check_mode and params["transit_gateway_id"] == UNKNOWN):
        validation.resource_id("transit_gateway_id", params["transit_gateway_id"], "tgw")
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    if params["state"] in ("present", "absent"):
        if not params["attachments"]:
            raise InvalidInput("attachments", params["attachments"], "is empty.",
                               "List the VPCs to attach, each with vpc_id and subnet_ids." if params["state"] == "present" else
                               "List the VPCs to detach in attachments, each with vpc_id (or vpc_name); vpc_ids decide only for "
                               "state=accepted or rejected.")
        seen, named = set(), {}
        for index, wanted in enumerate(params["attachments"]):
            where = "attachments[%d]" % index
            if bool(wanted["vpc_id"]) == bool(wanted["vpc_name"]):
                raise InvalidInput(where, wanted, "needs exactly one of vpc_id and vpc_name.", "Name the VPC one way.")
            if wanted["vpc_id"]:
                validation.resource_id(where + ".vpc_id", wanted["vpc_id"], "vpc")
            validation.resource_ids(where + ".subnet_ids", wanted["subnet_ids"], "subnet")
            if wanted["subnet_ids"] and wanted["subnet_names"]:
                raise InvalidInput(where, wanted, "has both subnet_ids and subnet_names.", "Give one of them.")
            validation.text(where + ".name", wanted["name"], validation.TAG_VALUE_LIMIT, "a Name tag")
            validation.tags(where + ".tags", wanted["tags"])
            if wanted["name"] in named:
                raise InvalidInput(where + ".name", wanted["name"], "is attachments[%d]'s too." % named[wanted["name"]],
                                   "Give each attachment a name of its own: a later run finds it by its name.")
            if wanted["name"]:  # (a detach's entries have none)
                named[wanted["name"]] = index
            key = wanted["vpc_id"] or wanted["vpc_name"]
            if key in seen:
                raise InvalidInput(where, key, "is listed twice.",
                                   "A VPC has one attachment to a transit gateway; merge the entries.")
            seen.add(key)
        for index, wanted in enumerate(params["attachments"] if params["state"] == "present" else []):
            if not (wanted["subnet_ids"] or wanted["subnet_names"]):
                raise InvalidInput("attachments[%d]" % index, wanted, "names no subnet, and an attachment needs one in each "
                                   "Availability Zone it serves.", "List them in subnet_ids or subnet_names.")
        return
    if not (params["vpc_ids"] or params["account_ids"] or params["attachment_ids"]):
        raise InvalidInput("state", params["state"], "needs the attachments to decide on.",
                           "Give vpc_ids, account_ids or attachment_ids.")
    validation.resource_ids("vpc_ids", params["vpc_ids"], "vpc")
    validation.resource_ids("attachment_ids", [i for i in params["attachment_ids"] or []
                                               if not (module.check_mode and i == UNKNOWN)], "tgw-attach")
    for account in params["account_ids"] or []:
        validation.account_id("account_ids", account)


def wanted_entries(params):
    entries = []
    for wanted in params["attachments"]:
        entry = dict(wanted)
        entry["tags"] = None if wanted["tags"] is None and wanted["name"] is None else dict(
            wanted["tags"] or {}, **({"Name": wanted["name"]} if wanted["name"] else {}))
        entry["purge_tags"] = params["purge_tags"] and wanted["tags"] is not None
        entries.append(entry)
    return entries


def spoke(module, ec2):
    """present/absent: this account's VPCs attached to (or detached from) the gateway."""
    params = module.params
    gateway_id = params["transit_gateway_id"]
    entries = wanted_entries(params)
    tgw.resolve_vpcs(ec2, entries, strict=params["state"] == "present")
    entries = [e for e in entries if e["vpc_id"]]
    if params["state"] == "present" and gateway_id != UNKNOWN:
        tgw.find_visible_gateway(ec2, gateway_id)
    current = {}
    if gateway_id != UNKNOWN and entries:
        current = tgw.find_vpc_attachments(ec2, gateway_id, [e["vpc_id"] for e in entries],
                                           [e["name"] for e in entries if e.get("name")] if params["state"] == "present" else [])
    before = [tgw.attachment_result(current[e["vpc_id"]]) for e in entries if e["vpc_id"] in current]
    if params["state"] == "absent":
        return detach(module, ec2, entries, current, before)
    for entry in entries:
        if entry["vpc_id"] not in current and not entry["subnet_ids"]:
            raise InvalidInput("attachments[vpc_id=%s].subnet_ids" % entry["vpc_id"], [], "is empty, and a new "
                               "attachment needs a subnet.", "Give one subnet per Availability Zone to serve.")
    steps = dict((e["vpc_id"], tgw.plan_attachment(current.get(e["vpc_id"]), e)) for e in entries)
    steps = dict((vpc, s) for vpc, s in steps.items() if s)
    if steps and not module.check_mode:
        ids = dict((e["vpc_id"], tgw.apply_attachment(ec2, gateway_id, current.get(e["vpc_id"]), steps[e["vpc_id"]], e))
                   for e in entries if e["vpc_id"] in steps)
        ids.update((vpc, a["TransitGatewayAttachmentId"]) for vpc, a in current.items() if vpc not in ids)
        states = {"created": ("available", "pendingAcceptance"), "available": ("available",)}.get(params["wait_for"])
        if states:
            found = tgw.wait_attachments(ec2, list(ids.values()), states, params["wait_timeout"])
        else:
            found = tgw.describe_attachments(ec2, list(ids.values()))
        after = [tgw.attachment_result(found[ids[e["vpc_id"]]]) for e in entries]
    else:
        after = [tgw.attachment_result(tgw.planned_attachment(gateway_id, current.get(e["vpc_id"]),
                                                              steps.get(e["vpc_id"], {}), e, UNKNOWN)) for e in entries]
    for result, entry in zip(after, entries):
        result["vpc_cidrs"] = entry["cidrs"]
    return result_with_diff(module, by_key(before, "vpc_id"), by_key(after, "vpc_id"), changed=bool(steps),
                            attachments=after, changes=steps)


def detach(module, ec2, entries, current, before):
    params = module.params
    doomed = [current[e["vpc_id"]]["TransitGatewayAttachmentId"] for e in entries if e["vpc_id"] in current]
    if doomed and not module.check_mode:
        for attachment_id in doomed:
            tgw.detach(ec2, attachment_id)
        if params["wait_for"] != "none":
            tgw.wait_detached(ec2, doomed, params["wait_timeout"])
    changes = dict((e["vpc_id"], {"delete": True}) for e in entries if e["vpc_id"] in current)
    return result_with_diff(module, by_key(before, "vpc_id"), {}, changed=bool(doomed), attachments=[], changes=changes)


def by_key(results, key):
    """Results as a mapping for --diff (Ansible's diff renders a mapping or text, not a list)."""
    return dict((r[key], r) for r in results)


def hub(module, ec2):
    """accepted/rejected: the gateway owner decides on other accounts' attachments."""
    params = module.params
    gateway_id = params["transit_gateway_id"]
    verb = "accept" if params["state"] == "accepted" else "reject"
    if gateway_id == UNKNOWN:  # check mode: the gateway itself is only planned, and so is each VPC's attachment to decide on
        return {"changed": True, "attachments": [], "changes": dict(("%s (%s)" % (UNKNOWN, vpc_id), {verb: True})
                                                                    for vpc_id in params["vpc_ids"] or [])}
    attachments = tgw.gateway_attachments(ec2, gateway_id)
    chosen = [a for a in attachments if a["ResourceId"] in (params["vpc_ids"] or [])
              or a.get("ResourceOwnerId") in (params["account_ids"] or [])
              or a["TransitGatewayAttachmentId"] in (params["attachment_ids"] or [])]
    missing = sorted(set(params["vpc_ids"] or []) - set(a["ResourceId"] for a in chosen))
    unmatched = [("account_ids", sorted(set(params["account_ids"] or []) - set(a.get("ResourceOwnerId") for a in chosen))),
                 ("attachment_ids", sorted(set(params["attachment_ids"] or []) - {UNKNOWN} - set(
                     a["TransitGatewayAttachmentId"] for a in chosen)))]
    # Check mode: a spoke's attachment planned earlier in the same run has the id (known after apply);
    # the real run finds it pendingAcceptance and decides on it, so the plan does too.
    planned = []
    if module.check_mode and UNKNOWN in (params["attachment_ids"] or []):
        planned = missing or [UNKNOWN]
    if params["require_attachment"] and not module.check_mode:
        for option, values in [("vpc_ids", missing)] + unmatched:
            if values:
                raise CrossvpcError("%s: %s has no attachment to %s. Run the spokes first (the spoke play of "
                                    "playbooks/transit_gateway.yml), or check the %s." % (
                                        option, ", ".join(values), gateway_id, option.replace("_", " ")[:-1]))
    wanted = "available" if params["state"] == "accepted" else "rejected"
    # A VPC whose only attachment was rejected or failed cannot be accepted: say so (a spoke that
    # attached again after a rejection has a live one, which is what counts).
    live_vpcs = set(a["ResourceId"] for a in chosen if a["State"] not in tgw.DEAD_ATTACHMENT_STATES)
    dead = [a for a in chosen if a["State"] in tgw.DEAD_ATTACHMENT_STATES and a["ResourceId"] not in live_vpcs]
    if dead and wanted == "available":
        raise CrossvpcError("Cannot accept attachments to %s: %s. Attach the VPC again from its account." % (gateway_id, "; ".join(
            "%s of %s is %s" % (a["TransitGatewayAttachmentId"], a["ResourceId"], a["State"]) for a in dead)))
    # AWS rejects only what waits for acceptance: one already connected would stay so, the run saying nothing.
    connected = [a for a in chosen if wanted == "rejected" and a["State"] in ("available", "modifying")]
    if connected:
        raise CrossvpcError("Cannot reject attachments to %s that are no longer pending acceptance: %s. AWS rejects only those; "
                            "to cut a VPC off, delete its attachment (crossvpc.aws.transit_gateway_attachment state=absent in the VPC's "
                            "account, or playbooks/transit_gateway_teardown.yml for that spoke)." % (gateway_id, "; ".join(
                                "%s of %s (account %s) is %s" % (a["TransitGatewayAttachmentId"], a["ResourceId"],
                                                                 a.get("ResourceOwnerId"), a["State"]) for a in connected)))
    to_decide = sorted(a["TransitGatewayAttachmentId"] for a in chosen if a["State"] == "pendingAcceptance")
    before = [hub_result(a) for a in chosen]
    if to_decide and not module.check_mode:
        tgw.decide_attachments(ec2, to_decide, params["state"])
    if to_decide and not module.check_mode and params["wait_for"] != "none":
        found = tgw.wait_decided(ec2, gateway_id, to_decide, wanted, params["wait_timeout"])
        chosen = [found.get(a["TransitGatewayAttachmentId"], a) for a in chosen]
    elif to_decide:
        chosen = [dict(a, State=wanted) if a["TransitGatewayAttachmentId"] in to_decide else a for a in chosen]
    after = [hub_result(a) for a in chosen]
    changes = dict((i, {verb: True}) for i in to_decide)
    for vpc_id in planned:
        after.append({"transit_gateway_attachment_id": UNKNOWN, "transit_gateway_id": gateway_id, "vpc_id": vpc_id,
                      "vpc_owner_id": None, "state": wanted, "tags": {}})
        changes["%s (%s)" % (UNKNOWN, vpc_id)] = {verb: True}

    def keyed(results):
        return dict(("%s (%s)" % (r["transit_gateway_attachment_id"], r["vpc_id"])
                     if r["transit_gateway_attachment_id"] == UNKNOWN else r["transit_gateway_attachment_id"], r)
                    for r in results)

    return result_with_diff(module, keyed(before), keyed(after), changed=bool(to_decide or planned), attachments=after,
                            changes=changes)


def hub_result(attachment):
    return {"transit_gateway_attachment_id": attachment["TransitGatewayAttachmentId"],
            "transit_gateway_id": attachment.get("TransitGatewayId"), "vpc_id": attachment.get("ResourceId"),
            "vpc_owner_id": attachment.get("ResourceOwnerId"), "state": attachment.get("State"),
            "tags": tags_of(attachment)}


def reconcile(module):
    validate(module)
    ec2 = client(module, "ec2")
    return (spoke if module.params["state"] in ("present", "absent") else hub)(module, ec2)


def main():
    argument_spec = dict(
        transit_gateway_id=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent", "accepted", "rejected"], default="present"),
        attachments=dict(type="list", elements="dict", options=dict(
            vpc_id=dict(type="str"),
            vpc_name=dict(type="str"),
            subnet_ids=dict(type="list", elements="str", default=[]),
            subnet_names=dict(type="list", elements="str", default=[]),
            name=dict(type="str"),
            dns_support=dict(type="bool"),
            ipv6_support=dict(type="bool"),
            appliance_mode_support=dict(type="bool"),
            tags=dict(type="dict"),
        )),
        purge_tags=dict(type="bool", default=True),
        vpc_ids=dict(type="list", elements="str"),
        account_ids=dict(type="list", elements="str"),
        attachment_ids=dict(type="list", elements="str"),
        require_attachment=dict(type="bool", default=True),
        wait_for=dict(type="str", choices=["created", "available", "none"], default="created"),
        wait_timeout=dict(type="int", default=600),
    )
    run_module(new_module(argument_spec), reconcile)


if __name__ == "__main__":
    main()
