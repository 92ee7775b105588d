#!/usr/bin/python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: role_inputs
short_description: Check, type and bound the inputs of the collection's roles before a host changes
description:
  - The collection's input layer. For each role in O(roles), reads the role's variables as
    the play sees them (role defaults where unset), checks them against the role's
    C(meta/argument_specs.yml) and C(meta/input_checks.yml), and returns them checked and
    typed in RV(inputs), under their names without the role prefix.
  - Booleans and integers are coerced the way Ansible documents them (C(yes), C(false),
    C("60")); every other form is refused. A control character in any string is refused;
    every string must match the format its check names; every integer must lie within its
    bounds, the rules' floors taken from the control catalogue.
  - For roles whose rules need it (the firewall, where SSH must stay reachable for the
    controller), reads the controller's address as the host sees it from C(SSH_CONNECTION)
    of the login, without become, over SSH connections only. Through a jump host this is
    the jump host's address. Over other connections (local, podman) the address is empty.
  - Fails with one message per problem, each naming the variable, before any task of the
    roles runs. An action plugin, it runs on the controller and changes no host.
  - With O(mode=declarations) (for the audit) it never fails on a value. It checks the
    values only, not the roles' rules, so it reads nothing of the connection; returns the
    checked values in RV(inputs), the problems of each role whose declarations are refused
    in RV(invalid), and the variables of the control catalogue's roles that have no
    argument spec yet in RV(unchecked).
version_added: 0.1.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
options:
  roles:
    description:
      - Roles of the collection whose inputs to check, by short name.
      - C(all) stands for every role of the collection that has an argument spec
        (C(meta/argument_specs.yml)), the roles added later included.
      - A name that is no role with an argument spec fails the task, in either mode.
    type: list
    elements: str
    required: true
  mode:
    description:
      - V(apply) checks every value and then the roles' rules (such as the firewall's
        "never lock the controller out", with what the connection says), and fails naming
        every problem. For a role's own first task, before it changes a host.
      - V(declarations) checks the values the same way (rendered with the task's variables,
        so a value may reference other variables, C(hostvars) included), but not the roles'
        rules, and does not fail on a refused value. A variable that cannot be rendered, and
        a variable with a role's prefix that is none of its inputs, are problems of that
        role. It returns RV(inputs), RV(invalid) and RV(unchecked), what
        P(edu_tw.hardening.audit_evaluate#filter) judges the site's declarations by.
    type: str
    choices: [apply, declarations]
    default: apply
attributes:
  action:
    description: Runs on the controller.
    support: full
  check_mode:
    description: Checks and reads in check mode too; it never changes a host.
    support: full
  diff_mode:
    description: Nothing to show.
    support: none
  platform:
    description: Any host the collection supports.
    support: full
    platforms: posix
"""

EXAMPLES = r"""
- name: Check the inputs of every role before the first one changes a host
  edu_tw.hardening.role_inputs:
    roles: [password_policy, firewall]

- name: Check the firewall's inputs and use them
  edu_tw.hardening.role_inputs:
    roles: [firewall]
  register: firewall_inputs

- name: Show the SSH port as an integer
  ansible.builtin.debug:
    msg: "{{ firewall_inputs.inputs.firewall.ssh_port + 0 }}"

- name: Read the site's declarations of every role, without failing on a refused one
  edu_tw.hardening.role_inputs:
    roles: [all]
    mode: declarations
  register: declared

- name: Show the problems of each role whose declarations are refused
  ansible.builtin.debug:
    var: declared.invalid
"""

RETURN = r"""
inputs:
  description:
    - Per role, its checked inputs under their names without the role prefix.
    - With O(mode=declarations), an input whose value is refused is left out, or is its
      default when its variable could not be rendered; RV(invalid) says why.
  returned: success
  type: dict
  sample: {firewall: {ssh_port: 22, guard_seconds: 120, management_sources: [192.0.2.0/24]}}
invalid:
  description:
    - Per role whose declarations are refused, every problem found, each naming the
      variable. A role without problems is not listed.
  returned: success, with O(mode=declarations)
  type: dict
  sample: {firewall: ["firewall_ssh_port: '22x' is not an integer (plain ASCII digits)"]}
unchecked:
  description:
    - For each role of the control catalogue that has no argument spec yet (not written
      yet), its variables (those with its prefix, over its defaults) rendered but not
      checked, under their full names.
  returned: success, with O(mode=declarations)
  type: dict
  sample: {backup: {backup_jobs: [{name: nightly}]}, antivirus: {}}
context:
  description:
    - What was read of the connection for the roles' rules, empty when no role needs it.
    - C(connection) is the connection plugin; C(controller_address) the address the host
      sees the controller connect from, empty when the connection carries none.
  returned: success, with O(mode=apply)
  type: dict
  sample: {connection: ssh, controller_address: 192.0.2.10}
errors:
  description: Every problem found, each naming the variable.
  returned: failure
  type: list
  elements: str
"""
