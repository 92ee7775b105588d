#!/usr/bin/python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: maintenance_windows
short_description: Open, close and keep remote-maintenance windows on the host (MOE-18)
description:
  - Makes the host match its remote-maintenance windows. Each window is a record under
    O(windows_dir); the host-side program (the same code, installed by the remote_access
    role) reconciles the records at boot and from each window's systemd timer, so windows
    close at their end without the controller.
  - A window given in O(windows) that has no record yet is opened (or waits for its start)
    with a fresh random password, set through C(chpasswd) and returned in RV(credentials)
    only; or, with a public key, with the key installed for its sources until its end.
    A window given again with the same values changes nothing and keeps its password.
  - A window named in O(close) is closed now. Every maintenance account without an open
    window is locked, expired and refused by sshd.
  - Refuses, before changing anything, a maintenance account that is a system account (UID
    below 1000) or an existing account it did not create (an administrator's or a user's),
    a window whose record says something else (close it and use a new name), a closed
    window's name, and a second window of an account that overlaps an open one.
  - A key window's key goes to C(/etc/ssh/edu_tw_hardening_authorized_keys/<account>), root's
    file, the only keys file sshd reads for a maintenance account; the account's home is
    never read or written.
  - Use it with C(no_log) on the task, since RV(credentials) holds the passwords.
