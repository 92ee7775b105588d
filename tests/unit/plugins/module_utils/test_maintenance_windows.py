# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Remote-maintenance windows on the host (issue #12): records, rendered files, and the
host driven through a fake command runner, with every path inside tmp_path."""

from __future__ import annotations

import datetime
import json
import re
import string
from pathlib import Path

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils import maintenance_windows as mw

UTC = datetime.timezone.utc
FIXTURES = Path(__file__).parents[1] / "fixtures"
NOW = datetime.datetime(2026, 11, 29, 2, 0, 0, tzinfo=UTC)
TABLE = "inet edu_tw_hardening"
HASH = "$y$j9T$oldsalt$oldhasholdhasholdhasholdhash"
# Commands that change the host (read-only ones: getent, nft -j list, pgrep, journalctl,
# sshd -t, systemctl is-active / is-system-running).
MUTATING = ("chpasswd", "usermod", "loginctl", "pkill", "useradd")


def record(name="w1", account="vendor1", **fields) -> dict:
    """A window record as the module writes it: open at NOW (01:00 to 03:00 UTC)."""
    data = {
        "name": name,
        "account": account,
        "sources": ["10.88.0.77", "10.0.1.0/24"],
        "start": "2026-11-29T01:00:00Z",
        "end": "2026-11-29T03:00:00Z",
        "purpose": "LMS upgrade",
        "approval": "MOE 2026-0117",
        "auth": "password",
        "remote_control_port": None,
        "opened": "2026-11-29T00:59:00Z",
        "closed": None,
        "closed_by": None,
        "logins": [],
    }
    data.update(fields)
    return data


class FakeRun:
    """The host's commands: a shadow database, the two nft sets, sessions, sshd, systemd
    and the journal, in memory; every call is recorded as (argv, stdin)."""

    def __init__(self, journal: str = "", sessions: bool = True, sshd_rc: int = 0):
        self.calls: list[tuple[list[str], str | None]] = []
        # name:password:lastchg:min:max:warn:inactive:expire:reserved
        self.shadow = {
            account: [account, f"!{HASH}", "20400", "0", "99999", "7", "", "1", ""]
            for account in ("vendor1", "vendor2")
        }
        # Set name to element (as nft lists it) to its timeout in seconds.
        self.elements: dict[str, dict[str, int]] = {
            f"{kind}_v{family}": {}
            for kind in ("remote_maintenance", "remote_control")
            for family in (4, 6)
        }
        self.sessions = {"vendor1": sessions, "vendor2": False}
        self.journal = journal
        self.sshd_rc = sshd_rc
        self.passwords: list[str] = []

    def __call__(self, argv, data):
        argv = list(argv)
        self.calls.append((argv, data))
        if argv[:2] == ["getent", "shadow"]:
            fields = self.shadow.get(argv[2])
            return (0, ":".join(fields) + "\n", "") if fields else (2, "", "")
        if argv[0] == "chpasswd":
            account, password = data.rstrip("\n").split(":", 1)
            self.passwords.append(password)
            self.shadow[account][1] = f"$y$j9T$newsalt${len(password)}newhash"
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
            return 0, self.nft_json(argv[-1]), ""
        if argv[:2] in (["nft", "add"], ["nft", "delete"]):
            match = re.fullmatch(r"\{ (\S+)( \. \d+)?(?: timeout (\d+)s)? \}", argv[6])
            element = mw._plain(match[1]) + (match[2] or "")
            if argv[1] == "add":
                self.elements[argv[5]][element] = int(match[3])
            else:
                del self.elements[argv[5]][element]
            return 0, "", ""
        if argv[0] == "pgrep":
            return (0, "4242\n", "") if self.sessions.get(argv[-1]) else (1, "", "")
        if argv[0] in ("loginctl", "pkill"):
            self.sessions[argv[-1]] = False
            return 0, "", ""
        if argv[:2] == ["sshd", "-t"]:
            return self.sshd_rc, "", "" if self.sshd_rc == 0 else "line 3: Bad Match"
        if argv[0] == "journalctl":
            return 0, self.journal, ""
        if argv[:2] == ["systemctl", "is-system-running"]:
            return 0, "running\n", ""
        if argv[0] == "systemctl":
            return 0, "", ""
        raise AssertionError(f"unexpected command {argv}")

    def nft_json(self, name: str) -> str:
        """``nft -j list set`` of one set, as nftables 1.0.6 prints it."""

        def value(text: str) -> object:
            if "/" in text:
                address, length = text.split("/")
                return {"prefix": {"addr": address, "len": int(length)}}
            return text

        elements = []
        for element, timeout in sorted(self.elements[name].items()):
            source, _sep, port = element.partition(" . ")
            val = {"concat": [value(source), int(port)]} if port else value(source)
            elements.append({"elem": {"val": val, "timeout": timeout, "expires": timeout - 2}})
        address_type = "ipv4_addr" if name.endswith("4") else "ipv6_addr"
        found = {
            "family": "inet",
            "name": name,
            "table": "edu_tw_hardening",
            "type": [address_type, "inet_service"] if "control" in name else address_type,
            "handle": 7,
            "flags": ["interval", "timeout"],
        }
        if elements:
            found["elem"] = elements
        meta = {
            "metainfo": {"version": "1.0.6", "release_name": "Lester", "json_schema_version": 1}
        }
        return json.dumps({"nftables": [meta, {"set": found}]})

    def argvs(self) -> list[list[str]]:
        return [argv for argv, _data in self.calls]

    def mutating(self) -> list[list[str]]:
        read_only = (["systemctl", "is-active"], ["systemctl", "is-system-running"])
        return [
            argv
            for argv in self.argvs()
            if argv[0] in MUTATING
            or argv[:2] in (["nft", "add"], ["nft", "delete"])
            or (argv[0] == "systemctl" and argv[:2] not in read_only)
        ]


class Env:
    """Paths of one test host under tmp_path, the config and the fake runner."""

    def __init__(self, tmp_path, monkeypatch):
        self.tmp = tmp_path
        self.windows = tmp_path / "windows"
        self.windows.mkdir()
        self.systemd = tmp_path / "systemd"
        self.systemd.mkdir()
        self.sshd_config = tmp_path / "ssh" / "sshd_config"
        self.sshd_config.parent.mkdir()
        self.sshd_config.write_text("Include /etc/ssh/sshd_config.d/*.conf\n")
        self.drop_in = tmp_path / "ssh" / "sshd_config.d" / "00-edu_tw_hardening-remote-access.conf"
        self.home = tmp_path / "home"
        self.keys_dir = tmp_path / "ssh" / "edu_tw_hardening_authorized_keys"
        monkeypatch.setattr(mw, "SSHD_CONFIG", str(self.sshd_config))
        monkeypatch.setattr(mw, "SSHD_DROP_IN", str(self.drop_in))
        monkeypatch.setattr(mw, "SYSTEMD_DIR", str(self.systemd))
        monkeypatch.setattr(mw, "LOCK_PATH", str(tmp_path / "run" / "windows.lock"))
        lock = mw.exclusive
        monkeypatch.setattr(mw, "exclusive", lambda: lock(str(tmp_path / "run" / "windows.lock")))
        # The homes, were anything to look for one (nothing of a window may be there).
        real = mw.os.path.expanduser
        monkeypatch.setattr(
            mw.os.path,
            "expanduser",
            # Only "~user" paths: the rest of the process (Ansible's own config) is untouched.
            lambda path: (
                str(self.home / path[1:])
                if isinstance(path, str) and path[:1] == "~"
                else real(path)
            ),
        )
        keys_path = mw.keys_path
        monkeypatch.setattr(
            mw,
            "keys_path",
            lambda account, keys_dir=str(self.keys_dir): keys_path(account, keys_dir),
        )
        self.config = mw.Config(["vendor1", "vendor2"], str(self.windows), TABLE)
        self.fake = FakeRun()

    def add(self, window: dict) -> None:
        (self.windows / f"{window['name']}.json").write_text(mw.record_text(window))

    def read(self, name: str = "w1") -> dict:
        return json.loads((self.windows / f"{name}.json").read_text())

    def host(self, check: bool = False) -> mw.Host:
        return mw.Host(self.config, check=check, run=self.fake)

    def timer(self, name: str = "w1"):
        return self.systemd / f"edu-tw-hardening-window-{name}.timer"

    def snapshot(self) -> dict[str, str]:
        return {
            str(path.relative_to(self.tmp)): path.read_text()
            for path in sorted(self.tmp.rglob("*"))
            if path.is_file() and path.name != "windows.lock"
        }


@pytest.fixture
def env(tmp_path, monkeypatch) -> Env:
    return Env(tmp_path, monkeypatch)


# ---------------------------------------------------------------- records


def test_a_record_as_the_module_writes_it_is_read_back():
    assert mw.parse_record(mw.record_text(record())) == record()


LOGIN = {"account": "vendor1", "time": "2026-11-29T01:12:00Z", "source": "10.88.0.77"} | {
    "result": "accepted",
    "method": "password",
}


def test_a_closed_record_with_its_logins_is_read_back():
    closed = record(closed="2026-11-29T03:00:00Z", closed_by="end", logins=[LOGIN])
    assert mw.parse_record(mw.record_text(closed)) == closed


@pytest.mark.parametrize("closed_by", ["end", "early", "boot"])
def test_a_record_closed_at_its_end_early_or_at_boot_is_read_back(closed_by):
    closed = record(closed="2026-11-29T03:00:00Z", closed_by=closed_by)
    assert mw.parse_record(mw.record_text(closed)) == closed


def test_a_record_without_logins_is_read_back():
    window = {k: v for k, v in record().items() if k != "logins"}
    assert mw.parse_record(json.dumps(window)) == window


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"purpose": 12}, "missing or empty purpose"),
        ({"purpose": ...}, "missing or empty purpose"),
        ({"approval": ""}, "missing or empty approval"),
        ({"approval": ["MOE"]}, "missing or empty approval"),
        ({"name": {"a": 1}}, "missing or empty name"),
        ({"auth": "token"}, "auth is not one of password, key"),
        ({"auth": None}, "auth is not one of password, key"),
        ({"opened": 1795914000}, "missing or empty opened"),
        ({"opened": ...}, "missing or empty opened"),
        ({"opened": "yesterday"}, "opened is not in the form YYYY-MM-DDTHH:MM:SSZ"),
        ({"end": 10**400}, "missing or empty end"),
        ({"end": "tomorrow"}, "end is not in the form YYYY-MM-DDTHH:MM:SSZ"),
        ({"start": "   "}, "start is not in the form YYYY-MM-DDTHH:MM:SSZ"),
        ({"start": "2026-02-30T01:00:00Z"}, "start is not in the form YYYY-MM-DDTHH:MM:SSZ"),
        ({"closed_by": "end"}, "closed and closed_by are not both set or both null"),
        (
            {"closed": "2026-11-29T03:00:00Z"},
            "closed and closed_by are not both set or both null",
        ),
        (
            {"closed": "2026-11-29T03:00:00Z", "closed_by": "reboot"},
            "closed_by is not one of end, early, boot",
        ),
        ({"closed": 5, "closed_by": "end"}, "closed is not a string"),
        ({"closed": "", "closed_by": "end"}, "closed is not in the form YYYY-MM-DDTHH:MM:SSZ"),
        ({"logins": {"time": "x"}}, "logins is not a list"),
        ({"logins": None}, "logins is not a list"),
        ({"logins": ["accepted"]}, "logins[0]: not an object"),
        ({"logins": [LOGIN | {"time": 1795914000}]}, "logins[0]: missing or empty time"),
        (
            {"logins": [LOGIN | {"time": "noon"}]},
            "logins[0]: time is not in the form YYYY-MM-DDTHH:MM:SSZ",
        ),
        (
            {"logins": [LOGIN | {"time": "2026-11-29T09:12:00+08:00"}]},
            "logins[0]: time is not in the form YYYY-MM-DDTHH:MM:SSZ",
        ),
        (
            {"logins": [LOGIN | {"result": "ok"}]},
            "logins[0]: result is not one of accepted, failed",
        ),
        ({"logins": [LOGIN, LOGIN | {"source": "evil"}]}, "logins[1]: source is not an IP address"),
        (
            {"logins": [LOGIN | {"source": "10.0.1.0/24"}]},
            "logins[0]: source is not an IP address",
        ),
        ({"logins": [LOGIN | {"method": None}]}, "logins[0]: missing or empty method"),
        ({"logins": [LOGIN | {"method": "x" * 1001}]}, "logins[0]: missing or empty method"),
        (
            {"logins": [{k: v for k, v in LOGIN.items() if k != "account"}]},
            "logins[0]: missing or empty account",
        ),
        ({"logins": [LOGIN | {"account": "a b"}]}, "logins[0]: account is not an account name"),
        ({"logins": [LOGIN] * 10_001}, "logins holds more than 10000 entries"),
        ({"sources": []}, "sources is not a list of strings"),
        ({"sources": ["192.0.2.10", 7]}, "sources is not a list of strings"),
        ({"sources": ["192.0.2.10", "anywhere"]}, "sources: not an address or network: anywhere"),
        ({"sources": ["192.0.2.10", "x" * 1001]}, "sources is not a list of strings"),
        ({"purpose": "x" * 1001}, "purpose is longer than 1000 characters or not UTF-8 text"),
        # A lone surrogate is how a JSON writer escapes a byte that is not UTF-8.
        ({"purpose": "caf\udcff"}, "purpose is longer than 1000 characters or not UTF-8 text"),
    ],
    ids=lambda value: repr(value)[:60],
)
def test_a_refused_record_says_why(fields, error):
    text = json.dumps({k: v for k, v in record(**fields).items() if v is not ...})
    with pytest.raises(mw.WindowError) as raised:
        mw.parse_record(text)
    assert str(raised.value) == error
    assert raised.value.record == json.loads(text), "the decoded record goes with the error"


def test_a_record_with_replacement_characters_is_text():
    # ModuleHost reads a file that is not UTF-8 with errors="replace".
    window = record(purpose="caf\ufffd")
    assert mw.parse_record(json.dumps(window)) == window


def test_far_future_and_far_past_times_are_read():
    window = record(start="0001-01-01T00:00:00Z", end="9999-12-31T23:59:59Z")
    assert mw.phase(mw.parse_record(json.dumps(window)), NOW) == "open"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (" " * (4 * 1024 * 1024 + 1), f"larger than {4 * 1024 * 1024} characters"),
        ("[" * 100_000 + "]" * 100_000, "invalid JSON: RecursionError"),
        ('{"name": "w1", "account": ', "invalid JSON: JSONDecodeError"),
        ("[]", "not a JSON object"),
    ],
    ids=lambda value: value[:20],
)
def test_a_record_that_is_too_big_or_no_json_object_says_why(text, error):
    with pytest.raises(mw.WindowError, match=re.escape(error)) as raised:
        mw.parse_record(text)
    assert raised.value.record is None


@pytest.mark.parametrize(
    "fields",
    [
        {"name": 5},
        {"name": ""},
        {"account": None},
        {"account": ["vendor1"]},
        {"purpose": 7},
        {"approval": {"ref": "x"}},
        {"auth": "otp"},
        {"auth": True},
        {"sources": "10.88.0.77"},
        {"sources": []},
        {"sources": [7]},
        {"sources": ["10.88.0.77", None]},
        {"logins": {"time": "x"}},
        {"start": 1795914000},
        {"end": None},
        {"opened": 1795914000},
        {"closed": True},
    ],
    ids=repr,
)
def test_a_record_field_of_the_wrong_type_is_refused(fields):
    with pytest.raises(mw.WindowError):
        mw.parse_record(json.dumps(record(**fields)))


@pytest.mark.parametrize(
    "fields",
    [
        {"purpose": "x" * 100_000},
        {"approval": "MOE " * 50_000},
        {"name": "w" * 64},
        {"account": "v" * 40},
        {"sources": ["10.88.0.77" * 1000]},
        {"logins": [LOGIN | {"source": "10.88.0.77" * 1000}]},
    ],
    ids=lambda fields: next(iter(fields)),
)
def test_a_huge_string_in_a_record_is_refused(fields):
    with pytest.raises(mw.WindowError):
        mw.parse_record(json.dumps(record(**fields)))


@pytest.mark.parametrize(
    "fields",
    [
        # The name goes into file and unit names, the account into argv, the sources
        # into nft commands and the sshd drop-in.
        {"name": "../../../etc/cron.d/evil"},
        {"name": "w1\nMatch all"},
        {"account": "-oPermitRootLogin=yes"},
        {"account": "vendor1 root"},
        {"sources": ["10.88.0.77 } ; flush ruleset ; add element inet t s { 0.0.0.0/0"]},
        {"sources": ["10.88.0.77\n\tDenyUsers nobody"]},
        {"sources": ["*"]},
    ],
    ids=repr,
)
def test_a_record_that_would_inject_into_paths_argv_or_configuration_is_refused(fields):
    with pytest.raises(mw.WindowError):
        mw.parse_record(json.dumps(record(**fields)))


@pytest.mark.parametrize(
    "moment",
    [
        "2026-11-29T01:00:00+00:00",
        "2026-11-29T09:00:00+08:00",
        "2026-11-29 01:00:00Z",
        "2026-11-29T01:00Z",
        "2026-11-29T01:00:00.000Z",
        "2026-11-29",
        "2026-1-2T3:4:5Z",
        "2026-11-29t01:00:00z",
        "\uff12\uff10\uff12\uff16-11-29T01:00:00Z",
        "1795914000",
        "tomorrow",
    ],
)
def test_a_time_in_another_form_is_refused(moment):
    with pytest.raises(mw.WindowError, match="YYYY-MM-DDTHH:MM:SSZ"):
        mw.parse_record(json.dumps(record(start=moment)))
    with pytest.raises(mw.WindowError, match="YYYY-MM-DDTHH:MM:SSZ"):
        mw.parse_record(json.dumps(record(closed=moment)))


@pytest.mark.parametrize("end", ["2026-11-29T00:59:59Z", "2026-11-29T01:00:00Z"])
def test_a_record_whose_end_is_not_after_its_start_is_refused(end):
    with pytest.raises(mw.WindowError, match="end is not after start"):
        mw.parse_record(json.dumps(record(end=end)))


@pytest.mark.parametrize(
    "text", ["", "{", "[]", '"w1"', "null", "[" * 100_000, '{"name": NaN}'], ids=repr
)
def test_a_record_that_is_no_json_object_is_refused(text):
    with pytest.raises(mw.WindowError):
        mw.parse_record(text)


def test_config_is_read_and_written_back():
    config = mw.Config(["vendor1"], "/var/lib/edu_tw_hardening/windows", TABLE)
    assert mw.parse_config(mw.config_text(config)) == config


def test_config_may_declare_no_account_and_carry_other_keys():
    text = json.dumps({"accounts": [], "windows_dir": "/w", "table": TABLE, "ssh_port": 22})
    assert mw.parse_config(text) == mw.Config([], "/w", TABLE)


ACCOUNTS = "accounts is not a list of account names"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"windows_dir": "/w", "table": TABLE}, ACCOUNTS),
        ({"accounts": "vendor1", "windows_dir": "/w", "table": TABLE}, ACCOUNTS),
        ({"accounts": ["vendor1", ""], "windows_dir": "/w", "table": TABLE}, ACCOUNTS),
        ({"accounts": ["vendor1", 5], "windows_dir": "/w", "table": TABLE}, ACCOUNTS),
        ({"accounts": ["vendor1; rm -rf /"], "windows_dir": "/w", "table": TABLE}, ACCOUNTS),
        ({"accounts": ["a" * 5000], "windows_dir": "/w", "table": TABLE}, ACCOUNTS),
        ({"accounts": ["m\udcff"], "windows_dir": "/w", "table": TABLE}, ACCOUNTS),
        ({"accounts": ["vendor1"], "table": TABLE}, "windows_dir is missing"),
        ({"accounts": ["vendor1"], "windows_dir": "/w", "table": ""}, "table is missing"),
        ({"accounts": ["vendor1"], "windows_dir": "/w", "table": 5}, "table is missing"),
    ],
)
def test_an_incomplete_config_is_refused(data, error):
    with pytest.raises(mw.WindowError) as raised:
        mw.parse_config(json.dumps(data))
    assert str(raised.value) == error


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("{", "invalid JSON: JSONDecodeError"),
        ("[" * 100_000, "invalid JSON: RecursionError"),
        ('["vendor1"]', "not a JSON object"),
        (" " * (4 * 1024 * 1024 + 1), f"larger than {4 * 1024 * 1024} characters"),
    ],
    ids=lambda value: value[:20],
)
def test_a_config_that_is_no_json_object_is_refused(text, error):
    with pytest.raises(mw.WindowError, match=re.escape(error)):
        mw.parse_config(text)


# ---------------------------------------------------------------- time and identity


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-29T00:59:59Z", "pending"),
        ("2026-11-29T01:00:00Z", "open"),
        ("2026-11-29T02:59:59Z", "open"),
        ("2026-11-29T03:00:00Z", "due"),
        ("2026-11-30T00:00:00Z", "due"),
    ],
)
def test_phase_starts_at_start_and_is_due_from_end_on(moment, expected):
    assert mw.phase(record(), mw.parse_utc(moment)) == expected


def test_a_closed_window_stays_closed_whatever_the_time():
    closed = record(closed="2026-11-29T01:30:00Z", closed_by="early")
    for moment in ("2026-11-29T00:00:00Z", "2026-11-29T02:00:00Z", "2026-11-29T04:00:00Z"):
        assert mw.phase(closed, mw.parse_utc(moment)) == "closed"


def test_same_window_compares_the_window_not_its_history():
    window = {key: record()[key] for key in mw.RECORD_FIELDS}
    assert mw.same_window(record(), window)
    assert mw.same_window(record(closed="2026-11-29T03:00:00Z", logins=[{"x": 1}]), window)
    for key, other in [
        ("sources", ["10.88.0.77"]),
        ("end", "2026-11-29T03:30:00Z"),
        ("auth", "key"),
        ("account", "vendor2"),
        ("approval", "MOE 2026-0118"),
        ("remote_control_port", 5900),
    ]:
        assert not mw.same_window(record(), dict(window, **{key: other})), key


def test_new_passwords_are_long_random_and_of_every_class():
    passwords = {mw.new_password() for _attempt in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password) == 24
        assert set(password) <= set(mw.PASSWORD_ALPHABET)
        assert any(c.islower() for c in password) and any(c.isupper() for c in password)
        assert any(c.isdigit() for c in password)
        assert any(c in "-_.+=@" for c in password)
    assert len(mw.new_password(40)) == 40
    assert ":" not in mw.PASSWORD_ALPHABET and "\n" not in mw.PASSWORD_ALPHABET


# ---------------------------------------------------------------- logins


def journal_line(message: object, time: object = "1795914720000000", **extra) -> str:
    """One line of journalctl --output=json (1795914720000000: 2026-11-29T01:12:00Z)."""
    entry = {"SYSLOG_IDENTIFIER": "sshd", "__REALTIME_TIMESTAMP": time, "MESSAGE": message}
    return json.dumps(entry | extra)


def login(time: str, source: str, result: str, method: str, account: str = "vendor1") -> dict:
    return {"account": account, "time": time, "source": source, "result": result} | {
        "method": method
    }


@pytest.mark.parametrize(
    ("release", "times"),
    [
        (12, ("2026-11-29T01:08:14Z", "2026-11-29T01:08:17Z", "2026-11-29T01:08:26Z")),
        (13, ("2026-11-29T01:08:13Z", "2026-11-29T01:08:17Z", "2026-11-29T01:08:22Z")),
    ],
)
def test_recorded_journals_give_the_logins(release, times):
    # journalctl --output=json of a Debian test host (Debian 13: from sshd-session) after a
    # password login, a wrong password, a wrong password for an unknown user and a key
    # login of maint1.
    output = (FIXTURES / f"journalctl-sshd-debian{release}.jsonl").read_text()
    assert mw.parse_journal_logins(output, ["maint1"]) == [
        login(times[0], "127.0.0.1", "accepted", "password", "maint1"),
        login(times[1], "127.0.0.1", "failed", "password", "maint1"),
        login(times[2], "127.0.0.1", "accepted", "publickey", "maint1"),
    ]
    (unknown,) = mw.parse_journal_logins(output, ["nosuch"])
    assert (unknown["account"], unknown["result"]) == ("nosuch", "failed")
    assert mw.parse_journal_logins(output, []) == []


def test_every_login_of_the_journal_is_one_a_record_keeps():
    output = (FIXTURES / "journalctl-sshd-debian13.jsonl").read_text()
    logins = mw.parse_journal_logins(output, ["maint1", "nosuch"])
    closed = record(closed="2026-11-29T03:00:00Z", closed_by="end", logins=logins)
    assert len(logins) == 4
    assert mw.parse_record(mw.record_text(closed))["logins"] == logins


def test_parse_journal_logins_keeps_the_authentications_of_the_given_accounts_only():
    messages = [
        "Accepted password for vendor1 from 10.88.0.77 port 5555 ssh2",
        "Failed password for vendor1 from 10.0.1.9 port 40000 ssh2",
        "Accepted publickey for vendor1 from 2001:db8::5 port 5 ssh2: "
        "ED25519 SHA256:smptRshAnxvsDLXV9CpTe9Mr2uREZkIIbEgzr+bWv6o",
        "Failed password for invalid user vendor1 from 192.0.2.9 port 1 ssh2",
        "Accepted keyboard-interactive/pam for vendor1 from 10.88.0.77 port 5556 ssh2",
        "Accepted password for root from 10.88.0.77 port 5557 ssh2",
        "Failed password for vendor10 from 10.88.0.77 port 5558 ssh2",
        "Failed password for invalid user nosuch from 127.0.0.1 port 3 ssh2",
        "Invalid user vendor1 from 127.0.0.1 port 33398",
        "Connection closed by authenticating user vendor1 10.0.1.9 port 2",
        "Server listening on :: port 22.",
    ]
    output = "\n".join(
        journal_line(message, f"{1795914720 + 60 * n}000000") for n, message in enumerate(messages)
    )
    assert mw.parse_journal_logins(output + "\n\n", ["vendor1"]) == [
        login("2026-11-29T01:12:00Z", "10.88.0.77", "accepted", "password"),
        login("2026-11-29T01:13:00Z", "10.0.1.9", "failed", "password"),
        login("2026-11-29T01:14:00Z", "2001:db8::5", "accepted", "publickey"),
        login("2026-11-29T01:15:00Z", "192.0.2.9", "failed", "password"),
        login("2026-11-29T01:16:00Z", "10.88.0.77", "accepted", "keyboard-interactive/pam"),
    ]


def test_a_user_name_with_spaces_cannot_forge_a_source():
    forged = (
        "Failed password for invalid user vendor1 from 192.0.2.10 port 1 from 10.9.9.9 port 22 ssh2"
    )
    assert mw.parse_journal_logins(journal_line(forged), ["vendor1"]) == []
    prefixed = "sshd: Accepted password for vendor1 from 10.88.0.77 port 5555 ssh2"
    assert mw.parse_journal_logins(journal_line(prefixed), ["vendor1"]) == [], "whole line"


def test_a_message_as_a_byte_array_is_decoded():
    message = list(b"Accepted password for vendor1 from 10.0.0.5 port 51234 ssh2")
    (found,) = mw.parse_journal_logins(journal_line(message), ["vendor1"])
    assert (found["account"], found["source"]) == ("vendor1", "10.0.0.5")


def test_hostile_journal_lines_are_skipped():
    accepted = "Accepted password for vendor1 from 10.0.0.5 port 1 ssh2"
    output = "\n".join(
        [
            "not json",
            "[1, 2]",
            "[" * 50_000,
            journal_line(["not", "bytes"]),
            journal_line([300, 1]),
            journal_line(accepted, time="soon"),
            journal_line(accepted, time="9" * 30),
            journal_line(accepted, time=17),
            journal_line(accepted + " \udcff"),
            journal_line("Accepted password for vendor1 from not-an-address port 1 ssh2"),
            journal_line(f"Accepted {'x' * 2000} for vendor1 from 10.0.0.5 port 1 ssh2"),
            journal_line("Accepted password for vendor1 from 10.0.0.6 port 2 ssh2"),
        ]
    )
    (found,) = mw.parse_journal_logins(output, ["vendor1"])
    assert found["source"] == "10.0.0.6"


def test_journal_argv_reads_sshd_and_sshd_session_as_json_in_utc():
    assert mw.journal_argv() == [
        "journalctl", "--no-pager", "--quiet", "--utc", "--output=json",
        "--output-fields=MESSAGE,__REALTIME_TIMESTAMP",
        "--identifier=sshd", "--identifier=sshd-session",
    ]  # fmt: skip
    assert mw.journal_argv("-90d")[-1] == "--since=-90d"
    assert mw.journal_argv(until="2026-11-29 03:00:00 UTC")[-1] == (
        "--until=2026-11-29 03:00:00 UTC"
    )


def test_host_logins_reads_the_journal_of_the_window_in_utc(env):
    env.fake.journal = "\n".join(
        [
            journal_line("Accepted password for vendor1 from 10.88.0.77 port 5555 ssh2"),
            journal_line(
                "Failed password for vendor1 from 2001:db8::7 port 5556 ssh2",
                "1795914780000000",
                SYSLOG_IDENTIFIER="sshd-session",
            ),
            journal_line("Accepted password for vendor2 from 10.88.0.77 port 5557 ssh2"),
        ]
    )
    assert env.host().logins(record(), NOW) == [
        login("2026-11-29T01:12:00Z", "10.88.0.77", "accepted", "password"),
        login("2026-11-29T01:13:00Z", "2001:db8::7", "failed", "password"),
    ]
    (argv,) = env.fake.argvs()
    assert argv == mw.journal_argv("2026-11-29 01:00:00 UTC", "2026-11-29 02:00:00 UTC")


def test_host_logins_of_an_unreadable_journal_are_none(env):
    host = mw.Host(env.config, run=lambda argv, data: (1, "", "Failed to open journal"))
    assert host.logins(record(), NOW) == []


# ---------------------------------------------------------------- rendered files


def limits(account: str, password: str = "no", keys_dir: str = mw.KEYS_DIR) -> list[str]:
    """The drop-in's second block of an account: root's keys only, no forwarding."""
    return [
        f"Match User {account}",
        f"\tAuthorizedKeysFile {keys_dir}/%u",
        f"\tPasswordAuthentication {password}",
        "\tDisableForwarding yes",
        "\tPermitTunnel no",
    ]


def test_sshd_drop_in_denies_each_account_except_from_its_open_windows():
    other = record("w2", sources=["10.88.0.77", "2001:db8::/64"])
    text = mw.sshd_drop_in(["vendor1", "vendor2"], [record(), other])
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    assert lines == [
        "Match User vendor1 Address !10.0.1.0/24,!10.88.0.77,!2001:db8::/64,0.0.0.0/0,::/0",
        "\tDenyUsers *",
        *limits("vendor1", password="yes"),
        "Match User vendor2",
        "\tDenyUsers *",
        *limits("vendor2"),
        "Match all",
    ]


def test_sshd_drop_in_without_open_windows_denies_every_maintenance_account():
    text = mw.sshd_drop_in(["vendor1"], [])
    assert text.splitlines()[-8:] == [
        "Match User vendor1",
        "\tDenyUsers *",
        *limits("vendor1"),
        "Match all",
    ]
    assert mw.sshd_drop_in([], []).splitlines()[-1] == "Match all"


@pytest.mark.parametrize(
    ("windows", "vendor1", "vendor2"),
    [
        ([], "no", "no"),
        ([record()], "yes", "no"),
        ([record(auth="key")], "no", "no"),
        ([record(auth="key"), record("w2", auth="password")], "yes", "no"),
        ([record(account="vendor2")], "no", "yes"),
    ],
    ids=["none", "password", "key", "key-and-password", "other-account"],
)
def test_sshd_drop_in_accepts_a_password_only_during_a_password_window(windows, vendor1, vendor2):
    """PasswordAuthentication yes for an account with an open password window, no for a
    key window or none (a password left behind is refused by sshd too)."""
    text = mw.sshd_drop_in(["vendor1", "vendor2"], windows)
    blocks = text.split("Match User ")
    assert f"\tPasswordAuthentication {vendor1}\n" in blocks[2], text
    assert f"\tPasswordAuthentication {vendor2}\n" in blocks[4], text
    assert text.count("PasswordAuthentication") == 2


def test_sshd_drop_in_reads_keys_from_roots_directory_and_forwards_nothing():
    """Every account's own block: its keys from root's file only (never ~/.ssh), no TCP,
    agent, X11 or stream forwarding, no tun device; with and without an open window."""
    text = mw.sshd_drop_in(["vendor1", "vendor2"], [record()], keys_dir="/k")
    lines = text.splitlines()
    for account, password in (("vendor1", "yes"), ("vendor2", "no")):
        start = [i for i, line in enumerate(lines) if line == f"Match User {account}"][-1]
        assert lines[start : start + 5] == limits(account, password, keys_dir="/k"), text
    assert "authorized_keys" not in text.replace("edu_tw_hardening_authorized_keys", "")
    assert f"AuthorizedKeysFile {mw.KEYS_DIR}/%u" in mw.sshd_drop_in(["vendor1"], [])


def test_timer_unit_fires_at_start_and_end_in_utc_and_after_a_missed_run():
    text = mw.timer_unit(record(start="2026-11-29T01:00:00Z", end="2026-11-29T03:30:05Z"))
    assert "OnCalendar=2026-11-29 01:00:00 UTC\n" in text
    assert "OnCalendar=2026-11-29 03:30:05 UTC\n" in text
    assert "Persistent=true\n" in text and "AccuracySec=1s\n" in text
    assert f"Unit={mw.SERVICE}\n" in text and "WantedBy=timers.target" in text
    assert "window w1\n" in text


def test_service_unit_reconciles_before_sshd_starts():
    text = mw.service_unit("/p/mw.py", "/c/ra.json")
    assert "ExecStart=/usr/bin/python3 /p/mw.py --config /c/ra.json reconcile\n" in text
    assert "Before=ssh.service\n" in text and "After=nftables.service" in text
    assert "Type=oneshot\n" in text
    assert f"{mw.PROGRAM_PATH} --config {mw.CONFIG_PATH} reconcile" in mw.service_unit()


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGJ2ZW5kb3Ita2V5LWZvci10ZXN0cy1vbmx5 vendor@lap"


def test_key_line_limits_the_key_to_the_sources_until_the_end():
    """restrict (no forwarding of any kind, no tunnel, no user rc) and pty: a shell."""
    line = mw.key_line(record(), KEY)
    assert line == (
        'restrict,pty,from="10.88.0.77,10.0.1.0/24",expiry-time="20261129030000Z"'
        f" {KEY} edu_tw_hardening-window:w1"
    )
    assert "\n" not in line


def test_keys_path_is_the_accounts_file_in_roots_directory():
    assert mw.keys_path("vendor1") == f"{mw.KEYS_DIR}/vendor1"
    assert mw.keys_path("vendor1", "/k") == "/k/vendor1"
    assert mw.KEYS_DIR.startswith("/etc/ssh/")


def test_write_keys_makes_roots_directory_0755_and_the_file_0644(tmp_path):
    """sshd reads a user's keys with the user's rights: readable by all, writable by root
    (the owner) only; a directory made 0700 before is opened up to 0755."""
    directory = tmp_path / "keys"
    path = directory / "vendor1"
    mw.write_keys(str(path), "one\n")
    assert path.read_text() == "one\n"
    assert directory.stat().st_mode & 0o7777 == 0o755
    assert path.stat().st_mode & 0o7777 == 0o644
    directory.chmod(0o700)
    path.chmod(0o666)
    mw.write_keys(str(path), "two\n")
    assert path.read_text() == "two\n"
    assert directory.stat().st_mode & 0o7777 == 0o755
    assert path.stat().st_mode & 0o7777 == 0o644
    assert [p.name for p in directory.iterdir()] == ["vendor1"], "no temporary file left"


def test_without_key_removes_that_windows_line_only():
    own = "ssh-rsa AAAAB3Nza own@desk"
    text = "\n".join(
        [
            own,
            mw.key_line(record("w1"), KEY),
            mw.key_line(record("w10"), KEY),
            mw.key_line(record("xw1"), KEY),
        ]
    )
    left = mw.without_key(text, "w1")
    assert left.splitlines() == [
        own,
        mw.key_line(record("w10"), KEY),
        mw.key_line(record("xw1"), KEY),
    ]
    assert mw.without_key(left, "w1") == left


@pytest.mark.parametrize(
    ("source", "listed"),
    [
        ("10.88.0.77", "10.88.0.77"),
        ("10.88.0.77/32", "10.88.0.77"),
        ("10.0.1.0/24", "10.0.1.0/24"),
        ("2001:db8::5/128", "2001:db8::5"),
        ("2001:db8::/64", "2001:db8::/64"),
        ("2001:db8::32", "2001:db8::32"),
    ],
)
def test_plain_gives_a_source_as_nft_lists_it(source, listed):
    assert mw._plain(source) == listed


def test_set_elements_reads_addresses_and_prefixes_as_nft_prints_them(env):
    env.fake.elements["remote_maintenance_v4"] = {"10.88.0.77": 96, "10.0.1.0/24": 60}
    assert env.host().set_elements("remote_maintenance_v4") == {"10.88.0.77", "10.0.1.0/24"}
    assert env.fake.argvs() == [
        ["nft", "-j", "list", "set", "inet", "edu_tw_hardening", "remote_maintenance_v4"]
    ]


# ---------------------------------------------------------------- closing


def open_state(env: Env) -> None:
    """vendor1 usable from its sources (the window was opened), one session running."""
    env.fake.shadow["vendor1"][1] = HASH
    env.fake.shadow["vendor1"][7] = ""
    env.fake.elements["remote_maintenance_v4"] = {"10.88.0.77": 3600, "10.0.1.0/24": 3600}
    env.timer().write_text(mw.timer_unit(record()))


def test_a_due_window_is_closed(env):
    env.add(record())
    open_state(env)
    env.fake.journal = (
        journal_line("Accepted password for vendor1 from 10.88.0.77 port 5555 ssh2") + "\n"
    )
    after = NOW.replace(hour=3, minute=0, second=30)
    changes = mw.reconcile(env.host(), after)

    shadow = env.fake.shadow["vendor1"]
    assert shadow[1].startswith("!") and shadow[1] != f"!{HASH}", "rotated, then locked"
    assert shadow[7] == "1", "expired"
    assert env.fake.sessions["vendor1"] is False
    assert not any(env.fake.elements.values())
    assert not env.timer().exists()
    argvs = env.fake.argvs()
    assert ["systemctl", "disable", "--now", "edu-tw-hardening-window-w1.timer"] in argvs
    assert ["loginctl", "terminate-user", "vendor1"] in argvs
    assert ["pkill", "-KILL", "-u", "vendor1"] in argvs
    assert argvs.index(["usermod", "-L", "vendor1"]) > argvs.index(["chpasswd"])

    closed = env.read()
    assert closed["closed"] == "2026-11-29T03:00:30Z"
    assert closed["closed_by"] == "end"
    assert closed["logins"] == [
        {
            "time": "2026-11-29T01:12:00Z",
            "account": "vendor1",
            "source": "10.88.0.77",
            "result": "accepted",
            "method": "password",
        }
    ]
    assert {k: closed[k] for k in mw.RECORD_FIELDS} == {k: record()[k] for k in mw.RECORD_FIELDS}
    journal = next(a for a in argvs if a[0] == "journalctl")
    assert journal[-1] == "--until=2026-11-29 03:00:00 UTC", "until the end"
    assert "vendor1: password rotated to an unknown value" in changes
    assert "record closed" in changes
    assert "Match User vendor1\n\tDenyUsers *\n" in env.drop_in.read_text()


def test_a_close_keeps_at_most_the_logins_a_record_may_hold(env, monkeypatch):
    env.add(record())
    open_state(env)
    monkeypatch.setattr(mw, "RECORD_LOGINS_MAX", 3)
    env.fake.journal = "\n".join(
        journal_line(f"Failed password for vendor1 from 10.0.1.9 port {n} ssh2") for n in range(5)
    )
    mw.reconcile(env.host(), NOW.replace(hour=4))
    assert [entry["time"] for entry in env.read()["logins"]] == ["2026-11-29T01:12:00Z"] * 3
    assert [r["closed_by"] for r in mw.read_records(env.config)] == ["end"], "still readable"


def test_the_password_goes_to_chpasswd_on_stdin_and_nowhere_else(env):
    env.add(record())
    open_state(env)
    mw.reconcile(env.host(), NOW.replace(hour=4))

    (password,) = env.fake.passwords
    assert len(password) >= 24
    (chpasswd,) = [(argv, data) for argv, data in env.fake.calls if argv[0] == "chpasswd"]
    assert chpasswd == (["chpasswd"], f"vendor1:{password}\n")
    for argv, _data in env.fake.calls:
        assert not any(password in arg for arg in argv), argv
    written = "".join(env.snapshot().values())
    assert password not in written
    assert "$y$" not in written and HASH not in written
    assert "password" not in env.read(), "no password field in the record"


def test_a_window_found_due_at_boot_is_closed_by_boot(env):
    env.add(record())
    open_state(env)
    mw.reconcile(env.host(), NOW.replace(hour=9), boot=True)
    assert env.read()["closed_by"] == "boot"
    assert env.read()["closed"] == "2026-11-29T09:00:00Z"


def test_closing_a_key_window_removes_its_key_line_only(env):
    env.add(record(auth="key"))
    open_state(env)
    keys = env.keys_dir / "vendor1"
    other = mw.key_line(record("w9"), KEY)
    mw.write_keys(str(keys), f"{other}\n{mw.key_line(record(), KEY)}\n")
    changes = mw.reconcile(env.host(), NOW.replace(hour=4))
    assert keys.read_text() == f"{other}\n"
    assert keys.stat().st_mode & 0o7777 == 0o644
    assert "vendor1: key removed" in changes
    assert env.read()["closed_by"] == "end"


def test_closing_a_key_window_never_reads_or_writes_the_accounts_home(env):
    """The key is in root's file; a ~/.ssh/authorized_keys the account wrote (the same
    line, or anything) is not sshd's for a maintenance account and is left alone."""
    env.add(record(auth="key"))
    open_state(env)
    home_keys = env.home / "vendor1" / ".ssh" / "authorized_keys"
    home_keys.parent.mkdir(parents=True)
    text = f"{mw.key_line(record(), KEY)}\n"
    home_keys.write_text(text)
    home_keys.chmod(0o600)
    changes = mw.reconcile(env.host(), NOW.replace(hour=4))
    assert home_keys.read_text() == text
    assert home_keys.stat().st_mode & 0o7777 == 0o600
    assert "vendor1: key removed" not in changes
    assert not env.keys_dir.exists(), "no keys file made for a window without one"
    assert env.read()["closed_by"] == "end"


