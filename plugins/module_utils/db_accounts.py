# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Least-privilege database accounts (MOE-42.2.4): what differs between the declared
accounts and a server's accounts as the ``databases`` evidence collector read them, and the
SQL that makes the server match.

The same functions serve the db_accounts module (which runs the statements) and the audit's
rule (which names the differences as findings): one definition of "holds exactly its
declared grants". Everything here is pure: evidence and declarations in, steps out.

A declared account (the db_accounts role's checked input) has ``name``, ``engine``
(``mariadb`` or ``postgresql``), ``state`` (``present``, ``locked`` or ``absent``),
``hosts`` (``localhost``, networks; on MariaDB also ``%`` for an account being locked or
dropped), ``grants`` (``database`` and ``privileges``), ``admin``, ``admin_reason`` and
``attributes`` (PostgreSQL role attributes of an administrator).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import unicodedata
from typing import NamedTuple

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.databases import (
    is_anonymous,
    is_public,
    is_remote_root,
    is_test_database_pattern,
    no_privileges,
)

# ---------------------------------------------------------------- vocabularies

MARIADB_DATABASE_PRIVILEGES = frozenset(
    {
        "SELECT",
        "INSERT",
        "UPDATE",
        "DELETE",
        "CREATE",
        "DROP",
        "REFERENCES",
        "INDEX",
        "ALTER",
        "CREATE TEMPORARY TABLES",
        "LOCK TABLES",
        "EXECUTE",
        "CREATE VIEW",
        "SHOW VIEW",
        "CREATE ROUTINE",
        "ALTER ROUTINE",
        "EVENT",
        "TRIGGER",
        "DELETE HISTORY",
    }
)
"""What an application account may hold on its own databases (``db.*``)."""

MARIADB_ADMIN_PRIVILEGES = frozenset(
    {
        "ALL",
        "GRANT OPTION",
        "RELOAD",
        "SHUTDOWN",
        "PROCESS",
        "FILE",
        "SHOW DATABASES",
        "SUPER",
        "REPLICATION SLAVE",
        "BINLOG MONITOR",
        "CREATE USER",
        "CREATE TABLESPACE",
        "SET USER",
        "FEDERATED ADMIN",
        "CONNECTION ADMIN",
        "READ_ONLY ADMIN",
        "REPLICATION SLAVE ADMIN",
        "REPLICATION MASTER ADMIN",
        "BINLOG ADMIN",
        "BINLOG REPLAY",
        "SLAVE MONITOR",
    }
)
"""Privileges only a declared administrator may hold (server-wide ones, ``ALL``, ``GRANT
OPTION``), under the names MariaDB 10.5 and later show (``BINLOG MONITOR``, not its old
alias ``REPLICATION CLIENT``)."""

POSTGRESQL_TABLE_PRIVILEGES = frozenset(
    {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}
)
"""Privileges granted on every table of the database's ``public`` schema."""
POSTGRESQL_DATABASE_PRIVILEGES = frozenset({"TEMPORARY"})
"""Database privileges an application account may hold besides ``CONNECT``."""
POSTGRESQL_ADMIN_PRIVILEGES = frozenset({"CREATE"})
"""Database privileges only an administrator may hold (``CREATE``: new schemas)."""
POSTGRESQL_ATTRIBUTES = ("SUPERUSER", "CREATEDB", "CREATEROLE", "REPLICATION", "BYPASSRLS")
"""Role attributes only an administrator may hold."""

MARIADB_SYSTEM_ACCOUNTS = frozenset({"root", "mysql", "mariadb.sys", "debian-sys-maint"})
"""Accounts the server and Debian's packaging need; never declared, never changed."""
POSTGRESQL_SYSTEM_ROLES = frozenset({"postgres"})
POSTGRESQL_HBA_KEYWORDS = frozenset(
    {"all", "replication", "sameuser", "samerole", "samegroup", "public"}
)
"""Words pg_hba.conf reads as keywords in its database and user fields (refused as names)."""
POSTGRESQL_SYSTEM_DATABASES = frozenset({"postgres", "template0", "template1"})
SCHEMA = "public"
"""The schema whose tables a PostgreSQL grant covers."""


class Step(NamedTuple):
    """One difference and the statement that removes it (``sql`` empty: nothing the role
    may do about it, such as a database that holds tables). ``database``: where a
    PostgreSQL statement runs (empty: anywhere); ``last``: after every other statement (a
    role is dropped once its privileges in every database are revoked)."""

    account: str
    what: str
    sql: str
    database: str = ""
    last: bool = False


# ---------------------------------------------------------------- quoting


def mariadb_string(value: str) -> str:
    """A MariaDB string literal (default sql_mode: backslash escapes)."""
    escaped = (
        value.replace("\\", "\\\\")
        .replace("'", "''")
        .replace("\0", "\\0")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\x1a", "\\Z")
    )
    return f"'{escaped}'"


def mariadb_identifier(value: str) -> str:
    """A MariaDB identifier in backticks (a database name as the server lists it)."""
    if "\0" in value:
        raise ValueError(f"identifier {value!r} holds a NUL character")
    return "`" + value.replace("`", "``") + "`"


def mariadb_account(user: str, host: str) -> str:
    """``'user'@'host'``, each part a string literal."""
    return f"{mariadb_string(user)}@{mariadb_string(host)}"


def pg_identifier(value: str) -> str:
    """A PostgreSQL identifier in double quotes."""
    if "\0" in value:
        raise ValueError(f"identifier {value!r} holds a NUL character")
    return '"' + value.replace('"', '""') + '"'


def pg_string(value: str) -> str:
    """A PostgreSQL string literal (standard_conforming_strings, on since 9.1)."""
    if "\0" in value:
        raise ValueError("a string literal cannot hold a NUL character")
    return "'" + value.replace("'", "''") + "'"


# ---------------------------------------------------------------- passwords


def mysql_native_hash(password: str) -> str:
    """The mysql_native_password hash (``*`` and 40 hex digits) of ``password``: computed
    here so that the clear password never reaches the server's logs."""
    inner = hashlib.sha1(password.encode("utf-8")).digest()
    return "*" + hashlib.sha1(inner).hexdigest().upper()


def _saslprep(password: str) -> bytes:
    """The bytes PostgreSQL hashes: NFKC of a non-ASCII password (its SASLprep, close
    enough for passwords without unassigned or prohibited characters), else as given."""
    if password.isascii():
        return password.encode("utf-8")
    return unicodedata.normalize("NFKC", password).encode("utf-8")


def scram_verifier(password: str, salt: bytes | None = None, iterations: int = 4096) -> str:
    """A SCRAM-SHA-256 verifier as PostgreSQL stores it (``SCRAM-SHA-256$i:salt$stored:server``),
    computed on the host so that the clear password never reaches the server's logs."""
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", _saslprep(password), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = base64.b64encode
    return (
        f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}"
        f"${b64(stored_key).decode()}:{b64(server_key).decode()}"
    )


