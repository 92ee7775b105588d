# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The three renderings of a report: JSON, JUnit XML, HTML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.filter import audit
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import report as render

ROOT = Path(__file__).resolve().parents[4]
RESULT = json.loads((ROOT / "tests/unit/plugins/fixtures/evidence-debian12-fresh.json").read_text())
TEMPLATE = (ROOT / "roles/audit/templates/report.html.j2").read_text()


@pytest.fixture(scope="module")
def report() -> dict:
    roles = [inputs.load_role(role) for role in inputs.role_names()]
    declarations = {**inputs.declarations({}, roles), "inventory_hostname": "web1"}
    verdicts = audit.audit_evaluate(RESULT, declarations, today="2026-11-21")
    return audit.audit_report([verdicts], "2026-11-21T10:00:00Z", "audit", ["web1", "web2"])


def test_junit_counts_a_failure_per_failing_control_and_the_unreachable_host(report):
    root = ET.fromstring(render.to_junit(report))
    failing = [
        c.get("name").split()[0] for c in root.iter("testcase") if c.find("failure") is not None
    ]
    expected = [c["id"] for c in report["hosts"][0]["controls"] if c["status"] == "fail"]
    assert failing == [*expected, "audit"]
    assert root.get("failures") == str(len(expected) + 1)


def test_junit_skips_not_applicable_controls(report):
    root = ET.fromstring(render.to_junit(report))
    skipped = [
        c.get("name").split()[0] for c in root.iter("testcase") if c.find("skipped") is not None
    ]
    assert skipped == ["MOE-42.2.4"]


def test_html_escapes_evidence_and_carries_the_chinese_clause(report):
    report["hosts"][0]["controls"][0]["reasons"] = ["<script>alert(1)</script>"]
    page = render.to_html(report, TEMPLATE)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert report["controls"][0]["clause"]["zh_TW"] in page


def test_write_reports_writes_three_files_that_parse(report, tmp_path):
    paths = render.write_reports(report, str(tmp_path / "out"), "before", TEMPLATE)
    assert json.loads(Path(paths["json"]).read_text()) == report
    ET.parse(paths["junit.xml"])
    assert Path(paths["html"]).read_text().startswith("<!DOCTYPE html>")


def test_junit_failure_of_a_host_not_audited_says_why(report):
    root = ET.fromstring(render.to_junit(report))
    (case,) = [c for c in root.iter("testcase") if c.get("name") == "audit"]
    assert case.find("failure").get("message") == (
        f"host could not be audited (unreachable): {audit.NOT_JUDGED}"
    )


def test_html_of_a_host_not_audited_says_why(report):
    assert audit.NOT_JUDGED in render.to_html(report, TEMPLATE)


@pytest.mark.parametrize("name", ["audit", "before", "after", "audit-2026.11_21", "a" * 64])
def test_plain_report_names_are_accepted(name):
    assert render.check_name(name) == name


@pytest.mark.parametrize("name", ["../audit", "a/b", "/tmp/x", ".hidden", "", "a b", "a" * 65])
def test_report_name_that_is_not_a_plain_file_name_is_refused(name):
    with pytest.raises(ValueError, match="is not a plain file name"):
        render.check_name(name)


def test_reports_are_never_written_outside_their_directory(report, tmp_path):
    with pytest.raises(ValueError):
        render.write_reports(report, str(tmp_path / "in"), "../out", TEMPLATE)
    assert not (tmp_path / "out.json").exists()
