# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/db_accounts.py: the planner of least-privilege
database accounts, on evidence the collector made of output recorded on Debian 12."""

from __future__ import annotations

import base64
import hmac

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils import db_accounts as db
from ansible_collections.edu_tw.hardening.plugins.module_utils.db_accounts import Step
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import databases
from ansible_collections.edu_tw.hardening.tests.unit.db_fixtures import (
    MARIADB_OUTPUT,
    PG_CLUSTER_OUTPUT,
    PG_POSTGRES_OUTPUT,
    PG_SHOP_OUTPUT,
    maria_line,
    mariadb_evidence,
    postgresql_evidence,
    user_line,
)

PASSWORD = "Corr3ct-horse-battery"
HASH = db.mysql_native_hash(PASSWORD)
OTHER_HASH = db.mysql_native_hash("an-older-password")


def maria(name: str = "shop", **fields) -> dict:
    """A declared MariaDB account as the role's input layer hands it over."""
    account = {
        "name": name,
        "engine": "mariadb",
        "state": "present",
        "hosts": ["localhost"],
        "password": PASSWORD,
        "grants": [{"database": "shop", "privileges": ["SELECT"]}],
        "admin": False,
        "admin_reason": "",
        "attributes": [],
    }
    account.update(fields)
    return account


def pg(name: str = "shop", **fields) -> dict:
    """A declared PostgreSQL role."""
    account = maria(
        name, engine="postgresql", grants=[{"database": "shop", "privileges": ["SELECT"]}]
    )
    account.update(fields)
    return account


def user_row(user: str, host: str = "localhost", *, locked: str = "N", socket: str = "N") -> str:
    return user_line(user, host, "N", locked, "mysql_native_password", socket, "Y")


def hashes(current: str = HASH, user: str = "shop", host: str = "localhost") -> dict:
    return {("", "declared"): HASH, (user, host): current}


def sqls(steps: list[Step]) -> list[str]:
    return [step.sql for step in steps]


# ---------------------------------------------------------------- quoting


def test_mariadb_string_doubles_quotes_and_escapes_backslash_nul_and_line_ends():
    assert db.mariadb_string("o'b\\c\0d\ne\rf\x1ag") == "'o''b\\\\c\\0d\\ne\\rf\\Zg'"


def test_mariadb_string_of_an_injection_attempt_stays_one_literal():
    assert db.mariadb_string("x'; DROP USER root; --") == "'x''; DROP USER root; --'"


def test_mariadb_identifier_doubles_backticks():
    assert db.mariadb_identifier("we`ird") == "`we``ird`"
    assert db.mariadb_identifier("test\\_%") == "`test\\_%`"


def test_mariadb_identifier_refuses_nul():
    with pytest.raises(ValueError, match="NUL"):
        db.mariadb_identifier("a\0b")


def test_mariadb_account_quotes_user_and_host_separately():
    assert db.mariadb_account("o'b", "10.0.0.0/255.255.255.0") == "'o''b'@'10.0.0.0/255.255.255.0'"


def test_pg_identifier_doubles_double_quotes():
    assert db.pg_identifier('we"ird') == '"we""ird"'


def test_pg_identifier_refuses_nul():
    with pytest.raises(ValueError, match="NUL"):
        db.pg_identifier("a\0b")


def test_pg_string_doubles_quotes_and_keeps_backslashes():
    assert db.pg_string("o'b\\c") == "'o''b\\c'"


def test_pg_string_refuses_nul():
    with pytest.raises(ValueError):
        db.pg_string("a\0b")


def test_a_hostile_mariadb_name_reaches_the_sql_quoted():
    steps = db.plan_mariadb_account(maria("x'`\\"), mariadb_evidence(), {("", "declared"): HASH})
    assert steps[0].sql == f"CREATE USER 'x''`\\\\'@'localhost' IDENTIFIED BY PASSWORD '{HASH}'"


def test_a_hostile_postgresql_name_reaches_the_sql_quoted():
    steps = db.plan_postgresql_account(pg('x"; DROP ROLE postgres; --'), postgresql_evidence())
    assert steps[0].sql == 'CREATE ROLE "x""; DROP ROLE postgres; --" LOGIN'


# ---------------------------------------------------------------- passwords


def test_mysql_native_hash_of_a_known_password():
    assert db.mysql_native_hash("pw") == "*D821809F681A40A6E379B50D0463EFAE20BDD122"


def test_scram_verifier_matches_the_rfc_7677_example():
    # RFC 7677 section 3: user "user", password "pencil"; the server signature it shows
    # is HMAC(ServerKey, AuthMessage).
    salt = base64.b64decode("W22ZaJ0SNY7soEsUEjb6gQ==")
    verifier = db.scram_verifier("pencil", salt, 4096)
    assert verifier.startswith("SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$")
    server_key = base64.b64decode(verifier.rsplit(":", 1)[1])
    nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"
    auth = (
        "n=user,r=rOprNGfwEbeRWgbNEkqO,"
        f"r={nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
        f"c=biws,r={nonce}"
    )
    signature = hmac.new(server_key, auth.encode(), "sha256").digest()
    assert base64.b64encode(signature).decode() == "6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="


def test_scram_verifier_uses_a_fresh_salt_each_time():
    assert db.scram_verifier(PASSWORD) != db.scram_verifier(PASSWORD)


def test_scram_matches_the_password_it_was_made_from_only():
    verifier = db.scram_verifier(PASSWORD)
    assert db.scram_matches(PASSWORD, verifier)
    assert not db.scram_matches(PASSWORD + "x", verifier)


@pytest.mark.parametrize(
    "verifier",
    [
        "",
        "md5a3556571e93b0d20722ba62be61e8c2d",
        "SCRAM-SHA-256$x:AAAA$a:b",
        "SCRAM-SHA-256$4096:!!$a:b",
    ],
)
def test_scram_matches_is_false_for_what_is_no_scram_verifier(verifier):
    assert db.scram_matches(PASSWORD, verifier) is False


# ---------------------------------------------------------------- declared hosts


@pytest.mark.parametrize(
    ("declared", "stored"),
    [
        ("localhost", "localhost"),
        ("%", "%"),
        ("192.0.2.7", "192.0.2.7"),
        ("192.0.2.7/32", "192.0.2.7"),
        ("192.0.2.0/24", "192.0.2.0/255.255.255.0"),
        ("2001:db8::5", "2001:db8::5"),
    ],
)
def test_mariadb_host_is_the_host_part_mariadb_stores(declared, stored):
    assert db.mariadb_host(declared) == stored


