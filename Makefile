# Set-up and the two README commands. `make run` and `make test` set up first when needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup soffice run test lint clean

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip==26.3
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

setup: $(BIN)/.installed soffice

# LibreOffice (headless) converts legacy .doc/.wps/.et files; best effort, never fails the set-up.
soffice:
	@command -v soffice >/dev/null 2>&1 || \
	  ( command -v apt-get >/dev/null 2>&1 && \
	    { if [ "$$(id -u)" = 0 ]; then S=; else S="sudo -n"; fi; \
	      $$S apt-get update -qq && \
	      $$S env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer-nogui libreoffice-calc-nogui >/dev/null; } ) || \
	  echo "note: LibreOffice not installed; .doc/.wps/.et files will fail with an install hint (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)"

# The main job on the bundled samples (or JIXIAO_DOCUMENTS), published at JIXIAO_WAREHOUSE.
# (./jixiao run does the same and keeps the job's exit status, which make reports as 2.)
run: setup
	$(BIN)/jixiao run

lint: setup
	$(BIN)/ruff check loaders tests scripts
	$(BIN)/ruff format --check loaders tests scripts
	JIXIAO_DBT_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models analyses

test: setup lint
	$(BIN)/pytest

clean:
	rm -rf target logs warehouse/*.duckdb* .pytest_cache
