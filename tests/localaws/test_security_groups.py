"""Security groups as AWS keeps them: a group in use cannot be deleted, and a rule may name a
group of another VPC (another account's included) only across an active VPC peering."""

import itertools
import uuid

import botocore.exceptions
import pytest

from localaws import ACCOUNT_A, ACCOUNT_B

# A /16 per VPC, from a part of 10.0.0.0/8 the other localaws tests leave alone (peering needs
# the two sides not to overlap).
BLOCKS = itertools.count(200)
IN_USE = "DependencyViolation"
OTHER_NETWORK = ("InvalidGroup.NotFound", "You have specified two resources that belong to different networks.")


def refused(call, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as error:
        call(**kwargs)
    response = error.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def vpc_and_subnet(ec2):
    block = next(BLOCKS)
    vpc = ec2.create_vpc(CidrBlock=f"10.{block}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{block}.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    return vpc, subnet


def new_group(ec2, vpc):
    name = f"sg-test-{uuid.uuid4().hex[:8]}"
    return ec2.create_security_group(VpcId=vpc, GroupName=name, Description=name)["GroupId"]


def from_group(group_id, user_id=None, **extra):
    pair = dict({"GroupId": group_id}, **extra)
    if user_id:
        pair["UserId"] = user_id
    return [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [pair]}]


def gone(ec2, group_id):
    try:
        ec2.describe_security_groups(GroupIds=[group_id])
    except botocore.exceptions.ClientError as error:
        return error.response["Error"]["Code"] == "InvalidGroup.NotFound"
    return False


def peered(localaws, vpc_a, vpc_b):
    pcx = localaws.client("ec2", "crossvpc-a").create_vpc_peering_connection(
        VpcId=vpc_a, PeerVpcId=vpc_b, PeerOwnerId=ACCOUNT_B)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    localaws.client("ec2", "crossvpc-b").accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    return pcx


def test_a_group_another_group_references_is_not_deleted(localaws):
    ec2 = localaws.client("ec2", "crossvpc-a")
    vpc, _subnet = vpc_and_subnet(ec2)
    source, target = new_group(ec2, vpc), new_group(ec2, vpc)
    ec2.authorize_security_group_ingress(GroupId=target, IpPermissions=from_group(source))
    # A group's reference to itself does not hold it.
    ec2.authorize_security_group_egress(GroupId=target, IpPermissions=from_group(target))
    assert refused(ec2.delete_security_group, GroupId=source) == (
        IN_USE, f"resource {source} has a dependent object", 400)
    assert not gone(ec2, source)
    ec2.revoke_security_group_ingress(GroupId=target, IpPermissions=from_group(source))
    ec2.delete_security_group(GroupId=source)
    assert gone(ec2, source)
    ec2.delete_security_group(GroupId=target)
    assert gone(ec2, target)


def test_a_group_of_an_interface_endpoint_or_network_interface_is_not_deleted(localaws):
    ec2 = localaws.client("ec2", "crossvpc-a")
    vpc, subnet = vpc_and_subnet(ec2)
    of_endpoint, of_interface = new_group(ec2, vpc), new_group(ec2, vpc)
    endpoint = ec2.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, SubnetIds=[subnet],
                                       ServiceName="com.amazonaws.us-east-1.ecr.api",
                                       SecurityGroupIds=[of_endpoint])["VpcEndpoint"]["VpcEndpointId"]
    interface = ec2.create_network_interface(SubnetId=subnet, Groups=[of_interface])["NetworkInterface"]
    for group in (of_endpoint, of_interface):
        assert refused(ec2.delete_security_group, GroupId=group)[0] == IN_USE
    ec2.delete_vpc_endpoints(VpcEndpointIds=[endpoint])
    ec2.delete_network_interface(NetworkInterfaceId=interface["NetworkInterfaceId"])
    for group in (of_endpoint, of_interface):
        ec2.delete_security_group(GroupId=group)
        assert gone(ec2, group)


def test_a_rule_names_another_vpcs_group_only_across_an_active_peering(localaws):
    ec2_a, ec2_b = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b")
    vpc_a = vpc_and_subnet(ec2_a)[0]
    vpc_b = vpc_and_subnet(ec2_b)[0]
    group_a, group_b = new_group(ec2_a, vpc_a), new_group(ec2_b, vpc_b)
    other_vpc_a = vpc_and_subnet(ec2_a)[0]
    unpeered_a = new_group(ec2_a, other_vpc_a)

    # Not peered: another account's group, or another VPC's of the same account, is another network.
    assert refused(ec2_b.authorize_security_group_ingress, GroupId=group_b,
                   IpPermissions=from_group(group_a, ACCOUNT_A))[:2] == OTHER_NETWORK
    assert refused(ec2_a.authorize_security_group_ingress, GroupId=group_a,
                   IpPermissions=from_group(unpeered_a))[:2] == OTHER_NETWORK
    # A group that does not exist in the account named is not found.
    code, message, _status = refused(ec2_b.authorize_security_group_ingress, GroupId=group_b,
                                     IpPermissions=from_group("sg-0123456789abcdef0", ACCOUNT_A))
    assert (code, message) == ("InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist")

    pcx = peered(localaws, vpc_a, vpc_b)
    ec2_b.authorize_security_group_ingress(GroupId=group_b, IpPermissions=from_group(
        group_a, ACCOUNT_A, VpcPeeringConnectionId=pcx))
    [permission] = ec2_b.describe_security_groups(GroupIds=[group_b])["SecurityGroups"][0]["IpPermissions"]
    [pair] = permission["UserIdGroupPairs"]
    assert (pair["GroupId"], pair["UserId"]) == (group_a, ACCOUNT_A)
    # Still across the peering: the other VPC of A is not peered with B's.
    assert refused(ec2_b.authorize_security_group_ingress, GroupId=group_b,
                   IpPermissions=from_group(unpeered_a, ACCOUNT_A))[:2] == OTHER_NETWORK

    # The owner cannot delete its group while B's rule references it; once revoked, it can.
    assert refused(ec2_a.delete_security_group, GroupId=group_a)[0] == IN_USE
    ec2_b.revoke_security_group_ingress(GroupId=group_b, IpPermissions=from_group(group_a, ACCOUNT_A))
    assert ec2_b.describe_security_groups(GroupIds=[group_b])["SecurityGroups"][0]["IpPermissions"] == []
    ec2_a.delete_security_group(GroupId=group_a)
    assert gone(ec2_a, group_a)
