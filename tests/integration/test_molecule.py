"""Every molecule scenario (extensions/molecule/), `molecule test --all`, on this worker's local AWS and lab.

scripts/molecule.sh (`make molecule`) starts a local AWS of its own and builds the lab for the
scenarios; here they share the worker's lab instead (CROSSVPC_MOLECULE_LAB=shared, as the script
sets it): each scenario's sequence (syntax, prepare, converge, idempotence, verify, destroy) runs as
a user runs it, and afterwards each account holds the lab alone, read back from the local AWS.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from aws_state import difference, snapshot
from conftest import COLLECTIONS, LAB_SNAPSHOT, REPO


def test_every_scenario_passes_molecule_test_on_the_lab(localaws, lab):
    localaws.control.restore(LAB_SNAPSHOT)
    lab_alone = snapshot(localaws)
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")}
    env.update(localaws.env, PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
               ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), CROSSVPC_MOLECULE_LAB="shared", NO_COLOR="1")
    try:
        run = subprocess.run([str(Path(sys.executable).parent / "molecule"), "test", "--all"], cwd=REPO, env=env,
                             capture_output=True, text=True, timeout=900, check=False)
        assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
        # molecule's closing table: a line per scenario, every action of its sequence successful.
        log = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout + run.stderr)
        summary = dict((name, (int(actions), int(ok), int(failed))) for name, actions, ok, failed in re.findall(
            r"^(\w+)\s+: actions=(\d+)\s+successful=(\d+).*failed=(\d+)$", log, re.M))
        scenarios = sorted(p.parent.name for p in (REPO / "extensions" / "molecule").glob("*/molecule.yml"))
        assert summary == {name: (6, 6, 0) for name in scenarios}, log[-3000:]
        # Each scenario's destroy removed what its converge made: the lab alone is left.
        assert difference(snapshot(localaws), lab_alone) == {}
    finally:
        localaws.control.restore(LAB_SNAPSHOT)
