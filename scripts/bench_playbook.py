"""Benchmark a connection playbook on a fresh local AWS: check, converge, no-op, teardown.

    .venv/bin/python scripts/bench_playbook.py [--playbook privatelink|peering|connect] [--runs 3]

Each run starts an empty local AWS, builds the lab (not timed), then times each phase and counts
its AWS calls per account at the server (read vs mutating). Prints a Markdown table of medians.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from localaws.client import LocalAWS  # noqa: E402  (the repo root is not on sys.path by default)


def phases(name):
    """(title, playbook, arguments) of each timed phase of playbooks/NAME.yml."""
    return [("check (--check --diff)", f"{name}.yml", ["--check", "--diff"]),
            ("converge", f"{name}.yml", []),
            ("no-op rerun", f"{name}.yml", []),
            ("teardown", f"{name}_teardown.yml", []),
            ("teardown again", f"{name}_teardown.yml", [])]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def playbook(env, name, args):
    command = [str(Path(sys.executable).parent / "ansible-playbook"), str(REPO / "playbooks" / name), *args]
    subprocess.run(command, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)


def one_run(name):
    state = Path(tempfile.mkdtemp(prefix="bench-localaws-"))
    port = free_port()
    cli = [sys.executable, "-m", "localaws", "--state-dir", str(state)]
    subprocess.run(cli + ["start", "--port", str(port)], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    try:
        env = dict(os.environ, AWS_CONFIG_FILE=str(state / "aws-config"), ANSIBLE_DEPRECATION_WARNINGS="0",
                   AWS_SHARED_CREDENTIALS_FILE=str(state / "credentials"), AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}")
        control = LocalAWS(env["AWS_ENDPOINT_URL"])
        playbook(env, "lab.yml", [])
        rows = {}
        for title, phase_playbook, args in phases(name):
            mark = control.mark()
            started = time.monotonic()
            playbook(env, phase_playbook, args)
            seconds = time.monotonic() - started
            calls = control.calls(mark)
            counts = {}
            for call in calls:
                read, mutating = counts.get(call["account"], (0, 0))
                counts[call["account"]] = (read + (not call["mutating"]), mutating + call["mutating"])
            rows[title] = (seconds, counts)
        return rows
    finally:
        subprocess.run(cli + ["stop"], cwd=REPO, check=False, stdout=subprocess.DEVNULL)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playbook", choices=["privatelink", "peering", "connect"], default="privatelink")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    runs = [one_run(options.playbook) for _run in range(options.runs)]
    print(f"playbooks/{options.playbook}.yml on the local AWS, median of {len(runs)} runs "
          f"({os.cpu_count()} cores, {time.strftime('%Y-%m-%d')})\n")
    print("| phase | wall time | account A read/mutating | account B read/mutating |")
    print("|---|---|---|---|")
    for title, _name, _args in phases(options.playbook):
        seconds = statistics.median(run[title][0] for run in runs)
        counts = runs[-1][title][1]
        a, b = (counts.get(acct, (0, 0)) for acct in ("111111111111", "222222222222"))
        print(f"| {title} | {seconds:.1f} s | {a[0]}/{a[1]} | {b[0]}/{b[1]} |")


if __name__ == "__main__":
    main()
