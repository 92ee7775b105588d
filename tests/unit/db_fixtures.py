# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Recorded MariaDB and PostgreSQL output (Debian 12) and the recorded host that serves it,
shared by the tests of the databases collector, the db_accounts planner and the rule: the
evidence those tests judge is always what the collector makes of this text, so its shape
cannot drift from the collector's."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import databases
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

DPKG_KEY = " ".join(DPKG_QUERY_ARGV)
MARIADB_KEY = " ".join(databases.mysql_argv("mariadb", databases.MARIADB_QUERY))
MYSQL_KEY = " ".join(databases.mysql_argv("mysql", databases.MARIADB_QUERY))
PG_CLUSTER_KEY = " ".join(databases.psql_argv(databases.POSTGRESQL_CLUSTER_QUERIES))
PG_PARAMETER_KEY = " ".join(databases.psql_argv([databases.POSTGRESQL_PARAMETER_QUERY]))
MARIADB_ACTIVE_KEY = "systemctl is-active mariadb.service"
CLUSTER_ACTIVE_KEY = "systemctl is-active postgresql@15-main.service"


def pg_database_key(name: str) -> str:
    return " ".join(databases.psql_argv(databases.POSTGRESQL_DATABASE_QUERIES, name))


MARIADB_PACKAGES = (
    "mariadb-client\t1:10.11.18-0+deb12u1\tinstall ok installed\n"
    "mariadb-server\t1:10.11.18-0+deb12u1\tinstall ok installed\n"
)
POSTGRESQL_PACKAGES = (
    "postgresql\t15+248\tinstall ok installed\n"
    "postgresql-15\t15.18-0+deb12u1\tinstall ok installed\n"
    "postgresql-client-15\t15.18-0+deb12u1\tinstall ok installed\n"
)


def maria_line(*fields: str) -> str:
    return "\t".join(fields) + "\n"


def user_line(
    user: str,
    host: str,
    is_role: str = "N",
    locked: str = "N",
    plugin: str = "mysql_native_password",
    socket: str = "N",
    password_set: str = "Y",
    *,
    privileges: tuple[str, ...] | list[str] = (),
) -> str:
    """A 'user' row of MARIADB_QUERY: the seven fields, then one Y/N per classic privilege
    column of mysql.user (``privileges`` by the names they stand for, GRANT OPTION too)."""
    unknown = set(privileges) - set(databases.MARIADB_PRIV_COLUMNS.values())
    assert not unknown, f"no classic privilege column for {unknown}"
    columns = [
        "Y" if name in privileges else "N" for name in databases.MARIADB_PRIV_COLUMNS.values()
    ]
    return maria_line("user", user, host, is_role, locked, plugin, socket, password_set, *columns)


# `mariadb --batch --skip-column-names -e MARIADB_QUERY` on MariaDB 10.11 (Debian 12).
MARIADB_OUTPUT = (
    "version\t10.11.18-MariaDB-0+deb12u1\n"
    + user_line("mariadb.sys", "localhost", "N", "Y", "mysql_native_password", "N", "N")
    + user_line(
        "root",
        "localhost",
        "N",
        "N",
        "mysql_native_password",
        "Y",
        "N",
        privileges=("SELECT", "SUPER", "GRANT OPTION"),
    )
    + user_line("shop", "localhost", "N", "N", "mysql_native_password", "N", "Y")
    + user_line("approle", "", "Y", "N", "", "N", "N")
    + """\
global\t'mariadb.sys'@'localhost'\tUSAGE\tNO
global\t'root'@'localhost'\tSELECT\tYES
global\t'root'@'localhost'\tSUPER\tYES
global\t'shop'@'localhost'\tUSAGE\tNO
schema\t'shop'@'localhost'\tshop\tSELECT\tNO
schema\t'approle'@''\tmysql\tSELECT\tNO
table\t'mariadb.sys'@'localhost'\tmysql.global_priv\tSELECT\tNO
role\troot\tlocalhost\tapprole\tY
database\tshop\t1
database\tmysql\t31
"""
)

