# Helpline: `make run` serves the product with a demo account; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=

.PHONY: setup run test test-sqlite test-postgres lint format system-packages bench clean

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the tests drive for real: Chromium (Playwright), Dovecot (IMAP/POP3), SpamAssassin (spamd).
SYSTEM_PACKAGES := chromium dovecot-imapd dovecot-pop3d spamassassin spamc
SYSTEM_BINARIES := /usr/bin/chromium /usr/sbin/dovecot /usr/sbin/spamd
system-packages:
	@missing=0; for b in $(SYSTEM_BINARIES); do [ -x $$b ] || missing=1; done; \
	if [ $$missing = 1 ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "make: install Debian's $(SYSTEM_PACKAGES) (sudo apt-get install …) for the tests" >&2; exit 1; fi; \
	fi

run: setup
	$(BIN)/helpline migrate
	$(BIN)/helpline demo
	$(BIN)/helpline serve --host $(HOST) --port $(PORT)

test: setup system-packages test-sqlite test-postgres

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
