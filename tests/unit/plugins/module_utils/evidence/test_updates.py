# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/updates.py."""

from __future__ import annotations

import json

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import updates
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

DPKG_KEY = " ".join(DPKG_QUERY_ARGV)
APT_CONFIG_KEY = "apt-config dump"
TIMER_ENABLED_KEY = "systemctl is-enabled apt-daily-upgrade.timer"
TIMER_ACTIVE_KEY = "systemctl is-active apt-daily-upgrade.timer"

INSTALLED = ["adduser", "apt", "libc-bin", "libssl3", "localtool", "pinned", "unattended-upgrades"]
DPKG_OUTPUT = "".join(f"{name}\t1\tinstall ok installed\n" for name in INSTALLED)
POLICY_KEY = "apt-cache policy " + " ".join(sorted(INSTALLED))
SOURCES_KEY = "apt-cache policy"

# `apt-cache policy` on a Debian 12 test host with the security archive added.
SOURCES_OUTPUT = """\
Package files:
 100 /var/lib/dpkg/status
     release a=now
 500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
     release v=12,o=Debian,a=oldstable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64
     origin deb.debian.org
 500 http://deb.debian.org/debian bookworm/main amd64 Packages
     release v=12.15,o=Debian,a=oldstable,n=bookworm,l=Debian,c=main,b=amd64
     origin deb.debian.org
Pinned packages:
"""

# `apt-config dump` on Debian 12 with /etc/apt/apt.conf.d/20auto-upgrades (trimmed).
APT_CONFIG_OUTPUT = """\
APT "";
APT::Architecture "amd64";
APT::Install-Recommends "1";
APT::Install-Suggests "0";
APT::Sandbox "";
APT::Sandbox::User "_apt";
APT::NeverAutoRemove "";
APT::NeverAutoRemove:: "^firmware-linux.*";
APT::Periodic "";
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
Unattended-Upgrade "";
Unattended-Upgrade::Origins-Pattern "";
Unattended-Upgrade::Origins-Pattern:: "origin=Debian,codename=${distro_codename},label=Debian";
"""

# `apt-cache policy` on Debian 12 with the security archive added (adduser, apt and
# libssl3 recorded on a test host; the point-release update of libc-bin, the local
# package and the pinned downgrade are written in the same format).
POLICY_OUTPUT = """\
adduser:
  Installed: 3.134
  Candidate: 3.134
  Version table:
 *** 3.134 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
apt:
  Installed: 2.6.1
  Candidate: 2.6.2
  Version table:
     2.6.2 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
 *** 2.6.1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
libc-bin:
  Installed: 2.36-9+deb12u7
  Candidate: 2.36-9+deb12u9
  Version table:
     2.36-9+deb12u9 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
 *** 2.36-9+deb12u7 100
        100 /var/lib/dpkg/status
libssl3:
  Installed: 3.0.20-1~deb12u2
  Candidate: 3.0.22-1~deb12u2
  Version table:
     3.0.22-1~deb12u2 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
 *** 3.0.20-1~deb12u2 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
     3.0.17-1~deb12u2 500
        500 http://deb.debian.org/debian bookworm-updates/main amd64 Packages
localtool:
  Installed: 1.0
  Candidate: (none)
  Version table:
 *** 1.0 100
        100 /var/lib/dpkg/status
pinned:
  Installed: 2.0
  Candidate: 1.0
  Version table:
 *** 2.0 100
        100 /var/lib/dpkg/status
     1.0 1001
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
unattended-upgrades:
  Installed: 2.9.1+nmu3
  Candidate: 2.9.1+nmu3
  Version table:
 *** 2.9.1+nmu3 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
"""

UP_TO_DATE_OUTPUT = """\
apt:
  Installed: 2.6.1
  Candidate: 2.6.1
  Version table:
 *** 2.6.1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
"""


