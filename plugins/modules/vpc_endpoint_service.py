#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc_endpoint_service
short_description: Publish a service through PrivateLink (the provider's endpoint service)
version_added: 0.1.0
description:
  - Creates, updates in place, or deletes a VPC endpoint service fronted by one or more Network
    Load Balancers (or Gateway Load Balancers), so that consumers in other accounts reach it through
    interface endpoints, even when their VPC CIDRs overlap the provider's.
  - The service is found by its C(Name) tag (O(name)) or by O(service_id), so a rerun finds it and
    deletion needs no id.
  - Safe by default, only the listed O(allowed_principals) may connect, and connections wait for
    the provider's acceptance (see M(crossvpc.aws.vpc_endpoint_connection)).
  - Revoking an account revokes its access. AWS leaves an endpoint that is already connected (or
    waiting for acceptance) connected when its account's principal is removed; with the exact set
    of O(allowed_principals) the module rejects (RejectVpcEndpointConnections) the connections of
    every account the set no longer allows, unless O(keep_unlisted_connections=true).
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  name:
    description:
      - The service's C(Name) tag, its identity. Required unless O(service_id) is given.
      - At most 256 characters (a tag value).
    type: str
  service_id:
    description:
      - Manage this service (C(vpce-svc-...)) instead of finding it by O(name).
    type: str
  state:
    description:
      - V(absent) deletes the service. AWS refuses while consumers' endpoints are connected (available
        or pending acceptance), so the module reads the connections first and fails before any change,
        naming each endpoint and its account. Remove those endpoints, or reject them, first. In check
        mode it warns instead, since the consumers' removal may be planned earlier in the same run.
    type: str
    choices: [present, absent]
    default: present
  network_load_balancer_arns:
    description:
      - Network Load Balancers that front the service. Exactly these, once set.
      - Each one to be added must exist in this account and region and be a network load balancer;
        this is checked before any change, in check mode too.
    type: list
    elements: str
  gateway_load_balancer_arns:
    description:
      - Gateway Load Balancers that front the service (for appliance services). Checked like
        O(network_load_balancer_arns).
    type: list
    elements: str
  acceptance_required:
    description:
      - Whether each consumer's connection waits for the provider to accept it.
    type: bool
    default: true
  allowed_principals:
    description:
      - The accounts or IAM principals that may create endpoints to the service. A 12-digit
        account id stands for that account's root (C(arn:aws:iam::ID:root)).
      - The exact set unless O(purge_allowed_principals=false).
      - Omitted, the service's principals are left as they are (a new service allows none). An empty list
        removes them all, and rejects the live connections (see O(keep_unlisted_connections)).
      - C(*) (every AWS account) is refused unless O(allow_any_principal=true).
    type: list
    elements: str
  purge_allowed_principals:
    description:
      - Remove principals that are not listed. With V(false) the listed ones are only added.
    type: bool
    default: true
  keep_unlisted_connections:
    description:
      - With the exact set of O(allowed_principals) (O(purge_allowed_principals=true)), the connections,
        available or pending acceptance, of endpoints whose accounts the set does not allow are rejected
        by default. A role or user ARN allows its account's endpoints; C(*) allows every account's.
      - V(true) keeps them connected and warns, naming each endpoint and its account. AWS itself keeps
        them; removing a principal only stops new endpoints.
      - Check mode reports the rejections it would make (C(reject_connections) in RV(changes), RV(rejected_connections)
        and, with C(--diff), the connections' states before and after).
    type: bool
    default: false
  allow_any_principal:
    description:
      - Allow C(*) in O(allowed_principals). Anyone with an AWS account could then connect.
    type: bool
    default: false
  private_dns_name:
    description:
      - A private DNS name for the service. AWS verifies you own the domain, the module returns the
        TXT record to publish in RV(service.private_dns_verification), and warns with it until the name is verified.
      - A fully qualified domain name, like C(api.example.com), two labels or more of 1 to 63 letters,
        digits and hyphens (not at either end of a label), 253 characters in all; not a wildcard.
      - An empty string removes it; omitted leaves it as it is.
    type: str
  supported_ip_address_types:
    description:
      - IP address types consumers may use, V(ipv4) and/or V(ipv6). Omitted leaves them as they are.
    type: list
    elements: str
    choices: [ipv4, ipv6]
  tags:
    description:
      - Tags of the service. O(name) is always set as the C(Name) tag.
      - Keys of 1 to 128 characters that do not start with C(aws:), text values of up to 256 characters.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Remove tags that are not in O(tags).
    type: bool
    default: true
extends_documentation_fragment:
  - crossvpc.aws.attributes
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Publish the EKS service's NLB to account 210987654321 only
  crossvpc.aws.vpc_endpoint_service:
    name: payments-api
    network_load_balancer_arns:
      - arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/payments/0123456789abcdef
    allowed_principals: ["210987654321"]
  register: service

- name: Let one more account connect, without touching the others
  crossvpc.aws.vpc_endpoint_service:
    name: payments-api
    allowed_principals: [arn:aws:iam::555555555555:root]
    purge_allowed_principals: false

- name: Stop account 555555555555, cutting its endpoint if it is connected
  crossvpc.aws.vpc_endpoint_service:
    name: payments-api
    allowed_principals: ["210987654321"]

- name: Delete it (consumers' endpoints must be gone first)
  crossvpc.aws.vpc_endpoint_service:
    name: payments-api
    state: absent
"""

RETURN = r"""
service:
  description:
    - The endpoint service after the change. Empty once deleted.
    - In check mode the planned values; ids of a service not yet created are C((known after apply)).
  returned: always
  type: dict
  contains:
    service_id:
      description: The service's id.
      type: str
      sample: vpce-svc-0123456789abcdef0
    service_name:
      description: The name consumers pass to M(crossvpc.aws.vpc_endpoint).
      type: str
      sample: com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0
    service_state:
      description: The service's state.
      type: str
      sample: Available
    acceptance_required:
      description: Whether connections need the provider's acceptance.
      type: bool
      sample: true
    allowed_principals:
      description: The principals allowed to connect.
      type: list
      elements: str
      sample: [arn:aws:iam::210987654321:root]
    allowed_accounts:
      description:
        - The accounts whose endpoints the principals let in (a role or user counts for its account), or
          C([*]) for every account. In check mode, those the planned principals let in.
        - What a consumer passes on (the privatelink_provider role hands it over as C(allowed_accounts)).
      type: list
      elements: str
      sample: ["210987654321"]
    network_load_balancer_arns:
      description: The NLBs in front of the service.
      type: list
      elements: str
    gateway_load_balancer_arns:
      description: The GWLBs in front of the service.
      type: list
      elements: str
    private_dns_name:
      description: The private DNS name, if any.
      type: str
    private_dns_verification:
      description: The DNS record that proves ownership of O(private_dns_name) (state, type, name, value), or null.
      type: dict
    supported_ip_address_types:
      description: IP address types consumers may use.
      type: list
      elements: str
    base_endpoint_dns_names:
      description: The service's base DNS names.
      type: list
      elements: str
    availability_zones:
      description: Zones the service is available in (those of its load balancers).
      type: list
      elements: str
    tags:
      description: The service's tags.
      type: dict
changes:
  description:
    - The planned steps (create, acceptance_required, add_principals, remove_principals, add_nlbs, set_tags,
      reject_connections, delete, ...). Empty when nothing changes.
    - C(reject_connections) lists the endpoints of accounts no longer allowed, rejected by this run.
  returned: always
  type: dict
  sample: {"remove_principals": ["arn:aws:iam::210987654321:root"], "reject_connections": ["vpce-0123456789abcdef0"]}
rejected_connections:
  description: The connections this run rejected (or would, in check mode) since their accounts are no longer allowed.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_endpoint_id:
      description: The consumer's endpoint.
      type: str
      sample: vpce-0123456789abcdef0
    vpc_endpoint_owner:
      description: The consumer's account.
      type: str
      sample: "210987654321"
    vpc_endpoint_state:
      description: C(rejected).
      type: str
    service_id:
      description: The endpoint service.
      type: str
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import load_balancing, privatelink, validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, checked_region, client, client_token, new_module, result_with_diff, run_module)


def desired_state(module):
    """Validate every input before any API call, and say what the service should look like."""
    params = module.params
    if params["service_id"]:
        validation.resource_id("service_id", params["service_id"], "vpce-svc")
    if params["state"] == "absent":
        return None
    if params["network_load_balancer_arns"] == [] and not params["gateway_load_balancer_arns"]:
        # Often an unset variable: it would take the load balancer from under a live service.
        raise InvalidInput("network_load_balancer_arns", [], "lists no load balancer, and an endpoint service needs one.",
                           "List the NLB in front of the service, leave the option out to keep the service's, or remove the "
                           "service with state=absent.")
    arns = {}
    region = checked_region(module)
    for option, kinds in (("network_load_balancer_arns", ("net",)), ("gateway_load_balancer_arns", ("gwy",))):
        values = params[option]
        if values is not None:
            values = [v for v in values if v != UNKNOWN or not module.check_mode]
            for value in values:
                arn_region = validation.load_balancer_arn(option, value, kinds)[0]
                if region and arn_region != region:
                    raise InvalidInput(option, value, "is in %s, not in %s where the service is made." % (
                        arn_region, region), "Use a load balancer of the same region.")
        arns[option] = values
    given = params["allowed_principals"]  # omitted: left as they are (a tag change must not revoke every account)
    principals = sorted(set(validation.principal("allowed_principals", p, params["allow_any_principal"]) for p in given or []))
    if params["private_dns_name"]:
        validation.dns_name("private_dns_name", params["private_dns_name"])
    validation.text("name", params["name"], validation.TAG_VALUE_LIMIT, "a Name tag")
    tags = validation.named_tags("tags", params["tags"], params["name"])
    return {"acceptance_required": params["acceptance_required"], "allowed_principals": principals,
            "purge_allowed_principals": params["purge_allowed_principals"] and given is not None,
            "NetworkLoadBalancerArns": arns["network_load_balancer_arns"],
            "GatewayLoadBalancerArns": arns["gateway_load_balancer_arns"],
            "private_dns_name": params["private_dns_name"],
            "supported_ip_address_types": params["supported_ip_address_types"],
            "tags": tags, "purge_tags": params["purge_tags"] and params["tags"] is not None}


def check_load_balancers(module, plan, desired):
    """The load balancers the plan adds exist and are of the right type (read calls, check mode too)."""
    new = plan.get("create")
    elb = None
    for option, key, step, kind in (("network_load_balancer_arns", "NetworkLoadBalancerArns", "add_nlbs", "network"),
                                    ("gateway_load_balancer_arns", "GatewayLoadBalancerArns", "add_gwlbs", "gateway")):
        arns = (desired[key] or []) if new else plan.get(step, [])
        if arns:
            elb = elb or client(module, "elbv2")
            load_balancing.check_load_balancers(elb, option, arns, kind)


def connections_state(connections, rejected=()):
    """{endpoint id: owner and state} of the service's connections, for the diff (``rejected`` as planned)."""
    return dict((c["VpcEndpointId"], {"vpc_endpoint_owner": c.get("VpcEndpointOwner"),
                                      "vpc_endpoint_state": "rejected" if c["VpcEndpointId"] in rejected
                                      else c.get("VpcEndpointState")}) for c in connections)


def revocations(module, current, desired, ec2):
    """(connections read, those to reject): with the exact set of principals, the live connections of
    accounts it does not allow are rejected, or with keep_unlisted_connections kept with a warning."""
    if not current or not desired["purge_allowed_principals"]:
        return [], []
    connections = privatelink.service_connections(ec2, current["ServiceId"])
    unlisted = privatelink.unlisted_connections(connections, desired["allowed_principals"])
    if unlisted and module.params["keep_unlisted_connections"]:
        module.warn("Endpoint service %s keeps the connections of accounts its allowed_principals no longer allow: %s. "
                    "Removing a principal does not cut an endpoint that is already connected; with "
                    "keep_unlisted_connections=false they are rejected." % (
                        current["ServiceId"], privatelink.describe_connections(unlisted)))
        return connections, []
    if unlisted:
        module.warn("Endpoint service %s rejects the connections of accounts its allowed_principals no longer allow: %s. Their "
                    "endpoints stop working; keep_unlisted_connections=true would keep them." % (
                        current["ServiceId"], privatelink.describe_connections(unlisted)))
    return connections, unlisted


def delete(module, ec2, current, before):
    if current:
        # AWS deletes a service only once its connections are rejected or gone: say which, before any change.
        refusal = privatelink.refuse_if_connected(current["ServiceId"],
                                                  privatelink.service_connections(ec2, current["ServiceId"]))
        if refusal and not module.check_mode:
            raise CrossvpcError(refusal)
        if refusal:  # the consumers' removal may be planned earlier in the same check run
            module.warn(refusal + " (Check mode: the real run deletes it only if they are gone by then; playbooks/privatelink_teardown.yml "
                                  "removes the consumers' endpoints first.)")
        if not module.check_mode:
            privatelink.delete_service(ec2, current["ServiceId"])
    return result_with_diff(module, before, {}, changed=bool(current), service={}, rejected_connections=[],
                            changes={"delete": True} if current else {})


def reconcile(module):
    params = module.params
    desired = desired_state(module)
    ec2 = client(module, "ec2")
    current = privatelink.find_service(ec2, params["service_id"], params["name"])
    if params["service_id"] and current is None and desired is not None:
        raise InvalidInput("service_id", params["service_id"], "no such endpoint service in this account and region.",
                           "Check the id, the account (profile) and the region.")
    principals = privatelink.service_principals(ec2, current["ServiceId"]) if current else []
    before = privatelink.service_result(current, principals)

    if desired is None:
        return delete(module, ec2, current, before)

    if current is None and not (desired["NetworkLoadBalancerArns"] or desired["GatewayLoadBalancerArns"]) \
            and not module.check_mode:
        raise InvalidInput("network_load_balancer_arns", desired["NetworkLoadBalancerArns"],
                           "is empty, and a new endpoint service needs a load balancer.",
                           "Give the ARN of the NLB in front of the service.")
    plan = privatelink.plan_service(current, principals, desired)
    check_load_balancers(module, plan, desired)
    connections, unlisted = revocations(module, current, desired, ec2)
    if unlisted:
        plan["reject_connections"] = [c["VpcEndpointId"] for c in unlisted]
    if plan and not module.check_mode:
        token = client_token("vpc_endpoint_service", module.region, params["name"] or params["service_id"])
        service_id = privatelink.apply_service(ec2, current, plan, desired, token)
        current = privatelink.find_service(ec2, service_id)
        after = privatelink.service_result(current, privatelink.service_principals(ec2, service_id))
    else:
        after = privatelink.service_result(privatelink.planned_service(current, desired, plan, UNKNOWN),
                                           desired["allowed_principals"] if desired["purge_allowed_principals"]
                                           else sorted(set(principals) | set(desired["allowed_principals"])))
    record = after.get("private_dns_verification") or {}
    if record.get("state") not in (None, "verified"):  # AWS's record to publish: consumers cannot use the name until then
        module.warn("Endpoint service %s: its private DNS name %s is %s, and consumers cannot use it until AWS has verified it. "
                    "Publish a TXT record named %s.%s with the value %s, then start the verification (aws ec2 "
                    "start-vpc-endpoint-service-private-dns-verification --service-id %s)." % (
                        after["service_id"], after["private_dns_name"], record["state"], record["name"], after["private_dns_name"],
                        record["value"], after["service_id"]))
    rejected = plan.get("reject_connections", [])
    result = dict(changed=bool(plan), service=after, changes=plan,
                  rejected_connections=[privatelink.connection_result(dict(c, VpcEndpointState="rejected"))
                                        for c in unlisted])
    if connections:  # the diff shows the connections this run read, and those it rejects
        before, after = (dict(before, endpoint_connections=connections_state(connections)),
                         dict(after, endpoint_connections=connections_state(connections, rejected)))
    return result_with_diff(module, before, after, **result)


def main():
    argument_spec = dict(
        name=dict(type="str"),
        service_id=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        network_load_balancer_arns=dict(type="list", elements="str"),
        gateway_load_balancer_arns=dict(type="list", elements="str"),
        acceptance_required=dict(type="bool", default=True),
        allowed_principals=dict(type="list", elements="str"),
        purge_allowed_principals=dict(type="bool", default=True),
        keep_unlisted_connections=dict(type="bool", default=False),
        allow_any_principal=dict(type="bool", default=False),
        private_dns_name=dict(type="str"),
        supported_ip_address_types=dict(type="list", elements="str", choices=["ipv4", "ipv6"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
    )
    module = new_module(argument_spec, required_one_of=[("name", "service_id")])
    run_module(module, reconcile)


if __name__ == "__main__":
    main()
