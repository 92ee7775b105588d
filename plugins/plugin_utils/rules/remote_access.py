# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote access rules: maintenance windows (MOE-18), remote-control software
(MOE-19), test leftovers and the SSH banner (MOE-42.1.8), encrypted transport (MOE-42.2.3)."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    Rule,
    Verdict,
    missing,
    verdict,
)

# Remote-control software listens on these ports (VNC, RDP, TeamViewer, AnyDesk).
REMOTE_CONTROL_PORTS = frozenset([*range(5900, 5910), 3389, 5938, 7070])
WEAK_CIPHER_MARKERS = ("cbc", "arcfour", "3des", "blowfish", "cast128")
WEAK_MAC_MARKERS = ("md5", "-96", "umac-64")


def remote_maintenance(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-18: no window outlives its end, and no maintenance source entry lacks an expiry."""
    ra = ev["remote_access"]
    reasons = []
    for window in ra["windows"]:
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
    timeless = [
        f"{s['name']}: {e['value']}"
        for s in ev["firewall"]["named_sets"]
        if s["name"].startswith("remote_maintenance")
        for e in s["elements"]
        if e["expires"] is None
    ]
    reasons += missing(ev, "firewall", "nft") or [
        f"maintenance source entry without expiry: {entry}" for entry in timeless
    ]
    shown = {
        "open_windows": [w for w in ra["windows"] if w["open"]],
        "windows_on_record": len(ra["windows"]),
    }
    return verdict(reasons, shown)


def remote_control(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-19: no remote-control software installed or listening."""
    packages = ev["remote_access"]["remote_control_packages"]
    ports = sorted(
        f"{s['port']}/{s['proto']} ({s['process'] or '?'})"
        for s in ev["sockets"]["listening"]
        if s["port"] in REMOTE_CONTROL_PORTS and not s["loopback"]
    )
    reasons = missing(ev, "remote_access", "packages") or [
        f"remote-control software installed: {name}" for name in packages
    ]
    reasons += missing(ev, "sockets", "listening") or [
        f"remote-control port listening: {port}" for port in ports
    ]
    return verdict(reasons, {"packages": packages, "listening": ports})


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
