"""playbooks/connect.yml on a mixed plan: ten VPCs over three accounts, built, checked, rerun and torn
down in one run each.

    account A: a1 10.0.0.0/16 serves 8443; a2 10.20.0.0/16 serves 8080, calls c2; a3 10.40.0.0/16 serves 8080
    account B: b1 10.0.0.0/16 calls a1, serves 9443; b2 10.0.128.0/17 (inside a1's range) calls a1 and a2;
               b3 10.60.0.0/16 serves 5432
    account C: c1 10.0.0.0/16 calls b1; c2 10.30.0.0/16 calls a2, serves 7000; c3 10.50.0.0/16 calls a3; c4 10.70.0.0/16 calls b3

The plan: PrivateLink for the overlapping pairs (two services, a1:8443 with two consumers in account B,
and b1:9443), peering for the small group (a2 with b2 and with c2, links both ways with c2), and two Transit Gateways, one per
group expected to grow: hub "mix-a3" in account A for a3 and c3 (group "growth", 5 VPCs expected) and
hub "mix-b3" in account B for b3 and c4 (group "edge", 4 expected). Account C is a spoke of both hubs,
each shared with it by its own account. Everything asserted is read back from the three accounts or
counted at the server. The account hosts come from the inventory plugin crossvpc.aws.vpcs, which reads the VPCs
and their crossvpc:connect tags from AWS.
"""

import hashlib
import json

import pytest

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C
from conftest import REPO

PLAYBOOKS = REPO / "playbooks"
PROFILES = {"a": "crossvpc-a", "b": "crossvpc-b", "c": "crossvpc-c"}
ACCOUNTS = {"a": ACCOUNT_A, "b": ACCOUNT_B, "c": ACCOUNT_C}
VPCS = {"a1": "10.0.0.0/16", "a2": "10.20.0.0/16", "a3": "10.40.0.0/16", "b1": "10.0.0.0/16", "b2": "10.0.128.0/17",
        "b3": "10.60.0.0/16", "c1": "10.0.0.0/16", "c2": "10.30.0.0/16", "c3": "10.50.0.0/16", "c4": "10.70.0.0/16"}
LINKS = [("b1", "a1", 8443), ("b2", "a1", 8443), ("c1", "b1", 9443), ("c2", "a2", 8080), ("b2", "a2", 8080), ("c3", "a3", 8080),
         ("c4", "b3", 5432), ("a2", "c2", 7000)]
METHODS = {"a1": "privatelink", "b1": "privatelink", "a2": "peering", "c2": "peering", "a3": "transit_gateway",
           "b3": "transit_gateway"}  # by server
# Groups expected to grow, each over the peering limit (3): each gets a hub, named after its first VPC.
GROUPS = {"a3": "growth", "c3": "growth", "b3": "edge", "c4": "edge"}
EXPECTED = {"growth": 5, "edge": 4}
# b2 also calls a2 on a second port: each port of a link is checked on its own.
SECOND_PORT = ("b2", "a2", 8081)
GONE = ("deleted", "deleting", "rejected", "failed", "expired")


def network(localaws, tag):
    """A VPC named mix-<tag> with two subnets (two zones) and a client security group, tagged for the inventory
    plugin crossvpc.aws.vpcs to list it in connect_vpcs (its group, clients and service targets)."""
    ec2 = localaws.client("ec2", PROFILES[tag[0]])
    cidr = VPCS[tag]
    octets = cidr.split("/")[0].split(".")
    third = int(octets[2])
    targets = [f"{octets[0]}.{octets[1]}.{third + 1}.10", f"{octets[0]}.{octets[1]}.{third + 2}.10"]
    tags = {"Name": f"mix-{tag}", "crossvpc:connect": GROUPS.get(tag, "true"), "crossvpc:clients": f"mix-{tag}-clients",
            "crossvpc:service-targets": ",".join(targets)}
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}])
    vpc_id = vpc["Vpc"]["VpcId"]
    for n, zone in ((1, "a"), (2, "b")):
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"{octets[0]}.{octets[1]}.{third + n}.0/24", AvailabilityZone=f"us-east-1{zone}",
                          TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"mix-{tag}-{n}"}]}])
    ec2.create_security_group(GroupName=f"mix-{tag}-clients", Description="clients", VpcId=vpc_id)
    if tag in METHODS:  # a server: its workload at the service targets, open to the other VPCs (what the checks evaluate)
        group = ec2.create_security_group(GroupName=f"mix-{tag}-service", Description="the service", VpcId=vpc_id)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
        for address in targets:
            [subnet] = [s["SubnetId"] for s in subnets if s["CidrBlock"].startswith(address.rsplit(".", 1)[0] + ".")]
            ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress=address, Groups=[group])


