# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ClamAV's health check and scheduled scan on the host (MOE-16): one program, two callers.

The antivirus role installs this very file on the host, where
``edu-tw-hardening-antivirus-health.timer`` runs ``python3 antivirus_checks.py health`` and
``edu-tw-hardening-antivirus-scan.timer`` runs ``... scan``; the role runs the health check
too. The audit's collector (``evidence/antivirus.py``) imports the same names, paths and
parsers: the packages, the signature ages, and the two records this program writes. So the
file uses the standard library only.

- ``health``: the daemon answers ``PING`` on its socket; the newest signature database is
  younger than the limit (build time in the header of ``.cvd``/``.cld`` files, file time
  for the others); the daemon detects an EICAR test file made now (passed to it as an open
  file descriptor, as ``clamdscan --fdpass`` does, and removed after) and does not flag a
  clean one. Each part that fails is named in the record (``HEALTH_PATH``).
- ``scan``: ``clamdscan --fdpass`` over the declared paths (moving what it finds to the
  quarantine when asked); the record (``SCAN_PATH``) says when, how many files, which
  were infected and where they went.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import socket
import stat
import subprocess
import sys
import tempfile
from typing import Any, Callable, NamedTuple

CONFIG_PATH = "/etc/edu_tw_hardening/antivirus.json"
PROGRAM_PATH = "/usr/local/lib/edu_tw_hardening/antivirus_checks.py"
STATE_DIR = "/var/lib/edu_tw_hardening"
HEALTH_PATH = f"{STATE_DIR}/antivirus-selftest.json"
SCAN_PATH = f"{STATE_DIR}/antivirus-scan.json"
HEALTH_SERVICE = "edu-tw-hardening-antivirus-health.service"
SCAN_SERVICE = "edu-tw-hardening-antivirus-scan.service"

# What a host with the role's antivirus has: Debian's package and unit names.
PACKAGES = ("clamav", "clamav-daemon", "clamav-freshclam", "clamdscan")
DAEMON_UNIT = "clamav-daemon.service"
UPDATER_UNIT = "clamav-freshclam.service"
ON_ACCESS_UNIT = "clamav-clamonacc.service"
CLAMD_CONF = "/etc/clamav/clamd.conf"
FRESHCLAM_CONF = "/etc/clamav/freshclam.conf"
SIGNATURE_DIR = "/var/lib/clamav"
SIGNATURE_SUFFIXES = ("cvd", "cld", "cud", "hdb", "hsb", "mdb", "msb", "ndb", "ldb", "cdb")
# ClamAV's own databases, each a .cvd (as published) or a .cld (after an incremental update).
OFFICIAL_DATABASES = ("main", "daily", "bytecode")
# A .cvd/.cld starts with a 512-byte text header:
# ClamAV-VDB:<build date>:<version>:<signatures>:<level>:<md5>:<signature>:<builder>:<build time>
HEADER_SIZE = 512
HEADER_FIELDS = 9

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# Longest detail text a record keeps, and most infected files it lists.
TEXT_MAX = 1000
INFECTED_MAX = 1000
RECORD_CHARS_MAX = 4 * 1024 * 1024
HEALTH_CHECKS = ("daemon", "signatures", "detection")
SOCKET_TIMEOUT = 120.0
# A record dated further ahead than this (seconds) is not trusted: clocks drift, not hours.
FUTURE_TOLERANCE = 3600.0

# EICAR's test file, made at run time and never stored: its text is kept reversed here so
# that no scanner flags this file (or the collection's tarball) as the test file itself.
_EICAR_REVERSED = r"*H+H$!ELIF-TSET-SURIVITNA-DRADNATS-RACIE$}7)CC7)^P(45XZP\4[PA@%P!O5X"


def eicar() -> bytes:
    """The 68 bytes of the EICAR anti-virus test file."""
    return _EICAR_REVERSED[::-1].encode("ascii")


class Config(NamedTuple):
    """What the role declared for the host (``CONFIG_PATH``)."""

    socket: str
    max_age_hours: int
    scan_paths: list[str]
    quarantine: str | None


class CheckError(Exception):
    """A configuration or record the program cannot use; the message says why."""


# ---------------------------------------------------------------- time and text


def utc(moment: float) -> str:
    return datetime.datetime.fromtimestamp(moment, tz=datetime.timezone.utc).strftime(TIME_FORMAT)


