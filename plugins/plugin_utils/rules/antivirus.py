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
    """MOE-16: scanner, daemon and updater running, the updater checking often enough, fresh
    signatures, and a recent health check that passed (daemon, signatures, detection).

    The health record is the antivirus role's (``antivirus_checks.py health``): a record that
    cannot be trusted fails as undecided, never as passed.
    """
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
    checks = av["updater_checks_per_day"]
    floor = th["update_checks_per_day"]
    if checks is None:
        reasons.append("freshclam has no configuration (/etc/clamav/freshclam.conf)")
    elif checks < floor:
        reasons.append(f"freshclam checks for signatures {checks} times a day (at least {floor})")
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
    elif test["passed"] is None:
        reasons.append(f"the self-test record cannot be trusted: {test['detail']}")
    elif not test["passed"]:
        failed = ", ".join(test.get("failed") or []) or "?"
        reasons.append(f"the last self-test failed ({failed}): {test['detail']}")
    elif (test["age_hours"] or 0) > th["selftest_max_age_hours"]:
        reasons.append(f"the last detection self-test is {test['age_hours']:.0f} h old")
    shown = {
        key: av.get(key)
        for key in (
            "packages",
            "daemon_active",
            "updater_active",
            "updater_checks_per_day",
            "freshclam",
            "official_databases",
            "newest_signature_age_hours",
            "selftest",
            "memory_total_mib",
            "clamd",
            "on_access_active",
            "scan_timer_enabled",
            "last_scan",
        )
    }
    return verdict(reasons, shown)


RULES: dict[str, Rule] = {"MOE-16": antivirus}
