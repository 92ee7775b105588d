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
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

ROOT = Path(__file__).resolve().parents[4]
SCHEMA = json.loads((ROOT / "docs" / "audit-report.schema.json").read_text())
RESULT = json.loads((ROOT / "tests/unit/plugins/fixtures/evidence-debian12-fresh.json").read_text())


def declared(host_vars: dict) -> dict:
    """What role_inputs (roles: [all], mode: declarations) returns for these variables,
    already rendered, with the host's name: the filter's second argument."""
    roles = [inputs.load_role(role) for role in inputs.role_names()]
    return {
        **inputs.declarations(host_vars, roles),
        "inventory_hostname": host_vars.get("inventory_hostname", "web1"),
    }


def judged(host_vars: dict | None = None, waivers=None, **options) -> dict:
    """web1's verdicts on the fresh Debian 12 evidence; ``waivers`` is the waiver file's
    content (a list is wrapped as its ``waivers:``)."""
    host_vars = {"inventory_hostname": "web1", **(host_vars or {})}
    document = {"waivers": waivers} if isinstance(waivers, list) else waivers
    return audit.audit_evaluate(
        RESULT, declared(host_vars), document, today="2026-11-21", **options
    )


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
    given = {"firewall_services": [{"name": "https", "port": 443, "proto": "tcp"}]}
    verdicts = audit.audit_evaluate(result, declared({"inventory_hostname": "web1", **given}))
    moe15 = next(c for c in verdicts["controls"] if c["id"] == "MOE-15")
    assert "443/tcp" in moe15["evidence"]["review"]["declared"]
    assert "443/tcp" not in moe15["evidence"]["review"]["undeclared_listeners"]


def test_tiers_limit_the_controls_judged():
    verdicts = audit.audit_evaluate(RESULT, declared({}), tiers=["core"])
    assert "MOE-20" not in {c["id"] for c in verdicts["controls"]}


def test_control_patterns_limit_the_controls_judged():
    host_vars = {"inventory_hostname": "web1"}
    verdicts = audit.audit_evaluate(RESULT, declared(host_vars), controls=["MOE-12.9.*", "MOE-15"])
    assert [c["id"] for c in verdicts["controls"]] == [
        "MOE-12.9.1",
        "MOE-12.9.2",
        "MOE-12.9.3",
        "MOE-12.9.4",
        "MOE-12.9.5",
        "MOE-15",
    ]


def test_remediation_follows_only_the_controls_judged():
    verdicts = audit.audit_evaluate(RESULT, declared({}), controls=["MOE-16"])
    assert {item["control"] for item in verdicts["remediation"]["unavailable"]} <= {"MOE-16"}


def test_waiver_without_approver_is_refused_naming_the_entry():
    waiver = {"control": "MOE-16", "hosts": ["*"], "reason": "r", "expires": "2027-01-01"}
    with pytest.raises(AnsibleFilterError, match=r"entry 1 \(MOE-16\): missing approver"):
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


# ---------------------------------------------------------------- waivers, checked strictly

FILE = "/etc/edu_tw/waivers.yml"
WAIVER = {
    "control": "MOE-16",
    "hosts": ["web*"],
    "reason": "Vendor EDR replaces ClamAV (ticket 1234)",
    "approver": "CISO",
    "expires": "2027-03-31",
}


def refused(document, **options) -> str:
    """The message with which the audit refuses the waiver file ``document``."""
    with pytest.raises(AnsibleFilterError) as caught:
        judged(waivers=document, waivers_file=FILE, **options)
    return str(caught.value)


def moe16(verdicts: dict) -> dict:
    return next(c for c in verdicts["controls"] if c["id"] == "MOE-16")


def test_waiver_file_text_is_parsed_and_its_waiver_applies():
    text = (
        "waivers:\n  - control: MOE-16\n    hosts: [web*]\n    reason: EDR\n"
        "    approver: CISO\n    expires: 2027-03-31\n"
    )
    result = moe16(judged(waivers=text, waivers_file=FILE))
    assert (result["status"], result["waiver"]["expires"]) == ("waived", "2027-03-31")


