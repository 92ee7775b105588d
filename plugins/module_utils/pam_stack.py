# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pure helpers of the pam_stack module: judge an auth stack, plan a save and a restore.

Nothing here touches the host; the module reads files and calls libpam and passes what it
found in.

How Linux-PAM decides an auth stack (libpam/pam_dispatch.c, ``_pam_dispatch_aux``, the same
in Linux-PAM 1.4 to 1.7): the stack starts undecided with the status PAM_PERM_DENIED. Each
module returns a value, and the line's control maps that value to an action:

- ``ok`` / ``done``: when the stack is undecided, or positive with success so far, it
  becomes positive with this value (PAM_IGNORE leaves it alone); ``done`` then ends the
  stack if it is positive;
- ``bad`` / ``die``: the stack becomes negative, unless it already is; ``die`` ends it;
- ``ignore``: nothing; ``reset``: undecided again;
- a number N: skip the next N lines; jumping past the last line makes the stack negative.

At the end, success only stands when the stack is positive. ``required`` is
``[success=ok new_authtok_reqd=ok ignore=ignore default=bad]``, ``requisite`` the same with
``default=die``, ``optional`` ``[success=ok new_authtok_reqd=ok default=ignore]`` and
``sufficient`` ``[success=done new_authtok_reqd=done default=ignore]``; in a bracketed
control every value it does not name is ``bad``.

``judge_auth_stack`` explores every way through a stack: modules that check a password
fail (the password is wrong), pam_permit succeeds, pam_deny fails, and any other module may
succeed, be ignored or fail. If one way ends in success, a wrong password can authenticate.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import STATE_DIR
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.pam import parse_pam_file

COMMON_AUTH = "/etc/pam.d/common-auth"
DEFAULT_STATE_DIR = f"{STATE_DIR}/pam/saved"
# The PAM stack the password_policy role may change, directly or through pam-auth-update.
DEFAULT_PATHS = (
    "/etc/pam.d/common-auth",
    "/etc/pam.d/common-account",
    "/etc/pam.d/common-password",
    "/etc/pam.d/common-session",
    "/etc/pam.d/common-session-noninteractive",
    "/usr/share/pam-configs/edu_tw_hardening_pwhistory",
    "/var/lib/pam/*",
    "/etc/security/pwquality.conf.d/90-edu_tw_hardening.conf",
)
MANIFEST = "manifest.json"
FILES_DIR = "files"
MANIFEST_SCHEMA = "edu_tw.hardening/pam-stack-saved/1"

# Linux-PAM return values, in the order of their codes (_pam_types.h); the names are the
# ones a bracketed control uses.
RETURN_NAMES = (
    "success",
    "open_err",
    "symbol_err",
    "service_err",
    "system_err",
    "buf_err",
    "perm_denied",
    "auth_err",
    "cred_insufficient",
    "authinfo_unavail",
    "user_unknown",
    "maxtries",
    "new_authtok_reqd",
    "acct_expired",
    "session_err",
    "cred_unavail",
    "cred_expired",
    "cred_err",
    "no_module_data",
    "conv_err",
    "authtok_err",
    "authtok_recover_err",
    "authtok_lock_busy",
    "authtok_disable_aging",
    "try_again",
    "ignore",
    "abort",
    "authtok_expired",
    "module_unknown",
    "bad_item",
    "conv_again",
    "incomplete",
)
PAM_SUCCESS = 0
# pam_authenticate results that mean PAM could not run the stack at all: a correct
# password would be refused as well.
BROKEN_RESULTS = frozenset(
    RETURN_NAMES.index(name)
    for name in (
        "open_err",
        "symbol_err",
        "service_err",
        "system_err",
        "buf_err",
        "conv_err",
        "abort",
        "module_unknown",
    )
)
_MUST_FAIL = "perm_denied"
_ACTIONS = ("ignore", "ok", "done", "bad", "die", "reset")
_CLASSIC = {
    "required": ({"success": "ok", "new_authtok_reqd": "ok", "ignore": "ignore"}, "bad"),
    "requisite": ({"success": "ok", "new_authtok_reqd": "ok", "ignore": "ignore"}, "die"),
    "optional": ({"success": "ok", "new_authtok_reqd": "ok"}, "ignore"),
    "sufficient": ({"success": "done", "new_authtok_reqd": "done"}, "ignore"),
}

