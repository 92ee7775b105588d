# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote access rules: maintenance windows (MOE-18), remote-control software
(MOE-19), test leftovers and the SSH banner (MOE-42.1.8), encrypted transport (MOE-42.2.3)."""

from __future__ import annotations

import ipaddress

from ansible_collections.edu_tw.hardening.plugins.module_utils import maintenance_windows as mw
from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import (
    FIREWALL_TABLE,
    SSH_PORT,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.remote_access import (
    remote_control_listeners,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.timestamps import (
    parse_iso_time,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    Rule,
    Verdict,
    missing,
    verdict,
)

WEAK_CIPHER_MARKERS = ("cbc", "arcfour", "3des", "blowfish", "cast128")
WEAK_MAC_MARKERS = ("md5", "-96", "umac-64")
# Key exchanges on SHA-1 or a 1024-bit group (RFC 9142 deprecates them).
WEAK_KEX = frozenset(
    {
        "diffie-hellman-group1-sha1",
        "diffie-hellman-group14-sha1",
        "diffie-hellman-group-exchange-sha1",
        "gss-group1-sha1-",
        "gss-group14-sha1-",
        "gss-gex-sha1-",
    }
)

# The named sets of the collection's table that may let SSH in (firewall role's template).
SSH_SOURCE_SETS = frozenset(
    f"@{name}"
    for name in ("management_v4", "management_v6", "remote_maintenance_v4", "remote_maintenance_v6")
)
OWN_TABLE = FIREWALL_TABLE.split()[1]
# The table's sets whose elements a window adds, each with a timeout up to its end.
WINDOW_SETS = (mw.SSH_SETS, mw.REMOTE_CONTROL_SETS)


def _ssh_ports(ra: dict, inputs: dict) -> set[int]:
    """The ports SSH is served on: sshd's own, and the one the firewall role declares."""
    ports = {int(inputs.get("firewall_ssh_port") or SSH_PORT)}
    if isinstance(ra["sshd"], dict):
        ports.update(ra["sshd"]["port"])
    return ports


def ssh_opened_beyond_the_sets(firewall: dict, ports: set[int]) -> list[str]:
    """Accepted SSH traffic from sources that are neither the management nor the
    remote-maintenance sets of the collection's table (any source, a network, a foreign set)."""
    found = []
    for entry in firewall["open_ports"]:
        high = entry.get("port_end", entry["port"])
        covered = sorted(p for p in ports if entry["port"] <= p <= high)
        if entry["proto"] != "tcp" or not covered:
            continue
        sources = entry["sources"]
        if sources and entry["table"] == OWN_TABLE and set(sources) <= SSH_SOURCE_SETS:
            continue
        where = ", ".join(sources) if sources else "any source"
        found.append(
            f"firewall accepts SSH ({covered[0]}/tcp) from {where} (table {entry['table']}),"
            " outside the management and remote_maintenance sets"
        )
    return found


def _span(window: dict) -> tuple[float, float] | None:
    """(start, end) in epoch seconds of a readable window, the end being its close if earlier."""
    start, end = parse_iso_time(window["start"]), parse_iso_time(window["end"])
    if window["error"] or start is None or end is None:
        return None
    closed = parse_iso_time(window["closed"])
    return start, min(end, closed) if closed is not None else end


