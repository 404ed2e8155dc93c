"""The collection builds, installs offline from its tarball, and the installed copy runs.

The tarball is galaxy.yml's allow list: a user's working state next to the collection (a local-AWS
state directory of any name, their own inventory) stays out of it, as do localaws/ and the tests
that need it.
"""

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import yaml

from conftest import REPO, build_and_install

BIN = Path(sys.executable).parent
# an access key id, and the line of an AWS config or credentials file that holds a secret key
AWS_KEY_PATTERNS = (re.compile(rb"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
                    re.compile(rb"(?m)^\s*aws_secret_access_key\s*=\s*[^\s,)]{8,}"))


def checkout_with_working_state(localaws, root):
    """The files git would package (tracked, and untracked but not ignored), copied to root, plus
    what a user leaves there: local-AWS state directories (copies of a running one's, with its
    keys) at the top under other names than .localaws and inside roles/, and their own inventory."""
    files = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO,
                           capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, root / name)
    state = [root / "mystate", root / ".localaws-other", root / "roles" / "lab" / "localaws-state"]
    for directory in state:
        shutil.copytree(localaws.state_dir, directory)
        assert (directory / "aws-config").exists() and (directory / "env.sh").exists()
        (directory / "server.log").write_text("started\n")
    mine = root / "inventories" / "mine"
    mine.mkdir()
    (mine / "all.yml").write_text((root / "inventories" / "aws.example" / "all.yml").read_text())
    return state


def test_build_install_offline_and_run_installed_copy(localaws, tmp_path):
    checkout = tmp_path / "checkout"
    state = checkout_with_working_state(localaws, checkout)
    secrets = {m.group(1).encode() for m in re.finditer(
        r"(?m)^aws_(?:access_key_id|secret_access_key)\s*=\s*(\S+)", (state[0] / "aws-config").read_text())}
    assert len(secrets) == 2  # the state directories do hold keys

    tarball, installed = build_and_install(checkout, tmp_path)
    with tarfile.open(tarball) as tar:
        members = tar.getmembers()
        contents = {m.name: tar.extractfile(m).read() for m in members if m.isfile()}
    listing = [m.name for m in members]
    for wanted in ("plugins/modules/vpc_route.py", "plugins/module_utils/routes.py",
                   "roles/vpc_peering/tasks/main.yml", "roles/lab/meta/argument_specs.yml",
                   "playbooks/connect.yml", "meta/runtime.yml", "README.md", "CHANGELOG.md",
                   "changelogs/changelog.yaml", "docs/testing.md", "policies/vpc_peering_requester.json",
                   "inventories/aws.example/all.yml", "tests/unit/test_route_plan.py"):
        assert wanted in listing, wanted
    for unwanted in (".venv/", ".collections/", ".localaws", "localaws/", ".ci/", "mystate/",
                     "tests/localaws/", "tests/integration/", "tests/conftest.py", "inventories/mine/",
                     "roles/lab/localaws-state/", "scripts/", "tools/", "Makefile", "build/"):
        assert not [p for p in listing if p.startswith(unwanted)], unwanted
    for path in [s.relative_to(checkout) for s in state]:
        assert not [p for p in listing if p.startswith(f"{path}/") or p == str(path)], path
    names = [p.rsplit("/", 1)[-1] for p in listing]
    for unwanted in ("aws-config", "credentials", "env.sh", "state.json", "server.log", "__pycache__"):
        assert unwanted not in names, unwanted
    assert not [p for p in listing if p.endswith((".pyc", ".log", ".tar.gz"))]
    for name, data in contents.items():
        assert not [s for s in secrets if s in data], name
        assert not [p.pattern for p in AWS_KEY_PATTERNS if p.search(data)], name

    vpc = localaws.client("ec2").create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    tgw = localaws.client("ec2").create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    playbook = tmp_path / "use.yml"
    playbook.write_text(json.dumps([{
        "hosts": "localhost", "gather_facts": False, "connection": "local",
        "module_defaults": {"group/crossvpc.aws.aws": {"profile": "crossvpc-a", "region": "us-east-1"}},
        "tasks": [{"crossvpc.aws.vpc_route": {"vpc_id": vpc, "destination_cidrs": ["10.61.0.0/16"],
                                              "transit_gateway_id": tgw}}]}]))
    env = dict(os.environ, **localaws.env, ANSIBLE_COLLECTIONS_PATH=str(installed))
    env.pop("ANSIBLE_CONFIG", None)
    run = subprocess.run([str(BIN / "ansible-playbook"), "-i", "localhost,", str(playbook),
                          "-e", f"ansible_python_interpreter={sys.executable}", "-vvv"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-2000:]
    assert str(installed / "ansible_collections" / "crossvpc" / "aws") in run.stdout
    [table] = localaws.client("ec2").describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"]
    assert {"DestinationCidrBlock": "10.61.0.0/16", "TransitGatewayId": tgw} in [
        {k: r[k] for k in ("DestinationCidrBlock", "TransitGatewayId") if k in r} for r in table["Routes"]]


def test_the_execution_environment_context_builds_offline(installed, tmp_path):
    """execution-environment.yml, with the tarball where it expects it: `ansible-builder create` writes the EE's build context
    offline, with the versions the tests pin; the installed collection tells ansible-builder its own Python needs."""
    tarball, collections = installed
    definition = yaml.safe_load((REPO / "execution-environment.yml").read_text())
    assert definition["additional_build_files"] == [{"src": f"build/{tarball.name}", "dest": "collections"}]  # galaxy.yml's version
    (tmp_path / "build").mkdir()
    shutil.copy(tarball, tmp_path / "build")
    shutil.copy(REPO / "execution-environment.yml", tmp_path)
    create = subprocess.run([str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml", "-c", "context"], cwd=tmp_path,
                            capture_output=True, text=True, check=False)
    assert create.returncode == 0, create.stdout + create.stderr
    built = tmp_path / "context" / "_build"
    assert (built / "collections" / tarball.name).read_bytes() == tarball.read_bytes()
    pins = dict(line.split("==") for line in (REPO / "requirements.txt").read_text().splitlines() if "==" in line and not line.startswith("#"))
    amazon = importlib.import_module("ansible_collections.amazon.aws").__path__[0]
    amazon_version = json.loads((Path(amazon) / "MANIFEST.json").read_text())["collection_info"]["version"]
    assert yaml.safe_load((built / "requirements.yml").read_text())["collections"] == [
        {"name": "amazon.aws", "version": amazon_version}, {"name": f"/build/collections/{tarball.name}", "type": "file"}]
    assert (built / "requirements.txt").read_text().split() == [f"boto3=={pins['boto3']}", f"botocore=={pins['botocore']}"]
    [containerfile] = [p for p in (tmp_path / "context").iterdir() if p.name in ("Containerfile", "Dockerfile")]
    assert f'ARG ANSIBLE_INSTALL_REFS="ansible-core=={pins["ansible-core"]} ' in containerfile.read_text()
    introspect = subprocess.run([str(BIN / "ansible-builder"), "introspect", str(collections)], capture_output=True, text=True, check=False)
    assert introspect.returncode == 0 and "boto3>=1.34.0  # from collection crossvpc.aws" in introspect.stdout, introspect.stdout
