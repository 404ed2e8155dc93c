# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VPC lookups by id or Name tag, read-only, for the roles that start from a VPC."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput, call, paginate, tags_of


def find_vpc(ec2, vpc_id, parameter="vpc_id", hint=""):
    """The VPC ``vpc_id`` as this account and region see it: its own, or one shared with it through AWS RAM
    (a participant sees the owner's VPC in DescribeVpcs and may make security groups and endpoints in it)."""
    found = call(ec2, "describe_vpcs", "look up VPC %s" % vpc_id, missing={}, VpcIds=[vpc_id]).get("Vpcs", [])
    found = [v for v in found if v.get("VpcId") == vpc_id]
    if not found:
        raise InvalidInput(parameter, vpc_id, "no such VPC in this account and region.",
                           "Check the id, the account (profile) and the region.%s" % hint)
    return found[0]


def find_vpcs(ec2, vpc_ids, names):
    """The VPCs with one of ``vpc_ids`` or whose Name tag is one of ``names`` (all VPCs when neither),
    sorted by id; ids that do not exist are simply not found."""
    selections = []
    if vpc_ids:
        selections.append([{"Name": "vpc-id", "Values": list(vpc_ids)}])
    if names:
        selections.append([{"Name": "tag:Name", "Values": list(names)}])
    found = {}
    for filters in selections or [[]]:
        for vpc in paginate(ec2, "describe_vpcs", "Vpcs", "describe VPCs", Filters=filters):
            found[vpc["VpcId"]] = vpc
    return [found[vpc_id] for vpc_id in sorted(found)]


def vpc_result(vpc):
    """What vpc_info returns of a VPC: its associated ranges only (not ones being removed)."""
    live = ("associated", "associating")
    return {
        "vpc_id": vpc["VpcId"], "owner_id": vpc.get("OwnerId"), "state": vpc.get("State"),
        "name": tags_of(vpc).get("Name"), "is_default": vpc.get("IsDefault", False), "tags": tags_of(vpc),
        "cidrs": [a["CidrBlock"] for a in vpc.get("CidrBlockAssociationSet") or []
                  if a.get("CidrBlockState", {}).get("State") in live],
        "ipv6_cidrs": [a["Ipv6CidrBlock"] for a in vpc.get("Ipv6CidrBlockAssociationSet") or []
                       if a.get("Ipv6CidrBlockState", {}).get("State") in live],
    }
