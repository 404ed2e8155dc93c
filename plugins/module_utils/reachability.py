# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Follow the path from a client subnet to a destination with Describe calls only, and say whether
traffic can flow and, if not, which hop is the first broken one and how to fix it.

The evaluation functions (longest-prefix match, security groups, network ACLs) are plain functions
over boto3's data. Walk takes a ``connect(account, service, region)`` callable that returns a
client for another account, or None when no profile was given for it: such hops are reported as
not checked (ok None) rather than broken.

What is modelled, and what is not:
- routes: IPv4 CIDR routes, longest prefix first; prefix-list destinations are skipped.
- security groups: CIDR rules and rules that reference a group on the other end; prefix-list rules
  are noted and not evaluated. Groups are stateful, so only the first packet's direction counts.
- network ACLs: stateless, so both the request (the service port) and the reply (ephemeral ports
  1024-65535) are checked, rules in number order, first match wins, ``*`` denies. A deny that
  touches part of the traffic counts as a deny: some connections would fail.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import (
    CrossvpcError, InvalidInput, call, error_code, paginate, tags_of)
from ansible_collections.crossvpc.aws.plugins.module_utils.routes import target_of

PROTOCOL_NUMBERS = {"tcp": "6", "udp": "17"}
EPHEMERAL = (1024, 65535)

# Hops in the order a packet meets them; the first one not ok is the broken hop.
ADDRESS_ORDER = ("source security group", "source network ACL", "source route table", "peering connection",
                 "transit gateway attachment", "transit gateway route table", "destination transit gateway attachment",
                 "destination network ACL", "destination security group", "destination route table")
PRIVATELINK_ORDER = ("source security group", "source network ACL", "interface endpoint", "endpoint network ACL",
                     "endpoint security group", "endpoint service", "endpoint connection", "load balancer listener",
                     "target group", "destination security group")

GONE_ENDPOINT_STATES = ("deleted", "deleting")
DEAD_ATTACHMENT_STATES = ("deleted", "deleting", "failed", "rejected")
NO_PROFILE = "not checked: give account_profiles for %s"
SKIPPED = "not checked: an earlier hop is broken"


# --- input -------------------------------------------------------------------------------------

def validate(params, region):
    """Check the options before any API call; returns the destination as an IPv4 network or None."""
    source, destination = params["source"], params["destination"]
    if bool(source.get("subnet_id")) == bool(source.get("subnet_name")):
        raise InvalidInput("source", {k: source.get(k) for k in ("subnet_id", "subnet_name")},
                           "needs exactly one of subnet_id and subnet_name.", "Give the client's subnet one way.")
    if source.get("subnet_id"):
        validation.resource_id("source.subnet_id", source["subnet_id"], "subnet")
    for side, value in (("source", source), ("destination", destination)):
        if value.get("security_group_ids") and value.get("security_group_names"):
            raise InvalidInput("%s.security_group_ids" % side, value["security_group_ids"],
                               "and %s.security_group_names are both given." % side, "Give one of them.")
        validation.resource_ids("%s.security_group_ids" % side, value.get("security_group_ids"), "sg")
    if not (source.get("security_group_ids") or source.get("security_group_names")):
        raise InvalidInput("source.security_group_ids", None, "is missing.",
                           "Give the client's security groups (security_group_ids or security_group_names).")
    if bool(destination.get("address")) == bool(destination.get("service_name")):
        raise InvalidInput("destination", {k: destination.get(k) for k in ("address", "service_name")},
                           "needs exactly one of address and service_name.",
                           "Use address for peering and Transit Gateway paths, service_name for PrivateLink.")
    port = destination.get("port")
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        raise InvalidInput("destination.port", port, "is not a port.", "Use a number from 1 to 65535.")
    for account in params.get("account_profiles") or {}:
        validation.account_id("account_profiles", account, "Key each profile by its 12-digit account id.")
    if destination.get("service_name"):
        validation.service_name("destination.service_name", destination["service_name"], region)
        return None
    return address_network(destination["address"])


def address_network(value):
    """An IPv4 address (as a /32) or CIDR block."""
    parameter, text = "destination.address", str(value)
    if "/" in text:
        network = validation.cidr(parameter, text)
    else:
        try:
            network = ipaddress.ip_network(text)
        except ValueError:
            raise InvalidInput(parameter, value, "is not an IP address or CIDR.", "For example 10.1.1.10 or 10.1.0.0/16.")
    if network.version != 4:
        raise InvalidInput(parameter, value, "is IPv6.", "Only IPv4 paths are followed: give an IPv4 address or CIDR.")
    return network


# --- evaluation (pure) -----------------------------------------------------------------------------

def net(value):
    return ipaddress.ip_network(value, strict=False)


def is_address(value):
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def longest_prefix_route(routes, destination):
    """The route AWS uses for all of ``destination`` (a network): the most specific IPv4 route whose
    CIDR contains it. Blackhole routes take part, as on AWS; prefix-list routes are skipped."""
    best, best_network = None, None
    for route in routes:
        cidr = route.get("DestinationCidrBlock")
        if not cidr:
            continue
        network = net(cidr)
        if network.version == destination.version and destination.subnet_of(network) and (
                best_network is None or network.prefixlen > best_network.prefixlen):
            best, best_network = route, network
    return best


def vpc_cidr_of(routes, network):
    """The VPC CIDR block that holds ``network`` (a subnet of it): the table's local route that
    contains it, else ``network`` itself."""
    for route in routes:
        cidr = route.get("DestinationCidrBlock")
        if cidr and route.get("GatewayId") == "local":
            block = net(cidr)
            if block.version == network.version and network.subnet_of(block):
                return block
    return network


def _protocol_matches(rule_protocol, protocol):
    value = str(rule_protocol).lower()
    return value in ("-1", "all") or value in (protocol, PROTOCOL_NUMBERS[protocol])


def _rule_ports(rule):
    """(from, to) of a security group rule or a NACL entry; all ports for protocol -1."""
    if str(rule.get("IpProtocol", rule.get("Protocol"))) == "-1":
        return 0, 65535
    if "PortRange" in rule or "RuleNumber" in rule:
        ports = rule.get("PortRange") or {}
        return ports.get("From", 0), ports.get("To", 65535)
    low, high = rule.get("FromPort"), rule.get("ToPort")
    if low is None or low == -1:
        return 0, 65535
    return low, high


def security_groups_allow(groups, direction, protocol, port, peer, peer_group_ids=()):
    """Whether any of ``groups`` lets ``protocol``/``port`` in from (ingress) or out to (egress)
    ``peer`` (a network), or the groups ``peer_group_ids``. Returns (allowed, why, notes)."""
    key = "IpPermissions" if direction == "ingress" else "IpPermissionsEgress"
    notes = []
    for group in groups:
        for rule in group.get(key) or []:
            low, high = _rule_ports(rule)
            if not _protocol_matches(rule.get("IpProtocol"), protocol) or not low <= port <= high:
                continue
            what = "%s %s %s" % (group["GroupId"], direction, "all traffic" if str(rule.get("IpProtocol")) == "-1"
                                 else "%s %s-%s" % (rule.get("IpProtocol"), low, high))
            for ip_range in rule.get("IpRanges") or []:
                if peer.subnet_of(net(ip_range["CidrIp"])):
                    return True, "%s %s %s" % (what, "from" if direction == "ingress" else "to", ip_range["CidrIp"]), notes
            for pair in rule.get("UserIdGroupPairs") or []:
                if pair.get("GroupId") in peer_group_ids:
                    return True, "%s %s group %s" % (what, "from" if direction == "ingress" else "to", pair["GroupId"]), notes
            for prefix_list in rule.get("PrefixListIds") or []:
                notes.append("prefix list %s in %s not evaluated" % (prefix_list.get("PrefixListId"), group["GroupId"]))
    return False, None, notes


