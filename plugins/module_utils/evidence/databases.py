# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for MOE-42.2.4 and MOE-22: database accounts and every privilege they hold.

MariaDB is asked through its unix socket as root, in one client run; PostgreSQL as the
``postgres`` operating-system user, in one run for the cluster and one per database that
accepts connections. Only read-only queries are sent, and no password or password hash
is ever read into the evidence. The db_accounts role reads the servers with these same
functions before and after it changes them.

Privileges are the names the server itself uses (``SELECT``, ``BINLOG MONITOR``, ...), so
that what is read can be revoked under the same name on every server version.
"""

from __future__ import annotations

import re

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    unit_active,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)

AREA = "databases"

# ---------------------------------------------------------------- MariaDB

MARIADB_UNITS = ("mariadb.service", "mysql.service")
MARIADB_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
"""Host parts of accounts that can only be reached from the server itself."""

# The classic privilege columns of mysql.user (MariaDB 10.4+) and the names they stand for:
# information_schema.USER_PRIVILEGES lists no global privilege of a role, these columns do.
MARIADB_PRIV_COLUMNS = {
    "Select_priv": "SELECT",
    "Insert_priv": "INSERT",
    "Update_priv": "UPDATE",
    "Delete_priv": "DELETE",
    "Create_priv": "CREATE",
    "Drop_priv": "DROP",
    "Reload_priv": "RELOAD",
    "Shutdown_priv": "SHUTDOWN",
    "Process_priv": "PROCESS",
    "File_priv": "FILE",
    "Grant_priv": "GRANT OPTION",
    "References_priv": "REFERENCES",
    "Index_priv": "INDEX",
    "Alter_priv": "ALTER",
    "Show_db_priv": "SHOW DATABASES",
    "Super_priv": "SUPER",
    "Create_tmp_table_priv": "CREATE TEMPORARY TABLES",
    "Lock_tables_priv": "LOCK TABLES",
    "Execute_priv": "EXECUTE",
    "Repl_slave_priv": "REPLICATION SLAVE",
    "Repl_client_priv": "BINLOG MONITOR",
    "Create_view_priv": "CREATE VIEW",
    "Show_view_priv": "SHOW VIEW",
    "Create_routine_priv": "CREATE ROUTINE",
    "Alter_routine_priv": "ALTER ROUTINE",
    "Create_user_priv": "CREATE USER",
    "Event_priv": "EVENT",
    "Trigger_priv": "TRIGGER",
    "Create_tablespace_priv": "CREATE TABLESPACE",
    "Delete_history_priv": "DELETE HISTORY",
}

# One client run, every row tagged with its section (the first column). Grants are keyed by
# the User and Host columns where a table has them; information_schema's GRANTEE text is
# matched against the accounts read. The account's password hash is never read:
# ``password_set`` only says whether there is one.
MARIADB_QUERY = ";\n".join(
    (
        "SELECT 'version', VERSION()",
        "SELECT 'user', u.User, u.Host, u.is_role,"
        " IF(JSON_VALUE(g.Priv, '$.account_locked') IN ('1', 'true'), 'Y', 'N'),"
        " u.plugin, IF(g.Priv LIKE '%\"unix_socket\"%', 'Y', 'N'),"
        " IF(u.authentication_string IN ('', 'invalid'), 'N', 'Y'), "
        + ", ".join(f"u.{column}" for column in MARIADB_PRIV_COLUMNS)
        + " FROM mysql.user u JOIN mysql.global_priv g ON g.User = u.User AND g.Host = u.Host",
        "SELECT 'global', GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE"
        " FROM information_schema.USER_PRIVILEGES",
        "SELECT 'schema', GRANTEE, TABLE_SCHEMA, PRIVILEGE_TYPE, IS_GRANTABLE"
        " FROM information_schema.SCHEMA_PRIVILEGES",
        "SELECT 'table', GRANTEE, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), PRIVILEGE_TYPE,"
        " IS_GRANTABLE FROM information_schema.TABLE_PRIVILEGES",
        "SELECT 'column', GRANTEE, CONCAT(TABLE_SCHEMA, '.', TABLE_NAME, '.', COLUMN_NAME),"
        " PRIVILEGE_TYPE, IS_GRANTABLE FROM information_schema.COLUMN_PRIVILEGES",
        "SELECT 'routine', User, Host, CONCAT(Db, '.', Routine_name), UPPER(Proc_priv)"
        " FROM mysql.procs_priv",
        "SELECT 'proxy', User, Host, CONCAT(Proxied_user, '@', Proxied_host), With_grant"
        " FROM mysql.proxies_priv",
        "SELECT 'role', User, Host, Role, Admin_option FROM mysql.roles_mapping",
        # What a database holds: tables and views, routines, events (an "empty" test
        # database holds none of them).
        "SELECT 'database', s.SCHEMA_NAME,"
        " (SELECT COUNT(*) FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = s.SCHEMA_NAME)"
        " + (SELECT COUNT(*) FROM information_schema.ROUTINES r"
        " WHERE r.ROUTINE_SCHEMA = s.SCHEMA_NAME)"
        " + (SELECT COUNT(*) FROM information_schema.EVENTS e WHERE e.EVENT_SCHEMA = s.SCHEMA_NAME)"
        " FROM information_schema.SCHEMATA s",
    )
)
MARIADB_SYSTEM_DATABASES = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
_MARIADB_SERVER = re.compile(r"^(?:default-mysql-server|(?:mariadb|mysql)-server(?:-\d[\d.]*)?)$")

# ---------------------------------------------------------------- PostgreSQL

POSTGRESQL_ROLE_FLAGS = ("superuser", "createrole", "createdb", "login", "replication", "bypassrls")
POSTGRESQL_ADMIN_FLAGS = ("superuser", "createdb", "createrole", "replication", "bypassrls")
"""The role attributes that give server-wide rights (the attributes of an administrator)."""


def _t(expression: str) -> str:
    """A name in psql's unaligned output, escaped as MariaDB's batch mode escapes: a tab or
    a newline inside a name (a schema called "x\nrelacl\t...") cannot forge a row."""
    return (
        f"replace(replace(replace(replace({expression}, '\\', '\\\\'), chr(9), '\\t'),"
        " chr(10), '\\n'), chr(13), '\\r')"
    )


_GRANTEE_NAME = _t("CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END")

# The cluster: one psql run, one -c per statement (psql prints every result). pg_authid is
# read for the kind of password only, never the verifier.
POSTGRESQL_CLUSTER_QUERIES = (
    "SELECT 'version', current_setting('server_version_num'), " + _t("current_setting('hba_file')"),
    f"SELECT 'role', {_t('rolname')}, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin,"
    " rolreplication, rolbypassrls, CASE WHEN rolpassword IS NULL THEN 'none'"
    " WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256'"
    " WHEN rolpassword LIKE 'md5%' THEN 'md5' ELSE 'other' END"
    " FROM pg_authid WHERE rolname !~ '^pg_'",
    # Memberships of every role, the predefined pg_* roles included as groups
    # (pg_execute_server_program runs programs as the postgres user).
    f"SELECT 'member', {_t('r.rolname')}, {_t('m.rolname')}, a.admin_option"
    " FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid"
    " JOIN pg_roles m ON m.oid = a.member WHERE m.rolname !~ '^pg_'",
    # Every database that accepts connections is read, template1 included (new databases
    # copy it); template0 accepts none.
    f"SELECT 'database', {_t('datname')}, {_t('pg_get_userbyid(datdba)')}, datallowconn"
    " FROM pg_database WHERE datname <> 'template0'",
    f"SELECT 'dbacl', {_t('d.datname')}, {_GRANTEE_NAME}, a.privilege_type, a.is_grantable"
    " FROM pg_database d, aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a"
    " WHERE d.datname <> 'template0'",
    "SELECT 'hba', line_number, type, "
    + ", ".join(
        _t(column)
        for column in (
            "array_to_string(database, ',')",
            "array_to_string(user_name, ',')",
            "coalesce(address, '')",
            "coalesce(netmask, '')",
            "coalesce(auth_method, '')",
            "coalesce(error, '')",
        )
    )
    + " FROM pg_hba_file_rules",
)
POSTGRESQL_PARAMETER_QUERY = (
    f"SELECT 'paracl', {_t('p.parname')}, {_GRANTEE_NAME}, a.privilege_type"
    " FROM pg_parameter_acl p, aclexplode(p.paracl) a"
)
"""Who may set which server parameter (PostgreSQL 15 and later): ALTER SYSTEM on
archive_command runs programs as the postgres user."""
POSTGRESQL_PARAMETER_ACL_VERSION = 150000

# Each database: its schemas' privileges, and its tables' and sequences' privileges counted
# per grantee (an owner holds every privilege by default: acldefault); the grants on the
# system catalogs and on functions that are not the defaults (the owner's, PUBLIC's).
_PG_OWN = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
_RELKINDS = "c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
_KIND = "CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END"
POSTGRESQL_DATABASE_QUERIES = (
    f"SELECT 'schema', {_t('n.nspname')}, {_GRANTEE_NAME}, a.privilege_type, a.is_grantable"
    " FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a"
    f" WHERE {_PG_OWN}",
    f"SELECT 'relations', {_t('n.nspname')}, {_KIND}, count(*) FROM pg_class c"
    f" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_RELKINDS} AND {_PG_OWN}"
    " GROUP BY 2, 3",
    f"SELECT 'relacl', {_t('n.nspname')}, {_KIND}, {_GRANTEE_NAME}, a.privilege_type,"
    " a.is_grantable, count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,"
    " aclexplode(coalesce(c.relacl, acldefault(CASE c.relkind WHEN 'S' THEN 's' ELSE 'r' END"
    f'::"char", c.relowner))) a WHERE {_RELKINDS} AND {_PG_OWN} GROUP BY 2, 3, 4, 5, 6',
    f"SELECT 'owner', {_t('n.nspname')}, {_t('pg_get_userbyid(c.relowner)')}, count(*)"
    f" FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    f" WHERE {_RELKINDS} AND {_PG_OWN} GROUP BY 2, 3",
    f"SELECT 'sysacl', 'TABLE', {_t('c.oid::regclass::text')}, {_GRANTEE_NAME},"
    " a.privilege_type FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,"
    " aclexplode(c.relacl) a WHERE n.nspname IN ('pg_catalog', 'information_schema')"
    " AND a.grantee NOT IN (0, c.relowner)",
    f"SELECT 'sysacl', 'FUNCTION', {_t('p.oid::regprocedure::text')}, {_GRANTEE_NAME},"
    " a.privilege_type FROM pg_proc p, aclexplode(p.proacl) a"
    " WHERE a.grantee NOT IN (0, p.proowner)",
    # Column grants (GRANT SELECT (amount) ON salaries): a table's ACL does not show them.
    f"SELECT 'colacl', 'TABLE', {_t('c.oid::regclass::text')},"
    f" {_t('quote_ident(col.attname)')}, {_GRANTEE_NAME}, a.privilege_type FROM pg_attribute col"
    " JOIN pg_class c ON c.oid = col.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,"
    " aclexplode(col.attacl) a WHERE col.attacl IS NOT NULL AND NOT col.attisdropped"
    f" AND a.grantee NOT IN (0, c.relowner) AND {_PG_OWN}",
)

_POSTGRESQL_SERVER = re.compile(r"^postgresql(?:-\d+)?$")


def mysql_argv(client: str, query: str) -> list[str]:
    """The argv that runs ``query`` as root through the unix socket (tab-separated rows)."""
    return [client, "--batch", "--skip-column-names", "-e", query]


def psql_argv(queries: tuple[str, ...] | list[str], database: str = "postgres") -> list[str]:
    """The argv that runs each query as the postgres user (tab-separated, no psqlrc)."""
    argv = ["runuser", "-u", "postgres", "--", "psql", "-XAtF", "\t", "-v", "ON_ERROR_STOP=1"]
    argv += ["-d", database]
    for query in queries:
        argv += ["-c", query]
    return argv


def _failure(result_err: str, rc: int, what: str) -> str:
    """The error text of a failed query: its stderr, or the exit code when silent."""
    return result_err.strip() or f"{what} exited with {rc}"


def _rows(text: str) -> list[list[str]]:
    """Tab-separated rows, each field unescaped; the first field is the section tag."""
    return [[unescape(f) for f in line.split("\t")] for line in text.split("\n") if line]


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "0": "\0", "\\": "\\"}


def unescape(field: str) -> str:
    """A field as the server holds it: MariaDB's batch mode and the PostgreSQL queries
    (``_t``) escape backslash, tab, newline (and carriage return, NUL) with a backslash."""
    if "\\" not in field:
        return field
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), field)


def mariadb_grantee(text: str, known: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The (user, host) of an information_schema GRANTEE (``'user'@'host'``, a role's
    ``'name'``): the server writes quotes inside names as they are, so the text is split
    where it names an account that exists. None when it names none."""
    if len(text) < 2 or not (text.startswith("'") and text.endswith("'")):
        return None
    inner = text[1:-1]
    start = 0
    while True:
        cut = inner.find("'@'", start)
        if cut < 0:
            break
        if (inner[:cut], inner[cut + 3 :]) in known:
            return inner[:cut], inner[cut + 3 :]
        start = cut + 1
    return (inner, "") if (inner, "") in known else None


