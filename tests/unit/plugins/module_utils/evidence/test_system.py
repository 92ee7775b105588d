# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/system.py."""

from __future__ import annotations

import json
import struct

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import system
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

DPKG_KEY = " ".join(DPKG_QUERY_ARGV)
DF_KEY = " ".join(system.DF_ARGV)
DF_INODES_KEY = " ".join(system.DF_INODES_ARGV)
STAT_KEY = " ".join(system.STAT_ARGV)

# Debian 12's /etc/profile (trimmed): no TMOUT.
PROFILE = """\
# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))
if [ "$(id -u)" -eq 0 ]; then
  PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
else
  PATH="/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games"
fi
export PATH
if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r $i ]; then
      . $i
    fi
  done
  unset i
fi
"""

TMOUT_DROPIN = """\
# Managed by edu_tw.hardening: log idle shells out (MOE-20).
TMOUT=900
readonly TMOUT
export TMOUT
"""

# Debian 12's /etc/sudoers.
SUDOERS = """\
#
# This file MUST be edited with the 'visudo' command as root.
#
Defaults\tenv_reset
Defaults\tmail_badpass
Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
Defaults\tuse_pty

# User privilege specification
root\tALL=(ALL:ALL) ALL

# Allow members of group sudo to execute any command
%sudo\tALL=(ALL:ALL) ALL

# See sudoers(5) for more information on "@include" directives:

@includedir /etc/sudoers.d
"""

# Debian 12's /etc/sudoers.d/README (trimmed): comments only.
SUDOERS_README = """\
#
# The default /etc/sudoers file created on installation of the
# sudo  package now includes the directive:
#
#\t@includedir /etc/sudoers.d
#
"""

GROUP = """\
root:x:0:
adm:x:4:syslog
sudo:x:27:alice
ops:x:1001:carol,dave
deploy:x:1002:
backup:x:34:
"""

PASSWD = """\
root:x:0:0:root:/root:/bin/bash
alice:x:1000:1000:Alice:/home/alice:/bin/bash
carol:x:1003:1001:Carol:/home/carol:/bin/bash
deploy:x:1002:1002:Deploy:/home/deploy:/bin/bash
"""

# `df -P -x tmpfs -x devtmpfs -x overlay -x squashfs` on a Debian 12 VM.
DF_OUTPUT = """\
Filesystem     1024-blocks    Used Available Capacity Mounted on
/dev/sda1         30787492 5423100  23774004      19% /
/dev/sda15          126678   11840    114838      10% /boot/efi
/dev/sdb1        103081248 96301112   1521872      99% /srv/backup data
"""

DF_INODES_OUTPUT = """\
Filesystem      Inodes  IUsed   IFree IUse% Mounted on
/dev/sda1      1966080 101234 1864846    6% /
/dev/sda15           0      0       0     - /boot/efi
/dev/sdb1      6553600 120000 6433600    2% /srv/backup data
"""

# Debian 12's /etc/systemd/journald.conf (trimmed): every setting commented out.
JOURNALD_CONF = """\
#  This file is part of systemd.
[Journal]
#Storage=auto
#Compress=yes
#SystemMaxUse=
#MaxRetentionSec=
#MaxFileSec=1month
"""


def test_parse_tmout_reads_value_and_readonly_line():
    assert system.parse_tmout(TMOUT_DROPIN) == (900, True)


def test_parse_tmout_accepts_declare_readonly_assignment():
    assert system.parse_tmout("declare -rx TMOUT=600\n") == (600, True)


def test_parse_tmout_accepts_readonly_assignment_on_one_line():
    assert system.parse_tmout("readonly TMOUT=300; export TMOUT\n") == (300, True)


def test_parse_tmout_reports_plain_assignment_as_not_readonly():
    assert system.parse_tmout("export TMOUT=900\n") == (900, False)


def test_parse_tmout_ignores_commented_assignment():
    assert system.parse_tmout("# TMOUT=60\n#readonly TMOUT\n") == (None, False)


