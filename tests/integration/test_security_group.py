"""crossvpc.aws.security_group and crossvpc.aws.vpc_info against the local AWS, read back from AWS and the call log."""

import pytest

MODULE = "crossvpc.aws.security_group"


@pytest.fixture
def net(localaws):
    """A VPC with a clients' group, and the arguments of an endpoint group open on 443 to them and a CIDR."""
    ec2 = localaws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    clients = ec2.create_security_group(VpcId=vpc, GroupName="clients", Description="clients")["GroupId"]
    args = {"name": "svc-endpoint", "description": "endpoint: 443 from its clients", "vpc_id": vpc,
            "ports": [443], "source_security_group_names": ["clients"], "source_cidrs": ["10.30.0.0/24"],
            "egress": "none", "tags": {"Name": "svc-endpoint", "team": "net"}}
    return {"ec2": ec2, "vpc": vpc, "clients": clients, "args": args}


def group_in_aws(net, name="svc-endpoint"):
    """(ingress, egress, tags) of the group as AWS has them, or None."""
    groups = net["ec2"].describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [net["vpc"]]},
                                                          {"Name": "group-name", "Values": [name]}])["SecurityGroups"]
    if not groups:
        return None
    [group] = groups

    def flat(permissions):
        return sorted((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), s.get("CidrIp") or s.get("GroupId"))
                      for p in permissions for s in p.get("IpRanges", []) + p.get("UserIdGroupPairs", []))
    return flat(group["IpPermissions"]), flat(group["IpPermissionsEgress"]), {t["Key"]: t["Value"] for t in group.get("Tags", [])}


def mutating(localaws, mark):
    return [c["action"] for c in localaws.control.calls(mark) if c["mutating"]]


def test_check_mode_plans_and_makes_no_mutating_call(localaws, module, net):
    mark = localaws.control.mark()
    result = module(MODULE, net["args"], check=True, diff=True)
    assert result["changed"] is True and result["group_id"] == "(known after apply)"
    assert result["diff"]["before"] is None
    assert {"protocol": "tcp", "ports": "443", "group": net["clients"]} in result["diff"]["after"]["ingress"]
    assert result["egress"] == []
    assert mutating(localaws, mark) == [] and group_in_aws(net) is None


def test_exactly_the_port_from_the_named_sources_then_a_rerun_is_a_no_op(localaws, module, net):
    first = module(MODULE, net["args"])
    assert first["changed"] is True and first["group_id"].startswith("sg-")
    ingress, egress, tags = group_in_aws(net)
    assert ingress == sorted([("tcp", 443, 443, "10.30.0.0/24"), ("tcp", 443, 443, net["clients"])])
    assert egress == [] and tags == {"Name": "svc-endpoint", "team": "net"}
    mark = localaws.control.mark()
    again = module(MODULE, net["args"])
    assert again["changed"] is False and again["group_id"] == first["group_id"]
    assert mutating(localaws, mark) == []


def test_drift_is_put_back_with_a_diff(localaws, module, net):
    group_id = module(MODULE, net["args"])["group_id"]
    ec2 = net["ec2"]
    # Someone opened 22 to the world and tagged the group by hand.
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.create_tags(Resources=[group_id], Tags=[{"Key": "owner", "Value": "someone"}])
    result = module(MODULE, net["args"], diff=True)
    assert result["changed"] is True
    assert {"protocol": "tcp", "ports": "22", "cidr": "0.0.0.0/0"} in result["diff"]["before"]["ingress"]
    assert {"protocol": "tcp", "ports": "22", "cidr": "0.0.0.0/0"} not in result["diff"]["after"]["ingress"]
    ingress, _egress, tags = group_in_aws(net)
    assert ("tcp", 22, 22, "0.0.0.0/0") not in ingress and len(ingress) == 2 and "owner" not in tags


def test_ports_and_egress_change_in_place(localaws, module, net):
    group_id = module(MODULE, net["args"])["group_id"]
    result = module(MODULE, dict(net["args"], ports=[8443, 9443], source_cidrs=[], egress="all"))
    assert result["changed"] is True and result["group_id"] == group_id
    ingress, egress, _tags = group_in_aws(net)
    assert ingress == [("tcp", 8443, 8443, net["clients"]), ("tcp", 9443, 9443, net["clients"])]
    assert egress == [("-1", None, None, "0.0.0.0/0")]


