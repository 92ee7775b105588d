# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the patching role, on the audit's evidence (documented in the .yml files)."""

from __future__ import annotations

import re
from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.updates import newer_kernels

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NOW = re.compile(r"([1-7]) ((?:[01][0-9]|2[0-3]):[0-5][0-9])")


def patching_reboot_reasons(updates: Any) -> list[str]:
    """Why the host owes a reboot, from the ``updates`` evidence area, as MOE-17 judges it:
    the reboot-required flag (with the packages that set it), an installed kernel newer than
    the running one, or needrestart's word on the kernel. [] when it owes none."""
    if (
        not isinstance(updates, dict)
        or not isinstance(updates.get("reboot_required"), bool)
        or not isinstance(updates.get("reboot_packages") or [], list)
        or not isinstance(updates.get("kernels_other") or [], list)
    ):
        raise AnsibleFilterError(
            "patching_reboot_reasons: expected the updates evidence area"
            " (evidence_result.evidence.updates)"
        )
    reasons = []
    if updates["reboot_required"]:
        packages = ", ".join(updates.get("reboot_packages") or []) or "packages not recorded"
        reasons.append(f"/run/reboot-required ({packages})")
    kernels = newer_kernels(updates.get("kernel_running"), updates.get("kernels_other") or [])
    if kernels:
        reasons.append(
            f"kernel {', '.join(kernels)} installed, {updates['kernel_running']} running"
        )
    elif updates.get("kernel_outdated"):
        reasons.append(f"{updates['kernel_outdated']} (needrestart)")
    return reasons


def patching_in_window(window: Any, now: Any) -> bool:
    """Whether ``now`` (``date '+%u %H:%M'`` on the host: ISO weekday 1-7 and the time) is in
    the reboot ``window`` (the checked patching_reboot_window: days, start, end). No window
    (start and end empty) is never open."""
    if not isinstance(window, dict) or not {"days", "start", "end"} <= set(window):
        raise AnsibleFilterError("patching_in_window: expected the checked patching_reboot_window")
    match = _NOW.fullmatch(str(now).strip())
    if match is None:
        raise AnsibleFilterError(
            f"patching_in_window: expected the host's time as '%u %H:%M', got {now!r}"
        )
    if not window["start"] or not window["end"]:
        return False
    day, clock = DAYS[int(match.group(1)) - 1], match.group(2)
    on_the_day = not window["days"] or day in window["days"]
    return on_the_day and window["start"] <= clock < window["end"]


class FilterModule:
    """The patching role's filters."""

    def filters(self) -> dict:
        return {
            "patching_reboot_reasons": patching_reboot_reasons,
            "patching_in_window": patching_in_window,
        }
