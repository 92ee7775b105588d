# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The host firewall rule (MOE-15) and the periodic rule review that the firewall role
prints too."""

from __future__ import annotations

# SSH_PORT: firewall_ssh_port's default (the role's defaults/main.yml holds it too; a unit test).
from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import (
    FIREWALL_TABLE,
    SSH_PORT,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import front_ends
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    Rule,
    Verdict,
    missing,
    verdict,
)

# The collection's table (open_ports entries name a table without its family) and the sets
# of its emergency remote-control windows (MOE-19): ``ip saddr . tcp dport @remote_control_v4``.
# Their elements are added with a timeout for an approved window, which MOE-18/19 judge.
OWN_TABLE = FIREWALL_TABLE.split()[1]
WINDOW_SETS = frozenset({"@remote_control_v4", "@remote_control_v6"})


def _window_only(entry: dict) -> bool:
    """Whether an open port is accepted only from the remote-control window sets of our table."""
    sources = entry["sources"]
    return bool(sources) and entry["table"] == OWN_TABLE and set(sources) <= WINDOW_SETS


def _declared_ports(inputs: dict) -> set[tuple[str, int]]:
    declared = {("tcp", int(inputs.get("firewall_ssh_port") or SSH_PORT))}
    for service in inputs.get("firewall_services") or []:
        if service.get("state", "present") == "present":
            declared.add((service.get("proto", "tcp"), int(service["port"])))
    return declared


def _port_text(proto: str, low: int, high: int) -> str:
    return f"{low}/{proto}" if low == high else f"{low}-{high}/{proto}"


def firewall_review(firewall: dict, listening: list[dict], inputs: dict) -> dict:
    """The periodic rule review: listening sockets, open ports and declared services.

    An open range (``port`` to ``port_end``) is declared only when each of its ports is.
    A port that the collection's table accepts only from its remote-control window sets
    (``window_ports``) is governed by an approved window, not by the declared services: it is
    no ``open_not_declared`` port, unless some other rule opens it too.
    """
    declared = _declared_ports(inputs)
    exposed = [s for s in listening if not s["loopback"]]
    listening_ports = {(s["proto"], s["port"]) for s in exposed}

    def ranges(entries: list[dict]) -> set[tuple[str, int, int]]:
        return {(p["proto"], p["port"], p.get("port_end", p["port"])) for p in entries}

    open_ranges = ranges(firewall["open_ports"])
    window_ranges = ranges([p for p in firewall["open_ports"] if _window_only(p)])
    strict_ranges = ranges([p for p in firewall["open_ports"] if not _window_only(p)])
    frontends = firewall["other_frontends"]
    return {
        "declared": sorted(f"{port}/{proto}" for proto, port in declared),
        "listening": sorted(
            f"{s['port']}/{s['proto']} {s['address']} ({s['process'] or '?'})" for s in exposed
        ),
        "open_ports": sorted(_port_text(*entry) for entry in open_ranges),
        "undeclared_listeners": sorted(
            f"{port}/{proto}" for proto, port in listening_ports - declared
        ),
        "declared_without_listener": sorted(
            f"{port}/{proto}" for proto, port in declared - listening_ports
        ),
        "open_not_declared": sorted(
            _port_text(proto, low, high)
            for proto, low, high in strict_ranges
            if sum(1 for name, port in declared if name == proto and low <= port <= high)
            < high - low + 1
        ),
        "window_ports": sorted(_port_text(*entry) for entry in window_ranges),
        # Named as the firewall role names them before its takeover.
        "foreign_rules": front_ends.other_front_ends(frontends)["review"],
    }


def host_firewall(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-15: inbound default drop on IPv4 and IPv6, and no undeclared service reachable.

    A ruleset that an installed nft could not list, or listening sockets that ss could not
    list, fail the control as missing evidence: neither is judged from an empty reading.
    """
    fw = ev["firewall"]
    review = firewall_review(fw, ev["sockets"]["listening"], inputs)
    unread_rules = missing(ev, "firewall", "nft")
    unread_sockets = missing(ev, "sockets", "listening")
    reasons = unread_rules + unread_sockets
    drop = fw["inbound_default_drop"]
    if not unread_rules:
        if not fw["nft_available"]:
            reasons.append("nftables is not installed: no host firewall")
        for family in ("ipv4", "ipv6"):
            if not drop[family]:
                reasons.append(f"inbound {family} traffic is not dropped by default")
        if not all(drop.values()) and not unread_sockets:
            reasons += [
                f"undeclared service reachable: {port}" for port in review["undeclared_listeners"]
            ]
        reasons += [
            f"firewall opens undeclared port {port}" for port in review["open_not_declared"]
        ]
    shown = {
        "service_enabled": fw["service_enabled"],
        "inbound_default_drop": drop,
        "review": review,
    }
    return verdict(reasons, shown)


RULES: dict[str, Rule] = {"MOE-15": host_firewall}
