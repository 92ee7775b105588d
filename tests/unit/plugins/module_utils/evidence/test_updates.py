# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/updates.py."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import updates
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    RecordedHost,
    Result,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)

DPKG_KEY = " ".join(DPKG_QUERY_ARGV)
APT_CONFIG_KEY = "apt-config dump"
SIMULATE_KEY = "apt-get -s -o Debug::NoLocking=true upgrade"
TIMER_ENABLED_KEY = "systemctl is-enabled apt-daily-upgrade.timer"
TIMER_ACTIVE_KEY = "systemctl is-active apt-daily-upgrade.timer"

DPKG_OUTPUT = (
    "apt\t2.6.1\tinstall ok installed\nunattended-upgrades\t2.9.1+nmu3\tinstall ok installed\n"
)

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

# `apt-get -s -o Debug::NoLocking=true upgrade` on Debian 12 with one point-release
# update, one security update (in both archives) and one new dependency.
SIMULATE_OUTPUT = """\
NOTE: This is only a simulation!
      apt-get needs root privileges for real execution.
      Keep also in mind that locking is deactivated,
      so don't depend on the relevance to the real current situation!
Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
The following NEW packages will be installed:
  linux-image-6.1.0-28-amd64
The following packages will be upgraded:
  libc-bin openssl
2 upgraded, 1 newly installed, 0 to remove and 0 not upgraded.
Inst libc-bin [2.36-9+deb12u7] (2.36-9+deb12u9 Debian:12.9/stable [amd64]) []
Inst openssl [3.0.14-1~deb12u2] (3.0.15-1~deb12u1 Debian:12.9/stable, Debian-Security:12/stable-security [amd64])
Inst linux-image-6.1.0-28-amd64 (6.1.119-1 Debian-Security:12/stable-security [amd64])
Conf libc-bin (2.36-9+deb12u9 Debian:12.9/stable [amd64])
Conf openssl (3.0.15-1~deb12u1 Debian:12.9/stable, Debian-Security:12/stable-security [amd64])
Conf linux-image-6.1.0-28-amd64 (6.1.119-1 Debian-Security:12/stable-security [amd64])
"""  # noqa: E501 - apt's lines are long

UP_TO_DATE_OUTPUT = """\
Reading package lists...
Building dependency tree...
Reading state information...
Calculating upgrade...
0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.
"""


def _host(**overrides) -> RecordedHost:
    """A Debian 12 host with unattended-upgrades configured and pending updates."""
    commands = {
        DPKG_KEY: DPKG_OUTPUT,
        APT_CONFIG_KEY: APT_CONFIG_OUTPUT,
        SIMULATE_KEY: SIMULATE_OUTPUT,
        TIMER_ENABLED_KEY: "enabled\n",
        TIMER_ACTIVE_KEY: "active\n",
    }
    commands.update(overrides.pop("commands", {}))
    return RecordedHost(commands=commands, **overrides)


def test_collect_reports_unattended_upgrades_installed():
    assert updates.collect(_host())["unattended_upgrades_installed"] is True


def test_collect_reports_unattended_upgrades_missing():
    host = _host(commands={DPKG_KEY: "apt\t2.6.1\tinstall ok installed\n"})
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


def test_parse_simulated_upgrade_reads_package_versions_and_origin():
    assert updates.parse_simulated_upgrade(SIMULATE_OUTPUT)[0] == {
        "package": "libc-bin",
        "current": "2.36-9+deb12u7",
        "candidate": "2.36-9+deb12u9",
        "origin": "Debian:12.9/stable",
        "security": False,
    }


def test_parse_simulated_upgrade_marks_update_from_security_archive():
    pending = updates.parse_simulated_upgrade(SIMULATE_OUTPUT)
    assert pending[1]["origin"] == "Debian:12.9/stable, Debian-Security:12/stable-security"
    assert pending[1]["security"] is True


def test_parse_simulated_upgrade_reports_new_package_without_current_version():
    assert updates.parse_simulated_upgrade(SIMULATE_OUTPUT)[2]["current"] is None


def test_parse_simulated_upgrade_ignores_conf_lines():
    assert len(updates.parse_simulated_upgrade(SIMULATE_OUTPUT)) == 3


def test_is_security_origin_matches_local_security_codename():
    assert updates.is_security_origin("Edu-Test:1.0/bookworm-security") is True


def test_collect_counts_pending_security_updates():
    assert updates.collect(_host())["pending_security"] == 2


def test_collect_reports_nothing_pending_on_up_to_date_host():
    evidence = updates.collect(_host(commands={SIMULATE_KEY: UP_TO_DATE_OUTPUT}))
    assert (evidence["pending"], evidence["pending_security"], evidence["error"]) == ([], 0, None)


def test_collect_reports_apt_get_failure_as_error():
    stderr = (
        "E: The package lists or status file could not be parsed or opened.\n"
        "E: Unable to parse package file /var/lib/apt/lists/deb.debian.org_debian_dists_"
        "bookworm_main_binary-amd64_Packages (1)\n"
    )
    host = _host(commands={SIMULATE_KEY: Result(100, "Reading package lists...\n", stderr)})
    assert updates.collect(host)["error"] == stderr.strip()


def test_collect_still_reports_configuration_when_apt_get_fails():
    host = _host(commands={SIMULATE_KEY: Result(100, "", "E: Could not open lock file")})
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


def test_collect_on_host_without_apt_tools_reports_everything_off():
    assert updates.collect(RecordedHost()) == {
        "unattended_upgrades_installed": False,
        "auto_upgrade_enabled": False,
        "package_lists_update_enabled": False,
        "upgrade_timer_enabled": False,
        "pending": [],
        "pending_security": 0,
        "reboot_required": False,
        "reboot_packages": [],
        "error": "apt-get: not found",
    }


def test_collect_output_is_json_serialisable():
    evidence = updates.collect(_host())
    assert json.loads(json.dumps(evidence)) == evidence
