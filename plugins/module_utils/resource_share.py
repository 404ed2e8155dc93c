# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""RAM: the owner's resource share (what, to whom) and the receiving account's invitation.

A share is found by name among this account's own shares; its resources and principals are
compared as sets. RAM pages with ``nextToken`` (lower case), hence its own paging helper.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, call, client_token, tag_steps, wait_for)

GONE_STATES = ("DELETING", "DELETED", "FAILED")


def _all(ram, operation, key, description, **params):
    items = []
    while True:
        page = call(ram, operation, description, **params)
        items.extend(page.get(key, []))
        if not page.get("nextToken"):
            return items
        params["nextToken"] = page["nextToken"]


def tags_of(share):
    return dict((t["key"], t["value"]) for t in share.get("tags") or [])


def find_share(ram, name, owner="SELF"):
    found = _all(ram, "get_resource_shares", "resourceShares", "find resource share %s" % name,
                 resourceOwner=owner, name=name)
    found = [s for s in found if s["name"] == name and s.get("status") not in GONE_STATES]
    if len(found) > 1 and owner == "SELF":
        raise CrossvpcError("Found %d resource shares named %r: %s. Delete the extra ones." % (
            len(found), name, ", ".join(s["resourceShareArn"] for s in found)))
    return found[0] if found else None


def share_members(ram, share):
    """(resource ARNs, principals) of this account's share, as sorted lists. Associations are read
    with their status, so a principal whose invitation is still pending counts as shared."""
    if share is None:
        return [], []
    arn = share["resourceShareArn"]
    members = []
    for kind in ("RESOURCE", "PRINCIPAL"):
        found = _all(ram, "get_resource_share_associations", "resourceShareAssociations",
                     "read %s associations of %s" % (kind.lower(), arn), associationType=kind, resourceShareArns=[arn])
        members.append(sorted(set(a["associatedEntity"] for a in found
                                  if a.get("status") in ("ASSOCIATING", "ASSOCIATED"))))
    return tuple(members)


def plan_share(share, members, desired):
    if share is None:
        return {"create": True}
    steps = {}
    for key, current in zip(("resources", "principals"), members):
        wanted = desired[key]
        if wanted is None:
            continue
        add = sorted(set(wanted) - set(current))
        remove = sorted(set(current) - set(wanted)) if desired["purge_" + key] else []
        if add:
            steps["add_" + key] = add
        if remove:
            steps["remove_" + key] = remove
    if desired["allow_external_principals"] is not None and \
            share.get("allowExternalPrincipals") != desired["allow_external_principals"]:
        steps["allow_external_principals"] = desired["allow_external_principals"]
    steps.update(tag_steps(tags_of(share), desired["tags"], desired["purge_tags"]))
    return steps


# How to look up an EC2 resource of a share by the id its ARN ends with: RAM itself accepts an ARN
# of nothing and shares nothing. Other kinds of resources are left to RAM.
RESOURCE_LOOKUPS = {
    "transit-gateway": ("describe_transit_gateways", "TransitGatewayIds", "TransitGateways", "TransitGatewayId"),
    "subnet": ("describe_subnets", "SubnetIds", "Subnets", "SubnetId"),
    "prefix-list": ("describe_managed_prefix_lists", "PrefixListIds", "PrefixLists", "PrefixListId"),
}


def check_resources(ec2, account, arns):
    """Each ARN to share is of this account, and (for the EC2 kinds above) names a live resource."""
    for arn in arns:
        if arn == UNKNOWN:  # check mode: made by an earlier task
            continue
        parts = arn.split(":", 5)
        if len(parts) < 6 or parts[4] != account:
            raise InvalidInput("resource_arns", arn, "is not a resource of this account (%s): a share holds "
                               "resources of the account that shares them." % account,
                               "Share it from a task of the account that owns it.")
        kind, _slash, resource_id = parts[5].partition("/")
        if parts[2] != "ec2" or kind not in RESOURCE_LOOKUPS:
            continue
        operation, ids_key, key, id_key = RESOURCE_LOOKUPS[kind]
        found = call(ec2, operation, "look up %s" % resource_id, missing={}, **{ids_key: [resource_id]}).get(key, [])
        if not [r for r in found if r.get(id_key) == resource_id and not str(r.get("State", "")).startswith("delet")]:
            raise InvalidInput("resource_arns", arn, "no such %s in this account and region." % kind.replace("-", " "),
                               "Check the ARN (use the resource's own, e.g. transit_gateway's transit_gateway_arn).")


