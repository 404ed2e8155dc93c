"""Weather for the reliability tests: the local AWS throttles 30% of every call and answers 5% with a 5xx,
in both lab accounts, from one seeded stream per (account, service), so that the hosts Ansible runs in
parallel don't shuffle each other's draws and a failing run fails the same way again. A run under it
(``run``) keeps the calls it made, faults included, to sum up or to explain a failure.
"""

import time
from collections import Counter

from conftest import REPO
from localaws import ACCOUNT_A, ACCOUNT_B

PLAYBOOKS = REPO / "playbooks"
PROFILES = {ACCOUNT_A: "crossvpc-a", ACCOUNT_B: "crossvpc-b"}
# Every service the lab and the playbooks call, in both accounts (AssumeRole into B is made by A).
SERVICES = ("ec2", "elbv2", "ram", "sts", "iam", "ecs", "eks")
# 30% throttling and 5% 5xx of all calls, in every scope. Rules are tried in order and the first that fires
# answers, so each later rate is scaled up by what the earlier ones took.
WEATHER = (("server", 0.025), ("unavailable", 0.025 / 0.975), ("throttle", 0.30 / 0.95))


def scopes():
    return [f"{a}:{s}" for a in PROFILES for s in SERVICES]


def add_weather(control, seed):
    """The fault rules, one seeded stream per (account, service)."""
    rules = []
    for n, (account, service) in enumerate((a, s) for a in PROFILES for s in SERVICES):
        for k, (kind, rate) in enumerate(WEATHER):
            rules.append(control.add_fault(kind=kind, service=service, account=account, rate=rate,
                                           seed=seed * 1000 + n * 10 + k))
    return rules


def injected(control):
    hits = Counter()
    for rule in control.faults():
        hits[rule["code"] or rule["kind"]] += rule["hits"]
    return dict(hits)


class Run:
    def __init__(self, name, result, calls, wall):
        self.name, self.result, self.calls, self.wall = name, result, calls, wall

    @property
    def ok(self):
        return self.result.returncode == 0

    def failures(self):
        return [(task, host, result) for task, host, result in self.result.tasks()
                if result.get("failed") or result.get("unreachable")]

    def mutating(self):
        return [(c["account"], c["service"], c["action"]) for c in self.calls if c["mutating"]]

    def longest_fault_streak(self):
        """Most faults in a row on one (account, service, action): botocore itself makes 3 attempts, so a
        streak of 3 or more reached our own retry (module_utils/aws.py RETRY)."""
        streak, longest = Counter(), 0
        for c in self.calls:
            key = (c["account"], c["service"], c["action"])
            streak[key] = streak[key] + 1 if c["fault"] else 0
            longest = max(longest, streak[key])
        return longest

    def summary(self):
        faulted = [c for c in self.calls if c["fault"]]
        return {"wall_s": round(self.wall, 1), "returncode": self.result.returncode, "calls": len(self.calls),
                "mutating_calls": len(self.mutating()), "faulted_calls": len(faulted),
                "faults_by_code": dict(Counter(c["error"] for c in faulted)),
                "longest_fault_streak": self.longest_fault_streak(), "changed": self.result.changed()}

    def explain(self):
        """Which task failed with what, and the calls that led there (faults included)."""
        lines = [f"{self.name}: rc={self.result.returncode} {self.summary()}"]
        for task, host, result in self.failures():
            lines.append(f"FAILED {host}: {task}: {result.get('error_code', '')} {result.get('msg', '')}"[:2000])
        errors = [c for c in self.calls if c.get("error") and not c["fault"]]
        lines += [f"error not injected: {c['account']} {c['service']}:{c['action']} {c['status']} {c['error']}"
                  for c in errors[-10:]]
        lines += [f"  #{c['seq']} {c['account']} {c['service']}:{c['action']} {c['status']} "
                  f"{c.get('error') or ''} {'(fault rule %s)' % c['fault'] if c['fault'] else ''}" for c in self.calls[-25:]]
        if not self.result.output:
            lines.append((self.result.stdout + self.result.stderr)[-3000:])
        return "\n".join(lines)


def run(localaws, ansible, playbook, extra_vars=None):
    """``playbook`` (a name in playbooks/) run once, with the calls it made."""
    mark = localaws.control.mark()
    started = time.monotonic()
    result = ansible(PLAYBOOKS / playbook, extra_vars=extra_vars)
    wall = time.monotonic() - started
    return Run(playbook, result, localaws.control.calls(mark), wall)
