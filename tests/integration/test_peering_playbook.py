"""playbooks/peering.yml and peering_teardown.yml end to end on the local AWS.

Each peering gets its own VPCs (with two subnets and route tables each) and two hosts in the inventory,
and everything asserted is read back from the two accounts, or counted at the server.
"""

import json

from test_peering_modules import live  # same directory, on sys.path under pytest

PEERING = "playbooks/peering.yml"
TEARDOWN = "playbooks/peering_teardown.yml"


def new_network(localaws, profile, region, cidr):
    """A VPC with two subnets, each with its own route table; returns ids."""
    ec2 = localaws.client("ec2", profile, region)
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    tables = []
    for n, zone in ((1, "a"), (2, "b")):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n}.0/24", AvailabilityZone=f"{region}{zone}", TagSpecifications=[
            {"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"{base}.{n}"}]}])["Subnet"]["SubnetId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        tables.append(table)
    return {"profile": profile, "region": region, "cidr": cidr, "vpc": vpc, "tables": tables, "ec2": ec2}


def inventory(tmp_path, pairs):
    """Two hosts per peering, ``pairs``: {name: (requester, accepter)}; each requester names its accepter."""
    def host(end, ports, name, peer=None):
        return dict({"aws_profile": end["profile"], "aws_region": end["region"], "ansible_connection": "local",
                     "ansible_python_interpreter": "{{ ansible_playbook_python }}", "vpc_peering_name": name,
                     "vpc_peering_vpc_id": end["vpc"], "vpc_peering_allowed_ports": ports},
                    **({"vpc_peering_peer_host": peer} if peer else {}))

    path = tmp_path / "inventory.json"
    path.write_text(json.dumps({"all": {"children": {
        "requester": {"hosts": {f"{name}_requester": host(r, [8443], name, f"{name}_accepter") for name, (r, _a) in pairs.items()}},
        "accepter": {"hosts": {f"{name}_accepter": host(a, [], name, f"{name}_requester") for name, (_r, a) in pairs.items()}}}}}))
    return path


def peer_routes(end, peer_cidr):
    """{route table: target} of the routes to ``peer_cidr`` in every table of the end's VPC."""
    tables = end["ec2"].describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [end["vpc"]]}])["RouteTables"]
    return {t["RouteTableId"]: r.get("VpcPeeringConnectionId")
            for t in tables for r in t["Routes"] if r.get("DestinationCidrBlock") == peer_cidr}


def peer_groups(end, name):
    return end["ec2"].describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [end["vpc"]]}, {"Name": "group-name", "Values": [f"{name}-from-peer"]}])[
            "SecurityGroups"]


def mutating(localaws, mark):
    return [(c["account"], c["action"]) for c in localaws.control.calls(mark) if c["mutating"]]


# Across accounts in one region is the lab's peering, which molecule and the crash, fault and least-privilege
# sweeps run peering.yml on; here one run makes two peerings: in one account, and across accounts and regions.
CASES = {
    "same-account": (("crossvpc-a", "us-east-1", "10.31.0.0/16"), ("crossvpc-a", "us-east-1", "10.32.0.0/16")),
    "cross-region": (("crossvpc-a", "us-east-1", "10.33.0.0/16"), ("crossvpc-b", "us-west-2", "10.34.0.0/16")),
}


