#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a fresh, empty database and an empty MEDIA_ROOT.
#
#   createdb -h 127.0.0.1 -U reform reform_restored
#   DATABASE_URL=postgres://reform@127.0.0.1:5432/reform_restored MEDIA_ROOT=/srv/reform/media \
#     scripts/restore.sh /srv/backups/2026-11-23
#
# Refuses a database that already has tables or a MEDIA_ROOT with files in it: a restore never merges.
set -euo pipefail

src=${1:?usage: scripts/restore.sh BACKUP_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the (new, empty) database to restore into}"
media=${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/var/media}

(cd "$src" && sha256sum --check --quiet SHA256SUMS)
tables=$(psql --dbname="$DATABASE_URL" -tAc \
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore: the database already has $tables tables; restore into a new one (createdb)" >&2
  exit 1
fi
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  echo "restore: $media is not empty" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$src/database.dump"
mkdir -p "$media"
tar -C "$media" -xzf "$src/media.tar.gz"
echo "restore: database and media restored from $src"
