# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The antivirus rule (MOE-16) on recorded evidence of a fresh Debian 12 test host, with the
antivirus role's ClamAV, records and timers added."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue, evaluate
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules import antivirus

FIXTURE = Path(__file__).parents[1] / "fixtures" / "evidence-debian12-fresh.json"
TODAY = date(2026, 11, 21)
CONTROLS = catalogue.by_id(catalogue.load())
VERSION = "1.4.3+dfsg-0+deb12u1"


def signature(name: str, age: float, official: bool = True) -> dict:
    return {
        "path": f"/var/lib/clamav/{name}",
        "official": official,
        "time": "2026-11-21T20:00:00Z",
        "time_source": "build time" if official else "file time",
        "age_hours": age,
    }


@pytest.fixture
def fresh() -> dict:
    return json.loads(FIXTURE.read_text())["evidence"]


@pytest.fixture
def host(fresh) -> dict:
    """The fresh host after the antivirus role: ClamAV running, freshclam checking 24 times a
    day, signatures 2 h old and a health check that passed 3 h ago."""
    fresh["antivirus"].update(
        packages=dict.fromkeys(fresh["antivirus"]["packages"], VERSION),
        daemon_active=True,
        updater_active=True,
        updater_checks_per_day=24,
        signature_files=[
            signature("bytecode.cvd", 300.0),
            signature("daily.cld", 2.0),
            signature("main.cvd", 900.0),
        ],
        official_databases=["bytecode", "daily", "main"],
        newest_signature_age_hours=2.0,
        selftest={
            "present": True,
            "passed": True,
            "age_hours": 3.0,
            "detail": "daemon, signatures and detection pass",
            "failed": [],
        },
        health_timer_enabled=True,
        scan_timer_enabled=True,
    )
    fresh["antivirus"]["freshclam"]["present"] = True
    fresh["antivirus"]["clamd"]["present"] = True
    return fresh


def judge(evidence: dict, inputs: dict | None = None) -> dict:
    return evaluate.judge_control(CONTROLS["MOE-16"], evidence, inputs or {}, [], "web1", TODAY)


def reasons(evidence: dict) -> list[str]:
    result = judge(evidence)
    assert result["status"] == "fail", result
    return result["reasons"]


def one_reason(evidence: dict) -> str:
    found = reasons(evidence)
    assert len(found) == 1, found
    return found[0]


def test_the_catalogue_thresholds_are_the_ones_these_tests_use():
    assert CONTROLS["MOE-16"]["thresholds"] == {
        "signature_max_age_hours": 24,
        "selftest_max_age_hours": 48,
        "update_checks_per_day": 12,
    }
    assert antivirus.RULES["MOE-16"] is antivirus.antivirus


def test_host_of_the_role_passes(host):
    result = judge(host)
    assert result["status"] == "pass", result


def test_the_fresh_host_without_clamav_fails_for_every_part(fresh):
    assert reasons(fresh) == [
        "package clamav is not installed",
        "package clamav-daemon is not installed",
        "package clamav-freshclam is not installed",
        "package clamdscan is not installed",
        "the scanner daemon (clamav-daemon) is not running",
        "the signature updater (clamav-freshclam) is not running",
        "freshclam has no configuration (/etc/clamav/freshclam.conf)",
        "no signature database",
        "no detection self-test record",
    ]


@pytest.mark.parametrize("package", ["clamav", "clamav-daemon", "clamav-freshclam", "clamdscan"])
def test_a_missing_package_fails(host, package):
    host["antivirus"]["packages"][package] = None
    assert one_reason(host) == f"package {package} is not installed"


def test_packages_that_could_not_be_listed_fail_as_missing_evidence(host):
    host["antivirus"]["packages_error"] = "dpkg-query is not installed (not found on the host)"
    host["antivirus"]["packages"] = dict.fromkeys(host["antivirus"]["packages"])
    assert one_reason(host) == (
        "evidence missing: antivirus: dpkg-query is not installed (not found on the host)"
    )


def test_a_stopped_daemon_fails(host):
    host["antivirus"]["daemon_active"] = False
    assert one_reason(host) == "the scanner daemon (clamav-daemon) is not running"


def test_a_stopped_updater_fails(host):
    host["antivirus"]["updater_active"] = False
    assert one_reason(host) == "the signature updater (clamav-freshclam) is not running"


