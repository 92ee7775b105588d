# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for MOE-17 (patching): automatic upgrades, pending updates, reboot state."""

from __future__ import annotations

import re

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import HostReader
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    installed_packages,
)

AREA = "updates"

APT_CONFIG_ARGV = ["apt-config", "dump"]
SIMULATE_ARGV = ["apt-get", "-s", "-o", "Debug::NoLocking=true", "upgrade"]
UPGRADE_TIMER = "apt-daily-upgrade.timer"
REBOOT_REQUIRED = "/run/reboot-required"
REBOOT_REQUIRED_PKGS = "/run/reboot-required.pkgs"

_CONFIG_LINE = re.compile(r'^(?P<key>\S+)\s+"(?P<value>.*)";\s*$')
# Inst NAME [CURRENT] (CANDIDATE ORIGIN:VERSION/ARCHIVE[, ...] [ARCH]) [BROKEN ...]
_INST_LINE = re.compile(
    r"^Inst (?P<package>\S+)"
    r"(?: \[(?P<current>[^\]]*)\])?"
    r" \((?P<candidate>\S+)(?: (?P<origin>[^()]*?))?(?: \[[^\]]*\])?\)"
)


def parse_apt_config(text: str) -> dict[str, str]:
    """Scalar settings from ``apt-config dump`` (``Key::Name "value";``), last one wins."""
    settings: dict[str, str] = {}
    for line in text.splitlines():
        match = _CONFIG_LINE.match(line.strip())
        if match:
            settings[match.group("key")] = match.group("value")
    return settings


def periodic_enabled(settings: dict[str, str], key: str) -> bool:
    """Whether an ``APT::Periodic`` interval is set and not zero (apt.systemd.daily's rule)."""
    value = settings.get(key)
    return value is not None and value.strip() not in ("", "0")


def is_security_origin(origin: str) -> bool:
    """Whether an apt origin string names a security archive."""
    return "-security" in origin or "Debian-Security" in origin


def parse_simulated_upgrade(text: str) -> list[dict]:
    """Pending upgrades from the ``Inst`` lines of ``apt-get -s upgrade``.

    ``origin`` is apt's release string without the architecture, e.g.
    ``Debian-Security:12/stable-security``; ``current`` is None for a new package.
    """
    pending = []
    for line in text.splitlines():
        match = _INST_LINE.match(line)
        if not match:
            continue
        origin = (match.group("origin") or "").strip()
        pending.append(
            {
                "package": match.group("package"),
                "current": match.group("current") or None,
                "candidate": match.group("candidate"),
                "origin": origin,
                "security": is_security_origin(origin),
            }
        )
    return pending


def parse_reboot_packages(text: str | None) -> list[str]:
    """Package names from /run/reboot-required.pkgs, once each, in file order."""
    names: list[str] = []
    for line in (text or "").splitlines():
        name = line.strip()
        if name and name not in names:
            names.append(name)
    return names


def timer_enabled(host: HostReader, unit: str) -> bool:
    """Whether a timer is both enabled (survives a reboot) and active (running now)."""
    enabled = host.run(["systemctl", "is-enabled", unit])
    active = host.run(["systemctl", "is-active", unit])
    return (
        enabled.rc == 0
        and enabled.out.strip() == "enabled"
        and active.rc == 0
        and active.out.strip() == "active"
    )


def collect(host: HostReader) -> dict:
    """Patching evidence: see the module docstring and the area's schema."""
    packages = installed_packages(host)
    config = host.run(APT_CONFIG_ARGV)
    settings = parse_apt_config(config.out) if config.rc == 0 else {}
    simulated = host.run(SIMULATE_ARGV)
    error: str | None = None
    pending: list[dict] = []
    if simulated.rc == 0:
        pending = parse_simulated_upgrade(simulated.out)
    else:
        error = simulated.err.strip() or f"apt-get -s upgrade exited with {simulated.rc}"
    reboot_required = (
        host.read(REBOOT_REQUIRED) is not None or host.mtime(REBOOT_REQUIRED) is not None
    )
    return {
        "unattended_upgrades_installed": "unattended-upgrades" in packages,
        "auto_upgrade_enabled": periodic_enabled(settings, "APT::Periodic::Unattended-Upgrade"),
        "package_lists_update_enabled": periodic_enabled(
            settings, "APT::Periodic::Update-Package-Lists"
        ),
        "upgrade_timer_enabled": timer_enabled(host, UPGRADE_TIMER),
        "pending": pending,
        "pending_security": sum(1 for item in pending if item["security"]),
        "reboot_required": reboot_required,
        "reboot_packages": parse_reboot_packages(host.read(REBOOT_REQUIRED_PKGS)),
        "error": error,
    }