def test_an_early_close_ends_an_open_window_now(env):
    env.add(record())
    open_state(env)
    host = env.host()
    loaded = mw.read_records(env.config)[0]
    mw.close(host, loaded, NOW, "early")
    assert loaded["closed"] == "2026-11-29T02:00:00Z" and loaded["closed_by"] == "early"
    assert env.read()["closed_by"] == "early"
    assert env.fake.shadow["vendor1"][1].startswith("!")
    assert env.fake.elements["remote_maintenance_v4"] == {}
    mw.reconcile(host, NOW)
    assert "Match User vendor1\n\tDenyUsers *\n" in env.drop_in.read_text()
    assert env.fake.elements["remote_maintenance_v4"] == {}, "a closed window is not reopened"


# ---------------------------------------------------------------- open and pending


def test_an_emergency_window_admits_its_sources_to_its_port_too_and_closes_both(env):
    env.add(record(sources=["10.88.0.77", "10.0.1.0/24", "2001:db8::5"], remote_control_port=5900))
    mw.reconcile(env.host(), NOW.replace(minute=30))

    seconds = 30 * 60
    assert env.fake.elements == {
        "remote_maintenance_v4": {"10.88.0.77": seconds, "10.0.1.0/24": seconds},
        "remote_maintenance_v6": {"2001:db8::5": seconds},
        "remote_control_v4": {"10.88.0.77 . 5900": seconds, "10.0.1.0/24 . 5900": seconds},
        "remote_control_v6": {"2001:db8::5 . 5900": seconds},
    }
    assert [
        "nft", "add", "element", "inet", "edu_tw_hardening", "remote_control_v4",
        "{ 10.0.1.0/24 . 5900 timeout 1800s }",
    ] in env.fake.argvs()  # fmt: skip
    env.fake.calls.clear()
    assert mw.reconcile(env.host(), NOW.replace(minute=31)) == [], "nothing to do a minute later"

    mw.reconcile(env.host(), NOW.replace(hour=3, minute=0, second=1))
    assert not any(env.fake.elements.values()), "both kinds of element go at the end"
    assert env.read()["closed_by"] == "end"


