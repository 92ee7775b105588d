# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A hostile review of remote maintenance (issue #12): values as people and AWX give them,
and what a maintainer can do from inside a window. A hardening tool has root on every
server: it must never be the thing that opens one.

Tests marked ``HOLE (open)`` show a way the feature opens a host, keeps a window open or
leaks a secret that is not fixed yet: each is an ``xfail(strict=True)``, so it turns red
the day it is fixed (rename it test_fixed_* then). The ``test_fixed_*`` ones are holes the
review found and that are fixed (in the input layer, the module, the host-side program or
the role), kept so they stay fixed, and values that are correctly refused.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import threading
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import pytest
import yaml
from ansible_collections.edu_tw.hardening.plugins.module_utils import maintenance_windows as mw
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import inputs

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 29, 1, 0, 0, tzinfo=UTC)  # 09:00 in Taiwan
CONTEXT = {"now": NOW}
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ2ZW5kb3Ita2V5LWZvci10ZXN0cy1vbmx5"
RENDERED = {"remote_access_credentials_dir": "/srv/credentials"}
ROLE = Path(inputs.COLLECTION_ROOT) / "roles" / "remote_access"


def window(**fields) -> dict:
    data = {
        "name": "lms-upgrade",
        "account": "vendor1",
        "sources": ["10.88.0.77"],
        "start": "2026-11-29T10:00:00+08:00",
        "end": "2026-11-29T12:00:00+08:00",
        "purpose": "LMS upgrade",
        "approval": "MOE 2026-0117",
    }
    data.update(fields)
    return data


def errors(**raw) -> list[str]:
    raw = {"remote_access_maintenance_accounts": ["vendor1"], **RENDERED, **raw}
    return inputs.check_inputs(inputs.load_role("remote_access"), raw, CONTEXT).errors


def record(name="w1", account="vendor1", **fields) -> dict:
    """A record as the module writes it, open at NOW (00:30 to 03:00 UTC)."""
    data = {
        "name": name,
        "account": account,
        "sources": ["10.88.0.77"],
        "start": "2026-11-29T00:30:00Z",
        "end": "2026-11-29T03:00:00Z",
        "purpose": "LMS upgrade",
        "approval": "MOE 2026-0117",
        "auth": "password",
        "opened": "2026-11-29T00:30:00Z",
        "closed": None,
        "closed_by": None,
        "logins": [],
    }
    data.update(fields)
    return data


# ================================================================ fixed in the input layer


@pytest.mark.parametrize("sources", [[], "", " "], ids=["empty-list", "empty-survey", "blank"])
def test_fixed_a_window_without_sources_is_refused(sources):
    """FIXED (inputs.remote_access_windows): ``sources: []`` (or an empty AWX survey
    field, which the list coercion turns into []) passed every check. The module then
    wrote a record that the host-side program refuses, and read_records refuses them all:
    no window on the host closed at its end any more (the timers' reconcile fails)."""
    found = errors(remote_access_windows=[window(sources=sources)])
    assert any("remote_access_windows[0]" in e and ".sources" in e for e in found), found
    with pytest.raises(mw.WindowError, match="sources"):
        mw.parse_record(mw.record_text(record(sources=[])))


@pytest.mark.parametrize(
    ("key", "given"),
    [
        ("start", "0999-12-31T23:00:00Z"),  # strftime writes year 999 as "999"
        ("start", "0001-01-01T00:00:00+14:00"),  # before year 1 in UTC: OverflowError
        ("end", "9999-12-31T23:59:59-12:00"),  # after year 9999 in UTC: OverflowError
    ],
)
def test_fixed_a_time_outside_the_four_digit_years_is_refused_naming_it(key, given):
    """FIXED (inputs._time): these raised ValueError/OverflowError out of check_inputs (a
    traceback, not a message naming the variable)."""
    found = errors(remote_access_windows=[window(**{key: given})])
    assert any(e.startswith(f"remote_access_windows[0].{key}:") for e in found), found


