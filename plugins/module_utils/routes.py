# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes in VPC route tables: find the tables, plan the change, apply it.

Only the destinations the caller names are ever touched; every other route in a table stays as
it is (the opposite of amazon.aws's route table module, which purges what it did not create).
find_route_tables(), plan_routes() and target_problem() are plain functions over boto3's data, so
idempotence and check mode are unit-testable; apply_routes() is the only part that mutates.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.crossvpc.aws.plugins.module_utils.aws import CrossvpcError, call, error_code, paginate

# Module option -> the key AWS uses for it in a route and in CreateRoute/ReplaceRoute, and the
# id prefixes it accepts. instance_id comes before network_interface_id: an instance route carries
# both keys and is the instance's.
TARGETS = (
    ("vpc_peering_connection_id", "VpcPeeringConnectionId", ("pcx",)),
    ("transit_gateway_id", "TransitGatewayId", ("tgw",)),
    ("gateway_id", "GatewayId", ("igw", "vgw")),
    ("nat_gateway_id", "NatGatewayId", ("nat",)),
    ("instance_id", "InstanceId", ("i",)),
    ("network_interface_id", "NetworkInterfaceId", ("eni",)),
    ("vpc_endpoint_id", "VpcEndpointId", ("vpce",)),
    ("egress_only_internet_gateway_id", "EgressOnlyInternetGatewayId", ("eigw",)),
    ("carrier_gateway_id", "CarrierGatewayId", ("cagw",)),
    ("local_gateway_id", "LocalGatewayId", ("lgw",)),
    ("core_network_arn", "CoreNetworkArn", ()),
)
TARGET_KEYS = dict((option, key) for option, key, _prefixes in TARGETS)

# How to prove a target exists before routing to it: id prefix -> (describe call, ids parameter,
# list key). Core network ARNs have no EC2 describe call and are left to CreateRoute.
DESCRIBE_TARGET = {
    "pcx": ("describe_vpc_peering_connections", "VpcPeeringConnectionIds", "VpcPeeringConnections"),
    "tgw": ("describe_transit_gateways", "TransitGatewayIds", "TransitGateways"),
    "igw": ("describe_internet_gateways", "InternetGatewayIds", "InternetGateways"),
    "vgw": ("describe_vpn_gateways", "VpnGatewayIds", "VpnGateways"),
    "nat": ("describe_nat_gateways", "NatGatewayIds", "NatGateways"),
    "i": ("describe_instances", "InstanceIds", "Reservations"),
    "eni": ("describe_network_interfaces", "NetworkInterfaceIds", "NetworkInterfaces"),
    "vpce": ("describe_vpc_endpoints", "VpcEndpointIds", "VpcEndpoints"),
    "eigw": ("describe_egress_only_internet_gateways", "EgressOnlyInternetGatewayIds",
             "EgressOnlyInternetGateways"),
    "cagw": ("describe_carrier_gateways", "CarrierGatewayIds", "CarrierGateways"),
    "lgw": ("describe_local_gateways", "LocalGatewayIds", "LocalGateways"),
}
DEAD_STATES = frozenset(("failed", "rejected", "deleted", "deleting", "expired", "terminated",
                         "shutting-down"))


def destination_of(route):
    """The route's destination as a canonical string (CIDR or prefix list id)."""
    if route.get("DestinationCidrBlock"):
        return str(ipaddress.ip_network(route["DestinationCidrBlock"]))
    if route.get("DestinationIpv6CidrBlock"):
        return str(ipaddress.ip_network(route["DestinationIpv6CidrBlock"]))
    return route.get("DestinationPrefixListId")


def target_of(route):
    """(option, id) of what the route points at; ('gateway_id', 'local') for the VPC's own range."""
    for option, key, _prefixes in TARGETS:
        if route.get(key):
            return option, route[key]
    return None, None


def describe_routes(table):
    """{destination: target id} for a route table: what --diff shows."""
    return dict((destination_of(r), target_of(r)[1]) for r in table.get("Routes", []))


def find_route_tables(ec2, route_table_ids=None, vpc_id=None, subnet_ids=None, tags=None):
    """The route tables to manage, sorted by id. Unknown ids and empty selections are errors."""
    if route_table_ids:
        tables = paginate(ec2, "describe_route_tables", "RouteTables", "describe route tables",
                          Filters=[{"Name": "route-table-id", "Values": route_table_ids}])
        found = dict((t["RouteTableId"], t) for t in tables)
        unknown = [i for i in route_table_ids if i not in found]
        if unknown:
            raise CrossvpcError("route_table_ids: %s not found in this account and region. Check the "
                                "ids and the credentials' account and region." % ", ".join(unknown))
        return [found[i] for i in sorted(set(route_table_ids))]

    tables = [t for t in paginate(ec2, "describe_route_tables", "RouteTables", "describe route tables",
                                  Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
              if t.get("VpcId") == vpc_id]
    if not tables:
        # Every VPC has a main route table, so no table means no such VPC here.
        raise CrossvpcError("vpc_id=%r: no such VPC in this account and region. Check the id, the account (profile) and the region." % vpc_id)
    if subnet_ids:
        tables = tables_of_subnets(ec2, tables, vpc_id, subnet_ids)
    if tags:
        tables = [t for t in tables if tags_match(t, tags)]
        if not tables:
            raise CrossvpcError("route_table_tags=%r matched no route table in %s. Check the tag "
                                "keys and values, or name the tables with route_table_ids." % (tags, vpc_id))
    return sorted(dict((t["RouteTableId"], t) for t in tables).values(), key=lambda t: t["RouteTableId"])


def tables_of_subnets(ec2, tables, vpc_id, subnet_ids):
    """The table each subnet uses: its explicit association, else the VPC's main table."""
    subnets = paginate(ec2, "describe_subnets", "Subnets", "describe subnets",
                       Filters=[{"Name": "subnet-id", "Values": subnet_ids}])
    vpc_of = dict((s["SubnetId"], s["VpcId"]) for s in subnets)
    for subnet_id in subnet_ids:
        if subnet_id not in vpc_of:
            raise CrossvpcError("subnet_ids: %s not found in this account and region. Check the id, the account (profile) and the region." % subnet_id)
        if vpc_of[subnet_id] != vpc_id:
            raise CrossvpcError("subnet_ids: %s belongs to %s, not to vpc_id %s." % (
                subnet_id, vpc_of[subnet_id], vpc_id))
    explicit, main = {}, None
    for table in tables:
        for association in table.get("Associations", []):
            if association.get("Main"):
                main = table
            elif association.get("SubnetId"):
                explicit[association["SubnetId"]] = table
    return [explicit.get(s, main) for s in subnet_ids if explicit.get(s, main) is not None]


def tags_match(resource, tags):
    have = dict((t["Key"], t["Value"]) for t in resource.get("Tags", []))
    return all(have.get(k) == v for k, v in tags.items())


# Targets AWS refuses for a destination inside the VPC's own range ("more specific routes" go to appliances only).
INSIDE_REFUSED = ("vpc_peering_connection_id", "transit_gateway_id", "gateway_id", "egress_only_internet_gateway_id",
                  "carrier_gateway_id", "local_gateway_id", "core_network_arn")


def _inside(destination, local):
    """``destination`` (a CIDR, not a prefix list) lies inside the ``local`` range."""
    try:
        inner, outer = ipaddress.ip_network(destination), ipaddress.ip_network(local)
    except ValueError:
        return False
    return inner.version == outer.version and inner.subnet_of(outer)


def plan_routes(tables, destinations, target, state="present", replace=True, skip_local=False):
    """The changes that make ``destinations`` in ``tables`` point at ``target`` (or go away).

    target is (option, id), or None with state=absent to remove the routes whatever they point
    at. Returns a list of {route_table_id, destination, action, before, after}; raises
    CrossvpcError for what AWS would refuse (the local route) or the caller forbade (replace).
    """
    changes = []
    for table in tables:
        routes = dict((destination_of(r), r) for r in table.get("Routes", []))
        for destination in destinations:
            route = routes.get(destination)
            before = target_of(route) if route else (None, None)
            change = {"route_table_id": table["RouteTableId"], "destination": destination,
                      "before": before[1], "after": None}
            if before[1] == "local" and skip_local:
                continue  # the table's own VPC CIDR: its traffic stays local
            if before[1] == "local":
                raise CrossvpcError(
                    "destination_cidrs: %s is the local route of %s; AWS does not let it be "
                    "replaced or removed. Route a different CIDR." % (destination, table["RouteTableId"]))
            inner = [d for d, r in routes.items() if target_of(r)[1] == "local" and _inside(destination, d)]
            if inner and state == "present" and target and target[0] in INSIDE_REFUSED:
                raise CrossvpcError(
                    "destination_cidrs: %s lies inside %s, the local route of %s, and AWS routes part of a VPC's own range "
                    "only to a network interface, NAT gateway or endpoint, not to %s. Route a range outside the VPC." % (
                        destination, inner[0], table["RouteTableId"], target[0]))
            if state == "absent":
                if route and (target is None or before == tuple(target)):
                    changes.append(dict(change, action="delete"))
                continue
            if route and before == tuple(target):
                continue
            if route and not replace:
                raise CrossvpcError(
                    "destination_cidrs: %s in %s already points at %s, not %s, and replace=false. "
                    "Set replace=true to repoint it." % (destination, table["RouteTableId"], before[1],
                                                         target[1]))
            changes.append(dict(change, action="replace" if route else "create", after=target[1]))
    return changes


def stray_routes(tables, selected, destinations, target):
    """Deletes for every route to ``target`` that is not one of ``destinations`` in a ``selected`` table:
    with exclusive=true the target carries exactly what the task names (a peering's routes follow its
    route tables and its peer's CIDRs when either narrows)."""
    changes = []
    for table in tables:
        for route in table.get("Routes", []):
            destination = destination_of(route)
            if destination.startswith("pl-"):
                continue  # prefix-list routes are not managed here
            if target_of(route) == tuple(target) and not (table["RouteTableId"] in selected and destination in destinations):
                changes.append({"route_table_id": table["RouteTableId"], "destination": destination, "action": "delete",
                                "before": target[1], "after": None})
    return changes


def routes_after(tables, changes):
    """{route_table_id: {destination: target}} once ``changes`` are applied (for diff and return)."""
    after = dict((t["RouteTableId"], describe_routes(t)) for t in tables)
    for change in changes:
        routes = after[change["route_table_id"]]
        if change["action"] == "delete":
            routes.pop(change["destination"], None)
        else:
            routes[change["destination"]] = change["after"]
    return after


def target_found(ec2, option, target_id):
    """The target's record as AWS describes it, [] when AWS does not know it, or None when it cannot be looked up."""
    prefix = target_id.split("-", 1)[0]
    if option == "core_network_arn" or prefix not in DESCRIBE_TARGET:
        return None
    operation, ids_parameter, key = DESCRIBE_TARGET[prefix]
    found = call(ec2, operation, "look up %s %s" % (option, target_id), missing={},
                 **{ids_parameter: [target_id]}).get(key, [])
    return [i for r in found for i in r.get("Instances", [])] if prefix == "i" else found


def target_problem(ec2, option, target_id, vpc_ids=(), destinations=()):
    """None when the target exists and is usable (a peering connection: one that joins ``vpc_ids``, the VPCs
    of the tables to route, and leads to ``destinations``), else why not (read-only calls)."""
    found = target_found(ec2, option, target_id)
    if found is None:
        return None
    if not found:
        return "not found in this account and region. Check the id, the account (profile) and the region."
    status = found[0].get("State") or found[0].get("Status") or {}
    status = status.get("Code") or status.get("Name") if isinstance(status, dict) else status
    if status in DEAD_STATES:
        return "is %s, so a route to it would be a blackhole. Route to a live one." % status
    if target_id.startswith("pcx-"):
        joined = [found[0].get(side, {}).get("VpcId") for side in ("RequesterVpcInfo", "AccepterVpcInfo")]
        strangers = sorted(set(vpc_ids) - set(joined))
        if strangers:
            return "joins %s, not %s, the VPC of the route tables to route; AWS refuses it there. Give the peering of that VPC." % (
                " and ".join(joined), ", ".join(strangers))
        # A peering carries traffic to the peer VPC's own ranges only (no transit): a route elsewhere never carries any.
        peers = [found[0].get(side) or {} for side in ("RequesterVpcInfo", "AccepterVpcInfo")]
        cidrs = [b["CidrBlock"] for p in peers if p.get("VpcId") not in vpc_ids for b in p.get("CidrBlockSet") or [{"CidrBlock": p.get("CidrBlock")}]
                 if b.get("CidrBlock")]
        outside = [d for d in destinations if ipaddress.ip_network(d).version == 4 and cidrs
                   and not any(ipaddress.ip_network(d).overlaps(ipaddress.ip_network(c)) for c in cidrs)]
        if outside:
            return ("leads to the peer VPC's %s only, and %s %s outside: a peering does not carry traffic on to other networks, so "
                    "the route would never carry any. Route %s to what reaches %s (a transit gateway), or give the peer's ranges." % (
                        ", ".join(cidrs), ", ".join(outside), "is" if len(outside) == 1 else "are", ", ".join(outside),
                        "it" if len(outside) == 1 else "them"))
    return None


def _destination_params(destination):
    if ipaddress.ip_network(destination).version == 6:
        return {"DestinationIpv6CidrBlock": destination}
    return {"DestinationCidrBlock": destination}


def apply_routes(ec2, changes, target):
    """Make the planned changes. A create that meets a route made meanwhile replaces it."""
    for change in changes:
        params = dict(RouteTableId=change["route_table_id"], **_destination_params(change["destination"]))
        where = "%s route %s in %s" % (change["action"], change["destination"], change["route_table_id"])
        if change["action"] == "delete":
            call(ec2, "delete_route", where, missing={}, **params)
            continue
        params[TARGET_KEYS[target[0]]] = target[1]
        if change["action"] == "create":
            try:
                call(ec2, "create_route", where, **params)
                continue
            except CrossvpcError as error:
                if error_code(error.error) != "RouteAlreadyExists":
                    raise
        call(ec2, "replace_route", where, **params)
