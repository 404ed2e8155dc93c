# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connectivity planner: which way to connect each pair of VPCs, and why, as plain data.

Peering when the VPCs that route to each other are few and will stay few; a Transit Gateway when
they grow or on-premises networks join; PrivateLink when CIDRs overlap (directly, or through a
route the client or server already has). Everything here is pure logic over the module's input,
except discover(), which reads one VPC with Describe* calls.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.crossvpc.aws.plugins.module_utils import validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import CrossvpcError, InvalidInput, call

PRIVATELINK, PEERING, TRANSIT_GATEWAY = "privatelink", "peering", "transit_gateway"
METHOD_NAMES = {PRIVATELINK: "PrivateLink", PEERING: "VPC peering", TRANSIT_GATEWAY: "Transit Gateway"}
SHORT_NAMES = {PRIVATELINK: "PrivateLink", PEERING: "peering", TRANSIT_GATEWAY: "via TGW"}
DEFAULTS = {
    "all_to_all": False,
    "default_ports": None,
    "expected_vpcs": None,
    "on_premises": None,
    "peering_max_vpcs": 3,
    "peering_quota_per_vpc": 50,
    "transit_gateway_attachment_quota": 5000,
    "route_table_route_quota": 50,
    "hub_account": None,
    "region": None,
}
VPC_KEYS = ("name", "account_id", "region", "cidrs", "ipv6_cidrs", "vpc_id", "profile", "group")
LINK_KEYS = ("client", "server", "ports", "service")
ON_PREMISES_KEYS = ("name", "cidrs")
REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d$")

WHY_NOT_ROUTED = (
    "Peering and Transit Gateway route by destination CIDR, so a route table cannot tell the two ranges apart, "
    "and AWS refuses a peering between overlapping IPv4 blocks.")
WHY_PRIVATELINK = (
    "PrivateLink publishes %s's service behind a Network Load Balancer and puts it as an interface endpoint "
    "(with addresses of %s's own subnets) in %s, so no address ever crosses between the two VPCs.")
NO_PORTS = "PrivateLink carries only the ports of an NLB listener: give ports."


# --- input -----------------------------------------------------------------------------------

def _unknown_keys(parameter, entry, keys):
    if not isinstance(entry, dict):
        raise InvalidInput(parameter, entry, "is not a dict.", "Give a mapping with %s." % ", ".join(keys))
    extra = sorted(k for k in entry if k not in keys)
    if extra:
        raise InvalidInput(parameter, extra, "are not known keys.", "Use only %s." % ", ".join(keys))


def _positive(parameter, value, minimum=1):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(parameter, value, "must be a whole number of at least %d." % minimum)
    return value


def _ports(parameter, values):
    if values is None:
        return []
    if not isinstance(values, list):
        raise InvalidInput(parameter, values, "is not a list of ports.", "For example [443, 8443].")
    if not values:  # an emptied list is a mistake more often than a way of saying "none"
        raise InvalidInput(parameter, values, "lists no port.", "List the server's ports, for example [443], or leave %s out to plan "
                           "without ports (a PrivateLink link needs them)." % parameter.rsplit(".", 1)[-1])
    for i, value in enumerate(values):
        validation.port("%s[%d]" % (parameter, i), value)
    return sorted(set(values))


def _cidr_list(parameter, values, version):
    """Canonical CIDR strings of one IP version, order kept, duplicates dropped."""
    if not isinstance(values, list):
        raise InvalidInput(parameter, values, "is not a list of CIDR blocks.", "For example [10.1.0.0/16].")
    found = []
    for value in values:
        network = validation.cidr(parameter, value)
        if version and network.version != version:
            other = "ipv6_cidrs" if version == 4 else "cidrs"
            raise InvalidInput(parameter, value, "is not IPv%d." % version, "List it under %s." % other)
        if str(network) not in found:
            found.append(str(network))
    return found


def _vpc(index, entry, default_region):
    where = "vpcs[%d]" % index
    _unknown_keys(where, entry, VPC_KEYS)
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(where + ".name", name, "is missing.", "Give every VPC a name (its Name tag, if discovered).")
    vpc = {"name": name, "account_id": entry.get("account_id"), "region": entry.get("region") or default_region,
           "cidrs": None, "ipv6_cidrs": [], "vpc_id": entry.get("vpc_id"), "profile": entry.get("profile"),
           "group": entry.get("group")}
    if vpc["group"] is not None and (not isinstance(vpc["group"], str) or not vpc["group"].strip()):
        raise InvalidInput(where + ".group", vpc["group"], "is not a name.", "Name the group its growth is planned for, e.g. payments.")
    if entry.get("cidrs") is not None:
        vpc["cidrs"] = _cidr_list(where + ".cidrs", entry["cidrs"], 4)
        if not vpc["cidrs"]:
            raise InvalidInput(where + ".cidrs", entry["cidrs"], "is empty.",
                               "List the VPC's IPv4 CIDR blocks, or omit cidrs to read them from AWS.")
        if vpc["account_id"] is None:
            raise InvalidInput(where + ".account_id", None, "is missing for %s, whose cidrs are given." % name,
                               "Give the 12-digit account that owns it, or omit cidrs to read both from AWS.")
    if entry.get("ipv6_cidrs") is not None:
        if vpc["cidrs"] is None:
            raise InvalidInput(where + ".ipv6_cidrs", entry["ipv6_cidrs"], "is given without cidrs.",
                               "Give cidrs too, or omit both to read them from AWS.")
        vpc["ipv6_cidrs"] = _cidr_list(where + ".ipv6_cidrs", entry["ipv6_cidrs"], 6)
    if vpc["account_id"] is not None:
        validation.account_id(where + ".account_id", vpc["account_id"])
    if vpc["vpc_id"] is not None:
        validation.resource_id(where + ".vpc_id", vpc["vpc_id"], "vpc")
    if vpc["region"] is not None and not REGION.match(str(vpc["region"])):
        raise InvalidInput(where + ".region", vpc["region"], "is not an AWS region.", "For example eu-west-1.")
    return vpc


