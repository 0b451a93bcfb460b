#!/usr/bin/env bash
# Builds the Adminer image the stack asks for ($DRIFTDESK_ADMINER_IMAGE) from Debian's adminer 4.8.1 and
# PHP 8.2, laid out like the official image (/var/www/html with plugins/ and plugins-enabled/, served by
# `php -S` on port 8080), so the driftdesk autologin plugin is tested the way it runs for users.
# First build ~60-90 s (debootstrap); with the cached rootfs tarball ~10 s; with the base image ~2 s.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
. "$SCRIPT_DIR/build-rootfs.sh"
lay_out_adminer() {
  local rootfs="$1" debs
  debs="$(mktemp -d /tmp/driftdesk-adminer-deb.XXXXXX)"
  # Only the adminer files: its Depends (a web server) are replaced by PHP's built-in server.
  (cd "$debs" && apt-get -o APT::Sandbox::User=root download adminer >/dev/null)
  dpkg-deb -x "$debs"/adminer_*.deb "$rootfs"
  rm -rf "$debs"
  mkdir -p "$rootfs/var/www/html/plugins-enabled"
  ln -sf /usr/share/adminer/adminer.php "$rootfs/var/www/html/adminer.php"
  ln -sfn /usr/share/adminer/plugins "$rootfs/var/www/html/plugins"
  chroot "$rootfs" useradd --system --no-create-home --home-dir /var/www/html adminer
  chroot "$rootfs" chown adminer /var/www/html/plugins-enabled
}
base=localhost/driftdesk-base/adminer-4.8.1:bookworm
build_base_image "$base" "$DRIFTDESK_IMAGE_CACHE/adminer-4.8.1-bookworm-rootfs.tar" php8.2-cli,php8.2-pgsql lay_out_adminer
podman build --quiet --pull=never --build-arg "BASE=$base" -t "$DRIFTDESK_ADMINER_IMAGE" \
  -f "$SCRIPT_DIR/adminer.Containerfile" "$SCRIPT_DIR" >/dev/null
echo "built $DRIFTDESK_ADMINER_IMAGE"
