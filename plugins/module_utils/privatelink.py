# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PrivateLink: the provider's endpoint service and its connections, the consumer's endpoint.

Each resource follows the same steps: find it by a stable identity (re-checked client-side, since
describe filters are not to be trusted alone), plan the change as data, apply it, wait for the
state the next step needs. The plan is what check mode and diff report.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    CrossvpcError, call, ec2_tag, paginate, tag_changes, tags_of, wait_for)

GONE_SERVICE_STATES = ("Deleting", "Deleted", "Failed")
GONE_ENDPOINT_STATES = ("deleting", "deleted")
DEAD_ENDPOINT_STATES = ("rejected", "failed", "expired")
# A connection in these states holds the service: AWS deletes a service only once they are rejected
# (or their endpoints deleted). The first two are what RejectVpcEndpointConnections takes.
REJECTABLE_CONNECTION_STATES = ("pendingacceptance", "available")
LIVE_CONNECTION_STATES = REJECTABLE_CONNECTION_STATES + ("pending",)

# Which option an input refusal of AWS is about, by the words of its code and message.
ENDPOINT_OPTIONS = {"policy": ("policy",), "subnet_ids": ("subnet",), "security_group_ids": ("security group", "securitygroup"),
                    "private_dns_enabled": ("private dns", "privatedns"), "service_name": ("service",), "tags": ("tag",)}
SERVICE_OPTIONS = {"gateway_load_balancer_arns": ("gateway",),
                   "network_load_balancer_arns": ("loadbalancer", "load balancer", "nlb"),
                   "private_dns_name": ("dns", "domain"), "supported_ip_address_types": ("ipaddresstype", "ip address type"),
                   "allowed_principals": ("principal",), "tags": ("tag",)}


def _by_name(items, name, what):
    """The one item whose Name tag is ``name``; two are an error naming both."""
    matches = [i for i in items if tags_of(i).get("Name") == name]
    if len(matches) > 1:
        raise CrossvpcError("Found %d %s named %r: %s. Remove the extra ones or pass the id." % (
            len(matches), what, name, ", ".join(i.get("ServiceId") or i.get("VpcEndpointId") for i in matches)))
    return matches[0] if matches else None


# --- endpoint service (provider) ----------------------------------------------------------------

def find_service(ec2, service_id=None, name=None):
    if service_id:
        found = call(ec2, "describe_vpc_endpoint_service_configurations", "describe endpoint service %s"
                     % service_id, missing={}, ServiceIds=[service_id]).get("ServiceConfigurations", [])
        found = [s for s in found if s["ServiceId"] == service_id]
        return found[0] if found else None
    found = paginate(ec2, "describe_vpc_endpoint_service_configurations", "ServiceConfigurations",
                     "find endpoint service %s" % name, Filters=[{"Name": "tag:Name", "Values": [name]}])
    return _by_name([s for s in found if s.get("ServiceState") not in GONE_SERVICE_STATES], name,
                    "endpoint services")


def service_principals(ec2, service_id):
    found = paginate(ec2, "describe_vpc_endpoint_service_permissions", "AllowedPrincipals",
                     "read allowed principals of %s" % service_id, ServiceId=service_id)
    return sorted(p["Principal"] for p in found)


def principal_account(principal):
    """The account an allowed principal stands for: ``*`` for every account, else the account of the
    IAM ARN (its root, or one of its roles or users), or a bare 12-digit id itself."""
    if principal == "*" or re.match(r"^\d{12}$", principal or ""):
        return principal
    match = re.match(r"^arn:aws[a-z-]*:iam::(\d{12}):", principal or "")
    return match.group(1) if match else None


def allowed_accounts(principals):
    """The accounts whose endpoints ``principals`` let in, sorted; ``["*"]`` when every account is."""
    accounts = set(principal_account(p) for p in principals or []) - set([None])
    return ["*"] if "*" in accounts else sorted(accounts)


