# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Verdicts of the control rules on recorded evidence of a fresh Debian 12 test host."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue, evaluate
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import password

FIXTURE = Path(__file__).parents[1] / "fixtures" / "evidence-debian12-fresh.json"
TODAY = date(2026, 11, 21)
CONTROLS = catalogue.load()


@pytest.fixture
def fresh() -> dict:
    """Evidence recorded by edu_tw.hardening.evidence on a fresh Debian 12 test host."""
    return json.loads(FIXTURE.read_text())["evidence"]


@pytest.fixture
def hardened(fresh: dict) -> dict:
    """The fresh host's evidence with the password and firewall controls met."""
    ev = copy.deepcopy(fresh)
    ev["pam"]["pwquality"].update(
        present=True, minlen=8, shortest_accepted=8, dictcheck=True, usercheck=True
    )
    ev["pam"]["pwhistory"].update(present=True, remember=3)
    ev["pam"]["cracklib_dictionary"] = True
    ev["accounts"]["login_defs"].update(PASS_MAX_DAYS=180, PASS_MIN_DAYS=1)
    ev["firewall"].update(nft_available=True, inbound_default_drop={"ipv4": True, "ipv6": True})
    return ev


def human(name: str, uid: int, **fields) -> dict:
    """An account record as the accounts collector writes it: a human login account."""
    record = {"name": name, "uid": uid, "gid": uid, "home": f"/home/{name}", "shell": "/bin/bash"}
    record.update(login_shell=True, human=True, password="set")
    record.update(max_days=180, min_days=1, warn_days=7)
    record.update(fields)
    return record


def verdict(control_id: str, evidence: dict, inputs: dict | None = None, waivers=()) -> dict:
    control = catalogue.by_id(CONTROLS)[control_id]
    return evaluate.judge_control(control, evidence, inputs or {}, list(waivers), "web1", TODAY)


def test_every_catalogue_control_has_a_rule():
    assert {c["id"] for c in CONTROLS} == set(evaluate.RULES)


def test_no_control_has_a_rule_in_two_areas():
    assert sum(len(area.RULES) for area in evaluate.AREAS) == len(evaluate.RULES)


def test_fresh_debian_fails_the_password_firewall_antivirus_and_patching_controls(fresh):
    result = evaluate.evaluate_host("web1", fresh, CONTROLS, {}, [], TODAY, set())
    failing = {c["id"] for c in result["controls"] if c["status"] == "fail"}
    core_failing = failing & {c["id"] for c in CONTROLS if c["tier"] == "core"}
    assert core_failing == {
        "MOE-12.9.1",
        "MOE-12.9.2",
        "MOE-12.9.3",
        "MOE-12.9.5",
        "MOE-15",
        "MOE-16",
        "MOE-17",
    }


def test_fresh_debian_without_databases_is_not_applicable_for_database_privileges(fresh):
    assert verdict("MOE-42.2.4", fresh)["status"] == "not_applicable"


def test_minlen_at_the_floor_passes(hardened):
    assert verdict("MOE-12.9.1", hardened)["status"] == "pass"


def test_shortest_accepted_below_the_floor_fails_naming_the_length(hardened):
    hardened["pam"]["pwquality"].update(minlen=7, shortest_accepted=7)
    result = verdict("MOE-12.9.1", hardened)
    assert result["status"] == "fail"
    assert "pwquality accepts passwords of 7 characters" in result["reasons"][0]


def test_positive_credit_below_the_floor_fails_naming_minlen_and_the_credit(hardened):
    hardened["pam"]["pwquality"].update(minlen=8, dcredit=1, shortest_accepted=7)
    result = verdict("MOE-12.9.1", hardened)
    assert result["reasons"] == [
        "pwquality accepts passwords of 7 characters"
        " (minlen 8, dcredit 1, ucredit 0, lcredit 0, ocredit 0), below 8"
    ]


def test_minlen_above_the_floor_with_credits_reaching_it_passes(hardened):
    hardened["pam"]["pwquality"].update(minlen=10, dcredit=1, ucredit=1, shortest_accepted=8)
    assert verdict("MOE-12.9.1", hardened)["status"] == "pass"


