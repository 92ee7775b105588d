# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Remote-maintenance windows on the host (MOE-18): one program, two callers.

The module ``edu_tw.hardening.maintenance_window`` imports it to open and close windows;
the remote_access role also installs this very file on the host, where
``edu-tw-hardening-windows.service`` runs ``python3 maintenance_windows.py reconcile`` at
boot (before sshd) and from each window's timer. So a window closes on the host at its end
even when the controller is gone. The file therefore uses the standard library only.

A window's record (``<windows_dir>/<name>.json``) is the single statement of the window:
the host is made to match the records of all windows at a moment (:func:`reconcile`):

- pending (before its start), closed: the account locked, expired, refused by sshd;
- open: the account usable from the window's sources only (sshd drop-in, firewall set
  elements with a timeout up to the end), a timer for the end; an emergency window
  (``remote_control_port``, MOE-19) also lets its sources reach that TCP port;
- due (its end passed, not closed yet): closed now: password rotated to an unknown value,
  locked, expired, sessions ended, key removed, firewall elements deleted, the record
  completed with the close time and the logins seen during the window.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import ipaddress
import json
import os
import re
import secrets
import string
import subprocess
import sys
import tempfile
from typing import Any, Callable, NamedTuple

CONFIG_PATH = "/etc/edu_tw_hardening/remote_access.json"
PROGRAM_PATH = "/usr/local/lib/edu_tw_hardening/maintenance_windows.py"
SERVICE = "edu-tw-hardening-windows.service"
LOCK_PATH = "/run/edu_tw_hardening/windows.lock"
TIMER_PREFIX = "edu-tw-hardening-window-"
SYSTEMD_DIR = "/etc/systemd/system"
SSHD_CONFIG = "/etc/ssh/sshd_config"
SSHD_DROP_IN = "/etc/ssh/sshd_config.d/00-edu_tw_hardening-remote-access.conf"
KEY_MARK = "edu_tw_hardening-window:"
# Window keys live here, root's files (the account's own ~/.ssh is never read or written, and
# never consulted by sshd for a maintenance account); readable by all, since sshd reads a
# user's keys with the user's rights.
KEYS_DIR = "/etc/ssh/edu_tw_hardening_authorized_keys"
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
RECORD_FIELDS = (
    "name",
    "account",
    "sources",
    "start",
    "end",
    "purpose",
    "approval",
    "auth",
    "remote_control_port",
)
# What a record may hold: the name goes into file and unit names, the account into argv,
# the sources into nft commands and the sshd configuration.
RECORD_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
RECORD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")
RECORD_ACCOUNT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?")
RECORD_AUTH = ("password", "key")
RECORD_CLOSED_BY = ("end", "early", "boot")
# The TCP port an emergency remote-control window opens (MOE-19): never a system service's.
REMOTE_CONTROL_PORT_MIN = 1024
REMOTE_CONTROL_PORT_MAX = 65535
# The firewall role's sets of the collection's table: sources, and source . port pairs.
SSH_SETS = "remote_maintenance_v"
REMOTE_CONTROL_SETS = "remote_control_v"
# Longest text of a free-text field, most logins and most characters a record (or the
# configuration) may hold: a bigger one is not what the role wrote.
RECORD_TEXT_MAX = 1000
RECORD_LOGINS_MAX = 10000
RECORD_CHARS_MAX = 4 * 1024 * 1024
PASSWORD_ALPHABET = string.ascii_letters + string.digits + "-_.+=@"
# A login, as the journal gives it and as a closed record keeps it.
LOGIN_FIELDS = ("account", "time", "source", "result", "method")
LOGIN_RESULTS = ("accepted", "failed")
# sshd's authentication lines, the whole message: "Accepted password for maint1 from
# 10.0.0.5 port 5 ssh2", "Failed password for invalid user x from ...". The user name is one
# word: an "invalid user" name with spaces would otherwise let a client write its own
# "from <address>" into the line.
LOGIN_LINE = re.compile(
    r"(?P<result>Accepted|Failed) (?P<method>\S+) for (?:invalid user )?(?P<account>\S+)"
    r" from (?P<source>\S+) port (?P<port>\d+)(?: ssh2(?:: .*)?)?"
)
# The journal identifiers of sshd's login lines: OpenSSH 10 (Debian 13) logs them from
# sshd-session.
JOURNAL_IDENTIFIERS = ("sshd", "sshd-session")


