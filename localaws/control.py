"""Control routes under /_localaws/: health, call log, fault rules, IAM enforcement, snapshots, reset.

A WSGI layer in front of moto's own dispatcher, on the same port, so a test or the CLI reads what
the collection did from the same server the collection talked to.
"""

import json
from urllib.parse import parse_qs

from localaws import ACCOUNT_A, ACCOUNT_B, ACCOUNT_C
from localaws.authz import ENFORCEMENT
from localaws.recorder import CALLS, FAULT_RULES
from localaws.snapshots import SNAPSHOTS

PREFIX = "/_localaws/"


def reset_moto():
    from moto.moto_api import _internal

    _internal.moto_api_backend.reset()


class ControlApp:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(PREFIX):
            return self.app(environ, start_response)
        method = environ["REQUEST_METHOD"]
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        body = b""
        if environ.get("CONTENT_LENGTH"):
            body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        try:
            status, payload = self.route(method, path[len(PREFIX):].strip("/"), query, body)
        except (ValueError, TypeError) as error:
            status, payload = 400, {"error": str(error)}
        data = json.dumps(payload, indent=1, default=str).encode()
        start_response(f"{status} {'OK' if status < 400 else 'Error'}",
                       [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def route(self, method, name, query, body):
        if name == "health":
            import moto

            return 200, {"status": "ok", "moto": moto.__version__,
                         "accounts": {"A": ACCOUNT_A, "B": ACCOUNT_B, "C": ACCOUNT_C}}
        if name == "calls" and method == "GET":
            calls, last = CALLS.since(int(query.get("since", 0)))
            return 200, {"last": last, "calls": calls}
        if name == "calls" and method == "DELETE":
            CALLS.clear()
            return 200, {"cleared": True}
        if name == "faults" and method == "GET":
            return 200, {"rules": FAULT_RULES.list()}
        if name == "faults" and method == "POST":
            return 200, FAULT_RULES.add(**json.loads(body or b"{}"))
        if name == "faults" and method == "DELETE":
            FAULT_RULES.clear()
            return 200, {"cleared": True}
        if name == "iam" and method == "GET":
            decisions, last = ENFORCEMENT.since(int(query.get("since", 0)))
            return 200, {"enforce": ENFORCEMENT.enabled, "last": last, "decisions": decisions}
        if name == "iam" and method == "POST":
            settings = json.loads(body or b"{}")
            if not isinstance(settings.get("enforce"), bool):
                raise ValueError('POST /_localaws/iam takes {"enforce": true|false}')
            return 200, {"enforce": ENFORCEMENT.set(settings["enforce"])}
        if name == "snapshots" and method == "GET":
            return 200, {"snapshots": SNAPSHOTS.names()}
        if name.startswith("snapshots/") and name.endswith("/file") and method in ("PUT", "POST"):
            snapshot, path = name[len("snapshots/"):-len("/file")], json.loads(body or b"{}").get("path")
            if not snapshot or not isinstance(path, str) or not path:
                raise ValueError('/_localaws/snapshots/NAME/file takes {"path": "FILE"}: PUT writes NAME there, POST reads it as NAME')
            return 200, SNAPSHOTS.export(snapshot, path) if method == "PUT" else SNAPSHOTS.load(snapshot, path)
        if name.startswith("snapshots/") and method in ("PUT", "POST", "DELETE"):
            snapshot = name.split("/", 1)[1]
            if not snapshot:
                raise ValueError("a snapshot needs a name: /_localaws/snapshots/NAME")
            if method == "PUT":
                return 200, SNAPSHOTS.save(snapshot)
            if method == "POST":
                return 200, SNAPSHOTS.restore(snapshot)
            return 200, {"deleted": SNAPSHOTS.delete(snapshot)}
        if name == "reset" and method == "POST":
            reset_moto()
            CALLS.clear()
            FAULT_RULES.clear()
            ENFORCEMENT.clear()
            return 200, {"reset": True}
        return 404, {"error": f"no control route {method} {PREFIX}{name}"}
