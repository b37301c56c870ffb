# safeshare: `make run` to try it, `make test` for everything CI checks. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
VAR := var
# Both cores: the suite is CPU-bound (Chromium, argon2, the access matrix). `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help run federation-demo install install-test install-bench service-deps system-deps lint format types test test-sqlite test-postgres bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed ## Install the service into .venv/ and node_modules/

install-test: install $(VENV)/.installed-test system-deps ## Install what the tests need

install-bench: install-test $(VENV)/.installed-bench ## Also what the benchmarks need (locust for bench/load.py; pymerkle, django-auditlog for bench/bench_ledger.py)

service-deps: ## Install the Debian libraries and fonts WeasyPrint needs for PDFs when missing (as root), or say what to install
	@scripts/system-deps.sh service

system-deps: ## The same, and Debian's chromium and postgresql for the tests
	@scripts/system-deps.sh

$(VAR)/secret_key:
	@mkdir -p $(VAR)
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

$(VAR)/ledger_key: | $(VAR)/secret_key
	@SECRET_KEY_FILE=$(VAR)/secret_key $(BIN)/safeshare ledger keygen --out $@ >/dev/null

run: install service-deps $(VAR)/secret_key $(VAR)/ledger_key ## Migrate the SQLite database under var/, load demo data once, serve on http://127.0.0.1:8000 with the scheduled jobs beside it
	@export SECRET_KEY_FILE=$(VAR)/secret_key SAFESHARE_DEMO=$${SAFESHARE_DEMO:-true} \
	  SAFESHARE_LEDGER_SIGNING_KEY_FILE=$${SAFESHARE_LEDGER_SIGNING_KEY_FILE:-$(VAR)/ledger_key}; \
	  $(BIN)/safeshare migrate --no-input && \
	  $(BIN)/safeshare collectstatic --no-input -v 0 && \
	  $(BIN)/safeshare demo --if-empty && \
	  echo && echo "safeshare is starting on http://127.0.0.1:8000 (Ctrl+C stops it)" || exit 1; \
	  $(BIN)/safeshare jobs run & jobs=$$!; \
	  trap 'kill -TERM $$jobs 2>/dev/null; wait $$jobs 2>/dev/null' EXIT; \
	  trap 'exit 130' INT TERM; \
	  $(BIN)/safeshare serve

federation-demo: install service-deps ## Two deployments witnessing each other's ledgers, with demo data: http://127.0.0.1:8000 and :8001, folders under var/federation/
	@BIN=$(BIN) FEDERATION_DEMO_VAR=$${FEDERATION_DEMO_VAR:-$(VAR)/federation} scripts/federation-demo.sh

lint: $(VENV)/.installed-test ## ruff lint and format check
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(VENV)/.installed-test ## Format the code with ruff
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

types: $(VENV)/.installed-test ## mypy with django-stubs
	@# The django-stubs plugin imports the settings, which refuse to load without a key.
	SECRET_KEY=mypy-only-key-never-used-to-sign-anything-0000 $(BIN)/mypy src tests bench

test-sqlite: install-test ## The whole suite on SQLite, browser tests included
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install-test ## The whole suite on a throwaway PostgreSQL server
	scripts/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

test: install-test lint types test-sqlite test-postgres ## Everything CI runs: lint, types, SQLite and PostgreSQL suites

bench: install-bench ## Benchmarks; results go in docs/performance.md
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b; done

clean: ## Remove the virtualenv, node_modules and var/ (the local database!)
	rm -rf $(VENV) node_modules $(VAR)