@pytest.mark.parametrize("account", ["0", "1000", 0, 1000, "65534"])
def test_fixed_an_account_of_digits_only_is_refused(account):
    """FIXED (inputs FORMATS['account']): '1000' (or 1000 from -e JSON) was an account.
    The host-side program passes it to pgrep/pkill -u and loginctl terminate-user, which
    read digits as a UID: closing the window would kill the processes of UID 1000 (the
    administrator), or of root for '0'; and useradd refuses it, leaving a configuration
    whose account the timers' reconcile cannot find."""
    found = errors(
        remote_access_maintenance_accounts=[account],
        remote_access_windows=[window(account=account)],
    )
    assert any(e.startswith("remote_access_maintenance_accounts[0]:") for e in found), found
    assert any(e.startswith("remote_access_windows[0].account:") for e in found), found


def test_fixed_window_names_that_differ_in_case_only_are_refused():
    """FIXED (inputs.remote_access_windows): 'CHG-1' and 'chg-1' were both accepted; on a
    case-insensitive controller (macOS) their vault files are one file, so one
    maintainer's password overwrites the other's."""
    later = {"start": "2026-11-29T13:00:00+08:00", "end": "2026-11-29T14:00:00+08:00"}
    found = errors(remote_access_windows=[window(name="CHG-1"), window(name="chg-1", **later)])
    assert any("remote_access_windows[1] (chg-1).name" in e for e in found), found


def _vault_guard() -> dict:
    tasks = yaml.safe_load((ROLE / "tasks" / "windows.yml").read_text(encoding="utf-8"))
    return tasks[0]


