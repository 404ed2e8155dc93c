"""The local AWS acts as separate accounts, reached the way real cross-account access works."""

import botocore.exceptions
import pytest

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C


@pytest.mark.parametrize("profile, account", [("crossvpc-a", ACCOUNT_A), ("crossvpc-b", ACCOUNT_B),
                                              ("crossvpc-c", ACCOUNT_C)])
def test_each_profile_is_its_own_account(localaws, profile, account):
    assert localaws.client("sts", profile).get_caller_identity()["Account"] == account
    vpc = localaws.client("ec2", profile).create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == account


def test_accounts_do_not_see_each_others_resources(localaws):
    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")
    vpc_a = ec2_a.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    vpc_b = ec2_b.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ids_a = {v["VpcId"] for v in ec2_a.describe_vpcs()["Vpcs"]}
    ids_b = {v["VpcId"] for v in ec2_b.describe_vpcs()["Vpcs"]}
    assert vpc_a in ids_a and vpc_a not in ids_b
    assert vpc_b in ids_b and vpc_b not in ids_a


def test_account_b_is_reached_by_assuming_a_role_from_a(localaws):
    mark = localaws.control.mark()
    localaws.client("ec2", "crossvpc-b").describe_vpcs()
    calls = localaws.control.calls(mark)
    assert [(c["account"], c["action"]) for c in calls] == [
        (ACCOUNT_A, "AssumeRole"), (ACCOUNT_B, "DescribeVpcs")]


def test_unknown_access_key_is_refused_not_mapped_to_a_default_account(localaws):
    import boto3

    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=localaws.url,
                       aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="x")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        ec2.describe_vpcs()
    assert error.value.response["Error"]["Code"] == "AuthFailure"
    sts = boto3.client("sts", region_name="us-east-1", endpoint_url=localaws.url,
                       aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="x")
    with pytest.raises(botocore.exceptions.ClientError) as error:
        sts.get_caller_identity()
    assert error.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_aws_managed_policies_exist(localaws):
    iam = localaws.client("iam")
    policy = iam.get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")["Policy"]
    assert policy["PolicyName"] == "AmazonEKSClusterPolicy"
