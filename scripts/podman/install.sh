#!/usr/bin/env bash
# Installs what the Docker-API integration tests need: podman (serving the Docker API), runc, debootstrap
# (to build images without a registry), and podman's dnsname CNI plugin. ~40 s.
# dnsname: podman 4.3 on Debian 12 networks containers with CNI, which resolves container names (Grafana's
# and Adminer's `postgres`) only through this plugin, a separate package podman merely suggests. Without
# it Adminer fails with "could not translate host name postgres". A network created before the plugin
# was installed stays without name lookup: `driftdesk stack down` removes it.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(podman runc debootstrap golang-github-containernetworking-plugin-dnsname)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi
podman --version
if [[ "$(podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null)" == cni ]] &&
  ! [[ -x /usr/lib/cni/dnsname ]]; then
  echo "podman uses CNI networking but /usr/lib/cni/dnsname is missing: containers could not find each other by name." >&2
  exit 1
fi
