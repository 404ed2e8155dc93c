#!/usr/bin/env bash
# Run `ansible-test sanity` for this collection, fully offline (PyPI is the only host reached).
#
# Usage: scripts/ansible-test-sanity.sh [extra ansible-test sanity args]
#   e.g. scripts/ansible-test-sanity.sh --test pylint -v
#
# Environment:
#   REPO   collection checkout to test (default: this script's parent's parent directory)
#   VENV   virtualenv holding ansible-core/ansible-test (default: $REPO/.venv)
#   SANITY_OUTPUT_DIR  if set, the run's tests/output (e.g. with --junit) is copied there
#
# How it works:
#   * ansible-test needs the collection at .../ansible_collections/NAMESPACE/NAME (it resolves
#     symlinks), so the files git tracks plus untracked-but-not-ignored ones are copied into a
#     throw-away tree, with amazon.aws from the venv linked beside it as a dependency.
#     The copy is not a git repository: ansible-test then lists content by walking the directory
#     (its "unversioned" source provider), which sees exactly the copied files.
#   * ansible-test (--venv) builds a controller venv per run plus one venv per sanity test
#     (~/.ansible/test/venv, cached across runs: the first run is "cold"), bootstrapping pip in
#     each with a get-pip.py downloaded from a host we cannot reach. A stand-in goes in its cache
#     (~/.ansible/test/cache/get_pip_<ver>.py) that installs pip from a copy fetched once from
#     PyPI (falling back to ensurepip); test requirements then come from PyPI as usual.
#   * shellcheck is installed with apt when missing (as root), so the shellcheck test is real.
set -euo pipefail