def hub(vpc):
    """The Name tag (and share name) connect_plan.yml gives the hub of the group whose first VPC is ``vpc``."""
    return "crossvpc-connect-" + hashlib.sha1(f"mix-{vpc}".encode()).hexdigest()[:8]


@pytest.fixture
def mixed(localaws, tmp_path):
    """The VPCs on empty accounts, and an inventory that links them: the account hosts from the inventory plugin
    crossvpc.aws.vpcs (each account's VPCs, read from AWS) and the links in a file beside it."""
    localaws.control.restore("empty")
    for tag in VPCS:
        network(localaws, tag)
    path = tmp_path / "inventory"
    path.mkdir()
    (path / "aws.vpcs.yml").write_text(json.dumps({
        "plugin": "crossvpc.aws.vpcs", "accounts": [{"profile": p, "name": f"account_{a}"} for a, p in PROFILES.items()]}))
    links = [{"client": f"mix-{c}", "server": f"mix-{s}", "ports": [port] + [p for c2, s2, p in [SECOND_PORT] if (c2, s2) == (c, s)]}
             for c, s, port in LINKS]
    (path / "links.json").write_text(json.dumps({"all": {"vars": {
        "connect_links": links, "connect_report_path": str(tmp_path / "plan.md"), "connect_expected_vpcs": EXPECTED}}}))
    yield path
    localaws.control.restore("empty")


def vpc_ids(localaws):
    return {tag: localaws.client("ec2", PROFILES[tag[0]]).describe_vpcs(
        Filters=[{"Name": "tag:Name", "Values": [f"mix-{tag}"]}])["Vpcs"][0]["VpcId"] for tag in VPCS}


