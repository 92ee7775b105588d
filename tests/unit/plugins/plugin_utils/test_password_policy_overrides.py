# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""rules.password.password_policy_overrides (and its filter) on pam evidence collected from files
recorded on Debian 11, 12 and 13 test hosts, with local overrides planted."""

from __future__ import annotations

import json

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.filter import audit
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import pam
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import password
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import (
    FIXTURES,
    recorded_pam_host,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import (
    PWQUALITY_DROP_IN as DROP_IN,
)

PROFILE = "edu_tw_hardening_pwhistory"
SITE_WORDS = ["ntnu", "moe0001"]
ROLE_DROP_IN = (
    "minlen = 8\ndcredit = 0\nucredit = 0\nlcredit = 0\nocredit = 0\n"
    "dictcheck = 1\nusercheck = 1\nenforce_for_root\nbadwords = ntnu moe0001\n"
)
PWQUALITY_LINE = "pam_pwquality.so retry=3"
UNIX_LINE = "password\t[success=1 default=ignore]\tpam_unix.so"


def evidence(release: int = 12, state: str = "role", extra: dict | None = None, edit=None) -> dict:
    """The pam evidence of a recorded test host, with ``extra`` files and one ``edit``
    (path, old, new) of a file."""
    host = recorded_pam_host(release, state, ROLE_DROP_IN, "1.5.2-6", extra)
    if edit:
        path, old, new = edit
        assert old in host.files[path]
        host.files[path] = host.files[path].replace(old, new)
    return pam.collect(host)


def overrides(ev: dict, min_length: int = 8, site_words: list | None = None) -> list[str]:
    words = SITE_WORDS if site_words is None else site_words
    return password.password_policy_overrides(ev, min_length, words, DROP_IN, PROFILE)


@pytest.mark.parametrize("release", [11, 12, 13])
@pytest.mark.parametrize("state", ["stock", "pwquality", "role"])
def test_nothing_overrides_the_policy_on_a_fresh_or_converged_host(release, state):
    assert overrides(evidence(release, state)) == []


def test_pwquality_conf_with_a_shorter_minlen_is_named_with_file_and_setting():
    conf = json.loads((FIXTURES / "pam-debian12.json").read_text())["pwquality.conf"]
    ev = evidence(extra={"/etc/security/pwquality.conf": conf + "minlen = 6\n"})

    assert overrides(ev) == [
        "/etc/security/pwquality.conf sets minlen 6, below the policy's 8;"
        f" it is read after {DROP_IN}"
    ]


def test_the_override_is_found_on_a_fresh_host_before_the_drop_in_exists():
    conf = json.loads((FIXTURES / "pam-debian12.json").read_text())["pwquality.conf"]
    ev = evidence(state="pwquality", extra={"/etc/security/pwquality.conf": conf + "minlen = 6\n"})

    assert overrides(ev)[0].startswith("/etc/security/pwquality.conf sets minlen 6")


def test_a_stricter_minlen_in_pwquality_conf_is_no_override():
    ev = evidence(extra={"/etc/security/pwquality.conf": "minlen = 12\n"})

    assert overrides(ev) == []


def test_a_drop_in_sorting_before_the_role_is_overridden_by_it():
    ev = evidence(
        state="pwquality", extra={"/etc/security/pwquality.conf.d/10-vendor.conf": "minlen = 6\n"}
    )

    assert overrides(ev) == []


def test_a_drop_in_sorting_after_the_role_overrides_it():
    ev = evidence(extra={"/etc/security/pwquality.conf.d/99-local.conf": "dictcheck = 0\n"})

    assert overrides(ev) == [
        "/etc/security/pwquality.conf.d/99-local.conf sets dictcheck 0, which turns the check"
        f" off; it is read after {DROP_IN}"
    ]


def test_an_option_on_the_pam_pwquality_line_names_the_line():
    ev = evidence(edit=("/etc/pam.d/common-password", PWQUALITY_LINE, PWQUALITY_LINE + " minlen=6"))

    assert overrides(ev) == [
        "/etc/pam.d/common-password line 25 (pam_pwquality.so) sets minlen 6, below the"
        f" policy's 8; it is read after {DROP_IN}"
    ]


def test_a_positive_credit_and_lost_site_words_are_overrides():
    ev = evidence(
        extra={"/etc/security/pwquality.conf": "dcredit = 1\nbadwords = school\n"},
    )

    assert overrides(ev) == [
        "/etc/security/pwquality.conf sets badwords without the site words moe0001, ntnu;"
        f" it is read after {DROP_IN}",
        "/etc/security/pwquality.conf sets dcredit 1, so passwords shorter than minlen pass"
        f" (the policy sets 0); it is read after {DROP_IN}",
    ]


def test_badwords_elsewhere_without_site_words_in_the_policy_is_no_override():
    ev = evidence(extra={"/etc/security/pwquality.conf": "badwords = school\n"})

    assert overrides(ev, site_words=[]) == []


def test_a_hand_added_line_in_the_managed_block_stops_pam_auth_update():
    ev = evidence(
        edit=(
            "/etc/pam.d/common-password",
            UNIX_LINE,
            "password\trequisite\tpam_pwhistory.so remember=1\n" + UNIX_LINE,
        )
    )

    (fault,) = overrides(ev)

    assert fault.startswith(
        "pam-auth-update will not rewrite /etc/pam.d/common-*: /etc/pam.d/common-password"
        " line 27 (password\trequisite\tpam_pwhistory.so remember=1)"
    )


def test_a_pwhistory_line_outside_the_managed_block_is_an_override():
    marker = '# here are the per-package modules (the "Primary" block)'
    ev = evidence(
        edit=(
            "/etc/pam.d/common-password",
            marker,
            "password\trequisite\tpam_pwhistory.so remember=1\n" + marker,
        )
    )

    assert overrides(ev) == [
        "/etc/pam.d/common-password line 24: a pam_pwhistory.so line that the"
        f" {PROFILE} profile did not write (remember=1); it keeps its own password history count"
    ]


def test_a_hand_edit_of_the_role_pwhistory_line_is_an_override():
    ev = evidence(
        edit=(
            "/etc/pam.d/common-password",
            "pam_pwhistory.so remember=3",
            "pam_pwhistory.so remember=2",
        )
    )

    assert overrides(ev) == [
        f"/etc/pam.d/common-password line 26: the {PROFILE} line was edited by hand"
        " (added remember=2, removed remember=3); pam-auth-update keeps such edits"
    ]


def test_the_role_own_drop_in_is_never_an_override_when_the_policy_is_raised():
    assert overrides(evidence(), min_length=10) == []


def test_the_filter_passes_the_role_defaults():
    conf = json.loads((FIXTURES / "pam-debian12.json").read_text())["pwquality.conf"]
    ev = evidence(extra={"/etc/security/pwquality.conf": conf + "minlen = 6\n"})

    assert audit.password_policy_overrides(ev, 8, SITE_WORDS) == overrides(ev)


def test_the_filter_refuses_another_evidence_area():
    with pytest.raises(AnsibleFilterError, match="expected the pam evidence area"):
        audit.password_policy_overrides({"error": "boom"}, 8)


def test_the_audit_shows_where_minlen_and_remember_come_from():
    ev = evidence()
    hardened = {"pam": ev, "accounts": {"login_defs": {}}}

    shown = password.password_length(hardened, {"min_length": 8}, {}).evidence
    history = password.password_history(hardened, {"remember": 3}, {}).evidence

    assert shown["minlen_source"] == DROP_IN
    assert history["remember_source"] == "/etc/pam.d/common-password"
