# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/firewall.py on recorded nft JSON."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import firewall
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

NFT = " ".join(firewall.NFT_ARGV)
ENABLED = f"systemctl is-enabled {firewall.NFTABLES_UNIT}"
UFW = f"systemctl is-active {firewall.UFW_UNIT}"
FIREWALLD = f"systemctl is-active {firewall.FIREWALLD_UNIT}"
LEGACY = " ".join(firewall.IPTABLES_LEGACY_ARGV)

METAINFO = (
    '{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", '
    '"json_schema_version": 1}}'
)

# What the collection's own table looks like on a converged host (nftables 1.0.6,
# Debian 12): `nft -j list ruleset`, one object per line for readability.
#
#   table inet edu_tw_hardening {
#     set admin_v4 { type ipv4_addr; flags interval; elements = { 203.0.113.0/28 } }
#     set maint_v4 { type ipv4_addr; flags interval,timeout;
#                    elements = { 192.0.2.10 timeout 1h expires 59m21s,
#                                 198.51.100.0/24 timeout 2h expires 1h58m } }
#     chain input { type filter hook input priority filter; policy drop;
#       iif "lo" accept
#       ct state established,related accept
#       ct state invalid drop
#       meta l4proto { icmp, ipv6-icmp } accept
#       tcp dport 22 ip saddr @admin_v4 accept
#       tcp dport { 80, 443 } accept
#       udp dport 123 ip saddr 192.0.2.0/24 accept
#       ip saddr @maint_v4 jump maint
#       tcp dport 3306 drop }
#     chain maint { tcp dport 22 accept }
#     chain output { type filter hook output priority filter; policy accept; }
#   }
OWN_RULESET = (
    """{"nftables": [
"""
    + METAINFO
    + """,
{"table": {"family": "inet", "name": "edu_tw_hardening", "handle": 7}},
{"set": {"family": "inet", "name": "admin_v4", "table": "edu_tw_hardening",
  "type": "ipv4_addr", "handle": 2, "flags": ["interval"],
  "elem": [{"prefix": {"addr": "203.0.113.0", "len": 28}}]}},
{"set": {"family": "inet", "name": "maint_v4", "table": "edu_tw_hardening",
  "type": "ipv4_addr", "handle": 3, "flags": ["interval", "timeout"],
  "elem": [{"elem": {"val": "192.0.2.10", "timeout": 3600, "expires": 3561}},
           {"elem": {"val": {"prefix": {"addr": "198.51.100.0", "len": 24}},
                     "timeout": 7200, "expires": 7080}}]}},
{"chain": {"family": "inet", "table": "edu_tw_hardening", "name": "input", "handle": 1,
  "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
{"chain": {"family": "inet", "table": "edu_tw_hardening", "name": "maint", "handle": 4}},
{"chain": {"family": "inet", "table": "edu_tw_hardening", "name": "output", "handle": 5,
  "type": "filter", "hook": "output", "prio": 0, "policy": "accept"}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 10,
  "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iif"}}, "right": "lo"}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 11,
  "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}},
                      "right": ["established", "related"]}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 12,
  "expr": [{"match": {"op": "in", "left": {"ct": {"key": "state"}}, "right": "invalid"}},
           {"drop": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 13,
  "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}},
                      "right": {"set": ["icmp", "ipv6-icmp"]}}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 14,
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                      "right": 22}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                      "right": "@admin_v4"}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 15,
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                      "right": {"set": [80, 443]}}},
           {"counter": {"packets": 12, "bytes": 720}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 16,
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}},
                      "right": 123}},
           {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                      "right": {"prefix": {"addr": "192.0.2.0", "len": 24}}}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 17,
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
                      "right": "@maint_v4"}},
           {"jump": {"target": "maint"}}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 18,
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                      "right": 3306}},
           {"drop": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "maint", "handle": 19,
  "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
                      "right": 22}},
           {"accept": null}]}}
]}"""
)

EMPTY_RULESET = '{"nftables": [' + METAINFO + "]}"


def ruleset(*objects: dict) -> str:
    """An `nft -j list ruleset` document (as nft prints it: one line) of these objects."""
    return json.dumps({"nftables": [json.loads(METAINFO), *objects]})