def test_closing_one_emergency_window_keeps_another_windows_port(env):
    env.add(record(sources=["10.88.0.77"], remote_control_port=5900))
    env.add(record(name="w2", account="vendor2", sources=["10.88.0.77"], remote_control_port=3389))
    mw.reconcile(env.host(), NOW)
    assert set(env.fake.elements["remote_control_v4"]) == {"10.88.0.77 . 5900", "10.88.0.77 . 3389"}

    mw.close(env.host(), mw.parse_record((env.windows / "w1.json").read_text()), NOW, "early")
    assert set(env.fake.elements["remote_control_v4"]) == {"10.88.0.77 . 3389"}
    assert "10.88.0.77" not in env.fake.elements["remote_maintenance_v4"]
    mw.reconcile(env.host(), NOW)
    assert set(env.fake.elements["remote_maintenance_v4"]) == {"10.88.0.77"}, "w2 still open"


@pytest.mark.parametrize("port", [True, 5900.0, "5900", 0, 22, 1023, 65536, -1])
def test_a_record_with_a_port_that_is_no_remote_control_port_is_refused(port):
    with pytest.raises(mw.WindowError, match="remote_control_port"):
        mw.parse_record(mw.record_text(record(remote_control_port=port)))


def test_a_record_written_before_emergency_windows_existed_is_read():
    old = record()
    del old["remote_control_port"]
    assert mw.parse_record(mw.record_text(old)).get("remote_control_port") is None
    assert mw.same_window(old, {key: record()[key] for key in mw.RECORD_FIELDS})


