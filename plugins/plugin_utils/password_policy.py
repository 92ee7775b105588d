# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the password_policy role decides from the evidence, as pure functions.

The audit's rule for MOE-12.9.2 (``rules/password.py``) judges aging with
:func:`aging_faults`; the role asks the same function which accounts to change
(:func:`aging_changes`) and whether pam-auth-update is due (:func:`stack_gaps`), through
the filters of ``plugins/filter/password_policy.py``.
"""

from __future__ import annotations

from typing import Any

# What ``chage`` shows for an unset maximum age: no expiry.
NO_MAX_DAYS = 99999


def aging_faults(
    max_days: Any,
    min_days: Any,
    max_limit: int,
    min_limit: int,
    warn_days: Any = None,
    warn_limit: int | None = None,
) -> list[str]:
    """Why an aging (shadow or login.defs values, None when unset) is outside the limits:
    a maximum age unset or above ``max_limit``, a minimum age unset or below ``min_limit``,
    and, when ``warn_limit`` is given, a warning period unset or below it."""
    faults = []
    if max_days is None or max_days > max_limit:
        shown = max_days if max_days is not None else "unset"
        faults.append(f"maximum age {shown} > {max_limit}")
    if min_days is None or min_days < min_limit:
        shown = min_days if min_days is not None else "unset"
        faults.append(f"minimum age {shown} < {min_limit}")
    if warn_limit is not None and (warn_days is None or warn_days < warn_limit):
        shown = warn_days if warn_days is not None else "unset"
        faults.append(f"warning period {shown} < {warn_limit}")
    return faults


def aging_changes(
    accounts: list[dict], max_days: int, min_days: int, warn_age: int, excluded: list
) -> list[dict]:
    """The human accounts (of the ``accounts`` evidence's ``accounts``) not in ``excluded``
    whose aging is outside the policy, each with the aging to give it.

    Each: ``name``, ``max_days``, ``min_days``, ``warn_days`` (the stricter of the account's
    value and the policy's: a stricter value the account already has is kept) and
    ``faults`` (:func:`aging_faults`). An account within the policy is not listed.
    """
    changes = []
    for account in accounts:
        if not account["human"] or account["name"] in excluded:
            continue
        faults = aging_faults(
            account["max_days"],
            account["min_days"],
            max_days,
            min_days,
            account["warn_days"],
            warn_age,
        )
        if faults:
            changes.append(
                {
                    "name": account["name"],
                    "max_days": min(account["max_days"] or NO_MAX_DAYS, max_days),
                    "min_days": max(account["min_days"] or 0, min_days),
                    "warn_days": max(account["warn_days"] or 0, warn_age),
                    "faults": faults,
                }
            )
    return changes


def stack_gaps(password_stack: list[dict], remember: int) -> list[str]:
    """Why the password stack (the ``pam`` evidence's ``password_stack``) lacks what the
    role's pam-auth-update profiles put there: a pam_pwquality line, and a pam_pwhistory
    line with ``remember=<remember>`` and ``enforce_for_root``. Empty when both are there;
    otherwise pam-auth-update is due (a profile was disabled by hand, or never enabled)."""
    gaps = []
    if not any(rule["module"] == "pam_pwquality.so" for rule in password_stack):
        gaps.append("pam_pwquality is not on the password stack")
    wanted = {f"remember={remember}", "enforce_for_root"}
    if not any(
        rule["module"] == "pam_pwhistory.so" and wanted <= set(rule["args"])
        for rule in password_stack
    ):
        gaps.append(
            f"no pam_pwhistory line with remember={remember} and enforce_for_root on the"
            " password stack"
        )
    return gaps
