# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A window of 30 minutes opened with playbooks/remote_window_open.yml (-e @window.yml and
the vault password, at -vvv): only the allowed client logs in, re-applying changes nothing,
the password is nowhere but in the vault file and the shadow hash, check mode changes
nothing, bad inputs are refused before any change, and an early close ends it."""

from __future__ import annotations

import copy
import datetime
import json
import subprocess
import time

import pytest
from ra_helpers import (
    ACCOUNT,
    CLOSE,
    CONVERGE,
    CREDENTIALS,
    OPEN,
    TARGET,
    WORK,
    add_element,
    apply_window,
    audit,
    changed,
    common_vars,
    connects,
    delete_element,
    host_state,
    iso,
    login,
    logs_in,
    output,
    read_password,
    record,
    run_playbook,
    shadow,
    sshd_journal,
    utc_now,
    vars_file,
    window,
)

LONG = 30 * 60


@pytest.fixture(scope="module")
def long_window(target, addresses) -> dict:
    """The window, the open run's output and duration, and the password it delivered."""
    spec = window("long", addresses["allowed"], LONG)
    started = time.monotonic()
    run = apply_window([spec], "window-long", ("-vvv",))
    seconds = time.monotonic() - started
    assert run.returncode == 0, output(run)[-6000:]
    (WORK / "open-run-seconds").write_text(f"{seconds:.0f}")
    return {"spec": spec, "run": run, "password": read_password("long"), "seconds": seconds}


def test_the_allowed_client_logs_in_with_the_delivered_password(long_window, allowed, addresses):
    result = login(allowed, addresses["target"], long_window["password"])
    assert (result.rc, result.stdout.strip()) == (0, ACCOUNT), result.stderr


def test_the_other_client_is_refused_by_the_firewall(long_window, other, addresses):
    assert not connects(other, addresses["target"], 22)


def test_the_other_client_let_through_the_firewall_is_refused_by_sshd(
    long_window, target, other, addresses
):
    since = time.time()
    add_element(target, addresses["other"])
    try:
        assert connects(other, addresses["target"], 22)
        result = login(other, addresses["target"], long_window["password"])
    finally:
        delete_element(target, addresses["other"])
    assert result.rc != 0 and ACCOUNT not in result.stdout
    journal = sshd_journal(target, since)
    assert f"User {ACCOUNT} from {addresses['other']} not allowed" in journal, journal