# Which option an input refusal of AWS is about, by the words of its code and message.
SHARE_OPTIONS = {"tags": ("tag",), "principals": ("principal", "account"), "resource_arns": ("resource", "arn")}


def apply_share(ram, share, steps, desired, token):
    if "create" in steps:
        params = dict(name=desired["name"], resourceArns=desired["resources"] or [],
                      principals=desired["principals"] or [], clientToken=token,
                      tags=[{"key": k, "value": v} for k, v in sorted(desired["tags"].items())])
        if desired["allow_external_principals"] is not None:
            params["allowExternalPrincipals"] = desired["allow_external_principals"]
        return call(ram, "create_resource_share", "create resource share %s" % desired["name"], options=SHARE_OPTIONS,
                    **params)["resourceShare"]["resourceShareArn"]
    arn = share["resourceShareArn"]
    if "allow_external_principals" in steps:
        call(ram, "update_resource_share", "update %s" % arn, resourceShareArn=arn,
             allowExternalPrincipals=steps["allow_external_principals"])
    add = dict((k, steps["add_" + key]) for key, k in (("resources", "resourceArns"), ("principals", "principals"))
               if "add_" + key in steps)
    if add:
        call(ram, "associate_resource_share", "share more through %s" % arn, options=SHARE_OPTIONS, resourceShareArn=arn,
             clientToken=client_token("associate", arn, sorted(add.items())), **add)
    remove = dict((k, steps["remove_" + key]) for key, k in (("resources", "resourceArns"), ("principals", "principals"))
                  if "remove_" + key in steps)
    if remove:
        call(ram, "disassociate_resource_share", "share less through %s" % arn, resourceShareArn=arn, **remove)
    if steps.get("tag"):
        call(ram, "tag_resource", "tag %s" % arn, options={"tags": ("",)}, resourceShareArn=arn,
             tags=[{"key": k, "value": v} for k, v in sorted(steps["tag"].items())])
    if steps.get("untag"):
        call(ram, "untag_resource", "untag %s" % arn, resourceShareArn=arn, tagKeys=steps["untag"])
    return arn


def delete_share(ram, share, token, timeout):
    arn = share["resourceShareArn"]
    call(ram, "delete_resource_share", "delete %s" % arn, resourceShareArn=arn, clientToken=token)
    wait_for(lambda: _all(ram, "get_resource_shares", "resourceShares", "read %s" % arn, resourceOwner="SELF",
                          resourceShareArns=[arn]),
             lambda found: all(s.get("status") in GONE_STATES for s in found), lambda found: None, timeout,
             "resource share %s to be deleted" % arn)


def share_result(share, members):
    if not share:
        return {}
    return {"resource_share_arn": share["resourceShareArn"], "name": share["name"], "status": share.get("status"),
            "owning_account_id": share.get("owningAccountId"),
            "allow_external_principals": share.get("allowExternalPrincipals"),
            "resource_arns": members[0], "principals": members[1], "tags": tags_of(share)}


# --- the receiving account -----------------------------------------------------------------------

def find_invitations(ram, name, sender):
    found = _all(ram, "get_resource_share_invitations", "resourceShareInvitations",
                 "find invitations to resource share %s" % name)
    return [i for i in found if i.get("resourceShareName") == name and i.get("senderAccountId") == sender]


def accept_invitation(ram, invitation, token, timeout):
    arn = invitation["resourceShareInvitationArn"]
    call(ram, "accept_resource_share_invitation", "accept %s" % arn, resourceShareInvitationArn=arn,
         clientToken=token)
    return wait_for(lambda: _all(ram, "get_resource_share_invitations", "resourceShareInvitations",
                                 "read %s" % arn, resourceShareInvitationArns=[arn]),
                    lambda found: found and found[0].get("status") == "ACCEPTED",
                    lambda found: found and found[0].get("status") in ("REJECTED", "EXPIRED") and
                    "it is %s" % found[0]["status"] or None,
                    timeout, "invitation %s to be accepted" % arn)[0]


def invitation_result(invitation):
    if not invitation:
        return {}
    return {"resource_share_invitation_arn": invitation.get("resourceShareInvitationArn"),
            "resource_share_arn": invitation.get("resourceShareArn"),
            "resource_share_name": invitation.get("resourceShareName"),
            "sender_account_id": invitation.get("senderAccountId"),
            "receiver_account_id": invitation.get("receiverAccountId"), "status": invitation.get("status")}
