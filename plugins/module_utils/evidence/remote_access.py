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
import json
import os
import re
from datetime import datetime, timezone
from typing import Any

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
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.timestamps import (
    parse_iso_time,
)

AREA = "remote_access"

SSHD_ARGV = ["sshd", "-T"]
WINDOWS_GLOB = f"{WINDOWS_DIR}/*.json"

# How far back the journal is read for maintenance logins.
LOGIN_HISTORY_DAYS = 90
JOURNALCTL_ARGV = [
    "journalctl",
    "--no-pager",
    "--quiet",
    "--utc",
    "--output=json",
    "--output-fields=MESSAGE,SYSLOG_IDENTIFIER",
    "--identifier=sshd",
    "--identifier=sshd-session",  # OpenSSH 10 (Debian 13) logs logins from sshd-session
    f"--since=-{LOGIN_HISTORY_DAYS}d",
]

# Addresses sshd is asked about for a maintenance account outside its windows: the
# documentation networks (RFC 5737), which no window should ever name.
PROBE_NETWORKS = ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
PROBE_LOCAL_ADDRESS = "127.0.0.1"

# What a window record may hold.
WINDOW_AUTH = ("password", "key")
WINDOW_CLOSED_BY = ("end", "early", "boot")
LOGIN_RESULTS = ("accepted", "failed")
# Longest text of a free-text field, and most logins, a record may hold (a bigger one is
# not a record the role wrote).
MAX_RECORD_TEXT = 1000
MAX_RECORD_LOGINS = 10000
MAX_RECORD_CHARS = 4 * 1024 * 1024

# POSIX-ish account names as useradd accepts them on Debian.
_ACCOUNT_RE = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
# sshd's login lines; the user name is one word (an "invalid user" name with spaces would
# otherwise let a client write its own "from <address>" into the line).
_LOGIN_RE = re.compile(
    r"(?P<result>Accepted|Failed) (?P<method>\S+) for (?:invalid user )?(?P<account>\S+)"
    r" from (?P<source>\S+) port (?P<port>\d+)(?: ssh2(?:: .*)?)?"
)

SYSTEMCTL_UNITS_ARGV = [
    "systemctl",
    "list-units",
    "--all",
    "--type=service",
    "--plain",
    "--no-legend",
    "--no-pager",
]
SYSTEMCTL_FILES_ARGV = [
    "systemctl",
    "list-unit-files",
    "--type=service",
    "--plain",
    "--no-legend",
    "--no-pager",
]
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


def _text(value: Any) -> bool:
    """Whether ``value`` is text that can be reported: a string without lone surrogates (the
    JSON escape of a byte that is not UTF-8) and not longer than ``MAX_RECORD_TEXT``."""
    if not isinstance(value, str) or len(value) > MAX_RECORD_TEXT:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _window_error(path: str, message: str, record: Any = None) -> dict:
    """A window entry for a record that cannot be trusted."""
    record = record if isinstance(record, dict) else {}
    stem = os.path.basename(path)
    if stem.endswith(".json"):
        stem = stem[: -len(".json")]

    def text(key: str, default: Any) -> Any:
        return record[key] if _text(record.get(key)) and record[key] else default

    sources = record.get("sources")
    return {
        "name": text("name", stem),
        "account": text("account", ""),
        "sources": [s for s in sources if _text(s)][:64] if isinstance(sources, list) else [],
        "start": text("start", ""),
        "end": text("end", ""),
        "closed": text("closed", None),
        "purpose": text("purpose", ""),
        "approval": text("approval", ""),
        "auth": text("auth", ""),
        "opened": text("opened", None),
        "closed_by": text("closed_by", None),
        "logins": [],
        "open": False,
        "overdue": False,
        "error": message,
    }