def test_a_group_left_without_rules_by_a_crash_is_finished(localaws, module, net):
    # What a run killed between CreateSecurityGroup and AuthorizeSecurityGroupIngress leaves.
    net["ec2"].create_security_group(VpcId=net["vpc"], GroupName="svc-endpoint", Description="endpoint: 443 from its clients")
    mark = localaws.control.mark()
    result = module(MODULE, net["args"])
    assert result["changed"] is True
    assert "CreateSecurityGroup" not in mutating(localaws, mark)
    ingress, egress, tags = group_in_aws(net)
    assert len(ingress) == 2 and egress == [] and tags["Name"] == "svc-endpoint"


def test_a_new_description_is_a_warning_not_a_change(localaws, module, net):
    module(MODULE, net["args"])
    mark = localaws.control.mark()
    result = module(MODULE, dict(net["args"], description="something else"))
    assert result["changed"] is False and mutating(localaws, mark) == []
    assert "AWS cannot change a group's description" in " ".join(result.get("warnings", []))


def test_a_port_open_to_every_address_is_made_with_a_warning(localaws, module, net):
    result = module(MODULE, dict(net["args"], source_cidrs=["0.0.0.0/0"], source_security_group_names=[]))
    assert result["changed"] is True and group_in_aws(net)[0] == [("tcp", 443, 443, "0.0.0.0/0")]
    assert ("source_cidrs=['0.0.0.0/0']: 0.0.0.0/0 lets every address that can reach the group's VPC in on ports 443"
            in " ".join(result.get("warnings", []))), result.get("warnings")
    assert not module(MODULE, net["args"]).get("warnings")  # named clients: no warning


def test_absent_deletes_and_a_second_absent_is_a_no_op(localaws, module, net):
    module(MODULE, net["args"])
    absent = {"name": "svc-endpoint", "vpc_id": net["vpc"], "state": "absent"}
    mark = localaws.control.mark()
    assert module(MODULE, absent, check=True)["changed"] is True and mutating(localaws, mark) == []
    assert module(MODULE, absent)["changed"] is True and group_in_aws(net) is None
    mark = localaws.control.mark()
    again = module(MODULE, absent)
    assert again["changed"] is False and not again.get("warnings") and mutating(localaws, mark) == []
    # A VPC id that names nothing removes nothing, and says so (a typo would look like a finished teardown).
    typo = module(MODULE, dict(absent, vpc_id="vpc-0123456789abcdef0"))
    assert typo["changed"] is False and typo["warnings"] == [
        "Nothing to remove: vpc_id='vpc-0123456789abcdef0': no such VPC in this account and region. "
        "Check the id, the account (profile) and the region."]


def test_a_group_still_in_use_is_retried_then_refused_with_the_reason(localaws, module, net):
    # On AWS an endpoint's network interfaces leave a little after the endpoint: DeleteSecurityGroup
    # answers DependencyViolation meanwhile (here from a fault rule, by count).
    module(MODULE, net["args"])
    absent = {"name": "svc-endpoint", "vpc_id": net["vpc"], "state": "absent", "wait_timeout": 3}
    in_use = {"service": "ec2", "action": "DeleteSecurityGroup", "code": "DependencyViolation", "status": 400,
              "message": "resource sg has a dependent object"}
    try:
        localaws.control.add_fault(count=10, **in_use)
        refused = module(MODULE, absent)
        assert refused.get("failed") and "DependencyViolation" in refused["msg"], refused
        assert "still attached to a network interface" in refused["msg"] and group_in_aws(net) is not None
        localaws.control.clear_faults()
        localaws.control.add_fault(count=1, **in_use)
        assert module(MODULE, absent)["changed"] is True and group_in_aws(net) is None
        [rule] = localaws.control.faults()
        assert rule["hits"] == 1
    finally:
        localaws.control.clear_faults()


