# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading the files the collection's modules keep or replace, the same way in each."""

from __future__ import annotations


def read_bytes(path: str) -> bytes | None:
    """The content of ``path``, or None when it does not exist."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def as_text(data: bytes | None) -> str | None:
    """``data`` decoded as UTF-8 (undecodable bytes replaced), None staying None."""
    return None if data is None else data.decode("utf-8", errors="replace")


def read_text(path: str) -> str | None:
    """The content of ``path`` as text (see ``as_text``), or None when it does not exist."""
    return as_text(read_bytes(path))