class Config(NamedTuple):
    """What the role declared for the host (``CONFIG_PATH``)."""

    accounts: list[str]
    windows_dir: str
    table: str


class WindowError(Exception):
    """A window or its host state that the program cannot handle; the message says why.

    ``record`` is the decoded JSON object of a record that was refused, if it was one (the
    audit reports what it can of it)."""

    def __init__(self, message: str, record: Any = None):
        super().__init__(message)
        self.record = record


# ---------------------------------------------------------------- records and time


def utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.timezone.utc).strftime(TIME_FORMAT)


def parse_utc(text: str) -> datetime.datetime:
    if not RECORD_TIME.fullmatch(text):  # strptime alone takes 2026-1-2t3:4:5z, other digits
        raise ValueError(f"{text!r} is not YYYY-MM-DDTHH:MM:SSZ")
    return datetime.datetime.strptime(text, TIME_FORMAT).replace(tzinfo=datetime.timezone.utc)


def plain_text(value: Any) -> bool:
    """Whether ``value`` is text a record may hold: a string of at most ``RECORD_TEXT_MAX``
    characters without lone surrogates (the JSON escape of a byte that is not UTF-8)."""
    if not isinstance(value, str) or len(value) > RECORD_TEXT_MAX:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _json_object(text: str) -> dict[str, Any]:
    if len(text) > RECORD_CHARS_MAX:
        raise WindowError(f"larger than {RECORD_CHARS_MAX} characters")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise WindowError(f"invalid JSON: {type(exc).__name__}: {exc}"[:RECORD_TEXT_MAX]) from None
    if not isinstance(data, dict):
        raise WindowError("not a JSON object")
    return data


def parse_config(text: str) -> Config:
    """The role's configuration (``CONFIG_PATH``), checked; WindowError says what is wrong."""
    data = _json_object(text)
    accounts = data.get("accounts")
    if not isinstance(accounts, list) or not all(
        isinstance(a, str) and RECORD_ACCOUNT.fullmatch(a) for a in accounts
    ):
        raise WindowError("accounts is not a list of account names")
    for key in ("windows_dir", "table"):
        if not plain_text(data.get(key)) or not data[key]:
            raise WindowError(f"{key} is missing")
    return Config(accounts, data["windows_dir"], data["table"])


def config_text(config: Config) -> str:
    return json.dumps(config._asdict(), indent=2, sort_keys=True) + "\n"


def parse_record(text: str) -> dict[str, Any]:
    """A window record, checked; WindowError says what is wrong with it (and carries the
    decoded object, if the text was one)."""
    record = _json_object(text)
    problem = _record_problem(record)
    if problem:
        raise WindowError(problem, record)
    return record


def _time_problem(record: dict[str, Any], key: str) -> str | None:
    try:
        parse_utc(record[key])
    except ValueError:
        return f"{key} is not in the form YYYY-MM-DDTHH:MM:SSZ"
    return None