def built(localaws):
    """What connect.yml makes, read from the three accounts."""
    ids = vpc_ids(localaws)
    tag_of = {v: k for k, v in ids.items()}
    # Every transit gateway by id, with its Name tag, as its owner sees it: attachments and routes name their hub by it.
    hub_of = {g["TransitGatewayId"]: {t["Key"]: t["Value"] for t in g.get("Tags", [])}.get("Name", g["TransitGatewayId"])
              for a in PROFILES for g in localaws.client("ec2", PROFILES[a]).describe_transit_gateways()["TransitGateways"]
              if g["OwnerId"] == ACCOUNTS[a]}
    state = {"services": {}, "endpoints": [], "peerings": [], "routes": [], "groups": [], "load_balancers": [],
             "transit_gateways": [], "hub_ids": {}, "attachments": [], "tgw_routes": [], "shares": []}
    for a, profile in PROFILES.items():
        ec2, elb = localaws.client("ec2", profile), localaws.client("elbv2", profile)
        for s in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]:
            allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=s["ServiceId"])["AllowedPrincipals"]
            state["services"][s["ServiceName"]] = {"account": a, "acceptance": s["AcceptanceRequired"],
                                                   "principals": sorted(p["Principal"] for p in allowed)}
        for e in ec2.describe_vpc_endpoints()["VpcEndpoints"]:
            if e["State"].lower() not in GONE:
                state["endpoints"].append((tag_of[e["VpcId"]], e["ServiceName"], e["State"]))
        for p in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]:
            if p["Status"]["Code"] not in GONE and p["RequesterVpcInfo"]["OwnerId"] == ACCOUNTS[a]:
                state["peerings"].append((tag_of[p["RequesterVpcInfo"]["VpcId"]], tag_of[p["AccepterVpcInfo"]["VpcId"]], p["Status"]["Code"]))
        for t in ec2.describe_route_tables()["RouteTables"]:
            state["routes"] += [(tag_of[t["VpcId"]], r["DestinationCidrBlock"]) for r in t["Routes"] if r.get("VpcPeeringConnectionId")]
            state["tgw_routes"] += [(tag_of[t["VpcId"]], r["DestinationCidrBlock"], hub_of.get(r["TransitGatewayId"]))
                                    for r in t["Routes"] if r.get("TransitGatewayId")]
        for g in ec2.describe_transit_gateways()["TransitGateways"]:
            if g["State"] not in GONE and g["OwnerId"] == ACCOUNTS[a]:  # not those shared with it
                state["transit_gateways"].append((a, hub_of[g["TransitGatewayId"]], g["State"]))
                state["hub_ids"][hub_of[g["TransitGatewayId"]]] = g["TransitGatewayId"]
        state["attachments"] += [(tag_of[t["ResourceId"]], hub_of.get(t["TransitGatewayId"]), t["State"])
                                 for t in ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
                                 if t["State"] not in GONE and t["ResourceOwnerId"] == ACCOUNTS[a]]
        # Each live share: the accounts that accepted it (ASSOCIATED), and the transit gateways in it.
        ram = localaws.client("ram", profile)
        for r in ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]:
            if r["status"] not in ("DELETED", "DELETING"):
                arns = [r["resourceShareArn"]]
                principals = sorted(p["id"] for p in ram.list_principals(resourceOwner="SELF", resourceShareArns=arns)["principals"])
                gateways = sorted(hub_of.get(x["arn"].split("/")[-1]) for x in ram.list_resources(resourceOwner="SELF", resourceShareArns=arns)["resources"])
                state["shares"].append((a, r["name"], principals, gateways))
        state["groups"] += [(tag_of[g["VpcId"]], g["GroupName"]) for g in ec2.describe_security_groups()["SecurityGroups"]
                            if g["GroupName"] != "default" and not g["GroupName"].endswith(("-clients", "-service"))]
        state["load_balancers"] += [(a, lb["LoadBalancerName"]) for lb in elb.describe_load_balancers()["LoadBalancers"]]
    for key in ("endpoints", "peerings", "routes", "groups", "load_balancers", "transit_gateways", "attachments", "tgw_routes", "shares"):
        state[key].sort()
    return state


