# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The wizard on the built-in sandbox (starts it in-process; nothing to configure).
demo: $(STAMP)
	$(VENV)/bin/golive demo

## The whole test suite (uses a real Secret Service when gnome-keyring is installed).
## It runs on every core (pytest-xdist; `make test JOBS=0` runs one process; see tests/run-tests.sh).
JOBS ?= auto
test: $(STAMP)
	PY=$(PY) JOBS=$(JOBS) tests/run-tests.sh

## Lint, types, the import contracts (the layers of CONTRIBUTING.md, [tool.importlinter] in
## pyproject.toml: src first, so this tree's code is checked whatever the venv was installed from).
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks sample_configs
	$(VENV)/bin/ruff format --check src tests benchmarks sample_configs
	$(VENV)/bin/mypy
	PYTHONPATH=src $(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/bandit -q -c pyproject.toml -r src

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