def _host(**overrides) -> RecordedHost:
    """A Debian 12 host with unattended-upgrades configured and pending updates."""
    commands = {
        DPKG_KEY: DPKG_OUTPUT,
        APT_CONFIG_KEY: APT_CONFIG_OUTPUT,
        POLICY_KEY: POLICY_OUTPUT,
        SOURCES_KEY: SOURCES_OUTPUT,
        TIMER_ENABLED_KEY: "enabled\n",
        TIMER_ACTIVE_KEY: "active\n",
    }
    commands.update(overrides.pop("commands", {}))
    return RecordedHost(commands=commands, **overrides)


def test_collect_reports_unattended_upgrades_installed():
    assert updates.collect(_host())["unattended_upgrades_installed"] is True


def test_collect_reports_unattended_upgrades_missing():
    host = _host(commands={DPKG_KEY: DPKG_OUTPUT.replace("unattended-upgrades", "other")})
    assert updates.collect(host)["unattended_upgrades_installed"] is False


def test_collect_reports_auto_upgrade_enabled_by_apt_periodic():
    assert updates.collect(_host())["auto_upgrade_enabled"] is True


def test_collect_reports_package_list_updates_enabled_by_apt_periodic():
    assert updates.collect(_host())["package_lists_update_enabled"] is True


def test_periodic_enabled_is_false_when_interval_is_zero():
    settings = updates.parse_apt_config('APT::Periodic::Unattended-Upgrade "0";\n')
    assert updates.periodic_enabled(settings, "APT::Periodic::Unattended-Upgrade") is False


def test_periodic_enabled_is_false_when_setting_is_absent():
    settings = updates.parse_apt_config('APT::Periodic "";\nAPT::Architecture "amd64";\n')
    assert updates.periodic_enabled(settings, "APT::Periodic::Unattended-Upgrade") is False


def test_parse_apt_config_keeps_the_last_value_of_a_key():
    text = 'APT::Periodic::Unattended-Upgrade "1";\nAPT::Periodic::Unattended-Upgrade "0";\n'
    assert updates.parse_apt_config(text)["APT::Periodic::Unattended-Upgrade"] == "0"


def test_collect_reports_enabled_and_active_upgrade_timer():
    assert updates.collect(_host())["upgrade_timer_enabled"] is True


def test_collect_reports_disabled_upgrade_timer():
    host = _host(commands={TIMER_ENABLED_KEY: Result(1, "disabled\n", "")})
    assert updates.collect(host)["upgrade_timer_enabled"] is False


def test_collect_reports_enabled_but_stopped_upgrade_timer_as_not_enabled():
    host = _host(commands={TIMER_ACTIVE_KEY: Result(3, "inactive\n", "")})
    assert updates.collect(host)["upgrade_timer_enabled"] is False


def test_parse_policy_lists_packages_whose_candidate_is_newer():
    pending = updates.parse_policy(POLICY_OUTPUT)
    assert [item["package"] for item in pending] == ["apt", "libc-bin", "libssl3"]


def test_parse_policy_reads_versions_and_the_candidates_sources():
    assert updates.parse_policy(POLICY_OUTPUT)[2] == {
        "package": "libssl3",
        "current": "3.0.20-1~deb12u2",
        "candidate": "3.0.22-1~deb12u2",
        "origin": "http://deb.debian.org/debian-security bookworm-security/main",
        "security": True,
    }


def test_parse_policy_marks_a_point_release_update_as_not_security():
    libc = updates.parse_policy(POLICY_OUTPUT)[1]
    assert (libc["origin"], libc["security"]) == (
        "http://deb.debian.org/debian bookworm/main",
        False,
    )


def test_parse_policy_leaves_out_local_packages_and_pinned_downgrades():
    names = {item["package"] for item in updates.parse_policy(POLICY_OUTPUT)}
    assert not names & {"localtool", "pinned", "adduser"}


def test_parse_policy_of_a_security_update_also_in_the_stable_archive_is_security():
    text = POLICY_OUTPUT.replace(
        "        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages\n"
        " *** 2.6.1",
        "        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages\n"
        "        500 http://deb.debian.org/debian bookworm/main amd64 Packages\n"
        " *** 2.6.1",
    )
    apt = updates.parse_policy(text)[0]
    assert apt["origin"].count(", ") == 1 and apt["security"] is True


