#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: network_load_balancer
short_description: A Network Load Balancer with one TCP listener and its targets, in one task
version_added: 0.1.0
description:
  - Ensures a Network Load Balancer, a TCP target group with the given targets, and a TCP
    listener that forwards to it; the front of a PrivateLink endpoint service when the service
    has no NLB yet (an EKS Service of type LoadBalancer usually has one, pass its ARN instead).
  - Everything is looked up by name first, so a rerun never makes a second load balancer.
  - Targets are the exact set unless O(purge_targets=false).
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  name:
    description:
      - The load balancer's name, its identity. 1-32 letters, digits or hyphens, not starting or ending with a
        hyphen, and not starting with C(internal-) (AWS refuses such names).
    type: str
    required: true
  state:
    description:
      - V(absent) deletes the load balancer (with its listener) and the target group.
      - A load balancer that a live VPC endpoint service still fronts (in its C(NetworkLoadBalancerArns)) is
        not deleted; the module fails before any change, naming the services (in check mode it warns, as the
        service's removal may be planned by an earlier task of the same run). Remove
        the endpoint service first, with C(playbooks/privatelink_teardown.yml) or M(crossvpc.aws.vpc_endpoint_service)
        and C(state=absent). This reads the endpoint services (C(ec2:DescribeVpcEndpointServiceConfigurations)).
    type: str
    choices: [present, absent]
    default: present
  subnet_ids:
    description: Subnets, one per availability zone, all in one VPC. Required to create.
    type: list
    elements: str
  scheme:
    description: V(internal) for PrivateLink; V(internet-facing) is possible but rarely wanted here.
    type: str
    choices: [internal, internet-facing]
    default: internal
  listener_port:
    description: The TCP port the load balancer listens on. Required with O(state=present).
    type: int
  target_port:
    description: The TCP port of the targets. Defaults to O(listener_port).
    type: int
  target_type:
    description: V(ip) for pod or task addresses, V(instance) for instance ids.
    type: str
    choices: [ip, instance]
    default: ip
  targets:
    description: IP addresses (or instance ids) to register. Omitted leaves the registered ones alone.
    type: list
    elements: str
  purge_targets:
    description: Deregister targets that are not in O(targets).
    type: bool
    default: true
  target_group_name:
    description:
      - The target group's name, 1-32 letters, digits or hyphens, not starting or ending with a hyphen
        (C(internal-) in front is allowed). Defaults to O(name) with C(-tg), cut to 32 characters.
    type: str
  tags:
    description:
      - Tags of the load balancer, set when it is created. Keys of 1 to 128 characters that do not start with C(aws:), text values of up to 256 characters.
    type: dict
    default: {}
  wait:
    description: Wait until the load balancer is C(active); fail at once if it fails.
    type: bool
    default: true
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
- name: An internal NLB on port 8443 in front of two pod addresses
  crossvpc.aws.network_load_balancer:
    name: payments-api
    subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788]
    listener_port: 8443
    targets: [10.0.1.10, 10.0.2.10]
  register: nlb
"""

RETURN = r"""
load_balancer:
  description:
    - The load balancer, target group and listener after the change. Empty once deleted.
    - In check mode, ARNs of parts not yet made are C((known after apply)).
  returned: always
  type: dict
  contains:
    load_balancer_arn:
      description: The NLB's ARN, what M(crossvpc.aws.vpc_endpoint_service) takes.
      type: str
    dns_name:
      description: The NLB's DNS name.
      type: str
    scheme:
      description: C(internal) or C(internet-facing).
      type: str
    state:
      description: C(provisioning), C(active) or C(failed).
      type: str
    vpc_id:
      description: Its VPC.
      type: str
    availability_zones:
      description: Its zones.
      type: list
      elements: str
    target_group_arn:
      description: The target group's ARN.
      type: str
    target_port:
      description: The targets' port.
      type: int
    listener_arn:
      description: The listener's ARN.
      type: str
    listener_port:
      description: The listener's port.
      type: int
    targets:
      description: The registered targets.
      type: list
      elements: str
changes:
  description: The planned steps (create_load_balancer, create_target_group, register, deregister, create_listener, repoint_listener, delete).
  returned: always
  type: dict
