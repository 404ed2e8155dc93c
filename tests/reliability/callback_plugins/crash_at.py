# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kill ansible-playbook on purpose, to test that a rerun after a crash converges.

Environment (all optional; without any of them the plugin does nothing):

CROSSVPC_KILL_AT_TASK=N
    SIGKILL at the start of the N-th task (1-based, every task start counted, included role tasks
    too): the boundary right after task N-1 ended, before any host runs task N.
CROSSVPC_KILL_IN_WAIT=<substring of a task name>, CROSSVPC_KILL_DELAY=<seconds>
    SIGKILL that many seconds after the first task whose name contains the substring starts
    (a threading.Timer), i.e. while its module waits. With CROSSVPC_KILL_AFTER_CALL=<Action> the
    delay counts from the first *faulted* call of that action in the localaws call log after the
    task started instead (the harness throttles the wait's describe calls so the wait lasts), and
    with CROSSVPC_KILL_FAULT=<json> that localaws fault rule is added when the task starts.
CROSSVPC_RECORD_TASKS=<path>
    Append one JSON line per task start: index, task name, and ``seq``, the last sequence number of
    the localaws call log at that moment ($LOCALAWS_URL/_localaws/calls). A kill appends a line
    with "killed" first.

A kill ends the whole process group (the controller, its forked workers and their module
processes), as a crash of the controller's machine would: a call already sent may still complete
at the server, nothing after it happens. The plugin makes ansible-playbook a process group leader
when it loads, so the group holds nothing but this run. ansible-core takes no lock a rerun could
trip over: what a killed run leaves are temporary directories only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = """
name: crash_at
type: aggregate
short_description: SIGKILL the run at a chosen task boundary or during a wait (crash tests)
description:
  - Test helper for tests/reliability. Configured by CROSSVPC_* environment variables only.
requirements:
  - enable in configuration (ANSIBLE_CALLBACKS_ENABLED=crash_at)
"""

import json
import os
import signal
import threading
import time
import urllib.request

from ansible.plugins.callback import CallbackBase

POLL = 0.02


def _control(method, name, payload=None):
    url = os.environ.get("LOCALAWS_URL", "").rstrip("/")
    if not url:
        return None
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request("%s/_localaws/%s" % (url, name), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def last_seq():
    answer = _control("GET", "calls?since=999999999999")
    return None if answer is None else answer["last"]


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "crash_at"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        env = os.environ
        self.kill_at = int(env.get("CROSSVPC_KILL_AT_TASK") or 0)
        self.wait_task = env.get("CROSSVPC_KILL_IN_WAIT") or ""
        self.delay = float(env.get("CROSSVPC_KILL_DELAY") or 0)
        self.after_call = env.get("CROSSVPC_KILL_AFTER_CALL") or ""
        # "Action:N": kill only once the task's hosts made N such calls, as in the reference run: a host
        # that waits while another host of the task has yet to create is not the reference's state.
        action, _sep, count = (env.get("CROSSVPC_KILL_AFTER_CREATES") or ":0").partition(":")
        self.after_creates = (action, int(count or 0))
        self.fault = json.loads(env["CROSSVPC_KILL_FAULT"]) if env.get("CROSSVPC_KILL_FAULT") else None
        self.record = env.get("CROSSVPC_RECORD_TASKS") or ""
        self.index = 0
        self.armed = bool(self.wait_task)
        self._lock = threading.Lock()
        if (self.kill_at or self.wait_task) and os.getpgrp() != os.getpid():
            # Our own group, before any worker is forked: killpg() then reaches them all and
            # never the process that started us.
            os.setpgid(0, 0)

    def _write(self, entry):
        if self.record:
            with self._lock, open(self.record, "a") as out:
                out.write(json.dumps(entry) + "\n")

    def _kill(self, how, name):
        self._write({"killed": how, "index": self.index, "name": name, "seq": last_seq(),
                     "pid": os.getpid(), "pgid": os.getpgrp(), "time": time.time()})
        if os.getpgrp() == os.getpid():
            os.killpg(os.getpid(), signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    def _watch_calls(self, since, name):
        """Kill ``delay`` seconds after a faulted ``after_call`` shows in the call log."""
        while True:
            answer = _control("GET", "calls?since=%d" % since) or {"calls": []}
            created = len([c for c in answer["calls"] if c["action"] == self.after_creates[0] and not c.get("fault")])
            if any(c["action"] == self.after_call and c.get("fault") for c in answer["calls"]) and created >= self.after_creates[1]:
                break
            time.sleep(POLL)
        time.sleep(self.delay)
        self._kill("in-wait", name)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.index += 1
        name = task.get_name()
        if self.record:
            self._write({"index": self.index, "name": name, "seq": last_seq(), "time": time.time()})
        if self.kill_at and self.index == self.kill_at:
            self._kill("boundary", name)
        if self.armed and self.wait_task in name:
            self.armed = False
            if self.fault:
                _control("POST", "faults", self.fault)
            if self.after_call:
                since = last_seq() or 0
                watcher = threading.Thread(target=self._watch_calls, args=(since, name), daemon=True)
                watcher.start()
            else:
                timer = threading.Timer(self.delay, self._kill, args=("in-wait", name))
                timer.daemon = True
                timer.start()

    def v2_playbook_on_handler_task_start(self, task):
        self.v2_playbook_on_task_start(task, False)