def table(family: str, name: str) -> dict:
    return {"table": {"family": family, "name": name, "handle": 1}}


def base_chain(family: str, tbl: str, name: str, hook: str, policy: str, prio: int = 0) -> dict:
    return {
        "chain": {
            "family": family,
            "table": tbl,
            "name": name,
            "handle": 1,
            "type": "filter",
            "hook": hook,
            "prio": prio,
            "policy": policy,
        }
    }


def chain(family: str, tbl: str, name: str) -> dict:
    return {"chain": {"family": family, "table": tbl, "name": name, "handle": 2}}


def rule(family: str, tbl: str, chain_name: str, *expr: dict) -> dict:
    return {
        "rule": {
            "family": family,
            "table": tbl,
            "chain": chain_name,
            "handle": 9,
            "expr": list(expr),
        }
    }


def match(left: dict, right: object, op: str = "==") -> dict:
    return {"match": {"op": op, "left": left, "right": right}}


def payload(protocol: str, field: str) -> dict:
    return {"payload": {"protocol": protocol, "field": field}}


def meta(key: str) -> dict:
    return {"meta": {"key": key}}


TCP_DPORT = payload("tcp", "dport")
CT_STATE = {"ct": {"key": "state"}}
UDP_DPORT = payload("udp", "dport")
ACCEPT = {"accept": None}
DROP = {"drop": None}


def filter_input(*rules: dict, policy: str = "drop") -> str:
    """An inet filter table whose input chain holds ``rules`` (rule objects or others)."""
    return ruleset(
        table("inet", "filter"), base_chain("inet", "filter", "input", "input", policy), *rules
    )


def nft_host(listing: str, **commands: object) -> RecordedHost:
    """A host whose nft prints ``listing``; other commands as given (by argv string)."""
    recorded: dict[str, object] = {NFT: listing}
    recorded.update(commands)
    return RecordedHost(commands=recorded, programs=["nft"])


def collect_from(listing: str) -> dict:
    return firewall.collect(nft_host(listing))


def ports_of(evidence: dict) -> list[tuple]:
    return [
        (entry["proto"], entry["port"], tuple(entry["sources"])) for entry in evidence["open_ports"]
    ]


# --- nft availability and default drop -------------------------------------------------


def test_missing_nft_reports_unavailable():
    evidence = firewall.collect(RecordedHost())
    assert evidence["nft_available"] is False


def test_missing_nft_reports_no_default_drop():
    evidence = firewall.collect(RecordedHost())
    assert evidence["inbound_default_drop"] == {"ipv4": False, "ipv6": False}


def test_missing_nft_reports_no_tables_or_ports():
    evidence = firewall.collect(RecordedHost())
    assert (evidence["tables"], evidence["open_ports"]) == ([], [])


def test_failing_nft_reports_unavailable():
    host = nft_host("")
    host.commands[NFT] = Result(1, "", "netlink: Error: cache initialization failed")
    assert firewall.collect(host)["nft_available"] is False


def test_missing_nft_is_no_error_but_no_firewall():
    assert firewall.collect(RecordedHost())["nft_error"] is None


def test_failing_nft_says_why():
    host = nft_host("")
    host.commands[NFT] = Result(1, "", "netlink: Error: cache initialization failed")
    assert firewall.collect(host)["nft_error"] == (
        "nft -j list ruleset exited 1: netlink: Error: cache initialization failed"
    )


def test_nft_printing_no_json_ruleset_is_an_error():
    assert collect_from("table inet filter {}")["nft_error"] == (
        "nft -j list ruleset printed no JSON ruleset"
    )


def test_listed_ruleset_is_no_error():
    assert collect_from(EMPTY_RULESET)["nft_error"] is None


def test_empty_ruleset_is_available():
    assert collect_from(EMPTY_RULESET)["nft_available"] is True


def test_empty_ruleset_has_no_default_drop():
    evidence = collect_from(EMPTY_RULESET)
    assert evidence["inbound_default_drop"] == {"ipv4": False, "ipv6": False}