def test_mariadb_host_refuses_an_ipv6_network():
    with pytest.raises(ValueError, match="single IPv6 addresses"):
        db.mariadb_host("2001:db8::/64")


def test_pg_networks_of_localhost_are_both_loopbacks():
    assert db.pg_networks("localhost") == ["127.0.0.1/32", "::1/128"]
    assert db.pg_networks("192.0.2.0/24") == ["192.0.2.0/24"]


# ---------------------------------------------------------------- MariaDB: one account


def test_account_holding_exactly_its_grants_with_the_declared_password_needs_no_step():
    assert db.plan_mariadb_account(maria(), mariadb_evidence(), hashes()) == []


def test_missing_account_is_created_with_the_hash_of_its_password():
    steps = db.plan_mariadb_account(maria("app"), mariadb_evidence(), {("", "declared"): HASH})
    assert steps[0] == Step(
        "app@localhost",
        "does not exist",
        f"CREATE USER 'app'@'localhost' IDENTIFIED BY PASSWORD '{HASH}'",
    )


def test_missing_account_gets_its_declared_grants_after_creation():
    steps = db.plan_mariadb_account(maria("app"), mariadb_evidence(), {("", "declared"): HASH})
    assert steps[1:] == [
        Step(
            "app@localhost",
            "lacks declared privileges on shop.*: SELECT",
            "GRANT SELECT ON `shop`.* TO 'app'@'localhost'",
        )
    ]


def test_the_clear_password_is_in_no_step():
    account = maria("app", hosts=["localhost", "192.0.2.0/24"])
    steps = db.plan_mariadb_account(account, mariadb_evidence(), {("", "declared"): HASH})
    steps += db.plan_mariadb_account(maria(), mariadb_evidence(), hashes(OTHER_HASH))
    steps += db.plan_postgresql_account(
        pg("app"), postgresql_evidence(), db.scram_verifier(PASSWORD)
    )
    assert steps
    for step in steps:
        assert PASSWORD not in step.sql and PASSWORD not in step.what, step


def test_account_is_made_once_per_declared_host_in_mariadb_form():
    account = maria("app", hosts=["localhost", "192.0.2.0/24"])
    steps = db.plan_mariadb_account(account, mariadb_evidence(), {("", "declared"): HASH})
    assert [s.account for s in steps if s.what == "does not exist"] == [
        "app@localhost",
        "app@192.0.2.0/255.255.255.0",
    ]


def test_password_mismatch_alters_the_user_with_the_declared_hash():
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(), hashes(OTHER_HASH))
    assert steps == [
        Step(
            "shop@localhost",
            "has another password than the declared one",
            f"ALTER USER 'shop'@'localhost' IDENTIFIED BY PASSWORD '{HASH}'",
        )
    ]


def test_another_authentication_plugin_is_a_password_mismatch():
    text = MARIADB_OUTPUT.replace(
        "user\tshop\tlocalhost\tN\tN\tmysql_native_password", "user\tshop\tlocalhost\tN\tN\ted25519"
    )
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert [s.what for s in steps] == ["has another password than the declared one"]


def test_the_audit_compares_no_password():
    assert db.plan_mariadb_account(maria(), mariadb_evidence(), None) == []


def test_extra_database_privilege_is_revoked():
    text = MARIADB_OUTPUT + maria_line("schema", "'shop'@'localhost'", "shop", "DELETE", "NO")
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert steps == [
        Step(
            "shop@localhost",
            "holds undeclared privileges on shop.*: DELETE",
            "REVOKE DELETE ON `shop`.* FROM 'shop'@'localhost'",
        )
    ]


def test_privileges_on_an_undeclared_database_are_revoked():
    text = MARIADB_OUTPUT + maria_line("schema", "'shop'@'localhost'", "crm", "SELECT", "NO")
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert sqls(steps) == ["REVOKE SELECT ON `crm`.* FROM 'shop'@'localhost'"]


def test_missing_database_privilege_is_granted():
    account = maria(grants=[{"database": "shop", "privileges": ["SELECT", "INSERT", "UPDATE"]}])
    steps = db.plan_mariadb_account(account, mariadb_evidence(), hashes())
    assert steps == [
        Step(
            "shop@localhost",
            "lacks declared privileges on shop.*: INSERT, UPDATE",
            "GRANT INSERT, UPDATE ON `shop`.* TO 'shop'@'localhost'",
        )
    ]


def test_all_on_a_database_means_every_database_privilege():
    account = maria(grants=[{"database": "shop", "privileges": ["ALL"]}])
    steps = db.plan_mariadb_account(account, mariadb_evidence(), hashes())
    missing = sorted(db.MARIADB_DATABASE_PRIVILEGES - {"SELECT"})
    assert sqls(steps) == [f"GRANT {', '.join(missing)} ON `shop`.* TO 'shop'@'localhost'"]


def test_all_on_every_database_planted_on_an_application_account_is_revoked_on_star_star():
    text = MARIADB_OUTPUT
    for privilege in ("SELECT", "SUPER", "FILE"):
        text += maria_line("global", "'shop'@'localhost'", privilege, "NO")
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert steps == [
        Step(
            "shop@localhost",
            "holds undeclared privileges on *.*: FILE, SELECT, SUPER",
            "REVOKE FILE, SELECT, SUPER ON *.* FROM 'shop'@'localhost'",
        )
    ]


def test_grant_option_is_removed_first_with_every_privilege_then_the_declared_ones_granted():
    text = MARIADB_OUTPUT + maria_line("global", "'shop'@'localhost'", "SUPER", "YES")
    text = text.replace("shop\tSELECT\tNO", "shop\tSELECT\tYES")
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert steps == [
        Step(
            "shop@localhost",
            "holds undeclared privileges: GRANT OPTION",
            "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'shop'@'localhost'",
        ),
        Step(
            "shop@localhost",
            "lacks declared privileges on shop.*: SELECT",
            "GRANT SELECT ON `shop`.* TO 'shop'@'localhost'",
        ),
    ]


def test_table_column_and_routine_grants_reset_the_account_to_its_declared_grants():
    text = (
        MARIADB_OUTPUT
        + maria_line("table", "'shop'@'localhost'", "mysql.user", "SELECT", "NO")
        + maria_line("column", "'shop'@'localhost'", "shop.cards.number", "SELECT", "NO")
        + maria_line("routine", "shop", "localhost", "shop.refund", "Execute")
    )
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert steps == [
        Step(
            "shop@localhost",
            "holds undeclared privileges: table mysql.user: SELECT; "
            "column shop.cards.number: SELECT; routine shop.refund: EXECUTE",
            "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'shop'@'localhost'",
        ),
        Step(
            "shop@localhost",
            "lacks declared privileges on shop.*: SELECT",
            "GRANT SELECT ON `shop`.* TO 'shop'@'localhost'",
        ),
    ]