def test_password_length_shows_the_shortest_accepted_password(hardened):
    hardened["pam"]["pwquality"].update(minlen=12, shortest_accepted=12)
    assert verdict("MOE-12.9.1", hardened)["evidence"]["shortest_accepted"] == 12


def test_pass_min_len_below_the_floor_fails(hardened):
    hardened["accounts"]["login_defs"]["PASS_MIN_LEN"] = 6
    result = verdict("MOE-12.9.1", hardened)
    assert result["reasons"] == ["/etc/login.defs: PASS_MIN_LEN 6 < 8"]


def test_pass_min_len_at_the_floor_passes(hardened):
    hardened["accounts"]["login_defs"]["PASS_MIN_LEN"] = 8
    assert verdict("MOE-12.9.1", hardened)["status"] == "pass"


def test_password_length_shows_pass_min_len(hardened):
    hardened["accounts"]["login_defs"]["PASS_MIN_LEN"] = 10
    assert verdict("MOE-12.9.1", hardened)["evidence"]["PASS_MIN_LEN"] == 10


def test_password_length_fails_when_the_accounts_evidence_is_unreadable(hardened):
    hardened["accounts"] = {"error": "PermissionError: /etc/login.defs"}
    result = verdict("MOE-12.9.1", hardened)
    assert result["reasons"] == ["evidence missing: accounts: PermissionError: /etc/login.defs"]


def test_max_days_above_180_in_login_defs_fails_with_the_value(hardened):
    hardened["accounts"]["login_defs"]["PASS_MAX_DAYS"] = 365
    result = verdict("MOE-12.9.2", hardened)
    assert result["status"] == "fail"
    assert result["evidence"]["PASS_MAX_DAYS"] == 365
    assert any("365 > 180" in reason for reason in result["reasons"])


def test_human_account_with_unbounded_aging_fails(hardened):
    hardened["accounts"]["accounts"].append(
        {"name": "alice", "uid": 1000, "gid": 1000, "home": "/home/alice", "shell": "/bin/bash"}
        | {"login_shell": True, "human": True, "password": "set"}
        | {"max_days": 99999, "min_days": 0, "warn_days": 7}
    )
    result = verdict("MOE-12.9.2", hardened)
    assert any(reason.startswith("account alice") for reason in result["reasons"])


def test_excluded_account_is_reported_not_judged(hardened):
    hardened["accounts"]["accounts"].append(
        {"name": "breakglass", "uid": 1001, "gid": 1001, "home": "/home/b", "shell": "/bin/bash"}
        | {"login_shell": True, "human": True, "password": "set"}
        | {"max_days": 99999, "min_days": 0, "warn_days": 7}
    )
    result = verdict("MOE-12.9.2", hardened, {"password_policy_excluded_accounts": ["breakglass"]})
    assert result["status"] == "pass"
    assert result["evidence"]["excluded_accounts"] == ["breakglass"]


def test_history_of_two_fails(hardened):
    hardened["pam"]["pwhistory"]["remember"] = 2
    assert verdict("MOE-12.9.3", hardened)["status"] == "fail"


def test_site_word_missing_from_badwords_fails(hardened):
    result = verdict("MOE-12.9.5", hardened, {"password_policy_site_words": ["ntnu"]})
    assert result["status"] == "fail"
    assert "ntnu" in result["reasons"][0]


def test_national_id_account_name_fails(hardened):
    hardened["accounts"]["national_id_names"] = ["A123456789"]
    result = verdict("MOE-12.9.5", hardened)
    assert "A123456789" in result["reasons"][-1]


def test_account_with_an_empty_password_fails(hardened):
    hardened["accounts"]["accounts"].append(human("frank", 1003, password="empty"))
    hardened["accounts"]["empty_password"] = ["frank"]
    result = verdict("MOE-12.9.5", hardened)
    assert result["reasons"] == ["account frank has an empty password"]


def test_guessable_credentials_shows_the_empty_password_accounts(hardened):
    hardened["accounts"]["empty_password"] = ["frank"]
    assert verdict("MOE-12.9.5", hardened)["evidence"]["empty_password"] == ["frank"]


def test_excluded_account_missing_from_the_host_is_shown_by_password_aging(hardened):
    inputs = {"password_policy_excluded_accounts": ["breakglass"]}
    result = verdict("MOE-12.9.2", hardened, inputs)
    assert result["evidence"]["excluded_missing"] == ["breakglass"]


