# planocr — the two commands a newcomer needs are `make demo` and `make test`.
# Both set everything up first (system packages, .venv), so they work from a clean clone as root.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.planocr-installed
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils qpdf fonts-liberation2
SAMPLES ?= data/samples
OUT     ?= out

.PHONY: setup system-deps demo test bench samples lm schema clean

setup: system-deps $(STAMP)

# Installs the Debian packages only when something is missing, so a second run costs nothing.
system-deps:
	@bash tools/install_system_deps.sh $(APT_PACKAGES)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || (bash tools/install_system_deps.sh python3-venv && $(PYTHON) -m venv $(VENV))
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(VENV)/bin/planocr run $(SAMPLES) -o $(OUT)
	@$(PY) tools/summarize.py $(OUT)

test: setup
	$(PY) -m pytest -q -n 2 tests

bench: setup
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

samples: setup
	$(PY) tools/make_samples.py --out $(SAMPLES)

lm: setup
	$(PY) tools/build_diacritics_data.py

schema: setup
	$(PY) -m pipeline.schema --output schemas/plan.schema.json

clean:
	rm -rf $(OUT) .pytest_cache
