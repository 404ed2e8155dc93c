# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transit Gateway: the hub, its VPC attachments, its route tables.

Every resource is found by a stable identity (the TGW by Name tag, an attachment by TGW and VPC,
a route table by TGW and Name tag), re-checked client-side; its change is planned as data, which
check mode and diff report; then applied and waited for.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    CrossvpcError, InvalidInput, call, ec2_tag, paginate, tag_steps, tags_of, wait_for)

GONE_STATES = ("deleting", "deleted")
DEAD_ATTACHMENT_STATES = ("rejected", "rejecting", "failed", "failing")

# Module option -> (TGW Options key, can ModifyTransitGateway change it?)
TGW_OPTIONS = {
    "amazon_side_asn": ("AmazonSideAsn", True),
    "auto_accept_shared_attachments": ("AutoAcceptSharedAttachments", True),
    "default_route_table_association": ("DefaultRouteTableAssociation", True),
    "default_route_table_propagation": ("DefaultRouteTablePropagation", True),
    "dns_support": ("DnsSupport", True),
    "vpn_ecmp_support": ("VpnEcmpSupport", True),
    "multicast_support": ("MulticastSupport", False),
}


def _flag(value):
    return "enable" if value else "disable"


def _wire(option, value):
    """A module option's value as AWS spells it in Options."""
    return value if option == "amazon_side_asn" else _flag(value)


def tag_specifications(resource_type, tags):
    return [{"ResourceType": resource_type, "Tags": ansible_dict_to_boto3_tag_list(tags)}] if tags else []


def one_named(items, name, what, id_key):
    matches = [i for i in items if tags_of(i).get("Name") == name]
    if len(matches) > 1:
        raise CrossvpcError("Found %d %s named %r: %s. Remove the extra ones or tag them apart." % (
            len(matches), what, name, ", ".join(m[id_key] for m in matches)))
    return matches[0] if matches else None


# --- the transit gateway -------------------------------------------------------------------------

def find_gateway(ec2, name=None, gateway_id=None):
    if gateway_id:
        found = call(ec2, "describe_transit_gateways", "describe %s" % gateway_id, missing={},
                     TransitGatewayIds=[gateway_id]).get("TransitGateways", [])
        found = [g for g in found if g["TransitGatewayId"] == gateway_id and g["State"] not in GONE_STATES]
        return found[0] if found else None
    found = paginate(ec2, "describe_transit_gateways", "TransitGateways", "find transit gateway %s" % name,
                     Filters=[{"Name": "tag:Name", "Values": [name]}])
    return one_named([g for g in found if g["State"] not in GONE_STATES], name, "transit gateways", "TransitGatewayId")


def plan_gateway(current, desired):
    """Steps from ``current`` (None: absent) to ``desired`` (module options; None = leave as is)."""
    if current is None:
        return {"create": True}
    options = current.get("Options", {})
    steps = {}
    changes = dict((key, _wire(option, desired[option])) for option, (key, _modifiable) in TGW_OPTIONS.items()
                   if desired[option] is not None and options.get(key) != _wire(option, desired[option]))
    fixed = sorted(option for option, (key, modifiable) in TGW_OPTIONS.items() if key in changes and not modifiable)
    if fixed:
        raise CrossvpcError(
            "%s of transit gateway %s cannot be changed after it is made (it is %s). Make a new transit gateway "
            "or keep the current value." % (", ".join(fixed), current["TransitGatewayId"],
                                            ", ".join(options.get(TGW_OPTIONS[o][0]) for o in fixed)))
    if changes:
        steps["options"] = changes
    if desired["description"] is not None and current.get("Description", "") != desired["description"]:
        steps["description"] = desired["description"]
    steps.update(tag_steps(tags_of(current), desired["tags"], desired["purge_tags"]))
    return steps


# Which option an input refusal of AWS is about, by the words of its code and message.
GATEWAY_OPTIONS = {"description": ("description",), "amazon_side_asn": ("asn",), "tags": ("tag",)}


