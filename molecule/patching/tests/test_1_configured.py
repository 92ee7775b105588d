# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The converged host: apt knows the security archive from the role's own file, and
unattended-upgrades installs from security origins only, on apt's daily timers."""

from __future__ import annotations

from patch_helpers import PERIODIC_CONF, SOURCES, UNATTENDED_CONF, audit, codename


def test_apt_lists_the_security_archive_from_the_roles_file(host):
    sources = host.file(SOURCES).content_string
    assert "URIs: file:/srv/local-mirror" in sources
    assert f"Suites: {codename(host)}-security" in sources
    assert "Signed-By: /usr/local/share/keyrings/edu-tw-test-archive.gpg" in sources
    policy = host.check_output("apt-cache policy")
    assert f"file:/srv/local-mirror {codename(host)}-security/main" in policy
    assert "l=Debian-Security" in policy


def test_unattended_upgrades_takes_security_origins_only(host):
    dump = host.check_output("apt-config dump Unattended-Upgrade::Origins-Pattern")
    patterns = [line.split('"')[1] for line in dump.splitlines() if '::Origins-Pattern:: "' in line]
    assert patterns == [
        "origin=Debian,codename=${distro_codename}-security,label=Debian-Security",
        "origin=Debian,codename=${distro_codename},label=Debian-Security",
    ]
    # Debian's own file, which also allows point releases, is left as the package ships it.
    assert 'label=Debian"' in host.file("/etc/apt/apt.conf.d/50unattended-upgrades").content_string
    assert host.file(UNATTENDED_CONF).mode == 0o644


def test_apt_refreshes_and_upgrades_every_day(host):
    settings = host.check_output("apt-config dump APT::Periodic")
    assert 'APT::Periodic::Update-Package-Lists "1";' in settings
    assert 'APT::Periodic::Unattended-Upgrade "1";' in settings
    assert host.file(PERIODIC_CONF).exists
    for timer in ("apt-daily.timer", "apt-daily-upgrade.timer"):
        assert host.service(timer).is_enabled
        assert host.service(timer).is_running


def test_converged_host_passes_moe17_and_says_the_scan_used_pending_updates_only(host, tmp_path):
    verdict = audit(host.backend.name, tmp_path)
    assert verdict["status"] == "pass", verdict["reasons"]
    assert verdict["evidence"]["security_sources"] == [
        f"file:/srv/local-mirror {codename(host)}-security/main"
    ]
    assert verdict["evidence"]["vulnerability_scan"]["configured"] is False
    assert "pending security updates only" in verdict["evidence"]["vulnerability_scan"]["note"]
