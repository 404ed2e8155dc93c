"""Errors under faults: those that no retry can fix fail at once with AWS's words, and a few throttles in
a row are retried (weather.py has the local AWS's fault rules). That the three connection playbooks
converge, and their teardowns clean up, under 30% throttling and 5% 5xx of every call is proven in the
crash sweep (test_crash_and_rerun.py), against the end state of the same playbook's uninterrupted run.

Every resource of ours is counted by diffing a read-back inventory of both accounts (VPCs, subnets, route
tables and routes, security groups and rules, ENIs, endpoint services and endpoints, peerings, transit
gateways and their attachments, tables and routes, load balancers, target groups, listeners, targets, RAM
shares) against the lab's: the lab is never "ours", anything a test adds is, and a removed piece of the
lab is caught too.
"""

import json
from collections import Counter

import pytest

from conftest import LAB_SNAPSHOT, REPO
from localaws import ACCOUNT_A, ACCOUNT_B
from weather import PROFILES, run

pytestmark = pytest.mark.reliability

OUTPUT = REPO / "tests" / "output" / "reliability"


# --- what exists in both accounts -----------------------------------------------------------------------


def _route_target(route):
    for key in ("TransitGatewayId", "VpcPeeringConnectionId", "GatewayId", "NatGatewayId", "NetworkInterfaceId",
                "VpcEndpointId", "InstanceId"):
        if route.get(key):
            return route[key]
    return None


def _rules(group):
    for direction, key in (("in", "IpPermissions"), ("out", "IpPermissionsEgress")):
        for p in group.get(key, []):
            sources = ([r["CidrIp"] for r in p.get("IpRanges", [])] + [r["CidrIpv6"] for r in p.get("Ipv6Ranges", [])]
                       + [g["GroupId"] for g in p.get("UserIdGroupPairs", [])]
                       + [r["PrefixListId"] for r in p.get("PrefixListIds", [])])
            for source in sources:
                yield (group["GroupId"], direction, p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort"), source)


def _ec2_inventory(ec2, account, found):
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        found.add(("vpc", account, vpc["VpcId"]))
    for subnet in ec2.describe_subnets()["Subnets"]:
        found.add(("subnet", account, subnet["SubnetId"]))
    for table in ec2.describe_route_tables()["RouteTables"]:
        found.add(("route-table", account, table["RouteTableId"]))
        for route in table["Routes"]:
            if route.get("GatewayId") != "local":
                destination = route.get("DestinationCidrBlock") or route.get("DestinationPrefixListId")
                found.add(("route", account, table["RouteTableId"], destination, _route_target(route)))
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        found.add(("security-group", account, group["GroupId"], group["GroupName"]))
        found.update(("sg-rule", account) + rule for rule in _rules(group))
    for eni in ec2.describe_network_interfaces()["NetworkInterfaces"]:
        found.add(("eni", account, eni["NetworkInterfaceId"]))
    for service in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]:
        if service["ServiceState"].lower() not in ("deleted", "deleting", "failed"):
            found.add(("endpoint-service", account, service["ServiceId"]))
            for principal in ec2.describe_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"])[
                    "AllowedPrincipals"]:
                found.add(("endpoint-service-principal", account, service["ServiceId"], principal["Principal"]))
    for endpoint in ec2.describe_vpc_endpoints()["VpcEndpoints"]:
        if endpoint["State"].lower() not in ("deleted", "deleting"):
            found.add(("endpoint", account, endpoint["VpcEndpointId"]))
    for pcx in ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]:
        if pcx["Status"]["Code"] not in ("deleted", "deleting", "rejected", "failed", "expired"):
            found.add(("peering", pcx["RequesterVpcInfo"]["OwnerId"], pcx["VpcPeeringConnectionId"]))  # seen from both
    for tgw in ec2.describe_transit_gateways()["TransitGateways"]:
        if tgw["State"] not in ("deleted", "deleting"):
            found.add(("transit-gateway", tgw["OwnerId"], tgw["TransitGatewayId"]))
    for attachment in ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]:
        if attachment["State"] not in ("deleted", "deleting", "rejected", "failed"):
            found.add(("tgw-attachment", attachment["ResourceOwnerId"], attachment["TransitGatewayAttachmentId"]))
    for table in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]:
        if table["State"] in ("deleted", "deleting"):
            continue
        table_id = table["TransitGatewayRouteTableId"]
        found.add(("tgw-route-table", account, table_id))
        for route in ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table_id, Filters=[
                {"Name": "type", "Values": ["static"]}])["Routes"]:
            found.add(("tgw-route", account, table_id, route["DestinationCidrBlock"], route["State"]))
        for a in ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table_id)["Associations"]:
            found.add(("tgw-association", account, table_id, a["TransitGatewayAttachmentId"]))
        for p in ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table_id)[
                "TransitGatewayRouteTablePropagations"]:
            found.add(("tgw-propagation", account, table_id, p["TransitGatewayAttachmentId"]))


