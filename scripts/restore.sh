#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh: verify the manifest, then replace the database's
# contents and both upload folders with the backup's.
#
#   scripts/restore.sh BACKUP_DIR
#
# Same environment as backup.sh (DATABASE_URL, PORTAL_PRIVATE_MEDIA_ROOT, PORTAL_MEDIA_ROOT).
# Stop the web server and the Celery worker first. Nothing is touched if any sum differs.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: scripts/restore.sh BACKUP_DIR}
PY=${PY:-.venv/bin/python}
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to restore into}"

if ! (cd "$src" && sha256sum --check --strict --quiet MANIFEST.sha256); then
  echo "restore: $src does not match its manifest; nothing restored" >&2
  exit 1
fi
for name in db.dump private.tar media.tar; do
  grep -q " $name\$" "$src/MANIFEST.sha256" || { echo "restore: $name missing from the manifest" >&2; exit 1; }
done

setting() { DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev} "$PY" -c \
  "import django; django.setup(); from django.conf import settings; print(settings.$1)"; }
private=${PORTAL_PRIVATE_MEDIA_ROOT:-$(setting PRIVATE_MEDIA_ROOT)}
media=${PORTAL_MEDIA_ROOT:-$(setting MEDIA_ROOT)}

if ! command -v pg_restore >/dev/null || [ -d /usr/lib/postgresql ]; then
  PATH="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1):$PATH"
fi

# The database: drop what the dump holds and recreate it, in one transaction.
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$src/db.dump"
for folder in private media; do
  dir=${!folder}
  mkdir -p "$dir"
  find "$dir" -mindepth 1 -delete
  tar --extract --file="$src/$folder.tar" --directory="$dir" --numeric-owner
done
echo "restored $src"
