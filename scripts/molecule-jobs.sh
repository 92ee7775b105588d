#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# `make molecule`: `molecule test` for each scenario on each Debian release, MOLECULE_JOBS
# at a time (default 2). A scenario spends most of its time waiting on its hosts, so two
# side by side fill the machine's two cores; MOLECULE_JOBS=1 runs them one after another.
#
#   scripts/molecule-jobs.sh "antivirus audit ..." "11 12 13"
#
# Each run has its own log (build/molecule/<scenario>-d<release>.log) and its own ephemeral
# directory; host and network names carry the scenario, the release and HARDENING_RUN_ID,
# so runs never share a host. A log is printed whole when its run ends, one at a time.
# After a failure no new run starts (the running ones finish); the end of the output is
# a summary, preceded by the failing runs' test failures, so that a CI log cut to its last
# lines still says which test failed.
set -uo pipefail

scenarios=${1:?scenarios}
releases=${2:?releases}
jobs=${MOLECULE_JOBS:-2}
[[ $jobs =~ ^[1-9]$ ]] || { echo "molecule-jobs: MOLECULE_JOBS must be 1 to 9, not '$jobs'" >&2; exit 2; }

logs=build/molecule
ephemeral=${TMPDIR:-/tmp}/hardening-molecule-${HARDENING_RUN_ID:-local}
mkdir -p "$logs"
rm -f "$logs"/*.log "$logs"/*.result

# Longest first (measured on Debian 12), so that the last run to start is a short one; a
# scenario not listed here starts first, its cost being unknown.
longest_first="remote_access patching antivirus firewall readme default password_policy db_accounts audit"
ordered=()
for scenario in $scenarios; do
  [[ " $longest_first " == *" $scenario "* ]] || ordered+=("$scenario")
done
for scenario in $longest_first; do
  [[ " $scenarios " == *" $scenario "* ]] && ordered+=("$scenario")
done

run() {
  local scenario=$1 release=$2 log="$logs/$1-d$2.log" start=$SECONDS rc=0
  MOLECULE_DEBIAN=$release MOLECULE_EPHEMERAL_DIRECTORY="$ephemeral/$scenario-d$release" \
    molecule test -s "$scenario" >"$log" 2>&1 || rc=$?
  local verdict="passed"
  ((rc == 0)) || verdict="FAILED (exit $rc)"
  echo "$scenario on Debian $release: $verdict in $((SECONDS - start)) s" >"$logs/$scenario-d$release.result"
  {
    flock 9
    echo "== molecule $scenario on Debian $release"
    cat "$log"
    echo "== molecule $scenario on Debian $release: $verdict in $((SECONDS - start)) s"
  } 9>"$logs/.print.lock"
  return "$rc"
}

running=0
failed=()
reap() {
  local pid
  wait -n -p pid
  local rc=$?
  running=$((running - 1))
  ((rc == 0)) || failed+=("${started[$pid]}")
}

declare -A started
for scenario in "${ordered[@]}"; do
  for release in $releases; do
    while ((running >= jobs)); do reap; done
    ((${#failed[@]} == 0)) || break 2
    run "$scenario" "$release" &
    started[$!]="$scenario-d$release"
    running=$((running + 1))
  done
done
while ((running > 0)); do reap; done

for name in "${failed[@]}"; do
  echo
  echo "== $name failed; its test failures (whole log above and in $logs/$name.log):"
  # pytest's failures, else the Ansible task that failed.
  if grep -a -q "= FAILURES =" "$logs/$name.log"; then
    sed -n '/= FAILURES =/,/short test summary info/{/short test summary info/!p}' \
      "$logs/$name.log" | tail -n 300
    grep -a -A 20 "short test summary info" "$logs/$name.log" | head -n 40
  else
    grep -a -n -B 5 -A 25 -E "fatal: |FAILED! =>|ERROR " "$logs/$name.log" | tail -n 200
  fi
done
echo
echo "== molecule summary (MOLECULE_JOBS=$jobs):"
cat "$logs"/*.result 2>/dev/null
((${#failed[@]} == 0)) || { echo "== molecule failed: ${failed[*]}"; exit 1; }
rm -rf "$ephemeral"
