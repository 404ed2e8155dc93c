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

from conftest import REPO
from localaws import ACCOUNT_A, ACCOUNT_B

POLICIES = REPO / "policies"
PLAYBOOKS = REPO / "playbooks"
INVENTORY = REPO / "inventories" / "local"
OUTPUT = REPO / "tests" / "output" / "reliability"

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
    hosts["account_a_spoke"] = dict(hosts["account_a"])
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

    def delete_roles(self):
        for role in ROLES:
            iam = self.iam(role)
            iam.delete_role_policy(RoleName=iam_role_name(role), PolicyName="least-privilege")
            iam.delete_role(RoleName=iam_role_name(role))

    def set_policy(self, role, document):
        self.iam(role).put_role_policy(RoleName=iam_role_name(role), PolicyName="least-privilege",
                                       PolicyDocument=json.dumps(document))

    def run(self, play, restricted=(), fatal=False, teardown=False):
        path = self.directory / f"{play}-{'-'.join(restricted) or 'admin'}.json"
        path.write_text(json.dumps(inventory(play, restricted)))
        env = {"AWS_CONFIG_FILE": str(self.config)}
        if fatal:  # stop the whole run at the first refusal: the state stays where it was refused
            env["ANSIBLE_ANY_ERRORS_FATAL"] = "1"
        return self.ansible(PLAYBOOKS / f"{play}{'_teardown' if teardown else ''}.yml", inventory=path, env=env)

    def teardown(self, play):
        result = self.run(play, teardown=True)
        assert result.returncode == 0, output(result)

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


def assert_refused_at(least, play, role, action, mark, result):
    """The run failed, the first refusal of the role was this action, and the failed task's message
    (what the user reads, not a traceback) names it with AWS's refusal code."""
    denied = [d for d in least.decisions(mark, role) if d["decision"] != "allow"]
    assert result.returncode != 0, f"{play} passed without {action} for {role}:\n{output(result)}"
    assert denied and denied[0]["action"] == action, (action, denied[:3])
    messages = [str(o.get("msg")) for _task, _host, outcome in result.tasks() if outcome.get("failed")
                for o in [outcome] + outcome.get("results", [])]  # a loop's items carry their own msg
    assert any(f"perform: {action} " in m and any(code in m for code in REFUSALS) for m in messages), output(result)


@pytest.fixture(scope="module")
def least(localaws, ansible, lab, tmp_path_factory):
    least = Least(localaws, ansible, tmp_path_factory.mktemp("least-privilege"))
    least.create_roles()
    localaws.control.enforce_iam(True)
    try:
        yield least
    finally:
        localaws.control.enforce_iam(False)
        least.delete_roles()


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
def test_play_passes_under_its_policies_and_fails_without_any_one_of_their_actions(least, play):
    """The play passes with its roles restricted, first run and no-op rerun, using exactly their
    policies' actions; then each (role, action) is removed alone, in the order of first use.

    Removals go in that order without a teardown in between: a run refused at action k leaves the
    state a first run had just before k, so the next run, with k given back and k+1 removed, redoes
    the prefix as a no-op rerun (reads only), makes k's change and stops at k+1. That costs one
    partial run per action instead of a build and a teardown each. Actions that only a rerun uses
    (reads of what now exists) come last; a run that then passes is run once more, as that rerun.
    """
    roles = PLAYS[play][0]
    for role in roles:
        least.set_policy(role, policy_of(role))
    mark = least.localaws.control.iam_mark()
    first = least.run(play, roles)
    assert first.returncode == 0, output(first)
    again = least.run(play, roles)
    assert again.returncode == 0 and again.changed() == 0, output(again)
    for role in roles:
        used = least.decisions(mark, role)
        assert {d["decision"] for d in used} == {"allow"}, role
        # Every action in the policy was used and none was refused: the policy is what the play calls.
        calls, listed = set(first_use(used)), set(actions_of(policy_of(role)))
        assert calls == listed, f"{role}: used, not listed: {sorted(calls - listed)}; listed, unused: {sorted(listed - calls)}"
    steps = []  # (role, action) in the order of first use, rerun-only reads last
    for decision in least.localaws.control.iam_decisions(mark):
        role = next((r for r in roles if decision["principal"].startswith(principal_prefix(r))), None)
        if role and decision["action"] != "sts:GetCallerIdentity" and (role, decision["action"]) not in steps:
            steps.append((role, decision["action"]))
    least.teardown(play)

    refused, reruns = [], 0
    try:
        for role, action in steps:
            least.set_policy(role, without(policy_of(role), action))
            mark = least.localaws.control.iam_mark()
            result = least.run(play, roles, fatal=True)
            if result.returncode == 0:  # a read only a rerun makes: this was the first run's end
                reruns += 1
                result = least.run(play, roles, fatal=True)
            assert_refused_at(least, play, role, action, mark, result)
            least.set_policy(role, policy_of(role))
            refused.append(f"{role} {action}")
    finally:
        for role in roles:
            least.set_policy(role, policy_of(role))
        least.teardown(play)
        summary = {"play": play, "actions": len(steps), "refused_at_the_action": len(refused),
                   "reruns_needed": reruns, "refused": refused}
        OUTPUT.mkdir(parents=True, exist_ok=True)
        (OUTPUT / f"least-privilege-{play}.json").write_text(json.dumps(summary, indent=2))
    assert len(refused) == len(steps)
