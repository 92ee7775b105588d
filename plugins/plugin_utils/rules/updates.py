# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The patching rule (MOE-17)."""

from __future__ import annotations

import time

from ansible_collections.edu_tw.hardening.plugins.plugin_utils import (
    debian_version,
    vulnerabilities,
)
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    VULNERABILITY_SCAN,
    Rule,
    Verdict,
    missing,
    verdict,
)

SCAN_NOT_CONFIGURED = (
    "no tracker data configured (audit_vulnerability_tracker): the vulnerability scan used "
    "the pending security updates only"
)
SHOWN_FINDINGS = 200
"""The most findings of one class listed per host (all are counted)."""


def newer_kernels(running: str | None, others: list[str]) -> list[str]:
    """The installed kernels newer than the running one, in Debian version order; a name the
    comparator cannot read counts as newer (a reboot owed is never hidden)."""
    if not running:
        return []
    newer = []
    for name in others:
        try:
            if debian_version.compare(name, running) > 0:
                newer.append(name)
        except debian_version.VersionError:
            newer.append(name)
    return newer


def _finding(item: dict) -> str:
    text = f"{item['cve']} {item['package']} {item['installed']}"
    if item.get("fixed"):
        text += f" -> {item['fixed']}"
    text += f" ({item['urgency']})"
    return text + (f": {item['reason']}" if item.get("reason") else "")


