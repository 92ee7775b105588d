# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Invalid or unsafe inputs fail, name the variable, and change neither rules nor files."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_playbook

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
FILES = ("/etc/nftables.conf", "/etc/nftables.d/edu_tw_hardening.nft")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"firewall_services": [{"name": "web", "port": 8080, "sources": ["192.0.2.300/24"]}]},
            "firewall_services[0].sources[0]: '192.0.2.300/24' is not an IP address",
        ),
        (
            {"firewall_services": [{"name": "web", "port": 70000}]},
            "firewall_services[0].port: 70000 is above 65535",
        ),
        (
            {"firewall_services": [{"name": "web", "port": 8080, "proto": "sctp"}]},
            "value of proto must be one of: tcp, udp, got: sctp",
        ),
        (
            {"firewall_management_sources": [], "firewall_guard_seconds": 0},
            "firewall_guard_seconds: 0 turns the lockout guard off",
        ),
    ],
    ids=["invalid-cidr", "port-70000", "unknown-protocol", "no-management-no-guard"],
)
def test_a_bad_input_is_refused_before_any_change(fw, extra, message):
    rules = fw.check_output("nft list ruleset")
    files = {path: fw.file(path).sha256sum for path in FILES}
    run = run_playbook(CONVERGE, extra)
    output = " ".join((run.stdout + run.stderr).split())
    assert run.returncode != 0
    assert message in output
    assert "changed=0" in output
    assert fw.check_output("nft list ruleset") == rules
    assert {path: fw.file(path).sha256sum for path in FILES} == files
