# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for MOE-17 (patching): automatic upgrades, the archives apt knows (the security
ones among them), pending updates, reboot state."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    command_failure,
    unit_active,
    unit_enabled,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)

AREA = "updates"

APT_CONFIG_ARGV = ["apt-config", "dump"]
POLICY_ARGV = ["apt-cache", "policy"]
"""Alone: the package files apt has (its sources). Followed by package names: their
installed and candidate versions."""
UPGRADE_TIMER = "apt-daily-upgrade.timer"
REBOOT_REQUIRED = "/run/reboot-required"
REBOOT_REQUIRED_PKGS = "/run/reboot-required.pkgs"

_CONFIG_LINE = re.compile(r'^(?P<key>\S+)\s+"(?P<value>.*)";\s*$')
# A source as `apt-cache policy` prints it, under "Package files:" and under each version of
# a package's version table: "PRIORITY URI SUITE/COMPONENT ARCH Packages" (or the dpkg
# status file), indented. Under "Package files:" a line "release v=12,o=Debian,...,
# l=Debian-Security,..." follows each source. In a version table, " *** VERSION PRIORITY"
# marks the installed version and "     VERSION PRIORITY" the others, newest first.
_SOURCE_LINE = re.compile(r"^ *-?\d+ (?P<source>\S+(?: \S+)?)(?: \S+ Packages)?$")
_VERSION_LINE = re.compile(r"^ (?:\*\*\*| {3}) (?P<version>\S+) -?\d+$")


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


def parse_package_files(text: str) -> list[dict]:
    """The package files of ``apt-cache policy`` (no names): ``source`` (``URI SUITE/COMPONENT``)
    and ``release`` (apt's release line, e.g. ``v=12,o=Debian,...,l=Debian-Security``).

    The dpkg status file is left out: it is not a source.
    """
    files: list[dict] = []
    for line in text.split("Pinned packages:")[0].splitlines():
        source = _SOURCE_LINE.match(line)
        if source:
            files.append({"source": source.group("source"), "release": ""})
        elif line.strip().startswith("release ") and files:
            files[-1]["release"] = line.strip()[len("release ") :]
    return [item for item in files if not item["source"].startswith("/")]


def parse_policy(text: str, security_sources: Iterable[str] = ()) -> list[dict]:
    """Pending upgrades from ``apt-cache policy NAME...``: installed packages whose candidate
    version is newer than the installed one (listed above it in the version table).

    This is what an upgrade would bring, including updates ``apt-get upgrade`` keeps back;
    ``origin`` lists the candidate's sources (``URI SUITE/COMPONENT``), comma-separated.
    An update is a security one when a source's name says so or the source is one of
    ``security_sources`` (known by its release label, e.g. a mirror).
    Packages not installed or without a candidate are left out.
    """
    security_sources = set(security_sources)
    pending = []
    for block in re.split(r"\n(?=\S)", text):
        lines = block.splitlines()
        if not lines or not lines[0].endswith(":"):
            continue
        table = next((i for i, line in enumerate(lines) if line.strip() == "Version table:"), 0)
        fields = dict(line.strip().split(": ", 1) for line in lines[1:table] if ": " in line)
        current, candidate = fields.get("Installed"), fields.get("Candidate")
        if current in (None, "(none)") or candidate in (None, "(none)", current):
            continue
        versions: list[str] = []
        sources: dict[str, list[str]] = {}
        for line in lines[table + 1 :]:
            version = _VERSION_LINE.match(line)
            if version:
                versions.append(version.group("version"))
                continue
            source = _SOURCE_LINE.match(line)
            if source and versions:
                sources.setdefault(versions[-1], []).append(source.group("source"))
        if candidate not in versions or current not in versions:
            continue
        if versions.index(candidate) > versions.index(current):
            continue  # a pinned older candidate is a downgrade, not a pending update
        origins = sources.get(candidate, [])
        pending.append(
            {
                "package": lines[0][:-1],
                "current": current,
                "candidate": candidate,
                "origin": ", ".join(origins),
                "security": any(
                    is_security_origin(origin) or origin in security_sources for origin in origins
                ),
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
    return unit_enabled(host, unit) and unit_active(host, unit) is True


def collect(host: HostReader) -> dict:
    """Patching evidence: see the module docstring and the area's schema."""
    packages, packages_error = package_list(host)
    config = host.run(APT_CONFIG_ARGV)
    config_error = command_failure(APT_CONFIG_ARGV, config)
    settings = parse_apt_config(config.out) if config_error is None else {}
    sources = host.run(POLICY_ARGV)
    sources_error = command_failure(POLICY_ARGV, sources)
    package_files = parse_package_files(sources.out) if sources_error is None else []
    security_sources = [
        item["source"]
        for item in package_files
        if is_security_origin(f"{item['source']} {item['release']}")
    ]
    error: str | None = None
    pending: list[dict] = []
    if packages_error is not None:
        error = packages_error
    else:
        # Reads apt's binary cache only: a simulated upgrade costs ten times more per host.
        policy = host.run(POLICY_ARGV + sorted(packages))
        if policy.rc == 0:
            pending = parse_policy(policy.out, security_sources)
        else:
            error = policy.err.strip() or f"apt-cache policy exited with {policy.rc}"
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
        "sources": [item["source"] for item in package_files],
        "security_sources": security_sources,
        "pending": pending,
        "pending_security": sum(1 for item in pending if item["security"]),
        "reboot_required": reboot_required,
        "reboot_packages": parse_reboot_packages(host.read(REBOOT_REQUIRED_PKGS)),
        "error": error,
        "packages_error": packages_error,
        "config_error": config_error,
        "sources_error": sources_error,
    }
