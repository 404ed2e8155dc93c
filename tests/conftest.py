"""Shared fixtures: a real local AWS per test worker, and runners for real playbooks and modules.

Nothing here mocks AWS: integration tests start `python -m localaws` on a free loopback port,
run ansible-playbook (or a module's own main(), in this process) against it, and read the result
back with boto3 and the call log.
"""

import contextlib
import fcntl
import importlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import types
import traceback
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COLLECTIONS = REPO / ".collections"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(COLLECTIONS))


def ensure_collection_link():
    link = COLLECTIONS / "ansible_collections" / "crossvpc" / "aws"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path("../../.."), target_is_directory=True)


ensure_collection_link()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running localaws: its environment, a control client and boto3 sessions per account."""

    def __init__(self, state_dir, port):
        from localaws.client import LocalAWS

        self.state_dir = state_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.control = LocalAWS(self.url)
        self.env = {"AWS_CONFIG_FILE": str(state_dir / "aws-config"),
                    "AWS_SHARED_CREDENTIALS_FILE": str(state_dir / "credentials"),
                    "AWS_ENDPOINT_URL": self.url, "LOCALAWS_URL": self.url,
                    "LOCALAWS_STATE_DIR": str(state_dir)}

    def session(self, profile="crossvpc-a", region="us-east-1"):
        import boto3
        import botocore.session

        core = botocore.session.Session()
        for key, var in (("config_file", "AWS_CONFIG_FILE"),
                         ("credentials_file", "AWS_SHARED_CREDENTIALS_FILE")):
            core.set_config_variable(key, self.env[var])
        core.set_config_variable("profile", profile)
        return boto3.Session(botocore_session=core, region_name=region)

    def client(self, service, profile="crossvpc-a", region="us-east-1"):
        return self.session(profile, region).client(service, endpoint_url=self.url)


@contextmanager
def running_localaws():
    """A local AWS of its own on a free port, with a throw-away state directory."""
    state_dir = Path(tempfile.mkdtemp(prefix="localaws-test-"))
    port = free_port()
    cli = [sys.executable, "-m", "localaws", "--state-dir", str(state_dir)]
    subprocess.run(cli + ["start", "--port", str(port)], cwd=REPO, check=True,
                   stdout=subprocess.DEVNULL)
    try:
        yield Server(state_dir, port)
    finally:
        subprocess.run(cli + ["stop"], cwd=REPO, check=False, stdout=subprocess.DEVNULL)


EMPTY_SNAPSHOT = "empty"


@pytest.fixture(scope="session")
def localaws():
    """The worker's local AWS, its empty accounts saved as the snapshot "empty"."""
    with running_localaws() as server:
        server.control.save(EMPTY_SNAPSHOT)
        yield server


RESOURCE_KEY = re.compile(r"^((?:[a-z]+-)+[0-9a-f]{8,17}\b|\(known after apply\))")


def change_kinds(changes):
    """A module result's ``changes`` as the kinds of change, ids left out: the steps (a plan's keys), a route list's
    actions, or for changes per resource (keyed by an id, or "(known after apply)" in check mode) each one's kinds."""
    if isinstance(changes, list):
        return tuple(sorted(str(c.get("action")) for c in changes if isinstance(c, dict)))
    if not isinstance(changes, dict):
        return ()
    if changes and all(RESOURCE_KEY.match(key) for key in changes):
        return tuple(sorted(change_kinds(value) for value in changes.values()))
    return tuple(sorted(changes))


class PlaybookResult:
    def __init__(self, completed, output):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.output = output

    @property
    def stats(self):
        return self.output.get("stats", {})

    def tasks(self, host=None):
        """(task name, host, result) for every task result, in order."""
        for play in self.output.get("plays", []):
            for task in play["tasks"]:
                for name, result in task["hosts"].items():
                    if host in (None, name):
                        yield task["task"]["name"], name, result

    def result(self, task_name, host="localhost"):
        for name, _task_host, result in self.tasks(host):
            if task_name in (name, name.split(" : ", 1)[-1]):  # role tasks are "role : name"
                return result
        raise KeyError(f"no result for task {task_name!r} on {host}")

    def changed(self):
        return sum(s.get("changed", 0) for s in self.stats.values())

    def changes(self):
        """Sorted (task, host, the kinds of change of each changed resource) of every changed result: what a check
        run must predict of the real run. A resource's kinds are its result's ``changes`` keys (create, accept,
        authorize_ingress, ...); loop items are listed each, in order (their labels may hold ids only the real run knows)."""
        return sorted((name, host, tuple(change_kinds(item.get("changes")) for item in result["results"] if item.get("changed"))
                       if "results" in result else (change_kinds(result.get("changes")),))
                      for name, host, result in self.tasks() if result.get("changed"))


def playbook_runner(localaws):
    """Run real playbooks against this local AWS and get their results as data."""

    def run(playbook, *args, check=False, diff=False, extra_vars=None, inventory=None, env=None):
        command = [str(Path(sys.executable).parent / "ansible-playbook"), str(playbook)]
        command += ["-i", str(inventory or REPO / "inventories" / "local")]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        command += list(args)
        run_env = dict(os.environ, **localaws.env, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
                       ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                       ANSIBLE_DEPRECATION_WARNINGS="0", ANSIBLE_LOCALHOST_WARNING="0",
                       ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
        run_env.update(env or {})
        completed = subprocess.run(command, cwd=REPO, env=run_env, capture_output=True, text=True,
                                   timeout=600, check=False)
        try:
            output = json.loads(completed.stdout[completed.stdout.index("{"):])
        except ValueError:
            output = {}
        return PlaybookResult(completed, output)

    return run


@pytest.fixture(scope="session")
def ansible(localaws):
    return playbook_runner(localaws)


def build_and_install(checkout, directory):
    """The collection in ``checkout`` built into ``directory`` and installed from that tarball, offline, into
    directory/collections, as a user installs a release: (the tarball, the collections path to use)."""
    galaxy = str(Path(sys.executable).parent / "ansible-galaxy")
    build = subprocess.run([galaxy, "collection", "build", "--force", "--output-path", str(directory)], cwd=checkout,
                           capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr
    [tarball] = directory.glob("crossvpc-aws-*.tar.gz")
    install = subprocess.run([galaxy, "collection", "install", "--offline", "-p", str(directory / "collections"), str(tarball)],
                             cwd=directory, capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    assert (directory / "collections" / "ansible_collections" / "crossvpc" / "aws" / "MANIFEST.json").exists()
    return tarball, directory / "collections"


@pytest.fixture(scope="session")
def installed(tmp_path_factory):
    """This checkout as a user gets it: its tarball, installed offline (a test runs playbooks from it with
    ANSIBLE_COLLECTIONS_PATH set to it)."""
    return build_and_install(REPO, tmp_path_factory.mktemp("release"))


LAB_SNAPSHOT = "lab"


@pytest.fixture(scope="session")
def lab(ansible, localaws, tmp_path_factory):
    """playbooks/lab.yml, built once per test run and saved in the local AWS as the snapshot
    "lab": a test that needs the bare lab again restores it (``localaws.control.restore``) in a
    second instead of running teardown playbooks (the lab's own build and teardown are
    tests/integration/test_lab.py's). It is built on empty accounts: whatever the worker's tests
    before it left is dropped first, so that the snapshot holds the lab alone. The first worker to
    build it writes the snapshot to a file of the run (localaws's export) with the build's result; a
    worker that needs the lab later reads that file into its own local AWS instead of building again."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # this run's, common to its workers
    snapshot_file, result_file = shared / "lab.snapshot", shared / "lab-build.json"
    localaws.control.restore(EMPTY_SNAPSHOT)
    # One worker builds while another that needs the lab at the same time waits for its file (both building
    # would cost twice the CPU, and write one file at once).
    with open(shared / "lab.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if result_file.exists():
            localaws.control.load(LAB_SNAPSHOT, snapshot_file)
            localaws.control.restore(LAB_SNAPSHOT)
            stored = json.loads(result_file.read_text())
            return PlaybookResult(types.SimpleNamespace(**stored["completed"]), stored["output"])
        built = ansible(REPO / "playbooks" / "lab.yml")
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        localaws.control.save(LAB_SNAPSHOT)
        localaws.control.export(LAB_SNAPSHOT, snapshot_file)
        result_file.write_text(json.dumps({"completed": {"returncode": built.returncode, "stdout": built.stdout, "stderr": built.stderr},
                                           "output": built.output}))
    return built


@pytest.fixture
def bare_lab(localaws, lab):
    """The worker's lab alone: restored from its snapshot before the test and again after it."""
    localaws.control.restore(LAB_SNAPSHOT)
    yield lab
    localaws.control.restore(LAB_SNAPSHOT)


# Set CROSSVPC_MODULES_VIA=ansible to run every module test through ansible-playbook instead.
MODULES_IN_PROCESS = os.environ.get("CROSSVPC_MODULES_VIA", "process") != "ansible"


def run_module_in_process(localaws, name, args, check=False, diff=False, env=None):
    """The module ``name`` (a collection's) run by calling its main() here, with the parameters
    Ansible would send it (check and diff mode included), against the local AWS: the same module
    code and the same AWS calls as a task, without the 1-2 s of an ansible-playbook process."""
    from ansible.module_utils import basic
    from ansible.module_utils.common import warnings

    namespace, collection, short = name.split(".")
    code = importlib.import_module(f"ansible_collections.{namespace}.{collection}.plugins.modules.{short}")
    params = dict(args, _ansible_check_mode=check, _ansible_diff=diff, _ansible_module_name=name,
                  _ansible_no_log=False, _ansible_verbosity=0)
    basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": params}).encode()  # pylint: disable=protected-access
    basic._ANSIBLE_PROFILE = "legacy"  # pylint: disable=protected-access
    printed, saved_env = io.StringIO(), dict(os.environ)
    warnings._global_warnings.clear()  # pylint: disable=protected-access  # a process-wide record
    warnings._global_deprecations.clear()  # pylint: disable=protected-access
    os.environ.update(localaws.env, **(env or {}))
    try:
        with contextlib.redirect_stdout(printed):
            try:
                code.main()
            except SystemExit:
                pass
            except Exception as error:  # pylint: disable=broad-except
                # As Ansible reports a module's uncaught exception: the messages of its chain.
                from ansible.module_utils._internal import _errors, _event_utils

                message = _event_utils.format_event_brief_message(_errors.EventFactory.from_exception(error, False))
                return {"failed": True, "changed": False, "msg": message, "exception": traceback.format_exc()}
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        basic._ANSIBLE_ARGS = None  # pylint: disable=protected-access
    result = json.loads(printed.getvalue())
    result.setdefault("changed", False)
    if "warnings" in result:  # as Ansible shows them: the messages
        result["warnings"] = [w["event"]["msg"] if isinstance(w, dict) else w for w in result["warnings"]]
    return result


@pytest.fixture(scope="session")
def module(ansible, localaws, tmp_path_factory):
    """Run one module (as a task on localhost, or for crossvpc.aws modules its main() in this
    process) as account A (or ``profile``); return its result dict."""
    directory = tmp_path_factory.mktemp("module-playbooks")
    counter = iter(range(1_000_000))

    def run(name, args, profile="crossvpc-a", check=False, diff=False, region="us-east-1"):
        if MODULES_IN_PROCESS and name.startswith("crossvpc.aws."):
            return run_module_in_process(localaws, name, {"profile": profile, "region": region, **args}, check, diff)
        playbook = directory / f"task{next(counter)}.yml"
        play = [{"hosts": "localhost", "gather_facts": False, "connection": "local",
                 "module_defaults": {"group/crossvpc.aws.aws": {"profile": profile,
                                                                "region": region}},
                 "tasks": [{"name": "under test", name: args}]}]
        playbook.write_text(json.dumps(play))
        result = ansible(playbook, check=check, diff=diff, inventory="localhost,",
                         extra_vars={"ansible_python_interpreter": sys.executable})
        try:
            return result.result("under test")
        except KeyError:
            raise AssertionError(f"playbook did not run:\n{result.stdout}\n{result.stderr}")

    return run


# Work units for `pytest -n 2 --dist loadgroup --no-loadscope-reorder`: a whole file (its tests share
# module fixtures), or for the sweeps each parameter (each starts from the worker's lab snapshot, so
# either worker can take it). Handed out longest first, as measured in CI (docs/testing.md; the
# first unit on a worker also builds its lab), so that the two workers finish together instead of
# one waiting on a long unit picked last. Units not listed follow in collection order.
SPLIT = ("reliability/test_crash_and_rerun.py", "integration/test_least_privilege.py")
LONGEST_FIRST = (
    "integration/test_connect_playbook.py",
    # On a clean clone its first render installs mermaid-cli (npm ci, mostly waiting on the network): a minute
    # that overlaps best with the other worker's and the static stage's CPU at the start.
    "integration/test_mermaid_render.py",
    "reliability/test_crash_and_rerun.py::test_crash_and_rerun[transit_gateway]",
    "reliability/test_crash_and_rerun.py::test_crash_and_rerun[peering]",
    "reliability/test_crash_and_rerun.py::test_crash_and_rerun[privatelink]",
    "integration/test_preflight.py",
    "integration/test_reachability.py",
    "integration/test_peering_playbook.py",
    "integration/test_molecule.py",
    "integration/test_privatelink_modules.py",
    "integration/test_peering_modules.py",
    "integration/test_transit_gateway_playbook.py",
    "integration/test_least_privilege.py::test_play_passes_under_its_policies_and_fails_without_any_one_of_their_actions[privatelink]",
    "integration/test_least_privilege.py::test_play_passes_under_its_policies_and_fails_without_any_one_of_their_actions[transit_gateway]",
    "integration/test_privatelink_playbook.py",
    "integration/test_lab.py",
    "integration/test_least_privilege.py::test_play_passes_under_its_policies_and_fails_without_any_one_of_their_actions[peering]",
    "integration/test_security_group.py",
    "integration/test_vpc_route.py",
    "localaws/test_privatelink.py",
    "integration/test_bad_input_catalogue.py",
)


def work_unit(item):
    path = item.path.relative_to(REPO / "tests").as_posix()
    return f"{path}::{item.name}" if path in SPLIT else path


# First: xdist's worker turns xdist_group marks into its groups in its own pytest_collection_modifyitems,
# and a mark added after it is ignored (each test then went to either worker, and a file's module-scoped
# fixtures, such as test_reachability.py's three playbook runs, were built on both).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    for item in items:
        item.add_marker(pytest.mark.xdist_group(work_unit(item)))
    items.sort(key=lambda item: rank.get(work_unit(item), len(rank)))  # stable: the order within a unit, and of the others, is kept