def _is_network(text: str) -> bool:
    """Whether ``text`` is an IPv4/IPv6 address or network (host bits allowed)."""
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_record_logins(value: Any) -> tuple[list[dict], str | None]:
    """The ``logins`` of a window record (absent: none yet) and what is wrong with them."""
    if value is None:
        return [], None
    if not isinstance(value, list):
        return [], "logins is not a list"
    if len(value) > MAX_RECORD_LOGINS:
        return [], f"logins holds more than {MAX_RECORD_LOGINS} entries"
    logins = []
    for index, entry in enumerate(value):
        if not isinstance(entry, dict):
            return [], f"logins[{index}] is not an object"
        for key in ("time", "source", "result", "method"):
            if not _text(entry.get(key)) or not entry[key]:
                return [], f"logins[{index}]: missing or empty {key}"
        if parse_iso_time(entry["time"]) is None:
            return [], f"logins[{index}]: time is not an ISO 8601 time"
        if entry["result"] not in LOGIN_RESULTS:
            return [], f"logins[{index}]: result is not one of {', '.join(LOGIN_RESULTS)}"
        if not _is_address(entry["source"]):
            return [], f"logins[{index}]: source is not an IP address"
        logins.append({key: entry[key] for key in ("time", "source", "result", "method")})
    return logins, None


def _record_problem(record: dict) -> str | None:
    """What makes a decoded window record untrustworthy, or None."""
    for key in ("name", "account", "start", "end", "purpose", "approval", "opened"):
        if not _text(record.get(key)) or not record[key]:
            return f"missing or empty {key}"
    sources = record.get("sources")
    if not isinstance(sources, list) or not sources or not all(_text(s) for s in sources):
        return "sources is not a list of strings"
    bad = [s for s in sources if not _is_network(s)]
    if bad:
        return f"sources: not an address or network: {bad[0]}"
    if record.get("auth") not in WINDOW_AUTH:
        return f"auth is not one of {', '.join(WINDOW_AUTH)}"
    closed, closed_by = record.get("closed"), record.get("closed_by")
    if closed is not None and not _text(closed):
        return "closed is not a string"
    if closed_by is not None and closed_by not in WINDOW_CLOSED_BY:
        return f"closed_by is not one of {', '.join(WINDOW_CLOSED_BY)}"
    if (closed is None) != (closed_by is None):
        return "closed and closed_by are not both set or both null"
    start, end = parse_iso_time(record["start"]), parse_iso_time(record["end"])
    if start is None or end is None:
        return "start or end is not an ISO 8601 time"
    if end <= start:
        return "end is not after start"
    if closed is not None and parse_iso_time(closed) is None:
        return "closed is not an ISO 8601 time"
    if parse_iso_time(record["opened"]) is None:
        return "opened is not an ISO 8601 time"
    return None


def parse_window(path: str, text: str | None, now: float) -> dict:
    """One window record, with ``open`` and ``overdue`` judged at ``now``."""
    if text is None:
        return _window_error(path, "unreadable")
    if len(text) > MAX_RECORD_CHARS:
        return _window_error(path, f"larger than {MAX_RECORD_CHARS} characters")
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return _window_error(path, f"invalid JSON: {type(exc).__name__}: {exc}"[:MAX_RECORD_TEXT])
    if not isinstance(record, dict):
        return _window_error(path, "not a JSON object")
    problem = _record_problem(record)
    logins, logins_problem = parse_record_logins(record.get("logins"))
    if problem or logins_problem:
        return _window_error(path, problem or logins_problem or "", record)
    start, end = parse_iso_time(record["start"]), parse_iso_time(record["end"])
    if start is None or end is None:  # checked by _record_problem
        return _window_error(path, "start or end is not an ISO 8601 time", record)
    closed = record.get("closed")
    active = closed is None
    return {
        "name": record["name"],
        "account": record["account"],
        "sources": list(record["sources"]),
        "start": record["start"],
        "end": record["end"],
        "closed": closed,
        "purpose": record["purpose"],
        "approval": record["approval"],
        "auth": record["auth"],
        "opened": record["opened"],
        "closed_by": record.get("closed_by"),
        "logins": logins,
        "open": active and start <= now < end,
        "overdue": active and now >= end,
        "error": None,
    }


