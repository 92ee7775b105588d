# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Remote-access evidence (MOE-18, MOE-19, MOE-42.1.8, MOE-42.2.3).

The sources: the effective sshd configuration (``sshd -T``), the remote-maintenance
window records kept under ``/var/lib/edu_tw_hardening/windows/`` (each window states
whether it is open now, or should have closed and has not), the maintenance accounts the
remote_access role declares in ``/etc/edu_tw_hardening/remote_access.json`` with, for each,
whether sshd denies it from an address outside its windows (``sshd -T -C``) and its logins
in the journal (``journalctl``), the installed packages that are remote-control software or
clear-text servers (``dpkg-query``), and the remote-control services systemd knows
(``systemctl list-units`` / ``list-unit-files``).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import os
from datetime import datetime, timezone
from typing import Any

from ansible_collections.edu_tw.hardening.plugins.module_utils import maintenance_windows as mw
from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import (
    REMOTE_ACCESS_CONFIG,
    SSH_PORT,
    WINDOWS_DIR,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    Result,
    command_failure,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.integers import parse_int
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)

AREA = "remote_access"

SSHD_ARGV = ["sshd", "-T"]
WINDOWS_GLOB = f"{WINDOWS_DIR}/*.json"

# How far back the journal is read for maintenance logins.
LOGIN_HISTORY_DAYS = 90
JOURNALCTL_ARGV = mw.journal_argv(since=f"-{LOGIN_HISTORY_DAYS}d")

# Addresses sshd is asked about for a maintenance account outside its windows: the
# documentation networks (RFC 5737), which no window should ever name.
PROBE_NETWORKS = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
PROBE_LOCAL_ADDRESS = "127.0.0.1"

# systemd services of remote-control software (patterns on the unit name).
REMOTE_CONTROL_UNITS = (
    "x11vnc*.service",
    "xrdp.service",
    "xrdp-sesman.service",
    "teamviewerd.service",
    "anydesk.service",
    "rustdesk.service",
    "vncserver@*.service",
    "vncserver-x11-serviced.service",
    "vncserver-virtuald.service",
    "tigervncserver@*.service",
    "x0vncserver*.service",
    "nxserver.service",
    "chrome-remote-desktop*.service",
    "vino-server.service",
)
# Asked for those units only: listing every unit file costs systemctl about 0.3 s of CPU
# per host (it computes each one's enablement), the patterns about 6 ms.
SYSTEMCTL_UNITS_ARGV = [
    "systemctl",
    "list-units",
    "--all",
    "--type=service",
    "--plain",
    "--no-legend",
    "--no-pager",
    *REMOTE_CONTROL_UNITS,
]
SYSTEMCTL_FILES_ARGV = [
    "systemctl",
    "list-unit-files",
    "--type=service",
    "--plain",
    "--no-legend",
    "--no-pager",
    *REMOTE_CONTROL_UNITS,
]
# The status marks systemctl may print before a unit's name (failed, inactive, ...).
_BULLETS = ("*", "\u25cf", "\u25cb", "\u00d7")
# list-unit-files states of a unit that starts at boot.
ENABLED_STATES = ("enabled", "enabled-runtime")

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

# Remote-control software listens on these ports (VNC, RDP, TeamViewer, AnyDesk).
REMOTE_CONTROL_PORTS = frozenset([*range(5900, 5910), 3389, 5938, 7070])


def remote_control_listeners(listening: list[dict]) -> list[dict]:
    """The sockets (of the sockets evidence) that remote-control software listens on from
    the network: its ports, not bound to loopback."""
    return [s for s in listening if s["port"] in REMOTE_CONTROL_PORTS and not s["loopback"]]


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
    """A window entry for a record that cannot be trusted: what can be reported of it."""
    record = record if isinstance(record, dict) else {}
    stem = os.path.basename(path)
    if stem.endswith(".json"):
        stem = stem[: -len(".json")]

    def text(key: str, default: Any) -> Any:
        return record[key] if mw.plain_text(record.get(key)) and record[key] else default

    sources = record.get("sources")
    return {
        "name": text("name", stem),
        "account": text("account", ""),
        "sources": [s for s in sources if mw.plain_text(s)][:64]
        if isinstance(sources, list)
        else [],
        "start": text("start", ""),
        "end": text("end", ""),
        "closed": text("closed", None),
        "purpose": text("purpose", ""),
        "approval": text("approval", ""),
        "auth": text("auth", ""),
        "remote_control_port": None,
        "opened": text("opened", None),
        "closed_by": text("closed_by", None),
        "logins": [],
        "open": False,
        "overdue": False,
        "error": message,
    }


