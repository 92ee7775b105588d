# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/accounts.py on recorded Debian files."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import accounts
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

# Excerpt of Debian 12's /etc/login.defs (shadow 1:4.13), unchanged from the package.
LOGIN_DEFS_DEBIAN = """\
#
# /etc/login.defs - Configuration control definitions for the login package.
#
# Three items must be defined:  MAIL_DIR, ENV_SUPATH, and ENV_PATH.
# If unspecified, some arbitrary (and possibly incorrect) value will
# be assumed.  All other items are optional - if not specified then
# the described action or option will be inhibited.
#
MAIL_DIR        /var/mail
#
# Password aging controls:
#
#\tPASS_MAX_DAYS\tMaximum number of days a password may be used.
#\tPASS_MIN_DAYS\tMinimum number of days allowed between password changes.
#\tPASS_WARN_AGE\tNumber of days warning given before a password expires.
#
PASS_MAX_DAYS\t99999
PASS_MIN_DAYS\t0
PASS_WARN_AGE\t7

#
# Min/max values for automatic uid selection in useradd
#
UID_MIN\t\t\t 1000
UID_MAX\t\t\t60000
# System accounts
#SYS_UID_MIN\t\t  100
#SYS_UID_MAX\t\t  999
ENCRYPT_METHOD YESCRYPT
"""

# Debian 12 /etc/passwd after installation, plus local accounts.
PASSWD_DEBIAN = """\
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
messagebus:x:100:107::/nonexistent:/usr/sbin/nologin
sshd:x:101:65534::/run/sshd:/usr/sbin/nologin
alice:x:1000:1000:Alice Chen,,,:/home/alice:/bin/bash
bob:x:1001:1001:Bob Lin,,,:/home/bob:/bin/bash
"""

SHADOW_DEBIAN = """\
root:*:19676:0:99999:7:::
daemon:*:19676:0:99999:7:::
bin:*:19676:0:99999:7:::
sys:*:19676:0:99999:7:::
sync:*:19676:0:99999:7:::
www-data:*:19676:0:99999:7:::
_apt:*:19676:0:99999:7:::
nobody:*:19676:0:99999:7:::
systemd-network:!*:19676::::::
messagebus:!:19676::::::
sshd:!:19676::::::
alice:$y$j9T$3Qm0kZfJ1n8xP5sQwE2hV/$Cb0cY7xq1ZyDk3m8WpJ2fT6uVh9sLr4nQe5aXo1iGd7:19700:1:180:14:::
bob:$y$j9T$Wq8fL2aZp0vN4kRt6yUe1/$Hd3kS9mXc2bQ7vLp1zTr5nYw8eGa4uJo6iFs0hKq3B.:19700:0:99999:7:::
"""

# Debian 12 /etc/shells (base-files plus bash and dash).
SHELLS_DEBIAN = """\
# /etc/shells: valid login shells
/bin/sh
/usr/bin/sh
/bin/bash
/usr/bin/bash
/bin/rbash
/usr/bin/rbash
/usr/bin/dash
"""


def debian_host(passwd: str = PASSWD_DEBIAN) -> RecordedHost:
    """A recorded Debian 12 host, optionally with another /etc/passwd."""
    return RecordedHost(
        files={
            "/etc/login.defs": LOGIN_DEFS_DEBIAN,
            "/etc/passwd": passwd,
            "/etc/shadow": SHADOW_DEBIAN,
            "/etc/shells": SHELLS_DEBIAN,
        }
    )


def account(evidence: dict, name: str) -> dict:
    """The record of one account in the collected evidence."""
    return next(a for a in evidence["accounts"] if a["name"] == name)


def with_users(*lines: str) -> RecordedHost:
    """The Debian host with extra passwd lines (``name:uid:shell``) and shadow entries."""
    passwd, shadow = PASSWD_DEBIAN, SHADOW_DEBIAN
    for line in lines:
        name, uid, shell, password = line.split(":")
        passwd += f"{name}:x:{uid}:{uid}::/home/{name}:{shell}\n"
        shadow += f"{name}:{password}:19700:0:99999:7:::\n"
    return RecordedHost(
        files={
            "/etc/login.defs": LOGIN_DEFS_DEBIAN,
            "/etc/passwd": passwd,
            "/etc/shadow": shadow,
            "/etc/shells": SHELLS_DEBIAN,
        }
    )


HASH = "$y$j9T$Zp4qL0sN2vB8xC1mK7tR3/$Qe9wY5uI2oP8aS4dF6gH1jK3lZ7xC0vB5nM9qW2eR4."


# login.defs


