# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Firewall evidence (MOE-15, MOE-18, MOE-19): the live nftables ruleset and other front ends.

The ruleset is read from ``nft -j list ruleset`` (libnftables JSON, nftables 0.9-1.1) and
reduced to what the evaluator needs: tables (ours or foreign), whether inbound traffic
is dropped by default per IP version (judged from the input base chains), the ports
that input rules accept and from which sources, and named sets with the seconds left on
timed elements (remote-maintenance windows). ufw, firewalld and iptables-legacy rules
are reported beside it, because more than one front end on a host means nobody knows
which rules really apply.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import FIREWALL_TABLE
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    Result,
    command_failure,
    unit_active,
    unit_enabled,
)

AREA = "firewall"

OWN_TABLE = tuple(FIREWALL_TABLE.split())

NFT_ARGV = ["nft", "-j", "list", "ruleset"]
NFTABLES_UNIT = "nftables.service"
UFW_UNIT = "ufw.service"
FIREWALLD_UNIT = "firewalld.service"
IPTABLES_LEGACY_ARGV = ["iptables-legacy-save"]

# A port range up to this size is listed port by port; a wider one as port..port_end.
MAX_EXPANDED_RANGE = 64

# Connection-tracking states of packets that belong to a connection already let in.
_TRACKED_STATES = frozenset({"established", "related"})

# How deep jump/goto chains are followed (nftables itself allows 16 levels).
MAX_JUMP_DEPTH = 16

# Families whose input hook sees IPv4 and IPv6 traffic.
_IPV4_FAMILIES = ("inet", "ip")
_IPV6_FAMILIES = ("inet", "ip6")

# Statements that do not make a rule conditional (a rule of only these and a verdict
# applies to every packet that reaches it).
_UNCONDITIONAL_STATEMENTS = frozenset({"counter", "log", "drop", "reject"})

# Service names nft prints only with ``-S``; accepted in case a ruleset carries them.
_SERVICE_PORTS = {
    "ssh": 22,
    "telnet": 23,
    "smtp": 25,
    "domain": 53,
    "http": 80,
    "https": 443,
    "ntp": 123,
    "snmp": 161,
    "ftp": 21,
    "tftp": 69,
    "mysql": 3306,
    "postgresql": 5432,
    "ms-wbt-server": 3389,
}


class _PortRange(NamedTuple):
    """An inclusive destination-port range of one transport protocol."""

    proto: str
    low: int
    high: int


class _Context(NamedTuple):
    """Conditions inherited from the rule that jumped into a chain."""

    ports: list[_PortRange] | None
    sources: list[str]


_EVERY_PORT = 1, 65535

# Destination-port and source-address payloads, as _match_key names them.
_DPORT_KEYS = (("tcp", "dport"), ("udp", "dport"), ("th", "dport"))
_SADDR_KEYS = (("ip", "saddr"), ("ip6", "saddr"))


def parse_ruleset(text: str) -> list[dict] | None:
    """The objects of an ``nft -j list ruleset`` document, or None when it is not one."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("nftables"), list):
        return None
    return [item for item in document["nftables"] if isinstance(item, dict)]


def _objects(ruleset: list[dict], kind: str) -> list[dict]:
    """The bodies of the ruleset objects of one kind ("table", "chain", "rule", "set")."""
    return [item[kind] for item in ruleset if isinstance(item.get(kind), dict)]


def format_value(value: Any) -> str:
    """A set element, address or port from nft JSON as nft would print it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, dict):
        if isinstance(value.get("elem"), dict):
            return format_value(value["elem"].get("val"))
        if isinstance(value.get("prefix"), dict):
            prefix = value["prefix"]
            return f"{format_value(prefix.get('addr'))}/{prefix.get('len')}"
        if isinstance(value.get("range"), list) and len(value["range"]) == 2:
            low, high = value["range"]
            return f"{format_value(low)}-{format_value(high)}"
        if isinstance(value.get("concat"), list):
            return " . ".join(format_value(part) for part in value["concat"])
    return json.dumps(value, sort_keys=True)


def tables(ruleset: list[dict]) -> list[dict]:
    """Every table, marked ``owned`` when it is the collection's own table."""
    return [
        {
            "family": str(table.get("family")),
            "name": str(table.get("name")),
            "owned": (table.get("family"), table.get("name")) == OWN_TABLE,
        }
        for table in _objects(ruleset, "table")
    ]


