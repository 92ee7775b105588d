# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote-maintenance (MOE-18) and remote-control (MOE-19) rules on recorded evidence of a
fresh Debian 12 test host, with the remote_access role's traces added."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue, evaluate
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import remote_access

FIXTURE = Path(__file__).parents[1] / "fixtures" / "evidence-debian12-fresh.json"
TODAY = date(2026, 11, 21)
CONTROLS = catalogue.by_id(catalogue.load())


def window(name: str = "w1", account: str = "maint1", **fields) -> dict:
    """A window as the collector reports a readable record (open now, no logins)."""
    record = {
        "name": name,
        "account": account,
        "sources": ["10.0.0.5", "198.51.100.0/24"],
        "start": "2026-11-21T01:00:00Z",
        "end": "2026-11-21T05:00:00Z",
        "closed": None,
        "purpose": "LMS upgrade",
        "approval": "MOE 2026-0117",
        "auth": "password",
        "remote_control_port": None,
        "opened": "2026-11-21T00:59:00Z",
        "closed_by": None,
        "logins": [],
        "open": True,
        "overdue": False,
        "error": None,
    }
    record.update(fields)
    return record


def login(time: str, source: str = "10.0.0.5", result: str = "accepted", account="maint1"):
    return {"account": account, "time": time, "source": source, "result": result} | {
        "method": "password"
    }


def maint_account(name: str = "maint1", password: str = "locked", expired: bool = True) -> dict:
    record = {"name": name, "uid": 1010, "gid": 1010, "home": f"/home/{name}"}
    record.update(shell="/bin/bash", login_shell=True, human=password != "locked")
    record.update(password=password, max_days=None, min_days=None, warn_days=None)
    record.update(expire_days=1 if expired else None, expired=expired)
    return record


@pytest.fixture
def host() -> dict:
    """The fresh host with nftables (the firewall role's SSH rules), one maintenance
    account locked, expired and denied by sshd, and no window."""
    ev = json.loads(FIXTURE.read_text())["evidence"]
    ev["firewall"].update(nft_available=True, nft_error=None)
    ev["firewall"]["open_ports"] = [
        {"proto": "tcp", "port": 22, "sources": [f"@{name}"], "table": "edu_tw_hardening"}
        for name in ("management_v4", "management_v6", "remote_maintenance_v4")
    ]
    ev["accounts"]["accounts"].append(maint_account())
    ev["remote_access"].update(
        maintenance_accounts=["maint1"],
        sshd_denies={"maint1": True},
        sshd_probe_address="192.0.2.1",
    )
    return ev


def judge(control_id: str, evidence: dict, inputs: dict | None = None) -> dict:
    return evaluate.judge_control(CONTROLS[control_id], evidence, inputs or {}, [], "web1", TODAY)


def reasons(control_id: str, evidence: dict, inputs: dict | None = None) -> list[str]:
    result = judge(control_id, evidence, inputs)
    assert result["status"] == "fail", result
    return result["reasons"]


def test_host_of_the_role_without_window_passes(host):
    assert judge("MOE-18", host)["status"] == "pass"


def test_catalogue_gives_moe_18_its_failed_login_threshold_and_the_accounts_evidence():
    assert CONTROLS["MOE-18"]["thresholds"] == {"max_failed_logins": 5}
    assert "accounts" in CONTROLS["MOE-18"]["evidence"]


# --- a) window records -------------------------------------------------------------------


def test_window_record_with_a_field_of_the_wrong_type_is_evidence_missing(host):
    host["remote_access"]["windows"] = [
        window(open=False, error="auth is not one of password, key", logins=[])
    ]
    assert reasons("MOE-18", host) == [
        "evidence missing: remote_access: window record w1 is unreadable:"
        " auth is not one of password, key"
    ]


def test_overdue_window_fails(host):
    host["remote_access"]["windows"] = [window(open=False, overdue=True)]
    assert reasons("MOE-18", host) == [
        "window w1 (maint1) ended 2026-11-21T05:00:00Z but is not closed"
    ]