def parse_utc(text: Any) -> float | None:
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", text):
        return None
    try:
        moment = datetime.datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        return None
    return moment.replace(tzinfo=datetime.timezone.utc).timestamp()


def _text(value: Any) -> str | None:
    """``value`` if it is text a record may hold (a string of at most ``TEXT_MAX``)."""
    return value if isinstance(value, str) and len(value) <= TEXT_MAX else None


def _json_object(text: str) -> dict[str, Any]:
    if len(text) > RECORD_CHARS_MAX:
        raise CheckError(f"larger than {RECORD_CHARS_MAX} characters")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise CheckError(f"invalid JSON: {exc}"[:TEXT_MAX]) from None
    if not isinstance(data, dict):
        raise CheckError("not a JSON object")
    return data


def parse_config(text: str) -> Config:
    """The role's configuration, checked; CheckError says what is wrong."""
    data = _json_object(text)
    sock, hours = data.get("socket"), data.get("max_age_hours")
    if not (_text(sock) and sock.startswith("/")):
        raise CheckError("socket is not an absolute path")
    if type(hours) is not int or not 1 <= hours <= 8760:  # pylint: disable=unidiomatic-typecheck
        raise CheckError("max_age_hours is not a number of hours from 1 to 8760")
    paths = data.get("scan_paths")
    if not isinstance(paths, list) or not all(_text(p) and p.startswith("/") for p in paths):
        raise CheckError("scan_paths is not a list of absolute paths")
    quarantine = data.get("quarantine")
    if quarantine is not None and not (_text(quarantine) and quarantine.startswith("/")):
        raise CheckError("quarantine is neither null nor an absolute path")
    return Config(sock, hours, list(paths), quarantine)


def config_text(config: Config) -> str:
    return json.dumps(config._asdict(), indent=2, sort_keys=True) + "\n"


# ---------------------------------------------------------------- signatures


def is_signature_file(path: str) -> bool:
    return path.rsplit(".", 1)[-1] in SIGNATURE_SUFFIXES


def header_build_time(head: bytes | None) -> float | None:
    """The build time (epoch seconds) in a ``.cvd``/``.cld`` header, or None."""
    if not head or not head.startswith(b"ClamAV-VDB:"):
        return None
    fields = head[:HEADER_SIZE].decode("ascii", errors="replace").split(":")
    if len(fields) < HEADER_FIELDS:
        return None
    stamp = fields[HEADER_FIELDS - 1].strip().strip("\x00 ")
    # At most ten ASCII digits: up to the year 2286, which datetime can still write.
    return float(stamp) if stamp.isascii() and stamp.isdigit() and len(stamp) <= 10 else None


def signature_ages(files: list[tuple[str, bytes | None, float | None]], now: float) -> list[dict]:
    """Each signature database with the time it stands for and its age in hours:
    ``(path, first bytes, file time)`` in. A ``.cvd``/``.cld`` is as old as the build time
    in its header (the file time says only when this host copied it: a copy restored from a
    backup looks new); other files, their file time. A time that cannot be read, or lies
    further ahead than ``FUTURE_TOLERANCE``, is unknown (``age_hours`` None): it never
    makes the signatures look fresh."""
    found = []
    for path, head, mtime in files:
        name = os.path.basename(path)
        stem, _dot, suffix = name.rpartition(".")
        if suffix in ("cvd", "cld"):
            moment, source = header_build_time(head), "build time"
        else:
            moment, source = mtime, "file time"
        if moment is None:
            source = "unknown"
        elif moment - now > FUTURE_TOLERANCE:
            moment, source = None, f"{source} in the future"
        found.append(
            {
                "path": path,
                "official": stem in OFFICIAL_DATABASES and suffix in ("cvd", "cld"),
                "time": None if moment is None else utc(moment),
                "time_source": source,
                "age_hours": None if moment is None else round((now - moment) / 3600.0, 2),
            }
        )
    return sorted(found, key=lambda item: item["path"])


def newest_age(ages: list[dict]) -> float | None:
    """The age of the newest signatures: of ClamAV's own databases when the host has any (a
    fresh custom database says nothing about them), else of all."""
    official = [item for item in ages if item["official"]]
    known = [item["age_hours"] for item in official or ages if item["age_hours"] is not None]
    return min(known, default=None)