def test_parse_package_files_reads_sources_and_release_lines_without_dpkg_status():
    assert updates.parse_package_files(SOURCES_OUTPUT) == [
        {
            "source": "http://deb.debian.org/debian-security bookworm-security/main",
            "release": "v=12,o=Debian,a=oldstable-security,n=bookworm-security,"
            "l=Debian-Security,c=main,b=amd64",
        },
        {
            "source": "http://deb.debian.org/debian bookworm/main",
            "release": "v=12.15,o=Debian,a=oldstable,n=bookworm,l=Debian,c=main,b=amd64",
        },
    ]


def test_collect_lists_the_sources_and_the_security_ones():
    evidence = updates.collect(_host())
    assert evidence["sources"] == [
        "http://deb.debian.org/debian-security bookworm-security/main",
        "http://deb.debian.org/debian bookworm/main",
    ]
    assert evidence["security_sources"] == [
        "http://deb.debian.org/debian-security bookworm-security/main"
    ]


def test_collect_knows_a_mirrored_security_archive_by_its_release_label():
    mirrored = SOURCES_OUTPUT.replace(
        "http://deb.debian.org/debian-security bookworm-security/main",
        "http://mirror.example.edu.tw/sec stable/main",
    )
    evidence = updates.collect(_host(commands={SOURCES_KEY: mirrored}))
    assert evidence["security_sources"] == ["http://mirror.example.edu.tw/sec stable/main"]


def test_collect_marks_an_update_from_a_mirrored_security_archive_as_security():
    mirror = "http://mirror.example.edu.tw/sec stable/main"
    host = _host(
        commands={
            SOURCES_KEY: SOURCES_OUTPUT.replace(
                "http://deb.debian.org/debian-security bookworm-security/main", mirror
            ),
            POLICY_KEY: POLICY_OUTPUT.replace(
                "http://deb.debian.org/debian-security bookworm-security/main", mirror
            ),
        }
    )
    evidence = updates.collect(host)
    assert [item["package"] for item in evidence["pending"] if item["security"]] == [
        "apt",
        "libssl3",
    ]


def test_collect_without_package_lists_has_no_security_source():
    listing = "Package files:\n 100 /var/lib/dpkg/status\n     release a=now\nPinned packages:\n"
    evidence = updates.collect(_host(commands={SOURCES_KEY: listing}))
    assert (evidence["sources"], evidence["security_sources"]) == ([], [])


def test_is_security_origin_matches_local_security_codename():
    assert updates.is_security_origin("Edu-Test:1.0/bookworm-security") is True


def test_collect_counts_pending_security_updates():
    assert updates.collect(_host())["pending_security"] == 2


def test_collect_asks_apt_about_every_installed_package_in_one_command():
    assert [item["package"] for item in updates.collect(_host())["pending"]] == [
        "apt",
        "libc-bin",
        "libssl3",
    ]


def test_collect_reports_nothing_pending_on_up_to_date_host():
    evidence = updates.collect(_host(commands={POLICY_KEY: UP_TO_DATE_OUTPUT}))
    assert (evidence["pending"], evidence["pending_security"], evidence["error"]) == ([], 0, None)


def test_collect_reports_apt_cache_failure_as_error():
    stderr = (
        "E: The package lists or status file could not be parsed or opened.\n"
        "E: Unable to parse package file /var/lib/apt/lists/deb.debian.org_debian_dists_"
        "bookworm_main_binary-amd64_Packages (1)\n"
    )
    host = _host(commands={POLICY_KEY: Result(100, "", stderr)})
    assert updates.collect(host)["error"] == stderr.strip()


def test_collect_still_reports_configuration_when_apt_cache_fails():
    host = _host(commands={POLICY_KEY: Result(100, "", "E: Could not open lock file")})
    evidence = updates.collect(host)
    assert (evidence["pending"], evidence["auto_upgrade_enabled"]) == ([], True)