def test_an_open_password_window_admits_its_sources_until_its_end(env):
    env.add(record(sources=["10.88.0.77", "10.0.1.0/24", "2001:db8::5"]))
    changes = mw.reconcile(env.host(), NOW.replace(minute=30))

    seconds = 30 * 60  # 02:30 to 03:00
    assert env.fake.elements == {
        "remote_maintenance_v4": {"10.88.0.77": seconds, "10.0.1.0/24": seconds},
        "remote_maintenance_v6": {"2001:db8::5": seconds},
        "remote_control_v4": {},
        "remote_control_v6": {},
    }, "a window without remote_control_port opens SSH only"
    argvs = env.fake.argvs()
    assert [
        "nft", "add", "element", "inet", "edu_tw_hardening", "remote_maintenance_v6",
        "{ 2001:db8::5 timeout 1800s }",
    ] in argvs  # fmt: skip
    assert ["usermod", "-U", "vendor1"] in argvs
    assert env.fake.shadow["vendor1"][1] == HASH and env.fake.shadow["vendor1"][7] == ""
    assert env.fake.shadow["vendor2"][1] == f"!{HASH}", "the other account stays locked"
    assert env.drop_in.read_text().splitlines()[-15:] == [
        "Match User vendor1 Address !10.0.1.0/24,!10.88.0.77,!2001:db8::5,0.0.0.0/0,::/0",
        "\tDenyUsers *",
        *limits("vendor1", password="yes"),
        "Match User vendor2",
        "\tDenyUsers *",
        *limits("vendor2"),
        "Match all",
    ]
    assert env.timer().read_text() == mw.timer_unit(record())
    assert ["systemctl", "enable", "--now", "edu-tw-hardening-window-w1.timer"] in argvs
    assert ["sshd", "-t"] in argvs and ["systemctl", "reload", "--no-block", "ssh.service"] in argvs
    assert "firewall: 10.88.0.77 admitted to remote_maintenance_v4 for 1800s" in changes
    assert env.read()["closed"] is None