# --- b) the firewall ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "shown"),
    [
        ({"port": 22, "sources": []}, "22/tcp) from any source"),
        ({"port": 22, "sources": ["10.0.0.0/8"]}, "22/tcp) from 10.0.0.0/8"),
        ({"port": 1, "port_end": 1024, "sources": []}, "22/tcp) from any source"),
        ({"port": 22, "sources": ["@management_v4", "10.9.9.9"]}, "from @management_v4, 10.9.9.9"),
        ({"port": 22, "sources": ["@admins"]}, "22/tcp) from @admins"),
    ],
)
def test_ssh_accepted_from_other_sources_fails(host, entry, shown):
    host["firewall"]["open_ports"].append({"proto": "tcp", "table": "edu_tw_hardening"} | entry)
    (reason,) = reasons("MOE-18", host)
    assert shown in reason
    assert reason.endswith(
        "(table edu_tw_hardening), outside the management and remote_maintenance sets"
    )


def test_management_set_of_a_foreign_table_is_not_ours(host):
    host["firewall"]["open_ports"].append(
        {"proto": "tcp", "port": 22, "sources": ["@management_v4"], "table": "filter"}
    )
    assert reasons("MOE-18", host) == [
        "firewall accepts SSH (22/tcp) from @management_v4 (table filter),"
        " outside the management and remote_maintenance sets"
    ]


def test_ssh_on_the_port_sshd_listens_on_is_judged(host):
    host["remote_access"]["sshd"]["port"] = [2222]
    host["firewall"]["open_ports"].append(
        {"proto": "tcp", "port": 2222, "sources": [], "table": "edu_tw_hardening"}
    )
    assert reasons("MOE-18", host)[0].startswith("firewall accepts SSH (2222/tcp) from any source")


def test_ssh_on_the_declared_firewall_port_is_judged(host):
    host["firewall"]["open_ports"].append(
        {"proto": "tcp", "port": 2200, "sources": [], "table": "edu_tw_hardening"}
    )
    assert judge("MOE-18", host)["status"] == "pass"
    assert reasons("MOE-18", host, {"firewall_ssh_port": 2200})[0].startswith(
        "firewall accepts SSH (2200/tcp)"
    )


def test_other_services_open_to_everyone_are_not_this_controls_finding(host):
    host["firewall"]["open_ports"] += [
        {"proto": "tcp", "port": 443, "sources": [], "table": "edu_tw_hardening"},
        {"proto": "udp", "port": 22, "sources": [], "table": "edu_tw_hardening"},
    ]
    assert judge("MOE-18", host)["status"] == "pass"


def test_unreadable_ruleset_is_evidence_missing_not_a_finding(host):
    host["firewall"].update(nft_available=False, nft_error="nft -j list ruleset exited 1")
    host["firewall"]["open_ports"].append(
        {"proto": "tcp", "port": 22, "sources": [], "table": "edu_tw_hardening"}
    )
    assert reasons("MOE-18", host) == ["evidence missing: firewall: nft -j list ruleset exited 1"]


# --- the maintenance accounts: configuration ---------------------------------------------


def test_unreadable_configuration_is_evidence_missing(host):
    error = "/etc/edu_tw_hardening/remote_access.json is not valid JSON: JSONDecodeError"
    host["remote_access"].update(maintenance_accounts=[], config_error=error)
    assert reasons("MOE-18", host) == [f"evidence missing: remote_access: {error}"]


# --- c) passwords usable without an open window ------------------------------------------


def set_account(evidence: dict, **fields) -> None:
    evidence["accounts"]["accounts"][-1] = maint_account(**fields)


def test_maintenance_password_usable_without_a_window_fails(host):
    set_account(host, password="set", expired=True)
    assert reasons("MOE-18", host) == [
        "maintenance account maint1 has no open window but its password is usable"
        " (shadow password set, not locked)"
    ]


def test_maintenance_account_not_expired_without_a_window_fails(host):
    set_account(host, password="locked", expired=False)
    assert reasons("MOE-18", host) == [
        "maintenance account maint1 has no open window but is not expired"
    ]


def test_maintenance_account_with_an_empty_password_fails(host):
    set_account(host, password="empty", expired=True)
    assert "(shadow password empty, not locked)" in reasons("MOE-18", host)[0]


def test_only_a_closed_or_pending_window_does_not_excuse_a_usable_password(host):
    host["remote_access"]["windows"] = [
        window(open=False, closed="2026-11-21T02:00:00Z", closed_by="early")
    ]
    set_account(host, password="set", expired=False)
    assert len(reasons("MOE-18", host)) == 2


