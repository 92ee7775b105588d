#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Build the systemd Debian test-host images with debootstrap and import them into
# podman as localhost/hardening-debian:<major>.
#
#   tests/hosts/build-images.sh [MAJOR ...]     (default: $DEBIAN_RELEASES or 12)
#
# Cached at three levels, so a second run takes seconds:
#   1. the podman image exists and carries this recipe's hash  -> nothing to do
#   2. the rootfs tarball of this recipe is in the cache       -> podman import
#   3. otherwise debootstrap (its .debs are cached as well)
# Podman's settings for these hosts (runc, lowered ulimits) come from
# tests/hosts/containers.conf via CONTAINERS_CONF, which the Makefile exports.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${HARDENING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/edu_tw-hardening}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}

die() { printf 'build-images: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap and rootful podman); try: sudo $0"
for tool in podman debootstrap; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run 'make deps' (or apt-get install podman debootstrap runc)"
done
podman info >/dev/null 2>&1 || die "podman does not work here: $(podman info 2>&1 | tail -n 1)"

# Packages of a minimal server: systemd as PID 1, sshd for the SSH path, what Ansible needs.
packages=systemd,systemd-sysv,dbus,libpam-systemd,python3,python3-apt,sudo,iproute2,procps,netbase,openssh-server
recipe=$(cat "$0" "$here/containers.conf" | sha256sum | cut -c1-12)

suite_of() {
  case "$1" in
    11) echo bullseye ;;
    12) echo bookworm ;;
    13) echo trixie ;;
    *) die "unknown Debian release '$1' (known: 11 12 13)" ;;
  esac
}

build_rootfs() { # major tarball
  local suite root
  suite=$(suite_of "$1")
  root=$(mktemp -d "$cache/rootfs-$1.XXXXXX")
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$cache/debs-$1"
  echo "build-images: debootstrap $suite (a few minutes the first time)"
  debootstrap --variant=minbase --include="$packages" --cache-dir="$cache/debs-$1" \
    "$suite" "$root" "$mirror" >"$cache/debootstrap-$1.log" 2>&1 \
    || die "debootstrap $suite failed; see $cache/debootstrap-$1.log"
  # Every container gets its own machine id and SSH host keys at first boot.
  : >"$root/etc/machine-id"
  rm -f "$root"/etc/ssh/ssh_host_*
  mkdir -p "$root/etc/systemd/system/ssh.service.d"
  printf '[Service]\nExecStartPre=\nExecStartPre=/usr/bin/ssh-keygen -A\nExecStartPre=/usr/sbin/sshd -t\n' \
    >"$root/etc/systemd/system/ssh.service.d/hostkeys.conf"
  # trixie's minbase leaves a dangling modules.conf link that degrades the boot.
  ln -sf /dev/null "$root/etc/systemd/system/systemd-modules-load.service"
  # No stale package lists: the first apt update must really run.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
  touch -d @0 "$root/var/lib/apt/lists"
  tar -C "$root" --numeric-owner -czf "$2.tmp" .
  mv "$2.tmp" "$2"
}

releases=${*:-${DEBIAN_RELEASES:-12}}
mkdir -p "$cache"
for major in $releases; do
  suite_of "$major" >/dev/null
  image=localhost/hardening-debian:$major
  if [ "$(podman image inspect --format '{{ index .Config.Labels "hardening.recipe" }}' "$image" 2>/dev/null)" = "$recipe" ]; then
    echo "build-images: $image is current"
    continue
  fi
  tarball=$cache/rootfs-$major-$recipe.tar.gz
  [ -s "$tarball" ] || build_rootfs "$major" "$tarball"
  podman import --change 'CMD ["/sbin/init"]' --change 'ENV container=podman' \
    --change 'STOPSIGNAL SIGRTMIN+3' --change "LABEL hardening.recipe=$recipe" \
    "$tarball" "$image" >/dev/null
  echo "build-images: imported $image"
done
