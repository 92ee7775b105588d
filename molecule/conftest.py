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
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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


def run_playbook(
    playbook: str, extra_vars: dict | None = None, args: Sequence[str] = ()
) -> subprocess.CompletedProcess:
    """Run a playbook of the collection (or a path) against the scenario's hosts, as a user would.

    The inventory is Molecule's inventory directory, so hosts that a test adds there (see
    ``ssh_inventory``, ``inventory_hosts``) are part of it. Extra vars go as JSON so that
    numbers stay numbers; ``args`` are further ansible-playbook options (``--limit``).
    Output is plain text; the exit status is returned, not raised, so a test can expect
    a failure.
    """
    inventory = str(Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent)
    return subprocess.run(
        [
            *("ansible-playbook", "-i", inventory, playbook),
            *("-e", json.dumps(extra_vars or {})),
            *args,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"},
    )


@contextmanager
def ssh_inventory(name: str, address: str, key: Path) -> Iterator[str]:
    """Add ``name`` (reached over SSH at ``address``) to the scenario's inventory while in use.

    Playbooks run by ``run_playbook`` then reach that host like a real controller, through
    the network and its firewall, with the scenario's group variables.
    """
    path = Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent / "ssh_hosts.yml"
    host = {
        "ansible_host": address,
        "ansible_connection": "ansible.builtin.ssh",
        "ansible_user": "root",
        "ansible_ssh_private_key_file": str(key),
        "ansible_ssh_common_args": "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        "ansible_ssh_pipelining": True,
        "ansible_python_interpreter": "/usr/bin/python3",
    }
    path.write_text(yaml.safe_dump({"ssh_hosts": {"hosts": {name: host}}}))
    try:
        yield name
    finally:
        path.unlink()


@contextmanager
def inventory_hosts(group: str, hosts: dict[str, dict]) -> Iterator[list[str]]:
    """Add ``hosts`` (name to host variables) to the scenario's inventory as ``group`` while
    in use, for hosts that are not test containers (an unreachable address, say)."""
    path = Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent / f"{group}.yml"
    path.write_text(yaml.safe_dump({group: {"hosts": hosts}}))
    try:
        yield sorted(hosts)
    finally:
        path.unlink()


def group_member(name: str) -> str:
    """The one host of inventory group ``name`` (scenarios with hosts in several roles)."""
    inventory = yaml.safe_load(Path(os.environ["MOLECULE_INVENTORY_FILE"]).read_text())
    groups = {**inventory, **inventory["all"].get("children", {})}
    (host,) = groups[name]["hosts"]
    return host


# Hosts of the firewall scenario, by inventory group.
@pytest.fixture(scope="session")
def fw_name() -> str:
    return group_member("firewalled")


@pytest.fixture(scope="session")
def fw(fw_name) -> testinfra.host.Host:
    return testinfra.get_host(f"podman://{fw_name}")


@pytest.fixture(scope="session")
def client() -> testinfra.host.Host:
    return testinfra.get_host(f"podman://{group_member('clients')}")


def connects(client: testinfra.host.Host, address: str, port: int) -> bool:
    """Whether ``client`` opens a TCP connection to ``address:port`` within 3 seconds."""
    probe = (
        "import socket,sys\n"
        "try:\n"
        f"    socket.create_connection(({address!r}, {port}), timeout=3).close()\n"
        "except OSError:\n"
        "    sys.exit(1)\n"
    )
    return client.run("python3 -c %s", probe).rc == 0


def wait_until(check, seconds: float) -> bool:
    """Poll ``check()`` once a second for up to ``seconds``; whether it became true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return check()
