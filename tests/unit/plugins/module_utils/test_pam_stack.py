# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/pam_stack.py.

The sound stacks are /etc/pam.d/common-auth as recorded on Debian 11, 12 and 13 test hosts
(tests/unit/plugins/fixtures/pam-debian*.json): as installed, with libpam-pwquality, and as
pam-auth-update writes it with the password_policy role's profile. The unsound ones are the
incident's stack and the stack pam-auth-update writes with a hostile profile.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from ansible_collections.edu_tw.hardening.plugins.module_utils import pam_stack as ps

FIXTURES = Path(__file__).parents[1] / "fixtures"
UNIX_AUTH = "auth\t[success=1 default=ignore]\tpam_unix.so nullok"


def common_auth(release: int, state: str) -> str:
    files = json.loads((FIXTURES / f"pam-debian{release}.json").read_text())[state]["files"]
    return files["/etc/pam.d/common-auth"]


DEBIAN12 = common_auth(12, "role")
# The incident: pam-auth-update found no Primary auth module and wrote its stub.
INCIDENT = DEBIAN12.replace(UNIX_AUTH, "auth\t[default=1]\t\t\tpam_permit.so")
# pam-auth-update with a profile of priority above unix's that puts pam_permit first.
HOSTILE = DEBIAN12.replace(
    UNIX_AUTH,
    "auth\t[success=2 default=ignore]\tpam_permit.so\n"
    "auth\t[success=1 default=ignore]\tpam_unix.so nullok try_first_pass",
)
# pam_faillock through two pam-auth-update profiles, as TEST-HOSTS.md describes.
FAILLOCK = """\
auth\trequisite\tpam_faillock.so preauth
auth\t[success=2 default=ignore]\tpam_unix.so nullok
auth\t[default=die]\tpam_faillock.so authfail
auth\trequisite\tpam_deny.so
auth\trequired\tpam_permit.so
auth\toptional\tpam_faillock.so authsucc
"""


@pytest.mark.parametrize("release", [11, 12, 13])
@pytest.mark.parametrize("state", ["stock", "pwquality", "role"])
def test_debian_common_auth_is_sound(release, state):
    assert ps.judge_auth_stack(common_auth(release, state)) == []


def test_the_incident_stack_is_unsound_and_the_reason_names_the_lines():
    assert ps.judge_auth_stack(INCIDENT) == [
        "/etc/pam.d/common-auth lets a wrong password authenticate:"
        " line 17 pam_permit.so ([default=1]) succeeds and jumps over line 19 pam_deny.so;"
        " line 23 pam_permit.so (required) succeeds;"
        " the stack ends in success without any module that checks a password"
    ]


def test_a_permit_jumping_over_pam_unix_and_pam_deny_is_unsound():
    (fault,) = ps.judge_auth_stack(HOSTILE)

    assert "line 17 pam_permit.so ([success=2 default=ignore]) succeeds and jumps over" in fault
    assert "line 18 pam_unix.so, line 20 pam_deny.so" in fault


def test_the_faillock_stack_of_two_profiles_is_sound():
    assert ps.judge_auth_stack(FAILLOCK) == []


def test_pam_unix_alone_as_required_is_sound():
    assert ps.judge_auth_stack("auth required pam_unix.so\n") == []


def test_sufficient_pam_permit_before_pam_unix_is_unsound():
    text = "auth sufficient pam_permit.so\nauth required pam_unix.so\n"

    assert (
        "line 1 pam_permit.so (sufficient) succeeds and ends the stack"
        in (ps.judge_auth_stack(text)[0])
    )


def test_pam_rootok_counts_as_letting_anyone_in():
    text = "auth sufficient pam_rootok.so\nauth required pam_unix.so\n"

    assert ps.judge_auth_stack(text) != []


def test_an_unknown_module_that_can_end_the_stack_in_success_is_unsound():
    text = "auth sufficient pam_succeed_if.so uid >= 1000\n" + DEBIAN12

    assert "pam_succeed_if.so (sufficient) succeeds" in ps.judge_auth_stack(text)[0]


