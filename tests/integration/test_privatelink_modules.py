"""PrivateLink modules against the local AWS, read back from both accounts and the call log."""

import pytest

from localaws import ACCOUNT_B, ACCOUNT_C

A, B, C = "crossvpc-a", "crossvpc-b", "crossvpc-c"


def vpc_with_subnets(localaws, profile, cidr="10.0.0.0/16"):
    ec2 = localaws.client("ec2", profile)
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.rsplit(".", 2)[0]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base}.{n}.0/24", AvailabilityZone=f"us-east-1{zone}")
               ["Subnet"]["SubnetId"] for n, zone in ((1, "a"), (2, "b"))]
    group = ec2.create_security_group(GroupName=f"clients-{vpc}", Description="clients", VpcId=vpc)["GroupId"]
    return {"vpc": vpc, "subnets": subnets, "group": group, "ec2": ec2}


def mutating(localaws, mark):
    return [c for c in localaws.control.calls(mark) if c["mutating"]]


@pytest.fixture
def names(request):
    """Names unique to the test, so tests sharing one local AWS never meet."""
    return request.node.name.replace("test_", "")[:20].rstrip("_-").replace("_", "-")


@pytest.fixture
def provider(localaws, module, names):
    net = vpc_with_subnets(localaws, A)
    nlb = module("crossvpc.aws.network_load_balancer", {
        "name": names, "subnet_ids": net["subnets"], "listener_port": 8443,
        "targets": ["10.0.1.10", "10.0.2.10"]})
    assert nlb["changed"], nlb
    return dict(net, nlb=nlb["load_balancer"]["load_balancer_arn"])


@pytest.fixture
def service(module, provider, names):
    result = module("crossvpc.aws.vpc_endpoint_service", {
        "name": names, "network_load_balancer_arns": [provider["nlb"]], "allowed_principals": [ACCOUNT_B]})
    assert result["changed"], result
    return result["service"]


@pytest.fixture
def consumer(localaws):
    return vpc_with_subnets(localaws, B)


def endpoint_args(names, service, consumer, **extra):
    return dict({"name": names, "vpc_id": consumer["vpc"], "service_name": service["service_name"],
                 "subnet_ids": consumer["subnets"], "security_group_ids": [consumer["group"]]}, **extra)


# --- network_load_balancer ---------------------------------------------------------------------

def test_nlb_check_mode_create_rerun_and_target_update(localaws, module, names):
    net = vpc_with_subnets(localaws, A)
    args = {"name": names, "subnet_ids": net["subnets"], "listener_port": 8443, "targets": ["10.0.1.10"]}
    mark = localaws.control.mark()
    planned = module("crossvpc.aws.network_load_balancer", args, check=True)
    assert planned["changed"] and planned["changes"]["create_load_balancer"]
    assert mutating(localaws, mark) == []
    elb = localaws.client("elbv2", A)
    assert not [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == names]

    created = module("crossvpc.aws.network_load_balancer", args)["load_balancer"]
    [lb] = elb.describe_load_balancers(Names=[names])["LoadBalancers"]
    assert lb["Type"] == "network" and lb["Scheme"] == "internal" and lb["LoadBalancerArn"] == created["load_balancer_arn"]
    assert ":loadbalancer/net/" in lb["LoadBalancerArn"]
    [listener] = elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]
    assert listener["Port"] == 8443 and listener["Protocol"] == "TCP"
    health = elb.describe_target_health(TargetGroupArn=created["target_group_arn"])["TargetHealthDescriptions"]
    assert [h["Target"]["Id"] for h in health] == ["10.0.1.10"]

    mark = localaws.control.mark()
    assert module("crossvpc.aws.network_load_balancer", args)["changed"] is False
    # Other subnets for the load balancer made: refused, not ignored.
    moved = module("crossvpc.aws.network_load_balancer", dict(args, subnet_ids=net["subnets"][:1]))
    assert moved["failed"] and moved["msg"].startswith(f"subnet_ids={net['subnets'][:1]!r}: differ from the subnets of the existing "
                                                       f"load balancer {names}")
    assert mutating(localaws, mark) == []

    updated = module("crossvpc.aws.network_load_balancer", dict(args, targets=["10.0.2.10", "10.0.1.20"]))
    assert updated["changes"] == {"register": ["10.0.1.20", "10.0.2.10"], "deregister": ["10.0.1.10"]}
    health = elb.describe_target_health(TargetGroupArn=created["target_group_arn"])["TargetHealthDescriptions"]
    assert sorted(h["Target"]["Id"] for h in health if h["TargetHealth"]["State"] != "draining") == [
        "10.0.1.20", "10.0.2.10"]
    assert len([lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == names]) == 1

    removed = module("crossvpc.aws.network_load_balancer", {"name": names, "state": "absent"})
    assert removed["changed"]
    assert not [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == names]


