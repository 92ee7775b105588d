"""What an auditor checks on the live servers after the role ran (MOE-42.2.4): the
application account does its work and nothing more, the planted excess is gone, the data
and the undeclared account are still there."""

from __future__ import annotations

from conftest import address_of
from db_helpers import SHOP_MARIADB, SHOP_POSTGRESQL, maria, pg


def _maria_shop(host, sql, server=""):
    return maria(host, sql, "shop", SHOP_MARIADB, server)


def _pg_shop(host, sql, database="shop", server="127.0.0.1"):
    return pg(host, sql, "shop", SHOP_POSTGRESQL, database, server)


def test_mariadb_application_account_reads_and_writes_its_own_tables(host):
    assert _maria_shop(host, "SELECT item FROM shop.orders ORDER BY id").stdout.split() == [
        "pen",
        "ink",
    ]
    inserted = _maria_shop(host, "INSERT INTO shop.notes (note) VALUES ('from the app')")
    assert inserted.rc == 0, inserted.stderr


def test_mariadb_application_account_cannot_create_users_or_databases(host):
    for sql in (
        "CREATE USER intruder@localhost",
        "CREATE DATABASE intruder",
        "CREATE ROLE intruder",
    ):
        result = _maria_shop(host, sql)
        assert result.rc != 0 and "denied" in result.stderr, (sql, result.stdout, result.stderr)


def test_mariadb_application_account_cannot_read_another_applications_database(host):
    result = _maria_shop(host, "SELECT * FROM payroll.salaries")
    assert result.rc != 0 and "denied" in result.stderr, result.stdout


def test_mariadb_application_account_cannot_grant_or_read_the_grant_tables(host):
    granted = _maria_shop(host, "GRANT SELECT ON shop.* TO 'legacy'@'%'")
    assert granted.rc != 0 and "denied" in granted.stderr
    hashes = _maria_shop(host, "SELECT authentication_string FROM mysql.user")
    assert hashes.rc != 0 and "denied" in hashes.stderr


def test_mariadb_wrong_password_and_undeclared_source_are_refused(host):
    assert maria(host, "SELECT 1", "shop", "wrong-password").rc != 0
    # From the host's own network address: not localhost, not 192.0.2.0/24.
    own = address_of(host)
    result = _maria_shop(host, "SELECT 1", server=own)
    assert result.rc != 0 and "denied" in result.stderr, result.stdout


def test_mariadb_planted_excess_and_baseline_are_gone(host):
    grants = maria(host, "SHOW GRANTS FOR 'shop'@'localhost'").stdout
    assert "ALL PRIVILEGES" not in grants and "GRANT OPTION" not in grants, grants
    assert "payroll" not in grants
    assert "GRANT SELECT, INSERT, UPDATE, DELETE ON `shop`.* TO `shop`@`localhost`" in grants
    users = maria(host, "SELECT CONCAT(User, '@', Host) FROM mysql.user").stdout.split()
    assert "@localhost" not in users, "the anonymous account is still there"
    assert "root@%" not in users, "root over the network is still there"
    assert "shop@192.0.2.0/255.255.255.0" in users
    assert maria(host, "SHOW DATABASES LIKE 'test'").stdout.strip() == ""
    # MariaDB 10.11 and later (Debian 12, 13) have PUBLIC, and prepare granted it payroll.*:
    # what PUBLIC holds, every account holds.
    version = tuple(int(n) for n in maria(host, "SELECT VERSION()").stdout.split("-")[0].split("."))
    if version >= (10, 11):
        public = maria(host, "SHOW GRANTS FOR PUBLIC")
        assert public.rc == 0 and "payroll" not in public.stdout, public.stdout + public.stderr
    assert maria(host, "SELECT COUNT(*) FROM mysql.db WHERE Db LIKE 'test%'").stdout.strip() == "0"


def test_mariadb_data_and_undeclared_account_survive(host):
    assert maria(host, "SELECT COUNT(*) FROM shop.orders").stdout.strip() == "2"
    assert maria(host, "SELECT COUNT(*) FROM payroll.salaries").stdout.strip() == "1"
    users = maria(host, "SELECT CONCAT(User, '@', Host) FROM mysql.user").stdout.split()
    assert "legacy@%" in users


def test_mariadb_root_still_reaches_the_server_through_the_socket(host):
    assert maria(host, "SELECT CURRENT_USER()").stdout.strip() == "root@localhost"


def test_postgresql_application_role_reads_and_writes_its_own_tables(host):
    assert _pg_shop(host, "SELECT item FROM orders ORDER BY id").stdout.split() == ["pen", "ink"]
    inserted = _pg_shop(host, "INSERT INTO notes (note) VALUES ('from the app')")
    assert inserted.rc == 0, inserted.stderr


def test_postgresql_application_role_cannot_create_roles_databases_or_schemas(host):
    for sql in (
        "CREATE ROLE intruder",
        "CREATE DATABASE intruder",
        "CREATE TABLE intruder (x int)",
    ):
        result = _pg_shop(host, sql)
        assert result.rc != 0 and "permission denied" in result.stderr, (sql, result.stderr)


def test_postgresql_application_role_cannot_reach_another_applications_database(host):
    result = _pg_shop(host, "SELECT * FROM salaries", database="payroll")
    assert result.rc != 0, result.stdout
    assert "pg_hba.conf rejects connection" in result.stderr, result.stderr


def test_postgresql_wrong_password_and_undeclared_source_are_refused(host):
    wrong = pg(host, "SELECT 1", "shop", "wrong-password", "shop", "127.0.0.1")
    assert wrong.rc != 0 and "password authentication failed" in wrong.stderr
    own = address_of(host)
    result = _pg_shop(host, "SELECT 1", server=own)
    assert result.rc != 0 and "pg_hba.conf rejects connection" in result.stderr, result.stderr


def test_postgresql_planted_excess_and_baseline_are_gone(host):
    flags = pg(
        host, "SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = 'shop'"
    )
    assert flags.stdout.strip() == "f|f|f"
    public_create = pg(
        host, "SELECT has_schema_privilege('public', 'public', 'CREATE')", database="shop"
    )
    assert public_create.stdout.strip() == "f"
    column = "SELECT has_column_privilege('shop', 'salaries', 'amount', 'SELECT')"
    assert pg(host, column, database="payroll").stdout.strip() == "f"
    password = pg(host, "SELECT substr(rolpassword, 1, 14) FROM pg_authid WHERE rolname = 'shop'")
    assert password.stdout.strip() == "SCRAM-SHA-256$"


def test_postgresql_data_and_undeclared_role_survive(host):
    assert pg(host, "SELECT count(*) FROM orders", database="shop").stdout.strip() == "2"
    assert pg(host, "SELECT count(*) FROM salaries", database="payroll").stdout.strip() == "1"
    assert (
        pg(host, "SELECT rolname FROM pg_roles WHERE rolname = 'legacy'").stdout.strip() == "legacy"
    )


def test_postgresql_administrator_still_reaches_the_server_through_peer(host):
    assert pg(host, "SELECT current_user").stdout.strip() == "postgres"
    admin = pg(
        host, "SELECT rolcreatedb, rolcreaterole, rolsuper FROM pg_roles WHERE rolname = 'pgdba'"
    )
    assert admin.stdout.strip() == "t|t|f"
