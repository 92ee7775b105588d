# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Signatures made stale (their file time moved back three days) fail the health check and
MOE-16, each naming the signatures' age; the role, run again, fetches them from the local
mirror and both pass."""

from __future__ import annotations

import pytest
from av_helpers import CONVERGE, HEALTH, moe16, record, run_health, run_playbook


@pytest.fixture(scope="module")
def stale(host) -> dict:
    # The mirror's copy is fresher than the host's: freshclam fetches it again.
    host.check_output("touch /srv/edu_tw_hardening-mirror/edu_tw_test.ndb")
    host.check_output("touch -d '3 days ago' /var/lib/clamav/*.ndb")
    rc = run_health(host).rc
    return {"rc": rc, "health": record(host, HEALTH), "moe16": moe16("stale")}


def test_the_health_check_fails_on_the_signatures_alone(stale):
    assert stale["rc"] != 0
    health = stale["health"]
    assert health["passed"] is False
    assert [name for name, part in health["checks"].items() if not part["ok"]] == ["signatures"]
    assert "newest signatures are 72" in health["detail"], health["detail"]


def test_moe_16_fails_naming_the_signature_age(stale):
    assert stale["moe16"]["status"] == "fail"
    assert any(
        reason.startswith("newest signatures are 72 h old") for reason in stale["moe16"]["reasons"]
    ), stale["moe16"]["reasons"]


@pytest.fixture(scope="module")
def refreshed(stale, host) -> dict:
    run = run_playbook(CONVERGE)
    assert run.returncode == 0, run.stdout[-4000:]
    return {"run": run.stdout, "health": record(host, HEALTH), "moe16": moe16("refreshed")}


def test_the_role_fetches_them_again_and_both_pass(refreshed):
    assert "update | Run freshclam now" in refreshed["run"]
    assert refreshed["health"]["passed"] is True, refreshed["health"]
    assert refreshed["moe16"]["status"] == "pass", refreshed["moe16"]["reasons"]