def test_usable_password_during_an_open_window_passes(host):
    host["remote_access"]["windows"] = [window()]
    set_account(host, password="set", expired=False)
    assert judge("MOE-18", host)["status"] == "pass"


def test_open_window_of_another_account_does_not_excuse_it(host):
    host["remote_access"]["windows"] = [window(account="vendor")]
    set_account(host, password="set", expired=True)
    assert reasons("MOE-18", host)[0].startswith("maintenance account maint1 has no open window")


def test_unreadable_shadow_is_evidence_missing_for_the_maintenance_accounts(host):
    set_account(host, password="unknown", expired=False)
    host["accounts"]["shadow_error"] = "/etc/shadow could not be read"
    assert reasons("MOE-18", host) == ["evidence missing: accounts: /etc/shadow could not be read"]


def test_unreadable_passwd_is_evidence_missing_for_the_maintenance_accounts(host):
    host["accounts"].update(accounts=[], passwd_error="/etc/passwd could not be read")
    assert reasons("MOE-18", host) == ["evidence missing: accounts: /etc/passwd could not be read"]


def test_unreadable_shadow_without_maintenance_accounts_is_not_this_controls_concern(host):
    host["remote_access"].update(maintenance_accounts=[], sshd_denies={})
    host["accounts"]["shadow_error"] = "/etc/shadow could not be read"
    assert judge("MOE-18", host)["status"] == "pass"


# --- d) sshd denies the maintenance accounts outside their windows ------------------------


def test_account_sshd_lets_in_from_outside_its_windows_fails(host):
    host["remote_access"]["sshd_denies"] = {"maint1": False}
    assert reasons("MOE-18", host) == [
        "sshd does not deny maintenance account maint1 from 192.0.2.1,"
        " an address outside its windows"
    ]


def test_failing_sshd_match_is_evidence_missing(host):
    error = "sshd -T -C user=maint1,... exited 255: Bad Match condition"
    host["remote_access"].update(sshd_denies={"maint1": None}, sshd_denies_error=error)
    assert reasons("MOE-18", host) == [f"evidence missing: remote_access: {error}"]


def test_host_without_sshd_has_nothing_to_deny(host):
    host["remote_access"].update(sshd_present=False, sshd=None, sshd_denies={"maint1": None})
    assert judge("MOE-18", host)["status"] == "pass"


# --- e) accepted logins outside the windows -----------------------------------------------


def test_login_inside_its_window_from_its_source_passes(host):
    host["remote_access"]["windows"] = [window(open=False, closed="2026-11-21T05:00:01Z")]
    host["remote_access"]["windows"][0]["closed_by"] = "end"
    host["remote_access"]["maintenance_logins"] = [
        login("2026-11-21T01:00:00Z"),
        login("2026-11-21T04:59:59Z", "198.51.100.77"),
    ]
    assert judge("MOE-18", host)["status"] == "pass"


def test_login_after_the_window_ended_fails(host):
    host["remote_access"]["windows"] = [window(open=False, closed="2026-11-21T05:00:01Z")]
    host["remote_access"]["maintenance_logins"] = [login("2026-11-21T06:00:00Z")]
    assert reasons("MOE-18", host) == [
        "maintenance login outside its windows: maint1 from 10.0.0.5"
        " at 2026-11-21T06:00:00Z (password)"
    ]


def test_login_after_an_early_close_fails(host):
    host["remote_access"]["windows"] = [
        window(open=False, closed="2026-11-21T02:00:00Z", closed_by="early")
    ]
    host["remote_access"]["maintenance_logins"] = [login("2026-11-21T03:00:00Z")]
    assert reasons("MOE-18", host)[0].startswith("maintenance login outside its windows")


def test_login_from_a_source_the_window_does_not_name_fails(host):
    host["remote_access"]["windows"] = [window()]
    set_account(host, password="set", expired=False)
    host["remote_access"]["maintenance_logins"] = [login("2026-11-21T02:00:00Z", "10.0.0.6")]
    assert reasons("MOE-18", host) == [
        "maintenance login outside its windows: maint1 from 10.0.0.6"
        " at 2026-11-21T02:00:00Z (password)"
    ]


def test_login_in_the_window_of_another_account_fails(host):
    host["remote_access"]["windows"] = [window(account="vendor")]
    host["remote_access"]["maintenance_logins"] = [login("2026-11-21T02:00:00Z")]
    assert reasons("MOE-18", host)[0].startswith("maintenance login outside its windows")


