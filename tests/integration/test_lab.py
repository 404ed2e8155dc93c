"""playbooks/lab.yml builds the project's situation in two accounts, idempotently.

Besides VPC_A (account A) and VPC_B (account B), both 10.0.0.0/16, account B gets VPC_C, the peer
VPC with a distinct CIDR (lab_peer_vpc in inventories/local/account_b.yml).
"""

from localaws import ACCOUNT_A, ACCOUNT_B
from conftest import REPO

# VPC_C as inventories/local/account_b.yml declares it.
PEER = {"name": "crossvpc-lab-c", "cidr": "10.1.0.0/16",
        "subnets": {"private-1": ("10.1.1.0/24", "us-east-1a"), "private-2": ("10.1.2.0/24", "us-east-1b")}}


def by_name(items, name):
    return [i for i in items if {"Key": "Name", "Value": name} in i.get("Tags", [])]


def test_lab_builds_reruns_clean_and_tears_down(localaws, ansible, bare_lab):
    """The build is the worker's lab (conftest), made on its fresh local AWS; the rerun and the
    teardown run on that lab, restored (conftest's bare_lab) for the other tests afterwards."""
    first = bare_lab

    for profile, account, name in (("crossvpc-a", ACCOUNT_A, "crossvpc-lab-a"),
                                   ("crossvpc-b", ACCOUNT_B, "crossvpc-lab-b")):
        ec2 = localaws.client("ec2", profile)
        [vpc] = by_name(ec2.describe_vpcs()["Vpcs"], name)
        assert vpc["CidrBlock"] == "10.0.0.0/16" and vpc["OwnerId"] == account
        subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
        assert sorted((s["CidrBlock"], s["AvailabilityZone"]) for s in subnets) == [
            ("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")]
        tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])
        associated = {a.get("SubnetId") for t in tables["RouteTables"] for a in t["Associations"]
                      if not a.get("Main")}
        assert associated == {s["SubnetId"] for s in subnets}
        shown = first.result("Show what was built", host="account_a" if account == ACCOUNT_A
                             else "account_b")["lab_result"]
        assert shown["vpc_id"] == vpc["VpcId"] and shown["account"] == account

    assert_peer_vpc(localaws, first)

    [cluster] = [localaws.client("eks", "crossvpc-a").describe_cluster(name="crossvpc-lab-a")["cluster"]]
    assert cluster["status"] in ("CREATING", "ACTIVE")
    pods = localaws.client("ec2", "crossvpc-a").describe_network_interfaces(
        Filters=[{"Name": "tag:crossvpc:lab", "Values": ["crossvpc-lab-a"]}])["NetworkInterfaces"]
    assert sorted(p["PrivateIpAddress"] for p in pods) == ["10.0.1.10", "10.0.2.10"]
    [service] = localaws.client("ecs", "crossvpc-b").describe_services(
        cluster="crossvpc-lab-b", services=["crossvpc-lab-b-client"])["services"]
    assert service["status"] == "ACTIVE" and service["desiredCount"] == 1

    mark = localaws.control.mark()
    second = ansible(REPO / "playbooks" / "lab.yml")
    assert second.returncode == 0 and second.changed() == 0
    assert [c for c in localaws.control.calls(mark) if c["mutating"]] == []

    teardown = ansible(REPO / "playbooks" / "lab_teardown.yml")
    assert teardown.returncode == 0, teardown.stdout[-3000:]
    assert lab_resources_left(localaws) == {}
    assert localaws.client("ec2", "crossvpc-b").describe_vpcs(
        Filters=[{"Name": "cidr", "Values": [PEER["cidr"]]}])["Vpcs"] == []
    mark = localaws.control.mark()
    again = ansible(REPO / "playbooks" / "lab_teardown.yml")
    assert again.returncode == 0 and again.changed() == 0
    assert [c for c in localaws.control.calls(mark) if c["mutating"]] == []


