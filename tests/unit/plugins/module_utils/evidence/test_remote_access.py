# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/remote_access.py."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils import maintenance_windows as mw
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import remote_access
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

SSHD = " ".join(remote_access.SSHD_ARGV)
DPKG = " ".join(DPKG_QUERY_ARGV)
WINDOWS = "/var/lib/edu_tw_hardening/windows"

# Excerpt of `sshd -T` on a hardened Debian 12 host (OpenSSH 9.2p1), in sshd's order.
SSHD_T = """\
port 22
port 2222
addressfamily any
listenaddress [::]:22
listenaddress 0.0.0.0:22
usepam yes
logingracetime 60
x11displayoffset 10
maxauthtries 3
maxsessions 10
clientaliveinterval 300
clientalivecountmax 2
permitrootlogin no
x11forwarding no
pubkeyauthentication yes
passwordauthentication no
kbdinteractiveauthentication no
debianbanner no
banner /etc/issue.net
allowusers admin
allowusers maint@192.0.2.0/24
denyusers guest test
allowgroups sshusers
ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
macs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
kexalgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org
hostkeyalgorithms ssh-ed25519,rsa-sha2-512
subsystem sftp /usr/lib/openssh/sftp-server
"""

# `sshd -T` of an untouched Debian 11 install: the keys that differ from SSHD_T.
SSHD_T_STOCK = """\
port 22
clientaliveinterval 0
clientalivecountmax 3
permitrootlogin without-password
x11forwarding yes
pubkeyauthentication yes
passwordauthentication yes
debianbanner yes
banner none
ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr
"""

# 2026-03-01T12:00:00Z
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc).timestamp()


def sshd_host(output: object) -> RecordedHost:
    return RecordedHost(commands={SSHD: output}, programs=["sshd"], now=NOW)


def sshd_settings(output: str) -> dict:
    evidence = remote_access.collect(sshd_host(output))
    assert evidence["sshd_present"] is True
    return evidence["sshd"]


def window_record(**fields: object) -> str:
    record: dict[str, object] = {
        "name": "vendor-upgrade",
        "account": "maint",
        "sources": ["192.0.2.10", "198.51.100.0/24"],
        "start": "2026-03-01T10:00:00Z",
        "end": "2026-03-01T14:00:00Z",
        "purpose": "vendor upgrade of the LMS",
        "approval": "MOE ticket 2026-0117",
        "auth": "password",
        "opened": "2026-03-01T09:55:02Z",
        "closed": None,
        "closed_by": None,
        "logins": [],
    }
    record.update(fields)
    return json.dumps({k: v for k, v in record.items() if v is not ...})


def windows(*files: tuple[str, str]) -> list[dict]:
    host = RecordedHost(files={f"{WINDOWS}/{name}": text for name, text in files}, now=NOW)
    return remote_access.collect(host)["windows"]


def packages_host(dpkg_output: str) -> RecordedHost:
    return RecordedHost(commands={DPKG: dpkg_output}, programs=["dpkg-query"], now=NOW)


# --- sshd -T -------------------------------------------------------------------------------


def test_missing_sshd_is_not_present():
    evidence = remote_access.collect(RecordedHost(now=NOW))
    assert (evidence["sshd_present"], evidence["sshd"]) == (False, None)


def test_failing_sshd_t_is_present_without_settings():
    failure = Result(255, "", "Missing privilege separation directory: /run/sshd")
    evidence = remote_access.collect(sshd_host(failure))
    assert (evidence["sshd_present"], evidence["sshd"]) == (True, None)


def test_failing_sshd_t_says_why_with_sshd_s_last_error_line():
    failure = Result(255, "", "/etc/ssh/sshd_config line 3: Bad configuration option: Bogus\n")
    assert remote_access.collect(sshd_host(failure))["sshd_error"] == (
        "sshd -T exited 255: /etc/ssh/sshd_config line 3: Bad configuration option: Bogus"
    )


def test_sshd_t_printing_nothing_is_an_error():
    evidence = remote_access.collect(sshd_host(Result(0, "", "")))
    assert (evidence["sshd"], evidence["sshd_error"]) == (None, "sshd -T printed no configuration")


