"""PrivateLink across accounts: account A provides an endpoint service, B (and C) consume it."""

import re
import uuid

import botocore.exceptions
import pytest

from localaws import ACCOUNT_A, ACCOUNT_B


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def subnet_in_new_vpc(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc, subnet


def provide_service(localaws, acceptance_required=True, allow=(), **extra):
    """A new endpoint service of account A on an internal NLB in a new VPC; its configuration."""
    ec2 = localaws.client("ec2", "crossvpc-a")
    _vpc, subnet = subnet_in_new_vpc(ec2)
    nlb = localaws.client("elbv2", "crossvpc-a").create_load_balancer(
        Name=unique("nlb"), Type="network", Scheme="internal",
        Subnets=[subnet])["LoadBalancers"][0]["LoadBalancerArn"]
    service = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=acceptance_required,
        **extra)["ServiceConfiguration"]
    if allow:
        ec2.modify_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"],
                                                    AddAllowedPrincipals=list(allow))
    return service


def consume(localaws, service_name, profile="crossvpc-b", **extra):
    ec2 = localaws.client("ec2", profile)
    vpc, subnet = subnet_in_new_vpc(ec2)
    return ec2.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, SubnetIds=[subnet],
                                   ServiceName=service_name, **extra)["VpcEndpoint"]


def error_code(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call(**kwargs)
    return error.value.response["Error"]["Code"]


def endpoint_state(localaws, endpoint_id, profile="crossvpc-b"):
    [endpoint] = localaws.client("ec2", profile).describe_vpc_endpoints(
        VpcEndpointIds=[endpoint_id])["VpcEndpoints"]
    return endpoint["State"]


def connections(localaws, service_id, **filters):
    extra = [{"Name": name.replace("_", "-"), "Values": [value]} for name, value in filters.items()]
    return localaws.client("ec2", "crossvpc-a").describe_vpc_endpoint_connections(
        Filters=[{"Name": "service-id", "Values": [service_id]}] + extra)["VpcEndpointConnections"]


def test_endpoint_service_is_visible_only_to_allowed_accounts(localaws):
    hidden = provide_service(localaws)
    by_root = provide_service(localaws, allow=[f"arn:aws:iam::{ACCOUNT_B}:root"],
                              PrivateDnsName="svc.example.internal")
    by_role = provide_service(localaws, allow=[f"arn:aws:iam::{ACCOUNT_B}:role/consumer"])
    by_anyone = provide_service(localaws, allow=["*"])
    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")

    code = error_code(ec2_b.describe_vpc_endpoint_services, ServiceNames=[hidden["ServiceName"]])
    assert code == "InvalidServiceName"
    [own] = ec2_a.describe_vpc_endpoint_services(
        ServiceNames=[hidden["ServiceName"]])["ServiceDetails"]
    assert own["Owner"] == ACCOUNT_A
    for service in (by_root, by_role, by_anyone):
        [detail] = ec2_b.describe_vpc_endpoint_services(
            ServiceNames=[service["ServiceName"]])["ServiceDetails"]
        assert detail["Owner"] == ACCOUNT_A
        assert detail["ServiceId"] == service["ServiceId"]
        assert detail["AcceptanceRequired"] is True
        assert detail["ServiceType"] == [{"ServiceType": "Interface"}]
        assert detail["BaseEndpointDnsNames"] and detail["AvailabilityZones"] == ["us-east-1a"]
    [detail] = ec2_b.describe_vpc_endpoint_services(
        ServiceNames=[by_root["ServiceName"]])["ServiceDetails"]
    assert detail["PrivateDnsName"] == "svc.example.internal"

    listed = set(ec2_b.describe_vpc_endpoint_services()["ServiceNames"])
    assert {by_root["ServiceName"], by_role["ServiceName"], by_anyone["ServiceName"]} <= listed
    assert hidden["ServiceName"] not in listed
    filtered = ec2_b.describe_vpc_endpoint_services(
        Filters=[{"Name": "service-name", "Values": [by_role["ServiceName"]]}])["ServiceNames"]
    assert filtered == [by_role["ServiceName"]]
    assert "com.amazonaws.us-east-1.s3" in listed
    assert by_root["ServiceName"] not in set(
        localaws.client("ec2", "crossvpc-c").describe_vpc_endpoint_services()["ServiceNames"])


def test_endpoint_to_unknown_or_forbidden_service_is_refused(localaws):
    hidden = provide_service(localaws)
    ec2_b = localaws.client("ec2", "crossvpc-b")
    vpc, subnet = subnet_in_new_vpc(ec2_b)
    unknown = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    for name in (hidden["ServiceName"], unknown):
        code = error_code(ec2_b.create_vpc_endpoint, VpcEndpointType="Interface", VpcId=vpc,
                          SubnetIds=[subnet], ServiceName=name)
        assert code == "InvalidServiceName"
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc]}]
    assert ec2_b.describe_vpc_endpoints(Filters=vpc_filter)["VpcEndpoints"] == []
    assert ec2_b.describe_network_interfaces(Filters=vpc_filter)["NetworkInterfaces"] == []
    # AWS-managed services are still there for everyone.
    gateway = ec2_b.create_vpc_endpoint(VpcEndpointType="Gateway", VpcId=vpc,
                                        ServiceName="com.amazonaws.us-east-1.s3")["VpcEndpoint"]
    assert gateway["State"] == "available"