def test_collect_reports_reboot_required_with_packages_once_each():
    host = _host(
        files={
            "/run/reboot-required": "*** System restart required ***\n",
            "/run/reboot-required.pkgs": "linux-image-6.1.0-28-amd64\nlibc6\nlibc6\n",
        }
    )
    evidence = updates.collect(host)
    assert (evidence["reboot_required"], evidence["reboot_packages"]) == (
        True,
        ["linux-image-6.1.0-28-amd64", "libc6"],
    )


def test_collect_reports_no_reboot_required_without_flag_file():
    evidence = updates.collect(_host())
    assert (evidence["reboot_required"], evidence["reboot_packages"]) == (False, [])


def test_collect_on_host_without_apt_tools_reports_everything_off_and_why():
    assert updates.collect(RecordedHost()) == {
        "unattended_upgrades_installed": False,
        "auto_upgrade_enabled": False,
        "package_lists_update_enabled": False,
        "upgrade_timer_enabled": False,
        "sources": [],
        "security_sources": [],
        "pending": [],
        "pending_security": 0,
        "reboot_required": False,
        "reboot_packages": [],
        "kernel_running": None,
        "kernels_other": [],
        "kernel_outdated": None,
        "restart_services": [],
        "last_unattended_run": None,
        "security_lists_fetched": None,
        "now": updates.collect(RecordedHost())["now"],
        "last_patch_run": None,
        "release": None,
        "source_packages": {},
        "error": "dpkg-query is not installed (not found on the host)",
        "packages_error": "dpkg-query is not installed (not found on the host)",
        "config_error": "apt-config is not installed (not found on the host)",
        "sources_error": "apt-cache is not installed (not found on the host)",
        "restart_error": "needrestart is not installed (not found on the host)",
        "release_error": "/etc/os-release names no VERSION_CODENAME",
        "patch_run_error": None,
    }


def test_collect_output_is_json_serialisable():
    evidence = updates.collect(_host())
    assert json.loads(json.dumps(evidence)) == evidence


def test_failing_apt_config_is_a_config_error():
    host = _host(commands={APT_CONFIG_KEY: Result(100, "", "E: Syntax error in apt.conf.d")})
    assert updates.collect(host)["config_error"] == (
        "apt-config dump exited 100: E: Syntax error in apt.conf.d"
    )


def test_failing_source_listing_is_a_sources_error():
    host = _host(commands={SOURCES_KEY: Result(100, "", "E: Could not open lock file")})
    assert updates.collect(host)["sources_error"] == (
        "apt-cache policy exited 100: E: Could not open lock file"
    )


def test_host_with_apt_readable_has_no_errors():
    evidence = updates.collect(_host())
    assert [evidence[k] for k in ("packages_error", "config_error", "sources_error")] == [None] * 3


# ---------------------------------------------------------------- release, kernels, restarts

# /etc/os-release of Debian 12, trimmed.
OS_RELEASE = """\
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION_CODENAME=bookworm
ID=debian
# a comment=ignored
HOME_URL='https://www.debian.org/'
"""
NEEDRESTART_KEY = " ".join(updates.NEEDRESTART_ARGV)
# `needrestart -b -r l` on a Debian 12 host after an openssl and kernel upgrade.
NEEDRESTART_OUTPUT = """\
NEEDRESTART-VER: 3.6
NEEDRESTART-KCUR: 6.1.0-40-amd64
NEEDRESTART-KEXP: 6.1.0-41-amd64
NEEDRESTART-KSTA: 3
NEEDRESTART-SVC: ssh.service
NEEDRESTART-SVC: cron.service
NEEDRESTART-SVC: ssh.service
"""
DPKG_SOURCES_OUTPUT = (
    "libc6\t2.36-9+deb12u13\tinstall ok installed\tglibc\t2.36-9+deb12u13\n"
    "libssl3\t3.0.17-1~deb12u3\tinstall ok installed\topenssl\t3.0.17-1~deb12u3\n"
    "unattended-upgrades\t2.9.1+nmu3\tinstall ok installed\t\t\n"
)


