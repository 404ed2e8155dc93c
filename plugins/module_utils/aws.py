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
    import botocore.session
except ImportError:
    pass  # AnsibleAWSModule reports a missing botocore itself.

import difflib
import hashlib
import os
import re
import time

from ansible.module_utils import basic
from ansible.module_utils.common.validation import check_type_dict, check_type_int, check_type_list

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


# AWS codes that say the request itself is wrong: a value of ours, not a state of AWS's.
INPUT_ERROR_CODES = ("InvalidParameterValue", "InvalidParameter", "InvalidParameterCombination", "InvalidInput",
                     "ValidationError", "ValidationException", "InvalidRequest", "MalformedPolicyDocument",
                     "InvalidPolicyDocument", "TagPolicyViolation", "InvalidTagKey", "InvalidTagValue",
                     "TooManyTags", "TagLimitExceeded", "InvalidConfigurationRequest")


def refused_option(error, options):
    """The module option an input refusal of AWS is about: the first of ``options`` ({option: words})
    one of whose words is in AWS's code or message (an empty word matches any input refusal)."""
    code = error_code(error) or ""
    if not (code in INPUT_ERROR_CODES or code.startswith("Invalid") or is_not_found(error)):
        return None
    text = ("%s %s" % (code, error.response.get("Error", {}).get("Message", ""))).lower()
    for option, words in (options or {}).items():
        if any(word in text for word in words):
            return option
    return None


def call(client, operation, description, missing=None, options=None, **params):
    """Call ``client.operation(**params)`` with retries; not-found answers return ``missing``.

    Any other AWS error becomes a CrossvpcError that says what we were doing and AWS's own words.
    ``options`` ({module option: words}) names the option when AWS refuses the input: a refusal
    (InvalidParameterValue, ValidationError, a not-found code, ...) whose code or message holds one
    of an option's words says "AWS refused <option>", so the user knows which value to fix.
    """
    try:
        return getattr(client, operation)(aws_retry=True, **params)
    except botocore.exceptions.ClientError as error:
        if missing is not None and is_not_found(error):
            return missing
        option = refused_option(error, options)
        raise CrossvpcError("Failed to %s: %s%s: %s" % (
            description, "AWS refused %s: " % option if option else "", error_code(error),
            error.response.get("Error", {}).get("Message", "")), error)
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


def ec2_tag(ec2, resource_id, to_set, to_remove, option="tags"):
    """Set and remove tags on an EC2 resource (nothing to do makes no call); an input refusal names ``option``."""
    if to_set:
        call(ec2, "create_tags", "tag %s" % resource_id, options={option: ("tag",)}, Resources=[resource_id],
             Tags=ansible_dict_to_boto3_tag_list(to_set))
    if to_remove:
        call(ec2, "delete_tags", "untag %s" % resource_id, options={option: ("tag",)}, Resources=[resource_id],
             Tags=[{"Key": k} for k in to_remove])


def wait_for(describe, done, failed, timeout, what, delay=1.0, max_delay=15.0, state=None):
    """Poll ``describe()`` until ``done(value)``; end early when ``failed(value)`` gives a reason.
    A timeout says what ``state(value)`` last was, when given.

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
            raise CrossvpcError("Timed out after %ss waiting for %s%s." % (
                timeout, what, ": it is still %s" % state(value) if state else ""))
        time.sleep(min(delay, max(0, deadline - time.monotonic())))
        delay = min(delay * 2, max_delay)
        value = describe()
    return value


def _given(entry, option, params):
    """(name as written, value) of ``option`` in ``params``: its own name or one of its aliases; (option, None) if absent."""
    return next(((name, params[name]) for name in [option] + list(entry.get("aliases") or []) if name in params),
                (option, None))


def _whole_number_problem(where, entry, value):
    """(where, value, what it should be) when Ansible cannot read ``value`` (or one of its items, for a list
    of int) as the whole number that ``entry`` types: Ansible's own message gives no fix."""
    if entry.get("type") == "int":
        items = [(where, value)]
    elif entry.get("type") == "list" and entry.get("elements") == "int":
        try:
            items = [("%s[%d]" % (where, index), item) for index, item in enumerate(check_type_list(value))]
        except TypeError:  # not a list at all: Ansible's message names the option and the type
            return None
    else:
        return None
    for item_where, item in items:
        if isinstance(item, bool):  # Ansible takes it for 1 or 0 and sends AWS true or false
            return item_where, item, "is a boolean, not a whole number."
        try:
            check_type_int(item)
        except TypeError:
            return item_where, item, "is not a whole number."
    return None


