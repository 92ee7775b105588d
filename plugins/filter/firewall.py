# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the firewall role: shape its checked inputs for the ruleset, review the host."""

from __future__ import annotations

import ipaddress
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import evaluate


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
    """The rule review of the audit (evaluate.firewall_review) over the firewall and sockets
    evidence of M(edu_tw.hardening.evidence)."""
    areas = evidence.get("evidence", evidence) if isinstance(evidence, dict) else {}
    for area in ("firewall", "sockets"):
        if area not in areas or "error" in areas[area]:
            raise AnsibleFilterError(
                f"firewall_review: the {area} evidence is missing or its collector failed: "
                f"{areas.get(area, {}).get('error', 'not collected')}"
            )
    inputs = {"firewall_services": services or [], "firewall_ssh_port": ssh_port or 22}
    return evaluate.firewall_review(areas["firewall"], areas["sockets"]["listening"], inputs)


class FilterModule:
    """edu_tw.hardening firewall filters."""

    def filters(self) -> dict:
        return {
            "firewall_services_rules": firewall_services_rules,
            "firewall_split_sources": split_sources,
            "firewall_review": firewall_review,
        }