def test_missing_sshd_is_no_error():
    assert remote_access.collect(RecordedHost(now=NOW))["sshd_error"] is None


def test_readable_sshd_configuration_is_no_error():
    assert remote_access.collect(sshd_host(SSHD_T))["sshd_error"] is None


def test_unlisted_packages_are_an_error_not_an_empty_list():
    evidence = remote_access.collect(RecordedHost(now=NOW))
    assert evidence["packages_error"] == "dpkg-query is not installed (not found on the host)"


def test_listed_packages_are_no_error():
    assert remote_access.collect(packages_host(DPKG_OUTPUT))["packages_error"] is None


def test_repeated_port_lines_give_every_port():
    assert sshd_settings(SSHD_T)["port"] == [22, 2222]


def test_repeated_allowusers_lines_are_combined():
    assert sshd_settings(SSHD_T)["allowusers"] == ["admin", "maint@192.0.2.0/24"]


def test_several_users_on_one_line_are_split():
    assert sshd_settings(SSHD_T)["denyusers"] == ["guest", "test"]


def test_allowgroups_are_listed():
    assert sshd_settings(SSHD_T)["allowgroups"] == ["sshusers"]


def test_absent_user_lists_are_empty():
    settings = sshd_settings(SSHD_T_STOCK)
    assert (settings["allowusers"], settings["denyusers"], settings["allowgroups"]) == ([], [], [])


def test_cipher_list_is_split_on_commas():
    assert sshd_settings(SSHD_T)["ciphers"] == [
        "chacha20-poly1305@openssh.com",
        "aes256-gcm@openssh.com",
        "aes128-gcm@openssh.com",
    ]


def test_macs_and_kex_lists_are_split_on_commas():
    settings = sshd_settings(SSHD_T)
    assert (len(settings["macs"]), settings["kexalgorithms"][1]) == (2, "curve25519-sha256")


def test_hardened_booleans_are_false():
    settings = sshd_settings(SSHD_T)
    assert (
        settings["passwordauthentication"],
        settings["x11forwarding"],
        settings["debianbanner"],
    ) == (False, False, False)


def test_stock_booleans_are_true():
    settings = sshd_settings(SSHD_T_STOCK)
    assert (
        settings["passwordauthentication"],
        settings["x11forwarding"],
        settings["debianbanner"],
        settings["pubkeyauthentication"],
    ) == (True, True, True, True)


def test_permitrootlogin_is_kept_verbatim():
    assert sshd_settings(SSHD_T_STOCK)["permitrootlogin"] == "without-password"


def test_banner_path_is_kept():
    assert sshd_settings(SSHD_T)["banner"] == "/etc/issue.net"


def test_banner_none_is_none():
    assert sshd_settings(SSHD_T_STOCK)["banner"] is None


def test_client_alive_settings_are_integers():
    settings = sshd_settings(SSHD_T)
    assert (settings["clientaliveinterval"], settings["clientalivecountmax"]) == (300, 2)


def test_sshd_without_debianbanner_key_reports_debians_default_on():
    # Debian 12's sshd -T does not print DebianBanner unless it is set; its default is yes.
    assert sshd_settings("port 22\npermitrootlogin no\n")["debianbanner"] is True


# --- maintenance windows -----------------------------------------------------------------


def test_window_within_its_times_is_open():
    (window,) = windows(("vendor.json", window_record()))
    assert (window["open"], window["overdue"], window["error"]) == (True, False, None)


def test_window_fields_are_reported():
    (window,) = windows(("vendor.json", window_record()))
    assert {key: window[key] for key in ("name", "account", "sources", "start", "end")} == {
        "name": "vendor-upgrade",
        "account": "maint",
        "sources": ["192.0.2.10", "198.51.100.0/24"],
        "start": "2026-03-01T10:00:00Z",
        "end": "2026-03-01T14:00:00Z",
    }


