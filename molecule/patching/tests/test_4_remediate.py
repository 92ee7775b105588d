# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""remediate.yml on planted violations of MOE-17: the security archive removed and automatic
upgrades turned off, then a security update pending. The audit before fails naming each;
remediate applies the patching role; the audit after passes."""

from __future__ import annotations

import json

import pytest
import testinfra
from conftest import run_playbook
from patch_helpers import (
    PERIODIC_CONF,
    PROBE,
    SOURCES,
    downgrade,
    installed,
    instances,
    publish,
    withdraw,
)


@pytest.fixture(scope="module", name="host")
def first_host():
    """The scenario's first host: what is proved once needs no second copy (the rolling run
    uses both)."""
    return testinfra.get_host(f"podman://{instances()[0]}")


def remediate(name: str, report_dir) -> tuple[dict, dict]:
    result = run_playbook(
        "edu_tw.hardening.remediate",
        {
            "audit_controls": ["MOE-17"],
            "audit_fail_on_findings": False,
            "audit_report_dir": str(report_dir),
        },
        ["--limit", name],
    )
    assert result.returncode == 0, result.stdout[-3000:]
    verdicts = []
    for report in ("before", "after"):
        (entry,) = json.loads((report_dir / f"{report}.json").read_text())["hosts"]
        verdicts.append(next(c for c in entry["controls"] if c["id"] == "MOE-17"))
    return verdicts[0], verdicts[1]


def test_remediate_lists_the_security_archive_and_turns_upgrades_back_on(host, tmp_path):
    host.check_output(
        "rm %s %s && echo 'APT::Periodic::Unattended-Upgrade \"0\";' > %s && apt-get update -qq",
        SOURCES,
        PERIODIC_CONF,
        "/etc/apt/apt.conf.d/20auto-upgrades",
    )
    before, after = remediate(host.backend.name, tmp_path)
    assert before["status"] == "fail"
    assert "automatic upgrades are off (APT::Periodic::Unattended-Upgrade)" in before["reasons"]
    assert any(r.startswith("apt has no security archive") for r in before["reasons"])
    assert after["status"] == "pass", after["reasons"]
    assert host.file(SOURCES).exists


def test_remediate_installs_a_pending_security_update(host, tmp_path):
    publish(host, "security", PROBE, "1.1")
    try:
        before, after = remediate(host.backend.name, tmp_path)
        version = installed(host, PROBE)
    finally:
        withdraw(host, "security", PROBE, "1.1")
        downgrade(host, PROBE, "1.0")
    assert before["reasons"] == [f"1 security update(s) pending: {PROBE}"]
    assert version == "1.1"
    assert after["status"] == "pass", after["reasons"]