def test_a_mixed_plan_builds_in_one_run_then_reruns_and_tears_down_clean(localaws, ansible, mixed, tmp_path):
    mark = localaws.control.mark()
    check = ansible(PLAYBOOKS / "connect.yml", check=True, inventory=mixed)
    assert check.returncode == 0, check.stdout[-5000:]
    assert localaws.control.mutating_calls(mark) == []
    shown = check.result("Show the plan and its diagram")["msg"]
    assert sorted(tuple(line.split(" | ")[:3]) for line in shown["links"]) == sorted(
        (f"mix-{c}", f"mix-{s}", METHODS[s]) for c, s, _port in LINKS)
    diagram = "\n".join(shown["diagram"])
    assert '-- "via TGW :8080" -->' in diagram and '-- "via TGW :5432" -->' in diagram
    # Two hubs, each labelled with its group's first VPC.
    assert diagram.count('(("Transit Gateway<br/>') == 2 and '(("Transit Gateway<br/>mix-a3"))' in diagram
    assert '(("Transit Gateway<br/>mix-b3"))' in diagram

    first = ansible(PLAYBOOKS / "connect.yml", inventory=mixed)
    assert first.returncode == 0, first.stdout[-5000:]
    # --check named exactly the changes the build made.
    assert check.changes() == first.changes()

    state = built(localaws)
    by_account = {s["account"]: (name, s) for name, s in state["services"].items()}
    (a1_service, a1), (b1_service, b1) = by_account["a"], by_account["b"]
    assert len(state["services"]) == 2 and a1["acceptance"] and b1["acceptance"]
    assert a1["principals"] == [f"arn:aws:iam::{ACCOUNT_B}:root"] and b1["principals"] == [f"arn:aws:iam::{ACCOUNT_C}:root"]
    # Two consumers in account B of a1's service, one in C of b1's, every connection accepted.
    assert state["endpoints"] == [("b1", a1_service, "available"), ("b2", a1_service, "available"), ("c1", b1_service, "available")]
    assert state["peerings"] == [("a2", "b2", "active"), ("a2", "c2", "active")]
    # Each end routes the other's range (a2 in both of its tables' main one), a2 opens 8080 to each peer, and c2
    # opens 7000 to a2: the a2-c2 peering carries links both ways.
    assert sorted(set(state["routes"])) == [("a2", "10.0.128.0/17"), ("a2", "10.30.0.0/16"), ("b2", "10.20.0.0/16"), ("c2", "10.20.0.0/16")]
    assert len([g for g in state["groups"] if g[0] == "a2"]) == 2 and len([g for g in state["groups"] if g[0] == "c2"]) == 1
    assert len(state["load_balancers"]) == 2
    # A hub per growing group, in the account with most of its VPCs (a tie goes to the account listed
    # first): "growth" in A, "edge" in B. Each is shared with (and accepted by) C, the other spokes' account,
    # and has exactly its own group's VPCs attached, each routing the other spoke's range to its hub alone.
    assert state["transit_gateways"] == [("a", hub("a3"), "available"), ("b", hub("b3"), "available")]
    assert state["shares"] == [("a", hub("a3"), [ACCOUNT_C], [hub("a3")]), ("b", hub("b3"), [ACCOUNT_C], [hub("b3")])]
    assert state["attachments"] == [("a3", hub("a3"), "available"), ("b3", hub("b3"), "available"),
                                    ("c3", hub("a3"), "available"), ("c4", hub("b3"), "available")]
    assert sorted(set(state["tgw_routes"])) == [("a3", "10.50.0.0/16", hub("a3")), ("b3", "10.70.0.0/16", hub("b3")),
                                                ("c3", "10.40.0.0/16", hub("a3")), ("c4", "10.60.0.0/16", hub("b3"))]

    # Every link checked from its client's account, reachable.
    verdicts = sorted((c["item"]["client"], c["item"]["server"], c["item"]["port"], c["reachable"])
                      for host in ("account_a", "account_b", "account_c")
                      for c in first.result("Follow each link's path with read-only calls", host)["results"])
    assert verdicts == sorted((f"mix-{c}", f"mix-{s}", port, True) for c, s, port in LINKS + [SECOND_PORT])
    # Each link's hop table, printed on success too, and in the plan's report.
    shown = [r["msg"] for r in first.result("Show each link's hops", "account_c")["results"]]
    assert [lines[1] for lines in shown] == ["| Hop | Verdict | Resource | Detail |"] * len([c for c, _s, _p in LINKS if c[0] == "c"])
    # Every hop checked: the servers' workloads are at their targets, so their own groups are evaluated.
    assert all(all("| ok |" in row for row in lines[3:]) for lines in shown), shown
    report = (tmp_path / "plan.md").read_text()
    # One section per link, headed by its verdict; a link through a hub passes that hub's attachments, never the other's.
    sections = {text.split("\n", 1)[0]: text for text in report.split("\n### ")[1:]}
    names = {"privatelink": "PrivateLink", "peering": "VPC peering", "transit_gateway": "Transit Gateway"}
    assert sorted(sections) == sorted(f"mix-{c} -> mix-{s}:{port} ({names[METHODS[s]]}): reachable" for c, s, port in LINKS + [SECOND_PORT])
    for c, s, port in LINKS:
        if METHODS[s] == "transit_gateway":
            other = hub("b3" if s == "a3" else "a3")
            text = sections[f"mix-{c} -> mix-{s}:{port} (Transit Gateway): reachable"]
            assert state["hub_ids"][hub(s)] in text and state["hub_ids"][other] not in text, text
    assert report.count("| Hop | Verdict | Resource | Detail |") == len(LINKS) + 1

    mark = localaws.control.mark()
    again = ansible(PLAYBOOKS / "connect.yml", inventory=mixed)
    assert again.returncode == 0 and again.changed() == 0, again.changes()
    assert localaws.control.mutating_calls(mark) == []

    teardown = ansible(PLAYBOOKS / "connect_teardown.yml", inventory=mixed)
    assert teardown.returncode == 0, teardown.stdout[-5000:]
    left = built(localaws)
    assert {k: v for k, v in left.items() if v} == {}, left
    # (A second teardown changing nothing is each family teardown's, proven in its own playbook test.)
