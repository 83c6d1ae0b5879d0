#!/usr/bin/env bash
# The production profile on one machine (docs/deploy.md): migrate, collect static files, then
# gunicorn + Celery worker + Celery beat in the foreground; Ctrl-C (or SIGTERM) stops all three.
# Needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); SECRET_KEY must be set.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/pitstop}"
: "${CELERY_BROKER_URL:?set CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0}"
: "${SECRET_KEY:?set SECRET_KEY (a long random string)}"
export DEBUG=0
PY=.venv/bin/python
case "$DATABASE_URL" in  # a first start on a fresh server: create the database
  postgres://*|postgresql://*)
    name="${DATABASE_URL##*/}"; name="${name%%\?*}"; admin="${DATABASE_URL%/*}/postgres"
    [ "$(psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" = "1" ] || psql "$admin" -qc "CREATE DATABASE \"$name\""
    ;;
esac
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v0
$PY manage.py check --deploy --fail-level ERROR
pids=()
.venv/bin/gunicorn -c scripts/gunicorn.conf.py pitstop.wsgi & pids+=($!)
$PY scripts/run_celery.py worker --concurrency "${CELERY_CONCURRENCY:-2}" & pids+=($!)
$PY scripts/run_celery.py beat --schedule var/celerybeat-schedule & pids+=($!)
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM
wait -n "${pids[@]}"   # one of them died: stop the others, fail
kill -TERM "${pids[@]}" 2>/dev/null || true
wait
exit 1
