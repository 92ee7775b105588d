# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's rule review of the firewalled host: MOE-15 passes, the planted undeclared
listener is flagged."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_playbook

REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports" / "review"


@pytest.fixture(scope="module")
def moe15(fw_name) -> dict:
    extra = {
        "target_hosts": "firewalled",
        "audit_controls": ["MOE-15"],
        "audit_report_dir": str(REPORTS),
    }
    run = run_playbook("edu_tw.hardening.audit", extra)
    assert run.returncode == 0, run.stdout + run.stderr
    (host,) = json.loads((REPORTS / "audit.json").read_text())["hosts"]
    (verdict,) = host["controls"]
    return verdict


def test_the_firewall_passes_moe_15(moe15):
    assert moe15["status"] == "pass", moe15["reasons"]


def test_the_review_flags_the_undeclared_listener(moe15):
    assert moe15["evidence"]["review"]["undeclared_listeners"] == ["8082/tcp"]


def test_the_review_lists_declared_open_and_listening_ports(moe15):
    review = moe15["evidence"]["review"]
    assert review["declared"] == ["22/tcp", "8080/tcp", "8081/tcp"]
    assert review["open_not_declared"] == []
    assert review["foreign_rules"] == []
