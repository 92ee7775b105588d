# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/antivirus.py."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import antivirus
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z
HOUR = 3600.0
DPKG_KEY = " ".join(DPKG_QUERY_ARGV)
DAEMON_KEY = "systemctl is-active clamav-daemon.service"
UPDATER_KEY = "systemctl is-active clamav-freshclam.service"

DPKG_OUTPUT = (
    "clamav\t1.4.3+dfsg-0+deb12u1\tinstall ok installed\n"
    "clamav-base\t1.4.3+dfsg-0+deb12u1\tinstall ok installed\n"
    "clamav-daemon\t1.4.3+dfsg-0+deb12u1\tinstall ok installed\n"
    "clamav-freshclam\t1.4.3+dfsg-0+deb12u1\tinstall ok installed\n"
    "libclamav12\t1.4.3+dfsg-0+deb12u1\tinstall ok installed\n"
)

# /etc/clamav/freshclam.conf as written by the clamav-freshclam postinst (trimmed).
FRESHCLAM_CONF = """\
# Automatically created by the clamav-freshclam postinst
# Comments will get lost when you reconfigure the clamav-freshclam package

DatabaseOwner clamav
UpdateLogFile /var/log/clamav/freshclam.log
DatabaseDirectory /var/lib/clamav
DNSDatabaseInfo current.cvd.clamav.net
NotifyClamd /etc/clamav/clamd.conf
# Check for new database 24 times a day
Checks 24
DatabaseMirror db.local.clamav.net
"""


def _host(**overrides) -> RecordedHost:
    """A Debian 12 host with ClamAV installed, running and two custom signature files."""
    settings = {
        "files": {
            "/etc/clamav/freshclam.conf": FRESHCLAM_CONF,
            antivirus.SELFTEST_PATH: json.dumps(
                {"time": "2027-01-15T02:00:00Z", "passed": True, "detail": "EICAR detected"}
            ),
        },
        "commands": {
            DPKG_KEY: DPKG_OUTPUT,
            DAEMON_KEY: "active\n",
            UPDATER_KEY: "active\n",
        },
        "mtimes": {
            "/var/lib/clamav/edu-eicar.ndb": NOW - 5 * HOUR,
            "/var/lib/clamav/local.hdb": NOW - 30 * HOUR,
            "/var/lib/clamav/freshclam.dat": NOW - 1 * HOUR,
        },
        "now": NOW,
    }
    settings.update(overrides)
    return RecordedHost(**settings)


def test_collect_reports_installed_clamav_package_versions():
    assert antivirus.collect(_host())["packages"] == {
        "clamav": "1.4.3+dfsg-0+deb12u1",
        "clamav-daemon": "1.4.3+dfsg-0+deb12u1",
        "clamav-freshclam": "1.4.3+dfsg-0+deb12u1",
    }


def test_collect_reports_missing_clamav_package_as_none():
    host = _host(commands={DPKG_KEY: "clamav\t1.4.3+dfsg-0+deb12u1\tinstall ok installed\n"})
    assert antivirus.collect(host)["packages"]["clamav-daemon"] is None


def test_collect_reports_running_daemon_and_updater_as_active():
    evidence = antivirus.collect(_host())
    assert (evidence["daemon_active"], evidence["updater_active"]) == (True, True)


def test_collect_reports_inactive_daemon_as_not_active():
    host = _host(
        commands={
            DPKG_KEY: DPKG_OUTPUT,
            DAEMON_KEY: Result(3, "inactive\n", ""),
            UPDATER_KEY: "active\n",
        }
    )
    assert antivirus.collect(host)["daemon_active"] is False


def test_collect_reports_failed_updater_as_not_active():
    host = _host(
        commands={
            DPKG_KEY: DPKG_OUTPUT,
            DAEMON_KEY: "active\n",
            UPDATER_KEY: Result(3, "failed\n", ""),
        }
    )
    assert antivirus.collect(host)["updater_active"] is False


def test_parse_freshclam_checks_reads_checks_setting():
    assert antivirus.parse_freshclam_checks(FRESHCLAM_CONF) == 24


def test_parse_freshclam_checks_ignores_commented_checks_line():
    assert antivirus.parse_freshclam_checks("Checks 48\n#Checks 2\n") == 48


def test_parse_freshclam_checks_defaults_to_twelve_when_file_omits_it():
    assert antivirus.parse_freshclam_checks("DatabaseOwner clamav\n") == 12


def test_parse_freshclam_checks_is_none_without_file():
    assert antivirus.parse_freshclam_checks(None) is None


def test_collect_lists_only_signature_databases_with_their_age():
    assert antivirus.collect(_host())["signature_files"] == [
        {"path": "/var/lib/clamav/edu-eicar.ndb", "age_hours": 5.0},
        {"path": "/var/lib/clamav/local.hdb", "age_hours": 30.0},
    ]


def test_collect_reports_newest_signature_age():
    assert antivirus.collect(_host())["newest_signature_age_hours"] == 5.0


def test_collect_reports_official_cvd_and_cld_databases():
    host = _host(
        mtimes={
            "/var/lib/clamav/main.cvd": NOW - 100 * HOUR,
            "/var/lib/clamav/daily.cld": NOW - 2.5 * HOUR,
        }
    )
    assert [item["path"] for item in antivirus.collect(host)["signature_files"]] == [
        "/var/lib/clamav/daily.cld",
        "/var/lib/clamav/main.cvd",
    ]


def test_collect_reports_passed_selftest_with_its_age():
    assert antivirus.collect(_host())["selftest"] == {
        "present": True,
        "passed": True,
        "age_hours": 6.0,
        "detail": "EICAR detected",
    }


def test_parse_selftest_reports_failed_selftest():
    text = json.dumps(
        {"time": "2027-01-15T07:30:00+00:00", "passed": False, "detail": "clamdscan: no reply"}
    )
    assert antivirus.parse_selftest(text, NOW) == {
        "present": True,
        "passed": False,
        "age_hours": 0.5,
        "detail": "clamdscan: no reply",
    }


def test_parse_selftest_converts_time_with_offset_to_utc():
    text = json.dumps({"time": "2027-01-15T10:00:00+08:00", "passed": True, "detail": "ok"})
    assert antivirus.parse_selftest(text, NOW)["age_hours"] == 6.0


def test_parse_selftest_reports_record_that_is_not_json_as_undecided():
    evidence = antivirus.parse_selftest("passed\n", NOW)
    assert (evidence["present"], evidence["passed"], evidence["age_hours"]) == (True, None, None)


def test_parse_selftest_leaves_age_unknown_for_unparsable_time():
    text = json.dumps({"time": "yesterday", "passed": True, "detail": "ok"})
    assert antivirus.parse_selftest(text, NOW)["age_hours"] is None


def test_collect_without_dpkg_reports_nothing_installed_and_why():
    assert antivirus.collect(RecordedHost(now=NOW)) == {
        "packages": {"clamav": None, "clamav-daemon": None, "clamav-freshclam": None},
        "packages_error": "dpkg-query is not installed (not found on the host)",
        "daemon_active": False,
        "updater_active": False,
        "updater_checks_per_day": None,
        "signature_files": [],
        "newest_signature_age_hours": None,
        "selftest": {"present": False, "passed": None, "age_hours": None, "detail": None},
    }


def test_collect_output_is_json_serialisable():
    evidence = antivirus.collect(_host())
    assert json.loads(json.dumps(evidence)) == evidence


def test_collect_with_listed_packages_reports_no_packages_error():
    assert antivirus.collect(_host())["packages_error"] is None
