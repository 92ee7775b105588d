# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Times written by the collection's own host-side records (self-tests, maintenance windows)."""

from __future__ import annotations

from datetime import datetime, timezone


def parse_iso_time(value: object) -> float | None:
    """Seconds since the epoch of an ISO 8601 time (``Z`` allowed; naive means UTC).

    None for anything that is not such a time (missing, empty, not a string, malformed).
    """
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()