# Modules that authenticate by checking what the user presents (a password, a one-time
# code, a token, a key, a fingerprint): with a wrong password they fail. pam_permit always
# succeeds, pam_deny always fails; pam_rootok succeeds whenever the caller runs as root
# (sshd does), so it counts as a module that may let anyone in, like every module not
# named here.
AUTHENTICATORS = frozenset(
    {
        "pam_unix.so",
        "pam_sss.so",
        "pam_ldap.so",
        "pam_krb5.so",
        "pam_winbind.so",
        "pam_systemd_home.so",
        "pam_userdb.so",
        "pam_pwdfile.so",
        "pam_radius_auth.so",
        "pam_tacplus.so",
        "pam_google_authenticator.so",
        "pam_oath.so",
        "pam_u2f.so",
        "pam_yubico.so",
        "pam_pkcs11.so",
        "pam_p11.so",
        "pam_duo.so",
        "pam_fprintd.so",
        "pam_ssh_agent_auth.so",
    }
)
# What a module may return when the password is wrong.
_REFUSALS = ("auth_err", "user_unknown", "authinfo_unavail", "cred_insufficient", "maxtries")
_ANY = ("success", "ignore", "auth_err")


class Step(NamedTuple):
    """One module on a way through the stack: its rule, what it returned, what PAM did."""

    rule: dict
    result: str
    action: str | int


def parse_control(control: str) -> dict[str, str | int] | None:
    """The action for every return value of a control, as libpam reads it.

    ``required``, ``requisite``, ``optional`` and ``sufficient`` map to their fixed actions;
    ``[value=action ...]`` sets the named values, ``default=`` every value not named before
    it, and values still unset are ``bad``. An action is one of ``ignore ok done bad die
    reset`` or a jump (int). ``include`` and ``substack`` give None (another file decides).
    A token libpam would not understand makes its value ``bad``, as libpam does.
    """
    word = control.lower()
    if word in ("include", "substack"):
        return None
    if word in _CLASSIC:
        named, default = _CLASSIC[word]
        return {name: named.get(name, default) for name in RETURN_NAMES}
    actions: dict[str, str | int] = {}
    for token in control.strip("[]").split():
        value, _sep, action_text = token.partition("=")
        action: str | int = action_text.lower()
        if action_text.isdigit() and int(action_text) > 0:
            action = int(action_text)
        elif action not in _ACTIONS:
            action = "bad"
        value = value.lower()
        if value == "default":
            for name in RETURN_NAMES:
                actions.setdefault(name, action)
        elif value in RETURN_NAMES:
            actions[value] = action
    return {name: actions.get(name, "bad") for name in RETURN_NAMES}


def auth_rules(text: str | None, path: str = COMMON_AUTH) -> list[dict]:
    """The ``auth`` rules (and ``@include`` lines) of a PAM file, with ``file`` and ``line``."""
    return [r for r in parse_pam_file(text, path) if "include" in r or r["type"] == "auth"]


def _outcomes(module: str, wrong_password: bool) -> tuple[str, ...]:
    if module == "pam_permit.so":
        return ("success",)
    if module == "pam_deny.so":
        return ("auth_err",)
    if module in AUTHENTICATORS:
        return _REFUSALS if wrong_password else ("success", *_REFUSALS)
    return _ANY


class _State(NamedTuple):
    """Where a way through the stack is: the next line, the impression and the status."""

    index: int
    impression: str  # undecided, positive or negative
    status: str  # a return value name
    ended: bool = False


