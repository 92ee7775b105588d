# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Inputs weaker than the rules fail, name the variable, and leave the host untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_playbook

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
WATCHED = (
    "/etc/login.defs",
    "/etc/shadow",
    "/etc/pam.d/common-password",
    "/etc/security/pwquality.conf.d/90-edu_tw_hardening.conf",
    "/usr/share/pam-configs/edu_tw_hardening_pwhistory",
)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("password_policy_min_length", 7),
        ("password_policy_max_days", 181),
        ("password_policy_min_days", 0),
        ("password_policy_remember", 2),
    ],
)
def test_a_weaker_input_is_refused_before_any_change(host, variable, value):
    before = {path: host.file(path).sha256sum for path in WATCHED}
    run = run_playbook(CONVERGE, {variable: value})
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert f"{variable}: {value}" in output
    assert "changed=0" in output
    assert {path: host.file(path).sha256sum for path in WATCHED} == before