def test_an_open_key_window_only_unexpires_the_locked_account(env):
    env.add(record(auth="key"))
    mw.reconcile(env.host(), NOW)
    assert ["usermod", "-U", "vendor1"] not in env.fake.argvs()
    assert env.fake.shadow["vendor1"][1] == f"!{HASH}"
    assert env.fake.shadow["vendor1"][7] == ""
    assert "Match User vendor1 Address !10.0.1.0/24,!10.88.0.77," in env.drop_in.read_text()


@pytest.mark.parametrize(
    ("fields", "drop_in"),
    [
        ({}, "Match User vendor1 Address !10.0.1.0/24,!10.88.0.77,0.0.0.0/0,::/0\n\tDenyUsers *\n"),
        (
            {"start": "2026-11-29T05:00:00Z", "end": "2026-11-29T06:00:00Z"},
            "Match User vendor1\n\tDenyUsers *\n",
        ),
    ],
    ids=["open", "pending"],
)
def test_an_account_no_longer_declared_stays_covered_while_it_has_a_window(env, fields, drop_in):
    """vendor1 dropped from the configuration with a window on record: its Match blocks
    stay (from the window's sources only, or none while pending), and it is kept locked
    outside its window."""
    env.config = env.config._replace(accounts=["vendor2"])
    env.add(record(**fields))
    env.fake.shadow["vendor1"][1] = HASH  # left usable by hand
    env.fake.shadow["vendor1"][7] = ""
    mw.reconcile(env.host(), NOW)
    text = env.drop_in.read_text()
    assert drop_in in text, text
    assert "\n".join(limits("vendor1", "yes" if not fields else "no")) in text, text
    assert text.index("Match User vendor1") < text.index("Match User vendor2"), "sorted"
    expected = (HASH, "") if not fields else (f"!{HASH}", "1")
    assert (env.fake.shadow["vendor1"][1], env.fake.shadow["vendor1"][7]) == expected