def test_inet_input_chain_with_drop_policy_drops_both_families():
    evidence = collect_from(OWN_RULESET)
    assert evidence["inbound_default_drop"] == {"ipv4": True, "ipv6": True}


def test_ip_only_table_with_drop_policy_drops_ipv4_only():
    listing = ruleset(table("ip", "filter"), base_chain("ip", "filter", "INPUT", "input", "drop"))
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": True, "ipv6": False}


def test_ip6_only_table_with_drop_policy_drops_ipv6_only():
    listing = ruleset(table("ip6", "filter"), base_chain("ip6", "filter", "INPUT", "input", "drop"))
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": False, "ipv6": True}


def test_accept_policy_without_drop_rule_is_not_default_drop():
    listing = filter_input(policy="accept")
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": False, "ipv6": False}


def test_drop_policy_on_output_hook_is_not_inbound_default_drop():
    listing = ruleset(
        table("inet", "filter"), base_chain("inet", "filter", "output", "output", "drop")
    )
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": False, "ipv6": False}


def test_trailing_unconditional_drop_rule_counts_as_default_drop():
    listing = filter_input(
        rule("inet", "filter", "input", match(TCP_DPORT, 22), ACCEPT),
        rule("inet", "filter", "input", {"counter": {"packets": 3, "bytes": 180}}, DROP),
        policy="accept",
    )
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": True, "ipv6": True}


def test_trailing_reject_rule_counts_as_default_drop():
    listing = ruleset(
        table("ip", "filter"),
        base_chain("ip", "filter", "INPUT", "input", "accept"),
        rule("ip", "filter", "INPUT", {"reject": {"type": "icmpx", "expr": "admin-prohibited"}}),
    )
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": True, "ipv6": False}


def test_trailing_conditional_drop_rule_is_not_default_drop():
    listing = filter_input(
        rule("inet", "filter", "input", match(TCP_DPORT, 23), DROP), policy="accept"
    )
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": False, "ipv6": False}


def test_unconditional_drop_before_the_last_rule_is_not_default_drop():
    listing = filter_input(
        rule("inet", "filter", "input", DROP),
        rule("inet", "filter", "input", match(TCP_DPORT, 22), ACCEPT),
        policy="accept",
    )
    assert collect_from(listing)["inbound_default_drop"] == {"ipv4": False, "ipv6": False}


# --- tables and chains -----------------------------------------------------------------


def test_own_table_is_marked_owned():
    evidence = collect_from(OWN_RULESET)
    assert evidence["tables"] == [{"family": "inet", "name": "edu_tw_hardening", "owned": True}]


def test_table_of_same_name_in_other_family_is_not_owned():
    listing = ruleset(table("ip", "edu_tw_hardening"))
    assert collect_from(listing)["tables"][0]["owned"] is False


def test_service_enabled_when_systemctl_says_enabled():
    host = nft_host(EMPTY_RULESET, **{ENABLED: "enabled\n"})
    assert firewall.collect(host)["service_enabled"] is True


def test_service_not_enabled_when_systemctl_says_disabled():
    host = nft_host(EMPTY_RULESET, **{ENABLED: Result(1, "disabled\n", "")})
    assert firewall.collect(host)["service_enabled"] is False


# --- open ports --------------------------------------------------------------------------


def test_single_port_accept_is_open_to_any_source():
    listing = filter_input(rule("inet", "filter", "input", match(TCP_DPORT, 22), ACCEPT))
    assert collect_from(listing)["open_ports"] == [
        {"proto": "tcp", "port": 22, "sources": [], "table": "filter"}
    ]


def test_port_set_accept_opens_each_port():
    ports = ports_of(collect_from(OWN_RULESET))
    assert ("tcp", 80, ()) in ports
    assert ("tcp", 443, ()) in ports


def test_source_prefix_is_recorded_with_length():
    assert ("udp", 123, ("192.0.2.0/24",)) in ports_of(collect_from(OWN_RULESET))


def test_named_source_set_is_recorded_as_at_name():
    assert ("tcp", 22, ("@admin_v4",)) in ports_of(collect_from(OWN_RULESET))