def _one_of(names):
    return "Use one of: %s." % (", ".join(names[:10]) + (", ..." if len(names) > 10 else ""))


def _vpc_holding(parameter, value, vpcs):
    """An on-premises range is routed to the VPN or Direct Connect: no VPC given with its CIDRs may hold any of it."""
    network = _net(value)
    for index, vpc in enumerate(vpcs):
        for key in ("cidrs", "ipv6_cidrs"):
            for cidr in vpc[key] or []:
                if _overlap(network, _net(cidr)):
                    raise InvalidInput(parameter, value, "overlaps %s's %s (vpcs[%d].%s): a route table sends a range to one "
                                       "place, so the VPC and the on-premises network could not both be reached at those "
                                       "addresses." % (vpc["name"], cidr, index, key),
                                       "List only the ranges on premises, without any VPC's blocks (split a summary such as "
                                       "10.0.0.0/8 into the ranges actually there), or renumber one of them.")


def _on_premises(entries, vpcs):
    vpc_names = set(v["name"] for v in vpcs)
    found, names = [], set()
    for index, entry in enumerate(entries or []):
        where = "on_premises[%d]" % index
        _unknown_keys(where, entry, ON_PREMISES_KEYS)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInput(where + ".name", name, "is missing.", "Name the network, for example dc1.")
        if name in names or name in vpc_names:
            raise InvalidInput(where + ".name", name, "is already used.", "Give each network and VPC its own name.")
        names.add(name)
        cidrs = _cidr_list(where + ".cidrs", entry.get("cidrs") or [], None)
        if not cidrs:
            raise InvalidInput(where + ".cidrs", entry.get("cidrs"), "is empty.",
                               "List the ranges reached over VPN or Direct Connect.")
        for position, value in enumerate(entry["cidrs"]):
            _vpc_holding("%s.cidrs[%d]" % (where, position), value, vpcs)
        found.append({"name": name, "cidrs": cidrs})
    return found


def _links(links, options, vpcs):
    names = [v["name"] for v in vpcs]
    if links and options["all_to_all"]:
        raise InvalidInput("links", links, "is given with all_to_all=true.", "Use one of them.")
    if options["all_to_all"]:
        ports = _ports("default_ports", options["default_ports"])
        # Every pair in list order: the earlier VPC serves, the later one is the client.
        return [{"client": names[j], "server": names[i], "ports": list(ports), "service": None}
                for i in range(len(names)) for j in range(i + 1, len(names))]
    if not links:
        raise InvalidInput("links", links, "no links given.",
                           "List links (client, server, ports), or set all_to_all=true to connect every pair.")
    if not isinstance(links, list):
        raise InvalidInput("links", links, "is not a list.", "List links as dicts with client, server and ports.")
    known = set(names)
    found, seen = [], {}
    for index, entry in enumerate(links):
        where = "links[%d]" % index
        _unknown_keys(where, entry, LINK_KEYS)
        for end in ("client", "server"):
            if entry.get(end) not in known:
                raise InvalidInput("%s.%s" % (where, end), entry.get(end), "is not a VPC name in vpcs.", _one_of(names))
        if entry["client"] == entry["server"]:
            raise InvalidInput(where, entry["client"], "is both client and server.", "A link joins two different VPCs.")
        service = entry.get("service")
        if service is not None and not isinstance(service, str):
            raise InvalidInput(where + ".service", service, "is not a string.", "Give a label such as eks-api.")
        key = (entry["client"], entry["server"], service)
        if key in seen:
            raise InvalidInput(where, key, "is listed twice (also links[%d])." % seen[key],
                               "List each client, server and service once, with all its ports.")
        seen[key] = index
        found.append({"client": entry["client"], "server": entry["server"],
                      "ports": _ports(where + ".ports", entry.get("ports")), "service": service})
    return found