def no_privileges() -> dict:
    """The privilege part of a MariaDB account that holds nothing (USAGE only)."""
    return {
        "global": [],
        "databases": {},
        "tables": {},
        "columns": {},
        "routines": {},
        "proxies": [],
        "roles": [],
        "grantable": False,
    }


def account_name(user: str, host: str) -> str:
    """How an account is named in reports: ``user@host`` (a role: its name)."""
    return f"{user}@{host}" if host else user


def parse_mariadb(text: str) -> dict:
    """The sections of the ``MARIADB_QUERY`` output: version, accounts (each with every
    privilege it holds, by level), databases with the objects they hold, and ``unread``:
    grantees that name no account (the evidence is then incomplete)."""
    found: dict = {"version": "", "accounts": [], "databases": {}, "unread": []}
    accounts: dict[tuple[str, str], dict] = {}
    rows = _rows(text)
    for row in rows:
        if row[0] == "version" and len(row) == 2:
            found["version"] = row[1]
        elif row[0] == "user" and len(row) == 8 + len(MARIADB_PRIV_COLUMNS):
            user, host = row[1], row[2]
            flags = [
                name for name, value in zip(MARIADB_PRIV_COLUMNS.values(), row[8:]) if value == "Y"
            ]
            accounts[(user, host)] = {
                "user": user,
                "host": host,
                "name": account_name(user, host),
                "role": row[3] == "Y",
                "locked": row[4] == "Y",
                "plugin": row[5],
                "socket": row[6] == "Y",
                "password_set": row[7] == "Y",
                **no_privileges(),
                "global": [f for f in flags if f != "GRANT OPTION"],
                "grantable": "GRANT OPTION" in flags,
            }
    known = set(accounts)
    levels = {"schema": "databases", "table": "tables", "column": "columns"}
    for row in rows:
        tag = row[0]
        if tag in ("global", "schema", "table", "column"):
            if len(row) != (4 if tag == "global" else 5):
                continue
            who = mariadb_grantee(row[1], known)
            if who is None:
                found["unread"].append(row[1])
                continue
            account = accounts[who]
            privilege, grantable = row[-2], row[-1] == "YES"
            account["grantable"] = account["grantable"] or grantable
            if privilege == "USAGE":
                continue
            if tag == "global":
                account["global"].append(privilege)
            else:
                account[levels[tag]].setdefault(row[2], []).append(privilege)
        elif tag in ("routine", "proxy", "role") and len(row) == 5:
            account = accounts.get((row[1], row[2]))
            if account is None:
                found["unread"].append(account_name(row[1], row[2]))
            elif tag == "routine":
                held = [p.strip().upper() for p in row[4].split(",") if p.strip()]
                account["routines"].setdefault(row[3], []).extend(held)
            elif tag == "proxy":
                account["proxies"].append(row[3] + (" WITH GRANT OPTION" if row[4] == "1" else ""))
            else:
                account["roles"].append(row[3])
        elif tag == "database" and len(row) == 3 and row[2].isdigit():
            found["databases"][row[1]] = int(row[2])
    for account in accounts.values():
        account["global"] = sorted(set(account["global"]))
        account["roles"].sort()
        account["proxies"].sort()
        for level in ("databases", "tables", "columns", "routines"):
            account[level] = {k: sorted(set(v)) for k, v in sorted(account[level].items())}
    found["accounts"] = sorted(accounts.values(), key=lambda a: (a["user"], a["host"]))
    found["unread"] = sorted(set(found["unread"]))
    return found


