# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""MOE-17 (patching) beyond the pending updates: kernels and services owed a restart, the
patch record, and the controller's vulnerability scan, judged through evaluate."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue, evaluate
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import updates
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    VULNERABILITY_SCAN,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "evidence-debian12-fresh.json"
TODAY = date(2026, 11, 21)
CONTROLS = catalogue.load()
SECURITY = "http://deb.debian.org/debian-security bookworm-security/main"
DAY = 86400
READ_AT = 1_800_000_000.0
RUNNING = "6.1.0-41-amd64"


@pytest.fixture
def patched() -> dict:
    """The fresh Debian 12 host's evidence with automatic security updates set up, nothing
    pending and needrestart readable."""
    ev = copy.deepcopy(json.loads(FIXTURE.read_text())["evidence"])
    ev["updates"].update(
        unattended_upgrades_installed=True,
        auto_upgrade_enabled=True,
        package_lists_update_enabled=True,
        sources=["http://deb.debian.org/debian bookworm/main", SECURITY],
        security_sources=[SECURITY],
        restart_error=None,
    )
    return ev


def judge(evidence: dict, scan: object = "absent") -> dict:
    inputs = {} if scan == "absent" else {VULNERABILITY_SCAN: scan}
    control = catalogue.by_id(CONTROLS)["MOE-17"]
    return evaluate.judge_control(control, evidence, inputs, [], "web1", TODAY)


def finding(cve="CVE-2024-1", package="openssl", urgency="high", **fields) -> dict:
    item = {
        "cve": cve,
        "package": package,
        "installed": "3.0.13-1~deb12u1",
        "fixed": "3.0.15-1~deb12u1",
        "urgency": urgency,
    }
    item.update(fields)
    return item


def scan(**fields) -> dict:
    """A clean scan of a tracker document read a day after it was written."""
    result = {
        "tracker": {
            "location": "https://mirror.example/tracker.json",
            "sha256": "0" * 64,
            "bytes": 10,
            "modified": READ_AT - DAY,
            "read_at": READ_AT,
            "seconds": 0.1,
        },
        "min_urgency": "medium",
        "release": "bookworm",
        "packages": 4,
        "fix_available": [],
        "no_fix": [],
        "no_dsa": [],
        "unreadable": [],
    }
    result.update(fields)
    return result


def aged(days: float, **fields) -> dict:
    found = scan(**fields)
    found["tracker"] = dict(found["tracker"], modified=READ_AT - days * DAY)
    return found


# ---------------------------------------------------------------- the baseline


def test_patched_host_without_a_scan_passes_and_says_the_scan_is_not_configured(patched):
    result = judge(patched)
    assert result["status"] == "pass", result["reasons"]
    assert result["evidence"]["vulnerability_scan"] == {
        "configured": False,
        "note": updates.SCAN_NOT_CONFIGURED,
    }


def test_a_scan_of_none_is_not_configured(patched):
    assert judge(patched, None)["evidence"]["vulnerability_scan"]["configured"] is False


def test_patched_host_with_a_clean_fresh_scan_passes(patched):
    result = judge(patched, scan())
    assert result["status"] == "pass", result["reasons"]
    shown = result["evidence"]["vulnerability_scan"]
    assert shown["configured"] is True
    assert shown["tracker"]["modified"] == READ_AT - DAY
    assert (shown["release"], shown["min_urgency"], shown["packages"]) == ("bookworm", "medium", 4)
    assert shown["fix_available_count"] == 0


# ---------------------------------------------------------------- kernels and restarts


def test_an_older_installed_kernel_owes_no_reboot(patched):
    patched["updates"]["kernels_other"] = ["6.1.0-40-amd64", "6.1.0-9-amd64"]
    assert judge(patched)["status"] == "pass"


def test_a_newer_installed_kernel_owes_a_reboot(patched):
    patched["updates"]["kernels_other"] = ["6.1.0-40-amd64", "6.1.0-42-amd64"]
    assert judge(patched)["reasons"] == [
        f"a reboot is owed: the running kernel {RUNNING} is older than the installed 6.1.0-42-amd64"
    ]


def test_kernels_are_ordered_as_debian_versions_not_as_text(patched):
    patched["updates"].update(kernel_running="6.1.0-9-amd64", kernels_other=["6.1.0-10-amd64"])
    assert judge(patched)["status"] == "fail"
    patched["updates"].update(kernel_running="6.1.0-10-amd64", kernels_other=["6.1.0-9-amd64"])
    assert judge(patched)["status"] == "pass"


def test_newer_kernels_lists_every_newer_one_and_an_unreadable_name():
    assert updates.newer_kernels(
        "6.1.0-9-amd64", ["6.1.0-8-amd64", "6.1.0-10-amd64", "6.12.0-1-amd64", "%bad"]
    ) == ["6.1.0-10-amd64", "6.12.0-1-amd64", "%bad"]