def unlisted_connections(connections, principals):
    """The rule of revocation, in one place: the connections (pending acceptance or available) of
    endpoints whose accounts ``principals`` do not allow. Removing a principal leaves them connected;
    only RejectVpcEndpointConnections cuts them."""
    accounts = allowed_accounts(principals)
    if accounts == ["*"]:
        return []
    return sorted((c for c in connections if (c.get("VpcEndpointState") or "").lower() in REJECTABLE_CONNECTION_STATES
                   and c.get("VpcEndpointOwner") not in accounts), key=lambda c: c["VpcEndpointId"])


def live_connections(connections):
    """The connections that keep AWS from deleting their service."""
    return sorted((c for c in connections if (c.get("VpcEndpointState") or "").lower() in LIVE_CONNECTION_STATES),
                  key=lambda c: c["VpcEndpointId"])


def describe_connections(connections):
    """``vpce-1 (account 210987654321, available), ...`` for messages."""
    return ", ".join("%s (account %s, %s)" % (c["VpcEndpointId"], c.get("VpcEndpointOwner"), c.get("VpcEndpointState"))
                     for c in connections)


def refuse_if_connected(service_id, connections):
    """AWS refuses to delete a service with live connections: the message, naming them and the fix, or None."""
    live = live_connections(connections)
    if not live:
        return None
    ids = ", ".join(c["VpcEndpointId"] for c in live)
    return ("Endpoint service %s still has endpoint connections, so AWS will not delete it: %s. Remove those "
            "endpoints first, in their accounts (crossvpc.aws.vpc_endpoint with state=absent; "
            "playbooks/privatelink_teardown.yml removes the consumers' endpoints before the service), or reject "
            "them (crossvpc.aws.vpc_endpoint_connection with state=rejected and vpc_endpoint_ids=[%s]), then "
            "delete the service again." % (service_id, describe_connections(live), ids))


def _added_removed(current, desired, purge=True):
    current, desired = set(current or []), set(desired or [])
    return sorted(desired - current), sorted(current - desired) if purge else []


def plan_service(current, principals, desired):
    """The changes from ``current`` (None: absent) to ``desired``, as a dict of non-empty steps."""
    plan = {}
    if current is None:
        plan["create"] = True
        current, principals = {}, []
    elif current.get("AcceptanceRequired") != desired["acceptance_required"]:
        plan["acceptance_required"] = desired["acceptance_required"]
    for kind, key in (("nlb", "NetworkLoadBalancerArns"), ("gwlb", "GatewayLoadBalancerArns")):
        if current and desired[key] is not None:
            add, remove = _added_removed(current.get(key), desired[key])
            plan.update({k: v for k, v in (("add_%ss" % kind, add), ("remove_%ss" % kind, remove)) if v})
    if current and desired["private_dns_name"] is not None:
        if desired["private_dns_name"] == "" and current.get("PrivateDnsName"):
            plan["remove_private_dns_name"] = True
        elif desired["private_dns_name"] and current.get("PrivateDnsName") != desired["private_dns_name"]:
            plan["private_dns_name"] = desired["private_dns_name"]
    if current and desired["supported_ip_address_types"] is not None:
        add, remove = _added_removed(current.get("SupportedIpAddressTypes"), desired["supported_ip_address_types"])
        plan.update({k: v for k, v in (("add_ip_types", add), ("remove_ip_types", remove)) if v})
    add, remove = _added_removed(principals, desired["allowed_principals"], desired["purge_allowed_principals"])
    plan.update({k: v for k, v in (("add_principals", add), ("remove_principals", remove)) if v})
    if current:
        to_set, to_remove = tag_changes(tags_of(current), desired["tags"], desired["purge_tags"])
        plan.update({k: v for k, v in (("set_tags", to_set), ("remove_tags", to_remove)) if v})
    return plan


