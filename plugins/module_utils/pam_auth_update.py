# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What Debian's pam-auth-update will do with hand edits of /etc/pam.d/common-* (pure).

pam-auth-update writes the lines of its profiles between markers in each
``/etc/pam.d/common-<type>`` file and records what it wrote in ``/var/lib/pam/<type>``
(``Module: <profile>`` followed by the profile's lines, jumps written as ``end``). Before
it writes again it compares the two (``diff_profiles`` in /usr/sbin/pam-auth-update of
libpam-runtime 1.4.0, 1.5.2 and 1.7.0, Debian 11 to 13, which agree on this):

- every line inside the managed blocks (between ``# here are the per-package modules``
  and ``# here's the fallback``, and between ``# and here are more per-package modules``
  and ``# end of pam-auth-update config``) must be a recorded line of a profile, in the
  recorded order, with its control and module unchanged (jump distances aside);
- options added to or removed from such a line by hand are remembered and applied again
  to the line it writes next time;
- lines outside the managed blocks are kept as they are and never looked at.

When a line of any of the five files does not match, or a file or its record is missing,
``pam-auth-update --package`` prints "Local modifications to /etc/pam.d/common-*, not
updating", writes nothing and still exits 0. This module reproduces that judgement from
the files' text, so a caller can tell beforehand whether pam-auth-update will rewrite the
stack and which hand edits it will carry over.
"""

from __future__ import annotations

import re

TYPES = ("auth", "account", "password", "session", "session-noninteractive")
PAM_DIR = "/etc/pam.d"
SAVE_DIR = "/var/lib/pam"

MARK_PRIMARY = '# here are the per-package modules (the "Primary" block)'
MARK_FALLBACK = "# here's the fallback if no module succeeds"
MARK_ADDITIONAL = '# and here are more per-package modules (the "Additional" block)'
MARK_END = "# end of pam-auth-update config"

# pam-auth-update's own patterns: the first number inside a [...] control (a jump) and
# the word "end" there are dropped before comparing; a recorded line is "control module
# options" with the control either [...] or a word.
_JUMP_RE = re.compile(r"(\[[^0-9]*)[0-9]+(.*\])")
_END_RE = re.compile(r"(\[.*)end(.*\])")
_SAVED_LINE_RE = re.compile(r"((\[[^\]]+\]|\w+)\s+\S+)\s*(.*)")


def conf_path(pam_type: str) -> str:
    """The file pam-auth-update writes for ``pam_type``: /etc/pam.d/common-<type>."""
    return f"{PAM_DIR}/common-{pam_type}"


def saved_path(pam_type: str) -> str:
    """pam-auth-update's record of what it wrote for ``pam_type``: /var/lib/pam/<type>."""
    return f"{SAVE_DIR}/{pam_type}"


def _strip_jump(line: str) -> str:
    return _JUMP_RE.sub(r"\1\2", line, count=1)


def parse_saved(text: str) -> list[tuple[str, str]]:
    """The recorded lines of a /var/lib/pam/<type> file as (profile, line) pairs.

    Jump distances and ``end`` are dropped from the controls, as pam-auth-update does
    before comparing. Blank lines are skipped.
    """
    lines: list[tuple[str, str]] = []
    profile = ""
    for raw in text.splitlines():
        if raw.startswith("Module: "):
            profile = raw[len("Module: ") :]
            continue
        if not raw.strip():
            continue
        lines.append((profile, _END_RE.sub(r"\1\2", _strip_jump(raw), count=1)))
    return lines


def _split_options(text: str) -> list[str]:
    return text.split()


def compare(pam_type: str, saved_text: str | None, current_text: str | None) -> dict:
    """How pam-auth-update sees one common-<type> file against its record.

    Returns ``{"merges": bool, "reason": str | None, "lines": [...]}``. ``lines`` has one
    entry per line of the managed blocks that matched a recorded line, in file order:
    ``{"line": n, "profile": name, "module": "control module", "added": [...],
    "removed": [...]}`` (``line`` 1-based; ``added``/``removed`` the options changed by
    hand, which pam-auth-update carries over). When ``merges`` is False, ``reason`` says
    which line or file stops pam-auth-update, and ``lines`` holds the lines matched
    before it.
    """
    path = conf_path(pam_type)
    result: dict = {"merges": False, "reason": None, "lines": []}
    if saved_text is None:
        result["reason"] = (
            f"{saved_path(pam_type)} is missing: pam-auth-update has no record of what it wrote"
        )
        return result
    if current_text is None:
        result["reason"] = f"{path} is missing"
        return result
    saved = parse_saved(saved_text)
    realtype = pam_type.replace("-noninteractive", "")
    type_prefix = re.compile(rf"^{re.escape(realtype)}\s+")
    state = 0
    for number, raw in enumerate(current_text.splitlines(), start=1):
        line = raw
        if state == 0:
            if line.startswith(MARK_PRIMARY):
                state = 1
            continue
        if state == 1:
            line = type_prefix.sub("", line, count=1)
            if line.startswith(MARK_FALLBACK):
                state = 2
                continue
        if state == 2:
            if line.startswith(MARK_ADDITIONAL):
                state = 3
            continue
        if state == 3:
            if line.startswith(MARK_END):
                break
            line = type_prefix.sub("", line, count=1)
        matched = _match_saved(saved, _strip_jump(line))
        if matched is None:
            result["reason"] = (
                f"{path} line {number} ({raw.strip() or 'an empty line'}) is inside the block"
                " pam-auth-update manages but comes from none of its profiles"
            )
            return result
        profile, module, previous, current = matched
        added = [opt for opt in current if opt not in previous]
        removed = [opt for opt in previous if opt not in current]
        result["lines"].append(
            {
                "line": number,
                "profile": profile,
                "module": module,
                "added": added,
                "removed": removed,
            }
        )
    if state < 3:
        result["reason"] = f"{path} lacks the markers of pam-auth-update's managed blocks"
        return result
    result["merges"] = True
    return result


def _match_saved(
    saved: list[tuple[str, str]], line: str
) -> tuple[str, str, list[str], list[str]] | None:
    """Consume recorded lines until one has the control and module of ``line``.

    Recorded lines skipped on the way are modules removed by hand, which pam-auth-update
    accepts. Returns (profile, "control module", recorded options, current options), or
    None when no recorded line is left that matches.
    """
    while saved:
        profile, recorded = saved.pop(0)
        parsed = _SAVED_LINE_RE.match(recorded)
        if parsed is None:
            continue
        module = parsed.group(1)
        current = re.match(re.escape(module) + r"\s*(.*)$", line)
        if current is not None:
            return profile, module, _split_options(parsed.group(3)), _split_options(current[1])
    return None


def review(saved: dict[str, str | None], current: dict[str, str | None]) -> dict:
    """Whether ``pam-auth-update --package`` will rewrite the common-* files at all.

    ``saved`` and ``current`` map each of ``TYPES`` to the text of /var/lib/pam/<type>
    and /etc/pam.d/common-<type> (None when missing). Returns ``{"rewrites": bool,
    "blocked": reason | None, "files": {type: compare(...)}}``: one file that does not
    merge stops pam-auth-update for all five, and ``blocked`` names the first such file
    and line.
    """
    files = {t: compare(t, saved.get(t), current.get(t)) for t in TYPES}
    blocked = next((files[t]["reason"] for t in TYPES if not files[t]["merges"]), None)
    return {"rewrites": blocked is None, "blocked": blocked, "files": files}


def hand_edits(reviewed: dict) -> list[dict]:
    """Lines whose options were changed by hand and that pam-auth-update will keep so.

    From a ``review`` result: one ``{"file", "line", "profile", "module", "added",
    "removed"}`` per managed line with an option added or removed, in file order.
    """
    edits = []
    for pam_type in TYPES:
        for entry in reviewed["files"][pam_type]["lines"]:
            if entry["added"] or entry["removed"]:
                edits.append({"file": conf_path(pam_type), **entry})
    return edits