def test_login_in_an_unreadable_window_is_not_excused(host):
    host["remote_access"]["windows"] = [window(open=False, error="missing or empty approval")]
    host["remote_access"]["maintenance_logins"] = [login("2026-11-21T02:00:00Z")]
    assert len(reasons("MOE-18", host)) == 2


def test_failed_login_outside_the_windows_is_not_an_access(host):
    host["remote_access"]["maintenance_logins"] = [login("2026-11-21T02:00:00Z", result="failed")]
    assert judge("MOE-18", host)["status"] == "pass"


def test_unreadable_journal_is_evidence_missing(host):
    error = "journalctl exited 1: Failed to open journal"
    host["remote_access"]["logins_error"] = error
    assert reasons("MOE-18", host) == [f"evidence missing: remote_access: {error}"]


# --- f) failed logins in one window -------------------------------------------------------


def failing(count: int, start: str = "2026-11-21T02:00:") -> list[dict]:
    return [login(f"{start}{n:02d}Z", "203.0.113.9", "failed") for n in range(count)]


def test_failed_logins_up_to_the_threshold_pass(host):
    host["remote_access"]["windows"] = [window()]
    host["accounts"]["accounts"][-1] = maint_account(password="set", expired=False)
    host["remote_access"]["maintenance_logins"] = failing(5)
    assert judge("MOE-18", host)["status"] == "pass"


def test_failed_logins_above_the_threshold_fail(host):
    host["remote_access"]["windows"] = [window()]
    host["accounts"]["accounts"][-1] = maint_account(password="set", expired=False)
    host["remote_access"]["maintenance_logins"] = failing(6)
    assert reasons("MOE-18", host) == ["window w1 (maint1): 6 failed logins, more than 5"]


def test_failed_logins_outside_the_window_are_not_counted_for_it(host):
    host["remote_access"]["windows"] = [window(open=False, closed="2026-11-21T05:00:00Z")]
    host["remote_access"]["windows"][0]["closed_by"] = "end"
    host["remote_access"]["maintenance_logins"] = failing(6, "2026-11-21T07:00:")
    assert judge("MOE-18", host)["status"] == "pass"


def test_failed_logins_kept_in_a_closed_record_count(host):
    record_logins = failing(7, "2026-08-01T02:00:")
    host["remote_access"]["windows"] = [
        window(
            start="2026-08-01T01:00:00Z",
            end="2026-08-01T05:00:00Z",
            closed="2026-08-01T05:00:00Z",
            closed_by="end",
            open=False,
            logins=record_logins,  # a record keeps its logins as the journal gives them
        )
    ]
    assert reasons("MOE-18", host) == ["window w1 (maint1): 7 failed logins, more than 5"]


def test_the_threshold_comes_from_the_catalogue_entry_given_to_the_rule(host):
    host["remote_access"]["windows"] = [window()]
    host["accounts"]["accounts"][-1] = maint_account(password="set", expired=False)
    host["remote_access"]["maintenance_logins"] = failing(3)
    result = remote_access.remote_maintenance(host, {"max_failed_logins": 2}, {})
    assert result.reasons == ["window w1 (maint1): 3 failed logins, more than 2"]


# --- what MOE-18 shows -------------------------------------------------------------------


def test_remote_maintenance_shows_windows_accounts_and_logins_outside(host):
    host["remote_access"]["windows"] = [
        window(),
        window("w0", open=False, closed="2026-11-20T03:00:00Z", closed_by="end"),
    ]
    host["accounts"]["accounts"][-1] = maint_account(password="set", expired=False)
    outside = login("2026-11-21T02:00:00Z", "10.9.9.9")
    host["remote_access"]["maintenance_logins"] = [login("2026-11-21T02:00:00Z"), outside]
    shown = judge("MOE-18", host)["evidence"]
    assert [w["name"] for w in shown["open_windows"]] == ["w1"]
    assert [w["name"] for w in shown["windows_on_record"]] == ["w1", "w0"]
    assert shown["maintenance_accounts"] == [
        {"account": "maint1", "open_window": True, "exists": True, "password": "set"}
        | {"expired": False, "sshd_denies": True}
    ]
    assert shown["logins_outside_windows"] == [outside]


