#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump custom format) and both upload folders
# (private media: ID scans, documents; media), with a manifest of SHA-256 sums.
#
#   scripts/backup.sh DEST_DIR          → DEST_DIR/mulin-<UTC time>/ {db.dump, private.tar, media.tar, MANIFEST.sha256}
#
# Reads DATABASE_URL (postgres://…), PORTAL_PRIVATE_MEDIA_ROOT and PORTAL_MEDIA_ROOT from the
# environment; the folders default to the Django settings' (DJANGO_SETTINGS_MODULE). Restore with
# scripts/restore.sh, which checks the manifest first. Prints the backup's folder.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:?usage: scripts/backup.sh DEST_DIR}
PY=${PY:-.venv/bin/python}
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database to back up}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "backup: DATABASE_URL is not PostgreSQL" >&2; exit 2 ;; esac

setting() { DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev} "$PY" -c \
  "import django; django.setup(); from django.conf import settings; print(settings.$1)"; }
private=${PORTAL_PRIVATE_MEDIA_ROOT:-$(setting PRIVATE_MEDIA_ROOT)}
media=${PORTAL_MEDIA_ROOT:-$(setting MEDIA_ROOT)}

# pg_dump of the newest installed PostgreSQL: it must be at least the server's version.
if ! command -v pg_dump >/dev/null || [ -d /usr/lib/postgresql ]; then
  PATH="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1):$PATH"
fi

out="$dest/mulin-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
pg_dump --format=custom --no-owner --no-privileges --file="$out/db.dump" --dbname="$DATABASE_URL"
for folder in private media; do
  src=${!folder}
  mkdir -p "$src"
  tar --create --file="$out/$folder.tar" --directory="$src" --numeric-owner .
done
(cd "$out" && sha256sum db.dump private.tar media.tar > MANIFEST.sha256)
echo "$out"