version_added: 0.2.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
options:
  accounts:
    description: The maintenance accounts; a missing one is created as a normal user.
    type: list
    elements: str
    required: true
  windows:
    description:
      - The windows to open or keep, each with C(name), C(account), C(sources), C(start),
        C(end) (C(YYYY-MM-DDTHH:MM:SSZ), UTC), C(purpose), C(approval), and optionally
        C(public_key) and C(remote_control_port). Checked by the role's input layer first.
      - A window with C(remote_control_port) is an emergency remote-control window (MOE-19) -
        its sources also reach that TCP port, through the table's C(remote_control_v4/_v6)
        sets (C(source . port) elements with a timeout up to the end).
    type: list
    elements: dict
    default: []
  password_delivered:
    description:
      - Whether the caller delivers RV(credentials) to the operator (the remote_access role
        writes them vault-encrypted on the controller). When false, a new window without a
        public key is refused, since its password would reach nobody.
    type: bool
    default: true
  close:
    description: Names of windows to close now.
    type: list
    elements: str
    default: []
  table:
    description:
      - The firewall's nftables table, whose C(remote_maintenance_v4/_v6) sets admit the
        sources (and C(remote_control_v4/_v6) the emergency windows' sources to their port).
    type: str
    default: inet edu_tw_hardening
  windows_dir:
    description: Where the window records are kept.
    type: path
    default: /var/lib/edu_tw_hardening/windows
notes:
  - The program must be installed at C(/usr/local/lib/edu_tw_hardening/maintenance_windows.py)
    for the timers and the boot service; the remote_access role installs it.
attributes:
  check_mode:
    description: Reports what it would change; no password is made.
    support: full
  diff_mode:
    description: Not supported; RV(changes) lists what changed.
    support: none
  platform:
    description: Debian with systemd, nftables and OpenSSH.
    support: full
    platforms: debian
"""

EXAMPLES = r"""
- name: Open a window and keep its password for the operator only
  edu_tw.hardening.maintenance_windows:
    accounts: [vendor1]
    windows:
      - name: chg-2026-118
        account: vendor1
        sources: [203.0.113.7]
        start: "2026-12-01T06:00:00Z"
        end: "2026-12-01T08:00:00Z"
        purpose: Upgrade of the library system
        approval: MOE-RA-2026-118
  register: window
  no_log: true

- name: Close it early
  edu_tw.hardening.maintenance_windows:
    accounts: [vendor1]
    close: [chg-2026-118]
"""

RETURN = r"""
changes:
  description: What the run changed (or would change in check mode), one line each.
  returned: always
  type: list
  elements: str
credentials:
  description: The fresh password of each password window opened by this run, by window name.
  returned: always
  type: dict
opened:
  description: Names of the windows this run opened or made wait for their start.
  returned: always
  type: list
  elements: str
windows:
  description:
    - Every window on record after the run, with its phase (pending, open, closed); in check
      mode, as the run would leave them.
  returned: always
  type: list
  elements: dict
"""

import datetime
import os
import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.edu_tw.hardening.plugins.module_utils import constants
from ansible_collections.edu_tw.hardening.plugins.module_utils import maintenance_windows as mw

# Accounts below this UID are the system's own.
UID_MIN = 1000
# The comment of the accounts this module creates; it manages no other account.
ACCOUNT_COMMENT = "remote maintenance (edu_tw.hardening)"


def _refusals(module: AnsibleModule, records: dict[str, dict]) -> list[str]:
    """What stops the run before any change."""
    params = module.params
    errors = []
    for account in params["accounts"]:
        try:
            entry = pwd.getpwnam(account)
        except KeyError:
            continue  # created by this module, as a maintenance account
        if entry.pw_uid < UID_MIN:
            errors.append(
                f"accounts: {account} is a system account (UID {entry.pw_uid}); remote "
                "maintenance uses an account of its own"
            )
        # The full name only: a user may change the other fields of the comment (chfn).
        elif entry.pw_gecos.split(",")[0] != ACCOUNT_COMMENT:
            errors.append(
                f"accounts: {account} exists and is not a maintenance account this collection "
                f"created (its comment is {entry.pw_gecos!r}, not {ACCOUNT_COMMENT!r}): an "
                "administrator's or a user's account is never handed to a vendor; declare a "
                "new name"
            )
    for window in params["windows"]:
        record = records.get(window["name"])
        if record is None:
            if not window.get("public_key") and not params["password_delivered"]:
                errors.append(
                    f"windows: {window['name']} would get a fresh password that reaches "
                    "nobody: give remote_access_vault_password (the password is written "
                    "vault-encrypted on the controller) or a public_key"
                )
            continue
        if record.get("closed"):
            errors.append(
                f"windows: {window['name']} was closed at {record['closed']}; a closed "
                "window is not reopened: give the new window a new name"
            )
        elif not mw.same_window(record, _as_record(window)):
            errors.append(
                f"windows: {window['name']} is on record with other values; close it "
                "(remote_access_close) and open the change under a new name"
            )
    errors += _overlaps(params["windows"], records)
    for name in params["close"]:
        if name not in records:
            errors.append(f"close: no window {name} on record")
    return errors


def _overlaps(windows: list[dict], records: dict[str, dict]) -> list[str]:
    """An account has one window at a time: a second one would replace its password."""
    errors = []
    taken = [r for r in records.values() if not r.get("closed")]
    for window in windows:
        if window["name"] in records:
            continue
        for other in taken:
            if (
                other["account"] == window["account"]
                and other["start"] < window["end"]
                and window["start"] < other["end"]
            ):
                errors.append(
                    f"windows: {window['name']} overlaps window {other['name']} of "
                    f"{window['account']} ({other['start']} to {other['end']}); an account has "
                    "one window at a time: close that one first (remote_access_close)"
                )
        taken.append(_as_record(window))
    return errors


def _as_record(window: dict) -> dict:
    return {
        "name": window["name"],
        "account": window["account"],
        "sources": list(window["sources"]),
        "start": window["start"],
        "end": window["end"],
        "purpose": window["purpose"],
        "approval": window["approval"],
        "auth": "key" if window.get("public_key") else "password",
        "remote_control_port": window.get("remote_control_port"),
    }


def _open(module: AnsibleModule, host: mw.Host, window: dict, now) -> str | None:
    """Write a new window's record and its credential; returns the password, if any."""
    record = dict(_as_record(window), opened=mw.utc(now), closed=None, closed_by=None, logins=[])
    account = window["account"]
    path = mw.record_path(host.config, window["name"])
    host.write(path, mw.record_text(record), 0o600, f"window {window['name']} recorded")
    if window.get("public_key"):
        keys_file = mw.keys_path(account)
        old = mw._read(keys_file) or ""  # pylint: disable=protected-access
        text = old + ("\n" if old and not old.endswith("\n") else "")
        text += mw.key_line(record, window["public_key"]) + "\n"
        host.change(
            f"{account}: key of {window['name']} installed",
            lambda: mw.write_keys(keys_file, text),
        )
        return None
    password = mw.new_password()
    host.change(
        f"{account}: fresh password for {window['name']}",
        lambda: host.set_password(account, password),
    )
    return None if module.check_mode else password


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "accounts": {"type": "list", "elements": "str", "required": True},
            "windows": {"type": "list", "elements": "dict", "default": []},
            "close": {"type": "list", "elements": "str", "default": []},
            "password_delivered": {"type": "bool", "default": True},
            "table": {"type": "str", "default": constants.FIREWALL_TABLE},
            "windows_dir": {"type": "path", "default": constants.WINDOWS_DIR},
        },
        supports_check_mode=True,
    )
    params = module.params
    config = mw.Config(list(params["accounts"]), params["windows_dir"], params["table"])
    host = mw.Host(config, check=module.check_mode, run=_runner(module))
    with mw.exclusive():
        _apply(module, config, host)