def _record_problem(record: dict[str, Any]) -> str | None:
    """What makes a decoded window record untrustworthy, or None."""
    for key in ("name", "account", "start", "end", "purpose", "approval", "opened"):
        value = record.get(key)
        if not isinstance(value, str) or not value:
            return f"missing or empty {key}"
        if not plain_text(value):
            return f"{key} is longer than {RECORD_TEXT_MAX} characters or not UTF-8 text"
    if not RECORD_NAME.fullmatch(record["name"]):
        return "name is not a plain window name"
    if not RECORD_ACCOUNT.fullmatch(record["account"]):
        return "account is not an account name"
    sources = record.get("sources")
    if not isinstance(sources, list) or not sources or not all(plain_text(s) for s in sources):
        return "sources is not a list of strings"
    for source in sources:
        try:
            ipaddress.ip_network(source, strict=False)
        except ValueError:
            return f"sources: not an address or network: {source[:64]}"
    if record.get("auth") not in RECORD_AUTH:
        return f"auth is not one of {', '.join(RECORD_AUTH)}"
    for key in ("start", "end", "opened"):
        problem = _time_problem(record, key)
        if problem:
            return problem
    if parse_utc(record["end"]) <= parse_utc(record["start"]):
        return "end is not after start"
    port = record.get("remote_control_port")
    if port is not None and not (
        type(port) is int  # pylint: disable=unidiomatic-typecheck  # never a bool
        and REMOTE_CONTROL_PORT_MIN <= port <= REMOTE_CONTROL_PORT_MAX
    ):
        return (
            f"remote_control_port is not a port from {REMOTE_CONTROL_PORT_MIN}"
            f" to {REMOTE_CONTROL_PORT_MAX}"
        )
    closed, closed_by = record.get("closed"), record.get("closed_by")
    if closed is not None:
        if not isinstance(closed, str):
            return "closed is not a string"
        problem = _time_problem(record, "closed")
        if problem:
            return problem
    if closed_by is not None and closed_by not in RECORD_CLOSED_BY:
        return f"closed_by is not one of {', '.join(RECORD_CLOSED_BY)}"
    if (closed is None) != (closed_by is None):
        return "closed and closed_by are not both set or both null"
    logins = record.get("logins", [])
    if not isinstance(logins, list):
        return "logins is not a list"
    if len(logins) > RECORD_LOGINS_MAX:
        return f"logins holds more than {RECORD_LOGINS_MAX} entries"
    for index, login in enumerate(logins):
        problem = login_problem(login)
        if problem:
            return f"logins[{index}]: {problem}"
    return None


def login_problem(login: Any) -> str | None:
    """What is wrong with a login (``LOGIN_FIELDS``) of a record or the journal, or None."""
    if not isinstance(login, dict):
        return "not an object"
    for key in LOGIN_FIELDS:
        if not plain_text(login.get(key)) or not login[key]:
            return f"missing or empty {key}"
    if not RECORD_ACCOUNT.fullmatch(login["account"]):
        return "account is not an account name"
    if _time_problem(login, "time"):
        return "time is not in the form YYYY-MM-DDTHH:MM:SSZ"
    if login["result"] not in LOGIN_RESULTS:
        return f"result is not one of {', '.join(LOGIN_RESULTS)}"
    try:
        ipaddress.ip_address(login["source"])
    except ValueError:
        return "source is not an IP address"
    return None


def record_text(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, sort_keys=True) + "\n"


def phase(record: dict[str, Any], now: datetime.datetime) -> str:
    """pending, open, due (end passed, not closed yet) or closed."""
    if record.get("closed"):
        return "closed"
    if now >= parse_utc(record["end"]):
        return "due"
    return "open" if now >= parse_utc(record["start"]) else "pending"


def same_window(record: dict[str, Any], window: dict[str, Any]) -> bool:
    """Whether a record states the window as given (re-applying it changes nothing)."""
    return all(record.get(key) == window.get(key) for key in RECORD_FIELDS)


def new_password(length: int = 24) -> str:
    """A random password with every character class (PAM's quality checks accept it)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _position in range(length))
        classes = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
        if all(any(test(char) for char in password) for test in classes):
            return password


def journal_argv(since: str | None = None, until: str | None = None) -> list[str]:
    """journalctl for sshd's login lines, as JSON in UTC (``parse_journal_logins``);
    ``since`` and ``until`` in journalctl's forms ("2026-11-29 01:00:00 UTC", "-90d")."""
    argv = [
        "journalctl",
        "--no-pager",
        "--quiet",
        "--utc",
        "--output=json",
        "--output-fields=MESSAGE,__REALTIME_TIMESTAMP",
        *(f"--identifier={identifier}" for identifier in JOURNAL_IDENTIFIERS),
    ]
    if since:
        argv.append(f"--since={since}")
    if until:
        argv.append(f"--until={until}")
    return argv


