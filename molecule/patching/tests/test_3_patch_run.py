# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/patch.yml: it installs what is pending and records it; it reboots a host that
owes a reboot only inside the window, once; a failing health check stops the rolling run
after the first batch."""

from __future__ import annotations

import re
import time

import pytest
import testinfra
from patch_helpers import (
    DAYS,
    OTHER,
    PROBE,
    audit,
    booted_at,
    downgrade,
    installed,
    instances,
    patch,
    publish,
    record,
    withdraw,
)

BOOT_COUNTER = """[Unit]
Description=Count the boots of the test host
[Service]
Type=oneshot
ExecStart=/bin/sh -c 'date +%%s >> /var/lib/edu-tw-boots'
[Install]
WantedBy=multi-user.target
"""


@pytest.fixture(scope="module", name="host")
def first_host():
    """The scenario's first host: what is proved once needs no second copy (the rolling run
    uses both)."""
    return testinfra.get_host(f"podman://{instances()[0]}")


def test_the_patch_run_installs_every_pending_update_and_records_it(host, tmp_path):
    name = host.backend.name
    publish(host, "security", PROBE, "1.1")
    publish(host, "base", OTHER, "1.1")
    try:
        before = audit(name, tmp_path / "before")
        run = patch({"patching_upgrade_scope": "all"}, ["--limit", name])
        versions = {PROBE: installed(host, PROBE), OTHER: installed(host, OTHER)}
        after = audit(name, tmp_path / "after")
        done = record(host)
    finally:
        withdraw(host, "security", PROBE, "1.1")
        withdraw(host, "base", OTHER, "1.1")
        downgrade(host, PROBE, "1.0")
        downgrade(host, OTHER, "1.0")
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    assert sorted(before["evidence"]["pending"]) == [f"{OTHER} 1.0 -> 1.1", f"{PROBE} 1.0 -> 1.1"]
    assert versions == {PROBE: "1.1", OTHER: "1.1"}
    assert after["evidence"]["pending"] == []
    assert after["status"] == "pass", after["reasons"]
    assert sorted(done["installed"]) == [OTHER, PROBE]
    assert (done["rebooted"], done["reboot_owed"]) == (False, False)
    assert after["evidence"]["last_patch_run"]["finished"] == done["finished"]


def test_a_reboot_owed_waits_for_the_window_then_happens_once(tmp_path):
    name = instances()[0]
    host = testinfra.get_host(f"podman://{name}")
    host.check_output(
        "printf %s %s > /etc/systemd/system/edu-tw-boots.service && systemctl enable -q "
        "edu-tw-boots.service && rm -f /var/lib/edu-tw-boots",
        "%s",
        BOOT_COUNTER,
    )
    try:
        host.check_output(
            "echo '*** System restart required ***' > /run/reboot-required && "
            "echo %s > /run/reboot-required.pkgs",
            PROBE,
        )
        # The windows below are 00:00 to 23:59 of a day: not run across midnight.
        if host.check_output("date +%H:%M") >= "23:57":
            time.sleep(200)
        today = DAYS[int(host.check_output("date +%u")) - 1]
        other_day = DAYS[(DAYS.index(today) + 1) % 7]
        started = booted_at(host)

        outside = patch(
            {"patching_reboot_window": {"days": [other_day], "start": "00:00", "end": "23:59"}},
            ["--limit", name],
        )
        assert outside.returncode == 0, (outside.stdout + outside.stderr)[-3000:]
        assert (
            "A reboot is owed (/run/reboot-required (edu-tw-probe)) and not done" in outside.stdout
        )
        assert booted_at(host) == started
        assert host.file("/run/reboot-required").exists
        assert (record(host)["rebooted"], record(host)["reboot_owed"]) == (False, True)
        owed = audit(name, tmp_path / "owed")
        assert "a reboot is required to apply updates: edu-tw-probe" in owed["reasons"]

        inside = patch(
            {"patching_reboot_window": {"days": [today], "start": "00:00", "end": "23:59"}},
            ["--limit", name],
        )
        assert inside.returncode == 0, (inside.stdout + inside.stderr)[-3000:]
        assert booted_at(host) != started
        assert len(host.file("/var/lib/edu-tw-boots").content_string.split()) == 1
        assert not host.file("/run/reboot-required").exists
        assert (record(host)["rebooted"], record(host)["reboot_owed"]) == (True, False)
        assert audit(name, tmp_path / "rebooted")["status"] == "pass"
    finally:
        # A failure must not leave the flag for the next tests (a reboot clears /run).
        host.run("rm -f /run/reboot-required /run/reboot-required.pkgs")
        host.run("systemctl disable -q edu-tw-boots.service")


def test_a_failing_health_check_stops_the_rolling_run_after_the_first_batch():
    names = instances()
    hosts = [testinfra.get_host(f"podman://{name}") for name in names]
    for each in hosts:
        publish(each, "security", PROBE, "1.1")
    try:
        # Nothing listens on 8099 on either host: the first batch fails its health check.
        run = patch({"patching_serial": 1, "patching_health_ports": [8099]})
        versions = [installed(each, PROBE) for each in hosts]
    finally:
        for each in hosts:
            withdraw(each, "security", PROBE, "1.1")
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "Timeout when waiting for 127.0.0.1:8099" in output
    recap = dict(re.findall(r"^(\S+)\s*: (ok=\d+ .*)$", output.split("PLAY RECAP")[-1], re.M))
    failed = [name for name in names if "failed=1" in recap[name]]
    assert len(failed) == 1, recap
    # The second batch never started: the other host ran the input check (the first play)
    # and nothing of the patch play.
    (untouched,) = set(names) - set(failed)
    assert re.match(r"ok=1\s+changed=0\s+unreachable=0\s+failed=0", recap[untouched]), recap
    assert versions == ["1.0", "1.0"]