def check_input(vpcs, links=None, **options):
    """Validate and normalise everything, before any AWS call: (vpcs, links, on_premises, options).

    A VPC without cidrs is allowed here (cidrs None): the module discovers it before plan().
    """
    unknown = sorted(k for k in options if k not in DEFAULTS)
    if unknown:
        raise InvalidInput("options", unknown, "are not planner options.", "Use %s." % ", ".join(sorted(DEFAULTS)))
    opts = dict(DEFAULTS)
    opts.update((k, v) for k, v in options.items() if v is not None)
    if not isinstance(vpcs, list) or len(vpcs) < 2:
        raise InvalidInput("vpcs", vpcs, "needs at least two VPCs.", "List every VPC to connect, each with a name.")
    found, names = [], {}
    for index, entry in enumerate(vpcs):
        vpc = _vpc(index, entry, opts["region"])
        if vpc["name"] in names:
            raise InvalidInput("vpcs[%d].name" % index, vpc["name"], "is listed twice (also vpcs[%d])." % names[vpc["name"]],
                               "Give each VPC a unique name.")
        names[vpc["name"]] = index
        found.append(vpc)
    for key in ("peering_max_vpcs", "peering_quota_per_vpc", "transit_gateway_attachment_quota", "route_table_route_quota"):
        _positive(key, opts[key])
    expected = opts["expected_vpcs"]
    if isinstance(expected, str) and expected.isdigit():  # as an inventory's template may give it
        expected = opts["expected_vpcs"] = int(expected)
    if isinstance(expected, dict):
        known = set(v["group"] for v in found if v["group"]) | set(v["account_id"] for v in found if v["account_id"])
        for key, count in sorted(expected.items()):
            _positive("expected_vpcs[%r]" % key, count)
            if known and key not in known and all(v["account_id"] for v in found):
                raise InvalidInput("expected_vpcs", expected, "names %r, which is neither a VPC's group nor its account." % key,
                                   "Key the expected counts by group or account (%s)." % ", ".join(sorted(known)))
    elif expected is not None:
        _positive("expected_vpcs", expected)
    if opts["hub_account"] is not None:
        validation.account_id("hub_account", opts["hub_account"], "Use the 12-digit account to own the Transit Gateway.")
    on_premises = _on_premises(opts["on_premises"], found)
    return found, _links(links, opts, found), on_premises, opts


def check_reachability(checks, vpcs):
    """The reachability option against the VPCs (from check_input), before any AWS call: each check's
    link, its item as a loop over the plan's links registers it, joins two VPCs of vpcs."""
    if checks is None:
        return
    names = [v["name"] for v in vpcs]
    if not isinstance(checks, list):
        raise InvalidInput("reachability", checks, "is not a list.", "Pass the registered results of crossvpc.aws.reachability.")
    for index, check in enumerate(checks):
        where = "reachability[%d]" % index
        link = check.get("item") if isinstance(check, dict) else None
        if not isinstance(link, dict):
            raise InvalidInput(where + ".item", link, "is not a link (a mapping with client and server).",
                               "Give each check its link (client, server, ports, method) as item, as a loop over the "
                               "plan's links registers it.")
        for end in ("client", "server"):
            if link.get(end) not in names:
                raise InvalidInput("%s.item.%s" % (where, end), link.get(end), "is not a VPC name in vpcs.", _one_of(names))


# --- address arithmetic ----------------------------------------------------------------------

def _net(cidr):
    """(version, first, last, cidr): integer bounds make overlap tests cheap for 100+ VPCs."""
    network = validation.cidr("cidr", cidr)
    return (network.version, int(network.network_address), int(network.broadcast_address), str(network))


def _overlap(a, b):
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]


def _overlapping(nets, other_nets):
    return [(a, b) for a in nets for b in other_nets if _overlap(a, b)]


def _pairs(n):
    return n * (n - 1) // 2


# --- planning --------------------------------------------------------------------------------

def _overlap_reasons(client, server, pairs):
    c, s = client["name"], server["name"]
    reasons = ["%s %s overlaps %s %s." % (c, a[3], s, b[3]) for a, b in pairs]
    reasons.append(WHY_NOT_ROUTED)
    if client["account_id"] == server["account_id"]:
        reasons.append("Both VPCs are in the same account (%s): the overlap is inside one account, where AWS "
                       "refuses the peering just the same." % client["account_id"])
    else:
        reasons.append("The VPCs are in accounts %s and %s: the endpoint service allows %s's account as a "
                       "principal." % (server["account_id"], client["account_id"], c))
    reasons.append(WHY_PRIVATELINK % (s, c, c))
    return reasons


def _shadowing(held, holder, new, owner, viewer):
    """What goes wrong when ``viewer``'s route table (or the Transit Gateway's) would hold routes to
    two overlapping ranges: ``held`` of ``holder`` and ``new`` of ``owner`` (_net() tuples). CIDR
    blocks that overlap are equal or nested: one route per range, else the longest prefix wins."""
    if (held[1], held[2]) == (new[1], new[2]):
        return "%s's %s is the same range: a route table holds one route per range, so %s could reach only one of them." % (
            owner, new[3], viewer)
    narrow, wide = (new, held) if held[1] <= new[1] and new[2] <= held[2] else (held, new)
    to, shadowed = (owner, holder) if narrow is new else (holder, owner)
    return ("%s's %s %s: both routes can coexist, but the longest prefix wins, so %s's traffic to %s would go to %s, "
            "and %s's addresses in %s would be shadowed for %s (unreachable)." % (
                owner, new[3], "lies inside it" if narrow is new else "holds it", viewer, narrow[3], to, shadowed,
                narrow[3], viewer))


