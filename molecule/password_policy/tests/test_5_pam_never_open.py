# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PAM is never left open, and a local override stops the role before it changes anything.

A hostile pam-auth-update profile of another package (pam_permit first in the auth stack)
is planted, and a change of password_policy_remember makes the role run pam-auth-update:
the role must find the stack open, put the previous one back byte for byte and say so. A
pwquality.conf that lowers minlen must stop the role before any file changes.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from conftest import run_playbook

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
STACK = (
    "/etc/pam.d/common-auth",
    "/etc/pam.d/common-account",
    "/etc/pam.d/common-password",
    "/etc/pam.d/common-session",
    "/etc/pam.d/common-session-noninteractive",
    "/var/lib/pam/auth",
    "/var/lib/pam/password",
    "/var/lib/pam/seen",
    "/usr/share/pam-configs/edu_tw_hardening_pwhistory",
    "/etc/security/pwquality.conf.d/90-edu_tw_hardening.conf",
)
HOSTILE = "/usr/share/pam-configs/zz-hostile"
# What the incident amounted to: a profile whose auth line lets anyone in, ordered before
# pam_unix (priority above unix's 256), enabled by default on the next pam-auth-update.
HOSTILE_PROFILE = """\
Name: Hostile profile planted by the password_policy scenario
Default: yes
Priority: 512
Auth-Type: Primary
Auth:
\t[success=end default=ignore]\tpam_permit.so
"""
PWQUALITY_CONF = "/etc/security/pwquality.conf"


def wrong_password_refused(host, user: str) -> bool:
    result = host.run(
        f"printf '%s\\n' 'Wrong#Pass2024' | pamtester common-auth {user} authenticate"
    )
    return result.rc != 0 and "Authentication failure" in result.stdout + result.stderr


def checksums(host) -> dict[str, str | None]:
    return {p: host.file(p).sha256sum if host.file(p).exists else None for p in STACK}


@pytest.fixture(scope="module")
def hostile_run(host) -> dict:
    before = checksums(host)
    host.check_output(f"printf '%s' {shlex.quote(HOSTILE_PROFILE)} > {HOSTILE}")
    try:
        run = run_playbook(CONVERGE, {"password_policy_remember": 4})
        return {"run": run, "before": before, "after": checksums(host)}
    finally:
        host.check_output(f"rm -f {HOSTILE}")


def test_the_open_stack_fails_the_role(hostile_run):
    run = hostile_run["run"]
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert "pam | Prove that PAM still refuses a wrong password failed" in output
    assert "/etc/pam.d/common-auth lets a wrong password authenticate" in output


def test_the_failure_says_the_previous_stack_was_restored(hostile_run):
    run = hostile_run["run"]
    assert "The previous PAM stack was restored (/etc/pam.d/common-auth," in run.stdout + run.stderr


def test_the_stack_is_byte_identical_to_before(hostile_run):
    assert hostile_run["after"] == hostile_run["before"]


@pytest.mark.parametrize("user", ["root", "alice"])
def test_a_wrong_password_is_still_refused(host, hostile_run, user):
    assert wrong_password_refused(host, user)


@pytest.fixture(scope="module")
def override_run(host) -> dict:
    original = host.file(PWQUALITY_CONF).content_string
    before = checksums(host)
    host.check_output(f"printf 'minlen = 6\\n' >> {PWQUALITY_CONF}")
    try:
        run = run_playbook(CONVERGE)
        return {"run": run, "before": before, "after": checksums(host)}
    finally:
        host.check_output(f"printf '%s' {shlex.quote(original)} > {PWQUALITY_CONF}")


def test_a_local_override_stops_the_role_naming_the_file(override_run):
    run = override_run["run"]
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Nothing was changed: a local setting overrides the password policy" in output
    assert "/etc/security/pwquality.conf sets minlen 6, below the policy's 8" in output


def test_the_override_is_found_before_anything_changes(override_run):
    assert "changed=0" in override_run["run"].stdout
    assert override_run["after"] == override_run["before"]