def test_anonymous_source_set_lists_each_source():
    sources = {"set": ["192.0.2.1", {"prefix": {"addr": "2001:db8::", "len": 32}}]}
    listing = filter_input(
        rule(
            "inet",
            "filter",
            "input",
            match(payload("ip", "saddr"), sources),
            match(TCP_DPORT, 22),
            ACCEPT,
        )
    )
    assert ports_of(collect_from(listing)) == [("tcp", 22, ("192.0.2.1", "2001:db8::/32"))]


def test_jump_to_sub_chain_carries_the_source_to_ports_accepted_there():
    assert ("tcp", 22, ("@maint_v4",)) in ports_of(collect_from(OWN_RULESET))


def test_goto_carries_the_port_to_the_sub_chain_accept():
    listing = filter_input(
        chain("inet", "filter", "ssh_in"),
        rule("inet", "filter", "input", match(TCP_DPORT, 22), {"goto": {"target": "ssh_in"}}),
        rule("inet", "filter", "ssh_in", match(payload("ip6", "saddr"), "@admins_v6"), ACCEPT),
    )
    assert ports_of(collect_from(listing)) == [("tcp", 22, ("@admins_v6",))]


def test_own_ruleset_opens_exactly_the_declared_ports():
    assert ports_of(collect_from(OWN_RULESET)) == [
        ("tcp", 22, ("@admin_v4",)),
        ("tcp", 22, ("@maint_v4",)),
        ("tcp", 80, ()),
        ("tcp", 443, ()),
        ("udp", 123, ("192.0.2.0/24",)),
    ]


def test_dropped_port_is_not_open():
    assert all(entry["port"] != 3306 for entry in collect_from(OWN_RULESET)["open_ports"])


def test_negated_port_match_is_not_an_open_port():
    listing = filter_input(rule("inet", "filter", "input", match(TCP_DPORT, 22, "!="), ACCEPT))
    assert collect_from(listing)["open_ports"] == []


def test_loopback_only_accept_is_not_open():
    listing = filter_input(
        rule("inet", "filter", "input", match(meta("iifname"), "lo"), match(TCP_DPORT, 25), ACCEPT)
    )
    assert collect_from(listing)["open_ports"] == []


def test_ports_in_chains_on_other_hooks_are_not_open():
    listing = ruleset(
        table("inet", "filter"),
        base_chain("inet", "filter", "output", "output", "drop"),
        rule("inet", "filter", "output", match(TCP_DPORT, 443), ACCEPT),
    )
    assert collect_from(listing)["open_ports"] == []


EVERY_PORT = [("tcp", 1, 65535), ("udp", 1, 65535)]


def ranges_of(evidence: dict) -> list[tuple]:
    return [(e["proto"], e["port"], e.get("port_end", e["port"])) for e in evidence["open_ports"]]


def test_accept_without_any_condition_opens_every_port():
    assert ranges_of(collect_from(filter_input(rule("inet", "filter", "input", ACCEPT)))) == (
        EVERY_PORT
    )


def test_accept_of_a_source_without_a_port_opens_every_port_to_that_source():
    listing = filter_input(
        rule("inet", "filter", "input", match(payload("ip", "saddr"), "198.51.100.7"), ACCEPT)
    )
    evidence = collect_from(listing)
    assert ranges_of(evidence) == EVERY_PORT
    assert {tuple(e["sources"]) for e in evidence["open_ports"]} == {("198.51.100.7",)}


def test_accept_of_new_connections_opens_every_port():
    listing = filter_input(rule("inet", "filter", "input", match(CT_STATE, "new", "in"), ACCEPT))
    assert ranges_of(collect_from(listing)) == EVERY_PORT


def test_accept_of_established_and_related_opens_nothing():
    listing = filter_input(
        rule("inet", "filter", "input", match(CT_STATE, ["established", "related"], "in"), ACCEPT),
        rule("inet", "filter", "input", match(CT_STATE, {"set": ["related"]}, "in"), ACCEPT),
    )
    assert collect_from(listing)["open_ports"] == []