def test_parse_os_release_reads_keys_and_drops_quotes():
    fields = updates.parse_os_release(OS_RELEASE)
    assert (fields["VERSION_CODENAME"], fields["VERSION_ID"], fields["HOME_URL"]) == (
        "bookworm",
        "12",
        "https://www.debian.org/",
    )
    assert fields["PRETTY_NAME"] == "Debian GNU/Linux 12 (bookworm)"
    assert "# a comment" not in fields


def test_parse_os_release_of_nothing_is_empty():
    assert updates.parse_os_release(None) == {}
    assert updates.parse_os_release("garbage\n=x\n") == {}


def test_parse_os_release_keeps_a_lone_quote():
    assert updates.parse_os_release('A="\nB=""\n') == {"A": '"', "B": ""}


def test_parse_needrestart_lists_services_once_and_the_kernel_state():
    assert updates.parse_needrestart(NEEDRESTART_OUTPUT) == {
        "services": ["cron.service", "ssh.service"],
        "kernel": "a newer kernel is installed",
    }


@pytest.mark.parametrize(
    ("state", "kernel"),
    [
        ("0", None),
        ("1", None),
        ("2", "an ABI-compatible kernel upgrade is installed"),
        ("3", "a newer kernel is installed"),
    ],
)
def test_parse_needrestart_kernel_states(state, kernel):
    assert updates.parse_needrestart(f"NEEDRESTART-KSTA: {state}\n")["kernel"] == kernel


def test_parse_needrestart_of_an_up_to_date_host_is_empty():
    text = "NEEDRESTART-VER: 3.6\nNEEDRESTART-KCUR: 6.1.0-41-amd64\nNEEDRESTART-KSTA: 1\n"
    assert updates.parse_needrestart(text) == {"services": [], "kernel": None}


def test_other_kernels_leaves_out_the_running_one():
    installed = ["/boot/vmlinuz-6.1.0-41-amd64", "/boot/vmlinuz-6.1.0-40-amd64", "/boot/vmlinuz-"]
    assert updates.other_kernels("6.1.0-41-amd64\n", installed) == ["6.1.0-40-amd64"]
    assert updates.other_kernels(None, installed) == ["6.1.0-40-amd64", "6.1.0-41-amd64"]
    assert updates.other_kernels("6.1.0-41-amd64", []) == []


def test_parse_patch_record_reads_the_playbooks_record():
    text = json.dumps(
        {
            "finished": "2026-11-20T03:00:00Z",
            "installed": ["openssl", 3],
            "rebooted": "yes",
            "reboot_owed": True,
        }
    )
    assert updates.parse_patch_record(text) == (
        {
            "finished": "2026-11-20T03:00:00Z",
            "installed": ["openssl", "3"],
            "rebooted": False,
            "reboot_owed": True,
        },
        None,
    )


def test_parse_patch_record_of_no_file_is_neither_record_nor_error():
    assert updates.parse_patch_record(None) == (None, None)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{", "not JSON"),
        ("[]", "no finishing time"),
        ('{"finished": "yesterday"}', "no finishing time"),
        ('{"installed": []}', "no finishing time"),
        ("", "not JSON"),
    ],
)
def test_an_unreadable_patch_record_says_why(text, why):
    record, error = updates.parse_patch_record(text)
    assert record is None
    assert error.startswith(f"{updates.PATCH_RECORD}: {why}")


def test_a_patch_record_with_installed_not_a_list_installs_nothing():
    record, _error = updates.parse_patch_record(
        '{"finished": "2026-11-20T03:00:00", "installed": "x"}'
    )
    assert record["installed"] == []