def parse_config(text: str | None, exists: bool) -> tuple[list[str], int | None, str | None]:
    """(maintenance accounts, ssh_port, error) of the remote_access role's configuration.

    An absent file means no maintenance account is declared on the host (not an error); one
    that exists but cannot be read, or is not what the role writes, is an error.
    """
    where = REMOTE_ACCESS_CONFIG
    if text is None:
        return [], None, (f"{where} could not be read" if exists else None)
    if len(text) > MAX_RECORD_CHARS:
        return [], None, f"{where} is larger than {MAX_RECORD_CHARS} characters"
    try:
        config = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return [], None, f"{where} is not valid JSON: {type(exc).__name__}"
    if not isinstance(config, dict):
        return [], None, f"{where} is not a JSON object"
    accounts = config.get("accounts")
    if not isinstance(accounts, list) or not all(
        isinstance(a, str) and _ACCOUNT_RE.fullmatch(a) for a in accounts
    ):
        return [], None, f"{where}: accounts is not a list of account names"
    port = config.get("ssh_port", SSH_PORT)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        return [], None, f"{where}: ssh_port is not a port number"
    return sorted(set(accounts)), port, None


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


def _utc_iso(microseconds: Any) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` of a journal ``__REALTIME_TIMESTAMP``, or None."""
    if not isinstance(microseconds, str) or not microseconds.isdigit() or len(microseconds) > 20:
        return None
    try:
        moment = datetime.fromtimestamp(int(microseconds) // 1_000_000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _message(value: Any) -> str | None:
    """A journal MESSAGE: a string, or the byte array journalctl prints for one that is not
    UTF-8."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(b, int) and not isinstance(b, bool) and 0 <= b < 256 for b in value
    ):
        return bytes(value).decode("utf-8", errors="replace")
    return None


def parse_login(message: str) -> dict | None:
    """account, source, result and method of an sshd login line, or None for another line."""
    match = _LOGIN_RE.fullmatch(message.strip())
    if match is None:
        return None
    return {
        "account": match["account"],
        "source": match["source"],
        "result": match["result"].lower(),
        "method": match["method"],
    }


def parse_journal_logins(output: str, accounts: list[str]) -> list[dict]:
    """Logins of ``accounts`` from ``journalctl --output=json`` lines, in journal order:
    account, time (UTC ``...Z``), source, result (accepted | failed) and method."""
    wanted = set(accounts)
    logins = []
    for line in output.splitlines():
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if not isinstance(entry, dict):
            continue
        message = _message(entry.get("MESSAGE"))
        login = parse_login(message) if message else None
        time = _utc_iso(entry.get("__REALTIME_TIMESTAMP"))
        if login is None or time is None or login["account"] not in wanted:
            continue
        logins.append({"account": login["account"], "time": time} | login)
    return logins


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
    ``sshd_probe_address``, an address outside every window; None without sshd;
    ``sshd_denies_error``) and ``maintenance_logins`` from the journal of the last
    ``LOGIN_HISTORY_DAYS`` days (``logins_error``). ``remote_control_services`` lists the
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
    accounts, config_port, config_error = parse_config(
        config_text, config_text is not None or host.mtime(REMOTE_ACCESS_CONFIG) is not None
    )
    port = config_port or (settings["port"][0] if settings and settings["port"] else SSH_PORT)
    address = probe_address(windows)
    denies, denies_error = maintenance_denials(host, accounts, address, port)
    logins: list[dict] = []
    logins_error = None
    if accounts:
        journal = host.run(JOURNALCTL_ARGV)
        logins_error = command_failure(JOURNALCTL_ARGV, journal)
        logins = parse_journal_logins(journal.out, accounts) if logins_error is None else []
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