def test_accept_of_icmp_opens_nothing():
    listing = filter_input(
        rule("inet", "filter", "input", match(payload("icmp", "type"), "echo-request"), ACCEPT),
        rule("inet", "filter", "input", match(meta("l4proto"), "ipv6-icmp"), ACCEPT),
    )
    assert collect_from(listing)["open_ports"] == []


def test_accept_of_one_protocol_without_a_port_opens_its_every_port():
    listing = filter_input(rule("inet", "filter", "input", match(meta("l4proto"), "tcp"), ACCEPT))
    assert ranges_of(collect_from(listing)) == [("tcp", 1, 65535)]


def test_jump_of_a_source_to_a_chain_that_accepts_all_opens_every_port_to_it():
    listing = filter_input(
        chain("inet", "filter", "trusted"),
        rule(
            "inet",
            "filter",
            "input",
            match(payload("ip", "saddr"), "@office_v4"),
            {"jump": {"target": "trusted"}},
        ),
        rule("inet", "filter", "trusted", ACCEPT),
    )
    evidence = collect_from(listing)
    assert ranges_of(evidence) == EVERY_PORT
    assert evidence["open_ports"][0]["sources"] == ["@office_v4"]


def test_small_port_range_is_expanded():
    listing = filter_input(
        rule("inet", "filter", "input", match(UDP_DPORT, {"range": [60000, 60003]}), ACCEPT)
    )
    assert ports_of(collect_from(listing)) == [
        ("udp", 60000, ()),
        ("udp", 60001, ()),
        ("udp", 60002, ()),
        ("udp", 60003, ()),
    ]


def test_wide_port_range_is_recorded_as_port_and_port_end():
    listing = filter_input(
        rule("inet", "filter", "input", match(TCP_DPORT, {"range": [1024, 65535]}), ACCEPT)
    )
    assert collect_from(listing)["open_ports"] == [
        {"proto": "tcp", "port": 1024, "port_end": 65535, "sources": [], "table": "filter"}
    ]


def test_named_port_set_is_expanded_from_its_elements():
    web = {
        "set": {
            "family": "inet",
            "name": "web",
            "table": "filter",
            "type": "inet_service",
            "handle": 3,
            "elem": [80, 443],
        }
    }
    listing = filter_input(web, rule("inet", "filter", "input", match(TCP_DPORT, "@web"), ACCEPT))
    assert ports_of(collect_from(listing)) == [("tcp", 80, ()), ("tcp", 443, ())]


def test_verdict_map_opens_only_ports_mapped_to_accept():
    vmap = {"vmap": {"key": TCP_DPORT, "data": {"set": [[22, ACCEPT], [23, DROP]]}}}
    listing = filter_input(rule("inet", "filter", "input", vmap))
    assert ports_of(collect_from(listing)) == [("tcp", 22, ())]


def test_transport_header_port_takes_protocol_from_l4proto_match():
    listing = filter_input(
        rule(
            "inet",
            "filter",
            "input",
            match(meta("l4proto"), "udp"),
            match(payload("th", "dport"), 53),
            ACCEPT,
        )
    )
    assert ports_of(collect_from(listing)) == [("udp", 53, ())]


def test_jump_loop_is_followed_once():
    listing = filter_input(
        chain("inet", "filter", "a"),
        rule("inet", "filter", "input", {"jump": {"target": "a"}}),
        rule("inet", "filter", "a", {"goto": {"target": "input"}}),
        rule("inet", "filter", "a", match(TCP_DPORT, 8443), ACCEPT),
    )
    assert ports_of(collect_from(listing)) == [("tcp", 8443, ())]


# --- concatenated matches: remote-control windows (MOE-19) ---------------------------
#
# The collection's table with the emergency remote-control sets, as nftables 1.1.3 prints
# it (`nft -j list ruleset`) after
#   nft add element inet edu_tw_hardening remote_control_v4 \
#       '{ 10.0.0.0/24 . 5900 timeout 300s, 10.1.0.5 . 5900 timeout 300s }'
# (remote_control_v6 left empty):
#
#   set remote_control_v4 { type ipv4_addr . inet_service; flags interval,timeout;
#     elements = { 10.0.0.0/24 . 5900 timeout 5m expires 4m59s996ms,
#                  10.1.0.5 . 5900 timeout 5m expires 5m } }
#   set remote_control_v6 { type ipv6_addr . inet_service; flags interval,timeout; }
#   chain input { ...
#     ip saddr . tcp dport @remote_control_v4 accept comment "remote control emergency"
#     ip6 saddr . tcp dport @remote_control_v6 accept comment "remote control emergency" }