def test_roles_held_are_revoked():
    text = MARIADB_OUTPUT + maria_line("role", "shop", "localhost", "approle", "N")
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert steps == [
        Step(
            "shop@localhost",
            "holds the undeclared role approle",
            "REVOKE 'approle' FROM 'shop'@'localhost'",
        )
    ]


def test_a_locked_present_account_is_unlocked():
    text = MARIADB_OUTPUT.replace("user\tshop\tlocalhost\tN\tN", "user\tshop\tlocalhost\tN\tY")
    steps = db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes())
    assert sqls(steps) == ["ALTER USER 'shop'@'localhost' ACCOUNT UNLOCK"]


def test_account_declared_locked_is_locked():
    steps = db.plan_mariadb_account(maria(state="locked"), mariadb_evidence(), hashes())
    assert steps == [
        Step("shop@localhost", "is to be locked", "ALTER USER 'shop'@'localhost' ACCOUNT LOCK")
    ]


def test_account_declared_locked_that_is_locked_needs_nothing_whatever_its_grants():
    text = MARIADB_OUTPUT.replace("user\tshop\tlocalhost\tN\tN", "user\tshop\tlocalhost\tN\tY")
    text += maria_line("global", "'shop'@'localhost'", "SUPER", "NO")
    assert db.plan_mariadb_account(maria(state="locked"), mariadb_evidence(text), hashes()) == []


def test_account_declared_locked_that_does_not_exist_is_not_created():
    assert db.plan_mariadb_account(maria("ghost", state="locked"), mariadb_evidence(), None) == []


def test_account_declared_absent_is_dropped_on_each_host_it_exists_on():
    text = MARIADB_OUTPUT + user_row("shop", "%")
    account = maria(state="absent", hosts=["localhost", "%", "192.0.2.9"])
    steps = db.plan_mariadb_account(account, mariadb_evidence(text), None)
    assert steps == [
        Step(
            "shop@localhost", "is to be dropped (declared absent)", "DROP USER 'shop'@'localhost'"
        ),
        Step("shop@%", "is to be dropped (declared absent)", "DROP USER 'shop'@'%'"),
    ]


def test_admin_with_all_on_every_database_gets_root_at_localhosts_privileges():
    account = maria(
        "dba",
        admin=True,
        admin_reason="backups",
        grants=[{"database": "*", "privileges": ["ALL"]}],
    )
    steps = db.plan_mariadb_account(account, mariadb_evidence(), {("", "declared"): HASH})
    assert steps[1] == Step(
        "dba@localhost",
        "lacks declared privileges on *.*: SELECT, SUPER",
        "GRANT SELECT, SUPER ON *.* TO 'dba'@'localhost'",
    )
    assert len(steps) == 2


def test_admin_with_all_and_root_privileges_already_held_needs_nothing():
    text = MARIADB_OUTPUT + user_row("dba")
    text += maria_line("global", "'dba'@'localhost'", "SELECT", "NO")
    text += maria_line("global", "'dba'@'localhost'", "SUPER", "NO")
    account = maria(
        "dba", admin=True, admin_reason="r", grants=[{"database": "*", "privileges": ["ALL"]}]
    )
    assert db.plan_mariadb_account(account, mariadb_evidence(text), None) == []


def test_admin_with_all_without_root_at_localhost_gets_every_privilege_the_role_knows():
    text = "".join(
        line + "\n"
        for line in MARIADB_OUTPUT.splitlines()
        if "'root'" not in line and "\troot\t" not in line
    )
    account = maria(
        "dba", admin=True, admin_reason="r", grants=[{"database": "*", "privileges": ["ALL"]}]
    )
    steps = db.plan_mariadb_account(account, mariadb_evidence(text), None)
    known = (db.MARIADB_ADMIN_PRIVILEGES | db.MARIADB_DATABASE_PRIVILEGES) - {"ALL", "GRANT OPTION"}
    assert steps[1].sql == f"GRANT {', '.join(sorted(known))} ON *.* TO 'dba'@'localhost'"


def test_admin_with_grant_option_gets_it_with_the_grant():
    account = maria(
        "dba",
        admin=True,
        admin_reason="r",
        grants=[{"database": "*", "privileges": ["RELOAD", "GRANT OPTION"]}],
    )
    steps = db.plan_mariadb_account(account, mariadb_evidence(), None)
    assert steps[1].sql == "GRANT RELOAD ON *.* TO 'dba'@'localhost' WITH GRANT OPTION"


def test_admin_lacking_only_grant_option_gets_usage_with_grant_option():
    text = MARIADB_OUTPUT + user_row("dba")
    text += maria_line("global", "'dba'@'localhost'", "RELOAD", "NO")
    account = maria(
        "dba",
        admin=True,
        admin_reason="r",
        grants=[{"database": "*", "privileges": ["RELOAD", "GRANT OPTION"]}],
    )
    steps = db.plan_mariadb_account(account, mariadb_evidence(text), None)
    assert steps == [
        Step(
            "dba@localhost",
            "lacks declared privileges on *.*: GRANT OPTION",
            "GRANT USAGE ON *.* TO 'dba'@'localhost' WITH GRANT OPTION",
        )
    ]


# ---------------------------------------------------------------- MariaDB: baseline


def test_baseline_of_the_recorded_server_needs_nothing():
    assert db.plan_mariadb_baseline(mariadb_evidence()) == []


def test_baseline_drops_anonymous_accounts():
    text = MARIADB_OUTPUT + user_line("", "localhost", "N", "N", "", "N", "N")
    assert db.plan_mariadb_baseline(mariadb_evidence(text)) == [
        Step("@localhost", "is an anonymous account", "DROP USER ''@'localhost'")
    ]


def test_baseline_drops_remote_root_when_root_at_localhost_has_the_socket():
    text = MARIADB_OUTPUT + user_row("root", "%") + user_row("root", "127.0.0.1")
    assert db.plan_mariadb_baseline(mariadb_evidence(text)) == [
        Step("root@%", "is root reachable over the network", "DROP USER 'root'@'%'")
    ]