def test_window_not_yet_started_is_neither_open_nor_overdue():
    record = window_record(start="2026-03-02T10:00:00Z", end="2026-03-02T12:00:00Z")
    (window,) = windows(("later.json", record))
    assert (window["open"], window["overdue"]) == (False, False)


def test_unclosed_window_past_its_end_is_overdue():
    record = window_record(start="2026-03-01T08:00:00Z", end="2026-03-01T11:00:00Z")
    (window,) = windows(("stuck.json", record))
    assert (window["open"], window["overdue"]) == (False, True)


def test_window_ending_exactly_now_is_overdue_not_open():
    record = window_record(end="2026-03-01T12:00:00Z")
    (window,) = windows(("edge.json", record))
    assert (window["open"], window["overdue"]) == (False, True)


def test_closed_window_past_its_end_is_not_overdue():
    record = window_record(
        end="2026-03-01T11:00:00Z", closed="2026-03-01T11:00:02Z", closed_by="end"
    )
    (window,) = windows(("done.json", record))
    assert (window["closed"], window["open"], window["overdue"], window["error"]) == (
        "2026-03-01T11:00:02Z",
        False,
        False,
        None,
    )


def test_window_closed_early_is_not_open():
    record = window_record(closed="2026-03-01T11:30:00Z", closed_by="early")
    (window,) = windows(("early.json", record))
    assert (window["open"], window["error"]) == (False, None)


def test_window_with_utc_offset_times_is_the_records_error():
    # The role writes UTC times only (maintenance_windows.parse_record is strict).
    record = window_record(start="2026-03-01T18:00:00+08:00", end="2026-03-01T22:00:00+08:00")
    (window,) = windows(("taipei.json", record))
    assert (window["open"], window["error"]) == (
        False,
        "start is not in the form YYYY-MM-DDTHH:MM:SSZ",
    )


def test_malformed_window_json_is_reported_as_error():
    (window,) = windows(("broken.json", '{"name": "vendor", "account": '))
    assert window["error"].startswith("invalid JSON")


def test_malformed_window_is_named_after_its_file_and_not_open():
    (window,) = windows(("broken.json", "not json"))
    assert (window["name"], window["open"], window["overdue"]) == ("broken", False, False)


def test_window_missing_account_is_an_error():
    (window,) = windows(("noaccount.json", window_record(account=...)))
    assert window["error"] == "missing or empty account"


def test_window_with_unreadable_time_is_an_error():
    (window,) = windows(("badtime.json", window_record(end="tomorrow")))
    assert (window["error"], window["overdue"]) == (
        "end is not in the form YYYY-MM-DDTHH:MM:SSZ",
        False,
    )


def test_window_ending_before_it_starts_is_an_error():
    record = window_record(start="2026-03-01T14:00:00Z", end="2026-03-01T10:00:00Z")
    (window,) = windows(("reversed.json", record))
    assert window["error"] == "end is not after start"


def test_windows_are_listed_in_file_order():
    names = [
        window["name"]
        for window in windows(
            ("b.json", window_record(name="second")), ("a.json", window_record(name="first"))
        )
    ]
    assert names == ["first", "second"]


def test_files_not_ending_in_json_are_ignored():
    assert windows(("vendor.json.tmp", window_record())) == []


# --- packages ----------------------------------------------------------------------------

DPKG_OUTPUT = """\
adduser\t1.0\tinstall ok installed
openssh-server\t1.0\tinstall ok installed
x11vnc\t1.0\tinstall ok installed
xrdp\t1.0\tdeinstall ok config-files
anydesk\t1.0\thold ok installed
telnetd\t1.0\tinstall ok installed
vsftpd\t1.0\tdeinstall ok config-files
tftpd-hpa\t1.0\tinstall ok installed
nis\t1.0\tpurge ok not-installed
"""


def test_installed_remote_control_packages_are_listed():
    evidence = remote_access.collect(packages_host(DPKG_OUTPUT))
    assert evidence["remote_control_packages"] == ["anydesk", "x11vnc"]


def test_installed_insecure_servers_are_listed():
    evidence = remote_access.collect(packages_host(DPKG_OUTPUT))
    assert evidence["insecure_servers"] == ["telnetd", "tftpd-hpa"]