def is_anonymous(account: dict) -> bool:
    """An account with an empty user name: anyone who reaches its host gets in."""
    return account["user"] == "" and bool(account["host"])


def is_remote_root(account: dict) -> bool:
    """root as an account reachable from another host (a role named root is not one)."""
    return (
        account["user"] == "root"
        and not account["role"]
        and account["host"] not in MARIADB_LOCAL_HOSTS
    )


def is_public(account: dict) -> bool:
    """MariaDB's PUBLIC (10.11 and later): what it holds, every account holds."""
    return account["role"] and account["user"] == "PUBLIC" and account["host"] == ""


def is_test_database_pattern(database: str) -> bool:
    """Whether a database-level grant names the ``test`` database or the ``test\\_%``
    pattern that old installations granted to everyone."""
    return database == "test" or database.startswith("test\\_")


def _any_unit_active(host: HostReader, units: list[str]) -> bool | None:
    """Whether any of ``units`` is active; None when systemctl cannot be run."""
    answered = False
    for unit in units:
        active = unit_active(host, unit)
        if active:
            return True
        answered = answered or active is not None
    return False if answered else None


def postgresql_units(host: HostReader) -> list[str]:
    """The units of the PostgreSQL clusters under /etc/postgresql (``postgresql@15-main``)."""
    units = []
    for path in host.glob("/etc/postgresql/*/*/postgresql.conf"):
        parts = path.split("/")
        units.append(f"postgresql@{parts[3]}-{parts[4]}.service")
    return units or ["postgresql.service"]