def test_no_waiver_file_means_no_waivers():
    assert moe16(judged(waivers=None))["status"] == "fail"


def test_empty_waiver_file_is_refused_naming_the_file():
    assert refused("") == (
        f"audit_waivers_file {FILE}: the file is empty; expected a 'waivers:' list"
    )


def test_waiver_file_with_a_list_at_the_top_is_refused():
    assert refused("- control: MOE-16\n") == (
        f"audit_waivers_file {FILE}: expected a mapping with a 'waivers' list, got a list"
    )


def test_waiver_file_that_is_not_yaml_is_refused():
    assert refused("waivers: [\n").startswith(f"audit_waivers_file {FILE}: not valid YAML")


def test_waiver_file_of_only_comments_is_refused():
    assert refused("# nothing yet\n").endswith("got nothing")


def test_waiver_file_with_another_top_key_is_refused():
    assert refused({"waiver": [WAIVER]}) == (
        f"audit_waivers_file {FILE}: unknown key(s) waiver; the file holds only 'waivers'"
    )


def test_waivers_that_are_not_a_list_are_refused():
    assert refused({"waivers": WAIVER}).endswith("'waivers' must be a list, got a mapping")


def test_waiver_entry_that_is_not_a_mapping_is_refused():
    assert refused({"waivers": ["MOE-16"]}).startswith(
        f"audit_waivers_file {FILE}: entry 1: expected a mapping"
    )


def test_waiver_hosts_given_as_a_string_is_refused_not_read_letter_by_letter():
    message = refused({"waivers": [dict(WAIVER, hosts="web1")]})
    assert message == (
        f"audit_waivers_file {FILE}: entry 1 (MOE-16): hosts must be a list of host patterns,"
        " not a string: write hosts: [web1]"
    )


def test_waiver_with_no_hosts_is_refused():
    assert "hosts must be a non-empty list" in refused({"waivers": [dict(WAIVER, hosts=[])]})


def test_waiver_host_pattern_that_is_not_a_string_is_refused():
    message = refused({"waivers": [dict(WAIVER, hosts=["web1", 7])]})
    assert message.endswith("every host pattern must be a non-empty string, got 7")


def test_waiver_with_an_unknown_key_is_refused():
    message = refused({"waivers": [dict(WAIVER, ticket=1234)]})
    assert message.startswith(f"audit_waivers_file {FILE}: entry 1 (MOE-16): unknown key(s) ticket")


def test_waiver_with_an_empty_reason_is_refused():
    message = refused({"waivers": [dict(WAIVER, reason="  ")]})
    assert message.endswith("reason must be a non-empty string, got a string")


def test_waiver_with_an_approver_that_is_not_a_string_is_refused():
    message = refused({"waivers": [dict(WAIVER, approver=["CISO"])]})
    assert message.endswith("approver must be a non-empty string, got a list")


@pytest.mark.parametrize("expires", ["31/03/2027", "20270331", "2027-02-30", 20270331, None])
def test_waiver_whose_expiry_is_not_an_iso_date_is_refused(expires):
    message = refused({"waivers": [dict(WAIVER, expires=expires)]})
    assert "expires" in message and message.startswith(f"audit_waivers_file {FILE}: entry 1")


def test_waiver_expiring_at_a_time_rather_than_a_date_is_refused():
    message = refused(
        "waivers:\n  - "
        + "\n    ".join(
            [
                "control: MOE-16",
                "hosts: [web1]",
                "reason: r",
                "approver: a",
                "expires: 2027-03-31 10:00:00",
            ]
        )
        + "\n"
    )
    assert message.endswith("expires must be a date (YYYY-MM-DD), not a time")


