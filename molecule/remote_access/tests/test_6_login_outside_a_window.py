# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A login outside every window (the account unlocked by hand, the firewall and sshd opened
by hand, then everything put back) fails MOE-18 with a reason that names it. Last: the
journal keeps that login."""

from __future__ import annotations

import pytest
from ra_helpers import (
    ACCOUNT,
    EPHEMERAL,
    SSHD_DROPIN_DIR,
    add_element,
    audit,
    delete_element,
    logs_in,
)

KNOWN = "Outside-the-window-1"
DROPIN = f"{SSHD_DROPIN_DIR}/00-edu_tw_hardening-remote-access.conf"


@pytest.fixture(scope="module")
def moe18(target, allowed, addresses) -> dict:
    target.check_output(f"mv {DROPIN} /root/remote-access.conf.aside && systemctl reload ssh")
    add_element(target, addresses["allowed"])
    try:
        target.check_output("echo %s | chpasswd", f"{ACCOUNT}:{KNOWN}")
        target.check_output("usermod -U %s && usermod -e '' %s", ACCOUNT, ACCOUNT)
        logged_in = logs_in(allowed, addresses["target"], KNOWN)
    finally:
        target.check_output("usermod -L -e 1 %s", ACCOUNT)
        delete_element(target, addresses["allowed"])
        target.check_output(f"mv /root/remote-access.conf.aside {DROPIN} && systemctl reload ssh")
    assert logged_in, "the login outside the window did not happen: nothing is proved"
    return audit(EPHEMERAL / "reports" / "outside", ["MOE-18"])["MOE-18"]


def test_a_login_outside_a_window_fails_moe_18(moe18, addresses):
    assert moe18["status"] == "fail"
    naming = [r for r in moe18["reasons"] if ACCOUNT in r and addresses["allowed"] in r]
    assert naming, moe18["reasons"]
