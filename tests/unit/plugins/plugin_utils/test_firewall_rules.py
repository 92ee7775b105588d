# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MOE-15 and its rule review with the emergency remote-control windows (MOE-19) open."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import (
    firewall as firewall_evidence,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import (
    firewall as firewall_rules,
)

# `nft -j list ruleset` of the collection's table with one remote-control window open
# (nftables 1.1.3): SSH from the management set, VNC from remote_control_v4, whose
# elements were added with `timeout 300s`; remote_control_v6 is empty.
RULESET = """{"nftables": [
{"metainfo": {"version": "1.1.3", "release_name": "Commodore Bullmoose #4",
  "json_schema_version": 1}},
{"table": {"family": "inet", "name": "edu_tw_hardening", "handle": 1}},
{"set": {"family": "inet", "name": "admin_v4", "table": "edu_tw_hardening",
  "type": "ipv4_addr", "handle": 2, "flags": ["interval"],
  "elem": [{"prefix": {"addr": "203.0.113.0", "len": 28}}]}},
{"set": {"family": "inet", "name": "remote_control_v4", "table": "edu_tw_hardening",
  "type": ["ipv4_addr", "inet_service"], "handle": 3, "flags": ["interval", "timeout"],
  "elem": [{"elem": {"val": {"concat": [{"prefix": {"addr": "10.0.0.0", "len": 24}}, 5900]},
                     "timeout": 300, "expires": 299}},
           {"elem": {"val": {"concat": ["10.1.0.5", 5900]}, "timeout": 300, "expires": 299}}]}},
{"set": {"family": "inet", "name": "remote_control_v6", "table": "edu_tw_hardening",
  "type": ["ipv6_addr", "inet_service"], "handle": 4, "flags": ["interval", "timeout"]}},
{"chain": {"family": "inet", "table": "edu_tw_hardening", "name": "input", "handle": 5,
  "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 6,
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                      "right": 22}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                      "right": "@admin_v4"}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 7,
  "comment": "remote control emergency",
  "expr": [{"match": {"op": "==",
                      "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}},
                                          {"payload": {"protocol": "tcp", "field": "dport"}}]},
                      "right": "@remote_control_v4"}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 8,
  "comment": "remote control emergency",
  "expr": [{"match": {"op": "==",
                      "left": {"concat": [{"payload": {"protocol": "ip6", "field": "saddr"}},
                                          {"payload": {"protocol": "tcp", "field": "dport"}}]},
                      "right": "@remote_control_v6"}},
           {"accept": null}]}}
]}"""

NO_FRONT_ENDS = {"foreign_tables": [], "ufw": False, "firewalld": False, "iptables_legacy_rules": 0}
OWN = "edu_tw_hardening"


def port(number: int, *sources: str, table: str = OWN, proto: str = "tcp") -> dict:
    """An open_ports entry as the firewall collector writes it."""
    return {"proto": proto, "port": number, "sources": list(sources), "table": table}


def firewall_area(*open_ports: dict) -> dict:
    return {
        "nft_available": True,
        "service_enabled": True,
        "inbound_default_drop": {"ipv4": True, "ipv6": True},
        "open_ports": list(open_ports),
        "named_sets": [],
        "other_frontends": NO_FRONT_ENDS,
    }


def review(*open_ports: dict) -> dict:
    return firewall_rules.firewall_review(firewall_area(*open_ports), [], {})


def moe15(*open_ports: dict) -> tuple[str, list[str]]:
    """(status, reasons) of MOE-15 with these open ports and no listening socket."""
    ev = {"firewall": firewall_area(*open_ports), "sockets": {"listening": []}}
    result = firewall_rules.host_firewall(ev, {}, {})
    return result.status, result.reasons


def test_a_port_open_only_from_the_remote_control_sets_is_a_window_port():
    found = review(port(5900, "@remote_control_v4"), port(5900, "@remote_control_v6"))
    assert (found["open_not_declared"], found["window_ports"]) == ([], ["5900/tcp"])


def test_a_window_port_is_still_listed_among_the_open_ports():
    assert review(port(5900, "@remote_control_v4"))["open_ports"] == ["5900/tcp"]


def test_moe15_passes_a_host_whose_only_undeclared_port_is_a_window():
    assert moe15(port(5900, "@remote_control_v4")) == ("pass", [])


def test_the_same_port_also_open_to_any_source_still_fails():
    assert moe15(port(5900, "@remote_control_v4"), port(5900)) == (
        "fail",
        ["firewall opens undeclared port 5900/tcp"],
    )


def test_the_same_port_also_open_from_another_set_still_fails():
    found = review(port(5900, "@remote_control_v4", "@admin_v4"))
    assert (found["open_not_declared"], found["window_ports"]) == (["5900/tcp"], [])


def test_a_remote_control_set_of_another_table_is_no_window():
    found = review(port(5900, "@remote_control_v4", table="filter"))
    assert (found["open_not_declared"], found["window_ports"]) == (["5900/tcp"], [])


def test_a_set_named_like_a_window_but_not_one_is_no_window():
    found = review(port(5900, "@remote_control_v4x"), port(5901, "@remote_maintenance_v4"))
    assert found["open_not_declared"] == ["5900/tcp", "5901/tcp"]
    assert found["window_ports"] == []


def test_a_window_range_is_named_as_a_range():
    entry = dict(port(5900, "@remote_control_v6"), port_end=6000)
    assert review(entry)["window_ports"] == ["5900-6000/tcp"]


def test_the_collected_remote_control_window_is_no_undeclared_port():
    """From nft JSON through the collector to the review: SSH declared, VNC a window."""
    area = firewall_area()
    area["open_ports"] = firewall_evidence.open_ports(firewall_evidence.parse_ruleset(RULESET))
    found = firewall_rules.firewall_review(area, [], {})
    assert found["open_ports"] == ["22/tcp", "5900/tcp"]
    assert (found["open_not_declared"], found["window_ports"]) == ([], ["5900/tcp"])