def assert_peer_vpc(localaws, run):
    """VPC_C, read back from AWS: in account B only, its CIDR, a subnet per zone, a table per subnet."""
    assert by_name(localaws.client("ec2", "crossvpc-a").describe_vpcs()["Vpcs"], PEER["name"]) == []
    ec2 = localaws.client("ec2", "crossvpc-b")
    [vpc] = by_name(ec2.describe_vpcs()["Vpcs"], PEER["name"])
    assert vpc["CidrBlock"] == PEER["cidr"] and vpc["OwnerId"] == ACCOUNT_B
    assert {"Key": "crossvpc:lab", "Value": PEER["name"]} in vpc["Tags"]
    [vpc_b] = by_name(ec2.describe_vpcs()["Vpcs"], "crossvpc-lab-b")
    assert vpc["VpcId"] != vpc_b["VpcId"] and vpc["CidrBlock"] != vpc_b["CidrBlock"]

    in_vpc = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnets = ec2.describe_subnets(Filters=in_vpc)["Subnets"]
    named = {tag["Value"]: s for s in subnets for tag in s.get("Tags", []) if tag["Key"] == "Name"}
    assert {name: (s["CidrBlock"], s["AvailabilityZone"]) for name, s in named.items()} == {
        f"{PEER['name']}-{name}": layout for name, layout in PEER["subnets"].items()}
    assert len(subnets) == 2 and len({s["AvailabilityZone"] for s in subnets}) == 2

    tables = ec2.describe_route_tables(Filters=in_vpc)["RouteTables"]
    table_of = {a["SubnetId"]: t for t in tables for a in t["Associations"] if not a.get("Main")}
    assert set(table_of) == {s["SubnetId"] for s in subnets}
    assert len({t["RouteTableId"] for t in table_of.values()}) == 2  # one table per subnet
    for name, subnet in named.items():
        assert {"Key": "Name", "Value": name} in table_of[subnet["SubnetId"]]["Tags"]

    # lab_result.peer_vpc names what AWS holds (account A has none).
    assert run.result("Show what was built", host="account_a")["lab_result"]["peer_vpc"] == {}
    shown = run.result("Show what was built", host="account_b")["lab_result"]["peer_vpc"]
    subnet_ids = [named[f"{PEER['name']}-{name}"]["SubnetId"] for name in PEER["subnets"]]
    assert shown == {"name": PEER["name"], "vpc_id": vpc["VpcId"], "vpc_cidr": PEER["cidr"],
                     "subnet_ids": subnet_ids,
                     "route_table_ids": [table_of[i]["RouteTableId"] for i in subnet_ids]}


def lab_resources_left(localaws):
    """Everything of the lab (VPC_C included) still present in either account, by kind."""
    left = {}
    for profile, name in (("crossvpc-a", "crossvpc-lab-a"), ("crossvpc-b", "crossvpc-lab-b"),
                          ("crossvpc-b", PEER["name"])):
        ec2 = localaws.client("ec2", profile)
        tagged = [{"Name": "tag:crossvpc:lab", "Values": [name]}]
        found = {
            "vpcs": ec2.describe_vpcs(Filters=tagged)["Vpcs"],
            "subnets": ec2.describe_subnets(Filters=tagged)["Subnets"],
            "route_tables": ec2.describe_route_tables(Filters=tagged)["RouteTables"],
            "security_groups": ec2.describe_security_groups(Filters=tagged)["SecurityGroups"],
            "interfaces": ec2.describe_network_interfaces(Filters=tagged)["NetworkInterfaces"],
            "eks": [c for c in localaws.client("eks", profile).list_clusters()["clusters"] if c == name],
            "ecs": [c for c in localaws.client("ecs", profile).list_clusters()["clusterArns"]
                    if c.endswith("/" + name)],
            "roles": [r for r in localaws.client("iam", profile).list_roles()["Roles"]
                      if r["RoleName"].startswith(name)],
        }
        left.update({f"{profile}:{name}:{k}": v for k, v in found.items() if v})
    return left
