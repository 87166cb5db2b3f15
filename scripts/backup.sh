#!/usr/bin/env bash
# Back up the ledger: the database as a pg_dump custom-format archive and MEDIA_ROOT (uploaded documents
# and evidence) as a tarball, with their SHA-256 sums. Restore with scripts/restore.sh.
#
#   DATABASE_URL=postgres://reform@127.0.0.1:5432/reform MEDIA_ROOT=/srv/reform/media \
#     scripts/backup.sh /srv/backups/$(date +%F)
#
# The dump is consistent on its own (one snapshot); run the backup when no import is under way so that
# the media archive holds every file the dump refers to (a file uploaded later is merely extra).
set -euo pipefail

dest=${1:?usage: scripts/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
media=${MEDIA_ROOT:-$(cd "$(dirname "$0")/.." && pwd)/var/media}

mkdir -p "$dest"
if [ -e "$dest/database.dump" ] || [ -e "$dest/media.tar.gz" ]; then
  echo "backup: $dest already holds a backup; choose a new directory" >&2
  exit 1
fi
# No owner or grants in the archive: it restores into a database owned by whichever role restores it.
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$dest/database.dump"
mkdir -p "$media"
tar -C "$media" -czf "$dest/media.tar.gz" .
(cd "$dest" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "backup: $dest/database.dump, $dest/media.tar.gz"
