#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL (docs/deploy.md).
#   scripts/restore.sh FILE
# PostgreSQL: the target database is created if missing; existing objects are dropped and replaced
# (pg_restore --clean --if-exists), all in one transaction — a failed restore changes nothing.
# SQLite: the file is restored with the .restore command into the database file of DATABASE_URL.
# Stop gunicorn and the Celery worker first; start them again afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
file="${1:?usage: scripts/restore.sh BACKUP_FILE}"
[ -f "$file" ] || { echo "no backup file $file" >&2; exit 1; }
url="${DATABASE_URL:-sqlite:///$PWD/var/pitstop.sqlite3}"
case "$url" in
  postgres://*|postgresql://*)
    name="${url##*/}"; name="${name%%\?*}"
    admin="${url%/*}/postgres"
    exists="$(psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")"
    [ "$exists" = "1" ] || psql "$admin" -qc "CREATE DATABASE \"$name\""
    pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$url" "$file"
    ;;
  sqlite:///*)
    db="${url#sqlite://}"
    mkdir -p "$(dirname "$db")"
    sqlite3 "$db" ".restore '$file'"
    ;;
  *) echo "unsupported DATABASE_URL: ${url%%:*}://…" >&2; exit 2 ;;
esac
echo "restored $file"