def apply_service(ec2, current, plan, desired, token):
    """Carry out plan_service()'s plan; returns the service id."""
    if plan.get("create"):
        params = {"AcceptanceRequired": desired["acceptance_required"], "ClientToken": token,
                  "TagSpecifications": [{"ResourceType": "vpc-endpoint-service",
                                         "Tags": ansible_dict_to_boto3_tag_list(desired["tags"])}]}
        for key in ("NetworkLoadBalancerArns", "GatewayLoadBalancerArns"):
            if desired[key]:
                params[key] = desired[key]
        if desired["private_dns_name"]:
            params["PrivateDnsName"] = desired["private_dns_name"]
        if desired["supported_ip_address_types"]:
            params["SupportedIpAddressTypes"] = desired["supported_ip_address_types"]
        created = call(ec2, "create_vpc_endpoint_service_configuration",
                       "create endpoint service %s" % desired["tags"].get("Name"), options=SERVICE_OPTIONS, **params)
        service_id = created["ServiceConfiguration"]["ServiceId"]
    else:
        service_id = current["ServiceId"]
        if plan.get("reject_connections"):
            # First: a refusal (a policy without ec2:RejectVpcEndpointConnections) then changes nothing, and
            # the account stays allowed and connected, as it was, rather than half revoked.
            apply_connections(ec2, service_id, plan["reject_connections"], "rejected")
        modify = {}
        for step, key in (("acceptance_required", "AcceptanceRequired"), ("add_nlbs", "AddNetworkLoadBalancerArns"),
                          ("remove_nlbs", "RemoveNetworkLoadBalancerArns"),
                          ("add_gwlbs", "AddGatewayLoadBalancerArns"),
                          ("remove_gwlbs", "RemoveGatewayLoadBalancerArns"),
                          ("private_dns_name", "PrivateDnsName"), ("remove_private_dns_name", "RemovePrivateDnsName"),
                          ("add_ip_types", "AddSupportedIpAddressTypes"),
                          ("remove_ip_types", "RemoveSupportedIpAddressTypes")):
            if step in plan:
                modify[key] = plan[step]
        if modify:
            call(ec2, "modify_vpc_endpoint_service_configuration", "modify endpoint service %s" % service_id,
                 options=SERVICE_OPTIONS, ServiceId=service_id, **modify)
        ec2_tag(ec2, service_id, plan.get("set_tags"), plan.get("remove_tags"))
    if plan.get("add_principals") or plan.get("remove_principals"):
        permissions = {}
        if plan.get("add_principals"):
            permissions["AddAllowedPrincipals"] = plan["add_principals"]
        if plan.get("remove_principals"):
            permissions["RemoveAllowedPrincipals"] = plan["remove_principals"]
        call(ec2, "modify_vpc_endpoint_service_permissions", "change allowed principals of %s" % service_id,
             options={"allowed_principals": ("",)}, ServiceId=service_id, **permissions)
    return service_id


def delete_service(ec2, service_id):
    """Delete the service; the caller has checked refuse_if_connected() first, so AWS's refusal here
    means an endpoint connected since: it is read again and named."""
    result = call(ec2, "delete_vpc_endpoint_service_configurations", "delete endpoint service %s" % service_id,
                  ServiceIds=[service_id])
    for failure in result.get("Unsuccessful", []):
        error = failure.get("Error", {})
        if error.get("Code") == "ExistingVpcEndpointConnections":
            raise CrossvpcError(refuse_if_connected(service_id, service_connections(ec2, service_id)) or (
                "Endpoint service %s still has endpoint connections, so AWS will not delete it: %s. Remove the "
                "consumers' endpoints first, or reject their connections with crossvpc.aws.vpc_endpoint_connection."
                % (service_id, error.get("Message"))))
        raise CrossvpcError("Failed to delete endpoint service %s: %s: %s" % (
            service_id, error.get("Code"), error.get("Message")))


def service_result(config, principals):
    """The service as modules return it (same shape in check mode, from the planned state)."""
    if not config:
        return {}
    dns = config.get("PrivateDnsNameConfiguration") or {}
    return {
        "service_id": config.get("ServiceId"),
        "service_name": config.get("ServiceName"),
        "service_state": config.get("ServiceState"),
        "acceptance_required": config.get("AcceptanceRequired"),
        "allowed_principals": principals,
        "allowed_accounts": allowed_accounts(principals),
        "network_load_balancer_arns": config.get("NetworkLoadBalancerArns") or [],
        "gateway_load_balancer_arns": config.get("GatewayLoadBalancerArns") or [],
        "private_dns_name": config.get("PrivateDnsName"),
        "private_dns_verification": {"state": dns.get("State"), "type": dns.get("Type"),
                                     "name": dns.get("Name"), "value": dns.get("Value")} if dns else None,
        "supported_ip_address_types": config.get("SupportedIpAddressTypes") or [],
        "base_endpoint_dns_names": config.get("BaseEndpointDnsNames") or [],
        "availability_zones": config.get("AvailabilityZones") or [],
        "tags": tags_of(config),
    }


