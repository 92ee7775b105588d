# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The input layer: every input of a role checked, typed and bounded before a host is touched.

A role's inputs are described in two places that sit side by side in the role:

- ``meta/argument_specs.yml`` (entry point ``main``): type, elements, choices, required
  keys, defaults: what Ansible's argument specs can say;
- ``meta/input_checks.yml``: the short table of what a spec cannot say, per input (or
  ``input.key`` for a key of a list of dicts): ``min``/``max`` bounds (a number, or
  ``{control: ID, threshold: NAME}`` to take the rule's floor from the control catalogue),
  ``format`` (one of FORMATS), ``key_format`` (the keys of a free-form dict), ``unique``
  (a key that must differ between the entries of a list of dicts), ``below`` (another
  integer input this one must stay under), ``empty_allowed`` (an empty string means "none"
  and skips the format) and ``max_length``/``max_items``.

:func:`check_inputs` coerces what people type the way Ansible documents it (booleans from
``yes``/``no``/``true``/``false``/``on``/``off``/``y``/``n``/``t``/``f``/``1``/``0``,
integers from plain ASCII digits, lists from comma-separated text), refuses everything
else, refuses a control character in any string, and returns the checked values (prefix
stripped) with one message per problem, each naming the variable. A role rule (ROLE_RULES)
adds what depends on the host, such as the firewall's "never lock the controller out".
"""

from __future__ import annotations

import datetime
import difflib
import fnmatch
import functools
import ipaddress
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from ansible_collections.edu_tw.hardening.plugins.module_utils import db_accounts as db
from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import STATE_DIR
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.databases import (
    MARIADB_SYSTEM_DATABASES,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue

COLLECTION_ROOT = Path(__file__).resolve().parents[2]

BOOLEANS_TRUE = frozenset({"y", "yes", "on", "1", "true", "t"})
BOOLEANS_FALSE = frozenset({"n", "no", "off", "0", "false", "f"})
INTEGER = re.compile(r"[+-]?[0-9]{1,64}")
MAX_LENGTH = 1024
MAX_ITEMS = 256
CHECK_KEYS = frozenset(
    {
        "max_total_length",
        "min",
        "max",
        "format",
        "key_format",
        "unique",
        "below",
        "empty_allowed",
        "max_length",
        "max_items",
        "text_is_one_entry",
        "vaulted",
    }
)
# Unicode categories that are never part of a value: controls (newline, tab, escape),
# format characters (bidirectional overrides, zero-width), line and paragraph separators,
# surrogates, private use and unassigned code points.
FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


class Invalid(ValueError):
    """A value that cannot be accepted; the message says why, without the variable name."""


class Format(NamedTuple):
    """A kind of string: what the docs say it accepts, and the check (returns the value)."""

    description: str
    check: Callable[[str], str]


def _pattern(regex: str, description: str) -> Format:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise Invalid(f"{value!r} is not {description}")
        return value

    return Format(description, check)


def _network(value: str) -> str:
    """An address or CIDR network that a firewall can use as a source, normalised."""
    what = f"{value!r} is not an IP address or CIDR network"
    if not value.isascii():
        raise Invalid(f"{what} (only ASCII digits are addresses)")
    if "%" in value:
        raise Invalid(
            f"{value!r} is a scoped address (%zone): a firewall source is an address without a zone"
        )
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise Invalid(what) from None
    address = ipaddress.ip_address(value.split("/")[0])
    if address != network.network_address:
        raise Invalid(
            f"{value!r} has host bits set: write the network ({network}) or the single "
            f"address ({address}), whichever you mean"
        )
    if network.prefixlen == 0:
        raise Invalid(
            f"{value!r} is every address: that is no firewall at all; list the networks "
            "that need access"
        )
    if network.version == 6 and (
        network.network_address.ipv4_mapped is not None
        or network.subnet_of(ipaddress.IPv6Network("::ffff:0:0/96"))
    ):
        raise Invalid(
            f"{value!r} is an IPv4-mapped IPv6 address, which never appears as a source "
            "on the wire: give the IPv4 address"
        )
    for kind in ("unspecified", "loopback", "multicast"):
        if getattr(network, f"is_{kind}"):
            article = "an" if kind[0] in "aeiou" else "a"
            raise Invalid(
                f"{value!r} is {article} {kind} address, never the source of a connection"
            )
    if network.network_address == ipaddress.IPv4Address("255.255.255.255"):
        raise Invalid(f"{value!r} is the broadcast address, never the source of a connection")
    if network.num_addresses == 1:
        return str(network.network_address)
    return str(network)


def _path(value: str) -> str:
    if not value.startswith("/"):
        raise Invalid(f"{value!r} is not an absolute path")
    if "/../" in f"{value}/":
        raise Invalid(f"{value!r} climbs out of its directory ('..')")
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise Invalid("is empty")
    return value


def _time(value: str) -> str:
    """An ISO 8601 date and time with its UTC offset, normalised to UTC ('...Z')."""
    what = f"{value!r} is not an ISO 8601 time with an offset, such as 2026-12-01T14:00:00+08:00"
    if not value.isascii():
        raise Invalid(f"{what} (only ASCII digits)")
    try:
        # Python before 3.11 reads no "Z"; it means +00:00.
        moment = datetime.datetime.fromisoformat(
            f"{value[:-1]}+00:00" if value.endswith(("Z", "z")) else value
        )
    except ValueError:
        raise Invalid(what) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(
            f"{value!r} has no UTC offset: say which time zone it is in (+08:00 for Taiwan, "
            "or Z for UTC)"
        )
    try:
        moment = moment.astimezone(datetime.timezone.utc)
    except OverflowError:
        moment = None
    # strftime writes year 999 as "999", which parse_time and the host's records refuse.
    if moment is None or not 1000 <= moment.year <= 9999:
        raise Invalid(f"{value!r} is not a time of the years 1000 to 9999 (in UTC)")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: str) -> datetime.datetime:
    """A time the ``time`` format returned, as an aware datetime."""
    return datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc
    )


WORD_FORBIDDEN = frozenset("#,;[]{}\"'\\")

# URL parts for configuration files: a DNS name or an IPv4 address or [IPv6], a port, and a
# path without query, fragment, quotes, spaces or '#'.
_URL_HOST = (
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
    r"[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]{2,45}\])"
    # A port from 1 to 65535.
    r"(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
)
_URL_PATH = r"(?:/[A-Za-z0-9._~/-]{0,200})?"
_PLAIN_PATH = r"/[A-Za-z0-9._+@/-]{0,254}"


def _config_path(value: str) -> str:
    """An absolute path that a configuration line can hold as it is."""
    what = f"{value!r} is not an absolute path of letters, digits, '.', '_', '-', '+', '@' and '/'"
    if not re.fullmatch(_PLAIN_PATH, value) or len(value) > 255:
        raise Invalid(what)
    if value != "/" and (value.endswith("/") or "//" in value):
        raise Invalid(
            f"{value!r} has an empty component ('//' or a trailing '/'): write it plainly"
        )
    if {".", ".."} & set(value.split("/")):
        raise Invalid(f"{value!r} has a '.' or '..' component: write the path it means")
    return value


def _db_host(value: str) -> str:
    """Where a database account connects from: the server itself, any host (only to name an
    account being locked or dropped; the role's rule refuses it for others), or a network."""
    if value in ("localhost", "%"):
        return value
    try:
        loopback = ipaddress.ip_network(value, strict=False).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        raise Invalid(f"{value!r} is a loopback address: write localhost")
    network = ipaddress.ip_network(_network(value))
    if network.prefixlen < (8 if network.version == 4 else 32):
        raise Invalid(
            f"{value!r} is wider than /{8 if network.version == 4 else 32}: list the "
            "application servers' addresses or networks"
        )
    return str(network.network_address) if network.num_addresses == 1 else str(network)


def _db_privilege(value: str) -> str:
    """A privilege name in upper case with single spaces (``ALL PRIVILEGES`` is ``ALL``);
    whether the engine knows it is the db_accounts rule's to say."""
    name = " ".join(value.split()).upper()
    if not re.fullmatch(r"[A-Z_]{1,32}(?: [A-Z_]{1,32}){0,3}", name):
        raise Invalid(f"{value!r} is not a privilege name (letters, '_' and single spaces)")
    return "ALL" if name == "ALL PRIVILEGES" else name


def _password(value: str) -> str:
    if not 8 <= len(value) <= 128 or not value.isprintable():
        raise Invalid("is not 8 to 128 printable characters")
    return value


def _word(value: str) -> str:
    if not value or any(char.isspace() or char in WORD_FORBIDDEN for char in value):
        raise Invalid(f"{value!r} is not one word (no spaces, none of # , ; [ ] {{ }} \" ' \\)")
    return value


FORMATS: dict[str, Format] = {
    "db_name": _pattern(
        r"[a-z_][a-z0-9_]{0,31}",
        "a database account or database name: lower-case letters, digits and '_', starting "
        "with a letter or '_' (at most 32 characters)",
    ),
    "db_grant_database": _pattern(
        r"\*|[a-z_][a-z0-9_]{0,31}",
        "a database name (lower-case letters, digits and '_', at most 32 characters), or * for "
        "every database (administrators only)",
    ),
    "db_host": Format(
        "localhost, % (only for an account being locked or dropped), or an IP address or CIDR "
        "network",
        _db_host,
    ),
    "db_privilege": Format(
        "a privilege name such as SELECT or CREATE TEMPORARY TABLES (any case)", _db_privilege
    ),
    "password": Format("8 to 128 printable characters, from a vault", _password),
    "label": _pattern(
        r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}",
        "a name of letters, digits, '.', '_' and '-' that starts with a letter or digit "
        "(at most 63 characters)",
    ),
    "account": _pattern(
        # Not digits only: pgrep, pkill and loginctl read "1000" as a UID, not a name.
        r"(?![0-9]+\Z)[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?",
        "an account name (letters, digits, '.', '_', '-', at most 32 characters)",
    ),
    "word": Format("one word: no spaces, none of # , ; [ ] { } \" ' \\", _word),
    "text": Format("non-empty text on one line", _text),
    "network": Format(
        "an IP address or CIDR network; not 0.0.0.0/0 or ::/0, not IPv4-mapped IPv6, no %zone",
        _network,
    ),
    "path": Format("an absolute path", _path),
    "ssh_public_key": _pattern(
        r"(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com"
        r"|sk-ecdsa-sha2-nistp256@openssh\.com) [A-Za-z0-9+/]{16,16384}={0,3}"
        r"( [A-Za-z0-9@._-]{1,64})?",
        "one OpenSSH public key line: type, key, and an optional comment of letters, digits, "
        "'@', '.', '_', '-' (no options: the role sets from= and expiry-time=)",
    ),
    "time": Format("an ISO 8601 time with its UTC offset (2026-12-01T14:00:00+08:00)", _time),
    "filename": _pattern(
        r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
        "a plain file name (letters, digits, '.', '_', '-'; no '/'; at most 64 characters)",
    ),
    "control_pattern": _pattern(
        r"[A-Za-z0-9.*?!\[\]-]{1,64}",
        "a control ID or shell-style pattern such as MOE-12.9.*",
    ),
    "host_pattern": _pattern(r"\S{1,512}", "an Ansible host pattern without spaces"),
    # Paths and URLs written into configuration files whose values end at a space or a '#'.
    "config_path": Format(
        "an absolute path of letters, digits, '.', '_', '-', '+', '@' and '/' "
        "(no '..', no '//', no trailing '/'; at most 255 characters)",
        _config_path,
    ),
    "url": _pattern(
        r"https?://" + _URL_HOST + _URL_PATH,
        "an http:// or https:// URL of a host name or address, an optional port and a path "
        "of letters, digits and . _ ~ - / (at most 255 characters)",
    ),
    "database_url": _pattern(
        r"(?:https?://"
        + _URL_HOST
        + _URL_PATH
        + r"|file://(?=/)(?!.*//)(?!.*/\.\.?(?:/|$))"
        + _PLAIN_PATH
        + r")",
        "an http://, https:// or file:///absolute/path URL (letters, digits and . _ ~ - / in "
        "its path)",
    ),
    "clock": _pattern(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]", "a time of day, HH:MM (00:00 to 23:59)"),
    # apt's sources: a mirror on the network, or on a disk of the host (file:/srv/mirror).
    "apt_uri": _pattern(
        r"(?:https?://"
        + _URL_HOST
        + _URL_PATH
        + r"|file:(?!.*//)(?!.*/\.\.?(?:/|$))"
        + _PLAIN_PATH
        + r")",
        "an http:// or https:// URL (a host, an optional port, a path of letters, digits and "
        ". _ ~ - /) or file:/absolute/path",
    ),
    # unattended-upgrades' Origins-Pattern: comma-separated key=value, its own keys only;
    # values of letters, digits and . _ ~ + - / or its ${distro_codename} and ${distro_id}.
    "origin_pattern": _pattern(
        r"(?:origin|o|label|l|archive|a|suite|codename|n|component|c|site)="
        r"(?:[A-Za-z0-9._~+/-]|\$\{distro_(?:codename|id)\})+"
        r"(?:,(?:origin|o|label|l|archive|a|suite|codename|n|component|c|site)="
        r"(?:[A-Za-z0-9._~+/-]|\$\{distro_(?:codename|id)\})+)*",
        "an Origins-Pattern entry: key=value pairs separated by commas, keys origin (o), label "
        "(l), archive (a), suite, codename (n), component (c), site; values of letters, "
        "digits, . _ ~ + - / and ${distro_codename} or ${distro_id}",
    ),
    "package_pattern": _pattern(
        r"[a-z0-9][a-z0-9.+-]{0,99}(?:\.\*)?",
        "a Debian package name (that package only), or a name followed by .* (every package "
        "whose name starts with it)",
    ),
    "mail_address": _pattern(
        r"[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
        "a mail address (a local part of letters, digits and . _ % + - that starts with a "
        "letter or digit, then @ and a host name)",
    ),
    "unit": _pattern(
        r"[A-Za-z0-9][A-Za-z0-9:_.@-]{0,250}",
        "a systemd unit name (letters, digits, ':', '_', '.', '@' and '-')",
    ),
    # A document the controller reads: from the site's network, or a file it has.
    "document_location": _pattern(
        r"(?:https?://" + _URL_HOST + _URL_PATH + r"|" + _PLAIN_PATH + r")",
        "an http:// or https:// URL (a host, an optional port, a path of letters, digits and "
        ". _ ~ - /) or an absolute path of a file on the controller",
    ),
}
"""Every string format a check can name, with what it accepts (shown in the role READMEs)."""


class RoleInputs(NamedTuple):
    """A role's inputs: the entry point's options and the table of further checks."""

    role: str
    options: dict[str, dict]
    checks: dict[str, dict]


def role_names(root: Path = COLLECTION_ROOT) -> list[str]:
    """The roles of the collection that have an argument spec."""
    return sorted(p.parent.parent.name for p in root.glob("roles/*/meta/argument_specs.yml"))


def load_role(role: str, root: Path = COLLECTION_ROOT, entry_point: str = "main") -> RoleInputs:
    """Read ``roles/<role>/meta/argument_specs.yml`` and ``meta/input_checks.yml``.

    :raises ValueError: when the role or its spec is missing, or the table is inconsistent
        with the spec (an unknown input, an unknown check or format, an integer or a list
        without bounds).
    """
    meta = root / "roles" / role / "meta"
    spec_path = meta / "argument_specs.yml"
    if not spec_path.is_file():
        raise ValueError(f"edu_tw.hardening has no role {role!r} with an argument spec")
    specs = yaml.safe_load(spec_path.read_text(encoding="utf-8"))["argument_specs"]
    options = specs[entry_point].get("options") or {}
    checks_path = meta / "input_checks.yml"
    checks = {}
    if checks_path.is_file():
        checks = yaml.safe_load(checks_path.read_text(encoding="utf-8")) or {}
    validate_table(role, options, checks)
    return RoleInputs(role, options, checks)


def _option_at(options: dict, path: str) -> dict | None:
    name, _sep, key = path.partition(".")
    option = options.get(name)
    if option is None or not key:
        return option
    return _option_at(option.get("options") or {}, key)


def _walk(options: dict, prefix: str = ""):
    for name, option in options.items():
        yield f"{prefix}{name}", option
        yield from _walk(option.get("options") or {}, f"{prefix}{name}.")


def validate_table(role: str, options: dict, checks: dict) -> None:
    """Raise ValueError when ``checks`` does not fit ``options`` (a defect of the role)."""
    where = f"roles/{role}/meta/input_checks.yml"
    for path, check in checks.items():
        option = _option_at(options, path)
        if option is None:
            raise ValueError(f"{where}: {path} is not an input of the argument spec")
        unknown = set(check) - CHECK_KEYS
        if unknown:
            raise ValueError(f"{where}: {path}: unknown check(s) {', '.join(sorted(unknown))}")
        for key in ("format", "key_format"):
            if key in check and check[key] not in FORMATS:
                raise ValueError(f"{where}: {path}: unknown {key} {check[key]!r}")
        if "below" in check and check["below"] not in options:
            raise ValueError(f"{where}: {path}: below names no input {check['below']!r}")
    for path, option in _walk(options):
        kinds = {option.get("type", "str"), option.get("elements")}
        if "int" in kinds and not {"min", "max"} <= set(checks.get(path, {})):
            raise ValueError(f"{where}: {path} is an integer without min and max bounds")
        free_dict = option.get("type") == "dict" and not option.get("options")
        needs_format = (kinds & {"str", "path", "raw"} or free_dict) and "choices" not in option
        if needs_format and "format" not in checks.get(path, {}):
            raise ValueError(f"{where}: {path} is a string without a format")


@functools.lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict]:
    """The control catalogue by ID, read once per process (bounds and rules look it up
    for every input of every host)."""
    return catalogue.by_id(catalogue.load())


