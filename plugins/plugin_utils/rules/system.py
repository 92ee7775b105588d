# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The rules on the system area: idle logout (MOE-20), file sharing (MOE-21), the access
review (MOE-22), capacity (MOE-23..28), backups (MOE-29..30) and logs (MOE-31..32,
MOE-42.1.5)."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.common import (
    MISSING,
    Rule,
    Verdict,
    missing,
    verdict,
)


def idle_logout(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-20: a readonly idle shell timeout within the limit, and no console autologin."""
    idle = ev["system"]["idle_timeout"]
    reasons = []
    if idle["tmout"] is None:
        reasons.append("no idle shell timeout (TMOUT)")
    else:
        if idle["tmout"] > th["idle_timeout_max_seconds"]:
            reasons.append(f"TMOUT is {idle['tmout']} s (limit {th['idle_timeout_max_seconds']} s)")
        if not idle["readonly"]:
            reasons.append("TMOUT is not readonly: users can unset it")
    reasons += missing(ev, "system", "console_autologin")
    reasons += [f"console autologin: {f}" for f in ev["system"]["console_autologin"]]
    return verdict(
        reasons, {"idle_timeout": idle, "console_autologin": ev["system"]["console_autologin"]}
    )


def file_sharing(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-21: no SMB/NFS server unless the site declares it."""
    sharing = ev["system"]["file_sharing"]
    allowed = set(inputs.get("baseline_file_sharing_services") or [])
    unread = missing(ev, "system", "packages")
    if unread:
        return Verdict("fail", unread, {"declared": sorted(allowed)})
    reasons = [
        f"{name} server installed but not declared"
        for name, on in sharing.items()
        if on and name not in allowed
    ]
    return verdict(reasons, {"file_sharing": sharing, "declared": sorted(allowed)})


def access_review(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-22: the list of OS and database administrators, each with a named owner."""
    sudo = ev["system"]["sudoers"]
    owners = inputs.get("password_policy_owners") or {}
    reasons = [f"{MISSING}: system: {sudo['error']}"] if sudo.get("error") else []
    if owners:
        reasons += [
            f"administrator {name} has no named owner"
            for name in sudo["members"]
            if name not in owners
        ]
    shown = {
        "sudo_members": sudo["members"],
        "nopasswd": sudo["nopasswd"],
        "owner_map_given": bool(owners),
    }
    return verdict(reasons, shown)


def capacity(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-23..28: no filesystem above the usage limit (space or inodes)."""
    limit = th["disk_use_max_percent"]
    reasons = missing(ev, "system", "filesystems")
    for fs in ev["system"]["filesystems"]:
        if fs["use_percent"] > limit:
            reasons.append(f"{fs['mount']} is {fs['use_percent']}% full (limit {limit}%)")
        if (fs["inodes_percent"] or 0) > limit:
            reasons.append(
                f"{fs['mount']} uses {fs['inodes_percent']}% of its inodes (limit {limit}%)"
            )
    return verdict(reasons, {"filesystems": ev["system"]["filesystems"]})


def backups(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-29..30: declared backup jobs. Their recency is not collected yet: none declared fails."""
    jobs = inputs.get("backup_jobs") or []
    reasons = [] if jobs else ["no backup job declared (backup_jobs): backups cannot be shown"]
    return verdict(reasons, {"declared_jobs": jobs})


def operation_logs(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-31..32: the system journal is kept across reboots."""
    journal = ev["system"]["journal"]
    reasons = [] if journal["persistent"] else ["the system journal is not persistent"]
    return verdict(reasons, {"journal": journal})


def audit_logs(ev: dict, th: dict, inputs: dict) -> Verdict:
    """MOE-42.1.5: persistent logs, readable only by root and adm."""
    system = ev["system"]
    reasons = [] if system["journal"]["persistent"] else ["the system journal is not persistent"]
    reasons += missing(ev, "system", "log_files")
    reasons += [
        f"{f['path']} is world-readable (mode {f['mode']})"
        for f in system["log_files"]
        if f["world_readable"]
    ]
    return verdict(reasons, {"journal": system["journal"], "log_files": system["log_files"]})


RULES: dict[str, Rule] = {
    "MOE-20": idle_logout,
    "MOE-21": file_sharing,
    "MOE-22": access_review,
    "MOE-23..28": capacity,
    "MOE-29..30": backups,
    "MOE-31..32": operation_logs,
    "MOE-42.1.5": audit_logs,
}
