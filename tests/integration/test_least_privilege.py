"""Least privilege: each role's shipped IAM policy (policies/) is enough for its play, and each action in it is needed.

The local AWS authorizes the calls of every principal but its own admins against their IAM policies
(localaws/authz.py). Here each role runs as an IAM role of its own, in its own account (provider,
requester and hub in A; consumer, accepter and spoke in B), whose only policy is the shipped one,
reached through a profile that assumes it from account A, as on AWS. The real playbooks run with
a generated inventory in which only that host's aws_profile is the restricted one.

Per playbook (marked reliability: make test-reliability): the play passes with both its roles
restricted, and again as a no-op rerun; each role used exactly its policy's actions (from
localaws's decision log: nothing in a policy goes unused); then every action of every policy is
removed in turn and the play fails at it with AWS's refusal naming it. The default run checks
only that the shipped documents are exact lists.
"""

import json

import pytest
import yaml

from conftest import LAB_SNAPSHOT, REPO, run_module_in_process
from localaws import ACCOUNT_A, ACCOUNT_B

POLICIES = REPO / "policies"
PLAYBOOKS = REPO / "playbooks"
INVENTORY = REPO / "inventories" / "local"
OUTPUT = REPO / "tests" / "output" / "reliability"
CALLBACKS = REPO / "tests" / "reliability" / "callback_plugins"
LEAST_SNAPSHOT = "least-privilege-lab"  # the lab and the restricted roles with their shipped policies

# Policy -> (the host that runs it, its account). account_a_spoke is account A's spoke, kept
# apart from the hub so that the hub's policy is tested alone (it stays admin).
ROLES = {
    "privatelink_provider": ("account_a", ACCOUNT_A),
    "privatelink_consumer": ("account_b", ACCOUNT_B),
    "vpc_peering_requester": ("account_a", ACCOUNT_A),
    "vpc_peering_accepter": ("account_b", ACCOUNT_B),
    "transit_gateway_hub": ("account_a", ACCOUNT_A),
    "transit_gateway_spoke": ("account_b", ACCOUNT_B),
}
PLAYS = {
    "privatelink": (("privatelink_provider", "privatelink_consumer"),
                    {"provider": ["account_a"], "consumer": ["account_b"]}),
    "peering": (("vpc_peering_requester", "vpc_peering_accepter"),
                {"requester": ["account_a"], "accepter": ["account_b"]}),
    "transit_gateway": (("transit_gateway_hub", "transit_gateway_spoke"),
                        {"hub": ["account_a"], "spoke": ["account_a_spoke", "account_b"]}),
}
REFUSALS = ("UnauthorizedOperation", "AccessDenied")  # AccessDeniedException starts with AccessDenied
# Actions a policy holds for a change the lab's play does not make: (play, role, action, module of the
# task that makes the change, the change to that task's recorded arguments). Each is proven on the
# play's end state: the module passes with the whole policy, using the action, and fails without it.
BEYOND_THE_PLAY = [
    # Taking account B off the consumers rejects its live connection (safe defaults: revoking revokes).
    ("privatelink", "privatelink_provider", "ec2:RejectVpcEndpointConnections", "crossvpc.aws.vpc_endpoint_service",
     {"allowed_principals": ["333333333333"]}),
]


def iam_role_name(role):
    return f"crossvpc-least-{role.replace('_', '-')}"


def principal_prefix(role):
    """The start of the ARN the local AWS logs for calls made as the role (assumed-role/<name>/<session>)."""
    return f"arn:aws:sts::{ROLES[role][1]}:assumed-role/{iam_role_name(role)}/"


def profile_of(role):
    return f"least-{role.replace('_', '-')}"


def policy_of(role):
    return json.loads((POLICIES / f"{role}.json").read_text())


