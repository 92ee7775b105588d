# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Role tasks and templates use only the checked inputs (__<role>.<name>), never the raw
variable: a raw value is rendered lazily and can differ from what the input layer checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
ROLES = sorted(p.parent.parent.name for p in ROOT.glob("roles/*/meta/input_checks.yml"))
JINJA = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
STRING_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")
CONDITION_KEYS = {"when", "that", "failed_when", "changed_when", "until"}


def _expressions(node, key: str = ""):
    """The Jinja expressions in a parsed task file: template blocks, and conditions."""
    if isinstance(node, dict):
        for child_key, child in node.items():
            yield from _expressions(child, str(child_key))
    elif isinstance(node, list):
        for child in node:
            yield from _expressions(child, key)
    elif isinstance(node, str):
        if key in CONDITION_KEYS:
            yield node
        for match in JINJA.finditer(node):
            yield match.group(1) or match.group(2)


def _raw_uses(role: str) -> list[str]:
    options = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
    names = set(options["argument_specs"]["main"]["options"])
    pattern = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(names))) + r")\b")
    found = []
    for path in sorted((ROOT / "roles" / role).glob("t*/*")):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yml":
            expressions = list(_expressions(yaml.safe_load(text)))
        else:
            expressions = [m.group(1) or m.group(2) for m in JINJA.finditer(text)]
        for expression in expressions:
            for name in pattern.findall(STRING_LITERAL.sub("''", expression)):
                found.append(f"{path.relative_to(ROOT)}: {name}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_tasks_and_templates_use_only_checked_inputs(role):
    assert _raw_uses(role) == []
