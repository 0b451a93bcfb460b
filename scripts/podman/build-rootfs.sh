# Sourced by the build scripts. build_base_image TAG TARBALL PACKAGES [CUSTOMIZE_FUNCTION]
# Debootstraps a minimal Debian bookworm with PACKAGES (no registry needed: Debian's mirror only),
# caches the rootfs as TARBALL under $DRIFTDESK_IMAGE_CACHE so a second build is only a `podman import`,
# and imports it as TAG unless podman already has that image.
build_base_image() {
  local tag="$1" tarball="$2" packages="$3" customize="${4:-}"
  if podman image exists "$tag"; then
    echo "base image $tag already present"
    return
  fi
  mkdir -p "$DRIFTDESK_IMAGE_CACHE"
  if [[ ! -s "$tarball" ]]; then
    local rootfs
    rootfs="$(mktemp -d /tmp/driftdesk-rootfs.XXXXXX)"
    echo "debootstrap bookworm with $packages (about a minute)"
    debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$DRIFTDESK_DEBIAN_MIRROR" >"$rootfs.log" 2>&1 ||
      { tail -20 "$rootfs.log" >&2; rm -rf "$rootfs"; return 1; }
    if [[ -n "$customize" ]]; then "$customize" "$rootfs"; fi
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar --numeric-owner -C "$rootfs" -cf "$tarball.partial" .
    mv "$tarball.partial" "$tarball"
    rm -rf "$rootfs" "$rootfs.log"
  fi
  podman import --quiet "$tarball" "$tag" >/dev/null
}
