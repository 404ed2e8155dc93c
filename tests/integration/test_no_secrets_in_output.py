"""No credential reaches a job's output, at any verbosity.

A real job as two accounts (crossvpc-a with static keys, crossvpc-b through an assumed role): our
modules and amazon.aws info modules, a real change, a check-mode preview with --diff, a refused
task that is ignored and one that ends the run. Its stdout and stderr at -v, -vv and -vvv are
scanned for the static keys of the AWS config files, for the assumed role's key, secret and
session token, and for anything shaped like an AWS access key id.
"""

import configparser
import json
import re
import sys

import pytest

A, B = "crossvpc-a", "crossvpc-b"
ACCESS_KEY_ID = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
# AWS's documented example key id: moto's GetCallerIdentity answers it as the UserId of a caller
# that is no IAM user of its own (account A's static key), where AWS would say AIDA...; no credential.
NOT_A_CREDENTIAL = {"AKIAIOSFODNN7EXAMPLE"}
CREDENTIAL_OPTIONS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def file_secrets(state_dir):
    """{where: value} for every credential written in the AWS config and credentials files."""
    secrets = {}
    for name in ("aws-config", "credentials"):
        parser = configparser.RawConfigParser()
        parser.read(state_dir / name)
        for section in parser.sections():
            for option in CREDENTIAL_OPTIONS:
                if parser.get(section, option, fallback=""):
                    secrets[f"{name} [{section}] {option}"] = parser.get(section, option)
    return secrets


def assumed_role_secrets(localaws, profile):
    """The key, secret and token botocore uses for an assumed-role profile."""
    frozen = localaws.session(profile).get_credentials().get_frozen_credentials()
    return {f"{profile} access key": frozen.access_key, f"{profile} secret key": frozen.secret_key,
            f"{profile} session token": frozen.token}


def leaks(text, secrets):
    """Every secret (by name) found in ``text``, and every access-key-shaped string in it."""
    found = [name for name, value in secrets.items() if value and value in text]
    shaped = sorted(set(ACCESS_KEY_ID.findall(text)) - NOT_A_CREDENTIAL)
    return found + [f"access key id {m}" for m in shaped]


def test_the_scanner_finds_planted_secrets(localaws):
    secrets = file_secrets(localaws.state_dir)
    assert any(name.endswith("aws_secret_access_key") for name in secrets), secrets
    assumed = assumed_role_secrets(localaws, B)
    assert all(assumed.values()), "the assumed-role profile gave no credentials"
    secret_name, secret = next((n, v) for n, v in secrets.items() if n.endswith("aws_secret_access_key"))
    clean = "TASK [A: VPCs] ok: [localhost] => vpc-0123456789abcdef0 arn:aws:iam::222222222222:role/x AKIA1234"
    assert leaks(clean, dict(secrets, **assumed)) == []
    planted = f"{clean}\n  secret_key: {secret}\n  token: {assumed[B + ' session token']}\n"
    assert leaks(planted, dict(secrets, **assumed)) == [secret_name, B + " session token"]
    # The generic scan alone finds an access key id of the shape AWS (and moto's STS) hands out.
    assert leaks("key=AKIAZ7PLANTEDKEY0042.", {}) == ["access key id AKIAZ7PLANTEDKEY0042"]
    assert leaks("UserId: AKIAIOSFODNN7EXAMPLE", {}) == []
    assert leaks("x" + assumed[B + " access key"] + "\n", {}) == [f"access key id {assumed[B + ' access key']}"]


@pytest.fixture(scope="module")
def job(localaws, tmp_path_factory):
    """A playbook that works as both accounts, changes something, previews, and fails."""
    def vpc(profile, cidr):
        ec2 = localaws.client("ec2", profile)
        vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"),
                                   AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
        return vpc_id, subnet

    (vpc_a, subnet_a), vpc_b = vpc(A, "10.91.0.0/16"), vpc(B, "10.92.0.0/16")[0]

    def as_account(profile, tasks):
        defaults = {"group/crossvpc.aws.aws": {"profile": profile, "region": "us-east-1"}}
        return {"name": f"as {profile}", "module_defaults": defaults, "block": tasks}

    tasks = [
        as_account(A, [
            {"name": "A: who am I", "amazon.aws.aws_caller_info": {}},
            {"name": "A: VPCs", "amazon.aws.ec2_vpc_net_info": {"vpc_ids": [vpc_a]}},
            {"name": "A: transit gateway", "crossvpc.aws.transit_gateway": {"name": "no-secrets-hub"}},
            {"name": "A: preview a change", "crossvpc.aws.transit_gateway": {"name": "no-secrets-hub", "tags": {
                "run": "preview"}}, "check_mode": True},
            {"name": "A: refused, ignored", "crossvpc.aws.vpc_peering": {"vpc_id": vpc_b, "peer_vpc_id": vpc_a},
             "ignore_errors": True},
        ]),
        as_account(B, [
            {"name": "B: who am I", "amazon.aws.aws_caller_info": {}},
            {"name": "B: VPCs", "amazon.aws.ec2_vpc_net_info": {"vpc_ids": [vpc_b]}},
            {"name": "B: preview a transit gateway", "crossvpc.aws.transit_gateway": {"name": "no-secrets-spoke"},
             "check_mode": True},
            {"name": "B: refused, ends the run", "crossvpc.aws.vpc_endpoint": {
                "name": "no-secrets", "vpc_id": vpc_b, "subnet_ids": [subnet_a],
                "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"}},
        ]),
    ]
    playbook = tmp_path_factory.mktemp("no-secrets") / "job.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "connection": "local",
                                     "tasks": tasks}], indent=1))
    return playbook


def test_no_credential_in_the_output(localaws, ansible, job):
    """At -vvv, which prints everything -v and -vv print and the module invocations besides."""
    run = ansible(job, "-vvv", diff=True, inventory="localhost,",
                  extra_vars={"ansible_python_interpreter": sys.executable},
                  env={"ANSIBLE_STDOUT_CALLBACK": "default"})  # what a person at a terminal reads
    text = run.stdout + "\n" + run.stderr
    # The job really ran as both accounts, previewed with a diff, and failed where it should.
    assert run.returncode == 2, text[-3000:]
    for expected in ("111111111111", "222222222222", "A: preview a change", "no-secrets-hub",
                     "...ignoring", "B: refused, ends the run", "not found in this account and region"):
        assert expected in text, (expected, text[-3000:])
    assert re.search(r"^[+-].*run", text, re.M), "no diff in the output"
    secrets = dict(file_secrets(localaws.state_dir), **assumed_role_secrets(localaws, B))
    assert leaks(text, secrets) == []