@pytest.mark.parametrize(
    ("host", "accepted"),
    [
        ("web1", True),
        ("web1.school.edu.tw", True),
        ("2001:db8::5", True),
        ("../../home/awx/.ssh/x", False),
        ("a/b", False),
        ("/etc/cron.d/x", False),
    ],
)
def test_fixed_a_host_name_with_a_slash_cannot_move_the_vault_file(host, accepted):
    """FIXED (tasks/windows.yml, first task): the vault file is
    ``<credentials_dir>/<inventory_hostname>_<window>.vault`` on the controller; a host
    named '../../x' by a dynamic inventory (a cloud tag) wrote it outside the directory."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    task = _vault_guard()
    assert "ansible.builtin.assert" in task, "the guard runs before any host change"
    assert "vault_password" in task["when"]
    templar = Templar(loader=DataLoader(), variables={"inventory_hostname": host})
    that = trust_as_template(task["ansible.builtin.assert"]["that"])
    assert templar.evaluate_conditional(that) is accepted


# ======================================================= fixed on the host and in the module


class FakeHost:
    """The commands the host-side program runs, in memory (the shape of the module_utils
    tests' FakeRun, small)."""

    def __init__(self, accounts=("vendor1", "vendor2")):
        self.calls: list[list[str]] = []
        self.shadow = {a: [a, "!$y$old", "1", "0", "99999", "7", "", "1", ""] for a in accounts}
        self.elements: dict[int, set[str]] = {4: set(), 6: set()}

    def __call__(self, argv, data):
        argv = list(argv)
        self.calls.append(argv)
        if argv[:2] == ["getent", "shadow"]:
            fields = self.shadow.get(argv[2])
            return (0, ":".join(fields) + "\n", "") if fields else (2, "", "")
        if argv[0] == "chpasswd":
            account = data.split(":", 1)[0]
            self.shadow[account][1] = "$y$new"
            return 0, "", ""
        if argv[0] == "usermod":
            fields = self.shadow[argv[-1]]
            if argv[1] == "-L" and not fields[1].startswith("!"):
                fields[1] = "!" + fields[1]
            elif argv[1] == "-U":
                fields[1] = fields[1].lstrip("!")
            elif argv[1] == "-e":
                fields[7] = argv[2]
            return 0, "", ""
        if argv[:3] == ["nft", "-j", "list"]:
            family = int(argv[-1][-1])
            elem = sorted(self.elements[family])
            return 0, json.dumps({"nftables": [{"set": {"elem": elem}}]}), ""
        if argv[:2] == ["nft", "add"]:
            self.elements[int(argv[5][-1])].add(re.findall(r"\{ (\S+)", argv[6])[0])
            return 0, "", ""
        if argv[:2] == ["nft", "delete"]:
            self.elements[int(argv[5][-1])].discard(re.findall(r"\{ (\S+)", argv[6])[0])
            return 0, "", ""
        if argv[0] == "pgrep":
            return 1, "", ""
        if argv[0] in ("loginctl", "pkill", "systemctl", "sshd", "journalctl"):
            return 0, "", ""
        raise AssertionError(f"unexpected command {argv}")


@pytest.fixture
def host_paths(tmp_path, monkeypatch):
    """The host's files under tmp_path: records, units, sshd, root's keys and the homes."""
    (tmp_path / "windows").mkdir()
    (tmp_path / "systemd").mkdir()
    (tmp_path / "ssh").mkdir()
    (tmp_path / "ssh" / "sshd_config").write_text("Include /etc/ssh/sshd_config.d/*.conf\n")
    monkeypatch.setattr(mw, "SSHD_CONFIG", str(tmp_path / "ssh" / "sshd_config"))
    monkeypatch.setattr(mw, "SSHD_DROP_IN", str(tmp_path / "ssh" / "drop-in.conf"))
    monkeypatch.setattr(mw, "SYSTEMD_DIR", str(tmp_path / "systemd"))
    monkeypatch.setattr(mw, "CONFIG_PATH", str(tmp_path / "remote_access.json"))
    home = tmp_path / "home"
    real = mw.os.path.expanduser
    monkeypatch.setattr(
        mw.os.path,
        "expanduser",
        # Only "~user" paths: the rest of the process (Ansible's own config) is untouched.
        lambda path: (
            str(home / path[1:]) if isinstance(path, str) and path[:1] == "~" else real(path)
        ),
    )
    keys_path = mw.keys_path
    keys_dir = str(tmp_path / "ssh" / "keys")
    monkeypatch.setattr(mw, "keys_path", lambda account, where=keys_dir: keys_path(account, where))
    return tmp_path


def test_fixed_an_open_window_of_an_account_no_longer_declared_keeps_its_source_limit(
    host_paths,
):
    """FIXED (maintenance_windows.reconcile), high. A window dropped from
    remote_access_windows stays open on the host until its end (by design); with its
    account also dropped from remote_access_maintenance_accounts, the drop-in lost the
    account's Match block: unlocked with its password, it was let in from ANY address sshd
    and the firewall admit. Now every account with a record not closed stays in it."""
    config = mw.Config(["vendor2"], str(host_paths / "windows"), "inet edu_tw_hardening")
    (host_paths / "windows" / "w1.json").write_text(mw.record_text(record()))
    fake = FakeHost()
    mw.reconcile(mw.Host(config, run=fake), NOW)
    drop_in = Path(mw.SSHD_DROP_IN).read_text()
    assert "Match User vendor1 Address !10.88.0.77,0.0.0.0/0,::/0\n\tDenyUsers *" in drop_in, (
        drop_in
    )
    assert "Match User vendor1\n\tAuthorizedKeysFile " in drop_in, drop_in


def _module():
    from ansible_collections.edu_tw.hardening.plugins.modules import maintenance_windows

    return maintenance_windows


@pytest.mark.parametrize("link", ["dir", "file"])
def test_fixed_opening_a_key_window_never_follows_the_accounts_symlinks(
    host_paths, monkeypatch, link
):
    """FIXED (module _open, mw.write_keys), high. The maintenance account owns its home.
    From a first (password) window the maintainer made ~/.ssh a symlink to /root/.ssh (or
    ~/.ssh/authorized_keys one to /etc/shadow); a later key window's open, as root, read
    the target, chowned it to the account and wrote it with the key into a file the account
    owns. Now the key goes to root's file under KEYS_DIR (the drop-in's AuthorizedKeysFile),
    0644 in a 0755 directory; the home is neither read, written nor chowned."""
    module = _module()
    outside = host_paths / "outside"
    outside.mkdir()
    secret = outside / "shadow"
    secret.write_text("root:$y$j9T$ROOTHASH:20000:0:99999:7:::\n")
    home = host_paths / "home" / "vendor1"
    home.mkdir(parents=True)
    if link == "dir":
        (outside / "authorized_keys").write_text("ssh-ed25519 AAAAroot root@admin\n")
        (home / ".ssh").symlink_to(outside, target_is_directory=True)
    else:
        (home / ".ssh").mkdir()
        (home / ".ssh" / "authorized_keys").symlink_to(secret)
    before = {p.name: p.read_text() for p in outside.iterdir()}
    chowned: list[str] = []
    monkeypatch.setattr(module.os, "chown", lambda path, uid, gid: chowned.append(str(path)))
    monkeypatch.setattr(
        module.pwd,
        "getpwnam",
        lambda name: SimpleNamespace(pw_uid=1001, pw_gid=1001, pw_dir=str(home)),
    )
    config = mw.Config(["vendor1"], str(host_paths / "windows"), "inet edu_tw_hardening")
    host = mw.Host(config, run=FakeHost())
    fake_module = SimpleNamespace(check_mode=False)
    module._open(
        fake_module,
        host,
        dict(window(), public_key=KEY, start="2026-11-29T00:30:00Z", end="2026-11-29T03:00:00Z"),
        NOW,
    )

    after = {p.name: p.read_text() for p in outside.iterdir()}
    assert after == before, "a file outside the account's ~/.ssh was written"
    assert chowned == [], "nothing is given to the account"
    assert (home / ".ssh").is_symlink() == (link == "dir"), "the home is left as it was"
    keys = Path(mw.keys_path("vendor1"))
    assert keys.parent == host_paths / "ssh" / "keys"
    assert keys.read_text() == mw.key_line(record(name="lms-upgrade"), KEY) + "\n"
    assert keys.read_text().startswith("restrict,pty,from=")
    assert "ROOTHASH" not in keys.read_text(), "/etc/shadow copied into the vendor's file"
    assert (keys.stat().st_mode & 0o7777, keys.parent.stat().st_mode & 0o7777) == (0o644, 0o755)


def test_fixed_a_fifo_as_authorized_keys_does_not_stop_the_close(host_paths):
    """FIXED (maintenance_windows.close), high. During a password window the maintainer
    ran ``mkfifo ~/.ssh/authorized_keys``; at the window's end close() opened that FIFO as
    root and blocked forever (sessions never ended, the record never closed, the windows
    lock held). Now close() reads root's keys file only, never the home."""
    ssh_dir = host_paths / "home" / "vendor1" / ".ssh"
    ssh_dir.mkdir(parents=True)
    fifo = ssh_dir / "authorized_keys"
    os.mkfifo(fifo)
    config = mw.Config(["vendor1"], str(host_paths / "windows"), "inet edu_tw_hardening")
    (host_paths / "windows" / "w1.json").write_text(mw.record_text(record()))
    fake = FakeHost()
    host = mw.Host(config, run=fake)
    done: list[str] = []

    def run():
        mw.close(host, mw.read_records(config)[0], NOW, "early")
        done.append("closed")

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5)
    blocked = thread.is_alive()
    if blocked:  # let the reader go: open the writing end and close it (EOF)
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(5)
    assert not blocked, "close() blocked on the account's FIFO before ending its sessions"
    assert ["pgrep", "-u", "vendor1"] in fake.calls
    assert done == ["closed"] and mw.read_records(config)[0]["closed_by"] == "early"