def _route_conflict(routes, nets, holder, far):
    """Why ``holder`` cannot also route to ``far``: an earlier route of its own to an overlapping range."""
    for net in nets[far]:
        version, first, last = net[0], net[1], net[2]
        for route in routes[holder]:
            # _overlap() inlined: this loop runs about a million times for 100 VPCs linked all to all.
            if route[0] == version and route[1] <= last and first <= route[2] and route[4] != far:
                return "Route conflict: %s already routes %s to %s (an earlier routed link), and %s" % (
                    holder, route[3], route[4], _shadowing(route, route[4], net, far, holder))
    return None


def _shared_table_conflict(attached, nets, name):
    """Why ``name`` cannot join the Transit Gateway's one route table: an attached VPC overlaps it."""
    for net in nets[name]:
        for other, other_net in attached:
            if other != name and _overlap(net, other_net):
                return "Route conflict: the Transit Gateway's one route table already holds %s's %s, and %s" % (
                    other, other_net[3], _shadowing(other_net, other, net, name, "every attached VPC"))
    return None


def _members(routed, order):
    names = set()
    for link in routed:
        names.update((link["client"], link["server"]))
    return [n for n in order if n in names]


def _peers(routed):
    peers = {}
    for link in routed:
        peers.setdefault(link["client"], set()).add(link["server"])
        peers.setdefault(link["server"], set()).add(link["client"])
    return peers


def _components(routed, order):
    """The routed links by group of VPCs that reach each other through them, each group decided on its own."""
    root = {}

    def find(name):
        while root.setdefault(name, name) != name:
            name = root[name]
        return name

    for link in routed:
        root[find(link["client"])] = find(link["server"])
    groups = {}
    for link in routed:
        groups.setdefault(find(link["client"]), []).append(link)
    return sorted(groups.values(), key=lambda links: min(order.index(n) for link in links for n in (link["client"], link["server"])))


def _expected(members, index, opts):
    """How many VPCs ``members`` will be: expected_vpcs as one number for every group, or per group
    (a VPC's group, else its account), each group's expected count standing for its VPCs now."""
    expected, n = opts["expected_vpcs"], len(members)
    if not isinstance(expected, dict):
        return max(n, expected or n)
    counts = {}
    for name in members:
        key = index[name].get("group") or index[name]["account_id"]
        counts[key] = counts.get(key, 0) + 1
    return sum(max(count, expected.get(key, count)) for key, count in counts.items())


def _decide(routed, order, index, opts, on_premises):
    """(method, reasons) for the links that route: peering or Transit Gateway."""
    members = _members(routed, order)
    n = len(members)
    planned = _expected(members, index, opts)
    counts = "%d VPCs route to each other now, %d expected" % (n, planned)
    if on_premises:
        return TRANSIT_GATEWAY, [
            "On-premises networks join (%s): peering is not transitive, so traffic from a VPN or Direct Connect "
            "cannot pass through one VPC's peering into another VPC; VPN and Direct Connect attach to the Transit "
            "Gateway, which routes between them and every attached VPC." % ", ".join(o["name"] for o in on_premises)]
    if planned > opts["peering_max_vpcs"]:
        return TRANSIT_GATEWAY, [
            "%s, more than peering_max_vpcs=%d: a full mesh of peerings needs N(N-1)/2 = %d connections (%d today), "
            "and every new VPC means a new peering and new routes in every other VPC; a Transit Gateway needs N = %d "
            "attachments (%d today), one per VPC, and one route table." % (
                counts, opts["peering_max_vpcs"], _pairs(planned), _pairs(n), planned, n)]
    peers = _peers(routed)
    busiest = max(members, key=lambda m: len(peers[m]))
    if len(peers[busiest]) > opts["peering_quota_per_vpc"]:
        return TRANSIT_GATEWAY, [
            "%s would need %d peering connections, more than peering_quota_per_vpc=%d (AWS's default number of "
            "active peerings per VPC): a Transit Gateway needs one attachment per VPC instead." % (
                busiest, len(peers[busiest]), opts["peering_quota_per_vpc"])]
    return PEERING, [
        "%s, at most peering_max_vpcs=%d: few VPCs that are not expected to grow are simplest peered, one "
        "connection per pair (%d for these links), with no Transit Gateway attachment-hour or per-GB data "
        "processing charge." % (counts, opts["peering_max_vpcs"], len(_pair_links(routed)))]


def _pair_links(routed):
    """Routed links grouped by unordered pair, in first-seen order: one peering per pair."""
    pairs = {}
    for link in routed:
        pairs.setdefault(frozenset((link["client"], link["server"])), []).append(link)
    return list(pairs.values())


def _route_counts(routed, index, on_premises, method):
    """Routes each VPC's route tables need: one per remote CIDR per family (on-premises too, via a TGW)."""
    peers = _peers(routed)
    counts = {}
    for name, others in peers.items():
        cidrs = set()
        for other in others:
            cidrs.update(index[other]["cidrs"] + index[other]["ipv6_cidrs"])
        if method == TRANSIT_GATEWAY:
            for network in on_premises:
                cidrs.update(network["cidrs"])
        counts[name] = max(len([c for c in cidrs if ":" not in c]), len([c for c in cidrs if ":" in c]))
    return counts


def _hub(members, index, opts):
    if opts["hub_account"]:
        return opts["hub_account"]
    counts = {}
    for name in members:
        counts[index[name]["account_id"]] = counts.get(index[name]["account_id"], 0) + 1
    # Most routed VPCs wins; ties go to the account listed first (members are in vpcs order).
    return max(counts, key=lambda account: (counts[account], -[index[m]["account_id"] for m in members].index(account)))


