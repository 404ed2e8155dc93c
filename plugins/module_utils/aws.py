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

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry

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
    """AWS and moto spell not-found codes with varying case (InvalidVpcPeeringConnectionID.NotFound)."""
    code = error_code(error) or ""
    return code.lower().endswith(".notfound") or code.lower().endswith("notfoundexception")


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


def new_module(argument_spec, **kwargs):
    return AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **kwargs)


def client(module, service):
    return module.client(service, retry_decorator=RETRY)


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
