# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role's argument spec and defaults/main.yml describe the same inputs, same defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

# Every role a user runs (it has a main entry point); roles/common only holds the task files
# that the roles import, and has no inputs.
ROLES = sorted(
    p.parent.parent
    for p in (Path(__file__).resolve().parents[3] / "roles").glob("*/tasks/main.yml")
)


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_argument_spec_defaults_equal_role_defaults(role: Path):
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text()) or {}
    spec = yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    options = spec["main"]["options"]
    assert {name: option.get("default") for name, option in options.items()} == defaults


@pytest.mark.parametrize("role", ROLES, ids=lambda p: p.name)
def test_every_input_carries_the_role_prefix(role: Path):
    defaults = yaml.safe_load((role / "defaults" / "main.yml").read_text()) or {}
    assert all(name.startswith(f"{role.name}_") for name in defaults)