def test_an_unknown_running_kernel_judges_no_installed_one():
    assert updates.newer_kernels(None, ["6.1.0-42-amd64"]) == []


def test_needrestart_saying_the_kernel_is_outdated_owes_a_reboot(patched):
    patched["updates"]["kernel_outdated"] = "a newer kernel is installed"
    assert judge(patched)["reasons"] == [
        f"a reboot is owed: a newer kernel is installed (needrestart; running {RUNNING})"
    ]


def test_services_running_replaced_code_fail_and_are_named(patched):
    patched["updates"]["restart_services"] = ["cron.service", "ssh.service"]
    result = judge(patched)
    assert result["reasons"] == [
        "services still run the code that updates replaced (restart them): "
        "cron.service, ssh.service"
    ]
    assert result["evidence"]["restart_services"] == ["cron.service", "ssh.service"]


def test_unreadable_restart_evidence_fails(patched):
    patched["updates"]["restart_error"] = "needrestart is not installed (not found on the host)"
    assert judge(patched)["reasons"] == [
        "evidence missing: updates: needrestart is not installed (not found on the host)"
    ]


def test_the_fresh_fixture_fails_for_its_missing_needrestart(patched):
    patched["updates"]["restart_error"] = json.loads(FIXTURE.read_text())["evidence"]["updates"][
        "restart_error"
    ]
    assert judge(patched)["status"] == "fail"


def test_an_unreadable_patch_record_fails(patched):
    why = "/var/lib/edu_tw_hardening/patch-run.json: no finishing time"
    patched["updates"]["patch_run_error"] = why
    assert judge(patched)["reasons"] == [f"evidence missing: updates: {why}"]


def test_the_patch_record_and_last_unattended_run_are_shown(patched):
    record = {"finished": "2026-11-20T03:00:00Z", "installed": [], "rebooted": False}
    patched["updates"].update(last_patch_run=record, last_unattended_run=1_795_000_000.0)
    evidence = judge(patched)["evidence"]
    assert evidence["last_patch_run"] == record
    assert evidence["last_unattended_run"] == "2026-11-18T11:06:40Z"


# ---------------------------------------------------------------- the vulnerability scan


def test_a_scan_that_could_not_be_made_fails(patched):
    failed = {
        "tracker": {"location": "/srv/t.json"},
        "error": "the tracker index holds no release 'sid'",
    }
    result = judge(patched, failed)
    assert result["reasons"] == [
        "evidence missing: vulnerability scan: the tracker index holds no release 'sid'"
    ]
    assert result["evidence"]["vulnerability_scan"]["tracker"]["location"] == "/srv/t.json"


def test_a_tracker_document_at_the_age_limit_passes(patched):
    assert judge(patched, aged(7))["status"] == "pass"


def test_a_tracker_document_older_than_the_limit_fails(patched):
    assert judge(patched, aged(7.01))["reasons"] == [
        "the tracker document is 7 days old (at most 7): refresh the site's copy"
    ]
    assert judge(patched, aged(30))["reasons"] == [
        "the tracker document is 30 days old (at most 7): refresh the site's copy"
    ]


@pytest.mark.parametrize("missing", ["modified", "read_at"])
def test_a_tracker_document_of_unknown_age_fails(patched, missing):
    found = scan()
    found["tracker"][missing] = None
    (reason,) = judge(patched, found)["reasons"]
    assert reason.startswith("evidence missing: vulnerability scan: the tracker document's age")


def test_a_scan_without_tracker_details_fails_for_its_unknown_age(patched):
    found = scan()
    del found["tracker"]
    assert judge(patched, found)["status"] == "fail"


@pytest.mark.parametrize(
    ("urgency", "min_urgency", "fails"),
    [
        ("high", "medium", True),
        ("medium", "medium", True),
        ("low", "medium", False),
        ("unimportant", "low", False),
        ("low", "low", True),
        ("medium", "high", False),
        ("not yet assigned", "high", True),
        ("end-of-life", "high", True),
        ("unimportant", "unimportant", True),
    ],
)
def test_a_fix_available_fails_at_or_above_the_sites_urgency(patched, urgency, min_urgency, fails):
    found = scan(min_urgency=min_urgency, fix_available=[finding(urgency=urgency)])
    result = judge(patched, found)
    assert (result["status"] == "fail") is fails, result["reasons"]
    assert result["evidence"]["vulnerability_scan"]["fix_available_count"] == 1


