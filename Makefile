# Helpline: `make run` serves the product with a demo account; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres lint format browser bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "make: install Debian's chromium (sudo apt-get install chromium) for the browser tests" >&2; exit 1; fi; \
	fi

run: setup
	$(BIN)/helpline migrate
	$(BIN)/helpline demo
	$(BIN)/helpline serve --host $(HOST) --port $(PORT)

test: setup browser test-sqlite test-postgres

test-sqlite:
	rm -rf var/test-sqlite
	HELPLINE_DATA_DIR=var/test-sqlite HELPLINE_DATABASE_URL= HELPLINE_REDIS_URL= HELPLINE_TASKS_IMMEDIATE=1 \
	  $(BIN)/python -m pytest $(PYTEST_ARGS)

# Runs when HELPLINE_TEST_DATABASE_URL and HELPLINE_TEST_REDIS_URL are set (.ci/run sets them).
test-postgres:
	@if [ -z "$$HELPLINE_TEST_DATABASE_URL" ] || [ -z "$$HELPLINE_TEST_REDIS_URL" ]; then \
	  echo "make: HELPLINE_TEST_DATABASE_URL / HELPLINE_TEST_REDIS_URL not set; PostgreSQL + Redis pass skipped"; \
	else \
	  rm -rf var/test-postgres; \
	  HELPLINE_DATA_DIR=var/test-postgres HELPLINE_DATABASE_URL=$$HELPLINE_TEST_DATABASE_URL \
	  HELPLINE_REDIS_URL=$$HELPLINE_TEST_REDIS_URL HELPLINE_TASKS_IMMEDIATE=1 \
	  $(BIN)/python -m pytest $(PYTEST_ARGS); \
	fi

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	HELPLINE_DATA_DIR=var/lint $(BIN)/helpline manage makemigrations --check --dry-run

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python bench/inbox.py

clean:
	rm -rf $(VENV) node_modules var
