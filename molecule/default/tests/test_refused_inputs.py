# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bad-input suite (refused_inputs.yml): each bad input, given the way a person gives it,
stops the run before anything on the converged host changes, with a message naming it.

The cases run concurrently (most are refused on the controller before a host is touched);
the host's state is compared once before and once after all of them, and each run must
itself report a failure and no change.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from conftest import address_of, ssh_inventory

CASES = yaml.safe_load((Path(__file__).resolve().parent / "refused_inputs.yml").read_text())
# Every file the two roles own or read, and the live firewall.
STATE = (
    "sha256sum /etc/login.defs /etc/shadow /etc/pam.d/common-auth /etc/pam.d/common-password"
    " /etc/pam.d/common-account /etc/pam.d/common-session /etc/security/pwquality.conf"
    " /etc/security/pwquality.conf.d/90-edu_tw_hardening.conf"
    " /usr/share/pam-configs/edu_tw_hardening_pwhistory /etc/nftables.conf"
    " /etc/nftables.d/edu_tw_hardening.nft; nft list ruleset"
)
# A valid change the first role of site.yml would make: if it shows, a role ran.
COMPANION = "password_policy_warn_age=10"


def _command(case: dict, target: str, inventory: str) -> list[str]:
    playbook = f"edu_tw.hardening.{case.get('playbook', 'site')}"
    argv = ["ansible-playbook", "-i", inventory, playbook, "-e", f"target_hosts={target}"]
    if playbook.endswith("site"):
        argv += ["-e", COMPANION]
    for pair in case.get("kv", []):
        argv += ["-e", pair]
    if "json" in case:
        argv += ["-e", json.dumps(case["json"])]
    return argv


def _run(case: dict, ssh_name: str, podman_name: str, inventory: str) -> tuple[str, int, str]:
    target = podman_name if case.get("podman") else ssh_name
    with tempfile.TemporaryDirectory() as scratch:
        if "yaml" in case:
            # The case's text as a host_vars file of an inventory that is otherwise the
            # scenario's own.
            copy = Path(scratch) / "inventory"
            copy.mkdir()
            for source in Path(inventory).iterdir():
                if source.is_file():
                    (copy / source.name).symlink_to(source)
            (copy / "host_vars").mkdir()
            (copy / "host_vars" / f"{target}.yml").write_text(case["yaml"])
            inventory = str(copy)
        run = subprocess.run(
            _command(case, target, inventory),
            capture_output=True,
            text=True,
            check=False,
            cwd=scratch,
            env={**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"},
        )
    return case["id"], run.returncode, run.stdout + run.stderr


@pytest.fixture(scope="module")
def outcomes(host, ssh_key):
    """Every case's exit status and output, and the host's state before and after them all."""
    name = host.backend.name
    before = host.check_output(STATE)
    inventory = str(Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent)
    with (
        ssh_inventory(f"{name}-refused", address_of(host), ssh_key) as ssh_name,
        ThreadPoolExecutor(max_workers=4) as pool,
    ):
        runs = list(pool.map(lambda c: _run(c, ssh_name, name, inventory), CASES))
    return {case_id: (rc, output) for case_id, rc, output in runs}, before, host.check_output(STATE)


def test_the_suite_has_at_least_sixty_distinct_cases_in_every_class():
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)) >= 60
    classes = {case_id.split("-")[0] for case_id in ids}
    assert classes == {"control", "format", "number", "boolean", "lockout"}
    assert {"kv", "json", "yaml"} <= {
        form for case in CASES for form in ("kv", "json", "yaml") if form in case
    }


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_a_bad_input_stops_the_run_before_any_change_naming_the_variable(case, outcomes):
    runs = outcomes[0]
    rc, output = runs[case["id"]]
    flat = " ".join(output.split())
    assert rc != 0, output[-3000:]
    assert case["says"] in output.replace("\\\\", "\\") or case["says"] in flat, output[-3000:]
    assert "changed=0" in flat and "failed=1" in flat, output[-3000:]


def test_no_case_changed_a_file_the_roles_own_or_read_nor_the_firewall(outcomes):
    before, after = outcomes[1:]
    assert after == before
