# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write the audit reports on the controller, in-process (documented in modules/audit_report.py)."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import report as render


class ActionModule(ActionBase):
    """Render and write the JSON, JUnit XML and HTML reports where the controller runs."""

    TRANSFERS_FILES = False
    # Everything happens on the controller, in this process: no connection to any host.
    _requires_connection = False
    _VALID_ARGS = frozenset({"report", "dest", "name", "template"})

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _validation, args = self.validate_argument_spec(
            argument_spec={
                "report": {"type": "dict", "required": True},
                "dest": {"type": "path", "required": True},
                "name": {"type": "str", "default": "audit"},
                "template": {"type": "str", "default": "report.html.j2"},
            }
        )
        try:
            render.check_name(args["name"])
        except ValueError as exc:
            raise AnsibleActionFail(f"name: {exc}") from exc
        template_path = self._find_needle("templates", args["template"])
        with open(template_path, encoding="utf-8") as handle:
            template = handle.read()
        try:
            paths = render.write_reports(args["report"], args["dest"], args["name"], template)
        except OSError as exc:
            raise AnsibleActionFail(
                f"dest: cannot write the reports in {args['dest']}: {exc}"
            ) from exc
        # The reports are the controller's record of the run: writing them changes no host,
        # in check mode too.
        result.update(changed=False, paths=paths)
        return result
