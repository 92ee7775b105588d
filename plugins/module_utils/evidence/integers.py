# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integers written as text in the host's files and command output."""

from __future__ import annotations

import re

_INT_RE = re.compile(r"[+-]?[0-9]+")


def parse_int(text: str | None, default: int | None = None) -> int | None:
    """The decimal integer ``text`` holds (surrounding white space ignored), or ``default``
    when it holds none: missing, empty or malformed (``12abc``, ``1.5``)."""
    if text is None or not _INT_RE.fullmatch(text.strip()):
        return default
    return int(text.strip())
