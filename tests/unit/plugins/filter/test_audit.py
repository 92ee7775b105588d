# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit filters: evaluation from host variables, and the report against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter import audit

ROOT = Path(__file__).resolve().parents[4]
SCHEMA = json.loads((ROOT / "docs" / "audit-report.schema.json").read_text())
RESULT = json.loads((ROOT / "tests/unit/plugins/fixtures/evidence-debian12-fresh.json").read_text())


def judged(host_vars: dict | None = None, waivers=None) -> dict:
    host_vars = {"inventory_hostname": "web1", **(host_vars or {})}
    return audit.audit_evaluate(RESULT, host_vars, waivers, today="2026-11-21")


def test_report_of_a_judged_host_validates_against_the_schema():
    report = audit.audit_report([judged()], "2026-11-21T10:00:00Z", "audit", ["web1"])
    jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_unreachable_host_is_reported_failing_not_left_out():
    report = audit.audit_report([judged()], "2026-11-21T10:00:00Z", "audit", ["web1", "web2"])
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    web2 = next(h for h in report["hosts"] if h["host"] == "web2")
    assert (web2["status"], web2["unreachable"]) == ("fail", True)
    assert report["summary"]["hosts_unreachable"] == 1


def test_host_variables_of_a_role_reach_the_rules():
    listening = {"proto": "tcp", "address": "0.0.0.0", "port": 443, "process": "nginx"}
    result = json.loads(json.dumps(RESULT))
    result["evidence"]["sockets"]["listening"].append({**listening, "loopback": False})
    declared = {"firewall_services": [{"name": "https", "port": 443, "proto": "tcp"}]}
    verdicts = audit.audit_evaluate(result, {"inventory_hostname": "web1", **declared})
    moe15 = next(c for c in verdicts["controls"] if c["id"] == "MOE-15")
    assert "443/tcp" in moe15["evidence"]["review"]["declared"]
    assert "443/tcp" not in moe15["evidence"]["review"]["undeclared_listeners"]


def test_tiers_limit_the_controls_judged():
    verdicts = audit.audit_evaluate(RESULT, {"inventory_hostname": "web1"}, tiers=["core"])
    assert "MOE-20" not in {c["id"] for c in verdicts["controls"]}


def test_control_patterns_limit_the_controls_judged():
    host_vars = {"inventory_hostname": "web1"}
    verdicts = audit.audit_evaluate(RESULT, host_vars, controls=["MOE-12.9.*", "MOE-15"])
    assert [c["id"] for c in verdicts["controls"]] == [
        "MOE-12.9.1",
        "MOE-12.9.2",
        "MOE-12.9.3",
        "MOE-12.9.4",
        "MOE-12.9.5",
        "MOE-15",
    ]


def test_remediation_follows_only_the_controls_judged():
    verdicts = audit.audit_evaluate(RESULT, {"inventory_hostname": "web1"}, controls=["MOE-16"])
    assert {item["control"] for item in verdicts["remediation"]["unavailable"]} <= {"MOE-16"}


def test_waiver_without_approver_is_refused_naming_the_entry():
    waiver = {"control": "MOE-16", "hosts": ["*"], "reason": "r", "expires": "2027-01-01"}
    with pytest.raises(AnsibleFilterError, match="entry 1: missing approver"):
        judged(waivers=[waiver])


def test_waiver_for_an_unknown_control_is_refused():
    waiver = {
        "control": "MOE-99",
        "hosts": ["*"],
        "reason": "r",
        "approver": "a",
        "expires": "2027-01-01",
    }
    with pytest.raises(AnsibleFilterError, match="unknown control MOE-99"):
        judged(waivers=[waiver])


def test_account_report_is_a_filter_of_the_collection():
    assert audit.FilterModule().filters()["account_report"] is audit.account_report


def test_account_report_filter_reports_the_evidence_accounts():
    accounts = json.loads(json.dumps(RESULT["evidence"]["accounts"]))
    accounts["empty_password"] = ["frank"]
    assert audit.account_report(accounts, {}, [])["empty_password"] == ["frank"]


def test_account_report_filter_takes_owners_and_excluded_as_optional():
    report = audit.account_report(RESULT["evidence"]["accounts"])
    assert (report["owner_map_given"], report["excluded_missing"]) == (False, [])


def test_account_report_filter_names_a_failed_collector():
    with pytest.raises(AnsibleFilterError, match="collector failed: PermissionError"):
        audit.account_report({"error": "PermissionError: /etc/shadow"})


def test_account_report_filter_refuses_an_owner_list():
    with pytest.raises(AnsibleFilterError, match="owners must map"):
        audit.account_report(RESULT["evidence"]["accounts"], ["alice"])


def test_account_report_filter_refuses_excluded_as_a_string():
    with pytest.raises(AnsibleFilterError, match="excluded must be a list"):
        audit.account_report(RESULT["evidence"]["accounts"], {}, "breakglass")


ENFORCED_PAM = {
    "pwquality": dict(
        RESULT["evidence"]["pam"]["pwquality"],
        present=True,
        enforce_for_root=True,
        badwords=["NTNU"],
    ),
    "pwhistory": {"present": True, "remember": 3, "enforce_for_root": True, "conf_read": False},
}


def test_password_policy_faults_of_an_enforcing_stack_are_none():
    assert audit.password_policy_faults(ENFORCED_PAM, 8, 3, ["ntnu"]) == []


def test_password_policy_faults_of_a_fresh_host_name_both_missing_modules():
    assert audit.password_policy_faults(RESULT["evidence"]["pam"], 8, 3) == [
        "pam_pwquality is not on the password stack (common-password)",
        "pam_pwhistory is not on the password stack (common-password)",
    ]


def test_password_policy_faults_hold_the_stack_to_a_stricter_policy():
    assert audit.password_policy_faults(ENFORCED_PAM, 12, 5, ["ntnu", "moe"]) == [
        "pwquality accepts passwords of 8 characters"
        " (minlen 8, dcredit 0, ucredit 0, lcredit 0, ocredit 0), below 12",
        "site words not refused (pwquality badwords): moe",
        "pwhistory remember is 3, below 5",
    ]


def test_password_policy_faults_require_root_to_be_held_to_the_policy():
    pam = dict(ENFORCED_PAM, pwquality=dict(ENFORCED_PAM["pwquality"], enforce_for_root=False))
    assert audit.password_policy_faults(pam, 8, 3) == [
        "pwquality does not enforce the policy for root"
    ]


def test_password_policy_faults_refuse_another_evidence_area():
    with pytest.raises(AnsibleFilterError, match="expected the pam evidence area"):
        audit.password_policy_faults({"error": "boom"}, 8, 3)