def test_parse_tmout_ignores_other_variables_ending_in_tmout():
    assert system.parse_tmout("MY_TMOUT=60\n") == (None, False)


def test_collect_reports_idle_timeout_from_profile_d():
    host = RecordedHost(
        files={"/etc/profile": PROFILE, "/etc/profile.d/edu-tw-tmout.sh": TMOUT_DROPIN}
    )
    assert system.collect(host)["idle_timeout"] == {
        "tmout": 900,
        "readonly": True,
        "file": "/etc/profile.d/edu-tw-tmout.sh",
    }


def test_collect_reports_smallest_idle_timeout_and_its_file():
    host = RecordedHost(
        files={
            "/etc/profile": PROFILE + "TMOUT=1800\n",
            "/etc/profile.d/edu-tw-tmout.sh": TMOUT_DROPIN,
        }
    )
    timeout = system.collect(host)["idle_timeout"]
    assert (timeout["tmout"], timeout["file"]) == (900, "/etc/profile.d/edu-tw-tmout.sh")


def test_collect_ignores_profile_d_files_not_ending_in_sh():
    host = RecordedHost(files={"/etc/profile": PROFILE, "/etc/profile.d/tmout.disabled": "TMOUT=5"})
    assert system.collect(host)["idle_timeout"]["tmout"] is None


def test_collect_lists_getty_dropin_with_autologin():
    dropin = "[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear %I $TERM\n"
    host = RecordedHost(
        files={
            "/etc/systemd/system/getty@tty1.service.d/autologin.conf": dropin,
            "/etc/systemd/system/getty@tty2.service.d/noclear.conf": (
                "[Service]\nTTYVTDisallocate=no\n"
            ),
        }
    )
    assert system.collect(host)["console_autologin"] == [
        "/etc/systemd/system/getty@tty1.service.d/autologin.conf"
    ]


def test_collect_lists_serial_getty_template_dropin_with_short_autologin_option():
    dropin = "[Service]\nExecStart=\nExecStart=-/sbin/agetty -a root --keep-baud 115200 %I\n"
    path = "/etc/systemd/system/serial-getty@.service.d/override.conf"
    assert system.collect(RecordedHost(files={path: dropin}))["console_autologin"] == [path]


def test_has_autologin_ignores_commented_option():
    assert system.has_autologin("#ExecStart=-/sbin/agetty --autologin root %I\n") is False


def test_collect_reports_samba_and_nfs_server_installed():
    host = RecordedHost(
        commands={
            DPKG_KEY: (
                "samba\t2:4.17.12+dfsg-0+deb12u1\tinstall ok installed\n"
                "nfs-kernel-server\t1:2.6.2-4+deb12u1\tinstall ok installed\n"
            )
        }
    )
    assert system.collect(host)["file_sharing"] == {"samba": True, "nfs_server": True}


def test_collect_does_not_count_nfs_client_as_file_sharing():
    host = RecordedHost(
        commands={DPKG_KEY: "nfs-common\t1:2.6.2-4+deb12u1\tinstall ok installed\n"}
    )
    assert system.collect(host)["file_sharing"] == {"samba": False, "nfs_server": False}


def test_collect_lists_debian_default_sudo_members():
    host = RecordedHost(
        files={
            "/etc/sudoers": SUDOERS,
            "/etc/sudoers.d/README": SUDOERS_README,
            "/etc/group": GROUP,
            "/etc/passwd": PASSWD,
        }
    )
    assert system.collect(host)["sudoers"] == {
        "members": ["alice", "root"],
        "nopasswd": [],
        "error": None,
    }


def test_sudoers_expands_group_from_sudoers_d_to_its_members():
    group = "sudo:x:27:\nops:x:1001:carol,dave\n"
    host = RecordedHost(files={"/etc/sudoers.d/ops": "%ops ALL=(ALL) ALL\n", "/etc/group": group})
    assert system.sudoers(host)["members"] == ["carol", "dave"]


