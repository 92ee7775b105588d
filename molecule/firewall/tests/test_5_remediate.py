# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""remediate.yml, over SSH, on a host whose firewall table was deleted by hand."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import address_of, connects, run_playbook, ssh_inventory

REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports" / "remediate"


def moe15(name: str) -> dict:
    (host,) = json.loads((REPORTS / f"{name}.json").read_text())["hosts"]
    (verdict,) = host["controls"]
    return verdict


@pytest.fixture(scope="module")
def remediation(fw, client, ssh_key) -> str:
    fw.check_output("nft delete table inet edu_tw_hardening")
    assert connects(client, address_of(fw), 8082), "the planted violation is not in place"
    with ssh_inventory("firewalled-over-ssh", address_of(fw), ssh_key) as name:
        run = run_playbook(
            "edu_tw.hardening.remediate",
            {"target_hosts": name, "audit_controls": ["MOE-15"], "audit_report_dir": str(REPORTS)},
        )
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


def test_the_audit_before_fails_the_firewall_with_the_reachable_port(remediation):
    before = moe15("before")
    assert before["status"] == "fail"
    assert "undeclared service reachable: 8082/tcp" in before["reasons"]


def test_remediate_applies_the_firewall_role(remediation):
    assert "edu_tw.hardening.firewall : ruleset | Load the ruleset" in remediation


def test_the_audit_after_passes_the_firewall(remediation):
    assert moe15("after")["status"] == "pass"


def test_the_undeclared_port_is_refused_again(fw, client, remediation):
    assert not connects(client, address_of(fw), 8082)