def _apply(module: AnsibleModule, config: mw.Config, host: mw.Host) -> None:
    params = module.params
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        records = {r["name"]: r for r in mw.read_records(config)}
    except mw.WindowError as exc:
        module.fail_json(msg=str(exc))
    errors = _refusals(module, records)
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors)
    credentials: dict[str, str] = {}
    opened: list[str] = []
    try:
        host.write(mw.CONFIG_PATH, mw.config_text(config), 0o600, "configuration written")
        service = os.path.join(mw.SYSTEMD_DIR, mw.SERVICE)
        written = host.write(service, mw.service_unit(), 0o644, f"{mw.SERVICE} written")
        if written and not module.check_mode:
            host.daemon_reload()
            host.run(["systemctl", "enable", mw.SERVICE])
        for account in params["accounts"]:
            if _missing(account):
                host.change(f"{account}: created", lambda a=account: _create(host, a))
        for window in params["windows"]:
            if window["name"] not in records:
                password = _open(module, host, window, now)
                opened.append(window["name"])
                if password:
                    credentials[window["name"]] = password
        for name in params["close"]:
            if records[name].get("closed") is None:
                mw.close(host, records[name], now, "early")
        mw.reconcile(host, now)
        after = _after_check(module, records, now) if module.check_mode else mw.read_records(config)
    except mw.WindowError as exc:
        module.fail_json(msg=str(exc), changes=host.changes)
    module.exit_json(
        changed=bool(host.changes),
        changes=host.changes,
        credentials=credentials,
        opened=opened,
        windows=[
            {key: r.get(key) for key in (*mw.RECORD_FIELDS, "opened", "closed", "closed_by")}
            | {"phase": mw.phase(r, now)}
            for r in after
        ],
    )


def _after_check(module: AnsibleModule, records: dict[str, dict], now) -> list[dict]:
    """The records as a check-mode run would leave them (callers decide on their phases)."""
    params = module.params
    after = dict(records)
    for window in params["windows"]:
        after.setdefault(window["name"], dict(_as_record(window), opened=mw.utc(now)))
    for name in params["close"]:
        if not after[name].get("closed"):
            after[name] = dict(after[name], closed=mw.utc(now), closed_by="early")
    return [after[name] for name in sorted(after)]


def _missing(account: str) -> bool:
    try:
        pwd.getpwnam(account)
    except KeyError:
        return True
    return False


def _create(host: mw.Host, account: str) -> None:
    host.run(
        ["useradd", "--create-home", "--shell", "/bin/bash", "--comment", ACCOUNT_COMMENT, account]
    )


def _runner(module: AnsibleModule):
    def run(argv: list[str], data: str | None) -> tuple[int, str, str]:
        binary = module.get_bin_path(argv[0])
        if binary is None:
            return 127, "", f"{argv[0]}: not found"
        # run_command adds the newline that ends the last line of data.
        if data is not None and data.endswith("\n"):
            data = data[:-1]
        return module.run_command([binary, *argv[1:]], data=data, environ_update={"LC_ALL": "C"})

    return run


if __name__ == "__main__":
    main()
