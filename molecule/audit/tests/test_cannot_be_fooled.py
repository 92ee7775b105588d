# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit cannot be fooled, on the live host: --limit is honoured, evidence that cannot be
read (ss moved away, an sshd configuration that sshd -T refuses) fails the controls that read
it without costing the host its other verdicts, and an audit whose every host is unreachable
still writes a report that says so and fails."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import address_of, group_member, inventory_hosts, run_playbook, ssh_inventory

BROKEN_SSHD = "/etc/ssh/sshd_config.d/zz-audit-test-broken.conf"


def audit(report_dir: Path, extra: dict | None = None, args: tuple = ()) -> dict:
    """A real audit run that does not fail on findings; its JSON report."""
    run = run_playbook(
        "edu_tw.hardening.audit",
        {"audit_fail_on_findings": False, "audit_report_dir": str(report_dir), **(extra or {})},
        args,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    return json.loads((report_dir / "audit.json").read_text())


def verdicts(report: dict) -> dict[str, dict]:
    (host,) = report["hosts"]
    assert not host.get("unreachable"), host
    return {control["id"]: control for control in host["controls"]}


# ---------------------------------------------------------------- --limit


def test_limit_to_one_host_reports_exactly_that_host(host, ssh_key, tmp_path):
    name = group_member("all")
    with ssh_inventory("audit-over-ssh", address_of(host), ssh_key) as other:
        everyone = audit(tmp_path / "all", {"audit_controls": ["MOE-19"]})
        limited = audit(tmp_path / "limited", {"audit_controls": ["MOE-19"]}, ("--limit", name))
    assert [h["host"] for h in everyone["hosts"]] == sorted([name, other])
    assert [h["host"] for h in limited["hosts"]] == [name]
    assert limited["summary"]["hosts_unreachable"] == 0


def test_limit_that_names_localhost_too_reports_only_the_audited_host(host, ssh_key, tmp_path):
    name = group_member("all")
    with ssh_inventory("audit-over-ssh", address_of(host), ssh_key):
        report = audit(tmp_path, {"audit_controls": ["MOE-19"]}, ("--limit", f"{name},localhost"))
    assert [h["host"] for h in report["hosts"]] == [name]


# ---------------------------------------------------------------- evidence that cannot be read


def test_missing_ss_fails_the_socket_controls_as_missing_evidence(host, tmp_path):
    ss = host.check_output('readlink -f "$(command -v ss)"')
    host.run_expect([0], f"mv {ss} /root/ss.moved-by-audit-test")
    try:
        result = verdicts(audit(tmp_path, {"audit_controls": ["MOE-15", "MOE-19"]}))
    finally:
        host.run_expect([0], f"mv /root/ss.moved-by-audit-test {ss}")
    missing = "evidence missing: sockets: ss is not installed (not found on the host)"
    assert (result["MOE-19"]["status"], result["MOE-19"]["reasons"]) == ("fail", [missing])
    assert result["MOE-15"]["status"] == "fail"
    assert missing in result["MOE-15"]["reasons"]


def test_sshd_config_that_sshd_t_refuses_fails_the_sshd_controls_only(host, tmp_path):
    host.run_expect([0], f"printf 'NoSuchOption yes\\n' > {BROKEN_SSHD}")
    try:
        assert host.run("sshd -T").rc != 0, "the broken configuration is not in place"
        result = verdicts(audit(tmp_path))
    finally:
        host.run_expect([0], f"rm -f {BROKEN_SSHD}")
    for control_id in ("MOE-42.1.8", "MOE-42.2.3"):
        assert result[control_id]["status"] == "fail"
        assert any(
            reason.startswith("evidence missing: remote_access: sshd is installed but sshd -T")
            and "NoSuchOption" in reason
            for reason in result[control_id]["reasons"]
        ), result[control_id]["reasons"]
    assert len(result) == 20, "every control of the catalogue is still judged"
    assert result["MOE-19"]["status"] == "pass"


# ---------------------------------------------------------------- no host reachable


def test_audit_of_only_unreachable_hosts_writes_a_report_that_says_so_and_fails(host, tmp_path):
    unreachable = {
        "ansible_host": address_of(host),
        "ansible_port": 1,
        "ansible_connection": "ansible.builtin.ssh",
        "ansible_ssh_common_args": "-o ConnectTimeout=5 -o StrictHostKeyChecking=no",
    }
    with inventory_hosts("unreachable_hosts", {"audit-nowhere": unreachable}):
        run = run_playbook(
            "edu_tw.hardening.audit",
            {"target_hosts": "unreachable_hosts", "audit_report_dir": str(tmp_path)},
        )
    assert run.returncode != 0
    report = json.loads((tmp_path / "audit.json").read_text())
    (entry,) = report["hosts"]
    assert (entry["host"], entry["status"], entry["unreachable"]) == ("audit-nowhere", "fail", True)
    assert entry["error"].startswith("unreachable: ")
    assert report["summary"]["hosts_unreachable"] == 1
    assert "1 of them not audited" in run.stdout + run.stderr
