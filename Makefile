# Indeks: set-up and checks. Everything installs into .venv in this checkout.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
PG_URL ?= postgres://postgres@127.0.0.1:5432/indeks

.PHONY: install messages test lint test-sqlite test-postgres demo bench clean

install: $(STAMP) messages

# Re-install only when the project's dependency list changes (quick no-op otherwise).
$(STAMP): pyproject.toml
	scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled translations (.mo) are build output, made from the .po files in indeks/locale.
messages: $(STAMP)
	$(MANAGE) compilemessages -v0 --ignore=.venv --ignore=var

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/indeks frameworks validate indeks/frameworks/*.yaml
	$(MAKE) --no-print-directory test-sqlite
	if [ "$${CI:-}" = "true" ]; then $(MAKE) --no-print-directory test-postgres; fi

test-sqlite: install
	$(BIN)/python -m pytest

# The same suite on PostgreSQL (CI runs it; locally: make test-postgres with a server on 127.0.0.1:5432).
test-postgres: install
	scripts/ensure-postgres.sh
	DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest

demo: install
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_demo
	@echo "\nIndeks runs at http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(MANAGE) db_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver --insecure --noreload 127.0.0.1:8000

bench: install
	$(BIN)/python -m bench.engine_bench
	$(BIN)/python -m bench.planner_bench
	@echo "Load and evidence benchmarks need PostgreSQL: bench/load/run.sh, python -m bench.evidence_bench"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis var
