#!/usr/bin/env bash
# Everything the Docker-API integration tests need, in order: install podman, start its Docker-API
# service, build the PostgreSQL and Adminer images from Debian packages. Prints `DOCKER_HOST=...`
# last; run the tests with that DOCKER_HOST and DRIFTDESK_DOCKER_TESTS=1.
# Time: first run ~4-15 min (two debootstraps, mostly download time); with the rootfs tarballs cached
# under /var/cache/driftdesk-images ~45 s; with the images already in podman's storage ~8 s.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
"$here/install.sh" >/dev/null
docker_host="$("$here/start-service.sh")"
"$here/build-postgres-image.sh"
"$here/build-adminer-image.sh"
echo "$docker_host"
