# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/databases.py (MariaDB and PostgreSQL
accounts with every privilege they hold), on output recorded on Debian 12."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import databases
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.tests.unit.db_fixtures import (
    MARIADB_OUTPUT,
    MARIADB_PACKAGES,
    PG_CLUSTER_OUTPUT,
    PG_SHOP_OUTPUT,
    db_host,
    maria_line,
    mariadb_evidence,
    pg_database_key,
    postgresql_evidence,
    user_line,
)


def _account(evidence: dict, name: str) -> dict:
    return next(a for a in evidence["accounts"] if a["name"] == name)


def _role(evidence: dict, name: str) -> dict:
    return next(r for r in evidence["roles"] if r["name"] == name)


# ---------------------------------------------------------------- argv


def test_mysql_argv_runs_one_batch_query_without_column_names():
    assert databases.mysql_argv("mariadb", "SELECT 1") == [
        "mariadb",
        "--batch",
        "--skip-column-names",
        "-e",
        "SELECT 1",
    ]


def test_psql_argv_runs_each_query_as_postgres_without_psqlrc_in_the_named_database():
    assert databases.psql_argv(["SELECT 1", "SELECT 2"], "shop") == [
        "runuser",
        "-u",
        "postgres",
        "--",
        "psql",
        "-XAtF",
        "\t",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        "shop",
        "-c",
        "SELECT 1",
        "-c",
        "SELECT 2",
    ]


def test_queries_never_read_a_password_hash_into_the_output():
    # password_set and the kind of password only: the hash itself is never selected.
    assert "IF(u.authentication_string IN ('', 'invalid'), 'N', 'Y')" in databases.MARIADB_QUERY
    assert "u.authentication_string," not in databases.MARIADB_QUERY
    roles_query = databases.POSTGRESQL_CLUSTER_QUERIES[1]
    assert "rolpassword," not in roles_query
    assert "CASE WHEN rolpassword IS NULL THEN 'none'" in roles_query


# ---------------------------------------------------------------- MariaDB: parsing


def test_parse_mariadb_reads_version_and_database_table_counts():
    parsed = databases.parse_mariadb(MARIADB_OUTPUT)
    assert parsed["version"] == "10.11.18-MariaDB-0+deb12u1"
    assert parsed["databases"] == {"shop": 1, "mysql": 31}


def test_parse_mariadb_lists_accounts_sorted_by_user_then_host():
    parsed = databases.parse_mariadb(MARIADB_OUTPUT)
    assert [a["name"] for a in parsed["accounts"]] == [
        "approle",
        "mariadb.sys@localhost",
        "root@localhost",
        "shop@localhost",
    ]


def test_parse_mariadb_reads_the_user_row_flags():
    shop = _account(databases.parse_mariadb(MARIADB_OUTPUT), "shop@localhost")
    assert shop == {
        "user": "shop",
        "host": "localhost",
        "name": "shop@localhost",
        "role": False,
        "locked": False,
        "plugin": "mysql_native_password",
        "socket": False,
        "password_set": True,
        "global": [],
        "databases": {"shop": ["SELECT"]},
        "tables": {},
        "columns": {},
        "routines": {},
        "proxies": [],
        "roles": [],
        "grantable": False,
    }


def test_parse_mariadb_reads_locked_mariadb_sys_with_its_table_grant():
    sys_account = _account(databases.parse_mariadb(MARIADB_OUTPUT), "mariadb.sys@localhost")
    assert sys_account["locked"] is True
    assert sys_account["password_set"] is False
    assert sys_account["tables"] == {"mysql.global_priv": ["SELECT"]}
    assert sys_account["global"] == []  # USAGE is no privilege


def test_parse_mariadb_reads_root_global_privileges_grant_option_socket_and_role():
    root = _account(databases.parse_mariadb(MARIADB_OUTPUT), "root@localhost")
    assert root["global"] == ["SELECT", "SUPER"]
    assert root["grantable"] is True
    assert root["socket"] is True
    assert root["roles"] == ["approle"]


def test_parse_mariadb_reads_a_role_with_an_empty_host_named_by_its_name_alone():
    role = _account(databases.parse_mariadb(MARIADB_OUTPUT), "approle")
    assert (role["user"], role["host"], role["role"]) == ("approle", "", True)
    assert role["plugin"] == ""
    assert role["databases"] == {"mysql": ["SELECT"]}


def test_parse_mariadb_drops_grants_of_accounts_it_has_no_user_row_for():
    parsed = databases.parse_mariadb(MARIADB_OUTPUT)
    assert all(a["user"] != "x" for a in parsed["accounts"])
    assert all(not a["columns"] for a in parsed["accounts"])


def test_parse_mariadb_reads_column_table_and_routine_grants_splitting_proc_priv_sets():
    text = (
        user_line("app", "10.0.0.5", "N", "N", "mysql_native_password", "N", "Y")
        + maria_line("column", "'app'@'10.0.0.5'", "shop.users.email", "SELECT", "NO")
        + maria_line("column", "'app'@'10.0.0.5'", "shop.users.email", "UPDATE", "NO")
        + maria_line("routine", "app", "10.0.0.5", "shop.refund", "Execute,Alter Routine")
        + maria_line("table", "'app'@'10.0.0.5'", "shop.orders", "INSERT", "YES")
    )
    app = databases.parse_mariadb(text)["accounts"][0]
    assert app["columns"] == {"shop.users.email": ["SELECT", "UPDATE"]}
    assert app["routines"] == {"shop.refund": ["ALTER ROUTINE", "EXECUTE"]}
    assert app["tables"] == {"shop.orders": ["INSERT"]}
    assert app["grantable"] is True