def vulnerability_scan(scan: dict | None, th: dict) -> tuple[list[str], dict]:
    """The reasons and the evidence of the host's vulnerability scan (see
    edu_tw.hardening.vulnerability_scan): fixes available at the site's urgency or above fail;
    a scan that could not be made fails; tracker data older than the catalogue allows fails."""
    if scan is None:
        return [], {"configured": False, "note": SCAN_NOT_CONFIGURED}
    tracker = scan.get("tracker") or {}
    shown: dict = {
        "configured": True,
        "tracker": {
            key: tracker.get(key)
            for key in (
                "location",
                "sha256",
                "bytes",
                "modified",
                "read_at",
                "seconds",
                "entries",
                "skipped",
            )
        },
    }
    if scan.get("error"):
        return [f"{MISSING}: vulnerability scan: {scan['error']}"], shown
    reasons = []
    max_days = th["tracker_max_age_days"]
    modified, read_at = tracker.get("modified"), tracker.get("read_at")
    if not isinstance(modified, (int, float)) or not isinstance(read_at, (int, float)):
        reasons.append(
            f"{MISSING}: vulnerability scan: the tracker document's age is unknown (the server "
            "sent no Last-Modified); its data must be at most "
            f"{max_days} days old"
        )
    elif modified > read_at + 3600:
        reasons.append(
            f"{MISSING}: vulnerability scan: the tracker document is dated in the future "
            "(a wrong clock where it was made, or a document that is not what it says)"
        )
    elif read_at - modified > max_days * 86400:
        reasons.append(
            f"the tracker document is {int((read_at - modified) // 86400)} days old (at most "
            f"{max_days}): refresh the site's copy"
        )
    skipped, entries = tracker.get("skipped") or 0, tracker.get("entries") or 0
    if skipped > max(10, (skipped + entries) // 100):
        reasons.append(
            f"{MISSING}: vulnerability scan: {skipped} of the tracker document's entries "
            f"could not be read ({entries} could): not the tracker's format"
        )
    threshold = scan.get("min_urgency") or "medium"
    open_fixes = vulnerabilities.failing(scan, threshold)
    if open_fixes:
        reasons.append(
            f"{len(open_fixes)} vulnerability fix(es) of {threshold} urgency or above available "
            "but not installed: "
            + "; ".join(_finding(f) for f in open_fixes[:20])
            + ("; ..." if len(open_fixes) > 20 else "")
        )
    if scan.get("unreadable"):
        reasons.append(
            f"{MISSING}: vulnerability scan: installed versions it could not compare: "
            + ", ".join(f"{f['package']} {f['installed']}" for f in scan["unreadable"][:20])
        )
    shown.update(release=scan.get("release"), min_urgency=threshold, packages=scan.get("packages"))
    for name in (*vulnerabilities.CLASSES, "unreadable"):
        items = scan.get(name) or []
        shown[f"{name}_count"] = len(items)
        shown[name] = [_finding(f) for f in items[:SHOWN_FINDINGS]]
    return reasons, shown


def patching(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-17: automatic security updates on, nothing security-relevant pending, no reboot or
    restart owed, no fix of the site's urgency available but not installed."""
    up = ev["updates"]
    unread_packages = missing(ev, "updates", "packages")
    unread_config = missing(ev, "updates", "config")
    unread_sources = missing(ev, "updates", "sources")
    reasons = unread_packages + unread_config + unread_sources
    if up["error"] and not unread_packages:
        reasons.append(f"{MISSING}: updates: pending updates could not be listed: {up['error']}")
    if not up["unattended_upgrades_installed"] and not unread_packages:
        reasons.append("unattended-upgrades is not installed")
    if not up["auto_upgrade_enabled"] and not unread_config:
        reasons.append("automatic upgrades are off (APT::Periodic::Unattended-Upgrade)")
    if not up["package_lists_update_enabled"] and not unread_config:
        reasons.append(
            "package lists are not refreshed automatically (APT::Periodic::Update-Package-Lists)"
        )
    if not up["error"] and not unread_sources and not up["security_sources"]:
        reasons.append(
            "apt has no security archive among its package lists: security updates cannot "
            "arrive (add the release's -security suite to the sources and refresh the lists)"
        )
    if up["pending_security"]:
        names = sorted(p["package"] for p in up["pending"] if p["security"])
        reasons.append(f"{up['pending_security']} security update(s) pending: {', '.join(names)}")
    if up["reboot_required"]:
        reasons.append(
            "a reboot is required to apply updates: "
            + (", ".join(up["reboot_packages"]) or "packages not recorded")
        )
    kernels = newer_kernels(up["kernel_running"], up["kernels_other"])
    if kernels:
        reasons.append(
            f"a reboot is owed: the running kernel {up['kernel_running']} is older than the "
            f"installed {', '.join(kernels)}"
        )
    elif up["kernel_outdated"]:
        reasons.append(
            f"a reboot is owed: {up['kernel_outdated']} (needrestart; running "
            f"{up['kernel_running']})"
        )
    fetched, now = up["security_lists_fetched"], up["now"]
    max_days = th["security_lists_max_age_days"]
    if up["security_sources"] and fetched is not None and now - fetched > max_days * 86400:
        reasons.append(
            f"the security archive's package lists are {int((now - fetched) // 86400)} days old "
            f"(at most {max_days}): apt cannot refresh them (a mirror out of reach or stale?), "
            "so pending security updates cannot be seen"
        )
    reasons += missing(ev, "updates", "restart")
    if up["restart_services"]:
        reasons.append(
            "services still run the code that updates replaced (restart them): "
            + ", ".join(up["restart_services"])
        )
    reasons += missing(ev, "updates", "patch_run")
    scan_reasons, scan_shown = vulnerability_scan(inputs.get(VULNERABILITY_SCAN), th)
    reasons += scan_reasons
    shown = {
        key: up[key]
        for key in (
            "unattended_upgrades_installed",
            "auto_upgrade_enabled",
            "security_sources",
            "pending_security",
            "reboot_required",
            "kernel_running",
            "restart_services",
            "last_patch_run",
        )
    }
    shown["pending"] = [f"{p['package']} {p['current']} -> {p['candidate']}" for p in up["pending"]]
    shown["last_unattended_run"] = _iso(up["last_unattended_run"])
    shown["security_lists_fetched"] = _iso(up["security_lists_fetched"])
    shown["vulnerability_scan"] = scan_shown
    return verdict(reasons, shown)


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


RULES: dict[str, Rule] = {"MOE-17": patching}
