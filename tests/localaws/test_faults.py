"""Fault rules make named calls fail the way AWS fails, so retry logic can be tested for real."""

import botocore.config
import botocore.exceptions
import pytest

from localaws import ACCOUNT_B

NO_RETRY = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})


@pytest.fixture(autouse=True)
def no_faults_left(localaws):
    yield
    localaws.control.clear_faults()


def ec2(localaws, profile="crossvpc-a", config=NO_RETRY):
    return localaws.session(profile).client("ec2", endpoint_url=localaws.url, config=config)


def test_throttle_for_a_count_of_calls_then_recover(localaws):
    localaws.control.add_fault(kind="throttle", service="ec2", action="DescribeVpcs", count=2)
    client = ec2(localaws)
    for _attempt in range(2):
        with pytest.raises(botocore.exceptions.ClientError) as error:
            client.describe_vpcs()
        assert error.value.response["Error"]["Code"] == "RequestLimitExceeded"
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    client.describe_vpcs()
    assert localaws.control.faults()[0]["hits"] == 2


def test_botocore_retries_a_throttled_call_and_succeeds(localaws):
    localaws.control.add_fault(kind="throttle", service="ec2", action="DescribeSubnets", count=2)
    mark = localaws.control.mark()
    client = ec2(localaws, config=botocore.config.Config(retries={"total_max_attempts": 5,
                                                                  "mode": "standard"}))
    client.describe_subnets()
    calls = [c for c in localaws.control.calls(mark) if c["action"] == "DescribeSubnets"]
    assert [c["status"] for c in calls] == [503, 503, 200]
    assert [bool(c["fault"]) for c in calls] == [True, True, False]


def test_a_rule_after_an_action_sleeps_until_that_call_then_fails_its_count(localaws):
    localaws.control.add_fault(kind="throttle", service="ec2", action="DescribeVpcs", count=2, after="CreateVpc")
    client = ec2(localaws)
    client.describe_vpcs()
    client.describe_vpcs()
    vpc = client.create_vpc(CidrBlock="10.250.0.0/16")["Vpc"]["VpcId"]
    try:
        for _attempt in range(2):
            with pytest.raises(botocore.exceptions.ClientError):
                client.describe_vpcs()
        client.describe_vpcs()
    finally:
        client.delete_vpc(VpcId=vpc)
    assert localaws.control.faults()[0]["hits"] == 2


def test_server_errors_in_the_services_own_wire_format(localaws):
    localaws.control.add_fault(kind="server", service="elbv2", action="*", count=1)
    elb = localaws.session().client("elbv2", endpoint_url=localaws.url, config=NO_RETRY)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        elb.describe_load_balancers()
    assert error.value.response["Error"]["Code"] == "InternalFailure"
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_json_protocol_services_get_json_errors(localaws):
    localaws.control.add_fault(kind="throttle", service="ram", action="GetResourceShares", count=1)
    ram = localaws.session().client("ram", endpoint_url=localaws.url, config=NO_RETRY)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ram.get_resource_shares(resourceOwner="SELF")
    assert error.value.response["Error"]["Code"] == "ThrottlingException"


def test_rule_limited_to_one_account(localaws):
    localaws.control.add_fault(kind="throttle", service="ec2", action="*", account=ACCOUNT_B, count=5)
    ec2(localaws, "crossvpc-a").describe_vpcs()
    with pytest.raises(botocore.exceptions.ClientError):
        ec2(localaws, "crossvpc-b").describe_vpcs()


def test_share_of_calls_fails_at_about_the_rate_asked(localaws):
    localaws.control.add_fault(kind="throttle", service="ec2", action="DescribeVpcs", rate=0.3,
                               seed=7)
    client = ec2(localaws)
    failures = 0
    for _attempt in range(200):
        try:
            client.describe_vpcs()
        except botocore.exceptions.ClientError:
            failures += 1
    assert 35 <= failures <= 85


def test_custom_error_code(localaws):
    localaws.control.add_fault(service="ec2", action="CreateVpc", code="UnauthorizedOperation",
                               status=403, count=1)
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ec2(localaws).create_vpc(CidrBlock="10.0.0.0/16")
    assert error.value.response["Error"]["Code"] == "UnauthorizedOperation"


def test_bad_rule_is_refused(localaws):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as error:
        localaws.control.add_fault(kind="nonsense", service="ec2")
    assert error.value.code == 400