def mariadb_client(host: HostReader) -> str | None:
    """The client program: ``mariadb`` (``mysql`` on older packages)."""
    return next((name for name in ("mariadb", "mysql") if host.which(name)), None)


def collect_mariadb(host: HostReader, packages: dict[str, str]) -> dict:
    """MariaDB accounts with their privileges, anonymous and remote root accounts, and the
    test database."""
    evidence: dict = {
        "installed": any(_MARIADB_SERVER.match(name) for name in packages),
        "running": None,
        "error": None,
        "version": "",
        "accounts": [],
        "databases": {},
        "anonymous_accounts": [],
        "remote_root": [],
        "test_database": False,
        "test_grants": [],
    }
    if not evidence["installed"]:
        return evidence
    evidence["running"] = _any_unit_active(host, list(MARIADB_UNITS))
    client = mariadb_client(host)
    if client is None:
        evidence["error"] = "no mariadb or mysql client program found"
        return evidence
    result = host.run(mysql_argv(client, MARIADB_QUERY))
    if result.rc != 0:
        evidence["error"] = _failure(result.err, result.rc, client)
        return evidence
    parsed = parse_mariadb(result.out)
    if not parsed["accounts"]:
        evidence["error"] = f"{client} listed no account at all"
        return evidence
    unread = parsed.pop("unread")
    evidence.update(parsed)
    if unread:
        evidence["error"] = "grants of names that match no account: " + ", ".join(unread)
    accounts = parsed["accounts"]
    evidence["anonymous_accounts"] = [a["name"] for a in accounts if is_anonymous(a)]
    evidence["remote_root"] = [a["name"] for a in accounts if is_remote_root(a)]
    evidence["test_database"] = "test" in parsed["databases"]
    evidence["test_grants"] = sorted(
        f"{a['name']} on {database}"
        for a in accounts
        for database in a["databases"]
        if is_test_database_pattern(database)
    )
    return evidence


