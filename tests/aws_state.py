"""Both lab accounts' resources as data, for comparing end states: every resource the playbooks make
(and the lab's security groups and routes), read back with boto3, ids replaced by stable names
(a VPC by its Name tag, a peering by its two VPCs, ...), so two runs that made the same things
compare equal. Used by the crash sweep and by the molecule test.
"""

import re
from collections import Counter

ACCOUNTS = {"A": "crossvpc-a", "B": "crossvpc-b"}
GONE = {"deleted", "deleting", "failed-deletion"}
SHAPELESS = re.compile(r"^([a-z]+(?:-[a-z]+)*)-[0-9a-f]{8,17}$")


def tag(resource, key="Name", tags="Tags"):
    return next((t.get("Value", t.get("value")) for t in resource.get(tags) or [] if t.get("Key", t.get("key")) == key), None)


class Names:
    """AWS ids (and ARNs) to stable names; an unknown id keeps only its kind ("igw-?")."""

    def __init__(self):
        self.names = {}

    def add(self, key, name):
        if key:
            self.names[key] = name

    def __call__(self, key):
        if key in self.names:
            return self.names[key]
        match = SHAPELESS.match(key or "")
        return f"{match.group(1)}-?" if match else key

    def many(self, keys):
        return sorted(self(k) for k in keys or [])


def _clients(localaws):
    return {a: {s: localaws.client(s, p) for s in ("ec2", "elbv2", "ram")} for a, p in ACCOUNTS.items()}


def _name_network(names, ec2, account):
    vpcs = ec2.describe_vpcs()["Vpcs"]
    for vpc in vpcs:
        names.add(vpc["VpcId"], tag(vpc) or f"vpc({vpc['CidrBlock']})@{account}")
    for subnet in ec2.describe_subnets()["Subnets"]:
        names.add(subnet["SubnetId"], tag(subnet) or f"subnet({subnet['CidrBlock']})")
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        names.add(group["GroupId"], f"{names(group['VpcId'])}/{group['GroupName']}")
    for table in ec2.describe_route_tables()["RouteTables"]:
        places = sorted("main" if a.get("Main") else names(a.get("SubnetId")) for a in table["Associations"])
        names.add(table["RouteTableId"], f"{names(table['VpcId'])}/rtb[{','.join(places) or tag(table) or '-'}]")


def _rules(names, permissions):
    return sorted([p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"),
                   sorted(r["CidrIp"] for r in p.get("IpRanges", [])),
                   names.many(g["GroupId"] for g in p.get("UserIdGroupPairs", []))] for p in permissions)


