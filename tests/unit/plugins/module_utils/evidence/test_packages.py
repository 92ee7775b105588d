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
        "${Package}\\t${Version}\\t${Status}\\t${source:Package}\\t${source:Version}\\n",
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
        "dpkg-query -W -f ${Package}\\t${Version}\\t${Status}\\t${source:Package}"
        "\\t${source:Version}\\n exited 2:"
        " dpkg-query: error: database locked"
    )


def test_package_list_that_lists_nothing_installed_is_an_error():
    host = RecordedHost(commands={DPKG_KEY: ""})
    assert package_list(host) == ({}, "dpkg-query listed no installed packages")


def test_package_list_of_a_debian_host_is_no_error():
    installed, error = package_list(RecordedHost(commands={DPKG_KEY: DPKG_OUTPUT}))
    assert (installed["sudo"], error) == ("1.9.13p3-1+deb12u1", None)


# ---------------------------------------------------------------- source packages

# Recorded on Debian 11 (bullseye) with the five fields, trimmed; a binNMU (libfoo1) has a
# binary version its source never had, and dpkg leaves the source fields of a package built
# from a source of its own name empty on some versions.
DPKG_SOURCE_OUTPUT = (
    "libc6\t2.31-13+deb11u11\tinstall ok installed\tglibc\t2.31-13+deb11u11\n"
    "libc-bin\t2.31-13+deb11u11\tinstall ok installed\tglibc\t2.31-13+deb11u11\n"
    "libssl1.1\t1.1.1w-0+deb11u1\tinstall ok installed\topenssl\t1.1.1w-0+deb11u1\n"
    "openssl\t1.1.1w-0+deb11u2\tinstall ok unpacked\topenssl\t1.1.1w-0+deb11u2\n"
    "libfoo1\t1.0-2+b1\thold ok installed\tfoo\t1.0-2\n"
    "sudo\t1.9.5p2-3+deb11u1\tinstall ok installed\t\t\n"
    "linux-image-5.10.0-28-amd64\t5.10.209-2\tdeinstall ok config-files\tlinux\t5.10.209-2\n"
    "broken\t1\tinstall ok installed\textra\n"
)


def test_parse_source_packages_maps_each_source_to_its_installed_versions():
    from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
        parse_source_packages,
    )

    # openssl 1.1.1w-0+deb11u2 is only unpacked (an upgrade cut short): its files are on the
    # host, so it counts; the removed kernel that left its configuration does not.
    assert parse_source_packages(DPKG_SOURCE_OUTPUT) == {
        "foo": ["1.0-2"],
        "glibc": ["2.31-13+deb11u11"],
        "openssl": ["1.1.1w-0+deb11u1", "1.1.1w-0+deb11u2"],
        "sudo": ["1.9.5p2-3+deb11u1"],
    }


def test_a_half_done_upgrade_lists_every_installed_version_of_the_source_once():
    from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
        parse_source_packages,
    )

    text = (
        "libssl3\t3.0.17-1~deb12u3\tinstall ok installed\topenssl\t3.0.17-1~deb12u3\n"
        "openssl\t3.0.15-1~deb12u1\tinstall ok installed\topenssl\t3.0.15-1~deb12u1\n"
        "libssl-dev\t3.0.17-1~deb12u3\tinstall ok installed\topenssl\t3.0.17-1~deb12u3\n"
    )
    assert parse_source_packages(text) == {"openssl": ["3.0.15-1~deb12u1", "3.0.17-1~deb12u3"]}


def test_the_old_three_field_output_counts_each_package_as_its_own_source():
    from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
        parse_source_packages,
    )

    assert parse_source_packages(DPKG_OUTPUT) == {
        "adduser": ["3.134"],
        "apt": ["2.6.1"],
        "clamav": ["1.4.3+dfsg-0+deb12u1"],
        "openssh-server": ["1:9.2p1-2+deb12u3"],
        "samba": ["2:4.17.12+dfsg-0+deb12u1"],
        "sudo": ["1.9.13p3-1+deb12u1"],
    }


def test_the_binary_versions_stay_those_of_the_binary_packages():
    assert parse_dpkg_query(DPKG_SOURCE_OUTPUT) == {
        "libc6": "2.31-13+deb11u11",
        "libc-bin": "2.31-13+deb11u11",
        "libssl1.1": "1.1.1w-0+deb11u1",
        "libfoo1": "1.0-2+b1",
        "sudo": "1.9.5p2-3+deb11u1",
    }


def test_source_package_list_of_a_debian_host_is_no_error():
    from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
        source_package_list,
    )

    sources, error = source_package_list(RecordedHost(commands={DPKG_KEY: DPKG_SOURCE_OUTPUT}))
    assert (sources["glibc"], error) == (["2.31-13+deb11u11"], None)


def test_source_package_list_says_why_it_could_not_list():
    from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
        source_package_list,
    )

    assert source_package_list(RecordedHost()) == (
        {},
        "dpkg-query is not installed (not found on the host)",
    )
    failing = RecordedHost(commands={DPKG_KEY: Result(2, DPKG_SOURCE_OUTPUT, "locked")})
    assert source_package_list(failing)[0] == {}
    assert source_package_list(failing)[1].endswith("exited 2: locked")
    empty = RecordedHost(commands={DPKG_KEY: "x\t1\tdeinstall ok config-files\tx\t1\n"})
    assert source_package_list(empty) == ({}, "dpkg-query listed no installed packages")


def test_a_package_left_in_any_state_with_its_files_on_the_host_is_scanned():
    from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
        parse_source_packages,
    )

    states = [
        "half-configured",
        "unpacked",
        "half-installed",
        "triggers-awaited",
        "triggers-pending",
    ]
    text = "".join(
        f"p{i}\t1.{i}\tinstall ok {state}\tsrc\t1.{i}\n" for i, state in enumerate(states)
    )
    text += (
        "gone\t9\tdeinstall ok config-files\tsrc\t9\nnever\t8\tinstall ok not-installed\tsrc\t8\n"
    )
    assert parse_source_packages(text) == {"src": [f"1.{i}" for i in range(len(states))]}
    assert parse_dpkg_query(text) == {}


def test_a_signed_kernel_counts_under_linux_at_the_binary_version():
    from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
        parse_source_packages,
    )

    text = (
        "linux-image-6.1.0-31-amd64\t6.1.128-1\tinstall ok installed"
        "\tlinux-signed-amd64\t6.1.128+1\n"
        "linux-libc-dev\t6.1.129-1\tinstall ok installed\tlinux\t6.1.129-1\n"
    )
    assert parse_source_packages(text) == {"linux": ["6.1.128-1", "6.1.129-1"]}
