#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Side-by-side timings on the same disposable test hosts, printed as ratios:
#   audit.yml      against a one-task ping playbook (the floor of any Ansible run)
#   audit.yml with the vulnerability scan (a made-up 50 MB tracker document that knows the
#                  hosts' packages) against the plain audit
#   remediate.yml  against site.yml, on hosts that site.yml has made compliant first
#                  (remediate must then change nothing: the run fails if it does)
# over the podman connection and over SSH with pipelining, for 1, 4 and 8 hosts.
#   bench/run.sh [COUNTS...]     (default: 1 4 8; run through `make bench`)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then counts=("$@"); else counts=(1 4 8); fi
max=$(printf '%s\n' "${counts[@]}" | sort -n | tail -n 1)
run=bench-$$
work=$(mktemp -d)
trap 'podman rm -f -t 0 $(podman ps -aq --filter "label=hardening.bench=$run") >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

ssh-keygen -q -t ed25519 -N '' -f "$work/key"
for i in $(seq "$max"); do
  podman run -d --name "$run-$i" --label "hardening.bench=$run" --hostname "$run-$i" --privileged \
    --systemd=always localhost/hardening-debian:12 /sbin/init >/dev/null
done
for i in $(seq "$max"); do
  for _ in $(seq 30); do podman exec "$run-$i" systemctl is-active -q ssh 2>/dev/null && break; sleep 1; done
  podman exec -i "$run-$i" sh -c 'mkdir -p -m 700 /root/.ssh && cat > /root/.ssh/authorized_keys' <"$work/key.pub"
  # The hosts reach no ClamAV server: their signatures are a local test database, as on the
  # test hosts (molecule/shared/files/make_signatures.py).
  python3 molecule/shared/files/make_signatures.py |
    podman exec -i "$run-$i" sh -c 'mkdir -p /srv/edu_tw_hardening-mirror && cat > /srv/edu_tw_hardening-mirror/edu_tw_test.ndb'
  # Nor Debian's security archive: a local, signed test archive (molecule/shared/files).
  podman cp molecule/shared/files/test-archive "$run-$i:/usr/local/sbin/test-archive"
  podman exec "$run-$i" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apt-utils gpg >/dev/null && test-archive init'
done

subnet=$(podman network inspect podman -f '{{range .Subnets}}{{.Subnet}}{{end}}')
inventory() { # transport count
  echo "all:"; echo "  hosts:"
  for i in $(seq "$2"); do
    echo "    $run-$i:"
    if [ "$1" = podman ]; then
      echo "      ansible_connection: containers.podman.podman"
    else
      echo "      ansible_host: $(podman inspect -f '{{.NetworkSettings.IPAddress}}' "$run-$i")"
      echo "      ansible_user: root"
      echo "      ansible_ssh_private_key_file: $work/key"
      echo "      ansible_ssh_common_args: -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
      echo "      ansible_ssh_pipelining: true"
    fi
    echo "      ansible_python_interpreter: /usr/bin/python3"
    # site.yml firewalls the hosts: keep SSH open from the machine (the network's gateway).
    echo "      firewall_management_sources: [$subnet]"
    echo "      antivirus_official_databases_enabled: false"
    echo "      antivirus_custom_urls: [file:///srv/edu_tw_hardening-mirror/edu_tw_test.ndb]"
    echo "      patching_security_archive_uri: file:/srv/local-mirror"
    echo "      patching_security_archive_keyring: /usr/local/share/keyrings/edu-tw-test-archive.gpg"
  done
}

cat >"$work/ping.yml" <<'PLAY'
- name: Ping
  hosts: all
  gather_facts: false
  tasks:
    - name: Ping
      ansible.builtin.ping:
PLAY

seconds() { # inventory playbook [extra args]: wall seconds of a run that must succeed
  local start end
  start=$(date +%s.%N)
  ansible-playbook -i "$1" "${@:2}" >"$work/last.log" 2>&1 \
    || { tail -n 30 "$work/last.log" >&2; echo "bench: ansible-playbook ${*:2} failed" >&2; exit 1; }
  end=$(date +%s.%N)
  grep -q 'unreachable=[1-9]\|failed=[1-9]' "$work/last.log" && { echo "bench: hosts failed" >&2; exit 1; }
  echo "$end - $start" | bc
}

# Make the hosts compliant with what the collection's roles enforce (not timed).
inventory podman "$max" >"$work/inv.yml"
seconds "$work/inv.yml" edu_tw.hardening.site >/dev/null

# A tracker document of realistic size (50 MB, made up: bench/tracker.py) that knows the
# hosts' own source packages, for the audit's vulnerability scan.
podman exec "$run-1" dpkg-query -W -f '${source:Package}\t${source:Version}\n' >"$work/installed.tsv"
python3 bench/tracker.py --megabytes 50 --seed 1 --installed "$work/installed.tsv" -o "$work/tracker.json"

reports='{"audit_fail_on_findings": false, "audit_report_dir": "'"$work"'/reports"}'
scan='{"audit_fail_on_findings": false, "audit_report_dir": "'"$work"'/reports", "audit_vulnerability_tracker": "'"$work"'/tracker.json"}'
printf '%-7s %5s %8s %8s %7s %8s %7s %10s %8s %7s\n' transport hosts ping_s audit_s ratio scan_s ratio \
  remediate_s site_s ratio
for transport in podman ssh; do
  for n in "${counts[@]}"; do
    inventory "$transport" "$n" >"$work/inv.yml"
    seconds "$work/inv.yml" "$work/ping.yml" >/dev/null # warm-up: connections, caches
    ping=$(seconds "$work/inv.yml" "$work/ping.yml")
    audit=$(seconds "$work/inv.yml" edu_tw.hardening.audit -e "$reports")
    scanned=$(seconds "$work/inv.yml" edu_tw.hardening.audit -e "$scan")
    remediate=$(seconds "$work/inv.yml" edu_tw.hardening.remediate -e "$reports")
    grep -q 'changed=[1-9]' "$work/last.log" && { echo "bench: remediate changed a compliant host" >&2; exit 1; }
    site=$(seconds "$work/inv.yml" edu_tw.hardening.site)
    printf '%-9s %5d %8.1f %8.1f %6.2fx %8.1f %6.2fx %10.1f %8.1f %6.2fx\n' "$transport" "$n" "$ping" \
      "$audit" "$(echo "$audit / $ping" | bc -l)" "$scanned" "$(echo "$scanned / $audit" | bc -l)" \
      "$remediate" "$site" "$(echo "$remediate / $site" | bc -l)"
  done
done