def _base_input_chains(ruleset: list[dict]) -> list[dict]:
    """The raw chain objects of base chains on the input hook."""
    return [
        chain
        for chain in _objects(ruleset, "chain")
        if chain.get("hook") == "input" and "type" in chain
    ]


def _rules_by_chain(ruleset: list[dict]) -> dict[tuple[str, str, str], list[list[dict]]]:
    """The statement lists of each chain's rules, in ruleset order."""
    rules: dict[tuple[str, str, str], list[list[dict]]] = {}
    for rule in _objects(ruleset, "rule"):
        key = (str(rule.get("family")), str(rule.get("table")), str(rule.get("chain")))
        expr = rule.get("expr")
        statements = (
            [item for item in expr if isinstance(item, dict)] if isinstance(expr, list) else []
        )
        rules.setdefault(key, []).append(statements)
    return rules


def is_unconditional_drop(statements: list[dict]) -> bool:
    """True when a rule drops or rejects every packet reaching it (counter/log allowed)."""
    names = {name for statement in statements for name in statement}
    return bool(names) and names <= _UNCONDITIONAL_STATEMENTS and bool(names & {"drop", "reject"})


def inbound_default_drop(ruleset: list[dict]) -> dict[str, bool]:
    """Whether some input base chain drops unmatched IPv4 / IPv6 traffic.

    A chain drops by default when its policy is drop or its last rule drops or rejects
    unconditionally. One such chain per family is enough: a packet dropped by any base
    chain on a hook is dropped, whatever other chains accept.
    """
    rules = _rules_by_chain(ruleset)
    result = {"ipv4": False, "ipv6": False}
    for chain in _base_input_chains(ruleset):
        key = (str(chain.get("family")), str(chain.get("table")), str(chain.get("name")))
        chain_rules = rules.get(key, [])
        drops = chain.get("policy") == "drop" or (
            bool(chain_rules) and is_unconditional_drop(chain_rules[-1])
        )
        if not drops:
            continue
        if chain.get("family") in _IPV4_FAMILIES:
            result["ipv4"] = True
        if chain.get("family") in _IPV6_FAMILIES:
            result["ipv6"] = True
    return result


def _flags(value: Any) -> list[str]:
    """Set flags as a list (nft prints a list, or a single string in some releases)."""
    if isinstance(value, list):
        return [str(flag) for flag in value]
    if isinstance(value, str):
        return [value]
    return []


def _element(value: Any) -> dict:
    """One set element with the seconds left before it expires (None when untimed)."""
    expires = None
    if isinstance(value, dict) and isinstance(value.get("elem"), dict):
        raw = value["elem"].get("expires")
        if isinstance(raw, int) and not isinstance(raw, bool):
            expires = raw
    return {"value": format_value(value), "expires": expires}


def named_sets(ruleset: list[dict]) -> list[dict]:
    """Named sets with their type, flags and elements."""
    result = []
    for body in _objects(ruleset, "set"):
        set_type = body.get("type")
        if isinstance(set_type, list):
            set_type = " . ".join(str(part) for part in set_type)
        elements = body.get("elem")
        result.append(
            {
                "table": str(body.get("table")),
                "family": str(body.get("family")),
                "name": str(body.get("name")),
                "type": str(set_type),
                "flags": _flags(body.get("flags")),
                "elements": [_element(item) for item in elements]
                if isinstance(elements, list)
                else [],
            }
        )
    return result