def test_an_account_no_longer_declared_without_a_window_left_is_forgotten(env):
    env.config = env.config._replace(accounts=["vendor2"])
    past = {"start": "2026-11-28T01:00:00Z", "end": "2026-11-28T03:00:00Z"}
    env.add(record("w0", closed="2026-11-28T03:00:00Z", closed_by="end", **past))
    mw.reconcile(env.host(), NOW)
    assert "vendor1" not in env.drop_in.read_text()
    assert ["getent", "shadow", "vendor1"] not in env.fake.argvs()


def test_a_firewall_element_already_there_is_left_to_its_timeout(env):
    env.add(record())
    env.fake.elements["remote_maintenance_v4"] = {"10.88.0.77": 96}
    mw.reconcile(env.host(), NOW)
    assert env.fake.elements["remote_maintenance_v4"] == {"10.88.0.77": 96, "10.0.1.0/24": 3600}


def test_a_pending_window_keeps_the_account_locked_and_writes_its_timer(env):
    env.add(record(start="2026-11-29T05:00:00Z", end="2026-11-29T06:00:00Z"))
    env.fake.shadow["vendor1"][1] = HASH  # left usable by hand
    env.fake.shadow["vendor1"][7] = ""
    changes = mw.reconcile(env.host(), NOW)
    assert env.fake.shadow["vendor1"][1] == f"!{HASH}"
    assert env.fake.shadow["vendor1"][7] == "1"
    assert "chpasswd" not in [a[0] for a in env.fake.argvs()], "no rotation before the window"
    assert not any(env.fake.elements.values())
    assert "OnCalendar=2026-11-29 05:00:00 UTC" in env.timer().read_text()
    assert "Match User vendor1\n\tDenyUsers *\n" in env.drop_in.read_text()
    assert "timer of w1 written" in changes
    assert env.read()["closed"] is None


