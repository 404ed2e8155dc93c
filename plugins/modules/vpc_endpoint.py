#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc_endpoint
short_description: Reach a PrivateLink service from a VPC (the consumer's interface endpoint)
version_added: 0.1.0
description:
  - Creates, updates in place, or deletes an interface VPC endpoint to an endpoint service, found
    by VPC, service name and C(Name) tag, so a rerun finds it and deletion needs no id.
  - Subnets, security groups, private DNS, policy and tags are changed in place.
  - Before creating, checks that the subnets and security groups belong to the VPC, that no two
    subnets share a zone, and that the service exists and allows this account, so a bad input
    fails before anything is made.
  - Waits for the state the caller needs, C(pendingAcceptance) (the provider has to accept) or
    C(available), and fails at once when the endpoint is rejected or failed.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  name:
    description:
      - The endpoint's C(Name) tag, its identity together with O(vpc_id) and O(service_name).
      - At most 256 characters (a tag value).
    type: str
    required: true
  vpc_id:
    description: The consumer's VPC.
    type: str
    required: true
  service_name:
    description:
      - The provider's service name, RV(crossvpc.aws.vpc_endpoint_service#module:service.service_name).
      - Required with O(state=present); with O(state=absent) the endpoint is found by O(vpc_id) and O(name).
    type: str
  state:
    description: V(absent) deletes the endpoint.
    type: str
    choices: [present, absent]
    default: present
  subnet_ids:
    description:
      - Subnets for the endpoint's network interfaces, at most one per availability zone, each listed
        once. Required to create; omitted leaves them as they are.
      - A subnet listed twice, or two subnets of one zone, are refused before anything is changed.
    type: list
    elements: str
  security_group_ids:
    description:
      - Security groups of the endpoint's network interfaces (which clients may reach it, on which
        port). Omitted leaves them as they are (the VPC's default group on create).
    type: list
    elements: str
  private_dns_enabled:
    description:
      - Resolve the service's private DNS name to the endpoint inside the VPC. Needs a service with a
        verified private DNS name. Omitted leaves it as it is (V(false) on create).
    type: bool
  policy:
    description:
      - An endpoint policy document, a mapping or a JSON object. Text that is not JSON is refused
        before any change. Omitted leaves it as it is.
    type: json
  tags:
    description:
      - Tags of the endpoint. O(name) is always set as the C(Name) tag.
      - Keys of 1 to 128 characters that do not start with C(aws:), text values of up to 256 characters.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags that are not in O(tags) (only when O(tags) is given).
    type: bool
    default: true
  service_allows_account:
    description:
      - Whether the provider allows this account to connect, as the provider's
        M(crossvpc.aws.vpc_endpoint_service) says (its RV(crossvpc.aws.vpc_endpoint_service#module:service.allowed_accounts)
        lists this account, or C(*)). The privatelink_consumer role sets it from the provider's output.
      - Only check mode uses it. There the provider's new allowed principals are only planned, so the service
        may not let this account in yet; with V(true) its endpoint's creation is then planned instead of
        failing, as the real run will make it. A real run always looks the service up before creating.
    type: bool
    default: false
  wait_for:
    description:
      - V(pendingAcceptance) waits until the endpoint exists and waits for the provider (or is already
        available); V(available) waits until the provider has accepted it; V(none) does not wait.
      - With O(state=absent), anything but V(none) waits until the endpoint is deleted.
    type: str
    choices: [pendingAcceptance, available, none]
    default: pendingAcceptance
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
- name: Reach the provider's payments API from the ECS tasks' subnets
  crossvpc.aws.vpc_endpoint:
    name: payments-api
    vpc_id: vpc-0a1b2c3d4e5f60718
    service_name: com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0
    subnet_ids: [subnet-0a1b2c3d4e5f60718, subnet-0f1e2d3c4b5a69788]
    security_group_ids: [sg-0a1b2c3d4e5f60718]
  register: endpoint

- name: Call the service at this name
  ansible.builtin.debug:
    msg: "{{ endpoint.endpoint.dns_name }}"

- name: Remove it
  crossvpc.aws.vpc_endpoint:
    name: payments-api
    vpc_id: vpc-0a1b2c3d4e5f60718
    service_name: com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0
    state: absent
"""

RETURN = r"""
endpoint:
  description: The endpoint after the change (planned values in check mode). Empty once deleted.
  returned: always
  type: dict
  contains:
    vpc_endpoint_id:
      description: The endpoint's id.
      type: str
      sample: vpce-0123456789abcdef0
    state:
      description: C(pendingAcceptance) until the provider accepts, then C(available).
      type: str
      sample: pendingAcceptance
    service_name:
      description: The service it connects to.
      type: str
    vpc_id:
      description: Its VPC.
      type: str
    subnet_ids:
      description: Its subnets.
      type: list
      elements: str
    security_group_ids:
      description: Its security groups.
      type: list
      elements: str
    private_dns_enabled:
      description: Whether the service's private DNS name resolves to it.
      type: bool
    policy_document:
      description: Its policy.
      type: str
    network_interface_ids:
      description: Its network interfaces.
      type: list
      elements: str
    dns_entries:
      description: Its DNS names (dns_name, hosted_zone_id), the regional one first.
      type: list
      elements: dict
    dns_name:
      description: The regional DNS name, the one clients call.
      type: str
      sample: vpce-0123456789abcdef0-abcdefgh.vpce-svc-0123456789abcdef0.eu-west-1.vpce.amazonaws.com
    tags:
      description: Its tags.
      type: dict
changes:
  description: The planned steps (create, add_subnets, remove_security_groups, private_dns_enabled, set_tags, delete, ...).
  returned: always
  type: dict
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import privatelink, validation, vpcs
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, call, checked_region, client, client_token, error_code, new_module, paginate,
    result_with_diff, run_module)


def known(module, values):
    """In check mode, ids that earlier tasks only planned to create are left out of checks."""
    if values is None or not module.check_mode:
        return values
    return [v for v in values if v != UNKNOWN]


def desired_state(module):
    params = module.params
    for option, what in (("subnet_ids", "subnet"), ("security_group_ids", "security group")):
        if params[option] == [] and params["state"] != "absent":  # often an unset variable: it would strip a live endpoint
            raise InvalidInput(option, [], "lists no %s, and an interface endpoint needs one at least." % what,
                               "List them, or leave %s out to keep the endpoint's as they are." % option)
    params["subnet_ids"] = known(module, params["subnet_ids"])
    params["security_group_ids"] = known(module, params["security_group_ids"])
    validation.resource_id("vpc_id", params["vpc_id"], "vpc")
    if params["service_name"] and not (module.check_mode and params["service_name"] == UNKNOWN):
        validation.service_name("service_name", params["service_name"], checked_region(module))
    validation.resource_ids("subnet_ids", params["subnet_ids"], "subnet")
    validation.unique("subnet_ids", params["subnet_ids"])
    validation.resource_ids("security_group_ids", params["security_group_ids"], "sg")
    validation.positive_seconds("wait_timeout", params["wait_timeout"])
    if params["policy"] is not None:
        validation.policy_document("policy", params["policy"])
    validation.text("name", params["name"], validation.TAG_VALUE_LIMIT, "a Name tag")
    if not (params["name"] or "").strip():  # the endpoint is found by its Name tag
        raise InvalidInput("name", params["name"], "is empty, and the module finds the endpoint by its Name tag.",
                           "Give the endpoint a name, for example orders-api.")
    tags = validation.named_tags("tags", params["tags"], params["name"])
    return {"vpc_id": params["vpc_id"], "service_name": params["service_name"],
            # None: not managed (left as they are on an existing endpoint)
            "subnet_ids": None if params["subnet_ids"] is None else sorted(set(params["subnet_ids"])),
            "security_group_ids": None if params["security_group_ids"] is None else sorted(set(params["security_group_ids"])),
            "private_dns_enabled": params["private_dns_enabled"], "policy": params["policy"],
            "tags": tags, "purge_tags": params["purge_tags"] and params["tags"] is not None}


def check_network(ec2, desired):
    """Subnets and security groups exist in the VPC, one subnet per zone (read calls only)."""
    subnets = paginate(ec2, "describe_subnets", "Subnets", "describe subnets",
                       Filters=[{"Name": "subnet-id", "Values": desired["subnet_ids"] or []}])
    found = dict((s["SubnetId"], s) for s in subnets)
    zones = {}
    for subnet_id in desired["subnet_ids"] or []:
        subnet = found.get(subnet_id)
        if subnet is None:
            raise InvalidInput("subnet_ids", subnet_id, "not found in this account and region.",
                               "Check the id, the account (profile) and the region.")
        if subnet["VpcId"] != desired["vpc_id"]:
            raise InvalidInput("subnet_ids", subnet_id, "belongs to %s, not to vpc_id %s." % (
                subnet["VpcId"], desired["vpc_id"]), "Use subnets of the endpoint's VPC.")
        zone = subnet["AvailabilityZone"]
        if zone in zones:
            raise InvalidInput("subnet_ids", subnet_id, "is in %s like %s; an interface endpoint takes one subnet "
                               "per availability zone." % (zone, zones[zone]), "Keep one of them.")
        zones[zone] = subnet_id
    if desired["security_group_ids"]:
        groups = paginate(ec2, "describe_security_groups", "SecurityGroups", "describe security groups",
                          Filters=[{"Name": "group-id", "Values": desired["security_group_ids"]}])
        vpc_of = dict((g["GroupId"], g["VpcId"]) for g in groups)
        for group_id in desired["security_group_ids"]:
            if vpc_of.get(group_id) != desired["vpc_id"]:
                raise InvalidInput("security_group_ids", group_id, "not found in %s." % desired["vpc_id"],
                                   "Use security groups of the endpoint's VPC.")


def check_service(ec2, service_name, planned_access=False, private_dns=False):
    """The service exists and lets this account in; AWS says InvalidServiceName for both failures.
    With ``private_dns``, it has a private DNS name (AWS refuses private DNS on an endpoint to one without).

    ``planned_access``: check mode, and the provider plans to allow this account (its change to the
    allowed principals is only planned in the same check run), so a service that does not let it in
    yet is planned to, as the real run will find it.
    """
    try:
        found = call(ec2, "describe_vpc_endpoint_services", "look up service %s" % service_name, ServiceNames=[service_name])
    except CrossvpcError as error:
        if error_code(error.error) != "InvalidServiceName":
            raise
        if planned_access:
            return
        raise InvalidInput("service_name", service_name, "does not exist, or does not allow this account.",
                           "Check the name the provider's vpc_endpoint_service returned, and that its "
                           "allowed_principals include this account.")
    details = [d for d in found.get("ServiceDetails") or [] if d.get("ServiceName") == service_name]
    if private_dns and details and not details[0].get("PrivateDnsName"):
        raise InvalidInput("private_dns_enabled", True, "but the service %s has no private DNS name, so AWS refuses it." % service_name,
                           "Leave it false and call the endpoint's own DNS name, or give the service a private_dns_name first.")


def reconcile(module):
    params = module.params
    desired = desired_state(module)
    ec2 = client(module, "ec2")
    current = None
    if params["service_name"] != UNKNOWN:
        current = privatelink.find_endpoint(ec2, params["vpc_id"], params["service_name"], params["name"])
    before = privatelink.endpoint_result(current)

    if params["state"] == "absent":
        if current and not module.check_mode:
            call(ec2, "delete_vpc_endpoints", "delete endpoint %s" % current["VpcEndpointId"],
                 VpcEndpointIds=[current["VpcEndpointId"]])
            if params["wait_for"] != "none":
                # Its network interfaces hold its security groups until it is gone.
                privatelink.wait_for_endpoint_gone(ec2, current["VpcEndpointId"], params["wait_timeout"])
        return result_with_diff(module, before, {}, changed=bool(current), endpoint={},
                                changes={"delete": True} if current else {})

    if current is None and params["vpc_id"] != UNKNOWN:  # else a VPC that does not exist shows as the subnets' mismatch
        vpcs.find_vpc(ec2, params["vpc_id"])
    if current is None and not desired["subnet_ids"]:
        named = None
        if params["vpc_id"] != UNKNOWN and params["service_name"] != UNKNOWN:
            # A service that does not exist is the first thing to say; then an endpoint of this name to another service,
            # which AWS cannot repoint, so that giving subnets would make a second one.
            check_service(ec2, params["service_name"], module.check_mode and params["service_allows_account"], False)
            named = privatelink.find_endpoint(ec2, params["vpc_id"], None, params["name"])
        clash = (" (%s, the endpoint named %s in %s, calls %s, not %s: AWS does not point an endpoint at another service, so this "
                 "would be a second endpoint)" % (named["VpcEndpointId"], params["name"], params["vpc_id"], named.get("ServiceName"),
                                                  params["service_name"]) if named else "")
        raise InvalidInput("subnet_ids", params["subnet_ids"], "is empty, and a new endpoint needs subnets%s." % clash,
                           "Give service_name=%s to manage that endpoint, or give this one a name of its own and subnets." % (
                               named.get("ServiceName")) if named else "Give one subnet per availability zone the clients run in.")
    plan = privatelink.plan_endpoint(current, desired)
    if plan.get("create") or plan.get("add_subnets") or plan.get("add_security_groups"):
        check_network(ec2, desired)
    private_dns = plan.get("private_dns_enabled") or bool(plan.get("create") and desired["private_dns_enabled"])
    if (plan.get("create") or private_dns) and params["service_name"] != UNKNOWN:
        check_service(ec2, params["service_name"], module.check_mode and params["service_allows_account"], private_dns)
    endpoint = current
    if plan and not module.check_mode:
        token = client_token("vpc_endpoint", module.region, params["vpc_id"], params["service_name"], params["name"])
        endpoint_id = privatelink.apply_endpoint(ec2, current, plan, desired, token)
        endpoint = privatelink.describe_endpoint(ec2, endpoint_id)
    elif plan:
        endpoint = privatelink.planned_endpoint(current, desired, plan, UNKNOWN)
    if not module.check_mode and params["wait_for"] != "none":
        state = (endpoint.get("State") or "").lower()
        if state != "available" and not (params["wait_for"] == "pendingAcceptance" and state == "pendingacceptance"):
            endpoint = privatelink.wait_for_endpoint(ec2, endpoint["VpcEndpointId"], params["wait_for"],
                                                     params["wait_timeout"])
    after = privatelink.endpoint_result(endpoint)
    return result_with_diff(module, before, after, changed=bool(plan), endpoint=after, changes=plan)


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        vpc_id=dict(type="str", required=True),
        service_name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        subnet_ids=dict(type="list", elements="str"),
        security_group_ids=dict(type="list", elements="str"),
        private_dns_enabled=dict(type="bool"),
        policy=dict(type="json"),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        service_allows_account=dict(type="bool", default=False),
        wait_for=dict(type="str", choices=["pendingAcceptance", "available", "none"], default="pendingAcceptance"),
        wait_timeout=dict(type="int", default=600),
    )
    module = new_module(argument_spec, required_if=[("state", "present", ["service_name"])])
    run_module(module, reconcile)


if __name__ == "__main__":
    main()
