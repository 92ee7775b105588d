"""remediate.yml on grants planted on each server after the role ran: the audit before
fails MOE-42.2.4 naming each, the db_accounts role revokes them, the audit after passes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_playbook
from db_helpers import maria, pg

REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports" / "remediate"


def _moe(name: str) -> dict:
    (entry,) = json.loads((REPORTS / f"{name}.json").read_text())["hosts"]
    (verdict,) = entry["controls"]
    return verdict


@pytest.fixture(scope="module")
def remediation(host) -> str:
    maria(host, "GRANT FILE ON *.* TO 'shop'@'localhost'")
    maria(host, "GRANT SELECT ON payroll.* TO 'shop'@'localhost'")
    pg(host, "ALTER ROLE shop CREATEROLE")
    pg(host, "GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO shop", database="shop")
    run = run_playbook(
        "edu_tw.hardening.remediate",
        {"audit_controls": ["MOE-42.2.4"], "audit_report_dir": str(REPORTS)},
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    return run.stdout


def test_before_moe_42_2_4_fails_naming_each_planted_grant(remediation):
    before = _moe("before")
    assert before["status"] == "fail"
    reasons = before["reasons"]
    assert "MariaDB: shop@localhost holds undeclared privileges on *.*: FILE" in reasons, reasons
    assert "MariaDB: shop@localhost holds undeclared privileges on payroll.*: SELECT" in reasons
    assert "PostgreSQL: shop is CREATEROLE (undeclared)" in reasons
    assert (
        "PostgreSQL: shop holds undeclared privileges on tables in shop.public: TRUNCATE" in reasons
    )


def test_remediate_applies_the_db_accounts_role(remediation):
    assert "edu_tw.hardening.db_accounts : accounts | Make each server's accounts" in remediation


def test_after_moe_42_2_4_passes_and_the_grants_are_gone(remediation, host):
    after = _moe("after")
    assert after["status"] == "pass", after["reasons"]
    grants = maria(host, "SHOW GRANTS FOR 'shop'@'localhost'").stdout
    assert "FILE" not in grants and "payroll" not in grants
    assert (
        pg(host, "SELECT rolcreaterole FROM pg_roles WHERE rolname = 'shop'").stdout.strip() == "f"
    )
    truncate = pg(host, "SELECT has_table_privilege('shop', 'orders', 'TRUNCATE')", database="shop")
    assert truncate.stdout.strip() == "f"


def test_the_rows_survive_remediation_too(remediation, host):
    assert maria(host, "SELECT COUNT(*) FROM shop.orders").stdout.strip() == "2"
    assert maria(host, "SELECT COUNT(*) FROM payroll.salaries").stdout.strip() == "1"
    assert pg(host, "SELECT count(*) FROM orders", database="shop").stdout.strip() == "2"
    assert pg(host, "SELECT count(*) FROM salaries", database="payroll").stdout.strip() == "1"
