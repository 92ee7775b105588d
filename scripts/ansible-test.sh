#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Run ansible-test the way it wants to run, on any machine that reaches PyPI:
#   scripts/ansible-test.sh sanity|units [more ansible-test arguments]
# - on a copy of the files git knows (tracked and not ignored) under a path that ends in
#   ansible_collections/edu_tw/hardening (ansible-test resolves symlinks, so the link
#   under .ansible/ is not enough);
# - in virtual environments of its own (--venv, Python 3.11). ansible-test bootstraps pip
#   into each one with a get-pip script from a host that is not always reachable: a small
#   stand-in that installs a pip wheel from PyPI takes its place in ansible-test's cache.
set -euo pipefail
cd "$(dirname "$0")/.."
command=${1:?usage: scripts/ansible-test.sh sanity|units [args]}
shift
python=${ANSIBLE_TEST_PYTHON:-3.11}

# The pip version ansible-test bootstraps, read from ansible-test itself.
site=$(python -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')
pip_version=$(sed -n "s/^ *pip='\([0-9.]*\)',$/\1/p" "$site/_internal/python_requirements.py")
[ -n "$pip_version" ] || { echo "ansible-test.sh: cannot find ansible-test's pip version" >&2; exit 1; }
cache=$HOME/.ansible/test/cache
standin=$cache/get_pip_${pip_version//./_}.py
if ! ls "$cache/pip-$pip_version-"*.whl >/dev/null 2>&1; then
  mkdir -p "$cache"
  python -m pip download -q --no-deps --only-binary=:all: -d "$cache" "pip==$pip_version"
fi
if [ ! -f "$standin" ] || ! grep -q 'edu_tw.hardening stand-in' "$standin"; then
  mkdir -p "$cache"
  cat >"$standin" <<'PY'
"""edu_tw.hardening stand-in for get-pip.py: installs pip from the pip wheel next to this file.

Like get-pip.py, it takes pip install arguments plus --no-setuptools / --no-wheel.
"""

import glob
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
wheel = sorted(glob.glob(os.path.join(here, "pip-*.whl")))[-1]
sys.path.insert(0, wheel)
from pip._internal.cli.main import main  # noqa: E402

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(main(["install", "--upgrade", "--find-links", here, *args]))
PY
fi

# The copy: what a clean clone holds, plus files not committed yet (git's view, not the disk's).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/ansible_collections/edu_tw/hardening
mkdir -p "$root"
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do if [ -e "$f" ]; then printf '%s\0' "$f"; fi; done \
  | tar --null -T - -cf - | tar -C "$root" -xf -
# ansible-test lists a collection's files with git when it is a repository: make the copy one.
git -C "$root" init -q && git -C "$root" add -A

cd "$root"
status=0
case $command in
  sanity) ansible-test sanity --venv --python "$python" --color no "$@" || status=$? ;;
  units) ansible-test units --venv --python "$python" --color no "$@" || status=$? ;;
  *) echo "ansible-test.sh: unknown command $command" >&2; exit 2 ;;
esac
exit "$status"
