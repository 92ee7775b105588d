# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/host.py: why a command gave no evidence,
and what systemctl says of a unit."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    Result,
    command_failure,
    unit_active,
    unit_enabled,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

SS = ["ss", "-H", "-l"]


def test_a_command_that_exited_0_did_not_fail():
    assert command_failure(SS, Result(0, "", "a warning")) is None


def test_a_missing_program_says_it_is_not_installed():
    assert command_failure(SS, Result(127, "", "ss: not found")) == (
        "ss is not installed (not found on the host)"
    )


def test_a_failing_command_names_itself_its_exit_code_and_its_error_output():
    result = Result(1, "partial", "Cannot open netlink socket\n")
    assert command_failure(SS, result) == "ss -H -l exited 1: Cannot open netlink socket"


def test_every_error_line_is_kept_since_the_cause_is_not_always_the_last():
    err = "/etc/ssh/sshd_config: line 1: Bad configuration option: Bogus\n\nterminating\n"
    assert command_failure(["sshd", "-T"], Result(255, "", err)) == (
        "sshd -T exited 255: /etc/ssh/sshd_config: line 1: Bad configuration option: Bogus;"
        " terminating"
    )


def test_a_long_error_output_is_cut_short():
    failure = command_failure(SS, Result(1, "", "x" * 2000))
    assert len(failure) == len("ss -H -l exited 1: ") + 500 and failure.endswith("...")


def test_a_failing_command_without_error_output_names_its_exit_code():
    assert command_failure(SS, Result(2, "", "")) == "ss -H -l exited 2"


def test_a_unit_is_active_when_systemctl_says_active():
    host = RecordedHost(commands={"systemctl is-active cron.service": "active\n"})
    assert unit_active(host, "cron.service") is True


def test_a_unit_is_not_active_when_systemctl_says_otherwise():
    host = RecordedHost(commands={"systemctl is-active cron.service": Result(3, "inactive\n", "")})
    assert unit_active(host, "cron.service") is False


def test_whether_a_unit_is_active_is_unknown_without_systemctl():
    assert unit_active(RecordedHost(), "cron.service") is None


def test_a_unit_is_enabled_when_systemctl_says_enabled():
    host = RecordedHost(commands={"systemctl is-enabled cron.service": "enabled\n"})
    assert unit_enabled(host, "cron.service") is True


def test_a_static_unit_is_not_enabled():
    host = RecordedHost(commands={"systemctl is-enabled cron.service": "static\n"})
    assert unit_enabled(host, "cron.service") is False