def test_parse_mariadb_sorts_privileges_within_each_level():
    text = (
        user_line("app", "localhost", "N", "N", "mysql_native_password", "N", "Y")
        + maria_line("schema", "'app'@'localhost'", "shop", "UPDATE", "NO")
        + maria_line("schema", "'app'@'localhost'", "shop", "DELETE", "NO")
        + maria_line("global", "'app'@'localhost'", "RELOAD", "NO")
        + maria_line("global", "'app'@'localhost'", "PROCESS", "NO")
    )
    app = databases.parse_mariadb(text)["accounts"][0]
    assert app["databases"] == {"shop": ["DELETE", "UPDATE"]}
    assert app["global"] == ["PROCESS", "RELOAD"]


def test_parse_mariadb_skips_rows_with_the_wrong_number_of_fields():
    text = (
        maria_line("version")
        + maria_line("user", "app", "localhost", "N", "N", "", "N", "Y")  # no privilege columns
        + maria_line("database", "shop", "many")
        + maria_line("global", "'root'@'localhost'", "SUPER")
        + maria_line("surprise", "x")
    )
    assert databases.parse_mariadb(text) == {
        "version": "",
        "accounts": [],
        "databases": {},
        "unread": [],
    }


def test_parse_mariadb_ignores_a_grantee_it_cannot_parse():
    text = user_line("app", "localhost", "N", "N", "mysql_native_password", "N", "Y") + maria_line(
        "global", "app@localhost", "SUPER", "NO"
    )
    assert databases.parse_mariadb(text)["accounts"][0]["global"] == []


def test_unescape_reverses_the_batch_mode_escapes():
    assert databases.unescape("a\\tb\\nc\\\\d\\0e\\rf") == "a\tb\nc\\d\0e\rf"


def test_unescape_keeps_an_unknown_escape_and_plain_text():
    assert databases.unescape("a\\xb") == "a\\xb"
    assert databases.unescape("plain") == "plain"


def test_unescape_reads_an_escaped_backslash_before_a_letter_as_a_backslash():
    # "\\n" in the output is a backslash then n, not a newline.
    assert databases.unescape("x\\\\ny") == "x\\ny"


def test_parse_mariadb_unescapes_user_names_holding_tab_and_newline():
    text = user_line("a\\tb\\nc", "localhost", "N", "N", "", "N", "N")
    account = databases.parse_mariadb(text)["accounts"][0]
    assert account["user"] == "a\tb\nc"
    assert account["name"] == "a\tb\nc@localhost"


def test_mariadb_grantee_reads_user_and_host():
    known = {("shop", "192.0.2.0/255.255.255.0")}
    assert databases.mariadb_grantee("'shop'@'192.0.2.0/255.255.255.0'", known) == (
        "shop",
        "192.0.2.0/255.255.255.0",
    )


def test_mariadb_grantee_reads_quotes_inside_names_as_the_server_writes_them_undoubled():
    known = {("o'brien", "host's")}
    assert databases.mariadb_grantee("'o'brien'@'host's'", known) == ("o'brien", "host's")


def test_mariadb_grantee_splits_where_the_text_names_an_existing_account():
    # "'a'@'b'@'c'" is a@'b'@c or a'@'b@c: the accounts that exist decide.
    assert databases.mariadb_grantee("'a'@'b'@'c'", {("a'@'b", "c")}) == ("a'@'b", "c")
    assert databases.mariadb_grantee("'a'@'b'@'c'", {("a", "b'@'c")}) == ("a", "b'@'c")


def test_mariadb_grantee_reads_a_role_with_or_without_an_empty_host():
    known = {("approle", "")}
    assert databases.mariadb_grantee("'approle'", known) == ("approle", "")
    assert databases.mariadb_grantee("'approle'@''", known) == ("approle", "")


def test_mariadb_grantee_reads_the_anonymous_account():
    assert databases.mariadb_grantee("''@'localhost'", {("", "localhost")}) == ("", "localhost")


def test_mariadb_grantee_refuses_what_is_not_a_quoted_grantee():
    known = {("shop", "localhost"), ("a", "b")}
    assert databases.mariadb_grantee("shop@localhost", known) is None
    assert databases.mariadb_grantee("'a'@'b' extra", known) is None
    assert databases.mariadb_grantee("'", known) is None


def test_mariadb_grantee_of_no_known_account_is_none():
    assert databases.mariadb_grantee("'x'@'192.0.2.0/255.255.255.0'", {("shop", "%")}) is None


def test_parse_mariadb_attributes_grants_of_a_name_with_a_quote_to_its_account():
    # information_schema writes the quote as it is: 'o'brien'@'localhost'.
    text = user_line(
        "o'brien", "localhost", "N", "N", "mysql_native_password", "N", "Y"
    ) + maria_line("global", "'o'brien'@'localhost'", "FILE", "NO")
    parsed = databases.parse_mariadb(text)
    assert parsed["accounts"][0]["global"] == ["FILE"]
    assert parsed["unread"] == []


def test_parse_mariadb_attributes_a_quoted_grantee_to_the_account_it_names_not_a_lookalike():
    # 'a'@'b'@'localhost': the user a'@'b on localhost, not the user a on b'@'localhost.
    text = (
        user_line("a'@'b", "localhost")
        + user_line("a", "b", privileges=())
        + maria_line("global", "'a'@'b'@'localhost'", "FILE", "NO")
    )
    accounts = {a["name"]: a for a in databases.parse_mariadb(text)["accounts"]}
    assert accounts["a'@'b@localhost"]["global"] == ["FILE"]
    assert accounts["a@b"]["global"] == []


