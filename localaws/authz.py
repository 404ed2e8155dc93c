"""IAM enforcement for the principals made in the local AWS, switched on at run time.

Stock moto can authorize requests (``INITIAL_NO_AUTH_ACTION_COUNT``, ``/moto-api/reset-auth``), but
only all or nothing: switched on, it also checks account A's static keys, which belong to no IAM
user, and the ``crossvpc-local-admin`` sessions, whose role exists in no account, so every other
request of the lab and the tests is refused. It also answers EC2 with ``AccessDenied`` where AWS
says ``UnauthorizedOperation``, and checks a role's trust policy only within one account.

So localaws keeps moto's switch off and decides here, in the request hook of ``recorder.py``:

* account A's static keys and ``crossvpc-local-admin`` sessions (the lab's admins) are never
  restricted;
* while enforcement is on, every other caller (an IAM user's access key, or a session of any
  other role, in any account) is authorized against its identity policies (inline, attached and,
  for users, its groups'), with moto's own policy evaluation (``IAMPolicy``: Allow and Deny,
  Action/NotAction wildcards, Resource), an explicit Deny winning; ``sts:GetCallerIdentity`` is
  always allowed, as on AWS;
* ``sts:AssumeRole`` of a role other than the lab's admin role, by any caller (admins too), also
  needs that role to exist and its trust policy to name the caller (``*``, the account id, ``arn:aws:iam::ACCOUNT:root``, or
  the caller's ARN), the same account or another;
* a create call that carries tags is also authorized for the tagging action, as AWS does for EC2
  (``ec2:CreateTags`` with ``TagSpecification``) and ELB (``elasticloadbalancing:AddTags``);
* a refusal answers as AWS does: EC2 ``UnauthorizedOperation``, query APIs ``AccessDenied``, JSON
  APIs ``AccessDeniedException``, HTTP 403, with a message that names the caller and the action.

The IAM action is the service's signing name and the API operation: ``ec2:CreateVpcEndpoint``,
``elasticloadbalancing:CreateLoadBalancer``, ``ram:CreateResourceShare``. Every decision about a
restricted caller is kept in a log (``decisions``), which is how a policy's action list is derived.
Not modelled: resource-level permissions and conditions in identity policies (moto matches
Resource against ``*`` only), session policies, permission boundaries, SCPs, signatures.
"""

import json
import threading
from functools import lru_cache

from localaws.errors import error_response, protocol_of
from localaws.iam import ADMIN_ROLE_NAME, STATIC_KEYS

ALWAYS_ALLOWED = frozenset({"sts:GetCallerIdentity"})


class Enforcement:
    """Whether enforcement is on, and every decision taken about a restricted caller."""

    def __init__(self):
        self._lock = threading.Lock()
        self.enabled = False
        self._decisions = []
        self._next = 1

    def set(self, enabled):
        with self._lock:
            self.enabled = bool(enabled)
            return self.enabled

    def record(self, **decision):
        with self._lock:
            decision["seq"] = self._next
            self._next += 1
            self._decisions.append(decision)

    def since(self, seq=0):
        with self._lock:
            return [dict(d) for d in self._decisions if d["seq"] > seq], self._next - 1

    def clear(self):
        with self._lock:
            self._decisions.clear()
            self.enabled = False


ENFORCEMENT = Enforcement()


@lru_cache(maxsize=None)
def action_prefix(service):
    """The prefix of a service's IAM actions: its SigV4 signing name (elbv2 -> elasticloadbalancing)."""
    import botocore.session

    try:
        return botocore.session.get_session().get_service_model(service).signing_name
    except Exception:
        return service


class Caller:
    """Who signed a request: ARN, account, the names a trust policy may give it, and its identity
    policies (None for the lab's admins, who are never restricted)."""

    def __init__(self, arn, account, names, policies=None):
        self.arn, self.account, self.names, self.policies = arn, account, names, policies


def caller_of(response):
    """The Caller behind a request, or None for a key no account knows (iam.py refuses those)."""
    from moto.iam.access_control import CreateAccessKeyFailure, create_access_key
    from moto.utilities.utils import get_partition

    key = response.get_access_key()
    account = response.current_account
    partition = get_partition(response.region)
    root = f"arn:{partition}:iam::{account}:root"
    if key in STATIC_KEYS:
        return Caller(root, account, {root, account, "*"})
    try:
        access_key = create_access_key(account_id=account, partition=partition, access_key_id=key,
                                       headers=response.headers)
    except CreateAccessKeyFailure:
        return None
    names = {access_key.arn, root, account, "*"}
    role_name = getattr(access_key, "_owner_role_name", None)
    if role_name is not None:
        names.add(f"arn:{partition}:iam::{account}:role/{role_name}")
        if role_name == ADMIN_ROLE_NAME:
            return Caller(access_key.arn, account, names)
    return Caller(access_key.arn, account, names, access_key.collect_policies())


