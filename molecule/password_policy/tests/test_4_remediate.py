# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""remediate.yml on planted drift: the audit fails each password control the role enforces,
remediate applies the role, and the audit after it passes them.

MOE-12.9.4 (shared accounts) is a finding for a person: no role deletes an account, so the
planted accounts of the report test are removed here by hand, as the administrator would,
and the audit passes 12.9.4 before and after.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_playbook

REPORTS = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "reports" / "remediate"
PASSWORD_CONTROLS = ["MOE-12.9.1", "MOE-12.9.2", "MOE-12.9.3", "MOE-12.9.4", "MOE-12.9.5"]
PAM_AUTH_UPDATE = "DEBIAN_FRONTEND=noninteractive pam-auth-update --package"
DROP_IN = "/etc/security/pwquality.conf.d/90-edu_tw_hardening.conf"


def statuses(name: str) -> dict[str, str]:
    (host,) = json.loads((REPORTS / f"{name}.json").read_text())["hosts"]
    return {control["id"]: control["status"] for control in host["controls"]}


@pytest.fixture(scope="module")
def remediation(host) -> dict:
    host.check_output("userdel -r shared && userdel -r a123456789")
    host.check_output(
        f"sed -i 's/^minlen = .*/minlen = 6/; s/^dictcheck = 1/dictcheck = 0/' {DROP_IN}"
    )
    host.check_output("sed -i 's/^PASS_MAX_DAYS.*/PASS_MAX_DAYS\\t365/' /etc/login.defs")
    host.check_output("chage -M 99999 bob")
    host.check_output(f"{PAM_AUTH_UPDATE} --remove edu_tw_hardening_pwhistory")
    run = run_playbook(
        "edu_tw.hardening.remediate",
        {
            "audit_controls": PASSWORD_CONTROLS,
            "audit_report_dir": str(REPORTS),
            "audit_fail_on_findings": False,
        },
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return {"before": statuses("before"), "after": statuses("after"), "output": run.stdout}


def test_the_audit_before_fails_each_planted_violation(remediation):
    assert remediation["before"] == {
        "MOE-12.9.1": "fail",
        "MOE-12.9.2": "fail",
        "MOE-12.9.3": "fail",
        "MOE-12.9.4": "pass",
        "MOE-12.9.5": "fail",
    }


def test_remediate_applies_the_password_policy_role(remediation):
    assert "edu_tw.hardening.password_policy : pam | Enable pwquality" in remediation["output"]


def test_the_audit_after_passes_every_password_control(remediation):
    assert remediation["after"] == dict.fromkeys(PASSWORD_CONTROLS, "pass")


def test_pam_refuses_a_short_password_again(host, remediation):
    typed = "printf '%s\\n%s\\n' 'Ab3#xy' 'Ab3#xy'"
    assert host.run(f"{typed} | pamtester passwd alice chauthtok").rc == 1
