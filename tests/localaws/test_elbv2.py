"""ELBv2 load balancers: created idempotently by name, with ARNs that name their type."""

import uuid

import botocore.exceptions
import pytest


def new_subnet(localaws):
    ec2 = localaws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    return vpc, ec2.create_subnet(VpcId=vpc, CidrBlock="10.30.1.0/24")["Subnet"]["SubnetId"]


def test_create_load_balancer_with_an_existing_name_returns_it(localaws):
    elbv2 = localaws.client("elbv2")
    _vpc, subnet = new_subnet(localaws)
    name = f"nlb-{uuid.uuid4().hex[:10]}"

    def create(**settings):
        return elbv2.create_load_balancer(Name=name, Subnets=[subnet], **settings)[
            "LoadBalancers"][0]["LoadBalancerArn"]

    first = create(Type="network", Scheme="internal")
    assert create(Type="network", Scheme="internal") == first
    [lb] = elbv2.describe_load_balancers(Names=[name])["LoadBalancers"]
    assert lb["LoadBalancerArn"] == first
    with pytest.raises(botocore.exceptions.ClientError) as error:
        create(Type="network", Scheme="internet-facing")
    assert error.value.response["Error"]["Code"] == "DuplicateLoadBalancerName"


def test_network_load_balancer_arns_name_their_type(localaws):
    elbv2 = localaws.client("elbv2")
    vpc, subnet = new_subnet(localaws)
    name = f"nlb-{uuid.uuid4().hex[:10]}"
    arn = elbv2.create_load_balancer(Name=name, Subnets=[subnet], Type="network",
                                     Scheme="internal", Tags=[{"Key": "team", "Value": "x"}])[
        "LoadBalancers"][0]["LoadBalancerArn"]
    assert ":loadbalancer/net/" in arn
    [tags] = elbv2.describe_tags(ResourceArns=[arn])["TagDescriptions"]
    assert tags["Tags"] == [{"Key": "team", "Value": "x"}]
    group = elbv2.create_target_group(Name=name, Protocol="TCP", Port=443, VpcId=vpc)[
        "TargetGroups"][0]["TargetGroupArn"]
    listener = elbv2.create_listener(LoadBalancerArn=arn, Protocol="TCP", Port=443,
                                     DefaultActions=[{"Type": "forward", "TargetGroupArn": group}])[
        "Listeners"][0]
    assert ":listener/net/" in listener["ListenerArn"]
