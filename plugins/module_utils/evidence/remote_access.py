# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Remote-access evidence (MOE-18, MOE-19, MOE-42.1.8, MOE-42.2.3).

Three sources: the effective sshd configuration (``sshd -T``), the remote-maintenance
window records kept under ``/var/lib/edu_tw_hardening/windows/`` (each window states
whether it is open now, or should have closed and has not), and the installed packages
that are remote-control software or clear-text servers (``dpkg-query``).
"""

from __future__ import annotations

import json
import os
from typing import Any

from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import STATE_DIR
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    Result,
    command_failure,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.integers import parse_int
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.timestamps import (
    parse_iso_time,
)

AREA = "remote_access"

SSHD_ARGV = ["sshd", "-T"]
WINDOWS_GLOB = f"{STATE_DIR}/windows/*.json"

REMOTE_CONTROL_PACKAGES = (
    "x11vnc",
    "tigervnc-standalone-server",
    "tigervnc-scraping-server",
    "tightvncserver",
    "vnc4server",
    "xrdp",
    "teamviewer",
    "anydesk",
    "rustdesk",
    "vino",
    "krfb",
    "realvnc-vnc-server",
    "nomachine",
    "chrome-remote-desktop",
)

INSECURE_SERVER_PACKAGES = (
    "telnetd",
    "inetutils-telnetd",
    "telnetd-ssl",
    "rsh-server",
    "rsh-redone-server",
    "vsftpd",
    "proftpd-basic",
    "pure-ftpd",
    "tftpd-hpa",
    "tftpd",
    "nis",
)

# Keys that sshd -T may print on several lines, each adding values.
_REPEATED_KEYS = ("port", "allowusers", "denyusers", "allowgroups")
# Keys whose single value is a comma-separated list.
_COMMA_KEYS = ("ciphers", "macs", "kexalgorithms")

# OpenSSH's compiled-in defaults, used only for a key sshd -T did not print.
_SSHD_DEFAULTS: dict[str, Any] = {
    "port": [22],
    "permitrootlogin": "prohibit-password",
    "passwordauthentication": True,
    "pubkeyauthentication": True,
    "allowusers": [],
    "denyusers": [],
    "allowgroups": [],
    "ciphers": [],
    "macs": [],
    "kexalgorithms": [],
    # Debian patches sshd with DebianBanner, on by default, and `sshd -T` omits it unless set.
    "debianbanner": True,
    "banner": None,
    "x11forwarding": False,
    "clientaliveinterval": 0,
    "clientalivecountmax": 3,
}


def parse_sshd_t(output: str) -> dict:
    """The settings the evaluator needs from ``sshd -T`` output (``key value`` lines)."""
    raw: dict[str, list[str]] = {}
    for line in output.splitlines():
        key, _sep, value = line.strip().partition(" ")
        if key:
            raw.setdefault(key.lower(), []).append(value.strip())
    settings = {
        key: (list(default) if isinstance(default, list) else default)
        for key, default in _SSHD_DEFAULTS.items()
    }
    ports = [parse_int(word, -1) for value in raw.get("port", []) for word in value.split()]
    if ports:
        settings["port"] = [port for port in ports if port >= 0]
    for key in _REPEATED_KEYS[1:]:
        settings[key] = [word for value in raw.get(key, []) for word in value.split()]
    for key in _COMMA_KEYS:
        if key in raw:
            settings[key] = [item for item in raw[key][-1].split(",") if item]
    for key in ("passwordauthentication", "pubkeyauthentication", "debianbanner", "x11forwarding"):
        if key in raw:
            settings[key] = raw[key][-1].lower() == "yes"
    if "permitrootlogin" in raw:
        settings["permitrootlogin"] = raw["permitrootlogin"][-1]
    if "banner" in raw:
        banner = raw["banner"][-1]
        settings["banner"] = None if banner in ("", "none") else banner
    for key in ("clientaliveinterval", "clientalivecountmax"):
        if key in raw:
            settings[key] = parse_int(raw[key][-1], _SSHD_DEFAULTS[key])
    return settings


def _window_error(path: str, message: str, record: Any = None) -> dict:
    """A window entry for a record that cannot be trusted."""
    record = record if isinstance(record, dict) else {}
    stem = os.path.basename(path)
    if stem.endswith(".json"):
        stem = stem[: -len(".json")]
    name = record.get("name")
    sources = record.get("sources")
    return {
        "name": name if isinstance(name, str) and name else stem,
        "account": record.get("account") if isinstance(record.get("account"), str) else "",
        "sources": [s for s in sources if isinstance(s, str)] if isinstance(sources, list) else [],
        "start": record.get("start") if isinstance(record.get("start"), str) else "",
        "end": record.get("end") if isinstance(record.get("end"), str) else "",
        "closed": record.get("closed") if isinstance(record.get("closed"), str) else None,
        "open": False,
        "overdue": False,
        "error": message,
    }


def parse_window(path: str, text: str | None, now: float) -> dict:
    """One window record, with ``open`` and ``overdue`` judged at ``now``."""
    if text is None:
        return _window_error(path, "unreadable")
    try:
        record = json.loads(text)
    except ValueError as exc:
        return _window_error(path, f"invalid JSON: {exc}")
    if not isinstance(record, dict):
        return _window_error(path, "not a JSON object")
    for key in ("name", "account", "start", "end"):
        if not isinstance(record.get(key), str) or not record[key]:
            return _window_error(path, f"missing or empty {key}", record)
    sources = record.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        return _window_error(path, "sources is not a list of strings", record)
    closed = record.get("closed")
    if closed is not None and not isinstance(closed, str):
        return _window_error(path, "closed is not a string", record)
    start, end = parse_iso_time(record["start"]), parse_iso_time(record["end"])
    if start is None or end is None:
        return _window_error(path, "start or end is not an ISO 8601 time", record)
    if end <= start:
        return _window_error(path, "end is not after start", record)
    if closed is not None and parse_iso_time(closed) is None:
        return _window_error(path, "closed is not an ISO 8601 time", record)
    active = closed is None
    return {
        "name": record["name"],
        "account": record["account"],
        "sources": list(sources),
        "start": record["start"],
        "end": record["end"],
        "closed": closed,
        "open": active and start <= now < end,
        "overdue": active and now >= end,
        "error": None,
    }


def sshd_error(result: Result) -> str | None:
    """Why an installed sshd's effective configuration could not be read (None: it was, or
    there is no sshd)."""
    if result.rc == 127 or (result.rc == 0 and result.out.strip()):
        return None
    return command_failure(SSHD_ARGV, result) or "sshd -T printed no configuration"


def collect(host: HostReader) -> dict:
    """Remote-access evidence of ``host`` in the schema the controller evaluates.

    ``sshd`` is None when sshd is absent or ``sshd -T`` failed (for example on a broken
    configuration); ``sshd_present`` tells the two apart and ``sshd_error`` says why
    ``sshd -T`` failed. ``packages_error`` says why the installed packages (remote-control
    software, clear-text servers) could not be listed.
    """
    sshd = host.run(SSHD_ARGV)
    now = host.now()
    packages, packages_error = package_list(host)
    installed = set(packages)
    error = sshd_error(sshd)
    return {
        "sshd_present": sshd.rc != 127,
        "sshd": parse_sshd_t(sshd.out) if sshd.rc != 127 and error is None else None,
        "sshd_error": error,
        "windows": [parse_window(path, host.read(path), now) for path in host.glob(WINDOWS_GLOB)],
        "remote_control_packages": sorted(installed.intersection(REMOTE_CONTROL_PACKAGES)),
        "insecure_servers": sorted(installed.intersection(INSECURE_SERVER_PACKAGES)),
        "packages_error": packages_error,
    }
