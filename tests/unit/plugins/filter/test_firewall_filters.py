# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter import firewall

WEB = {"name": "web", "port": 443, "proto": "tcp", "sources": [], "state": "present"}


def test_sources_split_by_version_and_normalised():
    assert firewall.split_sources(["192.0.2.7/24", "2001:db8::1", "198.51.100.9"]) == {
        "ipv4": ["192.0.2.0/24", "198.51.100.9"],
        "ipv6": ["2001:db8::1"],
    }


def test_an_address_inside_a_listed_network_is_merged_into_it():
    # nft refuses "conflicting intervals" for { 10.88.0.0/16, 10.88.0.1 } (found by the bench).
    assert firewall.split_sources(["10.88.0.0/16", "10.88.0.1"])["ipv4"] == ["10.88.0.0/16"]


def test_a_repeated_source_is_listed_once():
    assert firewall.split_sources(["192.0.2.1", "192.0.2.1/32"])["ipv4"] == ["192.0.2.1"]


def test_service_rules_skip_absent_services_and_mark_any_source():
    rules = firewall.firewall_services_rules([WEB, dict(WEB, name="old", state="absent")])
    assert rules == [
        {"name": "web", "proto": "tcp", "port": 443, "any_source": True, "ipv4": [], "ipv6": []}
    ]


def test_service_rules_split_their_sources():
    (rule,) = firewall.firewall_services_rules([dict(WEB, sources=["192.0.2.0/24"])])
    assert (rule["any_source"], rule["ipv4"], rule["ipv6"]) == (False, ["192.0.2.0/24"], [])


def test_the_review_refuses_evidence_whose_collector_failed():
    evidence = {"evidence": {"firewall": {"error": "nft crashed"}, "sockets": {"listening": []}}}
    with pytest.raises(AnsibleFilterError, match=r"the firewall evidence .* nft crashed"):
        firewall.firewall_review(evidence)


def _evidence(*listening: tuple[str, int, str, str]) -> dict:
    """Evidence of a host with no firewall yet and the given (proto, port, address, process)."""
    firewall_area = {
        "open_ports": [],
        "other_frontends": {
            "foreign_tables": [],
            "ufw": False,
            "firewalld": False,
            "iptables_legacy_rules": 0,
        },
    }
    sockets = [
        {
            "proto": proto,
            "port": port,
            "address": address,
            "process": process,
            "loopback": address in ("127.0.0.1", "::1"),
        }
        for proto, port, address, process in listening
    ]
    return {"evidence": {"firewall": firewall_area, "sockets": {"listening": sockets}}}


def test_cut_off_names_each_undeclared_listener_with_its_address_and_program():
    evidence = _evidence(("tcp", 80, "0.0.0.0", "nginx"), ("tcp", 80, "::", "nginx"))
    assert firewall.firewall_cut_off(evidence, [WEB]) == [
        "80/tcp 0.0.0.0 (nginx)",
        "80/tcp :: (nginx)",
    ]


def test_cut_off_spares_declared_services_ssh_and_loopback():
    evidence = _evidence(
        ("tcp", 443, "0.0.0.0", "nginx"),
        ("tcp", 22, "0.0.0.0", "sshd"),
        ("tcp", 5432, "127.0.0.1", "postgres"),
    )
    assert firewall.firewall_cut_off(evidence, [WEB], 22) == []


def test_cut_off_follows_the_ssh_port_input():
    evidence = _evidence(("tcp", 22, "0.0.0.0", "sshd"), ("tcp", 2222, "0.0.0.0", "sshd"))
    assert firewall.firewall_cut_off(evidence, [], 2222) == ["22/tcp 0.0.0.0 (sshd)"]


def test_cut_off_counts_an_absent_service_as_undeclared():
    evidence = _evidence(("tcp", 443, "0.0.0.0", "nginx"))
    assert firewall.firewall_cut_off(evidence, [dict(WEB, state="absent")]) == [
        "443/tcp 0.0.0.0 (nginx)"
    ]


def test_cut_off_tells_udp_from_tcp():
    evidence = _evidence(("udp", 443, "0.0.0.0", "quic"))
    assert firewall.firewall_cut_off(evidence, [WEB]) == ["443/udp 0.0.0.0 (quic)"]
