# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit's reports on a host with planted drift: exactly the drift fails, with evidence."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from conftest import run_playbook

ROOT = Path(__file__).resolve().parents[3]
REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports"


@pytest.fixture(scope="module")
def report() -> dict:
    return json.loads((REPORTS / "audit.json").read_text())


@pytest.fixture(scope="module")
def verdicts(report) -> dict:
    (host,) = report["hosts"]
    return {c["id"]: c for c in host["controls"]}


def test_json_report_validates_against_the_schema(report):
    schema = json.loads((ROOT / "docs" / "audit-report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(report)


def test_exactly_the_planted_drift_fails(verdicts):
    failing = sorted(cid for cid, v in verdicts.items() if v["status"] == "fail")
    assert failing == ["MOE-12.9.2", "MOE-15", "MOE-16"]


def test_controls_the_host_meets_pass(verdicts):
    passing = sorted(cid for cid, v in verdicts.items() if v["status"] == "pass")
    assert passing == [
        "MOE-12.9.1",
        "MOE-12.9.3",
        "MOE-12.9.4",
        "MOE-12.9.5",
        "MOE-17",
        "MOE-18",
        "MOE-19",
    ]
    assert verdicts["MOE-42.2.4"]["status"] == "not_applicable"


def test_password_age_failure_shows_login_defs_value(verdicts):
    assert verdicts["MOE-12.9.2"]["evidence"]["PASS_MAX_DAYS"] == 365


def test_firewall_failure_shows_no_default_drop_and_the_undeclared_port(verdicts):
    moe15 = verdicts["MOE-15"]
    assert moe15["evidence"]["inbound_default_drop"] == {"ipv4": False, "ipv6": False}
    assert "8080/tcp" in moe15["evidence"]["review"]["undeclared_listeners"]
    assert "undeclared service reachable: 8080/tcp" in moe15["reasons"]


def test_antivirus_failure_shows_no_daemon(verdicts):
    moe16 = verdicts["MOE-16"]
    assert moe16["evidence"]["daemon_active"] is False
    assert "the scanner daemon (clamav-daemon) is not running" in moe16["reasons"]


def test_junit_report_has_a_failure_per_failing_control():
    suites = ET.parse(REPORTS / "audit.junit.xml").getroot()
    assert suites.tag == "testsuites"
    failed = sorted(
        case.get("name").split()[0]
        for case in suites.iter("testcase")
        if case.find("failure") is not None
    )
    assert failed == ["MOE-12.9.2", "MOE-15", "MOE-16"]


def test_html_report_carries_every_control_with_its_chinese_clause(report):
    page = (REPORTS / "audit.html").read_text()

    ids: set[str] = set()

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            ids.update(value for name, value in attrs if name == "id")

    Collector().feed(page)
    for control in report["controls"]:
        assert control["id"] in ids
        assert control["clause"]["zh_TW"] in page


def test_audit_exits_non_zero_when_a_control_fails(host):
    extra = {"audit_tiers": ["core"], "audit_report_dir": f"{REPORTS}/strict"}
    run = run_playbook("edu_tw.hardening.audit", extra)
    assert run.returncode != 0
    assert "3 failing control verdict(s) on 1 host(s)" in run.stdout + run.stderr