@pytest.mark.parametrize("override, message", [
    ({"subnet_ids": ["same-az"]}, "a load balancer takes one subnet per availability zone"),
    ({"targets": ["pod-1"]}, "targets='pod-1': is not an IP address"),
    ({"target_type": "instance", "targets": ["10.0.1.10"]}, "targets='10.0.1.10': is not an instance id, and target_type is instance."),
    # 16 hex digits: neither an old (8) nor a new (17) instance id, as validation.ID_PATTERN has it.
    ({"target_type": "instance", "targets": ["i-0123456789abcdef"]},
     "targets='i-0123456789abcdef': is not an instance id, and target_type is instance. Give the instances' ids "
     "(i-0123456789abcdef0), or set target_type=ip for addresses."),
    ({"listener_port": 70000}, "listener_port=70000: is not a TCP port"),
    ({"listener_port": True}, "listener_port=True: is a boolean, not a whole number."),
    ({"name": "bad_name!"}, "name='bad_name!': is not a load balancer name"),
    # AWS refuses a load balancer name that begins with internal- (a target group's may)
    ({"name": "internal-x"}, "name='internal-x': starts with internal-, which AWS refuses in a load balancer's name. "
                             "Choose a name that does not start with internal-, for example x."),
    ({"targets": ["10.0.1.10", "10.9.0.10"]}, "targets='10.9.0.10': is outside the load balancer's VPC vpc-"),
])
def test_nlb_bad_input_fails_before_any_mutating_call(localaws, module, names, override, message):
    net = vpc_with_subnets(localaws, A)
    if override.get("subnet_ids") == ["same-az"]:
        extra = net["ec2"].create_subnet(VpcId=net["vpc"], CidrBlock="10.0.3.0/24",
                                         AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        override = {"subnet_ids": [net["subnets"][0], extra]}
    args = dict({"name": names, "subnet_ids": net["subnets"], "listener_port": 8443, "targets": ["10.0.1.10"]},
                **override)
    mark = localaws.control.mark()
    result = module("crossvpc.aws.network_load_balancer", args)
    assert result.get("failed") and message in result["msg"], result.get("msg")
    assert mutating(localaws, mark) == []


def test_nlb_that_a_live_endpoint_service_fronts_is_not_deleted(localaws, module, provider, service, names):
    """DeleteLoadBalancer would take the NLB from under the service (and its consumers' endpoints): the module reads the
    services first and refuses, naming the NLB and each service, before any mutating call. Check mode warns with the same
    words (privatelink_teardown.yml --check plans the service's removal in an earlier task)."""
    elb, ec2 = localaws.client("elbv2", A), localaws.client("ec2", A)
    absent = {"name": names, "state": "absent"}
    expected = (f"Network Load Balancer {names} ({provider['nlb']}) still fronts the VPC endpoint service "
                f"{service['service_id']} (Available, Name {names}): deleting it would cut off the consumers' endpoints. "
                "Remove the endpoint service first (playbooks/privatelink_teardown.yml, or crossvpc.aws.vpc_endpoint_service "
                "with state=absent), or take this load balancer out of its network_load_balancer_arns, then delete the "
                "load balancer.")
    for check in (True, False):
        mark = localaws.control.mark()
        result = module("crossvpc.aws.network_load_balancer", absent, check=check)
        if check:
            assert not result.get("failed") and result["changed"], result
            assert [w for w in result["warnings"] if w.startswith(expected)], result["warnings"]
        else:
            assert result.get("failed") and result["msg"] == expected, result.get("msg")
        assert mutating(localaws, mark) == []
        assert "DescribeVpcEndpointServiceConfigurations" in [c["action"] for c in localaws.control.calls(mark)]
    [lb] = elb.describe_load_balancers(Names=[names])["LoadBalancers"]
    assert lb["LoadBalancerArn"] == provider["nlb"]
    assert elb.describe_target_groups(Names=[f"{names}-tg"])["TargetGroups"]
    [config] = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[service["service_id"]])["ServiceConfigurations"]
    assert config["NetworkLoadBalancerArns"] == [provider["nlb"]]

    # Once the service is gone (as privatelink_teardown.yml does it), the NLB goes.
    assert module("crossvpc.aws.vpc_endpoint_service", {"name": names, "state": "absent"})["changed"]
    removed = module("crossvpc.aws.network_load_balancer", absent)
    assert removed["changed"] and not removed.get("failed"), removed.get("msg")
    assert not [lb for lb in elb.describe_load_balancers()["LoadBalancers"] if lb["LoadBalancerName"] == names]