def _full_host(**overrides) -> RecordedHost:
    files = {
        updates.OS_RELEASE: OS_RELEASE,
        updates.RUNNING_KERNEL: "6.1.0-40-amd64\n",
        "/boot/vmlinuz-6.1.0-40-amd64": "",
        "/boot/vmlinuz-6.1.0-41-amd64": "",
    }
    files.update(overrides.pop("files", {}))
    commands = {
        DPKG_KEY: DPKG_SOURCES_OUTPUT,
        NEEDRESTART_KEY: NEEDRESTART_OUTPUT,
        "apt-cache policy libc6 libssl3 unattended-upgrades": "",
    }
    commands.update(overrides.pop("commands", {}))
    return _host(files=files, commands=commands, **overrides)


def test_collect_reports_release_kernels_restarts_and_sources():
    evidence = updates.collect(_full_host(mtimes={updates.UNATTENDED_STAMP: 1_795_000_000.0}))
    assert {
        key: evidence[key]
        for key in (
            "release",
            "release_error",
            "kernel_running",
            "kernels_other",
            "kernel_outdated",
            "restart_services",
            "restart_error",
            "last_unattended_run",
            "last_patch_run",
            "patch_run_error",
            "source_packages",
        )
    } == {
        "release": "bookworm",
        "release_error": None,
        "kernel_running": "6.1.0-40-amd64",
        "kernels_other": ["6.1.0-41-amd64"],
        "kernel_outdated": "a newer kernel is installed",
        "restart_services": ["cron.service", "ssh.service"],
        "restart_error": None,
        "last_unattended_run": 1_795_000_000.0,
        "last_patch_run": None,
        "patch_run_error": None,
        "source_packages": {
            "glibc": ["2.36-9+deb12u13"],
            "openssl": ["3.0.17-1~deb12u3"],
            "unattended-upgrades": ["2.9.1+nmu3"],
        },
    }


def test_collect_reports_a_failing_needrestart_and_lists_no_services():
    host = _full_host(commands={NEEDRESTART_KEY: Result(1, NEEDRESTART_OUTPUT, "Error: x")})
    evidence = updates.collect(host)
    assert evidence["restart_error"] == "needrestart -b -r l exited 1: Error: x"
    assert (evidence["restart_services"], evidence["kernel_outdated"]) == ([], None)


def test_collect_reports_a_release_without_codename_as_an_error():
    evidence = updates.collect(
        _full_host(files={updates.OS_RELEASE: 'ID=debian\nVERSION_ID="12"\n'})
    )
    assert (evidence["release"], evidence["release_error"]) == (
        None,
        "/etc/os-release names no VERSION_CODENAME",
    )


def test_collect_reads_the_patch_record_and_its_errors():
    record = '{"finished": "2026-11-20T03:00:00Z", "installed": ["openssl"], "rebooted": true}'
    evidence = updates.collect(_full_host(files={updates.PATCH_RECORD: record}))
    assert (evidence["last_patch_run"]["installed"], evidence["patch_run_error"]) == (
        ["openssl"],
        None,
    )
    evidence = updates.collect(_full_host(files={updates.PATCH_RECORD: "garbage"}))
    assert evidence["last_patch_run"] is None
    assert evidence["patch_run_error"].startswith(f"{updates.PATCH_RECORD}: not JSON")


def test_collect_of_a_container_without_boot_images_lists_no_other_kernel():
    host = _full_host()
    for path in [p for p in host.files if p.startswith("/boot/")]:
        del host.files[path]
    assert updates.collect(host)["kernels_other"] == []


def test_security_lists_fetched_is_the_newest_security_release_file():
    lists = "/var/lib/apt/lists/"
    host = _host(
        mtimes={
            lists + "deb.debian.org_debian-security_dists_bookworm-security_InRelease": 100.0,
            lists + "_srv_local-mirror_dists_bookworm-security_InRelease": 300.0,
            lists + "deb.debian.org_debian_dists_bookworm_InRelease": 900.0,
        }
    )
    assert updates.collect(host)["security_lists_fetched"] == 300.0


def test_security_lists_fetched_is_none_without_a_security_release_file():
    assert updates.collect(_host())["security_lists_fetched"] is None
