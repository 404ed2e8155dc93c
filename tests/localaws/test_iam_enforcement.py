"""IAM enforcement: principals made in the local AWS are held to their policies; the lab's admins are not."""

import json
import uuid

import boto3
import botocore.exceptions
import pytest

from localaws import ACCOUNT_A, ACCOUNT_B

TRUST_A = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_A}:root"}, "Action": "sts:AssumeRole"}]}


def allow(*actions, deny=()):
    statements = [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}]
    if deny:
        statements.append({"Effect": "Deny", "Action": list(deny), "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def enforcing(localaws):
    localaws.control.enforce_iam(True)
    yield localaws
    localaws.control.enforce_iam(False)


def client(localaws, service, credentials):
    return boto3.client(service, region_name="us-east-1", endpoint_url=localaws.url, **credentials)


def user(localaws, policy, profile="crossvpc-a"):
    """An IAM user with an inline policy, in the profile's account; its key as client arguments."""
    iam = localaws.client("iam", profile)
    user_name = name("least-user")
    iam.create_user(UserName=user_name)
    iam.put_user_policy(UserName=user_name, PolicyName="p", PolicyDocument=policy)
    key = iam.create_access_key(UserName=user_name)["AccessKey"]
    return user_name, {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}


def role(localaws, policy, profile="crossvpc-b", trust=None):
    trust = trust or TRUST_A
    iam = localaws.client("iam", profile)
    role_name = name("least-role")
    arn = iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(RoleName=role_name, PolicyName="p", PolicyDocument=policy)
    return role_name, arn


def assume(localaws, arn, profile="crossvpc-a"):
    credentials = localaws.client("sts", profile).assume_role(RoleArn=arn, RoleSessionName="least")["Credentials"]
    return {"aws_access_key_id": credentials["AccessKeyId"], "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"]}


def refused(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call(**kwargs)
    return error.value.response


def test_a_user_may_do_what_its_policy_allows_and_is_refused_the_rest_as_ec2_refuses(enforcing):
    user_name, key = user(enforcing, allow("ec2:DescribeVpcs"))
    ec2 = client(enforcing, "ec2", key)
    assert ec2.describe_vpcs()["Vpcs"] is not None
    answer = refused(ec2.create_vpc, CidrBlock="10.9.0.0/16")
    assert answer["Error"]["Code"] == "UnauthorizedOperation"
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert answer["Error"]["Message"] == (
        f"You are not authorized to perform this operation. User: arn:aws:iam::{ACCOUNT_A}:user/{user_name} "
        "is not authorized to perform: ec2:CreateVpc because no identity-based policy allows the ec2:CreateVpc action")
    # The refusal is in the call log as AWS's code, and in the decision log with the IAM action.
    assert enforcing.control.calls(enforcing.control.mark() - 1)[0]["error"] == "UnauthorizedOperation"
    assert [(d["action"], d["decision"]) for d in enforcing.control.iam_decisions()
            if d["principal"].endswith(f"user/{user_name}")] == [("ec2:DescribeVpcs", "allow"), ("ec2:CreateVpc", "deny")]


def test_the_lab_admins_are_never_restricted(enforcing):
    for profile in ("crossvpc-a", "crossvpc-b"):
        ec2 = enforcing.client("ec2", profile)
        vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        ec2.delete_vpc(VpcId=vpc)
        assert enforcing.client("elbv2", profile).describe_load_balancers()["LoadBalancers"] is not None


def test_enforcement_is_off_until_switched_on(localaws):
    assert localaws.control.iam_enforced() is False
    _user_name, key = user(localaws, allow("ec2:DescribeVpcs"))
    vpc = client(localaws, "ec2", key).create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    localaws.client("ec2").delete_vpc(VpcId=vpc)


def test_each_account_holds_its_own_users_to_their_own_policies(enforcing):
    user_b, key_b = user(enforcing, allow("ec2:CreateVpc", "ec2:DeleteVpc"), profile="crossvpc-b")
    _user_a, key_a = user(enforcing, allow("ec2:DescribeVpcs"))
    ec2_b = client(enforcing, "ec2", key_b)
    vpc = ec2_b.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == ACCOUNT_B
    answer = refused(ec2_b.describe_vpcs)
    assert f"User: arn:aws:iam::{ACCOUNT_B}:user/{user_b} is not authorized to perform: ec2:DescribeVpcs " \
        in answer["Error"]["Message"]
    assert refused(client(enforcing, "ec2", key_a).create_vpc, CidrBlock="10.9.0.0/16")["Error"]["Code"] == \
        "UnauthorizedOperation"
    ec2_b.delete_vpc(VpcId=vpc["VpcId"])


def test_a_role_assumed_across_accounts_is_held_to_its_policy_in_every_service(enforcing):
    role_name, arn = role(enforcing, allow("ec2:CreateVpc", "ec2:DeleteVpc", "elasticloadbalancing:Describe*"))
    session = assume(enforcing, arn)
    principal = f"arn:aws:sts::{ACCOUNT_B}:assumed-role/{role_name}/least"
    assert client(enforcing, "sts", session).get_caller_identity()["Arn"] == principal  # always allowed
    ec2 = client(enforcing, "ec2", session)
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]
    assert vpc["OwnerId"] == ACCOUNT_B
    answer = refused(ec2.create_subnet, VpcId=vpc["VpcId"], CidrBlock="10.9.1.0/24")
    assert answer["Error"]["Code"] == "UnauthorizedOperation"
    assert f"User: {principal} is not authorized to perform: ec2:CreateSubnet " in answer["Error"]["Message"]

    elbv2 = client(enforcing, "elbv2", session)
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []  # wildcard action
    answer = refused(elbv2.create_load_balancer, Name="least", Type="network")
    assert (answer["Error"]["Code"], answer["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDenied", 403)
    assert "not authorized to perform: elasticloadbalancing:CreateLoadBalancer " in answer["Error"]["Message"]

    answer = refused(client(enforcing, "ram", session).get_resource_shares, resourceOwner="SELF")
    assert answer["Error"]["Code"] == "AccessDeniedException"
    assert f"User: {principal} is not authorized to perform: ram:GetResourceShares " in answer["Error"]["Message"]
    ec2.delete_vpc(VpcId=vpc["VpcId"])


def test_an_explicit_deny_wins_over_an_allow(enforcing):
    _role_name, arn = role(enforcing, allow("ec2:*", deny=["ec2:DeleteVpc"]))
    ec2 = client(enforcing, "ec2", assume(enforcing, arn))
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    answer = refused(ec2.delete_vpc, VpcId=vpc)
    assert answer["Error"]["Code"] == "UnauthorizedOperation"
    assert "perform: ec2:DeleteVpc with an explicit deny in an identity-based policy" in answer["Error"]["Message"]
    enforcing.client("ec2", "crossvpc-b").delete_vpc(VpcId=vpc)


def test_tags_on_create_need_the_tagging_action_too(enforcing):
    _role_name, arn = role(enforcing, allow("ec2:CreateVpc", "ec2:DeleteVpc"))
    ec2 = client(enforcing, "ec2", assume(enforcing, arn))
    tagged = {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "least"}]}
    answer = refused(ec2.create_vpc, CidrBlock="10.9.0.0/16", TagSpecifications=[tagged])
    assert "is not authorized to perform: ec2:CreateTags " in answer["Error"]["Message"]
    ec2.delete_vpc(VpcId=ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"])  # untagged: no CreateTags


def test_assuming_a_role_needs_its_trust_policy_to_name_the_caller(enforcing):
    trust_c = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::333333333333:root"}, "Action": "sts:AssumeRole"}]}
    _role_name, arn = role(enforcing, allow("ec2:*"), trust=trust_c)
    answer = refused(enforcing.client("sts").assume_role, RoleArn=arn, RoleSessionName="least")
    assert answer["Error"]["Code"] == "AccessDenied"
    assert f"is not authorized to perform: sts:AssumeRole on resource: {arn}" in answer["Error"]["Message"]
    missing = f"arn:aws:iam::{ACCOUNT_B}:role/{name('no-such-role')}"
    answer = refused(enforcing.client("sts").assume_role, RoleArn=missing, RoleSessionName="least")
    assert answer["Error"]["Code"] == "AccessDenied"

    # A restricted user needs sts:AssumeRole in its own policy as well as the role's trust.
    _user_name, key = user(enforcing, allow("ec2:DescribeVpcs"))
    _role_name, trusted = role(enforcing, allow("ec2:*"))
    answer = refused(client(enforcing, "sts", key).assume_role, RoleArn=trusted, RoleSessionName="least")
    assert "is not authorized to perform: sts:AssumeRole " in answer["Error"]["Message"]


def test_a_policy_change_applies_to_the_next_call(enforcing):
    role_name, arn = role(enforcing, allow("ec2:DescribeVpcs"))
    ec2 = client(enforcing, "ec2", assume(enforcing, arn))
    ec2.describe_vpcs()
    enforcing.client("iam", "crossvpc-b").put_role_policy(RoleName=role_name, PolicyName="p",
                                                          PolicyDocument=allow("ec2:DescribeSubnets"))
    assert refused(ec2.describe_vpcs)["Error"]["Code"] == "UnauthorizedOperation"
    ec2.describe_subnets()