def _choice_problem(spec, params, kwargs):
    """Options given together that exclude each other, none of options one of which is needed, or an option without one
    it requires, with the values and a fix (top-level options, by name or alias)."""
    names = dict((alias, name) for name, option in spec.items() for alias in [name] + list(option.get("aliases") or []))
    given = dict((names[k], v) for k, v in params.items() if k in names and v is not None)
    for group in kwargs.get("mutually_exclusive") or []:
        both = [name for name in group if name in given]
        if len(both) > 1:
            return "%s: given together (%s), and they exclude each other. Give only one of %s." % (
                " and ".join(both), ", ".join("%s=%r" % (name, given[name]) for name in both), ", ".join(group))
    for option, needed in sorted((kwargs.get("required_by") or {}).items()):
        missing = [n for n in ([needed] if isinstance(needed, str) else needed) if n not in given]
        if option in given and missing:
            return "%s=%r: is given without %s, which it needs. Give %s too (ansible-doc <module> says what each does)." % (
                option, given[option], " or ".join(missing), " and ".join(missing))
    for key, value, needed in (rule[:3] for rule in kwargs.get("required_if") or []):  # (all of needed; no any-of rule here)
        missing = [n for n in needed if n not in given]
        if given.get(key, spec[key].get("default")) == value and missing:
            return "%s: not given, and %s=%s needs it. Give %s (ansible-doc <module> says what each does)." % (
                " and ".join(missing), key, value, " and ".join(missing))
    for group in kwargs.get("required_one_of") or []:
        if not [name for name in group if name in given]:
            return "%s: none is given, and the module needs one of them. Give one (ansible-doc <module> says what each " \
                   "does)." % " or ".join(group)
    return None


def _shape_problem(spec, params, prefix="", path=""):
    """(option as written, value, what it should be, spec path) for the first option whose value Ansible could
    not turn into the list of mappings or the mapping its suboptions need, or into the whole number (or list
    of them) an int option takes: Ansible's own message for those does not name the option ("dictionary
    requested, could not parse JSON or key=value") or gives no fix. The spec path (``routes.port``, no
    indexes) is the key of new_module's ``fixes``."""
    for option, entry in spec.items():
        name, value = _given(entry, option, params)
        if value is None:
            continue
        where = prefix + name
        problem = _whole_number_problem(where, entry, value)
        if problem:
            return problem + (path + option,)
        if not entry.get("options") or entry.get("type") not in ("list", "dict"):
            continue
        if entry["type"] == "list" and entry.get("elements") != "dict":
            continue
        if entry["type"] == "list" and isinstance(value, list):
            items = [("%s[%d]" % (where, index), item) for index, item in enumerate(value)]
        elif entry["type"] == "list":  # as Ansible reads it: "a=1,b=2" is two items; any failure is the option's
            try:
                items = [(where, item) for item in check_type_list(value)]
            except TypeError:
                return where, value, "is not a list of mappings (key: value entries, one per item).", None
        else:
            items = [(where, value)]
        for item_where, item in items:
            try:
                item = check_type_dict(item)
            except TypeError:
                if item_where == where and entry["type"] == "list":
                    return where, value, "is not a list of mappings (key: value entries, one per item).", None
                return item_where, item, "is not a mapping (key: value entries).", None
            inner = _shape_problem(entry["options"], item, item_where + ".", path + option + ".")
            if inner:
                return inner
    return None


def _relaxed(spec, option):
    """``spec`` with ``option`` (a top-level one, or one of its aliases) taking any value, so the module can
    start and say why it fails."""
    def loose(entry):
        return dict(type="raw", **({"aliases": entry["aliases"]} if entry.get("aliases") else {}))

    return dict((name, loose(entry) if option in [name] + list(entry.get("aliases") or []) else entry)
                for name, entry in spec.items())


