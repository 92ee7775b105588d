# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""testinfra fixtures shared by every Molecule scenario.

Molecule's default runs each testinfra command through Ansible (seconds each); these
fixtures use testinfra's native podman backend instead (milliseconds), and give tests
an SSH view of a host for what must cross the network.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import testinfra
import yaml


def _instances() -> list[str]:
    """Names of the scenario's test hosts, from the inventory Molecule wrote."""
    inventory = yaml.safe_load(Path(os.environ["MOLECULE_INVENTORY_FILE"]).read_text())
    return sorted(inventory["all"]["hosts"])


@pytest.fixture(scope="module", params=_instances())
def host(request: pytest.FixtureRequest) -> testinfra.host.Host:
    """Each test host, reached with `podman exec`."""
    return testinfra.get_host(f"podman://{request.param}")


@pytest.fixture(scope="module")
def ssh_key() -> Path:
    """The private key that prepare.yml authorised for root on every test host."""
    return Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "ssh_key"


def address_of(host: testinfra.host.Host) -> str:
    """The host's IPv4 address on the scenario's network."""
    return host.check_output("ip -4 -o route get 1.1.1.1").split(" src ")[1].split()[0]


def over_ssh(address: str, key: Path, user: str = "root") -> testinfra.host.Host:
    """A testinfra host reached over SSH, like a real controller reaches it."""
    return testinfra.get_host(
        f"ssh://{user}@{address}",
        ssh_identity_file=str(key),
        ssh_extra_args="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
        "-o ConnectTimeout=5 -o BatchMode=yes",
    )


def run_playbook(playbook: str, extra_vars: dict | None = None) -> subprocess.CompletedProcess:
    """Run a playbook of the collection (or a path) against the scenario's hosts, as a user would.

    Extra vars go as JSON so that numbers stay numbers. Output is plain text; the exit
    status is returned, not raised, so a test can expect a failure.
    """
    return subprocess.run(
        [
            *("ansible-playbook", "-i", os.environ["MOLECULE_INVENTORY_FILE"], playbook),
            *("-e", json.dumps(extra_vars or {})),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"},
    )
