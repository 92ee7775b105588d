# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The database accounts rule (MOE-42.2.4) and the database part of the access list (MOE-22).

Every declared account must hold exactly its declared grants: the differences are the steps
the db_accounts role would take (module_utils/db_accounts.py, the one definition of both).
An account nobody declared may hold no server-wide privilege or attribute, no GRANT OPTION,
and on databases no more than the declared ceiling. The baseline (anonymous accounts,
remote root, test databases, what PUBLIC holds) is judged whether or not the role
applies it.
"""

from __future__ import annotations

import re
from typing import Any

from ansible_collections.edu_tw.hardening.plugins.module_utils import db_accounts as db
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.databases import (
    MARIADB_LOCAL_HOSTS,
    MARIADB_SYSTEM_DATABASES,
    POSTGRESQL_ADMIN_FLAGS,
    is_anonymous,
    is_public,
    is_remote_root,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    Rule,
    Verdict,
    missing,
    verdict,
)

DEFAULT_CEILING = ("SELECT", "INSERT", "UPDATE", "DELETE")
SYSTEM_REASON = "the database server's own administrator (local socket)"


def _declared(inputs: dict, engine: str) -> list[dict]:
    return [a for a in inputs.get("db_accounts_accounts") or [] if a.get("engine") == engine]


def _ceiling(inputs: dict) -> set[str]:
    return set(inputs.get("db_accounts_undeclared_ceiling") or DEFAULT_CEILING)


def _mariadb_declared_names(accounts: list[dict]) -> dict[tuple[str, str], dict]:
    names = {}
    for account in accounts:
        for host in account.get("hosts") or ["localhost"]:
            names[(account["name"], db.mariadb_host(host))] = account
    return names


def is_mariadb_system(account: dict) -> bool:
    """The server's own accounts (root, mysql, mariadb.sys) as Debian installs them: local."""
    return account["user"] in db.MARIADB_SYSTEM_ACCOUNTS and account["host"] in MARIADB_LOCAL_HOSTS


