# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the firewall role: shape its checked inputs for the ruleset, review the host."""

from __future__ import annotations

import ipaddress
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import front_ends
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import (
    firewall as firewall_rules,
)


def split_sources(sources: list) -> dict[str, list[str]]:
    """Addresses and networks by IP version, normalised (``192.0.2.7/24`` -> ``192.0.2.0/24``).

    Overlapping entries are merged (an nftables interval set refuses an address inside a
    network it already holds, such as the controller's address inside a management network).
    """
    networks: dict[int, list] = {4: [], 6: []}
    for source in sources or []:
        network = ipaddress.ip_network(str(source), strict=False)
        networks[network.version].append(network)
    return {
        f"ipv{version}": [
            str(net.network_address) if net.num_addresses == 1 else str(net)
            for net in ipaddress.collapse_addresses(found)
        ]
        for version, found in networks.items()
    }


def firewall_services_rules(services: list) -> list[dict]:
    """The present services as the ruleset template needs them, in declaration order.

    Each: ``name``, ``proto``, ``port`` and either ``any_source`` or the sources split by
    IP version. A service with sources of one version only is closed to the other.
    """
    rules = []
    for service in services or []:
        if service.get("state", "present") != "present":
            continue
        sources = service.get("sources") or []
        rules.append(
            {
                "name": service["name"],
                "proto": service.get("proto", "tcp"),
                "port": int(service["port"]),
                "any_source": not sources,
                **split_sources(sources),
            }
        )
    return rules


def firewall_review(evidence: Any, services: Any = None, ssh_port: Any = None) -> dict:
    """The rule review of the audit (rules.firewall.firewall_review) over the firewall and sockets
    evidence of M(edu_tw.hardening.evidence)."""
    areas = evidence.get("evidence", evidence) if isinstance(evidence, dict) else {}
    for area in ("firewall", "sockets"):
        if area not in areas or "error" in areas[area]:
            raise AnsibleFilterError(
                f"firewall_review: the {area} evidence is missing or its collector failed: "
                f"{areas.get(area, {}).get('error', 'not collected')}"
            )
    inputs = {"firewall_services": services or [], "firewall_ssh_port": ssh_port}
    return firewall_rules.firewall_review(areas["firewall"], areas["sockets"]["listening"], inputs)


def firewall_cut_off(evidence: Any, services: Any = None, ssh_port: Any = None) -> list[str]:
    """The listening sockets the role's ruleset drops: on a non-loopback address, on a port
    that is neither a present service of ``services`` nor ``ssh_port``.

    Each as the review lists it (``80/tcp 0.0.0.0 (nginx)``); empty when every listener is
    declared. Read from the same review, so the warning and the review never disagree.
    """
    review = firewall_review(evidence, services, ssh_port)
    undeclared = set(review["undeclared_listeners"])
    return [entry for entry in review["listening"] if entry.split(" ", 1)[0] in undeclared]


def firewall_front_ends(frontends: Any, units: Any = None) -> dict:
    """The other firewall front ends (documented in firewall_front_ends.yml)."""
    if not isinstance(frontends, dict) or "foreign_tables" not in frontends:
        raise AnsibleFilterError(
            "firewall_front_ends: expected the firewall evidence's other_frontends"
            " (evidence_result.evidence.firewall.other_frontends)"
        )
    return front_ends.other_front_ends(frontends, list(units or front_ends.FRONT_END_UNITS))


class FilterModule:
    """edu_tw.hardening firewall filters."""

    def filters(self) -> dict:
        return {
            "firewall_front_ends": firewall_front_ends,
            "firewall_services_rules": firewall_services_rules,
            "firewall_split_sources": split_sources,
            "firewall_review": firewall_review,
            "firewall_cut_off": firewall_cut_off,
        }
