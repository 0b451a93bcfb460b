#!/usr/bin/env bash
# Starts `podman system service` on a private socket and waits until it answers the Docker API's _ping.
# Prints the DOCKER_HOST to export. Idempotent: an answering service is reused. ~1 s.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
mkdir -p "$DRIFTDESK_PODMAN_DIR"
ping_socket() {
  curl -sf --max-time 2 --unix-socket "$DRIFTDESK_PODMAN_SOCKET" http://d/_ping >/dev/null 2>&1
}
if ! ping_socket; then
  rm -f "$DRIFTDESK_PODMAN_SOCKET"
  nohup podman system service --time=0 "unix://$DRIFTDESK_PODMAN_SOCKET" \
    >"$DRIFTDESK_PODMAN_DIR/service.log" 2>&1 &
  echo $! >"$DRIFTDESK_PODMAN_DIR/service.pid"
  for _ in $(seq 1 100); do
    ping_socket && break
    sleep 0.1
  done
  ping_socket || { echo "podman system service did not answer; see $DRIFTDESK_PODMAN_DIR/service.log" >&2; exit 1; }
fi
echo "DOCKER_HOST=unix://$DRIFTDESK_PODMAN_SOCKET"
