#!/usr/bin/env bash
# Render a Mermaid diagram to SVG (or PNG/PDF, by OUTPUT's extension) with the pinned mermaid-cli.
#
# Usage: bash scripts/render_mermaid.sh INPUT.mmd OUTPUT.svg [extra mmdc args]
#
# Installs what it needs on first use, so a fresh clone just works:
#   - Debian's chromium (/usr/bin/chromium) with apt-get, through sudo when not root;
#   - tools/mermaid/node_modules with `npm ci`, when missing or older than package-lock.json.
# Puppeteer never downloads a browser (tools/mermaid/.puppeteerrc.cjs, PUPPETEER_SKIP_DOWNLOAD):
# mmdc runs /usr/bin/chromium as named in tools/mermaid/puppeteer-config.json.
#
# Exit status: mmdc's own (non-zero with its parse error on stderr for an invalid diagram);
# 2 for bad usage; 3 when something it needs cannot be installed.
set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(dirname -- "$script_dir")
TOOLS=$REPO/tools/mermaid
CHROMIUM=/usr/bin/chromium
STAMP=$TOOLS/node_modules/.installed-package-lock.json
MMDC=$TOOLS/node_modules/.bin/mmdc

if [[ $# -lt 2 ]]; then
    echo "usage: bash scripts/render_mermaid.sh INPUT.mmd OUTPUT.svg [extra mmdc args]" >&2
    exit 2
fi
input=$1
output=$2
shift 2
if [[ ! -f $input ]]; then
    echo "render_mermaid: no such input file: $input" >&2
    exit 2
fi

export PUPPETEER_SKIP_DOWNLOAD=1

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "render_mermaid: need root or sudo to run: $*" >&2
        exit 3
    fi
}

install_chromium() {
    echo "render_mermaid: installing Debian's chromium (apt-get)" >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -qq >&2
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium >&2
}

install_node_modules() {
    if ! command -v npm >/dev/null 2>&1; then
        echo "render_mermaid: npm (Node.js >= 20) is needed to install tools/mermaid" >&2
        exit 3
    fi
    echo "render_mermaid: installing tools/mermaid (npm ci)" >&2
    npm ci --prefix "$TOOLS" --no-audit --no-fund --loglevel=error >&2
    cp "$TOOLS/package-lock.json" "$STAMP"
}

node_modules_current() {
    [[ -x $MMDC && -f $STAMP ]] && cmp -s "$TOOLS/package-lock.json" "$STAMP"
}

# One installer at a time (parallel test workers, a second shell): lock the tools' package.json.
if [[ ! -x $CHROMIUM ]] || ! node_modules_current; then
    exec 9<"$TOOLS/package.json"
    flock 9
    [[ -x $CHROMIUM ]] || install_chromium
    node_modules_current || install_node_modules
    exec 9<&-
fi
if [[ ! -x $CHROMIUM ]]; then
    echo "render_mermaid: $CHROMIUM is still missing after apt-get install chromium" >&2
    exit 3
fi

mkdir -p -- "$(dirname -- "$output")"
rm -f -- "$output"
status=0
"$MMDC" --quiet --puppeteerConfigFile "$TOOLS/puppeteer-config.json" \
    --input "$input" --output "$output" "$@" || status=$?
if [[ $status -ne 0 ]]; then
    echo "render_mermaid: mmdc failed (exit $status) on $input" >&2
    exit "$status"
fi
if [[ $input != *.md && $input != *.markdown && ! -s $output ]]; then  # .md input writes OUTPUT-N.svg
    echo "render_mermaid: mmdc exited 0 but wrote no $output" >&2
    exit 1
fi
