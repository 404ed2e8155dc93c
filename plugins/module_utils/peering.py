# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VPC peering: one connection per pair of VPCs, requested by one account and accepted by the other.

A connection is found by its two VPC ids (either way round), never by id, so neither side needs
to be told the pcx id. Failed, rejected, expired and deleted connections are history, not the
connection: they are never reused.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, call, paginate, tag_steps, tags_of, wait_for)

LIVE_STATES = ("initiating-request", "pending-acceptance", "provisioning", "active")
DEAD_STATES = ("failed", "rejected", "expired")
GONE_STATES = ("deleting", "deleted")
PRIVATELINK_HINT = (
    "VPC peering cannot route between overlapping ranges. Connect these VPCs with PrivateLink "
    "instead: playbooks/privatelink.yml (crossvpc.aws.privatelink) publishes a service of one VPC "
    "as an endpoint in the other, whatever their CIDRs.")
DNS_OPTION = "AllowDnsResolutionFromRemoteVpc"


# --- finding ---------------------------------------------------------------------------------

def vpc_cidrs(vpc):
    """The IPv4 CIDRs of a VPC, secondary ones included (those being removed do not count)."""
    blocks = [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []
              if a.get("CidrBlockState", {}).get("State") in ("associated", "associating")]
    return blocks or [vpc["CidrBlock"]]


def find_connections(ec2, vpc_id, peer_vpc_id):
    """Every connection between the two VPCs that this account sees, newest state first."""
    pair = [vpc_id, peer_vpc_id]
    found = paginate(ec2, "describe_vpc_peering_connections", "VpcPeeringConnections",
                     "find peering connections between %s and %s" % tuple(pair),
                     Filters=[{"Name": "requester-vpc-info.vpc-id", "Values": pair},
                              {"Name": "accepter-vpc-info.vpc-id", "Values": pair}])
    # Filters narrow the search; the pair is re-checked here, since not every AWS-alike honours them.
    return [c for c in found
            if sorted([c["RequesterVpcInfo"].get("VpcId"), c["AccepterVpcInfo"].get("VpcId")]) == sorted(pair)]


def live_connection(connections):
    live = [c for c in connections if status(c) in LIVE_STATES]
    if len(live) > 1:
        raise CrossvpcError("Found %d live peering connections between the same VPCs: %s. Delete the extra ones." % (
            len(live), ", ".join(c["VpcPeeringConnectionId"] for c in live)))
    return live[0] if live else None


def status(connection):
    return connection.get("Status", {}).get("Code")


def side_of(connection, vpc_id):
    """'Requester' or 'Accepter': which end of ``connection`` the VPC ``vpc_id`` is."""
    return "Requester" if connection["RequesterVpcInfo"].get("VpcId") == vpc_id else "Accepter"


def overlaps(cidrs, peer_cidrs):
    """(cidr, peer cidr) pairs that overlap."""
    return [(a, b) for a in cidrs for b in peer_cidrs
            if ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b))]


def overlap_message(vpc_id, peer_vpc_id, pairs):
    return "vpc_id=%r and peer_vpc_id=%r have overlapping CIDRs (%s). %s" % (
        vpc_id, peer_vpc_id, ", ".join("%s overlaps %s" % pair for pair in pairs), PRIVATELINK_HINT)


# --- planning --------------------------------------------------------------------------------

def plan(connection, vpc_id, side, dns, tags, purge_tags):
    """The steps from ``connection`` (None: none live) for this account's end, as a dict."""
    steps = {}
    if connection is None:
        steps["create" if side == "requester" else "accept"] = True
    elif status(connection) == "pending-acceptance" and side == "accepter":
        steps["accept"] = True
    if dns is not None:
        current = None
        if connection is not None:
            own = connection["%sVpcInfo" % side_of(connection, vpc_id)]
            current = (own.get("PeeringOptions") or {}).get(DNS_OPTION, False)
        if current != dns:
            steps["dns"] = dns
    if not steps.get("create"):  # a new request carries its tags
        steps.update(tag_steps(tags_of(connection) if connection else {}, tags, purge_tags))
    return steps


# --- applying --------------------------------------------------------------------------------

def create(ec2, vpc_id, peer_vpc_id, peer_owner_id, peer_region, tags):
    params = dict((k, v) for k, v in (("VpcId", vpc_id), ("PeerVpcId", peer_vpc_id), ("PeerOwnerId", peer_owner_id),
                                      ("PeerRegion", peer_region)) if v)
    if tags:
        params["TagSpecifications"] = [{"ResourceType": "vpc-peering-connection",
                                        "Tags": ansible_dict_to_boto3_tag_list(tags)}]
    # AWS looks the peer VPC up where peer_owner_id and peer_region say: "does not exist" may be either of them.
    peer = "peer_vpc_id (looked up in account peer_owner_id=%s, region peer_region=%s: check all three)" % (
        peer_owner_id or "this one", peer_region or "this one")
    options = {"tags": ("tag",), "peer_owner_id": ("owner", "account"), "peer_region": ("region",),
               peer: (peer_vpc_id, "peer"), "vpc_id": ("vpc",)}
    return call(ec2, "create_vpc_peering_connection", "request peering from %s to %s" % (vpc_id, peer_vpc_id),
                options=options, **params)["VpcPeeringConnection"]