def test_a_failing_fix_is_named_with_its_versions(patched):
    found = scan(fix_available=[finding(), finding(cve="CVE-2024-2", urgency="low")])
    assert judge(patched, found)["reasons"] == [
        "1 vulnerability fix(es) of medium urgency or above available but not installed: "
        "CVE-2024-1 openssl 3.0.13-1~deb12u1 -> 3.0.15-1~deb12u1 (high)"
    ]


def test_a_scan_without_its_urgency_judges_from_medium(patched):
    found = scan(fix_available=[finding(urgency="medium")])
    del found["min_urgency"]
    assert judge(patched, found)["status"] == "fail"
    found["fix_available"] = [finding(urgency="low")]
    assert judge(patched, found)["status"] == "pass"


def test_many_failing_fixes_are_all_counted_and_twenty_named(patched):
    fixes = [finding(cve=f"CVE-2024-{n:04d}") for n in range(25)]
    (reason,) = judge(patched, scan(fix_available=fixes))["reasons"]
    assert reason.startswith("25 vulnerability fix(es)")
    assert reason.count("CVE-2024-") == 20 and reason.endswith("; ...")


def test_open_issues_without_a_fix_are_shown_but_do_not_fail(patched):
    found = scan(
        no_fix=[finding(fixed=None)],
        no_dsa=[finding(cve="CVE-2024-3", fixed=None, reason="Minor issue (postponed)")],
    )
    result = judge(patched, found)
    assert result["status"] == "pass"
    shown = result["evidence"]["vulnerability_scan"]
    assert (shown["no_fix_count"], shown["no_dsa_count"]) == (1, 1)
    assert shown["no_dsa"] == [
        "CVE-2024-3 openssl 3.0.13-1~deb12u1 (high): Minor issue (postponed)"
    ]


def test_versions_the_scan_could_not_compare_fail(patched):
    found = scan(unreadable=[finding(installed="bad!", error="not a version")])
    assert judge(patched, found)["reasons"] == [
        "evidence missing: vulnerability scan: installed versions it could not compare: "
        "openssl bad!"
    ]


def test_a_scan_without_its_findings_fails_rather_than_passes(patched):
    found = scan()
    del found["fix_available"]
    assert judge(patched, found)["status"] == "fail"


def test_findings_shown_are_bounded_but_counted(patched):
    fixes = [
        finding(cve=f"CVE-2024-{n:04d}", urgency="low") for n in range(updates.SHOWN_FINDINGS + 5)
    ]
    shown = judge(patched, scan(fix_available=fixes))["evidence"]["vulnerability_scan"]
    assert shown["fix_available_count"] == updates.SHOWN_FINDINGS + 5
    assert len(shown["fix_available"]) == updates.SHOWN_FINDINGS


def test_every_problem_of_the_host_is_reported_at_once(patched):
    patched["updates"].update(
        kernels_other=["6.1.0-42-amd64"],
        restart_services=["ssh.service"],
        patch_run_error="patch-run.json: not JSON",
    )
    found = aged(10, fix_available=[finding()], unreadable=[finding(installed="x!")])
    assert len(judge(patched, found)["reasons"]) == 6


def test_a_tracker_document_dated_in_the_future_fails(patched):
    future = scan()
    future["tracker"] = dict(future["tracker"], modified=READ_AT + 2 * 3600)
    (reason,) = judge(patched, future)["reasons"]
    assert reason.startswith("evidence missing: vulnerability scan: the tracker document is dated")


def test_a_tracker_document_of_mostly_unreadable_entries_fails(patched):
    broken = scan()
    broken["tracker"] = dict(broken["tracker"], entries=900, skipped=100)
    (reason,) = judge(patched, broken)["reasons"]
    assert reason == (
        "evidence missing: vulnerability scan: 100 of the tracker document's entries could not "
        "be read (900 could): not the tracker's format"
    )


def test_a_few_unreadable_tracker_entries_are_shown_not_failed(patched):
    few = scan()
    few["tracker"] = dict(few["tracker"], entries=100_000, skipped=10)
    result = judge(patched, few)
    assert result["status"] == "pass", result["reasons"]
    assert result["evidence"]["vulnerability_scan"]["tracker"]["skipped"] == 10


def test_security_lists_older_than_the_limit_fail(patched):
    now = patched["updates"]["now"]
    patched["updates"]["security_lists_fetched"] = now - 8 * DAY
    (reason,) = judge(patched)["reasons"]
    assert reason.startswith("the security archive's package lists are 8 days old (at most 7)")


def test_security_lists_within_the_limit_pass_and_are_shown(patched):
    now = patched["updates"]["now"]
    patched["updates"]["security_lists_fetched"] = now - 6 * DAY
    result = judge(patched)
    assert result["status"] == "pass", result["reasons"]
    assert result["evidence"]["security_lists_fetched"]
