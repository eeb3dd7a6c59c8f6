# planocr — the two commands a newcomer needs are `make demo` and `make test`.
# Both set everything up first (system packages, .venv), so they work from a clean clone as root.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.planocr-installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils qpdf fonts-liberation2 ghostscript chromium
SAMPLES ?= data/samples
OUT     ?= out

.PHONY: setup system-deps demo test lint bench samples lm schema clean lock

setup: system-deps $(STAMP)

# Installs the Debian packages only when something is missing, so a second run costs nothing.
system-deps:
	@bash tools/install_system_deps.sh $(APT_PACKAGES)

# Installs exactly what requirements.lock pins (hashes checked), then planocr itself without dependencies.
# Upgrading a dependency: `make lock` (docs/dependencies.md), then commit requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || (bash tools/install_system_deps.sh python3-venv && $(PYTHON) -m venv $(VENV))
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install -q --no-deps -e .
	$(PY) tools/check_lock.py requirements.lock
	@touch $(STAMP)

# Re-resolves every dependency to its newest release allowed by pyproject.toml and pins it with hashes.
lock:
	$(PYTHON) -m venv /tmp/planocr-uv && /tmp/planocr-uv/bin/pip install -q uv
	/tmp/planocr-uv/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 --upgrade -o requirements.lock

demo: setup
	$(VENV)/bin/planocr run $(SAMPLES) -o $(OUT)
	@$(PY) tools/summarize.py $(OUT)

# The gates: lint and format check (ruff) and types (mypy, which checks the packages pyproject.toml names) on the
# product's code; `make test` runs them first, so CI (.ci/run) does too.
LINTED := pipeline diacritics

lint: setup
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)
	$(VENV)/bin/mypy

test: setup lint
	$(PY) -m pytest -q -n 2 tests

bench: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

samples: setup
	$(PY) tools/make_samples.py --out $(SAMPLES)

lm: setup
	$(PY) tools/build_diacritics_data.py
	$(PY) tools/build_lm.py

schema: setup
	$(PY) -m pipeline.schema --output schemas/plan.schema.json

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
