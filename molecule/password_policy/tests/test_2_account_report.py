# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit after the role: the password controls it enforces pass, and the account report
names the planted shared account and the account named like a national ID number."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_playbook

REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports" / "after-converge"


@pytest.fixture(scope="module")
def verdicts(host) -> dict:
    run = run_playbook(
        "edu_tw.hardening.audit",
        {"audit_fail_on_findings": False, "audit_report_dir": str(REPORTS)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    (report,) = json.loads((REPORTS / "audit.json").read_text())["hosts"]
    return {control["id"]: control for control in report["controls"]}


@pytest.mark.parametrize("control", ["MOE-12.9.1", "MOE-12.9.2", "MOE-12.9.3"])
def test_the_enforced_controls_pass(verdicts, control):
    assert verdicts[control]["status"] == "pass", verdicts[control]["reasons"]


def test_the_excluded_account_is_shown_not_hidden(verdicts):
    assert verdicts["MOE-12.9.2"]["evidence"]["excluded_accounts"] == ["breakglass"]


def test_the_shared_account_is_reported(verdicts):
    moe = verdicts["MOE-12.9.4"]
    assert moe["status"] == "fail"
    assert moe["evidence"]["generic_names"] == ["shared"]
    assert sorted(moe["evidence"]["unowned_login_accounts"]) == ["a123456789", "shared"]


def test_the_national_id_account_name_is_reported(verdicts):
    moe = verdicts["MOE-12.9.5"]
    assert moe["status"] == "fail"
    assert moe["evidence"]["national_id_names"] == ["a123456789"]
    assert moe["reasons"] == ["account name looks like a national ID number: a123456789"]
