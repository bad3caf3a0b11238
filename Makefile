# Indeks: set-up and checks. Everything installs into .venv in this checkout.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint demo bench clean

install: $(STAMP)

# Re-install only when the project's dependency list changes (quick no-op otherwise).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/indeks frameworks validate indeks/frameworks/*.yaml
	$(BIN)/python -m pytest

demo: install
	$(BIN)/indeks frameworks list
	$(BIN)/indeks calc examples/kota-contoh-2024.csv --framework spbe-2020

bench: install
	$(BIN)/python -m bench.engine_bench
	$(BIN)/python -m bench.planner_bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
