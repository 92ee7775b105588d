#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A release never carries host data, caches or tooling. Checks the file list of the
# collection tarball: none of the files tests, `make demo` and the tools leave behind, no
# file git ignores, and every plugin, role, meta and playbook file of the checkout.
#
#   check-build-contents.sh           builds from a copy of the checkout in which such files
#                                     have been planted (fast; `make lint`)
#   check-build-contents.sh --as-is   builds from the checkout as it is, after `make demo`
#                                     and the tests have left their files (`make release-check`);
#                                     the planted list is then what git ignores in it
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
as_is=0
[ "${1:-}" != --as-is ] || as_is=1

if [ "$as_is" = 1 ]; then
  source=.
  # What the demo and the tests left: every file git ignores, outside the tools' own trees.
  mapfile -t planted < <(git ls-files -z --others --ignored --exclude-standard \
    | tr '\0' '\n' | grep -Ev '^(\.venv|\.ansible)/' | sort)
  if ! printf '%s\n' "${planted[@]}" | grep -q '^audit-reports/audit.json$'; then
    echo "check-build-contents: --as-is expects the reports of \`make demo\` in audit-reports/"
    exit 1
  fi
else
  copy=$work/hardening
  source=$copy
  mkdir -p "$copy"
  git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done \
    | tar --null -T - -cf - | tar -C "$copy" -xf -

  planted=(
    audit-reports/audit.json
    audit-reports/audit.html
    importer_result.json
    .pytest_cache/v/cache/lastfailed
    tests/unit/.pytest_cache/v/cache/nodeids
    .ruff_cache/0.17.6/123456
    plugins/filter/__pycache__/audit.cpython-311.pyc
    .venv/bin/python
    .ansible/collections/ansible_collections/edu_tw/hardening/galaxy.yml
    .cache/molecule/default/inventory.yml
    molecule/default/.molecule/state.yml
    tests/output/junit/units.xml
    build/docs/html/index.html
    bench/results/run.json
    edu_tw-hardening-0.0.1.tar.gz
  )
  for f in "${planted[@]}"; do
    mkdir -p "$copy/$(dirname "$f")"
    echo '{"host": "web1.example.edu.tw", "planted": true}' >"$copy/$f"
  done

fi

ansible-galaxy collection build --force --output-path "$work/out" "$source" >/dev/null
tarballs=("$work"/out/edu_tw-hardening-*.tar.gz)
tar -tzf "${tarballs[0]}" | sed 's|^\./||; s|/$||' | sort >"$work/contents"

status=0
for f in "${planted[@]}"; do
  if grep -qxF "$f" "$work/contents"; then
    echo "check-build-contents: the tarball carries $f"
    status=1
  fi
done
if git check-ignore --no-index --stdin <"$work/contents" >"$work/ignored"; then
  sed 's/^/check-build-contents: the tarball carries a file git ignores: /' "$work/ignored"
  status=1
fi
git ls-files --cached --others --exclude-standard -- plugins roles meta playbooks \
  | while IFS= read -r f; do if [ -e "$f" ]; then printf '%s\n' "$f"; fi; done | sort >"$work/expected"
comm -23 "$work/expected" "$work/contents" >"$work/missing"
if [ -s "$work/missing" ]; then
  sed 's/^/check-build-contents: missing from the tarball: /' "$work/missing"
  status=1
fi
[ "$status" -ne 0 ] || echo "check-build-contents: $(basename "${tarballs[0]}"): $(wc -l <"$work/contents") entries, none of the ${#planted[@]} left-behind files and none ignored, every plugin, role, meta and playbook file"
exit "$status"
