# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The patching rule (MOE-17)."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    Rule,
    Verdict,
    missing,
    verdict,
)


def patching(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-17: automatic security updates on, nothing security-relevant pending, no reboot owed."""
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
    shown = {
        key: up[key]
        for key in (
            "unattended_upgrades_installed",
            "auto_upgrade_enabled",
            "security_sources",
            "pending_security",
            "reboot_required",
        )
    }
    shown["pending"] = [f"{p['package']} {p['current']} -> {p['candidate']}" for p in up["pending"]]
    return verdict(reasons, shown)


RULES: dict[str, Rule] = {"MOE-17": patching}