def test_baseline_keeps_remote_root_when_root_at_localhost_has_no_socket():
    text = MARIADB_OUTPUT.replace(
        "user\troot\tlocalhost\tN\tN\tmysql_native_password\tY",
        "user\troot\tlocalhost\tN\tN\tmysql_native_password\tN",
    )
    text += user_row("root", "%")
    steps = db.plan_mariadb_baseline(mariadb_evidence(text))
    assert len(steps) == 1
    assert steps[0].account == "root@%"
    assert steps[0].sql == ""
    assert "kept while root@localhost cannot log in through the socket" in steps[0].what


def test_baseline_drops_the_empty_test_database():
    text = MARIADB_OUTPUT + maria_line("database", "test", "0")
    assert db.plan_mariadb_baseline(mariadb_evidence(text)) == [
        Step("test", "is the empty test database", "DROP DATABASE `test`")
    ]


def test_baseline_keeps_a_test_database_that_holds_tables_with_empty_sql():
    text = MARIADB_OUTPUT + maria_line("database", "test", "3")
    steps = db.plan_mariadb_baseline(mariadb_evidence(text))
    assert len(steps) == 1
    assert steps[0].sql == ""
    assert steps[0].what.startswith(
        "is a test database that holds 3 tables, routines or events: kept"
    )


def test_baseline_revokes_grants_on_test_and_the_test_prefix_pattern():
    text = (
        MARIADB_OUTPUT
        + maria_line("schema", "'shop'@'localhost'", "test", "SELECT", "NO")
        + maria_line("schema", "'shop'@'localhost'", "test\\\\_%", "INSERT", "NO")
    )
    steps = db.plan_mariadb_baseline(mariadb_evidence(text))
    assert sqls(steps) == [
        "REVOKE ALL PRIVILEGES ON `test`.* FROM 'shop'@'localhost'",
        "REVOKE ALL PRIVILEGES ON `test\\_%`.* FROM 'shop'@'localhost'",
    ]


def test_baseline_does_not_revoke_test_grants_of_an_anonymous_account_it_drops():
    text = (
        MARIADB_OUTPUT
        + user_line("", "localhost", "N", "N", "", "N", "N")
        + maria_line("schema", "''@'localhost'", "test\\\\_%", "SELECT", "NO")
    )
    assert sqls(db.plan_mariadb_baseline(mariadb_evidence(text))) == ["DROP USER ''@'localhost'"]


PUBLIC_ROW = user_line("PUBLIC", "", "Y", "N", "", "N", "N")


def test_baseline_revokes_what_public_holds_on_a_database_and_on_every_database():
    text = (
        MARIADB_OUTPUT
        + PUBLIC_ROW
        + maria_line("schema", "'PUBLIC'@''", "shop", "SELECT", "NO")
        + maria_line("global", "'PUBLIC'@''", "SELECT", "NO")
    )
    assert db.plan_mariadb_baseline(mariadb_evidence(text)) == [
        Step(
            "PUBLIC",
            "holds undeclared privileges on *.*: SELECT",
            "REVOKE SELECT ON *.* FROM PUBLIC",
        ),
        Step(
            "PUBLIC",
            "holds undeclared privileges on shop.*: SELECT",
            "REVOKE SELECT ON `shop`.* FROM PUBLIC",
        ),
    ]


def test_baseline_revokes_a_table_grant_and_a_role_of_public():
    text = (
        MARIADB_OUTPUT
        + PUBLIC_ROW
        + maria_line("table", "'PUBLIC'@''", "shop.t", "INSERT", "NO")
        + maria_line("role", "PUBLIC", "", "approle", "N")
    )
    assert sqls(db.plan_mariadb_baseline(mariadb_evidence(text))) == [
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM PUBLIC",
        "REVOKE 'approle' FROM PUBLIC",
    ]


def test_baseline_revokes_public_test_grants_once_and_as_public():
    text = MARIADB_OUTPUT + PUBLIC_ROW + maria_line("schema", "'PUBLIC'@''", "test", "SELECT", "NO")
    assert sqls(db.plan_mariadb_baseline(mariadb_evidence(text))) == [
        "REVOKE SELECT ON `test`.* FROM PUBLIC"
    ]


def test_baseline_leaves_a_public_that_holds_nothing_and_a_user_named_public():
    text = MARIADB_OUTPUT + PUBLIC_ROW + user_row("PUBLIC", "%")
    text += maria_line("schema", "'PUBLIC'@'%'", "shop", "SELECT", "NO")
    assert db.plan_mariadb_baseline(mariadb_evidence(text)) == []


# ---------------------------------------------------------------- PostgreSQL: one role


def test_recorded_shop_role_loses_its_membership_and_gets_usage_and_insert():
    account = pg(grants=[{"database": "shop", "privileges": ["SELECT", "INSERT"]}])
    steps = db.plan_postgresql_account(account, postgresql_evidence())
    assert steps == [
        Step(
            "shop",
            "is a member of the undeclared role pg_read_all_settings",
            'REVOKE "pg_read_all_settings" FROM "shop"',
        ),
        Step(
            "shop",
            "lacks USAGE on schema public of shop",
            'GRANT USAGE ON SCHEMA public TO "shop"',
            "shop",
        ),
        Step(
            "shop",
            "lacks declared privileges on tables in shop.public: INSERT",
            'GRANT INSERT ON ALL TABLES IN SCHEMA "public" TO "shop"',
            "shop",
        ),
        Step(
            "shop",
            "lacks declared privileges on sequences in shop.public: USAGE",
            'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "public" TO "shop"',
            "shop",
        ),
    ]


def _shop_cluster(**flags) -> str:
    """The recorded cluster with the shop role's flags changed and no membership."""
    values = {"superuser": "f", "createrole": "f", "createdb": "f", "login": "t"}
    values |= {"replication": "f", "bypassrls": "f"} | flags
    row = "\t".join(
        [
            "role",
            "shop",
            *(
                values[f]
                for f in (
                    "superuser",
                    "createrole",
                    "createdb",
                    "login",
                    "replication",
                    "bypassrls",
                )
            ),
            "scram-sha-256",
        ]
    )
    lines = [
        line
        for line in PG_CLUSTER_OUTPUT.splitlines()
        if not line.startswith(("role\tshop", "member\t"))
    ]
    return "\n".join([*lines, row]) + "\n"


SHOP_SCHEMA_USAGE = PG_SHOP_OUTPUT + "schema\tpublic\tshop\tUSAGE\tf\n"


def _pg(cluster: str | None = None, shop: str = SHOP_SCHEMA_USAGE) -> dict:
    return postgresql_evidence(cluster or _shop_cluster(), {"shop": shop})


def test_role_holding_exactly_its_grants_needs_no_step():
    assert db.plan_postgresql_account(pg(), _pg()) == []