# --- vpc_endpoint_service -----------------------------------------------------------------------

def test_service_check_mode_create_rerun(localaws, module, provider, names):
    args = {"name": names, "network_load_balancer_arns": [provider["nlb"]], "allowed_principals": [ACCOUNT_B]}
    mark = localaws.control.mark()
    planned = module("crossvpc.aws.vpc_endpoint_service", args, check=True, diff=True)
    assert planned["changed"] and planned["changes"]["create"]
    assert planned["service"]["service_id"] == "(known after apply)"
    assert planned["diff"]["before"] == {}
    assert mutating(localaws, mark) == []

    created = module("crossvpc.aws.vpc_endpoint_service", args)["service"]
    ec2 = localaws.client("ec2", A)
    [config] = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[created["service_id"]])["ServiceConfigurations"]
    assert config["AcceptanceRequired"] is True
    assert config["NetworkLoadBalancerArns"] == [provider["nlb"]]
    assert {"Key": "Name", "Value": names} in config["Tags"]
    principals = ec2.describe_vpc_endpoint_service_permissions(ServiceId=created["service_id"])["AllowedPrincipals"]
    assert [p["Principal"] for p in principals] == [f"arn:aws:iam::{ACCOUNT_B}:root"]
    assert created["allowed_principals"] == [f"arn:aws:iam::{ACCOUNT_B}:root"]

    mark = localaws.control.mark()
    again = module("crossvpc.aws.vpc_endpoint_service", args)
    assert again["changed"] is False and again["service"]["service_id"] == created["service_id"]
    assert mutating(localaws, mark) == []
    assert len([s for s in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
                if {"Key": "Name", "Value": names} in s.get("Tags", [])]) == 1


def test_service_updates_in_place(localaws, module, provider, service, names):
    ec2 = localaws.client("ec2", A)
    base = {"name": names, "network_load_balancer_arns": [provider["nlb"]]}
    added = module("crossvpc.aws.vpc_endpoint_service",
                   dict(base, allowed_principals=[ACCOUNT_C], purge_allowed_principals=False))
    assert added["changes"] == {"add_principals": [f"arn:aws:iam::{ACCOUNT_C}:root"]}
    principals = {p["Principal"] for p in ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=service["service_id"])["AllowedPrincipals"]}
    assert principals == {f"arn:aws:iam::{ACCOUNT_B}:root", f"arn:aws:iam::{ACCOUNT_C}:root"}

    exact = module("crossvpc.aws.vpc_endpoint_service",
                   dict(base, allowed_principals=[ACCOUNT_C], acceptance_required=False, tags={"team": "pay"}),
                   diff=True)
    assert exact["changes"]["remove_principals"] == [f"arn:aws:iam::{ACCOUNT_B}:root"]
    assert exact["diff"]["before"]["acceptance_required"] is True and exact["diff"]["after"]["acceptance_required"] is False
    [config] = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[service["service_id"]])["ServiceConfigurations"]
    assert config["AcceptanceRequired"] is False
    assert {"Key": "team", "Value": "pay"} in config["Tags"]
    principals = [p["Principal"] for p in ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=service["service_id"])["AllowedPrincipals"]]
    assert principals == [f"arn:aws:iam::{ACCOUNT_C}:root"]

    # A private DNS name: the record AWS asks to publish is returned, and named in a warning until verified.
    dns = dict(base, allowed_principals=[ACCOUNT_C], acceptance_required=False, private_dns_name="api.example.com")
    named = module("crossvpc.aws.vpc_endpoint_service", dns)
    [config] = ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[service["service_id"]])["ServiceConfigurations"]
    record = config["PrivateDnsNameConfiguration"]
    assert named["changes"] == {"private_dns_name": "api.example.com"} and record["State"] == "pendingVerification", named
    assert named["service"]["private_dns_verification"] == {"state": "pendingVerification", "type": "TXT", "name": record["Name"],
                                                            "value": record["Value"]}
    assert [w for w in named["warnings"] if f"Publish a TXT record named {record['Name']}.api.example.com with the value "
            f"{record['Value']}" in w], named["warnings"]
    ec2.start_vpc_endpoint_service_private_dns_verification(ServiceId=service["service_id"])
    verified = module("crossvpc.aws.vpc_endpoint_service", dns)
    assert not verified["changed"] and not verified.get("warnings"), verified


