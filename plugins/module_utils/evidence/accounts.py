# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence about local accounts: password aging, login shells, shared and ID-like names.

Reads ``/etc/login.defs``, ``/etc/passwd``, ``/etc/shadow`` and ``/etc/shells`` (MOE-12.9.2,
MOE-12.9.4, MOE-12.9.5). Password hashes never leave this module: a shadow password
field is reduced to ``set``, ``locked``, ``empty`` or ``unknown`` while it is parsed.
"""

from __future__ import annotations

import os
import re

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import HostReader
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.integers import parse_int

AREA = "accounts"

LOGIN_DEFS = "/etc/login.defs"
PASSWD = "/etc/passwd"
SHADOW = "/etc/shadow"
SHELLS = "/etc/shells"

SECONDS_PER_DAY = 86400

# Used by useradd when login.defs does not set them (shadow-utils defaults).
DEFAULT_UID_MIN = 1000
DEFAULT_UID_MAX = 60000

# login.defs settings reported as integers, None when unset.
AGING_KEYS = ("PASS_MAX_DAYS", "PASS_MIN_DAYS", "PASS_WARN_AGE", "PASS_MIN_LEN")

# passwd(5): an empty shell field means /bin/sh.
EMPTY_SHELL_MEANS = "/bin/sh"
NO_LOGIN_SHELLS = frozenset({"nologin", "false"})

GENERIC_NAMES = (
    "admin",
    "administrator",
    "test",
    "tester",
    "testuser",
    "guest",
    "user",
    "users",
    "shared",
    "share",
    "temp",
    "tmp",
    "demo",
    "support",
    "staff",
    "student",
    "teacher",
    "office",
    "webmaster",
    "operator",
)
_GENERIC_RE = re.compile(r"(?:{})[0-9]*".format("|".join(GENERIC_NAMES)), re.IGNORECASE)
_NATIONAL_ID_RE = re.compile(r"[A-Za-z][12][0-9]{8}")


def parse_login_defs(text: str | None) -> dict[str, str]:
    """Settings of login.defs as raw strings: ``KEY value`` lines, ``#`` lines ignored.

    Keys are case-sensitive (as shadow-utils reads them); the last occurrence of a key
    wins; a double-quoted value loses its quotes. A missing file gives an empty dict.
    """
    settings: dict[str, str] = {}
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        value = parts[1].strip() if len(parts) > 1 else ""
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        settings[parts[0]] = value
    return settings


def login_defs_evidence(settings: dict[str, str]) -> dict:
    """The login.defs part of the evidence: aging values as int or None, UID range with defaults."""
    evidence: dict = {key: parse_int(settings.get(key)) for key in AGING_KEYS}
    uid_min = parse_int(settings.get("UID_MIN"))
    uid_max = parse_int(settings.get("UID_MAX"))
    evidence["UID_MIN"] = DEFAULT_UID_MIN if uid_min is None else uid_min
    evidence["UID_MAX"] = DEFAULT_UID_MAX if uid_max is None else uid_max
    return evidence


def parse_passwd(text: str | None) -> list[dict]:
    """Entries of /etc/passwd in file order: name, uid, gid, home, shell.

    Lines that are blank, comments, NIS ``+``/``-`` entries, or do not have seven fields
    with numeric uid and gid are skipped. The shell is reported as written (may be "").
    """
    entries: list[dict] = []
    for raw in (text or "").splitlines():
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith(("#", "+", "-")):
            continue
        fields = line.split(":")
        if len(fields) < 7:
            continue
        uid = parse_int(fields[2])
        gid = parse_int(fields[3])
        if not fields[0] or uid is None or gid is None:
            continue
        entries.append(
            {"name": fields[0], "uid": uid, "gid": gid, "home": fields[5], "shell": fields[6]}
        )
    return entries


def password_status(field: str | None) -> str:
    """Classify a shadow password field: ``empty``, ``locked`` (``!``/``*`` prefix) or ``set``.

    None (no shadow entry) gives ``unknown``.
    """
    if field is None:
        return "unknown"
    if field == "":
        return "empty"
    if field.startswith(("!", "*")):
        return "locked"
    return "set"


def parse_shadow(text: str | None) -> dict[str, dict]:
    """Shadow entries by name: password status and the aging fields (int or None).

    Only the classification of the password field is kept, never the hash. The first
    entry for a name wins (as getspnam does). A missing or unreadable file gives {}.
    """
    entries: dict[str, dict] = {}
    for raw in (text or "").splitlines():
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith(("#", "+", "-")):
            continue
        fields = line.split(":")
        if len(fields) < 2 or not fields[0] or fields[0] in entries:
            continue
        fields += [""] * (9 - len(fields))
        entries[fields[0]] = {
            "password": password_status(fields[1]),
            "min_days": parse_int(fields[3]),
            "max_days": parse_int(fields[4]),
            "warn_days": parse_int(fields[5]),
            "expire_days": parse_int(fields[7]),
        }
    return entries


def parse_shells(text: str | None) -> list[str] | None:
    """Valid login shells listed in /etc/shells, or None when the file is missing."""
    if text is None:
        return None
    shells = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            shells.append(line)
    return shells


def is_login_shell(shell: str, shells: list[str] | None) -> bool:
    """Whether ``shell`` lets the account log in interactively.

    The shell must be listed in /etc/shells and not be a nologin/false program. When
    /etc/shells is missing (None), every shell that is not nologin/false counts, so a
    broken host is over-reported rather than under-reported.
    """
    effective = shell or EMPTY_SHELL_MEANS
    if os.path.basename(effective) in NO_LOGIN_SHELLS:
        return False
    if shells is None:
        return True
    return effective in shells


def is_expired(expire_days: int | None, today: int | None) -> bool:
    """Whether an account whose shadow expire field is ``expire_days`` is expired on ``today``
    (days since 1970-01-01), as shadow-utils judges it: a positive field on or before today.

    The remote_access role expires a maintenance account with the field set to 1.
    """
    if expire_days is None or today is None:
        return False
    return 0 < expire_days <= today


def build_accounts(
    passwd: list[dict],
    shadow: dict[str, dict],
    shells: list[str] | None,
    uid_min: int,
    uid_max: int,
    today: int | None = None,
) -> list[dict]:
    """One evidence record per passwd entry, in file order, joined with its shadow entry.

    ``expired`` is judged on ``today`` (days since 1970-01-01; None: never expired).
    """
    accounts = []
    for entry in passwd:
        aging = shadow.get(entry["name"], {})
        password = aging.get("password", "unknown")
        login_shell = is_login_shell(entry["shell"], shells)
        accounts.append(
            {
                "name": entry["name"],
                "uid": entry["uid"],
                "gid": entry["gid"],
                "home": entry["home"],
                "shell": entry["shell"],
                "login_shell": login_shell,
                "human": uid_min <= entry["uid"] <= uid_max
                and login_shell
                and password != "locked",
                "password": password,
                "max_days": aging.get("max_days"),
                "min_days": aging.get("min_days"),
                "warn_days": aging.get("warn_days"),
                "expire_days": aging.get("expire_days"),
                "expired": is_expired(aging.get("expire_days"), today),
            }
        )
    return accounts


def duplicate_uids(accounts: list[dict]) -> list[dict]:
    """UIDs held by two or more accounts, by ascending uid; names in file order."""
    by_uid: dict[int, list[str]] = {}
    for account in accounts:
        by_uid.setdefault(account["uid"], []).append(account["name"])
    return [{"uid": uid, "names": names} for uid, names in sorted(by_uid.items()) if len(names) > 1]


def is_generic_name(name: str) -> bool:
    """Whether ``name`` looks shared: a generic word, optionally followed by digits."""
    return _GENERIC_RE.fullmatch(name) is not None


def generic_names(accounts: list[dict]) -> list[str]:
    """Names of accounts with a login shell whose name looks generic or shared."""
    return [a["name"] for a in accounts if a["login_shell"] and is_generic_name(a["name"])]


def is_national_id(name: str) -> bool:
    """Whether ``name`` has the shape of a Taiwan national ID number (letter, 1 or 2, 8 digits)."""
    return _NATIONAL_ID_RE.fullmatch(name) is not None


def national_id_names(accounts: list[dict]) -> list[str]:
    """Names of all accounts shaped like a Taiwan national ID number."""
    return [a["name"] for a in accounts if is_national_id(a["name"])]


def empty_password(accounts: list[dict]) -> list[str]:
    """Names of accounts whose shadow password field is empty."""
    return [a["name"] for a in accounts if a["password"] == "empty"]


def passwd_error(text: str | None, entries: list[dict]) -> str | None:
    """Why the account list cannot be trusted: /etc/passwd unreadable or without an account."""
    if text is None:
        return f"{PASSWD} could not be read"
    if not entries:
        return f"{PASSWD} lists no account"
    return None


def collect(host: HostReader) -> dict:
    """Gather the accounts evidence from the host (read-only).

    ``passwd_error`` and ``shadow_error`` say why /etc/passwd or /etc/shadow could not be
    read (None when they were): without them the account list or the aging and password
    status of every account is unknown, which must not read as "no finding".
    """
    login_defs = login_defs_evidence(parse_login_defs(host.read(LOGIN_DEFS)))
    passwd_text = host.read(PASSWD)
    shadow_text = host.read(SHADOW)
    passwd = parse_passwd(passwd_text)
    accounts = build_accounts(
        passwd,
        parse_shadow(shadow_text),
        parse_shells(host.read(SHELLS)),
        login_defs["UID_MIN"],
        login_defs["UID_MAX"],
        int(host.now() // SECONDS_PER_DAY),
    )
    return {
        "login_defs": login_defs,
        "accounts": accounts,
        "duplicate_uids": duplicate_uids(accounts),
        "generic_names": generic_names(accounts),
        "national_id_names": national_id_names(accounts),
        "empty_password": empty_password(accounts),
        "passwd_error": passwd_error(passwd_text, passwd),
        "shadow_error": None if shadow_text is not None else f"{SHADOW} could not be read",
    }