# `psql -XAtF <tab>` of POSTGRESQL_CLUSTER_QUERIES on PostgreSQL 15 (Debian 12).
PG_CLUSTER_OUTPUT = """\
version\t150018\t/etc/postgresql/15/main/pg_hba.conf
role\tpostgres\tt\tt\tt\tt\tt\tt\tnone
role\tshop\tf\tf\tf\tt\tf\tf\tscram-sha-256
member\tpg_read_all_settings\tshop\tf
database\tpostgres\tpostgres\tt
database\tshop\tpostgres\tt
dbacl\tshop\tPUBLIC\tCONNECT\tf
dbacl\tshop\tshop\tCONNECT\tf
hba\t1\tlocal\tshop\tshop\t\t\tscram-sha-256\t
hba\t97\thost\tall\tall\t127.0.0.1\t255.255.255.255\tscram-sha-256\t
hba\t99\thost\tall\tall\t::1\tffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\tscram-sha-256\t
"""

# The same of POSTGRESQL_DATABASE_QUERIES in the database shop (psql -d shop).
PG_SHOP_OUTPUT = """\
schema\tpublic\tpg_database_owner\tUSAGE\tf
schema\tpublic\tPUBLIC\tUSAGE\tf
relations\tpublic\ttable\t1
relations\tpublic\tsequence\t1
relacl\tpublic\ttable\tshop\tSELECT\tf\t1
relacl\tpublic\ttable\tpostgres\tINSERT\tf\t1
owner\tpublic\tpostgres\t2
"""

# The database postgres of a fresh cluster: nothing in public but the owner's USAGE.
PG_POSTGRES_OUTPUT = """\
schema\tpublic\tpg_database_owner\tUSAGE\tf
schema\tpublic\tPUBLIC\tUSAGE\tf
"""


def db_host(
    mariadb: object = MARIADB_OUTPUT,
    cluster: object = PG_CLUSTER_OUTPUT,
    per_database: dict[str, object] | None = None,
    parameters: object = "",
    packages: str = MARIADB_PACKAGES + POSTGRESQL_PACKAGES,
    programs: tuple[str, ...] = ("mariadb", "runuser", "psql", "systemctl", "dpkg-query"),
) -> RecordedHost:
    """A Debian 12 host running MariaDB 10.11 and PostgreSQL 15 that answers with the
    recordings above (None leaves a command unrecorded)."""
    commands: dict[str, object] = {
        DPKG_KEY: packages,
        MARIADB_ACTIVE_KEY: "active\n",
        CLUSTER_ACTIVE_KEY: "active\n",
    }
    if mariadb is not None:
        commands[MARIADB_KEY] = mariadb
    if cluster is not None:
        commands[PG_CLUSTER_KEY] = cluster
    if parameters is not None:
        # PostgreSQL 15 and later: who may set which server parameter (none granted).
        commands[PG_PARAMETER_KEY] = parameters
    dbs = {"postgres": PG_POSTGRES_OUTPUT, "shop": PG_SHOP_OUTPUT}
    dbs.update(per_database or {})
    for name, output in dbs.items():
        if output is not None:
            commands[pg_database_key(name)] = output
    return RecordedHost(
        files={"/etc/postgresql/15/main/postgresql.conf": "port = 5432\n"},
        commands=commands,
        programs=list(programs),
    )


def mariadb_evidence(text: str = MARIADB_OUTPUT) -> dict:
    """The collector's MariaDB evidence of a server that printed ``text``."""
    return databases.collect_mariadb(db_host(mariadb=text), {"mariadb-server": "1"})


def postgresql_evidence(
    cluster: str = PG_CLUSTER_OUTPUT,
    per_database: dict[str, object] | None = None,
    parameters: object = "",
) -> dict:
    """The collector's PostgreSQL evidence of a cluster that printed ``cluster`` (each
    database ``per_database[name]``, the parameter privileges ``parameters``)."""
    host = db_host(cluster=cluster, per_database=per_database, parameters=parameters)
    return databases.collect_postgresql(host, {"postgresql-15": "1"})
