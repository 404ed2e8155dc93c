"""python -m localaws {start,stop,status,reset,env,calls,faults,iam,snapshot,serve}

start writes, in the state directory (default ./.localaws, or $LOCALAWS_STATE_DIR):
  pid          the server's process id (stop signals only that process)
  server.log   what the server printed
  aws-config   profiles crossvpc-a (static keys), crossvpc-b and crossvpc-c (roles assumed from A)
  credentials  empty, so a user's ~/.aws/credentials cannot leak into a local run
  env.sh       the variables that point boto3, the AWS CLI and Ansible at this server
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C, DEFAULT_PORT, DEFAULT_REGION
from localaws.client import LocalAWS, summarize
from localaws.iam import ACCOUNT_A_KEY_ID, ACCOUNT_A_SECRET, ADMIN_ROLE_NAME

HOST = "127.0.0.1"
ROLE_NAME = ADMIN_ROLE_NAME
PROFILES = {"crossvpc-a": ACCOUNT_A, "crossvpc-b": ACCOUNT_B, "crossvpc-c": ACCOUNT_C}


def state_dir(args):
    return Path(args.state_dir or os.environ.get("LOCALAWS_STATE_DIR") or ".localaws").resolve()


def url_of(port):
    return f"http://{HOST}:{port}"


def aws_config(port, region):
    url = url_of(port)
    lines = ["[profile crossvpc-a]", f"aws_access_key_id = {ACCOUNT_A_KEY_ID}",
             f"aws_secret_access_key = {ACCOUNT_A_SECRET}", f"region = {region}",
             f"endpoint_url = {url}", ""]
    for profile, account in PROFILES.items():
        if account != ACCOUNT_A:
            lines += [f"[profile {profile}]", f"role_arn = arn:aws:iam::{account}:role/{ROLE_NAME}",
                      "source_profile = crossvpc-a", f"role_session_name = {profile}",
                      f"region = {region}", f"endpoint_url = {url}", ""]
    return "\n".join(lines)


def env_vars(directory, port):
    return {"AWS_CONFIG_FILE": str(directory / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(directory / "credentials"),
            "AWS_ENDPOINT_URL": url_of(port), "LOCALAWS_URL": url_of(port),
            "LOCALAWS_STATE_DIR": str(directory)}


def read_state(directory):
    try:
        return json.loads((directory / "state.json").read_text())
    except (OSError, ValueError):
        return None


def running(state):
    """True when the recorded pid is alive and answers as localaws on the recorded port."""
    if not state:
        return False
    try:
        os.kill(state["pid"], 0)
        LocalAWS(url_of(state["port"])).health()
        return True
    except (OSError, urllib.error.URLError, ValueError):
        return False


def cmd_start(args):
    directory = state_dir(args)
    directory.mkdir(parents=True, exist_ok=True)
    state = read_state(directory)
    if running(state):
        print(f"localaws already running at {url_of(state['port'])} (pid {state['pid']})")
        return 0
    log = open(directory / "server.log", "ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "localaws", "serve", "--port", str(args.port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        env={k: v for k, v in os.environ.items() if k != "MOTO_ACCOUNT_ID"},
        cwd=Path(__file__).resolve().parent.parent)
    client = LocalAWS(url_of(args.port))
    deadline = time.monotonic() + args.timeout
    while True:
        if process.poll() is not None:
            print(f"localaws exited with {process.returncode}; see {directory / 'server.log'}",
                  file=sys.stderr)
            return 1
        try:
            client.health()
            break
        except (urllib.error.URLError, ConnectionError, ValueError):
            if time.monotonic() > deadline:
                process.terminate()
                print(f"localaws did not answer within {args.timeout}s", file=sys.stderr)
                return 1
            time.sleep(0.1)
    (directory / "aws-config").write_text(aws_config(args.port, args.region))
    (directory / "credentials").write_text("")
    env = env_vars(directory, args.port)
    (directory / "env.sh").write_text("".join(f"export {k}={v}\n" for k, v in env.items()))
    (directory / "state.json").write_text(json.dumps({"pid": process.pid, "port": args.port}))
    print(f"localaws running at {url_of(args.port)} (pid {process.pid}); "
          f"accounts A={ACCOUNT_A} B={ACCOUNT_B} C={ACCOUNT_C}\n"
          f"use it with: source {directory / 'env.sh'}")
    return 0


def cmd_stop(args):
    directory = state_dir(args)
    state = read_state(directory)
    if not state:
        print("localaws is not running (no state)")
        return 0
    if running(state):
        os.kill(state["pid"], signal.SIGTERM)
        for _attempt in range(100):
            try:
                os.kill(state["pid"], 0)
            except OSError:
                break
            time.sleep(0.05)
        else:
            os.kill(state["pid"], signal.SIGKILL)
        print(f"localaws stopped (pid {state['pid']})")
    else:
        print("localaws was not running")
    (directory / "state.json").unlink(missing_ok=True)
    return 0


def client_or_exit(args):
    state = read_state(state_dir(args))
    if not running(state):
        raise SystemExit("localaws is not running: start it with `python -m localaws start`")
    return LocalAWS(url_of(state["port"]))


def cmd_status(args):
    state = read_state(state_dir(args))
    if not running(state):
        print("localaws is not running")
        return 1
    health = LocalAWS(url_of(state["port"])).health()
    print(f"localaws running at {url_of(state['port'])} (pid {state['pid']}), moto "
          f"{health['moto']}, accounts {health['accounts']}")
    return 0


def cmd_reset(args):
    client_or_exit(args).reset()
    print("localaws reset: every account is empty, call log and fault rules cleared, IAM enforcement off")
    return 0


def cmd_env(args):
    state = read_state(state_dir(args))
    port = state["port"] if state else args.port
    for key, value in env_vars(state_dir(args), port).items():
        print(f"export {key}={value}")
    return 0


def cmd_calls(args):
    calls = client_or_exit(args).calls(args.since)
    if args.mutating:
        calls = [c for c in calls if c["mutating"]]
    if args.json:
        print(json.dumps(calls, indent=1))
        return 0
    rows = summarize(calls)
    print(f"{len(calls)} calls, {sum(c['mutating'] for c in calls)} mutating")
    if args.totals:
        for account in sorted({c["account"] for c in calls}):
            mine = [c for c in calls if c["account"] == account]
            mutating = sum(c["mutating"] for c in mine)
            print(f"  account {account}: {len(mine) - mutating} read, {mutating} mutating")
        return 0
    for account, service, action, mutating, count in rows:
        print(f"{count:6}  {account}  {service:8} {action:45} {'MUTATING' if mutating else 'read'}")
    return 0


def cmd_faults(args):
    client = client_or_exit(args)
    if args.fault_command == "add":
        rule = {k: getattr(args, k) for k in ("kind", "service", "action", "account", "count",
                                              "rate", "code", "status", "seed", "after")}
        print(json.dumps(client.add_fault(**{k: v for k, v in rule.items() if v is not None})))
    elif args.fault_command == "clear":
        client.clear_faults()
        print("fault rules cleared")
    else:
        print(json.dumps(client.faults(), indent=1))
    return 0


def cmd_iam(args):
    client = client_or_exit(args)
    if args.enforce in ("on", "off"):
        client.enforce_iam(args.enforce == "on")
    decisions = client.iam_decisions(args.since) if args.decisions else []
    for d in decisions:
        print(f"{d['seq']:6}  {d['decision']:13} {d['action']:50} {d['principal']}")
    print(f"IAM enforcement {'on' if client.iam_enforced() else 'off'}: IAM users and roles other than "
          f"{ROLE_NAME} are authorized against their policies")
    return 0


def cmd_snapshot(args):
    client = client_or_exit(args)
    if args.snapshot_command == "save":
        print(json.dumps(client.save(args.name)))
    elif args.snapshot_command == "restore":
        print(json.dumps(client.restore(args.name)))
    elif args.snapshot_command == "forget":
        print(json.dumps(client.forget(args.name)))
    elif args.snapshot_command == "export":
        print(json.dumps(client.export(args.name, os.path.abspath(args.file))))
    elif args.snapshot_command == "import":
        print(json.dumps(client.load(args.name, os.path.abspath(args.file))))
    else:
        print("\n".join(client.snapshots()))
    return 0


def cmd_serve(args):
    from localaws.server import serve

    serve(HOST, args.port)
    return 0


def parser():
    top = argparse.ArgumentParser(prog="python -m localaws", description=__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--state-dir", help="default: $LOCALAWS_STATE_DIR or ./.localaws")
    sub = top.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start the server in the background")
    start.add_argument("--port", type=int, default=DEFAULT_PORT)
    start.add_argument("--region", default=DEFAULT_REGION)
    start.add_argument("--timeout", type=float, default=30)
    sub.add_parser("stop", help="stop the server started from this state directory")
    sub.add_parser("status", help="exit 0 if running")
    sub.add_parser("reset", help="empty every account, clear call log and fault rules")
    env = sub.add_parser("env", help="print export lines for a shell")
    env.add_argument("--port", type=int, default=DEFAULT_PORT)
    calls = sub.add_parser("calls", help="summarise the call log")
    calls.add_argument("--since", type=int, default=0)
    calls.add_argument("--mutating", action="store_true")
    calls.add_argument("--json", action="store_true")
    calls.add_argument("--totals", action="store_true", help="only read/mutating counts per account")
    faults = sub.add_parser("faults", help="list, add or clear fault rules")
    faults_sub = faults.add_subparsers(dest="fault_command")
    faults_sub.add_parser("list")
    faults_sub.add_parser("clear")
    add = faults_sub.add_parser("add")
    add.add_argument("--kind", default="throttle", choices=["throttle", "server", "unavailable"])
    add.add_argument("--service")
    add.add_argument("--action")
    add.add_argument("--account")
    add.add_argument("--count", type=int)
    add.add_argument("--rate", type=float)
    add.add_argument("--code")
    add.add_argument("--status", type=int)
    add.add_argument("--seed", type=int)
    add.add_argument("--after", help="sleep until a call of this action arrives (in the rule's service and account)")
    iam = sub.add_parser("iam", help="switch IAM enforcement for non-admin principals, show its decisions")
    iam.add_argument("enforce", nargs="?", choices=["on", "off"])
    iam.add_argument("--decisions", action="store_true", help="list decisions about restricted callers")
    iam.add_argument("--since", type=int, default=0)
    snapshot = sub.add_parser("snapshot", help="save every account's resources under a name, restore or forget them")
    snapshot_sub = snapshot.add_subparsers(dest="snapshot_command")
    snapshot_sub.add_parser("list")
    for verb in ("save", "restore", "forget"):
        snapshot_sub.add_parser(verb).add_argument("name")
    for verb, what in (("export", "write the saved snapshot NAME to FILE"), ("import", "read FILE as the saved snapshot NAME")):
        files = snapshot_sub.add_parser(verb, help=what)
        files.add_argument("name")
        files.add_argument("file")
    serve = sub.add_parser("serve", help="serve in the foreground (start uses this)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    return globals()[f"cmd_{args.command}"](args)
