# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/pam.py on recorded Debian files."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import pam
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

COMMENT_HEADER = """\
#
# /etc/pam.d/common-password - password-related modules common to all services
#
# This file is included from other service-specific PAM config files,
# and should contain a list of modules that define the services to be
# used to change user passwords.  The default is pam_unix.

# Explanation of pam_unix options:
# The "yescrypt" option enables
#hashed passwords using the yescrypt algorithm, introduced in Debian
#11.  Without this option, the default is Unix crypt.  Prior releases
#used the option "sha512"; if a shadow password hash will be shared
#between Debian 11 and older releases replace "yescrypt" with "sha512"
#for compatibility .  The "obscure" option replaces the old
#`OBSCURE_CHECKS_ENAB' option in login.defs.  See the pam_unix manpage
#for other options.

# As of pam 1.0.1-6, this file is managed by pam-auth-update by default.
# To take advantage of this, it is recommended that you configure any
# local modules either before or after the default block, and use
# pam-auth-update to manage selection of other modules.  See
# pam-auth-update(8) for details.

# here are the per-package modules (the "Primary" block)
"""

FOOTER = """\
# here's the fallback if no module succeeds
password\trequisite\t\t\tpam_deny.so
# prime the stack with a positive return value if there isn't one already;
# this avoids us returning an error just because nothing sets a success code
# since the modules above will each just jump around
password\trequired\t\t\tpam_permit.so
# and here are more per-package modules (the "Additional" block)
# end of pam-auth-update config
"""

# Debian 12 /etc/pam.d/common-password as pam-auth-update writes it.
COMMON_PASSWORD_PWQUALITY = (
    COMMENT_HEADER
    + "password\trequisite\t\t\tpam_pwquality.so retry=3\n"
    + "password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass"
    + " yescrypt\n"
    + FOOTER
)
COMMON_PASSWORD_PLAIN = (
    COMMENT_HEADER + "password\t[success=1 default=ignore]\tpam_unix.so obscure yescrypt\n" + FOOTER
)
COMMON_PASSWORD_PWHISTORY = (
    COMMENT_HEADER
    + "password\trequisite\t\t\tpam_pwquality.so retry=3\n"
    + "password\trequired\t\t\tpam_pwhistory.so remember=5 use_authtok\n"
    + "password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok try_first_pass"
    + " yescrypt\n"
    + FOOTER
)
# Same stack with pam_pwhistory and no remember= argument.
COMMON_PASSWORD_PWHISTORY_BARE = COMMON_PASSWORD_PWHISTORY.replace(" remember=5", "")

# libpwquality-common 1.4.5 /etc/security/pwquality.conf: everything commented out.
PWQUALITY_CONF_DEBIAN = """\
# Configuration for systemwide password quality limits
# Defaults:
#
# Number of characters in the new password that must not be present in the
# old password.
# difok = 1
#
# Minimum acceptable size for the new password (plus one if
# credits are not disabled which is the default). (See pam_cracklib manual.)
# Cannot be set to lower value than 6.
# minlen = 8
#
# The minimum number of required classes of characters for the new
# password (digits, uppercase, lowercase, others).
# minclass = 0
#
# Whether to check for the words from the passwd entry GECOS string of the user.
# The check is enabled if the value is not 0.
# gecoscheck = 0
#
# Whether to check for the words from the cracklib dictionary.
# The check is enabled if the value is not 0.
# dictcheck = 1
#
# Whether to check if it contains the user name in some form.
# The check is enabled if the value is not 0.
# usercheck = 1
#
# Space separated list of words that must not be contained in the password.
# badwords =
#
# Prompt user at most N times before returning with error. The default is 1.
# retry = 3
#
# Enforces pwquality checks on the root user password.
# Enabled if the option is present.
# enforce_for_root
#
# Path to the cracklib dictionaries. Default is to use the cracklib default.
# dictpath =
"""

# Linux-PAM 1.7 (Debian 13) /etc/security/pwhistory.conf: everything commented out.
PWHISTORY_CONF_DEBIAN13 = """\
# Configuration for remembering the last passwords used by a user.
#
# Enable the debugging logs.
# Enabled if option is present.
# debug
#
# root account's passwords are also remembered.
# Enabled if option is present.
# enforce_for_root
#
# Number of passwords to remember.
# The default is 10.
# remember = 10
#
# Number of times to prompt for the password.
# The default is 1.
# retry = 1
#
# The directory where the last passwords are kept.
# The default is /etc/security/opasswd.
# file = /etc/security/opasswd
"""

