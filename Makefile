# Two commands for a fresh machine: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PROBATION_INSTANCE ?= $(CURDIR)/instance

.PHONY: demo test test-quick lint postgres redis browser-deps clean-demo bench loadtest lighthouse

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/probation-dashboard init-db
	$(BIN)/probation-dashboard generate --scale 1 --seed 42 --if-empty
	PROBATION_DEMO=1 $(BIN)/probation-dashboard demo-users
	PROBATION_DEMO=1 $(BIN)/probation-dashboard serve --host 127.0.0.1 --port 8050

postgres:
	@bash scripts/ensure-postgres.sh

redis:
	@bash scripts/ensure-redis.sh

# Browser tests: Debian's Chromium (playwright's own download does not run here) and axe-core
# (pinned; into the gitignored node_modules/). Under CI=true a missing one fails the tests.
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
AXE_CORE  ?= axe-core@4.14.1
browser-deps:
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }
	@test -f node_modules/axe-core/axe.min.js || \
		npm install --no-save --no-audit --no-fund --silent $(AXE_CORE)

# Every tier (-m "" overrides the quick-tier selection in pyproject.toml; README "Tests").
test: $(STAMP) postgres redis browser-deps
	$(BIN)/python -m pytest -m "" -n 2 --dist loadgroup

# The quick tier alone: what a plain `pytest` runs (SQLite, no browser, nothing slow).
test-quick: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

clean-demo:
	rm -f $(PROBATION_INSTANCE)/probation.db*

# Measurements (benchmarks/, not installed; docs/performance.md). BENCH_DATABASE_URL: a PostgreSQL database the bench
# may fill with the synthetic dataset (reused when it already holds the same scale/seed).
BENCH_DATABASE_URL ?= postgresql+psycopg2://postgres@127.0.0.1:5432/probation_bench
BENCH_SCALE ?= 1
bench: $(STAMP) postgres
	@psql "$$(echo $(BENCH_DATABASE_URL) | sed 's/+psycopg2//')" -c 'SELECT 1' >/dev/null 2>&1 || \
	  createdb -h 127.0.0.1 -U postgres $(notdir $(BENCH_DATABASE_URL))
	$(BIN)/python -m benchmarks.cli --database-url $(BENCH_DATABASE_URL) --scale $(BENCH_SCALE) \
	  --json bench-scale$(BENCH_SCALE).json

# 50 users for 60 s (at most 30,000 requests) against gunicorn on 127.0.0.1:8051.
loadtest: $(STAMP)
	$(BIN)/python -m benchmarks.loadtest --database-url $(BENCH_DATABASE_URL) --start-gunicorn \
	  --users 50 --duration 60 --max-requests 30000 --warmup 15 --json loadtest.json

# Lighthouse (desktop preset, median of 3 runs) on the section and drill pages and sign-in,
# as a ministry user in Kazakh, against gunicorn on a free port of 127.0.0.1. A
# measurement like `make bench`, not part of `make test`. LIGHTHOUSE_DATABASE_URL: a
# database that already holds data (the account lighthouse-ministry is created or reset).
LIGHTHOUSE ?= lighthouse@12.8.2
LIGHTHOUSE_DATABASE_URL ?= $(BENCH_DATABASE_URL)
LIGHTHOUSE_ARGS ?= --runs 3 --drill --min-accessibility 0.95
lighthouse: $(STAMP) browser-deps
	@test -x node_modules/.bin/lighthouse || \
		npm install --no-save --no-audit --no-fund --silent $(LIGHTHOUSE) $(AXE_CORE)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python -m benchmarks.lighthouse \
	  --database-url $(LIGHTHOUSE_DATABASE_URL) --json lighthouse.json $(LIGHTHOUSE_ARGS)
