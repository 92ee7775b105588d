# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Evidence for MOE-16 (antivirus): ClamAV's packages and services, freshclam's and clamd's
settings, the signature databases' age, the host's memory, and the records of the health
check and the daily scan.

Names, paths, the signature ages and both records are read with the host-side program's own
code (``module_utils/antivirus_checks.py``, which the antivirus role installs and runs), so
the audit and the role cannot disagree about them.
"""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.module_utils import antivirus_checks as av
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    unit_active,
    unit_enabled,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.integers import parse_int
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    package_list,
)

AREA = "antivirus"

PACKAGES = av.PACKAGES
DAEMON_UNIT = av.DAEMON_UNIT
UPDATER_UNIT = av.UPDATER_UNIT
FRESHCLAM_CONF = av.FRESHCLAM_CONF
FRESHCLAM_DEFAULT_CHECKS = 12
SIGNATURE_DIR = av.SIGNATURE_DIR
SELFTEST_PATH = av.HEALTH_PATH
HEALTH_TIMER = av.HEALTH_SERVICE.replace(".service", ".timer")
SCAN_TIMER = av.SCAN_SERVICE.replace(".service", ".timer")
MEMINFO = "/proc/meminfo"

# freshclam.conf options kept as lists (each line adds one), by evidence key.
_FRESHCLAM_LISTS = {
    "PrivateMirror": "private_mirrors",
    "DatabaseMirror": "database_mirrors",
    "DatabaseCustomURL": "custom_urls",
    "ExcludeDatabase": "excluded_databases",
}


def _settings(text: str) -> list[tuple[str, str]]:
    """``(option, value)`` of a ClamAV configuration file (``Option value`` lines)."""
    pairs = []
    for line in text.splitlines():
        words = line.strip().split(None, 1)
        if words and not words[0].startswith("#"):
            pairs.append((words[0], words[1].strip() if len(words) > 1 else ""))
    return pairs


def parse_freshclam_checks(text: str | None) -> int | None:
    """The ``Checks N`` setting of freshclam.conf (the last one wins).

    None when there is no file; freshclam's default of 12 a day when the file
    does not set it or sets it to something that is not a number.
    """
    if text is None:
        return None
    checks = FRESHCLAM_DEFAULT_CHECKS
    for option, value in _settings(text):
        if option == "Checks" and value.isascii() and value.isdigit():
            checks = int(value)
    return checks


def parse_freshclam(text: str | None) -> dict:
    """Where freshclam updates from: its mirrors, custom databases and excluded ones."""
    found: dict = {key: [] for key in _FRESHCLAM_LISTS.values()}
    for option, value in _settings(text or ""):
        if option in _FRESHCLAM_LISTS:
            found[_FRESHCLAM_LISTS[option]].append(value)
    found["present"] = text is not None
    return found


def parse_clamd(text: str | None) -> dict:
    """clamd's settings the audit shows: concurrent reload and on-access scanning."""
    settings = _settings(text or "")
    last = dict(settings)

    def yes(option: str, default: str) -> bool:
        return last.get(option, default).lower() in ("yes", "true", "1")

    return {
        "present": text is not None,
        "concurrent_reload": yes("ConcurrentDatabaseReload", "yes"),
        "on_access_paths": [v for k, v in settings if k == "OnAccessIncludePath"],
        "on_access_prevention": yes("OnAccessPrevention", "no"),
        "on_access_excluded_users": [v for k, v in settings if k == "OnAccessExcludeUname"],
    }


def parse_meminfo(text: str | None) -> int | None:
    """MemTotal of /proc/meminfo in MiB, or None."""
    for line in (text or "").splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] == "MemTotal:":
            kib = parse_int(words[1], -1)
            return kib // 1024 if kib >= 0 else None
    return None


def signature_files(host: HostReader) -> list[dict]:
    """Signature databases under /var/lib/clamav with the time they stand for and their age
    (``antivirus_checks.signature_ages``: build time of .cvd/.cld, file time of others)."""
    paths = {path for path in host.glob(f"{SIGNATURE_DIR}/*") if av.is_signature_file(path)}
    files = [(path, host.head(path, av.HEADER_SIZE), host.mtime(path)) for path in sorted(paths)]
    return av.signature_ages(files, host.now())


def collect(host: HostReader) -> dict:
    """Antivirus evidence: see the module docstring."""
    packages, packages_error = package_list(host)
    signatures = signature_files(host)
    freshclam_text = host.read(FRESHCLAM_CONF)
    return {
        "packages": {name: packages.get(name) for name in PACKAGES},
        "packages_error": packages_error,
        "daemon_active": unit_active(host, DAEMON_UNIT) is True,
        "updater_active": unit_active(host, UPDATER_UNIT) is True,
        "updater_checks_per_day": parse_freshclam_checks(freshclam_text),
        "freshclam": parse_freshclam(freshclam_text),
        "clamd": parse_clamd(host.read(av.CLAMD_CONF)),
        "on_access_active": unit_active(host, av.ON_ACCESS_UNIT) is True,
        "memory_total_mib": parse_meminfo(host.read(MEMINFO)),
        "signature_files": signatures,
        "official_databases": sorted(
            {
                item["path"].rsplit("/", 1)[-1].split(".")[0]
                for item in signatures
                if item["official"]
            }
        ),
        "newest_signature_age_hours": av.newest_age(signatures),
        "selftest": av.parse_health(host.read(SELFTEST_PATH), host.now()),
        "health_timer_enabled": unit_enabled(host, HEALTH_TIMER),
        "scan_timer_enabled": unit_enabled(host, SCAN_TIMER),
        "last_scan": av.parse_scan(host.read(av.SCAN_PATH), host.now()),
    }