CRACKLIB_PWD = "/var/cache/cracklib/cracklib_dict.pwd"

DPKG = " ".join(DPKG_QUERY_ARGV)
# libpam-modules of Debian 11, 12 and 13 (bullseye, bookworm, trixie).
LIBPAM_DEBIAN11 = "1.4.0-9+deb11u1"
LIBPAM_DEBIAN12 = "1.5.2-6+deb12u2"
LIBPAM_DEBIAN13 = "1.7.0-5"


def dpkg_output(libpam_modules: str) -> str:
    """dpkg-query output of a host with the PAM packages installed."""
    return (
        f"libpam-modules\t{libpam_modules}\tinstall ok installed\n"
        f"libpam-runtime\t{libpam_modules}\tinstall ok installed\n"
        "libpam-pwquality\t1.4.5-1+b1\tinstall ok installed\n"
        "cracklib-runtime\t2.9.6-5+b1\tinstall ok installed\n"
    )


def debian_host(
    common_password: str | None = COMMON_PASSWORD_PWQUALITY,
    extra_files: dict[str, str] | None = None,
    cracklib: bool = True,
    libpam_modules: str | None = LIBPAM_DEBIAN12,
) -> RecordedHost:
    """A recorded Debian 12 host with libpam-pwquality and cracklib-runtime installed.

    ``libpam_modules`` is the installed version of libpam-modules (None: dpkg-query
    is missing).
    """
    files = {
        "/etc/security/pwquality.conf": PWQUALITY_CONF_DEBIAN,
        "/usr/share/pam-configs/unix": "Name: Unix authentication\nDefault: yes\n",
        "/usr/share/pam-configs/pwquality": "Name: Pwquality password strength checking\n",
        "/usr/share/pam-configs/systemd": "Name: Register user sessions in the systemd\n",
    }
    if common_password is not None:
        files["/etc/pam.d/common-password"] = common_password
    files.update(extra_files or {})
    mtimes = {CRACKLIB_PWD: 1_700_000_000.0} if cracklib else {}
    if libpam_modules is None:
        return RecordedHost(files=files, mtimes=mtimes)
    return RecordedHost(
        files=files,
        mtimes=mtimes,
        commands={DPKG: dpkg_output(libpam_modules)},
        programs=["dpkg-query"],
    )


class ReadLoggingHost(RecordedHost):
    """A recorded host that remembers which files a collector read."""

    def __init__(self, host: RecordedHost) -> None:
        super().__init__(host.files, host.commands, host.mtimes, sorted(host.programs))
        self.reads: list[str] = []

    def read(self, path: str) -> str | None:
        self.reads.append(path)
        return super().read(path)


def with_pwquality_args(args: str) -> str:
    """The Debian common-password with extra arguments on the pam_pwquality line."""
    return COMMON_PASSWORD_PWQUALITY.replace("pam_pwquality.so retry=3", f"pam_pwquality.so {args}")


# password stack


def test_password_stack_of_debian_default_with_pwquality() -> None:
    evidence = pam.collect(debian_host())

    where = {"file": "/etc/pam.d/common-password", "profile": None}
    assert evidence["password_stack"] == [
        {
            "type": "password",
            "control": "requisite",
            "module": "pam_pwquality.so",
            "args": ["retry=3"],
            "line": 25,
            **where,
        },
        {
            "type": "password",
            "control": "[success=1 default=ignore]",
            "module": "pam_unix.so",
            "args": ["obscure", "use_authtok", "try_first_pass", "yescrypt"],
            "line": 26,
            **where,
        },
        {
            "type": "password",
            "control": "requisite",
            "module": "pam_deny.so",
            "args": [],
            "line": 28,
            **where,
        },
        {
            "type": "password",
            "control": "required",
            "module": "pam_permit.so",
            "args": [],
            "line": 32,
            **where,
        },
    ]


def test_module_path_is_reduced_to_its_basename() -> None:
    text = "password requisite /usr/lib/x86_64-linux-gnu/security/pam_pwquality.so retry=3\n"

    assert pam.parse_pam_file(text)[0]["module"] == "pam_pwquality.so"


def test_dash_prefixed_type_counts_as_password() -> None:
    text = "-password optional pam_gnome_keyring.so use_authtok\n"

    assert pam.password_stack(pam.parse_pam_file(text), {})[0]["type"] == "password"