NFPROTO_IPV4 = match(meta("nfproto"), "ipv4")  # what nftables 0.9.8 puts first in inet rules


REMOTE_CONTROL_RULESET = (
    """{"nftables": [
"""
    + METAINFO
    + """,
{"table": {"family": "inet", "name": "edu_tw_hardening", "handle": 7}},
{"set": {"family": "inet", "name": "remote_control_v4", "table": "edu_tw_hardening",
  "type": ["ipv4_addr", "inet_service"], "handle": 2, "flags": ["interval", "timeout"],
  "elem": [{"elem": {"val": {"concat": [{"prefix": {"addr": "10.0.0.0", "len": 24}}, 5900]},
                     "timeout": 300, "expires": 299}},
           {"elem": {"val": {"concat": ["10.1.0.5", 5900]}, "timeout": 300, "expires": 299}}]}},
{"set": {"family": "inet", "name": "remote_control_v6", "table": "edu_tw_hardening",
  "type": ["ipv6_addr", "inet_service"], "handle": 3, "flags": ["interval", "timeout"]}},
{"chain": {"family": "inet", "table": "edu_tw_hardening", "name": "input", "handle": 1,
  "type": "filter", "hook": "input", "prio": 0, "policy": "drop"}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 4,
  "comment": "remote control emergency",
  "expr": [{"match": {"op": "==",
                      "left": {"concat": [{"payload": {"protocol": "ip", "field": "saddr"}},
                                          {"payload": {"protocol": "tcp", "field": "dport"}}]},
                      "right": "@remote_control_v4"}},
           {"accept": null}]}},
{"rule": {"family": "inet", "table": "edu_tw_hardening", "chain": "input", "handle": 5,
  "comment": "remote control emergency",
  "expr": [{"match": {"op": "==",
                      "left": {"concat": [{"payload": {"protocol": "ip6", "field": "saddr"}},
                                          {"payload": {"protocol": "tcp", "field": "dport"}}]},
                      "right": "@remote_control_v6"}},
           {"accept": null}]}}
]}"""
)


def remote_control_ruleset(*first: dict, v4_elements: list | None = None) -> str:
    """REMOTE_CONTROL_RULESET with ``first`` leading each rule and other v4 elements.

    An empty ``v4_elements`` drops the set's ``elem`` key, as nft prints an empty set.
    """
    document = json.loads(REMOTE_CONTROL_RULESET)
    for item in document["nftables"]:
        if "rule" in item:
            item["rule"]["expr"][:0] = list(first)
        if v4_elements is not None and item.get("set", {}).get("name") == "remote_control_v4":
            item["set"]["elem"] = v4_elements
            if not v4_elements:
                del item["set"]["elem"]
    return json.dumps(document)


def test_remote_control_set_opens_its_ports_to_the_set_only():
    assert collect_from(remote_control_ruleset())["open_ports"] == [
        {
            "proto": "tcp",
            "port": 5900,
            "sources": ["@remote_control_v4"],
            "table": "edu_tw_hardening",
        }
    ]


def test_remote_control_set_is_read_alike_from_nftables_0_9_8():
    listing = remote_control_ruleset(NFPROTO_IPV4)
    assert '"nfproto"' in listing
    assert ports_of(collect_from(listing)) == [("tcp", 5900, ("@remote_control_v4",))]


def test_empty_remote_control_sets_open_nothing():
    assert collect_from(remote_control_ruleset(v4_elements=[]))["open_ports"] == []


def test_port_ranges_of_concatenated_elements_are_expanded():
    elements = [
        {"concat": [{"prefix": {"addr": "10.0.0.0", "len": 24}}, {"range": [5900, 5902]}]},
        {"elem": {"val": {"concat": ["10.1.0.5", 3389]}, "timeout": 300, "expires": 12}},
    ]
    listing = remote_control_ruleset(v4_elements=elements)
    assert [entry["port"] for entry in collect_from(listing)["open_ports"]] == [
        3389,
        5900,
        5901,
        5902,
    ]


