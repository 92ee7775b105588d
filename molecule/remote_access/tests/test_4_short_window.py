# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A short emergency remote-control window (MOE-19: ``remote_control_port``, two minutes or
so) expires by itself. A VNC server is started on the target before it opens, as a vendor's
emergency needs: the open run leaves it in place, only the window's source reaches its port,
and MOE-19 shows it as the window's exception. At the end the session opened during it is
ended, the SSH and VNC ports are refused to everyone, the password is rotated and locked,
and the record says so with the login it saw. The VNC server left behind fails MOE-19 again
(test_5 remediates it)."""

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
    """About two minutes, longer when this machine's open run is slow (the open run and an
    audit must fit in the window)."""
    path = WORK / "open-run-seconds"
    measured = int(path.read_text()) if path.exists() else 40
    return max(120, 2 * measured + 60)


def _plant_vnc(target) -> None:
    """A VNC server on VNC_PORT, as a vendor's emergency brings one."""
    target.check_output(
        f"DEBIAN_FRONTEND=noninteractive apt-get install -y -qq {VNC_PACKAGE} >/dev/null"
    )
    target.check_output(
        "systemd-run --unit=planted-vnc Xtigervnc :1 -rfbport %s -SecurityTypes None", str(VNC_PORT)
    )
    assert wait_for(lambda: listening(target, VNC_PORT), 20), target.run(
        "journalctl -u planted-vnc"
    ).stdout


@pytest.fixture(scope="module")
def short(target, allowed, other, addresses) -> dict:
    _plant_vnc(target)
    spec = window("short", addresses["allowed"], _length()) | {"remote_control_port": VNC_PORT}
    run = apply_window([spec], "window-short")
    assert run.returncode == 0, output(run)[-4000:]
    kept = target.package(VNC_PACKAGE).is_installed and listening(target, VNC_PORT)
    reach = {
        name: connects(client, addresses["target"], VNC_PORT)
        for name, client in (("allowed", allowed), ("other", other))
    }
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
        "vnc_kept": kept,
        "vnc_reached": reach,
        "output": output(run),
    }


def test_the_allowed_client_logs_in_and_holds_a_session(short):
    assert short["logged_in"]
    assert short["session_held"]


def test_the_open_run_leaves_the_emergency_software_in_place(short):
    assert short["vnc_kept"], short["output"][-4000:]
    assert "Remote-control software is left in place: emergency window short" in short["output"]


def test_only_the_window_source_reaches_the_remote_control_port(short):
    assert short["vnc_reached"] == {"allowed": True, "other": False}


def test_moe_19_shows_the_software_as_the_window_exception(short):
    moe19 = audit(EPHEMERAL / "reports" / "emergency", ["MOE-19"])["MOE-19"]
    assert moe19["status"] == "pass", moe19["reasons"]
    (exception,) = moe19["evidence"]["emergency_windows"]
    assert (exception["name"], exception["remote_control_port"]) == ("short", VNC_PORT)
    assert VNC_PACKAGE in moe19["evidence"]["packages"]
    allowed = moe19["evidence"]["listening_in_emergency_windows"]
    assert allowed and all(entry.startswith(f"{VNC_PORT}/tcp ") for entry in allowed), allowed
    assert moe19["evidence"]["listening"] == []


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
    assert listening(target, VNC_PORT), "the VNC server is still there (test_5 removes it)"
    assert not connects(allowed, addresses["target"], VNC_PORT)
    assert "5901" not in target.check_output("nft list set inet edu_tw_hardening remote_control_v4")
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