def _dispatch(state: _State, action: str | int, result: str, size: int) -> _State:
    """The state after the module at ``state.index`` returned ``result`` (libpam's rules)."""
    impression, status, index = state.impression, state.status, state.index + 1
    if action == "reset":
        return _State(index, "undecided", _MUST_FAIL)
    if action in ("ok", "done"):
        counts = impression == "undecided" or (impression == "positive" and status == "success")
        if counts and result != "ignore":
            impression, status = "positive", result
        return _State(index, impression, status, action == "done" and impression == "positive")
    if action in ("bad", "die"):
        if impression != "negative":
            impression = "negative"
            status = _MUST_FAIL if result in ("success", "ignore") else result
        return _State(index, impression, status, action == "die")
    if isinstance(action, int):
        if action > size - index:  # "bad jump in stack"
            return _State(size, "negative", _MUST_FAIL, True)
        return _State(index + action, impression, status)
    return _State(index, impression, status)  # ignore


def _explore(rules: list[dict], wrong_password: bool) -> list[Step] | None:
    """A way through ``rules`` that ends in PAM_SUCCESS, or None when there is none.

    ``wrong_password``: modules that check a password fail; otherwise they may succeed.
    States (line, impression, success or not) already explored are not explored again.
    """
    controls = [parse_control(rule["control"]) for rule in rules]
    seen: set[tuple[int, str, bool]] = set()

    def walk(state: _State, path: list[Step]) -> list[Step] | None:
        if state.ended or state.index >= len(rules):
            granted = state.impression == "positive" and state.status == "success"
            return path if granted else None
        key = (state.index, state.impression, state.status == "success")
        if key in seen:
            return None
        seen.add(key)
        rule, actions = rules[state.index], controls[state.index]
        for result in _outcomes(rule["module"], wrong_password):
            action = actions[result] if actions else "bad"
            found = walk(
                _dispatch(state, action, result, len(rules)), [*path, Step(rule, result, action)]
            )
            if found is not None:
                return found
        return None

    return walk(_State(0, "undecided", _MUST_FAIL), [])


def _describe(step: Step, rules: list[dict]) -> str:
    rule = step.rule
    text = f"line {rule['line']} {rule['module']} ({rule['control']})"
    verb = "succeeds" if step.result == "success" else f"returns {step.result}"
    if isinstance(step.action, int):
        start = rules.index(rule) + 1
        skipped = ", ".join(
            f"line {r['line']} {r['module']}" for r in rules[start : start + step.action]
        )
        return f"{text} {verb} and jumps over {skipped or 'the end of the stack'}"
    effect = {
        "done": " and ends the stack",
        "ignore": ", ignored",
        "reset": " and resets the stack",
    }.get(str(step.action), "")
    return f"{text} {verb}{effect}"


def judge_auth_stack(text: str | None, path: str = COMMON_AUTH) -> list[str]:
    """Why the auth stack in ``text`` (the file ``path``) is unsound; [] when it is sound.

    Unsound: a way through the stack ends in success while every module that checks a
    password fails (a wrong password authenticates), or no way ends in success even when
    they succeed (every login is refused). ``@include``, ``include`` and ``substack`` lines
    are reported as not judged: the check reads one file.
    """
    if text is None:
        return [f"{path} is missing: every login through it is refused or falls to 'other'"]
    rules = auth_rules(text, path)
    nested = [r for r in rules if "include" in r or parse_control(r["control"]) is None]
    if nested:
        return [
            f"{path} line {r['line']} includes another file"
            f" ({r.get('include') or r['module']}); only a stack in one file can be judged"
            for r in nested
        ]
    if not rules:
        return [f"{path} has no auth lines: PAM refuses every login through it"]
    opening = _explore(rules, wrong_password=True)
    if opening is not None:
        checked = [s for s in opening if s.rule["module"] in AUTHENTICATORS]
        reason = (
            "although every module that checks a password fails"
            if checked
            else "without any module that checks a password"
        )
        return [
            f"{path} lets a wrong password authenticate: "
            + "; ".join(_describe(step, rules) for step in opening)
            + f"; the stack ends in success {reason}"
        ]
    if _explore(rules, wrong_password=False) is None:
        return [f"{path} refuses every password: no way through its auth lines ends in success"]
    return []