def test_acceptance_required_decides_the_initial_state(localaws):
    manual = provide_service(localaws, acceptance_required=True, allow=["*"])
    automatic = provide_service(localaws, acceptance_required=False, allow=["*"])
    pending = consume(localaws, manual["ServiceName"])
    accepted = consume(localaws, automatic["ServiceName"])
    assert endpoint_state(localaws, pending["VpcEndpointId"]) == "pendingAcceptance"
    assert endpoint_state(localaws, accepted["VpcEndpointId"]) == "available"


def test_provider_sees_connections_from_every_account(localaws):
    service = provide_service(localaws, allow=["*"])
    from_b = consume(localaws, service["ServiceName"], "crossvpc-b")
    from_c = consume(localaws, service["ServiceName"], "crossvpc-c")
    seen = {c["VpcEndpointId"]: c for c in connections(localaws, service["ServiceId"])}
    assert set(seen) == {from_b["VpcEndpointId"], from_c["VpcEndpointId"]}
    connection = seen[from_b["VpcEndpointId"]]
    assert connection["ServiceId"] == service["ServiceId"]
    assert connection["VpcEndpointOwner"] == ACCOUNT_B
    assert connection["VpcEndpointState"] == "pendingAcceptance"
    assert connection["NetworkLoadBalancerArns"] == service["NetworkLoadBalancerArns"]
    assert connection["DnsEntries"] and connection["CreationTimestamp"]
    assert connection["VpcEndpointConnectionId"].startswith("vpce-con-")
    [only_b] = connections(localaws, service["ServiceId"], vpc_endpoint_owner=ACCOUNT_B)
    assert only_b["VpcEndpointId"] == from_b["VpcEndpointId"]
    [by_id] = connections(localaws, service["ServiceId"], vpc_endpoint_id=from_c["VpcEndpointId"])
    assert by_id["VpcEndpointOwner"] != ACCOUNT_B
    assert connections(localaws, service["ServiceId"], vpc_endpoint_state="available") == []
    # The consumer is not the provider: it sees no connections to A's service.
    assert localaws.client("ec2", "crossvpc-b").describe_vpc_endpoint_connections(
        Filters=[{"Name": "service-id", "Values": [service["ServiceId"]]}])[
        "VpcEndpointConnections"] == []


