# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The other firewall front ends, named once for the role's takeover and the audit's review."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter import firewall
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import (
    firewall as firewall_rules,
)

NONE = {"foreign_tables": [], "ufw": False, "firewalld": False, "iptables_legacy_rules": 0}
ALL = {
    "foreign_tables": ["ip nat", "inet foreign"],
    "ufw": True,
    "firewalld": True,
    "iptables_legacy_rules": 4,
}


def test_a_host_without_other_front_ends_has_nothing_to_take_over():
    found = firewall.firewall_front_ends(NONE)
    assert (found["found"], found["units"], found["tables"], found["review"]) == ([], [], [], [])


def test_the_role_names_foreign_tables_and_active_units():
    assert firewall.firewall_front_ends(ALL)["found"] == [
        "nftables table inet foreign",
        "nftables table ip nat",
        "ufw",
        "firewalld",
    ]


def test_only_the_active_units_are_stopped():
    found = firewall.firewall_front_ends(dict(NONE, firewalld=True))
    assert found["units"] == ["firewalld.service"]


def test_the_tables_to_delete_are_the_foreign_ones():
    assert firewall.firewall_front_ends(ALL)["tables"] == ["inet foreign", "ip nat"]


def test_iptables_legacy_is_counted_not_taken_over():
    found = firewall.firewall_front_ends(ALL)
    assert found["iptables_legacy_rules"] == 4
    assert "iptables-legacy (4 rules)" in found["review"]
    assert not any("iptables" in name for name in found["found"])


def test_the_audits_review_lists_the_same_front_ends():
    evidence = {"open_ports": [], "other_frontends": ALL}
    review = firewall_rules.firewall_review(evidence, [], {})
    assert review["foreign_rules"] == [
        "inet foreign",
        "ip nat",
        "ufw",
        "firewalld",
        "iptables-legacy (4 rules)",
    ]
    assert review["foreign_rules"] == firewall.firewall_front_ends(ALL)["review"]


def test_front_ends_refuses_what_is_not_the_evidence():
    with pytest.raises(AnsibleFilterError, match="other_frontends"):
        firewall.firewall_front_ends({"ufw": True})