def _bound(bound: Any) -> tuple[int, str]:
    """A bound's number and where it comes from (empty, or the control that sets it)."""
    if isinstance(bound, dict):
        control = _catalogue()[bound["control"]]
        return int(control["thresholds"][bound["threshold"]]), bound["control"]
    return int(bound), ""


def bounds_text(check: Mapping) -> str:
    """The accepted range of an integer input, for people."""
    low, low_source = _bound(check["min"])
    high, high_source = _bound(check["max"])
    text = f"{low} to {high}"
    sources = sorted({s for s in (low_source, high_source) if s})
    return f"{text} ({', '.join(sources)})" if sources else text


def _clean_text(value: str, limit: int) -> str:
    for char in value:
        if unicodedata.category(char) in FORBIDDEN_CATEGORIES:
            name = unicodedata.name(char, "a control character")
            raise Invalid(f"{value!r} contains U+{ord(char):04X} ({name}), which no value may hold")
    if len(value) > limit:
        raise Invalid(f"is {len(value)} characters long, more than {limit}")
    return str(value)


def to_bool(value: Any) -> bool:
    """A boolean the way Ansible documents them; anything else is Invalid."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        # Ansible strips the text and ignores its case; control characters never get here.
        if value.strip(" ").lower() in BOOLEANS_TRUE:
            return True
        if value.strip(" ").lower() in BOOLEANS_FALSE:
            return False
    raise Invalid(f"{value!r} is not a boolean (true/false, yes/no, on/off, y/n, t/f, 1/0)")


def to_int(value: Any) -> int:
    """An integer: a number, or a string of plain ASCII digits; anything else is Invalid."""
    if isinstance(value, bool):
        raise Invalid(f"{value!r} is a boolean, not an integer")
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and INTEGER.fullmatch(value.strip(" ")):
        return int(value.strip(" "))
    raise Invalid(f"{value!r} is not an integer (plain ASCII digits)")


def to_list(value: Any) -> list:
    """A list; a string is comma-separated items, as Ansible's own list type splits it."""
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, str):
        return [item.strip(" ") for item in value.split(",")] if value else []
    raise Invalid(f"{value!r} is not a list")