def snapshot(localaws):
    """{kind: sorted [identity, attributes]} over both accounts."""
    clients, names, kinds = _clients(localaws), Names(), {}

    def put(kind, identity, attributes):
        kinds.setdefault(kind, []).append([identity, attributes])

    for account, c in clients.items():
        _name_network(names, c["ec2"], account)
    # Names of what the playbooks make, before anything refers to them.
    for account, c in clients.items():
        ec2, elb = c["ec2"], c["elbv2"]
        for lb in elb.describe_load_balancers()["LoadBalancers"]:
            names.add(lb["LoadBalancerArn"], f"nlb:{lb['LoadBalancerName']}")
        for tg in elb.describe_target_groups()["TargetGroups"]:
            names.add(tg["TargetGroupArn"], f"tg:{tg['TargetGroupName']}")
        for service in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]:
            names.add(service["ServiceId"], f"svc:{tag(service)}")
            names.add(service["ServiceName"], f"svc:{tag(service)}")
        for pcx in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]:
            names.add(pcx["VpcPeeringConnectionId"],
                      f"pcx:{names(pcx['RequesterVpcInfo']['VpcId'])}>{names(pcx['AccepterVpcInfo']['VpcId'])}")
        for tgw in ec2.describe_transit_gateways()["TransitGateways"]:
            names.add(tgw["TransitGatewayId"], f"tgw:{tag(tgw) or names(tgw['TransitGatewayId'])}")
            names.add(tgw["TransitGatewayArn"], f"tgw:{tag(tgw)}")
    for account, c in clients.items():
        ec2 = c["ec2"]
        for endpoint in ec2.describe_vpc_endpoints()["VpcEndpoints"]:
            names.add(endpoint["VpcEndpointId"], f"vpce:{tag(endpoint)}@{names(endpoint['VpcId'])}")
        for att in ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]:
            names.add(att["TransitGatewayAttachmentId"], f"attach:{names(att['TransitGatewayId'])}:{names(att['ResourceId'])}")
        for table in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]:
            names.add(table["TransitGatewayRouteTableId"], f"tgw-rtb:{names(table['TransitGatewayId'])}:{tag(table)}")

    for account, c in clients.items():
        ec2, elb, ram = c["ec2"], c["elbv2"], c["ram"]
        for group in ec2.describe_security_groups()["SecurityGroups"]:
            put(f"security_groups@{account}", names(group["GroupId"]),
                {"in": _rules(names, group.get("IpPermissions", [])), "out": _rules(names, group.get("IpPermissionsEgress", []))})
        for table in ec2.describe_route_tables()["RouteTables"]:
            for route in table["Routes"]:
                target = next((route[k] for k in ("GatewayId", "VpcPeeringConnectionId", "TransitGatewayId",
                                                  "NatGatewayId", "NetworkInterfaceId", "VpcEndpointId") if route.get(k)), None)
                destination = route.get("DestinationCidrBlock") or route.get("DestinationPrefixListId")
                put(f"routes@{account}", f"{names(table['RouteTableId'])}:{destination}", [names(target), route.get("State")])
        for lb in elb.describe_load_balancers()["LoadBalancers"]:
            put(f"load_balancers@{account}", names(lb["LoadBalancerArn"]),
                {"state": lb["State"]["Code"], "scheme": lb["Scheme"], "type": lb["Type"], "vpc": names(lb["VpcId"]),
                 "subnets": names.many(z["SubnetId"] for z in lb.get("AvailabilityZones", []))})
            for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
                put(f"listeners@{account}", f"{names(lb['LoadBalancerArn'])}:{listener['Port']}",
                    [listener["Protocol"], names.many(a.get("TargetGroupArn") for a in listener["DefaultActions"])])
        for tg in elb.describe_target_groups()["TargetGroups"]:
            health = elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]
            put(f"target_groups@{account}", names(tg["TargetGroupArn"]),
                {"port": tg["Port"], "protocol": tg["Protocol"], "vpc": names(tg["VpcId"]),
                 "targets": sorted([h["Target"]["Id"], h["Target"].get("Port")] for h in health)})
        for service in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]:
            allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"])["AllowedPrincipals"]
            put(f"endpoint_services@{account}", names(service["ServiceId"]),
                {"state": service.get("ServiceState"), "acceptance": service.get("AcceptanceRequired"),
                 "nlbs": names.many(service.get("NetworkLoadBalancerArns")), "principals": sorted(p["Principal"] for p in allowed)})
            for connection in ec2.describe_vpc_endpoint_connections(
                    Filters=[{"Name": "service-id", "Values": [service["ServiceId"]]}])["VpcEndpointConnections"]:
                if connection.get("VpcEndpointState", "").lower() not in GONE:
                    put(f"endpoint_connections@{account}", f"{names(service['ServiceId'])}<{names(connection['VpcEndpointId'])}",
                        connection.get("VpcEndpointState"))
        for endpoint in ec2.describe_vpc_endpoints()["VpcEndpoints"]:
            if endpoint["State"].lower() not in GONE:
                put(f"endpoints@{account}", names(endpoint["VpcEndpointId"]),
                    {"state": endpoint["State"], "service": names(endpoint["ServiceName"]), "subnets": names.many(endpoint.get("SubnetIds")),
                     "groups": names.many(g["GroupId"] for g in endpoint.get("Groups", [])), "dns": endpoint.get("PrivateDnsEnabled")})
        for pcx in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]:
            if pcx["Status"]["Code"] not in GONE:
                put(f"peerings@{account}", names(pcx["VpcPeeringConnectionId"]),
                    {"status": pcx["Status"]["Code"], "tags": {t["Key"]: t["Value"] for t in pcx.get("Tags", [])},
                     "options": [(pcx.get(side) or {}).get("PeeringOptions") for side in ("RequesterVpcInfo", "AccepterVpcInfo")]})
        for tgw in ec2.describe_transit_gateways()["TransitGateways"]:
            if tgw["State"] not in GONE:
                options = tgw.get("Options", {})
                put(f"transit_gateways@{account}", names(tgw["TransitGatewayId"]),
                    {"state": tgw["State"], "owner": tgw["OwnerId"], **{k: options.get(k) for k in (
                        "AmazonSideAsn", "AutoAcceptSharedAttachments", "DefaultRouteTableAssociation", "DefaultRouteTablePropagation")}})
        for att in ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]:
            if att["State"] not in GONE:
                put(f"tgw_attachments@{account}", names(att["TransitGatewayAttachmentId"]),
                    {"state": att["State"], "owner": att.get("ResourceOwnerId"), "type": att.get("ResourceType"),
                     "association": names((att.get("Association") or {}).get("TransitGatewayRouteTableId"))})
        for table in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]:
            if table["State"] in GONE:
                continue
            table_id = table["TransitGatewayRouteTableId"]
            associated = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table_id)["Associations"]
            propagating = ec2.get_transit_gateway_route_table_propagations(
                TransitGatewayRouteTableId=table_id)["TransitGatewayRouteTablePropagations"]
            routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table_id, Filters=[
                {"Name": "type", "Values": ["static", "propagated"]}])["Routes"]
            put(f"tgw_route_tables@{account}", names(table_id), {
                "state": table["State"],
                "associations": sorted([names(a["TransitGatewayAttachmentId"]), a.get("State")] for a in associated),
                "propagations": sorted([names(p["TransitGatewayAttachmentId"]), p.get("State")] for p in propagating),
                "routes": sorted([r["DestinationCidrBlock"], r["Type"], r["State"],
                                  names.many(a["TransitGatewayAttachmentId"] for a in r.get("TransitGatewayAttachments", []))]
                                 for r in routes)})
        for owner in ("SELF", "OTHER-ACCOUNTS"):
            for share in ram.get_resource_shares(resourceOwner=owner)["resourceShares"]:
                if share["status"] in ("DELETED", "DELETING"):
                    continue
                members = [] if owner != "SELF" else ram.get_resource_share_associations(
                    associationType="PRINCIPAL", resourceShareArns=[share["resourceShareArn"]])["resourceShareAssociations"]
                resources = [] if owner != "SELF" else ram.get_resource_share_associations(
                    associationType="RESOURCE", resourceShareArns=[share["resourceShareArn"]])["resourceShareAssociations"]
                put(f"resource_shares@{account}", f"share:{share['name']}", {
                    "status": share["status"], "owner": owner,
                    "principals": sorted([m["associatedEntity"], m["status"]] for m in members),
                    "resources": sorted([names(r["associatedEntity"]), r["status"]] for r in resources)})
    return {kind: sorted(items, key=repr) for kind, items in sorted(kinds.items())}


def duplicates(snap):
    """{kind: [identity listed more than once]}."""
    found = {}
    for kind, items in snap.items():
        twice = sorted(i for i, n in Counter(item[0] for item in items).items() if n > 1)
        if twice:
            found[kind] = twice
    return found


def difference(snap, other):
    """What ``snap`` has that ``other`` has not, and the reverse, per kind (for messages)."""
    diff = {}
    for kind in sorted(set(snap) | set(other)):
        mine, theirs = snap.get(kind, []), other.get(kind, [])
        extra = [i for i in mine if i not in theirs]
        missing = [i for i in theirs if i not in mine]
        if extra or missing:
            diff[kind] = {"extra": extra, "missing": missing}
    return diff
