# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""unattended-upgrades, run for real by apt's daily upgrade service, installs the update
published in the security suite and leaves the point-release one; the vulnerability scan,
from a tracker document made now, sees the fixed CVE open before and gone after."""

from __future__ import annotations

import os
import time

import pytest
import testinfra
from patch_helpers import (
    OTHER,
    PROBE,
    audit,
    codename,
    downgrade,
    installed,
    instances,
    publish,
    tracker,
    withdraw,
)


@pytest.fixture(scope="module", name="host")
def first_host():
    """The scenario's first host: what is proved once needs no second copy (the rolling run
    uses both)."""
    return testinfra.get_host(f"podman://{instances()[0]}")


def test_the_daily_upgrade_installs_the_security_update_only(host, tmp_path):
    name = host.backend.name
    scan = {"audit_vulnerability_tracker": tracker(tmp_path / "tracker.json", codename(host))}
    before = audit(name, tmp_path / "clean", scan)
    publish(host, "security", PROBE, "1.1")
    publish(host, "base", OTHER, "1.1")
    try:
        pending = audit(name, tmp_path / "pending", scan)
        host.check_output("systemctl start apt-daily-upgrade.service")
        versions = {PROBE: installed(host, PROBE), OTHER: installed(host, OTHER)}
        after = audit(name, tmp_path / "after", scan)
    finally:
        withdraw(host, "security", PROBE, "1.1")
        withdraw(host, "base", OTHER, "1.1")
        downgrade(host, PROBE, "1.0")

    # Before: the host has the probe at 1.0; the tracker says 1.1 fixes a high CVE.
    assert before["status"] == "fail"
    (reason,) = before["reasons"]
    assert reason.startswith("1 vulnerability fix(es) of medium urgency or above available")
    assert f"CVE-2099-0001 {PROBE} 1.0 -> 1.1 (high)" in reason
    found = before["evidence"]["vulnerability_scan"]
    assert found["configured"] is True
    assert found["release"] == codename(host)
    assert found["fix_available"] == [f"CVE-2099-0001 {PROBE} 1.0 -> 1.1 (high)"]
    assert found["no_fix"] == [f"CVE-2099-0002 {PROBE} 1.0 (medium)"]
    assert found["no_dsa"] == [f"CVE-2099-0003 {OTHER} 1.0 (low): Minor issue (postponed)"]
    assert found["tracker"]["sha256"]

    # Published: the security update is pending and named; the point release is not security.
    assert f"1 security update(s) pending: {PROBE}" in pending["reasons"]
    assert sorted(pending["evidence"]["pending"]) == [f"{OTHER} 1.0 -> 1.1", f"{PROBE} 1.0 -> 1.1"]

    # The daily upgrade: the security update only; the fix is installed, the open CVE stays.
    assert versions == {PROBE: "1.1", OTHER: "1.0"}
    assert after["status"] == "pass", after["reasons"]
    assert after["evidence"]["pending"] == [f"{OTHER} 1.0 -> 1.1"]
    assert after["evidence"]["last_unattended_run"]
    assert after["evidence"]["vulnerability_scan"]["fix_available"] == []
    assert after["evidence"]["vulnerability_scan"]["no_fix"] == [
        f"CVE-2099-0002 {PROBE} 1.1 (medium)"
    ]


def test_the_scan_fails_when_the_tracker_document_is_not_there(host, tmp_path):
    verdict = audit(
        host.backend.name,
        tmp_path,
        {"audit_vulnerability_tracker": "http://127.0.0.1:9/tracker.json"},
    )
    assert verdict["status"] == "fail"
    (reason,) = verdict["reasons"]
    assert reason.startswith(
        "evidence missing: vulnerability scan: http://127.0.0.1:9/tracker.json"
    )


def test_the_scan_fails_on_a_stale_tracker_document(host, tmp_path):
    document = tracker(tmp_path / "tracker.json", codename(host))
    # Eight days old: the catalogue's limit is seven.
    old = time.time() - 8 * 86400
    os.utime(document, (old, old))
    verdict = audit(host.backend.name, tmp_path, {"audit_vulnerability_tracker": document})
    assert any(
        r.startswith("the tracker document is 8 days old (at most 7)") for r in verdict["reasons"]
    ), verdict["reasons"]