def test_packages_with_only_configuration_left_are_not_installed():
    evidence = remote_access.collect(packages_host(DPKG_OUTPUT))
    assert "xrdp" not in evidence["remote_control_packages"]
    assert "vsftpd" not in evidence["insecure_servers"]


def test_missing_dpkg_query_lists_no_packages():
    evidence = remote_access.collect(RecordedHost(now=NOW))
    assert (evidence["remote_control_packages"], evidence["insecure_servers"]) == ([], [])


def test_evidence_is_json_serialisable():
    host = RecordedHost(
        commands={SSHD: SSHD_T, DPKG: DPKG_OUTPUT},
        files={f"{WINDOWS}/vendor.json": window_record(), f"{WINDOWS}/bad.json": "{"},
        programs=["sshd", "dpkg-query"],
        now=NOW,
    )
    evidence = remote_access.collect(host)
    assert json.loads(json.dumps(evidence)) == evidence


def test_whitespace_only_window_time_is_malformed_not_a_crash():
    (window,) = windows(("vendor.json", window_record(start="   ")))
    assert window["error"] is not None


# --- window records: the contract's fields ---------------------------------------------

LOGIN = {"account": "maint", "time": "2026-03-01T10:05:00Z", "source": "192.0.2.10"} | {
    "result": "accepted",
    "method": "password",
}


def test_window_contract_fields_are_reported():
    record = window_record(
        auth="key",
        closed="2026-03-01T11:30:00Z",
        closed_by="early",
        logins=[LOGIN, LOGIN | {"result": "failed", "source": "198.51.100.7"}],
    )
    (window,) = windows(("vendor.json", record))
    assert {k: window[k] for k in ("purpose", "approval", "auth", "opened", "closed_by")} == {
        "purpose": "vendor upgrade of the LMS",
        "approval": "MOE ticket 2026-0117",
        "auth": "key",
        "opened": "2026-03-01T09:55:02Z",
        "closed_by": "early",
    }
    assert window["logins"] == [LOGIN, LOGIN | {"result": "failed", "source": "198.51.100.7"}]


def test_window_without_logins_key_has_no_logins():
    (window,) = windows(("vendor.json", window_record(logins=...)))
    assert (window["logins"], window["error"]) == ([], None)


def test_window_closed_at_boot_is_understood():
    record = window_record(closed="2026-03-01T14:00:05Z", closed_by="boot")
    (window,) = windows(("vendor.json", record))
    assert (window["closed_by"], window["error"]) == ("boot", None)


# Every check of a record is maintenance_windows.parse_record's (test_maintenance_windows);
# here: its reason becomes the window's error.
@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"purpose": 12}, "missing or empty purpose"),
        ({"auth": "token"}, "auth is not one of password, key"),
        ({"opened": "yesterday"}, "opened is not in the form YYYY-MM-DDTHH:MM:SSZ"),
        ({"closed_by": "end"}, "closed and closed_by are not both set or both null"),
        (
            {"logins": [LOGIN | {"result": "ok"}]},
            "logins[0]: result is not one of accepted, failed",
        ),
        ({"sources": ["192.0.2.10", "anywhere"]}, "sources: not an address or network: anywhere"),
        ({"name": {"a": 1}}, "missing or empty name"),
    ],
)
def test_window_field_of_the_wrong_type_is_the_records_error(fields, error):
    (window,) = windows(("vendor.json", window_record(**fields)))
    assert (window["error"], window["open"], window["overdue"]) == (error, False, False)


def test_window_error_keeps_the_name_and_no_logins():
    record = window_record(purpose=12, logins=[LOGIN])
    (window,) = windows(("vendor.json", record))
    assert (window["name"], window["account"], window["logins"]) == ("vendor-upgrade", "maint", [])


def test_huge_text_field_is_an_error_that_keeps_the_other_fields():
    (window,) = windows(("vendor.json", window_record(purpose="x" * 100_000)))
    assert window["error"] == "purpose is longer than 1000 characters or not UTF-8 text"
    assert (window["name"], window["purpose"], window["sources"]) == (
        "vendor-upgrade",
        "",
        ["192.0.2.10", "198.51.100.0/24"],
    )


