# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Listening-socket evidence (MOE-15): which TCP/UDP ports the host serves, and by whom.

Parsed from ``ss -H -l -n -t -u -p`` (iproute2 5.10-6.x). The review report sets these
sockets beside the firewall's open ports and the declared services; a socket bound to
loopback only is marked so, since the network cannot reach it.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    command_failure,
)

AREA = "sockets"

SS_ARGV = ["ss", "-H", "-l", "-n", "-t", "-u", "-p"]

_PROCESS = re.compile(r'users:\(\("((?:[^"\\]|\\.)*)",pid=([0-9]+)')

# ss prints a Netid column only when several socket kinds are asked for; without it,
# the state tells the kind.
_STATE_PROTO = {"LISTEN": "tcp", "UNCONN": "udp"}


def split_address(text: str) -> tuple[str, int] | None:
    """(address, port) of an ss local address such as ``[::1]:25`` or ``127.0.0.53%lo:53``.

    Brackets and interface suffixes (``%lo``, ``%eth0``) are removed; ``*`` stays ``*``.
    None when the text carries no numeric port.
    """
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        return None
    if host.startswith("["):
        close = host.find("]")
        if close < 0:
            return None
        host = host[1:close]
    address = host.split("%", 1)[0]
    if not address:
        return None
    return address, int(port)


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped.is_loopback
    return parsed.is_loopback


def parse_ss(output: str) -> list[dict]:
    """Listening sockets from ss output, one entry per (proto, address, port).

    ``process`` and ``pid`` are the first program named in ``users:(("NAME",pid=...))``,
    or None when ss printed no process (not run as root). ``unit`` is filled by
    :func:`collect` from the process's cgroup.
    """
    found: dict[tuple[str, str, int], dict] = {}
    for line in output.splitlines():
        fields = line.split()
        if len(fields) < 4:
            continue
        if fields[0] in ("tcp", "udp"):
            proto, rest = fields[0], fields[1:]
        elif fields[0] in _STATE_PROTO:
            proto, rest = _STATE_PROTO[fields[0]], fields
        else:
            continue  # a header line, or a socket kind not asked for
        if len(rest) < 4:
            continue
        local = split_address(rest[3])
        if local is None:
            continue
        address, port = local
        process_match = _PROCESS.search(line)
        process = process_match.group(1) if process_match else None
        pid = int(process_match.group(2)) if process_match else None
        key = (proto, address, port)
        if key in found:
            if found[key]["process"] is None:
                found[key].update(process=process, pid=pid)
            continue
        found[key] = {
            "proto": proto,
            "address": address,
            "port": port,
            "process": process,
            "pid": pid,
            "unit": None,
            "loopback": is_loopback(address),
        }
    return sorted(found.values(), key=lambda item: (item["proto"], item["port"], item["address"]))


def unit_of_cgroup(text: str | None) -> str | None:
    """The systemd unit (``x.service`` or ``session-3.scope``) a process runs in, from its
    ``/proc/PID/cgroup`` (the deepest unit named in the unified hierarchy's path)."""
    for line in (text or "").splitlines():
        if not line.startswith("0::"):
            continue
        units = [part for part in line[3:].split("/") if part.endswith((".service", ".scope"))]
        return units[-1] if units else None
    return None


def collect(host: HostReader) -> dict:
    """Listening TCP/UDP sockets of ``host``, each with the systemd unit of its process.

    When ss is missing or fails, ``listening`` is empty and ``listening_error`` says why:
    an empty list read from nothing must not pass for a host that serves nothing.
    """
    result = host.run(SS_ARGV)
    failure = command_failure(SS_ARGV, result)
    listening = parse_ss(result.out) if failure is None else []
    units: dict[int, str | None] = {}
    for socket in listening:
        pid = socket["pid"]
        if pid is not None:
            if pid not in units:
                units[pid] = unit_of_cgroup(host.read(f"/proc/{pid}/cgroup"))
            socket["unit"] = units[pid]
    return {"listening": listening, "listening_error": failure}