def test_a_group_a_workload_or_a_rule_uses_is_refused_at_once_naming_them(localaws, module, net):
    """The sixteenth trial's MS09: a group on a workload's network interfaces was retried for 300 s, 23 refused deletes, and
    the message named none of them. Waiting does not end these: the first refusal names them."""
    made = module(MODULE, net["args"])
    subnet = net["ec2"].create_subnet(VpcId=net["vpc"], CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    eni = net["ec2"].create_network_interface(SubnetId=subnet, Groups=[made["group_id"]], Description="orders pod")["NetworkInterface"]
    mark = localaws.control.mark()
    refused = module(MODULE, {"name": "svc-endpoint", "vpc_id": net["vpc"], "state": "absent"})
    assert refused.get("failed") and refused["msg"].startswith(
        f"Security group {made['group_id']} is in use by network interface {eni['NetworkInterfaceId']} (orders pod), which would keep "
        "it whatever the wait"), refused["msg"]
    assert mutating(localaws, mark) == ["DeleteSecurityGroup"] and group_in_aws(net) is not None
    # The clients' group, which the endpoint group's rule names.
    refused = module(MODULE, {"name": "clients", "vpc_id": net["vpc"], "state": "absent"})
    assert f"is in use by the rules of group {made['group_id']} (svc-endpoint)" in refused.get("msg", ""), refused


@pytest.mark.parametrize("check", [True, False], ids=["check-mode", "real"])
def test_a_vpc_of_another_account_is_refused_before_the_group_is_made(localaws, module, net, check):
    vpc_b = localaws.client("ec2", "crossvpc-b").create_vpc(CidrBlock="10.21.0.0/16")["Vpc"]["VpcId"]
    args = dict(net["args"], vpc_id=vpc_b, source_security_group_names=[])
    mark = localaws.control.mark()
    result = module(MODULE, args, check=check)
    assert result.get("failed") and result["msg"].startswith(
        "vpc_id=%r: no such VPC in this account and region." % vpc_b), result
    assert [c["action"] for c in localaws.control.calls(mark)] == ["DescribeSecurityGroups", "DescribeVpcs"]


def test_an_aws_refusal_of_an_input_names_the_option(localaws, module, net):
    """What AWS still refuses (here a fault rule stands in for it) says which option to fix."""
    message = "Value (caf\u00e9) for parameter GroupDescription is invalid. Character sets beyond ASCII are not supported."
    localaws.control.add_fault(service="ec2", action="CreateSecurityGroup", code="InvalidParameterValue",
                               status=400, message=message, count=1)
    try:
        result = module(MODULE, net["args"])
    finally:
        localaws.control.clear_faults()
    assert result.get("failed") and result["error_code"] == "InvalidParameterValue", result
    assert "AWS refused description: InvalidParameterValue: " + message in result["msg"], result["msg"]


def test_an_unknown_source_group_name_fails_before_any_mutating_call(localaws, module, net):
    mark = localaws.control.mark()
    result = module(MODULE, dict(net["args"], source_security_group_names=["clients", "nobody"]))
    assert result.get("failed") and "no security group called nobody" in result["msg"], result
    assert mutating(localaws, mark) == [] and group_in_aws(net) is None


def test_a_refusal_carries_aws_message_naming_the_action(localaws, module, net):
    message = "You are not authorized to perform: ec2:CreateSecurityGroup on resource: *"
    localaws.control.add_fault(service="ec2", action="CreateSecurityGroup", code="UnauthorizedOperation",
                               status=403, message=message, count=5)
    try:
        result = module(MODULE, net["args"])
        [rule] = localaws.control.faults()
    finally:
        localaws.control.clear_faults()
    assert result.get("failed") and result["error_code"] == "UnauthorizedOperation"
    assert message in result["msg"] and rule["hits"] == 1


BAD_INPUTS = [
    ({"ports": [0]}, "ports[0]=0: "),
    ({"ports": [70000]}, "ports[0]=70000: "),
    # not numbers: Ansible's type error in the collection's words, with the fix
    ({"ports": ["https"]}, "ports[0]='https': is not a whole number. Give TCP port numbers such as 443; ranges are not "
                           "supported: list each port."),
    ({"ports": ["8443-8445"]}, "ports[0]='8443-8445': is not a whole number. Give TCP port numbers such as 443; ranges "
                               "are not supported: list each port."),
    # YAML's true (yes, on) is no port: Ansible alone would send AWS true after the group was made
    ({"ports": [True]}, "ports[0]=True: is a boolean, not a whole number. Give TCP port numbers such as 443"),
    ({"source_cidrs": ["10.30.0.1/24"]}, "has host bits set. Use 10.30.0.0/24."),
    ({"source_cidrs": ["ten"]}, "source_cidrs='ten': is not a CIDR block."),
    ({"source_security_group_ids": ["vpc-0123456789abcdef0"]}, "is not a valid sg id"),
    ({"name": "sg-mine"}, "name='sg-mine': is not a valid security group name."),
    ({"vpc_id": "subnet-0123456789abcdef0"}, "vpc_id='subnet-0123456789abcdef0': is not a valid vpc id"),
    ({"source_cidrs": [], "source_security_group_names": []}, "are opened to nobody"),
    ({"ports": []}, "the named sources would be let in nowhere"),
    ({"description": " "}, "description=' ': is required with state=present."),
    # CreateSecurityGroup's limits: 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*
    ({"description": "d" * 256}, "is 256 characters; AWS allows at most 255 in a security group description."),
    ({"description": "the clients' port"}, "has characters AWS does not allow in a security group description: \"'\""),
    ({"name": "endpoint%"}, "name='endpoint%': has characters AWS does not allow in a security group name: '%'"),
    ({"name": "g" * 256}, "is not a valid security group name. Use 1 to 255 characters"),
    ({"tags": {"aws:team": "net"}}, "tags['aws:team']='net': has a key that starts with aws:"),
    ({"tags": {"": "net"}}, "tags['']='net': has an empty key."),
]


@pytest.mark.parametrize("override, message", BAD_INPUTS, ids=[m[:30] for _o, m in BAD_INPUTS])
def test_bad_input_fails_before_any_api_call(localaws, module, net, override, message):
    mark = localaws.control.mark()
    result = module(MODULE, dict(net["args"], **override))
    assert result.get("failed") and message in result["msg"], result.get("msg")
    assert localaws.control.calls(mark) == []


# --- vpc_info ---------------------------------------------------------------------------------------

def test_vpc_info_by_name_and_id_with_live_ranges(localaws, module):
    ec2 = localaws.client("ec2")
    tagged = [{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "info-a"}]}]
    a = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=tagged)["Vpc"]["VpcId"]
    ec2.associate_vpc_cidr_block(VpcId=a, CidrBlock="10.41.0.0/16")
    b = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    mark = localaws.control.mark()
    result = module("crossvpc.aws.vpc_info", {"names": ["info-a"], "vpc_ids": [b, "vpc-0000000000000dead"],
                                              "allow_missing": True}, check=True)
    assert [v["vpc_id"] for v in result["vpcs"]] == sorted([a, b]) and result["changed"] is False
    assert result["missing"] == {"vpc_ids": ["vpc-0000000000000dead"], "names": []}
    found = {v["vpc_id"]: v for v in result["vpcs"]}
    assert found[a]["cidrs"] == ["10.40.0.0/16", "10.41.0.0/16"] and found[a]["name"] == "info-a"
    assert found[b]["owner_id"] == ec2.describe_vpcs(VpcIds=[b])["Vpcs"][0]["OwnerId"]
    assert {c["action"] for c in localaws.control.calls(mark)} <= {"DescribeVpcs", "GetCallerIdentity"}