def read_signatures(directory: str = SIGNATURE_DIR) -> list[tuple[str, bytes | None, float | None]]:
    """The signature files of ``directory`` with their first bytes and file time."""
    files = []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return files
    for name in names:
        path = os.path.join(directory, name)
        if not is_signature_file(path) or not os.path.isfile(path):
            continue
        try:
            with open(path, "rb") as handle:
                head = handle.read(HEADER_SIZE)
            files.append((path, head, os.stat(path).st_mtime))
        except OSError:
            continue
    return files


# ---------------------------------------------------------------- the daemon


def clamd_reply(path: str, command: bytes, fds: list[int] | None = None) -> str:
    """Send one ``z``-command (NUL-terminated) to clamd's socket, with ``fds`` passed along;
    the reply without its NUL. OSError when the daemon does not answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(SOCKET_TIMEOUT)
        conn.connect(path)
        conn.sendall(b"z" + command + b"\0")
        if fds:
            socket.send_fds(conn, [b"\0"], fds)
        reply = b""
        while not reply.endswith(b"\0") and len(reply) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    return reply.rstrip(b"\0").decode("utf-8", errors="replace").strip()


def parse_scan_reply(reply: str) -> tuple[str, str | None]:
    """(``found`` | ``clean`` | ``error``, signature or error text) of a FILDES reply
    (``fd[5]: Eicar-Signature FOUND``, ``fd[5]: OK``, ``fd[5]: ... ERROR``)."""
    _where, _sep, verdict = reply.rpartition(": ")
    if verdict.endswith(" FOUND"):
        return "found", verdict[: -len(" FOUND")]
    if verdict == "OK":
        return "clean", None
    return "error", reply[:TEXT_MAX] or "no reply"


def scan_bytes(path: str, data: bytes) -> tuple[str, str | None]:
    """Have the daemon scan ``data`` as a file made now, in memory (``memfd_create``): no
    file on disk that on-access scanning, the daily scan or a user could meet; it is gone
    when its descriptor closes."""
    handle = os.memfd_create("edu_tw_hardening-av-check", os.MFD_CLOEXEC)
    try:
        os.write(handle, data)
        os.lseek(handle, 0, os.SEEK_SET)
        return parse_scan_reply(clamd_reply(path, b"FILDES", [handle]))
    finally:
        os.close(handle)


def _check(ok: bool, detail: str, **more: Any) -> dict:
    return {"ok": ok, "detail": detail[:TEXT_MAX], **more}


def health(config: Config, now: float, signatures: list | None = None) -> dict:
    """The health record: each of ``HEALTH_CHECKS`` with ``ok`` and ``detail``."""
    checks: dict[str, dict] = {}
    try:
        pong = clamd_reply(config.socket, b"PING")
    except OSError as exc:
        pong = f"no answer on {config.socket}: {exc}"
    checks["daemon"] = _check(pong == "PONG", "answers PING" if pong == "PONG" else pong)

    ages = signature_ages(read_signatures() if signatures is None else signatures, now)
    newest = newest_age(ages)
    if newest is None:
        checks["signatures"] = _check(
            False,
            f"no signature database in {SIGNATURE_DIR} whose time can be read"
            if ages
            else f"no signature database in {SIGNATURE_DIR}",
        )
    else:
        old = newest > config.max_age_hours
        checks["signatures"] = _check(
            not old,
            f"newest signatures are {newest:.1f} h old"
            + (f", older than the limit of {config.max_age_hours} h" if old else ""),
            age_hours=newest,
        )

    if not checks["daemon"]["ok"]:
        checks["detection"] = _check(False, "not tried: the daemon does not answer")
    else:
        try:
            test = scan_bytes(config.socket, eicar())
            clean = scan_bytes(config.socket, b"edu_tw.hardening health check: a clean file\n")
        except OSError as exc:
            test = clean = ("error", f"scan through {config.socket} failed: {exc}")
        if test[0] == "found" and clean[0] == "clean":
            checks["detection"] = _check(True, f"EICAR detected as {test[1]}", signature=test[1])
        elif test[0] != "found":
            checks["detection"] = _check(
                False, f"EICAR test file not detected ({test[1] or 'reported clean'})"
            )
        else:
            checks["detection"] = _check(
                False, f"a clean file was not reported clean: {clean[1] or 'no reply'}"
            )
    failed = [
        f"{name}: {checks[name]['detail']}" for name in HEALTH_CHECKS if not checks[name]["ok"]
    ]
    return {
        "time": utc(now),
        "passed": not failed,
        "detail": "; ".join(failed) if failed else "daemon, signatures and detection pass",
        "checks": checks,
    }


def parse_health(text: str | None, now: float) -> dict:
    """The last health record, as the audit reports it: present, passed (None when the
    record cannot be trusted), age in hours, detail, and the failed parts by name."""
    if text is None:
        return {"present": False, "passed": None, "age_hours": None, "detail": None, "failed": []}
    try:
        data = _json_object(text)
    except CheckError as exc:
        return {
            "present": True,
            "passed": None,
            "age_hours": None,
            "detail": f"health record: {exc}",
            "failed": [],
        }
    checks = data.get("checks")
    when = parse_utc(data.get("time"))
    passed = data.get("passed")
    valid = (
        isinstance(passed, bool)
        and when is not None
        and isinstance(checks, dict)
        and all(
            isinstance(checks.get(n), dict) and isinstance(checks[n].get("ok"), bool)
            for n in HEALTH_CHECKS
        )
        and passed == all(checks[n]["ok"] for n in HEALTH_CHECKS)
    )
    if not valid:
        return {
            "present": True,
            "passed": None,
            "age_hours": None,
            "detail": "health record is not what the health check writes",
            "failed": [],
        }
    if now - when < -FUTURE_TOLERANCE:
        return {
            "present": True,
            "passed": None,
            "age_hours": None,
            "detail": f"health record is dated {data['time']}, in the future",
            "failed": [],
        }
    return {
        "present": True,
        "passed": passed,
        "age_hours": round((now - when) / 3600.0, 2),
        "detail": _text(data.get("detail")) or "",
        "failed": [n for n in HEALTH_CHECKS if not checks[n]["ok"]],
    }


# ---------------------------------------------------------------- the scheduled scan

# clamdscan's lines: "<path>: <signature> FOUND", "<path>: moved to '<where>'",
# "<path>: <message> ERROR".
_FOUND = re.compile(r"(?P<path>.+): (?P<signature>\S+) FOUND")
_MOVED = re.compile(r"(?P<path>.+): moved to '(?P<where>.+)'")
_ERROR = re.compile(r"(?P<path>.+): (?P<message>.*) ERROR")


def scan_argv(config: Config, paths: list[str]) -> list[str]:
    argv = ["clamdscan", "--fdpass", "--infected", "--no-summary"]
    if config.quarantine:
        argv.append(f"--move={config.quarantine}")
    return [*argv, "--", *paths]


def parse_clamdscan(output: str) -> tuple[list[dict], int]:
    """(infected files with signature and where they were moved, error count)."""
    infected: dict[str, dict] = {}
    errors = 0
    for line in output.splitlines():
        if match := _MOVED.fullmatch(line):
            if match["path"] in infected:
                infected[match["path"]]["moved_to"] = match["where"]
        elif match := _FOUND.fullmatch(line):
            infected[match["path"]] = {
                "path": match["path"],
                "signature": match["signature"],
                "moved_to": None,
            }
        elif _ERROR.fullmatch(line):
            errors += 1
    return list(infected.values())[:INFECTED_MAX], errors


def count_files(paths: list[str]) -> int:
    """Regular files under ``paths`` (symbolic links not followed: clamdscan does not)."""
    total = 0
    for top in paths:
        if os.path.isfile(top) and not os.path.islink(top):
            total += 1
            continue
        for root, _dirs, names in os.walk(top):
            for name in names:
                path = os.path.join(root, name)
                total += not os.path.islink(path) and os.path.isfile(path)
    return total


def quarantine_problem(path: str) -> str | None:
    """Why ``path`` is no safe quarantine (None: it is): each directory from ``/`` down is a
    real directory (no symbolic link), owned by root and writable by no one else, and the
    quarantine itself is root's only (0700). The role makes it so; the program checks."""
    current = "/"
    for part in [p for p in path.split("/") if p]:
        current = os.path.join(current, part)
        try:
            info = os.lstat(current)
        except OSError as exc:
            return f"{current}: {exc.strerror}"
        if not stat.S_ISDIR(info.st_mode):
            return f"{current} is not a directory (a symbolic link or a file)"
        if info.st_uid != 0 or info.st_mode & 0o022:
            mode = stat.S_IMODE(info.st_mode)
            return f"{current} is not root's alone (owner {info.st_uid}, mode {mode:o})"
    if stat.S_IMODE(os.lstat(path).st_mode) != 0o700:
        return f"{path} is not mode 0700"
    return None


