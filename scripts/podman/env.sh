# Shared settings for driftdesk's podman scripts. Source it: `. scripts/podman/env.sh`.
# Everything lives under /tmp (socket, containers.conf) and /var/cache (image rootfs tarballs), so
# nothing under /etc changes.
DRIFTDESK_PODMAN_DIR="${DRIFTDESK_PODMAN_DIR:-/tmp/driftdesk-podman}"
DRIFTDESK_PODMAN_SOCKET="${DRIFTDESK_PODMAN_SOCKET:-$DRIFTDESK_PODMAN_DIR/podman.sock}"
DRIFTDESK_IMAGE_CACHE="${DRIFTDESK_IMAGE_CACHE:-/var/cache/driftdesk-images}"
DRIFTDESK_DEBIAN_MIRROR="${DRIFTDESK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export CONTAINERS_CONF="$SCRIPT_DIR/containers.conf"
# The pinned names the app asks for (src-main/adapters/docker/stack-spec.ts; a unit test keeps them equal).
# shellcheck source=images.env
. "$SCRIPT_DIR/images.env"
