# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the patching scenario: the local test archive (files/test-archive on the
hosts), audits of MOE-17, and tracker documents made at test time."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from conftest import run_playbook

EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
SOURCES = "/etc/apt/sources.list.d/edu_tw_hardening-security.sources"
UNATTENDED_CONF = "/etc/apt/apt.conf.d/52edu_tw_hardening-unattended-upgrades"
PERIODIC_CONF = "/etc/apt/apt.conf.d/21edu_tw_hardening-periodic"
PROBE, OTHER = "edu-tw-probe", "edu-tw-other"


def codename(host) -> str:
    return host.check_output(". /etc/os-release && echo $VERSION_CODENAME")


def installed(host, package: str) -> str:
    """The installed version of ``package`` on the host."""
    return host.check_output("dpkg-query -W -f '${Version}' %s", package)


def publish(host, suite: str, package: str, version: str) -> None:
    host.check_output("test-archive add %s %s %s", suite, package, version)


def withdraw(host, suite: str, package: str, version: str) -> None:
    host.check_output("test-archive remove %s %s %s", suite, package, version)


def downgrade(host, package: str, version: str) -> None:
    """Put ``package`` back at ``version`` (from the base suite), as a fresh host has it."""
    host.check_output(
        "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --allow-downgrades %s=%s",
        package,
        version,
    )


def tracker(path: Path, release: str) -> str:
    """A tracker document in the security tracker's shape: a CVE of the probe fixed in 1.1
    (high), one of the probe open with no fix, one of the other package that needs no DSA."""
    document = {
        PROBE: {
            "CVE-2099-0001": {
                "description": "fixed in the security archive's 1.1",
                "releases": {
                    release: {"status": "resolved", "fixed_version": "1.1", "urgency": "high"}
                },
            },
            "CVE-2099-0002": {
                "releases": {release: {"status": "open", "urgency": "medium"}},
            },
        },
        OTHER: {
            "CVE-2099-0003": {
                "releases": {
                    release: {
                        "status": "open",
                        "urgency": "low",
                        "nodsa": "Minor issue",
                        "nodsa_reason": "postponed",
                    }
                },
            },
        },
    }
    path.write_text(json.dumps(document))
    return str(path)


def audit(name: str, report_dir: Path, extra: dict | None = None) -> dict:
    """playbooks/audit.yml for MOE-17 on the host ``name`` (findings do not fail the run):
    its verdict."""
    result = run_playbook(
        "edu_tw.hardening.audit",
        {
            "audit_controls": ["MOE-17"],
            "audit_fail_on_findings": False,
            "audit_report_dir": str(report_dir),
            **(extra or {}),
        },
        ["--limit", name],
    )
    assert result.returncode == 0, result.stdout[-3000:]
    (entry,) = json.loads((report_dir / "audit.json").read_text())["hosts"]
    return next(c for c in entry["controls"] if c["id"] == "MOE-17")


RECORD = "/var/lib/edu_tw_hardening/patch-run.json"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def instances() -> list[str]:
    """The scenario's test hosts, from the inventory Molecule wrote."""
    inventory = yaml.safe_load(Path(os.environ["MOLECULE_INVENTORY_FILE"]).read_text())
    return sorted(inventory["all"]["hosts"])


def patch(extra: dict, args: list[str] = ()):
    """playbooks/patch.yml with ``extra`` as extra vars (JSON), as AWX gives them."""
    return run_playbook("edu_tw.hardening.patch", extra, list(args))


def record(host) -> dict:
    return json.loads(host.file(RECORD).content_string)


def booted_at(host) -> str:
    """When PID 1 started: a container's reboot keeps the kernel's boot ID, not this."""
    return host.check_output("ps -o lstart= -p 1")
