# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the pam collector says each effective setting comes from, and what it reports about
pam-auth-update, on files recorded from Debian 11, 12 and 13 test hosts
(tests/unit/plugins/fixtures/pam-debian*.json)."""

from __future__ import annotations

import json

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import pam
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import (
    FIXTURES,
    RecordedHost,
    recorded_pam_host,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import (
    PWQUALITY_DROP_IN as DROP_IN,
)

ROLE_DROP_IN = """\
# Ansible managed
minlen = 8
dcredit = 0
ucredit = 0
lcredit = 0
ocredit = 0
dictcheck = 1
usercheck = 1
enforce_for_root
badwords = ntnu moe0001
"""
LIBPAM = {11: "1.4.0-9+deb11u1", 12: "1.5.2-6+deb12u2", 13: "1.7.0-5"}
PWQUALITY_LINE = "pam_pwquality.so retry=3"


def recorded_host(
    release: int = 12, state: str = "role", extra: dict[str, str] | None = None
) -> RecordedHost:
    """A test host as recorded: ``stock`` (no pwquality), ``pwquality`` (installed) or
    ``role`` (the role's profile applied, and its drop-in written)."""
    return recorded_pam_host(release, state, ROLE_DROP_IN, LIBPAM[release], extra)


def edited(path: str, old: str, new: str, release: int = 12) -> RecordedHost:
    host = recorded_host(release)
    assert old in host.files[path]
    host.files[path] = host.files[path].replace(old, new)
    return host


@pytest.mark.parametrize("release", [11, 12, 13])
def test_a_fresh_host_has_no_pwquality_sources_and_pam_auth_update_rewrites(release):
    evidence = pam.collect(recorded_host(release, "stock"))

    assert evidence["sources"] == {"pwquality": {}, "pwhistory": {"remember": None}}
    assert evidence["pam_auth_update"] == {"rewrites": True, "blocked": None, "hand_edits": []}


@pytest.mark.parametrize("release", [11, 12, 13])
def test_debian_pwquality_conf_sets_nothing(release):
    assert pam.collect(recorded_host(release, "pwquality"))["sources"]["pwquality"] == {
        "retry": "/etc/pam.d/common-password"
    }


@pytest.mark.parametrize("release", [11, 12, 13])
def test_on_a_converged_host_the_drop_in_sets_the_policy_and_the_pam_line_remember(release):
    sources = pam.collect(recorded_host(release))["sources"]

    assert sources["pwquality"] == {
        **dict.fromkeys(
            [
                "minlen",
                "dcredit",
                "ucredit",
                "lcredit",
                "ocredit",
                "dictcheck",
                "usercheck",
                "enforce_for_root",
                "badwords",
            ],
            DROP_IN,
        ),
        "retry": "/etc/pam.d/common-password",
    }
    assert sources["pwhistory"] == {"remember": "/etc/pam.d/common-password"}


def test_pwquality_conf_setting_minlen_is_the_source_of_minlen():
    host = recorded_host(
        extra={
            "/etc/security/pwquality.conf": json.loads(
                (FIXTURES / "pam-debian12.json").read_text()
            )["pwquality.conf"]
            + "minlen = 6\n"
        }
    )

    evidence = pam.collect(host)

    assert evidence["sources"]["pwquality"]["minlen"] == "/etc/security/pwquality.conf"
    assert evidence["pwquality"]["minlen"] == 6


def test_a_later_drop_in_is_the_source_and_an_earlier_one_is_not():
    host = recorded_host(
        extra={
            "/etc/security/pwquality.conf.d/10-vendor.conf": "dictcheck = 0\n",
            "/etc/security/pwquality.conf.d/99-local.conf": "usercheck = 0\n",
        }
    )

    sources = pam.collect(host)["sources"]["pwquality"]

    assert sources["dictcheck"] == DROP_IN
    assert sources["usercheck"] == "/etc/security/pwquality.conf.d/99-local.conf"


def test_an_option_on_the_pam_line_is_sourced_to_common_password():
    host = edited("/etc/pam.d/common-password", PWQUALITY_LINE, PWQUALITY_LINE + " minlen=6")

    assert pam.collect(host)["sources"]["pwquality"]["minlen"] == "/etc/pam.d/common-password"


def test_a_malformed_value_is_no_source():
    host = recorded_host(extra={"/etc/security/pwquality.conf.d/99-local.conf": "minlen = six\n"})

    assert pam.collect(host)["sources"]["pwquality"]["minlen"] == DROP_IN


def test_pwhistory_remember_from_the_conf_on_debian13_without_an_argument():
    host = edited(
        "/etc/pam.d/common-password",
        "pam_pwhistory.so remember=3 enforce_for_root",
        "pam_pwhistory.so enforce_for_root",
        release=13,
    )
    host.files["/etc/security/pwhistory.conf"] = "remember = 5\n"

    assert pam.collect(host)["sources"]["pwhistory"] == {"remember": "/etc/security/pwhistory.conf"}


def test_pwhistory_conf_is_no_source_on_debian12():
    host = edited(
        "/etc/pam.d/common-password",
        "pam_pwhistory.so remember=3 enforce_for_root",
        "pam_pwhistory.so enforce_for_root",
    )
    host.files["/etc/security/pwhistory.conf"] = "remember = 5\n"

    assert pam.collect(host)["sources"]["pwhistory"] == {"remember": None}


def test_stack_rules_carry_their_file_line_and_profile():
    stack = pam.collect(recorded_host())["password_stack"]

    assert [(r["module"], r["file"], r["line"], r["profile"]) for r in stack] == [
        ("pam_pwquality.so", "/etc/pam.d/common-password", 25, "pwquality"),
        ("pam_pwhistory.so", "/etc/pam.d/common-password", 26, "edu_tw_hardening_pwhistory"),
        ("pam_unix.so", "/etc/pam.d/common-password", 27, "unix"),
        ("pam_deny.so", "/etc/pam.d/common-password", 29, None),
        ("pam_permit.so", "/etc/pam.d/common-password", 33, None),
    ]


def test_a_local_pwhistory_line_outside_the_block_has_no_profile():
    marker = '# here are the per-package modules (the "Primary" block)'
    host = edited(
        "/etc/pam.d/common-password",
        marker,
        "password\trequisite\tpam_pwhistory.so remember=1\n" + marker,
    )

    first = pam.collect(host)["password_stack"][0]

    assert (first["module"], first["line"], first["profile"]) == ("pam_pwhistory.so", 24, None)


def test_a_line_pam_auth_update_did_not_write_is_reported_as_blocking():
    unix = "password\t[success=1 default=ignore]\tpam_unix.so"
    host = edited(
        "/etc/pam.d/common-password",
        unix,
        "password\trequired\tpam_pwhistory.so remember=1\n" + unix,
    )

    update = pam.collect(host)["pam_auth_update"]

    assert update["rewrites"] is False
    assert update["blocked"].startswith("/etc/pam.d/common-password line 27 ")


def test_a_hand_edit_of_the_role_line_is_reported():
    host = edited(
        "/etc/pam.d/common-password",
        "remember=3 enforce_for_root use_authtok",
        "remember=3 use_authtok",
    )

    (edit,) = pam.collect(host)["pam_auth_update"]["hand_edits"]

    assert (edit["line"], edit["profile"], edit["removed"]) == (
        26,
        "edu_tw_hardening_pwhistory",
        ["enforce_for_root"],
    )


def test_an_included_rule_carries_the_included_file():
    host = recorded_host(
        extra={
            "/etc/pam.d/common-password": "@include local-password\n",
            "/etc/pam.d/local-password": "# local\npassword requisite pam_pwquality.so minlen=6\n",
        }
    )

    evidence = pam.collect(host)

    assert evidence["password_stack"][0]["file"] == "/etc/pam.d/local-password"
    assert evidence["password_stack"][0]["line"] == 2
    assert evidence["sources"]["pwquality"]["minlen"] == "/etc/pam.d/local-password"


def test_a_continued_line_is_numbered_by_its_first_line():
    rules = pam.parse_pam_file(
        "# one\npassword requisite \\\n  pam_pwquality.so retry=3\npassword required pam_unix.so\n",
        "/etc/pam.d/x",
    )

    assert [(r["module"], r["line"]) for r in rules] == [
        ("pam_pwquality.so", 2),
        ("pam_unix.so", 4),
    ]