def planned_service(current, desired, plan, unknown):
    """What the service will look like once ``plan`` is applied (for check mode and diff)."""
    config = dict(current or {"ServiceId": unknown, "ServiceName": unknown, "ServiceState": "Available"})
    config["AcceptanceRequired"] = desired["acceptance_required"]
    for key in ("NetworkLoadBalancerArns", "GatewayLoadBalancerArns"):
        if desired[key] is not None:
            config[key] = sorted(desired[key])
    if desired["private_dns_name"] is not None:
        config["PrivateDnsName"] = desired["private_dns_name"] or None
    if desired["supported_ip_address_types"] is not None:
        config["SupportedIpAddressTypes"] = desired["supported_ip_address_types"]
    tags = tags_of(config)
    tags.update(plan.get("set_tags") or (desired["tags"] if plan.get("create") else {}))
    for key in plan.get("remove_tags") or []:
        tags.pop(key, None)
    config["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return config


# --- endpoint connections (provider) ------------------------------------------------------------

def service_connections(ec2, service_id):
    found = paginate(ec2, "describe_vpc_endpoint_connections", "VpcEndpointConnections",
                     "list endpoint connections of %s" % service_id,
                     Filters=[{"Name": "service-id", "Values": [service_id]}])
    return [c for c in found if c.get("ServiceId") == service_id]


def select_connections(connections, endpoint_ids=None, accounts=None):
    """The connections named by endpoint id or consumer account (all of them when neither is given)."""
    if endpoint_ids:
        return [c for c in connections if c["VpcEndpointId"] in endpoint_ids]
    if accounts:
        return [c for c in connections if c.get("VpcEndpointOwner") in accounts]
    return list(connections)


def plan_connections(selected, state):
    """Endpoint ids to accept or reject; refuses what cannot get to ``state`` any more."""
    wanted = "available" if state == "accepted" else "rejected"
    changes = []
    for connection in selected:
        current = connection.get("VpcEndpointState")
        if current == wanted or current in GONE_ENDPOINT_STATES:
            continue
        if state == "accepted" and current in DEAD_ENDPOINT_STATES:
            raise CrossvpcError(
                "Endpoint %s of account %s is %s and cannot be accepted any more. The consumer must delete it "
                "and create a new one." % (connection["VpcEndpointId"], connection.get("VpcEndpointOwner"), current))
        changes.append(connection["VpcEndpointId"])
    return sorted(changes)


def apply_connections(ec2, service_id, endpoint_ids, state):
    operation = "accept_vpc_endpoint_connections" if state == "accepted" else "reject_vpc_endpoint_connections"
    result = call(ec2, operation, "%s endpoint connections %s" % (state[:-2], ", ".join(endpoint_ids)),
                  ServiceId=service_id, VpcEndpointIds=endpoint_ids)
    failures = ["%s: %s: %s" % (f.get("ResourceId"), f.get("Error", {}).get("Code"), f.get("Error", {}).get("Message"))
                for f in result.get("Unsuccessful", [])]
    if failures:
        raise CrossvpcError("AWS did not %s every connection: %s" % (state[:-2], "; ".join(failures)))


def wait_for_connections(ec2, service_id, endpoint_ids, timeout):
    """Wait until the named endpoints leave pendingAcceptance; fail at once on rejected or failed."""
    def describe():
        return [c for c in service_connections(ec2, service_id) if c["VpcEndpointId"] in endpoint_ids]

    def done(connections):
        return all(c.get("VpcEndpointState") not in ("pendingAcceptance", "pending") for c in connections)

    def failed(connections):
        dead = ["%s is %s" % (c["VpcEndpointId"], c["VpcEndpointState"]) for c in connections
                if c.get("VpcEndpointState") in DEAD_ENDPOINT_STATES]
        return ", ".join(dead)

    return wait_for(describe, done, failed, timeout, "endpoint connections of %s" % service_id)


def connection_result(connection):
    return {"vpc_endpoint_id": connection["VpcEndpointId"], "vpc_endpoint_owner": connection.get("VpcEndpointOwner"),
            "vpc_endpoint_state": connection.get("VpcEndpointState"), "service_id": connection.get("ServiceId")}


# --- interface endpoint (consumer) --------------------------------------------------------------

def find_endpoint(ec2, vpc_id, service_name, name):
    """The endpoint named ``name`` in ``vpc_id`` (to ``service_name``, when given)."""
    filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "tag:Name", "Values": [name]}]
    if service_name:
        filters.append({"Name": "service-name", "Values": [service_name]})
    found = paginate(ec2, "describe_vpc_endpoints", "VpcEndpoints", "find endpoint %s" % name, Filters=filters)
    found = [e for e in found if e.get("VpcId") == vpc_id and service_name in (None, e.get("ServiceName"))
             and e.get("State", "").lower() not in GONE_ENDPOINT_STATES]
    return _by_name(found, name, "endpoints")


