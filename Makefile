# The README's two commands are `make demo` and `make test`; each prepares the machine itself (dev/bootstrap.sh).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONPATH := $(CURDIR)
export NETBOX_CONFIGURATION := dev.netbox_configuration
# The demo instance lives in .demo/ (git-ignored): its media, static files and the wheel-mode NETBOX_ROOT.
# It shows both display modes: sites get a right-hand panel, everything else the "Attachments" tab.
DEMO_PLUGIN_CONFIG ?= {"display_setting": {"dcim.site": "right_page"}}
DEMO_ENV := NETBOX_ROOT=$(CURDIR)/.demo NETBOX_MEDIA_ROOT=$(CURDIR)/.demo/media \
	NETBOX_ATTACHMENTS_CONFIG='$(DEMO_PLUGIN_CONFIG)'
TEST_DB := test_netbox_attachments
TEST_ENV := NETBOX_MEDIA_ROOT=$(CURDIR)/.test-media NETBOX_REDIS_TASKS_DB=2 NETBOX_REDIS_CACHE_DB=3

.PHONY: demo test e2e manage bench bench-cleanup bench-offload bench-s3 bootstrap bootstrap-e2e lint format api-client release

## demo: NetBox with the plugin and demo data on http://$(HOST):$(PORT)/ (PORT=8001 make demo to move it)
demo: bootstrap
	$(DEMO_ENV) $(PY) dev/databases.py demo
	$(DEMO_ENV) $(PY) dev/demo_data.py
	@# runserver serves static files itself, but NetBox reads some from STATIC_ROOT (rack elevations' style sheet).
	$(DEMO_ENV) $(VENV)/bin/netbox collectstatic --no-input -v0
	$(DEMO_ENV) $(VENV)/bin/netbox runserver --insecure --noreload $(HOST):$(PORT)

## test: lint, then every test: front-end unit tests and bundle budget, Python against real PostgreSQL and Redis, and
## the Playwright suite in Chromium against two real NetBox servers
test: bootstrap-e2e
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	npm run --silent typecheck
	npm run --silent lint
	npm run --silent test:unit
	node frontend/scripts/bundle-size.mjs
	$(TEST_ENV) $(PY) dev/databases.py test
	$(TEST_ENV) NETBOX_DB_NAME=$(TEST_DB) dev/api_client.sh check
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)
	npm run --silent test:e2e -- $(E2E_ARGS)

## e2e: only the browser suite, e.g. make e2e E2E_ARGS="e2e/tests/upload.spec.ts --trace on" (see the README)
e2e: bootstrap-e2e
	npm run --silent test:e2e -- $(E2E_ARGS)

## api-client: regenerate the committed OpenAPI schema and TypeScript types after an API change
api-client: bootstrap
	$(TEST_ENV) $(PY) dev/databases.py test
	$(TEST_ENV) NETBOX_DB_NAME=$(TEST_DB) dev/api_client.sh write

## manage: any NetBox management command against the demo instance, e.g. make manage ARGS="showmigrations"
manage: bootstrap
	$(DEMO_ENV) $(VENV)/bin/netbox $(ARGS)

## bench: transfer and list figures of the API on a real gunicorn server, with targets (bench/api_bench.py)
bench: bootstrap
	$(PY) bench/api_bench.py $(BENCH_ARGS)

## bench-cleanup: report time and peak memory of the orphan cleanup on 100,000 files (bench/cleanup_bench.py)
bench-cleanup: bootstrap
	$(PY) bench/cleanup_bench.py $(BENCH_ARGS)

## bench-offload: list latency under 32 slow downloads and offload throughput, real nginx before gunicorn
## (bench/offload_bench.py; BENCH_ARGS="--seconds 10" for a quick check)
bench-offload: bootstrap
	$(PY) bench/offload_bench.py $(BENCH_ARGS)

## bench-s3: downloads from an S3-compatible server through NetBox: a range's bytes and first byte, throughput
## against a direct GET, worker memory (bench/s3_bench.py; BENCH_ARGS="--size-mib 256" for a quick check)
bench-s3: bootstrap
	$(PY) bench/s3_bench.py $(BENCH_ARGS)

## release: the wheel, with the built front end in it, in dist/ (dev/release.sh)
release: bootstrap
	dev/release.sh dist

bootstrap:
	@dev/bootstrap.sh

bootstrap-e2e:
	@dev/bootstrap.sh e2e

lint:
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && npm run --silent lint

format:
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format . && npm run --silent format