def test_two_peerings_in_one_run_one_account_and_across_regions(localaws, ansible, tmp_path):
    pairs = {f"peering-{case}": tuple(new_network(localaws, *end) for end in ends) for case, ends in CASES.items()}
    hosts = inventory(tmp_path, pairs)
    # A requester's check runs too (the fifteenth trial: only the accepter's did, a requester's was ignored).
    inventory_data = json.loads(hosts.read_text())
    inventory_data["all"]["children"]["requester"]["hosts"]["peering-same-account_requester"]["vpc_peering_check"] = {
        "subnet_name": "10.31.1", "address": "10.32.2.10", "port": 8443}
    hosts.write_text(json.dumps(inventory_data))

    mark = localaws.control.mark()
    check = ansible(PEERING, check=True, inventory=hosts)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.changed() > 0
    assert mutating(localaws, mark) == []
    for requester, _accepter in pairs.values():
        assert live(localaws, requester["profile"], requester["vpc"], requester["region"]) == []

    converge = ansible(PEERING, inventory=hosts)
    assert converge.returncode == 0, converge.stdout + converge.stderr
    assert check.changes() == converge.changes()  # --check named exactly the changes the build made
    path = converge.result("Follow the path from a subnet here to the address and port in vpc_peering_check, with read-only calls",
                           "peering-same-account_requester")
    assert path["reachable"] and "peering connection" in [hop["hop"] for hop in path["hops"]], path
    for name, (requester, accepter) in pairs.items():
        [pcx] = live(localaws, accepter["profile"], accepter["vpc"], accepter["region"])
        assert pcx["Status"]["Code"] == "active"
        assert pcx["RequesterVpcInfo"]["VpcId"] == requester["vpc"]
        assert pcx["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
        assert pcx["AccepterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
        pcx_id = pcx["VpcPeeringConnectionId"]
        # Every route table of each VPC (the two subnets' and the main one) routes the peer's CIDR.
        for end, peer in ((requester, accepter), (accepter, requester)):
            routes = peer_routes(end, peer["cidr"])
            assert set(end["tables"]) <= set(routes) and set(routes.values()) == {pcx_id}, routes
        [group] = peer_groups(requester, name)
        assert [(p["FromPort"], p["ToPort"], [r["CidrIp"] for r in p["IpRanges"]]) for p in group["IpPermissions"]] == [
            (8443, 8443, [accepter["cidr"]])]
        assert peer_groups(accepter, name) == []  # no ports asked on that end

    mark = localaws.control.mark()
    rerun = ansible(PEERING, inventory=hosts)
    assert rerun.returncode == 0 and rerun.changed() == 0, rerun.stats
    assert mutating(localaws, mark) == []

    # Narrowed inputs take back what they no longer ask for: the ports closed (the group goes), the routes of the
    # route tables taken out of the list removed.
    name, (requester, accepter) = "peering-same-account", pairs["peering-same-account"]
    inventory_data = json.loads(hosts.read_text())
    inventory_data["all"]["children"]["requester"]["hosts"][f"{name}_requester"].update(
        vpc_peering_allowed_ports=[], vpc_peering_route_table_ids=requester["tables"][:1])
    hosts.write_text(json.dumps(inventory_data))
    kept = live(localaws, requester["profile"], requester["vpc"], requester["region"])
    narrowed = ansible(PEERING, "--limit", f"{name}_requester,{name}_accepter", inventory=hosts)
    assert narrowed.returncode == 0, narrowed.stdout + narrowed.stderr
    assert peer_groups(requester, name) == []
    assert list(peer_routes(requester, accepter["cidr"])) == requester["tables"][:1]
    assert set(accepter["tables"]) <= set(peer_routes(accepter, requester["cidr"]))  # the other end as it was

    # The same-account requester keeps its connection (the thirteenth trial's PR08: the teardown deleted it regardless).
    inventory_data["all"]["children"]["requester"]["hosts"][f"{name}_requester"]["vpc_peering_remove_connection"] = False
    hosts.write_text(json.dumps(inventory_data))
    teardown = ansible(TEARDOWN, inventory=hosts)
    assert teardown.returncode == 0, teardown.stdout + teardown.stderr
    for name, (requester, accepter) in pairs.items():
        left = [(p["VpcPeeringConnectionId"], "active") for p in kept] if name == "peering-same-account" else []
        for end in (requester, accepter):
            assert [(p["VpcPeeringConnectionId"], p["Status"]["Code"]) for p in live(localaws, end["profile"], end["vpc"], end["region"])] == left
        for end, peer in ((requester, accepter), (accepter, requester)):
            assert peer_routes(end, peer["cidr"]) == {}
            assert peer_groups(end, name) == []

    mark = localaws.control.mark()  # a second teardown finds nothing to do
    again = ansible(TEARDOWN, inventory=hosts)
    assert again.returncode == 0 and again.changed() == 0, again.stats
    assert mutating(localaws, mark) == []
    localaws.client("ec2", "crossvpc-a").delete_vpc_peering_connection(VpcPeeringConnectionId=kept[0]["VpcPeeringConnectionId"])


def test_overlapping_vpcs_are_refused_before_any_change(localaws, ansible, tmp_path):
    """The lab's pair: two 10.0.0.0/16 VPCs in two accounts."""
    requester = new_network(localaws, "crossvpc-a", "us-east-1", "10.0.0.0/16")
    accepter = new_network(localaws, "crossvpc-b", "us-east-1", "10.0.0.0/16")
    hosts = inventory(tmp_path, {"peering-overlap": (requester, accepter)})
    mark = localaws.control.mark()
    run = ansible(PEERING, inventory=hosts)
    assert run.returncode != 0
    message = next(r["msg"] for _n, h, r in run.tasks("peering-overlap_requester") if r.get("failed"))
    assert "overlapping CIDRs" in message and "playbooks/privatelink.yml" in message, message
    assert mutating(localaws, mark) == []
    assert live(localaws, "crossvpc-a", requester["vpc"]) == []