@pytest.mark.parametrize("override, message", [
    ({"allowed_principals": ["*"]}, "allowed_principals='*': would let every AWS account connect"),
    ({"allowed_principals": ["bob"]}, "allowed_principals='bob': is not an account id or an IAM principal ARN"),
    ({"network_load_balancer_arns": ["arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/0123456789abcdef"]},
     "is an Application Load Balancer"),
    ({"network_load_balancer_arns": ["not-an-arn"]}, "network_load_balancer_arns='not-an-arn': is not a load balancer ARN"),
    ({"network_load_balancer_arns": ["arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/net/x/0123456789abcdef"]},
     "is in eu-west-1, not in us-east-1"),
    ({"private_dns_name": "api.example.com."}, "private_dns_name='api.example.com.': has an empty label."),
    ({"private_dns_name": "*.example.com"}, "private_dns_name='*.example.com': is a wildcard name"),
    ({"name": "n" * 257}, "is 257 characters; AWS allows at most 256 in a Name tag."),
    ({"tags": {"aws:team": "pay"}}, "tags['aws:team']='pay': has a key that starts with aws:"),
])
def test_service_bad_input_fails_before_any_api_call(localaws, module, names, override, message):
    args = dict({"name": names, "allowed_principals": [ACCOUNT_B], "network_load_balancer_arns": [
        "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/x/0123456789abcdef"]}, **override)
    mark = localaws.control.mark()
    result = module("crossvpc.aws.vpc_endpoint_service", args)
    assert result.get("failed") and message in result["msg"], result.get("msg")
    assert localaws.control.calls(mark) == []


def test_service_refuses_a_load_balancer_that_does_not_exist(localaws, module, provider, names):
    """A check run refuses what the real run would: the ARNs are read before the service is planned."""
    missing = provider["nlb"].rsplit("/", 1)[0] + "/00000000000dead0"
    args = {"name": names, "network_load_balancer_arns": [provider["nlb"], missing], "allowed_principals": [ACCOUNT_B]}
    for check in (True, False):
        mark = localaws.control.mark()
        result = module("crossvpc.aws.vpc_endpoint_service", args, check=check)
        assert result.get("failed"), result
        assert result["msg"].startswith("network_load_balancer_arns=%r: no such load balancer in this account and "
                                        "region." % missing), result["msg"]
        assert mutating(localaws, mark) == []
        reads = {c["action"] for c in localaws.control.calls(mark)}
        assert reads == {"DescribeVpcEndpointServiceConfigurations", "DescribeLoadBalancers"}


def test_service_an_aws_refusal_names_the_option(localaws, module, provider, names):
    message = "Load balancer ARN arn:aws:elasticloadbalancing:... not found"
    localaws.control.add_fault(service="ec2", action="CreateVpcEndpointServiceConfiguration", code="LoadBalancerNotFound",
                               status=400, message=message, count=1)
    try:
        result = module("crossvpc.aws.vpc_endpoint_service", {
            "name": names, "network_load_balancer_arns": [provider["nlb"]], "allowed_principals": [ACCOUNT_B]})
    finally:
        localaws.control.clear_faults()
    assert result.get("failed") and "AWS refused network_load_balancer_arns: LoadBalancerNotFound: " + message in result["msg"], \
        result.get("msg")


def test_wildcard_principal_only_when_asked(localaws, module, provider, names):
    result = module("crossvpc.aws.vpc_endpoint_service", {
        "name": names, "network_load_balancer_arns": [provider["nlb"]], "allowed_principals": ["*"],
        "allow_any_principal": True})
    assert result["service"]["allowed_principals"] == ["*"]


# --- vpc_endpoint and vpc_endpoint_connection ----------------------------------------------------