def test_reconcile_twice_with_nothing_due_changes_nothing_the_second_time(env):
    env.add(record())
    env.add(
        record("w2", account="vendor2", start="2026-11-29T05:00:00Z", end="2026-11-29T06:00:00Z")
    )
    past = {"start": "2026-11-28T01:00:00Z", "end": "2026-11-28T03:00:00Z"}
    env.add(record("w0", closed="2026-11-28T03:00:00Z", closed_by="end", **past))
    assert mw.reconcile(env.host(), NOW)
    before = env.snapshot()
    env.fake.calls.clear()
    host = env.host()
    assert mw.reconcile(host, NOW.replace(minute=10)) == []
    assert env.fake.mutating() == []
    assert env.snapshot() == before


# ---------------------------------------------------------------- check mode, sshd, errors


@pytest.mark.parametrize("hour", [1, 2, 4])
def test_check_mode_changes_nothing_but_lists_the_changes(env, hour):
    """Pending (01:00 with a window from 01:30), open (02:00), due (04:00)."""
    env.add(record(start="2026-11-29T01:30:00Z"))
    env.fake.shadow["vendor1"][7] = ""
    env.timer().write_text("old timer\n")
    env.drop_in.parent.mkdir()
    env.drop_in.write_text("old drop-in\n")
    before = env.snapshot()
    shadow = json.dumps(env.fake.shadow)

    changes = mw.reconcile(env.host(check=True), NOW.replace(hour=hour))

    assert changes
    assert f"sshd: {env.drop_in} rewritten" in changes
    assert env.fake.mutating() == []
    assert ["sshd", "-t"] not in env.fake.argvs()
    assert env.snapshot() == before
    assert json.dumps(env.fake.shadow) == shadow and not any(env.fake.elements.values())


