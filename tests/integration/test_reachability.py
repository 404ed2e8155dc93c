"""crossvpc.aws.reachability on the lab: each path is built with the real playbooks, found reachable,
then broken one hop at a time with boto3 (and restored), and the module must name that hop.

The worker's lab connected by peering.yml and privatelink.yml, and one Transit Gateway hub with a spoke
in each account (playbooks/transit_gateway.yml on VPCs of their own, since the lab's peering already
routes VPC_A <-> VPC_C), are built side by side once and shared by the whole file.
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

from localaws import ACCOUNT_A, ACCOUNT_B
from conftest import LAB_SNAPSHOT, REPO
from test_transit_gateway_playbook import inventory as tgw_inventory, spoke_vpc

PLAYBOOKS = REPO / "playbooks"
PROFILES = {ACCOUNT_A: "crossvpc-a"}


def reach(module, source, destination, profile="crossvpc-b", check=False, **extra):
    """Run the module with explicit credentials (it is not in the action group yet)."""
    args = dict(profile=profile, region="us-east-1", source=source, destination=destination,
                account_profiles=PROFILES, fail_when_unreachable=False)
    args.update(extra)
    return module("crossvpc.aws.reachability", args, check=check)


def by_name(ec2, kind, name):
    key = {"subnets": "Subnets", "route_tables": "RouteTables"}[kind]
    return getattr(ec2, "describe_" + kind)(Filters=[{"Name": "tag:Name", "Values": [name]}])[key][0]


def assert_broken(result, hop, *words):
    assert result.get("reachable") is False, result
    assert result["broken_hop"]["hop"] == hop, result["broken_hop"]
    for word in words:
        assert word in result["broken_hop"]["fix"] + result["broken_hop"]["detail"], result["broken_hop"]
    return result["broken_hop"]


@contextmanager
def no_writes(localaws):
    mark = localaws.control.mark()
    yield
    assert localaws.control.mutating_calls(mark) == []


def in_parallel(*steps):
    """Run playbook steps (callables) at once: the paths touch different resources, and each
    playbook spends most of its time starting Ansible."""
    with ThreadPoolExecutor(len(steps)) as pool:
        return [f.result() for f in [pool.submit(step) for step in steps]]


def connect_lab(localaws, ansible):
    """peering.yml and privatelink.yml on the lab; the consumer's subnets given by id, the inventory's other way to
    name them (the role then finds their VPC: the tenth trial's p026), where the inventory names them."""
    subnets = localaws.client("ec2", "crossvpc-b").describe_subnets(Filters=[
        {"Name": "tag:Name", "Values": ["crossvpc-lab-b-private-1", "crossvpc-lab-b-private-2"]}])["Subnets"]
    by_id = {"privatelink_consumer_subnet_names": [], "privatelink_consumer_subnet_ids": sorted(s["SubnetId"] for s in subnets)}
    peering, privatelink = in_parallel(lambda: ansible(PLAYBOOKS / "peering.yml"),
                                       lambda: ansible(PLAYBOOKS / "privatelink.yml", extra_vars=by_id))
    for built in (peering, privatelink):
        assert built.returncode == 0, built.stdout[-3000:]
    return {"service_name": privatelink.result("Show what the consumer calls", "account_b")["msg"]["service_name"]}


def build_hub(localaws, ansible, directory):
    spoke_a = spoke_vpc(localaws, "crossvpc-a", "10.81.0.0/16", "reach-spoke-a")
    spoke_b = spoke_vpc(localaws, "crossvpc-b", "10.83.0.0/16", "reach-spoke-b")
    hosts = tgw_inventory(directory, "reach-hub", [spoke_a], [spoke_b])
    built = ansible(PLAYBOOKS / "transit_gateway.yml", inventory=hosts)
    assert built.returncode == 0, built.stdout[-3000:]
    return hosts


@pytest.fixture(scope="module")
def paths(localaws, ansible, lab, tmp_path_factory):
    """Peering and PrivateLink on the lab, and the Transit Gateway hub, built side by side; the
    worker's lab is restored from its snapshot after the module's tests (the teardowns are the
    playbook tests')."""
    directory = tmp_path_factory.mktemp("reach-tgw")
    localaws.control.restore(LAB_SNAPSHOT)
    connected, _hosts = in_parallel(lambda: connect_lab(localaws, ansible), lambda: build_hub(localaws, ansible, directory))
    yield {"connected": connected}
    localaws.control.restore(LAB_SNAPSHOT)


@pytest.fixture
def connected(paths):
    return paths["connected"]


@pytest.fixture
def hub(paths):
    return paths


# --- VPC peering: account B's VPC_C to the EKS service in account A's VPC_A ----------------------

PEER_SOURCE = {"subnet_name": "crossvpc-lab-c-private-1", "security_group_names": ["default"]}
PEER_DESTINATION = {"address": "10.0.1.10", "port": 8443, "security_group_names": ["crossvpc-demo-from-peer"]}


def peering_id(localaws):
    table = by_name(localaws.client("ec2", "crossvpc-b"), "route_tables", "crossvpc-lab-c-private-1")
    return next(r["VpcPeeringConnectionId"] for r in table["Routes"] if r.get("VpcPeeringConnectionId"))


@contextmanager
def route_removed(localaws, profile, table_name, cidr):
    ec2 = localaws.client("ec2", profile)
    table = by_name(ec2, "route_tables", table_name)
    [route] = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == cidr]
    ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=cidr)
    try:
        yield table["RouteTableId"]
    finally:
        target = {k: v for k, v in route.items() if k in ("VpcPeeringConnectionId", "TransitGatewayId")}
        ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock=cidr, **target)


