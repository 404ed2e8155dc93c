"""molecule, as a user runs it (extensions/molecule/), on this worker's local AWS and lab.

scripts/molecule.sh (`make molecule`) starts a local AWS of its own and builds the lab for the
scenarios; here they share the worker's lab instead (CROSSVPC_MOLECULE_LAB=shared, as the script
sets it).

Each behaviour once: `molecule test -s transit_gateway` runs a whole sequence (syntax, the shared
prepare, converge, idempotence, verify, destroy), and every scenario's molecule.yml is that one's,
so the sequence and config are proven for all three. What the other scenarios hold of their own is
their verify.yml: tests/integration/test_reachability.py runs peering's and privatelink's on
peering.yml and privatelink.yml built on the lab, as their converge builds them. Their converge and
destroy import those playbooks, whose build, rerun and teardown are the playbook tests'.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from aws_state import difference, snapshot
from conftest import COLLECTIONS, LAB_SNAPSHOT, REPO

SCENARIOS = REPO / "extensions" / "molecule"
FULL = "transit_gateway"


def test_every_scenario_shares_one_sequence_and_config():
    configs = {p.parent.name: yaml.safe_load(p.read_text()) for p in SCENARIOS.glob("*/molecule.yml")}
    assert sorted(configs) == ["peering", "privatelink", "transit_gateway"]
    assert all(c == configs[FULL] for c in configs.values()), f"a scenario's molecule.yml differs from {FULL}'s: {configs}"
    for name in configs:
        assert sorted(p.name for p in (SCENARIOS / name).glob("*.yml")) == ["converge.yml", "destroy.yml", "molecule.yml", "verify.yml"]
        imported = (SCENARIOS / name / "converge.yml").read_text()
        assert f"ansible.builtin.import_playbook: crossvpc.aws.{name}\n" in imported, imported


def test_molecule_test_passes_on_the_lab(localaws, lab):
    localaws.control.restore(LAB_SNAPSHOT)
    lab_alone = snapshot(localaws)
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    env.update(localaws.env, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), CROSSVPC_MOLECULE_LAB="shared", NO_COLOR="1")
    try:
        run = subprocess.run([str(Path(sys.executable).parent / "molecule"), "test", "-s", FULL], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=900, check=False)
        assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
        # molecule's closing table: a line per scenario, every action of its sequence successful.
        log = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout + run.stderr)
        summary = dict((name, (int(actions), int(ok), int(failed))) for name, actions, ok, failed in re.findall(
            r"^(\w+)\s+: actions=(\d+)\s+successful=(\d+).*failed=(\d+)$", log, re.M))
        assert summary == {FULL: (6, 6, 0)}, log[-3000:]
        # The destroy removed what the converge made: the lab alone is left.
        assert difference(snapshot(localaws), lab_alone) == {}
    finally:
        localaws.control.restore(LAB_SNAPSHOT)
