"""A small client for the control routes, for the CLI, tests and benchmarks (standard library only)."""

import json
import urllib.request
from collections import Counter


class LocalAWS:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def _call(self, method, name, payload=None, timeout=10):
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.url}/_localaws/{name}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def health(self, timeout=2):
        return self._call("GET", "health", timeout=timeout)

    def calls(self, since=0):
        """Calls after sequence number ``since``, oldest first."""
        return self._call("GET", f"calls?since={int(since)}")["calls"]

    def mark(self):
        """The sequence number of the last call so far: pass it to calls() to see what follows."""
        return self._call("GET", "calls?since=999999999999")["last"]

    def mutating_calls(self, since=0):
        return [c for c in self.calls(since) if c["mutating"]]

    def add_fault(self, **rule):
        return self._call("POST", "faults", rule)

    def faults(self):
        return self._call("GET", "faults")["rules"]

    def clear_faults(self):
        return self._call("DELETE", "faults")

    def enforce_iam(self, enforce=True):
        """Authorize the calls of IAM users and non-admin roles against their policies (authz.py)."""
        return self._call("POST", "iam", {"enforce": bool(enforce)})["enforce"]

    def iam_enforced(self):
        return self._call("GET", "iam?since=999999999999")["enforce"]

    def iam_decisions(self, since=0):
        """Enforcement decisions about restricted callers after sequence number ``since``, oldest first:
        principal, account, action (ec2:CreateVpc), decision (allow/deny/explicit-deny/untrusted)."""
        return self._call("GET", f"iam?since={int(since)}")["decisions"]

    def iam_mark(self):
        return self._call("GET", "iam?since=999999999999")["last"]

    def save(self, name):
        """Snapshot every account's resources as ``name`` (the call log and fault rules are not part of it)."""
        return self._call("PUT", f"snapshots/{name}", timeout=60)

    def restore(self, name):
        """Put every account's resources back as they were when ``name`` was saved."""
        return self._call("POST", f"snapshots/{name}", timeout=60)

    def export(self, name, path):
        """Write the saved snapshot ``name`` to the file ``path``, for this server or another to ``load``."""
        return self._call("PUT", f"snapshots/{name}/file", {"path": str(path)}, timeout=120)

    def load(self, name, path):
        """Read a snapshot file written by ``export`` as the saved snapshot ``name`` (then ``restore`` it)."""
        return self._call("POST", f"snapshots/{name}/file", {"path": str(path)}, timeout=120)

    def snapshots(self):
        return self._call("GET", "snapshots")["snapshots"]

    def forget(self, name):
        return self._call("DELETE", f"snapshots/{name}")

    def reset(self):
        return self._call("POST", "reset")


def summarize(calls):
    """Rows of (account, service, action, mutating, count), most frequent first."""
    counts = Counter((c["account"], c["service"], c["action"], c["mutating"]) for c in calls)
    return [(*key, n) for key, n in counts.most_common()]