def test_huge_record_is_an_error_without_being_parsed():
    (window,) = windows(("vendor.json", " " * (4 * 1024 * 1024 + 1)))
    assert window["error"] == f"larger than {4 * 1024 * 1024} characters"


def test_deeply_nested_record_is_an_error_not_a_crash():
    (window,) = windows(("vendor.json", "[" * 100_000 + "]" * 100_000))
    assert window["error"].startswith("invalid JSON: RecursionError")


def test_far_future_and_far_past_times_are_understood():
    record = window_record(start="0001-01-01T00:00:00Z", end="9999-12-31T23:59:59Z")
    (window,) = windows(("vendor.json", record))
    assert (window["open"], window["error"]) == (True, None)


def test_record_with_a_byte_that_is_not_utf8_is_an_error_that_does_not_report_it():
    # A lone surrogate is how a JSON writer escapes a byte that is not UTF-8.
    (window,) = windows(("vendor.json", window_record().replace("vendor upgrade", "\\udcff")))
    assert window["error"] == "purpose is longer than 1000 characters or not UTF-8 text"
    assert window["purpose"] == ""


def test_record_read_with_replacement_characters_is_judged_as_text():
    # ModuleHost reads a file that is not UTF-8 with errors="replace".
    (window,) = windows(("vendor.json", window_record(purpose="caf\ufffd")))
    assert (window["purpose"], window["error"]) == ("caf\ufffd", None)


def test_unreadable_window_record_is_an_error():
    host = RecordedHost(mtimes={f"{WINDOWS}/vendor.json": 1.0}, now=NOW)
    (window,) = remote_access.collect(host)["windows"]
    assert (window["name"], window["error"]) == ("vendor", "unreadable")


# --- the maintenance accounts: configuration ---------------------------------------------

CONFIG = remote_access.REMOTE_ACCESS_CONFIG


def config_json(accounts: list[str], **fields: object) -> str:
    """The configuration as the remote_access role writes it (maintenance_windows.Config)."""
    config = {"accounts": accounts, "windows_dir": WINDOWS, "table": "inet edu_tw_hardening"}
    return json.dumps(config | fields)


CONFIG_TEXT = config_json(["vendor", "maint1"])


def config_evidence(text: str | None, **host: object) -> dict:
    files = {CONFIG: text} if text is not None else {}
    return remote_access.collect(RecordedHost(files=files, now=NOW, **host))  # type: ignore[arg-type]


def test_config_lists_the_maintenance_accounts():
    evidence = config_evidence(CONFIG_TEXT)
    assert (evidence["maintenance_accounts"], evidence["config_error"]) == (
        ["maint1", "vendor"],
        None,
    )


def test_absent_config_declares_no_maintenance_account_and_is_no_error():
    evidence = config_evidence(None)
    assert (evidence["maintenance_accounts"], evidence["config_error"]) == ([], None)


def test_config_that_exists_but_cannot_be_read_is_an_error():
    evidence = config_evidence(None, mtimes={CONFIG: 1.0})
    assert evidence["config_error"] == f"{CONFIG} could not be read"


# Every check of the configuration is maintenance_windows.parse_config's
# (test_maintenance_windows); here: its reason becomes config_error.
@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("{", "invalid JSON: JSONDecodeError: Expecting property name enclosed in double quotes"),
        ('["maint1"]', "not a JSON object"),
        (config_json(["maint1; rm -rf /"]), "accounts is not a list of account names"),
        (json.dumps({"accounts": ["maint1"]}), "windows_dir is missing"),
    ],
)
def test_invalid_config_is_an_error_and_declares_no_account(text, error):
    evidence = config_evidence(text)
    assert evidence["config_error"].startswith(f"{CONFIG}: {error}")
    assert evidence["maintenance_accounts"] == []


