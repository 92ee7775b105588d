# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/integers.py."""

from __future__ import annotations

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.integers import parse_int


@pytest.mark.parametrize(("text", "number"), [("12", 12), (" -1\n", -1), ("+3", 3)])
def test_a_decimal_integer_is_read(text, number):
    assert parse_int(text) == number


@pytest.mark.parametrize("text", [None, "", "  ", "12abc", "1.5", "0x10", "1_000"])
def test_what_is_no_integer_gives_none(text):
    assert parse_int(text) is None


def test_what_is_no_integer_gives_the_default_when_one_is_given():
    assert parse_int("yes", 22) == 22