def test_unowned_login_account_fails_when_an_owner_map_is_given(hardened):
    hardened["accounts"]["accounts"].append(
        {"name": "bob", "uid": 1002, "gid": 1002, "home": "/home/bob", "shell": "/bin/bash"}
        | {"login_shell": True, "human": True, "password": "set"}
        | {"max_days": 180, "min_days": 1, "warn_days": 7}
    )
    result = verdict("MOE-12.9.4", hardened, {"password_policy_owners": {"carol": "Carol"}})
    assert result["evidence"]["unowned_login_accounts"] == ["bob"]


def test_generic_login_account_fails_shared_accounts(hardened):
    hardened["accounts"]["generic_names"] = ["admin"]
    result = verdict("MOE-12.9.4", hardened)
    assert result["reasons"] == ["generic shared-looking login account: admin"]


# ---------------------------------------------------------------- account_report


def accounts_area(*accounts: dict, **findings) -> dict:
    """An accounts evidence area holding ``accounts``, with no findings unless given."""
    area = {
        "login_defs": {},
        "accounts": list(accounts),
        "duplicate_uids": [],
        "generic_names": [],
        "national_id_names": [],
        "empty_password": [],
    }
    area.update(findings)
    return area


SERVICE = {
    "name": "www-data",
    "uid": 33,
    "gid": 33,
    "home": "/var/www",
    "shell": "/usr/sbin/nologin",
}
SERVICE.update(login_shell=False, human=False, password="locked")
SERVICE.update(max_days=99999, min_days=0, warn_days=7)


def test_account_report_passes_the_collected_findings_through():
    findings = {
        "duplicate_uids": [{"uid": 1000, "names": ["alice", "toor"]}],
        "generic_names": ["admin"],
        "national_id_names": ["A123456789"],
        "empty_password": ["frank"],
    }
    report = password.account_report(accounts_area(**findings), {}, [])
    assert {key: report[key] for key in findings} == findings


def test_account_report_without_an_owner_map_lists_no_unowned_account():
    report = password.account_report(accounts_area(human("alice", 1000)), {}, [])
    assert (report["owner_map_given"], report["unowned_login_accounts"]) == (False, [])


def test_account_report_lists_human_accounts_missing_from_the_owner_map():
    area = accounts_area(human("alice", 1000), human("bob", 1001), SERVICE)
    report = password.account_report(area, {"alice": "Alice Lin"}, [])
    assert (report["owner_map_given"], report["unowned_login_accounts"]) == (True, ["bob"])


def test_account_report_lists_excluded_human_accounts_sorted():
    area = accounts_area(human("zoe", 1000), human("breakglass", 1001))
    report = password.account_report(area, {}, ["zoe", "breakglass"])
    assert report["excluded_accounts"] == ["breakglass", "zoe"]


def test_account_report_does_not_count_an_excluded_service_account_as_human():
    report = password.account_report(accounts_area(SERVICE), {}, ["www-data"])
    assert (report["excluded_accounts"], report["excluded_missing"]) == ([], [])


def test_account_report_lists_excluded_names_that_are_no_account_on_the_host():
    area = accounts_area(human("alice", 1000))
    report = password.account_report(area, {}, ["alice", "old-breakglass"])
    assert report["excluded_missing"] == ["old-breakglass"]


def test_account_report_of_the_fresh_host_has_no_findings(fresh):
    assert password.account_report(fresh["accounts"], {}, []) == {
        "duplicate_uids": [],
        "generic_names": [],
        "national_id_names": [],
        "empty_password": [],
        "owner_map_given": False,
        "unowned_login_accounts": [],
        "excluded_accounts": [],
        "excluded_missing": [],
    }


def test_undeclared_listener_fails_without_a_default_drop(fresh):
    fresh["sockets"]["listening"].append(
        {
            "proto": "tcp",
            "address": "0.0.0.0",
            "port": 8080,
            "process": "python3",
            "loopback": False,
        }
    )
    result = verdict("MOE-15", fresh)
    assert "undeclared service reachable: 8080/tcp" in result["reasons"]
    assert result["evidence"]["review"]["undeclared_listeners"] == ["8080/tcp"]