def _port_number(value: Any) -> int | None:
    """A port number from nft JSON (a number, digits, or a service name)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        if value.isdigit():
            return int(value)
        return _SERVICE_PORTS.get(value)
    return None


def _port_ranges(
    value: Any, protos: list[str], sets: dict[tuple[str, str, str], list], where: tuple[str, str]
) -> list[_PortRange] | None:
    """The port ranges a dport match covers, or None when they cannot be read."""
    bounds: list[tuple[int, int]] = []

    def add(item: Any) -> bool:
        if isinstance(item, dict) and isinstance(item.get("elem"), dict):
            item = item["elem"].get("val")
        if isinstance(item, dict) and isinstance(item.get("range"), list):
            if len(item["range"]) != 2:
                return False
            low, high = (_port_number(bound) for bound in item["range"])
            if low is None or high is None:
                return False
            bounds.append((low, high))
            return True
        if isinstance(item, dict) and isinstance(item.get("set"), list):
            return all(add(member) for member in item["set"])
        if isinstance(item, str) and item.startswith("@"):
            members = sets.get((where[0], where[1], item[1:]))
            return members is not None and all(add(member) for member in members)
        number = _port_number(item)
        if number is None:
            return False
        bounds.append((number, number))
        return True

    if not add(value):
        return None
    return [_PortRange(proto, low, high) for proto in protos for low, high in bounds]


def _intersect(
    outer: list[_PortRange] | None, inner: list[_PortRange] | None
) -> list[_PortRange] | None:
    """Ports matched by both a jumping rule and a rule of the chain it jumped to."""
    if outer is None:
        return inner
    if inner is None:
        return outer
    result = []
    for a in outer:
        for b in inner:
            low, high = max(a.low, b.low), min(a.high, b.high)
            if a.proto == b.proto and low <= high:
                result.append(_PortRange(a.proto, low, high))
    return result


def _elements(
    value: Any, sets: dict[tuple[str, str, str], list], where: tuple[str, str]
) -> list | None:
    """The element values (without timeout/expires) a set reference or literal stands for.

    ``@name`` is the named set of that name in the rule's table, ``{"set": [...]}`` an
    anonymous set, anything else a single value. None when a named set is unknown.
    """
    if isinstance(value, str) and value.startswith("@"):
        members = sets.get((where[0], where[1], value[1:]))
    elif isinstance(value, dict) and isinstance(value.get("set"), list):
        members = value["set"]
    else:
        members = [value]
    if members is None:
        return None
    return [
        item["elem"].get("val")
        if isinstance(item, dict) and isinstance(item.get("elem"), dict)
        else item
        for item in members
    ]


def _concat_match(
    left: Any,
    right: Any,
    protos: list[str],
    sets: dict[tuple[str, str, str], list],
    where: tuple[str, str],
) -> tuple[list[_PortRange], list[str]] | None:
    """Ports and sources of a positive concatenation match, or None when it cannot be read.

    ``ip saddr . tcp dport @remote_control_v4`` (or an anonymous set of such pairs): the
    ports are the port parts of the set's elements, the sources the set as ``@name`` (a
    named set) or the address parts (an anonymous set); an empty set gives no ports. The
    concatenation needs exactly one ``dport`` part (tcp, udp or th) and at most one ``ip`` /
    ``ip6 saddr`` part; any other part only narrows the match further, so it is left out,
    which can overstate what is open but never hides an open port. An anonymous set's
    address and port parts are not kept paired, overstating the same way. None (the caller
    then ignores the match, counting the rule as open to every port and source) for any
    other concatenation, an unknown named set or an element that is not such a tuple.
    """
    parts = left.get("concat") if isinstance(left, dict) else None
    if not isinstance(parts, list):
        return None
    keys = [_match_key(part) for part in parts]
    port_at = [i for i, key in enumerate(keys) if key in _DPORT_KEYS]
    source_at = [i for i, key in enumerate(keys) if key in _SADDR_KEYS]
    if len(port_at) != 1 or len(source_at) > 1:
        return None
    port_key = keys[port_at[0]]
    names = protos if port_key[0] == "th" else [port_key[0]]
    elements = _elements(right, sets, where)
    if elements is None:
        return None
    ports: list[_PortRange] = []
    addresses: list[str] = []
    for element in elements:
        values = element.get("concat") if isinstance(element, dict) else None
        if not isinstance(values, list) or len(values) != len(parts):
            return None
        ranges = _port_ranges(values[port_at[0]], names, sets, where)
        if ranges is None:
            return None
        for port in ranges:
            if port not in ports:
                ports.append(port)
        if source_at:
            address = format_value(values[source_at[0]])
            if address not in addresses:
                addresses.append(address)
    if not source_at:
        sources = []
    elif isinstance(right, str):
        sources = [right]  # a named set, as the walker names set sources
    else:
        sources = addresses
    return ports, sources


def _sources(value: Any) -> list[str]:
    """Source addresses of a saddr match (prefixes as a/len, named sets as @name)."""
    if isinstance(value, dict) and isinstance(value.get("set"), list):
        return [format_value(item) for item in value["set"]]
    return [format_value(value)]


def _l4protos(value: Any) -> list[str]:
    """The transport protocols (tcp/udp) a ``meta l4proto`` or ``ip protocol`` match names."""
    items = (
        value["set"] if isinstance(value, dict) and isinstance(value.get("set"), list) else [value]
    )
    named = {6: "tcp", 17: "udp", "6": "tcp", "17": "udp", "tcp": "tcp", "udp": "udp"}
    return sorted({named[item] for item in items if isinstance(item, (int, str)) and item in named})


class _Walker:
    """Follows input base chains (and the chains they jump to) collecting accepted ports."""

    def __init__(self, ruleset: list[dict]) -> None:
        self.rules = _rules_by_chain(ruleset)
        self.sets = {
            (str(body.get("family")), str(body.get("table")), str(body.get("name"))): (
                body.get("elem") if isinstance(body.get("elem"), list) else []
            )
            for body in _objects(ruleset, "set")
        }
        self.found: list[dict] = []

    def walk(self, chain: tuple[str, str, str], context: _Context, stack: tuple) -> None:
        """Examine every rule of ``chain`` under the conditions of the jump into it."""
        if chain in stack or len(stack) >= MAX_JUMP_DEPTH:
            return
        for statements in self.rules.get(chain, []):
            self._rule(chain, statements, context, (*stack, chain))

    def _record(
        self, chain: tuple[str, str, str], ports: list[_PortRange], sources: list[str]
    ) -> None:
        """Add accepted ports, expanding ranges up to MAX_EXPANDED_RANGE ports."""
        for port in ports:
            if port.high - port.low + 1 > MAX_EXPANDED_RANGE:
                numbers = [port.low]
            else:
                numbers = list(range(port.low, port.high + 1))
            for number in numbers:
                entry: dict = {"proto": port.proto, "port": number}
                if len(numbers) == 1 and port.high != number:
                    entry["port_end"] = port.high
                entry.update(sources=list(sources), table=chain[1])
                self.found.append(entry)

    def _verdict(
        self,
        chain: tuple[str, str, str],
        verdict: dict,
        ports: list[_PortRange],
        sources: list[str],
        stack: tuple,
    ) -> None:
        """Apply one verdict (accept, jump, goto) under the rule's conditions."""
        if "accept" in verdict:
            self._record(chain, ports, sources)
            return
        for kind in ("jump", "goto"):
            target = verdict.get(kind)
            if isinstance(target, dict) and isinstance(target.get("target"), str):
                self.walk((chain[0], chain[1], target["target"]), _Context(ports, sources), stack)

    def _rule(
        self, chain: tuple[str, str, str], statements: list[dict], context: _Context, stack: tuple
    ) -> None:
        """Examine one rule: gather its port and source matches, then its verdict."""
        protos = ["tcp", "udp"]
        ports: list[_PortRange] | None = None
        sources: list[str] = []
        where = (chain[0], chain[1])
        for statement in statements:
            match = statement.get("match")
            if isinstance(match, dict):
                left, op, right = match.get("left"), match.get("op", "=="), match.get("right")
                positive = op in ("==", "in")
                key = _match_key(left)
                if key in (("meta", "l4proto"), ("ip", "protocol"), ("ip6", "nexthdr")):
                    if positive:
                        protos = _l4protos(right)
                elif key in (("tcp", "dport"), ("udp", "dport"), ("th", "dport")):
                    if not positive:
                        return  # "all ports but these": not a declared service
                    names = protos if key[0] == "th" else [key[0]]
                    ranges = _port_ranges(right, names, self.sets, where)
                    if ranges is None:
                        return
                    ports = ranges if ports is None else _intersect(ports, ranges)
                elif key in (("ip", "saddr"), ("ip6", "saddr")) and positive:
                    sources.extend(_sources(right))
                elif key in (("meta", "iifname"), ("meta", "iif")) and positive and right == "lo":
                    return  # loopback traffic only: nothing is open to the network
                elif key is not None and key[0] in ("icmp", "icmpv6"):
                    return  # ICMP only: no port is open
                elif key == ("ct", "state") and positive and _tracked_only(right):
                    return  # packets of connections already let in: opens nothing new
                elif key is None and positive:
                    # ip saddr . tcp dport @set; None (unreadable): the match is ignored,
                    # so the rule counts as open to every port and source it reaches.
                    concat = _concat_match(left, right, protos, self.sets, where)
                    if concat is not None:
                        ranges, concat_sources = concat
                        if not ranges:
                            return  # an empty set: the rule accepts nothing
                        ports = ranges if ports is None else _intersect(ports, ranges)
                        sources.extend(concat_sources)
                continue
            vmap = statement.get("vmap")
            if isinstance(vmap, dict):
                self._vmap(chain, vmap, context, ports, sources, protos, stack)
                return
            if {"accept", "jump", "goto"} & set(statement):
                if ports is None:  # no port condition: every port (none for meta l4proto icmp)
                    ports = [_PortRange(proto, *_EVERY_PORT) for proto in protos]
                effective = _intersect(context.ports, ports)
                self._verdict(chain, statement, effective, sources or context.sources, stack)
                return
            if {"drop", "reject", "return", "queue"} & set(statement):
                return

    def _vmap(
        self,
        chain: tuple[str, str, str],
        vmap: dict,
        context: _Context,
        ports: list[_PortRange] | None,
        sources: list[str],
        protos: list[str],
        stack: tuple,
    ) -> None:
        """A verdict map keyed on a destination port (``tcp dport vmap { 22 : accept }``)."""
        key = _match_key(vmap.get("key"))
        data = vmap.get("data")
        if key not in (("tcp", "dport"), ("udp", "dport"), ("th", "dport")):
            return
        if not (isinstance(data, dict) and isinstance(data.get("set"), list)):
            return
        names = protos if key[0] == "th" else [key[0]]
        for pair in data["set"]:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], dict)):
                continue
            ranges = _port_ranges(pair[0], names, self.sets, (chain[0], chain[1]))
            if ranges is None:
                continue
            effective = _intersect(context.ports, _intersect(ports, ranges))
            self._verdict(chain, pair[1], effective, sources or context.sources, stack)


