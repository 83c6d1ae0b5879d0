#!/usr/bin/env bash
# Back up the database of DATABASE_URL into a timestamped file (docs/deploy.md, "Backups").
#   scripts/backup.sh [DIR]          DIR defaults to var/backups; keeps the newest $BACKUP_KEEP (14)
# PostgreSQL: pg_dump custom format (compressed, restorable table by table with pg_restore).
# SQLite: the online .backup command (consistent while the app keeps writing, WAL included).
# Prints the path of the new backup on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${DATABASE_URL:-sqlite:///$PWD/var/pitstop.sqlite3}"
dir="${1:-var/backups}"
keep="${BACKUP_KEEP:-14}"
stamp="$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$dir"
case "$url" in
  postgres://*|postgresql://*)
    out="$dir/pitstop-$stamp.dump"
    pg_dump --format=custom --no-owner --file="$out.part" "$url"
    pattern="pitstop-*.dump"
    ;;
  sqlite:///*)
    db="${url#sqlite://}"
    [ -f "$db" ] || { echo "no SQLite database at $db" >&2; exit 1; }
    out="$dir/pitstop-$stamp.sqlite3"
    sqlite3 "$db" ".backup '$out.part'"
    pattern="pitstop-*.sqlite3"
    ;;
  *) echo "unsupported DATABASE_URL: ${url%%:*}://…" >&2; exit 2 ;;
esac
mv "$out.part" "$out"   # a half-written backup never carries the final name
ls -1t "$dir"/$pattern | tail -n +"$((keep + 1))" | xargs -r rm -f
echo "$out"