def scram_matches(password: str, verifier: str) -> bool:
    """Whether ``verifier`` (as pg_authid holds it) was made from ``password``."""
    try:
        method, rest = verifier.split("$", 1)
        params, keys = rest.split("$", 1)
        iterations, salt = params.split(":", 1)
        if method != "SCRAM-SHA-256" or not iterations.isdigit():
            return False
        again = scram_verifier(password, base64.b64decode(salt, validate=True), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(again.rsplit("$", 1)[1], keys)


# ---------------------------------------------------------------- declarations


def mariadb_host(host: str) -> str:
    """The host part MariaDB stores for a declared host: ``localhost``, ``%``, an address,
    or an IPv4 network in MariaDB's ``address/netmask`` form."""
    if host in ("localhost", "%"):
        return host
    network = ipaddress.ip_network(host, strict=False)
    if network.num_addresses == 1:
        return str(network.network_address)
    if network.version == 6:
        raise ValueError(f"{host}: MariaDB takes single IPv6 addresses, not networks")
    return f"{network.network_address}/{network.netmask}"


def pg_networks(host: str) -> list[str]:
    """The pg_hba.conf addresses of a declared host (``localhost``: both loopbacks)."""
    if host == "localhost":
        return ["127.0.0.1/32", "::1/128"]
    network = ipaddress.ip_network(host, strict=False)
    return [str(network)]


def declared_grants(account: dict) -> dict[str, set[str]]:
    """Database (``*``: every one) to the privileges declared on it."""
    grants: dict[str, set[str]] = {}
    for grant in account.get("grants") or []:
        grants.setdefault(grant["database"], set()).update(grant["privileges"])
    return grants


def is_admin(account: dict) -> bool:
    return bool(account.get("admin"))


# ---------------------------------------------------------------- MariaDB


def _mariadb_all(evidence: dict) -> set[str]:
    """What ``ALL`` on ``*.*`` gives on this server: the global privileges of the server's
    own ``root@localhost`` (every privilege the server has, with GRANT OPTION)."""
    for account in evidence.get("accounts") or []:
        if account["user"] == "root" and account["host"] == "localhost":
            return set(account["global"])
    # No root@localhost to learn from: every privilege the role knows by name.
    return (MARIADB_ADMIN_PRIVILEGES | MARIADB_DATABASE_PRIVILEGES) - {"ALL", "GRANT OPTION"}


def _mariadb_wanted(account: dict, evidence: dict) -> tuple[set[str], dict[str, set[str]], bool]:
    """Global privileges, database privileges and GRANT OPTION a declared account is to hold."""
    grants = declared_grants(account)
    wanted_global = set(grants.pop("*", set()))
    # GRANT OPTION is declared on * only (the input layer refuses it elsewhere).
    grant_option = "GRANT OPTION" in wanted_global
    if "ALL" in wanted_global:
        wanted_global = (wanted_global - {"ALL"}) | _mariadb_all(evidence)
    wanted_global.discard("GRANT OPTION")
    databases = {}
    for database, privileges in grants.items():
        privileges = set(privileges) - {"GRANT OPTION"}
        if "ALL" in privileges:
            privileges = (privileges - {"ALL"}) | MARIADB_DATABASE_PRIVILEGES
        databases[database] = privileges
    return wanted_global, databases, grant_option


def _privilege_list(privileges: set[str] | list[str]) -> str:
    return ", ".join(sorted(privileges))


def plan_mariadb_account(
    account: dict, evidence: dict, hashes: dict[tuple[str, str], str] | None = None
) -> list[Step]:
    """The steps that make one declared MariaDB account (each of its hosts) match.

    ``hashes``: the current password hash of each existing (user, host) and the hash of the
    declared password under ``("", "declared")``; None (the audit) compares no password.
    """
    steps: list[Step] = []
    existing = {(a["user"], a["host"]): a for a in evidence.get("accounts") or []}
    wanted_global, wanted_databases, wanted_option = _mariadb_wanted(account, evidence)
    for declared_host in account.get("hosts") or ["localhost"]:
        host = mariadb_host(declared_host)
        name = f"{account['name']}@{host}"
        target = mariadb_account(account["name"], host)
        current = existing.get((account["name"], host))
        state = account.get("state", "present")
        if state == "absent":
            if current is not None:
                steps.append(
                    Step(name, "is to be dropped (declared absent)", f"DROP USER {target}")
                )
            continue
        if state == "locked":
            if current is not None and not current["locked"]:
                steps.append(Step(name, "is to be locked", f"ALTER USER {target} ACCOUNT LOCK"))
            continue
        declared_hash = (hashes or {}).get(("", "declared"), "")
        if current is None:
            steps.append(
                Step(
                    name,
                    "does not exist",
                    f"CREATE USER {target} IDENTIFIED BY PASSWORD {mariadb_string(declared_hash)}",
                )
            )
            current = {**no_privileges(), "locked": False}
        elif hashes is not None and (
            current.get("plugin") != "mysql_native_password"
            or hashes.get((account["name"], host)) != declared_hash
        ):
            steps.append(
                Step(
                    name,
                    "has another password than the declared one",
                    f"ALTER USER {target} IDENTIFIED BY PASSWORD {mariadb_string(declared_hash)}",
                )
            )
        if current["locked"]:
            steps.append(Step(name, "is locked", f"ALTER USER {target} ACCOUNT UNLOCK"))
        steps += _mariadb_grant_steps(
            name, target, current, wanted_global, wanted_databases, wanted_option
        )
    return steps


def _mariadb_grant_steps(
    name: str,
    target: str,
    current: dict,
    wanted_global: set[str],
    wanted_databases: dict[str, set[str]],
    wanted_option: bool,
) -> list[Step]:
    """Grants and revokes that leave exactly the wanted privileges."""
    steps: list[Step] = []
    finer = [
        f"{level[:-1]} {target_name}: {_privilege_list(held)}"
        for level in ("tables", "columns", "routines")
        for target_name, held in current[level].items()
    ]
    if finer or (current["grantable"] and not wanted_option):
        # Table, column and routine grants, and GRANT OPTION anywhere: start again from
        # nothing (one statement revokes every level), then grant what is declared.
        held = finer + (["GRANT OPTION"] if current["grantable"] and not wanted_option else [])
        steps.append(
            Step(
                name,
                "holds undeclared privileges: " + "; ".join(held),
                f"REVOKE ALL PRIVILEGES, GRANT OPTION FROM {target}",
            )
        )
        current = dict(current, **{"global": [], "databases": {}, "grantable": False})
    held_global = set(current["global"])
    if held_global - wanted_global:
        extra = held_global - wanted_global
        steps.append(
            Step(
                name,
                f"holds undeclared privileges on *.*: {_privilege_list(extra)}",
                f"REVOKE {_privilege_list(extra)} ON *.* FROM {target}",
            )
        )
    if wanted_global - held_global or (wanted_option and not current["grantable"]):
        missing = wanted_global - held_global
        option = " WITH GRANT OPTION" if wanted_option else ""
        steps.append(
            Step(
                name,
                f"lacks declared privileges on *.*: {_privilege_list(missing) or 'GRANT OPTION'}",
                f"GRANT {_privilege_list(missing or {'USAGE'})} ON *.* TO {target}{option}",
            )
        )
    for database in sorted(set(current["databases"]) | set(wanted_databases)):
        held = set(current["databases"].get(database, []))
        wanted = wanted_databases.get(database, set())
        where = f"{mariadb_identifier(database)}.*"
        if held - wanted:
            extra = _privilege_list(held - wanted)
            steps.append(
                Step(
                    name,
                    f"holds undeclared privileges on {database}.*: {extra}",
                    f"REVOKE {extra} ON {where} FROM {target}",
                )
            )
        if wanted - held:
            steps.append(
                Step(
                    name,
                    f"lacks declared privileges on {database}.*: {_privilege_list(wanted - held)}",
                    f"GRANT {_privilege_list(wanted - held)} ON {where} TO {target}",
                )
            )
    for role in current["roles"]:
        steps.append(
            Step(
                name,
                f"holds the undeclared role {role}",
                f"REVOKE {mariadb_string(role)} FROM {target}",
            )
        )
    for proxied in current.get("proxies") or []:
        user, _sep, host = proxied.removesuffix(" WITH GRANT OPTION").rpartition("@")
        steps.append(
            Step(
                name,
                f"may log in as {user}@{host} (PROXY)",
                f"REVOKE PROXY ON {mariadb_account(user, host)} FROM {target}",
            )
        )
    return steps


def plan_mariadb_baseline(evidence: dict) -> list[Step]:
    """Anonymous accounts and remote root dropped, everything PUBLIC holds and grants on the
    test databases revoked, an empty ``test`` database dropped (one with tables is reported
    and kept)."""
    steps: list[Step] = []
    accounts = evidence.get("accounts") or []
    for account in accounts:
        target = mariadb_account(account["user"], account["host"])
        if is_anonymous(account):
            steps.append(Step(account["name"], "is an anonymous account", f"DROP USER {target}"))
    root_by_socket = any(
        a["user"] == "root" and a["host"] == "localhost" and a["socket"] for a in accounts
    )
    for account in accounts:
        if not is_remote_root(account):
            continue
        if root_by_socket:
            steps.append(
                Step(
                    account["name"],
                    "is root reachable over the network",
                    f"DROP USER {mariadb_account(account['user'], account['host'])}",
                )
            )
        else:
            steps.append(
                Step(
                    account["name"],
                    "is root reachable over the network; kept while root@localhost cannot log "
                    "in through the socket (unix_socket), so that the administrator keeps a way in",
                    "",
                )
            )
    for account in accounts:
        if is_public(account):
            # Every account holds what PUBLIC holds: it holds nothing (no level, no role).
            steps += _mariadb_grant_steps("PUBLIC", "PUBLIC", account, set(), {}, False)
            continue
        if is_anonymous(account):
            continue  # dropped above, with its grants
        for database in account["databases"]:
            if is_test_database_pattern(database):
                steps.append(
                    Step(
                        account["name"],
                        f"holds privileges on the test database pattern {database}",
                        f"REVOKE ALL PRIVILEGES ON {mariadb_identifier(database)}.* "
                        f"FROM {mariadb_account(account['user'], account['host'])}",
                    )
                )
    objects = (evidence.get("databases") or {}).get("test")
    if objects == 0:
        steps.append(Step("test", "is the empty test database", "DROP DATABASE `test`"))
    elif objects:
        steps.append(
            Step(
                "test",
                f"is a test database that holds {objects} tables, routines or events: kept "
                "(the role never drops data); drop it by hand once they are not needed",
                "",
            )
        )
    return steps


# ---------------------------------------------------------------- PostgreSQL


def _pg_wanted(account: dict) -> tuple[dict[str, set[str]], dict[str, set[str]], set[str]]:
    """Database privileges, table privileges (on the public schema) by database, and role
    attributes a declared role is to hold."""
    database_privileges: dict[str, set[str]] = {}
    table_privileges: dict[str, set[str]] = {}
    for database, privileges in declared_grants(account).items():
        database_privileges[database] = {"CONNECT"} | (
            privileges & (POSTGRESQL_DATABASE_PRIVILEGES | POSTGRESQL_ADMIN_PRIVILEGES)
        )
        table_privileges[database] = privileges & POSTGRESQL_TABLE_PRIVILEGES
    attributes = set(account.get("attributes") or []) if is_admin(account) else set()
    return database_privileges, table_privileges, attributes


def _sequence_wanted(table_privileges: set[str]) -> set[str]:
    """Sequence privileges that go with table privileges: an INSERT into a serial column
    takes the sequence's next value (USAGE)."""
    return {"USAGE"} if "INSERT" in table_privileges else set()


def plan_postgresql_account(
    account: dict, evidence: dict, verifier: str | None = None, password_ok: bool | None = None
) -> list[Step]:
    """The steps that make one declared PostgreSQL role match.

    ``verifier``: a SCRAM verifier of the declared password, used when it must be set;
    ``password_ok``: whether the role's current verifier matches the declared password
    (None: not compared, as in the audit).
    """
    name = account["name"]
    role = pg_identifier(name)
    roles = {r["name"]: r for r in evidence.get("roles") or []}
    current = roles.get(name)
    state = account.get("state", "present")
    if state == "absent":
        if current is None:
            return []
        # Every privilege revoked in every database first (DROP ROLE refuses a role that
        # holds any); a role that owns objects is refused by the server, and the run says so.
        steps = _pg_held_steps(name, role, current, evidence, {}, {})
        drop = Step(name, "is to be dropped (declared absent)", f"DROP ROLE {role}", last=True)
        return [*steps, drop]
    if state == "locked":
        if current is not None and current["login"]:
            return [Step(name, "is to be locked", f"ALTER ROLE {role} NOLOGIN")]
        return []
    steps: list[Step] = []
    password = f" PASSWORD {pg_string(verifier)}" if verifier else ""
    if current is None:
        steps.append(Step(name, "does not exist", f"CREATE ROLE {role} LOGIN{password}"))
        current = {"name": name, "login": True, "member_of": [], "databases": {}, "owns": []}
        current.update({attribute.lower(): False for attribute in POSTGRESQL_ATTRIBUTES})
    elif password_ok is False:
        steps.append(
            Step(name, "has another password than the declared one", f"ALTER ROLE {role}{password}")
        )
    if not current["login"]:
        steps.append(Step(name, "cannot log in (NOLOGIN)", f"ALTER ROLE {role} LOGIN"))
    database_wanted, table_wanted, attributes = _pg_wanted(account)
    for attribute in POSTGRESQL_ATTRIBUTES:
        held = current[attribute.lower()]
        if held and attribute not in attributes:
            steps.append(
                Step(name, f"is {attribute} (undeclared)", f"ALTER ROLE {role} NO{attribute}")
            )
        elif attribute in attributes and not held:
            steps.append(
                Step(
                    name,
                    f"lacks the declared attribute {attribute}",
                    f"ALTER ROLE {role} {attribute}",
                )
            )
    for owned in current.get("owns") or []:
        steps.append(
            Step(
                name,
                f"owns {owned}: an owner holds every privilege on it; give it to another owner "
                f"(ALTER ... OWNER TO) and declare this account's grants",
                "",
            )
        )
    databases = evidence.get("databases") or {}
    for database in sorted(set(database_wanted) - set(databases)):
        steps.append(
            Step(
                name,
                f"is declared on the database {database}, which does not exist: the role never "
                "creates databases; create it first",
                "",
            )
        )
    return steps + _pg_held_steps(name, role, current, evidence, database_wanted, table_wanted)


def _pg_held_steps(
    name: str,
    role: str,
    current: dict,
    evidence: dict,
    database_wanted: dict[str, set[str]],
    table_wanted: dict[str, set[str]],
) -> list[Step]:
    """Revokes of memberships and server parameters, and every database's grants and
    revokes, that leave exactly what is wanted (nothing, for a role to drop)."""
    steps: list[Step] = []
    for group in current.get("member_of") or []:
        group_name = group.removesuffix(" (admin)")
        steps.append(
            Step(
                name,
                f"is a member of the undeclared role {group_name}",
                f"REVOKE {pg_identifier(group_name)} FROM {role}",
            )
        )
    for parameter, held in sorted((current.get("parameters") or {}).items()):
        listed = _privilege_list(held)
        steps.append(
            Step(
                name,
                f"may change the server parameter {parameter}: {listed}",
                f"REVOKE {listed} ON PARAMETER {pg_identifier(parameter)} FROM {role}",
            )
        )
    for database, info in sorted((evidence.get("databases") or {}).items()):
        if not info.get("connectable") and database not in database_wanted:
            continue
        steps += _pg_database_steps(
            name,
            role,
            database,
            info,
            current["databases"].get(database, {}),
            database_wanted.get(database, set()),
            table_wanted.get(database),
        )
    return steps


def _pg_database_steps(
    name: str,
    role: str,
    database: str,
    info: dict,
    held: dict,
    wanted: set[str],
    tables_wanted: set[str] | None,
) -> list[Step]:
    """Grants and revokes in one database: its own privileges, its schemas', and those on
    its tables and sequences (the public schema's for a declared database, none elsewhere)."""
    steps: list[Step] = []
    on = f"DATABASE {pg_identifier(database)}"
    held_database = {p.removesuffix(" WITH GRANT OPTION") for p in held.get("database", [])}
    grantable = [p for p in held.get("database", []) if p.endswith(" WITH GRANT OPTION")]
    if held_database - wanted:
        extra = _privilege_list(held_database - wanted)
        steps.append(
            Step(
                name,
                f"holds undeclared privileges on database {database}: {extra}",
                f"REVOKE {extra} ON {on} FROM {role}",
            )
        )
    elif grantable:
        steps.append(
            Step(
                name,
                f"may grant its privileges on database {database} to others",
                f"REVOKE GRANT OPTION FOR ALL ON {on} FROM {role}",
            )
        )
    if wanted - held_database:
        missing = _privilege_list(wanted - held_database)
        steps.append(
            Step(
                name,
                f"lacks declared privileges on database {database}: {missing}",
                f"GRANT {missing} ON {on} TO {role}",
            )
        )
    for target, privileges in sorted((held.get("system") or {}).items()):
        # "TABLE pg_catalog.pg_authid", "FUNCTION pg_read_file(text)": as the server names it.
        steps.append(
            Step(
                name,
                f"holds {', '.join(privileges)} on {target} in {database} (a system catalog "
                "or function grant)",
                f"REVOKE {_privilege_list(privileges)} ON {target} FROM {role}",
                database,
            )
        )
    for target, privileges in sorted((held.get("columns") or {}).items()):
        # "SELECT (amount)" on "TABLE public.salaries": a grant is declared per table, never
        # per column.
        listed = ", ".join(privileges)
        steps.append(
            Step(
                name,
                f"holds column privileges {listed} on {target} in {database}",
                f"REVOKE {listed} ON {target} FROM {role}",
                database,
            )
        )
    if tables_wanted is None and not any(held.get(k) for k in ("schemas", "tables", "sequences")):
        return steps
    if tables_wanted is not None and not info.get("connectable"):
        return steps
    for schema, privileges in sorted((held.get("schemas") or {}).items()):
        extra = {p.removesuffix(" WITH GRANT OPTION") for p in privileges}
        if tables_wanted is not None and schema == SCHEMA:
            extra.discard("USAGE")
        if extra:
            listed = _privilege_list(extra)
            steps.append(
                Step(
                    name,
                    f"holds undeclared privileges on schema {schema} of {database}: {listed}",
                    f"REVOKE {listed} ON SCHEMA {pg_identifier(schema)} FROM {role}",
                    database,
                )
            )
    if tables_wanted is not None and "USAGE" not in {
        p.removesuffix(" WITH GRANT OPTION") for p in (held.get("schemas") or {}).get(SCHEMA, [])
    }:
        steps.append(
            Step(
                name,
                f"lacks USAGE on schema {SCHEMA} of {database}",
                f"GRANT USAGE ON SCHEMA {SCHEMA} TO {role}",
                database,
            )
        )
    schemas = info.get("schemas") or {}
    for kind, word in (("tables", "TABLES"), ("sequences", "SEQUENCES")):
        held_kind = held.get(kind) or {}
        for schema in sorted(set(held_kind) | ({SCHEMA} if tables_wanted is not None else set())):
            counts = held_kind.get(schema, {})
            total = (schemas.get(schema) or {}).get(kind, 0)
            if tables_wanted is not None and schema == SCHEMA:
                wanted_here = tables_wanted if kind == "tables" else _sequence_wanted(tables_wanted)
            else:
                wanted_here = set()
            held_names = {
                p.removesuffix(" WITH GRANT OPTION") for p, c in counts.items() if c["held_on"]
            }
            partial = {p for p in wanted_here if counts.get(p, {}).get("held_on", 0) < total}
            grant_option = [p for p in counts if p.endswith(" WITH GRANT OPTION")]
            everywhere = f"ALL {word} IN SCHEMA {pg_identifier(schema)}"
            extra = held_names - wanted_here
            if extra or grant_option:
                listed = _privilege_list(extra) if extra else "GRANT OPTION"
                sql = (
                    f"REVOKE {_privilege_list(extra)} ON {everywhere} FROM {role}"
                    if extra
                    else f"REVOKE GRANT OPTION FOR ALL ON {everywhere} FROM {role}"
                )
                steps.append(
                    Step(
                        name,
                        f"holds undeclared privileges on {kind} in {database}.{schema}: {listed}",
                        sql,
                        database,
                    )
                )
            if partial and total:
                listed = _privilege_list(partial)
                steps.append(
                    Step(
                        name,
                        f"lacks declared privileges on {kind} in {database}.{schema}: {listed}",
                        f"GRANT {listed} ON {everywhere} TO {role}",
                        database,
                    )
                )
    return steps


def plan_postgresql_baseline(evidence: dict) -> list[Step]:
    """``CREATE`` on the public schema revoked from ``PUBLIC`` in every database that
    accepts connections (template1 included: new databases copy it)."""
    steps = []
    for database, info in sorted((evidence.get("databases") or {}).items()):
        public = ((info.get("schemas") or {}).get(SCHEMA) or {}).get("privileges", {})
        if any(p.startswith("CREATE") for p in public.get("PUBLIC", [])):
            steps.append(
                Step(
                    "PUBLIC",
                    f"may create objects in the public schema of {database}",
                    f"REVOKE CREATE ON SCHEMA {SCHEMA} FROM PUBLIC",
                    database,
                )
            )
    return steps


# ---------------------------------------------------------------- pg_hba.conf


def hba_lines(accounts: list[dict]) -> list[str]:
    """The pg_hba.conf lines of the declared PostgreSQL roles, to stand before every other
    line: each role may log in to its declared databases from its declared hosts with
    scram-sha-256, and from nowhere else. Names are double-quoted: a quoted word is never
    one of pg_hba.conf's keywords (the input layer refuses those names too)."""
    lines = []
    for account in accounts:
        if account["engine"] != "postgresql" or account.get("state", "present") != "present":
            continue
        name = f'"{account["name"]}"'
        declared = sorted(d for d in declared_grants(account) if d != "*")
        databases = ",".join(f'"{d}"' for d in declared) or "all"
        hosts = account.get("hosts") or ["localhost"]
        if "localhost" in hosts:
            lines.append(f"local   {databases} {name} scram-sha-256")
        for host in hosts:
            for network in pg_networks(host):
                lines.append(f"host    {databases} {name} {network} scram-sha-256")
        lines.append(f"local   all {name} reject")
        lines.append(f"host    all {name} all reject")
    return lines


def _hba_network(rule: dict) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The addresses a host rule matches (None: every address, or a host name)."""
    address, netmask = rule.get("address") or "", rule.get("netmask") or ""
    if address in ("", "all"):
        return None
    try:
        if not netmask:
            return ipaddress.ip_network(address, strict=False)
        # pg_hba_file_rules shows the mask as an address (ffff:ffff:...): count its bits.
        prefix = bin(int(ipaddress.ip_address(netmask))).count("1")
        return ipaddress.ip_network(f"{address}/{prefix}", strict=False)
    except ValueError:
        return None


def hba_findings(account: dict, rules: list[dict]) -> list[str]:
    """How pg_hba.conf, as the server reads it, lets a declared role in beyond its declared
    hosts or without scram-sha-256: the first rules that can match the role, in order,
    until a reject of every address closes each kind of connection."""
    name = account["name"]
    hosts = account.get("hosts") or ["localhost"]
    allowed = [ipaddress.ip_network(n) for host in hosts for n in pg_networks(host)]
    findings: list[str] = []
    closed = {"local": False, "host": False}
    for rule in rules:
        if rule.get("error"):
            findings.append(f"pg_hba.conf line {rule['line']} is in error: {rule['error']}")
            continue
        users = rule.get("users") or []
        if not ({"all", name} & set(users) or any(u.startswith("+") for u in users)):
            continue
        kind = "local" if rule["type"] == "local" else "host"
        if closed[kind] or "replication" in (rule.get("databases") or []):
            continue
        network = _hba_network(rule)
        if rule["method"] == "reject":
            # A reject of every address (or of the socket) closes that kind of connection.
            closed[kind] = closed[kind] or kind == "local" or network is None
            continue
        where = (
            f"pg_hba.conf line {rule['line']} ({rule['type']} {','.join(users)} {rule['method']})"
        )
        if rule["method"] != "scram-sha-256" and not (
            kind == "local" and rule["method"] == "peer" and "all" in users and name not in users
        ):
            findings.append(f"{where} lets {name} in with {rule['method']}, not scram-sha-256")
        if kind == "local":
            if "localhost" not in hosts and name in users:
                findings.append(
                    f"{where} lets {name} in through the local socket, which is not declared"
                )
            continue
        if network is None or not any(
            network.version == a.version and network.subnet_of(a) for a in allowed
        ):
            findings.append(
                f"{where} lets {name} in from {rule.get('address') or 'any address'}"
                f"{'/' + rule['netmask'] if rule.get('netmask') else ''}, beyond its declared hosts"
            )
    if not closed["host"]:
        findings.append(f"pg_hba.conf has no reject of {name} from every other address")
    return findings
