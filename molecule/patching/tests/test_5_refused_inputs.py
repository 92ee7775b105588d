# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad inputs, given as people give them (-e key=value strings, JSON), are refused before
any change, each with a message naming the variable: by the role, by the rolling patch run
before any host is patched, and by the audit."""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import testinfra
from conftest import run_playbook
from patch_helpers import (
    PERIODIC_CONF,
    SOURCES,
    UNATTENDED_CONF,
    instances,
)

CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
WATCHED_FILES = (SOURCES, UNATTENDED_CONF, PERIODIC_CONF)


@pytest.fixture(scope="module", name="host")
def first_host():
    """The scenario's first host: what is proved once needs no second copy (the rolling run
    uses both)."""
    return testinfra.get_host(f"podman://{instances()[0]}")


def _state(host) -> dict:
    return {path: host.file(path).sha256sum for path in WATCHED_FILES}


def _run(playbook: str, pairs: list[str]) -> subprocess.CompletedProcess:
    """ansible-playbook PLAYBOOK -e key=value ..., as typed."""
    return run_playbook(playbook, args=[arg for pair in pairs for arg in ("-e", pair)])


CASES = [
    (
        CONVERGE,
        ["patching_security_archive_uri=ftp://mirror.example/debian-security"],
        "patching_security_archive_uri",
    ),
    (CONVERGE, ['patching_extra_origins=["o=Debian;l=x"]'], "patching_extra_origins[0]"),
    (
        CONVERGE,
        ['patching_extra_origins=["o=Debian,l=Debian\\"; };"]'],
        "patching_extra_origins[0]",
    ),
    (CONVERGE, ["patching_excluded_packages=libc6$"], "patching_excluded_packages[0]"),
    (CONVERGE, ["patching_mail=ops@"], "patching_mail"),
    (
        CONVERGE,
        ['{"patching_security_archive_components": ["main\\nSigned-By: /tmp/evil.gpg"]}'],
        "patching_security_archive_components[0]",
    ),
    (
        "edu_tw.hardening.patch",
        ['{"patching_reboot_window": {"start": "05:00", "end": "04:00"}}'],
        "patching_reboot_window: the window ends (04:00) at or before its start (05:00)",
    ),
    ("edu_tw.hardening.patch", ["patching_serial=0"], "patching_serial: 0 is below 1"),
    ("edu_tw.hardening.patch", ["patching_serial=\uff11"], "patching_serial"),
    (
        "edu_tw.hardening.patch",
        ["patching_max_fail_percentage=101"],
        "patching_max_fail_percentage: 101 is above 100",
    ),
    ("edu_tw.hardening.patch", ["patching_health_ports=0"], "patching_health_ports[0]"),
    (
        "edu_tw.hardening.audit",
        ["audit_vulnerability_tracker=/srv/no-such-tracker.json"],
        "audit_vulnerability_tracker: /srv/no-such-tracker.json is neither",
    ),
    (
        "edu_tw.hardening.audit",
        ["audit_vulnerability_tracker=tracker.json"],
        "audit_vulnerability_tracker",
    ),
]


@pytest.fixture(scope="module")
def refused(host) -> dict:
    """Every case run at once (a few at a time) against the converged host, and the watched
    files before and after all of them."""
    before = _state(host)
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = list(pool.map(lambda case: _run(case[0], case[1]), CASES))
    return {"before": before, "after": _state(host), "runs": runs}


@pytest.mark.parametrize("index", range(len(CASES)), ids=[c[2][:60] for c in CASES])
def test_a_bad_input_is_refused_naming_the_variable(refused, index):
    run, names = refused["runs"][index], CASES[index][2]
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-2000:]
    assert names in output, output[-2000:]
    assert "changed=0" in output


def test_nothing_changed_on_the_host(refused):
    assert refused["after"] == refused["before"]


def test_an_archive_apt_cannot_read_is_taken_back(host):
    before = _state(host)
    run = _run(CONVERGE, ["patching_security_archive_uri=http://127.0.0.1:9/debian-security"])
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "patching_security_archive_uri: apt could not read the security archive" in output
    assert "The previous source is back in place" in output
    assert _state(host) == before
    # apt reads every source again without a warning.
    assert not [
        line
        for line in host.check_output("apt-get update 2>&1").splitlines()
        if line.startswith(("W:", "E:", "Warning:", "Error:"))
    ]