"""

import ipaddress

from ansible_collections.crossvpc.aws.plugins.module_utils import load_balancing, validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, client, new_module, result_with_diff, run_module)


def desired_state(params):
    load_balancing.check_names(params["name"], params["target_group_name"])
    validation.resource_ids("subnet_ids", params["subnet_ids"], "subnet")
    validation.unique("subnet_ids", params["subnet_ids"])
    validation.named_tags("tags", params["tags"], params["name"])
    if params["state"] == "present":
        if params["listener_port"] is None:
            raise InvalidInput("listener_port", None, "is required with state=present.", "Give the service's port.")
        validation.port("listener_port", params["listener_port"])
    if params["target_port"] is not None:
        validation.port("target_port", params["target_port"])
    target_port = params["target_port"] or params["listener_port"]
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    for target in params["targets"] or []:
        if params["target_type"] == "ip":
            try:
                ipaddress.ip_address(target)
            except ValueError:
                raise InvalidInput("targets", target, "is not an IP address, and target_type is ip.",
                                   "Give the pods' addresses, or set target_type=instance for instance ids.")
        elif not validation.is_resource_id(str(target), "i"):
            raise InvalidInput("targets", target, "is not an instance id, and target_type is instance.",
                               "Give the instances' ids (i-0123456789abcdef0), or set target_type=ip for addresses.")
    return {"name": params["name"], "subnet_ids": params["subnet_ids"], "scheme": params["scheme"],
            "listener_port": params["listener_port"], "target_port": target_port,
            "target_port_option": "target_port" if params["target_port"] is not None else "listener_port",
            "target_type": params["target_type"],
            "targets": None if params["targets"] is None else sorted(set(params["targets"])),
            "purge_targets": params["purge_targets"],
            "target_group_name": params["target_group_name"] or load_balancing.target_group_name(params["name"]),
            "tags": params["tags"]}


def reconcile(module):
    params = module.params
    desired = desired_state(params)
    elb, ec2 = client(module, "elbv2"), client(module, "ec2")
    lb = load_balancing.find_load_balancer(elb, desired["name"])
    tg = load_balancing.find_target_group(elb, desired["target_group_name"])
    current = {"load_balancer": lb, "target_group": tg,
               "targets": load_balancing.registered_targets(elb, tg["TargetGroupArn"]) if tg else [],
               "listener": load_balancing.listener_on(elb, lb["LoadBalancerArn"], desired["listener_port"])
               if lb and desired["listener_port"] else None}
    before = load_balancing.result(lb, tg, current["listener"], current["targets"])

    if params["state"] == "absent":
        refusal = load_balancing.fronting_refusal(ec2, lb) if lb else None  # AWS would take it from under a live service
        if refusal and not module.check_mode:
            raise CrossvpcError(refusal)
        if refusal:  # the service's removal may be planned earlier in the same check run, as in privatelink_teardown.yml
            module.warn(refusal + " (Check mode: the real run deletes it only if the service is gone by then; "
                                  "playbooks/privatelink_teardown.yml removes the service first.)")
        changed = bool(lb or tg)
        if changed and not module.check_mode:
            load_balancing.delete(elb, current)
        return result_with_diff(module, before, {}, changed=changed, load_balancer={},
                                changes={"delete": True} if changed else {})

    if lb is None and not desired["subnet_ids"]:
        raise InvalidInput("subnet_ids", desired["subnet_ids"], "is empty, and a new load balancer needs subnets.",
                           "Give one subnet per availability zone of the targets.")
    steps = load_balancing.plan(current, desired)
    vpc_id = (tg or lb or {}).get("VpcId")
    if steps.get("create_load_balancer") or steps.get("create_target_group"):
        vpc_id = load_balancing.subnets_vpc(ec2, desired["subnet_ids"])
    if steps.get("register") and desired["target_type"] == "ip":
        load_balancing.check_targets_in_vpc(ec2, vpc_id, steps["register"])
    targets = desired["targets"] if desired["targets"] is not None else current["targets"]
    if steps and not module.check_mode:
        lb, tg, listener = load_balancing.apply(elb, ec2, current, steps, desired)
    else:
        listener = current["listener"] or {"ListenerArn": UNKNOWN, "Port": desired["listener_port"]}
        lb = lb or {"LoadBalancerArn": UNKNOWN, "DNSName": UNKNOWN, "Scheme": desired["scheme"],
                    "State": {"Code": "provisioning"}}
        tg = tg or {"TargetGroupArn": UNKNOWN, "Port": desired["target_port"]}
    if params["wait"] and not module.check_mode and lb["State"]["Code"] != "active":
        lb = load_balancing.wait_active(elb, desired["name"], params["wait_timeout"])
    after = load_balancing.result(lb, tg, listener, targets)
    return result_with_diff(module, before, after, changed=bool(steps), changes=steps, load_balancer=after)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        subnet_ids=dict(type="list", elements="str"),
        scheme=dict(type="str", choices=["internal", "internet-facing"], default="internal"),
        listener_port=dict(type="int"),
        target_port=dict(type="int"),
        target_type=dict(type="str", choices=["ip", "instance"], default="ip"),
        targets=dict(type="list", elements="str"),
        purge_targets=dict(type="bool", default=True),
        target_group_name=dict(type="str"),
        tags=dict(type="dict", default={}),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = new_module(argument_spec)
    run_module(module, reconcile)


if __name__ == "__main__":
    main()
