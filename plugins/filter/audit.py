# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the audit: judge a host's evidence, report its accounts, assemble a run's report."""

from __future__ import annotations

import datetime
import fnmatch
from pathlib import Path
from typing import Any

import yaml
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue, evaluate

COLLECTION_ROOT = Path(__file__).resolve().parents[2]


def _available_roles() -> set[str]:
    """The roles this collection ships (a control's role may not exist yet)."""
    return {p.parent.parent.name for p in (COLLECTION_ROOT / "roles").glob("*/tasks/main.yml")}


def _role_defaults(role: str) -> dict[str, Any]:
    path = COLLECTION_ROOT / "roles" / role / "defaults" / "main.yml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def site_inputs(controls: list[dict], host_vars: Any) -> dict[str, Any]:
    """The site's declarations for the controls' roles: role defaults, then host variables."""
    inputs: dict[str, Any] = {}
    for role in sorted({c["role"] for c in controls}):
        inputs.update(_role_defaults(role))
        prefix = f"{role}_"
        inputs.update({k: host_vars[k] for k in host_vars if str(k).startswith(prefix)})
    return inputs


def validate_waivers(waivers: Any, known_ids: set[str]) -> list[dict]:
    """Check the waiver file's entries; raise AnsibleFilterError naming the bad one."""
    if not isinstance(waivers, list):
        raise AnsibleFilterError("audit_waivers: expected a list of waivers")
    for index, waiver in enumerate(waivers, 1):
        missing = {"control", "hosts", "reason", "approver", "expires"} - set(waiver or {})
        if missing:
            raise AnsibleFilterError(
                f"audit_waivers entry {index}: missing {', '.join(sorted(missing))}"
            )
        if waiver["control"] not in known_ids:
            raise AnsibleFilterError(
                f"audit_waivers entry {index}: unknown control {waiver['control']}"
            )
        try:
            datetime.date.fromisoformat(str(waiver["expires"]))
        except ValueError as exc:
            raise AnsibleFilterError(
                f"audit_waivers entry {index}: expires is not a date: {exc}"
            ) from exc
    return [dict(w, expires=str(w["expires"])) for w in waivers]


def audit_evaluate(
    result: dict,
    host_vars: Any,
    waivers: list | None = None,
    tiers: list | None = None,
    today: str | None = None,
    controls: list | None = None,
) -> dict:
    """Judge one host's evidence (documented in audit_evaluate.yml)."""
    patterns = controls or ["*"]
    controls = [
        c
        for c in catalogue.load()
        if c["tier"] in (tiers or list(catalogue.TIERS))
        and any(fnmatch.fnmatchcase(c["id"], pattern) for pattern in patterns)
    ]
    checked = validate_waivers(waivers or [], {c["id"] for c in controls})
    day = datetime.date.fromisoformat(today) if today else datetime.date.today()
    host = str(host_vars.get("inventory_hostname", result.get("hostname", "?")))
    verdicts = evaluate.evaluate_host(
        host,
        result.get("evidence", {}),
        controls,
        site_inputs(controls, host_vars),
        checked,
        day,
        _available_roles(),
    )
    verdicts["collected_at"] = result.get("collected_at")
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
    return evaluate.account_report(accounts, dict(owners or {}), list(excluded or []))


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
    faults = evaluate.pwquality_length_faults(pwq, int(min_length))
    if pwq["present"]:
        faults += evaluate.pwquality_guessing_faults(pwq, list(site_words or []))
        if not pwq["enforce_for_root"]:
            faults.append("pwquality does not enforce the policy for root")
    return faults + evaluate.pwhistory_faults(pam["pwhistory"], int(remember))


def _unreachable(host: str) -> dict:
    """The entry of a host that could not be audited: a failure, never a silent gap."""
    return {
        "host": host,
        "status": "fail",
        "unreachable": True,
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
    judged) is reported as failing.
    """
    controls = catalogue.by_id(catalogue.load())
    judged = {h["host"] for h in host_results}
    missing = [_unreachable(h) for h in expected_hosts or [] if h not in judged]
    hosts = sorted(host_results + missing, key=lambda h: h["host"])
    totals = {s: sum(h["counts"][s] for h in hosts) for s in evaluate.STATUSES}
    judged_ids = {r["id"] for h in hosts for r in h["controls"]}
    return {
        "schema": "edu_tw.hardening/audit-report/1",
        "phase": phase,
        "generated_at": generated_at,
        "summary": {
            "hosts": len(hosts),
            "hosts_failing": sum(h["status"] == "fail" for h in hosts),
            "hosts_unreachable": len(missing),
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
        }