def test_bracketed_argument_is_one_argument_without_brackets() -> None:
    text = "password optional pam_exec.so [log=/var/log/pw change.log] /usr/local/sbin/hook\n"

    assert pam.parse_pam_file(text)[0]["args"] == [
        "log=/var/log/pw change.log",
        "/usr/local/sbin/hook",
    ]


def test_backslash_continued_line_is_one_rule() -> None:
    text = "password requisite pam_pwquality.so \\\n    retry=3 minlen=12\n"

    assert pam.parse_pam_file(text)[0]["args"] == ["retry=3", "minlen=12"]


def test_trailing_comment_on_a_rule_is_not_an_argument() -> None:
    text = "password requisite pam_pwquality.so retry=3 # MOE-12.9.1\n"

    assert pam.parse_pam_file(text)[0]["args"] == ["retry=3"]


def test_comment_ending_in_backslash_does_not_swallow_the_next_rule() -> None:
    text = "# pwquality first \\\npassword requisite pam_pwquality.so retry=3\n"

    assert [rule["module"] for rule in pam.parse_pam_file(text)] == ["pam_pwquality.so"]


def test_include_is_resolved_in_place() -> None:
    main = (
        "password\trequisite\t\t\tpam_pwquality.so retry=3\n"
        "@include moe-password-history\n"
        "password\t[success=1 default=ignore]\tpam_unix.so obscure use_authtok yescrypt\n"
    )
    included = "password\trequired\t\t\tpam_pwhistory.so remember=5 use_authtok\n"
    host = debian_host(main, {"/etc/pam.d/moe-password-history": included})

    modules = [rule["module"] for rule in pam.collect(host)["password_stack"]]

    assert modules == ["pam_pwquality.so", "pam_pwhistory.so", "pam_unix.so"]


def test_include_resolution_keeps_only_password_rules_and_goes_one_level_deep() -> None:
    main = "@include moe-common\n"
    included = "auth required pam_env.so\n@include deeper\npassword required pam_pwhistory.so\n"
    host = debian_host(
        main,
        {
            "/etc/pam.d/moe-common": included,
            "/etc/pam.d/deeper": "password required pam_permit.so\n",
        },
    )

    modules = [rule["module"] for rule in pam.collect(host)["password_stack"]]

    assert modules == ["pam_pwhistory.so"]


def test_missing_included_file_adds_nothing() -> None:
    host = debian_host("@include gone\npassword required pam_permit.so\n")

    assert [r["module"] for r in pam.collect(host)["password_stack"]] == ["pam_permit.so"]


def test_missing_common_password_gives_empty_stack_and_absent_modules() -> None:
    evidence = pam.collect(debian_host(common_password=None))

    assert evidence["password_stack"] == []
    assert evidence["pwquality"]["present"] is False
    assert evidence["pwhistory"] == {
        "present": False,
        "remember": None,
        "enforce_for_root": False,
        "conf_read": False,
    }


def test_empty_host_gives_absent_evidence_without_error() -> None:
    evidence = pam.collect(RecordedHost())

    assert evidence["password_stack"] == []
    assert evidence["pwquality"]["present"] is False
    assert evidence["cracklib_dictionary"] is False


# pwquality


def test_pwquality_present_when_on_the_stack() -> None:
    assert pam.collect(debian_host())["pwquality"]["present"] is True


def test_pwquality_absent_on_debian_default_without_libpam_pwquality() -> None:
    assert pam.collect(debian_host(COMMON_PASSWORD_PLAIN))["pwquality"]["present"] is False


def test_pwquality_defaults_when_no_conf_file_exists() -> None:
    host = debian_host(common_password="password requisite pam_pwquality.so\n")
    del host.files["/etc/security/pwquality.conf"]

    assert pam.collect(host)["pwquality"] == {
        "present": True,
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
        "shortest_accepted": 8,
    }


def test_commented_debian_pwquality_conf_keeps_the_defaults() -> None:
    settings = pam.effective_pwquality([PWQUALITY_CONF_DEBIAN], [])

    assert settings == pam.PWQUALITY_DEFAULTS


def test_pwquality_conf_sets_values() -> None:
    conf = PWQUALITY_CONF_DEBIAN + "minlen = 10\ndictcheck = 0\nusercheck=0\nminclass = 3\n"

    settings = pam.effective_pwquality([conf], [])

    assert (settings["minlen"], settings["dictcheck"], settings["usercheck"]) == (10, False, False)
    assert settings["minclass"] == 3


