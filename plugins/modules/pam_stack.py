#!/usr/bin/python
# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
---
module: pam_stack
short_description: Save, verify and restore the PAM stack around a change, so it is never left open
description:
  - Keeps PAM from being left open by a change to it, such as a pam-auth-update run that
    puts C(pam_permit.so) where C(pam_unix.so) should decide.
  - With O(state=saved), copies the files of the PAM stack (O(paths)) into O(state_dir),
    with their mode and owner, and records which of them did not exist. It writes only
    when the stack differs from what is saved. This is the caller's own bookkeeping, not
    configuration of the host, so it always returns C(changed=false). It refuses to save
    a stack whose C(common-auth) is not sound (judged as with O(state=verified), without
    running it), so that a restore never brings an open stack back.
  - With O(state=verified), proves on the host that a wrong password is refused. It calls
    libpam directly (pam_start, pam_authenticate, pam_end) for every user in O(users)
    through the PAM service C(common-auth) (PAM then reads C(/etc/pam.d/common-auth)
    itself) and every service in O(services), answering every prompt with a random wrong
    password. A success is a failure of the module, and so is a result that means PAM
    could not run the stack (a correct password would be refused too).
  - O(state=verified) also judges C(/etc/pam.d/common-auth) without running it. It follows
    every way through the auth lines as libpam would, with every module that checks a
    password failing, and fails when one way still ends in success (for example a
    C(pam_permit.so) that jumps over C(pam_deny.so)) or when no way ends in success at all.
  - With O(state=restored), puts the saved files back (content, mode and owner), removes
    the files that did not exist when they were saved and the files that match a saved
    pattern but were not there then, and returns C(changed=true) when it restored anything.
version_added: 0.1.0
author:
  - edu_tw.hardening contributors (@edu-tw-hardening)