def test_endpoint_waits_for_acceptance_then_provider_accepts(localaws, module, service, consumer, names):
    args = endpoint_args(names, service, consumer)
    mark = localaws.control.mark()
    planned = module("crossvpc.aws.vpc_endpoint", args, profile=B, check=True)
    assert planned["changed"] and planned["changes"] == {"create": True}
    assert mutating(localaws, mark) == []

    created = module("crossvpc.aws.vpc_endpoint", args, profile=B)["endpoint"]
    assert created["state"] == "pendingAcceptance" and created["dns_name"]
    ec2_b = localaws.client("ec2", B)
    [endpoint] = ec2_b.describe_vpc_endpoints(VpcEndpointIds=[created["vpc_endpoint_id"]])["VpcEndpoints"]
    assert endpoint["State"] == "pendingAcceptance" and endpoint["OwnerId"] == ACCOUNT_B
    assert [g["GroupId"] for g in endpoint["Groups"]] == [consumer["group"]]

    mark = localaws.control.mark()
    again = module("crossvpc.aws.vpc_endpoint", args, profile=B)
    assert again["changed"] is False and again["endpoint"]["vpc_endpoint_id"] == created["vpc_endpoint_id"]
    assert mutating(localaws, mark) == []

    accept = {"service_id": service["service_id"], "consumer_accounts": [ACCOUNT_B]}
    mark = localaws.control.mark()
    assert module("crossvpc.aws.vpc_endpoint_connection", accept, check=True)["changed_endpoint_ids"] == [
        created["vpc_endpoint_id"]]
    assert mutating(localaws, mark) == []
    accepted = module("crossvpc.aws.vpc_endpoint_connection", accept)
    assert accepted["changed"] and accepted["connections"][0]["vpc_endpoint_state"] == "available"
    [endpoint] = ec2_b.describe_vpc_endpoints(VpcEndpointIds=[created["vpc_endpoint_id"]])["VpcEndpoints"]
    assert endpoint["State"] == "available"
    mark = localaws.control.mark()
    assert module("crossvpc.aws.vpc_endpoint_connection", accept)["changed"] is False
    assert mutating(localaws, mark) == []


def test_endpoint_updates_in_place_and_deletes_by_name(localaws, module, service, consumer, names):
    created = module("crossvpc.aws.vpc_endpoint", endpoint_args(names, service, consumer), profile=B)["endpoint"]
    # The same name to another service, without subnets: the refusal says this would be a second endpoint (the
    # seventeenth trial's EP15, where it only asked for subnets).
    mark = localaws.control.mark()
    s3 = "com.amazonaws.us-east-1.s3"
    second = module("crossvpc.aws.vpc_endpoint", {"name": names, "vpc_id": consumer["vpc"], "service_name": s3}, profile=B)
    assert second.get("failed") and (f"subnet_ids=None: is empty, and a new endpoint needs subnets ({created['vpc_endpoint_id']}, the "
                                     f"endpoint named {names} in {consumer['vpc']}, calls {service['service_name']}, not {s3}: AWS does "
                                     "not point an endpoint at another service, so this would be a second endpoint).") in second["msg"], second
    assert mutating(localaws, mark) == []
    ec2_b = localaws.client("ec2", B)
    other = ec2_b.create_security_group(GroupName=f"other-{names}", Description="x", VpcId=consumer["vpc"])["GroupId"]
    changed = module("crossvpc.aws.vpc_endpoint", endpoint_args(
        names, service, consumer, subnet_ids=consumer["subnets"][:1], security_group_ids=[other],
        tags={"team": "orders"}), profile=B)
    assert changed["changes"]["remove_subnets"] == consumer["subnets"][1:]
    [endpoint] = ec2_b.describe_vpc_endpoints(VpcEndpointIds=[created["vpc_endpoint_id"]])["VpcEndpoints"]
    assert endpoint["SubnetIds"] == consumer["subnets"][:1]
    assert [g["GroupId"] for g in endpoint["Groups"]] == [other]
    assert {"Key": "team", "Value": "orders"} in endpoint["Tags"]

    removed = module("crossvpc.aws.vpc_endpoint", {"name": names, "vpc_id": consumer["vpc"], "state": "absent"},
                     profile=B)
    assert removed["changed"]
    left = [e for e in ec2_b.describe_vpc_endpoints(VpcEndpointIds=[created["vpc_endpoint_id"]])["VpcEndpoints"]
            if e["State"].lower() not in ("deleted", "deleting")]
    assert left == []
    mark = localaws.control.mark()
    assert module("crossvpc.aws.vpc_endpoint", {"name": names, "vpc_id": consumer["vpc"], "state": "absent"},
                  profile=B)["changed"] is False
    assert mutating(localaws, mark) == []