def test_account_name_is_user_at_host_or_the_role_alone():
    assert databases.account_name("shop", "localhost") == "shop@localhost"
    assert databases.account_name("approle", "") == "approle"


def test_is_test_database_pattern_matches_test_and_the_escaped_test_prefix():
    assert databases.is_test_database_pattern("test")
    assert databases.is_test_database_pattern("test\\_%")
    assert not databases.is_test_database_pattern("test_%")  # any one character, not test_
    assert not databases.is_test_database_pattern("testing")
    assert not databases.is_test_database_pattern("shop")


# ---------------------------------------------------------------- MariaDB: collect


def test_collect_mariadb_on_the_recorded_server():
    evidence = mariadb_evidence()
    assert evidence["installed"] is True
    assert evidence["running"] is True
    assert evidence["error"] is None
    assert evidence["version"] == "10.11.18-MariaDB-0+deb12u1"
    assert evidence["databases"] == {"shop": 1, "mysql": 31}
    assert evidence["anonymous_accounts"] == []
    assert evidence["remote_root"] == []
    assert evidence["test_database"] is False
    assert evidence["test_grants"] == []
    assert len(evidence["accounts"]) == 4


def test_collect_mariadb_lists_anonymous_accounts_but_not_roles():
    text = MARIADB_OUTPUT + user_line("", "localhost", "N", "N", "", "N", "N")
    text += user_line("", "web1", "N", "N", "", "N", "N")
    evidence = mariadb_evidence(text)
    assert evidence["anonymous_accounts"] == ["@localhost", "@web1"]


def test_collect_mariadb_lists_root_reachable_over_the_network():
    text = MARIADB_OUTPUT
    for host in ("127.0.0.1", "::1", "%", "db2.example.org"):
        text += user_line("root", host, "N", "N", "mysql_native_password", "N", "Y")
    evidence = mariadb_evidence(text)
    assert evidence["remote_root"] == ["root@%", "root@db2.example.org"]


def test_collect_mariadb_reports_the_test_database_and_grants_on_test_patterns():
    text = (
        MARIADB_OUTPUT
        + user_line("", "localhost", "N", "N", "", "N", "N")
        + maria_line("schema", "''@'localhost'", "test", "SELECT", "NO")
        # batch mode writes the backslash of test\_% doubled
        + maria_line("schema", "'shop'@'localhost'", "test\\\\_%", "SELECT", "NO")
        + maria_line("schema", "'shop'@'localhost'", "test\\\\_%", "INSERT", "NO")
        + maria_line("database", "test", "0")
    )
    evidence = mariadb_evidence(text)
    assert evidence["test_database"] is True
    assert evidence["databases"]["test"] == 0
    assert evidence["test_grants"] == ["@localhost on test", "shop@localhost on test\\_%"]
    shop = _account(evidence, "shop@localhost")
    assert shop["databases"] == {"shop": ["SELECT"], "test\\_%": ["INSERT", "SELECT"]}