def test_missing_role_is_created_with_login_and_the_verifier():
    verifier = db.scram_verifier(PASSWORD)
    steps = db.plan_postgresql_account(pg("app"), _pg(), verifier)
    assert steps[0] == Step(
        "app", "does not exist", f"CREATE ROLE \"app\" LOGIN PASSWORD '{verifier}'"
    )


def test_password_mismatch_sets_the_verifier():
    verifier = db.scram_verifier(PASSWORD)
    steps = db.plan_postgresql_account(pg(), _pg(), verifier, password_ok=False)
    assert steps == [
        Step(
            "shop",
            "has another password than the declared one",
            f"ALTER ROLE \"shop\" PASSWORD '{verifier}'",
        )
    ]


def test_matching_password_sets_nothing():
    assert db.plan_postgresql_account(pg(), _pg(), "v", password_ok=True) == []


def test_nologin_role_declared_present_may_log_in_again():
    steps = db.plan_postgresql_account(pg(), _pg(_shop_cluster(login="f")))
    assert sqls(steps) == ['ALTER ROLE "shop" LOGIN']


def test_superuser_on_an_application_role_is_revoked():
    steps = db.plan_postgresql_account(pg(), _pg(_shop_cluster(superuser="t")))
    assert steps == [Step("shop", "is SUPERUSER (undeclared)", 'ALTER ROLE "shop" NOSUPERUSER')]


def test_every_admin_attribute_on_an_application_role_is_revoked():
    cluster = _shop_cluster(createrole="t", createdb="t", replication="t", bypassrls="t")
    steps = db.plan_postgresql_account(pg(), _pg(cluster))
    assert sqls(steps) == [
        'ALTER ROLE "shop" NOCREATEDB',
        'ALTER ROLE "shop" NOCREATEROLE',
        'ALTER ROLE "shop" NOREPLICATION',
        'ALTER ROLE "shop" NOBYPASSRLS',
    ]


def test_attributes_declared_on_a_non_admin_are_not_granted():
    assert db.plan_postgresql_account(pg(attributes=["CREATEDB"]), _pg()) == []


def test_admin_gets_its_declared_attributes_and_keeps_them():
    account = pg(admin=True, admin_reason="r", attributes=["CREATEDB", "CREATEROLE"])
    steps = db.plan_postgresql_account(account, _pg())
    assert steps == [
        Step("shop", "lacks the declared attribute CREATEDB", 'ALTER ROLE "shop" CREATEDB'),
        Step("shop", "lacks the declared attribute CREATEROLE", 'ALTER ROLE "shop" CREATEROLE'),
    ]
    held = _pg(_shop_cluster(createdb="t", createrole="t"))
    assert db.plan_postgresql_account(account, held) == []


def test_membership_of_another_role_is_revoked_also_with_admin_option():
    cluster = _shop_cluster() + "member\tpg_write_all_data\tshop\tt\n"
    steps = db.plan_postgresql_account(pg(), _pg(cluster))
    assert steps == [
        Step(
            "shop",
            "is a member of the undeclared role pg_write_all_data",
            'REVOKE "pg_write_all_data" FROM "shop"',
        )
    ]


def test_temporary_declared_is_granted_on_the_database():
    account = pg(grants=[{"database": "shop", "privileges": ["SELECT", "TEMPORARY"]}])
    steps = db.plan_postgresql_account(account, _pg())
    assert steps == [
        Step(
            "shop",
            "lacks declared privileges on database shop: TEMPORARY",
            'GRANT TEMPORARY ON DATABASE "shop" TO "shop"',
        )
    ]


def test_connect_is_granted_when_missing():
    cluster = _shop_cluster().replace("dbacl\tshop\tshop\tCONNECT\tf\n", "")
    steps = db.plan_postgresql_account(pg(), _pg(cluster))
    assert sqls(steps) == ['GRANT CONNECT ON DATABASE "shop" TO "shop"']


def test_undeclared_database_privilege_is_revoked():
    cluster = _shop_cluster() + "dbacl\tshop\tshop\tCREATE\tf\n"
    steps = db.plan_postgresql_account(pg(), _pg(cluster))
    assert steps == [
        Step(
            "shop",
            "holds undeclared privileges on database shop: CREATE",
            'REVOKE CREATE ON DATABASE "shop" FROM "shop"',
        )
    ]


def test_grant_option_on_a_database_privilege_is_revoked():
    cluster = _shop_cluster().replace(
        "dbacl\tshop\tshop\tCONNECT\tf", "dbacl\tshop\tshop\tCONNECT\tt"
    )
    steps = db.plan_postgresql_account(pg(), _pg(cluster))
    assert sqls(steps) == ['REVOKE GRANT OPTION FOR ALL ON DATABASE "shop" FROM "shop"']


def test_privileges_on_another_database_are_revoked():
    cluster = _shop_cluster() + "dbacl\tpostgres\tshop\tCONNECT\tf\n"
    steps = db.plan_postgresql_account(pg(), _pg(cluster))
    assert sqls(steps) == ['REVOKE CONNECT ON DATABASE "postgres" FROM "shop"']


def test_create_on_the_public_schema_is_revoked_in_that_database():
    steps = db.plan_postgresql_account(
        pg(), _pg(shop=SHOP_SCHEMA_USAGE + "schema\tpublic\tshop\tCREATE\tf\n")
    )
    assert steps == [
        Step(
            "shop",
            "holds undeclared privileges on schema public of shop: CREATE",
            'REVOKE CREATE ON SCHEMA "public" FROM "shop"',
            "shop",
        )
    ]


def test_usage_on_another_schema_is_revoked():
    steps = db.plan_postgresql_account(
        pg(), _pg(shop=SHOP_SCHEMA_USAGE + "schema\tsales\tshop\tUSAGE\tf\n")
    )
    assert sqls(steps) == ['REVOKE USAGE ON SCHEMA "sales" FROM "shop"']


def test_undeclared_table_privilege_is_revoked_on_every_table_of_the_schema():
    shop = SHOP_SCHEMA_USAGE + "relacl\tpublic\ttable\tshop\tDELETE\tf\t1\n"
    steps = db.plan_postgresql_account(pg(), _pg(shop=shop))
    assert steps == [
        Step(
            "shop",
            "holds undeclared privileges on tables in shop.public: DELETE",
            'REVOKE DELETE ON ALL TABLES IN SCHEMA "public" FROM "shop"',
            "shop",
        )
    ]