def to_dict(value: Any) -> dict:
    """A mapping; a string is a JSON object."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value.startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            raise Invalid(f"{value!r} is not a JSON object") from None
        if isinstance(parsed, dict):
            return parsed
    raise Invalid(f"{value!r} is not a mapping")


class _Checker:
    """One run of the checks over a role's raw values; collects every problem."""

    def __init__(self, role_inputs: RoleInputs) -> None:
        self.role = role_inputs
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def string(self, where: str, value: Any, check: Mapping) -> str:
        if isinstance(value, datetime.datetime) and check.get("format") == "time":
            value = value.isoformat()  # an unquoted time in YAML
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise Invalid(f"{value!r} is not a string")
        text = _clean_text(str(value), int(check.get("max_length", MAX_LENGTH)))
        if "format" not in check or (text == "" and check.get("empty_allowed")):
            return text  # a choice, checked by the caller, or an allowed empty string
        return FORMATS[check["format"]].check(text)

    def integer(self, value: Any, check: Mapping) -> int:
        number = to_int(value)
        low, low_source = _bound(check["min"])
        high, high_source = _bound(check["max"])
        if abs(number) >= 10**20:
            raise Invalid(f"{number:.3g} is far outside {low} to {high}")
        if number < low:
            floor = f", the floor of {low_source}" if low_source else ""
            raise Invalid(f"{number} is below {low}{floor} (accepted: {low} to {high})")
        if number > high:
            ceiling = f", the ceiling of {high_source}" if high_source else ""
            raise Invalid(f"{number} is above {high}{ceiling} (accepted: {low} to {high})")
        return number

    def scalar(self, where: str, path: str, kind: str, value: Any) -> Any:
        check = self.role.checks.get(path, {})
        if isinstance(value, str):
            _clean_text(value, int(check.get("max_length", MAX_LENGTH)))
        if kind == "bool":
            return to_bool(value)
        if kind == "int":
            return self.integer(value, check)
        if kind in ("str", "path", "raw"):
            return self.string(where, value, check)
        raise ValueError(f"{path}: type {kind} is not supported by the input layer")

    def value(self, where: str, path: str, option: dict, value: Any) -> Any:
        """The checked value, or raise Invalid (errors of parts are collected instead)."""
        kind = option.get("type", "str")
        check = self.role.checks.get(path, {})
        if kind == "list":
            # An entry that holds commas itself (an origin pattern) is never split: split, it
            # would become several broader entries that each pass.
            one = check.get("text_is_one_entry") and isinstance(value, str) and value
            items = [value] if one else to_list(value)
            if len(items) > int(check.get("max_items", MAX_ITEMS)):
                raise Invalid(
                    f"has {len(items)} entries, more than {check.get('max_items', MAX_ITEMS)}"
                )
            result = [
                self.part(f"{where}[{index}]", path, option, item, option.get("elements", "str"))
                for index, item in enumerate(items)
            ]
            self.unique(where, check, result)
            total = check.get("max_total_length")
            if total and len(" ".join(str(i) for i in result if i is not None)) > int(total):
                raise Invalid(f"together are longer than {total} characters")
            if check.get("format") in ("network", "db_host") and None not in result:
                _refuse_everything([r for r in result if r not in ("localhost", "%")])
            return result
        if kind == "dict":
            mapping = to_dict(value)
            limit = int(check.get("max_items", MAX_ITEMS))
            if len(mapping) > limit:
                raise Invalid(f"has {len(mapping)} entries, more than {limit}")
            if option.get("options"):
                return self.suboptions(where, path, option["options"], mapping)
            result = {}
            for key, item in mapping.items():
                try:
                    name = self.string(where, key, {"format": check.get("key_format", "text")})
                except Invalid as exc:
                    self.fail(f"{where} key", str(exc))
                    continue
                result[name] = self.part(f"{where}[{name!r}]", path, option, item, "str")
            return result
        result = self.scalar(where, path, kind, value)
        if "choices" in option and result not in option["choices"]:
            choices = ", ".join(str(c) for c in option["choices"])
            raise Invalid(f"{result!r} is not one of: {choices}")
        return result

    def part(self, where: str, path: str, option: dict, item: Any, kind: str) -> Any:
        """An element of a list or a value of a dict; its error is collected, not raised."""
        try:
            if kind == "dict":
                return self.suboptions(where, path, option.get("options") or {}, to_dict(item))
            result = self.scalar(where, path, kind, item)
            if "choices" in option and result not in option["choices"]:
                choices = ", ".join(str(c) for c in option["choices"])
                raise Invalid(f"{result!r} is not one of: {choices}")
            return result
        except Invalid as exc:
            self.fail(where, str(exc))
            return None

    def suboptions(self, where: str, path: str, options: dict, mapping: dict) -> dict:
        result = {}
        for key in sorted(set(map(str, mapping)) - set(options)):
            self.fail(where, f"unknown key {key!r} (known: {', '.join(options)})")
        for name, option in options.items():
            if name in mapping and mapping[name] is None and option.get("default") is not None:
                self.fail(f"{where}.{name}", _null_message(option))
                continue
            if name not in mapping or mapping[name] is None:
                if option.get("required"):
                    self.fail(f"{where}.{name}", "is required")
                    continue
                mapping = {**mapping, name: option.get("default")}
                if mapping[name] is None:
                    result[name] = None
                    continue
            try:
                result[name] = self.value(
                    f"{where}.{name}", f"{path}.{name}", option, mapping[name]
                )
            except Invalid as exc:
                self.fail(f"{where}.{name}", str(exc))
        return result

    def unique(self, where: str, check: Mapping, items: list) -> None:
        """Each ``unique`` entry (a key, or a list of keys taken together) differs between
        the entries of a list of dicts."""
        for keys in check.get("unique", []):
            keys = [keys] if isinstance(keys, str) else list(keys)
            seen = [
                tuple(item.get(key) for key in keys)
                for item in items
                if isinstance(item, dict) and all(item.get(key) is not None for key in keys)
            ]
            for value in sorted({v for v in seen if seen.count(v) > 1}, key=str):
                what = "/".join(keys)
                shown = "/".join(str(v) for v in value)
                self.fail(where, f"the {what} {shown!r} is declared more than once")