def test_undeclared_listener_behind_a_default_drop_is_flagged_in_review_only(hardened):
    hardened["sockets"]["listening"].append(
        {
            "proto": "tcp",
            "address": "0.0.0.0",
            "port": 8080,
            "process": "python3",
            "loopback": False,
        }
    )
    result = verdict("MOE-15", hardened)
    assert result["status"] == "pass"
    assert result["evidence"]["review"]["undeclared_listeners"] == ["8080/tcp"]


def test_port_opened_by_the_firewall_but_not_declared_fails(hardened):
    hardened["firewall"]["open_ports"] = [
        {"proto": "tcp", "port": 3306, "sources": [], "table": "inet edu_tw_hardening"}
    ]
    result = verdict("MOE-15", hardened)
    assert result["reasons"] == ["firewall opens undeclared port 3306/tcp"]


def test_declared_service_is_not_flagged(hardened):
    hardened["firewall"]["open_ports"] = [
        {"proto": "tcp", "port": 443, "sources": [], "table": "inet edu_tw_hardening"}
    ]
    inputs = {"firewall_services": [{"name": "https", "port": 443, "proto": "tcp"}]}
    assert verdict("MOE-15", hardened, inputs)["status"] == "pass"


def test_wide_open_range_fails_as_a_range(hardened):
    hardened["firewall"]["open_ports"] = [
        {"proto": "tcp", "port": 1, "port_end": 65535, "sources": ["10.0.0.0/8"], "table": "f"}
    ]
    result = verdict("MOE-15", hardened)
    assert result["reasons"] == ["firewall opens undeclared port 1-65535/tcp"]
    assert result["evidence"]["review"]["open_ports"] == ["1-65535/tcp"]


def test_range_is_declared_only_when_each_of_its_ports_is(hardened):
    hardened["firewall"]["open_ports"] = [
        {"proto": "udp", "port": 60000, "port_end": 60001, "sources": [], "table": "f"}
    ]
    one = {"firewall_services": [{"name": "mosh", "port": 60000, "proto": "udp"}]}
    both = {
        "firewall_services": one["firewall_services"]
        + [{"name": "m2", "port": 60001, "proto": "udp"}]
    }
    assert verdict("MOE-15", hardened, one)["reasons"] == [
        "firewall opens undeclared port 60000-60001/udp"
    ]
    assert verdict("MOE-15", hardened, both)["status"] == "pass"


SECURITY = "http://deb.debian.org/debian-security bookworm-security/main"


@pytest.fixture
def patched(fresh: dict) -> dict:
    """The fresh host's evidence with automatic security updates set up and nothing pending."""
    ev = copy.deepcopy(fresh)
    ev["updates"].update(
        unattended_upgrades_installed=True,
        auto_upgrade_enabled=True,
        package_lists_update_enabled=True,
        sources=["http://deb.debian.org/debian bookworm/main", SECURITY],
        security_sources=[SECURITY],
        restart_error=None,
    )
    return ev


def test_patched_host_passes_patching(patched):
    result = verdict("MOE-17", patched)
    assert (result["status"], result["evidence"]["security_sources"]) == ("pass", [SECURITY])


def test_host_without_a_security_archive_fails_patching(patched):
    patched["updates"]["security_sources"] = []
    assert verdict("MOE-17", patched)["reasons"] == [
        "apt has no security archive among its package lists: security updates cannot arrive "
        "(add the release's -security suite to the sources and refresh the lists)"
    ]


def test_pending_security_update_fails_patching_and_names_the_package(patched):
    patched["updates"]["pending"] = [
        {
            "package": "libssl3",
            "current": "3.0.20",
            "candidate": "3.0.22",
            "origin": SECURITY,
            "security": True,
        },
        {
            "package": "tzdata",
            "current": "2026a",
            "candidate": "2026b",
            "origin": "",
            "security": False,
        },
    ]
    patched["updates"]["pending_security"] = 1
    result = verdict("MOE-17", patched)
    assert result["reasons"] == ["1 security update(s) pending: libssl3"]
    assert result["evidence"]["pending"] == ["libssl3 3.0.20 -> 3.0.22", "tzdata 2026a -> 2026b"]


