"""DryRun on EC2, as AWS answers it: DryRunOperation (HTTP 412) when the call would be allowed,
UnauthorizedOperation when it would not, and nothing made, changed or deleted either way."""

import json
import uuid

import boto3
import botocore.exceptions
import pytest

from localaws import ACCOUNT_B

DRY_RUN = ("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)


def answer(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call(DryRun=True, **kwargs)
    response = error.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def vpcs_with(ec2, cidr):
    return ec2.describe_vpcs(Filters=[{"Name": "cidr-block", "Values": [cidr]}])["Vpcs"]


def test_a_dry_run_creates_nothing(localaws):
    ec2 = localaws.client("ec2", "crossvpc-a")
    assert answer(ec2.create_vpc, CidrBlock="10.241.0.0/16") == DRY_RUN
    assert vpcs_with(ec2, "10.241.0.0/16") == []
    vpc = ec2.create_vpc(CidrBlock="10.241.0.0/16")["Vpc"]["VpcId"]
    peer = localaws.client("ec2", "crossvpc-b").create_vpc(CidrBlock="10.242.0.0/16")["Vpc"]["VpcId"]
    in_vpc = [{"Name": "vpc-id", "Values": [vpc]}]
    made = {"subnets": (ec2.describe_subnets, "Subnets"),
            "groups": (ec2.describe_security_groups, "SecurityGroups"),
            "peerings": (ec2.describe_vpc_peering_connections, "VpcPeeringConnections"),
            "gateways": (ec2.describe_transit_gateways, "TransitGateways")}
    before = {kind: describe(**({} if kind in ("peerings", "gateways") else {"Filters": in_vpc}))[key]
              for kind, (describe, key) in made.items()}

    assert answer(ec2.create_subnet, VpcId=vpc, CidrBlock="10.241.1.0/24") == DRY_RUN
    assert answer(ec2.create_security_group, VpcId=vpc, GroupName="dry", Description="dry") == DRY_RUN
    assert answer(ec2.create_vpc_peering_connection, VpcId=vpc, PeerVpcId=peer, PeerOwnerId=ACCOUNT_B) == DRY_RUN
    assert answer(ec2.create_transit_gateway, Description="dry") == DRY_RUN
    after = {kind: describe(**({} if kind in ("peerings", "gateways") else {"Filters": in_vpc}))[key]
             for kind, (describe, key) in made.items()}
    assert after == before


def test_a_dry_run_changes_and_deletes_nothing(localaws):
    ec2 = localaws.client("ec2", "crossvpc-a")
    vpc = ec2.create_vpc(CidrBlock="10.243.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(VpcId=vpc, GroupName="kept", Description="kept")["GroupId"]
    rule = [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]

    assert answer(ec2.create_tags, Resources=[vpc], Tags=[{"Key": "Name", "Value": "dry"}]) == DRY_RUN
    assert answer(ec2.authorize_security_group_ingress, GroupId=group, IpPermissions=rule) == DRY_RUN
    assert answer(ec2.delete_security_group, GroupId=group) == DRY_RUN
    assert answer(ec2.delete_vpc, VpcId=vpc) == DRY_RUN

    [described] = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"]
    assert "Tags" not in described or described["Tags"] == []
    [kept] = ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"]
    assert kept["IpPermissions"] == []


def test_a_read_with_dry_run_is_a_dry_run_too(localaws):
    ec2 = localaws.client("ec2", "crossvpc-b")
    assert answer(ec2.describe_vpcs) == DRY_RUN
    assert answer(ec2.describe_security_groups) == DRY_RUN
    # Without the flag, or with it false, the call is made.
    assert ec2.describe_vpcs(DryRun=False)["Vpcs"]


@pytest.fixture
def enforcing(localaws):
    localaws.control.enforce_iam(True)
    yield localaws
    localaws.control.enforce_iam(False)


def test_a_dry_run_the_caller_may_not_make_is_unauthorized(enforcing):
    iam = enforcing.client("iam", "crossvpc-a")
    name = f"dry-{uuid.uuid4().hex[:8]}"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ec2:CreateVpc"], "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    ec2 = boto3.client("ec2", region_name="us-east-1", endpoint_url=enforcing.url,
                       aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
    assert answer(ec2.create_vpc, CidrBlock="10.244.0.0/16") == DRY_RUN
    code, message, status = answer(ec2.describe_vpcs)
    assert (code, status) == ("UnauthorizedOperation", 403)
    assert "is not authorized to perform: ec2:DescribeVpcs" in message
    assert answer(ec2.create_subnet, VpcId="vpc-12345678", CidrBlock="10.244.1.0/24")[0] == "UnauthorizedOperation"
    assert vpcs_with(enforcing.client("ec2", "crossvpc-a"), "10.244.0.0/16") == []
