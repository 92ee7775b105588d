# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The access list a reviewer signs off (MOE-22): per host, the operating-system accounts
with root's or sudo's rights and their last login, and every database account or role
with its privileges, administrators flagged with their declared reason, and the accounts
nobody declared flagged.

Built from the evidence for every audited host, whichever controls were selected.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.edu_tw.hardening.plugins.plugin_utils.rules.databases import (
    database_access_list,
)


def access_list(evidence: dict, inputs: dict) -> dict[str, Any]:
    """The host's access list from its evidence and the site's declarations."""
    system = evidence.get("system") or {}
    owners = inputs.get("password_policy_owners") or {}
    os_accounts = [
        dict(entry, owner=owners.get(entry["name"], ""))
        for entry in system.get("administrators") or []
    ]
    databases = evidence.get("databases") or {}
    return {
        "os": {
            "accounts": os_accounts,
            "error": system.get("administrators_error") or system.get("error"),
        },
        "databases": database_access_list(databases, inputs)
        if "error" not in databases or databases.get("mariadb")
        else {"error": databases.get("error")},
    }