def test_waiver_for_a_control_outside_the_selection_is_refused_and_says_so():
    message = refused({"waivers": [WAIVER]}, controls=["MOE-15"])
    assert message == (
        f"audit_waivers_file {FILE}: entry 1 (MOE-16): waives MOE-16, which this run does not"
        " judge (audit_controls, audit_tiers): judge it too, or give this run a waiver file"
        " without it"
    )


def test_waiver_messages_name_the_entry_that_is_wrong():
    good = dict(WAIVER, control="MOE-15")
    assert refused({"waivers": [good, dict(WAIVER, hosts="db1")]}).startswith(
        f"audit_waivers_file {FILE}: entry 2 (MOE-16):"
    )


# ---------------------------------------------------------------- audit_controls


def test_control_pattern_that_matches_nothing_is_refused_with_the_valid_ids():
    with pytest.raises(AnsibleFilterError) as caught:
        judged(controls=["MOE-15", "MOE-12.10"])
    message = str(caught.value)
    assert message.startswith("audit_controls: MOE-12.10 match(es) no control of the catalogue")
    assert "valid IDs: MOE-12.9.1, MOE-12.9.2" in message


def test_control_pattern_outside_the_selected_tiers_is_refused():
    with pytest.raises(AnsibleFilterError, match=r"audit_controls: MOE-20 .* in tier\(s\) core"):
        judged(controls=["MOE-20"], tiers=["core"])


def test_controls_given_as_one_string_are_refused():
    with pytest.raises(AnsibleFilterError, match="audit_controls: expected a list"):
        judged(controls="MOE-15")


def test_unknown_tier_is_refused():
    with pytest.raises(AnsibleFilterError, match="audit_tiers: expected a list of core, also"):
        judged(tiers=["extra"])


# ---------------------------------------------------------------- verdicts and the selection


def with_admin(owners: dict) -> tuple[dict, dict]:
    """The fresh host with ``carol`` in the sudo group, and host variables with ``owners``."""
    result = json.loads(json.dumps(RESULT))
    result["evidence"]["system"]["sudoers"]["members"] = ["carol", "root"]
    return result, {"inventory_hostname": "web1", "password_policy_owners": owners}


def access_review(result: dict, host_vars: dict, controls: list) -> dict:
    verdicts = audit.audit_evaluate(
        result, declared(host_vars), controls=controls, today="2026-11-21"
    )
    return next(c for c in verdicts["controls"] if c["id"] == "MOE-22")


def test_access_review_alone_reads_the_password_policy_owners():
    result, host_vars = with_admin({"root": "Ops team"})
    assert access_review(result, host_vars, ["MOE-22"])["reasons"] == [
        "administrator carol has no named owner"
    ]


def test_access_review_verdict_is_the_same_alone_and_with_every_control():
    result, host_vars = with_admin({"root": "Ops team"})
    assert access_review(result, host_vars, ["MOE-22"]) == access_review(result, host_vars, ["*"])


def test_site_inputs_of_every_catalogue_role_reach_a_control_judged_alone():
    result, host_vars = with_admin({"root": "Ops team", "carol": "Carol Lin"})
    assert access_review(result, host_vars, ["MOE-22"])["status"] == "pass"


# ---------------------------------------------------------------- hosts that were not audited


def test_unreachable_result_gives_a_host_not_audited_with_the_reason():
    unreachable = {
        "unreachable": True,
        "msg": "Failed to connect to the host via ssh",
        "changed": False,
    }
    entry = audit.audit_evaluate(unreachable, declared({"inventory_hostname": "web2"}))
    assert (entry["host"], entry["status"], entry["unreachable"], entry["controls"]) == (
        "web2",
        "fail",
        True,
        [],
    )
    assert entry["error"] == "unreachable: Failed to connect to the host via ssh"


