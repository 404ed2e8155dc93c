#!/usr/bin/env bash
# The main job on the local two-account AWS: start it, build the lab, connect account B's VPC to
# account A's service with PrivateLink (same CIDR on both sides), show the DNS name B calls and
# the calls made, prove a rerun changes nothing, stop. `make demo` runs this after installing.
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
run() {  # run PLAYBOOK TITLE [ansible-playbook args]: time it and count its calls per account
    local playbook=$1 title=$2 start
    shift 2
    echo
    echo "== $title"
    start=$(mark)
    SECONDS=0
    "$bin/ansible-playbook" "playbooks/$playbook" "$@" >"$LOCALAWS_STATE_DIR/last-run.log"
    # the report of privatelink.yml (what account B calls), then the recap
    sed -n '/Show what the consumer calls/,/^}/p' "$LOCALAWS_STATE_DIR/last-run.log" | sed -n '/"msg"/,/^    }/p'
    sed -n '/^PLAY RECAP/,$p' "$LOCALAWS_STATE_DIR/last-run.log"
    echo "$title: ${SECONDS}s"
    "$bin/python" -m localaws calls --totals --since "$start"
}

run lab.yml "The lab: VPC_A (EKS) in account A, VPC_B (ECS) in account B, both 10.0.0.0/16"
run privatelink.yml "PrivateLink plan (--check): nothing is created" --check
run privatelink.yml "PrivateLink: provider, consumer, accept, report"
run privatelink.yml "PrivateLink again: nothing to change"

