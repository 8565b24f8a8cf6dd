# microVET modules. The two commands a newcomer needs:
#   make run   – install into .venv, migrate + seed the SQLite demo, serve on http://127.0.0.1:$(PORT)
#   make test  – install dev extras + chromium, lint, import contracts, migrations check, the whole suite
#                (on SQLite, and also on PostgreSQL when TEST_POSTGRES_URL is set)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := wsgi
export BASE_URL ?= http://$(HOST):$(PORT)
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test lint messages translations bench clean install install-dev chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

translations: | $(BIN)/python
	@$(BIN)/pybabel compile -q -d lms_ext/translations 2>/dev/null || $(BIN)/pybabel compile -d lms_ext/translations

# Browser tests drive Debian's chromium (never a downloaded browser).
chromium:
	@command -v $(CHROMIUM) >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get install -y -q chromium >/dev/null 2>&1 || \
	  { $$SUDO apt-get update -q >/dev/null && $$SUDO apt-get install -y -q chromium >/dev/null; }; }
	@command -v $(CHROMIUM) >/dev/null || { echo "chromium is missing: apt-get install chromium"; exit 1; }

run: install
	LMS_EXT_ENV=development $(BIN)/flask db upgrade
	LMS_EXT_ENV=development $(BIN)/flask seed-demo
	@echo "microVET modules on http://$(HOST):$(PORT)/  (demo launcher: http://$(HOST):$(PORT)/demo/)"
	@# The job worker (grade pass-back) runs beside the web server and stops with it.
	LMS_EXT_ENV=development $(BIN)/flask jobs work & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  LMS_EXT_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@tmp=$$(mktemp -d); \
	  LMS_EXT_ENV=testing TEST_DATABASE_URL=sqlite:///$$tmp/check.sqlite $(BIN)/flask db upgrade >/dev/null 2>&1 && \
	  LMS_EXT_ENV=testing TEST_DATABASE_URL=sqlite:///$$tmp/check.sqlite $(BIN)/flask db check; \
	  status=$$?; rm -rf $$tmp; exit $$status

test: install-dev chromium lint
	$(BIN)/python -m pytest
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "== the same suite on PostgreSQL ($$TEST_POSTGRES_URL)"; \
	  TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest; \
	else echo "== TEST_POSTGRES_URL not set: PostgreSQL run skipped"; fi

# Extract all wrapped strings and update the catalogues (run after changing user-visible text).
messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -o lms_ext/translations/messages.pot .
	$(BIN)/pybabel update -i lms_ext/translations/messages.pot -d lms_ext/translations

bench: install-dev
	$(BIN)/python scripts/bench.py --floor

clean:
	rm -rf $(VENV) instance
