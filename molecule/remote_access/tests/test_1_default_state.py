# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Before any window: nobody reaches SSH as the maintenance account, on the firewall and
in sshd, and the account is locked and expired."""

from __future__ import annotations

import time

from ra_helpers import ACCOUNT, add_element, connects, delete_element, login, shadow, sshd_journal


def test_neither_client_reaches_port_22(target, allowed, other, addresses):
    assert not connects(other, addresses["target"], 22)
    assert not connects(allowed, addresses["target"], 22)


def test_the_account_exists_as_a_normal_user_locked_and_expired(target):
    user = target.user(ACCOUNT)
    assert user.exists
    assert user.uid >= 1000
    assert user.shell == "/bin/bash"
    entry = shadow(target)
    assert entry[1].startswith("!"), entry[1][:3]
    assert entry[7] == "1"


def test_sshd_denies_the_account_from_the_allowed_client(target, addresses):
    effective = target.check_output(
        "sshd -T -C user=%s,addr=%s,host=client,laddr=%s,lport=22",
        ACCOUNT,
        addresses["allowed"],
        addresses["target"],
    )
    assert "denyusers *" in effective.splitlines()


def test_a_login_through_the_firewall_is_refused_by_sshd(target, allowed, addresses):
    # The firewall opened by hand: what is left is sshd and the locked account.
    since = time.time()
    add_element(target, addresses["allowed"])
    try:
        assert connects(allowed, addresses["target"], 22)
        result = login(allowed, addresses["target"], "any-guess-at-all")
    finally:
        delete_element(target, addresses["allowed"])
    assert result.rc != 0
    assert ACCOUNT not in result.stdout
    journal = sshd_journal(target, since)
    assert (
        f"User {ACCOUNT} from {addresses['allowed']} not allowed because listed in DenyUsers"
        in (journal)
    ), journal
