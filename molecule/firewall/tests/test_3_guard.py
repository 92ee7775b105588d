# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lockout guard: a ruleset that cuts the controller's SSH is rolled back by the host."""

from __future__ import annotations

from pathlib import Path

from conftest import address_of, connects, over_ssh, run_playbook, wait_until

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
GUARD_SECONDS = 30
PERSISTENT = "/etc/nftables.d/edu_tw_hardening.nft"


def test_a_ruleset_that_cuts_the_controller_is_rolled_back(fw, client, ssh_key):
    ruleset_before = fw.check_output("nft list chain inet edu_tw_hardening input")
    persistent_before = fw.file(PERSISTENT).sha256sum
    lockout = {
        "firewall_controller_allowed": False,
        "firewall_management_sources": ["192.0.2.0/24"],
        "firewall_guard_seconds": GUARD_SECONDS,
    }
    run = run_playbook(CONVERGE, lockout)
    assert run.returncode != 0, "the controller was not cut off: the test proves nothing"
    assert "Reconnect through the new rules" in run.stdout

    def reachable() -> bool:
        try:
            return over_ssh(address_of(fw), ssh_key).run("true").rc == 0
        except RuntimeError:
            return False

    assert wait_until(reachable, GUARD_SECONDS + 30)
    assert fw.check_output("nft list chain inet edu_tw_hardening input") == ruleset_before
    assert fw.file(PERSISTENT).sha256sum == persistent_before
    assert connects(client, address_of(fw), 8080)