def nacl_verdict(entries, egress, protocol, ports, peer):
    """(allowed, deciding entry) for ``protocol`` traffic on ``ports`` (from, to) out to (egress) or
    in from ``peer``. Rules in number order, first match wins; a deny touching any of the traffic
    decides (some connections fail), an allow decides only when it covers all of it."""
    entries = sorted((e for e in entries if bool(e.get("Egress")) == egress and e.get("CidrBlock")),
                     key=lambda e: e["RuleNumber"])
    for entry in entries:
        if not _protocol_matches(entry.get("Protocol"), protocol):
            continue
        low, high = _rule_ports(entry)
        network = net(entry["CidrBlock"])
        if entry.get("RuleAction") == "deny":
            if network.overlaps(peer) and low <= ports[1] and ports[0] <= high:
                return False, entry
        elif peer.subnet_of(network) and low <= ports[0] and ports[1] <= high:
            return True, entry
    return False, None


def describe_entry(entry):
    if entry is None:
        return "the default rule (*) denies it"
    number = "*" if entry["RuleNumber"] == 32767 else entry["RuleNumber"]
    low, high = _rule_ports(entry)
    ports = "all ports" if (low, high) == (0, 65535) else "ports %s-%s" % (low, high)
    return "rule %s: %s protocol %s %s %s %s" % (number, entry["RuleAction"], entry.get("Protocol"), ports,
                                                 "to" if entry.get("Egress") else "from", entry["CidrBlock"])


def nacl_check(acl, protocol, port, peer, outbound):
    """(ok, detail) for one subnet's ACL: with ``outbound`` the request leaves to ``peer`` on
    ``port`` and the reply comes back on ephemeral ports; else the request arrives from ``peer``."""
    legs = ((True, (port, port), "request to"), (False, EPHEMERAL, "reply from")) if outbound else \
        ((False, (port, port), "request from"), (True, EPHEMERAL, "reply to"))
    seen = []
    for egress, ports, what in legs:
        allowed, entry = nacl_verdict(acl.get("Entries") or [], egress, protocol, ports, peer)
        leg = "%s %s (%s %s): %s" % ("egress" if egress else "ingress", what, peer, "port %s" % port
                                     if ports[0] == ports[1] else "ports %s-%s" % ports, describe_entry(entry))
        if not allowed:
            return False, "%s %s" % (acl["NetworkAclId"], leg)
        seen.append(leg)
    return True, "%s allows %s" % (acl["NetworkAclId"], "; ".join(seen))


def nacl_fix(acl_id, protocol, port, peer, outbound):
    if outbound:
        return ("In %s allow egress %s %s to %s and ingress %s 1024-65535 from %s, with rule numbers lower than any "
                "deny that matches." % (acl_id, protocol, port, peer, protocol, peer))
    return ("In %s allow ingress %s %s from %s and egress %s 1024-65535 to %s, with rule numbers lower than any "
            "deny that matches." % (acl_id, protocol, port, peer, protocol, peer))


# --- results -------------------------------------------------------------------------------------

VERDICTS = {True: "ok", False: "BROKEN", None: "not checked"}


def hop_table(hops):
    """The hops as Markdown table rows (hop, verdict, resource, detail), header first: printed as
    they are, and put in connect.yml's report."""
    def cell(text):
        return str(text if text is not None else "-").replace("|", "\\|").replace("\n", " ")

    return ["| Hop | Verdict | Resource | Detail |", "|---|---|---|---|"] + [
        "| %s | %s | %s | %s |" % (cell(h["hop"]), VERDICTS[h["ok"]], cell(h["resource"]), cell(h["detail"])) for h in hops]


def summarize(path, hops, order, notes=()):
    """The module's result from the hops: the first hop not ok (in packet order) is the broken one.
    A hop not checked (no profile for its account, no groups known) is said, never counted as allowing."""
    ordered = sorted(hops, key=lambda h: order.index(h["hop"]))
    broken = next((h for h in ordered if h["ok"] is False), None)
    unchecked = [h for h in ordered if h["ok"] is None and h["detail"] != SKIPPED]
    if broken:
        msg = "Not reachable: %s %s (account %s): %s Fix: %s" % (
            broken["hop"], broken["resource"], broken["account"], broken["detail"], broken["fix"])
    elif unchecked:
        msg = "Reachable as far as checked; %d hop(s) not checked: %s" % (
            len(unchecked), "; ".join("%s (%s)" % (h["hop"], h["detail"]) for h in unchecked))
    else:
        msg = "Reachable over %s: every hop allows it." % path
    return {
        "reachable": broken is None,
        "path": path,
        "hops": [dict((k, h[k]) for k in ("hop", "resource", "account", "ok", "detail")) for h in ordered],
        "broken_hop": dict((k, broken[k]) for k in ("hop", "resource", "account", "detail", "fix")) if broken else None,
        "msg": msg,
        "table": hop_table(ordered),
        "warnings": ["%s %s: %s" % (h["hop"], h["resource"], h["detail"]) for h in unchecked] + list(notes),
    }


# --- reading ---------------------------------------------------------------------------------------

def find_subnet(ec2, subnet_id=None, name=None):
    if subnet_id:
        found = paginate(ec2, "describe_subnets", "Subnets", "describe subnet %s" % subnet_id,
                         Filters=[{"Name": "subnet-id", "Values": [subnet_id]}])
        found = [s for s in found if s["SubnetId"] == subnet_id]
        parameter, value = "source.subnet_id", subnet_id
    else:
        found = paginate(ec2, "describe_subnets", "Subnets", "find subnet %s" % name,
                         Filters=[{"Name": "tag:Name", "Values": [name]}])
        found = [s for s in found if tags_of(s).get("Name") == name]
        parameter, value = "source.subnet_name", name
    if not found:
        raise InvalidInput(parameter, value, "matches no subnet in this account and region.",
                           "Check it, and that the module's credentials are the source account's.")
    if len(found) > 1:
        raise InvalidInput(parameter, value, "matches %d subnets (%s)." % (len(found), ", ".join(
            s["SubnetId"] for s in found)), "Use source.subnet_id.")
    return found[0]


def subnets_by_id(ec2, subnet_ids):
    if not subnet_ids:
        return []
    found = paginate(ec2, "describe_subnets", "Subnets", "describe subnets",
                     Filters=[{"Name": "subnet-id", "Values": list(subnet_ids)}])
    return [s for s in found if s["SubnetId"] in subnet_ids]


def attachment_zones(ec2, attachment_id):
    """The zones of a VPC attachment's subnets, or None when the attachment cannot be read (no zone check then)."""
    attachments = call(ec2, "describe_transit_gateway_vpc_attachments", "describe %s" % attachment_id, missing={},
                       TransitGatewayAttachmentIds=[attachment_id]).get("TransitGatewayVpcAttachments", [])
    if not attachments:
        return None
    return sorted(set(s["AvailabilityZone"] for s in subnets_by_id(ec2, [i for a in attachments for i in a.get("SubnetIds") or []])))


def interfaces_of(ec2, vpc_id, targets):
    """{target: the network interface of ``vpc_id`` that receives its traffic} for ``targets``: IP addresses (the interface
    that holds one) and instance ids (the instance's primary interface). Targets no interface takes are left out."""
    addresses, instances = [t for t in targets if is_address(t)], [t for t in targets if t.startswith("i-")]
    found = []
    for name, values in (("addresses.private-ip-address", addresses), ("attachment.instance-id", instances)):
        if values:
            found += paginate(ec2, "describe_network_interfaces", "NetworkInterfaces", "find the network interfaces of %s" % ", ".join(values),
                              Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": name, "Values": values}])
    taken = {}
    for interface in [i for i in found if i.get("VpcId") == vpc_id]:
        held = [a.get("PrivateIpAddress") for a in interface.get("PrivateIpAddresses") or []] + [interface.get("PrivateIpAddress")]
        attachment = interface.get("Attachment") or {}
        if attachment.get("InstanceId") in instances and attachment.get("DeviceIndex", 0) == 0:
            held.append(attachment["InstanceId"])
        taken.update((t, interface) for t in targets if t in held)
    return taken


def find_groups(ec2, vpc_id, ids, names, parameter):
    """The security groups named by id or by name in ``vpc_id``; any missing one is an error."""
    if ids:
        found = paginate(ec2, "describe_security_groups", "SecurityGroups", "describe security groups",
                         Filters=[{"Name": "group-id", "Values": list(ids)}])
        found = dict((g["GroupId"], g) for g in found if g.get("VpcId") == vpc_id)
        missing = [i for i in ids if i not in found]
        wanted, key = ids, "_ids"
    else:
        found = paginate(ec2, "describe_security_groups", "SecurityGroups", "find security groups",
                         Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "group-name", "Values": list(names)}])
        found = dict((g["GroupName"], g) for g in found if g.get("VpcId") == vpc_id)
        missing = [n for n in names if n not in found]
        wanted, key = names, "_names"
    if missing:
        raise InvalidInput(parameter + key, missing, "not found in %s." % vpc_id,
                           "Give security groups of that VPC, as its own account sees them.")
    return [found[w] for w in wanted]