def _journal_time(microseconds: Any) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` of a journal ``__REALTIME_TIMESTAMP``, or None."""
    if not isinstance(microseconds, str) or not microseconds.isdigit() or len(microseconds) > 20:
        return None
    try:
        moment = datetime.datetime.fromtimestamp(
            int(microseconds) // 1_000_000, tz=datetime.timezone.utc
        )
    except (OverflowError, OSError, ValueError):
        return None
    return moment.strftime(TIME_FORMAT)


def _journal_message(value: Any) -> str | None:
    """A journal MESSAGE: a string, or the byte array journalctl prints for one that is not
    UTF-8."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(
        isinstance(b, int) and not isinstance(b, bool) and 0 <= b < 256 for b in value
    ):
        return bytes(value).decode("utf-8", errors="replace")
    return None


def parse_journal_logins(output: str, accounts: list[str]) -> list[dict[str, str]]:
    """Logins of ``accounts`` from ``journal_argv`` output (JSON lines), in journal order:
    account, time (UTC ``...Z``), source, result (accepted | failed) and method. A line that
    is not a whole sshd login line, or a login a record could not keep, is left out."""
    wanted = set(accounts)
    logins = []
    for line in output.splitlines():
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if not isinstance(entry, dict):
            continue
        message = _journal_message(entry.get("MESSAGE"))
        match = LOGIN_LINE.fullmatch(message.strip()) if message else None
        time = _journal_time(entry.get("__REALTIME_TIMESTAMP"))
        if match is None or time is None or match["account"] not in wanted:
            continue
        login = {
            "account": match["account"],
            "time": time,
            "source": match["source"],
            "result": match["result"].lower(),
            "method": match["method"],
        }
        if login_problem(login) is None:
            logins.append(login)
    return logins


# ---------------------------------------------------------------- rendered files


def _address_list(sources: list[str]) -> str:
    return ",".join(f"!{source}" for source in sources) + ",0.0.0.0/0,::/0"


def sshd_drop_in(
    accounts: list[str], open_windows: list[dict[str, Any]], keys_dir: str = KEYS_DIR
) -> str:
    """sshd refuses each maintenance account except from the sources of its open windows;
    reads its keys only from ``keys_dir`` (root's); forwards nothing for it; accepts its
    password only during a password window."""
    lines = [
        "# Written by edu_tw.hardening (remote_access, MOE-18) from the window records under",
        "# /var/lib/edu_tw_hardening/windows; rewritten when a window opens or closes.",
    ]
    for account in accounts:
        mine = [w for w in open_windows if w["account"] == account]
        sources = sorted({s for w in mine for s in w["sources"]})
        if sources:
            lines += [f"Match User {account} Address {_address_list(sources)}", "\tDenyUsers *"]
        else:
            lines += [f"Match User {account}", "\tDenyUsers *"]
        password = "yes" if any(w["auth"] == "password" for w in mine) else "no"
        lines += [
            f"Match User {account}",
            f"\tAuthorizedKeysFile {keys_dir}/%u",
            f"\tPasswordAuthentication {password}",
            "\tDisableForwarding yes",
            "\tPermitTunnel no",
        ]
    lines.append("Match all")
    return "\n".join(lines) + "\n"


def timer_unit(record: dict[str, Any]) -> str:
    """The window's timer: runs the reconcile at its start and at its end, also after a
    reboot that missed them (Persistent)."""
    start, end = parse_utc(record["start"]), parse_utc(record["end"])
    return (
        "# Written by edu_tw.hardening (remote_access, MOE-18); removed when the window closes.\n"
        "[Unit]\n"
        f"Description=edu_tw.hardening remote-maintenance window {record['name']}\n\n"
        "[Timer]\n"
        f"OnCalendar={start:%Y-%m-%d %H:%M:%S} UTC\n"
        f"OnCalendar={end:%Y-%m-%d %H:%M:%S} UTC\n"
        "AccuracySec=1s\n"
        "Persistent=true\n"
        f"Unit={SERVICE}\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def service_unit(program: str = PROGRAM_PATH, config: str = CONFIG_PATH) -> str:
    """The reconcile service: at boot before sshd accepts anyone, and for each timer."""
    return (
        "# Written by edu_tw.hardening (remote_access, MOE-18).\n"
        "[Unit]\n"
        "Description=edu_tw.hardening remote-maintenance windows: open and close on time\n"
        "After=nftables.service local-fs.target\n"
        "Before=ssh.service\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart=/usr/bin/python3 {program} --config {config} reconcile\n\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n"
    )


def key_line(record: dict[str, Any], public_key: str) -> str:
    """The authorized_keys line of a key window: a shell and nothing else (restrict, pty),
    from its sources, until its end."""
    end = parse_utc(record["end"])
    return (
        f'restrict,pty,from="{",".join(record["sources"])}",expiry-time="{end:%Y%m%d%H%M%S}Z"'
        f" {public_key} {KEY_MARK}{record['name']}"
    )


def without_key(text: str, name: str) -> str:
    lines = text.splitlines()
    return "".join(f"{line}\n" for line in lines if not line.endswith(f" {KEY_MARK}{name}"))


def keys_path(account: str, keys_dir: str = KEYS_DIR) -> str:
    return os.path.join(keys_dir, account)


def write_keys(path: str, text: str) -> None:
    """Root's keys file of an account, in root's directory (0755, file 0644)."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    os.chmod(directory, 0o755)
    _write(path, text, 0o644)


# ---------------------------------------------------------------- the host


class Host:
    """The commands and files the program changes; ``changes`` lists what it did."""

    def __init__(self, config: Config, check: bool = False, run: Callable | None = None):
        self.config = config
        self.check = check
        self.changes: list[str] = []
        self._run = run or _run

    def run(self, argv: list[str], data: str | None = None, ok=(0,)) -> tuple[int, str, str]:
        rc, out, err = self._run(argv, data)
        if rc not in ok:
            raise WindowError(f"{' '.join(argv)} failed (rc {rc}): {err.strip() or out.strip()}")
        return rc, out, err

    def change(self, what: str, action: Callable[[], Any]) -> None:
        self.changes.append(what)
        if not self.check:
            action()

    # accounts ---------------------------------------------------------------

    def shadow(self, account: str) -> list[str] | None:
        """The account's shadow fields; None when the account does not exist (deleted by
        hand: nothing of it can log in, and the other windows must still close)."""
        rc, out, _err = self.run(["getent", "shadow", account], ok=(0, 2))
        return None if rc == 2 else out.strip().split(":")

    def set_password(self, account: str, password: str) -> None:
        # On stdin, never in argv; chpasswd hashes it the way PAM is configured.
        self.run(["chpasswd"], f"{account}:{password}\n")

    def lock(self, account: str, rotate: bool) -> None:
        """Locked and expired; ``rotate`` first sets an unknown random password."""
        fields = self.shadow(account)
        if fields is None:
            return
        if rotate:
            self.change(
                f"{account}: password rotated to an unknown value",
                lambda: self.set_password(account, new_password(40)),
            )
            fields[1] = ""
        if not fields[1].startswith("!"):
            self.change(f"{account}: locked", lambda: self.run(["usermod", "-L", account]))
        if fields[7] != "1":
            self.change(f"{account}: expired", lambda: self.run(["usermod", "-e", "1", account]))

    def unlock(self, account: str, password: bool) -> None:
        fields = self.shadow(account)
        if fields is None:
            return
        if password and fields[1].startswith("!"):
            self.change(f"{account}: unlocked", lambda: self.run(["usermod", "-U", account]))
        if fields[7] != "":
            self.change(f"{account}: not expired", lambda: self.run(["usermod", "-e", "", account]))

    def end_sessions(self, account: str) -> None:
        # pgrep says 2 for a user that does not exist: no process of it can run.
        rc, out, _err = self.run(["pgrep", "-u", account], ok=(0, 1, 2))
        if rc == 0 and out.strip():
            self.change(f"{account}: sessions ended", lambda: self._kill(account))

    def _kill(self, account: str) -> None:
        # logind ends the user's sessions where it runs; pkill ends whatever is left.
        self._run(["loginctl", "terminate-user", account], None)
        self.run(["pkill", "-KILL", "-u", account], ok=(0, 1))

    # firewall ---------------------------------------------------------------

    def set_elements(self, name: str) -> set[str]:
        """The elements of one of the table's sets, as nft lists them (``10.0.0.0/24``,
        ``192.0.2.7 . 5900``)."""
        family_name, table = self.config.table.split()
        _rc, out, _err = self.run(["nft", "-j", "list", "set", family_name, table, name])
        elements: set[str] = set()
        for item in json.loads(out).get("nftables", []):
            for elem in item.get("set", {}).get("elem", []):
                value = elem.get("elem", {}).get("val", elem) if isinstance(elem, dict) else elem
                elements.add(_element_text(value))
        return elements

    def _elements(self, record: dict[str, Any]) -> list[tuple[str, str, bool]]:
        """(element, set, present) for what the window admits: each source once in its SSH
        set and, for an emergency window, ``source . port`` in its remote-control set; each
        set listed once."""
        port = record.get("remote_control_port")
        listed: dict[str, set[str]] = {}
        found = []
        for source in dict.fromkeys(record["sources"]):
            family = 6 if ":" in source else 4
            wanted = [(f"{SSH_SETS}{family}", _plain(source))]
            if port is not None:
                wanted.append((f"{REMOTE_CONTROL_SETS}{family}", f"{_plain(source)} . {port}"))
            for name, element in wanted:
                if name not in listed:
                    listed[name] = self.set_elements(name)
                found.append((element, name, element in listed[name]))
        return found

    def allow_sources(self, record: dict[str, Any], now: datetime.datetime) -> None:
        seconds = max(int((parse_utc(record["end"]) - now).total_seconds()), 1)
        for element, name, present in self._elements(record):
            if present:
                continue
            argv = [
                "nft", "add", "element", *self.config.table.split(),
                name, f"{{ {element} timeout {seconds}s }}",
            ]  # fmt: skip
            self.change(
                f"firewall: {element} admitted to {name} for {seconds}s",
                lambda a=argv: self.run(a),
            )

    def drop_sources(self, record: dict[str, Any]) -> None:
        for element, name, present in self._elements(record):
            if not present:
                continue
            argv = [
                "nft", "delete", "element", *self.config.table.split(), name, f"{{ {element} }}",
            ]  # fmt: skip
            self.change(f"firewall: {element} removed from {name}", lambda a=argv: self.run(a))

    # files ------------------------------------------------------------------

    def write(self, path: str, text: str, mode: int, what: str) -> bool:
        if _read(path) == text:
            return False
        self.change(what, lambda: _write(path, text, mode))
        return True

    def remove(self, path: str, what: str) -> bool:
        if not os.path.exists(path):
            return False
        self.change(what, lambda: os.unlink(path))
        return True

    def sshd(self, text: str) -> None:
        """Write the drop-in, keep it only if sshd -t accepts the whole configuration, and
        reload a running sshd."""
        old = _read(SSHD_DROP_IN)
        if old == text or not os.path.exists(SSHD_CONFIG):
            return  # no sshd, nothing it could let in

        def apply() -> None:
            _write(SSHD_DROP_IN, text, 0o600)
            rc, _out, err = self._run(["sshd", "-t"], None)
            if rc != 0:
                if old is None:
                    os.unlink(SSHD_DROP_IN)
                else:
                    _write(SSHD_DROP_IN, old, 0o600)
                raise WindowError(f"sshd -t refused the window drop-in, old one kept: {err}")
            if self._run(["systemctl", "is-active", "--quiet", "ssh.service"], None)[0] == 0:
                # Queued, not waited for: run from edu-tw-hardening-windows.service, which
                # is ordered before ssh.service, a waiting reload would wait for itself.
                self.run(["systemctl", "reload", "--no-block", "ssh.service"])

        self.change(f"sshd: {SSHD_DROP_IN} rewritten", apply)

    def daemon_reload(self) -> None:
        self.run(["systemctl", "daemon-reload"])

    def logins(self, record: dict[str, Any], until: datetime.datetime) -> list[dict[str, str]]:
        """The logins of the window's account from its start until ``until``."""
        start = parse_utc(record["start"])
        argv = journal_argv(f"{start:%Y-%m-%d %H:%M:%S} UTC", f"{until:%Y-%m-%d %H:%M:%S} UTC")
        rc, out, _err = self._run(argv, None)
        if rc != 0:
            return []
        return parse_journal_logins(out, [record["account"]])


def _element_text(value: Any) -> str:
    """A set element of ``nft -j`` as nft prints it: an address, ``addr/len``, or the parts
    of a concatenation joined with `` . ``."""
    if isinstance(value, dict) and isinstance(value.get("prefix"), dict):
        return f"{value['prefix'].get('addr')}/{value['prefix'].get('len')}"
    if isinstance(value, dict) and isinstance(value.get("concat"), list):
        return " . ".join(_element_text(part) for part in value["concat"])
    return str(value)


def _plain(source: str) -> str:
    """A source as nft lists it (a single address without /32 or /128)."""
    address, _sep, length = source.partition("/")
    single = (length == "32" and ":" not in address) or length == "128"
    return address if single or not length else source


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        return None


def _write(path: str, text: str, mode: int) -> None:
    """Replace a file atomically (a crash leaves the old or the new one, never half)."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=directory, prefix=".edu_tw_hardening.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _run(argv: list[str], data: str | None) -> tuple[int, str, str]:
    env = dict(os.environ, LC_ALL="C", PATH="/usr/sbin:/usr/bin:/sbin:/bin")
    try:
        done = subprocess.run(
            argv, input=data, capture_output=True, text=True, env=env, check=False
        )
    except FileNotFoundError:
        return 127, "", f"{argv[0]}: not found"
    return done.returncode, done.stdout, done.stderr


# ---------------------------------------------------------------- what the program does


def record_path(config: Config, name: str) -> str:
    return os.path.join(config.windows_dir, f"{name}.json")


def timer_path(name: str) -> str:
    return os.path.join(SYSTEMD_DIR, f"{TIMER_PREFIX}{name}.timer")


def read_records(config: Config) -> list[dict[str, Any]]:
    """Every window record; an unreadable one stops the program (it never guesses)."""
    records = []
    if not os.path.isdir(config.windows_dir):
        return records
    for entry in sorted(os.listdir(config.windows_dir)):
        if not entry.endswith(".json"):
            continue
        try:
            records.append(parse_record(_read(os.path.join(config.windows_dir, entry)) or ""))
        except UnicodeDecodeError:
            raise WindowError(f"window record {entry}: not UTF-8 text") from None
        except WindowError as exc:
            raise WindowError(f"window record {entry}: {exc}") from None
    return records


def close(host: Host, record: dict[str, Any], now: datetime.datetime, by: str) -> None:
    """Close one window now: nothing of it stays usable; its record says when and how."""
    config = host.config
    account = record["account"]
    host.drop_sources(record)
    host.lock(account, rotate=True)
    keys_file = keys_path(account)
    keys = _read(keys_file)
    if keys is not None and without_key(keys, record["name"]) != keys:
        left = without_key(keys, record["name"])
        host.change(f"{account}: key removed", lambda: write_keys(keys_file, left))
    host.end_sessions(account)
    closed = dict(record, closed=utc(now), closed_by=by)
    # At most what a record may hold (the first ones), or the program would refuse its own.
    logins = host.logins(record, min(now, parse_utc(record["end"])))
    closed["logins"] = logins[:RECORD_LOGINS_MAX]
    host.write(record_path(config, record["name"]), record_text(closed), 0o600, "record closed")
    record.update(closed)
    timer = f"{TIMER_PREFIX}{record['name']}.timer"
    if os.path.exists(timer_path(record["name"])):
        host.change(f"{timer} removed", lambda: _remove_timer(host, record["name"]))


def _remove_timer(host: Host, name: str) -> None:
    # Disabled first: its timers.target.wants link would dangle.
    host.run(["systemctl", "disable", "--now", f"{TIMER_PREFIX}{name}.timer"], ok=(0, 1, 5))
    os.unlink(timer_path(name))
    host.daemon_reload()


@contextlib.contextmanager
def exclusive(path: str = LOCK_PATH):
    """One writer at a time: the module and the timers' program never interleave."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def reconcile(host: Host, now: datetime.datetime, boot: bool = False) -> list[str]:
    """Make the host match every window record at ``now``; returns what changed."""
    config = host.config
    records = read_records(config)
    for record in records:
        if phase(record, now) == "due":
            close(host, record, now, "boot" if boot else "end")
    open_windows = [r for r in records if phase(r, now) == "open"]
    timers = False
    for record in records:
        if phase(record, now) in ("open", "pending"):
            timers |= host.write(
                timer_path(record["name"]), timer_unit(record), 0o644,
                f"timer of {record['name']} written",
            )  # fmt: skip
    if timers and not host.check:
        host.daemon_reload()
        for record in records:
            if phase(record, now) in ("open", "pending"):
                host.run(["systemctl", "enable", "--now", f"{TIMER_PREFIX}{record['name']}.timer"])
    for record in open_windows:
        host.allow_sources(record, now)
    # Every account with a window on record stays covered, declared or no longer declared.
    accounts = sorted(
        set(config.accounts) | {r["account"] for r in records if phase(r, now) != "closed"}
    )
    for account in accounts:
        mine = [r for r in open_windows if r["account"] == account]
        if mine:
            host.unlock(account, password=any(r["auth"] == "password" for r in mine))
        else:
            host.lock(account, rotate=False)
    host.sshd(sshd_drop_in(accounts, open_windows))
    return host.changes


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    config_path = CONFIG_PATH
    if args[:1] == ["--config"] and len(args) >= 2:
        config_path, args = args[1], args[2:]
    now = datetime.datetime.now(datetime.timezone.utc)
    try:
        try:
            config = parse_config(_read(config_path) or "{}")
        except WindowError as exc:
            raise WindowError(f"config {config_path}: {exc}") from None
        host = Host(config)
        with exclusive():
            changes = _command(host, args, now)
    except (WindowError, OSError, ValueError) as exc:
        sys.stderr.write(f"edu_tw.hardening windows: {exc}\n")
        return 1
    if changes is None:
        sys.stderr.write("usage: maintenance_windows.py [--config FILE] reconcile | close NAME\n")
        return 2
    for change in changes:
        sys.stdout.write(f"edu_tw.hardening windows: {change}\n")
    return 0


def _command(host: Host, args: list[str], now: datetime.datetime) -> list[str] | None:
    """What the program was asked to do; None for a command it does not know."""
    if args == ["reconcile"]:
        # At boot (before sshd): a window whose end passed while the host was down.
        booting = _run(["systemctl", "is-system-running"], None)[1].strip() == "starting"
        return reconcile(host, now, boot=booting)
    if len(args) == 2 and args[0] == "close":
        record = parse_record(_read(record_path(host.config, args[1])) or "")
        if phase(record, now) != "closed":
            close(host, record, now, "early")
        return reconcile(host, now)
    return None


if __name__ == "__main__":
    raise SystemExit(main())