def _attachable(group, results, nets, problems):
    """The links of a hub's group whose VPCs can share its one route table: any two attached VPCs'
    ranges must not overlap. The others go to PrivateLink."""
    attached, attached_names, kept = [], set(), []
    for entry in group:
        conflict = None
        for end in (entry["client"], entry["server"]):
            if end not in attached_names:  # an attached VPC was checked against the others when it joined
                conflict = conflict or _shared_table_conflict(attached, nets, end)
        if conflict:
            entry.update(method=PRIVATELINK, reasons=[conflict, WHY_PRIVATELINK % (entry["server"], entry["client"], entry["client"])])
            if not entry["ports"]:
                problems.append({"kind": "ports", "message": "links[%d] %s -> %s: %s" % (
                    results.index(entry), entry["client"], entry["server"], NO_PORTS)})
            continue
        for end in (entry["client"], entry["server"]):
            if end not in attached_names:
                attached_names.add(end)
                attached.extend((end, net) for net in nets[end])
        kept.append(entry)
    return kept


def plan(vpcs, links=None, **options):
    """The whole plan, as the module returns it (without the file paths and changed)."""
    vpcs, links, on_premises, opts = check_input(vpcs, links, **options)
    for position, vpc in enumerate(vpcs):
        if vpc["cidrs"] is None:
            raise InvalidInput("vpcs[%d].cidrs" % position, None, "is missing for %s." % vpc["name"],
                               "Give its IPv4 CIDR blocks, or let the module discover the VPC.")
    index = dict((v["name"], v) for v in vpcs)
    order = [v["name"] for v in vpcs]
    nets = dict((v["name"], [_net(c) for c in v["cidrs"] + v["ipv6_cidrs"]]) for v in vpcs)
    problems = []

    results, routed = [], []
    routes = dict((name, []) for name in order)
    for position, link in enumerate(links):
        client, server = index[link["client"]], index[link["server"]]
        entry = dict(link, method=None, reasons=[], overlaps=[])
        clash = _overlapping(nets[client["name"]], nets[server["name"]])
        conflict = None if clash else (_route_conflict(routes, nets, client["name"], server["name"]) or
                                       _route_conflict(routes, nets, server["name"], client["name"]))
        if clash:
            entry.update(method=PRIVATELINK, reasons=_overlap_reasons(client, server, clash),
                         overlaps=[{"client_cidr": a[3], "server_cidr": b[3]} for a, b in clash])
        elif conflict:
            entry.update(method=PRIVATELINK, reasons=[conflict, WHY_PRIVATELINK % (server["name"], client["name"],
                                                                                   client["name"])])
        else:
            for holder, far in ((client["name"], server["name"]), (server["name"], client["name"])):
                routes[holder].extend(net + (far,) for net in nets[far])
            routed.append(entry)
        if entry["method"] == PRIVATELINK and not entry["ports"]:
            problems.append({"kind": "ports", "message": "links[%d] %s -> %s: %s" % (
                position, client["name"], server["name"], NO_PORTS)})
        results.append(entry)

    # Each group of VPCs that route to each other is decided on its own: a few VPCs peer, a growing
    # group gets a hub. On-premises networks, or one expected count for the whole estate, put every
    # routed VPC in one group.
    whole = on_premises or isinstance(opts["expected_vpcs"], int)
    decided = []
    for group in ([routed] if routed else []) if whole else _components(routed, order):
        method, design_reasons = _decide(group, order, index, opts, on_premises)
        if method == TRANSIT_GATEWAY:
            group = _attachable(group, results, nets, problems)
        for entry in group:
            client, server = index[entry["client"]], index[entry["server"]]
            entry.update(method=method, reasons=["%s (%s) and %s (%s) do not overlap, so they can route to each other." % (
                client["name"], ", ".join(client["cidrs"] + client["ipv6_cidrs"]),
                server["name"], ", ".join(server["cidrs"] + server["ipv6_cidrs"]))] + design_reasons)
        if group:
            decided.append((method, group))
    routed = [entry for _method, group in decided for entry in group]

    members = _members(routed, order)
    steps = _steps(results, decided, order, index, on_premises, opts)
    designs = _designs(results, routed, members, index, on_premises, opts, decided)
    problems.extend(_problems(results, decided, order, index, on_premises, opts))
    shown = [dict((k, v[k]) for k in VPC_KEYS if k != "profile") for v in vpcs]
    result = {"vpcs": shown, "on_premises": on_premises, "links": results, "designs": designs,
              "problems": problems, "steps": steps}
    result["mermaid"] = mermaid(result)
    result["markdown"] = markdown(result)
    return result


