# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/module_utils/evidence/packages.py."""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
    package_list,
    parse_dpkg_query,
)
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

DPKG_KEY = " ".join(DPKG_QUERY_ARGV)

# Recorded on Debian 12 (bookworm), trimmed.
DPKG_OUTPUT = (
    "adduser\t3.134\tinstall ok installed\n"
    "apt\t2.6.1\tinstall ok installed\n"
    "clamav\t1.4.3+dfsg-0+deb12u1\tinstall ok installed\n"
    "linux-image-6.1.0-25-amd64\t6.1.106-3\tdeinstall ok config-files\n"
    "openssh-server\t1:9.2p1-2+deb12u3\thold ok installed\n"
    "samba\t2:4.17.12+dfsg-0+deb12u1\tinstall ok unpacked\n"
    "sudo\t1.9.13p3-1+deb12u1\tinstall ok installed\n"
)


def test_dpkg_query_argv_asks_for_name_version_and_status():
    assert DPKG_QUERY_ARGV == [
        "dpkg-query",
        "-W",
        "-f",
        "${Package}\\t${Version}\\t${Status}\\n",
    ]


def test_parse_dpkg_query_maps_installed_package_to_version():
    packages = parse_dpkg_query(DPKG_OUTPUT)
    assert packages["clamav"] == "1.4.3+dfsg-0+deb12u1"
    assert packages["sudo"] == "1.9.13p3-1+deb12u1"


def test_parse_dpkg_query_leaves_out_removed_package_with_config_files():
    assert "linux-image-6.1.0-25-amd64" not in parse_dpkg_query(DPKG_OUTPUT)


def test_parse_dpkg_query_leaves_out_unpacked_but_unconfigured_package():
    assert "samba" not in parse_dpkg_query(DPKG_OUTPUT)


def test_parse_dpkg_query_counts_held_package_as_installed():
    assert parse_dpkg_query(DPKG_OUTPUT)["openssh-server"] == "1:9.2p1-2+deb12u3"


def test_parse_dpkg_query_ignores_malformed_and_empty_lines():
    text = "\nnot a dpkg line\nbroken\tline\napt\t2.6.1\tinstall ok installed\n"
    assert parse_dpkg_query(text) == {"apt": "2.6.1"}


def test_package_list_of_a_failing_dpkg_lists_nothing_of_what_it_printed():
    host = RecordedHost(
        commands={DPKG_KEY: Result(2, DPKG_OUTPUT, "dpkg-query: error: parsing file")}
    )
    assert package_list(host)[0] == {}


def test_package_list_of_a_host_without_dpkg_says_why():
    assert package_list(RecordedHost()) == (
        {},
        "dpkg-query is not installed (not found on the host)",
    )


def test_package_list_of_a_failing_dpkg_says_why():
    host = RecordedHost(commands={DPKG_KEY: Result(2, "", "dpkg-query: error: database locked\n")})
    assert package_list(host)[1] == (
        "dpkg-query -W -f ${Package}\\t${Version}\\t${Status}\\n exited 2:"
        " dpkg-query: error: database locked"
    )


def test_package_list_that_lists_nothing_installed_is_an_error():
    host = RecordedHost(commands={DPKG_KEY: ""})
    assert package_list(host) == ({}, "dpkg-query listed no installed packages")


def test_package_list_of_a_debian_host_is_no_error():
    installed, error = package_list(RecordedHost(commands={DPKG_KEY: DPKG_OUTPUT}))
    assert (installed["sudo"], error) == ("1.9.13p3-1+deb12u1", None)