def test_molecule_verify_passes_on_what_peering_and_privatelink_built(localaws, ansible, connected):
    """The peering and privatelink molecule scenarios' own part, their verify.yml (amazon.aws's info modules reading
    both accounts), on peering.yml and privatelink.yml built on the lab as their converge builds them: the rest of
    their sequence is test_molecule.py's, run once on the transit_gateway scenario."""
    with no_writes(localaws):
        verified = in_parallel(*(lambda name=name: ansible(REPO / "extensions" / "molecule" / name / "verify.yml")
                                 for name in ("peering", "privatelink")))
    for run in verified:
        assert run.returncode == 0 and run.stats and all(s["failures"] == 0 for s in run.stats.values()), run.stdout[-3000:]
        asserted = [r for _task, _host, r in run.tasks() if r.get("msg") == "All assertions passed"]
        assert len(asserted) >= 2, run.stdout[-3000:]  # each account's side asserted


def test_peering_is_reachable_with_reads_only(localaws, module, connected):
    with no_writes(localaws):
        result = reach(module, PEER_SOURCE, PEER_DESTINATION)
    assert result["reachable"] is True and result["path"] == "peering", result["msg"]
    assert result["changed"] is False and result["broken_hop"] is None
    hops = {h["hop"]: h for h in result["hops"]}
    assert set(hops) == {"source security group", "source network ACL", "source route table", "peering connection",
                         "destination network ACL", "destination security group", "destination route table"}
    assert all(h["ok"] is True for h in result["hops"]), result["hops"]
    assert hops["peering connection"]["resource"] == peering_id(localaws)
    assert hops["destination route table"]["account"] == ACCOUNT_A
    assert hops["source route table"]["account"] == ACCOUNT_B


def test_peering_check_mode_makes_the_same_reads(localaws, module, connected):
    with no_writes(localaws):
        result = reach(module, PEER_SOURCE, PEER_DESTINATION, check=True)
    assert result["reachable"] is True and result["changed"] is False


