# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""README.md's "Running it against real hosts", followed word for word.

The commands are read from README.md itself: each fenced block after a
``<!-- readme-test: NAME[, exits N] -->`` comment, run in the README's order by bash in a
fresh copy of the repository (the files a clone of this working tree has), with a HOME
of its own (so ``~/collections`` and ``~/school-site`` are new) and an environment
without any ANSIBLE_ or MOLECULE_ variable, as in a new user's shell. State passes from
one block to the next as in one shell (working directory, exported variables).

The one adaptation, made where the README tells a user to edit (after the site-directory
step, before the first playbook): the example's two server addresses become the test
hosts' addresses wherever they appear in the copied inventory and group_vars, and a
host_vars file per host names the scenario's SSH key and turns off the known-hosts check
(what a user's ~/.ssh provides); the example's ClamAV mirror becomes the test hosts' local
signature database (molecule/shared/prepare.yml: ClamAV's own databases cannot be fetched
or faked offline), and its security mirror the test hosts' local, signed archive
(molecule/shared/patching_archive.yml: the real one's pending updates change daily).
Everything else of examples/school is used as it is. The
account is the README's ``chen.ops``, with NOPASSWD sudo (prepare.yml). The controller is
this venv's ansible-core (the README's first bullet installs the same version).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import testinfra
import yaml
from conftest import address_of, connects, group_member

ROOT = Path(os.environ.get("MOLECULE_PROJECT_DIRECTORY") or Path(__file__).resolve().parents[3])
MARKER = re.compile(
    r"^<!-- readme-test: (?P<name>[\w-]+)(?:, exits (?P<rc>\d+))? -->\n```sh\n(?P<body>.*?)^```$",
    re.MULTILINE | re.DOTALL,
)
# The controls whose roles exist; every other control is only reported.
# The test hosts' "mirror": a custom signature database (molecule/shared/prepare.yml).
TEST_SIGNATURES = "file:///srv/edu_tw_hardening-mirror/edu_tw_test.ndb"
# The test hosts' security archive: a local, signed one (molecule/shared/patching_archive.yml).
TEST_ARCHIVE = (
    "patching_security_archive_uri: file:/srv/local-mirror\n"
    "patching_security_archive_keyring: /usr/local/share/keyrings/edu-tw-test-archive.gpg\n"
)
ENFORCED = [
    "MOE-12.9.1",
    "MOE-12.9.2",
    "MOE-12.9.3",
    "MOE-12.9.4",
    "MOE-12.9.5",
    "MOE-15",
    "MOE-16",
    "MOE-17",
    "MOE-18",
    "MOE-19",
]


def readme_steps(text: str) -> list[tuple[str, int, str]]:
    """(name, expected exit status, commands) of each marked block, in README order."""
    return [(m["name"], int(m["rc"] or 0), m["body"]) for m in MARKER.finditer(text)]


def fresh_clone(dest: Path) -> Path:
    """A ``git clone`` of this repository, as a new user makes one, with the working tree's
    uncommitted changes laid over it (in CI, itself a clean clone, there are none)."""
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True)
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "--modified", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, (entry.decode() for entry in listed)):
        source = ROOT / name
        if not os.path.lexists(source):
            (dest / name).unlink(missing_ok=True)  # deleted in the working tree
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name, follow_symlinks=False)
    return dest


