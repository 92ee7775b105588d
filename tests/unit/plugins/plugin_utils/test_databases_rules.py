# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The database accounts rule (MOE-42.2.4) and the access list (MOE-22) on evidence the
collector made of output recorded on Debian 12 (so the evidence has the collector's shape)."""

from __future__ import annotations

from datetime import date

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import databases
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import access, catalogue, evaluate
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.databases import (
    SYSTEM_REASON,
    database_access_list,
    database_privileges,
    like,
    mariadb_undeclared,
    postgresql_undeclared,
)
from ansible_collections.edu_tw.hardening.tests.unit.db_fixtures import (
    MARIADB_OUTPUT,
    MARIADB_PACKAGES,
    PG_CLUSTER_OUTPUT,
    PG_SHOP_OUTPUT,
    db_host,
    maria_line,
    user_line,
)

CONTROLS = catalogue.load()


def evidence(
    mariadb: object = MARIADB_OUTPUT,
    cluster: object = PG_CLUSTER_OUTPUT,
    per_database: dict | None = None,
    packages: str | None = None,
    parameters: object = "",
) -> dict:
    """The host's evidence with the databases area as the collector reads it."""
    kwargs = {} if packages is None else {"packages": packages}
    host = db_host(
        mariadb=mariadb,
        cluster=cluster,
        per_database=per_database,
        parameters=parameters,
        **kwargs,
    )
    return {"databases": databases.collect(host)}


def account(name: str = "shop", engine: str = "mariadb", **fields) -> dict:
    entry = {
        "name": name,
        "engine": engine,
        "state": "present",
        "hosts": ["localhost"],
        "password": "",
        "grants": [{"database": "shop", "privileges": ["SELECT"]}],
        "admin": False,
        "admin_reason": "",
        "attributes": [],
    }
    entry.update(fields)
    return entry


def declared(*accounts: dict, ceiling: list[str] | None = None) -> dict:
    inputs: dict = {"db_accounts_accounts": list(accounts)}
    if ceiling is not None:
        inputs["db_accounts_undeclared_ceiling"] = ceiling
    return inputs


# Without approle (its SELECT on mysql.* is a finding of its own) and with the shop
# role's membership gone and its grants complete: a clean pair of servers.
CLEAN_MARIADB = "".join(
    line + "\n" for line in MARIADB_OUTPUT.splitlines() if "approle" not in line
)
CLEAN_CLUSTER = PG_CLUSTER_OUTPUT.replace("member\tpg_read_all_settings\tshop\tf\n", "")
CLEAN_SHOP = PG_SHOP_OUTPUT + "schema\tpublic\tshop\tUSAGE\tf\n"
# The role's pg_hba.conf block in front of the recorded lines.
ROLE_HBA = (
    "hba\t1\tlocal\tshop\tshop\t\t\tscram-sha-256\t\n"
    "hba\t2\thost\tshop\tshop\t127.0.0.1\t255.255.255.255\tscram-sha-256\t\n"
    "hba\t3\thost\tshop\tshop\t::1\tffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\tscram-sha-256\t\n"
    "hba\t4\tlocal\tall\tshop\t\t\treject\t\n"
    "hba\t5\thost\tall\tshop\tall\t\treject\t\n"
)
CLEAN_CLUSTER_WITH_HBA = CLEAN_CLUSTER.replace(
    "hba\t1\tlocal\tshop\tshop\t\t\tscram-sha-256\t\n", ROLE_HBA
)
BOTH_DECLARED = declared(account(), account(engine="postgresql"))


def clean(**changes) -> dict:
    settings = {
        "mariadb": CLEAN_MARIADB,
        "cluster": CLEAN_CLUSTER_WITH_HBA,
        "per_database": {"shop": CLEAN_SHOP},
    }
    settings.update(changes)
    return evidence(**settings)


def judge(ev: dict, inputs: dict | None = None):
    return database_privileges(ev, {}, inputs or {})


# ---------------------------------------------------------------- the rule


def test_clean_servers_with_declared_accounts_pass():
    result = judge(clean(), BOTH_DECLARED)
    assert (result.status, result.reasons) == ("pass", [])
    assert result.evidence == {
        "undeclared_ceiling": ["DELETE", "INSERT", "SELECT", "UPDATE"],
        "mariadb": {"version": "10.11.18-MariaDB-0+deb12u1", "declared": 1},
        "postgresql": {"version": "150018", "declared": 1},
    }


def test_host_without_database_servers_is_not_applicable():
    ev = evidence(packages="bash\t5.2\tinstall ok installed\n")
    result = judge(ev)
    assert result.status == "not_applicable"
    assert result.evidence == {"mariadb": False, "postgresql": False}


def test_unlisted_packages_are_evidence_missing_not_not_applicable():
    ev = evidence()
    ev["databases"] = databases.collect(db_host(programs=()))
    ev["databases"]["packages_error"] = "dpkg-query is not installed (not found on the host)"
    result = judge(ev)
    assert result.status == "fail"
    assert result.reasons == [
        "evidence missing: databases: dpkg-query is not installed (not found on the host)"
    ]


def test_unreadable_mariadb_is_evidence_missing_with_the_clients_words():
    ev = evidence(mariadb=Result(1, "", "ERROR 1045 (28000): Access denied\n"))
    result = judge(ev, BOTH_DECLARED)
    assert result.status == "fail"
    assert result.reasons[0] == (
        "evidence missing: databases: MariaDB could not be read: ERROR 1045 (28000): Access denied"
    )
    assert not any(r.startswith("MariaDB:") for r in result.reasons)


def test_unreadable_postgresql_is_evidence_missing():
    ev = evidence(cluster=Result(2, "", ""))
    result = judge(ev)
    assert "evidence missing: databases: PostgreSQL could not be read: psql exited with 2" in (
        result.reasons
    )


def test_one_unreadable_database_is_evidence_missing_and_the_rest_is_still_judged():
    ev = clean(
        cluster=CLEAN_CLUSTER_WITH_HBA + "member\tpg_write_all_data\tshop\tf\n",
        per_database={"shop": CLEAN_SHOP, "postgres": Result(2, "", "denied\n")},
    )
    result = judge(ev, BOTH_DECLARED)
    assert result.reasons == [
        "evidence missing: databases: PostgreSQL could not be read: database postgres: denied",
        "PostgreSQL: shop is a member of the undeclared role pg_write_all_data",
    ]


def test_evidence_missing_cannot_be_waived_through_the_evaluate_machinery():
    control = catalogue.by_id(CONTROLS)["MOE-42.2.4"]
    ev = evidence(mariadb=Result(1, "", "Access denied\n"))
    waiver = {
        "control": "MOE-42.2.4",
        "hosts": ["web1"],
        "approver": "cio",
        "expires": "2099-01-01",
    }
    waiver |= {"reason": "r"}
    result = evaluate.judge_control(control, ev, BOTH_DECLARED, [waiver], "web1", date(2026, 1, 1))
    assert result["status"] == "fail"
    assert result["reasons"][0] == (
        "evidence missing: databases: MariaDB could not be read: Access denied"
    )
    assert result["reasons"][-1] == (
        "waiver by cio not applied: what the control judges is unknown"
    )


def test_the_rule_is_registered_for_the_control():
    control = catalogue.by_id(CONTROLS)["MOE-42.2.4"]
    result = evaluate.judge_control(control, clean(), BOTH_DECLARED, [], "web1", date(2026, 1, 1))
    assert result["status"] == "pass", result["reasons"]


def test_system_accounts_with_every_privilege_are_not_flagged():
    # root@localhost holds SUPER with GRANT OPTION, mariadb.sys a grant on mysql.*, postgres
    # every attribute and owns the databases: none of them is a finding.
    result = judge(clean(), BOTH_DECLARED)
    assert not any("root" in r or "mariadb.sys" in r or "postgres " in r for r in result.reasons)


def test_undeclared_role_with_a_system_database_grant_is_named_even_within_the_ceiling():
    result = judge(
        evidence(
            mariadb=MARIADB_OUTPUT,
            cluster=CLEAN_CLUSTER_WITH_HBA,
            per_database={"shop": CLEAN_SHOP},
        ),
        BOTH_DECLARED,
    )
    assert result.reasons == ["MariaDB: approle (undeclared) holds SELECT on mysql.*"]


def test_undeclared_account_above_the_ceiling_is_named_with_what_it_holds():
    text = (
        CLEAN_MARIADB
        + user_line("report", "192.0.2.9", "N", "N", "mysql_native_password", "N", "Y")
        + maria_line("schema", "'report'@'192.0.2.9'", "shop", "SELECT", "NO")
        + maria_line("schema", "'report'@'192.0.2.9'", "shop", "DROP", "NO")
        + maria_line("table", "'report'@'192.0.2.9'", "mysql.user", "SELECT", "NO")
        + maria_line("global", "'report'@'192.0.2.9'", "FILE", "YES")
    )
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert result.reasons == [
        "MariaDB: report@192.0.2.9 (undeclared) holds server-wide privileges on *.*: FILE",
        "MariaDB: report@192.0.2.9 (undeclared) holds GRANT OPTION",
        "MariaDB: report@192.0.2.9 (undeclared) holds DROP on shop.*",
        "MariaDB: report@192.0.2.9 (undeclared) holds SELECT on mysql.user",
    ]


def test_undeclared_account_within_the_ceiling_passes():
    text = CLEAN_MARIADB + user_line(
        "report", "192.0.2.9", "N", "N", "mysql_native_password", "N", "Y"
    )
    text += maria_line("schema", "'report'@'192.0.2.9'", "shop", "SELECT", "NO")
    text += maria_line("schema", "'report'@'192.0.2.9'", "shop", "UPDATE", "NO")
    assert judge(clean(mariadb=text), BOTH_DECLARED).status == "pass"


def test_the_declared_ceiling_replaces_the_default():
    text = CLEAN_MARIADB + user_line(
        "report", "192.0.2.9", "N", "N", "mysql_native_password", "N", "Y"
    )
    text += maria_line("schema", "'report'@'192.0.2.9'", "shop", "SELECT", "NO")
    text += maria_line("schema", "'report'@'192.0.2.9'", "shop", "UPDATE", "NO")
    inputs = declared(account(), account(engine="postgresql"), ceiling=["SELECT"])
    result = judge(clean(mariadb=text), inputs)
    assert result.reasons == ["MariaDB: report@192.0.2.9 (undeclared) holds UPDATE on shop.*"]
    assert result.evidence["undeclared_ceiling"] == ["SELECT"]


def test_declared_account_with_an_extra_privilege_fails_with_the_planners_words():
    text = CLEAN_MARIADB + maria_line("global", "'shop'@'localhost'", "SUPER", "NO")
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert result.reasons == ["MariaDB: shop@localhost holds undeclared privileges on *.*: SUPER"]


def test_declared_account_on_another_host_than_the_one_declared_is_undeclared():
    text = CLEAN_MARIADB + user_line("shop", "%", "N", "N", "mysql_native_password", "N", "Y")
    text += maria_line("schema", "'shop'@'%'", "shop", "ALTER", "NO")
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert result.reasons == ["MariaDB: shop@% (undeclared) holds ALTER on shop.*"]


def test_missing_declared_account_fails():
    result = judge(clean(), declared(account("crm"), account(engine="postgresql")))
    assert result.reasons == [
        "MariaDB: crm@localhost does not exist",
        "MariaDB: crm@localhost lacks declared privileges on shop.*: SELECT",
    ]


def test_baseline_findings_fail_even_without_declarations():
    text = (
        CLEAN_MARIADB
        + user_line("", "localhost", "N", "N", "", "N", "N")
        + user_line("root", "%", "N", "N", "mysql_native_password", "N", "Y")
        + maria_line("global", "'root'@'%'", "SUPER", "NO")
        + maria_line("database", "test", "0")
    )
    result = judge(clean(mariadb=text), declared(account(engine="postgresql")))
    assert result.reasons == [
        "MariaDB: @localhost is an anonymous account",
        "MariaDB: root@% is root reachable over the network",
        "MariaDB: test is the empty test database",
    ]


def test_mariadb_public_holding_anything_fails_once_with_the_baselines_words():
    text = (
        CLEAN_MARIADB
        + user_line("PUBLIC", "", "Y", "N", "", "N", "N")
        + maria_line("schema", "'PUBLIC'@''", "shop", "SELECT", "NO")
        + maria_line("schema", "'PUBLIC'@''", "shop", "DROP", "NO")
    )
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert (result.status, result.reasons) == (
        "fail",
        ["MariaDB: PUBLIC holds undeclared privileges on shop.*: DROP, SELECT"],
    )


def test_mariadb_public_that_holds_nothing_passes():
    text = CLEAN_MARIADB + user_line("PUBLIC", "", "Y", "N", "", "N", "N")
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert (result.status, result.reasons) == ("pass", [])


def test_postgresql_debian_default_hba_without_the_roles_block_fails_for_no_reject():
    result = judge(clean(cluster=CLEAN_CLUSTER), BOTH_DECLARED)
    assert result.reasons == [
        "PostgreSQL: pg_hba.conf has no reject of shop from every other address"
    ]


def test_postgresql_undeclared_role_with_an_attribute_is_named():
    cluster = CLEAN_CLUSTER_WITH_HBA + "role\treport\tf\tf\tt\tt\tf\tf\tscram-sha-256\n"
    result = judge(clean(cluster=cluster), BOTH_DECLARED)
    assert result.reasons == ["PostgreSQL: report (undeclared) holds the attribute CREATEDB"]


def test_postgresql_undeclared_role_above_the_table_ceiling_is_named():
    cluster = CLEAN_CLUSTER_WITH_HBA + "role\treport\tf\tf\tf\tt\tf\tf\tscram-sha-256\n"
    shop = CLEAN_SHOP + "relacl\tpublic\ttable\treport\tTRUNCATE\tf\t1\n"
    shop += "schema\tpublic\treport\tCREATE\tf\n"
    result = judge(clean(cluster=cluster, per_database={"shop": shop}), BOTH_DECLARED)
    assert result.reasons == [
        "PostgreSQL: report (undeclared) holds CREATE on schema shop.public",
        "PostgreSQL: report (undeclared) holds TRUNCATE on tables in shop.public",
    ]


def test_postgresql_undeclared_role_that_owns_tables_is_named():
    cluster = CLEAN_CLUSTER_WITH_HBA + "role\treport\tf\tf\tf\tt\tf\tf\tscram-sha-256\n"
    shop = CLEAN_SHOP + "owner\tpublic\treport\t3\n"
    result = judge(clean(cluster=cluster, per_database={"shop": shop}), BOTH_DECLARED)
    assert result.reasons == [
        "PostgreSQL: report (undeclared) holds owns 3 tables or sequences in shop.public"
    ]


def test_postgresql_public_create_on_the_public_schema_fails_the_baseline():
    shop = CLEAN_SHOP + "schema\tpublic\tPUBLIC\tCREATE\tf\n"
    result = judge(clean(per_database={"shop": shop}), BOTH_DECLARED)
    assert result.reasons == ["PostgreSQL: PUBLIC may create objects in the public schema of shop"]


def test_a_server_not_installed_is_not_judged():
    result = judge(evidence(packages=MARIADB_PACKAGES, mariadb=CLEAN_MARIADB), declared(account()))
    assert result.status == "pass"
    assert "postgresql" not in result.evidence


# ---------------------------------------------------------------- access list


def _rows(listed: dict, engine: str) -> dict[str, dict]:
    return {row["name"]: row for row in listed[engine]["accounts"]}


def test_access_list_flags_system_accounts_as_declared_administrators():
    listed = database_access_list(evidence()["databases"], {})
    root = _rows(listed, "mariadb")["root@localhost"]
    assert root == {
        "name": "root@localhost",
        "kind": "account",
        "locked": False,
        "privileges": ["SELECT, SUPER ON *.*", "role approle", "GRANT OPTION"],
        "administrator": True,
        "reason": SYSTEM_REASON,
        "declared": True,
        "above_ceiling": [],
    }
    postgres = _rows(listed, "postgresql")["postgres"]
    assert (postgres["administrator"], postgres["declared"], postgres["reason"]) == (
        True,
        True,
        SYSTEM_REASON,
    )
    assert postgres["privileges"][:5] == [
        "SUPERUSER",
        "CREATEDB",
        "CREATEROLE",
        "REPLICATION",
        "BYPASSRLS",
    ]


def test_access_list_shows_an_undeclared_role_with_what_is_above_the_ceiling():
    listed = database_access_list(evidence()["databases"], {})
    assert _rows(listed, "mariadb")["approle"] == {
        "name": "approle",
        "kind": "role",
        "locked": False,
        "privileges": ["SELECT ON mysql.*"],
        "administrator": False,
        "reason": "",
        "declared": False,
        "above_ceiling": ["SELECT on mysql.*"],
    }


def test_access_list_shows_a_declared_admin_with_its_reason():
    admin = account(admin=True, admin_reason="nightly backups")
    listed = database_access_list(evidence()["databases"], declared(admin))
    shop = _rows(listed, "mariadb")["shop@localhost"]
    assert (shop["administrator"], shop["reason"], shop["declared"]) == (
        True,
        "nightly backups",
        True,
    )
    assert shop["above_ceiling"] == []


def test_access_list_flags_an_undeclared_account_with_global_privileges_as_administrator():
    text = MARIADB_OUTPUT + user_line(
        "ops", "localhost", "N", "N", "mysql_native_password", "N", "Y"
    )
    text += maria_line("global", "'ops'@'localhost'", "PROCESS", "NO")
    listed = database_access_list(evidence(mariadb=text)["databases"], {})
    ops = _rows(listed, "mariadb")["ops@localhost"]
    assert (ops["administrator"], ops["declared"], ops["reason"]) == (True, False, "")
    assert ops["above_ceiling"] == ["server-wide privileges on *.*: PROCESS"]


def test_access_list_shows_postgresql_table_counts_and_membership():
    listed = database_access_list(evidence()["databases"], {})
    shop = _rows(listed, "postgresql")["shop"]
    assert shop["privileges"] == [
        "member of pg_read_all_settings",
        "CONNECT ON DATABASE shop",
        "SELECT ON TABLES IN shop.public",
    ]
    assert (shop["kind"], shop["locked"], shop["declared"]) == ("role", False, False)


def test_access_list_shows_partial_table_privileges_as_counts():
    shop_db = "relations\tpublic\ttable\t4\nrelacl\tpublic\ttable\tshop\tSELECT\tf\t3\n"
    listed = database_access_list(evidence(per_database={"shop": shop_db})["databases"], {})
    assert (
        "SELECT (3 of 4) ON TABLES IN shop.public"
        in _rows(listed, "postgresql")["shop"]["privileges"]
    )


def test_access_list_shows_a_nologin_role_as_a_locked_group_role():
    cluster = PG_CLUSTER_OUTPUT + "role\treaders\tf\tf\tf\tf\tf\tf\tnone\n"
    listed = database_access_list(evidence(cluster=cluster)["databases"], {})
    readers = _rows(listed, "postgresql")["readers"]
    assert (readers["kind"], readers["locked"]) == ("group role (NOLOGIN)", True)


def test_access_list_keeps_the_error_of_a_server_it_could_not_read():
    listed = database_access_list(evidence(mariadb=Result(1, "", "denied\n"))["databases"], {})
    assert listed["mariadb"] == {"error": "denied", "accounts": []}


def test_access_list_leaves_out_servers_that_are_not_installed():
    listed = database_access_list(evidence(packages=MARIADB_PACKAGES)["databases"], {})
    assert set(listed) == {"mariadb"}


SYSTEM = {
    "administrators": [
        {"name": "alice", "uid": 1000, "rights": ["sudo"], "last_login": None},
        {"name": "root", "uid": 0, "rights": ["root (UID 0)"], "last_login": None},
    ],
    "administrators_error": None,
}


def test_host_access_list_has_os_administrators_with_their_owners_and_the_databases():
    ev = evidence()
    ev["system"] = SYSTEM
    listed = access.access_list(ev, {"password_policy_owners": {"alice": "Alice Chen"}})
    assert listed["os"] == {
        "accounts": [
            {
                "name": "alice",
                "uid": 1000,
                "rights": ["sudo"],
                "last_login": None,
                "owner": "Alice Chen",
            },
            {
                "name": "root",
                "uid": 0,
                "rights": ["root (UID 0)"],
                "last_login": None,
                "owner": "",
            },
        ],
        "error": None,
    }
    assert set(listed["databases"]) == {"mariadb", "postgresql"}


def test_host_access_list_says_why_the_os_administrators_are_unknown():
    ev = evidence()
    ev["system"] = {"administrators": [], "administrators_error": "/etc/passwd could not be read"}
    assert access.access_list(ev, {})["os"] == {
        "accounts": [],
        "error": "/etc/passwd could not be read",
    }


def test_host_access_list_without_database_evidence_lists_no_server():
    listed = access.access_list({"system": SYSTEM}, {})
    assert listed["databases"] == {}


def test_host_access_list_of_a_failed_databases_collector_shows_its_error():
    listed = access.access_list({"system": SYSTEM, "databases": {"error": "OSError: boom"}}, {})
    assert listed["databases"] == {"error": "OSError: boom"}


@pytest.mark.parametrize("engine", ["mariadb", "postgresql"])
def test_access_list_rows_have_the_same_keys_on_both_engines(engine):
    listed = database_access_list(evidence()["databases"], {})
    for row in listed[engine]["accounts"]:
        assert set(row) == {
            "name",
            "kind",
            "locked",
            "privileges",
            "administrator",
            "reason",
            "declared",
            "above_ceiling",
        }


# ---------------------------------------------------------------- found in review, fixed


def test_access_list_counts_an_account_on_an_undeclared_host_as_undeclared():
    text = CLEAN_MARIADB + user_line("shop", "%", "N", "N", "mysql_native_password", "N", "Y")
    text += maria_line("schema", "'shop'@'%'", "shop", "ALTER", "NO")
    listed = database_access_list(clean(mariadb=text)["databases"], BOTH_DECLARED)
    row = _rows(listed, "mariadb")["shop@%"]
    assert (row["declared"], row["above_ceiling"]) == (False, ["ALTER on shop.*"])


def test_undeclared_role_in_a_predefined_role_that_runs_programs_is_named():
    cluster = CLEAN_CLUSTER_WITH_HBA + "role\treport\tf\tf\tf\tt\tf\tf\tscram-sha-256\n"
    cluster += "member\tpg_execute_server_program\treport\tf\n"
    assert judge(clean(cluster=cluster), BOTH_DECLARED).status == "fail"


# ---------------------------------------------------------------- like(): MariaDB LIKE patterns


@pytest.mark.parametrize(
    ("pattern", "name", "covers"),
    [
        ("%", "mysql", True),
        ("my%", "mysql", True),
        ("m_sql", "mysql", True),
        ("MY%", "mysql", True),  # database-level grant names compare without case
        ("mysql", "MySQL", True),
        ("test\\_%", "test_x", True),
        ("test\\_%", "testx", False),  # \_ is a literal underscore
        ("shop\\%", "shop%", True),
        ("shop\\%", "shopx", False),  # \% is a literal percent sign
        ("sys", "sysx", False),  # no pattern character: the whole name
        ("s_s", "sys", True),
        ("shop", "mysql", False),
        ("%", "", True),
        ("a.b", "axb", False),  # a regex character is literal
    ],
)
def test_like_reads_a_grant_name_as_a_mariadb_like_pattern(pattern, name, covers):
    assert like(pattern, name) is covers


# ------------------------------------------------------- MariaDB: undeclared, after review


def _maria_accounts(text: str) -> dict[str, dict]:
    return {a["name"]: a for a in databases.parse_mariadb(text)["accounts"]}


def test_undeclared_grant_on_the_pattern_percent_counts_as_a_system_database_grant():
    # SELECT is within the ceiling, but % covers mysql and its password hashes.
    text = CLEAN_MARIADB + user_line("report", "192.0.2.9")
    text += maria_line("schema", "'report'@'192.0.2.9'", "%", "SELECT", "NO")
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert result.reasons == ["MariaDB: report@192.0.2.9 (undeclared) holds SELECT on %.*"]


def test_undeclared_grant_on_the_pattern_my_percent_counts_as_a_system_database_grant():
    text = user_line("report", "192.0.2.9") + maria_line(
        "schema", "'report'@'192.0.2.9'", "my%", "SELECT", "NO"
    )
    report = _maria_accounts(text)["report@192.0.2.9"]
    assert mariadb_undeclared(report, {"SELECT"}) == ["SELECT on my%.*"]


def test_undeclared_table_grant_in_a_system_database_in_upper_case_is_named():
    text = user_line("report", "192.0.2.9") + maria_line(
        "table", "'report'@'192.0.2.9'", "MYSQL.user", "SELECT", "NO"
    )
    report = _maria_accounts(text)["report@192.0.2.9"]
    assert mariadb_undeclared(report, {"SELECT"}) == ["SELECT on MYSQL.user"]


def test_undeclared_grant_on_the_test_prefix_pattern_within_the_ceiling_passes():
    text = user_line("report", "192.0.2.9") + maria_line(
        "schema", "'report'@'192.0.2.9'", "shop\\_%", "SELECT", "NO"
    )
    report = _maria_accounts(text)["report@192.0.2.9"]
    assert mariadb_undeclared(report, {"SELECT"}) == []


def test_undeclared_account_holding_a_role_with_super_is_named_through_the_role():
    # The role's SUPER is only in its Super_priv column (USER_PRIVILEGES lists none).
    text = (
        CLEAN_MARIADB
        + user_line("report", "192.0.2.9")
        + user_line("dba", "", "Y", "N", "", "N", "N", privileges=("SUPER",))
        + maria_line("role", "report", "192.0.2.9", "dba", "N")
    )
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert (
        "MariaDB: report@192.0.2.9 (undeclared) holds server-wide privileges on *.*: SUPER "
        "(through the role dba)"
    ) in result.reasons


def test_undeclared_account_is_named_through_a_role_held_by_a_role():
    text = (
        user_line("report", "192.0.2.9")
        + user_line("reader", "", "Y", "N", "", "N", "N")
        + user_line("dba", "", "Y", "N", "", "N", "N", privileges=("FILE",))
        + maria_line("role", "report", "192.0.2.9", "reader", "N")
        + maria_line("role", "reader", "", "dba", "N")
    )
    accounts = _maria_accounts(text)
    roles = {a["user"]: a for a in accounts.values() if a["role"]}
    assert mariadb_undeclared(accounts["report@192.0.2.9"], {"SELECT"}, roles) == [
        "server-wide privileges on *.*: FILE (through the role dba)"
    ]


def test_roles_granted_in_a_circle_are_followed_once():
    text = (
        user_line("a", "", "Y", "N", "", "N", "N", privileges=("FILE",))
        + user_line("b", "", "Y", "N", "", "N", "N")
        + maria_line("role", "a", "", "b", "N")
        + maria_line("role", "b", "", "a", "N")
    )
    accounts = _maria_accounts(text)
    roles = {a["user"]: a for a in accounts.values()}
    # The walk ends (a role is followed once); the circle leads back to a itself.
    found = mariadb_undeclared(accounts["a"], {"SELECT"}, roles)
    assert set(found) == {"server-wide privileges on *.*: FILE"}


def test_undeclared_account_that_may_proxy_another_is_named():
    text = CLEAN_MARIADB + user_line("report", "192.0.2.9")
    text += maria_line("proxy", "report", "192.0.2.9", "root@localhost", "0")
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert result.reasons == [
        "MariaDB: report@192.0.2.9 (undeclared) holds PROXY on root@localhost"
    ]


def test_access_list_shows_a_proxy_grant():
    text = CLEAN_MARIADB + user_line("report", "192.0.2.9")
    text += maria_line("proxy", "report", "192.0.2.9", "root@localhost", "1")
    listed = database_access_list(clean(mariadb=text)["databases"], BOTH_DECLARED)
    row = _rows(listed, "mariadb")["report@192.0.2.9"]
    assert row["privileges"] == ["PROXY ON root@localhost WITH GRANT OPTION"]
    assert row["above_ceiling"] == ["PROXY on root@localhost WITH GRANT OPTION"]


def test_access_list_finds_a_declared_mariadb_account_by_user_and_host():
    listed = database_access_list(clean()["databases"], BOTH_DECLARED)
    row = _rows(listed, "mariadb")["shop@localhost"]
    assert (row["declared"], row["above_ceiling"]) == (True, [])


def test_unknown_grantee_makes_the_rule_say_evidence_missing():
    text = CLEAN_MARIADB + maria_line("schema", "'ghost'@'%'", "mysql", "SELECT", "NO")
    result = judge(clean(mariadb=text), BOTH_DECLARED)
    assert result.status == "fail"
    assert result.reasons == [
        "evidence missing: databases: MariaDB could not be read: grants of names that match "
        "no account: 'ghost'@'%'"
    ]


# ---------------------------------------------------- PostgreSQL: undeclared, after review


def _undeclared_report(cluster_rows: str = "", shop: str = CLEAN_SHOP, parameters: str = ""):
    cluster = CLEAN_CLUSTER_WITH_HBA + "role\treport\tf\tf\tf\tt\tf\tf\tscram-sha-256\n"
    ev = clean(cluster=cluster + cluster_rows, per_database={"shop": shop})
    if parameters:
        ev = evidence(
            mariadb=CLEAN_MARIADB,
            cluster=cluster + cluster_rows,
            per_database={"shop": shop},
            parameters=parameters,
        )
    return judge(ev, BOTH_DECLARED)


def test_postgresql_undeclared_member_of_pg_execute_server_program_is_named():
    result = _undeclared_report("member\tpg_execute_server_program\treport\tf\n")
    assert result.reasons == [
        "PostgreSQL: report (undeclared) holds membership of pg_execute_server_program, a "
        "role with server-wide rights"
    ]


def test_postgresql_undeclared_member_of_a_role_with_an_admin_attribute_is_named():
    rows = "role\tops\tf\tt\tf\tf\tf\tf\tnone\n" + "member\tops\treport\tf\n"
    result = _undeclared_report(rows)
    assert result.reasons == [
        "PostgreSQL: ops (undeclared) holds the attribute CREATEROLE",
        "PostgreSQL: report (undeclared) holds membership of ops, a role with server-wide rights",
    ]


def test_postgresql_undeclared_member_of_a_plain_group_role_passes():
    rows = "role\treaders\tf\tf\tf\tf\tf\tf\tnone\n" + "member\treaders\treport\tf\n"
    assert _undeclared_report(rows).status == "pass"


def test_postgresql_undeclared_role_with_a_system_function_grant_is_named():
    shop = CLEAN_SHOP + "sysacl\tFUNCTION\tpg_read_file(text)\treport\tEXECUTE\n"
    result = _undeclared_report(shop=shop)
    assert result.reasons == [
        "PostgreSQL: report (undeclared) holds EXECUTE on FUNCTION pg_read_file(text) in shop"
    ]


def test_postgresql_undeclared_role_that_may_set_a_parameter_is_named():
    result = _undeclared_report(parameters="paracl\tarchive_command\treport\tALTER SYSTEM\n")
    assert result.reasons == [
        "PostgreSQL: report (undeclared) holds ALTER SYSTEM on the server parameter archive_command"
    ]


def test_postgresql_undeclared_without_the_other_roles_still_names_pg_roles():
    role = {"name": "report", "member_of": ["pg_write_server_files (admin)"]}
    assert postgresql_undeclared(role, {"SELECT"}) == [
        "membership of pg_write_server_files, a role with server-wide rights"
    ]


def test_declared_role_with_a_system_function_grant_fails_with_the_planners_words():
    shop = CLEAN_SHOP + "sysacl\tFUNCTION\tpg_read_file(text)\tshop\tEXECUTE\n"
    result = judge(clean(per_database={"shop": shop}), BOTH_DECLARED)
    assert result.reasons == [
        "PostgreSQL: shop holds EXECUTE on FUNCTION pg_read_file(text) in shop (a system "
        "catalog or function grant)"
    ]


def test_declared_role_that_may_set_a_parameter_fails():
    ev = clean(parameters="paracl\tarchive_command\tshop\tSET\n")
    assert judge(ev, BOTH_DECLARED).reasons == [
        "PostgreSQL: shop may change the server parameter archive_command: SET"
    ]


def test_access_list_shows_system_grants_and_parameters_of_a_role():
    shop = CLEAN_SHOP + "sysacl\tFUNCTION\tpg_read_file(text)\treport\tEXECUTE\n"
    cluster = CLEAN_CLUSTER_WITH_HBA + "role\treport\tf\tf\tf\tt\tf\tf\tscram-sha-256\n"
    ev = clean(
        cluster=cluster,
        per_database={"shop": shop},
        parameters="paracl\tarchive_command\treport\tALTER SYSTEM\n",
    )
    row = _rows(database_access_list(ev["databases"], BOTH_DECLARED), "postgresql")["report"]
    assert row["privileges"] == [
        "ALTER SYSTEM ON PARAMETER archive_command",
        "EXECUTE ON FUNCTION pg_read_file(text) (in shop)",
    ]


def test_access_list_marks_a_member_of_a_pg_role_as_administrator():
    cluster = CLEAN_CLUSTER_WITH_HBA + "role\treport\tf\tf\tf\tt\tf\tf\tscram-sha-256\n"
    cluster += "member\tpg_execute_server_program\treport\tf\n"
    listed = database_access_list(clean(cluster=cluster)["databases"], BOTH_DECLARED)
    row = _rows(listed, "postgresql")["report"]
    assert (row["administrator"], row["declared"]) == (True, False)


def test_postgresql_undeclared_column_grant_above_the_ceiling_is_named():
    shop = CLEAN_SHOP + (
        "colacl\tTABLE\torders\titem\treport\tUPDATE\n"
        "colacl\tTABLE\torders\titem\treport\tREFERENCES\n"
    )
    result = _undeclared_report(shop=shop)
    assert result.reasons == [
        "PostgreSQL: report (undeclared) holds REFERENCES (item) on TABLE orders in shop"
    ]


def test_declared_role_with_a_column_grant_fails_naming_it():
    shop = CLEAN_SHOP + "colacl\tTABLE\torders\titem\tshop\tSELECT\n"
    result = judge(clean(per_database={"shop": shop}), BOTH_DECLARED)
    assert result.reasons == [
        "PostgreSQL: shop holds column privileges SELECT (item) on TABLE orders in shop"
    ]