def apply_gateway(ec2, current, steps, desired, timeout):
    if "create" in steps:
        options = dict((key, _wire(option, desired[option])) for option, (key, _m) in TGW_OPTIONS.items()
                       if desired[option] is not None)
        params = dict(Options=options, TagSpecifications=tag_specifications("transit-gateway", desired["tags"]))
        if desired["description"]:
            params["Description"] = desired["description"]
        gateway_id = call(ec2, "create_transit_gateway", "create transit gateway %s" % desired["tags"].get("Name"),
                          options=GATEWAY_OPTIONS, **params)["TransitGateway"]["TransitGatewayId"]
    else:
        gateway_id = current["TransitGatewayId"]
        if "options" in steps or "description" in steps:
            params = dict(TransitGatewayId=gateway_id, Options=steps.get("options", {}))
            if "description" in steps:
                params["Description"] = steps["description"]
            call(ec2, "modify_transit_gateway", "modify %s" % gateway_id, options=GATEWAY_OPTIONS, **params)
        ec2_tag(ec2, gateway_id, steps.get("tag"), steps.get("untag"))
    return wait_gateway(ec2, gateway_id, timeout)


def wait_gateway(ec2, gateway_id, timeout):
    return wait_for(lambda: find_gateway(ec2, gateway_id=gateway_id),
                    lambda g: g is not None and g["State"] == "available",
                    lambda g: "it is gone" if g is None else None,
                    timeout, "transit gateway %s to be available" % gateway_id)


def live_attachments(ec2, gateway_id):
    found = paginate(ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments",
                     "list attachments of %s" % gateway_id,
                     Filters=[{"Name": "transit-gateway-id", "Values": [gateway_id]}])
    return [a for a in found if a.get("TransitGatewayId") == gateway_id
            and a["State"] not in GONE_STATES + DEAD_ATTACHMENT_STATES]


def refuse_if_attached(module, ec2, gateway_id):
    """AWS refuses to delete a transit gateway with attachments: say which, before any change. In
    check mode a warning: the spokes' tasks before this one plan to remove them, and a check run
    cannot know they will be gone."""
    attachments = live_attachments(ec2, gateway_id)
    if not attachments:
        return
    listed = ", ".join("%s (%s %s of %s)" % (a["TransitGatewayAttachmentId"], a.get("ResourceType"),
                                             a.get("ResourceId"), a.get("ResourceOwnerId")) for a in attachments)
    if module.check_mode:
        module.warn("Transit gateway %s still has attachments: %s. The real run deletes it only if they are gone "
                    "by then (the spokes' teardown removes them first)." % (gateway_id, listed))
        return
    raise CrossvpcError("Transit gateway %s still has attachments: %s. Remove them first (the spokes' teardown, "
                        "playbooks/transit_gateway_teardown.yml)." % (gateway_id, listed))


def delete_gateway(ec2, gateway_id, timeout):
    call(ec2, "delete_transit_gateway", "delete %s" % gateway_id, TransitGatewayId=gateway_id)
    wait_for(lambda: find_gateway(ec2, gateway_id=gateway_id), lambda g: g is None, lambda g: None,
             timeout, "transit gateway %s to be deleted" % gateway_id)


def gateway_result(gateway):
    if not gateway:
        return {}
    options = gateway.get("Options", {})
    result = {
        "transit_gateway_id": gateway["TransitGatewayId"],
        "transit_gateway_arn": gateway.get("TransitGatewayArn"),
        "owner_id": gateway.get("OwnerId"),
        "state": gateway.get("State"),
        "description": gateway.get("Description", ""),
        "association_default_route_table_id": options.get("AssociationDefaultRouteTableId"),
        "propagation_default_route_table_id": options.get("PropagationDefaultRouteTableId"),
        "tags": tags_of(gateway),
    }
    for option, (key, _modifiable) in TGW_OPTIONS.items():
        value = options.get(key)
        result[option] = value if option == "amazon_side_asn" else value == "enable"
    return result