def test_failed_evidence_module_gives_a_host_not_audited_with_its_message():
    failed = {"failed": True, "msg": "MODULE FAILURE: No module named 'json'"}
    entry = audit.audit_evaluate(failed, declared({"inventory_hostname": "web2"}))
    assert entry["error"] == (
        "the evidence could not be collected: MODULE FAILURE: No module named 'json'"
    )


def test_result_without_evidence_gives_a_host_not_audited():
    entry = audit.audit_evaluate({"changed": False}, declared({"inventory_hostname": "web2"}))
    assert (entry["unreachable"], entry["error"]) == (
        True,
        "the evidence module returned no evidence",
    )


def test_unreachable_host_still_has_its_inputs_checked():
    with pytest.raises(AnsibleFilterError, match="audit_controls"):
        audit.audit_evaluate({"unreachable": True}, declared({}), controls=["X"])


def test_report_of_hosts_that_were_all_unreachable_says_so_and_validates():
    entries = [
        audit.audit_evaluate(
            {"unreachable": True, "msg": "timed out"}, declared({"inventory_hostname": h})
        )
        for h in ("web1", "web2")
    ]
    report = audit.audit_report(entries, "2026-11-21T10:00:00Z", "audit", ["web1", "web2"])
    jsonschema.Draft202012Validator(SCHEMA).validate(report)
    assert (report["summary"]["hosts_unreachable"], report["summary"]["hosts_failing"]) == (2, 2)


def test_report_counts_hosts_judged_unreachable_and_hosts_never_judged():
    entry = audit.audit_evaluate({"unreachable": True}, declared({"inventory_hostname": "web2"}))
    report = audit.audit_report(
        [judged(), entry], "2026-11-21T10:00:00Z", "audit", ["web1", "web2", "web3"]
    )
    assert report["summary"]["hosts_unreachable"] == 2
    web3 = next(h for h in report["hosts"] if h["host"] == "web3")
    assert web3["error"] == audit.NOT_JUDGED


def test_report_covers_exactly_the_expected_hosts_judged():
    report = audit.audit_report([judged()], "2026-11-21T10:00:00Z", "audit", ["web1"])
    assert [h["host"] for h in report["hosts"]] == ["web1"]


# ------------------------------------------------------ declarations through the input layer


def _verdict(verdicts: dict, control_id: str) -> dict:
    return next(c for c in verdicts["controls"] if c["id"] == control_id)


def test_declarations_are_read_as_the_role_reads_them_not_raw():
    # -e password_policy_site_words=moe,edu is the list the role enforces, not a string
    # whose letters would each be a missing site word.
    result = json.loads(json.dumps(RESULT))
    result["evidence"]["pam"]["pwquality"].update(
        present=True, dictcheck=True, usercheck=True, badwords=["moe", "edu"]
    )
    host_vars = {"inventory_hostname": "web1", "password_policy_site_words": "moe,edu"}
    moe = _verdict(
        audit.audit_evaluate(result, declared(host_vars), today="2026-11-21"), "MOE-12.9.5"
    )
    assert [r for r in moe["reasons"] if "site words" in r] == []


def test_a_control_whose_declarations_are_refused_fails_naming_the_variable():
    moe15 = _verdict(judged({"firewall_services": "web"}), "MOE-15")
    assert moe15["status"] == "fail"
    assert moe15["reasons"][0] == (
        "site declarations invalid: firewall_services[0]: 'web' is not a mapping"
    )


def test_access_review_fails_when_the_owner_map_it_reads_is_refused():
    moe22 = _verdict(judged({"password_policy_owners": {"root": ""}}), "MOE-22")
    assert moe22["status"] == "fail"
    assert "site declarations invalid: password_policy_owners['root']: is empty" in moe22["reasons"]


def test_refused_declarations_of_one_role_leave_the_other_roles_controls_alone():
    verdicts = judged({"firewall_ssh_port": "22\n"})
    assert not any("site declarations" in r for r in _verdict(verdicts, "MOE-12.9.1")["reasons"])


