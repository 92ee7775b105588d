# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Remote-maintenance entries survive the role's runs; another front end stops the role."""

from __future__ import annotations

from pathlib import Path

from conftest import run_playbook

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
WINDOW = "add element inet edu_tw_hardening remote_maintenance_v4 { 198.51.100.7 timeout 1h }"
SERVICES = [
    {"name": "web", "port": 8080},
    {"name": "admin-console", "port": 8081, "sources": ["192.0.2.0/24", "2001:db8::/32"]},
]


def test_a_timed_maintenance_entry_survives_a_reload_by_the_role(fw):
    fw.check_output(f"nft '{WINDOW}'")
    # A new service changes the ruleset, so the role reloads the table.
    services = [*SERVICES, {"name": "metrics", "port": 9100, "sources": ["198.51.100.0/24"]}]
    run = run_playbook(CONVERGE, {"firewall_services": services})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "9100" in fw.check_output("nft list chain inet edu_tw_hardening input")
    elements = fw.check_output("nft list set inet edu_tw_hardening remote_maintenance_v4")
    assert "198.51.100.7 timeout 1h expires" in elements


def test_another_front_end_stops_the_role_before_any_change(fw):
    fw.check_output("nft add table inet foreign")
    try:
        rules = fw.check_output("nft list chain inet edu_tw_hardening input")
        run = run_playbook(CONVERGE, {"firewall_services": SERVICES})
        output = " ".join((run.stdout + run.stderr).split())
        assert run.returncode != 0
        assert "Another firewall front end is active on this host: nftables table inet foreign" in (
            output
        )
        assert "changed=0" in output
        assert fw.check_output("nft list chain inet edu_tw_hardening input") == rules
    finally:
        fw.check_output("nft delete table inet foreign")
