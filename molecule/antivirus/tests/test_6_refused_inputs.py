# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad inputs, given as people give them (-e key=value strings, JSON), are refused before
any change, each with a message naming the variable; so is a host with too little memory
for clamd. A mirror that cannot update is taken back: the previous settings stay."""

from __future__ import annotations

import subprocess

import pytest
from av_helpers import CLAMD_CONF, CONVERGE, FRESHCLAM_CONF, run_playbook

WATCHED_FILES = (FRESHCLAM_CONF, CLAMD_CONF, "/etc/edu_tw_hardening/antivirus.json")


def _state(host) -> dict:
    return {path: host.file(path).sha256sum for path in WATCHED_FILES}


def _with_e(pairs: list[str]) -> subprocess.CompletedProcess:
    """ansible-playbook CONVERGE -e key=value ..., as typed."""
    return run_playbook(CONVERGE, args=[arg for pair in pairs for arg in ("-e", pair)])


@pytest.mark.parametrize(
    ("given", "names"),
    [
        (["antivirus_update_checks_per_day=0"], "antivirus_update_checks_per_day: 0 is below 12"),
        (["antivirus_update_checks_per_day=\uff12\uff14"], "antivirus_update_checks_per_day"),
        (
            ["antivirus_signature_max_age_hours=48"],
            "antivirus_signature_max_age_hours: 48 is above 24",
        ),
        (["antivirus_private_mirrors=mirror.school.example"], "antivirus_private_mirrors[0]"),
        (["antivirus_custom_urls=http://10.0.0.9/x.ndb?#"], "antivirus_custom_urls[0]"),
        (["antivirus_on_access_paths=srv/watched"], "antivirus_on_access_paths[0]"),
        (["antivirus_on_access_paths=/usr"], "antivirus_on_access_paths: /usr is inside /usr"),
        (
            ["antivirus_on_access_paths=/etc/nginx"],
            "antivirus_on_access_paths: /etc/nginx is inside /etc",
        ),
        (
            ["antivirus_quarantine_dir=/srv/scanned/q"],
            "antivirus_quarantine_dir: /srv/scanned/q and antivirus_scan_paths",
        ),
        (["antivirus_scan_time=3:30 # nightly"], "antivirus_scan_time"),
        (["antivirus_clamd_memory_mib=1000000"], "antivirus_clamd_memory_mib: clamd needs"),
        (["antivirus_quarantine_dir=/tmp/q"], "antivirus_quarantine_dir: /tmp/q is inside /tmp"),
        (
            ["antivirus_quarantine_dir=/var/lib/edu_tw_hardening"],
            "antivirus_quarantine_dir: /var/lib/edu_tw_hardening holds the collection's records",
        ),
        (
            ["antivirus_quarantine_dir=/var/cache/apt"],
            "antivirus_quarantine_dir: /var/cache/apt exists and is not a quarantine",
        ),
    ],
)
def test_a_bad_input_is_refused_before_any_change(host, given, names):
    before = _state(host)
    run = _with_e(given)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert names in output, output[-3000:]
    assert "changed=0" in output
    assert _state(host) == before


def test_a_mirror_that_cannot_update_is_taken_back(host):
    before = host.file(FRESHCLAM_CONF).sha256sum
    signatures = host.check_output("ls /var/lib/clamav/*.ndb")
    run = run_playbook(CONVERGE, {"antivirus_custom_urls": ["http://127.0.0.1:9/edu_tw_test.ndb"]})
    output = run.stdout + run.stderr
    assert run.returncode != 0
    assert "freshclam could not update the signatures" in output, output[-3000:]
    assert "The previous freshclam settings are back in place" in output
    assert host.file(FRESHCLAM_CONF).sha256sum == before
    assert host.check_output("ls /var/lib/clamav/*.ndb") == signatures
    assert host.run("freshclam --stdout").rc == 0, "the previous settings still update"