def _short(role: str, name: str) -> str:
    prefix = f"{role}_"
    return name[len(prefix) :] if name.startswith(prefix) else name


def _null_message(option: dict) -> str:
    default = json.dumps(option.get("default"))
    return f"is empty (null); leave it out to take the default, {default}"


def _refuse_everything(sources: list[str]) -> None:
    """Refuse sources that together cover every IPv4 or IPv6 address (0.0.0.0/1 and
    128.0.0.0/1 are 0.0.0.0/0)."""
    for version in (4, 6):
        found = [ipaddress.ip_network(s) for s in sources]
        merged = ipaddress.collapse_addresses(n for n in found if n.version == version)
        if any(network.prefixlen == 0 for network in merged):
            raise Invalid(
                f"together cover every IPv{version} address: that is no firewall at all; "
                "list the networks that need access"
            )


def unknown_variables(role_inputs: RoleInputs, names: list[str], roles: list[str]) -> list[str]:
    """A message for each of ``names`` that carries the role's prefix but is none of its
    inputs (a misspelt input is otherwise silently ignored). Names of another role whose
    name extends this one's (``audit_logging_x`` for ``audit``) are not this role's."""
    prefix = f"{role_inputs.role}_"
    longer = [f"{r}_" for r in roles if r != role_inputs.role and r.startswith(prefix)]
    known = set(role_inputs.options)
    return [
        f"{name}: is not an input of edu_tw.hardening.{role_inputs.role}"
        + (f" (did you mean {close[0]}?)" if (close := _close(name, known)) else "")
        for name in sorted(names)
        if name.startswith(prefix)
        and name not in known
        and not any(name.startswith(other) for other in longer)
    ]


def _close(name: str, known: set[str]) -> list[str]:
    return difflib.get_close_matches(name, sorted(known), n=1)


class Checked(NamedTuple):
    """The checked values of a role (prefix stripped) and every problem found."""

    values: dict[str, Any]
    errors: list[str]


