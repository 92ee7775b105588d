# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter import firewall

WEB = {"name": "web", "port": 443, "proto": "tcp", "sources": [], "state": "present"}


def errors(services=(), management=("192.0.2.0/24",), guard=120, controller=True, ssh=22):
    return firewall.firewall_input_errors(list(services), list(management), guard, controller, ssh)


def test_valid_inputs_have_no_errors():
    assert (
        errors([WEB, dict(WEB, name="dns", port=53, proto="udp", sources=["2001:db8::/32"])]) == []
    )


def test_an_invalid_cidr_is_named_with_its_service():
    assert errors([dict(WEB, sources=["192.0.2.300/24"])]) == [
        "firewall_services[0].sources: '192.0.2.300/24' is not an IP address or CIDR network"
    ]


def test_a_port_above_65535_is_refused():
    assert errors([dict(WEB, port=70000)]) == [
        "firewall_services[0].port: 70000 is not a port number (1-65535)"
    ]


def test_a_port_zero_is_refused():
    assert errors([dict(WEB, port=0)])[0].startswith("firewall_services[0].port: 0")


def test_a_service_name_declared_twice_is_refused():
    assert errors([WEB, dict(WEB, port=8443)]) == [
        "firewall_services: the name 'web' is declared twice"
    ]


def test_an_invalid_management_source_is_refused():
    assert errors(management=["mgmt-net"]) == [
        "firewall_management_sources: 'mgmt-net' is not an IP address or CIDR network"
    ]


def test_no_management_sources_with_the_guard_off_is_refused():
    (error,) = errors(management=[], guard=0)
    assert error.startswith("firewall_management_sources: empty while the lockout guard is off")


def test_no_management_sources_is_allowed_while_the_guard_is_on():
    assert errors(management=[], guard=60) == []


def test_no_management_sources_without_the_controller_is_refused():
    (error,) = errors(management=[], controller=False)
    assert "SSH would be closed to everyone" in error


def test_a_negative_guard_is_refused():
    assert errors(guard=-1) == ["firewall_guard_seconds: -1 is negative"]


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
