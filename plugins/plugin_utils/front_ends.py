# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The firewall front ends beside the collection's table, named once for the audit's rule
review (``rules/firewall.py``) and for the firewall role's takeover (the filter
``firewall_front_ends`` of ``plugins/filter/firewall.py``)."""

from __future__ import annotations

# The systemd units of the front ends that the firewall evidence reports by name.
FRONT_END_UNITS = ("ufw.service", "firewalld.service")


def other_front_ends(frontends: dict, units: list | tuple = FRONT_END_UNITS) -> dict:
    """The other front ends of the firewall evidence's ``other_frontends``.

    Returns ``tables`` (the foreign nftables tables as ``<family> <name>``, sorted),
    ``units`` (those of ``units`` whose front end is active, in that order),
    ``iptables_legacy_rules`` (how many are loaded), ``found`` (what the role refuses to mix
    with: each table as ``nftables table <family> <name>``, then the active units' names) and
    ``review`` (how the rule review lists them all, iptables-legacy included).
    """
    tables = sorted(frontends["foreign_tables"])
    active = [unit for unit in units if frontends.get(unit.removesuffix(".service"))]
    names = [unit.removesuffix(".service") for unit in active]
    legacy = int(frontends["iptables_legacy_rules"] or 0)
    return {
        "tables": tables,
        "units": active,
        "iptables_legacy_rules": legacy,
        "found": [f"nftables table {table}" for table in tables] + names,
        "review": tables + names + ([f"iptables-legacy ({legacy} rules)"] if legacy else []),
    }
