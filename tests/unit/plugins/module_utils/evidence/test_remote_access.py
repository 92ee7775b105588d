# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/remote_access.py."""

from __future__ import annotations

import json
from datetime import datetime, timezone

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
        "approved_by": "MOE ticket 2026-0117",
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
    record = window_record(end="2026-03-01T11:00:00Z", closed="2026-03-01T11:00:02Z")
    (window,) = windows(("done.json", record))
    assert (window["closed"], window["open"], window["overdue"]) == (
        "2026-03-01T11:00:02Z",
        False,
        False,
    )


def test_window_closed_early_is_not_open():
    (window,) = windows(("early.json", window_record(closed="2026-03-01T11:30:00Z")))
    assert window["open"] is False


def test_window_with_utc_offset_times_is_understood():
    record = window_record(start="2026-03-01T18:00:00+08:00", end="2026-03-01T22:00:00+08:00")
    (window,) = windows(("taipei.json", record))
    assert window["open"] is True


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
    assert (window["error"], window["overdue"]) == ("start or end is not an ISO 8601 time", False)


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
