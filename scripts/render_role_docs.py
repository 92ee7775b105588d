#!/usr/bin/env python3
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render each role README's variables table from its meta/argument_specs.yml (`make docs`).

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

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
BEGIN = "<!-- BEGIN VARIABLES (generated from meta/argument_specs.yml: make docs) -->"
END = "<!-- END VARIABLES -->"
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


def render_table(spec: dict) -> str:
    """The markdown table of an entry point's options, in spec order."""
    rows = ["| variable | type | default | description |", "|---|---|---|---|"]
    for name, option in spec.get("options", {}).items():
        default = json.dumps(option.get("default"), ensure_ascii=False).replace("|", "\\|")
        rows.append(f"| `{name}` | {_type(option)} | `{default}` | {_cell(_description(option))} |")
    return "\n".join(rows)


def render_readme(readme: str, spec: dict) -> str:
    """``readme`` with the text between the markers replaced by the table."""
    start = readme.index(BEGIN) + len(BEGIN)
    stop = readme.index(END)
    return f"{readme[:start]}\n{render_table(spec)}\n{readme[stop:]}"


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
        spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))["argument_specs"]["main"]
        rendered = render_readme(readme, spec)
        if rendered != readme:
            stale.append(readme_path.relative_to(REPO_ROOT))
            if not args.check:
                readme_path.write_text(rendered, encoding="utf-8")
    for path in stale:
        print(f"{path} is stale: run make docs" if args.check else f"wrote {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