def test_provider_accepts_and_rejects_connections(localaws):
    service = provide_service(localaws, allow=[f"arn:aws:iam::{ACCOUNT_B}:root"])
    ec2_a = localaws.client("ec2", "crossvpc-a")
    first = consume(localaws, service["ServiceName"])["VpcEndpointId"]
    second = consume(localaws, service["ServiceName"])["VpcEndpointId"]
    missing = "vpce-0123456789abcdef0"

    code = error_code(localaws.client("ec2", "crossvpc-b").accept_vpc_endpoint_connections,
                      ServiceId=service["ServiceId"], VpcEndpointIds=[first])
    assert code == "InvalidVpcEndpointServiceId.NotFound"
    assert endpoint_state(localaws, first) == "pendingAcceptance"

    result = ec2_a.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"],
                                                   VpcEndpointIds=[first, missing])
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in result["Unsuccessful"]] == [
        (missing, "InvalidVpcEndpoint.NotFound")]
    assert endpoint_state(localaws, first) == "available"
    again = ec2_a.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"],
                                                  VpcEndpointIds=[first])
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in again["Unsuccessful"]] == [
        (first, "InvalidState")]

    result = ec2_a.reject_vpc_endpoint_connections(ServiceId=service["ServiceId"],
                                                   VpcEndpointIds=[second])
    assert result["Unsuccessful"] == []
    assert endpoint_state(localaws, second) == "rejected"
    assert [c["VpcEndpointState"] for c in connections(
        localaws, service["ServiceId"], vpc_endpoint_id=second)] == ["rejected"]