def accept(ec2, connection_id):
    call(ec2, "accept_vpc_peering_connection", "accept %s" % connection_id, VpcPeeringConnectionId=connection_id)


def set_dns(ec2, connection, vpc_id, dns):
    key = "%sPeeringConnectionOptions" % side_of(connection, vpc_id)
    call(ec2, "modify_vpc_peering_connection_options", "set DNS resolution on %s" % connection["VpcPeeringConnectionId"],
         VpcPeeringConnectionId=connection["VpcPeeringConnectionId"], **{key: {DNS_OPTION: dns}})


def remove(ec2, connection, vpc_id):
    """Delete a live connection; a request still pending is rejected when we are its accepter
    (AWS lets only the requester delete it). Returns the action taken."""
    connection_id = connection["VpcPeeringConnectionId"]
    if status(connection) == "pending-acceptance" and side_of(connection, vpc_id) == "Accepter":
        call(ec2, "reject_vpc_peering_connection", "reject %s" % connection_id, VpcPeeringConnectionId=connection_id)
        return "rejected"
    call(ec2, "delete_vpc_peering_connection", "delete %s" % connection_id, VpcPeeringConnectionId=connection_id)
    return "deleted"


# --- waiting ---------------------------------------------------------------------------------

def describe(ec2, connection_id):
    found = call(ec2, "describe_vpc_peering_connections", "describe %s" % connection_id, missing={},
                 VpcPeeringConnectionIds=[connection_id]).get("VpcPeeringConnections", [])
    return found[0] if found else None


def failure_reason(connection):
    if connection is None:
        return "it no longer exists"
    if status(connection) in DEAD_STATES + GONE_STATES:
        message = connection.get("Status", {}).get("Message") or ""
        reason = "it is %s%s" % (status(connection), ": " + message if message else "")
        if "overlap" in message.lower():
            reason += ". " + PRIVATELINK_HINT
        return reason
    return None


def wait_until(ec2, connection_id, states, timeout):
    """Wait until the connection is in one of ``states``; fail at once when it dies."""
    return wait_for(lambda: describe(ec2, connection_id),
                    lambda c: c is not None and status(c) in states,
                    lambda c: None if c is not None and status(c) in states else failure_reason(c),
                    timeout, "peering connection %s to be %s" % (connection_id, " or ".join(states)))


def wait_gone(ec2, connection_id, timeout):
    return wait_for(lambda: describe(ec2, connection_id),
                    lambda c: c is None or status(c) in GONE_STATES + DEAD_STATES,
                    lambda c: None, timeout, "peering connection %s to be deleted" % connection_id)


# --- results ---------------------------------------------------------------------------------

def _end(info):
    return {
        "vpc_id": info.get("VpcId"),
        "owner_id": info.get("OwnerId"),
        "region": info.get("Region"),
        "cidr_blocks": sorted(set([b["CidrBlock"] for b in info.get("CidrBlockSet") or []] +
                                  ([info["CidrBlock"]] if info.get("CidrBlock") else []))),
        "allow_dns_resolution_from_remote_vpc": (info.get("PeeringOptions") or {}).get(DNS_OPTION, False),
    }


def result(connection, vpc_id):
    if connection is None:
        return {}
    return {
        "vpc_peering_connection_id": connection["VpcPeeringConnectionId"],
        "status": status(connection),
        "status_message": connection.get("Status", {}).get("Message", ""),
        "side": side_of(connection, vpc_id).lower(),
        "requester": _end(connection["RequesterVpcInfo"]),
        "accepter": _end(connection["AccepterVpcInfo"]),
        "tags": tags_of(connection),
    }


def vpc_info(vpc_id, owner_id, region, cidrs):
    """One end of a connection, in DescribeVpcPeeringConnections' shape."""
    return {"VpcId": vpc_id, "OwnerId": owner_id, "Region": region,
            "CidrBlockSet": [{"CidrBlock": c} for c in cidrs]}


def planned(requester, accepter, tags):
    """What check mode reports for a connection that does not exist yet."""
    return {"VpcPeeringConnectionId": UNKNOWN,
            "Status": {"Code": "pending-acceptance", "Message": "planned (check mode)"},
            "RequesterVpcInfo": requester, "AccepterVpcInfo": accepter,
            "Tags": ansible_dict_to_boto3_tag_list(tags or {})}
