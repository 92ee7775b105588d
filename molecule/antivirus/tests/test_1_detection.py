# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The converged host detects: EICAR made on it is found through the daemon, a clean file
is not; the health check's record says so part by part; the updater, the timers and the
configuration are as declared; MOE-16 passes."""

from __future__ import annotations

from av_helpers import (
    CLAMD_CONF,
    FRESHCLAM_CONF,
    HEALTH,
    MARKER,
    moe16,
    plant_eicar,
    record,
    run_health,
)


def test_eicar_is_detected_through_the_daemon_and_a_clean_file_is_not(host):
    plant_eicar(host, "/root/eicar.com")
    host.check_output("echo 'a clean file' > /root/clean.txt")
    try:
        found = host.run("clamdscan --fdpass --no-summary /root/eicar.com")
        clean = host.run("clamdscan --fdpass --no-summary /root/clean.txt")
    finally:
        host.run("rm -f /root/eicar.com /root/clean.txt")
    assert found.rc == 1 and "Test.EICAR.UNOFFICIAL FOUND" in found.stdout, found.stdout
    assert clean.rc == 0 and clean.stdout.strip().endswith("OK"), clean.stdout


def test_the_marker_signature_from_the_mirror_is_loaded(host):
    host.check_output("printf '%%s' %s > /root/marker.txt", f"'{MARKER}'")
    try:
        result = host.run("clamdscan --fdpass --no-summary /root/marker.txt")
    finally:
        host.run("rm -f /root/marker.txt")
    assert "Test.Marker.UNOFFICIAL FOUND" in result.stdout, result.stdout


def test_the_health_check_passes_each_part(host):
    assert run_health(host).rc == 0
    health = record(host, HEALTH)
    assert health["passed"] is True, health
    assert {name: part["ok"] for name, part in health["checks"].items()} == {
        "daemon": True,
        "signatures": True,
        "detection": True,
    }
    assert health["checks"]["detection"]["signature"] == "Test.EICAR.UNOFFICIAL"
    assert host.run("ls /tmp/edu_tw_hardening-av-*").rc != 0, "the EICAR file was left behind"


def test_services_and_timers_run_and_start_at_boot(host):
    for unit in (
        "clamav-daemon.service",
        "clamav-freshclam.service",
        "clamav-clamonacc.service",
        "edu-tw-hardening-antivirus-health.timer",
        "edu-tw-hardening-antivirus-scan.timer",
    ):
        service = host.service(unit)
        assert service.is_running and service.is_enabled, unit


def test_freshclam_updates_from_the_declared_source_often(host):
    conf = host.file(FRESHCLAM_CONF).content_string
    assert "DatabaseCustomURL file:///srv/edu_tw_hardening-mirror/edu_tw_test.ndb" in conf
    assert "Checks 24" in conf.splitlines()
    assert "ExcludeDatabase daily" in conf.splitlines()


def test_clamd_reloads_concurrently_on_this_host_and_watches_only_the_declared_path(host):
    memory_mib = int(host.check_output("awk '/^MemTotal:/ {print $2}' /proc/meminfo")) // 1024
    lines = host.file(CLAMD_CONF).content_string.splitlines()
    expected = "yes" if memory_mib >= 4096 else "no"
    assert f"ConcurrentDatabaseReload {expected}" in lines
    assert [line for line in lines if line.startswith("OnAccessIncludePath")] == [
        "OnAccessIncludePath /srv/watched"
    ]
    assert "OnAccessExcludeUname clamav" in lines


def test_moe_16_passes():
    verdict = moe16("converged")
    assert verdict["status"] == "pass", verdict["reasons"]
