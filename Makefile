# Two commands that work on a fresh machine with Python 3.11+ and make:
#   make demo   create .venv if needed, install, run the main job on bundled data
#   make test   install the dev tools and run every check
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEV_STAMP := $(VENV)/.dev-installed
RUN_STAMP := $(VENV)/.run-installed

.PHONY: test demo docs lint typecheck pytest install install-check bench clean

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
	$(VENV)/bin/lint-imports

typecheck: $(DEV_STAMP)
	$(PY) -m mypy

pytest: $(DEV_STAMP)
	$(PY) -m pytest

docs: $(DEV_STAMP)
	$(PY) -m sphinx -E -n -W --keep-going -q -b html docs docs/_build/html
	@echo "HTML in docs/_build/html/index.html"

# The core installs from binary wheels alone: build the wheel, install it with
# --only-binary :all: into a fresh virtual environment, and validate the bundled data.
install-check: $(DEV_STAMP)
	rm -rf build/install-check && mkdir -p build/install-check
	$(PY) -m pip wheel -q --no-deps -w build/install-check/dist .
	$(PYTHON) -m venv build/install-check/venv
	build/install-check/venv/bin/python -m pip install -q --only-binary :all: build/install-check/dist/sistercity-*.whl
	build/install-check/venv/bin/sistercity validate examples/data/agreements.jsonl
	@echo "install-check: the core installed from binary wheels and validated the bundled data"

test: lint typecheck pytest docs install-check

demo: $(RUN_STAMP)
	@for f in examples/*.py; do echo "== $$f"; $(PY) $$f || exit 1; echo; done
	@echo "== sistercity validate examples/data/agreements.jsonl  (real agreements: clean)"
	$(PY) -m sistercity validate examples/data/agreements.jsonl
	@echo
	@echo "== sistercity validate examples/data/mistakes.jsonl  (mistakes on purpose: exit status 1)"
	$(PY) -m sistercity validate examples/data/mistakes.jsonl || test $$? -eq 1
	@echo
	@echo "== sistercity show examples/data/agreements.jsonl --id manchester-saint-petersburg-1962"
	$(PY) -m sistercity show examples/data/agreements.jsonl --id manchester-saint-petersburg-1962

bench: $(DEV_STAMP)
	$(PY) -m pip install -q -r benchmarks/requirements.txt
	$(PY) benchmarks/bench_from_dict.py
	$(PY) benchmarks/bench_registry.py
	$(PY) benchmarks/bench_import_table.py
	$(PY) benchmarks/bench_validate.py
	$(PY) benchmarks/bench_collection.py
	$(PY) benchmarks/bench_diff.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache docs/_build docs/_generated
