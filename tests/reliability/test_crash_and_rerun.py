"""Crash, rerun and faults: SIGKILL ansible-playbook at every task boundary of privatelink.yml, peering.yml
and transit_gateway.yml in turn, and in the middle of their waits, then rerun it and check that the end
state equals an uninterrupted run's, with no resource made twice; then tear down to nothing. Besides,
each playbook converges to that same end state, and its teardown cleans up, while the local AWS throttles
30% of every call and answers 5% with a 5xx (weather.py): retries absorb them.

How, per playbook, on the lab (built once per test worker):

1. A reference run, uninterrupted and whole (its preflight too), under faults: the local AWS throttles
   30% of every call and answers 5% with a 5xx (weather.py), and retries must absorb them. The
   callback_plugins/crash_at.py records every task start and the localaws call-log sequence number
   at that moment: the boundaries. Its end state, read from both accounts with boto3 and normalized
   (ids replaced by names), is the reference snapshot. Faulted calls had no effect (the local AWS
   answers them before acting), so they are left out of what the chain is compared with.
2. Kill points: every boundary. A boundary with no mutating call since the previous tested one (or
   since the start: then the reference run itself is that rerun) leaves the server exactly as that
   one did, and a rerun starts from nothing but the server's state, so it is covered by
   equivalence; the proof (the calls in between, none mutating) goes in the summary. Waits: the
   wait's describe calls are throttled (a localaws fault rule the plugin adds when the task starts,
   asleep until the wait's create arrives) and the run is killed once the first of them failed.
3. The kill points in one chain of runs, from the bare lab (a localaws snapshot): the run for point
   j is killed there (rc -9; no process of its group left) with the chain's mutating calls so far
   exactly the reference's up to point j, so it leaves the server as the reference run was at point
   j, and the next run starts from there. After the last point an uninterrupted rerun (rc 0)
   makes exactly the reference's remaining changes and reaches its end state (snapshot ==
   reference, every identity once); then the teardown leaves the accounts holding the lab alone.
   By induction each point's rerun is proven to converge, as a separate rerun per point would.
   The chain's runs are without faults, so its ending on the reference's changes and end state
   also proves that the run under faults converged: a change it missed, the last rerun would make.
   The teardown runs under faults too.

tests/output/reliability/crash-<playbook>.json sums it up, faults-<playbook>.json the runs under faults. A wait is killed where its task changes something
after the wait began; a wait with no mutating call from its create to the next boundary leaves the server
as that boundary does, and is covered like a boundary, with that proof from the call log
(CROSSVPC_CRASH_WAITS=all kills in those too).
"""

import json
import os
import time
from collections import Counter
from pathlib import Path

import pytest

from aws_state import difference, duplicates, snapshot
from conftest import LAB_SNAPSHOT, REPO
from localaws import ACCOUNT_A, ACCOUNT_B
from weather import WEATHER, Run, add_weather, injected, run as run_under, scopes

pytestmark = pytest.mark.reliability

HERE = Path(__file__).resolve().parent
OUTPUT = REPO / "tests" / "output" / "reliability"
PLAYBOOKS = {
    "privatelink": {"fault_seed": 11, "waits": [
        ("Ensure the Network Load Balancer in front of the service", ACCOUNT_A, "CreateLoadBalancer"),
        ("Ensure the interface endpoint to the provider's service", ACCOUNT_B, "CreateVpcEndpoint"),
        ("Accept the consumer accounts' connections", ACCOUNT_A, "AcceptVpcEndpointConnections"),
        ("Read the endpoint as the consumer sees it now", ACCOUNT_B, None)]},
    "peering": {"fault_seed": 23, "waits": [
        ("Request peering with the peer VPC", ACCOUNT_A, "CreateVpcPeeringConnection"),
        ("Accept the peering request and set this side's DNS resolution", ACCOUNT_B, "AcceptVpcPeeringConnection")]},
    "transit_gateway": {"fault_seed": 37, "waits": [
        ("Ensure the transit gateway", ACCOUNT_A, "CreateTransitGateway"),
        ("Attach the VPCs", ACCOUNT_B, "CreateTransitGatewayVpcAttachment"),
        ("Accept the spokes' attachments from other accounts", ACCOUNT_A, "AcceptTransitGatewayVpcAttachment")]},
}
CRASH_ENV = {"ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"), "ANSIBLE_CALLBACKS_ENABLED": "crash_at",
             "ANSIBLE_PIPELINING": "1"}