def like(pattern: str, name: str) -> bool:
    """Whether a database-level grant's name, a LIKE pattern as MariaDB stores it (``%``,
    ``_``, backslash escapes), covers the database ``name``."""
    regex, escaped = "", False
    for char in pattern:
        if escaped:
            regex += re.escape(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            regex += ".*"
        elif char == "_":
            regex += "."
        else:
            regex += re.escape(char)
    return re.fullmatch(regex, name, flags=re.IGNORECASE | re.DOTALL) is not None


def _mariadb_effective(
    account: dict, roles: dict[str, dict], seen: frozenset = frozenset()
) -> list[dict]:
    """The account and every role it holds, through roles of roles."""
    found = [account]
    for name in account.get("roles") or []:
        role = roles.get(name)
        if role is not None and name not in seen:
            found += _mariadb_effective(role, roles, seen | {name})
    return found


def mariadb_undeclared(
    account: dict, ceiling: set[str], roles: dict[str, dict] | None = None
) -> list[str]:
    """What an undeclared MariaDB account (or role) holds beyond the ceiling, itself or
    through the roles it holds."""
    found = []
    start = frozenset({account["user"]}) if account["role"] else frozenset()
    for holder in _mariadb_effective(account, roles or {}, start):
        via = "" if holder is account else f" (through the role {holder['user']})"
        if holder["global"]:
            found.append(f"server-wide privileges on *.*: {', '.join(holder['global'])}{via}")
        if holder["grantable"]:
            found.append(f"GRANT OPTION{via}")
        for proxied in holder.get("proxies") or []:
            found.append(f"PROXY on {proxied}{via}")
        for level in ("databases", "tables", "columns", "routines"):
            for target, held in holder[level].items():
                # The system databases hold every account's password hash: nothing of them,
                # also through a pattern such as % or my%.
                if level == "databases":
                    system = any(like(target, name) for name in MARIADB_SYSTEM_DATABASES)
                else:  # a table, column or routine grant names its database as it is
                    system = target.split(".", 1)[0].lower() in MARIADB_SYSTEM_DATABASES
                above = sorted(set(held) if system else set(held) - ceiling)
                if above:
                    suffix = ".*" if level == "databases" else ""
                    found.append(f"{', '.join(above)} on {target}{suffix}{via}")
    return found


def postgresql_undeclared(
    role: dict, ceiling: set[str], roles: dict[str, dict] | None = None
) -> list[str]:
    """What an undeclared PostgreSQL role holds beyond the ceiling."""
    roles = roles or {}
    found = [f"the attribute {flag.upper()}" for flag in POSTGRESQL_ADMIN_FLAGS if role.get(flag)]
    for group in role.get("member_of") or []:
        name = group.removesuffix(" (admin)")
        other = roles.get(name) or {}
        if name.startswith("pg_") or any(other.get(flag) for flag in POSTGRESQL_ADMIN_FLAGS):
            found.append(f"membership of {name}, a role with server-wide rights")
    found += [f"owns {owned}" for owned in role.get("owns") or []]
    for parameter, held in sorted((role.get("parameters") or {}).items()):
        found.append(f"{', '.join(held)} on the server parameter {parameter}")
    for database, held in sorted((role.get("databases") or {}).items()):
        extra = [
            p
            for p in held.get("database", [])
            if p.removesuffix(" WITH GRANT OPTION") not in ("CONNECT", "TEMPORARY")
            or p.endswith(" WITH GRANT OPTION")
        ]
        if extra:
            found.append(f"{', '.join(extra)} on database {database}")
        for target, privileges in sorted((held.get("system") or {}).items()):
            found.append(f"{', '.join(privileges)} on {target} in {database}")
        for target, privileges in sorted((held.get("columns") or {}).items()):
            above = [p for p in privileges if p.split(" (", 1)[0] not in ceiling]
            if above:
                found.append(f"{', '.join(above)} on {target} in {database}")
        for schema, privileges in sorted((held.get("schemas") or {}).items()):
            above = [p for p in privileges if p != "USAGE"]
            if above:
                found.append(f"{', '.join(above)} on schema {database}.{schema}")
        for kind in ("tables", "sequences"):
            for schema, counts in sorted((held.get(kind) or {}).items()):
                allowed = ceiling if kind == "tables" else {"USAGE", "SELECT", "UPDATE"}
                above = sorted(p for p, c in counts.items() if c["held_on"] and p not in allowed)
                if above:
                    found.append(f"{', '.join(above)} on {kind} in {database}.{schema}")
    return found


def _judge_mariadb(maria: dict, declared: list[dict], ceiling: set[str]) -> list[str]:
    reasons = [f"MariaDB: {s.account} {s.what}" for s in db.plan_mariadb_baseline(maria)]
    for account in declared:
        reasons += [
            f"MariaDB: {s.account} {s.what}" for s in db.plan_mariadb_account(account, maria)
        ]
    names = _mariadb_declared_names(declared)
    roles = {a["user"]: a for a in maria["accounts"] if a["role"]}
    for account in maria["accounts"]:
        key = (account["user"], account["host"])
        if key in names or is_mariadb_system(account):
            continue
        if is_anonymous(account) or is_remote_root(account) or is_public(account):
            continue  # the baseline's findings
        for finding in mariadb_undeclared(account, ceiling, roles):
            reasons.append(f"MariaDB: {account['name']} (undeclared) holds {finding}")
    return reasons


def _judge_postgresql(pg: dict, declared: list[dict], ceiling: set[str]) -> list[str]:
    reasons = [f"PostgreSQL: {s.account} {s.what}" for s in db.plan_postgresql_baseline(pg)]
    for account in declared:
        reasons += [
            f"PostgreSQL: {s.account} {s.what}" for s in db.plan_postgresql_account(account, pg)
        ]
        if account.get("state", "present") == "present":
            reasons += [f"PostgreSQL: {f}" for f in db.hba_findings(account, pg["hba"])]
    names = {account["name"] for account in declared}
    roles = {role["name"]: role for role in pg["roles"]}
    for role in pg["roles"]:
        if role["name"] in names or role["name"] in db.POSTGRESQL_SYSTEM_ROLES:
            continue
        for finding in postgresql_undeclared(role, ceiling, roles):
            reasons.append(f"PostgreSQL: {role['name']} (undeclared) holds {finding}")
    return reasons


def database_privileges(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.2.4: declared accounts hold exactly their grants; undeclared ones no more than
    the ceiling; the baseline holds."""
    data = ev["databases"]
    maria, pg = data["mariadb"], data["postgresql"]
    unread = missing(ev, "databases", "packages")
    if unread:
        return Verdict("fail", unread, {})
    if not maria["installed"] and not pg["installed"]:
        return Verdict("not_applicable", [], {"mariadb": False, "postgresql": False})
    ceiling = _ceiling(inputs)
    reasons: list[str] = []
    shown: dict[str, Any] = {"undeclared_ceiling": sorted(ceiling)}
    for engine, server, judge in (
        ("mariadb", maria, _judge_mariadb),
        ("postgresql", pg, _judge_postgresql),
    ):
        if not server["installed"]:
            continue
        title = "MariaDB" if engine == "mariadb" else "PostgreSQL"
        if server["error"]:
            reasons.append(f"{MISSING}: databases: {title} could not be read: {server['error']}")
            if not (server.get("accounts") or server.get("roles")):
                continue
        reasons += judge(server, _declared(inputs, engine), ceiling)
        shown[engine] = {
            "version": server.get("version"),
            "declared": len(_declared(inputs, engine)),
        }
    return verdict(reasons, shown)


# ---------------------------------------------------------------- access list (MOE-22)


def _mariadb_privileges(account: dict) -> list[str]:
    held = [f"{', '.join(account['global'])} ON *.*"] if account["global"] else []
    held += [f"{', '.join(p)} ON {d}.*" for d, p in account["databases"].items()]
    held += [f"{', '.join(p)} ON {t}" for t, p in account["tables"].items()]
    held += [f"{', '.join(p)} ON {c} (column)" for c, p in account["columns"].items()]
    held += [f"{', '.join(p)} ON {r} (routine)" for r, p in account["routines"].items()]
    held += [f"role {r}" for r in account["roles"]]
    held += [f"PROXY ON {p}" for p in account.get("proxies") or []]
    if account["grantable"]:
        held.append("GRANT OPTION")
    return held


def _pg_privileges(role: dict) -> list[str]:
    held = [f.upper() for f in POSTGRESQL_ADMIN_FLAGS if role.get(f)]
    held += [f"member of {group}" for group in role.get("member_of") or []]
    held += [f"owns {owned}" for owned in role.get("owns") or []]
    held += [
        f"{', '.join(privileges)} ON PARAMETER {parameter}"
        for parameter, privileges in sorted((role.get("parameters") or {}).items())
    ]
    for database, place in sorted((role.get("databases") or {}).items()):
        if place.get("database"):
            held.append(f"{', '.join(place['database'])} ON DATABASE {database}")
        for key in ("system", "columns"):
            for target, privileges in sorted((place.get(key) or {}).items()):
                held.append(f"{', '.join(privileges)} ON {target} (in {database})")
        for schema, privileges in sorted((place.get("schemas") or {}).items()):
            held.append(f"{', '.join(privileges)} ON SCHEMA {database}.{schema}")
        for kind in ("tables", "sequences"):
            for schema, counts in sorted((place.get(kind) or {}).items()):
                parts = [
                    p if c["held_on"] == c["of"] else f"{p} ({c['held_on']} of {c['of']})"
                    for p, c in counts.items()
                ]
                held.append(f"{', '.join(parts)} ON {kind.upper()} IN {database}.{schema}")
    return held


def _row(
    name: str,
    kind: str,
    locked: bool,
    held: list[str],
    own: dict | None,
    system: bool,
    powerful: bool,
    above: list[str],
) -> dict[str, Any]:
    """One line of the access list."""
    return {
        "name": name,
        "kind": kind,
        "locked": locked,
        "privileges": held,
        "administrator": system or bool(own and own.get("admin")) or powerful,
        "reason": SYSTEM_REASON if system else (own or {}).get("admin_reason", ""),
        "declared": system or own is not None,
        "above_ceiling": [] if system or own is not None else above,
    }


def database_access_list(evidence: dict, inputs: dict) -> dict[str, Any]:
    """Every account or role of the host's database servers with its privileges, whether it
    is an administrator (and why) and whether anyone declared it (a MariaDB account by its
    user and host, as the role makes it)."""
    ceiling = _ceiling(inputs)
    listed: dict[str, Any] = {}
    maria = evidence.get("mariadb") or {}
    if maria.get("installed"):
        accounts = maria.get("accounts") or []
        names = _mariadb_declared_names(_declared(inputs, "mariadb"))
        roles = {a["user"]: a for a in accounts if a["role"]}
        rows = []
        for account in accounts:
            above = mariadb_undeclared(account, ceiling, roles)
            powerful = bool(account["global"]) or account["grantable"]
            rows.append(
                _row(
                    account["name"],
                    "role" if account["role"] else "account",
                    account["locked"],
                    _mariadb_privileges(account),
                    names.get((account["user"], account["host"])),
                    is_mariadb_system(account),
                    powerful,
                    above,
                )
            )
        listed["mariadb"] = {"error": maria.get("error"), "accounts": rows}
    pg = evidence.get("postgresql") or {}
    if pg.get("installed"):
        declared = {a["name"]: a for a in _declared(inputs, "postgresql")}
        roles = {r["name"]: r for r in pg.get("roles") or []}
        rows = []
        for role in pg.get("roles") or []:
            above = postgresql_undeclared(role, ceiling, roles)
            powerful = any(role.get(flag) for flag in POSTGRESQL_ADMIN_FLAGS) or any(
                finding.startswith("membership of") for finding in above
            )
            rows.append(
                _row(
                    role["name"],
                    "role" if role["login"] else "group role (NOLOGIN)",
                    not role["login"],
                    _pg_privileges(role),
                    declared.get(role["name"]),
                    role["name"] in db.POSTGRESQL_SYSTEM_ROLES,
                    powerful,
                    above,
                )
            )
        listed["postgresql"] = {"error": pg.get("error"), "accounts": rows}
    return listed


RULES: dict[str, Rule] = {"MOE-42.2.4": database_privileges}