def test_config_with_a_port_is_read_the_port_is_sshds():
    evidence = config_evidence(config_json(["maint1"], ssh_port=2222))
    assert (evidence["maintenance_accounts"], evidence["config_error"]) == (["maint1"], None)


def test_no_maintenance_account_runs_neither_sshd_match_nor_journalctl():
    evidence = config_evidence(config_json([]))
    assert (evidence["sshd_denies"], evidence["maintenance_logins"]) == ({}, [])
    assert (evidence["sshd_denies_error"], evidence["logins_error"]) == (None, None)


# --- the maintenance accounts: does sshd deny them outside their windows ------------------

# `sshd -T -C user=maint1,addr=192.0.2.1,...` on Debian 12 and 13 with the role's drop-in
# (Match User maint1 Address !10.0.0.5,0.0.0.0/0,::/0 / DenyUsers *): the lines that matter.
SSHD_MATCH_DENIED = "port 22\nusepam yes\npasswordauthentication yes\ndenyusers *\n"
SSHD_MATCH_ALLOWED = "port 22\nusepam yes\npasswordauthentication yes\n"


def match_command(account: str, address: str = "192.0.2.1", port: int = 22) -> str:
    return " ".join(remote_access.sshd_match_argv(account, address, port))


def denial_evidence(outputs: dict[str, object], config: str = CONFIG_TEXT, **extra) -> dict:
    commands: dict[str, object] = {SSHD: SSHD_T_STOCK, JOURNAL: ""}
    commands.update(outputs)
    files = {CONFIG: config} | extra.pop("files", {})
    host = RecordedHost(files=files, commands=commands, programs=["sshd"], now=NOW, **extra)
    return remote_access.collect(host)


JOURNAL = " ".join(remote_access.JOURNALCTL_ARGV)


def test_sshd_match_command_asks_about_a_connection_from_the_probe_address():
    assert match_command("maint1") == (
        "sshd -T -C user=maint1,addr=192.0.2.1,host=192.0.2.1,laddr=127.0.0.1,lport=22"
    )


def test_account_denied_by_sshd_outside_its_windows():
    evidence = denial_evidence(
        {match_command("maint1"): SSHD_MATCH_DENIED, match_command("vendor"): SSHD_MATCH_DENIED}
    )
    assert evidence["sshd_denies"] == {"maint1": True, "vendor": True}
    assert (evidence["sshd_probe_address"], evidence["sshd_denies_error"]) == ("192.0.2.1", None)


def test_account_that_sshd_lets_in_is_not_denied():
    evidence = denial_evidence(
        {match_command("maint1"): SSHD_MATCH_ALLOWED, match_command("vendor"): SSHD_MATCH_DENIED}
    )
    assert evidence["sshd_denies"] == {"maint1": False, "vendor": True}


def test_allowusers_without_the_account_denies_it():
    evidence = denial_evidence(
        {
            match_command("maint1"): "port 22\nallowusers admin maint1@10.0.0.0/8\n",
            match_command("vendor"): "port 22\nallowusers vendor@192.0.2.0/24\n",
        }
    )
    assert evidence["sshd_denies"] == {"maint1": True, "vendor": False}


def test_probe_address_avoids_every_window_source():
    record = window_record(sources=["192.0.2.0/30"], account="maint1")
    files = {f"{WINDOWS}/w.json": record}
    address = "192.0.2.4"
    evidence = denial_evidence(
        {
            match_command("maint1", address): SSHD_MATCH_DENIED,
            match_command("vendor", address): SSHD_MATCH_DENIED,
        },
        files=files,
    )
    assert (evidence["sshd_probe_address"], evidence["sshd_denies"]["maint1"]) == (address, True)


def test_probe_address_leaves_the_first_documentation_network_when_a_window_covers_it():
    record = window_record(sources=["192.0.2.0/24"])
    assert remote_access.probe_address(windows(("w.json", record))) == "198.51.100.1"


def test_probe_uses_the_first_port_sshd_listens_on():
    config = config_json(["maint1"])
    outputs = {SSHD: "port 2222\nport 22\n"}
    evidence = denial_evidence(
        outputs | {match_command("maint1", port=2222): SSHD_MATCH_DENIED}, config
    )
    assert evidence["sshd_denies"] == {"maint1": True}


