# The two commands: `make demo` runs the main job on the local AWS, `make test` runs every test.
# Both install what they need into .venv first (pinned in requirements.txt).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements.txt
LINK := .collections/ansible_collections/crossvpc/aws
PYTEST_WORKERS ?= 2

.PHONY: ee demo test test-fast stages static timed-pytest setup lint sanity pytest unit molecule test-reliability clean

demo: setup
	scripts/demo.sh

# Two cores: lint then sanity (one core between them) and pytest (two workers; molecule's scenarios
# are one of its tests, on a worker's lab: tests/integration/test_molecule.py) start at once. Each
# stage's wall time and the slowest tests are printed at the end (scripts/test_report.py), pass or fail.
TIMED := scripts/timed.sh

test: setup
	@rm -f tests/output/stages.tsv tests/output/pytest.xml
	@$(TIMED) "make test (all stages)" $(MAKE) --no-print-directory stages; rc=$$?; \
	    $(BIN)/python scripts/test_report.py; exit $$rc
	@echo "make test: lint, sanity and pytest (molecule and the reliability suite included) all passed"

# The same without the reliability suite, for a change that does not touch what it covers.
test-fast: export PYTEST_MARKS = -m "not reliability"
test-fast: test

stages:
	$(MAKE) --no-print-directory -j2 --output-sync=target static timed-pytest

static:
	$(TIMED) ansible-lint $(MAKE) --no-print-directory lint
	$(TIMED) "ansible-test sanity" $(MAKE) --no-print-directory sanity

timed-pytest:
	$(TIMED) pytest $(MAKE) --no-print-directory pytest PYTEST_ARGS=--junitxml=tests/output/pytest.xml

setup: $(INSTALLED) $(LINK)
	@# A no-op here (amazon.aws comes with the pinned ansible bundle); fetches it where Galaxy is reachable.
	$(BIN)/ansible-galaxy collection install -r requirements.yml

$(INSTALLED): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	cp requirements.txt $@

# ansible finds this checkout as crossvpc.aws through ansible.cfg's collections_path.
$(LINK):
	mkdir -p $(@D)
	ln -sfn ../../.. $@

lint: setup
	$(BIN)/ansible-lint

sanity: setup
	VENV=$(abspath $(VENV)) scripts/ansible-test-sanity.sh

# Every test in one session: each worker builds the lab once and restores it from a local AWS
# snapshot wherever a test needs it bare, so the reliability tests (marked `reliability`: crash
# and rerun, faults on every call, every IAM action removed in turn) never meet another test's
# leftovers. Work units (a file, or one parameter of a sweep) go to a worker longest first
# (--dist loadgroup, in conftest.py's order rather than xdist's by test count; tests/conftest.py).
# Summaries: tests/output/reliability/.
pytest: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder $(PYTEST_MARKS) $(PYTEST_ARGS) tests

# The reliability suite alone.
test-reliability: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder -m reliability tests

unit: setup
	$(BIN)/python -m pytest tests/unit

molecule: setup
	VENV=$(abspath $(VENV)) scripts/molecule.sh

# The execution environment's build context (build/ee), from the collection's tarball: offline.
ee: setup
	$(BIN)/ansible-galaxy collection build --force --output-path build
	$(BIN)/ansible-builder create -f execution-environment.yml -c build/ee

clean:
	rm -rf .collections .localaws tests/output .pytest_cache