def test_missing_return_route_is_the_destination_route_table(localaws, module, connected):
    with route_removed(localaws, "crossvpc-a", "crossvpc-lab-a-private-1", "10.1.0.0/16") as table_id:
        result = reach(module, PEER_SOURCE, PEER_DESTINATION)
    broken = assert_broken(result, "destination route table", table_id, "10.1.1.0/24")
    assert broken["account"] == ACCOUNT_A
    assert reach(module, PEER_SOURCE, PEER_DESTINATION)["reachable"] is True


def test_missing_source_route_fails_the_task_with_hop_and_fix(localaws, module, connected):
    with route_removed(localaws, "crossvpc-b", "crossvpc-lab-c-private-1", "10.0.0.0/16") as table_id:
        result = reach(module, PEER_SOURCE, PEER_DESTINATION, fail_when_unreachable=True)
    assert result.get("failed") is True, result
    assert_broken(result, "source route table", table_id)
    assert "source route table" in result["msg"] and "Fix: Add a route" in result["msg"], result["msg"]
    assert result["path"] is None


def test_the_destination_hop_is_the_group_the_pod_carries_not_the_one_named(localaws, module, connected):
    """The pod at 10.0.1.10 carries crossvpc-lab-a-service, not the peering's crossvpc-demo-from-peer that the check names
    (the seventeenth trial's B6): AWS evaluates the pod's group, so the verdict follows it, and the named one is said to be on
    no interface there."""
    ec2 = localaws.client("ec2", "crossvpc-a")
    [group] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["crossvpc-lab-a-service"]}])["SecurityGroups"]
    [pod] = ec2.describe_network_interfaces(Filters=[{"Name": "addresses.private-ip-address", "Values": ["10.0.1.10"]}])[
        "NetworkInterfaces"]
    result = reach(module, PEER_SOURCE, PEER_DESTINATION)
    assert result["reachable"] is True and {h["hop"]: h for h in result["hops"]}["destination security group"]["resource"] == \
        group["GroupId"], result["hops"]
    assert any(f"is not on {pod['NetworkInterfaceId']}, the network interface of 10.0.1.10: it does not apply" in w
               for w in result.get("warnings", [])), result.get("warnings")
    rule = [{"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443, "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=rule)
    try:
        result = reach(module, PEER_SOURCE, PEER_DESTINATION)  # the named group still opens 8443 to 10.1.0.0/16
    finally:
        ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=rule)
    assert_broken(result, "destination security group", group["GroupId"], pod["NetworkInterfaceId"], "8443")


@pytest.mark.parametrize("profile, subnet, egress, cidr, hop", [
    ("crossvpc-b", "crossvpc-lab-c-private-1", True, "10.0.0.0/16", "source network ACL"),
    ("crossvpc-a", "crossvpc-lab-a-private-1", False, "10.1.1.0/24", "destination network ACL"),
])
def test_nacl_deny_names_that_acl(localaws, module, connected, profile, subnet, egress, cidr, hop):
    ec2 = localaws.client("ec2", profile)
    subnet_id = by_name(ec2, "subnets", subnet)["SubnetId"]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])["NetworkAcls"]
    ec2.create_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50, Protocol="6", RuleAction="deny",
                                 Egress=egress, CidrBlock=cidr, PortRange={"From": 8000, "To": 9000})
    try:
        result = reach(module, PEER_SOURCE, PEER_DESTINATION)
    finally:
        ec2.delete_network_acl_entry(NetworkAclId=acl["NetworkAclId"], RuleNumber=50, Egress=egress)
    assert_broken(result, hop, acl["NetworkAclId"], "rule 50: deny")