def test_table_grant_option_is_revoked_and_the_plain_privilege_granted_again():
    shop = SHOP_SCHEMA_USAGE.replace(
        "relacl\tpublic\ttable\tshop\tSELECT\tf\t1", "relacl\tpublic\ttable\tshop\tSELECT\tt\t1"
    )
    steps = db.plan_postgresql_account(pg(), _pg(shop=shop))
    assert steps == [
        Step(
            "shop",
            "holds undeclared privileges on tables in shop.public: GRANT OPTION",
            'REVOKE GRANT OPTION FOR ALL ON ALL TABLES IN SCHEMA "public" FROM "shop"',
            "shop",
        ),
        Step(
            "shop",
            "lacks declared privileges on tables in shop.public: SELECT",
            'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "shop"',
            "shop",
        ),
    ]


def test_select_held_on_some_tables_only_is_granted_on_all():
    shop = (
        "schema\tpublic\tshop\tUSAGE\tf\n"
        "relations\tpublic\ttable\t4\n"
        "relacl\tpublic\ttable\tshop\tSELECT\tf\t3\n"
    )
    steps = db.plan_postgresql_account(pg(), _pg(shop=shop))
    assert steps == [
        Step(
            "shop",
            "lacks declared privileges on tables in shop.public: SELECT",
            'GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO "shop"',
            "shop",
        )
    ]


def test_a_database_without_tables_needs_no_table_grant():
    steps = db.plan_postgresql_account(pg(), _pg(shop="schema\tpublic\tshop\tUSAGE\tf\n"))
    assert steps == []


def test_sequence_usage_without_declared_insert_is_revoked():
    shop = SHOP_SCHEMA_USAGE + "relacl\tpublic\tsequence\tshop\tUSAGE\tf\t1\n"
    steps = db.plan_postgresql_account(pg(), _pg(shop=shop))
    assert sqls(steps) == ['REVOKE USAGE ON ALL SEQUENCES IN SCHEMA "public" FROM "shop"']


def test_table_privileges_in_another_schema_are_revoked():
    shop = (
        SHOP_SCHEMA_USAGE + "relations\tsales\ttable\t2\nrelacl\tsales\ttable\tshop\tSELECT\tf\t2\n"
    )
    steps = db.plan_postgresql_account(pg(), _pg(shop=shop))
    assert sqls(steps) == ['REVOKE SELECT ON ALL TABLES IN SCHEMA "sales" FROM "shop"']


def test_ownership_is_a_finding_with_empty_sql():
    shop = SHOP_SCHEMA_USAGE.replace("owner\tpublic\tpostgres\t2", "owner\tpublic\tshop\t2")
    steps = db.plan_postgresql_account(pg(), _pg(shop=shop))
    assert steps == [
        Step(
            "shop",
            "owns 2 tables or sequences in shop.public: an owner holds every privilege on it; "
            "give it to another owner (ALTER ... OWNER TO) and declare this account's grants",
            "",
        )
    ]


def test_ownership_of_a_database_is_a_finding_with_empty_sql():
    cluster = _shop_cluster().replace("database\tshop\tpostgres\tt", "database\tshop\tshop\tt")
    steps = db.plan_postgresql_account(pg(), _pg(cluster))
    assert [s.sql for s in steps] == [""]
    assert steps[0].what.startswith("owns database shop: an owner holds every privilege")


def test_a_declared_database_that_does_not_exist_is_a_finding_with_empty_sql():
    account = pg(grants=[{"database": "crm", "privileges": ["SELECT"]}])
    steps = db.plan_postgresql_account(account, _pg())
    assert steps[0] == Step(
        "shop",
        "is declared on the database crm, which does not exist: the role never creates "
        "databases; create it first",
        "",
    )


def test_role_declared_locked_gets_nologin():
    assert db.plan_postgresql_account(pg(state="locked"), _pg()) == [
        Step("shop", "is to be locked", 'ALTER ROLE "shop" NOLOGIN')
    ]


def test_role_declared_locked_that_cannot_log_in_needs_nothing():
    assert db.plan_postgresql_account(pg(state="locked"), _pg(_shop_cluster(login="f"))) == []


def test_role_declared_absent_first_loses_every_privilege_then_is_dropped_last():
    # DROP ROLE refuses a role that holds privileges in any database: each is revoked
    # (in the database it is held in), and the drop is marked to run after every other step.
    assert db.plan_postgresql_account(pg(state="absent"), _pg()) == [
        Step(
            "shop",
            "holds undeclared privileges on database shop: CONNECT",
            'REVOKE CONNECT ON DATABASE "shop" FROM "shop"',
        ),
        Step(
            "shop",
            "holds undeclared privileges on schema public of shop: USAGE",
            'REVOKE USAGE ON SCHEMA "public" FROM "shop"',
            "shop",
        ),
        Step(
            "shop",
            "holds undeclared privileges on tables in shop.public: SELECT",
            'REVOKE SELECT ON ALL TABLES IN SCHEMA "public" FROM "shop"',
            "shop",
        ),
        Step("shop", "is to be dropped (declared absent)", 'DROP ROLE "shop"', last=True),
    ]


def test_role_declared_absent_loses_its_memberships_and_parameters_before_the_drop():
    cluster = PG_CLUSTER_OUTPUT  # shop is a member of pg_read_all_settings
    evidence = postgresql_evidence(
        cluster, {"shop": PG_POSTGRES_OUTPUT}, "paracl\tarchive_command\tshop\tALTER SYSTEM\n"
    )
    steps = db.plan_postgresql_account(pg(state="absent"), evidence)
    assert sqls(steps) == [
        'REVOKE "pg_read_all_settings" FROM "shop"',
        'REVOKE ALTER SYSTEM ON PARAMETER "archive_command" FROM "shop"',
        'REVOKE CONNECT ON DATABASE "shop" FROM "shop"',
        'DROP ROLE "shop"',
    ]
    assert [step.last for step in steps] == [False, False, False, True]


def test_missing_role_declared_absent_is_left_alone():
    assert db.plan_postgresql_account(pg("ghost", state="absent"), _pg()) == []


# ---------------------------------------------------------------- PostgreSQL: baseline


def test_postgresql_baseline_of_the_recorded_cluster_needs_nothing():
    assert db.plan_postgresql_baseline(_pg()) == []


def test_postgresql_baseline_revokes_create_on_public_from_public_in_each_database():
    shop = SHOP_SCHEMA_USAGE + "schema\tpublic\tPUBLIC\tCREATE\tf\n"
    assert db.plan_postgresql_baseline(_pg(shop=shop)) == [
        Step(
            "PUBLIC",
            "may create objects in the public schema of shop",
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            "shop",
        )
    ]