def _elb_inventory(elb, account, found):
    for lb in elb.describe_load_balancers()["LoadBalancers"]:
        found.add(("load-balancer", account, lb["LoadBalancerArn"]))
        for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
            found.add(("listener", account, listener["ListenerArn"]))
    for tg in elb.describe_target_groups()["TargetGroups"]:
        found.add(("target-group", account, tg["TargetGroupArn"]))
        for target in elb.describe_target_health(TargetGroupArn=tg["TargetGroupArn"])["TargetHealthDescriptions"]:
            found.add(("target", account, tg["TargetGroupArn"], target["Target"]["Id"], target["Target"].get("Port")))


def _ram_inventory(ram, account, found):
    for share in ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]:
        if share["status"] not in ("DELETED", "DELETING", "FAILED"):
            found.add(("resource-share", account, share["resourceShareArn"]))
            arn = [share["resourceShareArn"]]
            for r in ram.list_resources(resourceOwner="SELF", resourceShareArns=arn)["resources"]:
                found.add(("share-resource", account, share["resourceShareArn"], r["arn"]))
            for p in ram.list_principals(resourceOwner="SELF", resourceShareArns=arn)["principals"]:
                found.add(("share-principal", account, share["resourceShareArn"], p["id"]))
    for invitation in ram.get_resource_share_invitations()["resourceShareInvitations"]:
        if invitation["status"] == "PENDING" and invitation.get("receiverAccountId") == account:
            found.add(("share-invitation", account, invitation["resourceShareInvitationArn"]))


_CLIENTS = {}


def client(localaws, service, profile):
    key = (localaws.url, service, profile)
    if key not in _CLIENTS:
        _CLIENTS[key] = localaws.client(service, profile)
    return _CLIENTS[key]


def inventory(localaws):
    """Everything of the kinds the lab and the playbooks make, in both accounts, as a set of tuples
    (kind, account, id...). Read with faults cleared."""
    found = set()
    for account, profile in PROFILES.items():
        _ec2_inventory(client(localaws, "ec2", profile), account, found)
        _elb_inventory(client(localaws, "elbv2", profile), account, found)
        _ram_inventory(client(localaws, "ram", profile), account, found)
    return found


def kinds(items):
    return dict(Counter(item[0] for item in items))


def task_seconds(result, task_name):
    """How long a task took, from the json callback's timestamps."""
    from datetime import datetime

    for play in result.output.get("plays", []):
        for task in play["tasks"]:
            if task_name in (task["task"]["name"], task["task"]["name"].split(" : ", 1)[-1]):
                duration = task["task"]["duration"]
                start, end = (datetime.fromisoformat(duration[k].replace("Z", "+00:00")) for k in ("start", "end"))
                return (end - start).total_seconds()
    raise KeyError(task_name)


@pytest.fixture(scope="module")
def baseline(localaws, lab):
    """The inventory of the worker's lab (built without faults, conftest), which is never ours."""
    localaws.control.restore(LAB_SNAPSHOT)
    return inventory(localaws)


@pytest.fixture(autouse=True)
def no_faults_left(localaws, baseline):
    """Each test starts from the bare lab (whatever the worker's other tests left) without faults."""
    localaws.control.clear_faults()
    localaws.control.restore(LAB_SNAPSHOT)
    yield
    localaws.control.clear_faults()


def ours(localaws, baseline):
    """(what the playbooks added to the lab, what they took away from it)."""
    now = inventory(localaws)
    return now - baseline, baseline - now