def test_conf_d_file_overrides_the_default() -> None:
    host = debian_host(extra_files={"/etc/security/pwquality.conf.d/50-moe.conf": "minlen = 12\n"})

    assert pam.collect(host)["pwquality"]["minlen"] == 12


def test_later_conf_d_file_overrides_an_earlier_one() -> None:
    host = debian_host(
        extra_files={
            "/etc/security/pwquality.conf.d/90-site.conf": "minlen = 14\n",
            "/etc/security/pwquality.conf.d/10-vendor.conf": "minlen = 10\n",
        }
    )

    assert pam.collect(host)["pwquality"]["minlen"] == 14


def test_conf_d_files_not_ending_in_conf_are_ignored() -> None:
    host = debian_host(
        extra_files={"/etc/security/pwquality.conf.d/50-moe.conf.dpkg-old": "minlen = 4\n"}
    )

    assert pam.collect(host)["pwquality"]["minlen"] == 8


def test_main_pwquality_conf_is_read_after_conf_d_and_wins() -> None:
    host = debian_host(
        extra_files={
            "/etc/security/pwquality.conf": PWQUALITY_CONF_DEBIAN + "minlen = 9\n",
            "/etc/security/pwquality.conf.d/50-moe.conf": "minlen = 12\n",
        }
    )

    assert pam.collect(host)["pwquality"]["minlen"] == 9


def test_pam_argument_overrides_conf_files() -> None:
    host = debian_host(
        with_pwquality_args("retry=3 minlen=16"),
        {"/etc/security/pwquality.conf.d/50-moe.conf": "minlen = 12\n"},
    )

    assert pam.collect(host)["pwquality"]["minlen"] == 16


def test_retry_comes_from_the_pam_line() -> None:
    assert pam.collect(debian_host())["pwquality"]["retry"] == 3


def test_enforce_for_root_flag_on_the_pam_line() -> None:
    host = debian_host(with_pwquality_args("retry=3 enforce_for_root"))

    assert pam.collect(host)["pwquality"]["enforce_for_root"] is True


def test_enforce_for_root_flag_in_conf_d() -> None:
    host = debian_host(
        extra_files={"/etc/security/pwquality.conf.d/50-moe.conf": "enforce_for_root\n"}
    )

    assert pam.collect(host)["pwquality"]["enforce_for_root"] is True


def test_enforce_for_root_is_off_by_default() -> None:
    assert pam.collect(debian_host())["pwquality"]["enforce_for_root"] is False


def test_badwords_are_space_separated() -> None:
    settings = pam.effective_pwquality(["badwords = ntnu 0123456 moe  edu\n"], [])

    assert settings["badwords"] == ["ntnu", "0123456", "moe", "edu"]


def test_dictcheck_zero_on_the_pam_line_turns_the_dictionary_off() -> None:
    settings = pam.effective_pwquality([PWQUALITY_CONF_DEBIAN], ["retry=3", "dictcheck=0"])

    assert settings["dictcheck"] is False


def test_minlen_below_six_is_raised_to_six_like_libpwquality() -> None:
    assert pam.effective_pwquality(["minlen = 4\n"], [])["minlen"] == 6


def test_trailing_comment_in_pwquality_conf_is_ignored() -> None:
    assert pam.effective_pwquality(["minlen = 12 # MOE-12.9.1\n"], [])["minlen"] == 12


def test_malformed_integer_keeps_the_previous_value() -> None:
    assert pam.effective_pwquality(["minlen = 12\n", "minlen = twelve\n"], [])["minlen"] == 12


def test_dictpath_is_reported() -> None:
    settings = pam.effective_pwquality(["dictpath = /usr/share/dict/moe\n"], [])

    assert settings["dictpath"] == "/usr/share/dict/moe"


# pwquality length credits and the shortest accepted password


def test_credits_default_to_zero() -> None:
    settings = pam.effective_pwquality([PWQUALITY_CONF_DEBIAN], [])

    assert [settings[name] for name in pam.PWQ_CREDITS] == [0, 0, 0, 0]


def test_credits_are_read_from_the_conf_file() -> None:
    conf = "dcredit = 1\nucredit = 2\nlcredit = 3\nocredit = 4\n"

    settings = pam.effective_pwquality([conf], [])

    assert [settings[name] for name in pam.PWQ_CREDITS] == [1, 2, 3, 4]


