# The two commands a newcomer needs (README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Tests run against PostgreSQL and Redis for real (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/loyalty
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0
# Both cores by default (pytest-xdist); every worker gets its own test database.
PYTEST_ARGS ?= -n 2

.PHONY: install run test lint serve

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# Installs everything, migrates a SQLite database, loads the demo data (printing the logins) and serves
# http://127.0.0.1:8000 with no other service: SQLite and eager Celery.
run: install
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL $(PY) manage.py migrate --no-input
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL $(PY) manage.py seed_demo
	env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL $(PY) manage.py runserver 127.0.0.1:8000

# The real stack (README "Run in production"): the Procfile's web, worker and beat under honcho, on production
# settings, against DATABASE_URL and REDIS_URL; migrates and collects the static files first. SECRET_KEY and
# ALLOWED_HOSTS are required (loyalty/settings/production.py). Metrics of every process go to PROMETHEUS_MULTIPROC_DIR
# (emptied here: the counters start again with the stack).
serve: install
	@test -n "$$DATABASE_URL" || { echo "make serve: set DATABASE_URL (postgres://user@host/db)" >&2; exit 2; }
	@test -n "$$REDIS_URL$$CELERY_BROKER_URL" || { echo "make serve: set REDIS_URL (redis://host:6379/0)" >&2; exit 2; }
	export DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-loyalty.settings.production} && \
	env -u PROMETHEUS_MULTIPROC_DIR $(PY) manage.py migrate --no-input && \
	env -u PROMETHEUS_MULTIPROC_DIR $(PY) manage.py collectstatic --no-input -v0 && \
	export PROMETHEUS_MULTIPROC_DIR=$${PROMETHEUS_MULTIPROC_DIR:-$(CURDIR)/.metrics} PATH="$(CURDIR)/$(VENV)/bin:$$PATH" && \
	mkdir -p "$$PROMETHEUS_MULTIPROC_DIR" && find "$$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete && \
	exec $(PY) scripts/serve.py start -f Procfile

# The whole suite on PostgreSQL and Redis.
test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
		$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
