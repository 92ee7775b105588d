# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

DOCUMENTATION = r"""
---
name: thresholds
short_description: The floors a control of the catalogue sets
version_added: 0.1.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
description:
  - Returns the C(thresholds) of each named control of the collection's control catalogue
    (C(meta/controls.yml)), the rule's own numbers such as the minimum password length.
  - Roles validate their inputs against these floors, so a rule's number is written once,
    in the catalogue, and the audit and the roles cannot disagree about it.
options:
  _terms:
    description: Control IDs, for example C(MOE-12.9.1).
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse a minimum length below the rule's
  ansible.builtin.assert:
    that: my_min_length >= lookup('edu_tw.hardening.thresholds', 'MOE-12.9.1').min_length
"""

RETURN = r"""
_raw:
  description: One mapping of threshold names to values per control ID; empty when the control
    has no thresholds.
  type: list
  elements: dict
"""

from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue


class LookupModule(LookupBase):
    def run(self, terms: list[str], variables: Any = None, **kwargs: Any) -> list[dict]:
        controls = catalogue.by_id(catalogue.load())
        unknown = [term for term in terms if term not in controls]
        if unknown:
            raise AnsibleLookupError(
                f"unknown control ID(s) {', '.join(unknown)}; the catalogue has "
                f"{', '.join(controls)}"
            )
        return [dict(controls[term].get("thresholds", {})) for term in terms]
