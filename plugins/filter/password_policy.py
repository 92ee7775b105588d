# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the password_policy role: what to change, decided from the evidence by the
functions the audit's rules use (plugin_utils/password_policy.py)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import password_policy


def password_policy_aging_changes(
    accounts: Any, max_days: int, min_days: int, warn_age: int, excluded: list | None = None
) -> list[dict]:
    """The human accounts whose aging the role must change (documented in
    password_policy_aging_changes.yml)."""
    if not isinstance(accounts, dict) or "accounts" not in accounts:
        raise AnsibleFilterError(
            "password_policy_aging_changes: expected the accounts evidence area"
            " (evidence_result.evidence.accounts)"
        )
    return password_policy.aging_changes(
        accounts["accounts"], int(max_days), int(min_days), int(warn_age), list(excluded or [])
    )


def password_policy_stack_gaps(pam: Any, remember: int) -> list[str]:
    """Why pam-auth-update is due (documented in password_policy_stack_gaps.yml)."""
    if not isinstance(pam, dict) or "password_stack" not in pam:
        raise AnsibleFilterError(
            "password_policy_stack_gaps: expected the pam evidence area"
            " (evidence_result.evidence.pam)"
        )
    return password_policy.stack_gaps(pam["password_stack"], int(remember))


class FilterModule:
    """edu_tw.hardening password_policy filters."""

    def filters(self) -> dict:
        return {
            "password_policy_aging_changes": password_policy_aging_changes,
            "password_policy_stack_gaps": password_policy_stack_gaps,
        }
