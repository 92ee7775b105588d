# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/databases.py."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import databases
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

DPKG_KEY = " ".join(DPKG_QUERY_ARGV)
USERS_KEY = " ".join(databases.mysql_argv("mysql", databases.MARIADB_USERS_QUERY))
TEST_DB_KEY = " ".join(databases.mysql_argv("mysql", databases.MARIADB_TEST_DB_QUERY))
ROLES_KEY = " ".join(databases.psql_argv(databases.POSTGRESQL_ROLES_QUERY))
MARIADB_ACTIVE_KEY = "systemctl is-active mariadb.service"
MYSQL_ACTIVE_KEY = "systemctl is-active mysql.service"
CLUSTER_ACTIVE_KEY = "systemctl is-active postgresql@15-main.service"

DPKG_OUTPUT = (
    "mariadb-client\t1:10.11.6-0+deb12u1\tinstall ok installed\n"
    "mariadb-server\t1:10.11.6-0+deb12u1\tinstall ok installed\n"
    "mariadb-server-core\t1:10.11.6-0+deb12u1\tinstall ok installed\n"
    "postgresql\t15+248\tinstall ok installed\n"
    "postgresql-15\t15.10-0+deb12u1\tinstall ok installed\n"
    "postgresql-client-15\t15.10-0+deb12u1\tinstall ok installed\n"
)

ALL_Y = "\t".join(["Y"] * 29)
ALL_N = "\t".join(["N"] * 29)
# Select and Insert only (the first two privilege columns).
SELECT_INSERT = "\t".join(["Y", "Y"] + ["N"] * 27)

# The mysql.user query on a fresh Debian 12 MariaDB 10.11, plus an anonymous account
# and an application account.
USERS_OUTPUT = (
    f"\tlocalhost\t{ALL_N}\n"
    f"app\t192.0.2.%\t{SELECT_INSERT}\n"
    f"mariadb.sys\tlocalhost\t{ALL_N}\n"
    f"mysql\tlocalhost\t{ALL_Y}\n"
    f"root\tlocalhost\t{ALL_Y}\n"
)

# The pg_roles query on Debian 12 PostgreSQL 15 with one application role.
ROLES_OUTPUT = "app\tf\tf\tt\tt\tf\tf\npostgres\tt\tt\tt\tt\tt\tt\n"


def _host(**overrides) -> RecordedHost:
    """A Debian 12 host running MariaDB 10.11 and PostgreSQL 15."""
    commands = {
        DPKG_KEY: DPKG_OUTPUT,
        MARIADB_ACTIVE_KEY: "active\n",
        USERS_KEY: USERS_OUTPUT,
        TEST_DB_KEY: "",
        CLUSTER_ACTIVE_KEY: "active\n",
        ROLES_KEY: ROLES_OUTPUT,
    }
    commands.update(overrides.pop("commands", {}))
    settings = {
        "files": {"/etc/postgresql/15/main/postgresql.conf": "port = 5432\n"},
        "programs": ["mysql", "mariadb", "runuser", "psql", "systemctl"],
    }
    settings.update(overrides)
    return RecordedHost(commands=commands, **settings)


def _account(evidence: dict, user: str) -> dict:
    return next(item for item in evidence["mariadb"]["accounts"] if item["user"] == user)


def test_users_query_selects_user_host_and_every_privilege_column():
    assert databases.MARIADB_USERS_QUERY.startswith("SELECT User, Host, Select_priv, Insert_priv, ")
    assert "Super_priv" in databases.MARIADB_USERS_QUERY
    assert "Create_user_priv" in databases.MARIADB_USERS_QUERY


def test_mysql_argv_uses_batch_mode_without_column_names():
    assert databases.mysql_argv("mysql", "SELECT 1") == [
        "mysql",
        "--batch",
        "--skip-column-names",
        "-e",
        "SELECT 1",
    ]


def test_psql_argv_runs_as_postgres_without_psqlrc_and_tab_separated():
    assert databases.psql_argv("SELECT 1") == [
        "runuser",
        "-u",
        "postgres",
        "--",
        "psql",
        "-XAtF",
        "\t",
        "-c",
        "SELECT 1",
    ]


def test_collect_reports_mariadb_installed_and_running():
    mariadb = databases.collect(_host())["mariadb"]
    assert (mariadb["installed"], mariadb["running"], mariadb["error"]) == (True, True, None)


def test_collect_reports_stopped_mariadb_as_not_running():
    host = _host(
        commands={
            MARIADB_ACTIVE_KEY: Result(3, "inactive\n", ""),
            MYSQL_ACTIVE_KEY: Result(3, "inactive\n", ""),
        }
    )
    assert databases.collect(host)["mariadb"]["running"] is False


def test_collect_reports_root_with_every_global_privilege():
    root = _account(databases.collect(_host()), "root")
    assert (root["super"], root["grant_option"], root["create_user"], root["all_global"]) == (
        True,
        True,
        True,
        True,
    )


def test_collect_lists_global_privileges_in_lower_case_without_suffix():
    assert _account(databases.collect(_host()), "app")["global_privileges"] == ["select", "insert"]