def test_concatenated_port_is_intersected_with_a_port_match_before_it():
    elements = [{"concat": ["10.1.0.5", 5900]}, {"concat": ["10.1.0.5", 3389]}]
    listing = remote_control_ruleset(match(TCP_DPORT, {"set": [22, 5900]}), v4_elements=elements)
    assert ports_of(collect_from(listing)) == [("tcp", 5900, ("@remote_control_v4",))]


def test_anonymous_concatenated_set_opens_its_ports_to_its_addresses():
    pairs = {
        "set": [
            {"concat": [{"prefix": {"addr": "192.0.2.0", "len": 24}}, 22]},
            {"concat": ["198.51.100.7", 22]},
        ]
    }
    left = {"concat": [payload("ip", "saddr"), payload("udp", "dport")]}
    listing = filter_input(rule("inet", "filter", "input", match(left, pairs), ACCEPT))
    assert ports_of(collect_from(listing)) == [("udp", 22, ("192.0.2.0/24", "198.51.100.7"))]


def test_concatenated_transport_header_port_takes_protocol_from_l4proto_match():
    left = {"concat": [payload("ip", "saddr"), payload("th", "dport")]}
    listing = filter_input(
        rule(
            "inet",
            "filter",
            "input",
            match(meta("l4proto"), "udp"),
            match(left, {"concat": ["192.0.2.7", 53]}),
            ACCEPT,
        )
    )
    assert ports_of(collect_from(listing)) == [("udp", 53, ("192.0.2.7",))]


def test_other_concatenation_parts_narrow_the_match_without_hiding_its_ports():
    left = {"concat": [meta("iifname"), payload("tcp", "dport")]}
    listing = filter_input(
        rule("inet", "filter", "input", match(left, {"concat": ["eth0", 8080]}), ACCEPT)
    )
    assert ports_of(collect_from(listing)) == [("tcp", 8080, ())]


def test_unreadable_concatenation_counts_as_every_port_open():
    # No port part: the walker cannot tell what it opens, so it hides nothing.
    left = {"concat": [payload("ip", "saddr"), payload("ip", "daddr")]}
    listing = filter_input(
        rule("inet", "filter", "input", match(left, {"concat": ["192.0.2.7", "192.0.2.1"]}), ACCEPT)
    )
    assert ranges_of(collect_from(listing)) == EVERY_PORT


def test_concatenation_with_an_unreadable_element_counts_as_every_port_open():
    # A service name the walker does not know (nft -S prints names): no port can be read.
    listing = remote_control_ruleset(v4_elements=[{"concat": ["10.1.0.5", "rfb"]}])
    assert [
        (e["proto"], e["port"], e.get("port_end"), e["sources"])
        for e in collect_from(listing)["open_ports"]
    ] == [("tcp", 1, 65535, []), ("udp", 1, 65535, [])]


def test_element_of_another_shape_than_the_match_counts_as_every_port_open():
    listing = remote_control_ruleset(v4_elements=[{"concat": ["10.1.0.5", 5900, "eth0"]}])
    assert ranges_of(collect_from(listing)) == EVERY_PORT


def test_negated_concatenation_counts_as_every_port_open():
    left = {"concat": [payload("ip", "saddr"), payload("tcp", "dport")]}
    listing = filter_input(
        rule("inet", "filter", "input", match(left, {"concat": ["192.0.2.7", 22]}, "!="), ACCEPT)
    )
    assert ranges_of(collect_from(listing)) == EVERY_PORT


# --- named sets ------------------------------------------------------------------------


def sets_by_name(listing: str) -> dict[str, dict]:
    return {named["name"]: named for named in collect_from(listing)["named_sets"]}


def test_timed_set_elements_carry_seconds_left():
    assert sets_by_name(OWN_RULESET)["maint_v4"]["elements"] == [
        {"value": "192.0.2.10", "expires": 3561},
        {"value": "198.51.100.0/24", "expires": 7080},
    ]


