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
  - An id or name that matches nothing is an error naming it, unless O(allow_missing=true); when AWS
    refuses the call, the failure carries AWS's code and message, which names the IAM action.
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
  allow_missing:
    description:
      - Return what exists when an id of O(vpc_ids) or a name of O(names) matches no VPC, and list
        those in RV(missing), instead of failing (for a teardown, where the VPC may be gone).
    type: bool
    default: false
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

- name: The ranges of two VPCs by id; fails naming an id that matches none
  crossvpc.aws.vpc_info:
    vpc_ids: [vpc-0123456789abcdef0, vpc-0fedcba9876543210]

- name: What is left of the VPCs of a teardown
  crossvpc.aws.vpc_info:
    names: [eks-a, ecs-b]
    allow_missing: true
  register: left
"""

RETURN = r"""
missing:
  description: The ids and names that matched no VPC (only with O(allow_missing=true); else that fails).
  returned: always
  type: dict
  sample: {"vpc_ids": [], "names": ["eks-old"]}
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
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput, client, new_module, run_module


def reconcile(module):
    params = module.params
    validation.resource_ids("vpc_ids", params["vpc_ids"], "vpc")
    found = [vpcs.vpc_result(v) for v in vpcs.find_vpcs(client(module, "ec2"), params["vpc_ids"], params["names"])]
    missing = {"vpc_ids": [i for i in params["vpc_ids"] if i not in [v["vpc_id"] for v in found]],
               "names": [n for n in params["names"] if n not in [v["name"] for v in found]]}
    for option, values in missing.items():
        if values and not params["allow_missing"]:
            raise InvalidInput(option, values[0] if len(values) == 1 else values,
                               "matches no VPC in this account and region.",
                               "Check the %s, the account (profile) and the region; with allow_missing: true the "
                               "module returns what exists." % ("id" if option == "vpc_ids" else "Name tag"))
    return {"changed": False, "vpcs": found, "missing": missing}


def main():
    argument_spec = dict(
        vpc_ids=dict(type="list", elements="str", default=[]),
        names=dict(type="list", elements="str", default=[]),
        allow_missing=dict(type="bool", default=False),
    )
    run_module(new_module(argument_spec), reconcile)


if __name__ == "__main__":
    main()