def evaluate(policies, action, resource="*"):
    """allow, deny (no statement allows) or explicit-deny, with moto's policy evaluation."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    results = {IAMPolicy(policy).is_action_permitted(action, resource) for policy in policies}
    if PermissionResult.DENIED in results:
        return "explicit-deny"
    return "allow" if PermissionResult.PERMITTED in results else "deny"


def trusts(role, caller):
    """True when the role's trust policy lets the caller call sts:AssumeRole."""
    try:
        document = json.loads(role.assume_role_policy_document)
    except (TypeError, ValueError):
        return False
    statements = document.get("Statement", [])
    allowed = False
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        if not any(a in ("sts:AssumeRole", "sts:*", "*") for a in actions):
            continue
        principal = statement.get("Principal", {})
        named = principal if isinstance(principal, str) else principal.get("AWS", [])
        named = {named} if isinstance(named, str) else set(named)
        if named & caller.names:
            if statement.get("Effect") == "Deny":
                return False
            allowed = True
    return allowed


def assume_role_refusal(response, caller):
    """Why sts:AssumeRole of the requested role is refused (None if allowed)."""
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    role_arn = response.querystring.get("RoleArn", [""])[0]
    parts = role_arn.split(":")
    if len(parts) < 6 or parts[5] == f"role/{ADMIN_ROLE_NAME}":
        return None
    try:
        role = iam_backends[parts[4]][get_partition(response.region)].get_role_by_arn(role_arn)
    except NotFoundException:
        return f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
    if not trusts(role, caller):
        return (f"User: {caller.arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn} "
                "because the role's trust policy does not allow it")
    return None


def denial(service, message):
    """The error AWS answers with when IAM refuses a call, in the service's protocol."""
    protocol = protocol_of(service)
    if protocol == "ec2":
        return error_response(service, "UnauthorizedOperation",
                              f"You are not authorized to perform this operation. {message}", 403)
    code = "AccessDeniedException" if "json" in protocol else "AccessDenied"
    return error_response(service, code, message, 403)


def tag_on_create(response, service, api_action):
    """The tagging action AWS also authorizes when a create call carries tags (EC2, ELB), or None."""
    keys = response.querystring.keys()
    if service == "ec2" and any(k.startswith("TagSpecification.") for k in keys):
        return "ec2:CreateTags"
    if service == "elbv2" and api_action.startswith("Create") and any(k.startswith("Tags.member.") for k in keys):
        return "elasticloadbalancing:AddTags"
    return None


def refusal(caller, action, decision):
    why = (f"because no identity-based policy allows the {action} action" if decision == "deny"
           else "with an explicit deny in an identity-based policy")
    return f"User: {caller.arn} is not authorized to perform: {action} {why}"


def reject_unauthorized(response):
    """An AWS-shaped refusal when enforcement is on and the caller may not make this call, else None."""
    if not ENFORCEMENT.enabled:
        return None
    caller = caller_of(response)
    if caller is None:
        return None
    service = response.boto3_service_name
    api_action = response._get_action()
    action = f"{action_prefix(service)}:{api_action}"
    message = None
    if caller.policies is not None:
        resource = response._determine_resource() if hasattr(response, "_determine_resource") else "*"
        checks = [(action, None), (tag_on_create(response, service, api_action), action)]
        for checked, via in (c for c in checks if c[0]):
            decision = "allow" if checked in ALWAYS_ALLOWED else evaluate(caller.policies, checked, resource)
            ENFORCEMENT.record(principal=caller.arn, account=caller.account, action=checked, decision=decision,
                               **({"via": via} if via else {}))
            if decision != "allow":
                message = refusal(caller, checked, decision)
                break
    if message is None and action == "sts:AssumeRole":
        message = assume_role_refusal(response, caller)
        if message:
            ENFORCEMENT.record(principal=caller.arn, account=caller.account, action=action, decision="untrusted")
    return None if message is None else denial(service, message)


def reject_request(response):
    """The request hook localaws installs: a region that does not exist first (AWS checks the
    credential scope before the key), then unknown keys, then IAM enforcement."""
    from localaws.iam import reject_unknown_key
    from localaws.regions import reject_unknown_region

    return reject_unknown_region(response) or reject_unknown_key(response) or reject_unauthorized(response)
