#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `make demo`: start a disposable Debian test host, apply edu_tw.hardening.site to it,
# show the result, and remove the host unless KEEP=1.
set -euo pipefail

release=${DEMO_DEBIAN:-12}
name=hardening-demo-d$release-$$
work=$(mktemp -d)

cleanup() {
  if [ "${KEEP:-0}" = 1 ]; then
    echo "demo: kept $name (podman exec -it $name bash; podman rm -f $name to remove it)"
  else
    podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
    echo "demo: removed $name"
  fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "demo: starting $name from localhost/hardening-debian:$release"
podman run -d --name "$name" --hostname demo --privileged --systemd=always \
  "localhost/hardening-debian:$release" /sbin/init >/dev/null
# systemd's bus appears a moment after the container starts.
for _ in $(seq 30); do
  state=$(podman exec "$name" systemctl is-system-running --wait 2>/dev/null) && break
  case "$state" in running | degraded) break ;; esac
  sleep 1
done
echo "demo: $name booted (${state:-unknown})"

cat >"$work/inventory.yml" <<INVENTORY
all:
  hosts:
    $name:
      ansible_connection: containers.podman.podman
      ansible_python_interpreter: /usr/bin/python3
INVENTORY

# The demo host is reached through podman, not over SSH: say so, or the firewall role
# refuses a ruleset that admits SSH from nowhere (given as a person types it, a string).
# The demo host reaches no ClamAV server: its signatures are a local test database (EICAR and
# a marker, made now), as on the test hosts. A site names its own mirror instead
# (antivirus_private_mirrors; roles/antivirus/README.md).
signatures=/srv/edu_tw_hardening-mirror/edu_tw_test.ndb
podman exec "$name" mkdir -p "$(dirname "$signatures")"
python3 "$(dirname "$0")/../molecule/shared/files/make_signatures.py" |
  podman exec -i "$name" sh -c "cat > $signatures"

# Nor does it use Debian's security archive, whose pending updates change daily: its
# security "mirror" is a local, signed test archive (molecule/shared/files/test-archive). A
# site names its own mirror, or none for Debian's (roles/patching/README.md).
podman cp "$(dirname "$0")/../molecule/shared/files/test-archive" "$name:/usr/local/sbin/test-archive"
podman exec "$name" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apt-utils gpg >/dev/null && test-archive init'
archive='"patching_security_archive_uri": "file:/srv/local-mirror",
  "patching_security_archive_keyring": "/usr/local/share/keyrings/edu-tw-test-archive.gpg"'

ansible-playbook -i "$work/inventory.yml" edu_tw.hardening.site -e firewall_out_of_band_enabled=yes \
  -e "{\"antivirus_official_databases_enabled\": false, \"antivirus_custom_urls\": [\"file://$signatures\"], $archive}"

# The per-control report of the host as it now is. Controls whose roles have not
# landed yet fail here: the demo shows them, it does not stop on them.
reports=${DEMO_REPORT_DIR:-$PWD/audit-reports}
ansible-playbook -i "$work/inventory.yml" edu_tw.hardening.audit \
  -e "{\"audit_fail_on_findings\": false, \"audit_report_dir\": \"$reports\"}"
echo "demo: reports in $reports (audit.html for people, audit.json for machines, audit.junit.xml for CI)"
