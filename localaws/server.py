"""Build the patched moto application and serve it on the loopback address."""

import importlib
import os
import signal
import sys

from localaws import authz, control, recorder

# One module per AWS service whose moto behaviour we bring closer to AWS. Each has install().
SERVICE_PATCHES = ("localaws.iam", "localaws.ecs", "localaws.ec2", "localaws.elbv2", "localaws.ram")


def build_app():
    # AWS accounts come with AWS-managed IAM policies (AmazonEKSClusterPolicy, ...); moto loads
    # them only when asked.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    for name in SERVICE_PATCHES:
        importlib.import_module(name).install()
    recorder.install(reject_request=authz.reject_request)
    return control.ControlApp(DomainDispatcherApplication(create_backend_app))


def serve(host, port):
    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import make_server

    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("localaws serves on the loopback address only")
    server = make_server(host, port, build_app(), threaded=True,
                         request_handler=MotoRequestHandler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"localaws serving on http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