def _passwd(accounts: dict[str, tuple[int, str]]):
    """pwd.getpwnam over ``accounts`` (name: (UID, GECOS comment)); KeyError for others."""

    def getpwnam(name: str) -> SimpleNamespace:
        uid, gecos = accounts[name]
        return SimpleNamespace(
            pw_name=name, pw_uid=uid, pw_gid=uid, pw_gecos=gecos, pw_dir=f"/home/{name}"
        )

    return getpwnam


def _refusals(monkeypatch, accounts: dict[str, tuple[int, str]], declared: list[str]):
    module = _module()
    monkeypatch.setattr(module.pwd, "getpwnam", _passwd(accounts))
    params = {"accounts": declared, "windows": [], "close": [], "password_delivered": True}
    return module._refusals(SimpleNamespace(params=params), {})


@pytest.mark.parametrize(
    ("account", "uid", "gecos"),
    [
        ("nobody", 65534, "nobody"),  # UID above 1000, yet the system's own account
        ("admin", 1000, "School Admin,,,"),  # the administrator: a password for a sudoer
        ("teacher", 1001, ""),  # a user's account without a comment
        ("vendor1", 1002, "remote maintenance"),  # close to the comment, not it
        ("vendor2", 1003, "remote maintenance (edu_tw.hardening) "),
    ],
)
def test_fixed_the_module_refuses_an_account_it_did_not_create(monkeypatch, account, uid, gecos):
    """FIXED (module _refusals), high. The module refused UIDs below 1000 only: 'nobody'
    (65534) or the administrator were taken as maintenance accounts (a window gave the
    vendor their password, outside windows they were locked). Now an existing account is
    used only when its comment is the one the module gives the accounts it creates."""
    found = _refusals(monkeypatch, {account: (uid, gecos)}, [account])
    assert len(found) == 1, found
    assert found[0].startswith(f"accounts: {account} exists and is not a maintenance account")
    assert repr(gecos) in found[0]