# ---------------------------------------------------------------- pg_hba.conf


def test_hba_lines_allow_declared_databases_from_declared_hosts_then_reject():
    account = pg(
        hosts=["localhost", "192.0.2.0/24"],
        grants=[
            {"database": "shop", "privileges": ["SELECT"]},
            {"database": "crm", "privileges": ["SELECT"]},
        ],
    )
    assert db.hba_lines([account]) == [
        'local   "crm","shop" "shop" scram-sha-256',
        'host    "crm","shop" "shop" 127.0.0.1/32 scram-sha-256',
        'host    "crm","shop" "shop" ::1/128 scram-sha-256',
        'host    "crm","shop" "shop" 192.0.2.0/24 scram-sha-256',
        'local   all "shop" reject',
        'host    all "shop" all reject',
    ]


def test_hba_lines_without_localhost_have_no_local_allow_line():
    assert db.hba_lines([pg(hosts=["192.0.2.7"])]) == [
        'host    "shop" "shop" 192.0.2.7/32 scram-sha-256',
        'local   all "shop" reject',
        'host    all "shop" all reject',
    ]


def test_hba_lines_leave_out_mariadb_and_roles_not_present():
    accounts = [maria(), pg("gone", state="absent"), pg("off", state="locked")]
    assert db.hba_lines(accounts) == []


def rule(line: int, kind: str, users: str, address: str, netmask: str, method: str, **more):
    entry = {
        "line": line,
        "type": kind,
        "databases": ["all"],
        "users": users.split(","),
        "address": address,
        "netmask": netmask,
        "method": method,
        "error": "",
    }
    entry.update(more)
    return entry


