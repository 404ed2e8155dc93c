#!/usr/bin/env bash
# Run this collection's molecule scenarios (extensions/molecule/) against a private local AWS.
#
# Usage: scripts/molecule.sh [molecule args]       (default: test --all)
#   e.g. scripts/molecule.sh test -s privatelink
#
# Environment:
#   REPO  collection checkout to test (default: this script's parent's parent directory)
#   VENV  virtualenv holding molecule, ansible and moto (default: $REPO/.venv)
#
# Each run starts its own localaws on a free port with a throw-away state directory and stops it
# on exit, so runs never share AWS state (nor the repo's .localaws). The server's state is lost
# on exit: `converge` alone leaves nothing behind to `verify` in a later run.
#
# The lab (playbooks/lab.yml) is built once here and shared by the scenarios run
# (CROSSVPC_MOLECULE_LAB=shared: their prepare and destroy leave it alone); each scenario's destroy
# removes what its playbook built, and lab_teardown.yml runs at the end.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=${REPO:-$(dirname -- "$script_dir")}
REPO=$(cd -- "$REPO" && pwd -P)
VENV=${VENV:-$REPO/.venv}

if [[ ! -x "$VENV/bin/molecule" ]]; then
    echo "error: $VENV/bin/molecule not found; create the venv first (pip install -r requirements.txt)" >&2
    exit 2
fi
VENV=$(cd -- "$VENV" && pwd) # make passes it relative to the repo root
export PATH="$VENV/bin:$PATH"
# Only the local AWS: no credentials or profile from the caller's environment.
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN

tmp_root=$(mktemp -d "${TMPDIR:-/tmp}/crossvpc-molecule.XXXXXX")
state_dir="$tmp_root/localaws"
# shellcheck disable=SC2317  # (run by the EXIT trap)
cleanup() {
    (cd -- "$REPO" && python -m localaws --state-dir "$state_dir" stop >/dev/null) || true
    rm -rf -- "$tmp_root"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd -- "$REPO" && python -m localaws --state-dir "$state_dir" start --port "$port")
# shellcheck source=/dev/null
source "$state_dir/env.sh"

# crossvpc.aws resolves to $REPO itself (not to whatever .collections or ~/.ansible holds);
# amazon.aws and community.aws come from the venv's site-packages, which ansible always scans.
mkdir -p -- "$tmp_root/collections/ansible_collections/crossvpc"
ln -s -- "$REPO" "$tmp_root/collections/ansible_collections/crossvpc/aws"
export ANSIBLE_COLLECTIONS_PATH="$tmp_root/collections"

# Molecule finds collection scenarios (extensions/molecule/*/molecule.yml) and the shared
# extensions/molecule/config.yml only when run from the directory holding galaxy.yml.
cd -- "$REPO"
if [[ $# -eq 0 ]]; then
    set -- test --all
fi
start_time=$(date +%s)
lab() { # the lab's build or teardown, quiet unless it fails
    if ! ANSIBLE_CONFIG="$REPO/ansible.cfg" ansible-playbook "$REPO/playbooks/$1.yml" -i "$REPO/inventories/local" \
        >"$tmp_root/$1.log" 2>&1; then
        tail -n 40 "$tmp_root/$1.log" >&2
        return 1
    fi
}
rc=0
lab lab || rc=$?
if ((rc == 0)); then
    export CROSSVPC_MOLECULE_LAB=shared
    molecule "$@" || rc=$?
    lab lab_teardown || rc=$((rc ? rc : 1))
fi
echo "molecule $*: exit $rc in $(($(date +%s) - start_time))s"
exit "$rc"
