#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: resource_share
short_description: Share resources (a transit gateway) with RAM, or accept a share's invitation
version_added: 0.1.0
description:
  - In the owning account (O(state=present) or V(absent)), ensures a RAM resource share, found by
    O(name), whose resources and principals are exactly O(resource_arns) and O(principals) (or
    add-only, with O(purge_resources=false) or O(purge_principals=false)). Principals are account
    ids, organization or organizational unit ARNs, or IAM role or user ARNs; a wildcard is refused.
  - In a receiving account (O(state=accepted)), accepts the invitation to the share called O(name)
    from O(owner_account_id) and waits until it is accepted; an accepted invitation, or a share this
    account already receives, is no change.
  - Creates, accepts and deletes carry a deterministic client token, so a retried call never makes a
    second share.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  name:
    description: The share's name; how it is found on both sides.
    type: str
    required: true
  state:
    description: V(present) and V(absent) in the owning account; V(accepted) in a receiving account.
    type: str
    choices: [present, absent, accepted]
    default: present
  resource_arns:
    description:
      - ARNs of the resources to share, for example a transit gateway's. In check mode an ARN may be
        C((known after apply)).
    type: list
    elements: str
  principals:
    description:
      - 12-digit account ids, IAM role or user ARNs, or the ARNs of an organization
        (C(arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5)) or of an organizational unit
        (C(arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56)) to share with.
    type: list
    elements: str
  purge_resources:
    description: Remove resources that are not in O(resource_arns) (when given).
    type: bool
    default: true
  purge_principals:
    description: Stop sharing with principals that are not in O(principals) (when given).
    type: bool
    default: true
  allow_external_principals:
    description:
      - Allow principals outside this account's organization. AWS's default is V(true); it must be
        for accounts that are not in one organization with this one.
    type: bool
  owner_account_id:
    description: With O(state=accepted), the 12-digit account that shares the resources.
    type: str
  tags:
    description: Tags of the share. Keys of 1 to 128 characters that do not start with C(aws:), text values of up to 256 characters.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not in O(tags). Ignored when O(tags) is omitted.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for an invitation to be accepted or a share to be deleted.
    type: int
    default: 300
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Hub account A shares its transit gateway with account B
  crossvpc.aws.resource_share:
    name: hub-tgw
    resource_arns: ["{{ hub.transit_gateway.transit_gateway_arn }}"]
    principals: ["210987654321"]

- name: Account B accepts the share
  crossvpc.aws.resource_share:
    name: hub-tgw
    state: accepted
    owner_account_id: "123456789012"