class Shell:
    """Runs README blocks one by one as if in one shell, and records each run."""

    def __init__(self, home: Path, cwd: Path) -> None:
        self.state = home.parent / "shell-state"
        self.state.mkdir()
        (self.state / "cwd").write_text(str(cwd))
        (self.state / "env").write_text("")
        venv_bin = str(Path(sys.executable).parent)
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ANSIBLE_", "MOLECULE_", "PYTEST_", "VIRTUAL_ENV"))
        }
        # The controller of the README: ansible-core on PATH (this venv), plain output.
        self.env.update(HOME=str(home), PATH=f"{venv_bin}:{os.environ['PATH']}")
        self.env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
        self.runs: dict[str, dict] = {}

    @property
    def cwd(self) -> Path:
        return Path((self.state / "cwd").read_text().strip())

    def run(self, name: str, body: str) -> dict:
        script = (
            f'cd "$(cat {self.state}/cwd)"\n'
            f". {self.state}/env\n"
            f"trap 'pwd > {self.state}/cwd; export -p > {self.state}/env' EXIT\n"
            "set -e\n" + body
        )
        started = time.monotonic()
        done = subprocess.run(
            ["bash", "-c", script],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        self.runs[name] = {
            "rc": done.returncode,
            "output": done.stdout + done.stderr,
            "seconds": round(time.monotonic() - started, 1),
        }
        return self.runs[name]


# The example's addresses of web1 and db1 (examples/school/inventory.yml, and db1's
# firewall source in group_vars/db.yml).
EXAMPLE_ADDRESSES = {"web": "192.0.2.10", "db": "192.0.2.20"}


def adapt_site(site: Path, addresses: dict[str, str], key: Path) -> None:
    """What a user edits: the example's server addresses become the test hosts' (in the
    inventory and group_vars, wherever they appear); and, as ~/.ssh would, a host_vars file
    per host names the scenario's key and turns off the known-hosts check."""
    for group, example in EXAMPLE_ADDRESSES.items():
        pattern = re.compile(rf"(?<![\d.]){re.escape(example)}(?![\d/])")
        hits = 0
        for path in [site / "inventory.yml", *sorted((site / "group_vars").glob("*.yml"))]:
            text, count = pattern.subn(addresses[group], path.read_text())
            path.write_text(text)
            hits += count
        assert hits, f"examples/school no longer uses {example} for {group}: update this test"
    all_vars = site / "group_vars" / "all.yml"
    text, count = re.subn(
        r"antivirus_private_mirrors:\n  - \S+\n",
        "antivirus_official_databases_enabled: false\nantivirus_custom_urls:\n"
        f"  - {TEST_SIGNATURES}\n",
        all_vars.read_text(),
    )
    assert count == 1, "examples/school no longer names a ClamAV mirror: update this test"
    text, count = re.subn(r"patching_security_archive_uri: \S+\n", TEST_ARCHIVE, text)
    assert count == 1, "examples/school no longer names a security mirror: update this test"
    all_vars.write_text(text)
    inventory = yaml.safe_load((site / "inventory.yml").read_text())
    (site / "host_vars").mkdir(exist_ok=True)
    for group in addresses:
        (name,) = inventory["all"]["children"][group]["hosts"]
        (site / "host_vars" / f"{name}.yml").write_text(
            yaml.safe_dump(
                {
                    "ansible_ssh_private_key_file": str(key),
                    "ansible_ssh_common_args": "-o StrictHostKeyChecking=no "
                    "-o UserKnownHostsFile=/dev/null",
                }
            )
        )


@pytest.fixture(scope="module")
def web() -> testinfra.host.Host:
    return testinfra.get_host(f"podman://{group_member('web')}")


@pytest.fixture(scope="module")
def db() -> testinfra.host.Host:
    return testinfra.get_host(f"podman://{group_member('db')}")


@pytest.fixture(scope="module")
def walkthrough(request, web, db, ssh_key):
    """Every README step run in order; the shell with its records, and the site directory."""
    # A short path: ssh's control sockets live under HOME (at most 108 characters).
    ephemeral = Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"])
    top = Path(tempfile.mkdtemp(prefix="readme-"))
    clone = fresh_clone(top / "clone")
    (top / "home").mkdir()
    shell = Shell(top / "home", clone)
    steps = readme_steps((clone / "README.md").read_text())
    assert [step[0] for step in steps] == [
        "install",
        "site-directory",
        "site",
        "audit",
        "remediate",
    ], "README.md's marked steps changed: update this test with them"
    expected = {}
    for name, rc, body in steps:
        if name == "site":
            adapt_site(shell.cwd, {"web": address_of(web), "db": address_of(db)}, ssh_key)
        expected[name] = rc
        run = shell.run(name, body)
        if run["rc"] != rc:
            break  # the later steps depend on this one
    timings = {name: run["seconds"] for name, run in shell.runs.items()}
    (ephemeral / "readme-timings.json").write_text(json.dumps({"dir": str(top), **timings}))
    yield {"shell": shell, "expected": expected, "site": shell.cwd, "home": top / "home"}
    if not request.session.testsfailed:  # kept for a look after a failure
        shutil.rmtree(top, ignore_errors=True)


def _step(walkthrough, name: str) -> dict:
    run = walkthrough["shell"].runs.get(name)
    assert run is not None, f"step {name} did not run (an earlier step failed)"
    return run


@pytest.mark.parametrize("name", ["install", "site-directory", "site", "audit", "remediate"])
def test_each_readme_step_exits_as_the_readme_says(walkthrough, name):
    run = _step(walkthrough, name)
    assert run["rc"] == walkthrough["expected"][name], run["output"][-6000:]


@pytest.mark.parametrize("name", ["install", "site", "audit", "remediate"])
def test_no_step_prints_an_ansible_warning(walkthrough, name):
    # The interpreter-discovery warning among them: the inventory sets the interpreter.
    output = _step(walkthrough, name)["output"]
    assert "[WARNING]" not in output, [line for line in output.splitlines() if "WARNING" in line]


def test_the_collection_is_installed_where_the_readme_says(walkthrough):
    manifest = (
        walkthrough["home"] / "collections/ansible_collections/edu_tw/hardening/MANIFEST.json"
    )
    assert json.loads(manifest.read_text())["collection_info"]["name"] == "hardening"


def test_the_check_run_names_the_undeclared_listener_it_cuts_off(walkthrough):
    output = _step(walkthrough, "site")["output"]
    warnings = [line for line in output.splitlines() if "WARNING: the firewall drops" in line]
    assert warnings, output[-4000:]
    text = "\n".join(warnings)
    assert "8080/tcp" in text
    # Declared services and SSH are never named.
    assert not re.search(r"(?<![0-9])(80|443|5432|22)/tcp", text), text


def _report(walkthrough, name: str) -> dict:
    return json.loads((walkthrough["site"] / "audit-reports" / f"{name}.json").read_text())


@pytest.mark.parametrize("name", ["audit", "before", "after"])
def test_reports_are_written_where_the_readme_says(walkthrough, name):
    for suffix in ("json", "junit.xml", "html"):
        assert (walkthrough["site"] / "audit-reports" / f"{name}.{suffix}").is_file()


@pytest.mark.parametrize("name", ["audit", "after"])
def test_both_hosts_pass_the_controls_the_roles_enforce(walkthrough, name):
    report = _report(walkthrough, name)
    assert len(report["hosts"]) == 2
    for host in report["hosts"]:
        verdicts = {c["id"]: c for c in host["controls"]}
        assert not host.get("unreachable"), (host["host"], host.get("error"))
        failing = {
            cid: verdicts[cid]["reasons"] for cid in ENFORCED if verdicts[cid]["status"] != "pass"
        }
        assert not failing, (host["host"], failing)


def test_the_audit_fails_only_controls_without_a_role(walkthrough):
    report = _report(walkthrough, "audit")
    for host in report["hosts"]:
        failing = {c["id"] for c in host["controls"] if c["status"] == "fail"}
        assert failing, "exit status 2 with no failing control"
        assert not failing & set(ENFORCED)


def test_remediation_lists_the_controls_without_a_role_and_applies_nothing(walkthrough):
    for host in _report(walkthrough, "before")["hosts"]:
        assert host["remediation"]["unavailable"], host["remediation"]
        assert not host["remediation"]["roles"], host["remediation"]


def test_web_serves_80_and_443_to_the_other_host(walkthrough, web, db):
    for port in (80, 443):
        assert connects(db, address_of(web), port)


def test_the_undeclared_listener_is_cut_off(walkthrough, web, db):
    assert web.run("ss -H -l -t -n 'sport = :8080'").stdout.strip(), "nothing listens on 8080"
    assert not connects(db, address_of(web), 8080)


def test_the_database_port_is_reachable_from_the_web_server(walkthrough, web, db):
    assert connects(web, address_of(db), 5432)


def test_the_database_port_is_closed_to_anyone_else(walkthrough, db):
    # The controller (this machine) reaches SSH, not the database.
    with pytest.raises(OSError):
        socket.create_connection((address_of(db), 5432), timeout=3).close()


def test_the_sudo_account_still_logs_in_over_ssh(walkthrough, web, db, ssh_key):
    for server in (web, db):
        remote = testinfra.get_host(
            f"ssh://chen.ops@{address_of(server)}",
            ssh_identity_file=str(ssh_key),
            ssh_extra_args="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
            "-o ConnectTimeout=5 -o BatchMode=yes",
        )
        assert remote.check_output("sudo -n id -un") == "root"