def record(name, case, facts):
    """Add one case's facts to tests/output/reliability/<name>.json."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.json"
    cases = json.loads(path.read_text()) if path.exists() else {}
    cases[case] = facts
    path.write_text(json.dumps(cases, indent=1, sort_keys=True))


# --- errors no retry can fix -------------------------------------------------------------------------------

# (playbook, service, action, code, status, the failing task); each action is the playbook's first mutating
# call, so a failure leaves nothing to clean up.
NOT_RETRYABLE = {
    "access-denied": ("privatelink.yml", "elbv2", "CreateLoadBalancer", "AccessDenied", 403,
                      "Ensure the Network Load Balancer in front of the service"),
    "unauthorized-operation": ("transit_gateway.yml", "ec2", "CreateTransitGateway", "UnauthorizedOperation", 403,
                               "Ensure the transit gateway"),
    "invalid-parameter": ("peering.yml", "ec2", "CreateVpcPeeringConnection", "InvalidParameterValue", 400,
                          "Request peering with the peer VPC"),
}


@pytest.mark.parametrize("case", NOT_RETRYABLE)
def test_errors_that_no_retry_fixes_fail_at_once(localaws, ansible, baseline, case):
    playbook, service, action, code, status, task = NOT_RETRYABLE[case]
    message = f"The request was refused by the {case} test ({code})"
    localaws.control.add_fault(service=service, action=action, account=ACCOUNT_A, code=code, status=status,
                               message=message, count=5)
    failed = run(localaws, ansible, playbook)
    [rule] = localaws.control.faults()
    localaws.control.clear_faults()
    assert not failed.ok, failed.explain()
    [(failed_task, _host, result)] = failed.failures()
    seconds = task_seconds(failed.result, task)
    record("not-retryable", case, {"playbook": playbook, "action": f"{service}:{action}", "code": code,
                                   "hits": rule["hits"], "task_s": seconds, "run_wall_s": round(failed.wall, 1),
                                   "msg": result.get("msg"), "error_code": result.get("error_code")})
    assert failed_task.split(" : ", 1)[-1] == task, failed.explain()
    assert code in result["msg"] and message in result["msg"], result["msg"]
    assert rule["hits"] == 1, f"{action} was tried {rule['hits']} times: a {code} must not be retried"
    assert seconds < 15, f"{task} took {seconds:.1f}s to fail"
    assert [c for c in failed.mutating() if c[2] != action] == [], "something was made before the failure"
    assert ours(localaws, baseline) == (set(), set())


def test_a_host_that_fails_mid_run_stops_every_host_with_its_own_error(localaws, ansible):
    """One spoke's attachment refused, after the hub and the other spoke went on: the run ends there, on every host,
    with AWS's words, and the hub does not go on to a play that needs what the failed spoke never made."""
    message = "The request was refused by the spoke test (InvalidParameterValue)"
    localaws.control.add_fault(service="ec2", action="CreateTransitGatewayVpcAttachment", account=ACCOUNT_B,
                               code="InvalidParameterValue", status=400, message=message, count=5)
    failed = run(localaws, ansible, "transit_gateway.yml")
    localaws.control.clear_faults()
    assert not failed.ok and len(failed.failures()) == 1, failed.explain()
    [(task, host, result)] = failed.failures()
    assert host == "account_b" and task.endswith("Attach the VPCs") and message in result["msg"], failed.explain()
    assert [c for c in failed.calls if c["account"] == ACCOUNT_A and c["action"] == "AcceptTransitGatewayVpcAttachment"] == []
    # The attachment account A asked for is made; a rerun (what a user does next) goes on from there.
    assert ("CreateTransitGatewayVpcAttachment" in [c[2] for c in failed.mutating() if c[0] == ACCOUNT_A]), failed.explain()


def test_throttling_a_few_times_is_retried(localaws, module, baseline):
    """Three throttles in a row on one create: retried, the task succeeds, and it is made once."""
    localaws.control.add_fault(kind="throttle", service="ec2", action="CreateTransitGateway", account=ACCOUNT_A,
                               count=3)
    mark = localaws.control.mark()
    made = module("crossvpc.aws.transit_gateway", {"name": "crossvpc-throttled"})
    [rule] = localaws.control.faults()
    localaws.control.clear_faults()
    assert made.get("changed") and not made.get("failed"), made
    assert rule["hits"] == 3
    creates = [c["status"] for c in localaws.control.calls(mark) if c["action"] == "CreateTransitGateway"]
    record("not-retryable", "throttled-3-times", {"action": "ec2:CreateTransitGateway", "hits": rule["hits"],
                                                  "statuses": creates, "changed": made.get("changed")})
    assert creates == [503, 503, 503, 200]
    assert kinds(ours(localaws, baseline)[0]) == {"transit-gateway": 1, "tgw-route-table": 1}  # and its default table
    gone = module("crossvpc.aws.transit_gateway", {"name": "crossvpc-throttled", "state": "absent"})
    assert gone.get("changed"), gone
    assert ours(localaws, baseline) == (set(), set())