def test_unlistable_updates_fail_patching_without_guessing_the_sources(patched):
    patched["updates"].update(error="E: Could not open lock file", security_sources=[])
    assert verdict("MOE-17", patched)["reasons"] == [
        "evidence missing: updates: pending updates could not be listed:"
        " E: Could not open lock file"
    ]


def test_active_waiver_turns_a_failure_into_waived(fresh):
    waiver = {
        "control": "MOE-16",
        "hosts": ["web*"],
        "reason": "antivirus replaced by the vendor's EDR",
        "approver": "CISO",
        "expires": "2026-12-31",
    }
    result = verdict("MOE-16", fresh, waivers=[waiver])
    assert result["status"] == "waived"
    assert result["waiver"]["approver"] == "CISO"


def test_expired_waiver_fails_and_says_so(fresh):
    waiver = {
        "control": "MOE-16",
        "hosts": ["web1"],
        "reason": "migration",
        "approver": "CISO",
        "expires": "2026-11-20",
    }
    result = verdict("MOE-16", fresh, waivers=[waiver])
    assert result["status"] == "fail"
    assert result["reasons"][-1] == "waiver by CISO expired on 2026-11-20"


def test_waiver_for_another_host_does_not_apply(fresh):
    waiver = {
        "control": "MOE-16",
        "hosts": ["db*"],
        "reason": "r",
        "approver": "a",
        "expires": "2027-01-01",
    }
    assert verdict("MOE-16", fresh, waivers=[waiver])["status"] == "fail"


def test_collector_error_fails_the_control_and_shows_the_error(hardened):
    hardened["pam"] = {"error": "PermissionError: /etc/pam.d/common-password"}
    result = verdict("MOE-12.9.1", hardened)
    assert result["status"] == "fail"
    assert "PermissionError" in result["reasons"][0]


def test_overdue_maintenance_window_fails(fresh):
    fresh["remote_access"]["windows"] = [
        {
            "name": "w1",
            "account": "vendor",
            "sources": ["192.0.2.7"],
            "start": "2026-11-20T01:00:00Z",
        }
        | {
            "end": "2026-11-20T03:00:00Z",
            "closed": None,
            "open": False,
            "overdue": True,
            "error": None,
        }
    ]
    assert verdict("MOE-18", fresh)["status"] == "fail"


def test_maintenance_set_element_without_timeout_fails(fresh):
    fresh["firewall"]["named_sets"] = [
        {"table": "edu_tw_hardening", "family": "inet", "name": "remote_maintenance_v4"}
        | {
            "type": "ipv4_addr",
            "flags": ["timeout"],
            "elements": [{"value": "192.0.2.9", "expires": None}],
        }
    ]
    result = verdict("MOE-18", fresh)
    assert result["reasons"] == [
        "maintenance source entry without expiry: remote_maintenance_v4: 192.0.2.9"
    ]


def test_vnc_server_fails_remote_control(fresh):
    fresh["remote_access"]["remote_control_packages"] = ["x11vnc"]
    assert verdict("MOE-19", fresh)["status"] == "fail"


def mariadb_account(user: str, host: str, **fields) -> dict:
    """An account as the databases collector writes it (parse_mariadb)."""
    record = {"user": user, "host": host, "name": f"{user}@{host}", "role": False}
    record.update(locked=False, plugin="mysql_native_password", socket=False, password_set=True)
    record.update({"global": [], "databases": {}, "tables": {}, "columns": {}, "routines": {}})
    record.update(roles=[], grantable=False)
    record.update(fields)
    return record


def test_application_account_with_super_fails_database_privileges(fresh):
    fresh["databases"]["mariadb"].update(installed=True, running=True)
    fresh["databases"]["mariadb"]["accounts"] = [
        mariadb_account("app", "localhost", **{"global": ["SUPER"]})
    ]
    result = verdict("MOE-42.2.4", fresh)
    assert result["reasons"] == [
        "MariaDB: app@localhost (undeclared) holds server-wide privileges on *.*: SUPER"
    ]


def test_remediation_lists_only_roles_that_exist(fresh):
    result = evaluate.evaluate_host("web1", fresh, CONTROLS, {}, [], TODAY, {"password_policy"})
    assert result["remediation"]["roles"] == ["password_policy"]
    assert {"control": "MOE-15", "role": "firewall"} in result["remediation"]["unavailable"]


