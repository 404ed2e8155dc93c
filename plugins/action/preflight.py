# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The preflight action: collect the host's variables of the roles it plays, with their argument
specs, and hand them to the preflight module, which checks them and does the look-ups. The checks
of the inventory's groups and across hosts need no AWS call: they run here, on the controller."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import os

import yaml

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase

ROLES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "roles")
# Variables of the playbooks themselves, besides the roles' own.
# Checked on every host: the account's, and playbook variables whose names no role prefix covers.
COMMON = ("aws_account_id", "aws_region", "aws_profile", "aws_account_profiles", "aws_accounts_left_out", "reachability_check",
          "transit_gateway_check", "connect_name")


def missing_account_ids(task_vars, message):
    """The hosts without aws_account_id, when that is why a variable cannot be worked out: aws_account_profiles
    (and the like) read every host's, and the host that has none is the one to fix, not this one."""
    if "aws_account_id" not in message:
        return []
    hostvars = task_vars.get("hostvars") or {}
    try:
        return [h for h in task_vars.get("groups", {}).get("all", []) if "aws_account_id" not in hostvars[h]]
    except (KeyError, TypeError):
        return []


# Parts that build one thing together: where one of their groups has hosts, every one must (a consumer
# without a provider, or a hub without spokes, builds half of it).
FAMILIES = (("privatelink_provider", "privatelink_consumer"), ("vpc_peering",), ("transit_gateway_hub", "transit_gateway_spoke"))
# The variable that names each part's group (the peering's two by position), for the fix.
GROUP_VARS = {"privatelink_provider": ("provider_group",), "privatelink_consumer": ("consumer_group",),
              "vpc_peering": ("requester_group", "accepter_group"), "transit_gateway_hub": ("hub_group",),
              "transit_gateway_spoke": ("spoke_group",)}
# Variables with another part's prefix: a consumer names its provider's host, a spoke its hub's.
PAIRING = ("privatelink_provider_host", "transit_gateway_hub_host")
# How the playbooks pair hosts: (part whose hosts name the other end, variable, the other end's part,
# what the other end must have in a build unless the inventory lists its accounts besides).
PAIRS = (("privatelink_consumer", "privatelink_provider_host", "privatelink_provider", "privatelink_provider_consumer_accounts"),
         ("transit_gateway_spoke", "transit_gateway_hub_host", "transit_gateway_hub", "transit_gateway_hub_spoke_accounts"))


def pairing_problems(parts, groups, hostvars, state):
    """Every host's other end (privatelink_provider_host, transit_gateway_hub_host, vpc_peering_peer_host, or the
    other group's first host) must be a host of the other group; in a build, every provider and hub must have
    a consumer or spoke, and each peering end the one that names it back (a second requester would wait for
    an acceptance that never comes)."""
    def hosts(of):
        return [h for g in of for h in groups.get(g) or []]

    def end(host, variable, others):
        return hostvars[host].get(variable, others[0] if others else None)

    # (groups whose hosts name their other end, variable, the other end's groups, the other end's accounts variable)
    sides = [(parts[mine], variable, parts[other], accounts) for mine, variable, other, accounts in PAIRS if mine in parts and other in parts]
    if len(parts.get("vpc_peering") or []) == 2:
        requester, accepter = parts["vpc_peering"]
        sides += [([requester], "vpc_peering_peer_host", [accepter], None), ([accepter], "vpc_peering_peer_host", [requester], None)]
    problems = []
    for mine, variable, other, accounts in sides:
        ours, theirs, where = hosts(mine), hosts(other), " or ".join(other)
        for host in ours:
            named = end(host, variable, theirs)
            if named is None:
                problems.append("host %s: group %s has no host to pair it with. Put the other end's host in it." % (host, where))
            elif named not in theirs:
                why = "this host itself" if named == host else "no host of the inventory" if named not in hostvars else "a host of other groups"
                problems.append("host %s's %s=%r: is %s, not a host of group %s (%s). Name the host at the other end of its link." % (
                    host, variable, named, why, where, ", ".join(theirs)))
        for host in theirs if state == "present" and accounts else []:
            # Accounts listed, even none ([]: the last managed consumer revoked), say whom it is built for.
            if not [h for h in ours if end(h, variable, theirs) == host] and accounts not in hostvars[host]:
                problems.append("host %s: no host of group %s names it (%s), so it would be built for nobody. Set %s=%s on "
                                "the hosts that use it, list the accounts in %s, or take it out of its group." % (
                                    host, " or ".join(mine), variable, variable, host, accounts))
        if variable == "vpc_peering_peer_host" and mine == parts["vpc_peering"][:1]:  # each accepter names its requester back
            for accepter in theirs:
                back = end(accepter, variable, ours)
                for requester in [r for r in ours if end(r, variable, theirs) == accepter and r != back]:
                    problems.append("host %s asks host %s to peer, but %s's vpc_peering_peer_host is %r, so the request would never "
                                    "be accepted. One accepter host per peering: give %s an accepter host of its own." % (
                                        requester, accepter, accepter, back, requester))
    return problems