def test_negative_credit_is_kept_negative() -> None:
    assert pam.effective_pwquality(["ucredit = -1\n"], [])["ucredit"] == -1


def test_credit_on_the_pam_line_overrides_the_conf_file() -> None:
    settings = pam.effective_pwquality(["dcredit = 2\n"], ["retry=3", "dcredit=0"])

    assert settings["dcredit"] == 0


def test_malformed_credit_keeps_the_previous_value() -> None:
    assert pam.effective_pwquality(["ocredit = 1\n", "ocredit = one\n"], [])["ocredit"] == 1


def test_shortest_accepted_is_minlen_without_credits() -> None:
    settings = pam.effective_pwquality(["minlen = 12\n"], [])

    assert pam.shortest_accepted(settings) == 12


def test_positive_credits_shorten_the_shortest_accepted_password() -> None:
    settings = pam.effective_pwquality(["minlen = 12\ndcredit = 1\nucredit = 2\n"], [])

    assert pam.shortest_accepted(settings) == 9


def test_negative_credits_do_not_shorten_the_shortest_accepted_password() -> None:
    settings = pam.effective_pwquality(["minlen = 10\ndcredit = -1\nucredit = 2\n"], [])

    assert pam.shortest_accepted(settings) == 8


def test_shortest_accepted_is_never_below_six() -> None:
    settings = pam.effective_pwquality(["minlen = 8\ndcredit = 1\nucredit = 1\nlcredit = 1\n"], [])

    assert pam.shortest_accepted(settings) == 6


def test_credits_cannot_earn_more_points_than_the_password_has_characters() -> None:
    # 16 - 4 * 4 = 0, but an 8-character password earns at most 8 points: 16 - 8 <= 8.
    conf = "minlen = 16\ndcredit = 4\nucredit = 4\nlcredit = 4\nocredit = 4\n"

    assert pam.shortest_accepted(pam.effective_pwquality([conf], [])) == 8


def test_collector_reports_the_shortest_accepted_password() -> None:
    host = debian_host(with_pwquality_args("retry=3 minlen=10 dcredit=1 ocredit=1"))

    assert pam.collect(host)["pwquality"]["shortest_accepted"] == 8


def test_collector_reports_the_shortest_accepted_password_without_pwquality() -> None:
    evidence = pam.collect(debian_host(COMMON_PASSWORD_PLAIN))

    assert evidence["pwquality"]["shortest_accepted"] == 8


# cracklib dictionary


def test_cracklib_dictionary_present() -> None:
    assert pam.collect(debian_host())["cracklib_dictionary"] is True


def test_cracklib_dictionary_absent_without_cracklib_runtime() -> None:
    assert pam.collect(debian_host(cracklib=False))["cracklib_dictionary"] is False


def test_cracklib_dictionary_follows_dictpath() -> None:
    host = debian_host(
        extra_files={"/etc/security/pwquality.conf.d/50-moe.conf": "dictpath = /srv/dict/moe\n"}
    )

    assert pam.collect(host)["cracklib_dictionary"] is False
    host.mtimes["/srv/dict/moe.pwd"] = 1_700_000_000.0
    assert pam.collect(host)["cracklib_dictionary"] is True


# pwhistory


def test_pwhistory_absent_gives_no_remember() -> None:
    assert pam.collect(debian_host())["pwhistory"] == {
        "present": False,
        "remember": None,
        "enforce_for_root": False,
        "conf_read": False,
    }


def test_pwhistory_remember_from_pam_argument() -> None:
    evidence = pam.collect(debian_host(COMMON_PASSWORD_PWHISTORY))

    assert evidence["pwhistory"] == {
        "present": True,
        "remember": 5,
        "enforce_for_root": False,
        "conf_read": False,
    }


def test_pwhistory_remember_defaults_to_ten_without_argument_or_conf() -> None:
    evidence = pam.collect(debian_host(COMMON_PASSWORD_PWHISTORY_BARE))

    assert evidence["pwhistory"]["remember"] == 10


def test_pwhistory_commented_debian13_conf_keeps_the_default() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY_BARE,
        {"/etc/security/pwhistory.conf": PWHISTORY_CONF_DEBIAN13},
        libpam_modules=LIBPAM_DEBIAN13,
    )

    assert pam.collect(host)["pwhistory"]["remember"] == 10


