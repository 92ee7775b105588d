# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/sockets.py on recorded ss output."""

from __future__ import annotations

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import sockets
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

SS = " ".join(sockets.SS_ARGV)

# `ss -H -l -n -t -u -p` as root on a Debian 12 server (iproute2 6.1).
SS_OUTPUT = "".join(
    [
        "udp   UNCONN 0      0              127.0.0.53%lo:53         0.0.0.0:*    "
        'users:(("systemd-resolve",pid=412,fd=13))\n',
        "udp   UNCONN 0      0                    0.0.0.0:68         0.0.0.0:*    "
        'users:(("dhclient",pid=380,fd=7))\n',
        "udp   UNCONN 0      0                  127.0.0.1:323        0.0.0.0:*    "
        'users:(("chronyd",pid=501,fd=5))\n',
        "udp   UNCONN 0      0                      [::1]:323           [::]:*    "
        'users:(("chronyd",pid=501,fd=6))\n',
        "udp   UNCONN 0      0    [fe80::5054:ff:fe12:3456]%ens3:546    [::]:*    "
        'users:(("systemd-network",pid=300,fd=20))\n',
        "tcp   LISTEN 0      128                  0.0.0.0:22         0.0.0.0:*    "
        'users:(("sshd",pid=623,fd=3))\n',
        "tcp   LISTEN 0      4096               127.0.0.1:631        0.0.0.0:*    "
        'users:(("cupsd",pid=700,fd=7),("systemd",pid=1,fd=46))\n',
        "tcp   LISTEN 0      128                     [::]:22            [::]:*    "
        'users:(("sshd",pid=623,fd=4))\n',
        "tcp   LISTEN 0      100                    [::1]:25            [::]:*    "
        'users:(("exim4",pid=900,fd=5))\n',
        "tcp   LISTEN 0      511                        *:8080             *:*    "
        'users:(("apache2",pid=1002,fd=4),("apache2",pid=1001,fd=4))\n',
    ]
)


def listening(output: str) -> list[dict]:
    return sockets.collect(RecordedHost(commands={SS: output}, programs=["ss"]))["listening"]


def find(entries: list[dict], proto: str, port: int) -> list[dict]:
    return [entry for entry in entries if entry["proto"] == proto and entry["port"] == port]


def test_ipv4_wildcard_listener_is_parsed():
    assert find(listening(SS_OUTPUT), "tcp", 22)[0] == {
        "proto": "tcp",
        "address": "0.0.0.0",
        "port": 22,
        "process": "sshd",
        "pid": 623,
        "unit": None,
        "loopback": False,
    }


def test_bracketed_ipv6_wildcard_is_unbracketed():
    addresses = [entry["address"] for entry in find(listening(SS_OUTPUT), "tcp", 22)]
    assert addresses == ["0.0.0.0", "::"]


def test_ipv4_loopback_listener_is_loopback():
    (cups,) = find(listening(SS_OUTPUT), "tcp", 631)
    assert (cups["address"], cups["loopback"]) == ("127.0.0.1", True)


def test_ipv6_loopback_listener_is_loopback():
    (exim,) = find(listening(SS_OUTPUT), "tcp", 25)
    assert (exim["address"], exim["loopback"]) == ("::1", True)


def test_interface_suffix_is_removed_from_ipv4_address():
    (resolver,) = find(listening(SS_OUTPUT), "udp", 53)
    assert (resolver["address"], resolver["loopback"]) == ("127.0.0.53", True)


def test_interface_suffix_is_removed_from_bracketed_ipv6_address():
    (dhcp6,) = find(listening(SS_OUTPUT), "udp", 546)
    assert (dhcp6["address"], dhcp6["loopback"]) == ("fe80::5054:ff:fe12:3456", False)


def test_star_address_is_kept_and_not_loopback():
    (web,) = find(listening(SS_OUTPUT), "tcp", 8080)
    assert (web["address"], web["loopback"]) == ("*", False)


def test_process_is_the_first_program_named():
    (cups,) = find(listening(SS_OUTPUT), "tcp", 631)
    assert cups["process"] == "cupsd"


def test_udp_unconn_lines_are_udp_listeners():
    assert [entry["address"] for entry in find(listening(SS_OUTPUT), "udp", 323)] == [
        "127.0.0.1",
        "::1",
    ]


def test_every_recorded_socket_is_listed_once():
    assert len(listening(SS_OUTPUT)) == 10


def test_identical_sockets_are_deduplicated():
    line = 'tcp   LISTEN 0  128  0.0.0.0:443  0.0.0.0:*  users:(("nginx",pid=10,fd=6))\n'
    assert len(listening(line + line)) == 1


def test_duplicate_without_process_keeps_the_known_process():
    named = 'tcp   LISTEN 0  128  0.0.0.0:443  0.0.0.0:*  users:(("nginx",pid=10,fd=6))\n'
    anonymous = "tcp   LISTEN 0  128  0.0.0.0:443  0.0.0.0:*\n"
    assert [entry["process"] for entry in listening(anonymous + named + anonymous)] == ["nginx"]


def test_socket_without_process_column_has_no_process():
    output = "tcp   LISTEN 0      128          0.0.0.0:22        0.0.0.0:*\n"
    assert listening(output)[0]["process"] is None


def test_ipv4_mapped_loopback_is_loopback():
    output = "tcp   LISTEN 0      50   [::ffff:127.0.0.1]:8005        *:*\n"
    assert listening(output)[0]["loopback"] is True


def test_output_without_netid_column_takes_protocol_from_state():
    output = "LISTEN 0      128          0.0.0.0:22        0.0.0.0:*\n"
    assert listening(output)[0]["proto"] == "tcp"


def test_missing_ss_lists_nothing_and_says_why():
    assert sockets.collect(RecordedHost()) == {
        "listening": [],
        "listening_error": "ss is not installed (not found on the host)",
    }


def test_failing_ss_lists_nothing_and_says_why():
    host = RecordedHost(commands={SS: Result(1, "", "Cannot open netlink socket")})
    assert sockets.collect(host) == {
        "listening": [],
        "listening_error": "ss -H -l -n -t -u -p exited 1: Cannot open netlink socket",
    }


def test_each_listener_names_the_systemd_unit_of_its_process():
    host = RecordedHost(
        commands={SS: SS_OUTPUT},
        programs=["ss"],
        files={
            "/proc/623/cgroup": "0::/system.slice/ssh.service\n",
            "/proc/1002/cgroup": "0::/user.slice/user-0.slice/session-3.scope\n",
        },
    )
    entries = sockets.collect(host)["listening"]
    assert {e["unit"] for e in find(entries, "tcp", 22)} == {"ssh.service"}
    assert find(entries, "tcp", 8080)[0]["pid"] == 1002
    assert find(entries, "tcp", 8080)[0]["unit"] == "session-3.scope"
    assert find(entries, "tcp", 25)[0]["unit"] is None  # its cgroup could not be read


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("0::/system.slice/x11vnc.service\n", "x11vnc.service"),
        ("0::/system.slice/system-vncserver.slice/vncserver@1.service\n", "vncserver@1.service"),
        ("0::/user.slice/user-1000.slice/user@1000.service/app.slice/vnc.service\n", "vnc.service"),
        ("12:pids:/system.slice/cron.service\n0::/init.scope\n", "init.scope"),
        ("0::/\n", None),
        ("", None),
        (None, None),
    ],
)
def test_the_unit_is_the_deepest_unit_of_the_unified_cgroup_path(text, unit):
    assert sockets.unit_of_cgroup(text) == unit