def test_an_optional_module_that_succeeds_before_pam_deny_does_not_open_the_stack():
    text = DEBIAN12.replace(UNIX_AUTH, "auth\toptional\tpam_cap.so\n" + UNIX_AUTH)

    assert ps.judge_auth_stack(text) == []


def test_required_pam_unix_after_sufficient_success_keeps_it_closed_when_it_fails_first():
    text = "auth required pam_unix.so\nauth sufficient pam_permit.so\n"

    assert ps.judge_auth_stack(text) == []


def test_the_reason_says_when_a_password_module_failed_on_the_way():
    text = "auth optional pam_unix.so\nauth required pam_permit.so\n"

    (fault,) = ps.judge_auth_stack(text)

    assert "line 1 pam_unix.so (optional) returns auth_err, ignored" in fault
    assert fault.endswith("although every module that checks a password fails")


def test_a_stack_of_pam_deny_refuses_every_password():
    assert ps.judge_auth_stack("auth required pam_deny.so\n") == [
        "/etc/pam.d/common-auth refuses every password: no way through its auth lines ends in"
        " success"
    ]


def test_a_jump_past_the_last_line_fails_like_libpam():
    text = "auth [success=3 default=ignore] pam_unix.so\nauth requisite pam_deny.so\n"

    assert "refuses every password" in ps.judge_auth_stack(text)[0]


def test_an_include_is_not_judged():
    assert ps.judge_auth_stack("@include common-auth-local\nauth required pam_unix.so\n") == [
        "/etc/pam.d/common-auth line 1 includes another file (common-auth-local);"
        " only a stack in one file can be judged"
    ]


def test_a_substack_is_not_judged():
    assert ps.judge_auth_stack("auth substack system-auth\n") == [
        "/etc/pam.d/common-auth line 1 includes another file (system-auth);"
        " only a stack in one file can be judged"
    ]


def test_a_missing_file_and_a_file_without_auth_lines_are_faults():
    assert "is missing" in ps.judge_auth_stack(None)[0]
    assert "has no auth lines" in ps.judge_auth_stack("account required pam_unix.so\n")[0]


def test_lines_of_other_types_do_not_count_in_jumps():
    text = (
        "auth [success=1 default=ignore] pam_unix.so\n"
        "account required pam_permit.so\n"
        "auth requisite pam_deny.so\n"
        "auth required pam_permit.so\n"
    )

    assert ps.judge_auth_stack(text) == []


def test_classic_controls_map_to_libpam_actions():
    required = ps.parse_control("required")
    sufficient = ps.parse_control("sufficient")

    assert (required["success"], required["ignore"], required["auth_err"]) == (
        "ok",
        "ignore",
        "bad",
    )
    assert (sufficient["success"], sufficient["auth_err"]) == ("done", "ignore")
    assert ps.parse_control("requisite")["auth_err"] == "die"
    assert ps.parse_control("optional")["auth_err"] == "ignore"


def test_bracketed_control_sets_named_values_then_default_then_bad():
    actions = ps.parse_control("[success=2 user_unknown=ignore default=die]")

    assert (actions["success"], actions["user_unknown"], actions["auth_err"]) == (
        2,
        "ignore",
        "die",
    )
    assert ps.parse_control("[success=ok]")["auth_err"] == "bad"


def test_include_and_substack_controls_have_no_actions():
    assert ps.parse_control("include") is None
    assert ps.parse_control("substack") is None


def test_a_refused_attempt_is_not_a_fault():
    assert ps.judge_attempt("common-auth", "root", 7, True, "Authentication failure") is None


def test_an_accepted_wrong_password_is_a_fault():
    assert ps.judge_attempt("common-auth", "root", 0, True, "Success") == (
        "PAM service common-auth accepted a wrong password for root (PAM_SUCCESS)"
    )


def test_an_accepted_password_without_a_prompt_says_so():
    fault = ps.judge_attempt("common-auth", "alice", 0, False, "Success")

    assert "for alice without asking for a password" in fault


