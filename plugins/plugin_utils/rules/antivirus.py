# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The antivirus rule (MOE-16)."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    Rule,
    Verdict,
    missing,
    verdict,
)


def antivirus(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-16: scanner, daemon and updater running, fresh signatures, a passing self-test."""
    av = ev["antivirus"]
    reasons = missing(ev, "antivirus", "packages") or [
        f"package {name} is not installed"
        for name, version in av["packages"].items()
        if not version
    ]
    if not av["daemon_active"]:
        reasons.append("the scanner daemon (clamav-daemon) is not running")
    if not av["updater_active"]:
        reasons.append("the signature updater (clamav-freshclam) is not running")
    age = av["newest_signature_age_hours"]
    if age is None:
        reasons.append("no signature database")
    elif age > th["signature_max_age_hours"]:
        reasons.append(
            f"newest signatures are {age:.0f} h old (limit {th['signature_max_age_hours']} h)"
        )
    test = av["selftest"]
    if not test["present"]:
        reasons.append("no detection self-test record")
    elif not test["passed"]:
        reasons.append(f"the last detection self-test failed: {test['detail']}")
    elif (test["age_hours"] or 0) > th["selftest_max_age_hours"]:
        reasons.append(f"the last detection self-test is {test['age_hours']:.0f} h old")
    shown = {
        key: av[key]
        for key in (
            "packages",
            "daemon_active",
            "updater_active",
            "newest_signature_age_hours",
            "selftest",
        )
    }
    return verdict(reasons, shown)


RULES: dict[str, Rule] = {"MOE-16": antivirus}
