# Gongzhi: `make run` serves the demo district on 127.0.0.1:8000; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test install assets lint types migrations-check pytest test-postgres test-move test-faults test-cluster test-browser bench bench-quick seed clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

gongzhi/static/vendor/.built: node_modules/.package-lock.json scripts/copy-vendor.mjs
	npm run --silent build
	touch $@

assets: gongzhi/static/vendor/.built

run: install assets
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input --verbosity 0
	@# The accounts and places at once; the rest of the demo district is built by the task worker below,
	@# through the same services, while the site already serves (its progress shows on the login page).
	$(PY) manage.py seed_demo --if-empty --background
	$(PY) manage.py demo_logins
	@echo "共治 running at http://$(HOST):$(PORT)/  (console /console/, resident H5 /h5/, API /api/v1/docs)"
	@# One task worker beside the server (gongzhi.jobs): background imports and exports, the demo's rest,
	@# and the scheduled work (the supervision sweep 督办巡检 every 5 minutes …); the trap stops it too.
	$(PY) manage.py jobs_worker & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

lint: install
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

types: install
	$(VENV)/bin/mypy gongzhi config bench

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

pytest: install assets
	$(VENV)/bin/pytest -n 2 --dist loadgroup --durations=20 -m "not browser and not pdf and not faults and not cluster and not move"

test: lint types migrations-check pytest
	npm test --silent

test-postgres: install assets
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 --dist loadgroup --durations=20 -m "not browser and not pdf and not faults and not cluster and not move"

# The SQLite database moved into a new database on the PostgreSQL server (127.0.0.1:5432): move_database.
test-move: install assets
	$(VENV)/bin/pytest -m move -p no:xdist --durations=5 gongzhi/ops/tests/test_move.py

# A PostgreSQL cluster of its own in a temporary folder (port 55432), gunicorn on 18700: a worker killed
# and the database stopped hard under ticket intake (docs/reliability.md). gunicorn is a dependency; the bench extra adds py-spy.
test-faults: install
	$(PY) -m pip install --quiet -e ".[bench]"
	$(VENV)/bin/pytest -m faults -p no:xdist --durations=20 gongzhi/faults

# The deployment of a city on this machine, on loopback, under var/cluster: a PostgreSQL primary and a
# streaming replica (ports 55442, 55443), PgBouncer in transaction pooling (55444), Redis (56379), two
# gunicorn web nodes (18711, 18712) and two task workers; the journeys across both nodes, then a node
# killed, a worker killed mid-import, the replica stopped. Prints its timeline. Needs pgbouncer and
# redis-server (.ci/run installs them) and the PostgreSQL 15 binaries.
test-cluster: install
	$(PY) -m pip install --quiet -e ".[bench,redis]"
	$(VENV)/bin/pytest -m cluster -p no:xdist -s --durations=5 gongzhi/cluster

test-browser: install assets
	$(PY) -m pip install --quiet -e ".[browser]"
	$(VENV)/bin/pytest -m "browser or pdf" -p no:xdist --durations=20

BENCH_PG ?= postgres://postgres@127.0.0.1:5432
# make bench: every benchmark, one JSON document (bench/run_all.py): the city at full size on PostgreSQL
# (10M persons, 5M tickets: most of an hour to generate on 2 cores; BENCH_ARGS="--keep-city" reuses it).
# make bench-quick (or make bench QUICK=1): the same at CI sizes, about 4 minutes.
BENCH_ARGS ?=

bench: install
	$(PY) -m pip install --quiet -e ".[bench]"
	BENCH_PG=$(BENCH_PG) $(PY) -m bench.run_all $(if $(QUICK),--quick) $(BENCH_ARGS)

bench-quick: install
	$(PY) -m pip install --quiet -e ".[bench]"
	BENCH_PG=$(BENCH_PG) $(PY) -m bench.run_all --quick $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules gongzhi/static/vendor staticfiles var