def parse_window(path: str, text: str | None, now: float) -> dict:
    """One window record (``maintenance_windows.parse_record``), with ``open`` and
    ``overdue`` judged at ``now`` (the window's phase)."""
    if text is None:
        return _window_error(path, "unreadable")
    try:
        record = mw.parse_record(text)
    except mw.WindowError as exc:
        return _window_error(path, str(exc), exc.record)
    phase = mw.phase(record, datetime.fromtimestamp(now, tz=timezone.utc))
    return {
        "name": record["name"],
        "account": record["account"],
        "sources": list(record["sources"]),
        "start": record["start"],
        "end": record["end"],
        "closed": record.get("closed"),
        "purpose": record["purpose"],
        "approval": record["approval"],
        "auth": record["auth"],
        "remote_control_port": record.get("remote_control_port"),
        "opened": record["opened"],
        "closed_by": record.get("closed_by"),
        "logins": [
            {key: login[key] for key in mw.LOGIN_FIELDS} for login in record.get("logins", [])
        ],
        "open": phase == "open",
        "overdue": phase == "due",
        "error": None,
    }


def maintenance_accounts(text: str | None, exists: bool) -> tuple[list[str], str | None]:
    """(maintenance accounts, error) of the remote_access role's configuration
    (``maintenance_windows.parse_config``).

    An absent file means no maintenance account is declared on the host (not an error); one
    that exists but cannot be read, or is not what the role writes, is an error.
    """
    where = REMOTE_ACCESS_CONFIG
    if text is None:
        return [], (f"{where} could not be read" if exists else None)
    try:
        config = mw.parse_config(text)
    except mw.WindowError as exc:
        return [], f"{where}: {exc}"
    return sorted(set(config.accounts)), None


def sshd_error(result: Result) -> str | None:
    """Why an installed sshd's effective configuration could not be read (None: it was, or
    there is no sshd)."""
    if result.rc == 127 or (result.rc == 0 and result.out.strip()):
        return None
    return command_failure(SSHD_ARGV, result) or "sshd -T printed no configuration"


def probe_address(windows: list[dict]) -> str:
    """An address of the documentation networks inside no window's sources."""
    networks = []
    for window in windows:
        for source in window["sources"]:
            try:
                networks.append(ipaddress.ip_network(source, strict=False))
            except ValueError:
                continue
    for network in PROBE_NETWORKS:
        for address in ipaddress.ip_network(network).hosts():
            if not any(address in net for net in networks if net.version == 4):
                return str(address)
    return "192.0.2.1"  # every documentation address is in a window: judged as it is


def _matches_user(pattern: str, account: str, address: str) -> bool:
    """Whether an AllowUsers/DenyUsers pattern (``USER`` or ``USER@HOST``) matches."""
    user, _sep, host = pattern.partition("@")
    if not fnmatch.fnmatchcase(account, user):
        return False
    if not host:
        return True
    try:
        return ipaddress.ip_address(address) in ipaddress.ip_network(host, strict=False)
    except ValueError:
        return fnmatch.fnmatchcase(address, host)


def sshd_denies(settings: dict, account: str, address: str) -> bool:
    """Whether the effective settings ``sshd -T -C`` printed for ``account`` connecting from
    ``address`` refuse it (DenyUsers matches, or AllowUsers is set and does not)."""
    if any(_matches_user(p, account, address) for p in settings["denyusers"]):
        return True
    allowed = settings["allowusers"]
    return bool(allowed) and not any(_matches_user(p, account, address) for p in allowed)


def sshd_match_argv(account: str, address: str, port: int) -> list[str]:
    """``sshd -T`` for a connection of ``account`` from ``address`` to ``port``."""
    spec = f"user={account},addr={address},host={address},laddr={PROBE_LOCAL_ADDRESS},lport={port}"
    return [*SSHD_ARGV, "-C", spec]


def maintenance_denials(
    host: HostReader, accounts: list[str], address: str, port: int
) -> tuple[dict[str, bool | None], str | None]:
    """Per account, whether sshd denies it from ``address`` (None: sshd absent or unread),
    and why sshd could not be asked."""
    denies: dict[str, bool | None] = {}
    errors = []
    for account in accounts:
        argv = sshd_match_argv(account, address, port)
        result = host.run(argv)
        if result.rc == 127:
            denies[account] = None
            continue
        failure = command_failure(argv, result)
        if failure is None and not result.out.strip():
            failure = f"{' '.join(argv)} printed no configuration"
        if failure:
            denies[account] = None
            errors.append(failure)
            continue
        denies[account] = sshd_denies(parse_sshd_t(result.out), account, address)
    return denies, "; ".join(errors) if errors else None