# The role's own block as pg_hba_file_rules shows it, then Debian 12's default lines.
ROLE_BLOCK = [
    rule(1, "local", "shop", "", "", "scram-sha-256", databases=["shop"]),
    rule(2, "host", "shop", "127.0.0.1", "255.255.255.255", "scram-sha-256", databases=["shop"]),
    rule(3, "host", "shop", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "scram-sha-256"),
    rule(4, "local", "shop", "", "", "reject"),
    rule(5, "host", "shop", "all", "", "reject"),
]
DEBIAN_DEFAULT = [
    rule(100, "local", "postgres", "", "", "peer"),
    rule(101, "local", "all", "", "", "peer"),
    rule(102, "host", "all", "127.0.0.1", "255.255.255.255", "scram-sha-256"),
    rule(103, "host", "all", "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "scram-sha-256"),
    rule(104, "local", "all", "", "", "peer", databases=["replication"]),
    rule(105, "host", "all", "127.0.0.1", "255.255.255.255", "md5", databases=["replication"]),
]


def test_hba_findings_pass_the_roles_own_block_before_debians_lines():
    assert db.hba_findings(pg(), ROLE_BLOCK + DEBIAN_DEFAULT) == []


def test_hba_findings_of_debians_default_lines_alone_say_there_is_no_reject():
    assert db.hba_findings(pg(), DEBIAN_DEFAULT) == [
        "pg_hba.conf has no reject of shop from every other address"
    ]


def test_hba_findings_of_the_recorded_cluster_say_there_is_no_reject():
    assert db.hba_findings(pg(), _pg()["hba"]) == [
        "pg_hba.conf has no reject of shop from every other address"
    ]


def test_hba_findings_accept_ipv6_loopback_with_a_full_mask_as_localhost():
    rules = [DEBIAN_DEFAULT[3], ROLE_BLOCK[4]]
    assert db.hba_findings(pg(), rules) == []


def test_hba_findings_name_md5():
    rules = [rule(7, "host", "all", "127.0.0.1", "255.255.255.255", "md5"), ROLE_BLOCK[4]]
    assert db.hba_findings(pg(), rules) == [
        "pg_hba.conf line 7 (host all md5) lets shop in with md5, not scram-sha-256"
    ]


def test_hba_findings_name_trust_on_the_socket():
    rules = [rule(8, "local", "shop", "", "", "trust"), ROLE_BLOCK[4]]
    assert db.hba_findings(pg(), rules) == [
        "pg_hba.conf line 8 (local shop trust) lets shop in with trust, not scram-sha-256"
    ]


def test_hba_findings_name_peer_for_the_role_by_name_but_not_debians_peer_for_all():
    rules = [DEBIAN_DEFAULT[1], rule(9, "local", "shop", "", "", "peer"), ROLE_BLOCK[4]]
    assert db.hba_findings(pg(), rules) == [
        "pg_hba.conf line 9 (local shop peer) lets shop in with peer, not scram-sha-256"
    ]


def test_hba_findings_name_a_network_wider_than_the_declared_one():
    rules = [rule(10, "host", "shop", "192.0.2.0", "255.255.0.0", "scram-sha-256"), ROLE_BLOCK[4]]
    account = pg(hosts=["192.0.2.0/24"])
    assert db.hba_findings(account, rules) == [
        "pg_hba.conf line 10 (host shop scram-sha-256) lets shop in from "
        "192.0.2.0/255.255.0.0, beyond its declared hosts"
    ]


def test_hba_findings_accept_a_network_inside_the_declared_one():
    rules = [rule(10, "host", "shop", "192.0.2.128", "255.255.255.128", "scram-sha-256")]
    assert db.hba_findings(pg(hosts=["192.0.2.0/24"]), [*rules, ROLE_BLOCK[4]]) == []


def test_hba_findings_name_every_address():
    rules = [rule(11, "host", "all", "all", "", "scram-sha-256"), ROLE_BLOCK[4]]
    assert db.hba_findings(pg(), rules) == [
        "pg_hba.conf line 11 (host all scram-sha-256) lets shop in from all, beyond its declared "
        "hosts"
    ]


def test_hba_findings_name_the_socket_when_localhost_is_not_declared():
    rules = [rule(12, "local", "shop", "", "", "scram-sha-256"), ROLE_BLOCK[4]]
    assert db.hba_findings(pg(hosts=["192.0.2.7"]), rules) == [
        "pg_hba.conf line 12 (local shop scram-sha-256) lets shop in through the local socket, "
        "which is not declared"
    ]


def test_hba_findings_skip_rules_of_other_roles():
    rules = [rule(13, "host", "other", "all", "", "trust"), ROLE_BLOCK[4]]
    assert db.hba_findings(pg(), rules) == []


def test_hba_findings_stop_at_a_reject_of_every_address():
    rules = [ROLE_BLOCK[4], rule(14, "host", "all", "all", "", "trust")]
    assert db.hba_findings(pg(), rules) == []


def test_hba_findings_do_not_count_a_reject_of_one_network_as_closing():
    rules = [
        rule(15, "host", "shop", "10.0.0.0", "255.0.0.0", "reject"),
        rule(16, "host", "all", "all", "", "trust"),
    ]
    found = db.hba_findings(pg(), rules)
    assert found[-1] == "pg_hba.conf has no reject of shop from every other address"
    assert any("line 16" in f for f in found)


def test_hba_findings_name_a_line_in_error():
    rules = [rule(17, "host", "all", "", "", "", error='invalid IP mask "999"'), ROLE_BLOCK[4]]
    assert db.hba_findings(pg(), rules) == [
        'pg_hba.conf line 17 is in error: invalid IP mask "999"'
    ]


# ---------------------------------------------------------------- after review


def test_a_step_runs_in_order_unless_marked_last():
    step = Step("shop", "is to be dropped", 'DROP ROLE "shop"')
    assert (step.database, step.last) == ("", False)
    assert Step("shop", "x", "y", last=True).last is True


def test_declared_role_that_may_set_a_server_parameter_has_it_revoked():
    evidence = postgresql_evidence(
        _shop_cluster(),
        {"shop": SHOP_SCHEMA_USAGE},
        "paracl\tarchive_command\tshop\tALTER SYSTEM\n",
    )
    assert db.plan_postgresql_account(pg(), evidence) == [
        Step(
            "shop",
            "may change the server parameter archive_command: ALTER SYSTEM",
            'REVOKE ALTER SYSTEM ON PARAMETER "archive_command" FROM "shop"',
        )
    ]


def test_declared_role_with_a_system_function_grant_has_it_revoked_in_that_database():
    shop = SHOP_SCHEMA_USAGE + "sysacl\tFUNCTION\tpg_read_file(text)\tshop\tEXECUTE\n"
    assert db.plan_postgresql_account(pg(), _pg(shop=shop)) == [
        Step(
            "shop",
            "holds EXECUTE on FUNCTION pg_read_file(text) in shop (a system catalog or "
            "function grant)",
            'REVOKE EXECUTE ON FUNCTION pg_read_file(text) FROM "shop"',
            "shop",
        )
    ]


def test_declared_role_with_a_system_catalog_grant_elsewhere_has_it_revoked_there():
    postgres = PG_POSTGRES_OUTPUT + "sysacl\tTABLE\tpg_authid\tshop\tSELECT\n"
    evidence = postgresql_evidence(
        _shop_cluster(), {"shop": SHOP_SCHEMA_USAGE, "postgres": postgres}
    )
    assert db.plan_postgresql_account(pg(), evidence) == [
        Step(
            "shop",
            "holds SELECT on TABLE pg_authid in postgres (a system catalog or function grant)",
            'REVOKE SELECT ON TABLE pg_authid FROM "shop"',
            "postgres",
        )
    ]


def test_declared_mariadb_account_that_may_proxy_another_has_it_revoked():
    text = MARIADB_OUTPUT + maria_line("proxy", "shop", "localhost", "root@localhost", "1")
    text += maria_line("schema", "'shop'@'localhost'", "shop", "SELECT", "NO")
    assert db.plan_mariadb_account(maria(), mariadb_evidence(text), hashes()) == [
        Step(
            "shop@localhost",
            "may log in as root@localhost (PROXY)",
            "REVOKE PROXY ON 'root'@'localhost' FROM 'shop'@'localhost'",
        )
    ]


def test_grant_option_declared_on_a_named_database_does_not_keep_a_held_grant_option():
    # The input layer refuses it; should it reach the planner, it keeps no GRANT OPTION.
    text = MARIADB_OUTPUT + maria_line("schema", "'shop'@'localhost'", "shop", "SELECT", "YES")
    account = maria(grants=[{"database": "shop", "privileges": ["SELECT", "GRANT OPTION"]}])
    assert sqls(db.plan_mariadb_account(account, mariadb_evidence(text), hashes())) == [
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'shop'@'localhost'",
        "GRANT SELECT ON `shop`.* TO 'shop'@'localhost'",
    ]


def test_grant_option_declared_on_every_database_is_granted():
    account = maria(
        admin=True,
        admin_reason="backups",
        grants=[
            {"database": "*", "privileges": ["RELOAD", "GRANT OPTION"]},
            {"database": "shop", "privileges": ["SELECT"]},
        ],
    )
    steps = db.plan_mariadb_account(account, mariadb_evidence(), hashes())
    assert sqls(steps) == ["GRANT RELOAD ON *.* TO 'shop'@'localhost' WITH GRANT OPTION"]


def test_baseline_never_drops_a_role_named_root():
    text = MARIADB_OUTPUT + user_line("root", "", "Y", "N", "", "N", "N")
    assert db.plan_mariadb_baseline(mariadb_evidence(text)) == []


def test_baseline_says_the_kept_test_database_holds_tables_routines_or_events():
    text = MARIADB_OUTPUT + maria_line("database", "test", "1")
    assert db.plan_mariadb_baseline(mariadb_evidence(text)) == [
        Step(
            "test",
            "is a test database that holds 1 tables, routines or events: kept (the role never "
            "drops data); drop it by hand once they are not needed",
            "",
        )
    ]


def test_hba_lines_quote_names_so_that_none_reads_as_a_keyword():
    account = pg("app", hosts=["192.0.2.7"], grants=[{"database": "sameuser", "privileges": []}])
    assert db.hba_lines([account])[0] == 'host    "sameuser" "app" 192.0.2.7/32 scram-sha-256'


def test_postgresql_hba_keywords_are_the_words_pg_hba_conf_reads_specially():
    assert {
        "all",
        "replication",
        "sameuser",
        "samerole",
        "samegroup",
        "public",
    } == db.POSTGRESQL_HBA_KEYWORDS


def test_local_hosts_are_the_names_of_the_server_itself():
    assert {"localhost", "127.0.0.1", "::1"} == databases.MARIADB_LOCAL_HOSTS


def test_declared_role_with_a_column_grant_has_it_revoked_in_that_database():
    shop = SHOP_SCHEMA_USAGE + "colacl\tTABLE\torders\titem\tshop\tUPDATE\n"
    assert db.plan_postgresql_account(pg(), _pg(shop=shop)) == [
        Step(
            "shop",
            "holds column privileges UPDATE (item) on TABLE orders in shop",
            'REVOKE UPDATE (item) ON TABLE orders FROM "shop"',
            "shop",
        )
    ]