def planned_gateway(current, steps, desired, unknown):
    """The gateway as it would be after ``steps`` (check mode)."""
    gateway = dict(current or {"TransitGatewayId": unknown, "TransitGatewayArn": unknown, "State": "available",
                               "Options": {"AmazonSideAsn": 64512, "AutoAcceptSharedAttachments": "disable",
                                           "DefaultRouteTableAssociation": "enable",
                                           "DefaultRouteTablePropagation": "enable", "DnsSupport": "enable",
                                           "VpnEcmpSupport": "enable", "MulticastSupport": "disable"}})
    options = dict(gateway["Options"])
    options.update(steps.get("options") or {})
    if "create" in steps:
        options.update((key, _wire(option, desired[option])) for option, (key, _m) in TGW_OPTIONS.items()
                       if desired[option] is not None)
        gateway["Description"] = desired["description"] or ""
    gateway["Options"] = options
    if "description" in steps:
        gateway["Description"] = steps["description"]
    tags = tags_of(gateway)
    tags.update(steps.get("tag") or (desired["tags"] if "create" in steps else {}))
    for key in steps.get("untag") or []:
        tags.pop(key, None)
    gateway["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return gateway


# --- VPC attachments -----------------------------------------------------------------------------

ATTACHMENT_OPTIONS = {"dns_support": "DnsSupport", "ipv6_support": "Ipv6Support",
                      "appliance_mode_support": "ApplianceModeSupport"}


def find_visible_gateway(ec2, gateway_id):
    """A transit gateway of this account, or of another one that shared it (through RAM) with us."""
    gateway = find_gateway(ec2, gateway_id=gateway_id)
    if gateway is None:
        raise CrossvpcError(
            "transit_gateway_id=%r: no such transit gateway visible to this account and region. If it belongs to "
            "another account, that account must share it with this one (crossvpc.aws.resource_share) and this "
            "account must accept the invitation (resource_share with state=accepted)." % gateway_id)
    return gateway


def find_vpc_attachments(ec2, gateway_id, vpc_ids, names=()):
    """{vpc id: attachment} of the live attachments of ``vpc_ids`` to the gateway, in one call that reads every attachment
    of the gateway this account sees: one of another VPC with a Name of ``names`` is refused (route tables tell
    attachments apart by name)."""
    found = paginate(ec2, "describe_transit_gateway_vpc_attachments", "TransitGatewayVpcAttachments",
                     "find attachments of %s" % gateway_id, Filters=[{"Name": "transit-gateway-id", "Values": [gateway_id]}])
    attachments = {}
    for attachment in found:
        if attachment.get("TransitGatewayId") != gateway_id or attachment["State"] in GONE_STATES + DEAD_ATTACHMENT_STATES:
            continue
        named = tags_of(attachment).get("Name")
        if named in names and attachment["VpcId"] not in vpc_ids:
            raise InvalidInput("attachments[].name", named, "is the Name of %s, the attachment of %s to %s, and route tables tell "
                               "attachments apart by name." % (attachment["TransitGatewayAttachmentId"], attachment["VpcId"], gateway_id),
                               "Give this VPC's attachment a name of its own.")
        if attachment["VpcId"] not in vpc_ids:
            continue
        if attachment["VpcId"] in attachments:
            raise CrossvpcError("VPC %s has two live attachments to %s: %s and %s. Delete one." % (
                attachment["VpcId"], gateway_id, attachments[attachment["VpcId"]]["TransitGatewayAttachmentId"],
                attachment["TransitGatewayAttachmentId"]))
        attachments[attachment["VpcId"]] = attachment
    return attachments


def resolve_vpcs(ec2, wanted, strict=True):
    """Fill in each entry's vpc_id, subnet_ids and cidrs from names, with two describe calls for all
    of them; refuse unknown VPCs and subnets, subnets of another VPC and two subnets in one zone.
    Not ``strict`` (to detach), only the VPC ids are looked up, and a VPC that is gone is skipped."""
    ids = [w["vpc_id"] for w in wanted if w["vpc_id"]]
    names = [w["vpc_name"] for w in wanted if not w["vpc_id"]]
    vpcs = []
    for key, values in (("vpc-id", ids), ("tag:Name", names)):
        if values:
            vpcs += paginate(ec2, "describe_vpcs", "Vpcs", "describe VPCs", Filters=[{"Name": key, "Values": values}])
    by_id = dict((v["VpcId"], v) for v in vpcs)  # a VPC given by id and by name comes back twice
    by_name = {}
    for vpc in by_id.values():
        by_name.setdefault(tags_of(vpc).get("Name"), []).append(vpc["VpcId"])
    for index, entry in enumerate(wanted):
        where = "attachments[%d]" % index
        if not entry["vpc_id"]:
            found = by_name.get(entry["vpc_name"], [])
            if not strict:
                entry["vpc_id"] = found[0] if len(found) == 1 else None
                continue
            if len(found) != 1:
                raise CrossvpcError("%s.vpc_name=%r: %d VPCs have this Name tag in this account and region, not one. "
                                    "Check the name, or give vpc_id." % (where, entry["vpc_name"], len(found)))
            entry["vpc_id"] = found[0]
        elif entry["vpc_id"] not in by_id and strict:
            raise CrossvpcError("%s.vpc_id=%r: no such VPC in this account and region. Check the id, the account (profile) and the region." % (
                where, entry["vpc_id"]))
        if not strict:
            continue
        first = next((i for i, other in enumerate(wanted[:index]) if other["vpc_id"] == entry["vpc_id"]), None)
        if first is not None:
            raise CrossvpcError("%s and attachments[%d] are the same VPC, %s: a VPC has one attachment to a transit gateway. "
                                "List it once." % (where, first, entry["vpc_id"]))
        vpc = by_id[entry["vpc_id"]]
        entry["cidrs"] = sorted(a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []
                                if a.get("CidrBlockState", {}).get("State") == "associated") or [vpc["CidrBlock"]]
    if not strict:
        return
    subnets = paginate(ec2, "describe_subnets", "Subnets", "describe subnets",
                       Filters=[{"Name": "vpc-id", "Values": sorted(set(w["vpc_id"] for w in wanted))}])
    for index, entry in enumerate(wanted):
        _pick_subnets("attachments[%d]" % index, entry, [s for s in subnets if s["VpcId"] == entry["vpc_id"]])


def _pick_subnets(where, entry, subnets):
    by_id = dict((s["SubnetId"], s) for s in subnets)
    if entry["subnet_names"]:
        named = dict((tags_of(s).get("Name"), s["SubnetId"]) for s in subnets)
        missing = [n for n in entry["subnet_names"] if n not in named]
        if missing:
            raise CrossvpcError("%s.subnet_names: %s not found in %s. Check the Name tags, or give subnet_ids." % (
                where, ", ".join(missing), entry["vpc_id"]))
        entry["subnet_ids"] = [named[n] for n in entry["subnet_names"]]
    zones = {}
    for subnet_id in entry["subnet_ids"]:
        if subnet_id not in by_id:
            raise CrossvpcError("%s.subnet_ids: %s is not a subnet of %s. Give subnets of the attached VPC." % (
                where, subnet_id, entry["vpc_id"]))
        zone = by_id[subnet_id]["AvailabilityZone"]
        if zone in zones:
            raise CrossvpcError("%s.subnet_ids: %s and %s are both in %s; an attachment takes one subnet per "
                                "Availability Zone. Keep one of them." % (where, zones[zone], subnet_id, zone))
        zones[zone] = subnet_id


def plan_attachment(current, wanted):
    """Steps for one VPC's attachment; ``wanted`` is the module's entry for it."""
    if current is None:
        return {"create": True}
    steps = {}
    subnets = set(current.get("SubnetIds") or [])
    if wanted["subnet_ids"]:
        add, remove = sorted(set(wanted["subnet_ids"]) - subnets), sorted(subnets - set(wanted["subnet_ids"]))
        if add:
            steps["add_subnets"] = add
        if remove:
            steps["remove_subnets"] = remove
    options = current.get("Options") or {}
    changes = dict((key, _flag(wanted[option])) for option, key in ATTACHMENT_OPTIONS.items()
                   if wanted.get(option) is not None and options.get(key) != _flag(wanted[option]))
    if changes:
        steps["options"] = changes
    steps.update(tag_steps(tags_of(current), wanted["tags"], wanted["purge_tags"]))
    return steps


def apply_attachment(ec2, gateway_id, current, steps, wanted):
    """Make the steps; returns the attachment id."""
    where = "attachments[vpc_id=%s]" % wanted["vpc_id"]
    refusals = {where + ".subnet_ids": ("subnet",), where + ".tags": ("tag",),
                "transit_gateway_id": ("transit gateway", "transitgateway")}
    if "create" in steps:
        options = dict((key, _flag(wanted[option])) for option, key in ATTACHMENT_OPTIONS.items()
                       if wanted.get(option) is not None)
        return call(ec2, "create_transit_gateway_vpc_attachment", "attach %s to %s" % (wanted["vpc_id"], gateway_id),
                    options=refusals, TransitGatewayId=gateway_id, VpcId=wanted["vpc_id"], SubnetIds=wanted["subnet_ids"],
                    Options=options, TagSpecifications=tag_specifications("transit-gateway-attachment", wanted["tags"])
                    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    attachment_id = current["TransitGatewayAttachmentId"]
    modify = dict((key, steps[step]) for step, key in (("add_subnets", "AddSubnetIds"), ("remove_subnets", "RemoveSubnetIds"),
                                                       ("options", "Options")) if step in steps)
    if modify:
        call(ec2, "modify_transit_gateway_vpc_attachment", "modify %s" % attachment_id, options=refusals,
             TransitGatewayAttachmentId=attachment_id, **modify)
    ec2_tag(ec2, attachment_id, steps.get("tag"), steps.get("untag"), option=where + ".tags")
    return attachment_id


def detach(ec2, attachment_id):
    call(ec2, "delete_transit_gateway_vpc_attachment", "detach %s" % attachment_id,
         TransitGatewayAttachmentId=attachment_id)


def wait_detached(ec2, attachment_ids, timeout):
    wait_for(lambda: describe_attachments(ec2, attachment_ids),
             lambda found: all(a["State"] in GONE_STATES for a in found.values()),
             lambda found: None, timeout, "attachments %s to be deleted" % ", ".join(attachment_ids))


def describe_attachments(ec2, attachment_ids):
    found = call(ec2, "describe_transit_gateway_vpc_attachments", "describe attachments", missing={},
                 TransitGatewayAttachmentIds=sorted(attachment_ids)).get("TransitGatewayVpcAttachments", [])
    return dict((a["TransitGatewayAttachmentId"], a) for a in found)


def wait_attachments(ec2, attachment_ids, states, timeout):
    """Wait until every attachment is in one of ``states``; fail at once when one is rejected or failed."""
    if not attachment_ids:
        return {}

    def failed(found):
        dead = ["%s is %s" % (i, a["State"]) for i, a in sorted(found.items()) if a["State"] in DEAD_ATTACHMENT_STATES]
        missing = sorted(set(attachment_ids) - set(found))
        return "; ".join(dead + ["%s is gone" % i for i in missing]) or None

    return wait_for(lambda: describe_attachments(ec2, attachment_ids),
                    lambda found: len(found) == len(attachment_ids) and all(a["State"] in states for a in found.values()),
                    failed, timeout, "attachments %s to be %s" % (", ".join(sorted(attachment_ids)), " or ".join(states)))


def attachment_result(attachment):
    options = attachment.get("Options") or {}
    result = {
        "transit_gateway_attachment_id": attachment["TransitGatewayAttachmentId"],
        "transit_gateway_id": attachment.get("TransitGatewayId"),
        "vpc_id": attachment.get("VpcId") or attachment.get("ResourceId"),
        "vpc_owner_id": attachment.get("VpcOwnerId") or attachment.get("ResourceOwnerId"),
        "state": attachment.get("State"),
        "subnet_ids": sorted(attachment.get("SubnetIds") or []),
        "tags": tags_of(attachment),
    }
    for option, key in ATTACHMENT_OPTIONS.items():
        result[option] = options.get(key) == "enable"
    return result


def planned_attachment(gateway_id, current, steps, wanted, unknown):
    attachment = dict(current or {"TransitGatewayAttachmentId": unknown, "TransitGatewayId": gateway_id,
                                  "VpcId": wanted["vpc_id"], "State": "pendingAcceptance",
                                  "Options": {"DnsSupport": "enable", "Ipv6Support": "disable",
                                              "ApplianceModeSupport": "disable"}})
    if "create" in steps or wanted["subnet_ids"]:
        attachment["SubnetIds"] = wanted["subnet_ids"] or attachment.get("SubnetIds", [])
    options = dict(attachment.get("Options") or {})
    options.update(steps.get("options") or dict((key, _flag(wanted[o])) for o, key in ATTACHMENT_OPTIONS.items()
                                                if "create" in steps and wanted.get(o) is not None))
    attachment["Options"] = options
    tags = tags_of(attachment)
    tags.update(steps.get("tag") or (wanted["tags"] or {} if "create" in steps else {}))
    for key in steps.get("untag") or []:
        tags.pop(key, None)
    attachment["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return attachment


# --- the hub's side of attachments from other accounts ----------------------------------------------

def gateway_attachments(ec2, gateway_id):
    """Every live VPC attachment to the gateway, whoever owns the VPC."""
    found = paginate(ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments",
                     "list attachments of %s" % gateway_id,
                     Filters=[{"Name": "transit-gateway-id", "Values": [gateway_id]},
                              {"Name": "resource-type", "Values": ["vpc"]}])
    return [a for a in found if a.get("TransitGatewayId") == gateway_id and a["State"] not in GONE_STATES]


def decide_attachments(ec2, attachment_ids, state):
    verb = "accept" if state == "accepted" else "reject"
    for attachment_id in attachment_ids:
        call(ec2, "%s_transit_gateway_vpc_attachment" % verb, "%s %s" % (verb, attachment_id),
             TransitGatewayAttachmentId=attachment_id)


def wait_decided(ec2, gateway_id, attachment_ids, wanted, timeout):
    """Wait until accepted attachments are available (failing fast if one fails) or rejected ones settle."""
    states = ("available",) if wanted == "available" else ("rejected", "deleted")

    def describe():
        return dict((a["TransitGatewayAttachmentId"], a) for a in gateway_attachments(ec2, gateway_id)
                    if a["TransitGatewayAttachmentId"] in attachment_ids)

    def failed(found):
        if wanted != "available":
            return None
        return "; ".join("%s is %s" % (i, found[i]["State"]) for i in attachment_ids
                         if i in found and found[i]["State"] in DEAD_ATTACHMENT_STATES) or None

    return wait_for(describe, lambda found: all(found.get(i, {}).get("State", "deleted") in states for i in attachment_ids),
                    failed, timeout, "attachments %s to be %s" % (", ".join(attachment_ids), wanted))


# --- route tables --------------------------------------------------------------------------------

EMPTY_TABLE = {"associations": [], "propagations": [], "routes": {}}


def check_table_owner(gateway, account):
    """Only the transit gateway's owner makes its route tables: a gateway another account shares with
    ``account`` (through RAM) is visible, but AWS refuses CreateTransitGatewayRouteTable on it (saying it
    does not exist)."""
    owner = gateway.get("OwnerId")
    if owner and owner != account:
        raise InvalidInput("transit_gateway_id", gateway["TransitGatewayId"],
                           "belongs to account %s, which shares it with this account (%s); a transit gateway's route "
                           "tables are made by its owner." % (owner, account),
                           "Run this task with the profile of account %s, the transit gateway's owner." % owner)
    return gateway


def find_table(ec2, gateway_id, name):
    found = paginate(ec2, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables",
                     "find route table %s of %s" % (name, gateway_id),
                     Filters=[{"Name": "transit-gateway-id", "Values": [gateway_id]},
                              {"Name": "tag:Name", "Values": [name]}])
    found = [t for t in found if t.get("TransitGatewayId") == gateway_id and t["State"] not in GONE_STATES]
    return one_named(found, name, "route tables", "TransitGatewayRouteTableId")


def read_table(ec2, table):
    """Associations, propagations and static routes of ``table`` ({} parts when None)."""
    if table is None:
        return dict(EMPTY_TABLE)
    table_id = table["TransitGatewayRouteTableId"]
    associations = paginate(ec2, "get_transit_gateway_route_table_associations", "Associations",
                            "read associations of %s" % table_id, TransitGatewayRouteTableId=table_id)
    propagations = paginate(ec2, "get_transit_gateway_route_table_propagations", "TransitGatewayRouteTablePropagations",
                            "read propagations of %s" % table_id, TransitGatewayRouteTableId=table_id)
    routes = call(ec2, "search_transit_gateway_routes", "read static routes of %s" % table_id,
                  TransitGatewayRouteTableId=table_id, Filters=[{"Name": "type", "Values": ["static"]}]).get("Routes", [])
    return {
        "associations": sorted(a["TransitGatewayAttachmentId"] for a in associations
                               if a.get("State") in ("associating", "associated")),
        "propagations": sorted(p["TransitGatewayAttachmentId"] for p in propagations
                               if p.get("State") in ("enabling", "enabled")),
        "routes": dict((r["DestinationCidrBlock"], (r.get("TransitGatewayAttachments") or [{}])[0].get(
            "TransitGatewayAttachmentId") or "blackhole") for r in routes if r.get("Type") == "static"),
    }


def check_attachments(ec2, gateway_id, desired):
    """Every attachment the table names is a live attachment of this gateway; returns them by id."""
    attachments = dict((a["TransitGatewayAttachmentId"], a) for a in gateway_attachments(ec2, gateway_id))
    named = [("associations", i) for i in desired["associations"] or []]
    named += [("propagations", i) for i in desired["propagations"] or []]
    named += [("routes", t) for t in (desired["routes"] or {}).values() if t != "blackhole"]
    unknown = sorted(set((option, i) for option, i in named if i not in attachments and i != "(known after apply)"))
    if unknown:
        raise CrossvpcError("%s: %s is not an attachment of %s (or it is deleted). Use the ids "
                            "transit_gateway_attachment returns for this transit gateway." % (
                                unknown[0][0], ", ".join(sorted(set(i for _o, i in unknown))), gateway_id))
    return attachments


def plan_table(current, state, desired, attachments):
    """Steps from the table's ``state`` to ``desired`` (lists given as None are left alone)."""
    steps = {"create": True} if current is None else {}
    table_id = current["TransitGatewayRouteTableId"] if current else None

    def diff(key, purge):
        wanted = desired[key]
        if wanted is None:
            return [], []
        return sorted(set(wanted) - set(state[key])), sorted(set(state[key]) - set(wanted)) if purge else []

    associate, disassociate = diff("associations", desired["purge_associations"])
    moves = dict((i, attachments[i]["Association"]["TransitGatewayRouteTableId"]) for i in associate
                 if (attachments.get(i) or {}).get("Association", {}).get("TransitGatewayRouteTableId") not in (None, table_id))
    propagate, unpropagate = diff("propagations", desired["purge_propagations"])
    for key, value in (("associate", associate), ("move", moves), ("disassociate", disassociate),
                       ("propagate", propagate), ("unpropagate", unpropagate)):
        if value:
            steps[key] = value
    if desired["routes"] is not None:
        routes = state["routes"]
        add = dict((c, t) for c, t in desired["routes"].items() if c not in routes)
        replace = dict((c, t) for c, t in desired["routes"].items() if c in routes and routes[c] != t)
        delete = sorted(c for c in routes if c not in desired["routes"]) if desired["purge_routes"] else []
        steps.update((k, v) for k, v in (("add_routes", add), ("replace_routes", replace), ("delete_routes", delete)) if v)
    if current:  # a new table carries its tags
        steps.update(tag_steps(tags_of(current), desired["tags"], desired["purge_tags"]))
    return steps


def _route_target(target):
    return {"Blackhole": True} if target == "blackhole" else {"TransitGatewayAttachmentId": target}


def apply_table(ec2, gateway_id, current, steps, desired, timeout):
    if "create" in steps:
        current = call(ec2, "create_transit_gateway_route_table", "create route table %s" % desired["tags"]["Name"],
                       options={"tags": ("tag",), "transit_gateway_id": ("transit gateway", "transitgateway")},
                       TransitGatewayId=gateway_id,
                       TagSpecifications=tag_specifications("transit-gateway-route-table", desired["tags"])
                       )["TransitGatewayRouteTable"]
        current = wait_for(lambda: describe_table(ec2, current["TransitGatewayRouteTableId"]),
                           lambda t: t is not None and t["State"] == "available", lambda t: None, timeout,
                           "route table %s to be available" % current["TransitGatewayRouteTableId"])
    table_id = current["TransitGatewayRouteTableId"]
    for attachment_id, other in sorted((steps.get("move") or {}).items()):
        call(ec2, "disassociate_transit_gateway_route_table", "move %s from %s" % (attachment_id, other),
             TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=attachment_id)
    for attachment_id in steps.get("disassociate", []):
        call(ec2, "disassociate_transit_gateway_route_table", "disassociate %s" % attachment_id,
             TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=attachment_id)
    if steps.get("move"):
        # AWS associates an attachment with one table only once its old association is gone.
        wait_for(lambda: gateway_attachments(ec2, gateway_id),
                 lambda found: not any(a["TransitGatewayAttachmentId"] in steps["move"] and a.get("Association")
                                       for a in found),
                 lambda found: None, timeout, "attachments %s to leave their route tables" % ", ".join(sorted(steps["move"])))
    for attachment_id in steps.get("associate", []):
        call(ec2, "associate_transit_gateway_route_table", "associate %s" % attachment_id,
             TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=attachment_id)
    for verb, key in (("enable", "propagate"), ("disable", "unpropagate")):
        for attachment_id in steps.get(key, []):
            call(ec2, "%s_transit_gateway_route_table_propagation" % verb, "%s propagation of %s" % (verb, attachment_id),
                 TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=attachment_id)
    for verb, key in (("create", "add_routes"), ("replace", "replace_routes")):
        for cidr, target in sorted((steps.get(key) or {}).items()):
            call(ec2, "%s_transit_gateway_route" % verb, "%s route %s in %s" % (verb, cidr, table_id),
                 TransitGatewayRouteTableId=table_id, DestinationCidrBlock=cidr, **_route_target(target))
    for cidr in steps.get("delete_routes", []):
        call(ec2, "delete_transit_gateway_route", "delete route %s in %s" % (cidr, table_id),
             TransitGatewayRouteTableId=table_id, DestinationCidrBlock=cidr)
    ec2_tag(ec2, table_id, steps.get("tag"), steps.get("untag"))
    wait_for(lambda: settled(ec2, table_id), lambda done: done, lambda done: None, timeout,
             "associations and propagations of %s to settle" % table_id)
    return describe_table(ec2, table_id)


def settled(ec2, table_id):
    associations = paginate(ec2, "get_transit_gateway_route_table_associations", "Associations",
                            "read associations of %s" % table_id, TransitGatewayRouteTableId=table_id)
    propagations = paginate(ec2, "get_transit_gateway_route_table_propagations", "TransitGatewayRouteTablePropagations",
                            "read propagations of %s" % table_id, TransitGatewayRouteTableId=table_id)
    return all(i.get("State") in ("associated", "enabled") for i in associations + propagations)


def describe_table(ec2, table_id):
    found = call(ec2, "describe_transit_gateway_route_tables", "describe %s" % table_id, missing={},
                 TransitGatewayRouteTableIds=[table_id]).get("TransitGatewayRouteTables", [])
    return found[0] if found else None


def delete_table(ec2, table, state, timeout):
    """Disassociate everything (AWS refuses to delete a table with associations), then delete."""
    table_id = table["TransitGatewayRouteTableId"]
    for attachment_id in state["associations"]:
        call(ec2, "disassociate_transit_gateway_route_table", "disassociate %s" % attachment_id,
             TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=attachment_id)
    wait_for(lambda: read_table(ec2, table)["associations"], lambda found: not found, lambda found: None, timeout,
             "associations of %s to be removed" % table_id)
    call(ec2, "delete_transit_gateway_route_table", "delete %s" % table_id, TransitGatewayRouteTableId=table_id)


def table_result(table, state):
    if not table:
        return {}
    return {"transit_gateway_route_table_id": table["TransitGatewayRouteTableId"],
            "transit_gateway_id": table.get("TransitGatewayId"), "state": table.get("State"),
            "associations": state["associations"], "propagations": state["propagations"],
            "routes": state["routes"], "tags": tags_of(table)}


def planned_table(gateway_id, current, state, steps, desired, unknown):
    """(table, state) as they would be after ``steps`` (check mode)."""
    table = dict(current or {"TransitGatewayRouteTableId": unknown, "TransitGatewayId": gateway_id,
                             "State": "available", "Tags": ansible_dict_to_boto3_tag_list(desired["tags"])})
    associations = set(state["associations"]) | set(steps.get("associate", []))
    propagations = set(state["propagations"]) | set(steps.get("propagate", []))
    routes = dict(state["routes"])
    routes.update(steps.get("add_routes") or {})
    routes.update(steps.get("replace_routes") or {})
    for cidr in steps.get("delete_routes", []):
        routes.pop(cidr, None)
    tags = tags_of(table)
    tags.update(steps.get("tag") or {})
    for key in steps.get("untag", []):
        tags.pop(key, None)
    table["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return table, {"associations": sorted(associations - set(steps.get("disassociate", []))),
                   "propagations": sorted(propagations - set(steps.get("unpropagate", []))), "routes": routes}
