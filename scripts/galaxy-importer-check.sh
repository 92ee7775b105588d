#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Build the collection tarball and run galaxy-importer on it, as Galaxy would on upload.
# galaxy-importer exits 0 even when it finds problems, so its WARNING/ERROR lines decide.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ansible-galaxy collection build --force --output-path "$work" . >/dev/null
printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n' >"$work/importer.cfg"
# It writes importer_result.json into its working directory: keep that out of the checkout.
(cd "$work" && GALAXY_IMPORTER_CONFIG="$work/importer.cfg" python -m galaxy_importer.main "$work"/edu_tw-hardening-*.tar.gz) >"$work/importer.log" 2>&1 \
  || { cat "$work/importer.log"; echo "galaxy-importer failed"; exit 1; }
if grep -E '^(WARNING|ERROR):' "$work/importer.log"; then
  echo "galaxy-importer: the lines above must be fixed"
  exit 1
fi
tarballs=("$work"/*.tar.gz)
echo "galaxy-importer: ${tarballs[0]##*/} imports cleanly"
