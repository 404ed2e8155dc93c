"""PrivateLink planning over boto3-shaped data, and the input checks of the provider and consumer."""

import pytest

from ansible_collections.crossvpc.aws.plugins.module_utils import privatelink, validation
from ansible_collections.crossvpc.aws.plugins.module_utils.aws import CrossvpcError, InvalidInput

NLB = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/api/0123456789abcdef"
B_ROOT = "arn:aws:iam::222222222222:root"
C_ROOT = "arn:aws:iam::333333333333:root"


def desired(**overrides):
    base = {"acceptance_required": True, "allowed_principals": [B_ROOT], "purge_allowed_principals": True,
            "NetworkLoadBalancerArns": [NLB], "GatewayLoadBalancerArns": None, "private_dns_name": None,
            "supported_ip_address_types": None, "tags": {"Name": "api"}, "purge_tags": False}
    base.update(overrides)
    return base


def service(**overrides):
    base = {"ServiceId": "vpce-svc-0123456789abcdef0", "AcceptanceRequired": True,
            "NetworkLoadBalancerArns": [NLB], "Tags": [{"Key": "Name", "Value": "api"}]}
    base.update(overrides)
    return base


def test_new_service_is_created_with_its_principals():
    assert privatelink.plan_service(None, [], desired()) == {"create": True, "add_principals": [B_ROOT]}


def test_matching_service_is_no_change():
    assert privatelink.plan_service(service(), [B_ROOT], desired()) == {}


def test_principals_are_an_exact_set_unless_only_adding():
    assert privatelink.plan_service(service(), [C_ROOT], desired()) == {
        "add_principals": [B_ROOT], "remove_principals": [C_ROOT]}
    assert privatelink.plan_service(service(), [C_ROOT], desired(purge_allowed_principals=False)) == {
        "add_principals": [B_ROOT]}


def test_acceptance_load_balancers_dns_and_tags_change_in_place():
    other = NLB.replace("/api/", "/api2/")
    plan = privatelink.plan_service(service(PrivateDnsName="old.example.com"), [B_ROOT], desired(
        acceptance_required=False, NetworkLoadBalancerArns=[other], private_dns_name="",
        tags={"Name": "api", "team": "pay"}, purge_tags=True))
    assert plan == {"acceptance_required": False, "add_nlbs": [other], "remove_nlbs": [NLB],
                    "remove_private_dns_name": True, "set_tags": {"team": "pay"}}


def test_planned_service_shows_unknown_ids_until_created():
    planned = privatelink.service_result(
        privatelink.planned_service(None, desired(), {"create": True}, "(known after apply)"), [B_ROOT])
    assert planned["service_id"] == "(known after apply)" and planned["tags"] == {"Name": "api"}
    assert planned["network_load_balancer_arns"] == [NLB]


def connection(endpoint_id, owner, state):
    return {"VpcEndpointId": endpoint_id, "VpcEndpointOwner": owner, "VpcEndpointState": state,
            "ServiceId": "vpce-svc-0123456789abcdef0"}


def test_only_pending_connections_are_accepted():
    connections = [connection("vpce-1", "222222222222", "pendingAcceptance"),
                   connection("vpce-2", "222222222222", "available"),
                   connection("vpce-3", "333333333333", "pendingAcceptance")]
    chosen = privatelink.select_connections(connections, accounts=["222222222222"])
    assert privatelink.plan_connections(chosen, "accepted") == ["vpce-1"]
    assert privatelink.plan_connections(privatelink.select_connections(connections, ["vpce-3"]), "rejected") == [
        "vpce-3"]


def test_a_rejected_connection_cannot_be_accepted():
    with pytest.raises(CrossvpcError, match="vpce-1 of account 222222222222 is rejected"):
        privatelink.plan_connections([connection("vpce-1", "222222222222", "rejected")], "accepted")


def endpoint_desired(**overrides):
    base = {"vpc_id": "vpc-1", "service_name": "svc", "subnet_ids": ["subnet-1", "subnet-2"],
            "security_group_ids": ["sg-1"], "private_dns_enabled": None, "policy": None,
            "tags": {"Name": "api"}, "purge_tags": False}
    base.update(overrides)
    return base


def endpoint(**overrides):
    base = {"VpcEndpointId": "vpce-1", "State": "available", "SubnetIds": ["subnet-1", "subnet-2"],
            "Groups": [{"GroupId": "sg-1"}], "PrivateDnsEnabled": False, "Tags": [{"Key": "Name", "Value": "api"}],
            "PolicyDocument": '{"Statement": [], "Version": "2012-10-17"}'}
    base.update(overrides)
    return base


def test_endpoint_no_change_and_in_place_updates():
    assert privatelink.plan_endpoint(endpoint(), endpoint_desired()) == {}
    assert privatelink.plan_endpoint(None, endpoint_desired()) == {"create": True}
    plan = privatelink.plan_endpoint(endpoint(), endpoint_desired(subnet_ids=["subnet-2", "subnet-3"],
                                                                  security_group_ids=["sg-2"],
                                                                  private_dns_enabled=True))
    assert plan == {"add_subnets": ["subnet-3"], "remove_subnets": ["subnet-1"], "add_security_groups": ["sg-2"],
                    "remove_security_groups": ["sg-1"], "private_dns_enabled": True}


def test_unmanaged_lists_and_equal_policies_are_left_alone():
    assert privatelink.plan_endpoint(endpoint(), endpoint_desired(subnet_ids=None, security_group_ids=None)) == {}
    same_policy = {"Version": "2012-10-17", "Statement": []}
    assert privatelink.plan_endpoint(endpoint(), endpoint_desired(policy=same_policy)) == {}


@pytest.mark.parametrize("state", ["rejected", "failed"])
def test_a_dead_endpoint_is_reported_not_replaced(state):
    with pytest.raises(CrossvpcError, match="Endpoint vpce-1 is %s" % state):
        privatelink.plan_endpoint(endpoint(State=state), endpoint_desired())


@pytest.mark.parametrize("value, expected", [("222222222222", B_ROOT), (B_ROOT, B_ROOT),
                                             ("arn:aws:iam::222222222222:role/app", "arn:aws:iam::222222222222:role/app")])
def test_principals_accepted(value, expected):
    assert validation.principal("allowed_principals", value) == expected


@pytest.mark.parametrize("value", ["*", "2222", "bob", "arn:aws:s3:::bucket", None])
def test_principals_refused(value):
    with pytest.raises(InvalidInput, match="allowed_principals="):
        validation.principal("allowed_principals", value)


def test_wildcard_principal_needs_the_explicit_option():
    assert validation.principal("allowed_principals", "*", allow_any=True) == "*"


@pytest.mark.parametrize("arn, message", [
    (NLB.replace("/net/", "/app/"), "is an Application Load Balancer"),
    ("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/tg/0123456789abcdef", "is not a load balancer ARN"),
])
def test_load_balancer_arns_refused(arn, message):
    with pytest.raises(InvalidInput, match=message):
        validation.load_balancer_arn("network_load_balancer_arns", arn)


def test_service_name_of_another_region_is_refused():
    with pytest.raises(InvalidInput, match="is a service in eu-west-1, and this endpoint is in us-east-1"):
        validation.service_name("service_name", "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
                                "us-east-1")
