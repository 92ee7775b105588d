#!/usr/bin/env python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render each role README's variables table from meta/argument_specs.yml and
meta/input_checks.yml, the two files the input layer checks inputs against (`make docs`).

    python scripts/render_role_docs.py          rewrite the tables
    python scripts/render_role_docs.py --check  exit 1 if a table is stale

The table sits between the markers ``<!-- BEGIN VARIABLES -->`` and
``<!-- END VARIABLES -->``; a README without them is left alone.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# `make venv` links the checkout as ansible_collections/edu_tw/hardening under .ansible/.
sys.path.insert(0, str(REPO_ROOT / ".ansible" / "collections"))
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs  # noqa: E402

BEGIN = (
    "<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml and meta/input_checks.yml:"
    " make docs) -->"
)
END = "<!-- END VARIABLES -->"
OLD_BEGIN = re.compile(
    r"<!-- BEGIN VARIABLES \(generated from meta/argument_specs\.yml: make docs\) -->"
)
MARKUP = re.compile(r"[CM]\(([^)]*)\)")


def _cell(text: object) -> str:
    """One table cell: a single line, pipes escaped, Ansible's C() and M() markup as code."""
    line = " ".join(str(text).split()).replace("|", "\\|")
    return MARKUP.sub(r"`\1`", line)


def _description(option: dict) -> str:
    text = option.get("description", "")
    return " ".join(text) if isinstance(text, list) else str(text)


def _type(option: dict) -> str:
    kind = option.get("type", "str")
    return f"{kind} of {option['elements']}" if "elements" in option else kind


def render_table(role_inputs: inputs.RoleInputs) -> str:
    """The markdown table of the role's inputs (and the keys of dict and list-of-dict inputs), in
    spec order, with what each accepts."""
    rows = [
        "| variable | type | default | accepts | description |",
        "|---|---|---|---|---|",
    ]
    for name, option in role_inputs.options.items():
        rows += _rows(role_inputs, name, name, option)
    return "\n".join(rows)


def _rows(role_inputs: inputs.RoleInputs, path: str, label: str, option: dict) -> list[str]:
    """The row of an input and those of its keys, through lists of dicts of lists of dicts."""
    rows = [_row(role_inputs, path, f"`{label}`", option)]
    each = "[]" if option.get("type") == "list" else ""
    for key, sub in (option.get("options") or {}).items():
        rows += _rows(role_inputs, f"{path}.{key}", f"{label}{each}.{key}", sub)
    return rows


def _row(role_inputs: inputs.RoleInputs, path: str, label: str, option: dict) -> str:
    default = json.dumps(option.get("default"), ensure_ascii=False).replace("|", "\\|")
    default = "required" if option.get("required") else f"`{default}`"
    accepts = _cell(inputs.accepts(role_inputs, path))
    return f"| {label} | {_type(option)} | {default} | {accepts} | {_cell(_description(option))} |"


def render_readme(readme: str, role_inputs: inputs.RoleInputs) -> str:
    """``readme`` with the text between the markers replaced by the table."""
    start = readme.index(BEGIN) + len(BEGIN)
    stop = readme.index(END)
    return f"{readme[:start]}\n{render_table(role_inputs)}\n{readme[stop:]}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check compare) every role README that has the markers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a table is stale")
    args = parser.parse_args(argv)
    stale = []
    for role in sorted((REPO_ROOT / "roles").iterdir()):
        readme_path = role / "README.md"
        spec_path = role / "meta" / "argument_specs.yml"
        if not readme_path.exists() or not spec_path.exists():
            continue
        readme = readme_path.read_text(encoding="utf-8")
        if BEGIN not in readme:
            continue
        rendered = render_readme(readme, inputs.load_role(role.name))
        if rendered != readme:
            stale.append(readme_path.relative_to(REPO_ROOT))
            if not args.check:
                readme_path.write_text(rendered, encoding="utf-8")
    for path in stale:
        print(f"{path} is stale: run make docs" if args.check else f"wrote {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