def check_inputs(
    role_inputs: RoleInputs,
    raw: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    rules: bool = True,
) -> Checked:
    """Check a role's raw values (``raw`` maps full variable names to values; a missing one
    takes the spec's default). ``context`` is what the action read about the connection
    (``connection``, ``controller_address``), for the role's rule, which runs when
    ``rules`` is true and the values themselves are valid."""
    checker = _Checker(role_inputs)
    values: dict[str, Any] = {}
    for name, option in role_inputs.options.items():
        value = raw.get(name, option.get("default"))
        if value is None:
            if option.get("required") or option.get("default") is not None:
                checker.fail(
                    name, "is required" if option.get("required") else _null_message(option)
                )
            values[_short(role_inputs.role, name)] = None
            continue
        try:
            values[_short(role_inputs.role, name)] = checker.value(name, name, option, value)
        except Invalid as exc:
            checker.fail(name, str(exc))
    for name, check in role_inputs.checks.items():
        other = check.get("below")
        mine = values.get(_short(role_inputs.role, name))
        theirs = values.get(_short(role_inputs.role, other)) if other else None
        if isinstance(mine, int) and isinstance(theirs, int) and mine >= theirs:
            checker.fail(name, f"{mine} must be below {other} ({theirs})")
    if rules and not checker.errors:
        checker.errors += rule_errors(role_inputs, values, context)
    return Checked(values, checker.errors)


def _secret_paths(options: dict, prefix: str = "") -> list[str]:
    """The dotted paths of the inputs (and keys of list or dict inputs) whose spec says
    no_log: ``db_accounts_accounts.password`` as well as ``remote_access_vault_password``."""
    return [path for path, option in _walk(options, prefix) if option.get("no_log")]


def _at(value: Any, path: list[str]) -> list[Any]:
    """Every value at ``path`` (keys) below ``value``, through lists; text (a JSON document
    given with -e) is read as JSON."""
    if not path:
        return [value]
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    if isinstance(value, list):
        return [found for item in value for found in _at(item, path)]
    if isinstance(value, Mapping) and path[0] in value:
        return _at(value[path[0]], path[1:])
    return []


def secret_values(
    roles: list[RoleInputs], raw: Mapping[str, Mapping[str, Any]], checked: Mapping[str, Mapping]
) -> list[str]:
    """The non-empty values, as given and as checked, of the inputs (and keys) whose spec
    says no_log."""
    found = set()
    for role in roles:
        for path in _secret_paths(role.options):
            name, *keys = path.split(".")
            for value in (
                raw.get(role.role, {}).get(name),
                checked.get(role.role, {}).get(_short(role.role, name)),
            ):
                for secret in _at(value, keys):
                    found.update(_strings(secret))
    return sorted(found, key=len, reverse=True)


def hide_secrets(role: RoleInputs, values: dict) -> dict:
    """The role's checked values with every no_log value replaced by ``********`` (the
    audit judges declarations, and never needs a password)."""

    def hidden(value: Any, keys: list[str]) -> Any:
        if not keys:
            return "********" if value not in ("", None) else value
        if isinstance(value, list):
            return [hidden(item, keys) for item in value]
        if isinstance(value, Mapping) and keys[0] in value:
            return {**value, keys[0]: hidden(value[keys[0]], keys[1:])}
        return value

    result = dict(values)
    for path in _secret_paths(role.options):
        name, *keys = path.split(".")
        short = _short(role.role, name)
        if short in result:
            result[short] = hidden(result[short], keys)
    return result


def _strings(value: Any) -> list[str]:
    """Every non-empty string in a value (a secret given as a list, or as the values of a
    mapping, too)."""
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, (list, tuple)):
        return [text for item in value for text in _strings(item)]
    return []


def _values_at(where: str, value: Any, rest: str, vaulted: bool):
    """(where, value, whether it may be vaulted) of every value at the dotted ``rest`` of
    ``value``: through lists and mappings; in text (a JSON document given with -e) every
    value is clear text."""
    if not rest:
        yield where, value, vaulted
        return
    if isinstance(value, str):
        try:
            value, vaulted = json.loads(value), False
        except ValueError:
            return
    key, _sep, more = rest.partition(".")
    if isinstance(value, list):
        for index, item in enumerate(value):
            clear = vaulted
            if isinstance(item, str):
                # An entry given as JSON text: whatever it holds is clear text.
                try:
                    item, clear = json.loads(item), False
                except ValueError:
                    continue
            if isinstance(item, Mapping) and key in item:
                yield from _values_at(f"{where}[{index}].{key}", item[key], more, clear)
    elif isinstance(value, Mapping) and key in value:
        yield from _values_at(f"{where}.{key}", value[key], more, vaulted)


def clear_secrets(
    role_inputs: RoleInputs, raw: Mapping[str, Any], is_vaulted: Callable[[Any], bool]
) -> list[str]:
    """The inputs whose check says ``vaulted`` that were given in clear text: a password
    typed with -e, in an AWX survey or in a plain vars file is in the shell's history, the
    process list or the job's record before no_log can hide it."""
    errors = []
    for path, check in role_inputs.checks.items():
        if not check.get("vaulted"):
            continue
        name, _sep, rest = path.partition(".")
        if name not in raw:
            continue
        for where, value, may_be_vaulted in _values_at(name, raw[name], rest, True):
            if value in ("", None) or (may_be_vaulted and is_vaulted(value)):
                continue
            errors.append(
                f"{where}: is given in clear text; a password comes from a vault: encrypt it "
                "with ansible-vault encrypt_string (an inline !vault value) or keep it in a "
                "vault-encrypted vars file"
            )
    return errors


def masked(message: str, secrets: Iterable[str]) -> str:
    """``message`` with every secret, and its repr, replaced by ********."""
    for secret in secrets:
        message = message.replace(repr(secret), "'********'").replace(secret, "********")
    return message


def unchecked_roles() -> list[str]:
    """The roles of the control catalogue that have no argument spec yet (not written yet):
    the audit reads their declarations as given."""
    return sorted({control["role"] for control in _catalogue().values()} - set(role_names()))


def own_names(role: str, names: Iterable[str], roles: Iterable[str]) -> list[str]:
    """The names that carry ``role``'s prefix, less those of a role whose name extends it."""
    prefix = f"{role}_"
    longer = [f"{r}_" for r in roles if r != role and r.startswith(prefix)]
    return sorted(
        name
        for name in map(str, names)
        if name.startswith(prefix) and not any(name.startswith(other) for other in longer)
    )


