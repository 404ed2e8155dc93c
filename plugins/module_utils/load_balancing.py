# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A Network Load Balancer with one TCP listener forwarding to one target group.

Everything is found by name first, so a rerun never makes a second load balancer (stock moto
would, and so would a create retried after a lost response).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.crossvpc.aws.plugins.module_utils.aws import InvalidInput, call, paginate, tags_of, wait_for
from ansible_collections.crossvpc.aws.plugins.module_utils.privatelink import GONE_SERVICE_STATES

# The names AWS takes (CreateLoadBalancer, CreateTargetGroup): 1-32 letters, digits or hyphens, not
# starting or ending with a hyphen; a load balancer's may not start with internal- either (AWS refuses
# it), a target group's may, and may not hold two hyphens in a row (AWS's pattern (?!.*--)).
# LOAD_BALANCER_NAME is the one rule for load balancer names, of the module and the preflight alike.
LOAD_BALANCER_NAME = re.compile(r"^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
TARGET_GROUP_NAME = re.compile(r"^(?!.*--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
NAME_FIX = "Use 1-32 letters, digits or hyphens, not starting or ending with a hyphen."
GROUP_NAME_FIX = NAME_FIX + " A target group's name may not hold two hyphens in a row."


def check_names(name, group_name):
    """The load balancer's ``name`` and the given target group name (``group_name``) as AWS takes them."""
    if name is not None and name.startswith("internal-") and TARGET_GROUP_NAME.match(name):
        raise InvalidInput("name", name, "starts with internal-, which AWS refuses in a load balancer's name.",
                           "Choose a name that does not start with internal-, for example %s." % name[len("internal-"):])
    if name is not None and not LOAD_BALANCER_NAME.match(name):
        raise InvalidInput("name", name, "is not a load balancer name.", NAME_FIX + " It may not start with internal-.")
    if group_name is not None and not TARGET_GROUP_NAME.match(group_name):
        raise InvalidInput("target_group_name", group_name, "is not a target group name.", GROUP_NAME_FIX)
    made = target_group_name(name) if name is not None and group_name is None else None
    if made and not TARGET_GROUP_NAME.match(made):
        raise InvalidInput("name", name, "would name the target group %s (the name's first 29 characters and -tg), which AWS "
                           "refuses: it holds two hyphens in a row." % made, "Use a name without two hyphens in a row, or give "
                           "target_group_name.")


def find_load_balancer(elb, name):
    found = call(elb, "describe_load_balancers", "look up load balancer %s" % name, missing={},
                 Names=[name]).get("LoadBalancers", [])
    found = [lb for lb in found if lb["LoadBalancerName"] == name]
    if found and found[0]["Type"] != "network":
        raise InvalidInput("name", name, "is an existing %s load balancer, not a network one." % found[0]["Type"],
                           "Choose another name, or pass the NLB's ARN instead.")
    return found[0] if found else None


LOAD_BALANCER_TYPES = {"network": "a Network Load Balancer", "gateway": "a Gateway Load Balancer",
                       "application": "an Application Load Balancer"}


def check_load_balancers(elb, option, arns, wanted="network"):
    """Each ARN of ``option`` is an existing load balancer of type ``wanted`` (read calls only)."""
    for arn in arns or []:
        found = call(elb, "describe_load_balancers", "look up load balancer %s" % arn, missing={},
                     LoadBalancerArns=[arn]).get("LoadBalancers", [])
        found = [lb for lb in found if lb.get("LoadBalancerArn") == arn]
        if not found:
            raise InvalidInput(option, arn, "no such load balancer in this account and region.",
                               "Check the ARN (crossvpc.aws.network_load_balancer returns it as "
                               "load_balancer.load_balancer_arn), the account (profile) and the region.")
        kind = found[0].get("Type")
        if kind != wanted:
            raise InvalidInput(option, arn, "is %s, not %s." % (LOAD_BALANCER_TYPES.get(kind, kind), LOAD_BALANCER_TYPES[wanted]),
                               "Give the ARN of %s." % LOAD_BALANCER_TYPES[wanted])


def subnets_of(load_balancer):
    return sorted(z["SubnetId"] for z in load_balancer.get("AvailabilityZones") or [] if z.get("SubnetId"))


def target_group_name(load_balancer_name):
    """The target group a load balancer of this name gets unless told otherwise (a group's name holds 32)."""
    return load_balancer_name[:29].rstrip("-") + "-tg"


def find_target_group(elb, name):
    found = call(elb, "describe_target_groups", "look up target group %s" % name, missing={},
                 Names=[name]).get("TargetGroups", [])
    return next((tg for tg in found if tg["TargetGroupName"] == name), None)


def registered_targets(elb, target_group_arn):
    health = call(elb, "describe_target_health", "read targets of %s" % target_group_arn,
                  TargetGroupArn=target_group_arn)["TargetHealthDescriptions"]
    return sorted(h["Target"]["Id"] for h in health if h.get("TargetHealth", {}).get("State") != "draining")


def listener_on(elb, load_balancer_arn, port):
    listeners = paginate(elb, "describe_listeners", "Listeners", "read listeners of %s" % load_balancer_arn,
                         LoadBalancerArn=load_balancer_arn)
    return next((l for l in listeners if l["Port"] == port), None)


def subnets_vpc(ec2, subnet_ids):
    """The one VPC of ``subnet_ids``, checking one subnet per zone (read calls only)."""
    subnets = paginate(ec2, "describe_subnets", "Subnets", "describe subnets",
                       Filters=[{"Name": "subnet-id", "Values": subnet_ids}])
    found = dict((s["SubnetId"], s) for s in subnets)
    zones = {}
    for subnet_id in subnet_ids:
        if subnet_id not in found:
            raise InvalidInput("subnet_ids", subnet_id, "not found in this account and region.",
                               "Check the id, the account (profile) and the region.")
        zone = found[subnet_id]["AvailabilityZone"]
        if zone in zones:
            raise InvalidInput("subnet_ids", subnet_id, "is in %s like %s; a load balancer takes one subnet per "
                               "availability zone." % (zone, zones[zone]), "Keep one of them.")
        zones[zone] = subnet_id
    vpcs = sorted(set(s["VpcId"] for s in subnets))
    if len(vpcs) > 1:
        raise InvalidInput("subnet_ids", subnet_ids, "span several VPCs (%s)." % ", ".join(vpcs),
                           "Use subnets of one VPC.")
    return vpcs[0]


def check_targets_in_vpc(ec2, vpc_id, targets):
    """IP targets are registered in their own zone, which AWS accepts only for addresses of the target group's
    VPC: refuse the others before the load balancer is made (read calls only)."""
    vpc = call(ec2, "describe_vpcs", "describe %s" % vpc_id, VpcIds=[vpc_id])["Vpcs"][0]
    ranges = [ipaddress.ip_network(a["CidrBlock"]) for a in vpc.get("CidrBlockAssociationSet") or [{"CidrBlock": vpc["CidrBlock"]}]]
    for target in targets:
        if not any(ipaddress.ip_address(target) in r for r in ranges):
            raise InvalidInput("targets", target, "is outside the load balancer's VPC %s (%s), and AWS registers an IP target "
                               "in its zone only inside the VPC." % (vpc_id, ", ".join(str(r) for r in ranges)),
                               "Give the workload's address in that VPC.")


def plan(current, desired):
    """Steps from the current parts (load_balancer, target_group, targets, listener) to desired."""
    steps = {}
    if current["load_balancer"] is None:
        steps["create_load_balancer"] = True
    elif desired["subnet_ids"] and sorted(desired["subnet_ids"]) != subnets_of(current["load_balancer"]):
        raise InvalidInput("subnet_ids", desired["subnet_ids"], "differ from the subnets of the existing load balancer %s (%s), "
                           "which this module does not change." % (desired["name"], ", ".join(subnets_of(current["load_balancer"]))),
                           "Give its subnets, or remove it first (state=absent) to make it in others.")
    if current["target_group"] is None:
        steps["create_target_group"] = True
    elif current["target_group"]["Port"] != desired["target_port"]:
        option = desired.get("target_port_option", "target_port")
        followed = option != "target_port"  # unset, it follows listener_port
        problem = "differs from the existing target group %s's port %s, which AWS cannot change%s." % (
            desired["target_group_name"], current["target_group"]["Port"],
            " (target_port is not set, so the targets' port follows listener_port)" if followed else "")
        raise InvalidInput(option, desired["target_port"], problem,
                           "Use a new target_group_name, or remove the old group first%s." % (
                               ", or set target_port: %s to keep the targets' port" % current["target_group"]["Port"] if followed else ""))
    if desired["targets"] is not None:
        have = set(current["targets"])
        register = sorted(set(desired["targets"]) - have)
        deregister = sorted(have - set(desired["targets"])) if desired["purge_targets"] else []
        steps.update({k: v for k, v in (("register", register), ("deregister", deregister)) if v})
    listener = current["listener"]
    if listener is None:
        steps["create_listener"] = True
    elif current["target_group"] is None or not any(
            a.get("TargetGroupArn") == current["target_group"]["TargetGroupArn"] for a in listener["DefaultActions"]):
        steps["repoint_listener"] = True
    return steps


def apply(elb, ec2, current, steps, desired):
    """Carry out plan()'s steps; returns the ARNs (load balancer, target group, listener)."""
    lb, tg, listener = current["load_balancer"], current["target_group"], current["listener"]
    if steps.get("create_load_balancer"):
        tags = [{"Key": k, "Value": v} for k, v in dict(desired["tags"], Name=desired["name"]).items()]
        lb = call(elb, "create_load_balancer", "create load balancer %s" % desired["name"], Name=desired["name"],
                  options={"subnet_ids": ("subnet",), "tags": ("tag",), "name": ("name",)},
                  Type="network", Scheme=desired["scheme"], Subnets=desired["subnet_ids"],
                  Tags=tags)["LoadBalancers"][0]
    if steps.get("create_target_group"):
        tg = call(elb, "create_target_group", "create target group %s" % desired["target_group_name"],
                  Name=desired["target_group_name"], Protocol="TCP", Port=desired["target_port"],
                  VpcId=lb.get("VpcId") or subnets_vpc(ec2, desired["subnet_ids"]),
                  TargetType=desired["target_type"], HealthCheckProtocol="TCP")["TargetGroups"][0]
    if steps.get("register"):
        call(elb, "register_targets", "register targets in %s" % tg["TargetGroupName"],
             TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": t} for t in steps["register"]])
    if steps.get("deregister"):
        call(elb, "deregister_targets", "deregister targets from %s" % tg["TargetGroupName"],
             TargetGroupArn=tg["TargetGroupArn"], Targets=[{"Id": t} for t in steps["deregister"]])
    forward = [{"Type": "forward", "TargetGroupArn": tg["TargetGroupArn"]}]
    if steps.get("create_listener"):
        listener = call(elb, "create_listener", "create listener on port %s" % desired["listener_port"],
                        LoadBalancerArn=lb["LoadBalancerArn"], Protocol="TCP", Port=desired["listener_port"],
                        DefaultActions=forward)["Listeners"][0]
    elif steps.get("repoint_listener"):
        call(elb, "modify_listener", "point listener %s at %s" % (listener["ListenerArn"], tg["TargetGroupName"]),
             ListenerArn=listener["ListenerArn"], DefaultActions=forward)
    return lb, tg, listener


def wait_active(elb, name, timeout):
    """AWS provisions an NLB for minutes; an endpoint service needs it active."""
    def failed(lb):
        state = (lb or {}).get("State", {})
        return "it is failed: %s" % state.get("Reason") if state.get("Code") == "failed" else None

    return wait_for(lambda: find_load_balancer(elb, name), lambda lb: lb and lb["State"]["Code"] == "active",
                    failed, timeout, "load balancer %s to be active" % name)


def services_fronted(ec2, load_balancer_arn):
    """The endpoint services (not being deleted or gone) whose NetworkLoadBalancerArns list the load balancer."""
    services = paginate(ec2, "describe_vpc_endpoint_service_configurations", "ServiceConfigurations",
                        "find the endpoint services of load balancer %s" % load_balancer_arn)
    return [s for s in services if load_balancer_arn in (s.get("NetworkLoadBalancerArns") or [])
            and s.get("ServiceState") not in GONE_SERVICE_STATES]


def fronting_refusal(ec2, load_balancer):
    """Why the load balancer is not deleted while endpoint services front it (their consumers' endpoints would lose it), or None."""
    services = services_fronted(ec2, load_balancer["LoadBalancerArn"])
    if not services:
        return None
    described = ", ".join("%s (%s%s)" % (s["ServiceId"], s.get("ServiceState"),
                                         ", Name %s" % tags_of(s)["Name"] if tags_of(s).get("Name") else "")
                          for s in sorted(services, key=lambda service: service["ServiceId"]))
    return ("Network Load Balancer %s (%s) still fronts the VPC endpoint service%s %s: deleting it would cut off the "
            "consumers' endpoints. Remove the endpoint service first (playbooks/privatelink_teardown.yml, or "
            "crossvpc.aws.vpc_endpoint_service with state=absent), or take this load balancer out of its "
            "network_load_balancer_arns, then delete the load balancer." % (
                load_balancer["LoadBalancerName"], load_balancer["LoadBalancerArn"], "s" if len(services) > 1 else "", described))


def delete(elb, current):
    """Listener, load balancer, then target group (AWS refuses a group still in use)."""
    if current["load_balancer"]:
        call(elb, "delete_load_balancer", "delete load balancer %s" % current["load_balancer"]["LoadBalancerName"],
             missing={}, LoadBalancerArn=current["load_balancer"]["LoadBalancerArn"])
    if current["target_group"]:
        call(elb, "delete_target_group", "delete target group %s" % current["target_group"]["TargetGroupName"],
             missing={}, TargetGroupArn=current["target_group"]["TargetGroupArn"])


def result(lb, tg, listener, targets):
    if lb is None and tg is None:
        return {}
    return {
        "load_balancer_arn": (lb or {}).get("LoadBalancerArn"),
        "dns_name": (lb or {}).get("DNSName"),
        "scheme": (lb or {}).get("Scheme"),
        "state": ((lb or {}).get("State") or {}).get("Code"),
        "vpc_id": (lb or {}).get("VpcId"),
        "availability_zones": sorted(z["ZoneName"] for z in (lb or {}).get("AvailabilityZones", [])),
        "target_group_arn": (tg or {}).get("TargetGroupArn"),
        "target_port": (tg or {}).get("Port"),
        "listener_arn": (listener or {}).get("ListenerArn"),
        "listener_port": (listener or {}).get("Port"),
        "targets": sorted(targets or []),
    }