def test_client_token_makes_creates_idempotent(localaws):
    ec2_a = localaws.client("ec2", "crossvpc-a")
    service = provide_service(localaws, allow=["*"], ClientToken=unique("svc-token"))
    token = unique("svc-token")
    nlbs = service["NetworkLoadBalancerArns"]
    first = ec2_a.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=nlbs, ClientToken=token)["ServiceConfiguration"]
    second = ec2_a.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=nlbs, ClientToken=token)["ServiceConfiguration"]
    assert first["ServiceId"] == second["ServiceId"]
    assert len(ec2_a.describe_vpc_endpoint_service_configurations(Filters=[
        {"Name": "service-id", "Values": [first["ServiceId"]]}])["ServiceConfigurations"]) == 1
    code = error_code(ec2_a.create_vpc_endpoint_service_configuration,
                      NetworkLoadBalancerArns=nlbs, ClientToken=token, AcceptanceRequired=False)
    assert code == "IdempotentParameterMismatch"

    ec2_b = localaws.client("ec2", "crossvpc-b")
    vpc, subnet = subnet_in_new_vpc(ec2_b)
    token = unique("vpce-token")
    made = [ec2_b.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, SubnetIds=[subnet],
                                      ServiceName=service["ServiceName"],
                                      ClientToken=token)["VpcEndpoint"]["VpcEndpointId"]
            for _attempt in range(2)]
    assert made[0] == made[1]
    assert len(ec2_b.describe_vpc_endpoints(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["VpcEndpoints"]) == 1
    code = error_code(ec2_b.create_vpc_endpoint, VpcEndpointType="Interface", VpcId=vpc,
                      SubnetIds=[subnet], ServiceName="com.amazonaws.us-east-1.s3",
                      ClientToken=token)
    assert code == "IdempotentParameterMismatch"


def test_service_with_live_connections_cannot_be_deleted(localaws):
    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")
    service = provide_service(localaws, allow=["*"])
    pending = consume(localaws, service["ServiceName"])["VpcEndpointId"]
    accepted = consume(localaws, service["ServiceName"])["VpcEndpointId"]
    ec2_a.accept_vpc_endpoint_connections(ServiceId=service["ServiceId"], VpcEndpointIds=[accepted])

    def delete():
        return ec2_a.delete_vpc_endpoint_service_configurations(
            ServiceIds=[service["ServiceId"]])["Unsuccessful"]

    for _attempt in range(2):
        [failure] = delete()
        assert failure["ResourceId"] == service["ServiceId"]
        assert failure["Error"]["Code"] == "ExistingVpcEndpointConnections"
        assert ec2_a.describe_vpc_endpoint_service_configurations(
            ServiceIds=[service["ServiceId"]])["ServiceConfigurations"]
        ec2_a.reject_vpc_endpoint_connections(ServiceId=service["ServiceId"],
                                              VpcEndpointIds=[pending])
    ec2_b.delete_vpc_endpoints(VpcEndpointIds=[accepted])
    assert delete() == []
    assert error_code(ec2_a.describe_vpc_endpoint_service_configurations,
                      ServiceIds=[service["ServiceId"]]) == "InvalidVpcEndpointServiceId.NotFound"


def test_service_configurations_honour_filters_and_keep_tags(localaws):
    ec2_a = localaws.client("ec2", "crossvpc-a")
    team = unique("team")
    tagged = provide_service(localaws, TagSpecifications=[{
        "ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "team", "Value": team}]}])
    other = provide_service(localaws)

    def ids(*filters):
        return {s["ServiceId"] for s in ec2_a.describe_vpc_endpoint_service_configurations(
            Filters=list(filters))["ServiceConfigurations"]}

    assert ids({"Name": "service-name", "Values": [tagged["ServiceName"]]}) == {tagged["ServiceId"]}
    assert ids({"Name": "service-id", "Values": [other["ServiceId"]]}) == {other["ServiceId"]}
    assert ids({"Name": "tag:team", "Values": [team]}) == {tagged["ServiceId"]}
    assert tagged["ServiceId"] in ids({"Name": "tag-key", "Values": ["team"]})
    assert other["ServiceId"] not in ids({"Name": "tag-key", "Values": ["team"]})
    assert {tagged["ServiceId"], other["ServiceId"]} <= ids(
        {"Name": "service-state", "Values": ["Available"]})
    assert ids({"Name": "service-state", "Values": ["Deleted"]}) == set()
    assert tagged["Tags"] == [{"Key": "team", "Value": team}]
    [described] = ec2_a.describe_vpc_endpoint_service_configurations(
        ServiceIds=[tagged["ServiceId"]])["ServiceConfigurations"]
    assert described["Tags"] == [{"Key": "team", "Value": team}]


def test_private_dns_settings_are_applied(localaws):
    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")
    service = provide_service(localaws, acceptance_required=False, allow=["*"],
                              PrivateDnsName="api.example.internal")
    endpoint = consume(localaws, service["ServiceName"], PrivateDnsEnabled=True)["VpcEndpointId"]

    ec2_b.modify_vpc_endpoint(VpcEndpointId=endpoint, PrivateDnsEnabled=False)
    [described] = ec2_b.describe_vpc_endpoints(VpcEndpointIds=[endpoint])["VpcEndpoints"]
    assert described["PrivateDnsEnabled"] is False

    ec2_a.modify_vpc_endpoint_service_configuration(ServiceId=service["ServiceId"],
                                                    RemovePrivateDnsName=True)
    [config] = ec2_a.describe_vpc_endpoint_service_configurations(
        ServiceIds=[service["ServiceId"]])["ServiceConfigurations"]
    assert "PrivateDnsName" not in config


def test_a_private_dns_name_is_pending_verification_with_its_own_txt_record_until_verified(localaws):
    ec2_a = localaws.client("ec2", "crossvpc-a")
    service = provide_service(localaws, allow=["*"], PrivateDnsName="api.example.internal")

    def record():
        [config] = ec2_a.describe_vpc_endpoint_service_configurations(ServiceIds=[service["ServiceId"]])["ServiceConfigurations"]
        [detail] = localaws.client("ec2", "crossvpc-b").describe_vpc_endpoint_services(
            ServiceNames=[service["ServiceName"]])["ServiceDetails"]
        assert detail["PrivateDnsNameVerificationState"] == config["PrivateDnsNameConfiguration"]["State"], (detail, config)
        return config["PrivateDnsNameConfiguration"]

    first = record()
    assert first["State"] == "pendingVerification" and first["Type"] == "TXT", first
    assert first["Name"].startswith("_") and len(first["Name"]) > 10 and first["Value"].startswith("vpce:"), first
    assert record() == first  # one record per name
    ec2_a.modify_vpc_endpoint_service_configuration(ServiceId=service["ServiceId"], PrivateDnsName="api2.example.internal")
    second = record()
    assert second["State"] == "pendingVerification" and second["Value"] != first["Value"], second
    assert ec2_a.start_vpc_endpoint_service_private_dns_verification(ServiceId=service["ServiceId"])["ReturnValue"] is True
    assert record() == dict(second, State="verified")
    plain = provide_service(localaws, allow=["*"])
    assert error_code(ec2_a.start_vpc_endpoint_service_private_dns_verification, ServiceId=plain["ServiceId"]) == "InvalidParameter"
    assert error_code(ec2_a.start_vpc_endpoint_service_private_dns_verification,
                      ServiceId="vpce-svc-0123456789abcdef0") == "InvalidVpcEndpointServiceId.NotFound"


def test_deleted_endpoint_leaves_the_provider_connection_view(localaws):
    service = provide_service(localaws, allow=["*"])
    kept = consume(localaws, service["ServiceName"])["VpcEndpointId"]
    gone = consume(localaws, service["ServiceName"])["VpcEndpointId"]
    localaws.client("ec2", "crossvpc-b").delete_vpc_endpoints(VpcEndpointIds=[gone])
    assert [c["VpcEndpointId"] for c in connections(localaws, service["ServiceId"])] == [kept]


def test_endpoint_dns_name_has_the_aws_shape(localaws):
    """ENDPOINT-RANDOM.SERVICE_ID.REGION.vpce.amazonaws.com, the name consumers call."""
    service = provide_service(localaws, allow=[f"arn:aws:iam::{ACCOUNT_B}:root"])
    endpoint = consume(localaws, service["ServiceName"])
    dns = endpoint["DnsEntries"][0]["DnsName"]
    assert re.fullmatch(r"%s-[a-z0-9]{8}\.%s\.us-east-1\.vpce\.amazonaws\.com" % (
        endpoint["VpcEndpointId"], service["ServiceId"]), dns), dns


def test_permissions_name_each_principal_type_as_aws_does(localaws):
    account, role, user = (f"arn:aws:iam::{ACCOUNT_B}:root", f"arn:aws:iam::{ACCOUNT_B}:role/consumer",
                           f"arn:aws:iam::{ACCOUNT_B}:user/someone")
    expected = {"*": "All", account: "Account", role: "Role", user: "User"}
    service = provide_service(localaws)
    ec2 = localaws.client("ec2", "crossvpc-a")
    added = ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=list(expected))["AddedPrincipals"]
    assert {p["Principal"]: p["PrincipalType"] for p in added} == expected
    allowed = ec2.describe_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"])["AllowedPrincipals"]
    assert {p["Principal"]: p["PrincipalType"] for p in allowed} == expected
    assert {p["ServiceId"] for p in allowed} == {service["ServiceId"]}
    assert all(re.fullmatch(r"vpce-svc-perm-[0-9a-f]{17}", p["ServicePermissionId"]) for p in allowed)
    # The permission keeps its id: the one Modify answered is the one Describe shows.
    assert {p["Principal"]: p["ServicePermissionId"] for p in added} == \
        {p["Principal"]: p["ServicePermissionId"] for p in allowed}
    # AWS's two filters.
    by_type = ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], Filters=[{"Name": "principal-type", "Values": ["Role", "User"]}])
    assert sorted(p["Principal"] for p in by_type["AllowedPrincipals"]) == [role, user]
    by_name = ec2.describe_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], Filters=[{"Name": "principal", "Values": [account]}])
    assert [p["PrincipalType"] for p in by_name["AllowedPrincipals"]] == ["Account"]
    # Adding a principal again keeps its permission; removing one drops it.
    again = ec2.modify_vpc_endpoint_service_permissions(
        ServiceId=service["ServiceId"], AddAllowedPrincipals=[role], RemoveAllowedPrincipals=[user])
    assert [p["ServicePermissionId"] for p in again["AddedPrincipals"]] == \
        [p["ServicePermissionId"] for p in allowed if p["Principal"] == role]
    left = ec2.describe_vpc_endpoint_service_permissions(ServiceId=service["ServiceId"])["AllowedPrincipals"]
    assert sorted(p["Principal"] for p in left) == sorted(["*", account, role])