def _steps(results, decided, order, index, on_premises, opts):
    privatelink = [e for e in results if e["method"] == PRIVATELINK]
    steps = {
        "privatelink": [{"provider": e["server"], "provider_account": index[e["server"]]["account_id"],
                         "consumer": e["client"], "consumer_account": index[e["client"]]["account_id"],
                         "ports": e["ports"], "service": e["service"]} for e in privatelink],
        "peering": [],
        "transit_gateways": [],
    }
    for method, group in decided:
        if method == PEERING:
            for pair in _pair_links(group):
                # The first link's server requests and its client accepts, as playbooks/peering.yml runs them.
                requester, accepter = index[pair[0]["server"]], index[pair[0]["client"]]
                steps["peering"].append({
                    "requester": requester["name"], "requester_account": requester["account_id"],
                    "requester_region": requester["region"],
                    "accepter": accepter["name"], "accepter_account": accepter["account_id"],
                    "accepter_region": accepter["region"],
                    "ports": sorted(set(p for link in pair for p in link["ports"])),
                    # Each end opens the ports it serves: links both ways serve on both ends.
                    "requester_ports": sorted(set(p for link in pair if link["server"] == requester["name"] for p in link["ports"])),
                    "accepter_ports": sorted(set(p for link in pair if link["server"] == accepter["name"] for p in link["ports"]))})
        else:
            members = _members(group, order)
            hub = _hub(members, index, opts)
            in_hub = [m for m in members if index[m]["account_id"] == hub] or members
            # A hub is known by its group's first VPC: the name stays when VPCs join the group.
            steps["transit_gateways"].append({
                "name": members[0], "hub_account": hub, "region": index[in_hub[0]]["region"],
                "spokes": [{"vpc": m, "account": index[m]["account_id"], "region": index[m]["region"]} for m in members],
                "on_premises": [o["name"] for o in on_premises]})
    return steps


def _designs(results, routed, members, index, on_premises, opts, decided):
    """Peering against Transit Gateway for every VPC that routes, whatever each group chose."""
    privatelink = [e for e in results if e["method"] == PRIVATELINK]
    n = len(members)
    planned = sum(_expected(_members(group, members), index, opts) for _method, group in decided)
    peering_routes = _route_counts(routed, index, on_premises, PEERING)
    tgw_routes = _route_counts(routed, index, on_premises, TRANSIT_GATEWAY)
    peers = _peers(routed)
    methods = sorted(set(method for method, _group in decided))
    return {
        "peering": {"vpcs": n, "vpcs_expected": planned, "connections_full_mesh": _pairs(n),
                    "connections_full_mesh_expected": _pairs(planned),
                    "connections_requested": len(_pair_links(routed)),
                    "peerings_per_vpc_max": max([len(p) for p in peers.values()] or [0]),
                    "routes_per_table_max": max(list(peering_routes.values()) or [0])},
        "transit_gateway": {"vpcs": n, "vpcs_expected": planned, "attachments": n + len(on_premises),
                            "attachments_expected": planned + len(on_premises),
                            "route_tables": len([1 for method, _group in decided if method == TRANSIT_GATEWAY]) or 1,
                            "routes_per_table_max": max(list(tgw_routes.values()) or [0])},
        "privatelink": {"endpoint_services": len(set((e["server"], e["service"]) for e in privatelink)),
                        "endpoints": len(privatelink)},
        # One method, or "mixed" when some groups peer and others share a hub.
        "routed_method": methods[0] if len(methods) == 1 else ("mixed" if methods else None),
    }


def _problems(results, decided, order, index, on_premises, opts):
    problems = []
    for position, entry in enumerate(results):
        client, server = index[entry["client"]], index[entry["server"]]
        if entry["method"] == PRIVATELINK and client["region"] != server["region"]:
            problems.append({"kind": "region", "message": (
                "links[%d] %s (%s) -> %s (%s): this collection builds interface endpoints to services of their own "
                "region; put the service's NLB and endpoint service in %s, or set up cross-region PrivateLink "
                "outside it." % (position, client["name"], client["region"], server["name"], server["region"],
                                 client["region"]))})
    for method, group in decided:
        members = _members(group, order)
        if method == TRANSIT_GATEWAY:
            problems.extend(_hub_problems(members, index, on_premises, opts))
        counts = _route_counts(group, index, on_premises, method)
        over = [n for n in members if counts.get(n, 0) > opts["route_table_route_quota"]]
        if over:
            fix = ("point one summary route (for example 10.0.0.0/8) at the Transit Gateway instead of one per range, "
                   "or ask AWS to raise routes per route table (up to 1,000)" if method == TRANSIT_GATEWAY else
                   "ask AWS to raise routes per route table (up to 1,000), or use a Transit Gateway with a summary route")
            names = ", ".join(over[:5]) + (" and %d more" % (len(over) - 5) if len(over) > 5 else "")
            problems.append({"kind": "quota", "message": (
                "Route tables of %s would need up to %d routes (one per remote range), more than "
                "route_table_route_quota=%d: %s." % (names, max(counts[n] for n in over),
                                                     opts["route_table_route_quota"], fix))})
    return problems


def _hub_problems(members, index, on_premises, opts):
    """One hub's group: in one region, within the attachment quota (check_input refuses an on-premises
    range that overlaps a VPC)."""
    problems, regions = [], []
    for name in members:
        if index[name]["region"] not in regions:
            regions.append(index[name]["region"])
    if len(regions) > 1:
        by_region = "; ".join("%s: %s" % (r, ", ".join(m for m in members if index[m]["region"] == r)) for r in regions)
        problems.append({"kind": "region", "message": (
            "A Transit Gateway is regional, and the VPCs to attach are in %d regions (%s): it needs a Transit "
            "Gateway in each region joined by TGW peering, which this collection does not build." % (len(regions), by_region))})
    worst = max(len(members), _expected(members, index, opts)) + len(on_premises)
    if worst > opts["transit_gateway_attachment_quota"]:
        problems.append({"kind": "quota", "message": (
            "The Transit Gateway would need %d attachments, more than transit_gateway_attachment_quota=%d: split "
            "the VPCs across Transit Gateways or ask AWS for a higher quota." % (worst, opts["transit_gateway_attachment_quota"]))})
    return problems


