# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the password_policy role changes, decided by the functions the audit judges with."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter import password_policy as filters
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import password_policy
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import password as rules

WITHIN = {"name": "alice", "human": True, "max_days": 90, "min_days": 2, "warn_days": 14}


def _accounts(*accounts: dict) -> dict:
    return {"accounts": list(accounts)}


def _changes(*accounts: dict, excluded: list | None = None) -> list[dict]:
    return filters.password_policy_aging_changes(_accounts(*accounts), 180, 1, 7, excluded)


def test_an_account_within_the_policy_is_not_changed():
    assert _changes(WITHIN) == []


def test_an_account_without_aging_gets_the_policy():
    unset = dict(WITHIN, max_days=None, min_days=None, warn_days=None)
    [change] = _changes(unset)
    assert (change["max_days"], change["min_days"], change["warn_days"]) == (180, 1, 7)


def test_a_stricter_value_the_account_has_is_kept():
    [change] = _changes(dict(WITHIN, max_days=400))
    assert (change["max_days"], change["min_days"], change["warn_days"]) == (180, 2, 14)


def test_a_maximum_age_of_zero_is_read_as_no_expiry():
    # chage shows 99999 for "never"; the role has always treated 0 the same way.
    [change] = _changes(dict(WITHIN, max_days=0, min_days=0))
    assert (change["max_days"], change["min_days"]) == (180, 1)


def test_a_short_warning_period_alone_is_a_change():
    [change] = _changes(dict(WITHIN, warn_days=3))
    assert change["faults"] == ["warning period 3 < 7"]


def test_excluded_and_system_accounts_are_left_alone():
    system = dict(WITHIN, name="daemon", human=False, max_days=None)
    bob = dict(WITHIN, name="bob", max_days=None)
    assert _changes(system, bob, excluded=["bob"]) == []


def test_aging_changes_refuses_what_is_not_the_accounts_evidence():
    with pytest.raises(AnsibleFilterError, match="accounts evidence area"):
        filters.password_policy_aging_changes({"error": "no"}, 180, 1, 7)


def test_the_audit_and_the_role_judge_aging_alike():
    th = {"max_days": 180, "min_days": 1}
    assert rules._aging_fault(400, None, th) == ["maximum age 400 > 180", "minimum age unset < 1"]
    assert password_policy.aging_faults(400, None, 180, 1) == rules._aging_fault(400, None, th)


PWQUALITY = {"module": "pam_pwquality.so", "args": ["retry=3"], "type": "password"}
PWHISTORY = {
    "module": "pam_pwhistory.so",
    "args": ["remember=5", "enforce_for_root", "use_authtok"],
    "type": "password",
}


def _gaps(*rules_: dict, remember: int = 5) -> list[str]:
    return filters.password_policy_stack_gaps({"password_stack": list(rules_)}, remember)


def test_a_stack_with_both_profiles_needs_no_pam_auth_update():
    assert _gaps(PWQUALITY, PWHISTORY) == []


def test_a_stack_without_pwquality_needs_pam_auth_update():
    assert _gaps(PWHISTORY) == ["pam_pwquality is not on the password stack"]


@pytest.mark.parametrize(
    "args",
    [["remember=3", "enforce_for_root"], ["remember=5"], ["remember=50", "enforce_for_root"]],
)
def test_a_pwhistory_line_other_than_ours_needs_pam_auth_update(args):
    assert len(_gaps(PWQUALITY, dict(PWHISTORY, args=args))) == 1


def test_remember_and_enforce_for_root_on_two_lines_are_not_our_line():
    split = [dict(PWHISTORY, args=["remember=5"]), dict(PWHISTORY, args=["enforce_for_root"])]
    assert len(_gaps(PWQUALITY, *split)) == 1


def test_stack_gaps_refuses_what_is_not_the_pam_evidence():
    with pytest.raises(AnsibleFilterError, match="pam evidence area"):
        filters.password_policy_stack_gaps({"accounts": []}, 5)