def test_pwhistory_remember_from_conf_when_no_argument_on_debian13() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY_BARE,
        {"/etc/security/pwhistory.conf": PWHISTORY_CONF_DEBIAN13 + "remember = 3\n"},
        libpam_modules=LIBPAM_DEBIAN13,
    )

    assert pam.collect(host)["pwhistory"]["remember"] == 3


def test_pwhistory_conf_is_ignored_on_debian12() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY_BARE,
        {"/etc/security/pwhistory.conf": "remember = 3\n"},
        libpam_modules=LIBPAM_DEBIAN12,
    )

    assert pam.collect(host)["pwhistory"]["remember"] == 10


def test_pwhistory_conf_is_ignored_on_debian11() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY_BARE,
        {"/etc/security/pwhistory.conf": "remember = 3\n"},
        libpam_modules=LIBPAM_DEBIAN11,
    )

    assert pam.collect(host)["pwhistory"]["remember"] == 10


def test_pwhistory_conf_is_ignored_when_the_pam_version_is_unknown() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY_BARE,
        {"/etc/security/pwhistory.conf": "remember = 3\n"},
        libpam_modules=None,
    )

    assert pam.collect(host)["pwhistory"]["remember"] == 10


def test_pwhistory_conf_is_not_read_on_debian12() -> None:
    host = ReadLoggingHost(
        debian_host(
            COMMON_PASSWORD_PWHISTORY_BARE,
            {"/etc/security/pwhistory.conf": "remember = 3\n"},
            libpam_modules=LIBPAM_DEBIAN12,
        )
    )

    pam.collect(host)

    assert "/etc/security/pwhistory.conf" not in host.reads


def test_pwhistory_conf_read_is_reported_on_debian13() -> None:
    host = debian_host(COMMON_PASSWORD_PWHISTORY, libpam_modules=LIBPAM_DEBIAN13)

    assert pam.collect(host)["pwhistory"]["conf_read"] is True


def test_pwhistory_conf_read_is_false_on_debian12() -> None:
    host = debian_host(COMMON_PASSWORD_PWHISTORY, libpam_modules=LIBPAM_DEBIAN12)

    assert pam.collect(host)["pwhistory"]["conf_read"] is False


def test_pwhistory_conf_read_is_false_without_the_module_on_debian13() -> None:
    host = debian_host(libpam_modules=LIBPAM_DEBIAN13)

    assert pam.collect(host)["pwhistory"]["conf_read"] is False


def test_pwhistory_pam_argument_overrides_conf() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY,
        {"/etc/security/pwhistory.conf": PWHISTORY_CONF_DEBIAN13 + "remember = 3\n"},
        libpam_modules=LIBPAM_DEBIAN13,
    )

    assert pam.collect(host)["pwhistory"]["remember"] == 5


def test_pwhistory_conf_argument_selects_the_conf_file() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY_BARE.replace("use_authtok", "use_authtok conf=/etc/moe/pwh.conf"),
        {"/etc/moe/pwh.conf": "remember = 4\n", "/etc/security/pwhistory.conf": "remember = 3\n"},
        libpam_modules=LIBPAM_DEBIAN13,
    )

    assert pam.collect(host)["pwhistory"]["remember"] == 4


def test_pwhistory_enforce_for_root_from_pam_argument() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY.replace("use_authtok", "use_authtok enforce_for_root")
    )

    assert pam.collect(host)["pwhistory"]["enforce_for_root"] is True


def test_pwhistory_enforce_for_root_from_conf_on_debian13() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY,
        {"/etc/security/pwhistory.conf": PWHISTORY_CONF_DEBIAN13 + "enforce_for_root\n"},
        libpam_modules=LIBPAM_DEBIAN13,
    )

    assert pam.collect(host)["pwhistory"]["enforce_for_root"] is True


def test_pwhistory_enforce_for_root_in_conf_is_ignored_on_debian12() -> None:
    host = debian_host(
        COMMON_PASSWORD_PWHISTORY,
        {"/etc/security/pwhistory.conf": "enforce_for_root\n"},
        libpam_modules=LIBPAM_DEBIAN12,
    )

    assert pam.collect(host)["pwhistory"]["enforce_for_root"] is False


def test_effective_pwhistory_ignores_the_conf_text_when_the_module_does_not_read_it() -> None:
    rule = {"type": "password", "control": "required", "module": "pam_pwhistory.so", "args": []}

    assert pam.effective_pwhistory(rule, "remember = 3\n", False)["remember"] == 10


