# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/pam_auth_update.py on files recorded from Debian 11,
12 and 13 test hosts (tests/unit/plugins/fixtures/pam-debian*.json).

Each hand edit below was also made on a Debian 12 test host, followed by a profile change
and ``pam-auth-update --package``; the expectation is what pam-auth-update really did.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils import pam_auth_update as pau

FIXTURES = Path(__file__).parents[1] / "fixtures"
RELEASES = (11, 12, 13)
PWQUALITY_LINE = "password\trequisite\t\t\tpam_pwquality.so retry=3"
PWHISTORY_LINE = "password\trequisite\tpam_pwhistory.so remember=3 enforce_for_root use_authtok"
UNIX_PASSWORD_LINE = (
    "password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass yescrypt"
)


def recorded(release: int, state: str) -> dict[str, str]:
    """The PAM files of a test host: ``stock``, ``pwquality`` or ``role`` (see the fixture)."""
    return json.loads((FIXTURES / f"pam-debian{release}.json").read_text())[state]["files"]


def review(files: dict[str, str]) -> dict:
    return pau.review(
        {t: files.get(pau.saved_path(t)) for t in pau.TYPES},
        {t: files.get(pau.conf_path(t)) for t in pau.TYPES},
    )


def edited(path: str, old: str, new: str, release: int = 12) -> dict[str, str]:
    """The role's stack on a test host with one hand edit of ``path``."""
    files = recorded(release, "role")
    assert old in files[path]
    files[path] = files[path].replace(old, new)
    return files


@pytest.mark.parametrize("release", RELEASES)
@pytest.mark.parametrize("state", ["stock", "pwquality", "role"])
def test_pam_auth_update_rewrites_the_stacks_it_wrote(release, state):
    reviewed = review(recorded(release, state))

    assert (reviewed["rewrites"], reviewed["blocked"]) == (True, None)
    assert pau.hand_edits(reviewed) == []


@pytest.mark.parametrize("release", RELEASES)
def test_each_managed_password_line_is_attributed_to_its_profile(release):
    lines = review(recorded(release, "role"))["files"]["password"]["lines"]

    assert [(e["line"], e["profile"], e["module"]) for e in lines] == [
        (25, "pwquality", "requisite\t\t\tpam_pwquality.so"),
        (26, "edu_tw_hardening_pwhistory", "requisite\tpam_pwhistory.so"),
        (27, "unix", "[success= default=ignore]\tpam_unix.so"),
    ]


def test_the_null_primary_module_of_the_session_stack_matches_its_record():
    lines = review(recorded(12, "stock"))["files"]["session"]["lines"]

    assert [e["profile"] for e in lines] == ["null", "unix", "systemd"]


def test_debian13_local_umask_line_between_the_blocks_is_not_looked_at():
    assert "pam_umask.so" in recorded(13, "role")["/etc/pam.d/common-session"]

    assert review(recorded(13, "role"))["rewrites"] is True


def test_an_option_added_by_hand_is_a_hand_edit_that_pam_auth_update_keeps():
    files = edited("/etc/pam.d/common-password", PWQUALITY_LINE, PWQUALITY_LINE + " minlen=6")

    reviewed = review(files)

    assert reviewed["rewrites"] is True
    assert pau.hand_edits(reviewed) == [
        {
            "file": "/etc/pam.d/common-password",
            "line": 25,
            "profile": "pwquality",
            "module": "requisite\t\t\tpam_pwquality.so",
            "added": ["minlen=6"],
            "removed": [],
        }
    ]


def test_a_value_changed_by_hand_is_an_added_and_a_removed_option():
    files = edited(
        "/etc/pam.d/common-password", "pam_pwhistory.so remember=3", "pam_pwhistory.so remember=2"
    )

    (edit,) = pau.hand_edits(review(files))

    assert (edit["profile"], edit["added"], edit["removed"]) == (
        "edu_tw_hardening_pwhistory",
        ["remember=2"],
        ["remember=3"],
    )


def test_a_line_added_inside_the_managed_block_stops_pam_auth_update():
    files = edited(
        "/etc/pam.d/common-password",
        UNIX_PASSWORD_LINE,
        "password\trequisite\tpam_pwhistory.so remember=1\n" + UNIX_PASSWORD_LINE,
    )

    reviewed = review(files)

    assert reviewed["rewrites"] is False
    assert reviewed["blocked"] == (
        "/etc/pam.d/common-password line 27 (password\trequisite\tpam_pwhistory.so remember=1)"
        " is inside the block pam-auth-update manages but comes from none of its profiles"
    )


def test_an_empty_line_inside_the_managed_block_stops_pam_auth_update():
    files = edited("/etc/pam.d/common-password", UNIX_PASSWORD_LINE, "\n" + UNIX_PASSWORD_LINE)

    assert "line 27 (an empty line)" in review(files)["blocked"]


def test_a_line_added_to_common_auth_stops_the_rewrite_of_every_file():
    auth = "auth\t[success=1 default=ignore]\tpam_unix.so nullok"
    files = edited("/etc/pam.d/common-auth", auth, "auth\tsufficient\tpam_permit.so\n" + auth)

    reviewed = review(files)

    assert reviewed["rewrites"] is False
    assert reviewed["blocked"].startswith("/etc/pam.d/common-auth line 17 ")
    assert reviewed["files"]["password"]["merges"] is True


def test_a_local_line_before_the_managed_block_is_kept_and_not_attributed():
    marker = pau.MARK_PRIMARY
    files = edited(
        "/etc/pam.d/common-password",
        marker,
        "password\trequisite\tpam_pwhistory.so remember=1\n" + marker,
    )

    reviewed = review(files)

    assert reviewed["rewrites"] is True
    assert [e["line"] for e in reviewed["files"]["password"]["lines"]] == [26, 27, 28]


def test_a_module_removed_by_hand_is_accepted():
    files = edited("/etc/pam.d/common-password", PWHISTORY_LINE + "\n", "")

    reviewed = review(files)

    assert reviewed["rewrites"] is True
    assert [e["profile"] for e in reviewed["files"]["password"]["lines"]] == ["pwquality", "unix"]


def test_lines_in_another_order_than_recorded_stop_pam_auth_update():
    files = edited(
        "/etc/pam.d/common-password",
        PWQUALITY_LINE + "\n" + PWHISTORY_LINE,
        PWHISTORY_LINE + "\n" + PWQUALITY_LINE,
    )

    assert "line 26" in review(files)["blocked"]


def test_a_missing_record_stops_pam_auth_update():
    files = recorded(12, "role")
    del files["/var/lib/pam/auth"]

    assert review(files)["blocked"] == (
        "/var/lib/pam/auth is missing: pam-auth-update has no record of what it wrote"
    )


def test_a_file_without_the_markers_stops_pam_auth_update():
    files = recorded(12, "role")
    files["/etc/pam.d/common-account"] = "account required pam_unix.so\n"

    assert review(files)["blocked"] == (
        "/etc/pam.d/common-account lacks the markers of pam-auth-update's managed blocks"
    )


def test_a_missing_common_file_stops_pam_auth_update():
    files = recorded(12, "role")
    del files["/etc/pam.d/common-session-noninteractive"]

    assert review(files)["blocked"] == "/etc/pam.d/common-session-noninteractive is missing"


def test_saved_lines_drop_jumps_and_end_like_pam_auth_update():
    saved = "Module: unix\n[success=end default=ignore]\tpam_unix.so nullok\n"

    assert pau.parse_saved(saved) == [("unix", "[success= default=ignore]\tpam_unix.so nullok")]