def normalized_policy(policy):
    if policy is None:
        return None
    if isinstance(policy, str):
        policy = json.loads(policy)
    return json.dumps(policy, sort_keys=True)


def plan_endpoint(current, desired):
    plan = {}
    if current is None:
        return {"create": True}
    state = current.get("State", "").lower()
    if state in DEAD_ENDPOINT_STATES:
        raise CrossvpcError(
            "Endpoint %s is %s (the provider rejected it, or AWS could not make it). It will not come back: "
            "delete it with state=absent, ask the provider to allow and accept this account, and run again."
            % (current["VpcEndpointId"], current.get("State")))
    if desired["subnet_ids"] is not None:
        add, remove = _added_removed(current.get("SubnetIds"), desired["subnet_ids"])
        plan.update({k: v for k, v in (("add_subnets", add), ("remove_subnets", remove)) if v})
    if desired["security_group_ids"] is not None:
        add, remove = _added_removed([g["GroupId"] for g in current.get("Groups", [])], desired["security_group_ids"])
        plan.update({k: v for k, v in (("add_security_groups", add), ("remove_security_groups", remove)) if v})
    if desired["private_dns_enabled"] is not None and bool(current.get("PrivateDnsEnabled")) != desired["private_dns_enabled"]:
        plan["private_dns_enabled"] = desired["private_dns_enabled"]
    if desired["policy"] is not None and normalized_policy(current.get("PolicyDocument")) != normalized_policy(desired["policy"]):
        plan["policy"] = normalized_policy(desired["policy"])
    to_set, to_remove = tag_changes(tags_of(current), desired["tags"], desired["purge_tags"])
    plan.update({k: v for k, v in (("set_tags", to_set), ("remove_tags", to_remove)) if v})
    return plan


def apply_endpoint(ec2, current, plan, desired, token):
    if plan.get("create"):
        params = {"VpcEndpointType": "Interface", "VpcId": desired["vpc_id"], "ServiceName": desired["service_name"],
                  "SubnetIds": desired["subnet_ids"], "SecurityGroupIds": desired["security_group_ids"] or [],
                  "PrivateDnsEnabled": bool(desired["private_dns_enabled"]), "ClientToken": token,
                  "TagSpecifications": [{"ResourceType": "vpc-endpoint",
                                         "Tags": ansible_dict_to_boto3_tag_list(desired["tags"])}]}
        if desired["policy"] is not None:
            params["PolicyDocument"] = normalized_policy(desired["policy"])
        return call(ec2, "create_vpc_endpoint", "create endpoint %s" % desired["tags"]["Name"], options=ENDPOINT_OPTIONS,
                    **params)["VpcEndpoint"]["VpcEndpointId"]
    endpoint_id = current["VpcEndpointId"]
    modify = {}
    for step, key in (("add_subnets", "AddSubnetIds"), ("remove_subnets", "RemoveSubnetIds"),
                      ("add_security_groups", "AddSecurityGroupIds"),
                      ("remove_security_groups", "RemoveSecurityGroupIds"),
                      ("private_dns_enabled", "PrivateDnsEnabled"), ("policy", "PolicyDocument")):
        if step in plan:
            modify[key] = plan[step]
    if modify:
        call(ec2, "modify_vpc_endpoint", "modify endpoint %s" % endpoint_id, options=ENDPOINT_OPTIONS,
             VpcEndpointId=endpoint_id, **modify)
    ec2_tag(ec2, endpoint_id, plan.get("set_tags"), plan.get("remove_tags"))
    return endpoint_id