# which Linux-PAM reads pwhistory.conf


def test_upstream_numbers_of_a_debian_security_update() -> None:
    assert pam.debian_upstream_numbers(LIBPAM_DEBIAN12) == (1, 5, 2)


def test_upstream_numbers_drop_the_epoch() -> None:
    assert pam.debian_upstream_numbers("1:1.5.3-1") == (1, 5, 3)


def test_upstream_numbers_of_a_native_version() -> None:
    assert pam.debian_upstream_numbers("1.6.0") == (1, 6, 0)


def test_upstream_numbers_split_at_the_last_hyphen() -> None:
    assert pam.debian_upstream_numbers("1.5.3-rc1-2") == (1, 5, 3)


def test_upstream_numbers_of_an_unparseable_version_are_none() -> None:
    assert pam.debian_upstream_numbers("git-snapshot-1") is None


def test_debian11_pam_does_not_read_pwhistory_conf() -> None:
    assert pam.pwhistory_reads_conf(LIBPAM_DEBIAN11) is False


def test_debian12_pam_does_not_read_pwhistory_conf() -> None:
    assert pam.pwhistory_reads_conf(LIBPAM_DEBIAN12) is False


def test_debian13_pam_reads_pwhistory_conf() -> None:
    assert pam.pwhistory_reads_conf(LIBPAM_DEBIAN13) is True


def test_linux_pam_1_5_3_is_the_first_to_read_pwhistory_conf() -> None:
    assert pam.pwhistory_reads_conf("1.5.3-1") is True


def test_two_component_version_below_1_5_3_does_not_read_pwhistory_conf() -> None:
    assert pam.pwhistory_reads_conf("1.5-1") is False


def test_epoch_does_not_count_as_the_major_version() -> None:
    assert pam.pwhistory_reads_conf("2:1.4.0-9") is False


def test_unknown_pam_version_does_not_read_pwhistory_conf() -> None:
    assert pam.pwhistory_reads_conf(None) is False


def test_unparseable_pam_version_does_not_read_pwhistory_conf() -> None:
    assert pam.pwhistory_reads_conf("unknown") is False


def test_pwhistory_conf_without_the_module_is_not_presence() -> None:
    host = debian_host(extra_files={"/etc/security/pwhistory.conf": "remember = 3\n"})

    assert pam.collect(host)["pwhistory"]["present"] is False


# pam-auth-update profiles and shape


def test_collect_returns_the_schema_keys_and_is_json_serialisable() -> None:
    evidence = pam.collect(debian_host(COMMON_PASSWORD_PWHISTORY))

    assert pam.AREA == "pam"
    assert set(evidence) == {
        "password_stack",
        "pwquality",
        "cracklib_dictionary",
        "pwhistory",
        "stack_error",
        "pwhistory_error",
        "sources",
        "pam_auth_update",
    }
    assert json.loads(json.dumps(evidence)) == evidence


# what could not be read


def test_unreadable_common_password_is_a_stack_error() -> None:
    assert pam.collect(debian_host(common_password=None))["stack_error"] == (
        "/etc/pam.d/common-password could not be read: the password stack is unknown"
    )


def test_unreadable_included_file_is_a_stack_error_naming_it() -> None:
    host = debian_host("@include gone\npassword required pam_permit.so\n")
    assert pam.collect(host)["stack_error"] == (
        "/etc/pam.d/gone could not be read: the password stack is unknown"
    )


def test_readable_stack_is_no_error() -> None:
    evidence = pam.collect(debian_host(COMMON_PASSWORD_PWHISTORY))
    assert (evidence["stack_error"], evidence["pwhistory_error"]) == (None, None)


def test_pwhistory_with_an_unknown_libpam_version_is_a_pwhistory_error() -> None:
    host = debian_host(COMMON_PASSWORD_PWHISTORY, libpam_modules=None)
    assert pam.collect(host)["pwhistory_error"] == (
        "the libpam-modules version is unknown (dpkg-query is not installed (not found on"
        " the host)): whether pwhistory.conf applies cannot be told"
    )


def test_unknown_libpam_version_without_pwhistory_is_no_error() -> None:
    host = debian_host(COMMON_PASSWORD_PWQUALITY, libpam_modules=None)
    assert pam.collect(host)["pwhistory_error"] is None
