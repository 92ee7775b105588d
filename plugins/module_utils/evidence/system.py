# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for the smaller system controls.

Idle logout and console autologin (MOE-20), file sharing (MOE-21), sudo rights
(MOE-22), disk capacity (MOE-23..28), journal persistence (MOE-31..32) and the
permissions of the authentication logs (MOE-42.1.5).
"""

from __future__ import annotations

import datetime
import re
import struct

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.accounts import (
    parse_passwd,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    command_failure,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)

AREA = "system"

PROFILE_FILES = ("/etc/profile",)
PROFILE_GLOB = "/etc/profile.d/*.sh"
GETTY_DROPIN_GLOBS = (
    "/etc/systemd/system/getty@*.service.d/*.conf",
    "/etc/systemd/system/serial-getty@*.service.d/*.conf",
)
SUDO_GROUPS = ("sudo", "admin")
SUDOERS = "/etc/sudoers"
GROUP = "/etc/group"
PASSWD = "/etc/passwd"
SUDOERS_DIR_GLOB = "/etc/sudoers.d/*"
LASTLOG = "/var/log/lastlog"
LASTLOG_RECORD = struct.Struct("<i32s256s")
"""One record of /var/log/lastlog per UID: time, terminal, remote host (292 bytes)."""
LASTLOG_MAX_UID = 262143
"""Beyond this UID the file is not read (it would be tens of megabytes, mostly holes)."""
DF_EXCLUDES = ["-x", "tmpfs", "-x", "devtmpfs", "-x", "overlay", "-x", "squashfs"]
DF_ARGV = ["df", "-P", *DF_EXCLUDES]
DF_INODES_ARGV = ["df", "-P", "-i", *DF_EXCLUDES]
JOURNALD_CONF = "/etc/systemd/journald.conf"
JOURNALD_DROPIN_GLOB = "/etc/systemd/journald.conf.d/*.conf"
JOURNAL_DIR = "/var/log/journal"
LOG_FILES = ("/var/log/auth.log", "/var/log/syslog", "/var/log/messages")
STAT_ARGV = ["stat", "-c", "%a %n", *LOG_FILES]

_TMOUT_ASSIGN = re.compile(r"""(?:^|[\s;&|(])TMOUT=["']?(\d+)["']?(?=$|[\s;&|)])""")
_TMOUT_READONLY = re.compile(
    r"(?:^|[\s;&|(])(?:readonly|(?:declare|typeset)\s+-[A-Za-z]*r[A-Za-z]*)\b[^;&|]*\bTMOUT\b"
)
_AUTOLOGIN = re.compile(r"(?:^|\s)(?:--autologin(?:=|\s)|-a\s)")
_SUDOERS_SKIP = re.compile(
    r"^(?:Defaults\b|(?:User|Runas|Host|Cmnd|Cmd)_Alias\b|[#@]include(?:dir)?\b)"
)
_USER_ALIAS = re.compile(r"^User_Alias\s+(.*)$")


def _strip_comment(line: str) -> str:
    """A shell or sudoers line without its trailing ``#`` comment."""
    return line.split("#", 1)[0]


def parse_tmout(text: str) -> tuple[int | None, bool]:
    """The smallest ``TMOUT=N`` in a shell file and whether the file makes TMOUT readonly."""
    smallest: int | None = None
    readonly = False
    for raw in text.splitlines():
        line = _strip_comment(raw)
        for match in _TMOUT_ASSIGN.finditer(line):
            value = int(match.group(1))
            smallest = value if smallest is None else min(smallest, value)
        if _TMOUT_READONLY.search(line):
            readonly = True
    return smallest, readonly


def idle_timeout(host: HostReader) -> dict:
    """The smallest TMOUT set by the login shell profiles, and whether it is readonly anywhere."""
    best: dict = {"tmout": None, "readonly": False, "file": None}
    for path in [*PROFILE_FILES, *host.glob(PROFILE_GLOB)]:
        text = host.read(path)
        if text is None:
            continue
        tmout, readonly = parse_tmout(text)
        best["readonly"] = best["readonly"] or readonly
        if tmout is not None and (best["tmout"] is None or tmout < best["tmout"]):
            best["tmout"] = tmout
            best["file"] = path
    return best


def has_autologin(text: str) -> bool:
    """Whether a getty drop-in passes ``--autologin`` (or ``-a``) to agetty."""
    return any(_AUTOLOGIN.search(_strip_comment(line)) for line in text.splitlines())


def console_autologin(host: HostReader) -> tuple[list[str], str | None]:
    """Getty drop-ins that log a user in without a password, and which could not be read."""
    found = []
    unread = []
    for pattern in GETTY_DROPIN_GLOBS:
        for path in host.glob(pattern):
            text = host.read(path)
            if text is None:
                unread.append(path)
            elif has_autologin(text):
                found.append(path)
    error = f"{', '.join(sorted(unread))} could not be read" if unread else None
    return sorted(found), error


def parse_group(text: str) -> dict[str, list[str]]:
    """Group name to its listed members, from /etc/group."""
    groups: dict[str, list[str]] = {}
    for line in text.splitlines():
        fields = line.strip().split(":")
        if len(fields) == 4 and fields[0]:
            groups[fields[0]] = [name for name in fields[3].split(",") if name]
    return groups


def parse_primary_groups(passwd: str, group: str) -> dict[str, list[str]]:
    """Group name to the users whose primary group it is (/etc/passwd gid)."""
    names_by_gid: dict[str, str] = {}
    for line in group.splitlines():
        fields = line.strip().split(":")
        if len(fields) == 4:
            names_by_gid[fields[2]] = fields[0]
    primary: dict[str, list[str]] = {}
    for line in passwd.splitlines():
        fields = line.strip().split(":")
        if len(fields) >= 4 and fields[3] in names_by_gid:
            primary.setdefault(names_by_gid[fields[3]], []).append(fields[0])
    return primary


def _sudoers_lines(text: str) -> list[str]:
    """Sudoers lines with backslash continuations joined and comments removed.

    Sudoers rules, not libpam's (``pam._numbered_lines``): a continued line may end in a
    comment, and ``#include`` / ``@include`` lines are directives, not comments.
    """
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith(("#include", "@include")):
            lines.append(stripped)
            continue
        line = _strip_comment(raw).rstrip()
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            lines.append(line)
    if pending.strip():
        lines.append(pending.strip())
    return lines


def _split_list(text: str) -> list[str]:
    """Comma-separated sudoers list items, trimmed."""
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_sudoers(text: str) -> list[tuple[list[str], bool]]:
    """User specifications of a sudoers file: (user list, whether NOPASSWD is granted).

    Defaults, aliases and include directives are skipped; User_Alias names are
    expanded to their members; negated entries (``!alice``) are left out.
    """
    aliases: dict[str, list[str]] = {}
    specs: list[tuple[list[str], bool]] = []
    for line in _sudoers_lines(text):
        alias = _USER_ALIAS.match(line)
        if alias:
            for definition in alias.group(1).split(":"):
                name, _sep, members = definition.partition("=")
                aliases[name.strip()] = _split_list(members)
            continue
        if _SUDOERS_SKIP.match(line) or "=" not in line:
            continue
        left, _sep, right = line.partition("=")
        left = re.sub(r"\s*,\s*", ",", left.strip())
        users_part = left.split()[0] if left.split() else ""
        users: list[str] = []
        for item in _split_list(users_part):
            if item.startswith("!"):
                continue
            users.extend(aliases.get(item, [item]))
        if users:
            specs.append((users, "NOPASSWD:" in right.replace(" ", "")))
    return specs


def _sudoers_files(host: HostReader) -> list[str]:
    """/etc/sudoers and the /etc/sudoers.d files sudo reads (no ``.`` and no trailing ``~``)."""
    included = [
        path
        for path in host.glob(SUDOERS_DIR_GLOB)
        if "." not in path.rsplit("/", 1)[-1] and not path.endswith("~")
    ]
    return [SUDOERS, *included]


def sudoers(host: HostReader) -> dict:
    """Users with sudo rights (groups expanded) and the entries granted NOPASSWD.

    ``error`` names the files (/etc/group, /etc/passwd, the sudoers files) that could not
    be read, None when every one was: a member list read without them is incomplete. A
    host without sudo has no /etc/sudoers; only one that is there and unreadable counts.
    """
    group_read = host.read(GROUP)
    passwd_read = host.read(PASSWD)
    unread = [path for path, text in ((GROUP, group_read), (PASSWD, passwd_read)) if text is None]
    group_text = group_read or ""
    groups = parse_group(group_text)
    for name, users in parse_primary_groups(passwd_read or "", group_text).items():
        groups.setdefault(name, [])
        groups[name] = groups[name] + [user for user in users if user not in groups[name]]
    members: set[str] = set()
    for name in SUDO_GROUPS:
        members.update(groups.get(name, []))
    nopasswd: set[str] = set()
    for path in _sudoers_files(host):
        text = host.read(path)
        if text is None:
            if path != SUDOERS or host.mtime(path) is not None:
                unread.append(path)
            continue
        for users, no_password in parse_sudoers(text):
            for entry in users:
                if entry.startswith("%") and not entry.startswith(("%:", "%#")):
                    members.update(groups.get(entry[1:], []))
                else:
                    members.add(entry)
                if no_password:
                    nopasswd.add(entry)
    return {
        "members": sorted(members),
        "nopasswd": sorted(nopasswd),
        "error": f"{', '.join(unread)} could not be read" if unread else None,
    }


def parse_lastlog(data: bytes, uid: int) -> dict | None:
    """The last login of ``uid`` in /var/log/lastlog's bytes (None: never, or not there)."""
    start = uid * LASTLOG_RECORD.size
    record = data[start : start + LASTLOG_RECORD.size]
    if len(record) < LASTLOG_RECORD.size:
        return None
    when, line, remote = LASTLOG_RECORD.unpack(record)
    if when <= 0:
        return None
    moment = datetime.datetime.fromtimestamp(when, datetime.timezone.utc)
    return {
        "at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "terminal": line.split(b"\0", 1)[0].decode("utf-8", "replace"),
        "from": remote.split(b"\0", 1)[0].decode("utf-8", "replace"),
    }


def administrators(host: HostReader, sudo_members: list[str]) -> tuple[list[dict], str | None]:
    """The accounts with root's rights (UID 0) or sudo's, with their last login as
    /var/log/lastlog holds it (pam_lastlog writes it; a host without it records none)."""
    passwd_text = host.read(PASSWD)
    if passwd_text is None:
        return [], f"{PASSWD} could not be read"
    uids: dict[str, int] = {}
    for entry in parse_passwd(passwd_text):
        uids.setdefault(entry["name"], entry["uid"])
    names = sorted({name for name, uid in uids.items() if uid == 0} | set(sudo_members))
    wanted = [uids[name] for name in names if name in uids and uids[name] <= LASTLOG_MAX_UID]
    data = host.head(LASTLOG, (max(wanted) + 1) * LASTLOG_RECORD.size) if wanted else b""
    error = None if data is not None else f"{LASTLOG} could not be read"
    found = []
    for name in names:
        uid = uids.get(name)
        rights = (["root (UID 0)"] if uid == 0 else []) + (["sudo"] if name in sudo_members else [])
        entry: dict = {"name": name, "uid": uid, "rights": rights, "last_login": None}
        if uid is None:
            entry["last_login_error"] = "no such account in /etc/passwd"
        elif uid > LASTLOG_MAX_UID:
            entry["last_login_error"] = f"UID above {LASTLOG_MAX_UID}: not read"
        elif data is None:
            entry["last_login_error"] = error
        else:
            entry["last_login"] = parse_lastlog(data, uid)
        found.append(entry)
    return found, error


def parse_df(text: str) -> dict[str, int | None]:
    """Mount point to its use percentage from ``df -P`` (or ``df -P -i``) output.

    A filesystem that reports ``-`` (no inode accounting) maps to None.
    """
    usage: dict[str, int | None] = {}
    for line in text.splitlines()[1:]:
        fields = line.split(None, 5)
        if len(fields) != 6:
            continue
        percent = fields[4].rstrip("%")
        usage[fields[5]] = int(percent) if percent.isdigit() else None
    return usage


def filesystems(host: HostReader) -> tuple[list[dict], str | None]:
    """Space and inode use of each real filesystem, and why they could not be read.

    df exits 1 when one filesystem cannot be read but still prints the others; no usable
    line at all (df missing, or failing on every filesystem) is an error.
    """
    space = host.run(DF_ARGV)
    inodes = host.run(DF_INODES_ARGV)
    inode_use = parse_df(inodes.out) if inodes.out else {}
    found = []
    for mount, percent in parse_df(space.out).items():
        if percent is None:
            continue
        found.append(
            {"mount": mount, "use_percent": percent, "inodes_percent": inode_use.get(mount)}
        )
    if found:
        return found, None
    return found, command_failure(DF_ARGV, space) or "df listed no filesystem"


def parse_journald(texts: list[str]) -> dict[str, str]:
    """``[Journal]`` settings from journald.conf and its drop-ins, in order (last wins)."""
    settings: dict[str, str] = {}
    for text in texts:
        section = ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1].strip()
                continue
            if section == "Journal" and "=" in line:
                key, _sep, value = line.partition("=")
                settings[key.strip()] = value.strip()
    return settings


def journal(host: HostReader) -> dict:
    """Whether the journal is kept on disk, and its MaxRetentionSec."""
    texts = [
        text
        for text in (host.read(path) for path in [JOURNALD_CONF, *host.glob(JOURNALD_DROPIN_GLOB)])
        if text is not None
    ]
    settings = parse_journald(texts)
    storage = settings.get("Storage") or "auto"
    if storage == "persistent":
        persistent = True
    elif storage == "auto":
        persistent = host.mtime(JOURNAL_DIR) is not None
    else:
        persistent = False
    return {"persistent": persistent, "max_retention": settings.get("MaxRetentionSec") or None}


def parse_stat_modes(text: str) -> list[dict]:
    """Log files and their permissions from ``stat -c '%a %n'`` output."""
    found = []
    for line in text.splitlines():
        mode, _sep, path = line.strip().partition(" ")
        if not path or not re.fullmatch(r"[0-7]{1,4}", mode):
            continue
        found.append({"path": path, "mode": mode, "world_readable": bool(int(mode, 8) & 0o004)})
    return found


def log_files(host: HostReader) -> tuple[list[dict], str | None]:
    """Permissions of the authentication and system logs that exist, and why they could not
    be read.

    ``stat`` exits 1 when one of the paths is missing but still prints the others; any
    other failure (stat missing, or a file stat cannot examine) is an error.
    """
    result = host.run(STAT_ARGV)
    missing_only = result.rc == 1 and all(
        "No such file or directory" in line for line in result.err.strip().splitlines()
    )
    error = None if missing_only else command_failure(STAT_ARGV, result)
    return parse_stat_modes(result.out), error


def collect(host: HostReader) -> dict:
    """System evidence: see the module docstring and the area's schema."""
    packages, packages_error = package_list(host)
    autologin, autologin_error = console_autologin(host)
    mounts, filesystems_error = filesystems(host)
    logs, log_files_error = log_files(host)
    sudo = sudoers(host)
    admins, administrators_error = administrators(host, sudo["members"])
    return {
        "idle_timeout": idle_timeout(host),
        "console_autologin": autologin,
        "console_autologin_error": autologin_error,
        "file_sharing": {
            "samba": "samba" in packages,
            "nfs_server": "nfs-kernel-server" in packages,
        },
        "packages_error": packages_error,
        "sudoers": sudo,
        "administrators": admins,
        "administrators_error": administrators_error,
        "filesystems": mounts,
        "filesystems_error": filesystems_error,
        "journal": journal(host),
        "log_files": logs,
        "log_files_error": log_files_error,
    }