def test_the_record_states_the_window_without_secrets(long_window, target, addresses):
    spec = long_window["spec"]
    kept = record(target, "long")
    assert kept is not None
    assert target.file("/var/lib/edu_tw_hardening/windows/long.json").mode == 0o600
    assert kept["account"] == ACCOUNT
    assert kept["sources"] == [addresses["allowed"]]
    utc = datetime.timezone.utc
    assert kept["start"] == datetime.datetime.fromisoformat(spec["start"]).astimezone(utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert kept["end"] == datetime.datetime.fromisoformat(spec["end"]).astimezone(utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert (kept["purpose"], kept["approval"], kept["auth"]) == (
        spec["purpose"],
        spec["approval"],
        "password",
    )
    assert kept["closed"] is None and kept["closed_by"] is None
    text = json.dumps(kept)
    assert long_window["password"] not in text
    assert shadow(target)[1] not in text


def test_the_account_is_open_only_for_the_window(long_window, target, addresses):
    entry = shadow(target)
    assert not entry[1].startswith("!")
    assert entry[7] != "1"
    elements = target.check_output("nft list set inet edu_tw_hardening remote_maintenance_v4")
    assert addresses["allowed"] in elements and "expires" in elements
    assert addresses["other"] not in elements


def test_reapplying_the_same_window_changes_nothing_and_keeps_the_password(
    long_window, target, allowed, addresses
):
    before = shadow(target)[1]
    run = apply_window([long_window["spec"]], "window-long")
    assert run.returncode == 0, output(run)[-4000:]
    assert changed(run) == 0, run.stdout[-4000:]
    assert shadow(target)[1] == before
    assert logs_in(allowed, addresses["target"], long_window["password"])


def test_the_password_is_not_in_the_open_runs_output_at_vvv(long_window):
    assert "-vvv" in " ".join(long_window["run"].args)
    assert long_window["password"] not in output(long_window["run"])


def test_the_password_is_not_in_the_audit_reports(long_window, tmp_path):
    audit(tmp_path / "reports", ["MOE-18", "MOE-19"])
    leaked = subprocess.run(
        ["grep", "-rlF", "--", long_window["password"], str(tmp_path / "reports")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert leaked.returncode == 1, leaked.stdout


def test_the_password_is_only_in_the_vault_file_on_the_controller(long_window):
    vault = CREDENTIALS / TARGET / "long.vault"
    assert vault.read_text().startswith("$ANSIBLE_VAULT;")
    leaked = subprocess.run(
        ["grep", "-rlF", "--", long_window["password"], str(WORK)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert leaked.returncode == 1, leaked.stdout


def test_the_password_is_in_no_file_on_the_target(long_window, target):
    found = target.run(
        "grep -rlF -D skip -e %s /etc /var /root /home /tmp /run", long_window["password"]
    )
    assert found.rc == 1, found.stdout + found.stderr


def test_check_mode_of_the_role_on_the_converged_host_changes_nothing(long_window):
    # converge.yml (the role with no window listed: the open one is left alone) ...
    run = run_playbook(CONVERGE, None, ("--check", "--diff"))
    assert run.returncode == 0, output(run)[-4000:]
    recap = run.stdout[run.stdout.rfind("PLAY RECAP") :]
    assert "changed=0" in recap and "changed=1" not in recap, recap
    # ... and the open playbook with the open window listed.
    run = apply_window([long_window["spec"]], "window-long", ("--check", "--diff"))
    assert run.returncode == 0, output(run)[-4000:]
    assert changed(run) == 0, run.stdout[-4000:]


def _bad(addresses) -> dict[str, dict]:
    now = utc_now()
    good = window("bad", addresses["allowed"], 3600)

    def with_(**fields):
        spec = copy.deepcopy(good)
        spec.update(fields)
        return {"remote_access_windows": [spec]}

    def without(field):
        spec = copy.deepcopy(good)
        del spec[field]
        return {"remote_access_windows": [spec]}

    return {
        "end-before-start": (
            with_(
                start=iso(now + datetime.timedelta(hours=1)),
                end=iso(now + datetime.timedelta(minutes=30)),
            ),
            ["remote_access_windows[0]", "end"],
        ),
        "past-window": (
            with_(
                start=iso(now - datetime.timedelta(hours=2)),
                end=iso(now - datetime.timedelta(hours=1)),
            ),
            ["remote_access_windows[0]", "end"],
        ),
        "longer-than-the-maximum": (
            with_(
                end=iso(
                    datetime.datetime.fromisoformat(good["start"]) + datetime.timedelta(minutes=241)
                )
            ),
            ["remote_access_windows[0]", "remote_access_max_window_minutes"],
        ),
        "every-address": (
            with_(sources=["0.0.0.0/0"]),
            ["remote_access_windows[0]", "sources", "0.0.0.0/0"],
        ),
        "a-slash-8": (
            with_(sources=["10.0.0.0/8"]),
            ["remote_access_windows[0]", "sources", "10.0.0.0/8"],
        ),
        "no-approval": (without("approval"), ["remote_access_windows", "approval"]),
        "no-purpose": (without("purpose"), ["remote_access_windows", "purpose"]),
        "root": (
            {**with_(account="root"), "remote_access_maintenance_accounts": [ACCOUNT, "root"]},
            ["remote_access_maintenance_accounts", "root"],
        ),
        "system-account": (
            {**with_(account="daemon"), "remote_access_maintenance_accounts": [ACCOUNT, "daemon"]},
            ["remote_access_maintenance_accounts", "daemon"],
        ),
    }


BAD = [
    "end-before-start",
    "past-window",
    "longer-than-the-maximum",
    "every-address",
    "a-slash-8",
    "no-approval",
    "no-purpose",
    "root",
    "system-account",
]


@pytest.mark.parametrize("given", ["json", "vars-file"])
@pytest.mark.parametrize("case", BAD)
def test_a_bad_window_is_refused_before_any_change(long_window, target, addresses, case, given):
    extra, names = _bad(addresses)[case]
    before = host_state(target)
    passwd = target.check_output("getent passwd")
    if given == "json":
        run = run_playbook(OPEN, {**common_vars(), **extra}, ("--limit", TARGET))
    else:
        path = vars_file(f"bad-{case}", {**common_vars(), **extra})
        run = run_playbook(OPEN, None, ("-e", f"@{path}", "--limit", TARGET))
    said = " ".join(output(run).split())
    assert run.returncode != 0, said[-3000:]
    for name in names:
        assert name in said, said[-3000:]
    assert changed(run) in (0, None), run.stdout[-3000:]
    assert host_state(target) == before
    assert target.check_output("getent passwd") == passwd


def test_an_early_close_ends_the_window(long_window, target, allowed, addresses):
    during = shadow(target)[1]
    path = vars_file("close-long", {**common_vars(), "remote_access_close": ["long"]})
    run = run_playbook(CLOSE, None, ("-e", f"@{path}", "--limit", TARGET))
    assert run.returncode == 0, output(run)[-4000:]
    kept = record(target, "long")
    assert kept["closed"] and kept["closed_by"] == "early"
    entry = shadow(target)
    assert entry[1].startswith("!") and entry[7] == "1" and entry[1] != during
    assert not connects(allowed, addresses["target"], 22)
    assert f"{addresses['allowed']}" not in target.check_output(
        "nft list set inet edu_tw_hardening remote_maintenance_v4"
    )
    accepted = [
        entry
        for entry in kept["logins"]
        if (entry["source"], entry["result"]) == (addresses["allowed"], "accepted")
    ]
    assert accepted, kept["logins"]
