# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real connections from the client host to the firewalled host after the role."""

from __future__ import annotations

from conftest import address_of, connects, over_ssh


def test_the_listeners_are_up_behind_the_firewall(fw):
    for port in (8080, 8081, 8082):
        assert fw.socket(f"tcp://0.0.0.0:{port}").is_listening


def test_a_declared_port_is_reachable_from_an_allowed_source(fw, client):
    assert connects(client, address_of(fw), 8080)


def test_an_undeclared_listening_port_is_refused(fw, client):
    assert not connects(client, address_of(fw), 8082)


def test_a_port_declared_for_another_source_is_refused(fw, client):
    assert not connects(client, address_of(fw), 8081)


def test_ssh_is_refused_from_outside_the_management_sources(fw, client):
    assert not connects(client, address_of(fw), 22)


def test_the_controller_still_reaches_ssh(fw, ssh_key):
    assert over_ssh(address_of(fw), ssh_key).check_output("id -un") == "root"


def test_inbound_default_drop_for_ipv4_and_ipv6(fw):
    chain = fw.check_output("nft list chain inet edu_tw_hardening input")
    assert "hook input priority filter; policy drop;" in chain


def test_the_rules_survive_a_restart_of_nftables(fw, client, ssh_key):
    fw.check_output("systemctl restart nftables.service")
    assert fw.service("nftables.service").is_enabled
    assert connects(client, address_of(fw), 8080)
    assert not connects(client, address_of(fw), 8082)
    assert over_ssh(address_of(fw), ssh_key).check_output("id -un") == "root"
