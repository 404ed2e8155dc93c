#!/usr/bin/env bash
# Run one stage of `make test` and record its wall time and exit code for scripts/test_report.py.
#
# Usage: scripts/timed.sh STAGE COMMAND [ARGS...]
# Appends "STAGE<TAB>SECONDS<TAB>EXIT" to $STAGES (default tests/output/stages.tsv) and exits as
# COMMAND did.
set -uo pipefail

stage=$1
shift
stages=${STAGES:-tests/output/stages.tsv}
mkdir -p -- "$(dirname -- "$stages")"
start=$(date +%s%N)
"$@"
rc=$?
printf '%s\t%d\t%d\n' "$stage" $((($(date +%s%N) - start + 500000000) / 1000000000)) "$rc" >>"$stages"
exit "$rc"
