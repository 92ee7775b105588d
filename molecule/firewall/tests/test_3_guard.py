# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lockout guard: a ruleset that cuts the controller's SSH is rolled back by the host,
and the run says so."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import address_of, connects, over_ssh, run_playbook

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
GUARD_SECONDS = 30
# The whole table: the management sets hold the addresses SSH is allowed from.
TABLE = "nft list table inet edu_tw_hardening"
PERSISTENT = "/etc/nftables.d/edu_tw_hardening.nft"
# SSH from another network only: the controller is cut off.
LOCKOUT = {
    "firewall_controller_allowed": False,
    "firewall_management_sources": ["192.0.2.0/24"],
    # The input layer refuses to cut the controller off unless it has another way in.
    "firewall_out_of_band_enabled": True,
    "firewall_guard_seconds": GUARD_SECONDS,
}
ROLLED_BACK = re.compile(
    r"the lockout guard rolled back to the previous ruleset at (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"
)


class Lockout(NamedTuple):
    returncode: int
    output: str
    started: datetime.datetime
    ended: datetime.datetime

    def rolled_back_at(self) -> datetime.datetime | None:
        said = ROLLED_BACK.search(self.output)
        return datetime.datetime.strptime(said.group(1), "%Y-%m-%dT%H:%M:%S%z") if said else None


def _lockout() -> Lockout:
    started = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    run = run_playbook(CONVERGE, LOCKOUT)
    ended = datetime.datetime.now(datetime.timezone.utc)
    return Lockout(run.returncode, " ".join((run.stdout + run.stderr).split()), started, ended)


@pytest.fixture(scope="module")
def before(fw) -> tuple[str, str]:
    """The table and the persistent copy's sha256 of the converged host."""
    return fw.check_output(TABLE), fw.file(PERSISTENT).sha256sum


@pytest.fixture(scope="module")
def lockout(before) -> Lockout:
    return _lockout()


def test_a_ruleset_that_cuts_the_controller_is_rolled_back_and_the_run_says_when(lockout):
    assert lockout.returncode != 0, "the controller was not cut off: the test proves nothing"
    rolled_back_at = lockout.rolled_back_at()
    assert rolled_back_at, lockout.output[-3000:]
    # The host's clock is the test host's kernel clock: the rollback happened during the run.
    earliest = lockout.started + datetime.timedelta(seconds=GUARD_SECONDS)
    assert earliest <= rolled_back_at <= lockout.ended


def test_the_rolled_back_run_says_what_to_check(lockout):
    assert "Check firewall_management_sources" in lockout.output


def test_after_the_rollback_the_host_has_the_previous_rules_and_boot_copy(
    fw, client, ssh_key, before, lockout
):
    # The run waited for the host to come back: it is reachable as soon as the run ends.
    assert over_ssh(address_of(fw), ssh_key).run("true").rc == 0
    assert (fw.check_output(TABLE), fw.file(PERSISTENT).sha256sum) == before
    assert connects(client, address_of(fw), 8080)


def test_the_same_ruleset_again_is_rolled_back_again_and_never_made_the_boot_copy(
    fw, before, lockout
):
    # After a rollback the live table differs from the refused one only in its management
    # set: the second run must load and guard it again, not just write the boot copy.
    again = _lockout()
    assert again.returncode != 0
    assert again.rolled_back_at(), again.output[-3000:]
    assert again.rolled_back_at() >= again.started + datetime.timedelta(seconds=GUARD_SECONDS)
    assert (fw.check_output(TABLE), fw.file(PERSISTENT).sha256sum) == before
