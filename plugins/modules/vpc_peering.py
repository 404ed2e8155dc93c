#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc_peering
short_description: Request, accept and remove a VPC peering connection, found by its two VPCs
version_added: 0.1.0
description:
  - One module for both ends of a VPC peering connection, in the same account or across accounts
    and regions. Run it as the requester (O(side=requester)) with the requester VPC's account, then
    as the accepter (O(side=accepter)) with the accepter VPC's account.
  - The connection is found from the two VPC ids, either way round; no C(pcx-) id needs to be passed
    between accounts. Failed, rejected, expired and deleted connections are never taken as the
    existing one, and never block a new request.
  - Before a request, the VPCs' IPv4 CIDRs (secondary ones included) are checked for overlap, and an
    overlap fails with the ranges and a pointer to PrivateLink, before any mutating call. The peer's
    CIDRs come from the peer VPC itself when it is in this account, else from O(peer_vpc_cidrs); a request
    to another account's VPC without O(peer_vpc_cidrs) is refused, since AWS would find an overlap only
    after the request.
  - A request that failed earlier (AWS keeps it visible to the requester for two hours) is not
    repeated unless the peer VPC is in this account and its CIDRs, read again, no longer overlap. Across
    accounts the same request would fail the same way, whatever O(peer_vpc_cidrs) says.
  - Each side sets its own DNS resolution option, as AWS requires; it is applied once the
    connection is active, so the requester sets it on a run after the accepter has accepted.
  - Tags on a peering connection are per account on AWS, so each side manages its own.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  vpc_id:
    description:
      - This account's VPC (C(vpc-...)), the requester VPC with O(side=requester), the accepter VPC
        with O(side=accepter).
    type: str
    required: true
  peer_vpc_id:
    description: The VPC at the other end (C(vpc-...)).
    type: str
    required: true
  peer_owner_id:
    description:
      - The 12-digit account id that owns O(peer_vpc_id). Defaults to this account.
      - With O(side=accepter), a request from any other account is refused.
    type: str
  peer_region:
    description:
      - The region of O(peer_vpc_id). Defaults to this module's region.
      - A region the installed botocore knows (or one listed in the environment variable
        E(CROSSVPC_EXTRA_REGIONS)).
    type: str
  peer_vpc_cidrs:
    description:
      - The IPv4 CIDR blocks of O(peer_vpc_id), secondary ones included, for the overlap check when the
        peer VPC is in another account (this account cannot read it).
      - Required to request peering with a VPC of another account (O(peer_owner_id) not this account's).
        Without them an overlap would be found by AWS only after the request, which then stays
        C(failed). The role C(crossvpc.aws.vpc_peering) passes them.
      - When the peer VPC is in this account, the module reads its CIDRs itself, and a list that differs
        from them (a CIDR that is not the peer's, or one of the peer's left out) fails before any change,
        naming the peer's CIDRs.
    type: list
    elements: str
  side:
    description:
      - V(requester) requests the connection if none is live; V(accepter) accepts a pending request
        (and fails, with the reason, if there is none or it failed).
    type: str
    choices: [requester, accepter]
    default: requester
  state:
    description:
      - V(absent) deletes the live connection between the two VPCs; as accepter of a request still
        pending, it rejects it (AWS lets only the requester delete a pending request).
    type: str
    choices: [present, absent]
    default: present
  peering_connection_id:
    description:
      - The connection, when already known (C(pcx-...)), to accept, or on the requester's side the one it requested.
        Otherwise it is found from the VPC pair.
      - In check mode it may be C((known after apply)), the id a check-mode request returns, so a
        playbook previews the accept too, and on the requester's side what follows the accept (the DNS option).
      - With O(state=absent), only this connection is removed (nothing, with a warning, when AWS no longer
        knows it and no connection between the two VPCs is live).
      - With either state it must be a connection between O(vpc_id) and O(peer_vpc_id) (either way round),
        and their live one when one is live; otherwise the module fails before any change, naming the VPCs
        the connection joins.
    type: str
  allow_dns_resolution_from_remote_vpc:
    description:
      - This side's option. V(true) lets instances in the peer VPC resolve this VPC's public DNS
        hostnames to private IP addresses. Omitted, the option is left as it is.
      - Applied when the connection is active; before that it is reported as pending.
    type: bool
  tags:
    description:
      - This account's tags on the connection.
      - Keys of 1 to 128 characters that do not start with C(aws:), text values of up to 256 characters.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove this account's tags that are not in O(tags). Ignored when O(tags) is omitted.
    type: bool
    default: true
  wait:
    description:
      - Wait until a request is pending acceptance, an accepted connection is active, or a deleted
        one is gone. Fails at once, with AWS's reason, if the connection fails, is rejected or expires.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Account A requests peering of VPC_A with account B's VPC_C
  crossvpc.aws.vpc_peering:
    profile: account-a
    vpc_id: vpc-0a0a0a0a0a0a0a0a0
    peer_vpc_id: vpc-0c0c0c0c0c0c0c0c0
    peer_owner_id: "210987654321"
    peer_vpc_cidrs: [10.1.0.0/16]
    tags:
      Name: eks-to-ecs
  register: request

- name: Account B accepts it and lets A's instances resolve VPC_C's hostnames to private IPs
  crossvpc.aws.vpc_peering:
    profile: account-b
    side: accepter
    vpc_id: vpc-0c0c0c0c0c0c0c0c0
    peer_vpc_id: vpc-0a0a0a0a0a0a0a0a0
    peer_owner_id: "123456789012"
    peering_connection_id: "{{ request.peering_connection.vpc_peering_connection_id }}"
    allow_dns_resolution_from_remote_vpc: true

- name: Account A sets its own DNS option once active
  crossvpc.aws.vpc_peering:
    profile: account-a
    vpc_id: vpc-0a0a0a0a0a0a0a0a0
    peer_vpc_id: vpc-0c0c0c0c0c0c0c0c0
    peer_owner_id: "210987654321"
    allow_dns_resolution_from_remote_vpc: true

- name: Peer across regions in one account
  crossvpc.aws.vpc_peering:
    region: us-east-1
    vpc_id: vpc-0a0a0a0a0a0a0a0a0
    peer_vpc_id: vpc-0d0d0d0d0d0d0d0d0
    peer_region: eu-west-1

- name: Remove the peering between the two VPCs
  crossvpc.aws.vpc_peering:
    vpc_id: vpc-0a0a0a0a0a0a0a0a0
    peer_vpc_id: vpc-0c0c0c0c0c0c0c0c0
    state: absent
"""

RETURN = r"""
peering_connection:
  description:
    - The live connection after the change; empty when there is none (after O(state=absent)).
    - In check mode, the planned connection; its id is C((known after apply)) if it would be requested.
  returned: always
  type: dict
  contains:
    vpc_peering_connection_id:
      description: The connection's id.
      type: str
      sample: pcx-0123456789abcdef0
    status:
      description: C(pending-acceptance), C(provisioning) or C(active).
      type: str
      sample: active
    status_message:
      description: AWS's message for the status.
      type: str
      sample: Active
    side:
      description: Which end this account's VPC is, C(requester) or C(accepter).
      type: str
      sample: requester
    requester:
      description: The requester end.
      type: dict
      contains:
        vpc_id:
          description: The requester VPC.
          type: str
        owner_id:
          description: Its account.
          type: str
        region:
          description: Its region.
          type: str
        cidr_blocks:
          description: Its IPv4 CIDR blocks as AWS recorded them.
          type: list
          elements: str
        allow_dns_resolution_from_remote_vpc:
          description: The requester side's DNS option.
          type: bool
    accepter:
      description: The accepter end, with the same keys as RV(peering_connection.requester).
      type: dict
    tags:
      description: This account's tags on the connection.
      type: dict
      sample: {Name: eks-to-ecs}
changes:
  description: With O(state=present), the steps made (planned in check mode) on this account's end; empty when none.
  returned: when O(state=present)
  type: dict
  sample: {"accept": true, "dns": true}
removed:
  description: With O(state=absent), the connections deleted or rejected (or that would be, in check mode).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [pcx-0123456789abcdef0]
"""

import ipaddress
import re

from ansible_collections.crossvpc.aws.plugins.module_utils import peering, validation, vpcs
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, client, ec2_tag, new_module, result_with_diff, run_module)


def validate(module):
    params = module.params
    validation.resource_id("vpc_id", params["vpc_id"], "vpc")
    validation.resource_id("peer_vpc_id", params["peer_vpc_id"], "vpc")
    if params["vpc_id"] == params["peer_vpc_id"]:
        raise InvalidInput("peer_vpc_id", params["peer_vpc_id"], "is vpc_id itself.", "Peer two different VPCs.")
    if params["peer_owner_id"] is not None:
        validation.account_id("peer_owner_id", params["peer_owner_id"],
                              "Use the 12-digit id of the account that owns peer_vpc_id.")
    if params["peer_region"] is not None:
        if not re.match(r"^[a-z]{2}(-[a-z]+)+-\d$", params["peer_region"]):
            raise InvalidInput("peer_region", params["peer_region"], "is not an AWS region.", "For example eu-west-1.")
        validation.region("peer_region", params["peer_region"])
    for value in params["peer_vpc_cidrs"] or []:
        if validation.cidr("peer_vpc_cidrs", value).version != 4:
            raise InvalidInput("peer_vpc_cidrs", value, "is not IPv4.", "List the peer VPC's IPv4 CIDR blocks.")
    pcx = params["peering_connection_id"]
    if pcx is not None and not (module.check_mode and pcx == UNKNOWN):
        validation.resource_id("peering_connection_id", pcx, "pcx")
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    validation.tags("tags", params["tags"])


def peer_cidrs(module, vpc):
    """The peer VPC's IPv4 CIDRs as far as this account can know them without the connections: read from
    the peer VPC when it is in this account (where a peer_vpc_cidrs that differs is refused), else as given."""
    params = module.params
    given = params["peer_vpc_cidrs"]
    if (params["peer_owner_id"] or vpc["OwnerId"]) != vpc["OwnerId"]:
        return sorted(set(given or []))
    peer_region = params["peer_region"] or module.region
    peer_ec2 = client(module, "ec2", region=peer_region)
    real = sorted(set(peering.vpc_cidrs(vpcs.find_vpc(
        peer_ec2, params["peer_vpc_id"], "peer_vpc_id", "" if params["peer_owner_id"] else
        " If the peer VPC is in another account, give peer_owner_id (its account id) and peer_vpc_cidrs."))))
    if given is not None:
        refuse_wrong_cidrs(params["peer_vpc_id"], peer_region, given, real)
    return real


def refuse_wrong_cidrs(peer_vpc_id, peer_region, given, real):
    """peer_vpc_cidrs must be the CIDRs of a peer VPC this account reads (an overlap check on wrong ones
    would blame the VPCs, or miss a real overlap)."""
    given_networks = set(ipaddress.ip_network(c) for c in given)
    real_networks = set(ipaddress.ip_network(c) for c in real)
    if given_networks == real_networks:
        return
    wrong = sorted(str(n) for n in given_networks - real_networks)
    missing = sorted(str(n) for n in real_networks - given_networks)
    details = []
    if wrong:
        details.append("%s %s not one of them" % (", ".join(wrong), "is" if len(wrong) == 1 else "are"))
    if missing:
        details.append("%s %s missing" % (", ".join(missing), "is" if len(missing) == 1 else "are"))
    raise InvalidInput(
        "peer_vpc_cidrs", given, "are not the IPv4 CIDRs of peer_vpc_id %s, which this account reads in %s: %s (%s)." % (
            peer_vpc_id, peer_region, ", ".join(real), "; ".join(details)),
        "Give peer_vpc_cidrs=%r, or leave peer_vpc_cidrs out (for a VPC of this account they are read from it); "
        "check that peer_vpc_id is the VPC you mean." % real)


def refuse_overlap(module, vpc, peer_cidrs):
    clashes = peering.overlaps(peering.vpc_cidrs(vpc), peer_cidrs)
    if clashes:
        raise CrossvpcError(peering.overlap_message(vpc["VpcId"], module.params["peer_vpc_id"], clashes))


def refuse_blind_request(module, vpc, connections):
    """A request to another account's VPC needs that VPC's CIDRs: this account cannot read them, and
    without them an overlap is found by AWS only after the request, which then stays failed. A request
    that failed before would fail the same way, with or without them."""
    params = module.params
    peer_owner = params["peer_owner_id"] or vpc["OwnerId"]
    if peer_owner == vpc["OwnerId"]:
        return
    failed = [c for c in connections if peering.status(c) == "failed"]
    earlier = " An earlier request between them failed (%s %s)." % (
        failed[0]["VpcPeeringConnectionId"], peering.failure_reason(failed[0])) if failed else ""
    if params["peer_vpc_cidrs"] is not None and failed:
        # The same request, which the given CIDRs do not change, would fail the same way (the fifteenth trial's M051).
        raise InvalidInput(
            "peer_vpc_cidrs", params["peer_vpc_cidrs"], "do not overlap %s's, and yet AWS failed the same request before: %s %s. A "
            "new one would fail the same way." % (vpc["VpcId"], failed[0]["VpcPeeringConnectionId"], peering.failure_reason(failed[0])),
            "Check peer_vpc_cidrs against the peer VPC's ranges (ask account %s), and peer_vpc_id and peer_owner_id. If the peer VPC "
            "has changed since, rerun once AWS has dropped the failed request (two hours after it failed)." % peer_owner)
    if params["peer_vpc_cidrs"] is not None:
        return
    raise InvalidInput(
        "peer_vpc_cidrs", None, "is required to request peering with %s of account %s (not this account, %s): "
        "this account cannot read that VPC, so overlapping CIDRs would be found by AWS only after the request, "
        "leaving a failed connection.%s" % (params["peer_vpc_id"], peer_owner, vpc["OwnerId"], earlier),
        "Give peer_vpc_cidrs, the peer VPC's IPv4 CIDR blocks (secondary ones included), and check peer_vpc_id "
        "and peer_owner_id; the crossvpc.aws.vpc_peering role passes them from the peer's facts.")


def check_peer(module, connection, vpc):
    """A live connection between our VPCs must also link the account and region we were told."""
    params = module.params
    peer = connection["%sVpcInfo" % ("Accepter" if peering.side_of(connection, vpc["VpcId"]) == "Requester"
                                     else "Requester")]
    expected = (params["peer_owner_id"] or vpc["OwnerId"], params["peer_region"] or module.region)
    if (peer.get("OwnerId"), peer.get("Region") or expected[1]) != expected:
        raise CrossvpcError("Peering %s links %s to %s in account %s, region %s, not account %s, region %s as "
                            "peer_owner_id and peer_region say. Check the inventory." % (
                                connection["VpcPeeringConnectionId"], vpc["VpcId"], params["peer_vpc_id"],
                                peer.get("OwnerId"), peer.get("Region"), expected[0], expected[1]))


def given_connection(module, ec2, connections, missing_ok=False):
    """The connection peering_connection_id names, checked against ``connections`` (every one between
    vpc_id and peer_vpc_id): it must be one of them, and the live one when one of them is live. None when
    the option is not given (or is only planned, in check mode), and with ``missing_ok`` when AWS knows no
    such connection and none between the two VPCs is live (with state=absent: nothing left to remove)."""
    params = module.params
    pcx = params["peering_connection_id"]
    if not pcx or pcx == UNKNOWN:
        return None
    vpc_id, peer_vpc_id = params["vpc_id"], params["peer_vpc_id"]
    live = [c["VpcPeeringConnectionId"] for c in connections if peering.status(c) in peering.LIVE_STATES]
    fix = "Give the connection of %s and %s%s, or leave peering_connection_id out to find it from the two VPCs." % (
        vpc_id, peer_vpc_id, " (%s)" % ", ".join(live) if live else "")
    found = next((c for c in connections if c["VpcPeeringConnectionId"] == pcx), None)
    if found is None:
        other = peering.describe(ec2, pcx)
        if other is None:
            if missing_ok and not live:
                module.warn("peering_connection_id=%r: no such peering connection in %s (already gone?); nothing "
                            "between %s and %s is live, so there is nothing to remove." % (
                                pcx, module.region, vpc_id, peer_vpc_id))
                return None
            raise InvalidInput("peering_connection_id", pcx, "is no peering connection that this account sees in %s." %
                               module.region, fix)
        raise InvalidInput("peering_connection_id", pcx, "is the %s connection of %s and %s, not of vpc_id %s and "
                           "peer_vpc_id %s." % (peering.status(other), other["RequesterVpcInfo"].get("VpcId"),
                                                other["AccepterVpcInfo"].get("VpcId"), vpc_id, peer_vpc_id), fix)
    if live and pcx not in live:
        raise InvalidInput("peering_connection_id", pcx, "is the %s connection of %s and %s; their live one is %s." % (
            peering.status(found), vpc_id, peer_vpc_id, ", ".join(live)), fix)
    return found


def find(module, ec2, vpc):
    params = module.params
    connections = peering.find_connections(ec2, params["vpc_id"], params["peer_vpc_id"])
    given_connection(module, ec2, connections)
    connection = peering.live_connection(connections)
    if connection is not None:
        check_peer(module, connection, vpc)
    return connections, connection


def no_request(module, connections):
    params = module.params
    history = "; ".join("%s %s" % (c["VpcPeeringConnectionId"], peering.failure_reason(c)) for c in connections)
    return CrossvpcError(
        "No peering request from %s (account %s) to %s to accept%s. Run the requester side first (the first play "
        "of playbooks/peering.yml)." % (params["peer_vpc_id"], params["peer_owner_id"] or "this account",
                                        params["vpc_id"], ": only " + history if history else ""))


def present(module, ec2):
    params = module.params
    vpc = vpcs.find_vpc(ec2, params["vpc_id"], "vpc_id")
    region, peer_region = module.region, params["peer_region"] or module.region
    peer_owner = params["peer_owner_id"] or vpc["OwnerId"]
    if params["side"] == "requester":
        known = peer_cidrs(module, vpc)
        refuse_overlap(module, vpc, known)
    connections, connection = find(module, ec2, vpc)
    requested = None  # in check mode, the request an earlier task only planned
    if connection is None and params["side"] == "requester" and params["peering_connection_id"] != UNKNOWN:
        refuse_blind_request(module, vpc, connections)
        future = peering.planned(peering.vpc_info(vpc["VpcId"], vpc["OwnerId"], region, peering.vpc_cidrs(vpc)),
                                 peering.vpc_info(params["peer_vpc_id"], peer_owner, peer_region, known),
                                 params["tags"])
    elif connection is None and module.check_mode and params["peering_connection_id"] == UNKNOWN:
        # The request itself is only planned by an earlier check-mode task: plan its acceptance (accepter), or what
        # follows it once the accepter accepted (requester). Within one account the request carries the same role's
        # tags, which the accepter then sees.
        here = peering.vpc_info(vpc["VpcId"], vpc["OwnerId"], region, peering.vpc_cidrs(vpc))
        there = peering.vpc_info(params["peer_vpc_id"], peer_owner, peer_region, [])
        if params["side"] == "requester":
            future = requested = dict(peering.planned(here, there, params["tags"]), Status={"Code": "active", "Message": "planned (check mode)"})
        else:
            future = requested = peering.planned(there, here, params["tags"] if peer_owner == vpc["OwnerId"] else {})
    elif connection is None:
        raise no_request(module, connections)
    elif params["side"] == "accepter" and peering.side_of(connection, vpc["VpcId"]) == "Requester":
        raise InvalidInput("side", "accepter", "but %s is the requester VPC of %s." % (
            vpc["VpcId"], connection["VpcPeeringConnectionId"]), "Run the accepter side with the peer VPC's account.")
    steps = peering.plan(connection or requested, vpc["VpcId"], params["side"], params["allow_dns_resolution_from_remote_vpc"],
                         params["tags"], params["purge_tags"])
    waiting = "create" in steps or (connection is not None and "accept" not in steps and peering.status(connection) != "active")
    if "dns" in steps and waiting:
        # AWS changes options only on an active connection: the requester sets its own on a later run (check mode says so too).
        module.warn("allow_dns_resolution_from_remote_vpc is applied once the connection is active (it is %s): run "
                    "this task again after the accepter accepts." % peering.status(connection or future))
        del steps["dns"]
    before = peering.result(connection, vpc["VpcId"])
    if module.check_mode:
        after = simulate(connection or future, vpc["VpcId"], steps, params)
    else:
        after = apply(module, ec2, connection, steps, params)
    return result_with_diff(module, before, peering.result(after, vpc["VpcId"]), changed=bool(steps),
                            peering_connection=peering.result(after, vpc["VpcId"]), changes=steps)


def simulate(connection, vpc_id, steps, params):
    after = dict(connection)
    if "accept" in steps:
        after["Status"] = {"Code": "active", "Message": "Active (planned)"}
    if "dns" in steps:
        key = "%sVpcInfo" % peering.side_of(connection, vpc_id)
        after[key] = dict(after[key], PeeringOptions={peering.DNS_OPTION: steps["dns"]})
    if params["tags"] is not None:
        after["Tags"] = [{"Key": k, "Value": v} for k, v in sorted(params["tags"].items())]
    return after


def apply(module, ec2, connection, steps, params):
    if not steps:
        return connection
    timeout = params["wait_timeout"]
    # The peer's ranges are not this account's to read: a wrong peer_vpc_cidrs shows only in AWS's answer.
    given = " (peer_vpc_cidrs=%r: check them against the peer VPC's ranges)" % params["peer_vpc_cidrs"] if params["peer_vpc_cidrs"] else ""
    if "create" in steps:
        connection = peering.create(ec2, params["vpc_id"], params["peer_vpc_id"], params["peer_owner_id"],
                                    params["peer_region"] or module.region, params["tags"])
        if params["wait"]:
            try:
                peering.wait_until(ec2, connection["VpcPeeringConnectionId"], ("pending-acceptance", "active"), timeout)
            except CrossvpcError as error:
                if given and "it is failed" in error.message:
                    error.message = error.message.rstrip(".") + given + "."
                raise
    connection_id = connection["VpcPeeringConnectionId"]
    if "accept" in steps:
        peering.accept(ec2, connection_id)
    if "dns" in steps or ("accept" in steps and params["wait"]):
        # Options can only be set once the connection is active.
        connection = peering.wait_until(ec2, connection_id, ("active",), timeout)
    if "dns" in steps:
        peering.set_dns(ec2, connection, params["vpc_id"], steps["dns"])
    ec2_tag(ec2, connection_id, steps.get("tag"), steps.get("untag"))
    connection = peering.describe(ec2, connection_id)
    if "create" in steps and peering.status(connection) in peering.DEAD_STATES:  # waited for or not, it is no connection
        raise CrossvpcError("AWS made peering connection %s, and %s%s." % (connection_id, peering.failure_reason(connection), given))
    return connection


def absent(module, ec2):
    params = module.params
    connections = peering.find_connections(ec2, params["vpc_id"], params["peer_vpc_id"])
    given = given_connection(module, ec2, connections, missing_ok=True)  # before any change, in check mode too
    live = [c for c in connections if peering.status(c) in peering.LIVE_STATES]
    if params["peering_connection_id"] and params["peering_connection_id"] != UNKNOWN:
        live = [c for c in live if c is given]  # only the one named
    before = peering.result(live[0], params["vpc_id"]) if live else {}
    removed = [c["VpcPeeringConnectionId"] for c in live]
    if not module.check_mode:
        for connection in live:
            if peering.remove(ec2, connection, params["vpc_id"]) == "deleted" and params["wait"]:
                peering.wait_gone(ec2, connection["VpcPeeringConnectionId"], params["wait_timeout"])
    return result_with_diff(module, before, {}, changed=bool(live), removed=removed, peering_connection={})


def reconcile(module):
    validate(module)
    ec2 = client(module, "ec2")
    return (present if module.params["state"] == "present" else absent)(module, ec2)


def main():
    argument_spec = dict(
        vpc_id=dict(type="str", required=True),
        peer_vpc_id=dict(type="str", required=True),
        peer_owner_id=dict(type="str"),
        peer_region=dict(type="str"),
        peer_vpc_cidrs=dict(type="list", elements="str"),
        side=dict(type="str", choices=["requester", "accepter"], default="requester"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        peering_connection_id=dict(type="str"),
        allow_dns_resolution_from_remote_vpc=dict(type="bool"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    run_module(new_module(argument_spec), reconcile)


if __name__ == "__main__":
    main()