def _match_key(left: Any) -> tuple[str, str] | None:
    """(protocol, field) of a payload; ("meta", key) or ("ct", key) of a meta or ct expression."""
    if not isinstance(left, dict):
        return None
    payload = left.get("payload")
    if isinstance(payload, dict):
        return (str(payload.get("protocol")), str(payload.get("field")))
    meta = left.get("meta")
    if isinstance(meta, dict):
        return ("meta", str(meta.get("key")))
    conntrack = left.get("ct")
    if isinstance(conntrack, dict):
        return ("ct", str(conntrack.get("key")))
    return None


def _tracked_only(value: Any) -> bool:
    """Whether a ``ct state`` match names only states of connections already let in."""
    if isinstance(value, dict) and isinstance(value.get("set"), list):
        value = value["set"]
    states = set(value) if isinstance(value, list) else {value}
    return bool(states) and states <= _TRACKED_STATES


def open_ports(ruleset: list[dict]) -> list[dict]:
    """Destination ports accepted by input base chains and the chains they jump to."""
    walker = _Walker(ruleset)
    for chain in _base_input_chains(ruleset):
        key = (str(chain.get("family")), str(chain.get("table")), str(chain.get("name")))
        walker.walk(key, _Context(None, []), ())
    unique = {json.dumps(entry, sort_keys=True): entry for entry in walker.found}
    return sorted(
        unique.values(),
        key=lambda entry: (entry["proto"], entry["port"], entry["table"], entry["sources"]),
    )


