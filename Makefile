# Alliance Network: `make run` to try it, `make test` to check it. `make help` for the rest.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
DEV_SETTINGS := DJANGO_SETTINGS_MODULE=config.settings.dev
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install run serve setup test test-fast e2e lint format bench messages browser clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

$(STAMPS):
	@mkdir -p $(STAMPS)

$(PY):
	$(PYTHON_BIN) -m venv $(VENV)
	scripts/pip.sh $(PY) -m pip install --quiet --upgrade pip

$(STAMPS)/python: pyproject.toml constraints.txt | $(PY) $(STAMPS)
	scripts/pip.sh $(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@$(PY) -c "import django, wagtail, channels, daphne, allauth, playwright, pytest_django"
	@touch $@

$(STAMPS)/node: package.json package-lock.json | $(STAMPS)
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; else echo "npm not found: browser accessibility scans will report it"; fi
	@touch $@

install: $(STAMPS)/python $(STAMPS)/node ## Create .venv and install everything (idempotent)

messages: $(STAMPS)/python ## Compile the EN/FR/ES translation catalogues
	@$(PY) scripts/compile_messages.py

setup: install messages ## Migrate, collect static files and seed the demo network (once)
	@$(DEV_SETTINGS) $(PY) manage.py migrate --no-input -v0
	@$(DEV_SETTINGS) $(PY) manage.py collectstatic --no-input -v0
	@$(DEV_SETTINGS) $(PY) manage.py seed_demo --if-empty

run: setup ## Set everything up and serve http://127.0.0.1:8000 with daphne
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@$(DEV_SETTINGS) $(VENV)/bin/daphne -b $(HOST) -p $(PORT) config.asgi:application

browser: ## Install Debian's chromium for the browser tests (needs root and apt)
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: browser tests will say so"; \
	  else echo "chromium missing and cannot be installed here: browser tests will say so"; fi; \
	fi

test: install messages browser ## Run the whole test suite (unit, integration, websockets, browser)
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install messages ## Run the suite without browser tests
	$(PY) -m pytest -m "not e2e" $(PYTEST_ARGS)

e2e: install messages browser ## Run only the browser tests
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: install ## ruff, Django's checks and missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(DEV_SETTINGS) $(PY) manage.py check
	$(DEV_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=lint-only-9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5 \
	  ALLOWED_HOSTS=alliance.example $(PY) manage.py check --deploy --fail-level WARNING

format: install ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install ## Run every benchmark and print its figures next to its same-run baseline
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

makemessages: install ## Refresh the FR/ES catalogues from the source (needs GNU gettext)
	$(DEV_SETTINGS) $(PY) manage.py makemessages -l fr -l es --no-obsolete --ignore='.venv/*' --ignore='node_modules/*' --ignore='staticfiles/*'
	$(DEV_SETTINGS) $(PY) manage.py makemessages -d djangojs -l fr -l es --no-obsolete --ignore='.venv/*' --ignore='node_modules/*' --ignore='staticfiles/*'

clean: ## Remove the virtualenv, databases and generated files
	rm -rf $(VENV) $(STAMPS) node_modules staticfiles db.sqlite3* .test-db.sqlite3*
