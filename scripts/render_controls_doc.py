#!/usr/bin/env python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render docs/controls.md from meta/controls.yml (`make docs`), or check it is current.

    python scripts/render_controls_doc.py          write docs/controls.md
    python scripts/render_controls_doc.py --check  exit 1 if docs/controls.md is stale

Works from a plain checkout: the catalogue module is loaded from its file path, so the
collection need not be installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]
MODULE_PATH = REPO_ROOT / "plugins" / "plugin_utils" / "catalogue.py"
DOC_PATH = REPO_ROOT / "docs" / "controls.md"


def load_catalogue_module() -> ModuleType:
    """Import plugins/plugin_utils/catalogue.py from its file path."""
    spec = importlib.util.spec_from_file_location("edu_tw_hardening_catalogue", MODULE_PATH)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {MODULE_PATH}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    """Write docs/controls.md, or with --check compare it; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if docs/controls.md differs from the catalogue",
    )
    args = parser.parse_args(argv)

    catalogue = load_catalogue_module()
    try:
        page = catalogue.render_markdown(catalogue.load())
    except ValueError as error:
        print(f"meta/controls.yml is invalid: {error}", file=sys.stderr)
        return 2

    if args.check:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else None
        if current != page:
            print("docs/controls.md is stale: run make docs", file=sys.stderr)
            return 1
        return 0

    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    with DOC_PATH.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(page)
    print(f"wrote {DOC_PATH.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