def test_fixed_the_module_refuses_a_system_account_even_with_its_comment(monkeypatch):
    comment = _module().ACCOUNT_COMMENT
    found = _refusals(monkeypatch, {"daemon": (1, comment)}, ["daemon"])
    assert found == [
        "accounts: daemon is a system account (UID 1); remote maintenance uses an account "
        "of its own"
    ]


def test_the_module_takes_its_own_accounts_and_new_ones(monkeypatch):
    """An account it created (its comment, a normal UID) and one it will create are used;
    only the administrator's is refused, named."""
    module = _module()
    assert module.ACCOUNT_COMMENT == "remote maintenance (edu_tw.hardening)"
    accounts = {"vendor1": (1001, module.ACCOUNT_COMMENT), "admin": (1000, "Admin")}
    found = _refusals(monkeypatch, accounts, ["vendor1", "vendor9", "admin"])
    assert len(found) == 1 and found[0].startswith("accounts: admin "), found


def test_the_module_creates_its_accounts_with_the_comment_it_checks():
    module = _module()
    calls: list[list[str]] = []
    host = SimpleNamespace(run=calls.append)
    module._create(host, "vendor1")
    (argv,) = calls
    assert argv[argv.index("--comment") + 1] == module.ACCOUNT_COMMENT
    assert argv[0] == "useradd" and argv[-1] == "vendor1"


def _role_inputs(task_vars: dict, mode: str = "apply") -> dict:
    """The role_inputs action's result for remote_access with ``task_vars``."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.playbook.play_context import PlayContext
    from ansible.playbook.task import Task
    from ansible.template import Templar
    from ansible_collections.edu_tw.hardening.plugins.action.role_inputs import ActionModule

    task = Task()
    task.args = {"roles": ["remote_access"], "mode": mode}
    connection = mock.MagicMock(ansible_name="ansible.builtin.local")
    loader = DataLoader()
    action = ActionModule(task, connection, PlayContext(), loader, Templar(loader=loader), None)
    return action.run(task_vars=task_vars)


def test_fixed_role_inputs_does_not_show_the_vault_password_with_v():
    """FIXED (action role_inputs), medium. The action returned
    remote_access_vault_password in clear in ``inputs`` (no_log: true in the argument spec
    was not honoured): ``-v`` (common in AWX job templates) printed it. Now a result that
    holds a no_log input is itself no_log (Ansible censors it at every verbosity)."""
    result = _role_inputs({"remote_access_vault_password": "S3cret-vault", **RENDERED})
    assert not result.get("failed"), result
    assert result["_ansible_no_log"] is True
    assert result["inputs"]["remote_access"]["vault_password"] == "S3cret-vault", "still given"


def test_role_inputs_without_a_secret_is_shown():
    """Only a result that holds a secret is censored: an empty vault password (the
    default) leaves the checked inputs readable with -v."""
    result = _role_inputs(dict(RENDERED))
    assert not result.get("failed"), result
    assert "_ansible_no_log" not in result


@pytest.mark.parametrize(
    "password",
    ["S3cret-vault\n", "it's\n\"S3cret", "S3cret\u200bvault", "S3cret-vault\x00"],
    ids=["newline", "quotes", "zero-width", "nul"],
)
def test_fixed_a_refused_vault_password_is_masked_in_the_message(password):
    """FIXED (action role_inputs, inputs.masked): a vault password refused for what it
    holds (a trailing newline from a file lookup) was quoted in the failure message, shown
    at every verbosity. Now masked, as given and as its repr."""
    result = _role_inputs({"remote_access_vault_password": password, **RENDERED})
    assert result["failed"] is True
    shown = json.dumps(result)
    assert "S3cret" not in shown, shown
    assert repr(password) not in result["msg"]
    assert result["msg"].startswith("remote_access_vault_password: '********' contains U+")
    assert all("S3cret" not in error for error in result["errors"])


def test_fixed_the_audits_declarations_are_censored_when_they_hold_the_vault_password():
    """HOLE (open), medium. roles/audit/tasks/main.yml runs role_inputs with roles: [all]
    and mode: declarations (no no_log): the result holds
    inputs.remote_access.vault_password in clear, so ``-v`` on an audit run prints the
    vault password of every maintenance password file. Expected: no_log of that result,
    or the value masked."""
    result = _role_inputs(
        {"remote_access_vault_password": "S3cret-vault", **RENDERED}, mode="declarations"
    )
    assert result.get("_ansible_no_log") or "S3cret-vault" not in json.dumps(result)


def test_fixed_validate_set_fact_does_not_show_the_vault_password_with_v():
    """FIXED (tasks/validate.yml), medium. The checked inputs, vault password included,
    were copied with set_fact and no no_log: ``-v`` printed them again as ansible_facts."""
    tasks = yaml.safe_load((ROLE / "tasks" / "validate.yml").read_text(encoding="utf-8"))
    for task in tasks:
        if "ansible.builtin.set_fact" in task:
            assert task.get("no_log") is True, task["name"]


@pytest.mark.parametrize("auth", ["password", "key"])
def test_fixed_a_window_allows_no_tunnel_into_the_network(auth):
    """FIXED (key_line, sshd_drop_in), medium. A window is "SSH to this server"; the key
    line forbade agent and X11 forwarding only, and nothing forbade TCP forwarding or tun
    devices for password windows: ``ssh -D``/``-L``/``-w`` into the school's network. Now
    the key line is ``restrict,pty`` and the account's drop-in block says DisableForwarding
    (TCP, stream-local, agent, X11) and PermitTunnel no, whatever the window's kind."""
    options = mw.key_line(record(auth="key"), KEY).split(" ")[0].split(",")
    assert options[:2] == ["restrict", "pty"], options
    assert not {"port-forwarding", "agent-forwarding", "X11-forwarding", "user-rc"} & set(options)
    assert not any(
        option.startswith(("permitopen", "permitlisten", "tunnel")) for option in options
    )
    drop_in = mw.sshd_drop_in(["vendor1"], [record(auth=auth)])
    block = drop_in.split("Match User vendor1\n", 1)[1].split("Match ", 1)[0]
    assert "\tDisableForwarding yes\n" in block and "\tPermitTunnel no\n" in block, drop_in