def test_vpc_info_refusal_names_the_action(localaws, module):
    message = "You are not authorized to perform: ec2:DescribeVpcs"
    localaws.control.add_fault(service="ec2", action="DescribeVpcs", code="UnauthorizedOperation", status=403,
                               message=message, count=5)
    try:
        result = module("crossvpc.aws.vpc_info", {"names": ["info-a"]})
    finally:
        localaws.control.clear_faults()
    assert result.get("failed") and message in result["msg"], result


def test_vpc_info_refuses_an_id_of_the_wrong_kind_before_any_call(localaws, module):
    mark = localaws.control.mark()
    result = module("crossvpc.aws.vpc_info", {"vpc_ids": ["subnet-0123456789abcdef0"]})
    assert result.get("failed") and "vpc_ids" in result["msg"] and localaws.control.calls(mark) == []


def test_the_default_group_and_a_source_group_of_an_unpeered_vpc_are_refused_before_any_change(localaws, module, net):
    """The VPC's default group is AWS's (its rules would be replaced); a group of a VPC neither this one nor peered with it
    is one AWS refuses a rule naming, after the group was made."""
    elsewhere = net["ec2"].create_vpc(CidrBlock="10.21.0.0/16")["Vpc"]["VpcId"]
    foreign = net["ec2"].create_security_group(VpcId=elsewhere, GroupName="far", Description="far")["GroupId"]
    mark = localaws.control.mark()
    default = module(MODULE, dict(net["args"], name="default"))
    assert default["failed"] and default["msg"].startswith("name='default': is the VPC's default group")
    unpeered = module(MODULE, dict(net["args"], source_security_group_names=[], source_security_group_ids=[foreign]))
    assert unpeered["failed"] and unpeered["msg"].startswith(f"source_security_group_ids='{foreign}': is a group of {elsewhere}, which "
                                                             f"is neither {net['vpc']} nor peered with it")
    assert mutating(localaws, mark) == [] and group_in_aws(net) is None
