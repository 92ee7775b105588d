# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""remediate.yml over SSH on a target with remote-control software (planted in test_4) and
an overdue window (a record whose end passed and that nothing closed, as a window whose
timer was removed by hand leaves it): MOE-18 and MOE-19 fail before and pass after."""

from __future__ import annotations

import datetime
import json

import pytest
from ra_helpers import (
    ACCOUNT,
    COLLECTION,
    EPHEMERAL,
    TARGET,
    WINDOWS_DIR,
    listening,
    output,
    record,
    run_playbook,
    utc_now,
    verdicts,
)

REPORTS = EPHEMERAL / "reports" / "remediate"
VNC_PACKAGE = "tigervnc-standalone-server"
VNC_PORT = 5901


@pytest.fixture(scope="module")
def remediation(target, addresses) -> str:
    assert target.package(VNC_PACKAGE).is_installed, "test_4 planted no VNC server"
    now = utc_now()
    overdue = {
        "name": "overdue",
        "account": ACCOUNT,
        "sources": [addresses["allowed"]],
        "start": (now - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "end": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "purpose": "left open by hand",
        "approval": "MOE-TEST-OVERDUE",
        "auth": "password",
        "opened": (now - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "closed": None,
        "closed_by": None,
        "logins": [],
    }
    target.check_output(
        "umask 077 && python3 -c 'import sys; open(sys.argv[1], \"w\").write(sys.argv[2])' %s %s",
        f"{WINDOWS_DIR}/overdue.json",
        json.dumps(overdue),
    )
    run = run_playbook(
        str(COLLECTION / "playbooks" / "remediate.yml"),
        {
            "target_hosts": TARGET,
            "audit_controls": ["MOE-18", "MOE-19"],
            "audit_report_dir": str(REPORTS),
        },
        ("--limit", TARGET),
    )
    assert run.returncode == 0, output(run)[-6000:]
    return run.stdout


def test_before_moe_18_fails_on_the_overdue_window(remediation):
    moe18 = verdicts(REPORTS / "before.json")["MOE-18"]
    assert moe18["status"] == "fail"
    assert any("overdue" in reason for reason in moe18["reasons"]), moe18["reasons"]


def test_before_moe_19_fails_on_the_vnc_server(remediation):
    moe19 = verdicts(REPORTS / "before.json")["MOE-19"]
    assert moe19["status"] == "fail"
    assert f"remote-control software installed: {VNC_PACKAGE}" in moe19["reasons"]


def test_remediate_applies_the_remote_access_role(remediation):
    assert "edu_tw.hardening.remote_access" in remediation


def test_after_both_pass(remediation):
    after = verdicts(REPORTS / "after.json")
    assert after["MOE-18"]["status"] == "pass", after["MOE-18"]["reasons"]
    assert after["MOE-19"]["status"] == "pass", after["MOE-19"]["reasons"]


def test_the_package_is_gone_and_the_port_closed(remediation, target):
    assert not target.package(VNC_PACKAGE).is_installed
    assert not listening(target, VNC_PORT)


def test_the_overdue_window_is_closed_and_the_account_locked(remediation, target):
    kept = record(target, "overdue")
    assert kept["closed"], kept
    assert target.check_output("getent shadow %s", ACCOUNT).split(":")[1].startswith("!")