def test_a_key_window_is_added_to_roots_keys_file_after_the_others(host_paths):
    """A second key window of the account: its line after the first one's; in check mode
    the file is not touched."""
    module = _module()
    config = mw.Config(["vendor1"], str(host_paths / "windows"), "inet edu_tw_hardening")
    keys = Path(mw.keys_path("vendor1"))
    first = mw.key_line(record(name="w0"), KEY)
    mw.write_keys(str(keys), first + "\n")
    times = {"start": "2026-11-29T00:30:00Z", "end": "2026-11-29T03:00:00Z"}
    opened = dict(window(**times), public_key=KEY)
    check = mw.Host(config, check=True, run=FakeHost())
    module._open(SimpleNamespace(check_mode=True), check, opened, NOW)
    assert keys.read_text() == first + "\n"
    assert "vendor1: key of lms-upgrade installed" in check.changes
    module._open(SimpleNamespace(check_mode=False), mw.Host(config, run=FakeHost()), opened, NOW)
    assert keys.read_text().splitlines() == [first, mw.key_line(record(name="lms-upgrade"), KEY)]


# ================================================================ secrets in messages


def _secret_role() -> inputs.RoleInputs:
    options = {"r_token": {"no_log": True}, "r_key": {"no_log": True}, "r_name": {}}
    return inputs.RoleInputs("r", options, {})


def test_secret_values_are_the_no_log_inputs_as_given_and_as_checked():
    raw = {"r": {"r_token": " tok3n ", "r_key": 1234, "r_name": "visible"}}
    checked = {"r": {"token": "tok3n", "key": "1234", "name": "visible"}}
    assert inputs.secret_values([_secret_role()], raw, checked) == [" tok3n ", "tok3n", "1234"]