def route_table_of(ec2, subnet):
    """The subnet's explicitly associated table, else its VPC's main table."""
    tables = paginate(ec2, "describe_route_tables", "RouteTables", "find the route table of %s" % subnet["SubnetId"],
                      Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])
    for table in tables:
        if any(a.get("SubnetId") == subnet["SubnetId"] for a in table.get("Associations") or []):
            return table
    tables = paginate(ec2, "describe_route_tables", "RouteTables", "find the main route table of %s" % subnet["VpcId"],
                      Filters=[{"Name": "vpc-id", "Values": [subnet["VpcId"]]}, {"Name": "association.main", "Values": ["true"]}])
    main = [t for t in tables if t.get("VpcId") == subnet["VpcId"] and any(a.get("Main") for a in t.get("Associations") or [])]
    if not main:
        raise CrossvpcError("No route table found for %s, nor a main one for %s." % (subnet["SubnetId"], subnet["VpcId"]))
    return main[0]


def acl_of(ec2, subnet):
    acls = paginate(ec2, "describe_network_acls", "NetworkAcls", "find the network ACL of %s" % subnet["SubnetId"],
                    Filters=[{"Name": "association.subnet-id", "Values": [subnet["SubnetId"]]}])
    acls = [a for a in acls if any(s.get("SubnetId") == subnet["SubnetId"] for s in a.get("Associations") or [])]
    if not acls:
        raise CrossvpcError("No network ACL is associated with %s." % subnet["SubnetId"])
    return acls[0]


def first_of(items, key, preferred):
    """The item whose ``key`` comes first in ``preferred`` (then any other)."""
    def rank(item):
        return preferred.index(item.get(key)) if item.get(key) in preferred else len(preferred)

    return sorted(items, key=rank)[0] if items else None


# --- the walk --------------------------------------------------------------------------------------