def test_sudoers_reports_nopasswd_user_and_group():
    host = RecordedHost(
        files={
            "/etc/sudoers.d/90-deploy": "deploy ALL=(ALL) NOPASSWD: ALL\n",
            "/etc/sudoers.d/91-ops": "%ops ALL=(root) NOPASSWD:/usr/bin/systemctl\n",
            "/etc/group": GROUP,
        }
    )
    assert system.sudoers(host)["nopasswd"] == ["%ops", "deploy"]


def test_sudoers_skips_files_that_sudo_ignores():
    host = RecordedHost(
        files={
            "/etc/sudoers.d/old.bak": "mallory ALL=(ALL) ALL\n",
            "/etc/sudoers.d/deploy~": "eve ALL=(ALL) ALL\n",
        }
    )
    assert system.sudoers(host)["members"] == []


def test_sudoers_includes_users_whose_primary_group_is_sudo():
    group = "sudo:x:27:\n"
    passwd = "ops1:x:1005:27:Ops:/home/ops1:/bin/bash\n"
    host = RecordedHost(files={"/etc/group": group, "/etc/passwd": passwd})
    assert system.sudoers(host)["members"] == ["ops1"]


def test_parse_sudoers_expands_user_alias_and_skips_negated_user():
    text = (
        "User_Alias ADMINS = alice, bob\n"
        "Cmnd_Alias REBOOT = /usr/sbin/reboot\n"
        "ADMINS, !carol ALL = (ALL) ALL\n"
    )
    assert system.parse_sudoers(text) == [(["alice", "bob"], False)]


def test_parse_sudoers_joins_continued_lines():
    text = "alice ALL = (ALL) \\\n    NOPASSWD: /usr/bin/apt-get\n"
    assert system.parse_sudoers(text) == [(["alice"], True)]


def test_parse_sudoers_skips_defaults_with_user_scope():
    assert system.parse_sudoers("Defaults:alice env_keep += SSH_AUTH_SOCK\n") == []


def test_collect_reports_space_and_inode_use_per_mount():
    host = RecordedHost(commands={DF_KEY: DF_OUTPUT, DF_INODES_KEY: DF_INODES_OUTPUT})
    assert system.collect(host)["filesystems"] == [
        {"mount": "/", "use_percent": 19, "inodes_percent": 6},
        {"mount": "/boot/efi", "use_percent": 10, "inodes_percent": None},
        {"mount": "/srv/backup data", "use_percent": 99, "inodes_percent": 2},
    ]


def test_df_argv_excludes_pseudo_filesystems():
    assert system.DF_ARGV == [
        "df",
        "-P",
        "-x",
        "tmpfs",
        "-x",
        "devtmpfs",
        "-x",
        "overlay",
        "-x",
        "squashfs",
    ]


def test_collect_reports_unknown_inode_use_when_inode_df_fails():
    host = RecordedHost(commands={DF_KEY: DF_OUTPUT})
    assert [item["inodes_percent"] for item in system.collect(host)["filesystems"]] == [
        None,
        None,
        None,
    ]


def test_collect_reports_volatile_journal_with_default_config_and_no_journal_dir():
    host = RecordedHost(files={"/etc/systemd/journald.conf": JOURNALD_CONF})
    assert system.collect(host)["journal"] == {"persistent": False, "max_retention": None}


def test_collect_reports_persistent_journal_when_auto_and_journal_dir_exists():
    host = RecordedHost(
        files={"/etc/systemd/journald.conf": JOURNALD_CONF},
        mtimes={"/var/log/journal": 1_799_000_000.0},
    )
    assert system.collect(host)["journal"]["persistent"] is True


def test_collect_reads_storage_and_retention_from_journald_dropin():
    host = RecordedHost(
        files={
            "/etc/systemd/journald.conf": JOURNALD_CONF,
            "/etc/systemd/journald.conf.d/edu-tw.conf": (
                "[Journal]\nStorage=persistent\nMaxRetentionSec=1year\n"
            ),
        }
    )
    assert system.collect(host)["journal"] == {"persistent": True, "max_retention": "1year"}