# ---------------------------------------------------------------- evidence that was not read


def reasons_of(control_id: str, evidence: dict, inputs: dict | None = None) -> list[str]:
    result = verdict(control_id, evidence, inputs)
    assert result["status"] == "fail", result
    return result["reasons"]


SS_MISSING = "ss is not installed (not found on the host)"
SSHD_BROKEN = "sshd -T exited 255: /etc/ssh/sshd_config: line 1: Bad configuration option: Bogus"
DPKG_MISSING = "dpkg-query is not installed (not found on the host)"


def test_collector_error_is_reported_as_evidence_missing_for_its_area(hardened):
    hardened["sockets"] = {"error": "OSError: boom"}
    assert reasons_of("MOE-15", hardened) == ["evidence missing: sockets: OSError: boom"]


def test_area_that_was_not_collected_is_evidence_missing(hardened):
    del hardened["sockets"]
    assert reasons_of("MOE-19", hardened) == ["evidence missing: sockets: not collected"]


def test_area_that_is_not_a_mapping_is_evidence_missing(hardened):
    hardened["sockets"] = ["22/tcp"]
    assert reasons_of("MOE-19", hardened) == [
        "evidence missing: sockets: malformed (list, not a mapping)"
    ]


def test_missing_ss_fails_the_firewall_even_behind_a_default_drop(hardened):
    hardened["sockets"].update(listening=[], listening_error=SS_MISSING)
    assert reasons_of("MOE-15", hardened) == [f"evidence missing: sockets: {SS_MISSING}"]


def test_missing_ss_fails_remote_control(fresh):
    fresh["sockets"].update(listening=[], listening_error=SS_MISSING)
    assert reasons_of("MOE-19", fresh) == [f"evidence missing: sockets: {SS_MISSING}"]


def test_failing_nft_fails_the_firewall_as_missing_evidence_not_as_no_firewall(hardened):
    hardened["firewall"].update(nft_available=False, nft_error="nft -j list ruleset exited 1")
    assert reasons_of("MOE-15", hardened) == [
        "evidence missing: firewall: nft -j list ruleset exited 1"
    ]


def test_failing_nft_fails_remote_maintenance(fresh):
    fresh["firewall"]["nft_error"] = "nft -j list ruleset exited 1"
    assert reasons_of("MOE-18", fresh) == [
        "evidence missing: firewall: nft -j list ruleset exited 1"
    ]


def test_host_without_nft_still_fails_the_firewall_for_having_none(fresh):
    fresh["firewall"]["nft_error"] = None
    assert "nftables is not installed: no host firewall" in reasons_of("MOE-15", fresh)


def broken_sshd(evidence: dict) -> dict:
    evidence["remote_access"].update(sshd_present=True, sshd=None, sshd_error=SSHD_BROKEN)
    return evidence


def test_failing_sshd_t_fails_test_leftovers_without_raising(fresh):
    assert reasons_of("MOE-42.1.8", broken_sshd(fresh)) == [
        f"evidence missing: remote_access: sshd is installed but {SSHD_BROKEN}"
    ]


def test_failing_sshd_t_fails_encrypted_transport(fresh):
    assert reasons_of("MOE-42.2.3", broken_sshd(fresh)) == [
        f"evidence missing: remote_access: sshd is installed but {SSHD_BROKEN}"
    ]


def test_sshd_without_settings_or_error_is_still_evidence_missing(fresh):
    fresh["remote_access"].update(sshd_present=True, sshd=None)
    assert reasons_of("MOE-42.1.8", fresh)[0].startswith("evidence missing: remote_access:")


def test_host_without_sshd_judges_test_leftovers_on_the_accounts(fresh):
    fresh["remote_access"].update(sshd_present=False, sshd=None, sshd_error=None)
    assert verdict("MOE-42.1.8", fresh)["status"] == "pass"


def test_unreadable_passwd_fails_password_aging_instead_of_finding_no_account(hardened):
    hardened["accounts"].update(accounts=[], passwd_error="/etc/passwd could not be read")
    assert reasons_of("MOE-12.9.2", hardened) == [
        "evidence missing: accounts: /etc/passwd could not be read"
    ]


