# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence about the PAM password stack: pam_pwquality, pam_pwhistory, cracklib.

Reads Debian's ``/etc/pam.d/common-password`` (with its ``@include`` lines resolved one
level), ``/etc/security/pwquality.conf`` and its ``.conf.d`` drop-ins, ``pwhistory.conf``
(only where the installed Linux-PAM reads it), the version of ``libpam-modules`` (from the
shared ``dpkg-query``) and the presence of the cracklib dictionary (MOE-12.9.1,
MOE-12.9.3, MOE-12.9.5).

Effective pwquality settings follow libpwquality: built-in defaults, then
``pwquality.conf.d/*.conf`` in sorted order, then ``pwquality.conf`` itself (the library
reads the drop-ins first), then the arguments on the PAM line. From them the collector
derives the shortest password pwquality accepts, positive length credits included.

pam_pwhistory reads ``/etc/security/pwhistory.conf`` from Linux-PAM 1.5.3 on (Debian 13);
the 1.4 and 1.5.2 modules of Debian 11 and 12 ignore the file, so there only the arguments
on the PAM line count.

``sources`` says which file set each effective value (a pwquality file or the PAM file of
the pam_pwquality.so line; the file of pam_pwhistory's ``remember``); every rule of the
password stack names its ``file``, ``line`` and the pam-auth-update ``profile`` that wrote
it (None for a line outside pam-auth-update's blocks). ``pam_auth_update`` says whether
pam-auth-update will rewrite /etc/pam.d/common-* at all and which hand edits it keeps
(``module_utils/pam_auth_update.py``, from /etc/pam.d/common-* and /var/lib/pam/*).
"""

from __future__ import annotations

import os
import re

from ansible_collections.edu_tw.hardening.plugins.module_utils import pam_auth_update
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import HostReader
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.integers import parse_int
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)

AREA = "pam"

PAM_DIR = "/etc/pam.d"
COMMON_PASSWORD = "/etc/pam.d/common-password"
PWQUALITY_CONF = "/etc/security/pwquality.conf"
PWQUALITY_CONF_D = "/etc/security/pwquality.conf.d/*.conf"
PWHISTORY_CONF = "/etc/security/pwhistory.conf"
# libcrack2's compiled-in dictionary on Debian (cracklib-runtime builds it).
CRACKLIB_DICT = "/var/cache/cracklib/cracklib_dict"

PWQUALITY_MODULE = "pam_pwquality.so"
PWHISTORY_MODULE = "pam_pwhistory.so"
# The Debian package that ships pam_pwhistory.so, and the first upstream Linux-PAM release
# whose pam_pwhistory reads pwhistory.conf.
LIBPAM_MODULES = "libpam-modules"
PWHISTORY_CONF_SINCE = (1, 5, 3)

# libpwquality / pam_pwquality defaults.
PWQUALITY_DEFAULTS: dict = {
    "minlen": 8,
    "dictcheck": True,
    "usercheck": True,
    "enforce_for_root": False,
    "badwords": [],
    "dictpath": None,
    "minclass": 0,
    "retry": 1,
    "dcredit": 0,
    "ucredit": 0,
    "lcredit": 0,
    "ocredit": 0,
}
# Length credits for digits, upper case, lower case and other characters (libpwquality 1.4
# defaults them to 0). A positive credit lets that many characters of the class count twice
# towards minlen; a negative one demands that many characters of the class instead.
PWQ_CREDITS = ("dcredit", "ucredit", "lcredit", "ocredit")
PWQ_BASE_MIN_LENGTH = 6  # libpwquality raises a lower minlen to this
PWQ_NUM_CLASSES = 4  # and lowers a higher minclass to this
# No shorter password gets through cracklib's dictionary check or pam_unix's default minlen.
PWQ_SHORTEST_PASSWORD = 6
PWHISTORY_DEFAULT_REMEMBER = 10

# Debian version: an optional "epoch:" then the upstream version, whose leading numeric
# dot-separated components are compared.
_EPOCH_RE = re.compile(r"[0-9]+:")
_NUMERIC_PREFIX_RE = re.compile(r"[0-9]+(?:\.[0-9]+)*")
# "name = value", "name=value", "name value" or a bare "name" (a flag).
_CONF_LINE_RE = re.compile(r"([^\s=]+)\s*=?\s*(.*)")


def _numbered_lines(text: str) -> list[tuple[int, str]]:
    """Lines of a PAM file as libpam assembles them, comments removed, each with the
    number (from 1) of the physical line it starts on.

    As in libpam, ``#`` ends the content of a physical line and a line that has one
    never continues; otherwise a trailing backslash joins the next line with a space.
    """
    lines: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        start = start or number
        content = raw.split("#", 1)[0]
        stripped = raw.rstrip(" \t")
        if "#" not in raw and stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append((start, pending + content))
        pending = ""
        start = 0
    if pending:
        lines.append((start, pending))
    return lines


def _tokenize(line: str) -> list[str]:
    """Split a PAM line on whitespace, keeping ``[...]`` groups (with ``\\]``) whole."""
    tokens: list[str] = []
    i, size = 0, len(line)
    while i < size:
        if line[i].isspace():
            i += 1
            continue
        start = i
        if line[i] == "[":
            i += 1
            while i < size and line[i] != "]":
                i += 2 if line[i] == "\\" and i + 1 < size else 1
            i += 1
        else:
            while i < size and not line[i].isspace():
                i += 1
        tokens.append(line[start:i])
    return tokens


def _unwrap_arg(token: str) -> str:
    """A module argument as the module sees it: ``[a=b c]`` becomes ``a=b c``."""
    if token.startswith("[") and token.endswith("]"):
        return token[1:-1].replace("\\]", "]")
    return token


def parse_pam_file(text: str | None, path: str | None = None) -> list[dict]:
    """Rules of a PAM file in order, comments and blank lines dropped.

    A rule is ``{"type", "control", "module", "args"}``: the type without the ``-``
    prefix, the control as written (``[success=1 default=ignore]`` kept whole), the
    module path's basename, and its arguments. An ``@include name`` line becomes
    ``{"include": name}``. Lines too short to be a rule are skipped. With ``path`` (the
    file the text was read from) every rule also has ``file`` (that path) and ``line``
    (the number of the physical line it starts on), so a finding can name both.
    """
    rules: list[dict] = []
    for number, raw in _numbered_lines(text or ""):
        line = raw.strip()
        if not line:
            continue
        tokens = _tokenize(line)
        where = {"file": path, "line": number} if path is not None else {}
        if tokens[0] == "@include":
            if len(tokens) > 1:
                rules.append({"include": tokens[1], **where})
            continue
        if len(tokens) < 3:
            continue
        rules.append(
            {
                "type": tokens[0].lstrip("-").lower(),
                "control": tokens[1],
                "module": os.path.basename(tokens[2]),
                "args": [_unwrap_arg(token) for token in tokens[3:]],
                **where,
            }
        )
    return rules


def include_path(name: str) -> str:
    """The file an ``@include`` names: relative names live in /etc/pam.d."""
    return name if name.startswith("/") else f"{PAM_DIR}/{name}"


def password_stack(rules: list[dict], included: dict[str, str | None]) -> list[dict]:
    """The ``password`` rules, with each ``@include`` replaced by the included file's.

    ``included`` maps include names to the text of those files (None when missing).
    Resolution is one level deep: includes inside an included file are dropped.
    """
    stack: list[dict] = []
    for rule in rules:
        if "include" in rule:
            name = rule["include"]
            nested = parse_pam_file(included.get(name), include_path(name))
            stack.extend(r for r in nested if "include" not in r and r["type"] == "password")
        elif rule["type"] == "password":
            stack.append(rule)
    return stack


def find_module(stack: list[dict], module: str) -> dict | None:
    """The first rule on the stack that uses ``module`` (a basename), or None."""
    for rule in stack:
        if rule["module"] == module:
            return rule
    return None


def parse_conf_options(text: str | None) -> list[tuple[str, str]]:
    """``name = value`` options of a libpwquality-style file, in order.

    ``#`` starts a comment; names are lower-cased; a bare name (a flag such as
    ``enforce_for_root``) gets the value "". A missing file gives [].
    """
    options: list[tuple[str, str]] = []
    for raw in (text or "").splitlines():
        match = _CONF_LINE_RE.fullmatch(raw.split("#", 1)[0].strip())
        if match:
            name, value = match.groups()
            options.append((name.lower(), value.strip()))
    return options


def parse_pam_args(args: list[str]) -> list[tuple[str, str]]:
    """PAM module arguments as ``(name, value)`` pairs; a flag gets the value ""."""
    options = []
    for arg in args:
        name, _sep, value = arg.partition("=")
        options.append((name.strip().lower(), value.strip()))
    return options


def apply_pwquality_option(settings: dict, name: str, value: str) -> None:
    """Apply one pwquality option to ``settings`` as libpwquality would.

    Integers that do not parse leave the setting unchanged; unknown names are ignored.
    """
    if name == "enforce_for_root":
        settings["enforce_for_root"] = True  # a flag: present means on
    elif name in ("dictcheck", "usercheck"):
        number = parse_int(value)
        if number is not None:
            settings[name] = number != 0
    elif name == "minlen":
        number = parse_int(value)
        if number is not None:
            settings["minlen"] = max(number, PWQ_BASE_MIN_LENGTH)
    elif name == "minclass":
        number = parse_int(value)
        if number is not None:
            settings["minclass"] = min(number, PWQ_NUM_CLASSES)
    elif name == "retry":
        number = parse_int(value)
        if number is not None:
            settings["retry"] = number if number >= 1 else 1
    elif name in PWQ_CREDITS:
        number = parse_int(value)
        if number is not None:
            settings[name] = number
    elif name == "badwords":
        settings["badwords"] = value.split()
    elif name == "dictpath":
        settings["dictpath"] = value or None


def effective_pwquality(conf_texts: list[str | None], pam_args: list[str]) -> dict:
    """pwquality settings after defaults, config files (in reading order), then PAM args."""
    settings = dict(PWQUALITY_DEFAULTS, badwords=[])
    for text in conf_texts:
        for name, value in parse_conf_options(text):
            apply_pwquality_option(settings, name, value)
    for name, value in parse_pam_args(pam_args):
        apply_pwquality_option(settings, name, value)
    return settings


def shortest_accepted(settings: dict) -> int:
    """The length of the shortest password that effective pwquality ``settings`` accept.

    libpwquality accepts a password of length L when L >= minlen minus the credit it
    earns: per class, one point per character of the class up to that class's positive
    credit. L characters earn at most min(L, sum of positive credits) points, so the
    shortest is the larger of ``minlen - credits`` and ``ceil(minlen / 2)``, and never
    below six (cracklib's dictionary check and pam_unix's default minlen refuse shorter
    passwords). Negative credits demand characters of a class and lower nothing.
    """
    minlen = settings["minlen"]
    credits = sum(max(settings[name], 0) for name in PWQ_CREDITS)
    return max(PWQ_SHORTEST_PASSWORD, minlen - credits, (minlen + 1) // 2)


def debian_upstream_numbers(version: str | None) -> tuple[int, ...] | None:
    """The leading numeric components of a Debian version's upstream part, or None.

    The epoch (``1:``) is dropped, the upstream version is what comes before the last
    ``-`` (the whole version for a native package), and its leading dot-separated numbers
    are kept: ``1.5.2-6+deb12u2`` gives ``(1, 5, 2)``. A missing or unparseable version
    gives None.
    """
    if not version:
        return None
    text = version.strip()
    epoch = _EPOCH_RE.match(text)
    if epoch:
        text = text[epoch.end() :]
    upstream = text.rsplit("-", 1)[0] if "-" in text else text
    numbers = _NUMERIC_PREFIX_RE.match(upstream)
    if numbers is None:
        return None
    return tuple(int(part) for part in numbers.group().split("."))


def pwhistory_reads_conf(version: str | None) -> bool:
    """Whether the pam_pwhistory of this ``libpam-modules`` version reads pwhistory.conf.

    Linux-PAM reads the file from 1.5.3 on (Debian 13: 1.7.0); Debian 11 (1.4.0) and
    Debian 12 (1.5.2) do not. An unknown or unparseable version gives False, so only the
    arguments on the PAM line count.
    """
    numbers = debian_upstream_numbers(version)
    return numbers is not None and numbers >= PWHISTORY_CONF_SINCE


def pwhistory_conf_path(pam_args: list[str]) -> str:
    """The pwhistory config file: the ``conf=`` argument, else /etc/security/pwhistory.conf."""
    for name, value in parse_pam_args(pam_args):
        if name == "conf" and value:
            return value
    return PWHISTORY_CONF


def effective_pwhistory(rule: dict | None, conf_text: str | None, reads_conf: bool) -> dict:
    """pam_pwhistory evidence: on the stack or not, ``remember`` and ``enforce_for_root``.

    ``reads_conf`` says whether the installed module reads its config file
    (``pwhistory_reads_conf``). When it does, the PAM argument ``remember=N`` wins over the
    config file's ``remember = N``; when it does not, ``conf_text`` is ignored. With
    neither the module remembers 10. Without the module, remember is None. ``conf_read``
    is True when the module is on the stack and reads its config file.
    """
    if rule is None:
        return {"present": False, "remember": None, "enforce_for_root": False, "conf_read": False}
    remember: int | None = None
    enforce_for_root = False
    conf_options = parse_conf_options(conf_text) if reads_conf else []
    for name, value in conf_options + parse_pam_args(rule["args"]):
        if name == "remember":
            number = parse_int(value)
            if number is not None:
                remember = number
        elif name == "enforce_for_root":
            enforce_for_root = True
    return {
        "present": True,
        "remember": PWHISTORY_DEFAULT_REMEMBER if remember is None else remember,
        "enforce_for_root": enforce_for_root,
        "conf_read": reads_conf,
    }


# Options that set a pwquality setting whatever their value, and those that need an integer.
_PWQ_ANY_VALUE = ("enforce_for_root", "badwords", "dictpath")
_PWQ_INT_OPTIONS = ("dictcheck", "usercheck", "minlen", "minclass", "retry", *PWQ_CREDITS)


def _pwquality_option_applies(name: str, value: str) -> bool:
    """Whether libpwquality takes this option (``apply_pwquality_option`` changes a setting)."""
    return name in _PWQ_ANY_VALUE or (name in _PWQ_INT_OPTIONS and parse_int(value) is not None)


def pwquality_sources(conf_files: list[tuple[str, str | None]], rule: dict | None) -> dict:
    """Where each effective pwquality setting comes from: the last file that sets it.

    ``conf_files`` are ``(path, text)`` in libpwquality's reading order (drop-ins, then
    pwquality.conf; text None when missing); ``rule`` is the pam_pwquality.so rule, whose
    arguments are read last (its ``file``, else common-password, is their source).
    Settings no file sets keep their defaults and have no entry.
    """
    sources: dict[str, str] = {}
    for path, text in conf_files:
        for name, value in parse_conf_options(text):
            if _pwquality_option_applies(name, value):
                sources[name] = path
    if rule is not None:
        for name, value in parse_pam_args(rule["args"]):
            if _pwquality_option_applies(name, value):
                sources[name] = rule.get("file") or COMMON_PASSWORD
    return sources


def pwhistory_remember_source(
    rule: dict | None, conf_text: str | None, reads_conf: bool, conf_path: str
) -> str | None:
    """The file whose ``remember`` pam_pwhistory applies: the PAM line's file, the config
    file ``conf_path`` (only when the module reads it), or None (the default, or no module).
    """
    if rule is None:
        return None
    source = None
    if reads_conf:
        for name, value in parse_conf_options(conf_text):
            if name == "remember" and parse_int(value) is not None:
                source = conf_path
    for name, value in parse_pam_args(rule["args"]):
        if name == "remember" and parse_int(value) is not None:
            source = rule.get("file") or COMMON_PASSWORD
    return source


def with_profiles(stack: list[dict], reviewed: dict) -> list[dict]:
    """The stack with ``profile`` on every rule: the pam-auth-update profile that wrote the
    line (from ``pam_auth_update.review``), or None for a line of common-password outside
    its managed blocks, or of another file."""
    written = {entry["line"]: entry["profile"] for entry in reviewed["files"]["password"]["lines"]}
    return [
        {
            **rule,
            "profile": written.get(rule.get("line"))
            if rule.get("file") == COMMON_PASSWORD
            else None,
        }
        for rule in stack
    ]


def collect(host: HostReader) -> dict:
    """Gather the PAM password-policy evidence from the host (read-only).

    The pwhistory config file is read only when pam_pwhistory is on the stack and the
    installed ``libpam-modules`` reads it (``pwhistory_reads_conf``). ``stack_error`` says
    which file of the password stack could not be read; ``pwhistory_error`` that the
    package list, and so whether pwhistory.conf counts, is unknown (None when all is known).
    """
    common_password = host.read(COMMON_PASSWORD)
    rules = parse_pam_file(common_password, COMMON_PASSWORD)
    included = {
        rule["include"]: host.read(include_path(rule["include"]))
        for rule in rules
        if "include" in rule
    }
    reviewed = pam_auth_update.review(
        {t: host.read(pam_auth_update.saved_path(t)) for t in pam_auth_update.TYPES},
        {
            t: common_password if t == "password" else host.read(pam_auth_update.conf_path(t))
            for t in pam_auth_update.TYPES
        },
    )
    stack = with_profiles(password_stack(rules, included), reviewed)
    unread = [COMMON_PASSWORD] if common_password is None else []
    unread += [include_path(name) for name, text in included.items() if text is None]

    pwquality_rule = find_module(stack, PWQUALITY_MODULE)
    conf_files = [
        (path, host.read(path)) for path in [*host.glob(PWQUALITY_CONF_D), PWQUALITY_CONF]
    ]
    pwquality = effective_pwquality(
        [text for _path, text in conf_files],
        pwquality_rule["args"] if pwquality_rule else [],
    )
    dictionary = (pwquality["dictpath"] or CRACKLIB_DICT) + ".pwd"

    pwhistory_rule = find_module(stack, PWHISTORY_MODULE)
    packages, packages_error = package_list(host)
    reads_conf = pwhistory_reads_conf(packages.get(LIBPAM_MODULES))
    pwhistory_conf_file = pwhistory_conf_path(pwhistory_rule["args"]) if pwhistory_rule else ""
    pwhistory_conf = host.read(pwhistory_conf_file) if pwhistory_rule and reads_conf else None

    return {
        "password_stack": stack,
        "pwquality": {
            "present": pwquality_rule is not None,
            **pwquality,
            "shortest_accepted": shortest_accepted(pwquality),
        },
        "cracklib_dictionary": host.mtime(dictionary) is not None,
        "pwhistory": effective_pwhistory(pwhistory_rule, pwhistory_conf, reads_conf),
        "sources": {
            "pwquality": pwquality_sources(conf_files, pwquality_rule),
            "pwhistory": {
                "remember": pwhistory_remember_source(
                    pwhistory_rule, pwhistory_conf, reads_conf, pwhistory_conf_file
                )
            },
        },
        "pam_auth_update": {
            "rewrites": reviewed["rewrites"],
            "blocked": reviewed["blocked"],
            "hand_edits": pam_auth_update.hand_edits(reviewed),
        },
        "stack_error": (
            f"{', '.join(unread)} could not be read: the password stack is unknown"
            if unread
            else None
        ),
        "pwhistory_error": (
            f"the libpam-modules version is unknown ({packages_error}): whether"
            " pwhistory.conf applies cannot be told"
            if pwhistory_rule and packages_error
            else None
        ),
    }