def new_module(argument_spec, fixes=None, **kwargs):
    """The module; a list of mappings or a mapping given as something else, or a value an int option (or list
    of int) cannot take, fails naming the option as written, its value and a fix: ``fixes`` ({spec path:
    fix}, a path like ``ports`` or ``routes.port``) gives an option's own, else the message points at
    ansible-doc."""
    try:
        raw = basic._load_params()  # pylint: disable=protected-access
    except Exception:  # pylint: disable=broad-except  # AnsibleModule reports unreadable parameters itself.
        raw = {}
    problem = _shape_problem(argument_spec, raw if isinstance(raw, dict) else {})
    conflict = _choice_problem(argument_spec, raw if isinstance(raw, dict) else {}, kwargs) if problem is None else None
    if conflict:  # Ansible's own message names the options, not the values given nor what to do
        unchecked = dict((k, v) for k, v in kwargs.items() if k not in ("mutually_exclusive", "required_one_of", "required_by", "required_if"))
        module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **unchecked)
        module.fail_json(msg=conflict.replace("<module>", module._name))  # pylint: disable=protected-access
    if problem is None:
        return AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True, **kwargs)
    where, value, what, path = problem
    module = AnsibleAWSModule(argument_spec=_relaxed(argument_spec, re.split(r"[.\[]", where)[0]),
                              supports_check_mode=True, **kwargs)
    fix = (fixes or {}).get(path) if path else None
    if fix is None:
        fix = ("Write it as digits only, without units or words (the option is an int; see ansible-doc %s)." if path
               else "See the option's type in ansible-doc %s.") % module._name
    module.fail_json(msg=InvalidInput(where, value, what, fix).message)


# --- connection settings: a profile and a region that exist, before the first client ------------

EXTRA_REGIONS_VARIABLE = "CROSSVPC_EXTRA_REGIONS"
_BOTOCORE_REGIONS = []  # filled once per process


def known_regions():
    """Every region of every partition in the pinned botocore's data (endpoints and partitions), and
    those listed (comma-separated) in CROSSVPC_EXTRA_REGIONS, for regions newer than botocore."""
    if not _BOTOCORE_REGIONS:
        session = botocore.session.get_session()
        regions = set()
        for partition in session.get_data("endpoints").get("partitions", []):
            regions.update(partition.get("regions", {}))
        try:
            partitions = session.get_data("partitions").get("partitions", [])
        except botocore.exceptions.DataNotFoundError:
            partitions = []
        for partition in partitions:  # newer regions; not the pseudo-regions like aws-global
            pattern = re.compile(partition.get("regionRegex") or "^$")
            regions.update(r for r in partition.get("regions", {}) if pattern.match(r))
        _BOTOCORE_REGIONS.extend(sorted(regions))
    extra = [r.strip() for r in os.environ.get(EXTRA_REGIONS_VARIABLE, "").split(",") if r.strip()]
    return set(_BOTOCORE_REGIONS) | set(extra)


def region_problem(region):
    """Why ``region`` cannot be used, or None; the text goes after "region='xx-fake-1': "."""
    known = known_regions()
    if region in known:
        return None
    if region.lower() in known:
        return ("is not an AWS region: region names are lower case.", "Use %s." % region.lower())
    close = difflib.get_close_matches(region, sorted(known), 1)
    return ("is not an AWS region that botocore %s knows." % botocore.__version__,
            "Check the name (for example us-east-1).%s A region newer than this botocore can be allowed with "
            "the environment variable %s=%s." % (" Did you mean %s?" % close[0] if close else "", EXTRA_REGIONS_VARIABLE, region))


def checked_region(module):
    """The module's region (None when it has none), refused with InvalidInput if botocore does not know it."""
    region = module.region
    problem = region_problem(region) if region else None
    if problem:
        raise InvalidInput("region", region, *problem)
    return region


def known_profile(profile):
    """Whether ``profile`` is in the AWS config or credentials file (a broken file knows none)."""
    try:
        return profile in botocore.session.Session().available_profiles
    except botocore.exceptions.BotoCoreError:
        return False


def check_connection(module):
    """The module's profile is in the AWS config and its region is a known one; once per module run.

    A profile comes from the task or AWS_PROFILE (Ansible puts either in ``profile``); credentials
    from the environment without a profile are not checked here.
    """
    if getattr(module, "crossvpc_connection_checked", False):
        return
    profile = module.params.get("profile")
    if profile:
        if not known_profile(profile):
            files = "%s or %s" % (os.environ.get("AWS_CONFIG_FILE", "~/.aws/config"),
                                  os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"))
            raise InvalidInput("profile", profile, "is not a profile of the AWS config (%s)." % files,
                               "Check the name (the task's profile, the inventory's aws_profile, or AWS_PROFILE), "
                               "or point AWS_CONFIG_FILE at the file that has it.")
    checked_region(module)
    module.crossvpc_connection_checked = True


def client(module, service, **extra):
    """A boto3 client with our retries; ``extra`` overrides connection settings (region=...).

    The module's profile and region are checked first (InvalidInput naming them, before any call).
    """
    check_connection(module)
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