def _in_sources(address: str, sources: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for source in sources:
        try:
            if ip in ipaddress.ip_network(source, strict=False):
                return True
        except ValueError:
            continue
    return False


def login_window(login: dict, windows: list[dict]) -> dict | None:
    """The window of the login's account that the login falls in, by time and source."""
    moment = parse_iso_time(login["time"])
    for window in windows:
        span = _span(window)
        if window["account"] != login["account"] or span is None or moment is None:
            continue
        if span[0] <= moment <= span[1] and _in_sources(login["source"], window["sources"]):
            return window
    return None


def failed_logins(window: dict, logins: list[dict]) -> int:
    """Failed logins of a window: those its record keeps (written at close) or those the
    journal shows for its account during it, whichever are more."""
    recorded = sum(1 for login in window["logins"] if login["result"] == "failed")
    span = _span(window)
    seen = 0
    if span is not None:
        for login in logins:
            moment = parse_iso_time(login["time"])
            seen += (
                login["result"] == "failed"
                and login["account"] == window["account"]
                and moment is not None
                and span[0] <= moment <= span[1]
            )
    return max(recorded, seen)


def _account_state(ev: dict, account: str, open_window: bool) -> tuple[dict, list[str]]:
    """What the accounts evidence shows of a maintenance account, and the reasons its
    password is usable without an open window."""
    record = next((a for a in ev["accounts"]["accounts"] if a["name"] == account), None)
    ra = ev["remote_access"]
    state = {
        "account": account,
        "open_window": open_window,
        "exists": record is not None,
        "password": record["password"] if record else None,
        "expired": record["expired"] if record else None,
        "sshd_denies": ra["sshd_denies"].get(account),
    }
    reasons = []
    if record is not None and not open_window:
        if record["password"] != "locked":
            reasons.append(
                f"maintenance account {account} has no open window but its password is usable"
                f" (shadow password {record['password']}, not locked)"
            )
        if not record["expired"]:
            reasons.append(f"maintenance account {account} has no open window but is not expired")
    return state, reasons


def remote_maintenance(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-18: no remote-maintenance access outside a window.

    Fails on a window record that cannot be read or outlives its end; SSH accepted by the
    firewall from sources other than the management and remote-maintenance sets, or a
    maintenance source without expiry; a maintenance account usable without an open
    window (password not locked, account not expired) or not denied by sshd from an
    address outside its windows; an accepted maintenance login outside every window of its
    account or from a source the window does not name; more failed logins in one window
    than ``max_failed_logins``.
    """
    ra = ev["remote_access"]
    fw = ev["firewall"]
    windows = ra["windows"]
    reasons = []
    for window in windows:
        if window["error"]:
            reasons.append(
                f"{MISSING}: remote_access: window record {window['name']} is unreadable:"
                f" {window['error']}"
            )
        elif window["overdue"]:
            reasons.append(
                f"window {window['name']} ({window['account']}) ended {window['end']}"
                " but is not closed"
            )
    unread_rules = missing(ev, "firewall", "nft")
    reasons += unread_rules
    if not unread_rules:
        reasons += ssh_opened_beyond_the_sets(fw, _ssh_ports(ra, inputs))
        reasons += [
            f"maintenance source entry without expiry: {s['name']}: {e['value']}"
            for s in fw["named_sets"]
            if s["name"].startswith(WINDOW_SETS)
            for e in s["elements"]
            if e["expires"] is None
        ]

    accounts = ra["maintenance_accounts"]
    reasons += missing(ev, "remote_access", "config")
    states = []
    if accounts:
        unread_accounts = missing(ev, "accounts", "passwd") + missing(ev, "accounts", "shadow")
        reasons += unread_accounts
        open_accounts = {w["account"] for w in windows if w["open"]}
        for account in accounts:
            state, usable = _account_state(ev, account, account in open_accounts)
            states.append(state)
            if not unread_accounts:
                reasons += usable
        reasons += missing(ev, "remote_access", "sshd_denies")
        reasons += [
            f"sshd does not deny maintenance account {account} from {ra['sshd_probe_address']},"
            " an address outside its windows"
            for account in accounts
            if ra["sshd_denies"].get(account) is False
        ]

    unread_logins = missing(ev, "remote_access", "logins")
    reasons += unread_logins
    logins = ra["maintenance_logins"]
    outside = [
        login
        for login in logins
        if login["result"] == "accepted" and login_window(login, windows) is None
    ]
    reasons += [
        f"maintenance login outside its windows: {login['account']} from {login['source']}"
        f" at {login['time']} ({login['method']})"
        for login in outside
    ]
    limit = th["max_failed_logins"]
    for window in windows:
        if window["error"]:
            continue
        failed = failed_logins(window, logins)
        if failed > limit:
            reasons.append(
                f"window {window['name']} ({window['account']}): {failed} failed logins,"
                f" more than {limit}"
            )

    shown = {
        "open_windows": [w for w in windows if w["open"]],
        "windows_on_record": [
            {key: w[key] for key in ("name", "account", "start", "end", "closed", "error")}
            for w in windows
        ],
        "maintenance_accounts": states,
        "logins_outside_windows": outside,
    }
    return verdict(reasons, shown)


def remote_control(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-19: no remote-control software installed, running, enabled or listening.

    While an emergency window (a window with ``remote_control_port``) is open, that is the
    approved exception: the software installed and its services are shown, not failed, and
    so is a listener on an open window's port; one on any other remote-control port fails.
    """
    ra = ev["remote_access"]
    emergency = [w for w in ra["windows"] if w["open"] and w["remote_control_port"]]
    window_ports = {w["remote_control_port"] for w in emergency}
    packages = ra["remote_control_packages"]
    listeners = remote_control_listeners(ev["sockets"]["listening"])
    ports = sorted(
        f"{s['port']}/{s['proto']} ({s['process'] or '?'})"
        for s in listeners
        if not (s["proto"] == "tcp" and s["port"] in window_ports)
    )
    allowed_ports = sorted(
        f"{s['port']}/{s['proto']} ({s['process'] or '?'})"
        for s in listeners
        if s["proto"] == "tcp" and s["port"] in window_ports
    )
    services = [s for s in ra["remote_control_services"] if s["active"] or s["enabled"]]
    # During an emergency window its software is the exception: shown, not failed.
    reasons = missing(ev, "remote_access", "packages") or [
        f"remote-control software installed: {name}" for name in packages if not emergency
    ]
    reasons += missing(ev, "remote_access", "services") or [
        f"remote-control service {state}: {s['unit']}"
        for s in services
        for state, on in (("active", s["active"]), ("enabled", s["enabled"]))
        if on and not emergency
    ]
    reasons += missing(ev, "sockets", "listening") or [
        f"remote-control port listening: {port}" for port in ports
    ]
    shown = {
        "packages": packages,
        "services": [s["unit"] for s in services],
        "listening": ports,
        "emergency_windows": [
            {key: w[key] for key in ("name", "sources", "remote_control_port", "end", "approval")}
            for w in emergency
        ],
        "listening_in_emergency_windows": allowed_ports,
    }
    return verdict(reasons, shown)


def test_leftovers(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.1.8: no test accounts, and no version detail in the SSH banner."""
    ra = ev["remote_access"]
    reasons = missing(ev, "accounts", "passwd") or [
        f"test account present: {n}"
        for n in ev["accounts"]["generic_names"]
        if n.lower().startswith("test")
    ]
    sshd = _sshd_settings(ra)
    reasons += sshd if isinstance(sshd, list) else []
    if isinstance(sshd, dict) and sshd["debianbanner"]:
        reasons.append("sshd shows the Debian version in its banner (DebianBanner yes)")
    return verdict(
        reasons, {"sshd_debianbanner": sshd["debianbanner"] if isinstance(sshd, dict) else None}
    )


def _sshd_settings(ra: dict) -> dict | list[str] | None:
    """The effective sshd settings; None without sshd; the evidence-missing reasons when an
    installed sshd's configuration could not be read (``sshd -T`` failed)."""
    if not ra["sshd_present"]:
        return None
    if ra["sshd"] is None or ra.get("sshd_error"):
        why = ra.get("sshd_error") or "sshd -T gave no configuration"
        return [f"{MISSING}: remote_access: sshd is installed but {why}"]
    return ra["sshd"]


def encrypted_transport(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.2.3: no cleartext login or transfer servers, and SSH without weak algorithms."""
    ra = ev["remote_access"]
    reasons = missing(ev, "remote_access", "packages") or [
        f"cleartext server installed: {name}" for name in ra["insecure_servers"]
    ]
    weak: list[str] = []
    sshd = _sshd_settings(ra)
    if isinstance(sshd, list):
        reasons += sshd
    elif sshd:
        weak = [c for c in sshd["ciphers"] if any(m in c for m in WEAK_CIPHER_MARKERS)]
        weak += [m for m in sshd["macs"] if any(w in m for w in WEAK_MAC_MARKERS)]
        weak += [k for k in sshd["kexalgorithms"] if k in WEAK_KEX]
        reasons += [f"sshd offers weak algorithm {name}" for name in weak]
    return verdict(
        reasons, {"insecure_servers": ra["insecure_servers"], "weak_ssh_algorithms": weak}
    )


RULES: dict[str, Rule] = {
    "MOE-18": remote_maintenance,
    "MOE-19": remote_control,
    "MOE-42.1.8": test_leftovers,
    "MOE-42.2.3": encrypted_transport,
}
