#!/usr/bin/env bash
# The main job on the local two-account AWS: start it, build, show the result and the calls
# made, prove a rerun changes nothing, stop it. `make demo` runs this after installing.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd -- "$repo"
bin=${VENV:-$repo/.venv}/bin
export LOCALAWS_STATE_DIR=${LOCALAWS_STATE_DIR:-$repo/.localaws/demo}
port=${DEMO_PORT:-$("$bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}

"$bin/python" -m localaws start --port "$port"
trap '"$bin/python" -m localaws stop' EXIT
# shellcheck source=/dev/null
source "$LOCALAWS_STATE_DIR/env.sh"
export ANSIBLE_DEPRECATION_WARNINGS=false

mark() { "$bin/python" -c 'import os; from localaws.client import LocalAWS; print(LocalAWS(os.environ["LOCALAWS_URL"]).mark())'; }
calls() { "$bin/python" -m localaws calls --totals --since "$1"; }

echo "== Build the lab: VPC_A (EKS) in account A and VPC_B (ECS) in account B, both 10.0.0.0/16"
start=$(mark)
SECONDS=0
"$bin/ansible-playbook" playbooks/lab.yml
echo "converge: ${SECONDS}s"
calls "$start"

echo "== Run it again: nothing to change"
start=$(mark)
SECONDS=0
"$bin/ansible-playbook" playbooks/lab.yml | tail -4
echo "rerun: ${SECONDS}s"
calls "$start"
