# The two commands: `make run` (server on the embedded SQLite default) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LRS_HOST ?= 127.0.0.1
LRS_PORT ?= 8080
LRS_WORKERS ?= 2
# Threads per worker: browsers (players, pages) keep idle sockets open, which would hold a sync worker each.
LRS_THREADS ?= 4
# The PostgreSQL half of the test suite; conftest skips it loudly when unreachable (fails under CI=true).
LRS_TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PYTEST_WORKERS ?= 2
export LRS_HOST LRS_PORT LRS_TEST_POSTGRES_URL
# gunicorn's access log without query strings or Referer: a cmi5 fetch URL carries a one-time key,
# and xAPI queries carry agents (personal data).
# The operations hooks (docs/operations.md) turn it off in favour of the LRS's own request log (lrs.requests).
ACCESS_LOG_FORMAT := '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(D)sus'

.PHONY: run test migrate bench conformance lock npm clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(STAMP): requirements.lock setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

npm:  ## Install npm dependencies from package-lock.json (when the project has any)
	@if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; fi

migrate: $(STAMP)  ## Apply database migrations to LRS_DATABASE_URL (default: ./var/lrs.sqlite3)
	$(BIN)/lrs db upgrade

run: $(STAMP) npm migrate  ## Serve the LRS under gunicorn on LRS_HOST:LRS_PORT (default 127.0.0.1:8080)
	$(BIN)/gunicorn -c python:lrs.operations.gunicorn_hooks --workers $(LRS_WORKERS) --worker-class gthread --threads $(LRS_THREADS) --bind $(LRS_HOST):$(LRS_PORT) --access-logfile - --access-logformat $(ACCESS_LOG_FORMAT) lrs.wsgi:app

test: $(STAMP) npm  ## Run the whole test suite on SQLite and PostgreSQL
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not serial" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m serial $(PYTEST_ARGS)

conformance: $(STAMP)  ## Run the tests, then report which spec requirements they prove (conformance/)
	mkdir -p var
	-$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q -m "not serial" --junitxml=var/junit.xml $(PYTEST_ARGS)
	$(BIN)/lrs conformance report --junit var/junit.xml

bench: $(STAMP)  ## Run the benchmarks (bench/README.md); BENCH_ARGS passes options
	$(BIN)/python -m bench $(BENCH_ARGS)

catapult: $(STAMP)  ## Run ADL's cmi5 LMS test suite (CATAPULT lts/) against the server; CATAPULT_ARGS passes options
	conformance/run_catapult.sh $(CATAPULT_ARGS)

lock:  ## Re-resolve requirements.lock from setup.cfg
	$(BIN)/pip-compile --quiet --extra test --extra bench --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock setup.cfg

clean:  ## Remove the virtual environment and local data
	rm -rf $(VENV) var .pytest_cache .hypothesis
