# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for MOE-17 (patching): automatic upgrades, the archives apt knows (the security
ones among them), pending updates, reboot and restarts owed, the last automatic and patch
runs, and the installed source packages that the controller's vulnerability scan matches
against the security tracker."""

from __future__ import annotations

import json
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
    source_package_list,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.timestamps import (
    parse_iso_time,
)

AREA = "updates"

APT_CONFIG_ARGV = ["apt-config", "dump"]
POLICY_ARGV = ["apt-cache", "policy"]
"""Alone: the package files apt has (its sources). Followed by package names: their
installed and candidate versions."""
UPGRADE_TIMER = "apt-daily-upgrade.timer"
REBOOT_REQUIRED = "/run/reboot-required"
REBOOT_REQUIRED_PKGS = "/run/reboot-required.pkgs"
OS_RELEASE = "/etc/os-release"
RUNNING_KERNEL = "/proc/sys/kernel/osrelease"
INSTALLED_KERNELS = "/boot/vmlinuz-*"
NEEDRESTART_ARGV = ["needrestart", "-b", "-r", "l"]
"""Batch mode, list only: the services running outdated code (``NEEDRESTART-SVC:``) and the
kernel's state (``NEEDRESTART-KSTA:``); it restarts nothing."""
UNATTENDED_STAMP = "/var/lib/apt/periodic/unattended-upgrades-stamp"
"""Touched by apt.systemd.daily only after unattended-upgrade succeeded."""
SECURITY_LISTS = (
    "/var/lib/apt/lists/*security*_InRelease",
    "/var/lib/apt/lists/*security*_Release",
)
"""The release files apt fetched of the security archive (apt names a list file after its URI
and suite); apt gives them the server's time."""
PATCH_RECORD = "/var/lib/edu_tw_hardening/patch-run.json"
"""Written by the collection's patch playbook at the end of each host's run."""
# needrestart's kernel states: 0 unknown, 1 current, 2 an ABI-compatible upgrade pending
# (same release name, newer build), 3 a newer kernel installed.
_KERNEL_STATES = {
    "2": "an ABI-compatible kernel upgrade is installed",
    "3": "a newer kernel is installed",
}

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


def parse_os_release(text: str | None) -> dict[str, str]:
    """The ``KEY=value`` pairs of /etc/os-release, quotes removed (os-release(5))."""
    fields: dict[str, str] = {}
    for line in (text or "").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            fields[key] = value
    return fields


def parse_needrestart(text: str) -> dict:
    """What ``needrestart -b`` reports: ``services`` to restart (sorted, once each) and
    ``kernel``, why the running kernel is outdated (None when it is not, or unknown)."""
    services: set[str] = set()
    kernel = None
    for line in text.splitlines():
        key, _sep, value = line.partition(": ")
        if key == "NEEDRESTART-SVC" and value.strip():
            services.add(value.strip())
        elif key == "NEEDRESTART-KSTA":
            kernel = _KERNEL_STATES.get(value.strip())
    return {"services": sorted(services), "kernel": kernel}


def other_kernels(running: str | None, installed: Iterable[str]) -> list[str]:
    """The installed kernel images (``/boot/vmlinuz-RELEASE``) other than the running release,
    as release names. Which of them is newer is the controller's to judge (Debian version
    order); a host whose /boot holds none (a container) lists none."""
    names = [path.rsplit("/", 1)[-1][len("vmlinuz-") :] for path in installed]
    return sorted(name for name in names if name and name != (running or "").strip())


def parse_patch_record(text: str | None) -> tuple[dict | None, str | None]:
    """The patch playbook's last record (``finished``, ``installed``, ``rebooted``,
    ``reboot_owed``) and why it could not be read; (None, None) when there is none."""
    if text is None:
        return None, None
    try:
        record = json.loads(text)
    except ValueError as exc:
        return None, f"{PATCH_RECORD}: not JSON: {exc}"
    if not isinstance(record, dict) or parse_iso_time(record.get("finished")) is None:
        return None, f"{PATCH_RECORD}: no finishing time"
    installed = record.get("installed")
    return {
        "finished": record["finished"],
        "installed": [str(item) for item in installed] if isinstance(installed, list) else [],
        "rebooted": record.get("rebooted") is True,
        "reboot_owed": record.get("reboot_owed") is True,
    }, None


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
    sources_installed, _error = source_package_list(host)  # packages_error says why not
    os_release = parse_os_release(host.read(OS_RELEASE))
    release = os_release.get("VERSION_CODENAME") or None
    running_kernel = (host.read(RUNNING_KERNEL) or "").strip() or None
    restart = host.run(NEEDRESTART_ARGV)
    restart_error = command_failure(NEEDRESTART_ARGV, restart)
    restarts = parse_needrestart(restart.out) if restart_error is None else {}
    patch_run, patch_run_error = parse_patch_record(host.read(PATCH_RECORD))
    fetched = [host.mtime(path) for pattern in SECURITY_LISTS for path in host.glob(pattern)]
    fetched = [when for when in fetched if when is not None]
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
        "kernel_running": running_kernel,
        "kernels_other": other_kernels(running_kernel, host.glob(INSTALLED_KERNELS)),
        "kernel_outdated": restarts.get("kernel"),
        "restart_services": restarts.get("services", []),
        "last_unattended_run": host.mtime(UNATTENDED_STAMP),
        "security_lists_fetched": max(fetched) if fetched else None,
        "now": host.now(),
        "last_patch_run": patch_run,
        "release": release,
        "source_packages": sources_installed,
        "error": error,
        "packages_error": packages_error,
        "config_error": config_error,
        "sources_error": sources_error,
        "restart_error": restart_error,
        "release_error": None if release else f"{OS_RELEASE} names no VERSION_CODENAME",
        "patch_run_error": patch_run_error,
    }
