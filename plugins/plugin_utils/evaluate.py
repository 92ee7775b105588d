# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Judge a host's evidence against the control catalogue (controller side, pure functions).

One rule per control: it reads only the evidence areas that the catalogue names for the
control, the control's thresholds (the rule's floors) and the site's declarations
(inventory variables such as ``firewall_services``), and returns a verdict with the
reasons and the evidence that decided it. Evidence that could not be read (an area whose
collector failed, a part reported in ``<part>_error``) fails the control with a reason
that starts with "evidence missing"; a rule that raises fails its own control only.
Waivers turn a failure into ``waived`` until they expire; an expired waiver is a failure
that says so.

The rules themselves live by area in ``plugin_utils/rules/`` (one module per area, each
with its ``RULES``); this module assembles them and judges.
"""

from __future__ import annotations

import fnmatch
from datetime import date
from typing import Any

from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import (
    antivirus,
    databases,
    firewall,
    password,
    remote_access,
    system,
    updates,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    Rule,
    Verdict,
)

STATUSES = ("pass", "fail", "waived", "not_applicable")

AREAS = (password, firewall, antivirus, updates, remote_access, databases, system)
"""The rule modules, one per area (``plugin_utils/rules/<area>.py``); a new area joins here."""

RULES: dict[str, Rule] = {
    control_id: rule for area in AREAS for control_id, rule in area.RULES.items()
}
"""The rule of each control, by control ID, from every area's ``RULES``."""


# ---------------------------------------------------------------- waivers and hosts


def find_waiver(waivers: list[dict], control_id: str, host: str) -> dict | None:
    """The first waiver for ``control_id`` whose host patterns match ``host``."""
    for waiver in waivers:
        if waiver["control"] == control_id and any(
            fnmatch.fnmatch(host, p) for p in waiver["hosts"]
        ):
            return waiver
    return None


def broken_areas(areas: list[str], evidence: Any) -> dict[str, str]:
    """Why each of ``areas`` cannot be judged at all: not collected, not a mapping, or its
    collector failed (the area holds only ``error``)."""
    broken: dict[str, str] = {}
    for area in areas:
        area_evidence = evidence.get(area) if isinstance(evidence, dict) else None
        if area_evidence is None:
            broken[area] = "not collected"
        elif not isinstance(area_evidence, dict):
            broken[area] = f"malformed ({type(area_evidence).__name__}, not a mapping)"
        elif set(area_evidence) == {"error"}:
            broken[area] = str(area_evidence["error"])
    return broken


def _judge(control: dict, evidence: Any, inputs: dict) -> Verdict:
    """The rule's verdict, or a failure when the evidence is missing or the rule cannot read it.

    A rule that raises (evidence of an unexpected shape, a part the collector did not
    report) fails its own control and no other: one bad area never costs the host its
    other verdicts.
    """
    broken = broken_areas(control["evidence"], evidence)
    if broken:
        return Verdict("fail", [f"{MISSING}: {area}: {why}" for area, why in broken.items()], {})
    try:
        return RULES[control["id"]](evidence, control.get("thresholds", {}), inputs)
    except Exception as exc:  # any rule failure is this control's failure, and only its
        return Verdict("fail", [f"{MISSING} or malformed: {type(exc).__name__}: {exc}"], {})


INVALID_INPUTS = "__invalid__"
"""The key of the site inputs under which the input layer's refusals are kept, by role."""

INPUT_ROLES: dict[str, tuple[str, ...]] = {"MOE-22": ("password_policy",)}
"""Controls whose rule also reads the declarations of a role other than its own."""


def invalid_declarations(control: dict, inputs: dict) -> list[str]:
    """Why the site's declarations that a control's rule reads cannot be trusted."""
    invalid = inputs.get(INVALID_INPUTS) or {}
    roles = (control["role"], *INPUT_ROLES.get(control["id"], ()))
    return [
        f"site declarations invalid: {error}" for role in roles for error in invalid.get(role, [])
    ]


def judge_control(
    control: dict, evidence: dict, inputs: dict, waivers: list[dict], host: str, today: date
) -> dict:
    """The verdict on one control for one host, with its evidence, reasons and waiver.

    A control whose evidence could not be read, or whose rule reads declarations the input
    layer refuses, fails and cannot be waived: nobody knows what was waived.
    """
    verdict = _judge(control, evidence, inputs)
    status, reasons = verdict.status, list(verdict.reasons)
    refused = invalid_declarations(control, inputs)
    if refused:
        status, reasons = "fail", refused + reasons
    unknown = refused or any(r.startswith("evidence missing") for r in reasons)
    waiver = find_waiver(waivers, control["id"], host) if status == "fail" else None
    if waiver is not None and unknown:
        reasons.append(
            f"waiver by {waiver['approver']} not applied: what the control judges is unknown"
        )
        waiver = None
    if waiver is not None:
        expires = date.fromisoformat(str(waiver["expires"]))
        if expires < today:
            reasons.append(f"waiver by {waiver['approver']} expired on {expires.isoformat()}")
        else:
            status = "waived"
    return {
        "id": control["id"],
        "status": status,
        "reasons": reasons,
        "evidence": verdict.evidence,
        "waiver": waiver,
    }


def evaluate_host(
    host: str,
    evidence: dict,
    controls: list[dict],
    inputs: dict,
    waivers: list[dict],
    today: date,
    available_roles: set[str],
) -> dict:
    """Every control's verdict for one host, and which roles would remediate its failures."""
    results = [judge_control(c, evidence, inputs, waivers, host, today) for c in controls]
    failing = [c for c, r in zip(controls, results) if r["status"] == "fail"]
    # In the catalogue's order, which is the order roles must run in (the firewall, whose
    # sets remote_access fills, before remote_access).
    roles = list(dict.fromkeys(c["role"] for c in failing if c["role"] in available_roles))
    counts = {status: sum(r["status"] == status for r in results) for status in STATUSES}
    return {
        "host": host,
        "status": "fail" if failing else "pass",
        "counts": counts,
        "controls": results,
        "remediation": {
            "roles": roles,
            "unavailable": [
                {"control": c["id"], "role": c["role"]}
                for c in failing
                if c["role"] not in available_roles
            ],
        },
    }