def test_collect_reports_application_account_without_admin_rights():
    app = _account(databases.collect(_host()), "app")
    assert (app["host"], app["super"], app["grant_option"], app["all_global"]) == (
        "192.0.2.%",
        False,
        False,
        False,
    )


def test_parse_mariadb_users_reads_account_with_only_grant_option():
    row = ["N"] * 29
    row[databases.MARIADB_PRIV_COLUMNS.index("Grant_priv")] = "Y"
    account = databases.parse_mariadb_users("dba\t%\t" + "\t".join(row) + "\n")[0]
    assert (account["grant_option"], account["global_privileges"]) == (True, ["grant"])


def test_parse_mariadb_users_skips_lines_with_wrong_column_count():
    assert databases.parse_mariadb_users("root\tlocalhost\tY\tY\n") == []


def test_collect_lists_anonymous_accounts():
    assert databases.collect(_host())["mariadb"]["anonymous_accounts"] == ["@localhost"]


def test_collect_reports_absent_test_database():
    assert databases.collect(_host())["mariadb"]["test_database"] is False


def test_collect_reports_present_test_database():
    host = _host(commands={TEST_DB_KEY: "test\n"})
    assert databases.collect(host)["mariadb"]["test_database"] is True


def test_collect_reports_failed_mariadb_query_stderr_as_error():
    stderr = "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: NO)\n"
    host = _host(commands={USERS_KEY: Result(1, "", stderr)})
    mariadb = databases.collect(host)["mariadb"]
    assert (mariadb["error"], mariadb["accounts"]) == (stderr.strip(), [])


def test_collect_falls_back_to_mariadb_client_name():
    host = _host(
        programs=["mariadb", "runuser", "psql"],
        commands={
            " ".join(databases.mysql_argv("mariadb", databases.MARIADB_USERS_QUERY)): (
                f"root\tlocalhost\t{ALL_Y}\n"
            ),
            " ".join(databases.mysql_argv("mariadb", databases.MARIADB_TEST_DB_QUERY)): "",
        },
    )
    assert [item["user"] for item in databases.collect(host)["mariadb"]["accounts"]] == ["root"]


def test_collect_reports_missing_mysql_client_as_error():
    host = _host(programs=["runuser", "psql"])
    assert databases.collect(host)["mariadb"]["error"] == "no mysql or mariadb client program found"


def test_collect_recognises_debian_11_versioned_mariadb_server_package():
    host = _host(
        commands={DPKG_KEY: "mariadb-server-10.5\t1:10.5.26-0+deb11u2\tinstall ok installed\n"}
    )
    assert databases.collect(host)["mariadb"]["installed"] is True


def test_collect_reports_postgresql_installed_and_cluster_running():
    postgresql = databases.collect(_host())["postgresql"]
    assert (postgresql["installed"], postgresql["running"], postgresql["error"]) == (
        True,
        True,
        None,
    )


def test_collect_reports_postgresql_roles_with_their_attributes():
    assert databases.collect(_host())["postgresql"]["roles"] == [
        {
            "name": "app",
            "superuser": False,
            "createrole": False,
            "createdb": True,
            "login": True,
            "replication": False,
            "bypassrls": False,
        },
        {
            "name": "postgres",
            "superuser": True,
            "createrole": True,
            "createdb": True,
            "login": True,
            "replication": True,
            "bypassrls": True,
        },
    ]


def test_collect_reports_stopped_postgresql_cluster_and_psql_error():
    stderr = (
        'psql: error: connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" '
        "failed: No such file or directory\n"
        "\tIs the server running locally and accepting connections on that socket?\n"
    )
    host = _host(
        commands={
            CLUSTER_ACTIVE_KEY: Result(3, "inactive\n", ""),
            ROLES_KEY: Result(2, "", stderr),
        }
    )
    postgresql = databases.collect(host)["postgresql"]
    assert (postgresql["running"], postgresql["error"], postgresql["roles"]) == (
        False,
        stderr.strip(),
        [],
    )


def test_collect_does_not_count_postgresql_client_as_server():
    host = _host(
        commands={DPKG_KEY: "postgresql-client-15\t15.10-0+deb12u1\tinstall ok installed\n"}
    )
    assert databases.collect(host)["postgresql"]["installed"] is False


def test_postgresql_units_fall_back_to_umbrella_unit_without_clusters():
    assert databases.postgresql_units(RecordedHost()) == ["postgresql.service"]


def test_collect_without_dpkg_reports_nothing_installed_and_why():
    assert databases.collect(RecordedHost()) == {
        "mariadb": {
            "installed": False,
            "running": None,
            "error": None,
            "accounts": [],
            "anonymous_accounts": [],
            "test_database": False,
        },
        "postgresql": {"installed": False, "running": None, "error": None, "roles": []},
        "packages_error": "dpkg-query is not installed (not found on the host)",
    }


def test_collect_output_is_json_serialisable():
    evidence = databases.collect(_host())
    assert json.loads(json.dumps(evidence)) == evidence


def test_collect_with_listed_packages_reports_no_packages_error():
    assert databases.collect(_host())["packages_error"] is None