def test_login_defs_values_are_read_from_debian_default_file() -> None:
    evidence = accounts.collect(debian_host())

    assert evidence["login_defs"] == {
        "PASS_MAX_DAYS": 99999,
        "PASS_MIN_DAYS": 0,
        "PASS_WARN_AGE": 7,
        "PASS_MIN_LEN": None,
        "UID_MIN": 1000,
        "UID_MAX": 60000,
    }


def test_login_defs_without_values_gives_none_and_default_uid_range() -> None:
    settings = accounts.parse_login_defs("MAIL_DIR        /var/mail\nUMASK\t\t022\n")

    assert accounts.login_defs_evidence(settings) == {
        "PASS_MAX_DAYS": None,
        "PASS_MIN_DAYS": None,
        "PASS_WARN_AGE": None,
        "PASS_MIN_LEN": None,
        "UID_MIN": 1000,
        "UID_MAX": 60000,
    }


def test_login_defs_commented_settings_are_ignored() -> None:
    text = "#PASS_MAX_DAYS\t90\n# PASS_MIN_DAYS 1\n  #UID_MIN 500\nPASS_WARN_AGE\t7\n"

    evidence = accounts.login_defs_evidence(accounts.parse_login_defs(text))

    assert (evidence["PASS_MAX_DAYS"], evidence["PASS_MIN_DAYS"]) == (None, None)
    assert evidence["UID_MIN"] == 1000


def test_login_defs_last_occurrence_wins() -> None:
    text = LOGIN_DEFS_DEBIAN + "\n# MOE-12.9.2\nPASS_MAX_DAYS\t180\nPASS_MIN_DAYS\t1\n"

    evidence = accounts.login_defs_evidence(accounts.parse_login_defs(text))

    assert (evidence["PASS_MAX_DAYS"], evidence["PASS_MIN_DAYS"]) == (180, 1)


def test_login_defs_pass_min_len_is_reported_when_set() -> None:
    evidence = accounts.login_defs_evidence(accounts.parse_login_defs("PASS_MIN_LEN 8\n"))

    assert evidence["PASS_MIN_LEN"] == 8


def test_login_defs_quoted_value_loses_its_quotes() -> None:
    evidence = accounts.login_defs_evidence(accounts.parse_login_defs('PASS_MAX_DAYS "180"\n'))

    assert evidence["PASS_MAX_DAYS"] == 180


def test_login_defs_malformed_number_gives_none() -> None:
    evidence = accounts.login_defs_evidence(accounts.parse_login_defs("PASS_MAX_DAYS ninety\n"))

    assert evidence["PASS_MAX_DAYS"] is None


def test_missing_login_defs_gives_none_and_default_uid_range() -> None:
    host = debian_host()
    del host.files["/etc/login.defs"]

    evidence = accounts.collect(host)

    assert evidence["login_defs"]["PASS_MAX_DAYS"] is None
    assert (evidence["login_defs"]["UID_MIN"], evidence["login_defs"]["UID_MAX"]) == (1000, 60000)


# accounts: classification


def test_accounts_list_every_passwd_entry_in_file_order() -> None:
    evidence = accounts.collect(debian_host())

    names = [a["name"] for a in evidence["accounts"]]
    assert names == [line.split(":")[0] for line in PASSWD_DEBIAN.splitlines()]


def test_account_record_has_exactly_the_schema_keys() -> None:
    record = account(accounts.collect(debian_host()), "alice")

    assert record == {
        "name": "alice",
        "uid": 1000,
        "gid": 1000,
        "home": "/home/alice",
        "shell": "/bin/bash",
        "login_shell": True,
        "human": True,
        "password": "set",
        "max_days": 180,
        "min_days": 1,
        "warn_days": 14,
        "expire_days": None,
        "expired": False,
    }


def test_system_account_with_nologin_is_neither_login_nor_human() -> None:
    record = account(accounts.collect(debian_host()), "daemon")

    assert (record["login_shell"], record["human"], record["password"]) == (False, False, "locked")


def test_root_with_a_password_has_a_login_shell_but_is_not_human() -> None:
    host = debian_host()
    host.files["/etc/shadow"] = host.files["/etc/shadow"].replace("root:*:", f"root:{HASH}:")

    record = account(accounts.collect(host), "root")

    assert (record["login_shell"], record["human"]) == (True, False)


def test_shell_missing_from_etc_shells_is_not_a_login_shell() -> None:
    record = account(accounts.collect(debian_host()), "sync")

    assert record["shell"] == "/bin/sync"
    assert record["login_shell"] is False


def test_bin_false_listed_in_etc_shells_is_still_not_a_login_shell() -> None:
    host = with_users(f"kiosk:1005:/bin/false:{HASH}")
    host.files["/etc/shells"] += "/bin/false\n"

    assert account(accounts.collect(host), "kiosk")["login_shell"] is False