def test_secret_values_skip_empty_and_missing_values_and_inputs_without_no_log():
    raw = {"r": {"r_token": "", "r_key": [], "r_name": ["l1st"]}}
    assert inputs.secret_values([_secret_role()], raw, {"r": {"token": None}}) == []
    assert inputs.secret_values([_secret_role()], {}, {}) == []


def test_a_secret_given_as_a_list_or_mapping_is_masked_in_its_refusal():
    raw = {"r": {"r_token": ["S3cret-list", {"k": "S3cret-map"}]}}
    found = inputs.secret_values([_secret_role()], raw, {})
    assert found == ["S3cret-list", "S3cret-map"]
    message = "r_token: ['S3cret-list', {'k': 'S3cret-map'}] is not a string"
    assert "S3cret" not in inputs.masked(message, found)


def test_secret_values_of_remote_access_are_its_vault_password():
    role = inputs.load_role("remote_access")
    raw = {"remote_access_vault_password": "S3cret-vault", **RENDERED}
    checked = inputs.check_inputs(role, raw, rules=False).values
    found = inputs.secret_values([role], {"remote_access": raw}, {"remote_access": checked})
    assert found == ["S3cret-vault"]


@pytest.mark.parametrize(
    "secret",
    ["S3cret\nvault", "it's S3cret", 'S3cret "vault"', "S3cret\\vault", "S3cret\u200b"],
    ids=["newline", "single-quote", "double-quote", "backslash", "zero-width"],
)
def test_masked_hides_a_secret_plain_and_as_its_repr(secret):
    message = f"x: {secret!r} contains something; given {secret}; again {secret!r}"
    shown = inputs.masked(message, [secret])
    assert shown == "x: '********' contains something; given ********; again '********'"
    assert "S3cret" not in shown


def test_masked_hides_the_longer_secret_first():
    """A secret that holds another ("ab-cd-ef" holds "ab") is masked whole, not as
    "********-cd-ef": secret_values gives the longest first."""
    role = _secret_role()
    secrets = inputs.secret_values([role], {"r": {"r_token": "ab-cd-ef"}}, {"r": {"key": "ab"}})
    assert inputs.masked("v: 'ab-cd-ef', ab-cd-ef", secrets) == "v: '********', ********"


def test_masked_without_secrets_is_the_message():
    assert inputs.masked("remote_access_windows[0].name: 'x' is bad", []) == (
        "remote_access_windows[0].name: 'x' is bad"
    )


# ================================================================ correctly refused


