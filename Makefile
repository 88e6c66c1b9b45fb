# Copsite. `make run` serves a demo site; `make test` runs the suite. `make help` lists the rest.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST := $(VENV)/bin/pytest
PYTHON ?= python3
# pytest-xdist workers for the suite: one per core ("auto"); 0 runs it in one process.
TEST_WORKERS ?= auto
DEV := DEBUG=1

.DEFAULT_GOAL := help
.PHONY: help install run test test-postgres test-browser lint typecheck format bench ci clean gettext translations messages

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/css/main.css: node_modules/.installed $(wildcard static/scss/*.scss static/scss/**/*.scss)
	npm run --silent build:css

# The Welsh catalogues: gettext (Debian's package) compiles them; the .mo files are not committed.
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/*.po locale_vendor/*/LC_MESSAGES/*.po)

gettext:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }

%.mo: %.po | gettext
	msgfmt --check -o $@ $<

translations: $(CATALOGUES:.po=.mo) ## Compile the Welsh catalogues (installs gettext if missing)

messages: $(VENV)/.installed gettext ## Gather every marked string into the Welsh catalogues
	$(DEV) $(PY) manage.py makemessages --locale cy --no-obsolete --add-location file \
		--ignore ".venv/*" --ignore "node_modules/*" --ignore "var/*" --ignore "tests/*" --ignore "bench/*"
	$(DEV) $(PY) manage.py makemessages --locale cy --domain djangojs --no-obsolete --add-location file \
		--ignore ".venv/*" --ignore "node_modules/*" --ignore "var/*" --ignore "static/css/*"
	$(DEV) $(PY) manage.py vendor_messages

install: $(VENV)/.installed node_modules/.installed static/css/main.css translations ## Install Python and npm packages, build the CSS and catalogues

run: install ## Install, migrate, load demo content and serve on 127.0.0.1:$PORT
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py load_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	$(DEV) SITE_URL=http://127.0.0.1:$(PORT) $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed translations ## Run the whole non-browser suite on SQLite (eager Celery)
	@mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run --settings=copsite.settings.test
	$(PYTEST) -m "not browser and not celery_worker" -q -n $(TEST_WORKERS)

test-postgres: $(VENV)/.installed translations ## The suite on PostgreSQL and Redis with a real Celery worker
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/copsite} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} \
	$(PYTEST) -m "not browser and not celery_worker" -q -n $(TEST_WORKERS)
	$(PYTEST) -m "celery_worker" -q

test-browser: install ## The Playwright journeys in Debian's Chromium, with axe-core
	$(PYTEST) -m browser -q

lint: $(VENV)/.installed ## Ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed ## mypy (with django-stubs) on the access module, services and registries
	$(VENV)/bin/mypy

format: $(VENV)/.installed ## Format and fix with Ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(VENV)/.installed ## Time forum and blog pages and 10,000 daily digests (BENCH_SCALE=small: quick)
	$(PY) bench/run.py
	$(PY) bench/digests.py

ci: ## What CI runs (.ci/run)
	bash .ci/run

clean: ## Remove the virtualenv, npm packages and local data
	rm -rf $(VENV) node_modules var static/css