def test_journal_is_not_persistent_when_storage_is_volatile_despite_journal_dir():
    host = RecordedHost(
        files={"/etc/systemd/journald.conf.d/ram.conf": "[Journal]\nStorage=volatile\n"},
        mtimes={"/var/log/journal": 1_799_000_000.0},
    )
    assert system.journal(host)["persistent"] is False


def test_parse_journald_lets_later_dropin_override_and_ignores_other_sections():
    texts = ["[Journal]\nStorage=persistent\n", "[Other]\nStorage=none\n[Journal]\nStorage=auto\n"]
    assert system.parse_journald(texts) == {"Storage": "auto"}


def test_collect_reports_log_file_modes_of_existing_logs():
    stderr = "stat: cannot statx '/var/log/messages': No such file or directory\n"
    host = RecordedHost(
        commands={STAT_KEY: Result(1, "640 /var/log/auth.log\n644 /var/log/syslog\n", stderr)}
    )
    assert system.collect(host)["log_files"] == [
        {"path": "/var/log/auth.log", "mode": "640", "world_readable": False},
        {"path": "/var/log/syslog", "mode": "644", "world_readable": True},
    ]


def test_stat_argv_asks_for_octal_mode_and_name_of_the_three_logs():
    assert system.STAT_ARGV == [
        "stat",
        "-c",
        "%a %n",
        "/var/log/auth.log",
        "/var/log/syslog",
        "/var/log/messages",
    ]


def test_collect_on_bare_host_reports_nothing_configured_and_what_it_could_not_read():
    assert system.collect(RecordedHost()) == {
        "idle_timeout": {"tmout": None, "readonly": False, "file": None},
        "console_autologin": [],
        "console_autologin_error": None,
        "file_sharing": {"samba": False, "nfs_server": False},
        "packages_error": "dpkg-query is not installed (not found on the host)",
        "sudoers": {
            "members": [],
            "nopasswd": [],
            "error": "/etc/group, /etc/passwd could not be read",
        },
        "administrators": [],
        "administrators_error": "/etc/passwd could not be read",
        "filesystems": [],
        "filesystems_error": "df is not installed (not found on the host)",
        "journal": {"persistent": False, "max_retention": None},
        "log_files": [],
        "log_files_error": "stat is not installed (not found on the host)",
    }


def test_collect_output_is_json_serialisable():
    host = RecordedHost(
        files={"/etc/sudoers": SUDOERS, "/etc/group": GROUP, "/etc/passwd": PASSWD},
        commands={DF_KEY: DF_OUTPUT, DF_INODES_KEY: DF_INODES_OUTPUT},
    )
    evidence = system.collect(host)
    assert json.loads(json.dumps(evidence)) == evidence


# what could not be read


def test_collect_lists_packages_error_when_dpkg_fails():
    host = RecordedHost(commands={DPKG_KEY: Result(2, "", "dpkg-query: error: database locked")})
    assert system.collect(host)["packages_error"].endswith("dpkg-query: error: database locked")


def test_unreadable_sudoers_d_file_is_a_sudoers_error():
    host = RecordedHost(
        files={"/etc/group": GROUP, "/etc/passwd": PASSWD, "/etc/sudoers": SUDOERS},
        mtimes={"/etc/sudoers.d/ops": 1_700_000_000.0},
    )
    assert system.sudoers(host)["error"] == "/etc/sudoers.d/ops could not be read"


def test_existing_but_unreadable_sudoers_is_a_sudoers_error():
    host = RecordedHost(
        files={"/etc/group": GROUP, "/etc/passwd": PASSWD},
        mtimes={"/etc/sudoers": 1_700_000_000.0},
    )
    assert system.sudoers(host)["error"] == "/etc/sudoers could not be read"