@pytest.mark.parametrize(
    ("raw", "variable"),
    [
        ({"remote_access_maintenance_accounts": ["*"]}, "remote_access_maintenance_accounts[0]"),
        ({"remote_access_maintenance_accounts": ["?x"]}, "remote_access_maintenance_accounts[0]"),
        ({"remote_access_maintenance_accounts": ["!x"]}, "remote_access_maintenance_accounts[0]"),
        ({"remote_access_maintenance_accounts": ["+"]}, "remote_access_maintenance_accounts[0]"),
        ({"remote_access_maintenance_accounts": ["-x"]}, "remote_access_maintenance_accounts[0]"),
        ({"remote_access_maintenance_accounts": ["a b"]}, "remote_access_maintenance_accounts[0]"),
        ({"remote_access_maintenance_accounts": ["a:b"]}, "remote_access_maintenance_accounts[0]"),
        ({"remote_access_maintenance_accounts": ["root"]}, "remote_access_maintenance_accounts"),
        ({"remote_access_maintenance_accounts": ["toor"]}, "remote_access_maintenance_accounts"),
        ({"remote_access_windows": [window(name=".")]}, "remote_access_windows[0].name"),
        ({"remote_access_windows": [window(name="..")]}, "remote_access_windows[0].name"),
        ({"remote_access_windows": [window(name="a/b")]}, "remote_access_windows[0].name"),
        ({"remote_access_windows": [window(name="x\n")]}, "remote_access_windows[0].name"),
        ({"remote_access_windows": [window(name="a" * 64)]}, "remote_access_windows[0].name"),
        ({"remote_access_close": "a/b"}, "remote_access_close[0]"),
        (
            {"remote_access_windows": [window(sources=["0.0.0.0/1", "128.0.0.0/1"])]},
            "remote_access_windows[0].sources",
        ),
        (
            {"remote_access_windows": [window(sources=["fe80::1%eth0"])]},
            "remote_access_windows[0].sources[0]",
        ),
        (
            {"remote_access_windows": [window(sources=["::ffff:10.0.0.1"])]},
            "remote_access_windows[0].sources[0]",
        ),
        (
            {"remote_access_windows": [window(sources=["10.0.0.1,10.0.0.2; drop"])]},
            "remote_access_windows[0].sources",
        ),
        (
            {"remote_access_windows": [window(sources=["10.0.0.0/8"])]},
            "remote_access_windows[0] (lms-upgrade).sources",
        ),
        (
            {"remote_access_windows": [window(sources=["10.0.0.1}"])]},
            "remote_access_windows[0].sources[0]",
        ),
        (
            {"remote_access_windows": [window(sources=["\uff11\uff10.0.0.1"])]},
            "remote_access_windows[0].sources[0]",
        ),
        (
            {"remote_access_windows": [window(start="2026-11-29T10:00:00+25:00")]},
            "remote_access_windows[0].start",
        ),
        (
            {"remote_access_windows": [window(start="2026-11-29T10:00:60+08:00")]},
            "remote_access_windows[0].start",
        ),
        (
            {"remote_access_windows": [window(start="2026-11-29T24:00:00+08:00")]},
            "remote_access_windows[0].start",
        ),
        (
            {"remote_access_windows": [window(start="2026-11-29T10:00:00")]},
            "remote_access_windows[0].start",
        ),
        (
            {"remote_access_windows": [window(end="2026-11-30T12:00:00+08:00")]},
            "remote_access_windows[0] (lms-upgrade)",
        ),
        (
            {"remote_access_windows": [window(public_key=f'command="/bin/sh" {KEY}')]},
            "remote_access_windows[0].public_key",
        ),
        (
            {"remote_access_windows": [window(public_key=f"{KEY}\n")]},  # YAML block scalar
            "remote_access_windows[0].public_key",
        ),
        (
            {"remote_access_windows": [window(public_key=f"{KEY} {KEY}")]},
            "remote_access_windows[0].public_key",
        ),
        (
            {"remote_access_windows": [window(public_key=f'{KEY} "x",from="*"')]},
            "remote_access_windows[0].public_key",
        ),
        (
            {"remote_access_windows": [window(public_key=f"{KEY}\x00")]},
            "remote_access_windows[0].public_key",
        ),
        (
            {"remote_access_windows": [window(public_key=f"{KEY} a#b")]},
            "remote_access_windows[0].public_key",
        ),
        ({"remote_access_credentials_dir": "credentials"}, "remote_access_credentials_dir"),
        ({"remote_access_credentials_dir": "/srv/../etc"}, "remote_access_credentials_dir"),
        ({"remote_access_credentials_dir": "/srv/.."}, "remote_access_credentials_dir"),
        ({"remote_access_max_window_minutes": "1e9"}, "remote_access_max_window_minutes"),
        ({"remote_access_max_window_minutes": "\uff11\uff12"}, "remote_access_max_window_minutes"),
        ({"remote_access_max_window_minutes": 10**30}, "remote_access_max_window_minutes"),
        ({"remote_access_min_prefix_v4": 8}, "remote_access_min_prefix_v4"),
    ],
)
def test_refused_naming_the_variable(raw, variable):
    found = errors(**raw)
    assert any(e.startswith(variable) for e in found), found


def test_fixed_two_hosts_windows_do_not_share_one_vault_file():
    """FIXED (tasks/windows.yml), low. The vault file was ``<host>_<window>.vault`` and
    both host names and window names may hold '_': host web_1 with window x and host web
    with window 1_x wrote the same file. Now ``<host>/<window>.vault``."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar, trust_as_template

    tasks = yaml.safe_load((ROLE / "tasks" / "windows.yml").read_text(encoding="utf-8"))
    copies = [t["ansible.builtin.copy"] for t in tasks if "ansible.builtin.copy" in t]
    dest = next(c["dest"] for c in copies if c["dest"].endswith(".vault"))

    def path(host: str, name: str) -> str:
        variables = {
            "inventory_hostname": host,
            "__remote_access": {"credentials_dir": "/srv/credentials"},
            "__remote_access_item": {"key": name},
        }
        return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(dest))

    assert path("web_1", "x") != path("web", "1_x")
    assert path("web_1", "x") == "/srv/credentials/web_1/x.vault"