# ---------------------------------------------------------------- PostgreSQL


def _flag(value: str) -> bool:
    return value.strip() == "t"


def parse_pg_cluster(text: str) -> dict:
    """The sections of the cluster queries: version, hba file, roles, memberships, databases
    with their owners and privileges, and the rules of pg_hba.conf as the server reads them."""
    found: dict = {
        "version": "",
        "hba_file": "",
        "roles": [],
        "databases": {},
        "hba": [],
    }
    roles: dict[str, dict] = {}
    members: list[tuple[str, str, bool]] = []
    acl: list[tuple[str, str, str, bool]] = []
    for row in _rows(text):
        tag = row[0]
        if tag == "version" and len(row) == 3:
            found["version"], found["hba_file"] = row[1], row[2]
        elif tag == "role" and len(row) == 3 + len(POSTGRESQL_ROLE_FLAGS):
            role: dict = {"name": row[1]}
            for flag, value in zip(POSTGRESQL_ROLE_FLAGS, row[2:8]):
                role[flag] = _flag(value)
            role["password"] = row[8]
            role["member_of"] = []
            role["databases"] = {}
            role["owns"] = []
            role["parameters"] = {}
            roles[row[1]] = role
        elif tag == "member" and len(row) == 4:
            members.append((row[1], row[2], _flag(row[3])))
        elif tag == "database" and len(row) == 4:
            found["databases"][row[1]] = {
                "owner": row[2],
                "connectable": _flag(row[3]),
                "schemas": {},
                "error": None,
            }
        elif tag == "dbacl" and len(row) == 5:
            acl.append((row[1], row[2], row[3], _flag(row[4])))
        elif tag == "hba" and len(row) == 9 and row[1].isdigit():
            found["hba"].append(
                {
                    "line": int(row[1]),
                    "type": row[2],
                    "databases": row[3].split(",") if row[3] else [],
                    "users": row[4].split(",") if row[4] else [],
                    "address": row[5],
                    "netmask": row[6],
                    "method": row[7],
                    "error": row[8],
                }
            )
    for group, member, admin in members:
        if member in roles:
            roles[member]["member_of"].append(group + (" (admin)" if admin else ""))
    parse_pg_parameters(text, roles)
    for database, grantee, privilege, grantable in acl:
        held = privilege + (" WITH GRANT OPTION" if grantable else "")
        found["databases"].setdefault(database, {"schemas": {}}).setdefault("privileges", {})
        found["databases"][database]["privileges"].setdefault(grantee, []).append(held)
        if grantee in roles:
            roles[grantee]["databases"].setdefault(database, {"database": []})
            roles[grantee]["databases"][database]["database"].append(held)
    for name, database in found["databases"].items():
        database.setdefault("privileges", {})
        if database.get("owner") in roles:
            roles[database["owner"]]["owns"].append(f"database {name}")
    for role in roles.values():
        role["member_of"].sort()
        for held in role["databases"].values():
            held["database"].sort()
    found["roles"] = sorted(roles.values(), key=lambda r: r["name"])
    return found


