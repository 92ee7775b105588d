#!/usr/bin/python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: db_accounts
short_description: Make a database server's accounts hold exactly their declared grants
description:
  - Reads the accounts of the MariaDB or PostgreSQL server on the host with the collection's
    C(databases) evidence collector, compares them with the declared accounts, and sends the
    statements that remove every difference, then reads the server again and fails if any
    difference is left.
  - Declared accounts get exactly their declared privileges (missing ones granted, others
    revoked); an account declared C(locked) is locked, one declared C(absent) dropped. An
    account nobody declared is never changed.
  - With O(baseline), anonymous accounts, root reachable over the network (only while
    root@localhost logs in through the socket) and grants on the test databases go; the
    C(test) database is dropped only when it holds no table. On PostgreSQL, C(CREATE) on the
    public schema is revoked from C(PUBLIC).
  - Never drops a database other than an empty C(test), never a table, never a role that owns
    objects (PostgreSQL refuses, and the module fails saying so).
  - Passwords are hashed on the host (mysql_native_password, SCRAM-SHA-256) and only the
    hash is sent, so the clear password never reaches the server's logs. A password is set
    only when the account's hash does not match it.
  - Runs as root; MariaDB is reached through its socket as root, PostgreSQL as the
    C(postgres) user.
version_added: 0.6.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
options:
  engine:
    description: The server to work on.
    type: str
    required: true
    choices: [mariadb, postgresql]
  accounts:
    description:
      - The declared accounts of this engine, as the db_accounts role's input layer checked
        them (keys C(name), C(state), C(hosts), C(password), C(grants), C(admin),
        C(admin_reason), C(attributes)).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The account's (PostgreSQL - the role's) name.
        type: str
        required: true
      engine:
        description: The engine it was declared for (the module works on O(engine)).
        type: str
      state:
        description: C(present), C(locked) (cannot log in) or C(absent) (dropped).
        type: str
        choices: [present, locked, absent]
        default: present
      hosts:
        description: C(localhost), C(%) or addresses and networks the account connects from.
        type: list
        elements: str
        default: [localhost]
      password:
        description: The password (hashed here; never returned).
        type: str
        default: ""
      grants:
        description: Dicts with C(database) (C(*) for every one) and C(privileges).
        type: list
        elements: dict
        default: []
      admin:
        description: Whether the account is a declared administrator.
        type: bool
        default: false
      admin_reason:
        description: Why it is an administrator.
        type: str
        default: ""
      attributes:
        description: A PostgreSQL administrator's role attributes.
        type: list
        elements: str
        default: []
  baseline:
    description:
      - Whether the server baseline (anonymous and remote root accounts, test databases,
        PUBLIC's CREATE) is applied too.
    type: bool
    default: true
attributes:
  check_mode:
    description: Reads the server and returns the statements it would send; changes nothing.
    support: full
  diff_mode:
    description: The differences found, before; none after.
    support: full
  platform:
    description: Debian hosts with Debian's MariaDB or PostgreSQL packages.
    support: full
    platforms: debian
"""

EXAMPLES = r"""
- name: Make the application accounts of MariaDB match their declaration
  edu_tw.hardening.db_accounts:
    engine: mariadb
    accounts:
      - name: shop
        hosts: [localhost, 192.0.2.10]
        password: "{{ vault_shop_password }}"
        grants:
          - database: shop
            privileges: [SELECT, INSERT, UPDATE, DELETE]
  no_log: true
"""

RETURN = r"""
steps:
  description:
    - The differences found and removed (in check mode, those that would be), each with its
      account; never a password or hash.
  returned: always
  type: list
  elements: dict
left:
  description:
    - Differences the module may not remove (a test database with tables, an owner of
      objects), for the report.
  returned: always
  type: list
  elements: dict
hba_lines:
  description:
    - On PostgreSQL, the pg_hba.conf lines that let each declared role in from its declared
      hosts only, for the role to write before every other line.
  returned: always
  type: list
  elements: str
evidence:
  description:
    - The server as the C(databases) evidence collector read it after the changes (before
      them in check mode).
  returned: always
  type: dict
"""

import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.edu_tw.hardening.plugins.module_utils import db_accounts as plan
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import databases
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import ModuleHost
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)

ACCOUNT_OPTIONS = {
    "name": {"type": "str", "required": True},
    "engine": {"type": "str"},
    "state": {"type": "str", "default": "present", "choices": ["present", "locked", "absent"]},
    "hosts": {"type": "list", "elements": "str", "default": ["localhost"]},
    "password": {"type": "str", "default": "", "no_log": True},
    "grants": {"type": "list", "elements": "dict", "default": []},
    "admin": {"type": "bool", "default": False},
    "admin_reason": {"type": "str", "default": ""},
    "attributes": {"type": "list", "elements": "str", "default": []},
}


def _read(module: AnsibleModule, engine: str) -> dict:
    host = ModuleHost(module, time.time)
    packages, error = package_list(host)
    if error:
        module.fail_json(msg=f"the installed packages could not be read: {error}")
    collect = databases.collect_mariadb if engine == "mariadb" else databases.collect_postgresql
    evidence = collect(host, packages)
    if not evidence["installed"]:
        module.fail_json(msg=f"{engine}: no server package is installed on this host")
    if evidence["error"]:
        module.fail_json(msg=f"{engine}: the server could not be read: {evidence['error']}")
    return evidence


def _client(module: AnsibleModule) -> str:
    """The MariaDB client program (the collector's choice)."""
    return databases.mariadb_client(ModuleHost(module, time.time)) or "mariadb"


def _mariadb_hashes(module: AnsibleModule, client: str, accounts: list[dict]) -> dict:
    """(user, host) to the current password hash of the declared accounts' names."""
    names = sorted({a["name"] for a in accounts})
    if not names:
        return {}
    query = (
        "SELECT User, Host, authentication_string FROM mysql.user WHERE User IN ("
        + ", ".join(plan.mariadb_string(n) for n in names)
        + ")"
    )
    rc, out, err = module.run_command(databases.mysql_argv(client, query))
    if rc != 0:
        module.fail_json(msg=f"mariadb: the accounts' password hashes could not be read: {err}")
    hashes = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) == 3:
            hashes[(fields[0], fields[1])] = fields[2]
    return hashes


def _pg_verifiers(module: AnsibleModule, accounts: list[dict]) -> dict[str, str]:
    names = sorted({a["name"] for a in accounts})
    if not names:
        return {}
    query = (
        "SELECT rolname, coalesce(rolpassword, '') FROM pg_authid WHERE rolname IN ("
        + ", ".join(plan.pg_string(n) for n in names)
        + ")"
    )
    rc, out, err = module.run_command(databases.psql_argv([query]))
    if rc != 0:
        module.fail_json(msg=f"postgresql: the roles' password verifiers could not be read: {err}")
    return dict(line.split("\t", 1) for line in out.splitlines() if "\t" in line)


def _plan(module: AnsibleModule, engine: str, evidence: dict, accounts: list[dict]) -> list:
    steps = []
    if module.params["baseline"]:
        baseline = (
            plan.plan_mariadb_baseline if engine == "mariadb" else plan.plan_postgresql_baseline
        )
        steps = baseline(evidence)
    if engine == "mariadb":
        hashes = _mariadb_hashes(module, _client(module), accounts)
        for account in accounts:
            declared = {("", "declared"): plan.mysql_native_hash(account["password"] or "")}
            steps += plan.plan_mariadb_account(account, evidence, {**hashes, **declared})
        return steps
    verifiers = _pg_verifiers(module, accounts)
    for account in accounts:
        current = verifiers.get(account["name"])
        ok = None if current is None else plan.scram_matches(account["password"] or "", current)
        verifier = plan.scram_verifier(account["password"]) if account["password"] else None
        steps += plan.plan_postgresql_account(account, evidence, verifier, ok)
    return steps


def _run(module: AnsibleModule, engine: str, steps: list) -> None:
    """Send the statements: MariaDB in one client run, PostgreSQL one transaction per
    database (the cluster's own statements in the postgres database)."""
    if engine == "mariadb":
        client = _client(module)
        sql = ";\n".join(step.sql for step in steps) + ";\n"
        rc, _out, err = module.run_command([client, "--batch"], data=sql)
        if rc != 0:
            module.fail_json(msg=f"mariadb refused a statement: {err.strip()}", steps=_shown(steps))
        return
    by_database: dict[str, list[str]] = {}
    for step in steps:
        if not step.last:
            by_database.setdefault(step.database or "postgres", []).append(step.sql)
    # The cluster's statements (roles, attributes, database privileges) first, then each
    # database's, then the roles to drop (once they hold nothing anywhere).
    order = [("postgres", by_database.pop("postgres", []))]
    order += sorted(by_database.items())
    order.append(("postgres", [step.sql for step in steps if step.last]))
    for database, statements in order:
        if not statements:
            continue
        argv = [*databases.psql_argv([], database), "--single-transaction"]
        sql = ";\n".join(statements) + ";\n"
        rc, _out, err = module.run_command(argv, data=sql)
        if rc != 0:
            # psql names the statement it refused; its context holds no password (only
            # SCRAM verifiers are sent, and no_log masks the parameters).
            module.fail_json(
                msg=f"postgresql refused a statement in database {database} (none of that "
                f"database's statements was applied): {err.strip()}",
                steps=_shown(steps),
            )


def _shown(steps: list) -> list[dict]:
    return [{"account": step.account, "what": step.what} for step in steps]


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "engine": {"type": "str", "required": True, "choices": ["mariadb", "postgresql"]},
            "accounts": {
                "type": "list",
                "elements": "dict",
                "default": [],
                "options": ACCOUNT_OPTIONS,
            },
            "baseline": {"type": "bool", "default": True},
        },
        supports_check_mode=True,
    )
    engine = module.params["engine"]
    accounts = module.params["accounts"]
    before = _read(module, engine)
    steps = _plan(module, engine, before, accounts)
    todo = [step for step in steps if step.sql]
    left = [step for step in steps if not step.sql]
    result = {
        "changed": bool(todo),
        "steps": _shown(todo),
        "left": _shown(left),
        "evidence": before,
        "hba_lines": plan.hba_lines([dict(a, engine=engine) for a in accounts])
        if engine == "postgresql"
        else [],
    }
    if module._diff:
        result["diff"] = {
            "before": "".join(f"{s.account}: {s.what}\n" for s in todo),
            "after": "",
        }
    if not todo or module.check_mode:
        module.exit_json(**result)
    _run(module, engine, todo)
    after = _read(module, engine)
    again = [step for step in _plan(module, engine, after, accounts) if step.sql]
    if again:
        module.fail_json(
            msg=f"{engine}: still different after the statements were sent: "
            + "; ".join(f"{s.account} {s.what}" for s in again),
            **result,
        )
    result["evidence"] = after
    module.exit_json(**result)


if __name__ == "__main__":
    main()