def count_legacy_rules(save_output: str) -> int:
    """How many rules (``-A`` lines) ``iptables-legacy-save`` printed."""
    return sum(1 for line in save_output.splitlines() if line.startswith("-A "))


def nft_error(listing: Result, ruleset: list[dict] | None) -> str | None:
    """Why an installed nft could not list the ruleset; None when it did or nft is absent.

    Without nft there is no nftables firewall to read (``nft_available`` is false and the
    audit fails MOE-15 for it); an nft that is there but fails hides whatever ruleset the
    kernel holds, so the controls that read the ruleset cannot be decided.
    """
    if listing.rc == 127 or ruleset is not None:
        return None
    return command_failure(NFT_ARGV, listing) or "nft -j list ruleset printed no JSON ruleset"


def collect(host: HostReader) -> dict:
    """Firewall evidence of ``host`` in the schema the controller evaluates."""
    listing = host.run(NFT_ARGV)
    ruleset = parse_ruleset(listing.out) if listing.rc == 0 else None
    objects = ruleset or []
    legacy = host.run(IPTABLES_LEGACY_ARGV)
    table_list = tables(objects)
    return {
        "nft_available": ruleset is not None,
        "nft_error": nft_error(listing, ruleset),
        "service_enabled": unit_enabled(host, NFTABLES_UNIT),
        "tables": table_list,
        "inbound_default_drop": inbound_default_drop(objects),
        "open_ports": open_ports(objects),
        "named_sets": named_sets(objects),
        "other_frontends": {
            "ufw": unit_active(host, UFW_UNIT) is True,
            "firewalld": unit_active(host, FIREWALLD_UNIT) is True,
            "iptables_legacy_rules": count_legacy_rules(legacy.out) if legacy.rc == 0 else 0,
            "foreign_tables": [
                f"{table['family']} {table['name']}" for table in table_list if not table["owned"]
            ],
        },
    }
