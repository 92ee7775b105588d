# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The database accounts rule (MOE-42.2.4)."""

from __future__ import annotations

from typing import Any

from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    Rule,
    Verdict,
    missing,
    verdict,
)

# Accounts that the operating system or the database server itself needs with full rights.
MARIADB_SYSTEM_ACCOUNTS = frozenset({"root", "mysql", "mariadb.sys", "debian-sys-maint"})
POSTGRESQL_SYSTEM_ROLES = frozenset({"postgres"})


def database_privileges(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.2.4: no application account holds administrative database privileges."""
    db = ev["databases"]
    maria, pg = db["mariadb"], db["postgresql"]
    unread = missing(ev, "databases", "packages")
    if unread:
        return Verdict("fail", unread, {})
    if not maria["installed"] and not pg["installed"]:
        return Verdict("not_applicable", [], {"mariadb": False, "postgresql": False})
    admins = set(inputs.get("database_accounts_admins") or [])
    reasons = []
    shown: dict[str, Any] = {}
    if maria["installed"]:
        if maria["error"]:
            reasons.append(
                f"{MISSING}: databases: MariaDB grants could not be read: {maria['error']}"
            )
        privileged = []
        for acc in maria["accounts"]:
            flags = [f for f in ("super", "grant_option", "all_global", "create_user") if acc[f]]
            if flags and acc["user"] not in MARIADB_SYSTEM_ACCOUNTS | admins:
                privileged.append(f"{acc['user']}@{acc['host']}: {', '.join(flags)}")
        reasons += [f"MariaDB account with administrative privileges: {p}" for p in privileged]
        reasons += [f"MariaDB anonymous account: {a}" for a in maria["anonymous_accounts"]]
        if maria["test_database"]:
            reasons.append("MariaDB test database present")
        shown["mariadb"] = {"accounts": maria["accounts"], "privileged": privileged}
    if pg["installed"]:
        if pg["error"]:
            reasons.append(
                f"{MISSING}: databases: PostgreSQL roles could not be read: {pg['error']}"
            )
        privileged = []
        for role in pg["roles"]:
            flags = [
                f
                for f in ("superuser", "createrole", "createdb", "replication", "bypassrls")
                if role[f]
            ]
            if flags and role["name"] not in POSTGRESQL_SYSTEM_ROLES | admins:
                privileged.append(f"{role['name']}: {', '.join(flags)}")
        reasons += [f"PostgreSQL role with administrative privileges: {p}" for p in privileged]
        shown["postgresql"] = {"roles": pg["roles"], "privileged": privileged}
    return verdict(reasons, shown)


RULES: dict[str, Rule] = {"MOE-42.2.4": database_privileges}