def test_probe_uses_port_22_when_sshd_t_fails():
    config = config_json(["maint1"])
    outputs = {SSHD: Result(255, "", "Bad configuration option")}
    evidence = denial_evidence(
        outputs | {match_command("maint1", port=22): SSHD_MATCH_DENIED}, config
    )
    assert evidence["sshd_denies"] == {"maint1": True}


def test_failing_sshd_match_is_an_error_not_a_denial():
    failure = Result(255, "", "Bad Match condition\n")
    evidence = denial_evidence(
        {match_command("maint1"): failure, match_command("vendor"): SSHD_MATCH_DENIED}
    )
    assert evidence["sshd_denies"] == {"maint1": None, "vendor": True}
    assert evidence["sshd_denies_error"] == (
        f"{match_command('maint1')} exited 255: Bad Match condition"
    )


def test_sshd_match_printing_nothing_is_an_error():
    evidence = denial_evidence(
        {match_command("maint1"): "", match_command("vendor"): SSHD_MATCH_DENIED}
    )
    assert evidence["sshd_denies_error"] == f"{match_command('maint1')} printed no configuration"


def test_without_sshd_no_account_is_judged_and_nothing_is_an_error():
    host = RecordedHost(files={CONFIG: CONFIG_TEXT}, commands={JOURNAL: ""}, now=NOW)
    evidence = remote_access.collect(host)
    assert evidence["sshd_denies"] == {"maint1": None, "vendor": None}
    assert evidence["sshd_denies_error"] is None


# --- the maintenance accounts: logins in the journal --------------------------------------

FIXTURES = Path(__file__).parents[2] / "fixtures"


def journal_logins(output: object, accounts: tuple[str, ...] = ("maint1", "vendor")) -> dict:
    config = config_json(list(accounts))
    host = RecordedHost(files={CONFIG: config}, commands={JOURNAL: output}, now=NOW)
    return remote_access.collect(host)


# How the journal is read is maintenance_windows.parse_journal_logins's
# (test_maintenance_windows); here: the history is of the maintenance accounts, and its
# logins look like those a window record keeps.
@pytest.mark.parametrize("release", [12, 13])
def test_recorded_journal_gives_the_maintenance_logins(release):
    # journalctl --output=json of a Debian test host after a password login, a wrong
    # password, a wrong password for an unknown user and a key login of maint1.
    output = (FIXTURES / f"journalctl-sshd-debian{release}.jsonl").read_text()
    evidence = journal_logins(output)
    assert evidence["logins_error"] is None
    assert [(x["account"], x["result"], x["method"]) for x in evidence["maintenance_logins"]] == [
        ("maint1", "accepted", "password"),
        ("maint1", "failed", "password"),
        ("maint1", "accepted", "publickey"),
    ]
    record = window_record(
        account="maint1",
        closed="2026-03-01T11:30:00Z",
        closed_by="early",
        logins=evidence["maintenance_logins"],
    )
    (window,) = windows(("vendor.json", record))
    assert (window["logins"], window["error"]) == (evidence["maintenance_logins"], None)


def test_logins_of_other_accounts_are_left_out():
    output = (FIXTURES / "journalctl-sshd-debian12.jsonl").read_text()
    assert journal_logins(output, ("vendor",))["maintenance_logins"] == []


def test_failing_journalctl_is_an_error_not_an_empty_history():
    evidence = journal_logins(Result(1, "", "Failed to open journal: Permission denied\n"))
    assert (evidence["maintenance_logins"], evidence["logins_error"]) == (
        [],
        f"{JOURNAL} exited 1: Failed to open journal: Permission denied",
    )


def test_missing_journalctl_is_an_error():
    evidence = remote_access.collect(RecordedHost(files={CONFIG: CONFIG_TEXT}, now=NOW))
    assert evidence["logins_error"] == "journalctl is not installed (not found on the host)"


