# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each value the roles and the Python side both need has one definition per side, equal.

The roles pass their values to the modules (``table``, ``state_dir``, ``ssh_port``); the
modules' defaults and the audit's collectors take them from ``module_utils/constants.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible_collections.edu_tw.hardening.plugins.module_utils import (
    antivirus_checks,
    constants,
    maintenance_windows,
)

ROOT = Path(__file__).resolve().parents[3]
ROLES = ROOT / "roles"


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def test_the_firewall_role_names_the_table_the_collectors_call_ours():
    assert _yaml(ROLES / "firewall" / "vars" / "main.yml")["__firewall_table"] == (
        constants.FIREWALL_TABLE
    )


def test_the_firewall_role_keeps_the_guard_state_where_nft_apply_does_by_default():
    assert _yaml(ROLES / "firewall" / "vars" / "main.yml")["__firewall_state_dir"] == (
        constants.FIREWALL_STATE_DIR
    )


def test_the_ssh_port_default_of_the_role_is_the_audits():
    assert _yaml(ROLES / "firewall" / "defaults" / "main.yml")["firewall_ssh_port"] == (
        constants.SSH_PORT
    )


def test_the_ruleset_template_takes_the_table_from_the_role():
    template = (ROLES / "firewall" / "templates" / "edu_tw_hardening.nft.j2").read_text()
    assert constants.FIREWALL_TABLE not in template


@pytest.mark.parametrize(
    "role", sorted(p.parent.parent.name for p in ROLES.glob("*/tasks/main.yml"))
)
def test_no_role_keeps_a_copy_of_the_shared_plumbing(role):
    tasks = ROLES / role / "tasks"
    assert not (tasks / "set_vars.yml").exists(), "import edu_tw.hardening.common set_vars.yml"
    assert "update_cache" not in "".join(p.read_text() for p in tasks.glob("*.yml")), (
        "import edu_tw.hardening.common package_lists.yml"
    )
    role_vars = ROLES / role / "vars" / "main.yml"
    if role_vars.exists():
        assert f"__{role}_platforms" not in _yaml(role_vars), "the platforms are common's"


def test_the_remote_access_role_fills_the_sets_of_the_firewalls_table():
    assert _yaml(ROLES / "remote_access" / "vars" / "main.yml")["__remote_access_table"] == (
        constants.FIREWALL_TABLE
    )


def test_the_window_program_is_installed_where_its_units_run_it():
    assert _yaml(ROLES / "remote_access" / "vars" / "Debian.yml")["__remote_access_program"] == (
        maintenance_windows.PROGRAM_PATH
    )
    assert maintenance_windows.PROGRAM_PATH in maintenance_windows.service_unit()


def test_the_window_program_and_the_collector_read_the_same_files():
    # The program runs alone on the host (standard library only), so it keeps its own copy.
    assert maintenance_windows.CONFIG_PATH == constants.REMOTE_ACCESS_CONFIG
    assert maintenance_windows.PROGRAM_PATH.startswith("/usr/local/lib/edu_tw_hardening/")
    assert f"{constants.STATE_DIR}/windows" == constants.WINDOWS_DIR


def test_the_antivirus_role_installs_and_configures_what_the_program_and_the_audit_read():
    role = _yaml(ROLES / "antivirus" / "vars" / "main.yml")
    assert role["__antivirus_program"] == antivirus_checks.PROGRAM_PATH
    assert role["__antivirus_config"] == antivirus_checks.CONFIG_PATH
    assert role["__antivirus_freshclam_conf"] == antivirus_checks.FRESHCLAM_CONF
    assert role["__antivirus_clamd_conf"] == antivirus_checks.CLAMD_CONF
    assert role["__antivirus_daemon_service"] == antivirus_checks.DAEMON_UNIT
    assert role["__antivirus_updater_service"] == antivirus_checks.UPDATER_UNIT
    assert role["__antivirus_on_access_service"] == antivirus_checks.ON_ACCESS_UNIT
    assert f"{role['__antivirus_health_unit']}.service" == antivirus_checks.HEALTH_SERVICE
    assert f"{role['__antivirus_scan_unit']}.service" == antivirus_checks.SCAN_SERVICE
    # The program runs alone on the host (standard library only), so it keeps its own copy.
    assert antivirus_checks.STATE_DIR == constants.STATE_DIR