def test_a_waiver_does_not_cover_a_control_whose_evidence_is_missing():
    result = json.loads(json.dumps(RESULT))
    result["evidence"]["sockets"] = {"error": "ss: command not found"}
    waiver = {
        "control": "MOE-19",
        "hosts": ["web1"],
        "reason": "remote desktop for the lab",
        "approver": "Chen",
        "expires": "2027-01-01",
    }
    verdicts = audit.audit_evaluate(result, declared({}), {"waivers": [waiver]}, today="2026-11-21")
    moe19 = _verdict(verdicts, "MOE-19")
    assert (moe19["status"], moe19["waiver"]) == ("fail", None)
    assert "waiver by Chen not applied: what the control judges is unknown" in moe19["reasons"]


# ----------------------------------------- declarations checked by role_inputs (declarations)


def test_declarations_checked_by_the_action_are_judged_as_given():
    # What role_inputs returns for firewall_management_sources: ["{{ hostvars[...] }}/32"]
    # and a service whose port is a group variable: rendered, then checked and typed.
    listening = {"proto": "tcp", "address": "0.0.0.0", "port": 443, "process": "nginx"}
    result = json.loads(json.dumps(RESULT))
    result["evidence"]["sockets"]["listening"].append({**listening, "loopback": False})
    checked = declared({})
    checked["inputs"]["firewall"].update(
        management_sources=["192.0.2.7"],
        services=[
            {"name": "https", "port": 443, "proto": "tcp", "sources": [], "state": "present"}
        ],
    )
    moe15 = _verdict(audit.audit_evaluate(result, checked), "MOE-15")
    assert not any("site declarations" in r for r in moe15["reasons"])
    assert "443/tcp" in moe15["evidence"]["review"]["declared"]
    assert "443/tcp" not in moe15["evidence"]["review"]["undeclared_listeners"]


def test_declarations_the_action_refused_fail_the_controls_of_their_role_only():
    checked = declared({})
    checked["invalid"] = {"firewall": ["firewall_management_sources: cannot be rendered: boom"]}
    verdicts = audit.audit_evaluate(RESULT, checked, {"waivers": [dict(WAIVER, control="MOE-15")]})
    moe15 = _verdict(verdicts, "MOE-15")
    assert (moe15["status"], moe15["waiver"]) == ("fail", None)
    assert moe15["reasons"][0] == (
        "site declarations invalid: firewall_management_sources: cannot be rendered: boom"
    )
    assert not any("site declarations" in r for r in _verdict(verdicts, "MOE-12.9.1")["reasons"])


def test_a_misspelt_declaration_is_a_problem_of_its_role():
    moe15 = _verdict(judged({"firewall_servics": []}), "MOE-15")
    assert moe15["status"] == "fail"
    assert moe15["reasons"][0].startswith(
        "site declarations invalid: firewall_servics: is not an input of edu_tw.hardening.firewall"
    )


def test_declarations_of_a_role_without_a_spec_reach_its_rule_as_given():
    result = json.loads(json.dumps(RESULT))
    result["evidence"]["system"]["file_sharing"] = {"samba": True, "nfs": False}
    given = {"baseline_file_sharing_services": ["samba"]}
    assert declared(given)["unchecked"]["baseline"] == given
    moe21 = _verdict(audit.audit_evaluate(result, declared(given)), "MOE-21")
    assert not any("samba" in r for r in moe21["reasons"])


def test_raw_host_variables_are_refused_not_judged_unchecked():
    with pytest.raises(AnsibleFilterError, match="expected the declarations checked by"):
        audit.audit_evaluate(RESULT, {"inventory_hostname": "web1", "firewall_ssh_port": 22})


def test_declarations_without_a_role_with_a_spec_are_refused():
    checked = declared({})
    del checked["inputs"]["password_policy"]
    with pytest.raises(AnsibleFilterError, match="no checked inputs of password_policy"):
        audit.audit_evaluate(RESULT, checked)
