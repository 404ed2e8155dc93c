"""The table printed at the end of `make test`: each stage's wall time and the slowest tests.

Reads tests/output/stages.tsv (scripts/timed.sh) and tests/output/pytest.xml (pytest's JUnit
report, whose times are setup + call + teardown per test). A report, never a verdict: it exits 0
whatever the figures are, so that growth shows in every CI log without failing a slow machine.

Usage: python scripts/test_report.py [--slowest N]
"""

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "output"


def stages(path):
    rows = []
    if path.exists():
        for line in path.read_text().splitlines():
            name, seconds, code = line.split("\t")
            rows.append((name, int(seconds), int(code)))
    return rows


def slowest(path, count):
    if not path.exists():
        return []
    cases = []
    for case in ET.parse(path).iter("testcase"):
        test = (case.get("name") or "").split("@", 1)[0]  # without xdist's work unit (--dist loadgroup)
        name = f"{case.get('classname', '').replace('.', '/')}.py::{test}"
        cases.append((float(case.get("time") or 0), name))
    return sorted(cases, reverse=True)[:count]


def minutes(seconds):
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slowest", type=int, default=20)
    args = parser.parse_args()
    rows = stages(OUTPUT / "stages.tsv")
    print("\n| stage | wall (m:ss) | exit |\n|---|---|---|")
    for name, seconds, code in rows:
        print(f"| {name} | {minutes(seconds)} | {code} |")
    tests = slowest(OUTPUT / "pytest.xml", args.slowest)
    if tests:
        print(f"\n{len(tests)} slowest tests (setup + call + teardown, one worker's time):\n")
        print("| seconds | test |\n|---|---|")
        for seconds, name in tests:
            print(f"| {seconds:.1f} | {name} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