def test_locked_account_in_human_uid_range_is_not_human() -> None:
    host = with_users(f"carol:1002:/bin/bash:!{HASH}")

    record = account(accounts.collect(host), "carol")

    assert (record["password"], record["login_shell"], record["human"]) == ("locked", True, False)


def test_nologin_account_in_human_uid_range_is_not_human() -> None:
    host = with_users(f"backupsvc:1003:/usr/sbin/nologin:{HASH}")

    assert account(accounts.collect(host), "backupsvc")["human"] is False


def test_uid_above_uid_max_is_not_human() -> None:
    host = with_users(f"ldapuser:70001:/bin/bash:{HASH}")

    assert account(accounts.collect(host), "ldapuser")["human"] is False


def test_uid_range_from_login_defs_decides_human() -> None:
    host = with_users(f"legacy:600:/bin/bash:{HASH}")
    host.files["/etc/login.defs"] += "UID_MIN 500\n"

    assert account(accounts.collect(host), "legacy")["human"] is True


def test_empty_shell_field_means_bin_sh_and_is_a_login_shell() -> None:
    host = with_users(f"olduser:1004::{HASH}")

    record = account(accounts.collect(host), "olduser")

    assert (record["shell"], record["login_shell"], record["human"]) == ("", True, True)


def test_missing_etc_shells_counts_any_shell_but_nologin_as_login_shell() -> None:
    host = debian_host()
    del host.files["/etc/shells"]

    evidence = accounts.collect(host)

    assert account(evidence, "sync")["login_shell"] is True
    assert account(evidence, "daemon")["login_shell"] is False


# accounts: password field and aging


def test_password_status_classifies_shadow_password_field() -> None:
    assert [accounts.password_status(f) for f in ("", "*", "!", "!*", f"!{HASH}", HASH, None)] == [
        "empty",
        "locked",
        "locked",
        "locked",
        "locked",
        "set",
        "unknown",
    ]


def test_account_without_shadow_entry_has_unknown_password_and_no_aging() -> None:
    host = debian_host(passwd=PASSWD_DEBIAN + "dave:x:1006:1006::/home/dave:/bin/bash\n")

    record = account(accounts.collect(host), "dave")

    assert record["password"] == "unknown"
    assert (record["max_days"], record["min_days"], record["warn_days"]) == (None, None, None)


def test_unreadable_shadow_gives_unknown_passwords_without_error() -> None:
    host = debian_host()
    del host.files["/etc/shadow"]

    evidence = accounts.collect(host)

    assert {a["password"] for a in evidence["accounts"]} == {"unknown"}
    assert account(evidence, "alice")["human"] is True


def test_shadow_aging_fields_map_to_min_max_warn_days() -> None:
    shadow = accounts.parse_shadow(f"erin:{HASH}:19700:2:90:10:30::\n")

    assert shadow["erin"] == {
        "password": "set",
        "min_days": 2,
        "max_days": 90,
        "warn_days": 10,
        "expire_days": None,
    }


def test_shadow_expire_field_is_kept_as_days() -> None:
    shadow = accounts.parse_shadow(f"maint1:!{HASH}:19700:0:99999:7::1:\n")

    assert shadow["maint1"]["expire_days"] == 1


# RecordedHost's clock: 1_800_000_000 s is day 20833 since 1970-01-01.
TODAY = 1_800_000_000 // 86400


def test_account_expired_on_day_one_is_expired() -> None:
    host = with_users(f"maint1:1010:/bin/bash:!{HASH}")
    host.files["/etc/shadow"] = host.files["/etc/shadow"].replace(
        f"maint1:!{HASH}:19700:0:99999:7:::", f"maint1:!{HASH}:19700:0:99999:7::1:"
    )

    record = account(accounts.collect(host), "maint1")

    assert (record["expire_days"], record["expired"], record["password"]) == (1, True, "locked")


def test_account_expiring_today_is_expired_and_tomorrow_is_not() -> None:
    assert accounts.is_expired(TODAY, TODAY) is True
    assert accounts.is_expired(TODAY + 1, TODAY) is False


def test_expire_field_zero_empty_or_huge_is_not_expired() -> None:
    assert [accounts.is_expired(v, TODAY) for v in (0, None, 10**30)] == [False] * 3


def test_malformed_expire_field_is_none_not_a_crash() -> None:
    shadow = accounts.parse_shadow("maint1:!:19700:0:99999:7::soon:\n")

    assert shadow["maint1"]["expire_days"] is None


def test_empty_shadow_aging_fields_give_none() -> None:
    record = account(accounts.collect(debian_host()), "sshd")

    assert (record["max_days"], record["min_days"], record["warn_days"]) == (None, None, None)