def test_old_evidence_without_the_maintenance_keys_fails_as_malformed(host):
    del host["remote_access"]["maintenance_accounts"]
    assert reasons("MOE-18", host) == [
        "evidence missing or malformed: KeyError: 'maintenance_accounts'"
    ]


# --- MOE-19: remote-control services ------------------------------------------------------


def service(unit: str, active: bool, enabled: bool) -> dict:
    return {"unit": unit, "active": active, "enabled": enabled}


def test_active_remote_control_service_fails(host):
    host["remote_access"]["remote_control_services"] = [service("x11vnc.service", True, False)]
    assert reasons("MOE-19", host) == ["remote-control service active: x11vnc.service"]


def test_enabled_remote_control_service_fails(host):
    host["remote_access"]["remote_control_services"] = [service("xrdp.service", False, True)]
    assert reasons("MOE-19", host) == ["remote-control service enabled: xrdp.service"]


def test_stopped_and_disabled_remote_control_service_passes(host):
    host["remote_access"]["remote_control_services"] = [service("xrdp.service", False, False)]
    result = judge("MOE-19", host)
    assert (result["status"], result["evidence"]["services"]) == ("pass", [])


def test_unlisted_services_are_evidence_missing(host):
    error = "systemctl list-units ... exited 1: Failed to connect to bus"
    host["remote_access"]["services_error"] = error
    assert reasons("MOE-19", host) == [f"evidence missing: remote_access: {error}"]


# --- MOE-19: the emergency remote-control window ------------------------------------------


def vnc(host: dict, port: int = 5900, proto: str = "tcp") -> dict:
    """x11vnc installed, running, enabled and listening on ``port``."""
    host["remote_access"]["remote_control_packages"] = ["x11vnc"]
    host["remote_access"]["remote_control_services"] = [service("x11vnc.service", True, True)]
    host["sockets"]["listening"].append(
        {"proto": proto, "address": "0.0.0.0", "port": port, "loopback": False}
        | {"process": "x11vnc", "pid": 4242, "unit": "x11vnc.service"}
    )
    return host


def test_remote_control_software_without_a_window_fails_on_each_part(host):
    assert reasons("MOE-19", vnc(host)) == [
        "remote-control software installed: x11vnc",
        "remote-control service active: x11vnc.service",
        "remote-control service enabled: x11vnc.service",
        "remote-control port listening: 5900/tcp (x11vnc)",
    ]


def test_remote_control_software_passes_while_its_emergency_window_is_open(host):
    host["remote_access"]["windows"] = [window(remote_control_port=5900)]
    result = judge("MOE-19", vnc(host))
    assert result["status"] == "pass", result["reasons"]
    assert result["evidence"]["emergency_windows"][0]["remote_control_port"] == 5900
    assert result["evidence"]["listening_in_emergency_windows"] == ["5900/tcp (x11vnc)"]


@pytest.mark.parametrize(
    "state",
    [
        {"open": False, "closed": "2026-11-21T03:00:00Z", "closed_by": "early"},
        {"open": False},  # pending
        {"open": False, "overdue": True},
        {"open": False, "error": "not a JSON object"},
        {"remote_control_port": None},  # an ordinary maintenance window
    ],
)
def test_remote_control_software_fails_without_an_open_emergency_window(host, state):
    host["remote_access"]["windows"] = [window(remote_control_port=5900) | state]
    assert "remote-control software installed: x11vnc" in reasons("MOE-19", vnc(host))


def test_a_listener_on_another_remote_control_port_fails_during_the_window(host):
    host["remote_access"]["windows"] = [window(remote_control_port=5900)]
    assert reasons("MOE-19", vnc(host, port=5901)) == [
        "remote-control port listening: 5901/tcp (x11vnc)"
    ]
    host = vnc(host, port=5900, proto="udp")
    assert "remote-control port listening: 5900/udp (x11vnc)" in reasons("MOE-19", host)


def test_a_remote_control_element_without_expiry_fails_moe_18(host):
    pair = {"value": "10.0.0.5 . 5900", "expires": None}
    host["firewall"]["named_sets"] = [
        {
            "table": "edu_tw_hardening",
            "name": "remote_control_v4",
            "type": "ipv4_addr . inet_service",
        }
        | {"flags": ["interval", "timeout"], "elements": [pair]}
    ]
    expected = "maintenance source entry without expiry: remote_control_v4: 10.0.0.5 . 5900"
    assert expected in reasons("MOE-18", host)
