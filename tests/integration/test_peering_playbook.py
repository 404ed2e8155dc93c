"""playbooks/peering.yml and peering_teardown.yml end to end on the local AWS.

Each case gets its own VPCs (with two subnets and route tables each) and a two-host inventory,
and everything asserted is read back from the two accounts, or counted at the server.
"""

import json

import pytest

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
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n}.0/24",
                                   AvailabilityZone=f"{region}{zone}")["Subnet"]["SubnetId"]
        table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        tables.append(table)
    return {"profile": profile, "region": region, "cidr": cidr, "vpc": vpc, "tables": tables, "ec2": ec2}


def inventory(tmp_path, requester, accepter, name):
    def host(end, ports):
        return {"aws_profile": end["profile"], "aws_region": end["region"], "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                "vpc_peering_name": name, "vpc_peering_vpc_id": end["vpc"], "vpc_peering_allowed_ports": ports}

    path = tmp_path / "inventory.json"
    path.write_text(json.dumps({"all": {"children": {
        "requester": {"hosts": {"end_requester": host(requester, [8443])}},
        "accepter": {"hosts": {"end_accepter": host(accepter, [])}}}}}))
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


# Across accounts in one region is the lab's peering, which the crash, fault and least-privilege
# sweeps run peering.yml on; here one account, and across accounts and regions.
CASES = {
    "same-account": (("crossvpc-a", "us-east-1"), ("crossvpc-a", "us-east-1")),
    "cross-region": (("crossvpc-a", "us-east-1"), ("crossvpc-b", "us-west-2")),
}


@pytest.mark.parametrize("case", CASES)
def test_peering_playbook(localaws, ansible, tmp_path, case):
    (profile_r, region_r), (profile_a, region_a) = CASES[case]
    requester = new_network(localaws, profile_r, region_r, "10.31.0.0/16")
    accepter = new_network(localaws, profile_a, region_a, "10.32.0.0/16")
    name = f"peering-{case}"
    hosts = inventory(tmp_path, requester, accepter, name)

    mark = localaws.control.mark()
    check = ansible(PEERING, check=True, inventory=hosts)
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.changed() > 0
    assert mutating(localaws, mark) == []
    assert live(localaws, profile_r, requester["vpc"], region_r) == []

    converge = ansible(PEERING, inventory=hosts)
    assert converge.returncode == 0, converge.stdout + converge.stderr
    [pcx] = live(localaws, profile_a, accepter["vpc"], region_a)
    assert pcx["Status"]["Code"] == "active"
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

    teardown = ansible(TEARDOWN, inventory=hosts)
    assert teardown.returncode == 0, teardown.stdout + teardown.stderr
    assert live(localaws, profile_r, requester["vpc"], region_r) == []
    assert live(localaws, profile_a, accepter["vpc"], region_a) == []
    for end, peer in ((requester, accepter), (accepter, requester)):
        assert peer_routes(end, peer["cidr"]) == {}
        assert peer_groups(end, name) == []

    if case == "same-account":  # a second teardown finds nothing to do (the same code either way)
        mark = localaws.control.mark()
        again = ansible(TEARDOWN, inventory=hosts)
        assert again.returncode == 0 and again.changed() == 0, again.stats
        assert mutating(localaws, mark) == []


def test_overlapping_vpcs_are_refused_before_any_change(localaws, ansible, tmp_path):
    """The lab's pair: two 10.0.0.0/16 VPCs in two accounts."""
    requester = new_network(localaws, "crossvpc-a", "us-east-1", "10.0.0.0/16")
    accepter = new_network(localaws, "crossvpc-b", "us-east-1", "10.0.0.0/16")
    hosts = inventory(tmp_path, requester, accepter, "peering-overlap")
    mark = localaws.control.mark()
    run = ansible(PEERING, inventory=hosts)
    assert run.returncode != 0
    message = next(r["msg"] for _n, h, r in run.tasks("end_requester") if r.get("failed"))
    assert "overlapping CIDRs" in message and "playbooks/privatelink.yml" in message, message
    assert mutating(localaws, mark) == []
    assert live(localaws, "crossvpc-a", requester["vpc"]) == []