def test_check_mode_lists_the_close_of_a_due_window(env):
    env.add(record())
    open_state(env)
    changes = mw.reconcile(env.host(check=True), NOW.replace(hour=4))
    for expected in (
        "vendor1: password rotated to an unknown value",
        "vendor1: locked",
        "vendor1: expired",
        "vendor1: sessions ended",
        "firewall: 10.88.0.77 removed from remote_maintenance_v4",
        "record closed",
        "edu-tw-hardening-window-w1.timer removed",
    ):
        assert expected in changes
    assert env.fake.mutating() == [] and env.fake.passwords == []
    assert env.read()["closed"] is None and env.timer().exists()


def test_a_drop_in_that_sshd_refuses_is_replaced_by_the_previous_one(env):
    env.add(record())
    env.drop_in.parent.mkdir()
    env.drop_in.write_text("# the previous drop-in\nMatch User vendor1\n\tDenyUsers *\n")
    env.fake.sshd_rc = 255
    with pytest.raises(mw.WindowError, match="sshd -t refused"):
        mw.reconcile(env.host(), NOW)
    assert env.drop_in.read_text() == "# the previous drop-in\nMatch User vendor1\n\tDenyUsers *\n"
    assert ["systemctl", "reload", "--no-block", "ssh.service"] not in env.fake.argvs()


def test_a_first_drop_in_that_sshd_refuses_is_removed(env):
    env.add(record())
    env.fake.sshd_rc = 255
    with pytest.raises(mw.WindowError, match="Bad Match"):
        mw.reconcile(env.host(), NOW)
    assert not env.drop_in.exists()


def test_without_sshd_no_drop_in_is_written(env):
    env.sshd_config.unlink()
    mw.reconcile(env.host(), NOW)
    assert not env.drop_in.exists()
    assert ["sshd", "-t"] not in env.fake.argvs()


def test_an_unreadable_record_stops_the_program_naming_the_file(env):
    env.add(record())
    (env.windows / "w2.json").write_text('{"name": "w2", "account": 3}')
    with pytest.raises(mw.WindowError, match=r"window record w2\.json: missing or empty account"):
        mw.reconcile(env.host(), NOW.replace(hour=4))
    assert env.fake.calls == [], "nothing done on a guess"


def test_a_record_of_non_utf8_bytes_stops_the_program_naming_the_file(env):
    (env.windows / "w3.json").write_bytes(mw.record_text(record("w3")).encode() + b"\xff\xfe")
    with pytest.raises(mw.WindowError, match=r"window record w3\.json"):
        mw.read_records(env.config)


def test_read_records_skips_other_files_and_a_missing_directory(env):
    env.add(record())
    (env.windows / "notes.txt").write_text("not a record")
    (env.windows / ".w1.json.swp").write_bytes(b"\xff")
    assert [r["name"] for r in mw.read_records(env.config)] == ["w1"]
    assert mw.read_records(env.config._replace(windows_dir=str(env.tmp / "none"))) == []


def test_a_window_of_an_account_deleted_by_hand_still_closes_with_the_others(env):
    # Nothing of a deleted account can log in; its window and the others close all the same.
    env.add(record(name="gone", account="vendor9"))
    env.add(record(name="w2"))
    mw.reconcile(env.host(), NOW.replace(hour=4))
    assert env.read("gone")["closed_by"] == "end"
    assert env.read("w2")["closed_by"] == "end"
    assert not [a for a in env.fake.argvs() if "vendor9" in a and a[0] in ("usermod", "chpasswd")]


def test_a_failing_command_is_an_error_that_says_which(env):
    def failing(argv, data):
        return (1, "", "Error: No such file or directory") if argv[0] == "nft" else (0, "", "")

    host = mw.Host(env.config, run=failing)
    with pytest.raises(mw.WindowError, match=r"nft -j list set .* failed \(rc 1\): Error: No"):
        host.set_elements("remote_maintenance_v4")


# ---------------------------------------------------------------- the program


@pytest.fixture
def program(env, monkeypatch, tmp_path):
    config = tmp_path / "remote_access.json"
    config.write_text(mw.config_text(env.config))
    monkeypatch.setattr(mw, "_run", env.fake)
    return str(config)


def test_main_reconcile_closes_what_is_due(env, program, capsys):
    env.add(record(start="2026-11-28T01:00:00Z", end="2026-11-28T03:00:00Z"))
    assert mw.main(["--config", program, "reconcile"]) == 0
    assert env.read()["closed_by"] == "end"
    assert "edu_tw.hardening windows: record closed" in capsys.readouterr().out
    assert ["systemctl", "is-system-running"] in env.fake.argvs()


def test_main_reconcile_while_booting_closes_by_boot(env, program, monkeypatch):
    env.add(record(start="2026-11-28T01:00:00Z", end="2026-11-28T03:00:00Z"))
    fake = env.fake

    def booting(argv, data):
        if argv[:2] == ["systemctl", "is-system-running"]:
            fake.calls.append((argv, data))
            return 1, "starting\n", ""
        return fake(argv, data)

    monkeypatch.setattr(mw, "_run", booting)
    assert mw.main(["--config", program, "reconcile"]) == 0
    assert env.read()["closed_by"] == "boot"


def test_main_close_ends_a_window_early(env, program):
    start = datetime.datetime.now(UTC) - datetime.timedelta(minutes=5)
    window = record(start=mw.utc(start), end=mw.utc(start + datetime.timedelta(hours=2)))
    env.add(window)
    assert mw.main(["--config", program, "close", "w1"]) == 0
    assert env.read()["closed_by"] == "early"
    assert env.fake.shadow["vendor1"][1].startswith("!")
    assert len(env.fake.passwords) == 1


def test_main_refuses_an_unknown_command(program, env, capsys):
    assert mw.main(["--config", program, "open", "w1"]) == 2
    assert mw.main(["--config", program]) == 2
    shown = capsys.readouterr()
    assert "usage" in shown.out + shown.err
    assert env.fake.mutating() == []


def test_main_reports_an_unreadable_record_and_fails(env, program, capsys):
    (env.windows / "w1.json").write_bytes(b'{"name": "\xff"}')
    assert mw.main(["--config", program, "reconcile"]) == 1
    assert "window record w1.json" in capsys.readouterr().err


def test_main_without_a_config_fails(tmp_path, env, program, capsys):
    absent = tmp_path / "absent.json"
    assert mw.main(["--config", str(absent), "reconcile"]) == 1
    assert f"config {absent}: accounts is not a list" in capsys.readouterr().err


def test_the_program_uses_the_standard_library_only():
    source = Path(mw.__file__).read_text(encoding="utf-8")
    imports = set(re.findall(r"^(?:import|from) (\w+)", source, re.MULTILINE))
    assert imports <= {
        "__future__", "contextlib", "datetime", "fcntl", "ipaddress", "json", "os", "re",
        "secrets", "string", "subprocess", "sys", "tempfile", "typing",
    }  # fmt: skip
    assert string.ascii_letters in mw.PASSWORD_ALPHABET


def test_the_lock_is_exclusive(env, tmp_path):
    with mw.exclusive():
        assert (tmp_path / "run" / "windows.lock").exists()
