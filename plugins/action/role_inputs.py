# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check the inputs of roles on the controller (documented in modules/role_inputs.py)."""

from __future__ import annotations

from typing import Any

import yaml
from ansible.errors import AnsibleActionFail
from ansible.parsing.vault import VaultHelper, is_encrypted_file
from ansible.plugins.action import ActionBase
from ansible.template import trust_as_template
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

# Connection plugins (by FQCN) over which the host sees the controller in SSH_CONNECTION.
SSH_CONNECTIONS = frozenset({"ansible.builtin.ssh", "ansible.builtin.paramiko_ssh"})
# apply: fail on any problem, the roles' rules included (before a role changes a host);
# declarations: check the values only and return the refusals by role (for the audit).
MODES = ("apply", "declarations")


class ActionModule(ActionBase):
    """Check, coerce and bound every input of the named roles; fail naming each bad one."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset({"roles", "mode"})

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        _validation, args = self.validate_argument_spec(
            argument_spec={
                "roles": {"type": "list", "elements": "str", "required": True},
                "mode": {"type": "str", "choices": list(MODES), "default": "apply"},
            }
        )
        templar = self._templar.copy_with_new_env(available_variables=task_vars)
        # "all": every role of the collection with an argument spec, as they are added.
        requested = [inputs.role_names() if role == "all" else [role] for role in args["roles"]]
        loaded = []
        for role in dict.fromkeys(name for group in requested for name in group):
            try:
                loaded.append(inputs.load_role(role))
            except ValueError as exc:
                raise AnsibleActionFail(f"roles: {exc}") from exc
        if args["mode"] == "declarations":
            # Reading inputs changes nothing, in check mode too; refusals are returned.
            result.update(changed=False, **self._declarations(loaded, task_vars, templar))
            return result
        checked: dict[str, dict] = {}
        errors: list[str] = []
        raw = {role.role: self._raw_values(role, task_vars, templar) for role in loaded}
        # Values first: a refused input stops the run before the host is even read.
        names = [str(name) for name in task_vars]
        every_role = inputs.role_names()
        for role in loaded:
            errors += raw[role.role].pop("__errors__")
            errors += inputs.clear_secrets(role, raw[role.role], _vaulted)
            errors += inputs.unknown_variables(role, names, every_role)
            values, role_errors = inputs.check_inputs(role, raw[role.role], rules=False)
            checked[role.role] = values
            errors += role_errors
        # Then the roles' rules, with what the host says of the connection when one needs it.
        context: dict[str, Any] = {}
        if not errors and any(role.role in inputs.CONTEXT_ROLES for role in loaded):
            context = self._connection_context()
        for role in loaded:
            if errors:
                break
            errors += inputs.rule_errors(role, checked[role.role], context)
        secrets = inputs.secret_values(loaded, raw, checked)
        if errors:
            errors = [inputs.masked(error, secrets) for error in errors]
            result.update(failed=True, msg="; ".join(errors), errors=errors)
            return result
        # Reading inputs changes nothing, in check mode too. A result that holds a secret
        # (an input with no_log) is shown censored, at every verbosity.
        result.update(changed=False, inputs=checked, context=context)
        if secrets:
            result["_ansible_no_log"] = True
        return result

    def _declarations(self, loaded: list, task_vars: dict, templar: Any) -> dict:
        """What role_inputs returns in mode declarations (inputs.declarations): the named
        roles' values and those of the catalogue's roles without a spec, rendered with the
        task's variables; a value that cannot be rendered is a problem of its role."""
        variables: dict[str, Any] = {}
        problems: dict[str, list[str]] = {}
        every_role = [*inputs.role_names(), *inputs.unchecked_roles()]
        for role in loaded:
            raw = self._raw_values(role, task_vars, templar)
            problems[role.role] = raw.pop("__errors__")
            variables.update(raw)
        for role in inputs.unchecked_roles():
            given = inputs.own_names(role, [*_defaults(role), *task_vars], every_role)
            raw = self._raw_values(role, task_vars, templar, given)
            problems[role] = raw.pop("__errors__")
            variables.update(raw)
        found = inputs.declarations(variables, loaded, list(task_vars), problems)
        # The audit judges declarations and never needs a password: none is returned.
        for role in loaded:
            if role.role in found["inputs"]:
                found["inputs"][role.role] = inputs.hide_secrets(role, found["inputs"][role.role])
        # A secret (an input with no_log) is masked in the refusals, which reach the audit's
        # report, and the result that holds it is shown censored.
        raw = {role.role: variables for role in loaded}
        secrets = inputs.secret_values(loaded, raw, found["inputs"])
        found["invalid"] = {
            role: [inputs.masked(message, secrets) for message in messages]
            for role, messages in found["invalid"].items()
        }
        if secrets:
            found["_ansible_no_log"] = True
        return found

    def _raw_values(
        self,
        role: inputs.RoleInputs | str,
        task_vars: dict,
        templar: Any,
        names: list[str] | None = None,
    ) -> dict:
        """The role's variables (its inputs, or ``names``) as the play sees them, role
        defaults where unset, rendered."""
        role_name = role if isinstance(role, str) else role.role
        defaults = _defaults(role_name)
        raw: dict[str, Any] = {"__errors__": []}
        for name in role.options if names is None else names:
            if name in task_vars:
                value = task_vars[name]
            elif name in defaults:
                value = defaults[name]
            else:
                continue
            try:
                raw[name] = templar.template(value)
            except Exception as exc:  # an undefined variable, a recursive alias, ...
                raw["__errors__"].append(f"{name}: cannot be rendered: {exc}")
        return raw

    def _connection_context(self) -> dict[str, Any]:
        """The connection plugin, and the controller's address as the host sees it: read
        from SSH_CONNECTION of the login (without become), over SSH connections only."""
        connection = getattr(self._connection, "ansible_name", None) or self._connection.transport
        context = {"connection": connection, "controller_address": "", "controller_port": None}
        if connection not in SSH_CONNECTIONS:
            return context
        run = self._low_level_execute_command("printenv SSH_CONNECTION", sudoable=False)
        if run.get("rc") == 0:
            context["controller_address"] = inputs.controller_address(run.get("stdout", ""))
            context["controller_port"] = inputs.controller_port(run.get("stdout", ""))
        return context


def _vaulted(value: Any) -> bool:
    """Whether a value came from a vault: an inline !vault value, or a value of a vars file
    that is vault-encrypted as a whole (Ansible keeps the file it came from)."""
    if VaultHelper.get_ciphertext(value, with_tags=False):
        return True
    try:
        from ansible._internal._datatag._tags import Origin
    except ImportError:  # another ansible-core: only inline !vault values are recognised
        return False
    origin = Origin.get_tag(value)
    path = getattr(origin, "path", None)
    if not path:
        return False
    try:
        with open(path, "rb") as handle:
            return is_encrypted_file(handle)
    except OSError:
        return False


def _defaults(role: str) -> dict[str, Any]:
    """The role's defaults/main.yml (empty for a role not written yet), its strings trusted
    as templates as Ansible trusts them when the role is in the play (the collection's own
    file: ``audit_report_dir`` renders whether the audit role is in the play or not)."""
    path = inputs.COLLECTION_ROOT / "roles" / role / "defaults" / "main.yml"
    if not path.is_file():
        return {}
    return _trusted(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def _trusted(value: Any) -> Any:
    if isinstance(value, str):
        return trust_as_template(value)
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    if isinstance(value, dict):
        return {key: _trusted(item) for key, item in value.items()}
    return value
