"""Benchmark playbooks/transit_gateway.yml with 10, 25 and 50 spoke VPCs on a fresh local AWS.

    .venv/bin/python scripts/bench_transit_gateway.py [--spokes 10 25 50]

For each size: an empty local AWS, N spoke VPCs (one subnet, the main route table) split between
accounts A (also the hub) and B, made with boto3 and not timed; then check, converge and a no-op
rerun of the playbook, each timed, with its calls counted at the server (read/mutating). Each spoke
routes one summary CIDR (10.0.0.0/8) to the hub, the "route per spoke" of docs/benchmarks.md's
amazon.aws comparison.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from localaws import ACCOUNT_A, ACCOUNT_B  # noqa: E402  (the repo root is not on sys.path by default)
from localaws.client import LocalAWS  # noqa: E402

PHASES = [("check", ["--check"]), ("converge", []), ("no-op rerun", [])]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_spokes(env, profile, names):
    import boto3

    session = boto3.Session(profile_name=profile, region_name="us-east-1")
    ec2 = session.client("ec2", endpoint_url=env["AWS_ENDPOINT_URL"])
    for name in names:
        second_octet = int(name.rsplit("-", 1)[1])
        vpc = ec2.create_vpc(CidrBlock=f"10.{second_octet}.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": name}]}])["Vpc"]["VpcId"]
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{second_octet}.1.0/24", AvailabilityZone="us-east-1a",
                          TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": name}]}])


def inventory(path, names_a, names_b):
    def host(profile, account, names):
        return {"aws_profile": profile, "aws_region": "us-east-1", "aws_account_id": account,
                "ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                "transit_gateway_hub_name": "bench-hub", "transit_gateway_spoke_route_cidrs": ["10.0.0.0/8"],
                "transit_gateway_spoke_vpcs": [{"vpc_name": n, "subnet_names": [n], "name": n} for n in names]}

    path.write_text(json.dumps({"all": {"children": {
        "hub": {"hosts": {"account_a": host("crossvpc-a", ACCOUNT_A, names_a)}},
        "spoke": {"hosts": {"account_a": {}, "account_b": host("crossvpc-b", ACCOUNT_B, names_b)}}}}}))


def one_size(spokes):
    state = Path(tempfile.mkdtemp(prefix="bench-localaws-"))
    port = free_port()
    cli = [sys.executable, "-m", "localaws", "--state-dir", str(state)]
    subprocess.run(cli + ["start", "--port", str(port)], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    try:
        env = dict(os.environ, AWS_CONFIG_FILE=str(state / "aws-config"), ANSIBLE_DEPRECATION_WARNINGS="0",
                   AWS_SHARED_CREDENTIALS_FILE=str(state / "credentials"), AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
        os.environ.update(AWS_CONFIG_FILE=env["AWS_CONFIG_FILE"], AWS_SHARED_CREDENTIALS_FILE=env["AWS_SHARED_CREDENTIALS_FILE"])
        names = [f"bench-spoke-{n}" for n in range(100, 100 + spokes)]
        names_a, names_b = names[: spokes // 2], names[spokes // 2:]
        make_spokes(env, "crossvpc-a", names_a)
        make_spokes(env, "crossvpc-b", names_b)
        hosts = state / "inventory.json"
        inventory(hosts, names_a, names_b)
        control = LocalAWS(env["AWS_ENDPOINT_URL"])
        rows = []
        for title, args in PHASES:
            mark = control.mark()
            started = time.monotonic()
            subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "playbooks/transit_gateway.yml",
                            "-i", str(hosts), *args], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
            seconds = time.monotonic() - started
            calls = control.calls(mark)
            rows.append((title, seconds, sum(not c["mutating"] for c in calls), sum(c["mutating"] for c in calls)))
        return rows
    finally:
        subprocess.run(cli + ["stop"], cwd=REPO, check=False, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, nargs="+", default=[10, 25, 50])
    sizes = parser.parse_args().spokes
    print(f"playbooks/transit_gateway.yml on the local AWS ({os.cpu_count()} cores, {time.strftime('%Y-%m-%d')})\n")
    print("| spokes | phase | wall time | calls read/mutating |")
    print("|---|---|---|---|")
    for spokes in sizes:
        for title, seconds, reads, writes in one_size(spokes):
            print(f"| {spokes} | {title} | {seconds:.1f} s | {reads}/{writes} |", flush=True)


if __name__ == "__main__":
    main()
