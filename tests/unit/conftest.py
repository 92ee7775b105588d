# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Make this checkout importable as ansible_collections.edu_tw.hardening in unit tests."""

from __future__ import annotations

import sys
from pathlib import Path

# `make venv` links the checkout under .ansible/collections/ansible_collections/edu_tw/.
COLLECTIONS_PATH = str(Path(__file__).resolve().parents[2] / ".ansible" / "collections")
if COLLECTIONS_PATH not in sys.path:
    sys.path.insert(0, COLLECTIONS_PATH)
