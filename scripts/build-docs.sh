#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Build the collection's docs site offline with antsibull-docs and Sphinx into build/docs
# (git and the release ignore build/): one page per module, filter, lookup and role, from
# their DOCUMENTATION and argument specs. Fails when a page says its documentation was
# malformed or a plugin or role has no page. Site: build/docs/build/html/index.html.
# --lenient: the intersphinx links to docs.ansible.com and docs.python.org cannot be
# fetched offline; without them, those cross-references render as plain text.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=build/docs
rm -rf "$dest"
mkdir -p "$dest"
antsibull-docs sphinx-init --use-current --lenient --fail-on-error --dest-dir "$dest" \
  --project edu_tw.hardening --title 'edu_tw.hardening' edu_tw.hardening >/dev/null
"$dest/build.sh" >"$dest/build.log" 2>&1 || { cat "$dest/build.log"; echo "build-docs: the site did not build"; exit 1; }

html=$dest/build/html/collections/edu_tw/hardening
status=0
if grep -l 'was malformed' -r "$html"; then
  echo "build-docs: the pages above say their documentation was malformed"
  status=1
fi
pages=()
for f in plugins/modules/*.py plugins/lookup/*.py plugins/filter/*.yml; do
  kind=${f#plugins/}
  kind=${kind%%/*}
  [ "$kind" = modules ] && kind=module
  name=$(basename "${f%.*}")
  pages+=("${name}_${kind}.html")
done
for spec in roles/*/meta/argument_specs.yml; do
  role=${spec#roles/}
  pages+=("${role%%/*}_role.html")
done
for page in "${pages[@]}"; do
  if [ ! -f "$html/$page" ]; then
    echo "build-docs: no page $page"
    status=1
  fi
done
[ "$status" -ne 0 ] || echo "build-docs: ${#pages[@]} plugin and role pages in $dest/build/html"
exit "$status"