def declarations(
    variables: Mapping[str, Any],
    roles: list[RoleInputs],
    names: Iterable[str] | None = None,
    problems: Mapping[str, list[str]] | None = None,
) -> dict[str, dict]:
    """The site's declarations as the audit judges them (role_inputs, mode declarations).

    ``variables`` maps variable names to their rendered values; ``names`` are every variable
    the host has (for the misspelt-input check; the keys of ``variables`` by default);
    ``problems`` what could not be rendered, by role. Returns ``inputs``: each role's values
    checked and typed as the role itself checks them, without the role's rule (it judges a
    run with what the connection says, not a declaration); ``invalid``: by role, every
    problem of a role whose declarations are refused (a variable with its prefix that is
    none of its inputs included); ``unchecked``: for each role of the catalogue without an
    argument spec, its variables as given.
    """
    names = [str(name) for name in (variables if names is None else names)]
    every_role = role_names()
    result: dict[str, dict] = {"inputs": {}, "invalid": {}, "unchecked": {}}
    for role in roles:
        raw = {name: variables[name] for name in role.options if name in variables}
        checked = check_inputs(role, raw, rules=False)
        errors = [
            *(problems or {}).get(role.role, []),
            *unknown_variables(role, names, every_role),
            *checked.errors,
        ]
        result["inputs"][role.role] = checked.values
        if errors:
            result["invalid"][role.role] = errors
    others = unchecked_roles()
    for role in others:
        own = own_names(role, variables, [*every_role, *others])
        result["unchecked"][role] = {name: variables[name] for name in own}
        if (problems or {}).get(role):
            result["invalid"][role] = list(problems[role])
    return result


def rule_errors(
    role_inputs: RoleInputs, values: dict[str, Any], context: Mapping[str, Any] | None = None
) -> list[str]:
    """The role rule's refusals (ROLE_RULES) of values that passed their own checks."""
    rule = ROLE_RULES.get(role_inputs.role)
    return rule(values, dict(context or {})) if rule else []


# ---------------------------------------------------------------- role rules


def _within(address: str, sources: list[str]) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in ipaddress.ip_network(source, strict=False) for source in sources)


def controller_address(ssh_connection: str) -> str:
    """The controller's address in an ``SSH_CONNECTION`` value as the host sees it ('' when
    there is none): the zone of a link-local address dropped, IPv4-mapped IPv6 unmapped."""
    fields = ssh_connection.split()
    if not fields:
        return ""
    try:
        address = ipaddress.ip_address(fields[0].split("%")[0])
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def controller_port(ssh_connection: str) -> int | None:
    """The port of the host that the controller's SSH connection reached (the fourth field
    of ``SSH_CONNECTION``), or None."""
    fields = ssh_connection.split()
    if len(fields) == 4 and fields[3].isascii() and fields[3].isdigit():
        return int(fields[3])
    return None


GUARD_MIN_SECONDS = 30


def firewall_lockout(values: dict, context: dict) -> list[str]:
    """Refuse a firewall whose SSH the operator could not reach (firewall role's rule).

    SSH is open from the management sources and, with ``controller_allowed``, from the
    controller's address as the host sees it (only known over an SSH connection). Refused,
    unless ``out_of_band_enabled`` says the controller reaches the host another way: SSH
    reachable from no source; a controller known to connect from an address that SSH would
    not admit. The guard may be off (0) only when the controller's address is known and
    inside the management sources; it may not be shorter than a reconnect needs.
    """
    errors = []
    management = values["management_sources"] or []
    address = context.get("controller_address") or ""
    connection = context.get("connection") or "unknown"
    seen = (
        f"the controller connects from {address} (SSH_CONNECTION)"
        if address
        else f"the controller's address is unknown (connection {connection} carries none)"
    )
    guard = values["guard_seconds"]
    port = context.get("controller_port")
    ssh_port = values["ssh_port"]
    for service in values["services"] or []:
        if (service["proto"], service["port"], service["state"]) == ("tcp", ssh_port, "present"):
            errors.append(
                f"firewall_services: {service['name']!r} opens the SSH port {ssh_port}/tcp; "
                "SSH is opened by firewall_management_sources (and the controller) only"
            )
    if 0 < guard < GUARD_MIN_SECONDS:
        errors.append(
            f"firewall_guard_seconds: {guard} is too short for the controller to reconnect "
            f"through new rules; give 0 (off) or {GUARD_MIN_SECONDS} to 3600"
        )
    if guard == 0 and not (address and _within(address, management) and port == ssh_port):
        errors.append(
            "firewall_guard_seconds: 0 turns the lockout guard off, which is allowed only "
            f"when the controller is provably inside firewall_management_sources; {seen}"
        )
    if values["out_of_band_enabled"]:
        return errors
    if port is not None and port != ssh_port:
        errors.append(
            f"firewall_ssh_port: {ssh_port}, but the controller is connected to port {port} "
            f"(SSH_CONNECTION): the ruleset would close the port the controller uses. Give "
            "the port sshd listens on, or set firewall_out_of_band_enabled: true if the "
            "controller reaches this host another way"
        )
    admits_controller = address and (values["controller_allowed"] or _within(address, management))
    if not management and not admits_controller:
        errors.append(
            "firewall_management_sources: SSH would be reachable from no source "
            f"({seen}). Declare the management networks, or set "
            "firewall_out_of_band_enabled: true if the controller reaches this host another way"
        )
    elif address and not admits_controller:
        errors.append(
            f"firewall_controller_allowed: false, and {address}, the address the controller "
            "connects from, is in none of firewall_management_sources: this run would lock "
            "the controller out. Add it to the management sources, or set "
            "firewall_out_of_band_enabled: true if the controller reaches this host another way"
        )
    return errors


def audit_selection(values: dict, context: dict) -> list[str]:
    """Refuse control patterns that match no control of the selected tiers (audit's rule):
    a typo must not become an audit that judges nothing and passes. Refuse a tracker
    location that is a path but no readable file on the controller (the action runs there)."""
    controls = [c for c in _catalogue().values() if c["tier"] in values["tiers"]]
    errors = [
        f"audit_controls: {pattern} matches no control of the catalogue in tier(s) "
        f"{', '.join(values['tiers'])}; valid IDs: {', '.join(c['id'] for c in controls)}"
        for pattern in values["controls"]
        if not any(fnmatch.fnmatchcase(c["id"], pattern) for c in controls)
    ]
    tracker = values.get("vulnerability_tracker") or ""
    if tracker.startswith("/") and not (os.path.isfile(tracker) and os.access(tracker, os.R_OK)):
        errors.append(
            f"audit_vulnerability_tracker: {tracker} is neither an http(s) URL nor a readable "
            "file on the controller"
        )
    return errors


# Accounts a remote-maintenance window may never open: the administrator's.
PRIVILEGED_ACCOUNTS = frozenset({"root", "toor"})


