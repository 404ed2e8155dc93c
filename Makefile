# The two commands: `make demo` runs the main job on the local AWS, `make test` runs every test.
# Both install what they need into .venv first (pinned in requirements.txt).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed-requirements.txt
LINK := .collections/ansible_collections/crossvpc/aws
PYTEST_WORKERS ?= 2

.PHONY: demo test test-fast setup lint sanity pytest unit molecule test-reliability clean

demo: setup
	scripts/demo.sh

test: setup lint sanity pytest test-reliability molecule
	@echo "make test: lint, sanity, pytest, the reliability suite and molecule all passed"

# The same without the reliability suite, for a change that does not touch what it covers.
test-fast: setup lint sanity pytest molecule
	@echo "make test-fast: lint, sanity, pytest and molecule all passed"

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

pytest: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not reliability" tests

# The reliability suite (tests marked `reliability`: crash and rerun, faults on every call, every
# IAM action removed in turn), a session of its own so that the other tests' leftovers on a worker's
# local AWS never meet its counts. --dist load spreads the crash shards over the workers.
# Summaries: tests/output/reliability/.
test-reliability: setup
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load -m reliability tests

unit: setup
	$(BIN)/python -m pytest tests/unit

molecule: setup
	VENV=$(abspath $(VENV)) scripts/molecule.sh

clean:
	rm -rf .collections .localaws tests/output .pytest_cache
