# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record what each task ran, and snapshot the local AWS before each task that follows a change.

Environment (without CROSSVPC_TASK_LOG the plugin does nothing):

CROSSVPC_TASK_LOG=<path>
    Append one JSON line per task start (index, name, ``seq`` and ``iam``: the last sequence
    numbers of the localaws call log and IAM decision log at that moment, ``snapshot``: the
    localaws snapshot that holds the state the task starts from, if any), and one per module
    result (index, host, the resolved module name and the arguments it ran with, as the module
    reported them in ``invocation``; loop items one line each).
CROSSVPC_TASK_SNAPSHOTS=<prefix>
    At each task start after a mutating call (and at the first), save a localaws snapshot named
    <prefix>-<index>. A test can then restore the state any task started from and run that task's
    module alone, instead of the playbook up to it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: task_log
type: aggregate
short_description: record each task's module arguments and snapshot the local AWS between changes (tests)
description:
  - Test helper for tests/reliability and the least-privilege sweep. Configured by CROSSVPC_* environment variables only.
requirements:
  - enable in configuration (ANSIBLE_CALLBACKS_ENABLED=task_log)
"""

import json
import os
import urllib.request

from ansible.plugins.callback import CallbackBase


def _control(method, name):
    url = os.environ.get("LOCALAWS_URL", "").rstrip("/")
    request = urllib.request.Request("%s/_localaws/%s" % (url, name), method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_log"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.path = os.environ.get("CROSSVPC_TASK_LOG") or ""
        self.prefix = os.environ.get("CROSSVPC_TASK_SNAPSHOTS") or ""
        self.index = 0
        self.snapshot = None
        self.snapshot_seq = None

    def _write(self, entry):
        with open(self.path, "a") as out:
            out.write(json.dumps(entry) + "\n")

    def v2_playbook_on_task_start(self, task, is_conditional):
        if not self.path:
            return
        self.index += 1
        calls = _control("GET", "calls?since=%d" % (self.snapshot_seq or 999999999999))
        if self.prefix and (self.snapshot is None or any(c["mutating"] for c in calls["calls"])):
            self.snapshot = "%s-%d" % (self.prefix, self.index)
            _control("PUT", "snapshots/%s" % self.snapshot)
            self.snapshot_seq = calls["last"]
        iam = _control("GET", "iam?since=999999999999")["last"]
        self._write({"index": self.index, "name": task.get_name(), "seq": calls["last"], "iam": iam,
                     "snapshot": self.snapshot})

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)

    def _result(self, result):
        if not self.path or "results" in result._result:  # a loop: its items came one by one
            return
        invocation = result._result.get("invocation") or {}
        if "module_args" in invocation:
            self._write({"result": self.index, "host": result._host.get_name(),
                         "module": result._task.resolved_action, "args": invocation["module_args"]})

    def v2_runner_on_ok(self, result):
        self._result(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result)

    v2_runner_item_on_ok = v2_runner_on_ok

    def v2_runner_item_on_failed(self, result):
        self._result(result)