def test_unreadable_shadow_fails_password_aging(hardened):
    hardened["accounts"]["shadow_error"] = "/etc/shadow could not be read"
    assert reasons_of("MOE-12.9.2", hardened) == [
        "evidence missing: accounts: /etc/shadow could not be read"
    ]


def test_unreadable_passwd_fails_shared_accounts(hardened):
    hardened["accounts"].update(accounts=[], passwd_error="/etc/passwd lists no account")
    assert reasons_of("MOE-12.9.4", hardened) == [
        "evidence missing: accounts: /etc/passwd lists no account"
    ]


def test_unreadable_shadow_fails_guessable_credentials(hardened):
    hardened["accounts"]["shadow_error"] = "/etc/shadow could not be read"
    assert reasons_of("MOE-12.9.5", hardened) == [
        "evidence missing: accounts: /etc/shadow could not be read"
    ]


def test_unreadable_passwd_fails_test_leftovers(fresh):
    fresh["accounts"]["passwd_error"] = "/etc/passwd could not be read"
    assert reasons_of("MOE-42.1.8", fresh) == [
        "evidence missing: accounts: /etc/passwd could not be read"
    ]


PAM_UNREAD = "/etc/pam.d/common-password could not be read: the password stack is unknown"


@pytest.mark.parametrize("control_id", ["MOE-12.9.1", "MOE-12.9.3", "MOE-12.9.5"])
def test_unreadable_password_stack_fails_the_pam_controls(hardened, control_id):
    hardened["pam"]["stack_error"] = PAM_UNREAD
    assert reasons_of(control_id, hardened) == [f"evidence missing: pam: {PAM_UNREAD}"]


def test_unknown_libpam_version_fails_password_history(hardened):
    hardened["pam"]["pwhistory_error"] = "the libpam-modules version is unknown"
    assert reasons_of("MOE-12.9.3", hardened) == [
        "evidence missing: pam: the libpam-modules version is unknown"
    ]


def test_unlisted_packages_fail_database_privileges_instead_of_not_applicable(fresh):
    fresh["databases"]["packages_error"] = DPKG_MISSING
    assert reasons_of("MOE-42.2.4", fresh) == [f"evidence missing: databases: {DPKG_MISSING}"]


def test_unreadable_grants_are_evidence_missing(fresh):
    fresh["databases"]["mariadb"].update(installed=True, error="Access denied")
    assert reasons_of("MOE-42.2.4", fresh) == [
        "evidence missing: databases: MariaDB could not be read: Access denied"
    ]


def test_unlisted_packages_fail_file_sharing(fresh):
    fresh["system"]["packages_error"] = DPKG_MISSING
    assert reasons_of("MOE-21", fresh) == [f"evidence missing: system: {DPKG_MISSING}"]


def test_unlisted_packages_fail_remote_control(fresh):
    fresh["remote_access"]["packages_error"] = DPKG_MISSING
    assert reasons_of("MOE-19", fresh) == [f"evidence missing: remote_access: {DPKG_MISSING}"]


def test_unlisted_packages_fail_encrypted_transport(fresh):
    fresh["remote_access"]["packages_error"] = DPKG_MISSING
    reasons = reasons_of("MOE-42.2.3", fresh)
    assert reasons[0] == f"evidence missing: remote_access: {DPKG_MISSING}"
    assert not any(reason.startswith("cleartext server") for reason in reasons)


def test_unlisted_packages_fail_antivirus_as_missing_not_as_uninstalled(fresh):
    fresh["antivirus"]["packages_error"] = DPKG_MISSING
    reasons = reasons_of("MOE-16", fresh)
    assert reasons[0] == f"evidence missing: antivirus: {DPKG_MISSING}"
    assert not any(reason.startswith("package ") for reason in reasons)


def test_unreadable_apt_settings_fail_patching_as_missing_evidence(patched):
    patched["updates"].update(
        auto_upgrade_enabled=False,
        package_lists_update_enabled=False,
        config_error="apt-config is not installed (not found on the host)",
    )
    assert reasons_of("MOE-17", patched) == [
        "evidence missing: updates: apt-config is not installed (not found on the host)"
    ]


def test_unlisted_apt_sources_fail_patching_as_missing_evidence(patched):
    patched["updates"].update(security_sources=[], sources_error="apt-cache policy exited 100")
    assert reasons_of("MOE-17", patched) == [
        "evidence missing: updates: apt-cache policy exited 100"
    ]


