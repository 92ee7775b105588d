# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The offline vulnerability scan (issue #14): the tracker's JSON, shaped as
security-tracker.debian.org/tracker/data/json publishes it, against installed versions."""

from __future__ import annotations

import json

import pytest
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import vulnerabilities as vuln

TRACKER = {
    "openssl": {
        "CVE-2024-4741": {
            "description": "Use After Free with SSL_free_buffers",
            "scope": "remote",
            "releases": {
                "bookworm": {
                    "status": "resolved",
                    "repositories": {"bookworm": "3.0.13-1~deb12u1"},
                    "fixed_version": "3.0.14-1~deb12u1",
                    "urgency": "low",
                },
                "trixie": {
                    "status": "open",
                    "repositories": {"trixie": "3.2.1-3"},
                    "urgency": "low",
                    "nodsa": "Minor issue",
                    "nodsa_reason": "postponed",
                },
            },
        },
        "CVE-2023-0001": {
            "releases": {
                "bookworm": {"status": "resolved", "fixed_version": "0", "urgency": "high"}
            }
        },
        "CVE-2023-0002": {
            "releases": {
                "bookworm": {
                    "status": "resolved",
                    "fixed_version": "3.0.11-1~deb12u2",
                    "urgency": "high",
                }
            }
        },
    },
    "glibc": {
        "CVE-2025-0001": {
            "releases": {
                "bookworm": {
                    "status": "resolved",
                    "fixed_version": "2.36-9+deb12u10",
                    "urgency": "medium**",
                }
            }
        },
        "CVE-2025-0002": {
            "releases": {"bookworm": {"status": "open", "urgency": "not yet assigned"}}
        },
        "CVE-2025-0003": {
            "releases": {
                "bookworm": {"status": "undetermined"},
                "bullseye": {"status": "resolved", "fixed_version": "2.31-13+deb11u12"},
            }
        },
    },
    "bash": {
        "CVE-2026-2000": {
            "releases": {
                "bookworm": {
                    "status": "open",
                    "urgency": "unimportant",
                    "nodsa": "Minor issue",
                    "nodsa_reason": "ignored",
                }
            }
        }
    },
    "broken": "not an object",
    "weird": {"CVE-1": {"releases": {"bookworm": {"status": "maybe"}}}, "CVE-2": []},
}
INSTALLED = {"openssl": "3.0.13-1~deb12u1", "glibc": "2.36-9+deb12u7", "bash": "5.2.15-2+b7"}


@pytest.fixture
def index() -> dict:
    return vuln.load_index(json.dumps(TRACKER), {"bookworm", "bullseye"})


def test_a_fix_newer_than_the_installed_version_is_available(index):
    found = vuln.scan(index, "bookworm", INSTALLED)
    assert [(f["cve"], f["package"], f["fixed"], f["urgency"]) for f in found["fix_available"]] == [
        ("CVE-2025-0001", "glibc", "2.36-9+deb12u10", "medium"),
        ("CVE-2024-4741", "openssl", "3.0.14-1~deb12u1", "low"),
    ]


def test_an_installed_fix_and_a_release_never_affected_are_not_reported(index):
    cves = {
        f["cve"] for kind in vuln.CLASSES for f in vuln.scan(index, "bookworm", INSTALLED)[kind]
    }
    assert "CVE-2023-0002" not in cves, "3.0.13-1~deb12u1 is newer than 3.0.11-1~deb12u2"
    assert "CVE-2023-0001" not in cves, "fixed_version 0: never vulnerable"


def test_versions_are_compared_as_debian_versions_not_text(index):
    # As text "2.36-9+deb12u7" > "2.36-9+deb12u10"; as versions it is older.
    found = vuln.scan(index, "bookworm", {"glibc": "2.36-9+deb12u7"})
    assert [f["cve"] for f in found["fix_available"]] == ["CVE-2025-0001"]
    found = vuln.scan(index, "bookworm", {"glibc": "2.36-9+deb12u10"})
    assert found["fix_available"] == []


def test_open_issues_without_a_fix_and_no_dsa_ones_are_told_apart(index):
    found = vuln.scan(index, "bookworm", INSTALLED)
    assert [(f["cve"], f["urgency"]) for f in found["no_fix"]] == [
        ("CVE-2025-0002", "not yet assigned"),
        ("CVE-2025-0003", "not yet assigned"),
    ]
    (minor,) = found["no_dsa"]
    assert (minor["cve"], minor["reason"], minor["urgency"]) == (
        "CVE-2026-2000",
        "Minor issue (ignored)",
        "unimportant",
    )


def test_each_release_is_judged_by_its_own_data(index):
    found = vuln.scan(index, "bullseye", {"glibc": "2.31-13+deb11u11"})
    assert [f["cve"] for f in found["fix_available"]] == ["CVE-2025-0003"]
    assert found["no_fix"] == []


def test_the_index_keeps_only_the_releases_asked_for_and_counts_what_it_skipped(index):
    assert set(index["releases"]) == {"bookworm", "bullseye"}
    assert "trixie" not in json.dumps(index["releases"])
    assert index["skipped"] == 3  # "broken", CVE-1's unknown status, CVE-2's list


def test_a_release_the_index_does_not_hold_is_an_error(index):
    with pytest.raises(vuln.TrackerError, match="trixie"):
        vuln.scan(index, "trixie", INSTALLED)


@pytest.mark.parametrize("document", ["", "[]", "{}", "null", "not json", "[" * 100000])
def test_a_document_that_is_not_the_tracker_is_refused(document):
    with pytest.raises(vuln.TrackerError):
        vuln.load_index(document, {"bookworm"})


def test_a_version_the_comparator_refuses_is_listed_never_judged_fixed(index):
    found = vuln.scan(index, "bookworm", {"openssl": "not a version"})
    assert found["fix_available"] == []
    assert [f["cve"] for f in found["unreadable"]] == ["CVE-2023-0002", "CVE-2024-4741"]


@pytest.mark.parametrize(
    ("threshold", "cves"),
    [
        ("unimportant", ["CVE-2025-0001", "CVE-2024-4741"]),
        ("low", ["CVE-2025-0001", "CVE-2024-4741"]),
        ("medium", ["CVE-2025-0001"]),
        ("high", []),
    ],
)
def test_failing_fixes_are_those_at_or_above_the_urgency(index, threshold, cves):
    found = vuln.scan(index, "bookworm", INSTALLED)
    assert [f["cve"] for f in vuln.failing(found, threshold)] == cves


def test_an_urgency_not_yet_assigned_fails_as_high():
    tracker = {
        "x": {"CVE-9": {"releases": {"bookworm": {"status": "resolved", "fixed_version": "2"}}}}
    }
    found = vuln.scan(vuln.load_index(json.dumps(tracker), {"bookworm"}), "bookworm", {"x": "1"})
    assert [f["cve"] for f in vuln.failing(found, "high")] == ["CVE-9"]


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("low", "low"),
        ("LOW*", "low"),
        ("medium**", "medium"),
        (None, "not yet assigned"),
        ("end-of-life", "end-of-life"),
        ("bogus", "not yet assigned"),
        (3, "not yet assigned"),
    ],
)
def test_urgencies_are_normalised(given, normal):
    assert vuln.urgency(given) == normal
