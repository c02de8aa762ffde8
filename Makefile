# Custodia: `make run` serves the portal with demo data; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=...` replaces this.
PYTEST_ARGS ?= -n auto

# The embedded default: SQLite, no Redis, debug on (never use these values in production).
RUN_ENV := DJANGO_DEBUG=1
# Tests run with production-like settings, minus TLS (the test server speaks plain HTTP).
TEST_ENV := DJANGO_DEBUG=0 SECRET_KEY=test-only-secret-key-not-for-production \
	CUSTODIA_SSL_REDIRECT=0 CUSTODIA_SECURE_COOKIES=0 CUSTODIA_STATIC_FROM_FINDERS=1

.PHONY: run test lint venv node clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet ".[test]"
	@$(VENV)/bin/pip install --quiet ".[ldap]" 2>/dev/null || echo "LDAP sign-in left out: python-ldap needs apt-get install -y libldap2-dev libsasl2-dev gcc (its tests skip)"
	@touch $@

venv: $(VENV)/.installed

# Browser-side test tools (axe-core for the accessibility checks), pinned by package-lock.json.
# Without npm the browser accessibility tests skip (or fail under CUSTODIA_REQUIRE_SERVICES=1).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm not found: browser accessibility checks will be skipped"; fi

node: node_modules/.installed

run: venv
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py sync_schedules
	$(RUN_ENV) $(PY) manage.py load_demo_data
	$(RUN_ENV) PORT=$(PORT) VENV=$(VENV) bash scripts/run-portal.sh

test: venv node
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache

clean:
	rm -rf var staticfiles test-output .pytest_cache node_modules
