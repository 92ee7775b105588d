# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the remote_access scenario: the target and the two clients (podman backend,
for looking), and the target in the controller's inventory reached over SSH (for acting)."""

from __future__ import annotations

from pathlib import Path

import pytest
import testinfra
from ra_helpers import (
    CREDENTIALS,
    EPHEMERAL,
    TARGET,
    VAULT_PASSWORD,
    VAULT_PASSWORD_FILE,
    WORK,
    address_of,
    group_member,
    ssh_inventory,
)


@pytest.fixture(scope="session")
def target_name() -> str:
    return group_member("target")


@pytest.fixture(scope="session")
def target(target_name) -> testinfra.host.Host:
    return testinfra.get_host(f"podman://{target_name}")


@pytest.fixture(scope="session")
def allowed() -> testinfra.host.Host:
    return testinfra.get_host(f"podman://{group_member('allowed_client')}")


@pytest.fixture(scope="session")
def other() -> testinfra.host.Host:
    return testinfra.get_host(f"podman://{group_member('other_client')}")


@pytest.fixture(scope="session")
def addresses(target, allowed, other) -> dict[str, str]:
    return {
        "target": address_of(target),
        "allowed": address_of(allowed),
        "other": address_of(other),
    }


@pytest.fixture(scope="session", autouse=True)
def controller(target, ssh_key):
    """The target in the inventory as ``ra-target``, reached over SSH through its firewall,
    with the scenario's group variables; the vault password file and credentials dir."""
    WORK.mkdir(parents=True, exist_ok=True)
    CREDENTIALS.mkdir(exist_ok=True)
    VAULT_PASSWORD_FILE.write_text(VAULT_PASSWORD + "\n")
    VAULT_PASSWORD_FILE.chmod(0o600)
    with ssh_inventory(TARGET, address_of(target), ssh_key) as name:
        yield name


@pytest.fixture(scope="session")
def ssh_key() -> Path:
    """The controller's key (molecule/conftest.py has it per module; the inventory entry
    lives for the whole session)."""
    return EPHEMERAL / "ssh_key"