def test_unlisted_packages_fail_patching_once(patched):
    patched["updates"].update(
        unattended_upgrades_installed=False, error=DPKG_MISSING, packages_error=DPKG_MISSING
    )
    assert reasons_of("MOE-17", patched) == [f"evidence missing: updates: {DPKG_MISSING}"]


def test_unreadable_sudoers_fail_access_review(fresh):
    fresh["system"]["sudoers"]["error"] = "/etc/sudoers.d/ops could not be read"
    assert reasons_of("MOE-22", fresh) == [
        "evidence missing: system: /etc/sudoers.d/ops could not be read"
    ]


def test_unlisted_filesystems_fail_capacity(fresh):
    fresh["system"].update(filesystems=[], filesystems_error="df exited 1")
    assert reasons_of("MOE-23..28", fresh) == ["evidence missing: system: df exited 1"]


def test_unreadable_log_permissions_fail_audit_logs(fresh):
    fresh["system"].update(
        journal={"persistent": True, "max_retention": None},
        log_files=[],
        log_files_error="stat is not installed (not found on the host)",
    )
    assert reasons_of("MOE-42.1.5", fresh) == [
        "evidence missing: system: stat is not installed (not found on the host)"
    ]


def test_unreadable_getty_drop_in_fails_idle_logout(fresh):
    fresh["system"].update(
        idle_timeout={"tmout": 600, "readonly": True, "file": "/etc/profile.d/tmout.sh"},
        console_autologin_error="/etc/systemd/system/getty@tty1.service.d/a.conf could not be read",
    )
    assert reasons_of("MOE-20", fresh) == [
        "evidence missing: system: /etc/systemd/system/getty@tty1.service.d/a.conf"
        " could not be read"
    ]


def test_unreadable_window_record_is_evidence_missing(fresh):
    fresh["remote_access"]["windows"] = [
        {"name": "w1", "account": "", "sources": [], "start": "", "end": "", "closed": None}
        | {"open": False, "overdue": False, "error": "invalid JSON"}
    ]
    assert reasons_of("MOE-18", fresh) == [
        "evidence missing: remote_access: window record w1 is unreadable: invalid JSON"
    ]


# ---------------------------------------------------------------- a rule never costs the host


def test_rule_that_raises_fails_its_control_naming_the_exception(fresh):
    del fresh["remote_access"]["insecure_servers"]
    assert reasons_of("MOE-42.2.3", fresh) == [
        "evidence missing or malformed: KeyError: 'insecure_servers'"
    ]


def test_rule_that_raises_leaves_the_other_controls_judged(fresh):
    del fresh["remote_access"]["insecure_servers"]
    result = evaluate.evaluate_host("web1", fresh, CONTROLS, {}, [], TODAY, set())
    statuses = {c["id"]: c["status"] for c in result["controls"]}
    assert statuses["MOE-42.2.3"] == "fail"
    assert statuses["MOE-19"] == "pass"
    assert len(statuses) == len(CONTROLS)


def test_evidence_of_the_wrong_shape_fails_without_raising(fresh):
    fresh["system"]["filesystems"] = "full"
    assert reasons_of("MOE-23..28", fresh)[0].startswith("evidence missing or malformed: TypeError")


def test_sha1_key_exchanges_fail_encrypted_transport(fresh):
    sshd = fresh["remote_access"]["sshd"]
    sshd["macs"] = ["hmac-sha2-256-etm@openssh.com"]
    sshd["kexalgorithms"] = ["curve25519-sha256", "diffie-hellman-group14-sha1"]
    assert reasons_of("MOE-42.2.3", fresh) == [
        "sshd offers weak algorithm diffie-hellman-group14-sha1"
    ]


def test_current_key_exchanges_pass_encrypted_transport(fresh):
    sshd = fresh["remote_access"]["sshd"]
    sshd["macs"] = ["hmac-sha2-256-etm@openssh.com"]
    sshd["kexalgorithms"] = ["sntrup761x25519-sha512@openssh.com", "diffie-hellman-group14-sha256"]
    assert verdict("MOE-42.2.3", fresh)["status"] == "pass"
