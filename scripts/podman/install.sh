#!/usr/bin/env bash
# Installs what the Docker-API integration tests need: podman (serving the Docker API), runc, debootstrap
# (to build images without a registry), and Debian's adminer + PHP for the Adminer image. ~40 s.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(podman runc debootstrap)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi
podman --version
