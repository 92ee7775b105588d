# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Windows close on the host with the controller gone: one across a restart of the target
closes at its end; one whose end passes while the target is down closes at boot, before
sshd takes logins."""

from __future__ import annotations

import datetime

import pytest
from ra_helpers import (
    WORK,
    add_element,
    apply_window,
    connects,
    controller_reaches,
    delete_element,
    follow_the_target,
    logs_in,
    output,
    parse_z,
    podman,
    read_password,
    record,
    shadow,
    sleep_until,
    wait_for,
    window,
)

# Seconds past a window's end within which the host must have closed it (timers with
# AccuracySec=1s; polled, never asserted as a speed).
GRACE = 60


def _length(extra: int) -> int:
    """Window length: the last open run's duration (this machine's load) plus ``extra``."""
    path = WORK / "open-run-seconds"
    measured = int(path.read_text()) if path.exists() else 40
    return measured + extra


def _booted(target, allowed, addresses, password=None) -> bool:
    """After a restart: systemd has finished, and (given a password) the login works; the
    first connections after a restart may fail for a second or two."""
    target.run("systemctl is-system-running --wait")
    follow_the_target(target, addresses)
    # The controller drives the target after a restart too: wait until it reaches it.
    assert wait_for(lambda: controller_reaches(addresses["target"]), 90), "controller cut off"
    if password is None:
        return True
    return bool(wait_for(lambda: logs_in(allowed, addresses["target"], password), 30, 2))


@pytest.fixture(scope="module")
def across_restart(target, target_name, allowed, addresses) -> dict:
    spec = window("restart", addresses["allowed"], _length(60))
    run = apply_window([spec], "window-restart")
    assert run.returncode == 0, output(run)[-4000:]
    password = read_password("restart")
    assert logs_in(allowed, addresses["target"], password)
    podman("restart", target_name)
    back = _booted(target, allowed, addresses, password)
    return {"spec": spec, "password": password, "logs_in_after_restart": back}


def test_after_a_restart_during_the_window_it_is_still_open(across_restart, target):
    assert across_restart["logs_in_after_restart"]
    assert record(target, "restart")["closed"] is None


def test_a_window_across_a_restart_closes_at_its_end(across_restart, target, allowed, addresses):
    end = datetime.datetime.fromisoformat(across_restart["spec"]["end"])
    sleep_until(end)
    kept = wait_for(lambda: (r := record(target, "restart")) and r["closed"] and r, GRACE)
    assert kept, record(target, "restart")
    assert kept["closed_by"] == "end"
    assert parse_z(kept["closed"]) >= end.astimezone(datetime.timezone.utc).replace(microsecond=0)
    entry = shadow(target)
    assert entry[1].startswith("!") and entry[7] == "1"
    assert not connects(allowed, addresses["target"], 22)
    add_element(target, addresses["allowed"])
    try:
        assert not logs_in(allowed, addresses["target"], across_restart["password"])
    finally:
        delete_element(target, addresses["allowed"])


@pytest.fixture(scope="module")
def while_down(across_restart, target, target_name, allowed, addresses) -> dict:
    # The window ends a little after the open run is over; the target is stopped at once.
    spec = window("down", addresses["allowed"], _length(25))
    run = apply_window([spec], "window-down")
    assert run.returncode == 0, output(run)[-4000:]
    password = read_password("down")
    assert record(target, "down")["closed"] is None
    podman("stop", target_name)
    end = datetime.datetime.fromisoformat(spec["end"])
    stopped_open = datetime.datetime.now(datetime.timezone.utc) < end
    sleep_until(end + datetime.timedelta(seconds=5))
    podman("start", target_name)
    _booted(target, allowed, addresses)
    return {"spec": spec, "password": password, "stopped_open": stopped_open}


def test_the_target_went_down_during_the_window(while_down):
    assert while_down["stopped_open"], "the open run outlasted the window: nothing is proved"


def test_a_window_that_ended_while_down_is_closed_at_boot(while_down, target):
    kept = wait_for(lambda: (r := record(target, "down")) and r["closed"] and r, GRACE)
    assert kept, record(target, "down")
    assert kept["closed_by"] == "boot"


def test_it_is_closed_before_sshd_takes_logins(while_down, target):
    kept = record(target, "down")
    assert kept and kept["closed"], kept
    sshd_started = int(
        target.check_output(
            'date -d "$(systemctl show -p ExecMainStartTimestamp --value ssh.service)" +%s'
        )
    )
    assert parse_z(kept["closed"]).timestamp() <= sshd_started
    before = target.check_output(
        "systemctl show -p Before --value edu-tw-hardening-windows.service"
    ).split()
    assert "ssh.service" in before


def test_after_boot_the_account_and_address_are_refused(while_down, target, allowed, addresses):
    entry = shadow(target)
    assert entry[1].startswith("!") and entry[7] == "1"
    assert not connects(allowed, addresses["target"], 22)
    add_element(target, addresses["allowed"])
    try:
        assert not logs_in(allowed, addresses["target"], while_down["password"])
    finally:
        delete_element(target, addresses["allowed"])