def test_host_without_sudo_has_no_sudoers_and_no_error():
    host = RecordedHost(files={"/etc/group": GROUP, "/etc/passwd": PASSWD})
    assert system.sudoers(host)["error"] is None


def test_failing_df_is_a_filesystems_error():
    host = RecordedHost(commands={DF_KEY: Result(1, "", "df: /: Permission denied")})
    assert system.collect(host)["filesystems_error"] == (
        f"{DF_KEY} exited 1: df: /: Permission denied"
    )


def test_df_that_lists_some_filesystems_is_no_error():
    host = RecordedHost(commands={DF_KEY: Result(1, DF_OUTPUT, "df: /mnt/gone: No such device")})
    assert system.collect(host)["filesystems_error"] is None


def test_stat_of_missing_logs_only_is_no_error():
    stderr = "stat: cannot statx '/var/log/messages': No such file or directory\n"
    host = RecordedHost(commands={STAT_KEY: Result(1, "640 /var/log/auth.log\n", stderr)})
    assert system.collect(host)["log_files_error"] is None


def test_stat_that_cannot_examine_a_log_is_a_log_files_error():
    stderr = "stat: cannot statx '/var/log/auth.log': Permission denied\n"
    host = RecordedHost(commands={STAT_KEY: Result(1, "", stderr)})
    assert system.collect(host)["log_files_error"] == (
        f"{STAT_KEY} exited 1: stat: cannot statx '/var/log/auth.log': Permission denied"
    )


def test_unreadable_getty_drop_in_is_a_console_autologin_error():
    path = "/etc/systemd/system/getty@tty1.service.d/autologin.conf"
    host = RecordedHost(mtimes={path: 1_700_000_000.0})
    assert system.collect(host)["console_autologin_error"] == f"{path} could not be read"


# administrators and their last login (/var/log/lastlog)


def lastlog(records: dict[int, tuple[int, bytes, bytes]], uids: int) -> str:
    """/var/log/lastlog of ``uids`` records (time, terminal, remote host per UID), as the
    recorded host holds binary files (surrogate escapes)."""
    data = b"".join(
        struct.pack("<i32s256s", *records.get(uid, (0, b"", b""))) for uid in range(uids)
    )
    return data.decode("utf-8", errors="surrogateescape")


def test_lastlog_record_is_292_bytes():
    assert system.LASTLOG_RECORD.size == 292


def test_parse_lastlog_reads_the_record_of_a_uid():
    data = struct.pack("<i32s256s", 0, b"", b"") + struct.pack(
        "<i32s256s", 1_700_000_000, b"pts/0", b"192.0.2.7"
    )
    assert system.parse_lastlog(data, 1) == {
        "at": "2023-11-14T22:13:20Z",
        "terminal": "pts/0",
        "from": "192.0.2.7",
    }


def test_parse_lastlog_of_a_uid_that_never_logged_in_is_none():
    data = struct.pack("<i32s256s", 0, b"", b"")
    assert system.parse_lastlog(data, 0) is None


def test_parse_lastlog_beyond_the_end_of_the_file_is_none():
    data = struct.pack("<i32s256s", 1_700_000_000, b"tty1", b"")
    assert system.parse_lastlog(data, 1) is None
    assert system.parse_lastlog(data[:291], 0) is None


def test_parse_lastlog_of_a_console_login_has_no_remote_host():
    data = struct.pack("<i32s256s", 1_700_000_000, b"tty1", b"")
    assert system.parse_lastlog(data, 0)["from"] == ""
    assert system.parse_lastlog(data, 0)["terminal"] == "tty1"


def test_parse_lastlog_replaces_bytes_that_are_not_utf8():
    data = struct.pack("<i32s256s", 1_700_000_000, b"pts/\xff", b"h\xfe")
    found = system.parse_lastlog(data, 0)
    assert (found["terminal"], found["from"]) == ("pts/\ufffd", "h\ufffd")


