# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's made-up tracker document (bench/tracker.py): the same for a seed, read by
the scan without a skipped entry, holding the given host's packages, of about the size asked,
and giving a scan each class of finding."""

from __future__ import annotations

import json

import pytest
from ansible_collections.edu_tw.hardening.bench import tracker
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import debian_version
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import vulnerabilities as vuln

# A few source packages of a minimal Debian 12 host, as dpkg-query prints them.
INSTALLED = (
    "openssl\t3.0.11-1~deb12u2\n"
    "glibc\t2.36-9+deb12u4\n"
    "zlib\t1:1.2.13.dfsg-1\n"
    "shadow\t1:4.13+dfsg1-1\n"
    "systemd\t252.22-1~deb12u1\n"
    "tar\t1.34+dfsg-1.2+deb12u1\n"
    "debianutils\t5.7-0.5~deb12u1\n"
    "\n"
    "malformed line\n"
)


@pytest.fixture(scope="module")
def host():
    return tracker.read_installed(INSTALLED)


@pytest.fixture(scope="module")
def made(host):
    return tracker.generate(megabytes=1, seed=7, installed=host)


def test_read_installed_keeps_source_and_version_lines_only(host):
    assert len(host) == 7
    assert host["zlib"] == "1:1.2.13.dfsg-1"


def test_same_seed_makes_the_same_document(made, host):
    assert tracker.generate(megabytes=1, seed=7, installed=host).document == made.document


def test_another_seed_makes_another_document(made, host):
    assert tracker.generate(megabytes=1, seed=8, installed=host).document != made.document


def test_size_is_about_the_megabytes_asked(made):
    assert 0.9e6 < len(made.document.encode()) < 1.1e6


def test_packages_option_sets_the_number_of_source_packages():
    document = json.loads(tracker.generate(megabytes=0.3, seed=1, packages=40).document)
    assert len(document) == 40


def test_document_has_the_tracker_shape(made):
    document = json.loads(made.document)
    issues = [issue for cves in document.values() for issue in cves.values()]
    assert len(issues) == made.cves
    releases = [r for issue in issues for r in issue["releases"].values()]
    assert {r["status"] for r in releases} == {"resolved", "open", "undetermined"}
    assert any(r.get("urgency", "").endswith("*") for r in releases)
    assert any(cve.startswith("TEMP-") for cves in document.values() for cve in cves)


def test_every_version_is_a_debian_version(made):
    document = json.loads(made.document)
    for cves in document.values():
        for issue in cves.values():
            for found in issue["releases"].values():
                for version in [found.get("fixed_version", "0"), *found["repositories"].values()]:
                    debian_version.parse(version)


def test_load_index_skips_no_entry(made):
    index = vuln.load_index(made.document, set(tracker.RELEASES))
    assert index["skipped"] == 0
    assert all(index["releases"][release] for release in tracker.RELEASES)


def test_installed_packages_are_in_the_document(made, host):
    index = vuln.load_index(made.document, {"bookworm"})
    assert set(host) <= set(index["releases"]["bookworm"])


def test_scan_of_the_installed_host_finds_each_class(made, host):
    findings = vuln.scan(vuln.load_index(made.document, {"bookworm"}), "bookworm", host)
    assert all(findings[name] for name in vuln.CLASSES)
    assert findings["unreadable"] == []
    # Some fixes are already installed (or older): the scan must leave those out.
    document = json.loads(made.document)
    fixed = [
        found["fixed_version"]
        for source in host
        for issue in document[source].values()
        for release, found in issue["releases"].items()
        if release == "bookworm" and found.get("fixed_version", "0") != "0"
    ]
    assert len(fixed) > len(findings["fix_available"])


def test_scan_of_a_made_up_host_finds_each_class(made):
    installed = tracker.host(made, seed=1, count=50)
    assert len(installed) == 50
    findings = vuln.scan(vuln.load_index(made.document, {"bookworm"}), "bookworm", installed)
    assert all(findings[name] for name in vuln.CLASSES)
    assert findings["unreadable"] == []


def test_older_is_before_the_version():
    for version in ("3.0.11-1", "1:0.5-2", "0.23-1+deb12u1", "2:6.2.1+dfsg1-1.1"):
        assert debian_version.compare(tracker.older(version), version) < 0


def test_command_line_writes_the_document(tmp_path, host):
    installed = tmp_path / "installed.txt"
    installed.write_text(INSTALLED, encoding="utf-8")
    output = tmp_path / "tracker.json"
    args = ["--megabytes", "0.2", "--seed", "3", "--installed", str(installed), "-o", str(output)]
    assert tracker.main(args) == 0
    assert set(host) <= set(json.loads(output.read_text(encoding="utf-8")))
