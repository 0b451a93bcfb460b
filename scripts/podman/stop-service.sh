#!/usr/bin/env bash
# Stops the podman service started by start-service.sh (by its recorded pid only).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
pid_file="$DRIFTDESK_PODMAN_DIR/service.pid"
if [[ -f "$pid_file" ]]; then
  kill "$(cat "$pid_file")" 2>/dev/null || true
  rm -f "$pid_file" "$DRIFTDESK_PODMAN_SOCKET"
fi
