# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real PAM after the role: pamtester changes passwords as root, as an administrator would.

Root is held to the policy (enforce_for_root), so a refusal here is also a refusal for any
user. Each refusal is checked with the reason PAM gives, so a password refused for another
reason cannot make a test pass.
"""

from __future__ import annotations

import re
import shlex

import pytest


def change_password(host, user: str, password: str):
    """Ask PAM (service passwd) to set ``password`` for ``user``; rc 0 accepted, 1 refused."""
    typed = shlex.quote(f"{password}\n{password}\n")
    return host.run(f"printf '%s' {typed} | pamtester passwd {user} chauthtok")


def refusal(result) -> str:
    assert result.rc == 1, f"PAM accepted the password: {result.stdout}{result.stderr}"
    return result.stdout + result.stderr


def test_a_seven_character_password_is_refused(host):
    assert "shorter than 8 characters" in refusal(change_password(host, "alice", "Ab3#xyz"))


def test_a_good_eight_character_password_is_accepted(host):
    result = change_password(host, "alice", "Kd8$wQz3")
    assert result.rc == 0, result.stdout + result.stderr


def test_a_dictionary_word_is_refused(host):
    assert "dictionary word" in refusal(change_password(host, "alice", "Butterfly"))


@pytest.mark.parametrize("password", ["Ntnu#2024xq", "zq9MOE0001x!"])
def test_a_site_word_is_refused(host, password):
    assert "forbidden words" in refusal(change_password(host, "alice", password))


def test_a_password_containing_the_user_name_is_refused(host):
    assert "user name" in refusal(change_password(host, "alice", "Alice#2024xq"))


def test_the_previous_password_and_the_one_before_are_refused(host):
    for password in ("Hq2%vLt8Zr", "Wm7&cNx4Pk", "Fj3*sDy6Bu"):
        accepted = change_password(host, "alice", password)
        assert accepted.rc == 0, accepted.stdout + accepted.stderr
    assert "already used" in refusal(change_password(host, "alice", "Wm7&cNx4Pk"))
    assert "already used" in refusal(change_password(host, "alice", "Hq2%vLt8Zr"))


def test_a_correct_password_still_authenticates(host):
    good = host.run("printf '%s\\n' 'Vt4!rNs8Wd' | pamtester login bob authenticate")
    assert good.rc == 0, good.stdout + good.stderr
    wrong = host.run("printf '%s\\n' 'Vt4!rNs8Wx' | pamtester login bob authenticate")
    assert wrong.rc != 0


@pytest.mark.parametrize("user", ["root", "alice"])
def test_a_wrong_password_is_refused_through_common_auth(host, user):
    wrong = host.run(f"printf '%s\\n' 'Wrong#Pass2024' | pamtester common-auth {user} authenticate")
    assert wrong.rc != 0, wrong.stdout + wrong.stderr
    assert "Authentication failure" in wrong.stdout + wrong.stderr


def test_the_stack_is_written_by_pam_auth_update(host):
    assert "edu_tw_hardening_pwhistory" in host.file("/var/lib/pam/seen").content_string
    stack = host.file("/etc/pam.d/common-password").content_string.splitlines()
    modules = [
        next(word for word in line.split() if word.endswith(".so"))
        for line in stack
        if line.startswith("password")
    ]
    assert modules.index("pam_pwquality.so") < modules.index("pam_pwhistory.so")
    assert modules.index("pam_pwhistory.so") < modules.index("pam_unix.so")


def login_defs(host) -> dict[str, str]:
    values = {}
    for line in host.file("/etc/login.defs").content_string.splitlines():
        match = re.match(r"\s*(PASS_\w+)\s+(\S+)", line)
        if match:
            values[match[1]] = match[2]
    return values


def test_login_defs_ages_new_accounts(host):
    defs = login_defs(host)
    assert defs["PASS_MAX_DAYS"] == "180"
    assert defs["PASS_MIN_DAYS"] == "1"
    assert defs["PASS_WARN_AGE"] == "7"


def aging(host, user: str) -> dict[str, str]:
    listing = host.check_output(f"LC_ALL=C chage -l {user}")
    fields = (line.split(":", 1) for line in listing.splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in fields}


def test_an_account_that_existed_before_gets_180_and_1(host):
    chage = aging(host, "bob")
    assert chage["Maximum number of days between password change"] == "180"
    assert chage["Minimum number of days between password change"] == "1"


def test_an_excluded_account_keeps_its_aging(host):
    chage = aging(host, "breakglass")
    assert chage["Maximum number of days between password change"] == "99999"
    assert chage["Minimum number of days between password change"] == "0"
