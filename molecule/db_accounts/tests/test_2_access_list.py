"""The access list a reviewer signs off (MOE-22), in the audit's JSON and HTML reports,
whichever controls the run selected: the database administrators with their declared
reasons, the accounts nobody declared flagged (and still there), and the operating-system
administrators with their last login. MOE-42.2.4 passes on the converged host."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import address_of, run_playbook

REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports" / "access"


@pytest.fixture(scope="module")
def report(host, ssh_key) -> dict:
    # A login over SSH with a terminal, as an administrator makes one (sshd records a login
    # in lastlog for a session with a terminal): the list shows it.
    login = subprocess.run(
        [
            *("ssh", "-tt", "-i", str(ssh_key), "-o", "BatchMode=yes"),
            *("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"),
            f"root@{address_of(host)}",
            "true",
        ],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert login.returncode == 0, login.stderr
    # An unrelated control selected: the access list must not depend on the selection.
    run = run_playbook(
        "edu_tw.hardening.audit",
        {
            "audit_controls": ["MOE-16", "MOE-42.2.4"],
            "audit_report_dir": str(REPORTS),
            # MOE-16 fails here (no antivirus on this host); the report is what is checked.
            "audit_fail_on_findings": False,
        },
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    (entry,) = json.loads((REPORTS / "audit.json").read_text())["hosts"]
    return entry


def _rows(report: dict, engine: str) -> dict:
    return {row["name"]: row for row in report["access_list"]["databases"][engine]["accounts"]}


def test_moe_42_2_4_passes_on_the_converged_host(report):
    (verdict,) = [c for c in report["controls"] if c["id"] == "MOE-42.2.4"]
    assert verdict["status"] == "pass", verdict["reasons"]


def test_the_access_list_names_the_declared_administrators_with_their_reason(report):
    reason = "Contractor DBA on call (contract 2026-17), reviewed each quarter"
    for engine, name in (("mariadb", "dba@localhost"), ("postgresql", "pgdba")):
        row = _rows(report, engine)[name]
        assert (row["administrator"], row["declared"], row["reason"]) == (True, True, reason)


def test_the_access_list_names_the_servers_own_administrators(report):
    assert _rows(report, "mariadb")["root@localhost"]["administrator"] is True
    assert _rows(report, "postgresql")["postgres"]["administrator"] is True


def test_the_access_list_flags_the_undeclared_account_on_each_server(report):
    maria, postgres = _rows(report, "mariadb")["legacy@%"], _rows(report, "postgresql")["legacy"]
    assert maria["declared"] is False and maria["privileges"] == ["SELECT ON shop.*"]
    assert postgres["declared"] is False
    assert postgres["privileges"] == ["SELECT ON TABLES IN shop.public"]


def test_the_application_accounts_show_exactly_their_grants(report):
    shop = _rows(report, "mariadb")["shop@localhost"]
    assert shop["privileges"] == ["DELETE, INSERT, SELECT, UPDATE ON shop.*"]
    assert shop["administrator"] is False


def test_the_access_list_shows_the_os_administrators_and_their_last_login(report, host):
    (root,) = [a for a in report["access_list"]["os"]["accounts"] if a["name"] == "root"]
    assert "root (UID 0)" in root["rights"]
    assert root["last_login"] is not None, "the SSH login just made is not shown"
    assert root["last_login"]["at"].endswith("Z")


def test_the_html_report_carries_the_access_list(report):
    html = (REPORTS / "audit.html").read_text()
    assert "Access list (MOE-22)" in html
    assert "UNDECLARED" in html and "legacy@%" in html
    assert "Contractor DBA on call" in html


def test_no_password_or_hash_in_the_reports(report):
    text = (REPORTS / "audit.json").read_text() + (REPORTS / "audit.html").read_text()
    for secret in ("Shop-Maria-2026!", "Shop-Pg-2026!", "SCRAM-SHA-256$", "*8"):
        assert secret not in text