def test_a_stack_that_cannot_run_is_a_fault():
    fault = ps.judge_attempt("sshd", "root", 28, True, "Module is unknown")

    assert fault == (
        "PAM service sshd could not run its stack for root: PAM_MODULE_UNKNOWN"
        " (Module is unknown); a correct password would be refused too"
    )


def test_result_names_follow_linux_pam_codes():
    assert [ps.result_name(c) for c in (0, 7, 10, 99)] == [
        "PAM_SUCCESS",
        "PAM_AUTH_ERR",
        "PAM_USER_UNKNOWN",
        "PAM result 99",
    ]


def state(path: str, data: bytes | None, mode: int = 0o644) -> ps.FileState:
    if data is None:
        return ps.FileState(path, False)
    return ps.FileState(path, True, ps.sha256_hex(data), mode, 0, 0)


AUTH = "/etc/pam.d/common-auth"
PROFILE = "/usr/share/pam-configs/edu_tw_hardening_pwhistory"
SAVED = ps.manifest(
    [AUTH, PROFILE, "/var/lib/pam/*"],
    [state(AUTH, b"stock"), state(PROFILE, None), state("/var/lib/pam/seen", b"unix\n")],
)


def test_manifest_round_trips_through_its_text():
    assert ps.parse_manifest(ps.manifest_text(SAVED)) == SAVED


def test_a_manifest_of_another_schema_or_broken_is_none():
    assert ps.parse_manifest('{"schema": "other"}') is None
    assert ps.parse_manifest("{") is None
    assert ps.parse_manifest(None) is None


def test_nothing_to_restore_when_the_stack_is_as_saved():
    current = {
        AUTH: state(AUTH, b"stock"),
        PROFILE: state(PROFILE, None),
        "/var/lib/pam/seen": state("/var/lib/pam/seen", b"unix\n"),
    }

    assert ps.restore_plan(SAVED, current) == ([], [])


def test_changed_files_are_written_back_and_new_ones_removed():
    current = {
        AUTH: state(AUTH, b"[default=1] pam_permit.so"),
        PROFILE: state(PROFILE, b"Name: history"),
        "/var/lib/pam/seen": state("/var/lib/pam/seen", b"unix\n"),
        "/var/lib/pam/auth.new": state("/var/lib/pam/auth.new", b"Module: null"),
    }

    assert ps.restore_plan(SAVED, current) == ([AUTH], [PROFILE, "/var/lib/pam/auth.new"])


def test_a_changed_mode_alone_is_restored():
    current = {AUTH: state(AUTH, b"stock", mode=0o666), PROFILE: state(PROFILE, None)}

    assert ps.restore_plan(SAVED, current)[0] == [AUTH, "/var/lib/pam/seen"]


def test_a_saved_file_deleted_since_is_written_back():
    current = {AUTH: state(AUTH, None), PROFILE: state(PROFILE, None)}

    assert ps.restore_plan(SAVED, current) == ([AUTH, "/var/lib/pam/seen"], [])


def test_saved_copies_keep_their_path_under_the_state_dir():
    assert (
        ps.saved_copy("/var/lib/x/saved/", AUTH) == "/var/lib/x/saved/files/etc/pam.d/common-auth"
    )


def test_the_module_documents_the_default_paths_it_uses():
    from ansible_collections.edu_tw.hardening.plugins.modules import pam_stack as module

    options = yaml.safe_load(module.DOCUMENTATION)["options"]

    assert options["paths"]["default"] == list(ps.DEFAULT_PATHS)
    assert options["state_dir"]["default"] == ps.DEFAULT_STATE_DIR


def test_a_fingerprint_reader_before_pam_unix_is_another_credential_not_a_hole():
    # libpam-fprintd's profile, as pam-auth-update orders it before pam_unix.
    text = DEBIAN12.replace(
        UNIX_AUTH,
        "auth\t[success=2 default=ignore]\tpam_fprintd.so max-tries=1 timeout=10\n"
        "auth\t[success=1 default=ignore]\tpam_unix.so nullok try_first_pass",
    )

    assert ps.judge_auth_stack(text) == []