def remote_access_windows(values: dict, context: dict) -> list[str]:
    """Refuse maintenance windows that are not short, approved, source-limited and ahead
    (remote_access role's rule, MOE-18). ``context["now"]``, an aware datetime, is the
    controller's clock (now by default)."""
    now = context.get("now") or datetime.datetime.now(datetime.timezone.utc)
    errors = [
        f"remote_access_maintenance_accounts: {account!r} is the administrator's account; "
        "remote maintenance uses an account of its own"
        for account in values["maintenance_accounts"]
        if account in PRIVILEGED_ACCOUNTS
    ]
    longest = values["max_window_minutes"]
    widest = {4: values["min_prefix_v4"], 6: values["min_prefix_v6"]}
    names: dict[str, str] = {}
    for index, window in enumerate(values["windows"]):
        where = f"remote_access_windows[{index}] ({window['name']})"
        # Record, timer and vault file names: one window per name on any file system.
        other = names.setdefault(window["name"].lower(), window["name"])
        if other != window["name"]:
            errors.append(
                f"{where}.name: {window['name']!r} differs from {other!r} in case only; "
                "give each window a name of its own"
            )
        if not window["sources"]:
            # The host-side program refuses a record without sources, and with it every
            # record: no window would close at its end any more.
            errors.append(f"{where}.sources: is empty; list the maintainer's own addresses")
        if window["account"] not in values["maintenance_accounts"]:
            errors.append(
                f"{where}.account: {window['account']!r} is not one of "
                "remote_access_maintenance_accounts; declare it there first"
            )
        start, end = parse_time(window["start"]), parse_time(window["end"])
        if end <= start:
            errors.append(f"{where}.end: {window['end']} is not after start {window['start']}")
        elif end - start > datetime.timedelta(minutes=longest):
            minutes = int((end - start).total_seconds() // 60)
            errors.append(
                f"{where}: lasts {minutes} minutes, longer than remote_access_max_window_minutes "
                f"({longest}); a window is short: ask for another one when it ends"
            )
        if end <= now:
            errors.append(
                f"{where}.end: {window['end']} has passed; remove the window from "
                "remote_access_windows (its record on the host stays as evidence)"
            )
        for source in window["sources"]:
            network = ipaddress.ip_network(source)
            if network.prefixlen < widest[network.version]:
                errors.append(
                    f"{where}.sources: {source} is wider than /{widest[network.version]} "
                    f"(remote_access_min_prefix_v{network.version}); list the maintainer's "
                    "own addresses"
                )
    return errors


# Directories the kernel or the running system makes: never scanned or watched.
# (/var/run and /var/lock are links into /run.)
VIRTUAL_DIRS = ("/proc", "/sys", "/dev", "/run", "/var/run", "/var/lock")
# ... and those clamonacc must never watch (fanotify on them stalls the system); /bin, /sbin,
# /lib and /lib64 are links into /usr on Debian 12 and later.
NEVER_WATCHED = (
    "/usr",
    "/etc",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    *VIRTUAL_DIRS,
)
# ... and where a quarantine never goes: directories others write to (a user could swap it
# for a link to /etc, and root would move files there), and directories whose mode the role
# would make root's only (0700).
NO_QUARANTINE = (
    *NEVER_WATCHED,
    "/tmp",
    "/var/tmp",
    "/dev/shm",
    "/home",
    "/root",
    "/boot",
    "/var/lib/clamav",
    "/var/log",
    "/var/mail",
    "/var/spool",
)
# ClamAV's own databases: a custom database of one of these names would pass for them.
OFFICIAL_DATABASE_NAMES = frozenset(
    f"{name}.{suffix}"
    for name in ("main", "daily", "bytecode")
    for suffix in ("cvd", "cld", "cdiff")
)


def _inside(path: str, top: str) -> bool:
    """Whether ``path`` is ``top`` or below it (both plain absolute paths)."""
    return path == top or path.startswith(top.rstrip("/") + "/")


def antivirus_paths(values: dict, context: dict) -> list[str]:
    """Refuse scan and on-access paths that are, hold or lie inside system directories, and
    a quarantine inside (or holding) a scanned or watched path (antivirus role's rule)."""
    errors = []
    for name, forbidden in (("scan_paths", VIRTUAL_DIRS), ("on_access_paths", NEVER_WATCHED)):
        for path in values[name]:
            for system in forbidden:
                if _inside(path, system) or _inside(system, path):
                    where = "is inside" if _inside(path, system) else "holds"
                    errors.append(
                        f"antivirus_{name}: {path} {where} {system}, which is never "
                        f"{'watched' if name == 'on_access_paths' else 'scanned'}; name the "
                        "directories that hold data"
                    )
                    break
    quarantine = values["quarantine_dir"]
    for system in NO_QUARANTINE:
        if _inside(quarantine, system) or _inside(system, quarantine):
            where = "is inside" if _inside(quarantine, system) else "holds"
            errors.append(
                f"antivirus_quarantine_dir: {quarantine} {where} {system}; give the quarantine "
                "a directory of its own that only root writes to (the default is "
                "/var/lib/edu_tw_hardening/quarantine)"
            )
            break
    else:
        if _inside(STATE_DIR, quarantine):
            errors.append(
                f"antivirus_quarantine_dir: {quarantine} holds the collection's records "
                f"({STATE_DIR}); give the quarantine a directory of its own (the default is "
                f"{STATE_DIR}/quarantine)"
            )
        elif quarantine.count("/") < 2:
            errors.append(
                f"antivirus_quarantine_dir: {quarantine} is a top-level directory; give the "
                "quarantine a directory of its own (the default is "
                "/var/lib/edu_tw_hardening/quarantine)"
            )
    if not values["scan_paths"]:
        errors.append("antivirus_scan_paths: is empty; name the directories the daily scan walks")
    for name in ("scan_paths", "on_access_paths"):
        for index, path in enumerate(values[name]):
            for other in values[name][:index]:
                if _inside(path, other) or _inside(other, path):
                    errors.append(
                        f"antivirus_{name}: {path} and {other} overlap; list each directory once"
                    )
    for url in values["custom_urls"]:
        if url.rsplit("/", 1)[-1] in OFFICIAL_DATABASE_NAMES:
            errors.append(
                f"antivirus_custom_urls: {url} names one of ClamAV's own databases; a custom "
                "database needs a name of its own (ClamAV's come from the mirrors)"
            )
    for name in ("scan_paths", "on_access_paths"):
        for path in values[name]:
            if _inside(quarantine, path) or _inside(path, quarantine):
                errors.append(
                    f"antivirus_quarantine_dir: {quarantine} and antivirus_{name} entry "
                    f"{path} overlap; the quarantine is never scanned or watched itself"
                )
    if values["on_access_enabled"] and not values["on_access_paths"]:
        errors.append(
            "antivirus_on_access_paths: is empty while antivirus_on_access_enabled is true; "
            "name the directories to watch"
        )
    return errors


def patching_window(values: dict, context: dict) -> list[str]:
    """The reboot window of a patch run (patching's rule): no window (start and end empty) or
    both times, the end after the start on the same day; days only with times."""
    window = values["reboot_window"]
    start, end, days = window["start"], window["end"], window["days"]
    if not start and not end:
        if days:
            return [
                "patching_reboot_window: days are given without start and end; give the "
                "times of the window, or no days for no window"
            ]
        return []
    if not start or not end:
        return ["patching_reboot_window: give both start and end (HH:MM), or neither for no window"]
    if end <= start:
        return [
            f"patching_reboot_window: the window ends ({end}) at or before its start ({start}); "
            "a window lies within one day (split one that runs past midnight in two runs)"
        ]
    return []


DB_ENGINES = {
    "mariadb": {
        "title": "MariaDB",
        "application": db.MARIADB_DATABASE_PRIVILEGES,
        "admin": db.MARIADB_ADMIN_PRIVILEGES,
        "system_accounts": db.MARIADB_SYSTEM_ACCOUNTS,
        "system_databases": MARIADB_SYSTEM_DATABASES,
    },
    "postgresql": {
        "title": "PostgreSQL",
        "application": db.POSTGRESQL_TABLE_PRIVILEGES | db.POSTGRESQL_DATABASE_PRIVILEGES,
        "admin": db.POSTGRESQL_ADMIN_PRIVILEGES,
        "system_accounts": db.POSTGRESQL_SYSTEM_ROLES,
        "system_databases": db.POSTGRESQL_SYSTEM_DATABASES,
    },
}


def _db_account_errors(where: str, account: dict) -> list[str]:
    """What one declared database account may not be (db_accounts' rule)."""
    engine = DB_ENGINES[account["engine"]]
    title, admin = engine["title"], account["admin"]
    errors = []
    postgresql = account["engine"] == "postgresql"
    if postgresql and account["name"] in db.POSTGRESQL_HBA_KEYWORDS:
        errors.append(
            f"{where}.name: {account['name']} is a keyword of pg_hba.conf; give the role "
            "another name"
        )
    if account["name"] in engine["system_accounts"]:
        errors.append(
            f"{where}.name: {account['name']} is the {title} server's own account; the role "
            "never changes it (it is listed as an administrator in the access list)"
        )
    if admin and not account["admin_reason"]:
        errors.append(
            f"{where}.admin_reason: an administrator needs a reason (why this account needs "
            "more than an application's privileges); it shows in the access list"
        )
    if not admin and account["admin_reason"]:
        errors.append(f"{where}.admin_reason: is given but admin is false; say admin: true")
    if account["attributes"] and (not admin or account["engine"] != "postgresql"):
        errors.append(
            f"{where}.attributes: role attributes ({', '.join(account['attributes'])}) are "
            "for PostgreSQL administrators only (admin: true with admin_reason)"
        )
    present = account["state"] == "present"
    if present and not account["password"]:
        errors.append(f"{where}.password: is required for an account in state present")
    for host in account["hosts"]:
        if host == "%" and present:
            errors.append(
                f"{where}.hosts: % (any host) is only for naming an account to lock or drop; "
                "list the application servers' addresses"
            )
        elif account["engine"] == "mariadb" and host not in ("localhost", "%"):
            network = ipaddress.ip_network(host)
            if network.version == 6 and network.num_addresses > 1:
                errors.append(
                    f"{where}.hosts: {host}: MariaDB takes single IPv6 addresses, not networks"
                )
    known = engine["application"] | engine["admin"]
    for index, grant in enumerate(account["grants"]):
        at = f"{where}.grants[{index}]"
        database = grant["database"]
        if database == "*" and account["engine"] == "postgresql":
            errors.append(
                f"{at}.database: * is not a PostgreSQL database; name the database (an "
                "administrator's server-wide rights are its attributes)"
            )
        elif database == "*" and not admin:
            errors.append(
                f"{at}.database: * (privileges on *.*, every database) is for administrators "
                "only; grant on the application's own databases"
            )
        elif postgresql and database in db.POSTGRESQL_HBA_KEYWORDS:
            errors.append(
                f"{at}.database: {database} is a keyword of pg_hba.conf, not a database name "
                "the role can grant on"
            )
        elif database in engine["system_databases"] and not admin:
            errors.append(
                f"{at}.database: {database} is a system database of {title}; an application "
                "gets its own databases only"
            )
        for privilege in grant["privileges"]:
            if privilege not in known:
                errors.append(
                    f"{at}.privileges: {privilege} is not a {title} privilege the role knows "
                    f"(known: {', '.join(sorted(known))})"
                )
            elif privilege in engine["admin"] and not admin:
                errors.append(
                    f"{at}.privileges: {privilege} is an administrator's privilege; an "
                    "application account never holds it (declare admin: true with an "
                    "admin_reason if this account administers the server)"
                )
            elif privilege == "GRANT OPTION" and database != "*":
                errors.append(
                    f"{at}.privileges: GRANT OPTION is declared on database * (an "
                    "administrator's, server-wide)"
                )
            elif (
                account["engine"] == "mariadb"
                and database != "*"
                and privilege in engine["admin"] - {"ALL", "GRANT OPTION"}
            ):
                errors.append(
                    f"{at}.privileges: {privilege} is a server-wide privilege; grant it on "
                    "database *"
                )
        if not grant["privileges"]:
            errors.append(f"{at}.privileges: is empty; leave the grant out instead")
    return errors


def db_accounts_policy(values: dict, context: dict) -> list[str]:
    """Declared database accounts (db_accounts' rule): least privilege for applications,
    a reason for every administrator, the engine's own privilege names and accounts."""
    errors = []
    for index, account in enumerate(values["accounts"]):
        where = f"db_accounts_accounts[{index}] ({account['name']})"
        errors += _db_account_errors(where, account)
    return errors


ROLE_RULES: dict[str, Callable[[dict, dict], list[str]]] = {
    "db_accounts": db_accounts_policy,
    "patching": patching_window,
    "firewall": firewall_lockout,
    "audit": audit_selection,
    "remote_access": remote_access_windows,
    "antivirus": antivirus_paths,
}
"""Checks of a role that need more than one value: the catalogue, or what the action read
of the connection."""

CONTEXT_ROLES = frozenset({"firewall"})
"""Roles whose rule needs the controller's address as the host sees it."""


# ---------------------------------------------------------------- documentation


BOOLEAN_TEXT = "true/false (also yes/no, on/off, y/n, t/f, 1/0)"


def accepts(role_inputs: RoleInputs, path: str) -> str:
    """What an input (or ``input.key``) accepts, for the role README: the same table that
    the checks read, so the documentation cannot drift from them."""
    option = _option_at(role_inputs.options, path) or {}
    check = role_inputs.checks.get(path, {})
    kind = option.get("type", "str")
    parts = []
    if kind == "list":
        element = option.get("elements", "str")
        what = (
            "mappings with the keys below"
            if element == "dict"
            else f"({_scalar_accepts(element, option, check)})"
        )
        text = "one entry as text" if check.get("text_is_one_entry") else "comma-separated text"
        parts.append(f"a list (also as {text}) of {what}")
        parts.append(f"at most {check.get('max_items', MAX_ITEMS)} entries")
        for keys in check.get("unique", []):
            keys = [keys] if isinstance(keys, str) else list(keys)
            parts.append(f"each {' and '.join(keys)}{' together' if len(keys) > 1 else ''} once")
    elif kind == "dict" and not option.get("options"):
        key = FORMATS[check.get("key_format", "text")].description
        value = FORMATS[check["format"]].description
        parts.append(f"a mapping (also as a JSON object) of ({key}) to ({value})")
    elif kind == "dict":
        parts.append("a mapping (also as a JSON object) with the keys below")
    else:
        parts.append(_scalar_accepts(kind, option, check))
    if "below" in check:
        parts.append(f"below {check['below']}")
    return "; ".join(parts)


def _scalar_accepts(kind: str, option: dict, check: Mapping) -> str:
    if kind == "bool":
        return BOOLEAN_TEXT
    if kind == "int":
        return f"an integer, {bounds_text(check)}"
    if "choices" in option:
        return "one of " + ", ".join(str(c) for c in option["choices"])
    text = FORMATS[check["format"]].description
    if check.get("empty_allowed"):
        text += ", or empty for none"
    if "max_length" in check:
        text += f", at most {check['max_length']} characters"
    return text
