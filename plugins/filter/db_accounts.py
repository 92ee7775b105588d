# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Filters of the db_accounts role (documented in db_accounts_installed.yml and
db_accounts_report.yml)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleFilterError

ENGINES = ("mariadb", "postgresql")


def db_accounts_installed(databases: Any) -> list[str]:
    """The database servers the evidence found installed, in a fixed order."""
    if not isinstance(databases, Mapping) or not all(e in databases for e in ENGINES):
        raise AnsibleFilterError(
            "db_accounts_installed: expected the databases evidence area "
            "(evidence_result.evidence.databases)"
        )
    if databases.get("packages_error"):
        raise AnsibleFilterError(
            "db_accounts_installed: the installed packages could not be read "
            f"({databases['packages_error']}); which database servers the host runs is unknown"
        )
    return [engine for engine in ENGINES if databases[engine].get("installed")]


def db_accounts_report(results: Any) -> dict[str, Any]:
    """What the module changed and what it left, per server, from the loop's results."""
    if not isinstance(results, list):
        raise AnsibleFilterError("db_accounts_report: expected the results of the loop")
    report: dict[str, Any] = {}
    for result in results:
        if not isinstance(result, Mapping) or "steps" not in result:
            continue
        engine = result.get("__db_accounts_item", "?")
        report[engine] = {
            "changed" if not result.get("_ansible_check_mode") else "would change": [
                f"{step['account']} {step['what']}" for step in result["steps"]
            ],
            "left for a person": [
                f"{step['account']} {step['what']}" for step in result.get("left") or []
            ],
        }
    return report


class FilterModule:
    """db_accounts filters."""

    def filters(self) -> dict:
        return {
            "db_accounts_installed": db_accounts_installed,
            "db_accounts_report": db_accounts_report,
        }
