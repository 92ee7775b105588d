# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/antivirus.py (MOE-16 evidence)."""

from __future__ import annotations

import json

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils import antivirus_checks as av
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
ON_ACCESS_KEY = "systemctl is-active clamav-clamonacc.service"
HEALTH_TIMER_KEY = "systemctl is-enabled edu-tw-hardening-antivirus-health.timer"
SCAN_TIMER_KEY = "systemctl is-enabled edu-tw-hardening-antivirus-scan.timer"
VERSION = "1.4.3+dfsg-0+deb12u1"

DPKG_OUTPUT = (
    f"clamav\t{VERSION}\tinstall ok installed\n"
    f"clamav-base\t{VERSION}\tinstall ok installed\n"
    f"clamav-daemon\t{VERSION}\tinstall ok installed\n"
    f"clamav-freshclam\t{VERSION}\tinstall ok installed\n"
    f"clamdscan\t{VERSION}\tinstall ok installed\n"
    f"libclamav12\t{VERSION}\tinstall ok installed\n"
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
DatabaseMirror database.clamav.net
"""

# What the role writes for a site with its own mirror and signatures.
ROLE_FRESHCLAM_CONF = """\
# Managed by edu_tw.hardening (antivirus role)
DatabaseOwner clamav
DatabaseDirectory /var/lib/clamav
Checks 24
PrivateMirror https://clamav.mirror.example.edu.tw
PrivateMirror http://10.0.0.8:8080/clamav
#PrivateMirror http://old.example.edu.tw
DatabaseCustomURL https://sigs.example.edu.tw/edu.ndb
DatabaseCustomURL file:///srv/signatures/local.hdb
ExcludeDatabase bytecode
"""

CLAMD_CONF = """\
LocalSocket /var/run/clamav/clamd.ctl
FixStaleSocket true
User clamav
ConcurrentDatabaseReload no
OnAccessIncludePath /home
OnAccessIncludePath /srv/www
OnAccessPrevention yes
OnAccessExcludeUname clamav
OnAccessExcludeUname backup
# OnAccessIncludePath /etc
"""

MEMINFO = """\
MemTotal:        4025812 kB
MemFree:          312540 kB
MemAvailable:    2718432 kB
Buffers:           98340 kB
"""


def cvd(build: float, name: str = "daily") -> str:
    """A .cvd/.cld header (as RecordedHost text): 512 bytes, then some gzip data."""
    text = f"ClamAV-VDB:15 Jan 2027 07-00 +0000:27520:2074318:90:md5:dsig:raynman:{int(build)}"
    return text + " " * (512 - len(text)) + "\x1f\udc8b\x08"


def health_record(passed: bool = True, failed: tuple = (), time="2027-01-15T02:00:00Z") -> str:
    checks = {name: {"ok": name not in failed, "detail": "x"} for name in av.HEALTH_CHECKS}
    detail = "; ".join(f"{n}: x" for n in failed) or "daemon, signatures and detection pass"
    return json.dumps({"time": time, "passed": passed, "detail": detail, "checks": checks})


SCAN_RECORD = json.dumps(
    {
        "time": "2027-01-15T03:30:00Z",
        "paths": ["/home", "/srv"],
        "missing_paths": ["/var/www"],
        "files": 5120,
        "quarantine": "/var/lib/edu_tw_hardening/quarantine",
        "rc": 1,
        "infected": [
            {
                "path": "/home/u/eicar.com",
                "signature": "Win.Test.EICAR_HDB-1",
                "moved_to": "/var/lib/edu_tw_hardening/quarantine/eicar.com",
            }
        ],
        "errors": 0,
    }
)


def _host(files: dict | None = None, commands: dict | None = None, **overrides) -> RecordedHost:
    """A Debian 12 host with ClamAV installed and running, the role's records and timers,
    two custom signature files and the official daily.cld."""
    settings = {
        "files": {
            "/etc/clamav/freshclam.conf": FRESHCLAM_CONF,
            "/etc/clamav/clamd.conf": CLAMD_CONF,
            "/proc/meminfo": MEMINFO,
            "/var/lib/clamav/daily.cld": cvd(NOW - 2 * HOUR),
            antivirus.SELFTEST_PATH: health_record(),
            av.SCAN_PATH: SCAN_RECORD,
            **(files or {}),
        },
        "commands": {
            DPKG_KEY: DPKG_OUTPUT,
            DAEMON_KEY: "active\n",
            UPDATER_KEY: "active\n",
            ON_ACCESS_KEY: "active\n",
            HEALTH_TIMER_KEY: "enabled\n",
            SCAN_TIMER_KEY: "enabled\n",
            **(commands or {}),
        },
        "mtimes": {
            "/var/lib/clamav/daily.cld": NOW - 0.5 * HOUR,
            "/var/lib/clamav/edu-eicar.ndb": NOW - 5 * HOUR,
            "/var/lib/clamav/local.hdb": NOW - 30 * HOUR,
            "/var/lib/clamav/freshclam.dat": NOW - 1 * HOUR,
        },
        "now": NOW,
    }
    settings.update(overrides)
    return RecordedHost(**settings)


# ---------------------------------------------------------------- packages and services


def test_collect_reports_installed_clamav_package_versions():
    evidence = antivirus.collect(_host())
    assert evidence["packages"] == {
        "clamav": VERSION,
        "clamav-daemon": VERSION,
        "clamav-freshclam": VERSION,
        "clamdscan": VERSION,
    }
    assert evidence["packages_error"] is None


def test_collect_reports_missing_clamav_package_as_none():
    host = _host(commands={DPKG_KEY: f"clamav\t{VERSION}\tinstall ok installed\n"})
    packages = antivirus.collect(host)["packages"]
    assert packages["clamav"] == VERSION
    assert packages["clamav-daemon"] is None
    assert packages["clamdscan"] is None


def test_collect_without_dpkg_reports_why_packages_are_unknown():
    host = _host(commands={DPKG_KEY: None})
    del host.commands[DPKG_KEY]
    evidence = antivirus.collect(host)
    assert evidence["packages"] == dict.fromkeys(av.PACKAGES)
    assert evidence["packages_error"] == "dpkg-query is not installed (not found on the host)"


def test_collect_reports_running_daemon_updater_and_on_access_as_active():
    evidence = antivirus.collect(_host())
    assert (evidence["daemon_active"], evidence["updater_active"]) == (True, True)
    assert evidence["on_access_active"] is True


def test_collect_reports_inactive_daemon_as_not_active():
    host = _host(commands={DAEMON_KEY: Result(3, "inactive\n", "")})
    evidence = antivirus.collect(host)
    assert (evidence["daemon_active"], evidence["updater_active"]) == (False, True)


def test_collect_reports_failed_updater_as_not_active():
    host = _host(commands={UPDATER_KEY: Result(3, "failed\n", "")})
    evidence = antivirus.collect(host)
    assert (evidence["daemon_active"], evidence["updater_active"]) == (True, False)


def test_collect_reports_activating_daemon_as_not_active():
    host = _host(commands={DAEMON_KEY: Result(3, "activating\n", "")})
    assert antivirus.collect(host)["daemon_active"] is False


def test_collect_reads_whether_the_role_timers_are_enabled():
    evidence = antivirus.collect(_host())
    assert (evidence["health_timer_enabled"], evidence["scan_timer_enabled"]) == (True, True)
    host = _host(
        commands={
            HEALTH_TIMER_KEY: Result(1, "disabled\n", ""),
            SCAN_TIMER_KEY: Result(0, "static\n", ""),
        }
    )
    evidence = antivirus.collect(host)
    assert (evidence["health_timer_enabled"], evidence["scan_timer_enabled"]) == (False, False)


def test_timer_names_are_the_role_services_timers():
    assert antivirus.HEALTH_TIMER == "edu-tw-hardening-antivirus-health.timer"
    assert antivirus.SCAN_TIMER == "edu-tw-hardening-antivirus-scan.timer"


# ---------------------------------------------------------------- freshclam.conf


def test_parse_freshclam_checks_reads_checks_setting():
    assert antivirus.parse_freshclam_checks(FRESHCLAM_CONF) == 24


def test_parse_freshclam_checks_ignores_commented_checks_line():
    assert antivirus.parse_freshclam_checks("Checks 48\n#Checks 2\n") == 48


def test_parse_freshclam_checks_last_setting_wins():
    assert antivirus.parse_freshclam_checks("Checks 48\nChecks 6\n") == 6


def test_parse_freshclam_checks_defaults_to_twelve_when_file_omits_it():
    assert antivirus.parse_freshclam_checks("DatabaseOwner clamav\n") == 12


@pytest.mark.parametrize("value", ["many", "-5", "1.5", ""])
def test_parse_freshclam_checks_defaults_to_twelve_for_a_value_that_is_no_number(value):
    assert antivirus.parse_freshclam_checks(f"Checks {value}\n") == 12


def test_parse_freshclam_checks_is_none_without_file():
    assert antivirus.parse_freshclam_checks(None) is None


def test_parse_freshclam_checks_does_not_crash_on_a_superscript_digit():
    assert antivirus.parse_freshclam_checks("Checks \u00b2\n") == 12


def test_parse_freshclam_reads_mirrors_custom_urls_and_excluded_databases():
    assert antivirus.parse_freshclam(ROLE_FRESHCLAM_CONF) == {
        "present": True,
        "private_mirrors": ["https://clamav.mirror.example.edu.tw", "http://10.0.0.8:8080/clamav"],
        "database_mirrors": [],
        "custom_urls": [
            "https://sigs.example.edu.tw/edu.ndb",
            "file:///srv/signatures/local.hdb",
        ],
        "excluded_databases": ["bytecode"],
    }


def test_parse_freshclam_of_the_package_default_lists_its_mirrors():
    parsed = antivirus.parse_freshclam(FRESHCLAM_CONF)
    assert parsed["database_mirrors"] == ["db.local.clamav.net", "database.clamav.net"]
    assert parsed["private_mirrors"] == parsed["custom_urls"] == []


def test_parse_freshclam_without_file():
    assert antivirus.parse_freshclam(None) == {
        "present": False,
        "private_mirrors": [],
        "database_mirrors": [],
        "custom_urls": [],
        "excluded_databases": [],
    }


def test_collect_reports_freshclam_settings():
    evidence = antivirus.collect(_host(files={"/etc/clamav/freshclam.conf": ROLE_FRESHCLAM_CONF}))
    assert evidence["freshclam"]["private_mirrors"][0] == "https://clamav.mirror.example.edu.tw"
    assert evidence["updater_checks_per_day"] == 24


# ---------------------------------------------------------------- clamd.conf


def test_parse_clamd_reads_reload_and_on_access_settings():
    assert antivirus.parse_clamd(CLAMD_CONF) == {
        "present": True,
        "concurrent_reload": False,
        "on_access_paths": ["/home", "/srv/www"],
        "on_access_prevention": True,
        "on_access_excluded_users": ["clamav", "backup"],
    }


def test_parse_clamd_defaults_are_clamd_own():
    assert antivirus.parse_clamd("LocalSocket /var/run/clamav/clamd.ctl\n") == {
        "present": True,
        "concurrent_reload": True,
        "on_access_paths": [],
        "on_access_prevention": False,
        "on_access_excluded_users": [],
    }


def test_parse_clamd_last_setting_wins_and_case_is_ignored():
    text = "ConcurrentDatabaseReload no\nConcurrentDatabaseReload YES\nOnAccessPrevention No\n"
    parsed = antivirus.parse_clamd(text)
    assert (parsed["concurrent_reload"], parsed["on_access_prevention"]) == (True, False)


def test_parse_clamd_without_file():
    assert antivirus.parse_clamd(None)["present"] is False


def test_collect_reports_clamd_settings():
    assert antivirus.collect(_host())["clamd"]["on_access_paths"] == ["/home", "/srv/www"]


# ---------------------------------------------------------------- memory


def test_parse_meminfo_gives_memtotal_in_mib():
    assert antivirus.parse_meminfo(MEMINFO) == 3931


@pytest.mark.parametrize(
    "text", [None, "", "MemFree: 100 kB\n", "MemTotal: lots kB\n", "MemTotal:\n"]
)
def test_parse_meminfo_without_a_memtotal_is_none(text):
    assert antivirus.parse_meminfo(text) is None


def test_collect_reports_memory():
    assert antivirus.collect(_host())["memory_total_mib"] == 3931
    host = _host()
    del host.files["/proc/meminfo"]
    assert antivirus.collect(host)["memory_total_mib"] is None


# ---------------------------------------------------------------- signatures


def _only_signatures(files: dict, mtimes: dict) -> RecordedHost:
    """The host with these signature files (contents, file times) and no others."""
    host = _host(mtimes=mtimes)
    del host.files["/var/lib/clamav/daily.cld"]
    host.files.update(files)
    return host


def test_collect_lists_signature_databases_with_their_time_and_age():
    assert antivirus.collect(_host())["signature_files"] == [
        {
            "path": "/var/lib/clamav/daily.cld",
            "official": True,
            "time": "2027-01-15T06:00:00Z",
            "time_source": "build time",
            "age_hours": 2.0,
        },
        {
            "path": "/var/lib/clamav/edu-eicar.ndb",
            "official": False,
            "time": "2027-01-15T03:00:00Z",
            "time_source": "file time",
            "age_hours": 5.0,
        },
        {
            "path": "/var/lib/clamav/local.hdb",
            "official": False,
            "time": "2027-01-14T02:00:00Z",
            "time_source": "file time",
            "age_hours": 30.0,
        },
    ]


def test_build_time_of_an_old_cvd_takes_precedence_over_its_fresh_file_time():
    host = _only_signatures(
        files={"/var/lib/clamav/main.cvd": cvd(NOW - 100 * HOUR, "main")},
        mtimes={"/var/lib/clamav/main.cvd": NOW - 0.1 * HOUR},
    )
    evidence = antivirus.collect(host)
    assert evidence["signature_files"][0]["age_hours"] == 100.0
    assert evidence["signature_files"][0]["time_source"] == "build time"
    assert evidence["newest_signature_age_hours"] == 100.0
    assert evidence["official_databases"] == ["main"]


def test_cvd_without_a_header_build_time_is_of_unknown_age_not_its_file_time():
    host = _only_signatures(
        files={"/var/lib/clamav/main.cvd": "ClamAV-VDB:15 Jan 2027:62:1:90:md5:dsig:raynman"},
        mtimes={"/var/lib/clamav/main.cvd": NOW - 7 * HOUR},
    )
    evidence = antivirus.collect(host)
    [item] = evidence["signature_files"]
    assert (item["time_source"], item["age_hours"]) == ("unknown", None)
    assert evidence["newest_signature_age_hours"] is None


def test_collect_reports_newest_signature_age():
    assert antivirus.collect(_host())["newest_signature_age_hours"] == 2.0


def test_collect_reports_official_cvd_and_cld_databases():
    host = _host(
        files={
            "/var/lib/clamav/daily.cld": cvd(NOW - 2.5 * HOUR),
            "/var/lib/clamav/bytecode.cvd": cvd(NOW - 300 * HOUR, "bytecode"),
        },
        mtimes={
            "/var/lib/clamav/main.cvd": NOW - 100 * HOUR,
            "/var/lib/clamav/urlhaus.ndb": NOW - HOUR,
        },
    )
    evidence = antivirus.collect(host)
    assert evidence["official_databases"] == ["bytecode", "daily", "main"]
    assert [item["path"] for item in evidence["signature_files"]] == [
        "/var/lib/clamav/bytecode.cvd",
        "/var/lib/clamav/daily.cld",
        "/var/lib/clamav/main.cvd",
        "/var/lib/clamav/urlhaus.ndb",
    ]


# ---------------------------------------------------------------- the role's records


def test_collect_reports_passed_selftest_with_its_age():
    assert antivirus.collect(_host())["selftest"] == {
        "present": True,
        "passed": True,
        "age_hours": 6.0,
        "detail": "daemon, signatures and detection pass",
        "failed": [],
    }


def test_collect_reports_failed_selftest_naming_its_failed_parts():
    record = health_record(
        passed=False, failed=("daemon", "detection"), time="2027-01-15T07:30:00Z"
    )
    selftest = antivirus.collect(_host(files={antivirus.SELFTEST_PATH: record}))["selftest"]
    assert selftest == {
        "present": True,
        "passed": False,
        "age_hours": 0.5,
        "detail": "daemon: x; detection: x",
        "failed": ["daemon", "detection"],
    }


@pytest.mark.parametrize(
    "record",
    [
        "passed\n",
        json.dumps({"time": "2027-01-15T02:00:00Z", "passed": True, "detail": "EICAR detected"}),
        health_record(passed=True, failed=("signatures",)),
        health_record(time="2027-01-15T10:00:00+08:00"),
    ],
)
def test_collect_reports_an_untrusted_selftest_record_as_undecided(record):
    selftest = antivirus.collect(_host(files={antivirus.SELFTEST_PATH: record}))["selftest"]
    assert (selftest["present"], selftest["passed"], selftest["age_hours"]) == (True, None, None)
    assert selftest["failed"] == []


def test_collect_without_selftest_record():
    host = _host()
    del host.files[antivirus.SELFTEST_PATH]
    assert antivirus.collect(host)["selftest"] == {
        "present": False,
        "passed": None,
        "age_hours": None,
        "detail": None,
        "failed": [],
    }


def test_collect_reports_the_last_scan():
    assert antivirus.collect(_host())["last_scan"] == {
        "present": True,
        "time": "2027-01-15T03:30:00Z",
        "age_hours": 4.5,
        "files": 5120,
        "infected": [
            {
                "path": "/home/u/eicar.com",
                "signature": "Win.Test.EICAR_HDB-1",
                "moved_to": "/var/lib/edu_tw_hardening/quarantine/eicar.com",
            }
        ],
        "completed": True,
        "error": None,
    }


def test_collect_reports_an_unreadable_last_scan():
    scan = antivirus.collect(_host(files={av.SCAN_PATH: "{"}))["last_scan"]
    assert scan["present"] is True
    assert scan["error"].startswith("scan record: invalid JSON")


def test_collect_without_a_scan_record():
    host = _host()
    del host.files[av.SCAN_PATH]
    assert antivirus.collect(host)["last_scan"]["present"] is False


# ---------------------------------------------------------------- whole evidence


def test_collect_on_a_host_without_clamav_reports_nothing_installed():
    host = RecordedHost(
        commands={
            DPKG_KEY: "bash\t5.2.15-2+b7\tinstall ok installed\n",
            DAEMON_KEY: Result(3, "inactive\n", ""),
            UPDATER_KEY: Result(3, "inactive\n", ""),
            ON_ACCESS_KEY: Result(3, "inactive\n", ""),
        },
        now=NOW,
    )
    assert antivirus.collect(host) == {
        "packages": dict.fromkeys(av.PACKAGES),
        "packages_error": None,
        "daemon_active": False,
        "updater_active": False,
        "updater_checks_per_day": None,
        "freshclam": antivirus.parse_freshclam(None),
        "clamd": {
            "present": False,
            "concurrent_reload": True,
            "on_access_paths": [],
            "on_access_prevention": False,
            "on_access_excluded_users": [],
        },
        "on_access_active": False,
        "memory_total_mib": None,
        "signature_files": [],
        "official_databases": [],
        "newest_signature_age_hours": None,
        "selftest": av.parse_health(None, NOW),
        "health_timer_enabled": False,
        "scan_timer_enabled": False,
        "last_scan": av.parse_scan(None, NOW),
    }


def test_collect_output_is_json_serialisable():
    evidence = antivirus.collect(_host())
    assert json.loads(json.dumps(evidence)) == evidence