def test_account_not_allowed_is_refused_before_creating(localaws, module, service, names):
    outsider = vpc_with_subnets(localaws, C)
    mark = localaws.control.mark()
    result = module("crossvpc.aws.vpc_endpoint", endpoint_args(names, service, outsider), profile=C)
    assert result.get("failed")
    assert f"service_name='{service['service_name']}': does not exist, or does not allow this account" in result["msg"]
    assert mutating(localaws, mark) == []
    assert localaws.client("ec2", C).describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [outsider["vpc"]]}])["VpcEndpoints"] == []


def test_rejected_endpoint_fails_fast_and_is_not_duplicated(localaws, module, service, consumer, names):
    created = module("crossvpc.aws.vpc_endpoint", endpoint_args(names, service, consumer), profile=B)["endpoint"]
    rejected = module("crossvpc.aws.vpc_endpoint_connection", {
        "service_id": service["service_id"], "vpc_endpoint_ids": [created["vpc_endpoint_id"]], "state": "rejected"})
    assert rejected["connections"][0]["vpc_endpoint_state"] == "rejected"
    mark = localaws.control.mark()
    again = module("crossvpc.aws.vpc_endpoint", endpoint_args(names, service, consumer, wait_for="available"),
                   profile=B)
    assert again.get("failed") and "is rejected" in again["msg"] and created["vpc_endpoint_id"] in again["msg"]
    assert mutating(localaws, mark) == []
    assert len(localaws.client("ec2", B).describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [consumer["vpc"]]}])["VpcEndpoints"]) == 1


def test_service_with_live_connection_is_not_deleted(localaws, module, service, consumer, names):
    """AWS deletes a service only once its connections are rejected or gone (DeleteVpcEndpointServiceConfigurations):
    the module reads them first and names each endpoint and account, before any mutating call."""
    endpoint_id = module("crossvpc.aws.vpc_endpoint", endpoint_args(names, service, consumer), profile=B)["endpoint"][
        "vpc_endpoint_id"]
    absent = {"name": names, "state": "absent"}
    mark = localaws.control.mark()
    result = module("crossvpc.aws.vpc_endpoint_service", absent)
    assert result.get("failed") and "still has endpoint connections" in result["msg"], result
    assert f"{endpoint_id} (account {ACCOUNT_B}, pendingAcceptance)" in result["msg"], result["msg"]
    assert "Remove those endpoints first" in result["msg"] and "reject them" in result["msg"]
    planned = module("crossvpc.aws.vpc_endpoint_service", absent, check=True)  # the consumers' removal may be planned
    assert planned["changed"] and any(endpoint_id in w for w in planned["warnings"]), planned
    assert mutating(localaws, mark) == []
    ec2 = localaws.client("ec2", A)
    assert ec2.describe_vpc_endpoint_service_configurations(ServiceIds=[service["service_id"]])["ServiceConfigurations"]
    module("crossvpc.aws.vpc_endpoint", {"name": names, "vpc_id": consumer["vpc"], "state": "absent"}, profile=B)
    assert module("crossvpc.aws.vpc_endpoint_service", absent)["changed"]
    assert not [s for s in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]
                if s["ServiceId"] == service["service_id"]]


def endpoint_state(localaws, endpoint_id):
    """The endpoint's state as its owner, account B, reads it."""
    [endpoint] = localaws.client("ec2", B).describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    return endpoint["State"]