# The preflight (the first play) only reads, so no kill point falls in it and a kill leaves it
# nothing to converge; it is proven in tests/integration/test_preflight.py. The chain's many runs
# skip its module (its task still starts, so task numbers are the reference's).
CRASH_VARS = {"preflight_done": True}
FAILED_WAIT_CALLS = 6  # throttled describe calls in a row once the wait began (the run dies at the first)


# --- The harness ---------------------------------------------------------------------------------

def mutations(calls, after, upto):
    """(account, action) of the mutating calls that took effect with after < seq <= upto."""
    return [(c["account"], c["action"]) for c in calls
            if after < c["seq"] <= upto and c["mutating"] and not c.get("fault") and (c.get("status") or 200) < 400]


def is_read(call):
    return call["service"] != "sts" and call["action"].startswith(("Describe", "Get", "Search", "List"))


class Reference:
    """An uninterrupted recorded run: its boundaries, calls, end state, and the kill points they give."""

    def __init__(self, playbook, tasks, calls, start, end, snap, seconds, faults):
        self.playbook, self.tasks, self.calls, self.start, self.end = playbook, tasks, calls, start, end
        self.snap, self.seconds, self.faults = snap, seconds, faults

    def made_by(self, seq):
        """The reference's mutating calls up to call ``seq``, per (account, action)."""
        return Counter(mutations(self.calls, self.start, seq))

    def task_range(self, index):
        """(seq at the start of task ``index``, seq at the next task start or the run's end)."""
        following = [t["seq"] for t in self.tasks if t["index"] == index + 1]
        return self.tasks[index - 1]["seq"], following[0] if following else self.end

    def kill_points(self):
        """Boundaries to kill at, and those covered by equivalence with a proof from the call log."""
        killed, covered, last, last_name = [], [], self.start, "the reference run (nothing changed before it)"
        for task in self.tasks:
            changed = mutations(self.calls, last, task["seq"])
            if changed:
                killed.append({"kind": "boundary", "id": f"boundary {task['index']}", "index": task["index"], "name": task["name"],
                               "seq": task["seq"], "mutations_before": len(mutations(self.calls, self.start, task["seq"]))})
                last, last_name = task["seq"], f"boundary {task['index']}"
            else:
                reads = [c["action"] for c in self.calls if last < c["seq"] <= task["seq"]]
                covered.append({"id": f"boundary {task['index']}", "name": task["name"], "equivalent_to": last_name,
                                "proof": f"calls with seq in ({last}, {task['seq']}]: {len(reads)}, none mutating", "reads": sorted(set(reads))})
        return killed, covered

    def waits(self, specs):
        """Kill points in the middle of each wait: the task, the call the wait follows, the describe it repeats."""
        points = []
        for name, account, create_action in specs:
            [task] = [t for t in self.tasks if name in t["name"]][:1] or pytest.fail(f"{self.playbook}: no task named {name!r}")
            low, high = self.task_range(task["index"])
            calls = [c for c in self.calls if low < c["seq"] <= high and not c.get("fault")]  # as a run without faults makes them
            anchor = low
            if create_action:
                created = [c for c in calls if c["account"] == account and c["action"] == create_action]
                assert created, f"{self.playbook}: task {name!r} made no {create_action} in the reference run"
                anchor = created[0]["seq"]
            [describe] = [c for c in calls if c["seq"] > anchor and c["account"] == account and is_read(c)][:1] or pytest.fail(
                f"{self.playbook}: task {name!r} read nothing after {create_action or 'its start'}")
            after = mutations(self.calls, anchor, high)
            # Every host's create of the task before the wait's first describe (spokes attach in parallel).
            creates = sum(1 for c in calls if c["seq"] < describe["seq"] and create_action and c["action"] == create_action)
            points.append({"kind": "wait", "id": f"wait in {name!r}", "index": task["index"], "name": task["name"], "account": account,
                           "create": create_action, "describe": describe["action"], "describe_seq": describe["seq"],
                           "distinct": bool(after), "mutations_after_wait_began": after, "creates_before": creates,
                           "mutations_before": len(mutations(self.calls, self.start, anchor)),
                           "next_boundary": f"boundary {task['index'] + 1}"})
        return points


