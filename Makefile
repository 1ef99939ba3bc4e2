# Two commands that work on a fresh machine with Python 3.11+ and make:
#   make demo   create .venv if needed, install, run the main job on bundled data
#   make test   install the dev tools and run every check
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_STAMP := $(VENV)/.dev-installed
RUN_STAMP := $(VENV)/.run-installed

.PHONY: test demo lint typecheck pytest install clean

$(PY):
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "sistercity needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[dev]'
	touch $@ $(RUN_STAMP)

install: $(RUN_STAMP)

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(DEV_STAMP)
	$(PY) -m mypy

pytest: $(DEV_STAMP)
	$(PY) -m pytest

test: lint typecheck pytest

demo: $(RUN_STAMP)
	@for f in examples/*.py; do echo "== $$f"; $(PY) $$f || exit 1; echo; done

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache
