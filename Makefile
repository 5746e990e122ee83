# northstar — the front door. `make run` and `make test` are all a fresh machine needs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
export UV_PYTHON_DOWNLOADS := never
export PIP_DISABLE_PIP_VERSION_CHECK := 1
PYTHON ?= $(shell pyenv which python3.12 2>/dev/null || command -v python3.12 || command -v python3)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets lint typecheck system-deps messages lock clean

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 12), "northstar needs Python 3.12 (see .python-version)"'
	$(VENV)/bin/pip install -q uv
	$(VENV)/bin/uv pip install -q --python $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e .
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

northstar/static/dist/app.js: node_modules/.installed $(wildcard frontend/*)
	npm run --silent build

install: $(VENV)/.installed node_modules/.installed
assets: northstar/static/dist/app.js

run: install assets
	DEBUG=1 $(PY) manage.py migrate --no-input
	DEBUG=1 $(VENV)/bin/northstar demo --if-empty
	@echo ""
	@echo "  northstar is running at http://$(HOST):$(PORT)/"
	@echo "  Sign in as maria.lind@finvest.example with the password northstar-demo"
	@echo ""
	@# the background worker (reminders and digests) runs beside the server and stops with it
	DEBUG=1 $(VENV)/bin/northstar worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(VENV)/bin/northstar serve --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

# Debian's Chromium for the browser tests, GNU gettext for the translation checks, Pango for WeasyPrint's PDFs
# and poppler's pdftoppm to look at them, when missing.
system-deps:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v xgettext >/dev/null || missing="$$missing gettext"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then echo "Installing Debian's$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || { echo "Could not install$$missing (needs root and Debian's packages)"; exit 1; }; fi

# The whole suite on SQLite, then again on PostgreSQL when DATABASE_URL points to one.
test: install assets system-deps lint typecheck
	env -u DATABASE_URL $(PY) -m pytest
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
	  echo "== second pass on PostgreSQL =="; \
	  $(PY) -m pytest; \
	else echo "DATABASE_URL does not point to PostgreSQL: PostgreSQL pass skipped"; fi

messages: install
	cd northstar && ../$(PY) ../manage.py makemessages -l sv --no-obsolete --no-location --ignore 'static/*'
	$(VENV)/bin/pybabel compile -d northstar/locale -D django

lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --no-header -o requirements.lock

clean:
	rm -rf $(VENV) node_modules northstar/static/dist var
