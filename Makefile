# Set-up and the two README commands. `make run` and `make test` set up first when needed.
# The newest supported interpreter on the PATH (3.13, 3.12, 3.11: the locked set resolves on each);
# `make setup PYTHON=/path/to/python3.x` chooses another.
# A candidate counts only when it runs and can make a venv (a pyenv shim of a version not selected, or a
# Debian python without python3-venv, is on the PATH but cannot), and is 3.11.5 or later: the locked
# soupsieve and others need it (Debian 12's python3.11 is 3.11.2).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11; do \
  $$p -c 'import sys, ensurepip, venv; sys.exit(not (3, 11, 5) <= sys.version_info < (3, 14))' >/dev/null 2>&1 && \
  { command -v $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup soffice chromium run test lint clean docs dashboard

$(BIN)/.installed: pyproject.toml requirements.lock
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: jixiao needs Python 3.11 (3.11.5 or later), 3.12 or 3.13 with venv, and found none on the PATH." >&2; \
	  echo "  install one (Debian 13, Ubuntu 24.04: apt-get install python3 python3-venv; Debian 12 ships 3.11.2: pyenv install 3.13;" >&2; \
	  echo "  macOS: brew install python@3.13)," >&2; \
	  echo "  or name it: make setup PYTHON=/path/to/python3.12" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if (3, 11, 5) <= v < (3, 14) else f"error: {sys.executable} is Python {sys.version.split()[0]}; jixiao needs 3.11.5+, 3.12 or 3.13")'
	@echo "setting up .venv with $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])')"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip==26.3
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

setup: $(BIN)/.installed soffice chromium

# LibreOffice (headless) converts legacy .doc/.wps/.et files; best effort, never fails the set-up.
soffice:
	@command -v soffice >/dev/null 2>&1 || \
	  ( command -v apt-get >/dev/null 2>&1 && \
	    { if [ "$$(id -u)" = 0 ]; then S=; else S="sudo -n"; fi; \
	      $$S apt-get update -qq && \
	      $$S env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null; } ) || \
	  echo "note: LibreOffice not installed; .doc/.wps/.et files will fail with an install hint (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"

# Chromium (headless) and a CJK font for the dashboard's browser tests; best effort like LibreOffice: the
# tests that need it are skipped with this hint when it is missing.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi wenquanyi; } || \
	  ( command -v apt-get >/dev/null 2>&1 && \
	    { if [ "$$(id -u)" = 0 ]; then S=; else S="sudo -n"; fi; \
	      $$S apt-get update -qq && \
	      $$S env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null; } ) || \
	  echo "note: chromium not installed; the dashboard's browser tests will be skipped (apt-get install chromium chromium-driver fonts-wqy-zenhei)"

# The main job on the bundled samples (or JIXIAO_DOCUMENTS), published at JIXIAO_WAREHOUSE.
# (./jixiao run does the same and keeps the job's exit status, which make reports as 2.)
run: setup
	$(BIN)/jixiao run

lint: setup
	$(BIN)/ruff check loaders tests scripts dashboard
	$(BIN)/ruff format --check loaders tests scripts dashboard
	JIXIAO_DBT_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models analyses

# The tests in one process per core, at most 4 (pytest-xdist; TEST_WORKERS=1 for one process): most of the
# suite's time is dbt builds of the samples, each keeping about one core busy and allowed 2 GB by DuckDB. The
# tests are split evenly and a worker that runs out takes over tests queued for another (worksteal), so one
# module's long tests are shared.
TEST_WORKERS ?= auto
test: setup lint
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 4 --dist worksteal

# dbt's documentation site (bilingual model and column descriptions), built beside the warehouse
docs: setup
	$(BIN)/jixiao docs

dashboard: setup
	$(BIN)/jixiao dashboard

clean:
	rm -rf target logs warehouse/*.duckdb* .pytest_cache