def test_far_side_without_a_profile_is_not_checked_and_warns(module, connected):
    result = reach(module, PEER_SOURCE, PEER_DESTINATION, account_profiles={})
    assert result["reachable"] is True and result["broken_hop"] is None
    unchecked = [h for h in result["hops"] if h["ok"] is None]
    assert {h["hop"] for h in unchecked} == {"destination network ACL", "destination security group",
                                             "destination route table"}
    assert all(h["detail"] == f"not checked: give account_profiles for {ACCOUNT_A}" for h in unchecked)
    assert any(ACCOUNT_A in w for w in result.get("warnings", [])), result.get("warnings")

    # A profile misspelt, or of another account (the sixteenth trial's MY05/MY06: botocore's words, or a wrong diagnosis).
    typo = reach(module, PEER_SOURCE, PEER_DESTINATION, account_profiles={ACCOUNT_A: "crossvpc-zz"})
    assert typo.get("failed") and typo["msg"].startswith(f"account_profiles['{ACCOUNT_A}']='crossvpc-zz': is not a profile of this "
                                                         "machine's AWS config."), typo
    other = reach(module, PEER_SOURCE, PEER_DESTINATION, account_profiles={ACCOUNT_A: "crossvpc-b"})
    assert other.get("failed") and other["msg"] == (f"account_profiles['{ACCOUNT_A}']='crossvpc-b': is a profile of account 222222222222, "
                                                    f"not of {ACCOUNT_A}. Give account {ACCOUNT_A}'s profile."), other


# --- PrivateLink: account B's VPC_B to account A's service ----------------------------------------

PL_SOURCE = {"subnet_name": "crossvpc-lab-b-private-1", "security_group_names": ["crossvpc-lab-b-clients"]}


def pl_destination(connected):
    return {"service_name": connected["service_name"], "port": 8443}


def test_privatelink_is_reachable(localaws, module, connected):
    with no_writes(localaws):
        result = reach(module, PL_SOURCE, pl_destination(connected))
    assert result["reachable"] is True and result["path"] == "privatelink", result["msg"]
    hops = {h["hop"]: h for h in result["hops"]}
    for hop in ("interface endpoint", "endpoint security group", "endpoint service", "endpoint connection",
                "load balancer listener", "target group"):
        assert hops[hop]["ok"] is True, hops[hop]
    assert hops["endpoint service"]["account"] == ACCOUNT_A and hops["interface endpoint"]["account"] == ACCOUNT_B


def test_revoked_endpoint_rule_is_the_endpoint_security_group(localaws, module, connected):
    ec2 = localaws.client("ec2", "crossvpc-b")
    [group] = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["crossvpc-demo-endpoint"]}])[
        "SecurityGroups"]
    rules = group["IpPermissions"]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=rules)
    try:
        result = reach(module, PL_SOURCE, pl_destination(connected))
    finally:
        ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=rules)
    assert_broken(result, "endpoint security group", group["GroupId"])


def test_deleted_listener_is_the_load_balancer_listener(localaws, module, connected):
    elb = localaws.client("elbv2", "crossvpc-a")
    [lb] = [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == "crossvpc-demo"]
    [listener] = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    elb.delete_listener(ListenerArn=listener["ListenerArn"])
    try:
        result = reach(module, PL_SOURCE, pl_destination(connected))
    finally:
        elb.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="TCP", Port=8443,
                            DefaultActions=[{"Type": "forward", "TargetGroupArn": listener["DefaultActions"][0]["TargetGroupArn"]}])
    broken = assert_broken(result, "load balancer listener", "8443")
    assert broken["account"] == ACCOUNT_A


def test_rejected_connection_is_the_interface_endpoint(localaws, module, connected):
    """Last of the PrivateLink tests: a rejected endpoint does not come back."""
    ec2_a = localaws.client("ec2", "crossvpc-a")
    [connection] = ec2_a.describe_vpc_endpoint_connections()["VpcEndpointConnections"]
    ec2_a.reject_vpc_endpoint_connections(ServiceId=connection["ServiceId"], VpcEndpointIds=[connection["VpcEndpointId"]])
    result = reach(module, PL_SOURCE, pl_destination(connected))
    broken = assert_broken(result, "interface endpoint", connection["VpcEndpointId"], "rejected", "accept")
    assert broken["account"] == ACCOUNT_B
    hops = {h["hop"]: h for h in result["hops"]}
    assert hops["endpoint connection"]["ok"] is False  # the provider side says the same


