# Pitstop — two commands: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/pitstop
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: demo test install lint test-sqlite test-postgres browser-deps postgres redis clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

demo: install  ## venv, migrate SQLite, demo data, server on http://127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --customers 2000 --if-empty
	$(PY) manage.py runjobs --once  # today's reminders, call tasks and messages
	@echo "Pitstop: http://127.0.0.1:8000  (accounts above, password pitstop-demo)"
	$(PY) manage.py runserver 127.0.0.1:8000

browser-deps:  ## Debian's Chromium for the browser tests (skipped when already there)
	@command -v /usr/bin/chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk)

postgres:  ## start the machine's PostgreSQL if it is not running
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in 1 2 3 4 5 6 7 8 9 10; do pg_isready -q -h 127.0.0.1 -p 5432 && exit 0; sleep 1; done; echo "PostgreSQL did not start"; exit 1

redis:  ## start the machine's Redis if it is not running (Celery test)
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || (mkdir -p /var/lib/redis /var/log/redis && redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log)
	@for i in 1 2 3 4 5 6 7 8 9 10; do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && exit 0; sleep 1; done; echo "Redis did not start"; exit 1

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -q -r accounts core customers vehicles privacy messaging tasks sla complaints followups appointments workshop showroom handover leads loyalty kpis dataio pitstop -x '*/tests/*,*/migrations/*'
	# reminders composes its set-based SQL from code constants, values always bound (docs/security.md)
	$(VENV)/bin/bandit -q -r reminders -x '*/tests/*,*/migrations/*' --skip B608
	$(PY) manage.py makemigrations --check --dry-run

test-sqlite: install browser-deps redis
	$(VENV)/bin/pytest

test-postgres: install browser-deps postgres redis
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest

test: lint test-sqlite test-postgres  ## ruff, then the whole suite on SQLite and on PostgreSQL

clean:
	rm -rf $(VENV) var

# --- production profile, backups and load test (docs/deploy.md, docs/benchmarks.md) ---
.PHONY: prod backup restore bench-import load-test
PROD_BROKER ?= redis://127.0.0.1:6379/0

prod: install postgres redis  ## gunicorn + Celery worker + beat on PostgreSQL/Redis (needs SECRET_KEY; docs/deploy.md)
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(PROD_BROKER)} scripts/prod.sh

backup:  ## dump the database of DATABASE_URL into var/backups (pg_dump or SQLite .backup)
	scripts/backup.sh

restore:  ## make restore FILE=var/backups/pitstop-….dump — into the database of DATABASE_URL
	scripts/restore.sh $(FILE)

bench-import: install postgres  ## import throughput on a scratch PostgreSQL database (docs/benchmarks.md)
	psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS pitstop_importbench' -c 'CREATE DATABASE pitstop_importbench'
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_importbench $(PY) manage.py migrate -v0
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_importbench $(PY) bench/import_throughput.py --rows 200000 --xlsx
	psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE pitstop_importbench'

load-test: install postgres redis  ## 1M customers into pitstop_load, locust at 16 users (staff pace, then stress), then drop it (~12 min)
	test -x /tmp/locustenv/bin/locust || (python3 -m venv /tmp/locustenv && /tmp/locustenv/bin/pip install -q locust)
	psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE IF EXISTS pitstop_load' -c 'CREATE DATABASE pitstop_load'
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_load $(PY) manage.py migrate -v0
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_load $(PY) manage.py seed_demo --customers 1000000
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_load $(PY) manage.py runjobs --once
	psql -h 127.0.0.1 -U postgres -d pitstop_load -qc 'VACUUM ANALYZE'  # what autovacuum does in production
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_load $(PY) bench/load_test.py --users 16 --duration 120s
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/pitstop_load $(PY) bench/load_test.py --users 16 --think 0.05,0.2 --duration 60s
	psql -h 127.0.0.1 -U postgres -qc 'DROP DATABASE pitstop_load'
