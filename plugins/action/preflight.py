# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight action: collect the host's variables of the roles it plays, with their argument
specs, and hand them to the preflight module, which checks them and does the look-ups."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import yaml

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")
# Variables of the playbooks themselves, besides the roles' own.
# Checked on every host: the account's, and playbook variables whose names no role prefix covers.
COMMON = ("aws_account_id", "aws_region", "aws_profile", "aws_account_profiles", "reachability_check", "transit_gateway_check")


def missing_account_ids(task_vars, message):
    """aws_account_profiles (and the like) read every host's aws_account_id: name the hosts that have none,
    rather than leave every host blamed for one host's gap."""
    if "aws_account_id" not in message:
        return ""
    hostvars = task_vars.get("hostvars") or {}
    try:
        hosts = [h for h in task_vars.get("groups", {}).get("all", []) if "aws_account_id" not in hostvars[h]]
    except (KeyError, TypeError):
        return ""
    return " Hosts without aws_account_id: %s. Set it on each, quoted (\"012345678901\")." % ", ".join(hosts) if hosts else ""


def role_specs(role):
    """Every option of every entry point of ``role``, from its meta/argument_specs.yml."""
    with open(os.path.join(ROLES, role, "meta", "argument_specs.yml")) as spec_file:
        entry_points = yaml.safe_load(spec_file)["argument_specs"]
    specs = {}
    for entry_point in entry_points.values():
        for name, option in (entry_point.get("options") or {}).items():
            specs[name] = dict((k, option[k]) for k in ("type", "elements", "choices") if k in option)
    return specs


class ActionModule(ActionBase):
    TRANSFERS_FILES = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        if "across" in args:  # the check across hosts takes what their look-ups found, nothing of the host's own
            result.update(self._execute_module(module_name="crossvpc.aws.preflight", module_args=args, task_vars=task_vars))
            return result
        parts = args.get("parts") or []
        if isinstance(parts, dict):  # {role: [groups]}: the roles whose groups this host is in
            groups = set(task_vars.get("group_names", [])) | {"all"}  # group_names leaves out "all"
            parts = [role for role, of in parts.items() if groups.intersection([of] if isinstance(of, str) else of)]
        prefixes = tuple(role + "_" for role in parts)
        variables, problems = {}, []
        for name in sorted(task_vars):
            if name in COMMON or (prefixes and name.startswith(prefixes)):
                try:
                    variables[name] = self._templar.template(task_vars[name])
                except AnsibleError as error:
                    problems.append("%s: cannot be worked out: %s%s" % (name, error.message, missing_account_ids(task_vars, error.message)))
        if problems:
            result.update(failed=True, msg="%s: %s" % (task_vars.get("inventory_hostname"), " | ".join(problems)))
            return result
        specs = {}
        for role in parts:
            if role == "connect":  # connect.yml's own variables, not a role's
                continue
            try:
                specs.update(role_specs(role))
            except (IOError, OSError, KeyError) as error:
                raise AnsibleError("preflight: no argument specs for role %s: %s" % (role, error))
        args.update(parts=parts, host=task_vars.get("inventory_hostname"), variables=variables, specs=specs)
        result.update(self._execute_module(module_name="crossvpc.aws.preflight", module_args=args, task_vars=task_vars))
        return result
