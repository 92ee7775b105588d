# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""remediate.yml on planted violations of each part of MOE-16 (the daemon stopped, the
signatures stale, the self-test record gone): the audit before fails for each of those
reasons, the antivirus role is applied, the audit after passes."""

from __future__ import annotations

import json

import pytest
from av_helpers import EPHEMERAL, HEALTH, run_playbook

REPORTS = EPHEMERAL / "reports" / "remediate"


def _moe16(name: str) -> dict:
    (entry,) = json.loads((REPORTS / f"{name}.json").read_text())["hosts"]
    (verdict,) = entry["controls"]
    return verdict


@pytest.fixture(scope="module")
def remediation(host) -> str:
    # Debian 12 and 13 start clamd from a socket unit too; Debian 11 has none.
    host.run("systemctl stop clamav-daemon.socket")
    host.check_output("systemctl stop clamav-clamonacc.service clamav-daemon.service")
    host.check_output(f"rm -f {HEALTH}")
    host.check_output("touch /srv/edu_tw_hardening-mirror/edu_tw_test.ndb")
    host.check_output("touch -d '3 days ago' /var/lib/clamav/*.ndb")
    run = run_playbook(
        "edu_tw.hardening.remediate",
        {"audit_controls": ["MOE-16"], "audit_report_dir": str(REPORTS)},
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    return run.stdout


def test_before_moe_16_fails_for_the_planted_reasons(remediation):
    reasons = _moe16("before")["reasons"]
    assert "the scanner daemon (clamav-daemon) is not running" in reasons
    assert "no detection self-test record" in reasons
    assert any(reason.startswith("newest signatures are 72 h old") for reason in reasons), reasons


def test_remediate_applies_the_antivirus_role(remediation):
    assert "edu_tw.hardening.antivirus : health | Run the health check" in remediation


def test_after_moe_16_passes(remediation, host):
    after = _moe16("after")
    assert after["status"] == "pass", after["reasons"]
    assert host.service("clamav-daemon.service").is_running
