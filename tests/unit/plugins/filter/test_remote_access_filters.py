# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote_access role's filter picks what MOE-19 judges: remote-control ports, not
loopback, with the service to stop."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter.remote_access import (
    remote_access_listeners,
)


def sock(port: int, address: str = "0.0.0.0", unit: str | None = None, pid: int | None = 7):
    loopback = address.startswith("127.") or address == "::1"
    return {
        "proto": "tcp",
        "address": address,
        "port": port,
        "process": "p",
        "pid": pid,
        "unit": unit,
        "loopback": loopback,
    }


def test_remote_control_ports_from_the_network_only():
    listening = [
        sock(22, unit="ssh.service"),
        sock(5901, unit="vncserver@1.service"),
        sock(5902, "127.0.0.1", unit="x.service"),
        sock(3389, unit="session-3.scope", pid=99),
        sock(8080),
    ]
    found = remote_access_listeners({"listening": listening, "listening_error": None})
    assert [(s["port"], s["service"]) for s in found] == [
        (5901, "vncserver@1.service"),
        (3389, None),
    ]


def test_unreadable_sockets_stop_the_role():
    with pytest.raises(AnsibleFilterError, match="could not be read: ss: not found"):
        remote_access_listeners({"listening": [], "listening_error": "ss: not found"})


def test_something_else_than_the_sockets_area_is_refused():
    with pytest.raises(AnsibleFilterError, match="expected the sockets evidence area"):
        remote_access_listeners({"evidence": {}})
