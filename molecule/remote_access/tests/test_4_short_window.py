# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A short window (about 90 s) expires by itself: the session opened during it is ended,
new connections are refused, the password is rotated and locked, and the record says so
with the login it saw. While it runs, remote-control software planted on the target fails
MOE-19 (it is remediated in test_5)."""

from __future__ import annotations

import datetime

import pytest
from ra_helpers import (
    ACCOUNT,
    EPHEMERAL,
    WORK,
    add_element,
    apply_window,
    audit,
    client_session_alive,
    connects,
    delete_element,
    listening,
    logs_in,
    output,
    read_password,
    record,
    shadow,
    sleep_until,
    start_session,
    wait_for,
    window,
)

GRACE = 60
VNC_PACKAGE = "tigervnc-standalone-server"
VNC_PORT = 5901


def _length() -> int:
    """About 90 s, longer when this machine's open run is slow (so the steps during the
    window fit in it)."""
    path = WORK / "open-run-seconds"
    measured = int(path.read_text()) if path.exists() else 40
    return max(90, measured + 50)


@pytest.fixture(scope="module")
def short(target, allowed, addresses) -> dict:
    spec = window("short", addresses["allowed"], _length())
    run = apply_window([spec], "window-short")
    assert run.returncode == 0, output(run)[-4000:]
    password = read_password("short")
    logged_in = logs_in(allowed, addresses["target"], password)
    start_session(allowed, addresses["target"], password)
    held = wait_for(lambda: target.run("pgrep -u %s -x sleep", ACCOUNT).rc == 0, 15)
    return {
        "spec": spec,
        "password": password,
        "logged_in": logged_in,
        "session_held": bool(held) and client_session_alive(allowed, addresses["target"]),
        "hash_during": shadow(target)[1],
    }


def test_the_allowed_client_logs_in_and_holds_a_session(short):
    assert short["logged_in"]
    assert short["session_held"]


def test_planted_remote_control_software_fails_moe_19(short, target):
    # Done while the window runs: it has nothing to do with the window.
    target.check_output(
        f"DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {VNC_PACKAGE} >/dev/null"
    )
    target.check_output(
        "systemd-run --unit=planted-vnc Xtigervnc :1 -rfbport %s -SecurityTypes None", str(VNC_PORT)
    )
    assert wait_for(lambda: listening(target, VNC_PORT), 20), target.run(
        "journalctl -u planted-vnc"
    ).stdout
    moe19 = audit(EPHEMERAL / "reports" / "planted", ["MOE-19"])["MOE-19"]
    assert moe19["status"] == "fail"
    assert f"remote-control software installed: {VNC_PACKAGE}" in moe19["reasons"]
    assert any(f"{VNC_PORT}/tcp" in reason for reason in moe19["reasons"]), moe19["reasons"]


@pytest.fixture(scope="module")
def expired(short, target) -> dict | None:
    end = datetime.datetime.fromisoformat(short["spec"]["end"])
    sleep_until(end)
    return wait_for(lambda: (r := record(target, "short")) and r["closed"] and r, GRACE)


def test_the_window_closes_by_itself_at_its_end(short, expired, target):
    assert expired, record(target, "short")
    assert expired["closed_by"] == "end"


def test_new_connections_are_refused_after_the_end(short, expired, target, allowed, addresses):
    assert not connects(allowed, addresses["target"], 22)
    add_element(target, addresses["allowed"])
    try:
        assert not logs_in(allowed, addresses["target"], short["password"])
    finally:
        delete_element(target, addresses["allowed"])


def test_the_session_opened_during_the_window_is_ended(short, expired, target, allowed, addresses):
    assert short["session_held"], "no session was held: nothing is proved"
    assert target.run("pgrep -u %s", ACCOUNT).rc == 1
    assert wait_for(lambda: not client_session_alive(allowed, addresses["target"]), 10)


def test_the_password_is_rotated_and_the_account_locked(short, expired, target):
    entry = shadow(target)
    assert entry[1].startswith("!") and entry[7] == "1"
    assert entry[1].lstrip("!") != short["hash_during"]


def test_the_timer_of_the_window_is_gone(short, expired, target):
    assert target.run("systemctl cat edu-tw-hardening-window-short.timer").rc != 0


def test_the_record_lists_the_accepted_login(short, expired, addresses):
    assert expired, "the window did not close"
    accepted = [
        entry
        for entry in expired["logins"]
        if (entry["source"], entry["result"], entry["method"])
        == (addresses["allowed"], "accepted", "password")
    ]
    assert accepted, expired["logins"]
    assert "password" not in {key.lower() for key in expired} - {"auth"}