# --- Transit Gateway: a spoke in account B to a spoke in account A -------------------------------

TGW_SOURCE = {"subnet_name": "reach-spoke-b-1", "security_group_names": ["default"]}
TGW_DESTINATION = {"address": "10.81.1.10", "port": 8443}


def test_transit_gateway_is_reachable(localaws, module, hub):
    with no_writes(localaws):
        result = reach(module, TGW_SOURCE, TGW_DESTINATION)
    assert result["reachable"] is True and result["path"] == "transit_gateway", result["msg"]
    hops = [h["hop"] for h in result["hops"] if h["ok"] is True]
    for hop in ("transit gateway attachment", "transit gateway route table", "destination transit gateway attachment",
                "destination route table", "destination network ACL"):
        assert hop in hops, result["hops"]
    # the forward route and the return route, both in the hub's table
    assert hops.count("transit gateway route table") == 2


def test_static_blackhole_in_the_tgw_table_is_the_tgw_route_table(localaws, module, hub):
    ec2 = localaws.client("ec2", "crossvpc-a")
    [tgw] = [g for g in ec2.describe_transit_gateways(Filters=[{"Name": "tag:Name", "Values": ["reach-hub"]}])[
        "TransitGateways"] if g["State"] == "available"]
    [table] = ec2.describe_transit_gateway_route_tables(Filters=[
        {"Name": "transit-gateway-id", "Values": [tgw["TransitGatewayId"]]}])["TransitGatewayRouteTables"]
    table_id = table["TransitGatewayRouteTableId"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table_id, DestinationCidrBlock="10.81.1.0/24", Blackhole=True)
    try:
        result = reach(module, TGW_SOURCE, TGW_DESTINATION)
    finally:
        ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=table_id, DestinationCidrBlock="10.81.1.0/24")
    broken = assert_broken(result, "transit gateway route table", table_id, "blackhole")
    assert broken["account"] == ACCOUNT_A


def test_missing_vpc_route_to_the_tgw_is_the_source_route_table(localaws, module, hub):
    ec2 = localaws.client("ec2", "crossvpc-b")
    subnet_id = by_name(ec2, "subnets", "reach-spoke-b-1")["SubnetId"]
    [table] = ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])["RouteTables"]
    [route] = [r for r in table["Routes"] if r.get("DestinationCidrBlock") == "10.81.0.0/16"]
    ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="10.81.0.0/16")
    try:
        result = reach(module, TGW_SOURCE, TGW_DESTINATION)
    finally:
        ec2.create_route(RouteTableId=table["RouteTableId"], DestinationCidrBlock="10.81.0.0/16",
                         TransitGatewayId=route["TransitGatewayId"])
    assert_broken(result, "source route table", table["RouteTableId"])


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, destination, parameter", [
    (PEER_SOURCE, {"address": "10.0.1.10", "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
                   "port": 8443}, "destination"),
    (PEER_SOURCE, {"address": "10.0.1.10", "port": 0}, "destination.port"),
    (PEER_SOURCE, {"address": "10.0.1.300", "port": 8443}, "destination.address"),
    ({"subnet_name": "crossvpc-lab-c-private-1"}, {"address": "10.0.1.10", "port": 8443}, "source.security_group_ids"),
])
def test_bad_input_fails_before_any_call(localaws, module, source, destination, parameter):
    mark = localaws.control.mark()
    result = reach(module, source, destination)
    assert result.get("failed") and result["msg"].startswith(parameter + "="), result.get("msg")
    assert localaws.control.calls(mark) == []


def test_unknown_subnet_name_fails_naming_it(localaws, module):
    mark = localaws.control.mark()
    result = reach(module, {"subnet_name": "no-such-subnet", "security_group_names": ["default"]},
                   {"address": "10.0.1.10", "port": 8443})
    assert result.get("failed") and result["msg"].startswith("source.subnet_name='no-such-subnet'"), result.get("msg")
    assert localaws.control.mutating_calls(mark) == []