def test_too_few_update_checks_fail(host):
    host["antivirus"]["updater_checks_per_day"] = 6
    assert one_reason(host) == "freshclam checks for signatures 6 times a day (at least 12)"


@pytest.mark.parametrize("checks", [12, 50])
def test_update_checks_at_the_floor_pass(host, checks):
    host["antivirus"]["updater_checks_per_day"] = checks
    assert judge(host)["status"] == "pass"


def test_no_update_checks_fail(host):
    host["antivirus"]["updater_checks_per_day"] = 0
    assert one_reason(host) == "freshclam checks for signatures 0 times a day (at least 12)"


def test_a_missing_freshclam_conf_fails(host):
    host["antivirus"]["updater_checks_per_day"] = None
    assert one_reason(host) == "freshclam has no configuration (/etc/clamav/freshclam.conf)"


def test_no_signatures_fail(host):
    host["antivirus"].update(signature_files=[], newest_signature_age_hours=None)
    assert one_reason(host) == "no signature database"


def test_stale_signatures_fail(host):
    host["antivirus"]["newest_signature_age_hours"] = 30.4
    assert one_reason(host) == "newest signatures are 30 h old (limit 24 h)"


@pytest.mark.parametrize(("age", "status"), [(24.0, "pass"), (24.01, "fail")])
def test_signature_age_limit_is_inclusive(host, age, status):
    host["antivirus"]["newest_signature_age_hours"] = age
    assert judge(host)["status"] == status


def test_no_selftest_record_fails(host):
    host["antivirus"]["selftest"] = {
        "present": False,
        "passed": None,
        "age_hours": None,
        "detail": None,
        "failed": [],
    }
    assert one_reason(host) == "no detection self-test record"


def test_an_untrusted_selftest_record_fails_as_undecided(host):
    host["antivirus"]["selftest"] = {
        "present": True,
        "passed": None,
        "age_hours": None,
        "detail": "health record is not what the health check writes",
        "failed": [],
    }
    assert one_reason(host) == (
        "the self-test record cannot be trusted: health record is not what the health check writes"
    )


def test_a_failed_selftest_names_its_failed_parts(host):
    host["antivirus"]["selftest"] = {
        "present": True,
        "passed": False,
        "age_hours": 1.0,
        "detail": "detection: EICAR test file not detected (reported clean)",
        "failed": ["signatures", "detection"],
    }
    assert one_reason(host) == (
        "the last self-test failed (signatures, detection): detection: EICAR test file not "
        "detected (reported clean)"
    )


def test_a_failed_selftest_without_names_still_fails(host):
    host["antivirus"]["selftest"].update(passed=False, failed=[], detail="?")
    assert one_reason(host).startswith("the last self-test failed (?)")


def test_an_old_selftest_fails(host):
    host["antivirus"]["selftest"]["age_hours"] = 49.6
    assert one_reason(host) == "the last detection self-test is 50 h old"


@pytest.mark.parametrize(("age", "status"), [(48.0, "pass"), (48.01, "fail"), (0.0, "pass")])
def test_selftest_age_limit_is_inclusive(host, age, status):
    host["antivirus"]["selftest"]["age_hours"] = age
    assert judge(host)["status"] == status


def test_an_old_failed_selftest_reports_the_failure(host):
    host["antivirus"]["selftest"].update(passed=False, failed=["daemon"], age_hours=100.0)
    assert one_reason(host).startswith("the last self-test failed (daemon)")


def test_every_failure_is_reported_together(host):
    host["antivirus"].update(
        daemon_active=False, updater_checks_per_day=6, newest_signature_age_hours=100.0
    )
    host["antivirus"]["selftest"]["age_hours"] = 72.0
    assert reasons(host) == [
        "the scanner daemon (clamav-daemon) is not running",
        "freshclam checks for signatures 6 times a day (at least 12)",
        "newest signatures are 100 h old (limit 24 h)",
        "the last detection self-test is 72 h old",
    ]


def test_the_verdict_shows_the_antivirus_evidence(host):
    shown = judge(host)["evidence"]
    assert shown["selftest"] == host["antivirus"]["selftest"]
    assert shown["official_databases"] == ["bytecode", "daily", "main"]
    assert shown["newest_signature_age_hours"] == 2.0
    assert shown["memory_total_mib"] == host["antivirus"]["memory_total_mib"]
    assert "signature_files" not in shown
