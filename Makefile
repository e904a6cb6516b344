# The two commands: `make run` (the site on SQLite, no service needed) and
# `make test` (the whole suite against real PostgreSQL, Redis and Celery).
# `make check` is the fast loop: lint and the tests that need no service.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

# The environment of the test suite and of the production-like deploy check.
PG_URL ?= postgres://postgres@127.0.0.1:5432/tracker
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings DATABASE_URL=$(PG_URL) \
	REDIS_URL=redis://127.0.0.1:6379/15
DEPLOY_ENV := DJANGO_SETTINGS_MODULE=tracker.settings DEBUG=0 BEHIND_TLS=1 \
	SECRET_KEY=$(shell python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=tracker.example.org DATABASE_URL=$(PG_URL) \
	REDIS_URL=redis://127.0.0.1:6379/0

.PHONY: run test check lint services chromium docker-compose wrk bench clean

$(RUN_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(DEV_STAMP): $(RUN_STAMP) pyproject.toml
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

run: $(RUN_STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_seed
	DEBUG=1 $(BIN)/python manage.py rescore
	DEBUG=1 $(BIN)/python manage.py rescore --history
	DEBUG=1 $(BIN)/python manage.py ensure_local_admin
	@echo "The tracker is at http://127.0.0.1:8000/ (Ctrl-C stops it and its worker)."
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(BIN)/celery -A tracker worker --beat \
		--concurrency 1 --loglevel warning & worker=$$!; \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

services:
	@command -v pg_ctlcluster >/dev/null || { echo "PostgreSQL is not installed: apt-get install postgresql"; exit 1; }
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
	@command -v redis-server >/dev/null || { echo "Redis is not installed: apt-get install redis-server"; exit 1; }
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
	@for i in $$(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done

chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
		|| echo "Chromium is not installed and could not be installed: apt-get install chromium"

docker-compose:
	@command -v docker-compose >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose >/dev/null; } \
		|| echo "docker-compose is not installed and could not be installed: apt-get install docker-compose"

wrk:
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
		|| echo "wrk is not installed and could not be installed: apt-get install wrk"

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(DEV_STAMP) services chromium docker-compose wrk lint
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/python manage.py check --deploy --fail-level WARNING
	$(TEST_ENV) $(BIN)/pytest

# SQLite in memory, local caches, two test processes; under a minute.
check: $(DEV_STAMP) lint
	DJANGO_SETTINGS_MODULE=tests.settings_check $(BIN)/pytest -q -n 2 \
		-m "not integration and not browser and not postgres and not redis and not slow"

bench: $(DEV_STAMP) services wrk
	$(TEST_ENV) $(BIN)/python -m tests.bench $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache .ruff_cache test-output