def result_name(code: int) -> str:
    """``PAM_AUTH_ERR`` for 7, and so on; unknown codes as ``PAM result N``."""
    if 0 <= code < len(RETURN_NAMES):
        return "PAM_" + RETURN_NAMES[code].upper()
    return f"PAM result {code}"


def judge_attempt(service: str, user: str, code: int, prompted: bool, reason: str) -> str | None:
    """Why one wrong-password attempt shows an unsound stack, or None when it was refused.

    ``code`` is what pam_authenticate returned, ``prompted`` whether PAM asked for a
    password at all, ``reason`` pam_strerror's text. Success is a hole; a result that
    means PAM could not run the stack (a missing module, a syntax error) is a lockout,
    since a correct password would be refused too.
    """
    if code == PAM_SUCCESS:
        how = "" if prompted else " without asking for a password"
        return (
            f"PAM service {service} accepted a wrong password for {user}{how} ({result_name(code)})"
        )
    if code in BROKEN_RESULTS:
        return (
            f"PAM service {service} could not run its stack for {user}: {result_name(code)}"
            f" ({reason}); a correct password would be refused too"
        )
    return None


class FileState(NamedTuple):
    """A file of the stack as found: present or not, its sha256, mode and owner."""

    path: str
    present: bool
    sha256: str | None = None
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None


def sha256_hex(data: bytes) -> str:
    """The sha256 of ``data``, in hex."""
    return hashlib.sha256(data).hexdigest()


def manifest(patterns: list[str], states: list[FileState]) -> dict:
    """The record of a save: the patterns asked for and every file's state, by path."""
    return {
        "schema": MANIFEST_SCHEMA,
        "patterns": list(patterns),
        "files": {
            s.path: {
                "present": s.present,
                "sha256": s.sha256,
                "mode": s.mode,
                "uid": s.uid,
                "gid": s.gid,
            }
            for s in sorted(states)
        },
    }


def manifest_text(record: dict) -> str:
    """The manifest as written to the state directory (stable, so it compares)."""
    return json.dumps(record, indent=1, sort_keys=True) + "\n"


def parse_manifest(text: str | None) -> dict | None:
    """A manifest read back, or None when missing, unreadable or of another schema."""
    if not text:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("schema") != MANIFEST_SCHEMA:
        return None
    return record


def saved_copy(state_dir: str, path: str) -> str:
    """Where the saved copy of ``path`` lives: the same path under ``state_dir``/files."""
    return f"{state_dir.rstrip('/')}/{FILES_DIR}/{path.lstrip('/')}"


def restore_plan(saved: dict, current: dict[str, FileState]) -> tuple[list[str], list[str]]:
    """What a restore must do: (paths to write back from the saved copies, paths to remove).

    ``current`` holds the state of every saved path and of every file that matches a saved
    pattern now. A saved file that differs in content, mode or owner is written back; a
    file that was absent at the save (the role's profile on a host that never had it), or
    that matches a saved pattern but was not there then, is removed.
    """
    write, remove = [], []
    files = saved["files"]
    for path, state in sorted(current.items()):
        record = files.get(path)
        if record is None or not record["present"]:
            if state.present:
                remove.append(path)
            continue
        if (state.sha256, state.mode, state.uid, state.gid) != (
            record["sha256"],
            record["mode"],
            record["uid"],
            record["gid"],
        ):
            write.append(path)
    write += sorted(p for p, r in files.items() if r["present"] and p not in current)
    return write, remove
