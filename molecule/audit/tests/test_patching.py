# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MOE-17 judged on apt's own view of the host, with a local security archive (prepare.yml):
a security update published there is reported pending; a host without the archive fails."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_playbook

ARCHIVE_LIST = "/etc/apt/sources.list.d/local-security.sources"


def audit_patching(report_dir: Path) -> dict:
    """MOE-17's verdict from a real audit run, narrowed to that control."""
    result = run_playbook(
        "edu_tw.hardening.audit",
        {
            "audit_controls": ["MOE-17"],
            "audit_fail_on_findings": False,
            "audit_report_dir": str(report_dir),
        },
    )
    assert result.returncode == 0, result.stdout[-3000:]
    (host,) = json.loads((report_dir / "audit.json").read_text())["hosts"]
    return next(c for c in host["controls"] if c["id"] == "MOE-17")


def test_converged_host_knows_the_security_archive_and_passes(host, tmp_path):
    verdict = audit_patching(tmp_path)
    assert verdict["status"] == "pass", verdict["reasons"]
    codename = host.check_output(". /etc/os-release && echo $VERSION_CODENAME")
    assert verdict["evidence"]["security_sources"] == [
        f"file:/srv/local-mirror {codename}-security/main"
    ]


def test_security_update_published_in_the_archive_is_pending(host, tmp_path):
    host.run_expect([0], "test-archive add security edu-tw-probe 1.1")
    try:
        verdict = audit_patching(tmp_path)
    finally:
        host.run_expect([0], "test-archive remove security edu-tw-probe 1.1")
    assert verdict["status"] == "fail"
    assert verdict["reasons"] == ["1 security update(s) pending: edu-tw-probe"]
    assert verdict["evidence"]["pending"] == ["edu-tw-probe 1.0 -> 1.1"]


def test_host_without_a_security_archive_fails(host, tmp_path):
    host.run_expect([0], f"mv {ARCHIVE_LIST} /root/local-security.sources")
    try:
        verdict = audit_patching(tmp_path)
    finally:
        host.run_expect([0], f"mv /root/local-security.sources {ARCHIVE_LIST}")
    assert verdict["status"] == "fail"
    assert verdict["reasons"][0].startswith("apt has no security archive among its package lists")
    assert verdict["evidence"]["security_sources"] == []
