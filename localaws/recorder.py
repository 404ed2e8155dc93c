"""Call log and fault rules, hooked into moto's request dispatch.

Every request that reaches a moto service passes through ``BaseResponse.call_action`` once the
service, action, region and account are known. Wrapping it there (rather than parsing requests in
a WSGI middleware) gives the same action names for every protocol, query and rest-json alike.
"""

import random
import threading
import time

from localaws.errors import error_code_of, error_response
from localaws.snapshots import STATE_LOCK

READ_PREFIXES = ("Describe", "Get", "List", "Search", "Lookup")
# Authentication calls change no resource; counting them as mutating would hide real mutations.
NOT_MUTATING = frozenset({"AssumeRole", "GetCallerIdentity", "GetSessionToken"})

# What each kind of fault answers with, per service protocol family: (code, HTTP status).
FAULTS = {
    "throttle": {"ec2": ("RequestLimitExceeded", 503), "*": ("Throttling", 400),
                 "json": ("ThrottlingException", 400)},
    "server": {"ec2": ("InternalError", 500), "*": ("InternalFailure", 500),
               "json": ("InternalFailure", 500)},
    "unavailable": {"ec2": ("Unavailable", 503), "*": ("ServiceUnavailable", 503),
                    "json": ("ServiceUnavailableException", 503)},
}


def is_mutating(action):
    return not (action.startswith(READ_PREFIXES) or action in NOT_MUTATING)


class CallLog:
    """Every request, in order, with a sequence number so readers can ask for what came since."""

    def __init__(self):
        self._lock = threading.Lock()
        self._calls = []
        self._next = 1

    def record(self, **call):
        with self._lock:
            call["seq"] = self._next
            self._next += 1
            self._calls.append(call)

    def since(self, seq=0):
        with self._lock:
            return [dict(c) for c in self._calls if c["seq"] > seq], self._next - 1

    def clear(self):
        with self._lock:
            self._calls.clear()


class FaultRules:
    """Rules that make matching calls fail, for a count of calls or a share of them."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._ids = 0

    def add(self, kind="throttle", service="*", action="*", account="*", count=None, rate=None,
            code=None, status=None, message=None, seed=None, after=None):
        """``after``: the rule sleeps until a call of that action (in its service and account) arrives,
        e.g. fail the describes of a wait that follows a create, however many describes came before."""
        if kind not in FAULTS and not code:
            raise ValueError(f"kind must be one of {sorted(FAULTS)} or a code must be given")
        if count is None and rate is None:
            count = 1
        if rate is not None and not 0 < float(rate) <= 1:
            raise ValueError("rate must be in (0, 1]")
        with self._lock:
            self._ids += 1
            rule = {"id": self._ids, "kind": kind, "service": service, "action": action,
                    "account": account, "count": count, "rate": rate, "code": code,
                    "status": status, "message": message, "after": after, "hits": 0,
                    "_awake": not after,
                    "_random": random.Random(seed if seed is not None else self._ids)}
            self._rules.append(rule)
            return self._public(rule)

    @staticmethod
    def _public(rule):
        return {k: v for k, v in rule.items() if not k.startswith("_")}

    def list(self):
        with self._lock:
            return [self._public(r) for r in self._rules]

    def clear(self):
        with self._lock:
            self._rules.clear()

    def match(self, account, service, action):
        """The rule that fires for this call, if any (spends one of its count)."""
        with self._lock:
            for rule in self._rules:
                if not all(rule[k] in ("*", v) for k, v in
                           (("service", service), ("account", account))):
                    continue
                if not rule["_awake"]:
                    rule["_awake"] = action == rule["after"]
                    continue
                if rule["action"] not in ("*", action):
                    continue
                if rule["count"] is not None:
                    if rule["count"] <= rule["hits"]:
                        continue
                elif rule["_random"].random() >= float(rule["rate"]):
                    continue
                rule["hits"] += 1
                return self._public(rule)
        return None


def fault_response(rule, service, action):
    from localaws.errors import protocol_of

    protocol = protocol_of(service)
    family = "ec2" if protocol == "ec2" else "json" if "json" in protocol else "*"
    code, status = FAULTS.get(rule["kind"], {}).get(family, (None, 400))
    code = rule["code"] or code
    status = rule["status"] or status
    message = rule["message"] or f"localaws fault rule {rule['id']} on {service}:{action}"
    return error_response(service, code, message, int(status))


CALLS = CallLog()
FAULT_RULES = FaultRules()


def install(reject_request=None):
    """Wrap moto's dispatch. ``reject_request(response)`` may return an error to send instead."""
    from moto.core.responses import BaseResponse

    original = BaseResponse.call_action
    if getattr(original, "_localaws", False):
        return

    def call_action(self):
        action = self._get_action() or "?"
        service = self.boto3_service_name
        account = self.current_account
        started = time.monotonic()
        entry = {"account": account, "region": self.region, "service": service,
                 "action": action, "mutating": is_mutating(action), "fault": None}
        try:
            rule = FAULT_RULES.match(account, service, action)
            if rule:
                entry["fault"] = rule["id"]
                result = fault_response(rule, service, action)
            else:
                with STATE_LOCK:  # one request at a time against the state a snapshot copies
                    result = (reject_request and reject_request(self)) or original(self)
        except Exception:
            entry.update(status=500, error="InternalError: localaws/moto crashed",
                         ms=round((time.monotonic() - started) * 1000, 1))
            CALLS.record(**entry)
            raise
        status = int(result[0])
        entry.update(status=status, error=error_code_of(result[2]) if status >= 400 else None,
                     ms=round((time.monotonic() - started) * 1000, 1))
        CALLS.record(**entry)
        return result

    call_action._localaws = True
    BaseResponse.call_action = call_action
