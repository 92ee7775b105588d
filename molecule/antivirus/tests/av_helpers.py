# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the antivirus scenario: the EICAR test file written on the host at test time
(from the collection's own antivirus_checks.eicar(), never stored), the role's records,
and audits of MOE-16."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from conftest import run_playbook, wait_until

COLLECTION = Path(__file__).resolve().parents[3]
CONVERGE = str(Path(__file__).resolve().parents[1] / "converge.yml")
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])

_spec = importlib.util.spec_from_file_location(
    "antivirus_checks", COLLECTION / "plugins" / "module_utils" / "antivirus_checks.py"
)
checks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(checks)

PROGRAM = checks.PROGRAM_PATH
HEALTH = checks.HEALTH_PATH
SCAN = checks.SCAN_PATH
QUARANTINE = "/var/lib/edu_tw_hardening/quarantine"
SCANNED = "/srv/scanned"
WATCHED = "/srv/watched"
FRESHCLAM_CONF = "/etc/clamav/freshclam.conf"
CLAMD_CONF = "/etc/clamav/clamd.conf"
MARKER = "edu_tw.hardening test marker: not a virus"


def plant_eicar(host, path: str) -> None:
    """Write the EICAR test file at ``path`` on the host (made from its hex, now)."""
    write = "import sys; open(sys.argv[1], 'wb').write(bytes.fromhex(sys.argv[2]))"
    host.check_output(
        "python3 -c %s %s %s",
        write,
        path,
        checks.eicar().hex(),
    )


def record(host, path: str) -> dict | None:
    result = host.run("cat %s", path)
    return json.loads(result.stdout) if result.rc == 0 else None


def run_health(host):
    """The health check as its timer runs it; the testinfra result."""
    return host.run("systemctl start edu-tw-hardening-antivirus-health.service")


def moe16(name: str, extra: dict | None = None) -> dict:
    """playbooks/audit.yml for MOE-16 (findings do not fail the run); the host's verdict."""
    report_dir = EPHEMERAL / "reports" / name
    run = run_playbook(
        "edu_tw.hardening.audit",
        {
            "audit_controls": ["MOE-16"],
            "audit_fail_on_findings": False,
            "audit_report_dir": str(report_dir),
            **(extra or {}),
        },
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    (entry,) = json.loads((report_dir / "audit.json").read_text())["hosts"]
    (verdict,) = entry["controls"]
    return verdict


__all__ = ["run_playbook", "wait_until"]