def test_password_hashes_never_appear_in_the_evidence() -> None:
    serialised = json.dumps(accounts.collect(debian_host()))

    assert "$y$" not in serialised


# derived lists


def test_duplicate_uids_report_every_name_sharing_the_uid() -> None:
    host = debian_host(passwd=PASSWD_DEBIAN + "toor:x:0:0:root:/root:/bin/bash\n")

    assert accounts.collect(host)["duplicate_uids"] == [{"uid": 0, "names": ["root", "toor"]}]


def test_no_duplicate_uids_on_a_default_host() -> None:
    assert accounts.collect(debian_host())["duplicate_uids"] == []


def test_generic_login_account_names_are_reported() -> None:
    host = with_users(
        f"admin:1010:/bin/bash:{HASH}",
        f"test1:1011:/bin/bash:{HASH}",
        f"user01:1012:/usr/bin/bash:{HASH}",
        f"Guest:1013:/bin/sh:{HASH}",
    )

    assert accounts.collect(host)["generic_names"] == ["admin", "test1", "user01", "Guest"]


def test_names_that_merely_contain_a_generic_word_are_not_generic() -> None:
    assert [accounts.is_generic_name(n) for n in ("testing", "adminwang", "teacher2b")] == [
        False,
        False,
        False,
    ]


def test_generic_names_without_a_login_shell_are_not_reported() -> None:
    host = with_users(f"support:1014:/usr/sbin/nologin:{HASH}")

    assert accounts.collect(host)["generic_names"] == []


def test_national_id_shaped_names_are_reported() -> None:
    host = with_users(f"A123456789:1020:/bin/bash:{HASH}", f"f287654321:1021:/bin/bash:{HASH}")

    assert accounts.collect(host)["national_id_names"] == ["A123456789", "f287654321"]


def test_national_id_shaped_names_are_reported_without_a_login_shell() -> None:
    host = with_users(f"B198765432:1022:/usr/sbin/nologin:{HASH}")

    assert accounts.collect(host)["national_id_names"] == ["B198765432"]


def test_names_that_do_not_fit_the_national_id_pattern_are_not_reported() -> None:
    candidates = ("A323456789", "A12345678", "A1234567890", "1A23456789", "AB23456789")

    assert [accounts.is_national_id(n) for n in candidates] == [False] * len(candidates)


def test_accounts_with_empty_shadow_password_are_reported() -> None:
    host = with_users("frank:1030:/bin/bash:", f"grace:1031:/bin/bash:{HASH}")

    evidence = accounts.collect(host)

    assert evidence["empty_password"] == ["frank"]
    assert account(evidence, "frank")["password"] == "empty"


# robustness and shape


def test_missing_passwd_gives_empty_lists_without_error() -> None:
    evidence = accounts.collect(RecordedHost())

    assert evidence["accounts"] == []
    assert evidence["duplicate_uids"] == evidence["generic_names"] == []
    assert evidence["national_id_names"] == evidence["empty_password"] == []


def test_malformed_passwd_lines_are_skipped() -> None:
    text = "root:x:0:0:root:/root:/bin/bash\nbroken line\n+::::::\nx:x:notanumber:0::/:/bin/sh\n"

    assert [e["name"] for e in accounts.parse_passwd(text)] == ["root"]


def test_collect_returns_the_schema_keys_and_is_json_serialisable() -> None:
    evidence = accounts.collect(debian_host())

    assert accounts.AREA == "accounts"
    assert set(evidence) == {
        "login_defs",
        "accounts",
        "duplicate_uids",
        "generic_names",
        "national_id_names",
        "empty_password",
        "passwd_error",
        "shadow_error",
    }
    assert json.loads(json.dumps(evidence)) == evidence


# --- what could not be read ------------------------------------------------------------


def test_unreadable_passwd_is_an_error_not_a_host_without_accounts() -> None:
    host = debian_host()
    del host.files["/etc/passwd"]
    evidence = accounts.collect(host)
    assert (evidence["accounts"], evidence["passwd_error"]) == (
        [],
        "/etc/passwd could not be read",
    )


def test_passwd_without_an_account_is_an_error() -> None:
    evidence = accounts.collect(debian_host(passwd="# nothing\n"))
    assert evidence["passwd_error"] == "/etc/passwd lists no account"


def test_unreadable_shadow_is_an_error() -> None:
    host = debian_host()
    del host.files["/etc/shadow"]
    assert accounts.collect(host)["shadow_error"] == "/etc/shadow could not be read"


def test_readable_passwd_and_shadow_are_no_error() -> None:
    evidence = accounts.collect(debian_host())
    assert (evidence["passwd_error"], evidence["shadow_error"]) == (None, None)
