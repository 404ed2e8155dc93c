# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The boto3 boundary every crossvpc.aws module shares: clients with retries, error translation,
and the module runner that turns our errors into clean failures.

Modules never catch botocore errors themselves: the reconcilers raise CrossvpcError (or its
InvalidInput subclass, raised before any API call) and run_module() reports it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import botocore
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore itself.

import hashlib
import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

# What check mode returns for an id that only a real run can know, and what a later task in the
# same check-mode run may pass back in: modules then plan against "a resource that will exist".
UNKNOWN = "(known after apply)"

# amazon.aws retries the EC2/query throttling codes; JSON services spell theirs differently.
EXTRA_RETRY_CODES = ["ThrottlingException", "ServiceUnavailableException", "InternalServerException",
                     "RequestThrottled", "TooManyRequests"]
RETRY = AWSRetry.jittered_backoff(retries=8, delay=1, backoff=2, max_delay=20,
                                  catch_extra_error_codes=EXTRA_RETRY_CODES)


class CrossvpcError(Exception):
    """A failure with a message for the user; ``error`` keeps the botocore exception, if any."""

    def __init__(self, message, error=None):
        super(CrossvpcError, self).__init__(message)
        self.message = message
        self.error = error


class InvalidInput(CrossvpcError):
    """Bad input, found before any API call: the message names the parameter, value and fix."""

    def __init__(self, parameter, value, problem, fix=None):
        message = "%s=%r: %s" % (parameter, value, problem)
        if fix:
            message += " " + fix
        super(InvalidInput, self).__init__(message)
        self.parameter = parameter


def error_code(error):
    try:
        return error.response["Error"]["Code"]
    except (AttributeError, KeyError, TypeError):
        return None


def is_not_found(error):
    """AWS and moto spell not-found codes with varying case (InvalidVpcPeeringConnectionID.NotFound,
    LoadBalancerNotFound, ResourceNotFoundException)."""
    code = (error_code(error) or "").lower()
    return code.endswith("notfound") or code.endswith("notfoundexception")


def call(client, operation, description, missing=None, **params):
    """Call ``client.operation(**params)`` with retries; not-found answers return ``missing``.

    Any other AWS error becomes a CrossvpcError that says what we were doing and AWS's own words.
    """
    try:
        return getattr(client, operation)(aws_retry=True, **params)
    except botocore.exceptions.ClientError as error:
        if missing is not None and is_not_found(error):
            return missing
        raise CrossvpcError("Failed to %s: %s: %s" % (
            description, error_code(error), error.response.get("Error", {}).get("Message", "")), error)
    except botocore.exceptions.BotoCoreError as error:
        raise CrossvpcError("Failed to %s: %s" % (description, error), error)


def paginate(client, operation, key, description, missing=None, **params):
    """All items under ``key`` across pages, with the same error handling as call()."""
    items = []
    token_params = dict(params)
    while True:
        page = call(client, operation, description, missing=missing, **token_params)
        if page is missing:
            return missing
        items.extend(page.get(key, []))
        if not page.get("NextToken"):
            return items
        token_params["NextToken"] = page["NextToken"]


def client_token(*parts):
    """A deterministic ClientToken: a retried or re-run create returns the first one's resource."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:64]


def tags_of(resource):
    return dict((t["Key"], t["Value"]) for t in resource.get("Tags") or [])


def tag_changes(current, desired, purge):
    """(tags to set, keys to remove) to go from ``current`` to ``desired``."""
    if desired is None:
        return {}, []
    to_set = dict((k, v) for k, v in desired.items() if current.get(k) != v)
    to_remove = sorted(k for k in current if k not in desired and not k.startswith("aws:")) if purge else []
    return to_set, to_remove


def tag_steps(current, desired, purge):
    """The tagging steps of a plan: {"tag": {...}, "untag": [...]}, each only when non-empty."""
    to_set, to_remove = tag_changes(current, desired, purge)
    return dict((key, value) for key, value in (("tag", to_set), ("untag", to_remove)) if value)


def ec2_tag(ec2, resource_id, to_set, to_remove):
    """Set and remove tags on an EC2 resource (nothing to do makes no call)."""
    if to_set:
        call(ec2, "create_tags", "tag %s" % resource_id, Resources=[resource_id],
             Tags=ansible_dict_to_boto3_tag_list(to_set))
    if to_remove:
        call(ec2, "delete_tags", "untag %s" % resource_id, Resources=[resource_id],
             Tags=[{"Key": k} for k in to_remove])


def wait_for(describe, done, failed, timeout, what, delay=1.0, max_delay=15.0):
    """Poll ``describe()`` until ``done(value)``; end early when ``failed(value)`` gives a reason.

    Backs off from ``delay`` to ``max_delay`` so local runs finish in milliseconds and real AWS
    is not hammered while an endpoint or load balancer takes minutes.
    """
    deadline = time.monotonic() + timeout
    value = describe()
    while not done(value):
        reason = failed(value)
        if reason:
            raise CrossvpcError("Gave up waiting for %s: %s" % (what, reason))
        if time.monotonic() >= deadline:
            raise CrossvpcError("Timed out after %ss waiting for %s." % (timeout, what))
        time.sleep(min(delay, max(0, deadline - time.monotonic())))
        delay = min(delay * 2, max_delay)
        value = describe()
    return value


def new_module(argument_spec, **kwargs):
    return AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **kwargs)


def client(module, service, **extra):
    """A boto3 client with our retries; ``extra`` overrides connection settings (region=...)."""
    return module.client(service, retry_decorator=RETRY, **extra)


def result_with_diff(module, before, after, **result):
    """The module's result; with --diff also the state before and after."""
    if module._diff:
        result["diff"] = {"before": before, "after": after}
    return result


def run_module(module, reconcile):
    """Run ``reconcile(module) -> result dict`` and exit, turning CrossvpcError into fail_json."""
    try:
        result = reconcile(module)
    except CrossvpcError as error:
        failure = {"msg": error.message}
        if error.error is not None:
            failure["error_code"] = error_code(error.error)
        module.fail_json(**failure)
    module.exit_json(**result)
