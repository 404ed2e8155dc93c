"""playbooks/connect.yml on the lab: plan, build what the plan says, check every link, rerun, tear down.

The lab has VPC_A (10.0.0.0/16, account A), VPC_B (10.0.0.0/16, account B) and VPC_C (10.1.0.0/16,
account B); inventories/local links B and C to A's service on 8443. Everything asserted is read
back from the two accounts or counted at the server.
"""

from localaws import ACCOUNT_A, ACCOUNT_B
from conftest import REPO

PLAYBOOKS = REPO / "playbooks"
NAME = "crossvpc-connect"


def mutating(localaws, mark):
    return [(c["account"], c["action"]) for c in localaws.control.calls(mark) if c["mutating"]]


def vpc_id(ec2, name):
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    return vpc["VpcId"]


def built(localaws):
    """What connect.yml makes, read from both accounts: services, endpoints, peerings, routes to them."""
    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")
    vpc_a, vpc_b, vpc_c = vpc_id(ec2_a, "crossvpc-lab-a"), vpc_id(ec2_b, "crossvpc-lab-b"), vpc_id(ec2_b, "crossvpc-lab-c")
    named = {"Key": "Name", "Value": NAME}
    # Only peerings between the lab's VPCs: other tests of this worker share the local AWS and may
    # leave peerings of their own VPCs.
    lab_vpcs = {vpc_a, vpc_b, vpc_c}
    peerings = [p for p in ec2_a.describe_vpc_peering_connections()["VpcPeeringConnections"]
                if p["Status"]["Code"] not in ("deleted", "rejected", "failed", "expired")
                and {p["RequesterVpcInfo"]["VpcId"], p["AccepterVpcInfo"]["VpcId"]} <= lab_vpcs]
    pcx = {p["VpcPeeringConnectionId"] for p in peerings}
    return {
        "services": [(s["ServiceId"], s["AcceptanceRequired"])
                     for s in ec2_a.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
                     if named in s.get("Tags", [])],
        "endpoints": [(e["VpcId"], e["State"]) for e in ec2_b.describe_vpc_endpoints()["VpcEndpoints"]
                      if named in e.get("Tags", []) and e["State"].lower() not in ("deleted", "deleting")],
        "peerings": [(p["RequesterVpcInfo"]["VpcId"], p["AccepterVpcInfo"]["VpcId"], p["Status"]["Code"]) for p in peerings],
        "routes_a": sorted(r["DestinationCidrBlock"] for t in ec2_a.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc_a]}])["RouteTables"]
            for r in t["Routes"] if r.get("VpcPeeringConnectionId") in pcx),
        "routes_c": sorted(r["DestinationCidrBlock"] for t in ec2_b.describe_route_tables(
            Filters=[{"Name": "vpc-id", "Values": [vpc_c]}])["RouteTables"]
            for r in t["Routes"] if r.get("VpcPeeringConnectionId") in pcx),
        "transit_gateways": [t["TransitGatewayId"] for t in ec2_a.describe_transit_gateways()["TransitGateways"]
                             if named in t.get("Tags", []) and t["State"] not in ("deleted", "deleting")],
        "vpcs": (vpc_a, vpc_b, vpc_c),
    }


def nothing(state):
    return {k: v for k, v in state.items() if k != "vpcs" and v}


def test_check_mode_prints_the_plan_and_changes_nothing(localaws, ansible, lab, tmp_path):
    report = tmp_path / "plan.md"
    mark = localaws.control.mark()
    plan = ansible(PLAYBOOKS / "connect.yml", check=True, diff=True, extra_vars={"connect_report_path": str(report)})
    assert plan.returncode == 0, plan.stdout[-4000:]
    assert mutating(localaws, mark) == []
    assert nothing(built(localaws)) == {}
    assert not report.exists()
    shown = plan.result("Show the plan and its diagram")["msg"]
    assert [line.split(" | ")[:3] for line in shown["links"]] == [
        ["crossvpc-lab-b", "crossvpc-lab-a", "privatelink"], ["crossvpc-lab-c", "crossvpc-lab-a", "peering"]]
    assert "10.0.0.0/16" in shown["links"][0]
    assert shown["diagram"][0].startswith("flowchart")
    # The plan reaches the builders: both families plan their creates, in check mode.
    assert plan.result("Ensure the endpoint service, open to the consumer accounts only", "account_a")["changed"]
    assert plan.result("Request peering with the peer VPC", "account_a")["changed"]


def test_converge_checks_every_link_then_rerun_and_teardown_change_nothing(localaws, ansible, lab, tmp_path):
    report = tmp_path / "plan.md"
    extra = {"connect_report_path": str(report)}
    first = ansible(PLAYBOOKS / "connect.yml", extra_vars=extra)
    assert first.returncode == 0, first.stdout[-5000:]

    state = built(localaws)
    vpc_a, vpc_b, vpc_c = state["vpcs"]
    # PrivateLink for the overlapping pair (A and B, both 10.0.0.0/16), requiring acceptance.
    assert [accepting for _service, accepting in state["services"]] == [True]
    assert state["endpoints"] == [(vpc_b, "available")]
    ec2_a = localaws.client("ec2", "crossvpc-a")
    [config] = ec2_a.describe_vpc_endpoint_service_configurations(
        ServiceIds=[state["services"][0][0]])["ServiceConfigurations"]
    allowed = ec2_a.describe_vpc_endpoint_service_permissions(ServiceId=config["ServiceId"])["AllowedPrincipals"]
    assert [p["Principal"] for p in allowed] == [f"arn:aws:iam::{ACCOUNT_B}:root"]
    # Peering for the distinct pair (A and C), routed both ways; no Transit Gateway for two links.
    assert state["peerings"] == [(vpc_a, vpc_c, "active")]
    assert set(state["routes_a"]) == {"10.1.0.0/16"} and set(state["routes_c"]) == {"10.0.0.0/16"}
    assert state["transit_gateways"] == []

    # Reachability ran for both links from the client's account, and found each path open.
    checks = first.result("Follow each link's path with read-only calls", "account_b")["results"]
    assert [(c["item"]["client"], c["path"], c["reachable"]) for c in checks] == [
        ("crossvpc-lab-b", "privatelink", True), ("crossvpc-lab-c", "peering", True)]
    text = report.read_text()
    assert "```mermaid" in text and "PrivateLink" in text and "crossvpc-lab-c" in text
    assert report.with_suffix(".mmd").read_text().startswith("flowchart")

    mark = localaws.control.mark()
    second = ansible(PLAYBOOKS / "connect.yml", extra_vars=extra)
    assert second.returncode == 0 and second.changed() == 0, second.stdout[-4000:]
    assert mutating(localaws, mark) == []
    assert {c["account"] for c in localaws.control.calls(mark)} == {ACCOUNT_A, ACCOUNT_B}

    teardown = ansible(PLAYBOOKS / "connect_teardown.yml", extra_vars=extra)
    assert teardown.returncode == 0, teardown.stdout[-4000:]
    assert nothing(built(localaws)) == {}
    mark = localaws.control.mark()
    again = ansible(PLAYBOOKS / "connect_teardown.yml", extra_vars=extra)
    assert again.returncode == 0 and again.changed() == 0, again.stdout[-3000:]
    assert mutating(localaws, mark) == []