def test_revoking_an_account_rejects_its_connection(localaws, module, provider, service, consumer, names):
    """Removing B from the exact set of principals cuts B's accepted endpoint (AWS alone leaves it connected)."""
    endpoint_id = module("crossvpc.aws.vpc_endpoint", endpoint_args(names, service, consumer), profile=B)["endpoint"][
        "vpc_endpoint_id"]
    assert module("crossvpc.aws.vpc_endpoint_connection", {
        "service_id": service["service_id"], "consumer_accounts": [ACCOUNT_B]})["changed"]
    assert endpoint_state(localaws, endpoint_id) == "available"
    base = {"name": names, "network_load_balancer_arns": [provider["nlb"]]}
    without_b = dict(base, allowed_principals=[ACCOUNT_C])

    mark = localaws.control.mark()
    # A role of account B allows B's endpoints: nothing to reject.
    role = module("crossvpc.aws.vpc_endpoint_service", dict(
        base, allowed_principals=[f"arn:aws:iam::{ACCOUNT_B}:role/consumer", ACCOUNT_C]), check=True)
    assert "reject_connections" not in role["changes"] and role["service"]["allowed_accounts"] == [ACCOUNT_B, ACCOUNT_C]
    planned = module("crossvpc.aws.vpc_endpoint_service", without_b, check=True, diff=True)
    assert planned["changes"]["reject_connections"] == [endpoint_id], planned["changes"]
    assert [(c["vpc_endpoint_id"], c["vpc_endpoint_owner"]) for c in planned["rejected_connections"]] == [
        (endpoint_id, ACCOUNT_B)]
    assert planned["diff"]["before"]["endpoint_connections"][endpoint_id]["vpc_endpoint_state"] == "available"
    assert planned["diff"]["after"]["endpoint_connections"][endpoint_id]["vpc_endpoint_state"] == "rejected"
    assert mutating(localaws, mark) == []
    assert endpoint_state(localaws, endpoint_id) == "available"

    # Refused the rejection (a policy without it): nothing is half done, B stays allowed and connected.
    localaws.control.add_fault(service="ec2", action="RejectVpcEndpointConnections", code="UnauthorizedOperation",
                               status=403, message="not authorized to perform: ec2:RejectVpcEndpointConnections", count=1)
    try:
        refused = module("crossvpc.aws.vpc_endpoint_service", without_b)
    finally:
        localaws.control.clear_faults()
    assert refused.get("failed") and "ec2:RejectVpcEndpointConnections" in refused["msg"], refused
    assert "ModifyVpcEndpointServicePermissions" not in [c["action"] for c in mutating(localaws, mark)]
    assert f"arn:aws:iam::{ACCOUNT_B}:root" in [p["Principal"] for p in localaws.client("ec2", A).describe_vpc_endpoint_service_permissions(
        ServiceId=service["service_id"])["AllowedPrincipals"]]
    assert endpoint_state(localaws, endpoint_id) == "available"

    # Asked to keep it: the principal goes, the connection stays (as on AWS), and the run says so.
    mark = localaws.control.mark()
    kept = module("crossvpc.aws.vpc_endpoint_service", dict(without_b, keep_unlisted_connections=True))
    assert [c["action"] for c in mutating(localaws, mark)] == ["ModifyVpcEndpointServicePermissions"]
    assert any(endpoint_id in w and ACCOUNT_B in w for w in kept["warnings"]), kept.get("warnings")
    assert endpoint_state(localaws, endpoint_id) == "available"

    # Without allowed_principals, a tag change leaves the principals and connections alone (the sixteenth trial's ME07: it
    # emptied the set and rejected B's connection).
    mark = localaws.control.mark()
    tagged = module("crossvpc.aws.vpc_endpoint_service", dict(base, tags={"team": "ops"}))
    assert tagged["changes"] == {"set_tags": {"team": "ops"}}, tagged["changes"]
    assert [c["action"] for c in mutating(localaws, mark)] == ["CreateTags"] and endpoint_state(localaws, endpoint_id) == "available"

    mark = localaws.control.mark()
    revoked = module("crossvpc.aws.vpc_endpoint_service", dict(without_b, tags={"team": "ops"}))
    assert revoked["changed"] and revoked["changes"] == {"reject_connections": [endpoint_id]}
    assert any(endpoint_id in w and ACCOUNT_B in w and "rejects" in w for w in revoked["warnings"]), revoked.get("warnings")
    assert [c["action"] for c in mutating(localaws, mark)] == ["RejectVpcEndpointConnections"]
    assert endpoint_state(localaws, endpoint_id) == "rejected"
    ec2 = localaws.client("ec2", A)
    assert [p["Principal"] for p in ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=service["service_id"])["AllowedPrincipals"]] == [f"arn:aws:iam::{ACCOUNT_C}:root"]
    assert [(c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in ec2.describe_vpc_endpoint_connections(
        Filters=[{"Name": "service-id", "Values": [service["service_id"]]}])["VpcEndpointConnections"]] == [
        (ACCOUNT_B, "rejected")]

    mark = localaws.control.mark()
    assert module("crossvpc.aws.vpc_endpoint_service", dict(without_b, tags={"team": "ops"}))["changed"] is False
    assert mutating(localaws, mark) == []


def test_check_mode_plans_an_endpoint_the_provider_plans_to_allow(localaws, module, provider, service, names):
    """In a check run the provider only plans to allow a new account C, so AWS still hides the service from C:
    told that the provider's planned allowed_accounts list C, C's endpoint is planned, as the real run makes it."""
    outsider = vpc_with_subnets(localaws, C)
    args = endpoint_args(names, service, outsider)
    mark = localaws.control.mark()
    provider_plan = module("crossvpc.aws.vpc_endpoint_service", {
        "name": names, "network_load_balancer_arns": [provider["nlb"]], "allowed_principals": [ACCOUNT_B, ACCOUNT_C]},
        check=True)
    assert provider_plan["service"]["allowed_accounts"] == [ACCOUNT_B, ACCOUNT_C]
    refused = module("crossvpc.aws.vpc_endpoint", args, profile=C, check=True)
    assert refused.get("failed") and "does not allow this account" in refused["msg"], refused
    planned = module("crossvpc.aws.vpc_endpoint", dict(args, service_allows_account=True), profile=C, check=True)
    assert not planned.get("failed") and planned["changed"] and planned["changes"] == {"create": True}, planned
    assert mutating(localaws, mark) == []
    # A real run still looks the service up: the provider did not in fact allow C.
    real = module("crossvpc.aws.vpc_endpoint", dict(args, service_allows_account=True), profile=C)
    assert real.get("failed") and "does not allow this account" in real["msg"], real
    assert mutating(localaws, mark) == []
    assert localaws.client("ec2", C).describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [outsider["vpc"]]}])["VpcEndpoints"] == []


