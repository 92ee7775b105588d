#!/usr/bin/python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: audit_report
short_description: Write the audit reports (JSON, JUnit XML, HTML) on the controller
description:
  - Renders the report assembled by the P(edu_tw.hardening.audit_report#filter) filter and writes
    C(<name>.json), C(<name>.junit.xml) and C(<name>.html) in O(dest) on the controller,
    each through a temporary file.
  - An action plugin that runs in the controller's process and changes no managed host, so it
    reports no change and writes in check mode too.
version_added: 0.1.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
options:
  report:
    description: The report (schema in docs/audit-report.schema.json).
    type: dict
    required: true
  dest:
    description: Directory for the reports on the controller; created when missing.
    type: path
    required: true
  name:
    description:
      - Base name of the report files, a plain file name (a letter or digit, then up to 63
        letters, digits, C(.), C(_) or C(-)); anything else, a path above all, is refused.
    type: str
    default: audit
  template:
    description:
      - The Jinja2 template of the HTML report, looked up like M(ansible.builtin.template) sources.
    type: str
    default: report.html.j2
attributes:
  action:
    description: Runs on the controller, in Ansible's own process.
    support: full
  check_mode:
    description: Can run in check mode.
    support: full
    details: Writes the reports in check mode too; they are the controller's record of the run.
  diff_mode:
    description: Nothing to show; it changes no managed host.
    support: none
  platform:
    description: The controller, which writes the reports.
    support: full
    platforms: posix
"""

EXAMPLES = r"""
- name: Write the reports
  edu_tw.hardening.audit_report:
    report: "{{ report }}"
    dest: /var/lib/audit-reports
    name: audit
"""

RETURN = r"""
paths:
  description: The files written, by format (json, junit.xml, html).
  returned: success
  type: dict
"""
