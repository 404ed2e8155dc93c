#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: vpc_endpoint_connection
short_description: Accept or reject consumers' endpoint connections to a PrivateLink service
version_added: 0.1.0
description:
  - The provider's side of a connection. Accepts or rejects the interface endpoints that consumers
    made to an endpoint service that requires acceptance, chosen by endpoint id or by consumer
    account, then waits until they leave C(pendingAcceptance).
  - An already accepted (or already rejected) connection is no change.
  - It decides only on the endpoints it is given; the endpoints of other accounts are left as they
    are. Cutting the accounts a service no longer allows is M(crossvpc.aws.vpc_endpoint_service)'s
    job (its O(crossvpc.aws.vpc_endpoint_service#module:keep_unlisted_connections)), which runs with the
    exact set of allowed principals.
author:
  - crossvpc.aws maintainers (@crossvpc)
options:
  service_id:
    description:
      - The endpoint service (C(vpce-svc-...)), as returned by M(crossvpc.aws.vpc_endpoint_service).
    type: str
    required: true
  state:
    description:
      - V(accepted) lets the endpoints connect; V(rejected) refuses them (their state becomes C(rejected)).
    type: str
    choices: [accepted, rejected]
    default: accepted
  vpc_endpoint_ids:
    description:
      - The consumers' endpoints (C(vpce-...)) to accept or reject.
    type: list
    elements: str
  consumer_accounts:
    description:
      - Accept or reject every endpoint owned by these 12-digit account ids.
    type: list
    elements: str
  require_connection:
    description:
      - Fail when no connection matches O(vpc_endpoint_ids) or O(consumer_accounts), which usually
        means the consumer has not made its endpoint yet. With V(false), no match is no change.
    type: bool
    default: true
  wait:
    description:
      - Wait until the chosen endpoints leave C(pendingAcceptance); fail at once if one is rejected or failed.
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
- name: Accept account B's endpoint to our service
  crossvpc.aws.vpc_endpoint_connection:
    service_id: "{{ service.service.service_id }}"
    consumer_accounts: ["210987654321"]

- name: Reject one endpoint
  crossvpc.aws.vpc_endpoint_connection:
    service_id: vpce-svc-0123456789abcdef0
    vpc_endpoint_ids: [vpce-0123456789abcdef0]
    state: rejected
"""

RETURN = r"""
connections:
  description: The chosen connections after the change (planned states in check mode).
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
      description: The endpoint's state, C(available) once accepted.
      type: str
      sample: available
    service_id:
      description: The endpoint service.
      type: str
      sample: vpce-svc-0123456789abcdef0
changed_endpoint_ids:
  description: The endpoints accepted or rejected by this run (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [vpce-0123456789abcdef0]
"""

from ansible_collections.crossvpc.aws.plugins.module_utils import privatelink, validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    UNKNOWN, CrossvpcError, InvalidInput, client, new_module, result_with_diff, run_module)


def validate(module):
    params = module.params
    if not (module.check_mode and params["service_id"] == UNKNOWN):
        validation.resource_id("service_id", params["service_id"], "vpce-svc")
    validation.resource_ids("vpc_endpoint_ids", [i for i in params["vpc_endpoint_ids"] or [] if i != UNKNOWN], "vpce")
    for account in params["consumer_accounts"] or []:
        validation.account_id("consumer_accounts", account)
    validation.positive_seconds("wait_timeout", params["wait_timeout"])


def reconcile(module):
    params = module.params
    validate(module)
    if params["service_id"] == UNKNOWN:
        # Check mode, and the service itself is only planned: every named consumer would be accepted.
        return {"changed": True, "connections": [], "changed_endpoint_ids": []}
    ec2 = client(module, "ec2")
    connections = privatelink.service_connections(ec2, params["service_id"])
    if not connections and privatelink.find_service(ec2, service_id=params["service_id"]) is None:
        raise InvalidInput("service_id", params["service_id"], "no such endpoint service in this account and region.",
                           "Check the id (vpce-svc-...), the account (profile) and the region.")
    selected = privatelink.select_connections(connections, params["vpc_endpoint_ids"], params["consumer_accounts"])
    if not selected and params["require_connection"] and not module.check_mode:
        raise CrossvpcError(
            "No endpoint connection to %s from %s. Create the consumer's endpoint first (the consumer play of "
            "playbooks/privatelink.yml), and check the service allows that account." % (
                params["service_id"], ", ".join(params["vpc_endpoint_ids"] or params["consumer_accounts"] or
                                                ["any consumer"])))
    before = dict((c["VpcEndpointId"], c.get("VpcEndpointState")) for c in selected)
    to_change = privatelink.plan_connections(selected, params["state"])
    if to_change and not module.check_mode:
        privatelink.apply_connections(ec2, params["service_id"], to_change, params["state"])
    ids = [c["VpcEndpointId"] for c in selected]
    if to_change and not module.check_mode and params["wait"]:
        selected = privatelink.wait_for_connections(ec2, params["service_id"], ids, params["wait_timeout"])
    elif to_change and not module.check_mode:
        selected = [c for c in privatelink.service_connections(ec2, params["service_id"]) if c["VpcEndpointId"] in ids]
    elif module.check_mode:
        wanted = "available" if params["state"] == "accepted" else "rejected"
        selected = [dict(c, VpcEndpointState=wanted) if c["VpcEndpointId"] in to_change else c for c in selected]
    connections = [privatelink.connection_result(c) for c in selected]
    after = dict((c["vpc_endpoint_id"], c["vpc_endpoint_state"]) for c in connections)
    return result_with_diff(module, before, after, changed=bool(to_change), changed_endpoint_ids=to_change,
                            connections=connections)


def main():
    argument_spec = dict(
        service_id=dict(type="str", required=True),
        state=dict(type="str", choices=["accepted", "rejected"], default="accepted"),
        vpc_endpoint_ids=dict(type="list", elements="str"),
        consumer_accounts=dict(type="list", elements="str"),
        require_connection=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = new_module(argument_spec, mutually_exclusive=[("vpc_endpoint_ids", "consumer_accounts")],
                        required_one_of=[("vpc_endpoint_ids", "consumer_accounts")])
    run_module(module, reconcile)


if __name__ == "__main__":
    main()