"""

RETURN = r"""
resource_share:
  description: With O(state=present), the share after the change (planned in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    resource_share_arn:
      description: Its ARN; C((known after apply)) in check mode when it would be created.
      type: str
    name:
      description: Its name.
      type: str
    status:
      description: C(ACTIVE) once made.
      type: str
    owning_account_id:
      description: The sharing account.
      type: str
    allow_external_principals:
      description: Whether principals outside the organization are allowed.
      type: bool
    resource_arns:
      description: The shared resources.
      type: list
      elements: str
    principals:
      description: The principals shared with.
      type: list
      elements: str
    tags:
      description: Its tags.
      type: dict
invitation:
  description: With O(state=accepted), the invitation after the change; empty when the share is already received without one.
  returned: always
  type: dict
  contains:
    resource_share_invitation_arn:
      description: The invitation.
      type: str
    resource_share_arn:
      description: The share.
      type: str
    resource_share_name:
      description: The share's name.
      type: str
    sender_account_id:
      description: The sharing account.
      type: str
    receiver_account_id:
      description: This account.
      type: str
    status:
      description: C(ACCEPTED) once accepted.
      type: str
changes:
  description: The planned steps. Empty when nothing changes.
  returned: always
  type: dict
  sample: {"add_principals": ["210987654321"]}
"""

import re

from ansible_collections.crossvpc.aws.plugins.module_utils import resource_share as ram_share
from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, call, client, client_token, new_module, result_with_diff, run_module)

PRINCIPAL = re.compile(r"^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(role|user)/[\w+=,.@/-]+)$")
# AWS Organizations ids: o- and 10-32 lowercase letters or digits; ou- and 4-32 of them (the root's), a
# hyphen and 8-32 more.
ORGANIZATION = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}$")
ORGANIZATIONAL_UNIT = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$")


def check_principal(where, principal):
    """An account id, IAM role or user ARN, or an organization or OU ARN of the shape AWS gives them."""
    text = str(principal)
    if re.match(r"^arn:aws[a-z-]*:organizations:", text) and ":organization/" in text:
        if not ORGANIZATION.match(text):
            raise InvalidInput(where, principal, "is not an organization ARN.",
                               "Expected arn:aws:organizations::MANAGEMENT-ACCOUNT:organization/o-ID, the id o- and 10-32 "
                               "lowercase letters or digits, like arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5.")
    elif re.match(r"^arn:aws[a-z-]*:organizations:", text) and ":ou/" in text:
        if not ORGANIZATIONAL_UNIT.match(text):
            raise InvalidInput(where, principal, "is not an organizational unit ARN.",
                               "Expected arn:aws:organizations::MANAGEMENT-ACCOUNT:ou/o-ID/ou-ROOT-UNIT (o- and 10-32 lowercase "
                               "letters or digits, then ou-, 4-32 and 8-32 of them), like "
                               "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56.")
    elif not PRINCIPAL.match(text):
        raise InvalidInput(where, principal, "is not an account id, organization, OU, role or user ARN.",
                           "Share with 12-digit account ids or organizations ARNs; wildcards are not allowed.")


def desired_state(module):
    params = module.params
    for index, principal in enumerate(params["principals"] or []):
        check_principal("principals[%d]" % index, principal)
    for arn in params["resource_arns"] or []:
        if not (str(arn).startswith("arn:") or (module.check_mode and arn == UNKNOWN)):
            raise InvalidInput("resource_arns", arn, "is not an ARN.",
                               "Use the resource's ARN, e.g. transit_gateway's transit_gateway_arn.")
        where = str(arn).split(":")
        if len(where) > 4 and where[3] and module.region and where[3] != module.region:
            # A share holds resources of its own region: AWS refuses another region's after the share was made.
            raise InvalidInput("resource_arns", arn, "is in %s, and a resource share holds resources of its own region (%s)." % (
                where[3], module.region), "Share it from a task in %s, or give a resource of %s." % (where[3], module.region))
    if params["state"] == "accepted":
        validation.account_id("owner_account_id", params["owner_account_id"],
                              "Give the 12-digit id of the account that shares the resources.")
    elif params["owner_account_id"] is not None:  # a receiving account's task without state=accepted would make a share of its own
        raise InvalidInput("owner_account_id", params["owner_account_id"], "is read with state=accepted only, and state=%s makes or "
                           "removes a share this account owns." % params["state"],
                           "To accept the share from that account, set state=accepted; to manage your own share, leave owner_account_id out.")
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    validation.tags("tags", params["tags"])
    return {"name": params["name"], "resources": params["resource_arns"], "principals": params["principals"],
            "purge_resources": params["purge_resources"], "purge_principals": params["purge_principals"],
            "allow_external_principals": params["allow_external_principals"],
            "tags": params["tags"] or {}, "purge_tags": params["purge_tags"] and params["tags"] is not None}


def owner(module, ram, desired):
    params = module.params
    share = ram_share.find_share(ram, params["name"])
    members = ram_share.share_members(ram, share)
    before = ram_share.share_result(share, members)
    # The token names what is shared, so a share made again after a teardown (a new transit
    # gateway) is a new request, while a retried create is the same one.
    token = client_token("resource_share", module.region, params["name"], sorted(desired["resources"] or []),
                         sorted(desired["principals"] or []))
    if params["state"] == "absent":
        if share and not module.check_mode:
            ram_share.delete_share(ram, share, client_token("delete", share["resourceShareArn"]), params["wait_timeout"])
        return result_with_diff(module, before, {}, changed=bool(share), resource_share={}, invitation={},
                                changes={"delete": True} if share else {})
    # In check mode a (known after apply) ARN plans like any other: a resource to add.
    steps = ram_share.plan_share(share, members, desired)
    added = desired["resources"] if "create" in steps else steps.get("add_resources")
    principals = desired["principals"] if "create" in steps else steps.get("add_principals")
    account = call(client(module, "sts"), "get_caller_identity", "find this account's id")["Account"] if added or principals else None
    if account in (principals or []):
        raise InvalidInput("principals[%d]" % params["principals"].index(account), account,
                           "is this account itself, which owns what it shares.",
                           "List the other accounts (or organizational units) to share with.")
    if added:
        ram_share.check_resources(client(module, "ec2"), account, added)
    if steps and not module.check_mode:
        arn = ram_share.apply_share(ram, share, steps, desired, token)
        share = ram_share.find_share(ram, params["name"]) or {"resourceShareArn": arn, "name": params["name"]}
        after = ram_share.share_result(share, ram_share.share_members(ram, share))
    else:
        after = planned(share, members, steps, desired)
    return result_with_diff(module, before, after, changed=bool(steps), resource_share=after, invitation={},
                            changes=steps)


def planned(share, members, steps, desired):
    if share is None:
        share = {"resourceShareArn": UNKNOWN, "name": desired["name"], "status": "ACTIVE",
                 "allowExternalPrincipals": True if desired["allow_external_principals"] is None
                 else desired["allow_external_principals"],
                 "tags": [{"key": k, "value": v} for k, v in desired["tags"].items()]}
        return ram_share.share_result(share, (sorted(desired["resources"] or []), sorted(desired["principals"] or [])))
    resources = sorted((set(members[0]) | set(steps.get("add_resources", []))) - set(steps.get("remove_resources", [])))
    principals = sorted((set(members[1]) | set(steps.get("add_principals", []))) - set(steps.get("remove_principals", [])))
    return ram_share.share_result(share, (resources, principals))


def receiver(module, ram):
    params = module.params
    invitations = ram_share.find_invitations(ram, params["name"], params["owner_account_id"])
    received = ram_share.find_share(ram, params["name"], owner="OTHER-ACCOUNTS")
    # An accepted invitation counts only for the share this account receives now: after a teardown
    # and a rebuild, the old share's accepted invitation stays listed beside the new one's.
    accepted = [i for i in invitations if i.get("status") == "ACCEPTED" and received and
                i.get("resourceShareArn") == received["resourceShareArn"]]
    pending = [i for i in invitations if i.get("status") == "PENDING"]
    if accepted or (not pending and received):
        invitation = ram_share.invitation_result(accepted[0] if accepted else None)
        return result_with_diff(module, invitation, invitation, changed=False, invitation=invitation,
                                resource_share={}, changes={})
    if not pending and not module.check_mode:
        raise CrossvpcError(
            "No invitation to resource share %r from account %s. Share it first (resource_share in the owning "
            "account, with this account among its principals)%s." % (
                params["name"], params["owner_account_id"], "; earlier invitations were " + ", ".join(
                    i.get("status") for i in invitations) if invitations else ""))
    before = ram_share.invitation_result(pending[0] if pending else None)
    if pending and not module.check_mode:
        token = client_token("accept", pending[0]["resourceShareInvitationArn"])
        after = ram_share.invitation_result(ram_share.accept_invitation(ram, pending[0], token, params["wait_timeout"]))
    else:
        after = dict(before or {"resource_share_name": params["name"], "sender_account_id": params["owner_account_id"]},
                     status="ACCEPTED")
    return result_with_diff(module, before, after, changed=True, invitation=after, resource_share={},
                            changes={"accept": after.get("resource_share_invitation_arn") or UNKNOWN})


def reconcile(module):
    desired = desired_state(module)
    ram = client(module, "ram")
    return receiver(module, ram) if module.params["state"] == "accepted" else owner(module, ram, desired)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent", "accepted"], default="present"),
        resource_arns=dict(type="list", elements="str"),
        principals=dict(type="list", elements="str"),
        purge_resources=dict(type="bool", default=True),
        purge_principals=dict(type="bool", default=True),
        allow_external_principals=dict(type="bool"),
        owner_account_id=dict(type="str"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    run_module(new_module(argument_spec), reconcile)


if __name__ == "__main__":
    main()