def scan(config: Config, now: float, run: Callable | None = None) -> dict:
    """Scan the declared paths that exist; the scan record."""
    run = run or _run
    present = [p for p in config.scan_paths if os.path.exists(p)]
    record: dict[str, Any] = {
        "time": utc(now),
        "paths": present,
        "missing_paths": [p for p in config.scan_paths if p not in present],
        "files": count_files(present),
        "quarantine": config.quarantine,
    }
    if not present:
        return dict(record, rc=0, infected=[], errors=0)
    unsafe = quarantine_problem(config.quarantine) if config.quarantine else None
    if unsafe:
        # Found files stay where they are: moving them into a directory someone else controls
        # would let that someone choose where root writes.
        record.update(quarantine=None, quarantine_problem=unsafe)
        config = config._replace(quarantine=None)
    rc, out, err = run(scan_argv(config, present))
    infected, errors = parse_clamdscan(out)
    record.update(rc=rc, infected=infected, errors=errors)
    if rc not in (0, 1):
        record["detail"] = (err.strip() or out.strip())[:TEXT_MAX]
    return record


def parse_scan(text: str | None, now: float) -> dict:
    """The last scan record, as the audit reports it."""
    empty = {
        "present": False,
        "time": None,
        "age_hours": None,
        "files": None,
        "infected": [],
        "completed": None,
    }
    if text is None:
        return dict(empty, error=None)
    try:
        data = _json_object(text)
    except CheckError as exc:
        return dict(empty, present=True, error=f"scan record: {exc}")
    when = parse_utc(data.get("time"))
    files, infected, rc = data.get("files"), data.get("infected"), data.get("rc")
    if (
        when is None
        or type(files) is not int  # pylint: disable=unidiomatic-typecheck
        or type(rc) is not int  # pylint: disable=unidiomatic-typecheck
        or not isinstance(infected, list)
        or not all(isinstance(i, dict) and _text(i.get("path")) for i in infected)
    ):
        return dict(empty, present=True, error="scan record is not what the scan writes")
    return {
        "present": True,
        "time": data["time"],
        "age_hours": round((now - when) / 3600.0, 2),
        "files": files,
        "infected": [
            {
                "path": i["path"],
                "signature": _text(i.get("signature")),
                "moved_to": _text(i.get("moved_to")),
            }
            for i in infected
        ],
        "completed": rc in (0, 1),
        "error": None,
    }


