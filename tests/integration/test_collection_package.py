"""The collection builds, installs offline from its tarball, and the installed copy runs."""

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

BIN = Path(sys.executable).parent


def test_build_install_offline_and_run_installed_copy(localaws, tmp_path):
    build = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--force",
                            "--output-path", str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                           check=False)
    assert build.returncode == 0, build.stderr
    [tarball] = tmp_path.glob("crossvpc-aws-*.tar.gz")
    listing = subprocess.run(["tar", "-tzf", str(tarball)], capture_output=True,
                             text=True, check=True).stdout.splitlines()
    assert "plugins/modules/vpc_route.py" in listing
    for unwanted in (".venv/", ".collections/", ".localaws/", "localaws/", ".ci/"):
        assert not [p for p in listing if p.startswith(unwanted)], unwanted
    assert not [p for p in listing if "__pycache__" in p]

    installed = tmp_path / "collections"
    install = subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--offline",
                              "-p", str(installed), str(tarball)], cwd=tmp_path,
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    assert (installed / "ansible_collections" / "crossvpc" / "aws" / "MANIFEST.json").exists()

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
