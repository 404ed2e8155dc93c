"""The inventory plugin crossvpc.aws.vpcs on the local AWS: two accounts (and one whose role cannot be assumed), two
regions, what each host holds read back from AWS, constructed groups and variables, and the cache. connect.yml runs
from it in tests/integration/test_connect_playbook.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO

TAGGED = [{"Name": "tag-key", "Values": ["Name"]}]  # the lab's VPCs and this test's, not the default ones


def inventory(localaws, path, config, *args):
    """ansible-inventory --list of one source, with this AWS config: (its JSON, what it warned)."""
    run = subprocess.run([str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(path), "--list", *args], cwd=REPO,
                         env=dict(os.environ, **dict(localaws.env, AWS_CONFIG_FILE=str(config)), ANSIBLE_CONFIG=str(REPO / "ansible.cfg")),
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    # What the plugin read from AWS comes out marked unsafe (never templated): {"__ansible_unsafe": value}.
    return json.loads(run.stdout, object_hook=lambda d: d["__ansible_unsafe"] if list(d) == ["__ansible_unsafe"] else d), run.stderr


def described(localaws, profile, region):
    """The named VPCs of an account and region as the plugin lists them, read here with boto3."""
    ec2 = localaws.client("ec2", profile, region)
    vpcs = ec2.describe_vpcs(Filters=TAGGED)["Vpcs"]
    subnets = ec2.describe_subnets()["Subnets"]
    return {v["VpcId"]: {"cidrs": [v["CidrBlock"]], "subnets": sorted(s["SubnetId"] for s in subnets if s["VpcId"] == v["VpcId"])}
            for v in vpcs}


def test_one_host_per_account_and_region_with_its_vpcs_and_an_account_that_fails_left_out(localaws, bare_lab, tmp_path):
    ec2_a, west = localaws.client("ec2", "crossvpc-a"), localaws.client("ec2", "crossvpc-b", "us-west-2")
    vpc = west.create_vpc(CidrBlock="10.80.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [
        {"Key": "Name", "Value": "west"}, {"Key": "crossvpc:connect", "Value": "edge"}, {"Key": "crossvpc:clients", "Value": "west-a, west-b"},
        {"Key": "crossvpc:service-targets", "Value": "10.80.1.10"}]}])["Vpc"]["VpcId"]
    for n, zone in ((1, "a"), (2, "b"), (3, "b")):
        west.create_subnet(VpcId=vpc, CidrBlock=f"10.80.{n}.0/24", AvailabilityZone=f"us-west-2{zone}",
                           TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": f"west-{n}"}]}])
    # Tagged for connect.yml without a Name: connect.yml could not find it (the eleventh trial's iv20 dropped such a VPC).
    unnamed = west.create_subnet(VpcId=vpc, CidrBlock="10.80.4.0/24", AvailabilityZone="us-west-2a", TagSpecifications=[
        {"ResourceType": "subnet", "Tags": [{"Key": "crossvpc:connect", "Value": "true"}]}])["Subnet"]["SubnetId"]
    [lab_a] = ec2_a.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["crossvpc-lab-a"]}])["Vpcs"]
    tgw = ec2_a.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    lab_a_subnets = [s["SubnetId"] for s in ec2_a.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [lab_a["VpcId"]]}])["Subnets"]]
    attachment = ec2_a.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=lab_a["VpcId"], SubnetIds=lab_a_subnets[:1])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    config = tmp_path / "aws-config"  # the local AWS's, and a profile whose role cannot be assumed
    config.write_text((localaws.state_dir / "aws-config").read_text() + "\n[profile crossvpc-x]\n"
                      "role_arn = arn:aws:iam::333333333333:role/nope\nsource_profile = crossvpc-a\n"
                      "region = us-east-1\nendpoint_url = %s\n" % localaws.url)
    source = tmp_path / "aws.vpcs.yml"
    source.write_text(yaml.safe_dump({
        "plugin": "crossvpc.aws.vpcs", "regions": ["us-east-1", "us-west-2"], "filters": {"tag-key": "Name"},
        "accounts": [{"profile": "crossvpc-a", "name": "a"}, {"profile": "crossvpc-b"}, {"profile": "crossvpc-x"}],
        "keyed_groups": [{"key": "aws_region", "prefix": "region"}],
        "groups": {"attached": "aws_vpcs | map(attribute='transit_gateway_attachments') | flatten | length > 0"},
        "compose": {"vpc_names": "aws_vpcs | map(attribute='name') | list"},
        "cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache")}))
    mark = localaws.control.mark()
    localaws.control.enforce_iam(True)  # the role "nope" cannot be assumed
    try:
        listed, warned = inventory(localaws, source, config)
    finally:
        localaws.control.enforce_iam(False)
    assert localaws.control.mutating_calls(mark) == []
    assert "crossvpc.aws.vpcs: accounts[2] (profile crossvpc-x) is left out:" in warned and "AccessDenied" in warned, warned
    hosts = listed["_meta"]["hostvars"]
    b = "account_222222222222"
    assert sorted(hosts) == ["a_us_east_1", "a_us_west_2", f"{b}_us_east_1", f"{b}_us_west_2"]
    assert sorted(listed["region_us_west_2"]["hosts"]) == ["a_us_west_2", f"{b}_us_west_2"] and listed["attached"]["hosts"] == ["a_us_east_1"]
    for host, profile, account, region in (("a_us_east_1", "crossvpc-a", "111111111111", "us-east-1"),
                                           (f"{b}_us_east_1", "crossvpc-b", "222222222222", "us-east-1"),
                                           (f"{b}_us_west_2", "crossvpc-b", "222222222222", "us-west-2")):
        variables = hosts[host]
        assert (variables["aws_profile"], variables["aws_account_id"], variables["aws_region"]) == (profile, account, region)
        assert {v["vpc_id"]: {"cidrs": v["cidrs"], "subnets": sorted(s["subnet_id"] for s in v["subnets"])}
                for v in variables["aws_vpcs"]} == described(localaws, profile, region)
        assert variables["vpc_names"] == [v["name"] for v in variables["aws_vpcs"]]
    assert hosts["a_us_west_2"]["aws_vpcs"] == [] and hosts["a_us_east_1"]["aws_account_profiles"] == {
        "111111111111": "crossvpc-a", "222222222222": "crossvpc-b"}
    [left_out] = hosts["a_us_east_1"]["aws_accounts_left_out"]  # connect.yml refuses to plan without it (test_preflight_rules)
    assert left_out.startswith("accounts[2] (profile crossvpc-x): ") and "AccessDenied" in left_out, left_out
    [lab] = [v for v in hosts["a_us_east_1"]["aws_vpcs"] if v["vpc_id"] == lab_a["VpcId"]]
    assert lab["transit_gateway_attachments"] == [{"attachment_id": attachment, "transit_gateway_id": tgw, "state": "available"}]
    assert sorted(lab["subnets_by_zone"]) == ["us-east-1a", "us-east-1b"] and {t["main"] for t in lab["route_tables"]} == {True, False}
    # Tagged crossvpc:connect: connect.yml's entry (one named subnet per zone, the first by name).
    assert hosts[f"{b}_us_west_2"]["connect_vpcs"] == [{
        "name": "west", "subnet_names": ["west-1", "west-2"], "group": "edge", "client_security_group_names": ["west-a", "west-b"],
        "service_targets": ["10.80.1.10"], "from_tags_of": vpc}]
    assert "connect_vpcs" not in hosts["a_us_east_1"]
    assert hosts[f"{b}_us_west_2"]["connect_unnamed"] == [f"subnet {unnamed} of west"]  # connect.yml refuses (test_preflight_rules)
    assert f"subnet {unnamed} of west: tagged crossvpc:connect without a Name tag" in warned, warned

    # Cached: a VPC made since is listed only once the cache is flushed.
    west.create_vpc(CidrBlock="10.81.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "later"}]}])
    mark = localaws.control.mark()
    cached, _warned = inventory(localaws, source, config)
    assert localaws.control.calls(mark) == [] and cached["_meta"] == listed["_meta"]
    fresh, _warned = inventory(localaws, source, config, "--flush-cache")
    assert [v["name"] for v in fresh["_meta"]["hostvars"][f"{b}_us_west_2"]["aws_vpcs"]] == ["later", "west"]


def test_its_documentation_renders():
    run = subprocess.run([str(Path(sys.executable).parent / "ansible-doc"), "-t", "inventory", "--json", "crossvpc.aws.vpcs"], cwd=REPO,
                         env=dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg")), capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    doc = json.loads(run.stdout)["crossvpc.aws.vpcs"]
    assert {"accounts", "regions", "filters", "keyed_groups", "compose", "cache"} <= set(doc["doc"]["options"]) and doc["examples"]


def refused(localaws, tmp_path, config, aws_config=None):
    """ansible-inventory --list of a source with this configuration (account crossvpc-a as host a unless given), which must
    fail: what it wrote to stderr."""
    source = tmp_path / "aws.vpcs.yml"
    source.write_text(yaml.safe_dump(dict({"plugin": "crossvpc.aws.vpcs", "accounts": [{"profile": "crossvpc-a", "name": "a"}]}, **config)))
    env = dict(localaws.env, **({"AWS_CONFIG_FILE": str(aws_config)} if aws_config else {}))
    run = subprocess.run([str(Path(sys.executable).parent / "ansible-inventory"), "-i", str(source), "--list"], cwd=REPO,
                         env=dict(os.environ, **env, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"),
                                  ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="1"), capture_output=True, text=True, check=False)
    assert run.returncode != 0, run.stdout[-2000:]
    return run.stderr


def test_accounts_or_keys_given_wrong_are_refused_naming_them_before_any_call(localaws, tmp_path):
    """Two accounts of one host name would merge into one host; an account that is not a mapping has no profile; no account
    at all listed nothing without a word; one profile twice listed one account as two hosts; a name host patterns cannot
    name; a key that is no option (regionz for regions) was ignored. Each fails the source before any call to AWS."""
    a, b = {"profile": "crossvpc-a", "name": "a"}, {"profile": "crossvpc-b", "name": "b"}
    for config, expected in (
            ({"accounts": [{"profile": "crossvpc-a", "name": "one"}, {"profile": "crossvpc-b", "name": "one"}]},
             ["accounts[1].name='one': is accounts[0]'s too"]),
            ({"accounts": "crossvpc-a"}, ["accounts[0]='crossvpc-a': has no profile. Give each account as a mapping"]),
            ({"accounts": []}, ["accounts=[]: accounts lists no account; list at least one {profile, name}"]),
            ({"accounts": [a, b, {"profile": "crossvpc-a", "name": "a2"}]},
             ["accounts[2].profile='crossvpc-a': is accounts[0]'s too (name 'a')",
              "List each profile once."]),
            ({"accounts": [a, {"profile": "crossvpc-b", "name": "bad name!"}]},
             ["accounts[1].name='bad name!': a host's name has only letters, digits, '_', '-' and '.'", "for example 'bad_name'"]),
            ({"accounts": [a, {"profile": "crossvpc-b", "nmae": "b"}]},
             ["accounts[1].nmae='b': not a key of an account, and it would be ignored. Give it as name."]),
            ({"regionz": ["eu-west-1"]}, ["regionz=['eu-west-1']: not an option of this plugin", "did you mean regions?",
                                          "keyed_groups, leading_separator", "Give it as regions, or remove it."]),
            ({"regions": ["us-east-1"], "regionz": ["eu-west-1"]}, ["regionz=['eu-west-1']: not an option of this plugin"]),
            ({"cache_plugins": "jsonfile"}, ["cache_plugins='jsonfile': not an option of this plugin", "did you mean cache_plugin?"])):
        mark = localaws.control.mark()
        stderr = refused(localaws, tmp_path, config)
        assert all(part in stderr for part in expected) and "is left out" not in stderr, (config, stderr[-3000:])
        assert localaws.control.calls(mark) == [], config


def test_two_profiles_of_one_account_are_refused_once_their_account_is_read(localaws, tmp_path):
    """Without names they would merge into one host; with names, list one account as two."""
    config = tmp_path / "aws-config"  # the local AWS's, and a second profile of account A (a role assumed in it)
    config.write_text((localaws.state_dir / "aws-config").read_text() + "\n[profile crossvpc-a2]\n"
                      "role_arn = arn:aws:iam::111111111111:role/reader\nsource_profile = crossvpc-a\n"
                      "region = us-east-1\nendpoint_url = %s\n" % localaws.url)
    mark = localaws.control.mark()
    stderr = refused(localaws, tmp_path, {"accounts": [{"profile": "crossvpc-a"}, {"profile": "crossvpc-a2"}]}, config)
    assert ("accounts[1] (profile crossvpc-a2): reaches account 111111111111, as accounts[0] (profile crossvpc-a) does, and an "
            "account is one host per region. List one profile per account.") in stderr, stderr[-3000:]
    assert localaws.control.mutating_calls(mark) == []


def test_a_region_given_wrong_fails_the_source_naming_it_not_an_account(localaws, tmp_path):
    """A region is the whole source's: one that is no AWS region fails it before any call, rather than every account being
    left out as if its profile had failed; one named like a region that botocore does not know is read, and fails it once
    AWS refuses it. Regions botocore knows, opt-in and recent ones too, are listed."""
    accounts = [{"profile": "crossvpc-a", "name": "a"}, {"profile": "crossvpc-b", "name": "b"}]
    for regions, expected in ((["us-east-1", "xx-nowhere-1"], "regions[1]='xx-nowhere-1': not an AWS region (known regions: "),
                              (["eu-west1"], "regions[0]='eu-west1': not an AWS region (did you mean eu-west-1"),
                              ([], "regions=[]: lists no region"),
                              (["us-east-1", "us-east-1"], "regions[1]='us-east-1': is regions[0] too")):
        mark = localaws.control.mark()
        stderr = refused(localaws, tmp_path, {"accounts": accounts, "regions": regions})
        assert expected in stderr and "is left out" not in stderr and "no account could be read" not in stderr, stderr[-3000:]
        assert localaws.control.calls(mark) == []
        if "known regions" in expected:  # all partitions' regions, opt-in ones too
            assert "ap-southeast-5, " in stderr and "us-west-2" in stderr and "us-gov-west-1" in stderr, stderr[-3000:]

    mark = localaws.control.mark()
    stderr = refused(localaws, tmp_path, {"accounts": accounts, "regions": ["us-east-1", "us-east-9"]})
    assert "regions[1]='us-east-9': not a region botocore" in stderr and "though named like one" in stderr, stderr[-3000:]
    assert "regions[1]='us-east-9': not a region AWS has" in stderr and "scoped to a valid region, not 'us-east-9'" in stderr, stderr[-3000:]
    assert "is left out" not in stderr and localaws.control.mutating_calls(mark) == []

    source = tmp_path / "defaults.yaml"  # any name: the file's plugin key asks for this plugin (the fifteenth trial's I011)
    source.write_text(yaml.safe_dump({"plugin": "crossvpc.aws.vpcs", "accounts": accounts[:1], "regions": ["eu-central-2", "ap-southeast-5"],
                                      "filters": {"is-default": True},  # a boolean, sent as "true"
                                      # A filter that does not exist is named (the sixteenth trial's IP07: dropped silently); a
                                      # variable some hosts lack is not.
                                      "keyed_groups": [{"key": "aws_account_id | nosuchfilter", "prefix": "acct"},
                                                       {"key": "not_on_every_host", "prefix": "some"}]}))
    listed, warned = inventory(localaws, source, localaws.state_dir / "aws-config")
    assert "regions[" not in warned and "is left out" not in warned, warned
    assert "crossvpc.aws.vpcs: keyed_groups of host a_eu_central_2 left out:" in warned and "nosuchfilter" in warned, warned
    assert "not_on_every_host" not in warned, warned
    hosts = listed["_meta"]["hostvars"]
    assert sorted(hosts) == ["a_ap_southeast_5", "a_eu_central_2"]
    for host, region in (("a_ap_southeast_5", "ap-southeast-5"), ("a_eu_central_2", "eu-central-2")):
        default = localaws.client("ec2", "crossvpc-a", region).describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
        assert [v["vpc_id"] for v in hosts[host]["aws_vpcs"]] == [v["VpcId"] for v in default] and len(default) == 1


def test_a_filter_aws_refuses_fails_the_source_with_its_message_not_an_account(localaws, tmp_path):
    """The filters apply to every account: one DescribeVpcs does not have fails the source with AWS's answer (the local AWS
    answers as AWS does, InvalidParameterValue, where moto answered HTTP 500), and a filter without a value fails it before
    any call."""
    ec2 = localaws.client("ec2")
    try:
        ec2.describe_vpcs(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
        raise AssertionError("DescribeVpcs took the filter no-such-filter")
    except ec2.exceptions.ClientError as error:
        assert (error.response["Error"], error.response["ResponseMetadata"]["HTTPStatusCode"]) == (
            {"Code": "InvalidParameterValue", "Message": "The filter 'no-such-filter' is invalid"}, 400)
    accounts = [{"profile": "crossvpc-a", "name": "a"}, {"profile": "crossvpc-b", "name": "b"}]
    mark = localaws.control.mark()
    stderr = refused(localaws, tmp_path, {"accounts": accounts, "filters": {"tag-key": "Name", "no-such-filter": "x"}})
    assert "filters: AWS refused 'no-such-filter': The filter 'no-such-filter' is invalid (InvalidParameterValue" in stderr, stderr[-3000:]
    assert "is left out" not in stderr and "no account could be read" not in stderr and "profile crossvpc-b" not in stderr, stderr[-3000:]
    assert localaws.control.mutating_calls(mark) == []

    mark = localaws.control.mark()
    stderr = refused(localaws, tmp_path, {"accounts": accounts, "filters": {"tag:Name": None}})
    assert "filters: 'tag:Name'=None: give a value or a list of values" in stderr and "is left out" not in stderr, stderr[-3000:]
    assert localaws.control.calls(mark) == []