def served_without_hosts(part, parts, groups, hostvars):
    """Whether ``part`` (consumers, spokes) may have no host: every host of its other end lists the accounts it
    serves besides (privatelink_provider_consumer_accounts, transit_gateway_hub_spoke_accounts), as when the
    last managed consumer's access is revoked."""
    for mine, _variable, other, accounts in PAIRS:
        if mine == part and other in parts:
            ends = [h for g in parts[other] for h in groups.get(g) or []]
            return bool(ends) and all(accounts in hostvars[h] for h in ends)
    return False


def inventory_problems(parts, groups, hostvars):
    """The groups of ``parts`` ({role: [groups]}) against the inventory: a misspelt group leaves its hosts
    out of the run without a word, so a family whose groups are not all filled (unless the other end lists
    the accounts it serves), or a host that sets a role's variables outside every group that plays the role,
    is refused. A value every host shares (group_vars/all) is a setting, not a sign of the role.
    ``hostvars``: host -> its variables, untemplated."""
    problems = []
    if "connect" in parts and not groups.get("all"):
        # An inventory source that fails (the plugin's own refusal too) is only a warning to Ansible, which then runs with none.
        problems.append("the inventory has no hosts, so connect.yml has no VPC to plan. If it is a crossvpc.aws.vpcs plugin file, "
                        "Ansible turned the plugin's error into the warning above (\"Failed to parse inventory\"): fix what it says. "
                        "Otherwise give one host per account, each with its connect_vpcs.")
    known = sorted(g for g in groups if g not in ("all", "ungrouped") and groups[g])
    families = [[p for p in family if p in parts] for family in FAMILIES if any(p in parts for p in family)]
    filled = [(part, i, group) for family in families for part in family for i, group in enumerate(parts[part]) if groups.get(group)]
    if families and not filled:
        problems.append("none of the groups %s has a host. Inventory groups with hosts: %s. Put the hosts in those groups, or "
                        "name yours with %s." % (", ".join(g for family in families for p in family for g in parts[p]),
                                                 ", ".join(known) or "none", ", ".join(v for family in families for p in family
                                                                                       for v in GROUP_VARS[p])))
    for family in families:
        named = [(part, i, group) for part in family for i, group in enumerate(parts[part])]
        if not [n for n in named if n in filled]:
            continue
        for part, i, group in named:
            if not groups.get(group) and not served_without_hosts(part, parts, groups, hostvars):
                close = difflib.get_close_matches(group, known, 1)
                variable = GROUP_VARS[part][min(i, len(GROUP_VARS[part]) - 1)]
                hint = " Did you mean %s?" % close[0] if close else ""
                served = [(other, accounts) for mine, _pairing, other, accounts in PAIRS if mine == part]
                revoked = (" If you took out its last host to stop serving that account, give the %s host %s (the other "
                           "accounts it serves), or tear it down with the playbook's teardown." % served[0]) if served else ""
                problems.append("group %r has no hosts, and the %s hosts are needed with the others of this playbook.%s Put "
                                "them in %s, or pass %s=<their group>.%s" % (group, part, hint, group, variable, revoked))
    every = sorted(hostvars)
    for part in [p for family in families for p in family]:
        members = set(h for group in parts[part] for h in groups.get(group) or [])
        for host in [h for h in every if h not in members]:
            own = sorted(name for name, value in hostvars[host].items() if name.startswith(part + "_") and name not in PAIRING
                         and not all(name in hostvars[h] and hostvars[h][name] == value for h in every))
            if not own:
                continue
            # In a group named like the part's: a misspelt group, most likely.
            near = [(g, difflib.get_close_matches(g, parts[part], 1)) for g in known if host in groups[g]]
            near = [(g, close[0]) for g, close in near if close]
            if near:
                problems.append("host %s sets %s and is in group %r, not %r, which plays %s. Put it in %s, or pass %s=%s." % (
                    host, ", ".join(own), near[0][0], near[0][1], part, near[0][1],
                    GROUP_VARS[part][min(parts[part].index(near[0][1]), len(GROUP_VARS[part]) - 1)], near[0][0]))
            else:
                problems.append("host %s sets %s, but is in no group that plays %s (%s), so they would be ignored. Put it in %s, "
                                "or take those variables off it (a host left out of this run on purpose)." % (
                                    host, ", ".join(own), part, " or ".join(parts[part]), " or ".join(parts[part])))
    return problems