# --- discovery -------------------------------------------------------------------------------

def discover(ec2, vpc, parameter):
    """Fill a VPC's cidrs, ipv6_cidrs, account_id and vpc_id from AWS (Describe* only).

    Found by vpc_id, else by its Name tag; only associated CIDR blocks count (secondary included).
    """
    if vpc["vpc_id"]:
        found = call(ec2, "describe_vpcs", "describe %s" % vpc["vpc_id"], missing={},
                     VpcIds=[vpc["vpc_id"]]).get("Vpcs", [])
        found = [v for v in found if v["VpcId"] == vpc["vpc_id"]]
        what = "VPC %s" % vpc["vpc_id"]
    else:
        found = call(ec2, "describe_vpcs", "find the VPC named %s" % vpc["name"],
                     Filters=[{"Name": "tag:Name", "Values": [vpc["name"]]}]).get("Vpcs", [])
        # Filters narrow the search; the tag is re-checked here.
        found = [v for v in found if {"Key": "Name", "Value": vpc["name"]} in (v.get("Tags") or [])]
        what = "VPC named %s" % vpc["name"]
    where = "in region %s%s" % (vpc["region"] or "(default)", " with profile %s" % vpc["profile"] if vpc["profile"] else "")
    if not found:
        raise CrossvpcError("%s: no %s %s. Check the name, vpc_id, profile and region, or give cidrs and "
                            "account_id." % (parameter, what, where))
    if len(found) > 1:
        raise CrossvpcError("%s: %d VPCs are named %s %s (%s). Give vpc_id to choose one." % (
            parameter, len(found), vpc["name"], where, ", ".join(sorted(v["VpcId"] for v in found))))
    found = found[0]
    if vpc["account_id"] and found["OwnerId"] != vpc["account_id"]:
        raise CrossvpcError("%s: %s belongs to account %s, not account_id=%s. Check the profile." % (
            parameter, found["VpcId"], found["OwnerId"], vpc["account_id"]))
    cidrs = [a["CidrBlock"] for a in found.get("CidrBlockAssociationSet") or []
             if a.get("CidrBlockState", {}).get("State") == "associated"]
    ipv6 = [a["Ipv6CidrBlock"] for a in found.get("Ipv6CidrBlockAssociationSet") or []
            if a.get("Ipv6CidrBlockState", {}).get("State") == "associated"]
    return dict(vpc, cidrs=cidrs or [found["CidrBlock"]], ipv6_cidrs=ipv6, account_id=found["OwnerId"],
                vpc_id=found["VpcId"])


# --- rendering -------------------------------------------------------------------------------

def _label(text):
    """Text safe inside a quoted Mermaid label."""
    return (str(text).replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
            .replace("\n", " "))


def _ports_text(ports):
    return ":" + ",".join(str(p) for p in ports) if ports else ""


def mermaid(result):
    """A Mermaid flowchart: accounts as subgraphs, VPCs and hubs as nodes, one edge per link from its
    client to its server labelled with the method, service and ports, and each hub's attachments."""
    ids = dict((v["name"], "vpc_%d" % i) for i, v in enumerate(result["vpcs"]))
    hubs = result["steps"]["transit_gateways"]
    lines = ["flowchart LR"]
    accounts = []
    for vpc in result["vpcs"]:
        if vpc["account_id"] not in accounts:
            accounts.append(vpc["account_id"])
    for account in accounts:
        lines.append('    subgraph acct_%s["Account %s"]' % (account, account))
        for vpc in result["vpcs"]:
            if vpc["account_id"] == account:
                cidrs = ", ".join(vpc["cidrs"] + vpc["ipv6_cidrs"])
                lines.append('        %s["%s<br/>%s"]' % (ids[vpc["name"]], _label(vpc["name"]), _label(cidrs)))
        for i, hub in enumerate(hubs):
            if hub["hub_account"] == account:
                lines.append('        tgw_%d(("%s"))' % (i, _hub_label(hub, hubs)))
        lines.append("    end")
    for i, hub in enumerate(hubs):
        if hub["hub_account"] not in accounts:
            lines.append('    tgw_%d(("%s"))' % (i, _hub_label(hub, hubs)))
    for i, network in enumerate(result["on_premises"]):
        lines.append('    onprem_%d[/"%s<br/>%s"/]' % (i, _label(network["name"]), _label(", ".join(network["cidrs"]))))
    for link in result["links"]:
        text = " ".join(t for t in (SHORT_NAMES[link["method"]], link["service"], _ports_text(link["ports"])) if t)
        lines.append('    %s -- "%s" --> %s' % (ids[link["client"]], _label(text), ids[link["server"]]))
    for i, hub in enumerate(hubs):
        for spoke in hub["spokes"]:
            lines.append("    %s --- tgw_%d" % (ids[spoke["vpc"]], i))
        for j in range(len(hub["on_premises"])):
            lines.append("    onprem_%d --- tgw_%d" % (j, i))
    return "\n".join(lines) + "\n"