def test_journalctl_reads_sshd_and_sshd_session_of_the_last_90_days_as_json_in_utc():
    argv = remote_access.JOURNALCTL_ARGV
    assert argv == mw.journal_argv(since="-90d")
    assert {"--no-pager", "--quiet", "--utc", "--output=json", "--since=-90d"} <= set(argv)
    assert {"--identifier=sshd", "--identifier=sshd-session"} <= set(argv)


# --- remote-control services --------------------------------------------------------------

UNITS = " ".join(remote_access.SYSTEMCTL_UNITS_ARGV)
UNIT_FILES = " ".join(remote_access.SYSTEMCTL_FILES_ARGV)

# systemctl list-units --all --type=service --plain --no-legend (Debian 12, systemd 252).
UNITS_OUTPUT = """\
apt-daily.service                    loaded    inactive dead    Daily apt download activities
auditd.service                       not-found inactive dead    auditd.service
ssh.service                          loaded    active   running OpenBSD Secure Shell server
x11vnc.service                       loaded    active   running x11vnc VNC server
xrdp.service                         loaded    inactive dead    xrdp daemon
\u25cf vncserver@:1.service         loaded    failed   failed  TigerVNC server
"""
# systemctl list-unit-files --type=service --plain --no-legend (systemd 252: with PRESET).
UNIT_FILES_OUTPUT = """\
apt-daily.service                      static          -
ssh.service                            enabled         enabled
x11vnc.service                         disabled        enabled
xrdp.service                           enabled         enabled
vncserver@.service                     indirect        enabled
anydesk.service                        enabled-runtime enabled
"""


def services(units: object = UNITS_OUTPUT, files: object = UNIT_FILES_OUTPUT) -> dict:
    host = RecordedHost(commands={UNITS: units, UNIT_FILES: files}, now=NOW)
    return remote_access.collect(host)


def test_remote_control_services_are_listed_with_their_state():
    evidence = services()
    assert evidence["services_error"] is None
    assert evidence["remote_control_services"] == [
        {"unit": "anydesk.service", "active": False, "enabled": True},
        {"unit": "vncserver@:1.service", "active": False, "enabled": False},
        {"unit": "x11vnc.service", "active": True, "enabled": False},
        {"unit": "xrdp.service", "active": False, "enabled": True},
    ]


def test_no_remote_control_unit_gives_an_empty_list():
    evidence = services("ssh.service loaded active running OpenSSH\n", "ssh.service enabled -\n")
    assert (evidence["remote_control_services"], evidence["services_error"]) == ([], None)


def test_no_matching_unit_file_is_an_empty_list_not_an_error():
    # systemctl list-unit-files exits 1, silently, when no unit file matches its patterns
    # (the usual case: no remote-control software): recorded on Debian 12.
    evidence = services("", Result(1, "", ""))
    assert (evidence["remote_control_services"], evidence["services_error"]) == ([], None)


def test_failing_systemctl_is_an_error_not_an_empty_list():
    evidence = services(files=Result(1, "", "Failed to connect to bus: No such file or directory"))
    assert evidence["remote_control_services"] == []
    assert evidence["services_error"] == (
        f"{UNIT_FILES} exited 1: Failed to connect to bus: No such file or directory"
    )


def test_missing_systemctl_is_an_error():
    assert remote_access.collect(RecordedHost(now=NOW))["services_error"] == (
        "systemctl is not installed (not found on the host)"
    )


def test_full_evidence_is_json_serialisable():
    host = RecordedHost(
        files={CONFIG: CONFIG_TEXT, f"{WINDOWS}/vendor.json": window_record()},
        commands={
            SSHD: SSHD_T,
            JOURNAL: (FIXTURES / "journalctl-sshd-debian13.jsonl").read_text(),
            UNITS: UNITS_OUTPUT,
            UNIT_FILES: UNIT_FILES_OUTPUT,
            match_command("maint1", "192.0.2.1", 22): SSHD_MATCH_DENIED,
        },
        programs=["sshd"],
        now=NOW,
    )
    evidence = remote_access.collect(host)
    assert json.loads(json.dumps(evidence)) == evidence