class Crash:
    """Kill, rerun, compare, tear down: one playbook on the lab of one test worker."""

    def __init__(self, localaws, ansible, baseline, tmp, playbook):
        self.localaws, self.ansible, self.baseline, self.tmp, self.playbook = localaws, ansible, baseline, tmp, playbook
        self.runs = 0
        self.made = Counter()  # the chain's mutating calls since the bare lab, per (account, action)

    def run(self, name, extra_vars=None, **env):
        self.runs += 1
        started = time.monotonic()
        result = self.ansible(REPO / "playbooks" / f"{name}.yml", extra_vars=CRASH_VARS if extra_vars is None else extra_vars,
                              env=dict(CRASH_ENV, **{k: str(v) for k, v in env.items()}))
        return result, round(time.monotonic() - started, 1)

    def tail(self, result):
        return (result.stdout[-2500:] + result.stderr[-2500:]).strip()

    def under_faults(self, seed, run):
        """``run()``, a playbook run (weather.Run), under weather.py's faults: it must pass, calling only in the
        faulted scopes. Its facts."""
        add_weather(self.localaws.control, seed)
        try:
            outcome = run()
            facts = dict(outcome.summary(), injected=injected(self.localaws.control))
        finally:
            self.localaws.control.clear_faults()
        assert outcome.ok, outcome.explain()
        outside = sorted({f"{c['account']}:{c['service']}" for c in outcome.calls} - set(scopes()))
        assert not outside, f"calls outside the faulted scopes: {outside}"
        return facts

    def teardown_under_faults(self, seed):
        """The teardown, under faults, leaves the lab alone."""
        self.runs += 1
        facts = self.under_faults(seed, lambda: run_under(self.localaws, self.ansible, f"{self.playbook}_teardown.yml"))
        left = difference(snapshot(self.localaws), self.baseline)
        assert not left, f"{self.playbook}_teardown.yml under faults left resources of ours (or took the lab's): {json.dumps(left, indent=1)}"
        return facts

    def reference(self, seed):
        self.localaws.control.restore(LAB_SNAPSHOT)
        record = self.tmp / f"{self.playbook}-reference.jsonl"
        start = self.localaws.control.mark()

        def whole_run():
            result, seconds = self.run(self.playbook, extra_vars={}, CROSSVPC_RECORD_TASKS=record)
            return Run(f"{self.playbook}.yml", result, self.localaws.control.calls(start), seconds)

        faults = self.under_faults(seed, whole_run)
        end = self.localaws.control.mark()
        tasks = [json.loads(line) for line in record.read_text().splitlines()]
        assert [t["index"] for t in tasks] == list(range(1, len(tasks) + 1)) and all(t["seq"] is not None for t in tasks), tasks
        snap = snapshot(self.localaws)
        assert not duplicates(snap), f"the uninterrupted run under faults made duplicates: {duplicates(snap)}"
        assert difference(snap, self.baseline), f"{self.playbook}.yml made nothing"
        self.localaws.control.restore(LAB_SNAPSHOT)
        return Reference(self.playbook, tasks, self.localaws.control.calls(start), start, end, snap, faults["wall_s"], faults)

    def kill_env(self, point, record):
        env = {"CROSSVPC_RECORD_TASKS": record}
        if point["kind"] == "boundary":
            return dict(env, CROSSVPC_KILL_AT_TASK=point["index"])
        fault = {"kind": "throttle", "service": "*", "action": point["describe"], "account": point["account"],
                 "count": FAILED_WAIT_CALLS, "after": point["create"]}
        return dict(env, CROSSVPC_KILL_IN_WAIT=point["name"], CROSSVPC_KILL_DELAY="0.2",
                    CROSSVPC_KILL_AFTER_CALL=point["describe"], CROSSVPC_KILL_FAULT=json.dumps(fault),
                    CROSSVPC_KILL_AFTER_CREATES="%s:%d" % (point["create"] or "", point["creates_before"]))

    def check_killed(self, point, reference, record, mark):
        """The run died where it was told to, all of it, and the chain has made exactly the reference's
        changes up to this point: up to the boundary, or for a wait every change of the task before
        its wait and none beyond the task's own (the task's other hosts run on while one waits)."""
        lines = [json.loads(line) for line in record.read_text().splitlines()]
        killed = [line for line in lines if "killed" in line]
        assert len(killed) == 1 and killed[0]["index"] == point["index"], f"the plugin did not kill at task {point['index']}: {lines[-3:]}"
        members = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _pgid(p) == killed[0]["pgid"]]
        assert not members, f"processes of the killed run still run: {[p.name for p in members]}"
        calls = self.localaws.control.calls(mark)
        done = Counter(mutations(calls, mark, 10 ** 12))
        self.made += done
        if point["kind"] == "boundary":
            expected = reference.made_by(point["seq"])
            assert self.made == expected, f"the changes made so far differ from the reference's up to this boundary: {self.made} != {expected}"
        else:
            low, high = reference.made_by(point["describe_seq"]), reference.made_by(reference.task_range(point["index"])[1])
            assert low <= self.made <= high, (f"the changes made so far are not the reference's up to this wait "
                                              f"(at least {low}, at most {high}): {self.made}")
        facts = {"mutations": sum(done.values())}
        if point["kind"] == "wait":
            [started] = [line["seq"] for line in lines if line.get("index") == point["index"] and "killed" not in line]
            creates = [c for c in calls if c["seq"] > started and c["account"] == point["account"] and c["action"] == point["create"]]
            assert creates, f"killed before the wait's {point['create']}: {killed[0]}"
            reads = [c for c in calls if c["seq"] > creates[0]["seq"] and c["account"] == point["account"] and c["action"] == point["describe"]]
            assert reads and all(c.get("fault") for c in reads), (
                f"the kill did not land in the wait (its {point['describe']} calls after {point['create']}: {reads})")
            facts["wait_calls_before_kill"] = len(reads)
        return facts

    def kill(self, point, reference):
        record = self.tmp / f"{self.playbook}-{self.runs}.jsonl"
        mark = self.localaws.control.mark()
        try:
            killed, seconds = self.run(self.playbook, **self.kill_env(point, record))
        finally:
            self.localaws.control.clear_faults()
        assert killed.returncode == -9, f"expected the run to be killed (rc -9), got rc {killed.returncode}:\n{self.tail(killed)}"
        return dict(self.check_killed(point, reference, record, mark), seconds=seconds)

    def rerun_to_the_end(self, reference):
        """An uninterrupted rerun: exactly the reference's remaining changes, its end state, nothing twice."""
        mark = self.localaws.control.mark()
        rerun, seconds = self.run(self.playbook)
        assert rerun.returncode == 0, f"the rerun failed:\n{self.tail(rerun)}"
        self.made += Counter(mutations(self.localaws.control.calls(mark), mark, 10 ** 12))
        snap = snapshot(self.localaws)
        twice = duplicates(snap)
        assert not twice, f"duplicates after the rerun: {json.dumps(twice, indent=1)}"
        expected = reference.made_by(reference.end)
        assert self.made == expected, f"the chain's changes differ from the uninterrupted run's: {self.made} != {expected}"
        diff = difference(snap, reference.snap)
        assert not diff, f"the end state differs from the uninterrupted run's: {json.dumps(diff, indent=1)}"
        return seconds


