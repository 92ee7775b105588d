# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for MOE-42.2.4 and MOE-22: database accounts and their global privileges.

MariaDB/MySQL is asked through its unix socket as root; PostgreSQL as the
``postgres`` operating-system user. Only read-only queries are sent.
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

MARIADB_PRIV_COLUMNS = (
    "Select_priv",
    "Insert_priv",
    "Update_priv",
    "Delete_priv",
    "Create_priv",
    "Drop_priv",
    "Reload_priv",
    "Shutdown_priv",
    "Process_priv",
    "File_priv",
    "Grant_priv",
    "References_priv",
    "Index_priv",
    "Alter_priv",
    "Show_db_priv",
    "Super_priv",
    "Create_tmp_table_priv",
    "Lock_tables_priv",
    "Execute_priv",
    "Repl_slave_priv",
    "Repl_client_priv",
    "Create_view_priv",
    "Show_view_priv",
    "Create_routine_priv",
    "Alter_routine_priv",
    "Create_user_priv",
    "Event_priv",
    "Trigger_priv",
    "Create_tablespace_priv",
)
"""Global privilege columns of mysql.user common to MariaDB 10.5 to 11 and MySQL 5.7/8.0.

(MariaDB's Delete_history_priv and MySQL's Create_role_priv/Drop_role_priv are left
out so that one query works on both.)
"""

MARIADB_USERS_QUERY = (
    "SELECT User, Host, " + ", ".join(MARIADB_PRIV_COLUMNS) + " FROM mysql.user ORDER BY User, Host"
)
MARIADB_TEST_DB_QUERY = "SHOW DATABASES LIKE 'test'"
MARIADB_UNITS = ("mariadb.service", "mysql.service")

POSTGRESQL_ROLES_QUERY = (
    "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication,"
    " rolbypassrls FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY rolname"
)
POSTGRESQL_ROLE_FLAGS = ("superuser", "createrole", "createdb", "login", "replication", "bypassrls")

_MARIADB_SERVER = re.compile(r"^(?:default-mysql-server|(?:mariadb|mysql)-server(?:-\d[\d.]*)?)$")
_POSTGRESQL_SERVER = re.compile(r"^postgresql(?:-\d+)?$")


def mysql_argv(client: str, query: str) -> list[str]:
    """The argv that runs one query as root through the unix socket."""
    return [client, "--batch", "--skip-column-names", "-e", query]


def psql_argv(query: str) -> list[str]:
    """The argv that runs one query as the postgres user, tab-separated, no psqlrc."""
    return ["runuser", "-u", "postgres", "--", "psql", "-XAtF", "\t", "-c", query]


def _failure(result_err: str, rc: int, what: str) -> str:
    """The error text of a failed query: its stderr, or the exit code when silent."""
    return result_err.strip() or f"{what} exited with {rc}"


def parse_mariadb_users(text: str) -> list[dict]:
    """Accounts from the ``MARIADB_USERS_QUERY`` output (tab-separated, Y/N columns)."""
    accounts = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 2 + len(MARIADB_PRIV_COLUMNS):
            continue
        flags = {
            column: value.strip().upper() == "Y"
            for column, value in zip(MARIADB_PRIV_COLUMNS, fields[2:])
        }
        accounts.append(
            {
                "user": fields[0],
                "host": fields[1],
                "super": flags["Super_priv"],
                "grant_option": flags["Grant_priv"],
                "all_global": all(flags.values()),
                "create_user": flags["Create_user_priv"],
                "global_privileges": [
                    column[: -len("_priv")].lower() for column, held in flags.items() if held
                ],
            }
        )
    return accounts


def parse_show_databases(text: str) -> bool:
    """Whether ``SHOW DATABASES LIKE 'test'`` listed the test database."""
    return any(line.strip() == "test" for line in text.splitlines())


def parse_pg_roles(text: str) -> list[dict]:
    """Roles from the ``POSTGRESQL_ROLES_QUERY`` output (tab-separated, t/f flags)."""
    roles = []
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 1 + len(POSTGRESQL_ROLE_FLAGS):
            continue
        role: dict = {"name": fields[0]}
        for flag, value in zip(POSTGRESQL_ROLE_FLAGS, fields[1:]):
            role[flag] = value.strip() == "t"
        roles.append(role)
    return roles


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


def collect_mariadb(host: HostReader, packages: dict[str, str]) -> dict:
    """MariaDB/MySQL accounts, anonymous accounts and the test database."""
    evidence: dict = {
        "installed": any(_MARIADB_SERVER.match(name) for name in packages),
        "running": None,
        "error": None,
        "accounts": [],
        "anonymous_accounts": [],
        "test_database": False,
    }
    if not evidence["installed"]:
        return evidence
    evidence["running"] = _any_unit_active(host, list(MARIADB_UNITS))
    client = next((name for name in ("mysql", "mariadb") if host.which(name)), None)
    if client is None:
        evidence["error"] = "no mysql or mariadb client program found"
        return evidence
    users = host.run(mysql_argv(client, MARIADB_USERS_QUERY))
    if users.rc != 0:
        evidence["error"] = _failure(users.err, users.rc, client)
        return evidence
    accounts = parse_mariadb_users(users.out)
    evidence["accounts"] = accounts
    evidence["anonymous_accounts"] = [
        f"{item['user']}@{item['host']}" for item in accounts if item["user"] == ""
    ]
    databases = host.run(mysql_argv(client, MARIADB_TEST_DB_QUERY))
    if databases.rc != 0:
        evidence["error"] = _failure(databases.err, databases.rc, client)
        return evidence
    evidence["test_database"] = parse_show_databases(databases.out)
    return evidence


def collect_postgresql(host: HostReader, packages: dict[str, str]) -> dict:
    """PostgreSQL roles with their administrative attributes."""
    evidence: dict = {"installed": False, "running": None, "error": None, "roles": []}
    evidence["installed"] = any(_POSTGRESQL_SERVER.match(name) for name in packages)
    if not evidence["installed"]:
        return evidence
    evidence["running"] = _any_unit_active(host, postgresql_units(host))
    missing = [name for name in ("runuser", "psql") if host.which(name) is None]
    if missing:
        evidence["error"] = "program not found: " + ", ".join(missing)
        return evidence
    roles = host.run(psql_argv(POSTGRESQL_ROLES_QUERY))
    if roles.rc != 0:
        evidence["error"] = _failure(roles.err, roles.rc, "psql")
        return evidence
    evidence["roles"] = parse_pg_roles(roles.out)
    return evidence


def collect(host: HostReader) -> dict:
    """Database evidence: see the module docstring and the area's schema."""
    packages, packages_error = package_list(host)
    return {
        "mariadb": collect_mariadb(host, packages),
        "postgresql": collect_postgresql(host, packages),
        "packages_error": packages_error,
    }
