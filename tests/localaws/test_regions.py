"""A request signed for a region that does not exist gets AWS's own error, in the service's protocol.

It used to reach moto, which has no backend for such a region, and came back as an HTTP 500 HTML
page that botocore could not parse.
"""

import boto3
import botocore.config
import botocore.exceptions
import pytest

from localaws import ACCOUNT_A
from localaws.iam import ACCOUNT_A_KEY_ID, ACCOUNT_A_SECRET
from localaws.regions import known_regions

NO_RETRY = botocore.config.Config(retries={"total_max_attempts": 1, "mode": "standard"})

# (service, call, error code, HTTP status) per protocol: EC2, query, JSON and rest-JSON.
REFUSALS = [
    ("ec2", lambda c: c.describe_vpcs(), "AuthFailure", 401),
    ("elbv2", lambda c: c.describe_load_balancers(), "SignatureDoesNotMatch", 403),
    ("sts", lambda c: c.get_caller_identity(), "SignatureDoesNotMatch", 403),
    ("iam", lambda c: c.list_roles(), "SignatureDoesNotMatch", 403),
    ("ecs", lambda c: c.list_clusters(), "InvalidSignatureException", 400),
    ("ram", lambda c: c.get_resource_shares(resourceOwner="SELF"), "InvalidSignatureException", 403),
]


def client(localaws, service, region):
    return localaws.session(region=region).client(service, endpoint_url=localaws.url, config=NO_RETRY)


def test_known_regions_come_from_botocore_for_every_partition():
    regions = known_regions()
    assert {"us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"} <= regions
    assert not {"xx-fake-1", "us-east-9", "aws-global", "us-east-1a"} & regions


@pytest.mark.parametrize("service, call, code, status", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_unknown_region_gets_the_aws_error_of_the_protocol(localaws, service, call, code, status):
    mark = localaws.control.mark()
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call(client(localaws, service, "xx-fake-1"))
    response = error.value.response
    assert response["Error"]["Code"] == code
    assert "Credential should be scoped to a valid region, not 'xx-fake-1'." in response["Error"]["Message"]
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    [call_entry] = localaws.control.calls(mark)
    assert (call_entry["service"], call_entry["region"], call_entry["status"], call_entry["error"]) == (
        service, "xx-fake-1", status, code)


def test_ec2_keeps_its_own_words_and_a_near_miss_region_is_refused_too(localaws):
    mark = localaws.control.mark()
    with pytest.raises(botocore.exceptions.ClientError) as error:
        client(localaws, "ec2", "us-east-9").create_vpc(CidrBlock="10.7.0.0/16")
    message = error.value.response["Error"]["Message"]
    assert message.startswith("AWS was not able to validate the provided access credentials")
    assert "'us-east-9'" in message
    [call] = localaws.control.calls(mark)
    assert (call["action"], call["mutating"], call["status"], call["error"]) == ("CreateVpc", True, 401, "AuthFailure")


def test_the_region_is_checked_before_the_key(localaws):
    unknown_key = boto3.client("sts", region_name="xx-fake-1", endpoint_url=localaws.url, config=NO_RETRY,
                               aws_access_key_id="AKIAUNKNOWNKEY000000", aws_secret_access_key="x")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        unknown_key.get_caller_identity()
    assert error.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    valid_region = boto3.client("sts", region_name="us-east-1", endpoint_url=localaws.url, config=NO_RETRY,
                                aws_access_key_id="AKIAUNKNOWNKEY000000", aws_secret_access_key="x")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        valid_region.get_caller_identity()
    assert error.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_known_regions_still_work_and_global_services_answer_in_any_of_them(localaws):
    assert client(localaws, "ec2", "eu-west-1").describe_vpcs()["Vpcs"]
    assert "LoadBalancers" in client(localaws, "elbv2", "ap-southeast-2").describe_load_balancers()
    assert "clusterArns" in client(localaws, "ecs", "us-west-2").list_clusters()
    assert "resourceShares" in client(localaws, "ram", "eu-west-1").get_resource_shares(resourceOwner="SELF")
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=localaws.url, config=NO_RETRY,
                       aws_access_key_id=ACCOUNT_A_KEY_ID, aws_secret_access_key=ACCOUNT_A_SECRET)
    assert sts.get_caller_identity()["Account"] == ACCOUNT_A
    assert client(localaws, "sts", "ap-southeast-2").get_caller_identity()["Account"] == ACCOUNT_A
    assert "Roles" in client(localaws, "iam", "eu-west-1").list_roles()
