"""Bad declarations, given as people give them (-e JSON, a vars file), are refused before
any change, each with a message naming the variable: administrators' privileges for an
application, an unknown privilege, an administrator without a reason, a password in clear
text. A whole vault-encrypted vars file is accepted."""

from __future__ import annotations

import json
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import run_playbook
from db_helpers import maria, pg

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")


def _accounts(**changes) -> list[dict]:
    account = {
        "name": "report",
        "engine": "mariadb",
        "grants": [{"database": "shop", "privileges": ["SELECT"]}],
    }
    return [{**account, **changes}]


def _e(accounts: list[dict]) -> list[str]:
    return ["-e", json.dumps({"db_accounts_accounts": accounts})]


CASES = [
    (
        _e(_accounts(grants=[{"database": "*", "privileges": ["ALL"]}])),
        "db_accounts_accounts[0] (report).grants[0].database: * (privileges on *.*, every "
        "database) is for administrators only",
    ),
    (
        _e(_accounts(grants=[{"database": "shop", "privileges": ["SELECT", "SELCT"]}])),
        "db_accounts_accounts[0] (report).grants[0].privileges: SELCT is not a MariaDB privilege",
    ),
    (
        _e(_accounts(engine="postgresql", grants=[{"database": "shop", "privileges": ["SUPER"]}])),
        "SUPER is not a PostgreSQL privilege",
    ),
    (
        _e(_accounts(admin=True)),
        "db_accounts_accounts[0] (report).admin_reason: an administrator needs a reason",
    ),
    (
        _e(_accounts(password="Report-2026-secret")),
        "db_accounts_accounts[0].password: is given in clear text",
    ),
    (
        _e(_accounts(name="report'; DROP USER root; --")),
        "db_accounts_accounts[0].name",
    ),
    (
        _e(_accounts(hosts=["127.0.0.1"])),
        "db_accounts_accounts[0].hosts[0]: '127.0.0.1' is a loopback address: write localhost",
    ),
    (["-e", "db_accounts_baseline_enabled=maybe"], "db_accounts_baseline_enabled"),
]


def _state(host) -> str:
    users = maria(host, "SELECT CONCAT(User, '@', Host) FROM mysql.user ORDER BY 1").stdout
    grants = maria(host, "SHOW GRANTS FOR 'shop'@'localhost'").stdout
    roles = pg(host, "SELECT rolname, rolsuper, rolcanlogin FROM pg_roles ORDER BY 1").stdout
    hba = host.check_output("cat /etc/postgresql/*/main/pg_hba.conf")
    return users + grants + roles + hba


@pytest.fixture(scope="module")
def refused(host) -> dict:
    before = _state(host)
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda case: run_playbook(CONVERGE, args=case[0]), CASES))
    return {"before": before, "after": _state(host), "runs": runs}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[1][:60] for c in CASES])
def test_a_bad_declaration_is_refused_naming_the_variable(refused, index):
    run: subprocess.CompletedProcess = refused["runs"][index]
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-2000:]
    assert CASES[index][1] in output, output[-3000:]
    assert "changed=0" in output


def test_nothing_changed_on_the_servers(refused):
    assert refused["after"] == refused["before"]


def test_no_refusal_prints_the_clear_password(refused):
    for run in refused["runs"]:
        assert "Report-2026-secret" not in run.stdout + run.stderr


def test_a_plain_vars_file_password_is_refused_and_a_vaulted_file_accepted(host, tmp_path):
    declared = {"db_accounts_accounts": _accounts(password="Report-2026-secret")}
    plain = tmp_path / "plain.yml"
    plain.write_text(json.dumps(declared))
    run = run_playbook(CONVERGE, args=["-e", f"@{plain}"])
    assert run.returncode != 0
    assert "db_accounts_accounts[0].password: is given in clear text" in run.stdout + run.stderr
    vaulted = tmp_path / "vaulted.yml"
    vaulted.write_text(json.dumps(declared))
    # The scenario's ansible.cfg (ANSIBLE_CONFIG) names the vault password file.
    subprocess.run(["ansible-vault", "encrypt", str(vaulted)], check=True, capture_output=True)
    # Check mode: the declaration is accepted and the run would create the account.
    run = run_playbook(CONVERGE, args=["-e", f"@{vaulted}", "--check"])
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "report@localhost does not exist" in output
    assert (
        maria(host, "SELECT COUNT(*) FROM mysql.user WHERE User = 'report'").stdout.strip() == "0"
    )
