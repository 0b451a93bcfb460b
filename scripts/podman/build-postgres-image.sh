#!/usr/bin/env bash
# Builds the PostgreSQL image the stack asks for ($DRIFTDESK_POSTGRES_IMAGE) from Debian's postgresql-15,
# with an entrypoint that honours POSTGRES_PASSWORD, POSTGRES_USER, POSTGRES_DB and
# /docker-entrypoint-initdb.d like the official image. No registry needed.
# First build ~70-90 s (debootstrap); with the cached rootfs tarball ~10 s; with the base image present ~2 s.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
. "$SCRIPT_DIR/build-rootfs.sh"
remove_packaged_cluster() {
  # postgresql-common's postinst created a "main" cluster; the entrypoint makes its own in PGDATA.
  rm -rf "$1/var/lib/postgresql/15/main" "$1/etc/postgresql/15/main"
}
base=localhost/driftdesk-base/postgres-15:bookworm
build_base_image "$base" "$DRIFTDESK_IMAGE_CACHE/postgres-15-bookworm-rootfs.tar" postgresql-15 remove_packaged_cluster
podman build --quiet --pull=never --build-arg "BASE=$base" -t "$DRIFTDESK_POSTGRES_IMAGE" \
  -f "$SCRIPT_DIR/postgres.Containerfile" "$SCRIPT_DIR" >/dev/null
echo "built $DRIFTDESK_POSTGRES_IMAGE"