def test_administrators_are_uid_0_and_sudo_members_with_their_last_login():
    records = {0: (1_700_000_000, b"tty1", b""), 1000: (1_700_000_600, b"pts/1", b"192.0.2.7")}
    host = RecordedHost(files={"/etc/passwd": PASSWD, "/var/log/lastlog": lastlog(records, 1001)})
    found, error = system.administrators(host, ["alice"])
    assert error is None
    assert found == [
        {
            "name": "alice",
            "uid": 1000,
            "rights": ["sudo"],
            "last_login": {"at": "2023-11-14T22:23:20Z", "terminal": "pts/1", "from": "192.0.2.7"},
        },
        {
            "name": "root",
            "uid": 0,
            "rights": ["root (UID 0)"],
            "last_login": {"at": "2023-11-14T22:13:20Z", "terminal": "tty1", "from": ""},
        },
    ]


def test_a_second_uid_0_account_is_an_administrator():
    passwd = PASSWD + "toor:x:0:0::/root:/bin/sh\n"
    host = RecordedHost(files={"/etc/passwd": passwd, "/var/log/lastlog": lastlog({}, 1)})
    found, _error = system.administrators(host, [])
    assert [(a["name"], a["rights"], a["last_login"]) for a in found] == [
        ("root", ["root (UID 0)"], None),
        ("toor", ["root (UID 0)"], None),
    ]


def test_root_in_sudo_has_both_rights():
    host = RecordedHost(files={"/etc/passwd": PASSWD, "/var/log/lastlog": lastlog({}, 1)})
    found, _error = system.administrators(host, ["root"])
    assert found[0]["rights"] == ["root (UID 0)", "sudo"]


def test_a_sudo_member_without_an_account_is_listed_with_why_no_login_is_known():
    host = RecordedHost(files={"/etc/passwd": PASSWD, "/var/log/lastlog": lastlog({}, 1)})
    found, error = system.administrators(host, ["ghost"])
    assert error is None
    assert found[0] == {
        "name": "ghost",
        "uid": None,
        "rights": ["sudo"],
        "last_login": None,
        "last_login_error": "no such account in /etc/passwd",
    }


def test_a_uid_beyond_the_lastlog_limit_is_not_read():
    passwd = PASSWD + "big:x:300000:300000::/home/big:/bin/bash\n"
    host = RecordedHost(files={"/etc/passwd": passwd, "/var/log/lastlog": lastlog({}, 1)})
    found, _error = system.administrators(host, ["big"])
    big = next(a for a in found if a["name"] == "big")
    assert big["last_login_error"] == "UID above 262143: not read"
    assert big["last_login"] is None


def test_a_missing_lastlog_is_an_administrators_error_and_each_says_so():
    host = RecordedHost(files={"/etc/passwd": PASSWD})
    found, error = system.administrators(host, ["alice"])
    assert error == "/var/log/lastlog could not be read"
    assert [a["last_login_error"] for a in found] == [
        "/var/log/lastlog could not be read",
        "/var/log/lastlog could not be read",
    ]


def test_a_lastlog_shorter_than_a_uids_record_means_no_login():
    host = RecordedHost(
        files={"/etc/passwd": PASSWD, "/var/log/lastlog": lastlog({0: (1, b"", b"")}, 1)}
    )
    found, error = system.administrators(host, ["alice"])
    assert error is None
    assert found[0]["last_login"] is None  # alice, UID 1000, beyond the file's end


def test_unreadable_passwd_lists_no_administrator():
    assert system.administrators(RecordedHost(), ["alice"]) == (
        [],
        "/etc/passwd could not be read",
    )


def test_collect_lists_the_sudo_members_as_administrators():
    host = RecordedHost(
        files={
            "/etc/sudoers": SUDOERS,
            "/etc/group": GROUP,
            "/etc/passwd": PASSWD,
            "/var/log/lastlog": lastlog({}, 1001),
        }
    )
    evidence = system.collect(host)
    assert [a["name"] for a in evidence["administrators"]] == ["alice", "root"]
    assert evidence["administrators_error"] is None