def test_endpoint_bad_input(localaws, module, service, consumer, names):
    other = vpc_with_subnets(localaws, B, cidr="10.20.0.0/16")
    same_az = consumer["ec2"].create_subnet(VpcId=consumer["vpc"], CidrBlock="10.0.3.0/24",
                                            AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    cases = [
        ({"vpc_id": "subnet-0123456789abcdef0"}, "vpc_id='subnet-0123456789abcdef0': is not a valid vpc id", True),
        ({"service_name": "payments"}, "service_name='payments': is not an endpoint service name", True),
        ({"service_name": "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"},
         "is a service in eu-west-1, and this endpoint is in us-east-1", True),
        ({"subnet_ids": [other["subnets"][0]]}, f"belongs to {other['vpc']}, not to vpc_id {consumer['vpc']}", False),
        ({"subnet_ids": [consumer["subnets"][0], same_az]}, "an interface endpoint takes one subnet per availability zone",
         False),
        ({"security_group_ids": [other["group"]]}, f"not found in {consumer['vpc']}", False),
        ({"vpc_id": "vpc-0000000000000dead"}, "vpc_id='vpc-0000000000000dead': no such VPC in this account and region", False),
        ({"service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0000000000000dead"},
         "does not exist, or does not allow this account", False),
        ({"subnet_ids": [consumer["subnets"][0], consumer["subnets"][0]]},
         f"subnet_ids='{consumer['subnets'][0]}': is listed twice.", True),
        ({"policy": "Allow everything"}, "policy='Allow everything': is not JSON", True),
        ({"policy": "[]"}, "policy='[]': is JSON, but not an object.", True),
        ({"tags": {"k" * 129: "v"}}, "has a key of 129 characters; AWS allows at most 128.", True),
        # The service has no private DNS name, so AWS would refuse private DNS on the endpoint.
        ({"private_dns_enabled": True}, "private_dns_enabled=True: but the service %s has no private DNS name" % service["service_name"],
         False),
    ]
    for override, message, no_call_at_all in cases:
        mark = localaws.control.mark()
        result = module("crossvpc.aws.vpc_endpoint", endpoint_args(names, service, consumer, **override), profile=B)
        assert result.get("failed") and message in result["msg"], (override, result.get("msg"))
        calls = localaws.control.calls(mark)
        assert [c for c in calls if c["mutating"]] == []
        if no_call_at_all:
            assert calls == []