def part_groups(args):
    """{part: [groups]} of the task's parts (a group given alone as a string)."""
    return dict((p, [g] if isinstance(g, str) else list(g)) for p, g in (args.get("parts") or {}).items()
                if p in GROUP_VARS or p == "connect")


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

    @staticmethod
    def _raw_hostvars(task_vars):
        """Every inventory host's variables, untemplated."""
        hostvars = task_vars.get("hostvars")
        return dict((h, hostvars.raw_get(h)) for h in (task_vars.get("groups") or {}).get("all", []))

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(ActionModule, self).run(tmp, task_vars)
        args = dict(self._task.args)
        if args.get("inventory"):  # the groups, once on the controller: no host, no AWS call
            parts = part_groups(args)
            problems = inventory_problems(parts, task_vars.get("groups") or {}, self._raw_hostvars(task_vars))
            result.update(changed=False, problems=problems)
            if problems:
                result.update(failed=True, msg="the inventory: %d problem(s) in its groups, nothing was changed on any host: %s" % (
                    len(problems), " | ".join(problems)))
            return result
        if "across" in args:  # the check across hosts: what their look-ups found, no AWS call, so no module to run
            from ansible_collections.crossvpc.aws.plugins.module_utils.preflight import check_across  # (imports botocore: here only)

            parts = part_groups(args)
            problems = pairing_problems(parts, task_vars.get("groups") or {}, self._raw_hostvars(task_vars), args.get("state", "present"))
            problems += check_across(args.get("across") or {}, args.get("context") or {})
            result.update(changed=False, problems=problems)
            if problems:
                result.update(failed=True, msg="across the hosts: %d problem(s) in the inventory, nothing was changed on any host: %s" % (
                    len(problems), " | ".join(problems)))
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
                    without = missing_account_ids(task_vars, error.message)
                    problems.append("%s: reads every host's aws_account_id, and host %s has none. Set aws_account_id on %s, quoted "
                                    "(\"012345678901\")." % (name, " and ".join(without), " and ".join(without)) if without
                                    else "%s: cannot be worked out: %s" % (name, error.message))
        if problems:
            result.update(failed=True, msg="%s: %s" % (task_vars.get("inventory_hostname"), " | ".join(problems)))
            return result
        known = sorted(r for r in os.listdir(ROLES) if os.path.exists(os.path.join(ROLES, r, "meta", "argument_specs.yml"))) + ["connect"]
        if set(parts) - set(known):
            raise AnsibleError("preflight: parts=%r: %s is no role of this collection. Use %s." % (
                parts, ", ".join(sorted(set(parts) - set(known))), ", ".join(known)))
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
