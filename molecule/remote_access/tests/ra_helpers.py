# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the remote_access scenario: windows opened as people open them (a vars file
or -e JSON to playbooks/remote_window_open.yml, over SSH), password logins from the
clients with sshpass, and what the target holds (shadow entry, window records, nft set).

The scenario's own conftest.py shares its fixtures; tests import these helpers by this
module's name, since ``conftest`` names two modules here (molecule/conftest.py and
tests/conftest.py)."""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import re
import subprocess
import time
from pathlib import Path

import yaml

_spec = importlib.util.spec_from_file_location(
    "hardening_molecule_conftest", Path(__file__).resolve().parents[2] / "conftest.py"
)
shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shared)

address_of = shared.address_of
connects = shared.connects
group_member = shared.group_member
run_playbook = shared.run_playbook
ssh_inventory = shared.ssh_inventory
wait_until = shared.wait_until

SCENARIO = Path(__file__).resolve().parents[1]
COLLECTION = SCENARIO.parents[1]
OPEN = str(COLLECTION / "playbooks" / "remote_window_open.yml")
CLOSE = str(COLLECTION / "playbooks" / "remote_window_close.yml")
CONVERGE = str(SCENARIO / "converge.yml")
EPHEMERAL = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
WORK = EPHEMERAL / "remote_access"
CREDENTIALS = WORK / "credentials"
VAULT_PASSWORD_FILE = WORK / "vault-password"
VAULT_PASSWORD = "molecule-remote-access-vault"
# The target as the controller's inventory names it when it is reached over SSH.
TARGET = "ra-target"
ACCOUNT = "vendor1"
WINDOWS_DIR = "/var/lib/edu_tw_hardening/windows"
SSHD_DROPIN_DIR = "/etc/ssh/sshd_config.d"
SET_V4 = "inet edu_tw_hardening remote_maintenance_v4"
TAIPEI = datetime.timezone(datetime.timedelta(hours=8))
SSH_OPTIONS = (
    "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 "
    "-o PubkeyAuthentication=no -o PreferredAuthentications=password "
    "-o NumberOfPasswordPrompts=1 -o LogLevel=ERROR"
)
RECAP = re.compile(rf"^{re.escape(TARGET)}\s*:\s*ok=\d+\s+changed=(\d+)", re.MULTILINE)


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def iso(moment: datetime.datetime) -> str:
    """A time as people write it in Taiwan: ISO 8601 with +08:00."""
    return moment.astimezone(TAIPEI).isoformat()


def parse_z(text: str) -> datetime.datetime:
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z")


def window(name: str, source: str, seconds: int, start: datetime.datetime | None = None) -> dict:
    """A window of ``seconds`` from ``start`` (default: a few seconds ago, so it is open)."""
    start = start or utc_now() - datetime.timedelta(seconds=5)
    return {
        "name": name,
        "account": ACCOUNT,
        "sources": [source],
        "start": iso(start),
        "end": iso(start + datetime.timedelta(seconds=seconds)),
        "purpose": f"molecule remote_access scenario: window {name}",
        "approval": f"MOE-TEST-{name.upper()}",
    }


def common_vars() -> dict:
    return {
        "target_hosts": TARGET,
        "remote_access_vault_password": VAULT_PASSWORD,
        "remote_access_credentials_dir": str(CREDENTIALS),
    }


def vars_file(name: str, content: dict) -> Path:
    """A vars file as people write one (YAML), for -e @file."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{name}.yml"
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    return path


def apply_window(
    windows: list[dict], file_name: str, args: tuple = (), playbook: str = OPEN
) -> subprocess.CompletedProcess:
    """ansible-playbook OPEN -e @file (the windows and the vault password) on the target."""
    path = vars_file(file_name, {**common_vars(), "remote_access_windows": windows})
    return run_playbook(playbook, None, ("-e", f"@{path}", "--limit", TARGET, *args))


def changed(run: subprocess.CompletedProcess) -> int | None:
    found = RECAP.search(run.stdout)
    return int(found.group(1)) if found else None


def output(run: subprocess.CompletedProcess) -> str:
    return run.stdout + run.stderr


