# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for MOE-16 (antivirus): ClamAV packages, services, signature age, self-test."""

from __future__ import annotations

import json

from ansible_collections.edu_tw.hardening.plugins.module_utils.constants import STATE_DIR
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    unit_active,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.timestamps import (
    parse_iso_time,
)

AREA = "antivirus"

PACKAGES = ("clamav", "clamav-daemon", "clamav-freshclam")
DAEMON_UNIT = "clamav-daemon.service"
UPDATER_UNIT = "clamav-freshclam.service"
FRESHCLAM_CONF = "/etc/clamav/freshclam.conf"
FRESHCLAM_DEFAULT_CHECKS = 12
SIGNATURE_DIR = "/var/lib/clamav"
SIGNATURE_SUFFIXES = ("cvd", "cld", "cud", "hdb", "ndb", "hsb", "ldb")
SELFTEST_PATH = f"{STATE_DIR}/antivirus-selftest.json"


def _hours(seconds: float) -> float:
    """Seconds as hours, rounded to a hundredth."""
    return round(seconds / 3600.0, 2)


def parse_freshclam_checks(text: str | None) -> int | None:
    """The ``Checks N`` setting of freshclam.conf (the last one wins).

    None when there is no file; freshclam's default of 12 a day when the file
    does not set it or sets it to something that is not a number.
    """
    if text is None:
        return None
    checks = FRESHCLAM_DEFAULT_CHECKS
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "Checks" and words[1].isdigit():
            checks = int(words[1])
    return checks


def signature_files(host: HostReader) -> list[dict]:
    """Signature databases under /var/lib/clamav with their age in hours."""
    now = host.now()
    paths: set[str] = set()
    for suffix in SIGNATURE_SUFFIXES:
        paths.update(host.glob(f"{SIGNATURE_DIR}/*.{suffix}"))
    files = []
    for path in sorted(paths):
        mtime = host.mtime(path)
        if mtime is not None:
            files.append({"path": path, "age_hours": _hours(now - mtime)})
    return files


def parse_selftest(text: str | None, now: float) -> dict:
    """The last EICAR self-test result written by the antivirus role.

    A file that is not a JSON object is present but neither passed nor failed
    (``passed`` None) and says so in ``detail``.
    """
    if text is None:
        return {"present": False, "passed": None, "age_hours": None, "detail": None}
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return {
            "present": True,
            "passed": None,
            "age_hours": None,
            "detail": "self-test record is not a JSON object",
        }
    passed = data.get("passed")
    detail = data.get("detail")
    when = parse_iso_time(data.get("time"))
    return {
        "present": True,
        "passed": passed if isinstance(passed, bool) else None,
        "age_hours": None if when is None else _hours(now - when),
        "detail": detail if isinstance(detail, str) else None,
    }


def collect(host: HostReader) -> dict:
    """Antivirus evidence: see the module docstring and the area's schema."""
    packages, packages_error = package_list(host)
    signatures = signature_files(host)
    return {
        "packages": {name: packages.get(name) for name in PACKAGES},
        "packages_error": packages_error,
        "daemon_active": unit_active(host, DAEMON_UNIT) is True,
        "updater_active": unit_active(host, UPDATER_UNIT) is True,
        "updater_checks_per_day": parse_freshclam_checks(host.read(FRESHCLAM_CONF)),
        "signature_files": signatures,
        "newest_signature_age_hours": (
            min(item["age_hours"] for item in signatures) if signatures else None
        ),
        "selftest": parse_selftest(host.read(SELFTEST_PATH), host.now()),
    }