def actions_of(document):
    actions = []
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow" and statement["Resource"] == "*", statement
        actions += [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
    return actions


def without(document, action):
    """The policy with one action taken out (a statement left empty is dropped)."""
    statements = []
    for statement in document["Statement"]:
        kept = [a for a in actions_of({"Statement": [statement]}) if a != action]
        if kept:
            statements.append(dict(statement, Action=kept))
    return dict(document, Statement=statements)


def inventory(play, restricted):
    """The local inventory's hosts and settings, grouped for one playbook, with restricted roles' profiles."""
    hosts = {}
    for name in ("account_a", "account_b"):
        data = yaml.safe_load((INVENTORY / f"{name}.yml").read_text())
        hosts[name] = dict(data["all"]["children"]["lab_accounts"]["hosts"][name])
    # Each of account A's two hosts carries only the variables of the part it plays (the preflight
    # refuses a host that sets a role's variables outside the role's groups).
    hosts["account_a_spoke"] = {k: v for k, v in hosts["account_a"].items() if not k.startswith("transit_gateway_hub_")}
    if play == "transit_gateway":
        hosts["account_a"] = {k: v for k, v in hosts["account_a"].items() if not k.startswith("transit_gateway_spoke_")}
    for role in restricted:
        hosts[ROLES[role][0]]["aws_profile"] = profile_of(role)
    common = yaml.safe_load((INVENTORY / "all.yml").read_text())["all"].get("vars", {})
    # The reachability checks at the end of the playbooks read both accounts' networks: they are
    # a test of the lab, not a step of the roles, and no role's policy covers them.
    common = dict(common, reachability_check=False)
    groups = PLAYS[play][1]
    used = sorted({h for members in groups.values() for h in members})
    return {"all": {"vars": common, "hosts": {h: hosts[h] for h in used},
                    "children": {g: {"hosts": {h: {} for h in members}} for g, members in groups.items()}}}


class Least:
    """The restricted roles in the local AWS, and runs of the real playbooks as them."""

    def __init__(self, localaws, ansible, directory):
        self.localaws, self.ansible, self.directory = localaws, ansible, directory
        self.config = directory / "aws-config"
        sections = [(localaws.state_dir / "aws-config").read_text()]
        for role, (_host, account) in ROLES.items():
            sections.append("\n".join([
                f"[profile {profile_of(role)}]",
                f"role_arn = arn:aws:iam::{account}:role/{iam_role_name(role)}",
                "source_profile = crossvpc-a", f"role_session_name = {profile_of(role)}",
                "region = us-east-1", f"endpoint_url = {localaws.url}", ""]))
        self.config.write_text("\n".join(sections))

    def iam(self, role):
        return self.localaws.client("iam", "crossvpc-a" if ROLES[role][1] == ACCOUNT_A else "crossvpc-b")

    def create_roles(self):
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_A}:root"}, "Action": "sts:AssumeRole"}]}
        for role in ROLES:
            self.iam(role).create_role(RoleName=iam_role_name(role), AssumeRolePolicyDocument=json.dumps(trust))
            self.set_policy(role, policy_of(role))

    def set_policy(self, role, document):
        self.iam(role).put_role_policy(RoleName=iam_role_name(role), PolicyName="least-privilege",
                                       PolicyDocument=json.dumps(document))

    def run(self, play, restricted=(), log=None, snapshots=None):
        path = self.directory / f"{play}-{'-'.join(restricted) or 'admin'}.json"
        path.write_text(json.dumps(inventory(play, restricted)))
        env = {"AWS_CONFIG_FILE": str(self.config)}
        if log:
            env.update(ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS), ANSIBLE_CALLBACKS_ENABLED="task_log",
                       CROSSVPC_TASK_LOG=str(log), CROSSVPC_TASK_SNAPSHOTS=snapshots or "")
        return self.ansible(PLAYBOOKS / f"{play}.yml", inventory=path, env=env)

    def module(self, name, args):
        """One module alone, in this process, with the arguments a task ran it with."""
        args = {k: v for k, v in args.items() if v is not None and v != "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
        return run_module_in_process(self.localaws, name, args, env={"AWS_CONFIG_FILE": str(self.config)})

    def decisions(self, mark, role):
        return [d for d in self.localaws.control.iam_decisions(mark) if d["principal"].startswith(principal_prefix(role))]


def output(result):
    """The failed tasks of a run (or the end of its output when it did not get that far)."""
    failed = [f"{host}: {task}: {str(outcome.get('msg'))[:1500]}" for task, host, outcome in result.tasks()
              if outcome.get("failed")]
    return "\n".join(failed) or (result.stdout or "")[-4000:] + (result.stderr or "")[-2000:]


def first_use(decisions):
    """The actions of a decision log, each once, in the order first used."""
    order = []
    for d in decisions:
        if d["action"] not in order and d["action"] != "sts:GetCallerIdentity":
            order.append(d["action"])
    return order


def refusal_messages(results):
    """What the user reads of failed module results (a loop's items carry their own msg)."""
    return [str(o.get("msg")) for outcome in results if outcome.get("failed") for o in [outcome] + outcome.get("results", [])]


def assert_refused_at(least, play, role, action, mark, failed, results):
    """The run failed, the first refusal of the role was this action, and the failed task's message
    (what the user reads, not a traceback) names it with AWS's refusal code."""
    denied = [d for d in least.decisions(mark, role) if d["decision"] != "allow"]
    assert failed, f"{play} passed without {action} for {role}:\n{results}"
    assert denied and denied[0]["action"] == action, (action, denied[:3])
    messages = refusal_messages(results)
    named = [m for m in messages if f"perform: {action} " in m and any(code in m for code in REFUSALS)]
    assert named, "\n".join(messages + [str(r.get("exception", "")) for r in results])


def read_log(path):
    """(task starts by index, module results by task index) from callback_plugins/task_log.py's log."""
    tasks, results = {}, {}
    for entry in map(json.loads, path.read_text().splitlines()):
        if "result" in entry:
            results.setdefault(entry["result"], []).append(entry)
        else:
            tasks[entry["index"]] = entry
    return tasks, results


def task_of(tasks, decision_seq):
    """The task during which the IAM decision with this sequence number was made."""
    started = [t for t in tasks.values() if t["iam"] < decision_seq]
    return max(started, key=lambda t: t["index"]) if started else None


@pytest.fixture(scope="module")
def least(localaws, ansible, lab, tmp_path_factory):
    """The lab with the restricted roles, saved as the snapshot each play's sweep starts from."""
    least = Least(localaws, ansible, tmp_path_factory.mktemp("least-privilege"))
    localaws.control.restore(LAB_SNAPSHOT)
    least.create_roles()
    localaws.control.save(LEAST_SNAPSHOT)
    localaws.control.enforce_iam(True)
    try:
        yield least
    finally:
        localaws.control.enforce_iam(False)
        localaws.control.restore(LAB_SNAPSHOT)
        localaws.control.forget(LEAST_SNAPSHOT)


def test_policies_are_shipped_for_every_role():
    assert sorted(p.stem for p in POLICIES.glob("*.json")) == sorted(ROLES)
    for role in ROLES:
        document = policy_of(role)
        actions = actions_of(document)
        # Sorted, no repeats, no wildcards: a reviewer reads the exact list.
        assert document["Version"] == "2012-10-17" and actions == sorted(set(actions)), role
        assert all(":" in a and "*" not in a for a in actions), role


@pytest.mark.reliability
@pytest.mark.parametrize("play", list(PLAYS))
def test_play_passes_under_its_policies_and_fails_without_any_one_of_their_actions(least, play, tmp_path):
    """The play passes with its roles restricted, first run and no-op rerun, using exactly their
    policies' actions; then each (role, action) is removed alone, and the task that first used it
    fails at it.

    The first run (callback_plugins/task_log.py) records every task's module arguments and saves a
    local AWS snapshot before each task that follows a change. For each action, the sweep restores
    the state its first task started from, removes the action from the policy, and runs that task's
    module with the recorded arguments as the restricted role (its main(), in this process): the
    same module calls, in the same state, as the play would make up to that task, without the run
    of the play up to it. Actions that only the rerun uses start from the first run's end state.
    """
    roles = PLAYS[play][0]
    least.localaws.control.restore(LEAST_SNAPSHOT)
    logs = {"first": tmp_path / "first.jsonl", "rerun": tmp_path / "rerun.jsonl"}
    prefix = f"least-{play}"
    mark = least.localaws.control.iam_mark()
    first = least.run(play, roles, log=logs["first"], snapshots=prefix)
    assert first.returncode == 0, output(first)
    least.localaws.control.save(f"{prefix}-end")
    least.localaws.control.save(f"{prefix}-end-beyond")  # the sweep forgets {prefix}-end
    again = least.run(play, roles, log=logs["rerun"])
    assert again.returncode == 0 and again.changed() == 0, output(again)
    for role in roles:
        used = least.decisions(mark, role)
        assert {d["decision"] for d in used} == {"allow"}, role
        # Every action in the policy was used and none was refused: the policy is what the play calls.
        beyond = {action for p, r, action, _module, _change in BEYOND_THE_PLAY if (p, r) == (play, role)}
        calls, listed = set(first_use(used)), set(actions_of(policy_of(role))) - beyond
        assert calls == listed, f"{role}: used, not listed: {sorted(calls - listed)}; listed, unused: {sorted(listed - calls)}"
    runs = {name: read_log(path) for name, path in logs.items()}
    steps = []  # (role, action, run, task) in the order of first use
    for decision in least.localaws.control.iam_decisions(mark):
        role = next((r for r in roles if decision["principal"].startswith(principal_prefix(r))), None)
        if role and decision["action"] != "sts:GetCallerIdentity" and (role, decision["action"]) not in [s[:2] for s in steps]:
            run = "first" if task_of(runs["rerun"][0], decision["seq"]) is None else "rerun"
            task = task_of(runs[run][0], decision["seq"])
            assert task, f"{role} {decision['action']}: no task of the {run} run made this call"
            steps.append((role, decision["action"], run, task))

    refused, summary_steps = [], []
    try:
        for role, action, run, task in steps:
            snapshot = task["snapshot"] if run == "first" else f"{prefix}-end"
            least.localaws.control.restore(snapshot)  # (the snapshot holds the full policies)
            least.set_policy(role, without(policy_of(role), action))
            mark = least.localaws.control.iam_mark()
            results = []
            for entry in runs[run][1].get(task["index"], []):
                if entry["args"].get("profile") != profile_of(role):
                    continue  # another host's share of the task
                results.append(least.module(entry["module"], entry["args"]))
                if results[-1].get("failed"):
                    break
            assert_refused_at(least, play, role, action, mark, bool(results) and results[-1].get("failed"), results)
            refused.append(f"{role} {action}")
            summary_steps.append({"role": role, "action": action, "run": run, "task": task["name"], "from_snapshot": snapshot})
    finally:
        for name in {t["snapshot"] for t in runs["first"][0].values()} | {f"{prefix}-end"}:
            least.localaws.control.forget(name)
        least.localaws.control.restore(LEAST_SNAPSHOT)
        summary = {"play": play, "actions": len(steps), "refused_at_the_action": len(refused),
                   "refused": refused, "steps": summary_steps}
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / f"least-privilege-{play}.json").write_text(json.dumps(summary, indent=2))
    assert len(refused) == len(steps)
    for _play, role, action, module, change in [b for b in BEYOND_THE_PLAY if b[0] == play]:
        [args] = [e["args"] for entries in runs["first"][1].values() for e in entries
                  if e["module"] == module and e["args"].get("profile") == profile_of(role)][:1]
        for policy, expected in ((policy_of(role), "allow"), (without(policy_of(role), action), "refused")):
            least.localaws.control.restore(f"{prefix}-end-beyond")
            least.set_policy(role, policy)
            mark = least.localaws.control.iam_mark()
            result = least.module(module, dict(args, **change))
            if expected == "allow":
                assert not result.get("failed") and result.get("changed"), result
                assert action in [d["action"] for d in least.decisions(mark, role) if d["decision"] == "allow"]
            else:
                assert_refused_at(least, play, role, action, mark, result.get("failed"), [result])
    least.localaws.control.forget(f"{prefix}-end-beyond")
    least.localaws.control.restore(LEAST_SNAPSHOT)