def parse_pg_parameters(text: str, roles: dict[str, dict]) -> None:
    """Who may set which server parameter (``paracl`` rows), onto the roles."""
    for row in _rows(text):
        if row[0] == "paracl" and len(row) == 4 and row[2] in roles:
            roles[row[2]]["parameters"].setdefault(row[1], []).append(row[3])


def parse_pg_database(text: str) -> dict:
    """The sections of one database's queries: per schema, who holds which schema privilege,
    how many tables and sequences it has, and who holds which privilege on how many."""
    schemas: dict[str, dict] = {}

    def schema(name: str) -> dict:
        return schemas.setdefault(
            name,
            {
                "privileges": {},
                "tables": 0,
                "sequences": 0,
                "table_privileges": {},
                "sequence_privileges": {},
                "owners": {},
            },
        )

    system: dict[str, dict[str, list[str]]] = {}
    columns: dict[str, dict[str, list[str]]] = {}

    for row in _rows(text):
        tag = row[0]
        if tag == "schema" and len(row) == 5:
            held = row[3] + (" WITH GRANT OPTION" if _flag(row[4]) else "")
            schema(row[1])["privileges"].setdefault(row[2], []).append(held)
        elif tag == "relations" and len(row) == 4 and row[3].isdigit():
            schema(row[1])[f"{row[2]}s"] = int(row[3])
        elif tag == "relacl" and len(row) == 7 and row[6].isdigit():
            held = row[4] + (" WITH GRANT OPTION" if _flag(row[5]) else "")
            kind = schema(row[1])[f"{row[2]}_privileges"]
            kind.setdefault(row[3], {})[held] = int(row[6])
        elif tag == "owner" and len(row) == 4 and row[3].isdigit():
            schema(row[1])["owners"][row[2]] = int(row[3])
        elif tag == "sysacl" and len(row) == 5:
            target = f"{row[1]} {row[2]}"
            system.setdefault(row[3], {}).setdefault(target, []).append(row[4])
        elif tag == "colacl" and len(row) == 6:
            target = f"{row[1]} {row[2]}"
            columns.setdefault(row[4], {}).setdefault(target, []).append(f"{row[5]} ({row[3]})")
    for entry in schemas.values():
        for grantee in entry["privileges"]:
            entry["privileges"][grantee].sort()
    return {"schemas": schemas, "system_grants": system, "column_grants": columns}