options:
  state:
    description:
      - V(saved) records the stack in O(state_dir); V(verified) proves that a wrong password
        is refused; V(restored) puts the saved stack back.
    type: str
    choices: [saved, verified, restored]
    required: true
  paths:
    description:
      - The files of the stack. An entry with a shell pattern (C(*), C(?), C([)) stands for
        the files it matches when they are saved; a file that matches it later is removed
        by a restore.
      - The default is the stack that Debian's pam-auth-update writes (C(common-auth),
        C(common-account), C(common-password), C(common-session),
        C(common-session-noninteractive)), its state in C(/var/lib/pam), and the files of
        the collection's password_policy role (its pam-auth-update profile and its
        pwquality drop-in).
    type: list
    elements: path
    default:
      - /etc/pam.d/common-auth
      - /etc/pam.d/common-account
      - /etc/pam.d/common-password
      - /etc/pam.d/common-session
      - /etc/pam.d/common-session-noninteractive
      - /usr/share/pam-configs/edu_tw_hardening_pwhistory
      - /var/lib/pam/*
      - /etc/security/pwquality.conf.d/90-edu_tw_hardening.conf
  state_dir:
    description:
      - Where the saved stack is kept, created with mode C(0700). It holds C(manifest.json)
        and the copies under C(files/), at their own paths, so that they can also be put
        back by hand.
    type: path
    default: /var/lib/edu_tw_hardening/pam/saved
  users:
    description:
      - The accounts to try a wrong password for with O(state=verified); each must exist.
        Name root and one real account that logs in with a password.
      - Required with O(state=verified).
    type: list
    elements: str
  services:
    description:
      - PAM services to try as well as C(common-auth) with O(state=verified), such as
        V(sshd) or V(login); each needs its file in C(/etc/pam.d).
      - A service whose auth lines use C(pam_rootok.so) (such as C(su)) is refused, because
        pam_rootok lets root, which runs the check, in without a password.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    description: >-
      Can run in check_mode and return changed status prediction without modifying target.
    support: full
    details:
      - O(state=saved) saves nothing; O(state=restored) reports what it would put back;
        O(state=verified) judges C(/etc/pam.d/common-auth) but tries no password.
  diff_mode:
    description: >-
      Will return details on what has changed (or possibly needs changing in check_mode),
      when in diff mode.
    support: partial
    details:
      - O(state=restored) shows each file it puts back or removes. O(state=saved) and
        O(state=verified) change nothing on the host.
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: debian
requirements:
  - libpam (C(libpam0g), on every Debian host) for O(state=verified).
notes:
  - Run it as root (C(become)). It reads C(/etc/shadow) through PAM and writes C(/etc/pam.d).
  - Every wrong-password attempt of O(state=verified) is a failed login for PAM, logged as
    such (C(auth.log)) and counted by C(pam_faillock) or C(pam_tally2) when the stack uses
    them; with one attempt per user and service it cannot lock an account on its own.
  - Every account in O(users) with an empty password fails O(state=verified) on a stack
    with C(nullok), as it should; pick a real account with a password.
  - O(state=verified) judges the one file C(/etc/pam.d/common-auth); a line that includes
    another file (C(@include), C(include), C(substack)) is reported as not judged.
seealso:
  - name: pam.conf(5)
    description: How Linux-PAM reads its configuration and what the controls mean.
    link: https://man7.org/linux/man-pages/man5/pam.conf.5.html
  - name: pam-auth-update(8)
    description: How Debian writes /etc/pam.d/common-* from profiles.
    link: https://manpages.debian.org/stable/libpam-runtime/pam-auth-update.8.en.html
"""

EXAMPLES = r"""
- name: Save the PAM stack before changing it
  edu_tw.hardening.pam_stack:
    state: saved

- name: Change the stack and prove that it is still closed
  block:
    - name: Enable the password history profile
      ansible.builtin.command:
        argv: [pam-auth-update, --package, --enable, example_pwhistory]
      changed_when: true

    - name: Prove that a wrong password is refused, for root and for a real account
      edu_tw.hardening.pam_stack:
        state: verified
        users: [root, alice]
        services: [sshd]
  rescue:
    - name: Put the previous stack back
      edu_tw.hardening.pam_stack:
        state: restored

    - name: Stop
      ansible.builtin.fail:
        msg: "{{ ansible_failed_result.msg }}; the previous PAM stack was restored"
"""

RETURN = r"""
msg:
  description: What the module did, in a sentence.
  returned: always
  type: str
saved:
  description: Whether O(state=saved) wrote a new copy (false when the stack was already saved).
  returned: when O(state=saved)
  type: bool
files:
  description: The files of the stack, each with whether it exists, as saved or found.
  returned: when O(state=saved)
  type: dict
  sample:
    /etc/pam.d/common-auth: true
    /usr/share/pam-configs/edu_tw_hardening_pwhistory: false
attempts:
  description: One entry per wrong-password attempt, with the PAM result.
  returned: when O(state=verified)
  type: list
  elements: dict
  sample: [{"service": "common-auth", "user": "root", "result": "PAM_AUTH_ERR", "prompted": true}]
faults:
  description: Why the stack is not sound; empty when it is.
  returned: when O(state=verified)
  type: list
  elements: str
restored:
  description: The files written back from the saved copies.
  returned: when O(state=restored)
  type: list
  elements: str
removed:
  description: The files removed because they did not exist when the stack was saved.
  returned: when O(state=restored)
  type: list
  elements: str
"""

import glob
import os
import pwd
import secrets
import shutil
import stat
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.edu_tw.hardening.plugins.module_utils import libpam
from ansible_collections.edu_tw.hardening.plugins.module_utils import pam_stack as stack
from ansible_collections.edu_tw.hardening.plugins.module_utils.files import (
    as_text,
    read_bytes,
    read_text,
)

PATTERN_CHARS = frozenset("*?[")


def _file_state(path: str) -> stack.FileState:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return stack.FileState(path, False)
    data = read_bytes(path) or b""
    return stack.FileState(
        path, True, stack.sha256_hex(data), stat.S_IMODE(info.st_mode), info.st_uid, info.st_gid
    )


def _matches(pattern: str) -> list[str]:
    return sorted(p for p in glob.glob(pattern) if os.path.isfile(p))


def _expand(patterns: list[str]) -> list[str]:
    """Literal paths as given (present or not), patterns as the files they match now."""
    paths: set[str] = set()
    for pattern in patterns:
        paths.update(_matches(pattern) if PATTERN_CHARS & set(pattern) else [pattern])
    return sorted(paths)


def _save(module: AnsibleModule) -> None:
    params = module.params
    state_dir = params["state_dir"]
    states = [_file_state(path) for path in _expand(params["paths"])]
    record = stack.manifest(params["paths"], states)
    files = {s.path: s.present for s in states}
    # Never keep an unsound stack as the one to return to (a run interrupted between
    # pam-auth-update and its check leaves one behind): refuse, and change nothing.
    faults = stack.judge_auth_stack(read_text(stack.COMMON_AUTH))
    if faults:
        module.fail_json(
            msg="The PAM stack as found is not sound, so it is not saved as the stack to "
            "return to, and nothing was changed: " + "; ".join(faults) + ". Repair "
            f"{stack.COMMON_AUTH} first (pam-auth-update --force rewrites it from the profiles).",
            faults=faults,
        )
    previous = stack.parse_manifest(read_text(os.path.join(state_dir, stack.MANIFEST)))
    if previous == record:
        module.exit_json(changed=False, saved=False, files=files, msg="the stack is already saved")
    if module.check_mode:
        module.exit_json(changed=False, saved=False, files=files, msg="check mode: nothing saved")
    parent = os.path.dirname(state_dir.rstrip("/"))
    os.makedirs(parent, mode=0o700, exist_ok=True)
    staging = tempfile.mkdtemp(dir=parent, prefix=".pam_stack.")
    for state in states:
        if state.present:
            copy = stack.saved_copy(staging, state.path)
            os.makedirs(os.path.dirname(copy), mode=0o700, exist_ok=True)
            shutil.copyfile(state.path, copy)
            os.chmod(copy, 0o600)
    with open(os.path.join(staging, stack.MANIFEST), "w", encoding="utf-8") as handle:
        handle.write(stack.manifest_text(record))
    for directory, _subdirs, _files in os.walk(staging):
        os.chmod(directory, 0o700)
    retired = None
    if os.path.exists(state_dir):
        retired = tempfile.mkdtemp(dir=parent, prefix=".pam_stack.old.")
        os.rename(state_dir, os.path.join(retired, "saved"))
    os.rename(staging, state_dir)
    if retired:
        shutil.rmtree(retired)
    # Bookkeeping of the module, not configuration of the host: never a change.
    module.exit_json(
        changed=False, saved=True, files=files, msg=f"the stack is saved in {state_dir}"
    )


def _verify(module: AnsibleModule) -> None:
    params = module.params
    users, services = params["users"], ["common-auth", *params["services"]]
    for service in services[1:]:
        path = f"/etc/pam.d/{service}"
        if not os.path.isfile(path):
            module.fail_json(msg=f"services: {path} does not exist; PAM would use 'other'")
        rules = stack.auth_rules(read_text(path), path)
        if any(rule.get("module") == "pam_rootok.so" for rule in rules):
            module.fail_json(
                msg=f"services: {service} uses pam_rootok.so, which lets root (running this"
                " check) in without a password; it cannot be verified this way"
            )
    for user in users:
        try:
            pwd.getpwnam(user)
        except KeyError:
            module.fail_json(msg=f"users: no account named {user} on this host")
    faults = stack.judge_auth_stack(read_text(stack.COMMON_AUTH))
    attempts = []
    if not module.check_mode:
        wrong = "wrong-" + secrets.token_urlsafe(24)
        for service in services:
            for user in users:
                try:
                    attempt = libpam.authenticate(service, user, wrong)
                except OSError as exc:
                    module.fail_json(msg=f"libpam could not be loaded: {exc}; install libpam0g")
                attempts.append(
                    {
                        "service": service,
                        "user": user,
                        "result": stack.result_name(attempt.code),
                        "prompted": attempt.prompted,
                    }
                )
                fault = stack.judge_attempt(
                    service, user, attempt.code, attempt.prompted, attempt.reason
                )
                if fault:
                    faults.append(fault)
    if faults:
        module.fail_json(
            msg="The PAM stack is not sound: " + "; ".join(faults), faults=faults, attempts=attempts
        )
    tried = f"a wrong password is refused for {', '.join(users)} through {', '.join(services)}"
    module.exit_json(
        changed=False,
        faults=[],
        attempts=attempts,
        msg=f"{stack.COMMON_AUTH} is sound" + ("" if module.check_mode else f"; {tried}"),
    )


def _restore(module: AnsibleModule) -> None:
    state_dir = module.params["state_dir"]
    saved = stack.parse_manifest(read_text(os.path.join(state_dir, stack.MANIFEST)))
    if saved is None:
        module.fail_json(
            msg=f"nothing saved in {state_dir}: there is no stack to restore (state=saved first)"
        )
    paths = set(saved["files"])
    for pattern in saved["patterns"]:
        if PATTERN_CHARS & set(pattern):
            paths.update(_matches(pattern))
    current = {path: _file_state(path) for path in sorted(paths)}
    write, remove = stack.restore_plan(saved, current)
    copies = {}
    for path in write:
        data = read_bytes(stack.saved_copy(state_dir, path))
        if data is None or stack.sha256_hex(data) != saved["files"][path]["sha256"]:
            module.fail_json(
                msg=f"the saved copy of {path} in {state_dir} is missing or damaged;"
                " nothing was restored"
            )
        copies[path] = data
    diff = [
        {
            "before_header": path,
            "after_header": f"{path} (saved)" if path in copies else f"{path} (absent)",
            "before": read_text(path) or "",
            "after": as_text(copies.get(path)) or "",
        }
        for path in [*write, *remove]
    ]
    result = {"changed": bool(write or remove), "restored": write, "removed": remove}
    if module._diff:
        result["diff"] = diff
    if module.check_mode or not result["changed"]:
        done = "would be restored" if module.check_mode else "is as saved"
        module.exit_json(msg=f"the PAM stack {done}", **result)
    for path in write:
        record = saved["files"][path]
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=0o755, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".pam_stack.")
        with os.fdopen(fd, "wb") as handle:
            handle.write(copies[path])
        os.chown(tmp, record["uid"], record["gid"])
        os.chmod(tmp, record["mode"])
        module.atomic_move(tmp, path)
        os.chown(path, record["uid"], record["gid"])
        os.chmod(path, record["mode"])
    for path in remove:
        os.remove(path)
    module.exit_json(msg=f"the PAM stack saved in {state_dir} is restored", **result)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "state": {
                "type": "str",
                "choices": ["saved", "verified", "restored"],
                "required": True,
            },
            "paths": {"type": "list", "elements": "path", "default": list(stack.DEFAULT_PATHS)},
            "state_dir": {"type": "path", "default": stack.DEFAULT_STATE_DIR},
            "users": {"type": "list", "elements": "str"},
            "services": {"type": "list", "elements": "str", "default": []},
        },
        required_if=[("state", "verified", ["users"])],
        supports_check_mode=True,
    )
    if os.geteuid() != 0:
        module.fail_json(msg="pam_stack must run as root (become: true)")
    for service in module.params["services"] or []:
        if not service or "/" in service or service.startswith("."):
            module.fail_json(msg=f"services: {service!r} is not a PAM service name")
    state = module.params["state"]
    if state == "saved":
        _save(module)
    elif state == "verified":
        if not module.params["users"]:
            module.fail_json(msg="users: name at least one account (root and a real account)")
        _verify(module)
    _restore(module)


if __name__ == "__main__":
    main()