def _hub_label(hub, hubs):
    return "Transit Gateway" + ("<br/>%s" % _label(hub["name"]) if len(hubs) > 1 else "")


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown(result, reachability=None):
    """The report: links and why, overlaps, the design comparison, problems, steps, the diagram and,
    once the links were built and checked, each link's hops."""
    links, designs = result["links"], result["designs"]
    counts = dict((m, len([e for e in links if e["method"] == m])) for m in METHOD_NAMES)
    out = ["# Connectivity plan", "",
           "%d VPCs, %d links: %d PrivateLink, %d VPC peering, %d Transit Gateway." % (
               len(result["vpcs"]), len(links), counts[PRIVATELINK], counts[PEERING], counts[TRANSIT_GATEWAY]),
           "", "## Links", "", "| Client | Server | Method | Ports | Why |", "|---|---|---|---|---|"]
    for e in links:
        out.append("| %s | %s | %s | %s | %s |" % (
            _cell(e["client"]), _cell(e["server"]), METHOD_NAMES[e["method"]],
            ", ".join(str(p) for p in e["ports"]) or "-", _cell(" ".join(e["reasons"]))))
    out += ["", "## Overlapping CIDRs", ""]
    clashes = [(e, o) for e in links for o in e["overlaps"]]
    if clashes:
        out += ["| Client | Client CIDR | Server | Server CIDR |", "|---|---|---|---|"]
        out += ["| %s | %s | %s | %s |" % (_cell(e["client"]), o["client_cidr"], _cell(e["server"]), o["server_cidr"])
                for e, o in clashes]
    else:
        out.append("None.")
    peering, tgw, pl = designs["peering"], designs["transit_gateway"], designs["privatelink"]
    chosen = METHOD_NAMES.get(designs["routed_method"], "peering for some groups, a Transit Gateway for others"
                              if designs["routed_method"] == "mixed" else "none (no links route)")
    out += ["", "## Design comparison", "",
            "For the %d VPCs that route to each other (%d expected); chosen: **%s**." % (
                peering["vpcs"], peering["vpcs_expected"], chosen), "",
            "| | VPC peering | Transit Gateway |", "|---|---|---|",
            "| Connections now (full mesh N(N-1)/2 vs N attachments) | %d | %d |" % (
                peering["connections_full_mesh"], tgw["attachments"]),
            "| Connections when grown to %d VPCs | %d | %d |" % (
                peering["vpcs_expected"], peering["connections_full_mesh_expected"], tgw["attachments_expected"]),
            "| Connections for these links | %d | %d |" % (peering["connections_requested"], tgw["attachments"]),
            "| Routes per VPC route table (max) | %d | %d |" % (
                peering["routes_per_table_max"], tgw["routes_per_table_max"]),
            "", "PrivateLink: endpoint services %d, endpoints %d." % (pl["endpoint_services"], pl["endpoints"]),
            "", "## Problems", ""]
    out += ["- **%s**: %s" % (p["kind"], p["message"]) for p in result["problems"]] or ["None."]
    steps = result["steps"]
    out += ["", "## Steps", ""]
    for s in steps["privatelink"]:
        out.append("- PrivateLink: %s (account %s) publishes%s; %s (account %s) makes the endpoint." % (
            s["provider"], s["provider_account"], " port%s %s" % ("s" if len(s["ports"]) > 1 else "", ", ".join(
                str(p) for p in s["ports"])) if s["ports"] else "", s["consumer"], s["consumer_account"]))
    for s in steps["peering"]:
        out.append("- Peering: %s (account %s) requests, %s (account %s) accepts." % (
            s["requester"], s["requester_account"], s["accepter"], s["accepter_account"]))
    for t in steps["transit_gateways"]:
        out.append("- Transit Gateway %s in account %s (%s), shared with the spokes' accounts; attach %s%s." % (
            t["name"], t["hub_account"], t["region"], ", ".join(s["vpc"] for s in t["spokes"]),
            "; on-premises: %s" % ", ".join(t["on_premises"]) if t["on_premises"] else ""))
    if not (steps["privatelink"] or steps["peering"] or steps["transit_gateways"]):
        out.append("Nothing to build.")
    out += ["", "## Diagram", "", "```mermaid", result["mermaid"].rstrip("\n"), "```", ""]
    if reachability:
        out += ["## Reachability", ""]
        for check in reachability:
            link = check.get("item") or {}
            ports = link["port"] if "port" in link else ",".join(str(p) for p in link.get("ports") or [])  # one check per port
            method = METHOD_NAMES.get(link.get("method"), link.get("method") or "-")
            unchecked = len([h for h in check.get("hops") or [] if h.get("ok") is None])
            verdict = ("NOT reachable" if not check.get("reachable") else
                       "reachable as far as checked (%d hop(s) not checked)" % unchecked if unchecked else "reachable")
            out += ["### %s -> %s:%s (%s): %s" % (link.get("client"), link.get("server"), ports, method, verdict), ""]
            out += [_cell(check.get("msg") or ""), ""] + list(check.get("table") or []) + [""]
    return "\n".join(out)