def _attach_schemas(cluster: dict, database: str, read: dict) -> None:
    """Copy one database's privileges onto the roles that hold them."""
    schemas = read["schemas"]
    cluster["databases"][database]["schemas"] = schemas
    roles = {role["name"]: role for role in cluster["roles"]}
    for key, found in (("system", read["system_grants"]), ("columns", read["column_grants"])):
        for grantee, targets in found.items():
            if grantee in roles:
                place = roles[grantee]["databases"].setdefault(database, {"database": []})
                place[key] = {target: sorted(held) for target, held in sorted(targets.items())}
    for schema_name, entry in schemas.items():
        for grantee, held in entry["privileges"].items():
            if grantee in roles:
                place = roles[grantee]["databases"].setdefault(database, {"database": []})
                place.setdefault("schemas", {})[schema_name] = held
        for owner, count in entry["owners"].items():
            if owner in roles:
                roles[owner]["owns"].append(
                    f"{count} tables or sequences in {database}.{schema_name}"
                )
        for kind in ("table", "sequence"):
            total = entry[f"{kind}s"]
            for grantee, counts in entry[f"{kind}_privileges"].items():
                if grantee not in roles:
                    continue
                place = roles[grantee]["databases"].setdefault(database, {"database": []})
                place.setdefault(f"{kind}s", {})[schema_name] = {
                    privilege: {"held_on": count, "of": total}
                    for privilege, count in sorted(counts.items())
                }


def collect_postgresql(host: HostReader, packages: dict[str, str]) -> dict:
    """PostgreSQL roles with their attributes, memberships and privileges in every
    database, the public schema's privileges and the rules of pg_hba.conf."""
    evidence: dict = {
        "installed": any(_POSTGRESQL_SERVER.match(name) for name in packages),
        "running": None,
        "error": None,
        "version": "",
        "hba_file": "",
        "roles": [],
        "databases": {},
        "hba": [],
    }
    if not evidence["installed"]:
        return evidence
    evidence["running"] = _any_unit_active(host, postgresql_units(host))
    missing = [name for name in ("runuser", "psql") if host.which(name) is None]
    if missing:
        evidence["error"] = "program not found: " + ", ".join(missing)
        return evidence
    result = host.run(psql_argv(POSTGRESQL_CLUSTER_QUERIES))
    if result.rc != 0:
        evidence["error"] = _failure(result.err, result.rc, "psql")
        return evidence
    cluster = parse_pg_cluster(result.out)
    if not cluster["roles"] or not cluster["version"]:
        evidence["error"] = "psql listed no role at all"
        return evidence
    errors = []
    if cluster["version"].isdigit() and int(cluster["version"]) >= POSTGRESQL_PARAMETER_ACL_VERSION:
        parameters = host.run(psql_argv([POSTGRESQL_PARAMETER_QUERY]))
        if parameters.rc != 0:
            errors.append(
                f"parameter privileges: {_failure(parameters.err, parameters.rc, 'psql')}"
            )
        else:
            parse_pg_parameters(parameters.out, {r["name"]: r for r in cluster["roles"]})
    for name, database in cluster["databases"].items():
        if not database.get("connectable"):
            continue
        if "=" in name or any(not ch.isprintable() for ch in name):
            database["error"] = "a database name psql cannot be given safely"
            errors.append(f"database {name!r}: not read ({database['error']})")
            continue
        one = host.run(psql_argv(POSTGRESQL_DATABASE_QUERIES, name))
        if one.rc != 0:
            database["error"] = _failure(one.err, one.rc, "psql")
            errors.append(f"database {name}: {database['error']}")
            continue
        _attach_schemas(cluster, name, parse_pg_database(one.out))
    evidence.update(cluster)
    if errors:
        evidence["error"] = "; ".join(errors)
    return evidence


def collect(host: HostReader) -> dict:
    """Database evidence: see the module docstring and the area's schema."""
    packages, packages_error = package_list(host)
    return {
        "mariadb": collect_mariadb(host, packages),
        "postgresql": collect_postgresql(host, packages),
        "packages_error": packages_error,
    }