def _pgid(proc):
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


@pytest.fixture(scope="module")
def baseline(localaws, lab):
    """A snapshot of the worker's lab (conftest) alone."""
    localaws.control.restore(LAB_SNAPSHOT)
    return snapshot(localaws)


def position(point):
    """Where a kill point falls in the reference run's call log: the task start for a boundary,
    the wait's first describe for a wait (every change of the task before its wait is made)."""
    return point["seq"] if point["kind"] == "boundary" else point["describe_seq"]


def chain_order(point):
    """A wait whose describe was the task's last call comes before the next task's boundary."""
    return position(point), point["index"]


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_crash_and_rerun(localaws, ansible, baseline, tmp_path, playbook):
    """Every kill point of one playbook in one chain of runs, each killed at the next point.

    Each run is killed at the next point having brought the chain's changes (per account and action,
    from the call log) to exactly the reference's up to that point: at a boundary, those before it;
    in a wait, every change of its task before the wait and none beyond the task's own (the task's
    other hosts go on while one waits). So each run starts from the state a kill at the previous
    point leaves and, by induction, every kill point's rerun is checked; the last, uninterrupted,
    rerun must bring them to the reference's total and its end state, nothing made twice. One
    partial run per kill point instead of a kill, a full rerun and a teardown each. Then the
    teardown, under faults as the reference run was, leaves the lab alone.
    """
    started = time.monotonic()
    crash = Crash(localaws, ansible, baseline, tmp_path, playbook)
    seed = PLAYBOOKS[playbook]["fault_seed"]
    reference = crash.reference(seed)
    faults = {"playbook": f"{playbook}.yml", "seed": seed, "rules": [{"kind": kind, "rate": round(rate, 4)} for kind, rate in WEATHER],
              "scopes": scopes(), "converge": reference.faults}
    write(f"faults-{playbook}", faults)
    boundaries, covered = reference.kill_points()
    waits = reference.waits(PLAYBOOKS[playbook]["waits"])
    all_waits = os.environ.get("CROSSVPC_CRASH_WAITS", "distinct") == "all"
    # A wait in a task that changes nothing (a read-back) leaves the server as the boundary before the task did.
    wait_covered = [dict(w, equivalent_to=w["next_boundary"], proof=f"no mutating call from {w['create'] or 'the task start'} "
                         "to the next boundary in the reference run") for w in waits if not (w["create"] and (w["distinct"] or all_waits))]
    points = sorted(boundaries + [w for w in waits if w["create"] and (w["distinct"] or all_waits)], key=chain_order)
    tried, failures = [], []
    for point in points:
        try:
            outcome = crash.kill(point, reference)
        except AssertionError as error:
            failures.append(f"{playbook}.yml, kill at {point['id']} ({point['name']}): {error}")
            outcome = {"failed": str(error)[:4000]}
            localaws.control.restore(LAB_SNAPSHOT)  # the chain starts again from the bare lab
            crash.made = Counter()
        tried.append(dict(point, **outcome))
    rerun_seconds = None
    try:
        rerun_seconds = crash.rerun_to_the_end(reference)
        faults["teardown"] = crash.teardown_under_faults(seed)
        write(f"faults-{playbook}", faults)
    except AssertionError as error:
        failures.append(f"{playbook}.yml, the last rerun and teardown under faults: {error}")
        localaws.control.restore(LAB_SNAPSHOT)
    summary = {
        "playbook": playbook, "boundaries_total": len(reference.tasks),
        "boundaries_killed": [p for p in tried if p["kind"] == "boundary"],
        "boundaries_covered_by_equivalence": covered,
        "waits_killed": [p for p in tried if p["kind"] == "wait"],
        "waits_covered_by_equivalence": wait_covered,
        "duplicates_found": sum("duplicates after the rerun" in f for f in failures), "failures": failures,
        "seconds": {"reference_run": reference.seconds, "last_rerun": rerun_seconds, "teardown_under_faults": (faults.get("teardown") or {}).get("wall_s"),
                    "test": round(time.monotonic() - started, 1), "ansible_runs": crash.runs},
    }
    summary["counts"] = {key: len(summary[key]) for key in (
        "boundaries_killed", "boundaries_covered_by_equivalence", "waits_killed", "waits_covered_by_equivalence", "failures")}
    summary["counts"]["boundaries_total"] = summary["boundaries_total"]
    write(f"crash-{playbook}", summary)
    assert not failures, "\n\n".join(failures)


def write(name, summary):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / f"{name}.json").write_text(json.dumps(summary, indent=1))