def test_untimed_set_elements_have_no_expiry():
    assert sets_by_name(OWN_RULESET)["admin_v4"]["elements"] == [
        {"value": "203.0.113.0/28", "expires": None}
    ]


def test_named_set_reports_table_family_type_and_flags():
    maint = sets_by_name(OWN_RULESET)["maint_v4"]
    assert {key: maint[key] for key in ("table", "family", "type", "flags")} == {
        "table": "edu_tw_hardening",
        "family": "inet",
        "type": "ipv4_addr",
        "flags": ["interval", "timeout"],
    }


def test_set_without_elements_reports_an_empty_list():
    empty = {
        "set": {
            "family": "inet",
            "name": "maint_v6",
            "table": "edu_tw_hardening",
            "type": "ipv6_addr",
            "handle": 4,
            "flags": ["interval", "timeout"],
        }
    }
    assert sets_by_name(ruleset(empty))["maint_v6"]["elements"] == []


def test_concatenated_set_type_and_elements_are_joined_with_dots():
    pairs = {
        "set": {
            "family": "inet",
            "name": "pairs",
            "table": "filter",
            "type": ["ipv4_addr", "inet_service"],
            "handle": 3,
            "flags": "timeout",
            "elem": [{"concat": ["192.0.2.7", 22]}],
        }
    }
    named = sets_by_name(ruleset(pairs))["pairs"]
    assert (named["type"], named["flags"], named["elements"]) == (
        "ipv4_addr . inet_service",
        ["timeout"],
        [{"value": "192.0.2.7 . 22", "expires": None}],
    )


def test_timed_concatenated_elements_are_joined_with_dots_and_carry_seconds_left():
    assert sets_by_name(remote_control_ruleset())["remote_control_v4"]["elements"] == [
        {"value": "10.0.0.0/24 . 5900", "expires": 299},
        {"value": "10.1.0.5 . 5900", "expires": 299},
    ]


# --- other front ends ------------------------------------------------------------------

# iptables-nft (as ufw uses it on Debian) beside the collection's table.
FOREIGN_RULESET = ruleset(
    table("inet", "edu_tw_hardening"),
    table("ip", "filter"),
    table("ip6", "filter"),
    base_chain("ip", "filter", "INPUT", "input", "drop"),
    chain("ip", "filter", "ufw-user-input"),
)


def test_foreign_tables_are_named_by_family_and_name():
    evidence = collect_from(FOREIGN_RULESET)
    assert evidence["other_frontends"]["foreign_tables"] == ["ip filter", "ip6 filter"]


def test_own_table_alone_leaves_no_foreign_tables():
    assert collect_from(OWN_RULESET)["other_frontends"]["foreign_tables"] == []


def test_active_ufw_is_reported():
    host = nft_host(FOREIGN_RULESET, **{UFW: "active\n"})
    assert firewall.collect(host)["other_frontends"]["ufw"] is True


def test_inactive_ufw_is_not_reported():
    host = nft_host(FOREIGN_RULESET, **{UFW: Result(3, "inactive\n", "")})
    assert firewall.collect(host)["other_frontends"]["ufw"] is False


def test_active_firewalld_is_reported():
    host = nft_host(EMPTY_RULESET, **{FIREWALLD: "active\n"})
    assert firewall.collect(host)["other_frontends"]["firewalld"] is True


def test_iptables_legacy_rules_are_counted():
    save = """# Generated by iptables-save v1.8.9 (legacy) on Thu Jan 15 10:00:00 2026
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
# Completed on Thu Jan 15 10:00:00 2026
"""
    host = nft_host(EMPTY_RULESET, **{LEGACY: save})
    assert firewall.collect(host)["other_frontends"]["iptables_legacy_rules"] == 2


def test_missing_iptables_legacy_counts_no_rules():
    assert collect_from(EMPTY_RULESET)["other_frontends"]["iptables_legacy_rules"] == 0


def test_evidence_is_json_serialisable():
    evidence = collect_from(OWN_RULESET)
    assert json.loads(json.dumps(evidence)) == evidence