# ---------------------------------------------------------------- the program


def _write(path: str, text: str) -> None:
    """Replace a record atomically (0644: the audit reads it without privileges too)."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=directory, prefix=".edu_tw_hardening.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def _run(argv: list[str]) -> tuple[int, str, str]:
    """Run ``argv``; its output as text even where a file name is not UTF-8 (Big5 names from
    a share): such bytes are kept as backslash escapes, the rest of the record is intact."""
    env = dict(os.environ, LC_ALL="C", PATH="/usr/sbin:/usr/bin:/sbin:/bin")
    try:
        done = subprocess.run(argv, capture_output=True, env=env, check=False)
    except FileNotFoundError:
        return 127, "", f"{argv[0]}: not found"
    return (
        done.returncode,
        done.stdout.decode("utf-8", errors="backslashreplace"),
        done.stderr.decode("utf-8", errors="backslashreplace"),
    )


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    config_path = CONFIG_PATH
    if args[:1] == ["--config"] and len(args) >= 2:
        config_path, args = args[1], args[2:]
    if args not in (["health"], ["scan"]):
        sys.stderr.write("usage: antivirus_checks.py [--config FILE] health | scan\n")
        return 2
    now = datetime.datetime.now(datetime.timezone.utc).timestamp()
    try:
        with open(config_path, encoding="utf-8") as handle:
            config = parse_config(handle.read())
        if args == ["health"]:
            record = health(config, now)
            path, ok = HEALTH_PATH, record["passed"]
        else:
            record = scan(config, now)
            # Found something (rc 1) or could not scan: the service fails, where systemctl
            # --failed shows it, after the record is written.
            path, ok = SCAN_PATH, record["rc"] == 0
        _write(path, json.dumps(record, indent=2, sort_keys=True) + "\n")
    except (CheckError, OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"edu_tw.hardening antivirus: {config_path}: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(record, sort_keys=True) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
