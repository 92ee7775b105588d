# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the audit: judge a host's evidence, report its accounts, assemble a run's report."""

from __future__ import annotations

import datetime
import fnmatch
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import (
    access,
    catalogue,
    evaluate,
    inputs,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import (
    password as password_rules,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    VULNERABILITY_SCAN,
)

COLLECTION_ROOT = Path(__file__).resolve().parents[2]


def _available_roles() -> set[str]:
    """The roles this collection ships (a control's role may not exist yet)."""
    return {p.parent.parent.name for p in (COLLECTION_ROOT / "roles").glob("*/tasks/main.yml")}


def site_inputs(controls: list[dict], declarations: Any) -> dict[str, Any]:
    """The site's declarations for the controls' roles, as the input layer checked them.

    ``declarations`` is what edu_tw.hardening.role_inputs returns with ``mode:
    declarations`` (see inputs.declarations): the values of each role with an argument
    spec checked and typed exactly as the role itself reads them (rendered with the task's
    variables), the problems of each role whose declarations are refused, and the
    variables of the roles not written yet, as given. The audit passes every control of the
    catalogue here, not only the selected ones: a rule may read another role's inputs
    (MOE-22 reads ``password_policy_owners``), and a verdict must not depend on which other
    controls were selected. The problems are kept under ``evaluate.INVALID_INPUTS`` so that
    the role's controls fail naming them.
    """
    if not isinstance(declarations, Mapping) or not isinstance(declarations.get("inputs"), Mapping):
        raise AnsibleFilterError(
            "audit_evaluate: expected the declarations checked by edu_tw.hardening.role_inputs"
            f" (roles: [all], mode: declarations), got {_kind(declarations)} without 'inputs'"
        )
    checked = declarations["inputs"]
    invalid = declarations.get("invalid") or {}
    unchecked = declarations.get("unchecked") or {}
    result: dict[str, Any] = {evaluate.INVALID_INPUTS: {}}
    with_spec = set(inputs.role_names())
    for role in sorted({c["role"] for c in controls}):
        if role in with_spec and role not in checked:
            raise AnsibleFilterError(
                f"audit_evaluate: the declarations hold no checked inputs of {role}; check"
                " them with edu_tw.hardening.role_inputs (roles: [all], mode: declarations)"
            )
        if invalid.get(role):
            result[evaluate.INVALID_INPUTS][role] = list(invalid[role])
        if role not in with_spec:
            result.update(unchecked.get(role) or {})
            continue
        result.update(
            {f"{role}_{name}": value for name, value in checked[role].items() if value is not None}
        )
    return result


WAIVER_KEYS = ("control", "hosts", "reason", "approver", "expires")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _kind(value: Any) -> str:
    """What a YAML value is, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"a {type(value).__name__}"


def _expiry(where: str, value: Any) -> str:
    """The ISO date (YYYY-MM-DD) of a waiver's ``expires``; AnsibleFilterError otherwise."""
    if isinstance(value, datetime.datetime):
        raise AnsibleFilterError(f"{where}: expires must be a date (YYYY-MM-DD), not a time")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError as exc:
            raise AnsibleFilterError(f"{where}: expires is not a date: {exc}") from exc
    raise AnsibleFilterError(f"{where}: expires must be a date (YYYY-MM-DD), got {value!r}")


def _text(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise AnsibleFilterError(f"{where}: {key} must be a non-empty string, got {_kind(value)}")
    return value.strip()


def check_waiver(where: str, waiver: Any, known_ids: set[str], selected_ids: set[str]) -> dict:
    """One waiver entry, checked and normalised; AnsibleFilterError naming ``where`` otherwise."""
    if not isinstance(waiver, Mapping):
        raise AnsibleFilterError(
            f"{where}: expected a mapping with {', '.join(WAIVER_KEYS)}, got {_kind(waiver)}"
        )
    control = waiver.get("control")
    if isinstance(control, str):
        where = f"{where} ({control})"
    missing_keys = [key for key in WAIVER_KEYS if key not in waiver]
    if missing_keys:
        raise AnsibleFilterError(f"{where}: missing {', '.join(missing_keys)}")
    unknown_keys = sorted(str(key) for key in waiver if key not in WAIVER_KEYS)
    if unknown_keys:
        raise AnsibleFilterError(
            f"{where}: unknown key(s) {', '.join(unknown_keys)}; a waiver has exactly"
            f" {', '.join(WAIVER_KEYS)}"
        )
    if not isinstance(control, str):
        raise AnsibleFilterError(f"{where}: control must be a control ID, got {_kind(control)}")
    if control not in known_ids:
        raise AnsibleFilterError(
            f"{where}: unknown control {control}; known: {', '.join(sorted(known_ids))}"
        )
    if control not in selected_ids:
        raise AnsibleFilterError(
            f"{where}: waives {control}, which this run does not judge (audit_controls,"
            " audit_tiers): judge it too, or give this run a waiver file without it"
        )
    hosts = waiver["hosts"]
    if isinstance(hosts, str):
        raise AnsibleFilterError(
            f"{where}: hosts must be a list of host patterns, not a string: write hosts: [{hosts}]"
        )
    if not isinstance(hosts, list) or not hosts:
        raise AnsibleFilterError(
            f"{where}: hosts must be a non-empty list of host patterns, got {_kind(hosts)}"
        )
    for pattern in hosts:
        if not isinstance(pattern, str) or not pattern.strip():
            raise AnsibleFilterError(
                f"{where}: every host pattern must be a non-empty string, got {pattern!r}"
            )
    return {
        "control": control,
        "hosts": [pattern.strip() for pattern in hosts],
        "reason": _text(where, "reason", waiver["reason"]),
        "approver": _text(where, "approver", waiver["approver"]),
        "expires": _expiry(where, waiver["expires"]),
    }


def load_waivers(
    document: Any, file: str | None, known_ids: set[str], selected_ids: set[str]
) -> list[dict]:
    """The waivers of the waiver file, checked strictly; [] when no file is given (None).

    ``document`` is the file's text (or its parsed content): a mapping whose only key is
    ``waivers``, a list of entries each with exactly ``control`` (a control of the
    catalogue that this run judges), ``hosts`` (a non-empty list of host patterns),
    ``reason`` and ``approver`` (non-empty strings) and ``expires`` (a date). Anything else
    raises AnsibleFilterError naming ``audit_waivers_file``, the file and the entry.
    """
    where = f"audit_waivers_file {file}" if file else "audit_waivers_file"
    if document is None:
        return []
    if isinstance(document, str):
        if not document.strip():
            raise AnsibleFilterError(f"{where}: the file is empty; expected a 'waivers:' list")
        try:
            document = yaml.safe_load(document)
        except yaml.YAMLError as exc:
            raise AnsibleFilterError(f"{where}: not valid YAML: {exc}") from exc
    if not isinstance(document, Mapping):
        raise AnsibleFilterError(
            f"{where}: expected a mapping with a 'waivers' list, got {_kind(document)}"
        )
    unknown_keys = sorted(str(key) for key in document if key != "waivers")
    if unknown_keys:
        raise AnsibleFilterError(
            f"{where}: unknown key(s) {', '.join(unknown_keys)}; the file holds only 'waivers'"
        )
    waivers = document.get("waivers")
    if not isinstance(waivers, list):
        raise AnsibleFilterError(f"{where}: 'waivers' must be a list, got {_kind(waivers)}")
    return [
        check_waiver(f"{where}: entry {index}", waiver, known_ids, selected_ids)
        for index, waiver in enumerate(waivers, 1)
    ]


def select_controls(controls: list[dict], tiers: Any, patterns: Any) -> list[dict]:
    """The catalogue controls of ``tiers`` whose IDs match one of ``patterns``.

    A pattern that matches no control of those tiers is refused, with the valid IDs: a
    typo must not turn into an audit that judges nothing and passes.
    """
    tiers = list(catalogue.TIERS) if tiers is None or tiers == [] else tiers
    if not isinstance(tiers, list) or any(t not in catalogue.TIERS for t in tiers):
        raise AnsibleFilterError(
            f"audit_tiers: expected a list of {', '.join(catalogue.TIERS)}, got {tiers!r}"
        )
    patterns = ["*"] if patterns is None or patterns == [] else patterns
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise AnsibleFilterError(
            f"audit_controls: expected a list of control IDs or patterns, got {patterns!r}"
        )
    in_tiers = [c for c in controls if c["tier"] in tiers]
    unmatched = [p for p in patterns if not any(fnmatch.fnmatchcase(c["id"], p) for c in in_tiers)]
    if unmatched:
        raise AnsibleFilterError(
            f"audit_controls: {', '.join(unmatched)} match(es) no control of the catalogue"
            f" in tier(s) {', '.join(tiers)}; valid IDs: {', '.join(c['id'] for c in in_tiers)}"
        )
    return [c for c in in_tiers if any(fnmatch.fnmatchcase(c["id"], p) for p in patterns)]


def collection_failure(result: Any) -> str | None:
    """Why a host's evidence result holds no evidence to judge (None when it does).

    The audit role keeps an unreachable host, or one whose evidence module failed, in the
    play so that the report still runs and names it; its registered result says why.
    """
    if not isinstance(result, Mapping):
        return f"no evidence result ({_kind(result)})"
    message = str(result.get("msg") or "no reason given").strip()
    if result.get("unreachable"):
        return f"unreachable: {message}"
    if result.get("failed"):
        return f"the evidence could not be collected: {message}"
    if result.get("skipped"):
        return "the evidence was not collected (the task was skipped)"
    if not isinstance(result.get("evidence"), Mapping):
        return "the evidence module returned no evidence"
    return None


def audit_evaluate(
    result: dict,
    declarations: Any,
    waivers: list | None = None,
    tiers: list | None = None,
    today: str | None = None,
    controls: list | None = None,
    waivers_file: str | None = None,
    scan: Any = None,
) -> dict:
    """Judge one host's evidence (documented in audit_evaluate.yml)."""
    every = catalogue.load()
    selected = select_controls(every, tiers, controls)
    checked = load_waivers(
        waivers, waivers_file, {c["id"] for c in every}, {c["id"] for c in selected}
    )
    day = datetime.date.fromisoformat(today) if today else datetime.date.today()
    fallback = result.get("hostname", "?") if isinstance(result, Mapping) else "?"
    host = fallback
    if isinstance(declarations, Mapping):
        host = str(declarations.get("inventory_hostname", fallback))
    failure = collection_failure(result)
    if failure is not None:
        return _unreachable(host, failure)
    declared = site_inputs(every, declarations)
    declared[VULNERABILITY_SCAN] = scan
    verdicts = evaluate.evaluate_host(
        host,
        result["evidence"],
        selected,
        declared,
        checked,
        day,
        _available_roles(),
    )
    verdicts["collected_at"] = result.get("collected_at")
    verdicts["access_list"] = access.access_list(result["evidence"], declared)
    return verdicts


def account_report(accounts: Any, owners: Any = None, excluded: Any = None) -> dict:
    """The account findings of the accounts evidence (documented in account_report.yml)."""
    if not isinstance(accounts, dict) or "accounts" not in accounts:
        error = accounts.get("error") if isinstance(accounts, dict) else None
        raise AnsibleFilterError(
            "account_report: expected the accounts evidence area"
            " (evidence_result.evidence.accounts)"
            + (f"; its collector failed: {error}" if error else "")
        )
    if not isinstance(owners or {}, dict):
        raise AnsibleFilterError("account_report: owners must map account names to owners")
    if not isinstance(excluded or [], list):
        raise AnsibleFilterError("account_report: excluded must be a list of account names")
    return password_rules.account_report(accounts, dict(owners or {}), list(excluded or []))


def password_policy_faults(
    pam: Any, min_length: int, remember: int, site_words: list | None = None
) -> list[str]:
    """What keeps the PAM stack from enforcing a password policy (documented in
    password_policy_faults.yml); the audit's rules use the same checks against the floors."""
    if not isinstance(pam, dict) or "pwquality" not in pam:
        raise AnsibleFilterError(
            "password_policy_faults: expected the pam evidence area (evidence_result.evidence.pam)"
        )
    pwq = pam["pwquality"]
    faults = password_rules.pwquality_length_faults(pwq, int(min_length))
    if pwq["present"]:
        faults += password_rules.pwquality_guessing_faults(pwq, list(site_words or []))
        if not pwq["enforce_for_root"]:
            faults.append("pwquality does not enforce the policy for root")
    return faults + password_rules.pwhistory_faults(pam["pwhistory"], int(remember))


def password_policy_overrides(
    pam: Any,
    min_length: int,
    site_words: list | None = None,
    drop_in: str = "/etc/security/pwquality.conf.d/90-edu_tw_hardening.conf",
    profile: str = "edu_tw_hardening_pwhistory",
) -> list[str]:
    """What in the host's own files overrides the password policy that the password_policy
    role writes (documented in password_policy_overrides.yml)."""
    if not isinstance(pam, dict) or "pwquality" not in pam:
        raise AnsibleFilterError(
            "password_policy_overrides: expected the pam evidence area"
            " (evidence_result.evidence.pam)"
        )
    return password_rules.password_policy_overrides(
        pam, int(min_length), list(site_words or []), str(drop_in), str(profile)
    )


NOT_JUDGED = "not judged: the host became unreachable or failed before its evidence was judged"


def _unreachable(host: str, error: str = NOT_JUDGED) -> dict:
    """The entry of a host that could not be audited: a failure, never a silent gap."""
    return {
        "host": host,
        "status": "fail",
        "unreachable": True,
        "error": error,
        "collected_at": None,
        "counts": dict.fromkeys(evaluate.STATUSES, 0),
        "controls": [],
        "remediation": {"roles": [], "unavailable": []},
    }


def audit_report(
    host_results: list[dict],
    generated_at: str,
    phase: str = "audit",
    expected_hosts: list | None = None,
) -> dict:
    """The report of a run: catalogue context per control, per-host verdicts, totals.

    A host of ``expected_hosts`` without a result (unreachable, or failed before it was
    judged) is reported as failing and unreachable, like a host whose result says it could
    not be audited.
    """
    controls = catalogue.by_id(catalogue.load())
    judged = {h["host"] for h in host_results}
    missing = [_unreachable(h) for h in expected_hosts or [] if h not in judged]
    hosts = sorted(list(host_results) + missing, key=lambda h: h["host"])
    totals = {s: sum(h["counts"][s] for h in hosts) for s in evaluate.STATUSES}
    judged_ids = {r["id"] for h in hosts for r in h["controls"]}
    return {
        "schema": "edu_tw.hardening/audit-report/1",
        "phase": phase,
        "generated_at": generated_at,
        "summary": {
            "hosts": len(hosts),
            "hosts_failing": sum(h["status"] == "fail" for h in hosts),
            "hosts_unreachable": sum(1 for h in hosts if h.get("unreachable")),
            **totals,
        },
        "controls": [
            {k: controls[cid][k] for k in ("id", "tier", "title", "clause", "requirement", "role")}
            for cid in controls
            if cid in judged_ids
        ],
        "hosts": hosts,
    }


class FilterModule:
    """edu_tw.hardening audit filters."""

    def filters(self) -> dict:
        return {
            "audit_evaluate": audit_evaluate,
            "audit_report": audit_report,
            "account_report": account_report,
            "password_policy_faults": password_policy_faults,
            "password_policy_overrides": password_policy_overrides,
        }