def read_password(window_name: str) -> str:
    """The window's password, from the vault file the open playbook wrote."""
    path = CREDENTIALS / TARGET / f"{window_name}.vault"
    assert path.is_file(), f"no credentials file {path}: {sorted(map(str, WORK.rglob('*')))}"
    view = subprocess.run(
        ["ansible-vault", "view", "--vault-password-file", str(VAULT_PASSWORD_FILE), str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    password = view.stdout.strip()
    assert password, f"{path} holds an empty password"
    return password


def login(client, address: str, password: str, command: str = "id -un"):
    """A password login as the maintenance account from ``client``; the testinfra result
    (sshpass: rc 5 wrong password or refused by sshd, 255 no connection)."""
    return client.run(
        f"env SSHPASS=%s timeout 30 sshpass -e ssh {SSH_OPTIONS} %s %s",
        password,
        f"{ACCOUNT}@{address}",
        command,
    )


def logs_in(client, address: str, password: str) -> bool:
    result = login(client, address, password)
    return result.rc == 0 and result.stdout.strip() == ACCOUNT


def start_session(client, address: str, password: str) -> None:
    """An SSH session held open from ``client`` (``sleep 600``), in the background."""
    client.check_output(
        f"env SSHPASS=%s setsid -f sshpass -e ssh {SSH_OPTIONS} %s 'sleep 600' "
        ">/dev/null 2>&1 </dev/null",
        password,
        f"{ACCOUNT}@{address}",
    )


def client_session_alive(client, address: str) -> bool:
    return client.run("pgrep -f %s", f"ssh .*{ACCOUNT}@{re.escape(address)} sleep 600").rc == 0


def shadow(target) -> list[str]:
    return target.check_output("getent shadow %s", ACCOUNT).split(":")


def record(target, name: str) -> dict | None:
    path = f"{WINDOWS_DIR}/{name}.json"
    result = target.run("cat %s", path)
    return json.loads(result.stdout) if result.rc == 0 else None


def add_element(target, address: str, seconds: int = 60) -> None:
    """What a person with root does by hand: let ``address`` through the firewall."""
    target.check_output(f"nft add element {SET_V4} '{{ {address} timeout {seconds}s }}'")


def delete_element(target, address: str) -> None:
    target.run(f"nft delete element {SET_V4} '{{ {address} }}'")


def sshd_journal(target, since: float) -> str:
    """sshd's journal lines since ``since`` (epoch seconds)."""
    return target.check_output(
        "journalctl -q -o cat -t sshd -t sshd-session --since @%s", str(int(since) - 1)
    )


def host_state(target) -> dict:
    """What a refused run must leave as it was: the sshd drop-ins, the window records and
    the maintenance set (its countdowns stripped: they tick)."""
    files = target.run(
        f"find {SSHD_DROPIN_DIR} {WINDOWS_DIR} -type f -exec sha256sum {{}} + 2>/dev/null"
    ).stdout
    nft = target.check_output(f"nft list set {SET_V4}")
    return {
        "files": sorted(files.splitlines()),
        "set": re.sub(r" expires \S+?(?=[,\s}])", "", nft),
    }


def wait_for(check, seconds: float, every: float = 1.0):
    """Poll ``check()`` until it returns something true or ``seconds`` pass; its last value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(every)


def sleep_until(moment: datetime.datetime) -> None:
    left = (moment - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    if left > 0:
        time.sleep(left)


def audit(report_dir: Path, controls: list[str]) -> dict:
    """playbooks/audit.yml over SSH, not failing on findings; the target's verdicts by id."""
    run = run_playbook(
        str(COLLECTION / "playbooks" / "audit.yml"),
        {
            "target_hosts": TARGET,
            "audit_controls": controls,
            "audit_fail_on_findings": False,
            "audit_report_dir": str(report_dir),
        },
        ("--limit", TARGET),
    )
    assert run.returncode == 0, output(run)[-4000:]
    return verdicts(report_dir / "audit.json")


def verdicts(path: Path) -> dict[str, dict]:
    (host,) = json.loads(path.read_text())["hosts"]
    assert not host.get("unreachable"), host
    return {control["id"]: control for control in host["controls"]}


def listening(host, port: int) -> bool:
    """Whether anything listens on TCP ``port`` (any address family)."""
    return bool(host.run("ss -H -l -t -n %s", f"sport = :{port}").stdout.strip())


def controller_reaches(address: str) -> bool:
    """Whether this machine (the controller) opens a TCP connection to ``address:22``; after
    a restart of the target it may not for a while (new MAC, stale neighbour entry)."""
    import socket

    try:
        socket.create_connection((address, 22), timeout=3).close()
    except OSError:
        return False
    return True


def podman(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=True)


def follow_the_target(target, addresses: dict[str, str]) -> None:
    """After a restart podman gives the target a new address: the tests and the controller's
    inventory (ssh_hosts.yml, written by molecule/conftest.py ssh_inventory) follow it."""
    addresses["target"] = wait_for(lambda: _address_or_none(target), 30) or addresses["target"]
    path = Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent / "ssh_hosts.yml"
    inventory = yaml.safe_load(path.read_text())
    for host in inventory["ssh_hosts"]["hosts"].values():
        host["ansible_host"] = addresses["target"]
    path.write_text(yaml.safe_dump(inventory))


def _address_or_none(target) -> str | None:
    try:
        return address_of(target)
    except (AssertionError, IndexError, RuntimeError):
        return None
