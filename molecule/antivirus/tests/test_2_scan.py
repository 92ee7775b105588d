# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The daily scan, triggered as its timer triggers it, records the planted file and moves
it to the quarantine; the audit shows that record."""

from __future__ import annotations

import pytest
from av_helpers import QUARANTINE, SCAN, SCANNED, moe16, plant_eicar, record


@pytest.fixture(scope="module")
def scanned(host) -> dict:
    host.check_output(f"mkdir -p {SCANNED}/sub && echo clean > {SCANNED}/sub/clean.txt")
    plant_eicar(host, f"{SCANNED}/sub/planted.com")
    result = host.run("systemctl start edu-tw-hardening-antivirus-scan.service")
    return {"rc": result.rc, "record": record(host, SCAN)}


def test_the_scan_records_the_planted_file(scanned):
    kept = scanned["record"]
    assert kept is not None, "no scan record"
    assert kept["paths"] == [SCANNED] and kept["files"] == 2
    (found,) = kept["infected"]
    assert (found["path"], found["signature"]) == (
        f"{SCANNED}/sub/planted.com",
        "Test.EICAR.UNOFFICIAL",
    )


def test_the_planted_file_is_moved_to_the_quarantine(host, scanned):
    assert scanned["record"]["infected"][0]["moved_to"] == f"{QUARANTINE}/planted.com"
    assert not host.file(f"{SCANNED}/sub/planted.com").exists
    assert host.file(f"{QUARANTINE}/planted.com").exists
    assert host.file(f"{SCANNED}/sub/clean.txt").exists
    assert host.file(QUARANTINE).mode == 0o700


def test_the_scan_unit_fails_when_it_finds_something(scanned):
    assert scanned["rc"] != 0, "an infection found must show in systemctl --failed"


def test_the_audit_shows_the_last_scan(scanned):
    verdict = moe16("after-scan")
    assert verdict["evidence"]["last_scan"]["infected"][0]["path"] == f"{SCANNED}/sub/planted.com"
