#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc_info
short_description: Find VPCs by id or Name tag, with their owner and live CIDR ranges
version_added: 0.1.0
description:
  - Reads the VPCs of an account and region, chosen by id or by Name tag, and returns what the
    connection roles start from (id, owner account, Name, and the IPv4 and IPv6 ranges that are
    associated; ranges being removed are left out).
  - Read-only, one C(ec2:DescribeVpcs) call per selection; it also runs in check mode.
  - Ids or names that match nothing are not an error (the result is shorter); when AWS refuses the
    call, the failure carries AWS's code and message, which names the IAM action.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  vpc_ids:
    description:
      - VPCs (C(vpc-...)) to return.
    type: list
    elements: str
    default: []
  names:
    description:
      - Return the VPCs whose Name tag is one of these.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - crossvpc.aws.attributes.info
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - With neither O(vpc_ids) nor O(names), every VPC of the account and region is returned. With
    both, the VPCs matching either.
"""

EXAMPLES = r"""
- name: Find the VPC of this end by its Name tag
  crossvpc.aws.vpc_info:
    names: [eks-a]
  register: found

- name: Fail unless exactly one matched
  ansible.builtin.assert:
    that: found.vpcs | length == 1

- name: The ranges of two VPCs by id
  crossvpc.aws.vpc_info:
    vpc_ids: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]
"""

RETURN = r"""
vpcs:
  description: The matching VPCs, sorted by id.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_id:
      description: The VPC's id.
      type: str
      sample: vpc-0123456789abcdef0
    owner_id:
      description: The account that owns it.
      type: str
      sample: "123456789012"
    name:
      description: Its Name tag (null when it has none).
      type: str
      sample: eks-a
    state:
      description: C(available) or C(pending).
      type: str
      sample: available
    is_default:
      description: Whether it is the region's default VPC.
      type: bool
      sample: false
    cidrs:
      description: Its associated IPv4 ranges, primary first.
      type: list
      elements: str
      sample: [10.0.0.0/16]
    ipv6_cidrs:
      description: Its associated IPv6 ranges.
      type: list
      elements: str
      sample: []
    tags:
      description: Its tags.
      type: dict
      sample: {"Name": "eks-a"}
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import validation, vpcs
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import client, new_module, run_module


def reconcile(module):
    params = module.params
    validation.resource_ids("vpc_ids", params["vpc_ids"], "vpc")
    found = vpcs.find_vpcs(client(module, "ec2"), params["vpc_ids"], params["names"])
    return {"changed": False, "vpcs": [vpcs.vpc_result(v) for v in found]}


def main():
    argument_spec = dict(
        vpc_ids=dict(type="list", elements="str", default=[]),
        names=dict(type="list", elements="str", default=[]),
    )
    run_module(new_module(argument_spec), reconcile)


if __name__ == "__main__":
    main()