def test_collect_mariadb_not_installed_reads_nothing():
    host = db_host(mariadb=None)
    evidence = databases.collect_mariadb(host, {"postgresql-15": "1"})
    assert evidence == {
        "installed": False,
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


def test_collect_mariadb_recognises_the_server_packages_by_name():
    for name in ("mariadb-server", "mariadb-server-10.5", "default-mysql-server", "mysql-server"):
        assert databases.collect_mariadb(db_host(), {name: "1"})["installed"] is True, name
    for name in ("mariadb-client", "mariadb-server-core", "mariadb-common"):
        assert databases.collect_mariadb(db_host(), {name: "1"})["installed"] is False, name


def test_collect_mariadb_without_a_client_program_says_so():
    host = db_host(programs=("systemctl",))
    evidence = databases.collect_mariadb(host, {"mariadb-server": "1"})
    assert evidence["error"] == "no mariadb or mysql client program found"
    assert evidence["accounts"] == []


def test_collect_mariadb_falls_back_to_the_mysql_client():
    from ansible_collections.edu_tw.hardening.tests.unit.db_fixtures import MYSQL_KEY

    host = db_host(programs=("mysql", "systemctl"))
    host.commands[MYSQL_KEY] = MARIADB_OUTPUT
    evidence = databases.collect_mariadb(host, {"mariadb-server": "1"})
    assert evidence["error"] is None
    assert len(evidence["accounts"]) == 4


def test_collect_mariadb_reports_the_clients_stderr_when_it_fails():
    failure = Result(1, "", "ERROR 1045 (28000): Access denied for user 'root'@'localhost'\n")
    evidence = mariadb_evidence(failure)  # type: ignore[arg-type]
    assert evidence["error"] == "ERROR 1045 (28000): Access denied for user 'root'@'localhost'"
    assert evidence["accounts"] == []


def test_collect_mariadb_reports_the_exit_code_when_the_client_fails_silently():
    evidence = mariadb_evidence(Result(2, "", "  \n"))  # type: ignore[arg-type]
    assert evidence["error"] == "mariadb exited with 2"


def test_collect_mariadb_that_lists_no_account_is_an_error_not_a_clean_server():
    evidence = mariadb_evidence("version\t10.11.18-MariaDB\n")
    assert evidence["error"] == "mariadb listed no account at all"
    assert evidence["accounts"] == []
    assert evidence["version"] == ""


def test_collect_mariadb_reports_a_stopped_server_as_not_running():
    host = db_host()
    host.commands["systemctl is-active mariadb.service"] = Result(3, "inactive\n", "")
    host.commands["systemctl is-active mysql.service"] = Result(3, "inactive\n", "")
    assert databases.collect_mariadb(host, {"mariadb-server": "1"})["running"] is False


def test_collect_mariadb_running_is_unknown_without_systemctl():
    host = db_host(programs=("mariadb",))
    host.commands.pop("systemctl is-active mariadb.service")
    assert databases.collect_mariadb(host, {"mariadb-server": "1"})["running"] is None


# ---------------------------------------------------------------- PostgreSQL: parsing


def test_parse_pg_cluster_reads_version_hba_file_and_roles():
    cluster = databases.parse_pg_cluster(PG_CLUSTER_OUTPUT)
    assert cluster["version"] == "150018"
    assert cluster["hba_file"] == "/etc/postgresql/15/main/pg_hba.conf"
    postgres = _role(cluster, "postgres")
    assert {flag: postgres[flag] for flag in databases.POSTGRESQL_ROLE_FLAGS} == dict.fromkeys(
        databases.POSTGRESQL_ROLE_FLAGS, True
    )
    assert postgres["password"] == "none"
    assert postgres["owns"] == ["database postgres", "database shop"]


def test_parse_pg_cluster_reads_an_application_role_with_membership_and_connect():
    shop = _role(databases.parse_pg_cluster(PG_CLUSTER_OUTPUT), "shop")
    assert shop == {
        "name": "shop",
        "superuser": False,
        "createrole": False,
        "createdb": False,
        "login": True,
        "replication": False,
        "bypassrls": False,
        "password": "scram-sha-256",
        "member_of": ["pg_read_all_settings"],
        "databases": {"shop": {"database": ["CONNECT"]}},
        "owns": [],
        "parameters": {},
    }


def test_parse_pg_cluster_reads_databases_with_owner_and_every_grantee():
    cluster = databases.parse_pg_cluster(PG_CLUSTER_OUTPUT)
    assert cluster["databases"]["shop"] == {
        "owner": "postgres",
        "connectable": True,
        "schemas": {},
        "error": None,
        "privileges": {"PUBLIC": ["CONNECT"], "shop": ["CONNECT"]},
    }
    assert cluster["databases"]["postgres"]["privileges"] == {}


def test_parse_pg_cluster_reads_hba_rules_as_the_server_shows_them():
    hba = databases.parse_pg_cluster(PG_CLUSTER_OUTPUT)["hba"]
    assert hba[0] == {
        "line": 1,
        "type": "local",
        "databases": ["shop"],
        "users": ["shop"],
        "address": "",
        "netmask": "",
        "method": "scram-sha-256",
        "error": "",
    }
    assert [(r["line"], r["address"], r["netmask"]) for r in hba[1:]] == [
        (97, "127.0.0.1", "255.255.255.255"),
        (99, "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ]


def test_parse_pg_cluster_marks_admin_membership_and_grantable_database_privileges():
    text = (
        "version\t150018\t/etc/postgresql/15/main/pg_hba.conf\n"
        "role\tops\tf\tf\tf\tt\tf\tf\tmd5\n"
        "member\tpg_monitor\tops\tt\n"
        "database\tshop\tpostgres\tt\n"
        "dbacl\tshop\tops\tCREATE\tt\n"
        "hba\tx\thost\tall\tall\t\t\ttrust\t\n"
    )
    cluster = databases.parse_pg_cluster(text)
    ops = cluster["roles"][0]
    assert ops["password"] == "md5"
    assert ops["member_of"] == ["pg_monitor (admin)"]
    assert ops["databases"] == {"shop": {"database": ["CREATE WITH GRANT OPTION"]}}
    assert cluster["hba"] == []  # a line number that is no number is skipped


def test_parse_pg_cluster_reads_an_hba_line_in_error():
    text = 'hba\t5\thost\tall\tall\t\t\t\tinvalid IP mask "999"\n'
    assert databases.parse_pg_cluster(text)["hba"][0]["error"] == 'invalid IP mask "999"'


def test_parse_pg_database_counts_relations_and_privileges_per_schema():
    assert databases.parse_pg_database(PG_SHOP_OUTPUT)["schemas"] == {
        "public": {
            "privileges": {"pg_database_owner": ["USAGE"], "PUBLIC": ["USAGE"]},
            "tables": 1,
            "sequences": 1,
            "table_privileges": {"shop": {"SELECT": 1}, "postgres": {"INSERT": 1}},
            "sequence_privileges": {},
            "owners": {"postgres": 2},
        }
    }


def test_parse_pg_database_marks_grant_option_and_sequence_privileges():
    text = (
        "schema\tsales\tops\tCREATE\tt\n"
        "relations\tsales\tsequence\t3\n"
        "relacl\tsales\tsequence\tops\tUSAGE\tt\t2\n"
    )
    sales = databases.parse_pg_database(text)["schemas"]["sales"]
    assert sales["privileges"] == {"ops": ["CREATE WITH GRANT OPTION"]}
    assert sales["sequences"] == 3
    assert sales["tables"] == 0
    assert sales["sequence_privileges"] == {"ops": {"USAGE WITH GRANT OPTION": 2}}


# ---------------------------------------------------------------- PostgreSQL: collect


def test_collect_postgresql_attaches_each_databases_privileges_to_the_roles():
    evidence = postgresql_evidence()
    assert evidence["error"] is None
    assert evidence["running"] is True
    shop = _role(evidence, "shop")
    assert shop["databases"] == {
        "shop": {
            "database": ["CONNECT"],
            "tables": {"public": {"SELECT": {"held_on": 1, "of": 1}}},
        }
    }
    assert evidence["databases"]["shop"]["schemas"]["public"]["tables"] == 1


def test_collect_postgresql_attributes_ownership_of_tables_and_databases():
    postgres = _role(postgresql_evidence(), "postgres")
    assert postgres["owns"] == [
        "database postgres",
        "database shop",
        "2 tables or sequences in shop.public",
    ]
    assert postgres["databases"]["shop"]["tables"] == {
        "public": {"INSERT": {"held_on": 1, "of": 1}}
    }


def test_collect_postgresql_attaches_schema_privileges_to_the_role_that_holds_them():
    shop_db = PG_SHOP_OUTPUT + "schema\tpublic\tshop\tCREATE\tf\n"
    shop = _role(postgresql_evidence(per_database={"shop": shop_db}), "shop")
    assert shop["databases"]["shop"]["schemas"] == {"public": ["CREATE"]}


def test_collect_postgresql_counts_tables_a_role_holds_a_privilege_on_out_of_all():
    shop_db = (
        "relations\tpublic\ttable\t5\n"
        "relacl\tpublic\ttable\tshop\tSELECT\tf\t5\n"
        "relacl\tpublic\ttable\tshop\tDELETE\tf\t2\n"
    )
    shop = _role(postgresql_evidence(per_database={"shop": shop_db}), "shop")
    assert shop["databases"]["shop"]["tables"] == {
        "public": {"DELETE": {"held_on": 2, "of": 5}, "SELECT": {"held_on": 5, "of": 5}}
    }


def test_collect_postgresql_reports_a_database_that_fails_to_read_and_keeps_the_rest():
    failure = Result(2, "", 'psql: error: FATAL:  permission denied for database "shop"\n')
    evidence = postgresql_evidence(per_database={"shop": failure})
    assert evidence["error"] == (
        'database shop: psql: error: FATAL:  permission denied for database "shop"'
    )
    assert evidence["databases"]["shop"]["error"] == (
        'psql: error: FATAL:  permission denied for database "shop"'
    )
    assert evidence["databases"]["postgres"]["error"] is None
    assert "public" in evidence["databases"]["postgres"]["schemas"]
    # the roles are still read from the cluster
    assert [r["name"] for r in evidence["roles"]] == ["postgres", "shop"]


def test_collect_postgresql_reports_a_silent_failure_of_one_database_by_exit_code():
    evidence = postgresql_evidence(per_database={"shop": Result(2, "", "")})
    assert evidence["error"] == "database shop: psql exited with 2"


def test_collect_postgresql_skips_a_database_name_holding_an_equals_sign():
    cluster = PG_CLUSTER_OUTPUT + "database\thost=evil dbname=x\tpostgres\tt\n"
    evidence = postgresql_evidence(cluster)
    assert evidence["databases"]["host=evil dbname=x"]["error"] == (
        "a database name psql cannot be given safely"
    )
    assert evidence["error"] == (
        "database 'host=evil dbname=x': not read (a database name psql cannot be given safely)"
    )
    assert evidence["databases"]["shop"]["schemas"]  # the others are read


def test_collect_postgresql_never_runs_psql_for_a_database_name_holding_an_equals_sign():
    cluster = PG_CLUSTER_OUTPUT + "database\ta=b\tpostgres\tt\n"
    host = db_host(cluster=cluster)
    ran: list[list[str]] = []
    original = host.run

    def run(argv):
        ran.append(argv)
        return original(argv)

    host.run = run  # type: ignore[method-assign]
    databases.collect_postgresql(host, {"postgresql-15": "1"})
    assert not any("a=b" in argv for argv in ran)


def test_collect_postgresql_skips_databases_that_accept_no_connection():
    cluster = PG_CLUSTER_OUTPUT + "database\ttemplate1\tpostgres\tf\n"
    evidence = postgresql_evidence(cluster)  # template1 has no recording: never run
    assert evidence["error"] is None
    assert evidence["databases"]["template1"]["schemas"] == {}


def test_collect_postgresql_reports_the_cluster_query_failure():
    failure = Result(2, "", "psql: error: connection to server on socket failed\n")
    evidence = postgresql_evidence(failure)  # type: ignore[arg-type]
    assert evidence["error"] == "psql: error: connection to server on socket failed"
    assert evidence["roles"] == []


def test_collect_postgresql_reports_the_exit_code_of_a_silent_cluster_failure():
    evidence = postgresql_evidence(Result(1, "", ""))  # type: ignore[arg-type]
    assert evidence["error"] == "psql exited with 1"


def test_collect_postgresql_that_lists_no_role_is_an_error():
    evidence = postgresql_evidence("version\t150018\t/etc/postgresql/15/main/pg_hba.conf\n")
    assert evidence["error"] == "psql listed no role at all"
    assert evidence["roles"] == []


def test_collect_postgresql_without_psql_or_runuser_names_them():
    host = db_host(programs=("systemctl",))
    evidence = databases.collect_postgresql(host, {"postgresql-15": "1"})
    assert evidence["error"] == "program not found: runuser, psql"


def test_collect_postgresql_not_installed_reads_nothing():
    evidence = databases.collect_postgresql(db_host(), {"postgresql-client-15": "1"})
    assert evidence["installed"] is False
    assert evidence["roles"] == []
    assert evidence["running"] is None


def test_postgresql_units_are_the_clusters_under_etc_postgresql():
    assert databases.postgresql_units(db_host()) == ["postgresql@15-main.service"]


def test_postgresql_units_fall_back_to_the_umbrella_unit_without_clusters():
    host = db_host()
    host.files.clear()
    assert databases.postgresql_units(host) == ["postgresql.service"]


# ---------------------------------------------------------------- collect


def test_collect_reads_both_servers_and_the_package_list():
    evidence = databases.collect(db_host())
    assert evidence["packages_error"] is None
    assert evidence["mariadb"]["installed"] and evidence["postgresql"]["installed"]
    assert evidence["mariadb"]["error"] is None and evidence["postgresql"]["error"] is None


def test_collect_of_a_host_with_mariadb_only_reads_no_postgresql():
    evidence = databases.collect(db_host(packages=MARIADB_PACKAGES))
    assert evidence["postgresql"]["installed"] is False
    assert evidence["postgresql"]["roles"] == []


def test_collect_without_dpkg_reports_why_nothing_is_installed():
    host = db_host()
    host.commands.clear()
    evidence = databases.collect(host)
    assert evidence["packages_error"] == "dpkg-query is not installed (not found on the host)"
    assert evidence["mariadb"]["installed"] is False


def test_collect_output_is_json_serialisable():
    evidence = databases.collect(db_host())
    assert json.loads(json.dumps(evidence)) == evidence


def test_collect_reads_every_connectable_database_once():
    host = db_host()
    ran: list[str] = []
    original = host.run

    def run(argv):
        ran.append(" ".join(argv))
        return original(argv)

    host.run = run  # type: ignore[method-assign]
    databases.collect(host)
    assert ran.count(pg_database_key("shop")) == 1
    assert ran.count(pg_database_key("postgres")) == 1


# ---------------------------------------------------------------- MariaDB: after review


def test_parse_mariadb_sees_a_roles_super_through_the_classic_privilege_columns():
    # information_schema.USER_PRIVILEGES lists no global privilege of a role: only its
    # Super_priv column says it holds SUPER.
    text = user_line("dba", "", "Y", "N", "", "N", "N", privileges=("SUPER",))
    role = databases.parse_mariadb(text)["accounts"][0]
    assert (role["name"], role["role"], role["global"]) == ("dba", True, ["SUPER"])


def test_parse_mariadb_reads_grant_priv_as_grantable_not_as_a_global_privilege():
    text = user_line("ops", "localhost", privileges=("PROCESS", "GRANT OPTION"))
    ops = databases.parse_mariadb(text)["accounts"][0]
    assert ops["global"] == ["PROCESS"]
    assert ops["grantable"] is True


def test_parse_mariadb_global_privileges_are_the_union_of_columns_and_user_privileges():
    # SET USER has no classic column; SELECT is in both and listed once.
    text = (
        user_line("ops", "localhost", privileges=("SELECT", "RELOAD"))
        + maria_line("global", "'ops'@'localhost'", "SELECT", "NO")
        + maria_line("global", "'ops'@'localhost'", "SET USER", "NO")
    )
    assert databases.parse_mariadb(text)["accounts"][0]["global"] == [
        "RELOAD",
        "SELECT",
        "SET USER",
    ]


def test_parse_mariadb_maps_each_privilege_column_in_the_order_of_the_query():
    # The query selects the columns in MARIADB_PRIV_COLUMNS' order: Super_priv's Y is SUPER.
    columns = list(databases.MARIADB_PRIV_COLUMNS)
    assert databases.MARIADB_QUERY.count("u.Super_priv") == 1
    positions = [databases.MARIADB_QUERY.index(f"u.{c}") for c in columns]
    assert positions == sorted(positions)
    flags = ["N"] * len(columns)
    flags[columns.index("Super_priv")] = "Y"
    text = maria_line("user", "ops", "localhost", "N", "N", "", "N", "Y", *flags)
    assert databases.parse_mariadb(text)["accounts"][0]["global"] == ["SUPER"]


def test_parse_mariadb_user_row_without_the_privilege_columns_is_skipped():
    text = maria_line("user", "ops", "localhost", "N", "N", "mysql_native_password", "N", "Y")
    assert databases.parse_mariadb(text)["accounts"] == []


def test_parse_mariadb_names_a_grantee_that_matches_no_account_as_unread():
    text = user_line("shop", "localhost") + maria_line(
        "schema", "'x'@'192.0.2.0/255.255.255.0'", "mysql", "SELECT", "NO"
    )
    parsed = databases.parse_mariadb(text)
    assert parsed["unread"] == ["'x'@'192.0.2.0/255.255.255.0'"]
    assert parsed["accounts"][0]["databases"] == {}


def test_collect_mariadb_makes_an_unknown_grantee_an_error_and_keeps_the_accounts():
    text = MARIADB_OUTPUT + maria_line(
        "column", "'x'@'192.0.2.0/255.255.255.0'", "mysql.user.User", "SELECT", "NO"
    )
    evidence = mariadb_evidence(text)
    assert evidence["error"] == (
        "grants of names that match no account: 'x'@'192.0.2.0/255.255.255.0'"
    )
    assert len(evidence["accounts"]) == 4
    assert "unread" not in evidence


def test_collect_mariadb_makes_a_routine_proxy_or_role_row_of_no_account_an_error():
    text = (
        MARIADB_OUTPUT
        + maria_line("routine", "ghost", "%", "shop.refund", "Execute")
        + maria_line("proxy", "ghost", "localhost", "root@localhost", "0")
        + maria_line("role", "phantom", "localhost", "approle", "N")
    )
    assert mariadb_evidence(text)["error"] == (
        "grants of names that match no account: ghost@%, ghost@localhost, phantom@localhost"
    )


def test_parse_mariadb_reads_routine_grants_by_the_user_and_host_columns():
    text = user_line("app", "10.0.0.5") + maria_line(
        "routine", "app", "10.0.0.5", "shop.refund", "Execute,Grant"
    )
    assert databases.parse_mariadb(text)["accounts"][0]["routines"] == {
        "shop.refund": ["EXECUTE", "GRANT"]
    }


def test_parse_mariadb_reads_proxy_grants_with_and_without_grant_option():
    text = (
        user_line("app", "localhost")
        + maria_line("proxy", "app", "localhost", "root@localhost", "1")
        + maria_line("proxy", "app", "localhost", "shop@%", "0")
    )
    assert databases.parse_mariadb(text)["accounts"][0]["proxies"] == [
        "root@localhost WITH GRANT OPTION",
        "shop@%",
    ]


def test_parse_mariadb_reads_roles_held_by_the_user_and_host_columns():
    text = (
        user_line("app", "localhost")
        + user_line("app", "%")
        + user_line("reader", "", "Y", "N", "", "N", "N")
        + maria_line("role", "app", "%", "reader", "N")
    )
    accounts = {a["name"]: a for a in databases.parse_mariadb(text)["accounts"]}
    assert accounts["app@%"]["roles"] == ["reader"]
    assert accounts["app@localhost"]["roles"] == []


def test_mariadb_query_counts_tables_routines_and_events_of_each_database():
    query = databases.MARIADB_QUERY
    for table in ("information_schema.TABLES", "information_schema.ROUTINES"):
        assert table in query
    assert "information_schema.EVENTS" in query


def test_parse_mariadb_reads_the_count_of_objects_of_each_database():
    text = user_line("shop", "localhost") + maria_line("database", "test", "2")
    assert databases.parse_mariadb(text)["databases"] == {"test": 2}


def test_collect_mariadb_does_not_take_a_role_named_root_for_remote_root():
    text = MARIADB_OUTPUT + user_line("root", "", "Y", "N", "", "N", "N")
    evidence = mariadb_evidence(text)
    assert evidence["remote_root"] == []
    assert any(a["name"] == "root" and a["role"] for a in evidence["accounts"])


def test_parse_mariadb_unescapes_every_field_of_a_grant_row():
    # A database called "a<TAB>b\c": batch mode prints it "a\tb\\c".
    text = user_line("shop", "localhost") + maria_line(
        "schema", "'shop'@'localhost'", "a\\tb\\\\c", "SELECT", "NO"
    )
    assert databases.parse_mariadb(text)["accounts"][0]["databases"] == {"a\tb\\c": ["SELECT"]}


def test_parse_mariadb_unescapes_the_user_and_host_of_a_role_row():
    text = (
        user_line("we\\nird", "localhost")  # batch mode prints the newline as \n
        + user_line("reader", "", "Y", "N", "", "N", "N")
        + maria_line("role", "we\\nird", "localhost", "reader", "N")
    )
    accounts = {a["name"]: a for a in databases.parse_mariadb(text)["accounts"]}
    assert accounts["we\nird@localhost"]["roles"] == ["reader"]


def test_rows_are_split_on_newline_only_not_on_other_line_breaks():
    # str.splitlines() would cut at a raw carriage return, form feed or U+2028 in a name
    # and make a second row of the rest.
    name = "a\rb\x0cc\u2028d"
    text = user_line(name, "localhost")
    accounts = databases.parse_mariadb(text)["accounts"]
    assert [a["user"] for a in accounts] == [name]


def test_unescape_reads_a_carriage_return_and_a_nul():
    assert databases.unescape("a\\rb\\0") == "a\rb\0"


# ---------------------------------------------------------------- PostgreSQL: after review


def test_postgresql_queries_escape_every_name_they_print():
    escaped = databases._t("n.nspname")
    assert escaped == (
        "replace(replace(replace(replace(n.nspname, '\\', '\\\\'), chr(9), '\\t'),"
        " chr(10), '\\n'), chr(13), '\\r')"
    )
    for query in databases.POSTGRESQL_DATABASE_QUERIES:
        assert "replace(replace(replace(replace(" in query, query


def test_a_schema_name_holding_a_newline_and_a_tab_cannot_forge_a_row():
    # A schema created as E'x\nrelacl\tpublic\ttable\tevil\tDELETE\tf\t9': _t() makes psql
    # print it on one line, its tab and newline as \t and \n.
    forged = "x\nrelacl\tpublic\ttable\tevil\tDELETE\tf\t9"
    printed = forged.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    text = f"schema\t{printed}\tshop\tUSAGE\tf\n"
    schemas = databases.parse_pg_database(text)["schemas"]
    assert list(schemas) == [forged]
    assert schemas[forged]["privileges"] == {"shop": ["USAGE"]}
    assert all(not s["table_privileges"] for s in schemas.values())
    assert "public" not in schemas


def test_a_role_name_holding_a_backslash_and_a_newline_is_read_back_as_created():
    name = "ev\\il\nrole"
    printed = name.replace("\\", "\\\\").replace("\n", "\\n")
    cluster = PG_CLUSTER_OUTPUT + f"role\t{printed}\tf\tf\tf\tt\tf\tf\tnone\n"
    assert name in [r["name"] for r in databases.parse_pg_cluster(cluster)["roles"]]


def test_parse_pg_cluster_reads_datallowconn_as_connectable():
    text = "database\ttemplate1\tpostgres\tt\ndatabase\tarchive\tpostgres\tf\n"
    found = databases.parse_pg_cluster(text)["databases"]
    assert found["template1"]["connectable"] is True
    assert found["archive"]["connectable"] is False


def test_cluster_queries_read_template1_and_leave_out_template0_only():
    database_query = next(q for q in databases.POSTGRESQL_CLUSTER_QUERIES if "'database'" in q)
    assert "datallowconn" in database_query
    assert "WHERE datname <> 'template0'" in database_query


def test_collect_postgresql_reads_template1_when_it_accepts_connections():
    cluster = PG_CLUSTER_OUTPUT + "database\ttemplate1\tpostgres\tt\n"
    template1 = "schema\tpublic\tPUBLIC\tCREATE\tf\n"
    evidence = postgresql_evidence(cluster, {"template1": template1})
    assert evidence["error"] is None
    assert evidence["databases"]["template1"]["schemas"]["public"]["privileges"] == {
        "PUBLIC": ["CREATE"]
    }


def test_parse_pg_database_collects_system_grants_by_grantee():
    text = (
        "sysacl\tFUNCTION\tpg_read_file(text)\treport\tEXECUTE\n"
        "sysacl\tTABLE\tpg_authid\treport\tSELECT\n"
        "sysacl\tTABLE\tpg_authid\treport\tUPDATE\n"
    )
    assert databases.parse_pg_database(text) == {
        "schemas": {},
        "system_grants": {
            "report": {
                "FUNCTION pg_read_file(text)": ["EXECUTE"],
                "TABLE pg_authid": ["SELECT", "UPDATE"],
            }
        },
        "column_grants": {},
    }


def test_parse_pg_database_collects_column_grants_by_grantee():
    text = (
        "colacl\tTABLE\tsalaries\tamount\tshop\tSELECT\n"
        'colacl\tTABLE\tsalaries\t"Name"\tshop\tUPDATE\n'
    )
    assert databases.parse_pg_database(text)["column_grants"] == {
        "shop": {"TABLE salaries": ["SELECT (amount)", 'UPDATE ("Name")']}
    }


def test_collect_postgresql_attaches_a_column_grant_to_the_role_in_its_database():
    shop_db = PG_SHOP_OUTPUT + "colacl\tTABLE\torders\titem\tshop\tUPDATE\n"
    shop = _role(postgresql_evidence(per_database={"shop": shop_db}), "shop")
    assert shop["databases"]["shop"]["columns"] == {"TABLE orders": ["UPDATE (item)"]}


def test_collect_postgresql_attaches_a_system_function_grant_to_the_role_in_its_database():
    shop_db = PG_SHOP_OUTPUT + "sysacl\tFUNCTION\tpg_read_file(text)\tshop\tEXECUTE\n"
    shop = _role(postgresql_evidence(per_database={"shop": shop_db}), "shop")
    assert shop["databases"]["shop"]["system"] == {"FUNCTION pg_read_file(text)": ["EXECUTE"]}


def test_collect_postgresql_attaches_system_grants_in_a_database_the_role_has_nothing_else():
    postgres_db = "sysacl\tFUNCTION\tpg_ls_dir(text)\tshop\tEXECUTE\n"
    shop = _role(postgresql_evidence(per_database={"postgres": postgres_db}), "shop")
    assert shop["databases"]["postgres"] == {
        "database": [],
        "system": {"FUNCTION pg_ls_dir(text)": ["EXECUTE"]},
    }


def test_parse_pg_parameters_puts_parameter_privileges_on_the_roles():
    roles = {"shop": {"name": "shop", "parameters": {}}}
    text = (
        "paracl\tarchive_command\tshop\tALTER SYSTEM\n"
        "paracl\tarchive_command\tshop\tSET\n"
        "paracl\tlog_min_duration_statement\tnobody\tSET\n"
    )
    databases.parse_pg_parameters(text, roles)
    assert roles["shop"]["parameters"] == {"archive_command": ["ALTER SYSTEM", "SET"]}


def test_collect_postgresql_15_reads_who_may_set_which_parameter():
    evidence = postgresql_evidence(parameters="paracl\tarchive_command\tshop\tALTER SYSTEM\n")
    assert evidence["error"] is None
    assert _role(evidence, "shop")["parameters"] == {"archive_command": ["ALTER SYSTEM"]}


def test_collect_postgresql_before_15_never_asks_for_parameter_privileges():
    cluster = PG_CLUSTER_OUTPUT.replace("version\t150018", "version\t140013")
    host = db_host(cluster=cluster, parameters=None)
    ran: list[str] = []
    original = host.run

    def run(argv):
        ran.append(" ".join(argv))
        return original(argv)

    host.run = run  # type: ignore[method-assign]
    evidence = databases.collect_postgresql(host, {"postgresql-14": "1"})
    assert evidence["error"] is None
    assert not any("pg_parameter_acl" in command for command in ran)
    assert _role(evidence, "shop")["parameters"] == {}


def test_collect_postgresql_reports_a_failed_parameter_query_and_reads_the_databases():
    failure = Result(1, "", "ERROR:  permission denied for table pg_parameter_acl\n")
    evidence = postgresql_evidence(parameters=failure)
    assert evidence["error"] == (
        "parameter privileges: ERROR:  permission denied for table pg_parameter_acl"
    )
    assert evidence["databases"]["shop"]["schemas"]