def describe_endpoint(ec2, endpoint_id):
    found = call(ec2, "describe_vpc_endpoints", "describe endpoint %s" % endpoint_id, missing={},
                 VpcEndpointIds=[endpoint_id]).get("VpcEndpoints", [])
    return found[0] if found else None


def wait_for_endpoint(ec2, endpoint_id, wanted, timeout):
    """Wait for ``wanted`` (available, or pendingAcceptance which available also satisfies)."""
    ready = ("available",) if wanted == "available" else ("available", "pendingacceptance")

    def failed(endpoint):
        if endpoint is None:
            return "it no longer exists"
        state = endpoint.get("State", "").lower()
        if state in DEAD_ENDPOINT_STATES or state in GONE_ENDPOINT_STATES:
            return "it is %s%s" % (endpoint.get("State"), " (the provider rejected the connection)"
                                   if state == "rejected" else "")
        return None

    return wait_for(lambda: describe_endpoint(ec2, endpoint_id),
                    lambda e: e is not None and e.get("State", "").lower() in ready, failed, timeout,
                    "endpoint %s to be %s (wait_for=%s)" % (endpoint_id, wanted, wanted), state=lambda e: e.get("State"))


def wait_for_endpoint_gone(ec2, endpoint_id, timeout):
    wait_for(lambda: describe_endpoint(ec2, endpoint_id),
             lambda e: e is None or e.get("State", "").lower() == "deleted", lambda e: None, timeout,
             "endpoint %s to be deleted" % endpoint_id)


def planned_endpoint(current, desired, plan, unknown):
    endpoint = dict(current or {"VpcEndpointId": unknown, "State": "pendingAcceptance", "DnsEntries": [],
                                "VpcEndpointType": "Interface"})
    endpoint.update({"VpcId": desired["vpc_id"], "ServiceName": desired["service_name"]})
    if desired["subnet_ids"] is not None:
        endpoint["SubnetIds"] = desired["subnet_ids"]
    if desired["security_group_ids"] is not None:
        endpoint["Groups"] = [{"GroupId": g} for g in desired["security_group_ids"]]
    if desired["private_dns_enabled"] is not None:
        endpoint["PrivateDnsEnabled"] = desired["private_dns_enabled"]
    if desired["policy"] is not None:
        endpoint["PolicyDocument"] = normalized_policy(desired["policy"])
    tags = tags_of(endpoint)
    tags.update(plan.get("set_tags") or (desired["tags"] if plan.get("create") else {}))
    for key in plan.get("remove_tags") or []:
        tags.pop(key, None)
    endpoint["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    return endpoint


def endpoint_result(endpoint):
    if not endpoint:
        return {}
    dns = [{"dns_name": d.get("DnsName"), "hosted_zone_id": d.get("HostedZoneId")} for d in endpoint.get("DnsEntries", [])]
    return {
        "vpc_endpoint_id": endpoint.get("VpcEndpointId"),
        "state": endpoint.get("State"),
        "service_name": endpoint.get("ServiceName"),
        "vpc_id": endpoint.get("VpcId"),
        "subnet_ids": sorted(endpoint.get("SubnetIds") or []),
        "security_group_ids": sorted(g["GroupId"] for g in endpoint.get("Groups", [])),
        "private_dns_enabled": endpoint.get("PrivateDnsEnabled"),
        "policy_document": endpoint.get("PolicyDocument"),
        "network_interface_ids": endpoint.get("NetworkInterfaceIds") or [],
        "dns_entries": dns,
        # The regional name (the first entry) is the one that works from every subnet.
        "dns_name": dns[0]["dns_name"] if dns else None,
        "tags": tags_of(endpoint),
    }