start_time=$(date +%s)

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
REPO=${REPO:-$(dirname -- "$script_dir")}
REPO=$(cd -- "$REPO" && pwd -P)
VENV=${VENV:-$REPO/.venv}
VENV=$(cd -- "$VENV" && pwd -P) # make passes it relative to the repo root
PYTHON_VERSION=3.11
output_dir=${SANITY_OUTPUT_DIR:-}
if [[ -n "$output_dir" && "$output_dir" != /* ]]; then output_dir="$PWD/$output_dir"; fi

if [[ ! -x "$VENV/bin/ansible-test" ]]; then
    echo "error: $VENV/bin/ansible-test not found; create the venv first (pip install -r requirements.txt)" >&2
    exit 2
fi
export PATH="$VENV/bin:$PATH"
unset PYTHONPATH ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS

# --- shellcheck: the 'shellcheck' sanity test is skipped silently without it -----------------
if ! command -v shellcheck >/dev/null 2>&1; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing shellcheck (apt) for the shellcheck sanity test..."
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck) >/dev/null
    else
        echo "warning: shellcheck is missing and cannot be installed here; the shellcheck sanity test will be skipped" >&2
    fi
fi

# --- collection name from galaxy.yml ------------------------------------------------------
read -r namespace name < <(python - "$REPO/galaxy.yml" <<'PY'
import sys, yaml
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        meta = yaml.safe_load(f) or {}
except FileNotFoundError:
    meta = {}
print(meta.get("namespace") or "crossvpc", meta.get("name") or "aws")
PY
)

# --- get-pip.py stand-in for ansible-test's pip bootstrap ------------------------------------
# ansible-test bootstraps pip into every venv it makes (ansible_test/_util/target/setup/
# requirements.py: bootstrap()) with a get-pip.py that it downloads from
# ci-files.testing.ansible.com (unreachable here) unless ~/.ansible/test/cache/get_pip_<V>.py
# exists, V being get_venv_packages()['pip'] from ansible_test/_internal/python_requirements.py
# with '.' -> '_' (ansible-core 2.19.14: pip 24.2 -> get_pip_24_2.py).
pip_version=$(python - "$PYTHON_VERSION" <<'PY'
import sys, types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version=sys.argv[1]))["pip"])
PY
)
cache_dir="$HOME/.ansible/test/cache"
mkdir -p -- "$cache_dir"
get_pip="$cache_dir/get_pip_${pip_version//./_}.py"
# pip itself, fetched once from PyPI and kept unpacked + byte-compiled beside the stand-in, which
# runs pip from there: ~1 s per venv, where ensurepip + 'pip install pip==X' takes ~20 s.
pip_cache="$cache_dir/crossvpc-pip"
pip_unpacked="$pip_cache/pip-$pip_version"
if [[ ! -f "$pip_unpacked/pip/__main__.py" ]]; then
    mkdir -p -- "$pip_cache"
    if python -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
        --dest "$pip_cache" "pip==$pip_version"; then
        unpack_tmp=$(mktemp -d "$pip_unpacked.XXXXXX")
        python - "$pip_cache/pip-$pip_version-py3-none-any.whl" "$unpack_tmp" <<'PY'
import compileall, sys, zipfile
import glob, shutil
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
# no dist-info: pip run from here must not take itself for an installed pip
for info in glob.glob(sys.argv[2] + "/pip-*.dist-info"):
    shutil.rmtree(info)
compileall.compile_dir(sys.argv[2], quiet=1)
PY
        rm -rf -- "$pip_unpacked"
        mv -- "$unpack_tmp" "$pip_unpacked"
    else
        echo "warning: could not fetch pip $pip_version from PyPI; the stand-in falls back to ensurepip" >&2
    fi
fi
get_pip_marker='# crossvpc-aws get-pip stand-in v5'
if [[ ! -f "$get_pip" ]] || grep -q '^# crossvpc-aws get-pip stand-in' "$get_pip"; then
    # (a genuine get-pip.py someone saved there is left alone: it works offline too)
    tmp_get_pip=$(mktemp "$get_pip.XXXXXX")
    {
        echo "$get_pip_marker"
        cat <<'PY'
"""Offline stand-in for get-pip.py, used by ansible-test to bootstrap pip into its venvs.

ansible-test runs it (through its quiet_pip.py wrapper, as __main__, argv intact) as
    python quiet_pip.py --disable-pip-version-check pip==24.2 --no-setuptools --no-wheel
Like get-pip.py it runs 'pip install --upgrade --force-reinstall ARGS' (ARGS: pip options,
requirements, -r/-c files) less its own --no-setuptools/--no-wheel/--no-pip, adding pip,
setuptools and wheel unless told not to (or already named in ARGS).
pip runs from the copy of pip kept in crossvpc-pip/ beside this file (a requirement 'pip==X'
with X cached there is installed from the cached wheel, with no index); failing that, from
ensurepip (bundled with Python), after which 'pip install' gets the requested versions.
"""
import glob
import importlib.util
import os
import re
import subprocess
import sys

OWN_OPTIONS = {"--no-setuptools": "setuptools", "--no-wheel": "wheel", "--no-pip": "pip"}
PIP_CACHE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crossvpc-pip")


def run(cmd, quiet=False):
    env = dict(os.environ)
    env.pop("GET_PIP", None)
    if quiet:
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
        if proc.returncode:
            sys.stdout.write(proc.stdout)
    else:
        proc = subprocess.run(cmd, env=env, check=False)
    if proc.returncode:
        sys.exit(proc.returncode)


def pinned_pip(arg):
    match = re.fullmatch(r"pip==([0-9][0-9A-Za-z.]*)", arg.replace(" ", ""))
    return match.group(1) if match else None


def cached_wheel(version):
    path = os.path.join(PIP_CACHE, "pip-%s-py3-none-any.whl" % version)
    return path if os.path.isfile(path) else None


def pip_runner(version):
    """Where 'python RUNNER install ...' runs pip from: unpacked pip, else the wheel itself."""
    unpacked = sorted(glob.glob(os.path.join(PIP_CACHE, "pip-%s" % version, "pip", "__main__.py")))
    wheels = sorted(glob.glob(os.path.join(PIP_CACHE, "pip-%s-py3-none-any.whl" % version)))
    if unpacked:
        return os.path.dirname(unpacked[-1])
    return os.path.join(wheels[-1], "pip") if wheels else None


def main():
    args = sys.argv[1:]
    excluded = {OWN_OPTIONS[a] for a in args if a in OWN_OPTIONS}
    pip_args = [a for a in args if a not in OWN_OPTIONS]

    named = {m.group(0).lower() for m in (re.match(r"[A-Za-z0-9._-]+", a) for a in pip_args if not a.startswith("-")) if m}
    extra = [n for n in ("pip", "setuptools", "wheel") if n not in excluded and n not in named]

    # 'pip==X' with X cached: install that wheel file (no index needed) using that pip
    versions = [pinned_pip(a) for a in pip_args if pinned_pip(a) and cached_wheel(pinned_pip(a))]
    runner = pip_runner(versions[0]) if versions else pip_runner("*")
    if runner:
        pip_args = [cached_wheel(pinned_pip(a)) if pinned_pip(a) in versions else a for a in pip_args]
        # --no-compile: saves ~3 s a venv; ansible-test removes pip from its sanity venvs once their
        # requirements are in, and Python compiles whatever is imported anyway
        run([sys.executable, runner, "install", "--upgrade", "--force-reinstall", "--no-compile", *pip_args, *extra])
        return

    present = {n: importlib.util.find_spec(n) is not None for n in ("setuptools", "wheel")}
    run([sys.executable, "-m", "ensurepip", "--default-pip"], quiet=True)
    run([sys.executable, "-m", "pip", "install", "--upgrade", "--force-reinstall", *pip_args, *extra])
    # ensurepip (Python < 3.12) also brings setuptools: drop what the caller excluded
    drop = [n for n in ("setuptools", "wheel") if n in excluded and not present[n] and importlib.util.find_spec(n)]
    if drop:
        run([sys.executable, "-m", "pip", "uninstall", "-y", "--disable-pip-version-check", *drop], quiet=True)


if __name__ == "__main__":
    main()
PY
    } >"$tmp_get_pip"
    if cmp -s -- "$tmp_get_pip" "$get_pip"; then
        rm -f -- "$tmp_get_pip"
    else
        mv -f -- "$tmp_get_pip" "$get_pip"
    fi
fi

# --- throw-away collection tree ------------------------------------------------------------
tmp_root=$(mktemp -d "${TMPDIR:-/tmp}/ansible-test-sanity.XXXXXX")
trap 'rm -rf -- "$tmp_root"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

collection_dir="$tmp_root/ansible_collections/$namespace/$name"
mkdir -p -- "$collection_dir" "$tmp_root/ansible_collections/amazon"

if ! git -C "$REPO" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "error: $REPO is not a git checkout (the files to test are those git tracks or would add)" >&2
    exit 2
fi
# Tracked + untracked-not-ignored files; tracked files deleted from the work tree are skipped.
git -C "$REPO" ls-files -z -co --exclude-standard \
    | (cd -- "$REPO" && while IFS= read -r -d '' f; do
           if [[ -e "$f" || -L "$f" ]]; then printf '%s\0' "$f"; fi
       done) \
    | tar -C "$REPO" --null --no-recursion -T - -cf - \
    | tar -C "$collection_dir" -xf -

# (ansible_collections.amazon.aws is a namespace package: no __file__, use __path__)
amazon_aws=$(python -c 'import ansible_collections.amazon.aws as m; print(list(m.__path__)[0])')
if [[ ! -f "$amazon_aws/MANIFEST.json" && ! -f "$amazon_aws/galaxy.yml" ]]; then
    echo "error: amazon.aws not found in $VENV" >&2
    exit 2
fi
ln -s -- "$amazon_aws" "$tmp_root/ansible_collections/amazon/aws"

# --- run ---------------------------------------------------------------------------------
venv_root="$HOME/.ansible/test/venv"
count_venvs() {
    if [[ -d "$venv_root" ]]; then find "$venv_root" -mindepth 3 -maxdepth 3 -type d | wc -l; else echo 0; fi
}
venvs_before=$(count_venvs)

cd -- "$collection_dir"
rc=0
# Every sanity test of ansible-core 2.19 for collections runs (they only need PyPI) except:
#   pslint - lints PowerShell (*.ps1, *.psm1) with pwsh + the PSScriptAnalyzer module, which come
#            from packages.microsoft.com / GitHub releases and the PowerShell Gallery: none of them
#            is reachable here, nor packaged on PyPI/Debian/npm. (The collection has no PowerShell.)
ansible-test sanity --venv --python "$PYTHON_VERSION" --skip-test pslint "$@" || rc=$?

if [[ -n "$output_dir" && -d tests/output ]]; then
    # results only (junit/bot/data), not .tmp with its throw-away controller venv
    mkdir -p -- "$output_dir"
    tar -C tests/output --exclude=./.tmp -cf - . | tar -C "$output_dir" -xf -
fi

venvs_after=$(count_venvs)
elapsed=$(($(date +%s) - start_time))
if ((venvs_after > venvs_before)); then
    kind="cold: built $((venvs_after - venvs_before)) ansible-test venv(s)"
else
    kind="warm: cached ansible-test venvs"
fi
echo "ansible-test sanity for $namespace.$name: exit $rc in ${elapsed}s ($kind)"
exit "$rc"
