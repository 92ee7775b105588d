# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the remote_access role, on the audit's evidence (documented in the .yml files)."""

from __future__ import annotations

from typing import Any

from ansible.errors import AnsibleFilterError
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.remote_access import (
    remote_control_listeners,
)


def remote_access_listeners(sockets: Any) -> list[dict]:
    """The listening sockets of remote-control software (the ports MOE-19 judges), each with
    ``service``: its systemd service, or None for a process outside any service."""
    if not isinstance(sockets, dict) or not isinstance(sockets.get("listening"), list):
        raise AnsibleFilterError(
            "remote_access_listeners: expected the sockets evidence area"
            " (evidence_result.evidence.sockets)"
        )
    if sockets.get("listening_error"):
        raise AnsibleFilterError(
            f"remote_access_listeners: the listening sockets could not be read: "
            f"{sockets['listening_error']}"
        )
    return [
        dict(s, service=s["unit"] if str(s.get("unit") or "").endswith(".service") else None)
        for s in remote_control_listeners(sockets["listening"])
    ]


class FilterModule:
    """The remote_access role's filters."""

    def filters(self) -> dict:
        return {"remote_access_listeners": remote_access_listeners}