def parse_units(output: str) -> dict[str, str]:
    """Unit name to its second column: the load state of ``list-units`` lines or the
    unit-file state of ``list-unit-files`` lines (a leading status bullet skipped)."""
    units = {}
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0] in _BULLETS:
            fields = fields[1:]
        if len(fields) >= 2:
            units[fields[0]] = fields[1]
    return units


def parse_active_units(output: str) -> dict[str, str]:
    """Unit name to its ACTIVE state from ``systemctl list-units --plain --no-legend``."""
    active = {}
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0] in _BULLETS:
            fields = fields[1:]
        if len(fields) >= 3:
            active[fields[0]] = fields[2]
    return active


def is_remote_control_unit(unit: str) -> bool:
    """Whether ``unit`` is a service of remote-control software (a template such as
    ``vncserver@.service`` is not a service that runs: its instances are)."""
    return "@." not in unit and any(
        fnmatch.fnmatchcase(unit, pattern) for pattern in REMOTE_CONTROL_UNITS
    )


def remote_control_services(host: HostReader) -> tuple[list[dict], str | None]:
    """The remote-control services systemd knows: unit, active (running now), enabled
    (starts at boot); and why they could not be listed."""
    listing = host.run(SYSTEMCTL_UNITS_ARGV)
    files = host.run(SYSTEMCTL_FILES_ARGV)
    if files.rc == 1 and not files.out.strip() and not files.err.strip():
        files = files._replace(rc=0)  # list-unit-files says 1 when no unit file matches
    failure = command_failure(SYSTEMCTL_UNITS_ARGV, listing) or command_failure(
        SYSTEMCTL_FILES_ARGV, files
    )
    if failure:
        return [], failure
    active = parse_active_units(listing.out)
    states = parse_units(files.out)
    names = sorted(u for u in set(active) | set(states) if is_remote_control_unit(u))
    return [
        {
            "unit": name,
            "active": active.get(name) in ("active", "activating", "reloading"),
            "enabled": states.get(name) in ENABLED_STATES,
        }
        for name in names
    ], None


def collect(host: HostReader) -> dict:
    """Remote-access evidence of ``host`` in the schema the controller evaluates.

    ``sshd`` is None when sshd is absent or ``sshd -T`` failed (for example on a broken
    configuration); ``sshd_present`` tells the two apart and ``sshd_error`` says why
    ``sshd -T`` failed. ``packages_error`` says why the installed packages (remote-control
    software, clear-text servers) could not be listed.

    ``maintenance_accounts`` are the accounts of ``/etc/edu_tw_hardening/remote_access.json``
    (none when the file is absent; ``config_error`` when it cannot be read or trusted). For
    them only: ``sshd_denies`` (account -> whether sshd refuses it from
    ``sshd_probe_address``, an address outside every window, on sshd's first port; None
    without sshd; ``sshd_denies_error``) and ``maintenance_logins`` from the journal of the
    last ``LOGIN_HISTORY_DAYS`` days (``logins_error``), each as a window record keeps its
    logins. ``remote_control_services`` lists the
    remote-control units of systemd (``services_error``).
    """
    sshd = host.run(SSHD_ARGV)
    now = host.now()
    packages, packages_error = package_list(host)
    installed = set(packages)
    error = sshd_error(sshd)
    settings = parse_sshd_t(sshd.out) if sshd.rc != 127 and error is None else None
    windows = [parse_window(path, host.read(path), now) for path in host.glob(WINDOWS_GLOB)]
    config_text = host.read(REMOTE_ACCESS_CONFIG)
    accounts, config_error = maintenance_accounts(
        config_text, config_text is not None or host.mtime(REMOTE_ACCESS_CONFIG) is not None
    )
    port = settings["port"][0] if settings and settings["port"] else SSH_PORT
    address = probe_address(windows)
    denies, denies_error = maintenance_denials(host, accounts, address, port)
    logins: list[dict] = []
    logins_error = None
    if accounts:
        journal = host.run(JOURNALCTL_ARGV)
        logins_error = command_failure(JOURNALCTL_ARGV, journal)
        logins = mw.parse_journal_logins(journal.out, accounts) if logins_error is None else []
    services, services_error = remote_control_services(host)
    return {
        "sshd_present": sshd.rc != 127,
        "sshd": settings,
        "sshd_error": error,
        "windows": windows,
        "maintenance_accounts": accounts,
        "config_error": config_error,
        "sshd_probe_address": address,
        "sshd_denies": denies,
        "sshd_denies_error": denies_error,
        "maintenance_logins": logins,
        "logins_error": logins_error,
        "remote_control_packages": sorted(installed.intersection(REMOTE_CONTROL_PACKAGES)),
        "insecure_servers": sorted(installed.intersection(INSECURE_SERVER_PACKAGES)),
        "packages_error": packages_error,
        "remote_control_services": services,
        "services_error": services_error,
    }