class Walk:
    """One reachability check: call run() once; read the result from summarize()."""

    def __init__(self, params, region, connect):
        self.source_params = params["source"]
        self.profile_accounts = list(params.get("account_profiles") or {})
        self.destination_params = params["destination"]
        self.protocol = self.destination_params.get("protocol") or "tcp"
        self.port = self.destination_params["port"]
        self.region = region
        self._connect = connect
        self._clients = {}
        self.hops = []
        self.notes = []  # warnings beyond the hops' own
        self.destination_subnets = []
        self.path = None
        self.inter_region = False

    # clients: the module's own for the source account, else account_profiles' or None
    def client(self, account, service="ec2", region=None):
        region = region or self.region
        own = account == self.source_account
        key = (None if own else account, service, region)
        if key not in self._clients:
            self._clients[key] = self._connect(None if own else account, service, region)
        return self._clients[key]

    def add(self, hop, resource, account, ok, detail, fix=None):
        self.hops.append({"hop": hop, "resource": resource, "account": account, "ok": ok, "detail": detail, "fix": fix})

    def skip(self, hops, resource, account, detail=SKIPPED):
        for hop in hops:
            self.add(hop, resource, account, None, detail)

    def run(self, destination_network):
        ec2 = self._connect(None, "ec2", self.region)
        self.subnet = find_subnet(ec2, self.source_params.get("subnet_id"), self.source_params.get("subnet_name"))
        self.source_account = self.subnet["OwnerId"]
        self._clients[(None, "ec2", self.region)] = ec2
        self.source_cidr = self.source_vpc_cidr = net(self.subnet["CidrBlock"])
        self.source_groups = find_groups(ec2, self.subnet["VpcId"], self.source_params.get("security_group_ids"),
                                         self.source_params.get("security_group_names"), "source.security_group")
        self.source_group_ids = [g["GroupId"] for g in self.source_groups]
        if destination_network is None:
            self.path = "privatelink"
            self.privatelink(self.destination_params["service_name"])
            return summarize(self.path, self.hops, PRIVATELINK_ORDER, self.notes)
        self.destination = destination_network
        self.address()
        return summarize(self.path, self.hops, ADDRESS_ORDER, self.notes)

    # --- address paths -------------------------------------------------------------------------

    def address(self):
        ec2, account, dest = self.client(self.source_account), self.source_account, self.destination
        table = route_table_of(ec2, self.subnet)
        table_id = table["RouteTableId"]
        # Fixes name the range a return route or a rule needs: the VPC's CIDR that holds the source subnet.
        self.source_vpc_cidr = vpc_cidr_of(table.get("Routes") or [], self.source_cidr)
        route = longest_prefix_route(table.get("Routes") or [], dest)
        target, target_id = target_of(route) if route else (None, None)
        destination_groups = []
        later = ("peering connection", "destination network ACL", "destination security group", "destination route table")
        if route is None:
            self.add("source route table", table_id, account, False,
                     "%s has no route for %s (the subnet %s uses it)." % (table_id, dest, self.subnet["SubnetId"]),
                     "Add a route for the destination VPC's CIDR to the peering connection or transit gateway that "
                     "reaches it, in %s (crossvpc.aws.vpc_route, or the routes of playbooks/peering.yml or "
                     "playbooks/transit_gateway.yml)." % table_id)
            self.skip(later, dest.with_prefixlen, None)
        elif route.get("State") == "blackhole":
            self.add("source route table", table_id, account, False,
                     "%s routes %s to %s, which is a blackhole (the target is gone)." % (
                         table_id, route["DestinationCidrBlock"], target_id),
                     "Point the route for %s in %s at a live peering connection or transit gateway "
                     "(crossvpc.aws.vpc_route replaces it)." % (route["DestinationCidrBlock"], table_id))
            self.skip(later, target_id, None)
        elif target_id == "local":
            self.path = "local"
            self.add("source route table", table_id, account, True, "%s is in this VPC: local route %s." % (
                dest, route["DestinationCidrBlock"]))
            destination_groups = self.destination_side(account, self.region, self.subnet["VpcId"], None)
        elif target == "vpc_peering_connection_id":
            self.path = "peering"
            self.add("source route table", table_id, account, True, "%s routes %s to %s." % (
                table_id, route["DestinationCidrBlock"], target_id))
            destination_groups = self.peering(target_id)
        elif target == "transit_gateway_id":
            self.path = "transit_gateway"
            self.add("source route table", table_id, account, True, "%s routes %s to %s." % (
                table_id, route["DestinationCidrBlock"], target_id))
            destination_groups = self.transit_gateway(target_id)
        else:
            self.add("source route table", table_id, account, False,
                     "%s routes %s to %s (%s), which does not lead to another VPC." % (
                         table_id, route["DestinationCidrBlock"], target_id, target),
                     "Route %s in %s to a VPC peering connection or a transit gateway." % (dest, table_id))
            self.skip(later, target_id, None)
        # A rule cannot reference a group across an inter-region peering: only CIDRs count there.
        self.source_filters(dest, [] if self.inter_region else [g["GroupId"] for g in destination_groups], [dest])

    def source_filters(self, dest, destination_group_ids, peers):
        """The source subnet's security groups (egress to ``dest`` on the port) and NACL (to each of
        ``peers``, skipping the subnet itself: traffic inside a subnet meets no ACL)."""
        allowed, why, notes = security_groups_allow(self.source_groups, "egress", self.protocol, self.port, dest,
                                                    destination_group_ids)
        groups = ", ".join(self.source_group_ids)
        if allowed:
            self.add("source security group", groups, self.source_account, True, why + "".join("; " + n for n in notes))
        else:
            self.add("source security group", groups, self.source_account, False,
                     "No egress rule of %s allows %s %s to %s.%s" % (groups, self.protocol, self.port, dest,
                                                                     "".join(" " + n + "." for n in notes)),
                     "Add an egress rule for %s %s to %s to one of %s." % (self.protocol, self.port, dest, groups))
        acl = acl_of(self.client(self.source_account), self.subnet)
        checked = False
        for peer in peers:
            if peer.subnet_of(self.source_cidr):
                continue
            checked = True
            ok, detail = nacl_check(acl, self.protocol, self.port, peer, outbound=True)
            self.add("source network ACL", acl["NetworkAclId"], self.source_account, ok, detail,
                     None if ok else nacl_fix(acl["NetworkAclId"], self.protocol, self.port, peer, True))
        if not checked:
            self.add("source network ACL", acl["NetworkAclId"], self.source_account, True,
                     "the destination is in the source subnet: network ACLs do not apply.")

    def destination_side(self, account, region, vpc_id, via):
        """The destination subnets in ``vpc_id``: their NACLs, route back (to ``via``, (key, id), or
        local when None), and the destination security groups. Returns those groups."""
        hops = ("destination network ACL", "destination security group", "destination route table")
        ec2 = self.client(account, "ec2", region)
        if ec2 is None:
            self.skip(hops, vpc_id, account, NO_PROFILE % account)
            return []
        dest = self.destination
        subnets = [s for s in paginate(ec2, "describe_subnets", "Subnets", "describe subnets of %s" % vpc_id,
                                       Filters=[{"Name": "vpc-id", "Values": [vpc_id]}]) if s["VpcId"] == vpc_id]
        chosen = sorted((s for s in subnets if dest.subnet_of(net(s["CidrBlock"])) or net(s["CidrBlock"]).subnet_of(dest)),
                        key=lambda s: s["CidrBlock"])
        groups = self.destination_groups(ec2, account, region, vpc_id)
        if not chosen:
            self.add("destination route table", vpc_id, account, False, "No subnet of %s (%s) holds %s." % (
                vpc_id, ", ".join(s["CidrBlock"] for s in subnets) or "no subnets", dest),
                "Check destination.address: the route leads to %s, so the address must be in one of its subnets." % vpc_id)
            return groups
        self.destination_subnets = chosen
        for subnet in chosen:
            self.return_route(ec2, account, subnet, via)
            if subnet["SubnetId"] == self.subnet["SubnetId"]:
                continue
            acl = acl_of(ec2, subnet)
            ok, detail = nacl_check(acl, self.protocol, self.port, self.source_cidr, outbound=False)
            self.add("destination network ACL", acl["NetworkAclId"], account, ok, "%s: %s" % (subnet["SubnetId"], detail),
                     None if ok else nacl_fix(acl["NetworkAclId"], self.protocol, self.port, self.source_cidr, False))
        if not any(h["hop"] == "destination network ACL" for h in self.hops):
            self.add("destination network ACL", self.subnet["SubnetId"], account, True,
                     "the destination is in the source subnet: network ACLs do not apply.")
        return groups

    def named_groups(self, ec2, vpc_id):
        """destination.security_group_ids or _names, looked up in ``vpc_id``."""
        wanted = self.destination_params
        if not (wanted.get("security_group_ids") or wanted.get("security_group_names")):
            return []
        return find_groups(ec2, vpc_id, wanted.get("security_group_ids"), wanted.get("security_group_names"),
                           "destination.security_group")

    def carried(self, ec2, vpc_id, targets):
        """What AWS evaluates at the destination: [(interface id, what, groups)], one per network interface of ``vpc_id`` that takes the
        traffic of ``targets`` (groups None: it carries none, so nothing filters), else the named groups (what the workload
        will carry), else []. Named groups on none of those interfaces, and targets no interface takes, are warned about."""
        named = self.named_groups(ec2, vpc_id)
        try:
            taken = interfaces_of(ec2, vpc_id, targets)
        except CrossvpcError as error:  # a far-side profile without ec2:DescribeNetworkInterfaces: say so, and go on
            self.notes.append("destination security group: the network interfaces of %s could not be read (%s), so the named "
                              "groups, if any, stood for the workload's." % (vpc_id, error_code(error.error) or error.message))
            taken = {}
        if not taken:
            where = " (no network interface of %s takes %s yet)" % (vpc_id, ", ".join(targets)) if targets else ""
            return [(None, "the named groups%s" % where, named)] if named else []
        interfaces = dict((i["NetworkInterfaceId"], i) for i in taken.values())
        missing = [t for t in targets if t not in taken]
        if missing:
            self.notes.append("destination security group: no network interface of %s takes %s, so %s not checked." % (
                vpc_id, ", ".join(missing), "it is" if len(missing) == 1 else "they are"))
        on = sorted(set(g["GroupId"] for i in interfaces.values() for g in i.get("Groups") or []))
        groups = dict((g["GroupId"], g) for g in find_groups(ec2, vpc_id, on, None, "destination.security_group")) if on else {}
        off = [g for g in named if g["GroupId"] not in groups]
        if off:
            one = len(off) == 1
            self.notes.append("destination security group: %s, named in destination.security_group_*, %s not on %s, the network "
                              "interface%s of %s: %s not apply. Attach %s to the workload, or name the groups it carries." % (
                                  ", ".join("%s (%s)" % (g["GroupId"], g.get("GroupName")) for g in off), "is" if one else "are",
                                  ", ".join(sorted(interfaces)), "s" if len(interfaces) > 1 else "", ", ".join(sorted(taken)),
                                  "it does" if one else "they do", "it" if one else "them"))
        labels = dict((i, "%s, the %snetwork interface of %s" % (
            i, "" if interfaces[i].get("InterfaceType") in (None, "interface") else interfaces[i]["InterfaceType"] + " ",
            ", ".join(t for t in targets if taken.get(t) is interfaces[i]))) for i in interfaces)
        return [(i, labels[i], [groups[g["GroupId"]] for g in interfaces[i].get("Groups") or [] if g["GroupId"] in groups] or None)
                for i in sorted(interfaces)]

    def destination_groups(self, ec2, account, region, vpc_id):
        """The destination security group hop, from the groups of the interface at the address (see carried).
        Returns the groups evaluated."""
        dest = self.destination
        addresses = [str(dest.network_address)] if dest.num_addresses == 1 else []
        carried = self.carried(ec2, vpc_id, addresses)
        if not carried:
            self.add("destination security group", vpc_id, account, None,
                     "not checked: no network interface of %s holds %s, and no destination security groups are given. Name the "
                     "groups its workload carries in destination.security_group_names." % (vpc_id, addresses[0]) if addresses else
                     "not checked: the destination is a range; name the groups of its workloads in destination.security_group_names.")
            return []
        [(interface, what, groups)] = carried
        if groups is None:
            self.add("destination security group", interface, account, True, "%s carries no security group: nothing filters." % what)
            return []
        ids = ", ".join(g["GroupId"] for g in groups)
        group_ids = [] if self.inter_region else self.source_group_ids
        allowed, why, notes = security_groups_allow(groups, "ingress", self.protocol, self.port, self.source_cidr, group_ids)
        self.add("destination security group", ids, account, allowed,
                 "%s: %s" % (what, why if allowed else "no ingress rule of %s allows %s %s from %s%s." % (
                     ids, self.protocol, self.port, self.source_cidr, " or from %s" % ", ".join(group_ids) if group_ids else ""))
                 + "".join("; " + n for n in notes),
                 None if allowed else self.ingress_fix(ids, account, region))
        return groups

    def source_range(self):
        """The source VPC's CIDR, as fixes name it, with the source subnet when that is narrower."""
        if self.source_vpc_cidr == self.source_cidr:
            return "%s (the source VPC's CIDR)" % self.source_vpc_cidr
        return "%s (the source VPC's CIDR, which holds the source subnet %s)" % (self.source_vpc_cidr, self.source_cidr)

    def ingress_fix(self, ids, account, region):
        """A rule from the source VPC's CIDR; a reference to the client's group where AWS takes one:
        in one VPC and over same-region peering, not over inter-region peering."""
        rule = "Add an ingress rule for %s %s from %s" % (self.protocol, self.port, self.source_range())
        if self.inter_region:
            return ("%s to one of %s. The client's VPC is in %s and this one in %s: over an inter-region peering a "
                    "rule cannot reference the client's security group, only its CIDR." % (rule, ids, self.region, region))
        if self.path in ("local", "peering"):
            groups = ", ".join(self.source_group_ids)
            return "%s, or from the client's group %s%s, to one of %s." % (
                rule, groups, "" if account == self.source_account else " (account %s)" % self.source_account, ids)
        return "%s to one of %s." % (rule, ids)

    def return_route_fix(self, table, subnet_id, route, via):
        """What makes ``table`` send replies for the source VPC to ``via``: a route for the source
        VPC's CIDR; when the route that wins today is that CIDR or narrower, changing or deleting it."""
        table_id, vpc = table["RouteTableId"], self.source_vpc_cidr
        target = "%s %s" % ("the peering connection" if via[0] == "vpc_peering_connection_id" else "the transit gateway",
                            via[1])
        where = "in %s, the table of %s" % (table_id, subnet_id)
        how = "(crossvpc.aws.vpc_route, or the routes of the playbook that built the path)"
        cidr = net(route["DestinationCidrBlock"]) if route else None
        if cidr is None or not cidr.subnet_of(vpc):
            return "Add a route for %s to %s %s %s." % (self.source_range(), target, where, how)
        if cidr == vpc:
            return "Point the route for %s %s, at %s %s." % (self.source_range(), where, target, how)
        covered = any(r.get("DestinationCidrBlock") == str(vpc) and r.get("State") != "blackhole" and target_of(r) == via
                      for r in table.get("Routes") or [])
        return ("The route for %s %s, is narrower than the source VPC's CIDR %s and wins by longest prefix: point it at "
                "%s, or delete it%s %s." % (cidr, where, vpc, target, "" if covered else " and add a route for %s to %s" % (
                    vpc, via[1]), how))

    def return_route(self, ec2, account, subnet, via):
        table = route_table_of(ec2, subnet)
        table_id = table["RouteTableId"]
        if via is None:
            self.add("destination route table", table_id, account, True, "%s: local route back to %s." % (
                subnet["SubnetId"], self.source_cidr))
            return
        route = longest_prefix_route(table.get("Routes") or [], self.source_cidr)
        target = target_of(route) if route else (None, None)
        fix = self.return_route_fix(table, subnet["SubnetId"], route, via)
        if route is None:
            self.add("destination route table", table_id, account, False, "%s (the table of %s) has no route back to %s." % (
                table_id, subnet["SubnetId"], self.source_cidr), fix)
        elif route.get("State") == "blackhole":
            self.add("destination route table", table_id, account, False, "%s routes %s back to %s, a blackhole." % (
                table_id, route["DestinationCidrBlock"], target[1]), fix)
        elif target != via:
            self.add("destination route table", table_id, account, False, "%s routes %s back to %s, not %s: replies take "
                     "another path." % (table_id, route["DestinationCidrBlock"], target[1], via[1]), fix)
        else:
            self.add("destination route table", table_id, account, True, "%s: %s routes %s back to %s." % (
                subnet["SubnetId"], table_id, route["DestinationCidrBlock"], via[1]))

    def peering(self, pcx_id):
        ec2, account = self.client(self.source_account), self.source_account
        later = ("destination network ACL", "destination security group", "destination route table")
        found = call(ec2, "describe_vpc_peering_connections", "describe %s" % pcx_id, missing={},
                     VpcPeeringConnectionIds=[pcx_id]).get("VpcPeeringConnections", [])
        found = [c for c in found if c["VpcPeeringConnectionId"] == pcx_id]
        if not found:
            self.add("peering connection", pcx_id, account, False, "%s does not exist (any more)." % pcx_id,
                     "Peer the VPCs again (playbooks/peering.yml) and point the routes at the new connection.")
            self.skip(later, pcx_id, None)
            return []
        connection = found[0]
        status = connection.get("Status", {}).get("Code")
        requester, accepter = connection["RequesterVpcInfo"], connection["AccepterVpcInfo"]
        peer = accepter if requester.get("VpcId") == self.subnet["VpcId"] else requester
        if status != "active":
            fixes = {"pending-acceptance": "The accepter account %s accepts it: crossvpc.aws.vpc_peering with side=accepter "
                                           "(the accepter play of playbooks/peering.yml)." % accepter.get("OwnerId"),
                     "provisioning": "Wait: AWS is making it active.",
                     "initiating-request": "Wait, then have the accepter account %s accept it." % accepter.get("OwnerId")}
            self.add("peering connection", pcx_id, account, False, "%s is %s: %s" % (
                pcx_id, status, connection.get("Status", {}).get("Message", "")),
                fixes.get(status, "It will not come back: peer the VPCs again (playbooks/peering.yml) and point the "
                                  "routes at the new connection."))
            self.skip(later, peer.get("VpcId"), peer.get("OwnerId"))
            return []
        cidrs = sorted(set([b["CidrBlock"] for b in peer.get("CidrBlockSet") or []] +
                           ([peer["CidrBlock"]] if peer.get("CidrBlock") else [])))
        if not any(self.destination.subnet_of(net(c)) for c in cidrs):
            self.add("peering connection", pcx_id, account, False, "%s leads to %s (%s), which does not hold %s." % (
                pcx_id, peer.get("VpcId"), ", ".join(cidrs), self.destination),
                "Route %s to the connection or gateway of the VPC that holds it." % self.destination)
            self.skip(later, peer.get("VpcId"), peer.get("OwnerId"))
            return []
        self.add("peering connection", pcx_id, account, True, "%s is active, to %s (%s) in account %s, %s." % (
            pcx_id, peer.get("VpcId"), ", ".join(cidrs), peer.get("OwnerId"), peer.get("Region") or self.region))
        self.inter_region = (peer.get("Region") or self.region) != self.region
        return self.destination_side(peer.get("OwnerId"), peer.get("Region") or self.region, peer["VpcId"],
                                     ("vpc_peering_connection_id", pcx_id))

    def transit_gateway(self, tgw_id):
        ec2, account = self.client(self.source_account), self.source_account
        vpc_id = self.subnet["VpcId"]
        later = ("transit gateway route table", "destination transit gateway attachment", "destination network ACL",
                 "destination security group", "destination route table")
        attachments = paginate(ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments",
                               "find the attachment of %s to %s" % (vpc_id, tgw_id),
                               Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]},
                                        {"Name": "resource-id", "Values": [vpc_id]}])
        attachments = [a for a in attachments if a.get("TransitGatewayId") == tgw_id and a.get("ResourceId") == vpc_id
                       and a.get("State") not in ("deleted", "deleting")]
        attachment = first_of(attachments, "State", ["available", "pendingAcceptance", "pending", "modifying"])
        if attachment is None:
            self.add("transit gateway attachment", tgw_id, account, False, "%s is not attached to %s." % (vpc_id, tgw_id),
                     "Attach %s to %s (crossvpc.aws.transit_gateway_attachment, or the spoke play of "
                     "playbooks/transit_gateway.yml)." % (vpc_id, tgw_id))
            self.skip(later, tgw_id, None)
            return []
        attachment_id, state = attachment["TransitGatewayAttachmentId"], attachment["State"]
        owner = attachment.get("TransitGatewayOwnerId")
        if state != "available":
            fix = {"pendingAcceptance": "The transit gateway's owner (account %s) accepts it: "
                                        "crossvpc.aws.transit_gateway_attachment with state=accepted." % owner,
                   "rejected": "The owner rejected it: detach and attach again once the owner agrees."}.get(
                state, "Wait until it is available, or attach the VPC again.")
            self.add("transit gateway attachment", attachment_id, account, False, "%s is %s." % (attachment_id, state), fix)
            self.skip(later, tgw_id, owner)
            return []
        # AWS carries a zone's traffic to the TGW only if the attachment has a subnet in that zone.
        zones = attachment_zones(ec2, attachment_id)
        if zones is not None and self.subnet["AvailabilityZone"] not in zones:
            self.add("transit gateway attachment", attachment_id, account, False,
                     "%s has subnets in %s only; the source subnet is in %s, whose traffic the transit gateway does not "
                     "take." % (attachment_id, ", ".join(zones) or "no zone", self.subnet["AvailabilityZone"]),
                     "Add a subnet of %s in %s to %s (crossvpc.aws.transit_gateway_attachment subnet_ids)." % (
                         vpc_id, self.subnet["AvailabilityZone"], attachment_id))
            self.skip(later, tgw_id, owner)
            return []
        self.add("transit gateway attachment", attachment_id, account, True, "%s attaches %s to %s (owner %s), available." % (
            attachment_id, vpc_id, tgw_id, owner))

        owner_ec2 = self.client(owner)
        if owner_ec2 is None:
            self.skip(later, tgw_id, owner, NO_PROFILE % owner)
            return []
        forward = self.tgw_route(owner_ec2, owner, attachment, self.destination, None)
        if forward is None:
            self.skip(later[1:], tgw_id, owner)
            return []
        target_id = forward["TransitGatewayAttachmentId"]
        found = call(owner_ec2, "describe_transit_gateway_attachments", "describe %s" % target_id, missing={},
                     TransitGatewayAttachmentIds=[target_id]).get("TransitGatewayAttachments", [])
        found = [a for a in found if a["TransitGatewayAttachmentId"] == target_id]
        if not found or found[0]["State"] != "available":
            self.add("destination transit gateway attachment", target_id, owner, False, "%s is %s." % (
                target_id, found[0]["State"] if found else "gone"),
                "Attach the destination VPC again, or route %s to a live attachment." % self.destination)
            self.skip(later[2:], target_id, owner)
            return []
        target = found[0]
        if target.get("ResourceType") != "vpc":
            self.add("destination transit gateway attachment", target_id, owner, True,
                     "%s is a %s attachment: the path beyond it is not followed." % (target_id, target.get("ResourceType")))
            self.skip(later[2:], target_id, owner, "not checked: beyond a %s attachment" % target.get("ResourceType"))
            return []
        self.add("destination transit gateway attachment", target_id, owner, True, "%s attaches %s (account %s), available." % (
            target_id, target["ResourceId"], target.get("ResourceOwnerId")))
        groups = self.destination_side(target.get("ResourceOwnerId"), self.region, target["ResourceId"],
                                       ("transit_gateway_id", tgw_id))
        self.destination_zones(target)
        self.tgw_route(owner_ec2, owner, target, self.source_cidr, attachment_id)
        return groups

    def destination_zones(self, target):
        """The destination attachment must have a subnet in the destination subnet's zone: the replies leave through
        the attachment's interface in their own zone, and a zone without one cannot reach the transit gateway."""
        account = target.get("ResourceOwnerId")
        ec2 = self.client(account)
        if ec2 is None or not self.destination_subnets:
            return
        target_id = target["TransitGatewayAttachmentId"]
        zones = attachment_zones(ec2, target_id)
        if zones is None:
            return
        outside = [s for s in self.destination_subnets if s["AvailabilityZone"] not in zones]
        if outside:
            [hop] = [h for h in self.hops if h["hop"] == "destination transit gateway attachment" and h["resource"] == target_id]
            hop.update(ok=False, detail="%s has subnets in %s only; the destination subnet %s is in %s, whose replies cannot reach the "
                                        "transit gateway." % (target_id, ", ".join(zones) or "no zone", outside[0]["SubnetId"],
                                                              outside[0]["AvailabilityZone"]),
                       fix="Add a subnet of %s in %s to %s (crossvpc.aws.transit_gateway_attachment subnet_ids, or the spoke's "
                           "transit_gateway_spoke_vpcs subnet_names)." % (target["ResourceId"], outside[0]["AvailabilityZone"], target_id))

    def tgw_route(self, ec2, owner, attachment, destination, expected):
        """The route for ``destination`` in the table ``attachment`` is associated with; with
        ``expected`` (the return route), it must lead to that attachment. Returns the route's
        attachment entry, or None after adding a broken hop."""
        association = attachment.get("Association") or {}
        table_id = association.get("TransitGatewayRouteTableId")
        what = "return route" if expected else "route"
        if not table_id or association.get("State") not in (None, "associated"):
            self.add("transit gateway route table", attachment["TransitGatewayAttachmentId"], owner, False,
                     "%s is associated with no transit gateway route table, so its traffic has no %s." % (
                         attachment["TransitGatewayAttachmentId"], what),
                     "Associate it with a route table (crossvpc.aws.transit_gateway_route_table associations).")
            return None
        routes = paginate(ec2, "search_transit_gateway_routes", "Routes", "search routes of %s" % table_id,
                          TransitGatewayRouteTableId=table_id,
                          Filters=[{"Name": "state", "Values": ["active", "blackhole"]}])
        route = longest_prefix_route(routes, destination)
        fix = self.tgw_route_fix(table_id, destination, expected)
        if route is None:
            self.add("transit gateway route table", table_id, owner, False, "%s has no %s for %s." % (table_id, what, destination), fix)
            return None
        entries = route.get("TransitGatewayAttachments") or []
        if route.get("State") == "blackhole" or not entries:
            problem = "%s: the %s %s is a blackhole." % (table_id, what, route["DestinationCidrBlock"])
            self.add("transit gateway route table", table_id, owner, False, problem,
                     self.tgw_blackhole_fix(table_id, routes, route, destination, expected))
            return None
        ids = [e["TransitGatewayAttachmentId"] for e in entries]
        if expected and expected not in ids:
            self.add("transit gateway route table", table_id, owner, False, "%s: the %s %s leads to %s, not to the source "
                     "VPC's %s." % (table_id, what, route["DestinationCidrBlock"], ", ".join(ids), expected), fix)
            return None
        self.add("transit gateway route table", table_id, owner, True, "%s: %s %s -> %s (%s)." % (
            table_id, what, route["DestinationCidrBlock"], ", ".join(ids), route.get("Type")))
        return entries[0]

    def tgw_route_fix(self, table_id, destination, expected, verb="Propagate"):
        if expected:
            return ("%s the source VPC's attachment %s into %s, or add a static route for %s to it "
                    "(crossvpc.aws.transit_gateway_route_table)." % (verb, expected, table_id, self.source_range()))
        return ("%s the destination VPC's attachment into %s, or add a static route for %s to it "
                "(crossvpc.aws.transit_gateway_route_table)." % (verb, table_id, destination))

    def tgw_blackhole_fix(self, table_id, routes, route, destination, expected):
        """Delete the blackhole route, which wins by longest prefix; say what carries the traffic then."""
        cidr = route["DestinationCidrBlock"]
        delete = ("Delete the blackhole route for %s from %s (crossvpc.aws.transit_gateway_route_table: leave it out of "
                  "routes, with purge_routes): as the longest prefix that holds %s, it drops that traffic" % (
                      cidr, table_id, destination))
        live = [r for r in routes if r.get("DestinationCidrBlock") != cidr and r.get("State") != "blackhole" and any(
            not expected or e.get("TransitGatewayAttachmentId") == expected for e in r.get("TransitGatewayAttachments") or [])]
        after = longest_prefix_route(live, destination)
        if after:
            return "%s; then the route for %s to %s carries it." % (delete, after["DestinationCidrBlock"], ", ".join(
                e["TransitGatewayAttachmentId"] for e in after["TransitGatewayAttachments"]))
        return "%s; then %s" % (delete, self.tgw_route_fix(table_id, destination, expected, "propagate"))

    # --- PrivateLink -----------------------------------------------------------------------------

    def privatelink(self, service_name):
        ec2, account, vpc_id = self.client(self.source_account), self.source_account, self.subnet["VpcId"]
        endpoints = paginate(ec2, "describe_vpc_endpoints", "VpcEndpoints", "find endpoints to %s" % service_name,
                             Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "service-name", "Values": [service_name]}])
        endpoints = [e for e in endpoints if e.get("VpcId") == vpc_id and e.get("ServiceName") == service_name
                     and e.get("State", "").lower() not in GONE_ENDPOINT_STATES]
        endpoint = first_of(endpoints, "State", ["available", "pendingAcceptance", "pending"])
        endpoint_id = endpoint["VpcEndpointId"] if endpoint else None
        if endpoint is None:
            self.add("interface endpoint", vpc_id, account, False, "%s has no interface endpoint to %s." % (vpc_id, service_name),
                     "Make one (crossvpc.aws.vpc_endpoint, or the consumer play of playbooks/privatelink.yml).")
            self.skip(("source security group", "source network ACL", "endpoint network ACL", "endpoint security group"),
                      vpc_id, account)
        else:
            self.endpoint_state(endpoint, "interface endpoint", endpoint_id, account)
            self.endpoint_filters(ec2, endpoint)
        self.provider(ec2, service_name, endpoint_id)

    def endpoint_state(self, endpoint, hop, resource, account):
        state = endpoint.get("State") or endpoint.get("VpcEndpointState")
        fixes = {
            "pendingacceptance": "The provider accepts the connection (crossvpc.aws.vpc_endpoint_connection, or the "
                                 "accept step of the privatelink_provider role / playbooks/privatelink.yml).",
            "rejected": "The provider rejected it, and a rejected endpoint never comes back: the provider allows this "
                        "account (%s) and then a new endpoint must be requested (delete this one; crossvpc.aws.vpc_endpoint), which the provider accepts."
                        % self.source_account,
            "pending": "Wait: AWS is still making the endpoint.",
        }
        if state.lower() == "available":
            self.add(hop, resource, account, True, "%s is available." % endpoint.get("VpcEndpointId"))
        else:
            self.add(hop, resource, account, False, "%s is %s." % (endpoint.get("VpcEndpointId"), state),
                     fixes.get(state.lower(), "Delete the endpoint and make it again (crossvpc.aws.vpc_endpoint)."))

    def endpoint_filters(self, ec2, endpoint):
        """Client to endpoint: the source groups' egress, the endpoint's groups' ingress, the NACLs of
        the source subnet and of the endpoint's subnets (each pair once; inside one subnet none apply)."""
        account = self.source_account
        subnets = subnets_by_id(ec2, endpoint.get("SubnetIds") or [])
        group_ids = [g["GroupId"] for g in endpoint.get("Groups") or []]
        groups = find_groups(ec2, endpoint["VpcId"], group_ids, None, "endpoint.security_group") if group_ids else []
        ids = ", ".join(group_ids) or "no security groups"
        allowed, why, notes = security_groups_allow(groups, "ingress", self.protocol, self.port, self.source_cidr,
                                                    self.source_group_ids)
        self.add("endpoint security group", ids, account, allowed,
                 (why if allowed else "No ingress rule of %s (the endpoint's) allows %s %s from %s or from %s." % (
                     ids, self.protocol, self.port, self.source_cidr, ", ".join(self.source_group_ids)))
                 + "".join("; " + n for n in notes),
                 None if allowed else "Add an ingress rule for %s %s from %s (the client's group) or %s to %s." % (
                     self.protocol, self.port, ", ".join(self.source_group_ids), self.source_cidr, ids))
        # Egress must reach every endpoint subnet: the service's DNS name answers with all their addresses.
        for subnet in subnets or [{"SubnetId": None, "CidrBlock": self.source_cidr.with_prefixlen}]:
            cidr = net(subnet["CidrBlock"])
            allowed, why, notes = security_groups_allow(self.source_groups, "egress", self.protocol, self.port, cidr, group_ids)
            if not allowed:
                self.add("source security group", ", ".join(self.source_group_ids), account, False,
                         "No egress rule of %s allows %s %s to the endpoint's subnet %s (%s) or its groups." % (
                             ", ".join(self.source_group_ids), self.protocol, self.port, subnet["SubnetId"], cidr),
                         "Add an egress rule for %s %s to %s (the endpoint's group) or %s." % (
                             self.protocol, self.port, ids, cidr))
                break
        else:
            self.add("source security group", ", ".join(self.source_group_ids), account, True,
                     "egress allowed to every endpoint subnet%s" % "".join("; " + n for n in notes))
        source_acl = acl_of(ec2, self.subnet)
        checked = False
        for subnet in subnets:
            if subnet["SubnetId"] == self.subnet["SubnetId"]:
                continue
            checked = True
            cidr = net(subnet["CidrBlock"])
            ok, detail = nacl_check(source_acl, self.protocol, self.port, cidr, outbound=True)
            self.add("source network ACL", source_acl["NetworkAclId"], account, ok, detail,
                     None if ok else nacl_fix(source_acl["NetworkAclId"], self.protocol, self.port, cidr, True))
            acl = acl_of(ec2, subnet)
            ok, detail = nacl_check(acl, self.protocol, self.port, self.source_cidr, outbound=False)
            self.add("endpoint network ACL", acl["NetworkAclId"], account, ok, "%s: %s" % (subnet["SubnetId"], detail),
                     None if ok else nacl_fix(acl["NetworkAclId"], self.protocol, self.port, self.source_cidr, False))
        if not checked:
            self.add("source network ACL", source_acl["NetworkAclId"], account, True,
                     "the endpoint is in the source subnet: network ACLs do not apply.")
            self.add("endpoint network ACL", source_acl["NetworkAclId"], account, True,
                     "the endpoint is in the source subnet: network ACLs do not apply.")

    def provider_account(self, ec2, service_name):
        """The service's owner as the consumer sees it; when the provider no longer lets this account
        see it, the account_profiles account that has it."""
        try:
            details = call(ec2, "describe_vpc_endpoint_services", "describe %s" % service_name,
                           ServiceNames=[service_name]).get("ServiceDetails", [])
        except CrossvpcError as error:
            if error_code(error.error) != "InvalidServiceName":
                raise
            details = []
        owner = next((d.get("Owner") for d in details if d.get("ServiceName") == service_name), None)
        for account in [] if owner else sorted(self.profile_accounts):
            provider_ec2 = self.client(account)
            configs = paginate(provider_ec2, "describe_vpc_endpoint_service_configurations", "ServiceConfigurations",
                               "find %s" % service_name, Filters=[{"Name": "service-name", "Values": [service_name]}])
            if any(c.get("ServiceName") == service_name for c in configs):
                return account
        return owner

    def provider(self, ec2, service_name, endpoint_id):
        hops = ("endpoint service", "endpoint connection", "load balancer listener", "target group")
        owner = self.provider_account(ec2, service_name)
        if owner is None:
            self.add("endpoint service", service_name, None, False,
                     "%s is not visible to account %s, nor found in the accounts of account_profiles: the provider has "
                     "not allowed this account, or the name is wrong." % (service_name, self.source_account),
                     "The provider adds arn:aws:iam::%s:root to the service's allowed principals (crossvpc.aws."
                     "vpc_endpoint_service allowed_principals, or privatelink_provider_consumer_accounts)." % self.source_account)
            self.skip(hops[1:], service_name, None)
            return
        provider_ec2 = self.client(owner)
        if provider_ec2 is None:
            self.skip(hops, service_name, owner, NO_PROFILE % owner)
            return
        configs = paginate(provider_ec2, "describe_vpc_endpoint_service_configurations", "ServiceConfigurations",
                           "find %s" % service_name, Filters=[{"Name": "service-name", "Values": [service_name]}])
        configs = [c for c in configs if c.get("ServiceName") == service_name]
        if not configs:
            self.add("endpoint service", service_name, owner, False, "Account %s has no endpoint service %s." % (owner, service_name),
                     "Publish the service again (playbooks/privatelink.yml) and make the endpoint to its new name.")
            self.skip(hops[1:], service_name, owner)
            return
        config = configs[0]
        service_id = config["ServiceId"]
        if config.get("ServiceState") != "Available":
            self.add("endpoint service", service_id, owner, False, "%s is %s." % (service_id, config.get("ServiceState")),
                     "Wait for it to be Available, or publish it again (crossvpc.aws.vpc_endpoint_service).")
        else:
            self.add("endpoint service", service_id, owner, True, "%s is Available; acceptance %s; load balancers %s." % (
                service_id, "required" if config.get("AcceptanceRequired") else "not required",
                ", ".join(a.rsplit("/", 2)[-2] for a in config.get("NetworkLoadBalancerArns") or []) or "none"))
        self.connection(provider_ec2, owner, service_id, endpoint_id)
        self.load_balancers(owner, config)

    def connection(self, ec2, owner, service_id, endpoint_id):
        if endpoint_id is None:
            self.skip(("endpoint connection",), service_id, owner)
            return
        found = paginate(ec2, "describe_vpc_endpoint_connections", "VpcEndpointConnections",
                         "read connections of %s" % service_id,
                         Filters=[{"Name": "service-id", "Values": [service_id]},
                                  {"Name": "vpc-endpoint-id", "Values": [endpoint_id]}])
        found = [c for c in found if c.get("VpcEndpointId") == endpoint_id and c.get("ServiceId") == service_id]
        if not found:
            self.add("endpoint connection", endpoint_id, owner, False, "%s has no connection from %s." % (service_id, endpoint_id),
                     "Make the endpoint again (crossvpc.aws.vpc_endpoint); the provider then accepts it.")
            return
        self.endpoint_state(dict(found[0], VpcEndpointId=endpoint_id), "endpoint connection", found[0].get(
            "VpcEndpointConnectionId") or endpoint_id, owner)

    def load_balancers(self, owner, config):
        elb = self.client(owner, "elbv2")
        arns = config.get("NetworkLoadBalancerArns") or []
        wanted = ("TCP", "TLS", "TCP_UDP") if self.protocol == "tcp" else ("UDP", "TCP_UDP")
        listener, seen, lb_arn = None, [], None
        for arn in arns:
            listeners = paginate(elb, "describe_listeners", "Listeners", "read listeners of %s" % arn, missing=[],
                                 LoadBalancerArn=arn)
            seen += ["%s/%s" % (l["Port"], l.get("Protocol")) for l in listeners]
            listener = next((l for l in listeners if l["Port"] == self.port and l.get("Protocol") in wanted), None)
            if listener:
                lb_arn = arn
                break
        names = ", ".join(a.rsplit("/", 2)[-2] for a in arns) or "no load balancer"
        if listener is None:
            self.add("load balancer listener", names, owner, False, "No %s listener on port %s (listeners: %s)." % (
                "/".join(wanted), self.port, ", ".join(seen) or "none"),
                "Add a %s listener on port %s to %s (crossvpc.aws.network_load_balancer listener_port=%s)." % (
                    wanted[0], self.port, names, self.port))
            self.skip(("target group", "destination security group"), names, owner)
            return
        self.add("load balancer listener", listener["ListenerArn"], owner, True, "%s listens on %s/%s." % (
            lb_arn.rsplit("/", 2)[-2], listener["Port"], listener.get("Protocol")))
        self.target_group(elb, owner, lb_arn, listener)

    def target_group(self, elb, owner, lb_arn, listener):
        arns = []
        for action in listener.get("DefaultActions") or []:
            if action.get("TargetGroupArn"):
                arns.append(action["TargetGroupArn"])
            arns += [t["TargetGroupArn"] for t in (action.get("ForwardConfig") or {}).get("TargetGroups") or []]
        if not arns:
            self.add("target group", listener["ListenerArn"], owner, False, "The listener forwards to no target group.",
                     "Point the listener at the service's target group (crossvpc.aws.network_load_balancer).")
            return
        arn = arns[0]
        groups = call(elb, "describe_target_groups", "describe %s" % arn, missing={}, TargetGroupArns=[arn]).get("TargetGroups", [])
        health = call(elb, "describe_target_health", "read targets of %s" % arn, missing={},
                      TargetGroupArn=arn).get("TargetHealthDescriptions", [])
        name = arn.rsplit("/", 2)[-2]
        targets = [h for h in health if (h.get("TargetHealth") or {}).get("State") != "draining"]
        if not groups or not targets:
            self.add("target group", name, owner, False, "%s %s." % (name, "is gone" if not groups else "has no targets"),
                     "Register the service's targets (crossvpc.aws.network_load_balancer targets).")
            return
        states = sorted(set((h.get("TargetHealth") or {}).get("State") or "unknown" for h in targets))
        where = ", ".join("%s:%s" % (h["Target"]["Id"], h["Target"].get("Port", groups[0].get("Port"))) for h in targets)
        if states == ["unhealthy"]:
            reasons = sorted(set((h.get("TargetHealth") or {}).get("Description") or "" for h in targets))
            self.add("target group", name, owner, False, "Every target of %s is unhealthy (%s): %s." % (
                name, where, "; ".join(r for r in reasons if r) or "no reason given"),
                "Make the targets answer on port %s, or register the right ones." % groups[0].get("Port"))
        else:
            self.add("target group", name, owner, True, "%s port %s, targets %s (health: %s)." % (
                name, groups[0].get("Port"), where, ", ".join(states)))
        self.target_groups_allow(owner, lb_arn, groups[0], [h["Target"]["Id"] for h in targets])

    def target_groups_allow(self, owner, lb_arn, group, targets):
        """Ingress on the target port from the load balancer's subnets (through PrivateLink the targets see the NLB's
        addresses) in the groups of each target's network interface, else the named groups (see carried)."""
        ec2, elb = self.client(owner), self.client(owner, "elbv2")
        carried = self.carried(ec2, group["VpcId"], targets)
        if not carried:
            self.add("destination security group", group["TargetGroupName"], owner, None,
                     "not checked: no network interface of %s takes the targets %s, and no destination security groups are given. "
                     "Name the groups the targets carry in destination.security_group_names." % (group["VpcId"], ", ".join(targets)))
            return
        lbs = call(elb, "describe_load_balancers", "describe %s" % lb_arn, missing={}, LoadBalancerArns=[lb_arn]).get(
            "LoadBalancers", [])
        lb_subnets = subnets_by_id(ec2, [z["SubnetId"] for lb in lbs for z in lb.get("AvailabilityZones") or [] if z.get("SubnetId")])
        lb_groups = [g for lb in lbs for g in lb.get("SecurityGroups") or []]
        port = group.get("Port")
        for _interface, what, groups in [c for c in carried if c[2] is not None]:
            ids = ", ".join(g["GroupId"] for g in groups)
            for subnet in lb_subnets:
                allowed, _why, _notes = security_groups_allow(groups, "ingress", self.protocol, port, net(subnet["CidrBlock"]), lb_groups)
                if not allowed:
                    self.add("destination security group", ids, owner, False,
                             "%s: no ingress rule of %s allows %s %s from the load balancer's subnet %s (%s)." % (
                                 what, ids, self.protocol, port, subnet["SubnetId"], subnet["CidrBlock"]),
                             "Add an ingress rule for %s %s from %s (or the VPC's CIDR) to one of %s." % (
                                 self.protocol, port, subnet["CidrBlock"], ids))
                    return
        self.add("destination security group", ", ".join(sorted(set(g["GroupId"] for _i, _w, groups in carried for g in groups or []))) or
                 group["TargetGroupName"], owner, True, "ingress %s %s from the load balancer's subnets: allowed by %s." % (
                     self.protocol, port, "; ".join(what if groups is not None else "%s, which carries no security group" % what
                                                    for _i, what, groups in carried)))
