# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test host after site.yml: booted, and reachable over SSH like a real server."""

from __future__ import annotations

import pytest
from conftest import address_of, over_ssh


def test_systemd_booted_without_failed_units(host):
    state = host.run("systemctl is-system-running")
    assert state.stdout.strip() == "running", host.check_output("systemctl --failed --no-legend")


def test_sshd_listens_on_port_22(host):
    assert host.socket("tcp://0.0.0.0:22").is_listening


def test_root_logs_in_over_ssh_with_the_test_key(host, ssh_key):
    remote = over_ssh(address_of(host), ssh_key)
    assert remote.check_output("id -un") == "root"


def test_ssh_refuses_a_user_without_a_key(host, ssh_key):
    remote = over_ssh(address_of(host), ssh_key, user="nobody")
    with pytest.raises(RuntimeError, match="Permission denied"):
        remote.run("true")
