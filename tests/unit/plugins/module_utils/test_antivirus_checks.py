# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ClamAV's health check and scheduled scan on the host (MOE-16): the program the antivirus
role installs, driven against a fake clamd on a real unix socket in tmp_path (answering as
ClamAV 1.4.3 on Debian 12 does) and a fake clamdscan runner."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import tempfile
import threading
import time

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils import antivirus_checks as av

NOW = 1_800_000_000.0  # 2027-01-15T08:00:00Z
HOUR = 3600.0
EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
SIGNATURE = "Test.EICAR.UNOFFICIAL"


def header(build: str | None = "1800000000", name: str = "daily") -> bytes:
    """A .cvd/.cld as ClamAV publishes it: a 512-byte header padded with spaces, then the
    gzip'd tar (a few bytes of it here)."""
    fields = [
        "ClamAV-VDB",
        "15 Jan 2027 07-00 +0000",
        "27520" if name == "daily" else "62",
        "2074318",
        "90",
        "0f8f1e9a1b6c2e22d52c9b5c1d6b4a11",
        "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        "raynman",
    ]
    if build is not None:
        fields.append(build)
    text = ":".join(fields).encode("utf-8")
    return text + b" " * (av.HEADER_SIZE - len(text)) + b"\x1f\x8b\x08\x00\x00\x00"


def config(sock: str, hours: int = 24, paths=(), quarantine=None) -> av.Config:
    return av.Config(sock, hours, list(paths), quarantine)


# ---------------------------------------------------------------- EICAR


def test_eicar_is_the_68_byte_test_file():
    data = av.eicar()
    assert len(data) == 68
    assert data.startswith(b"X5O!P%@AP")
    assert hashlib.sha256(data).hexdigest() == EICAR_SHA256


def test_the_program_does_not_hold_the_eicar_text_itself():
    with open(av.__file__, "rb") as handle:
        source = handle.read()
    assert av.eicar() not in source
    assert av.eicar()[:20] not in source


# ---------------------------------------------------------------- configuration


def test_config_text_reads_back_as_the_same_config():
    declared = av.Config("/run/clamav/clamd.ctl", 24, ["/home", "/srv"], "/var/lib/q")
    assert av.parse_config(av.config_text(declared)) == declared
    assert av.config_text(declared).endswith("}\n")


def test_config_without_quarantine_is_null():
    text = json.dumps({"socket": "/s", "max_age_hours": 1, "scan_paths": []})
    assert av.parse_config(text).quarantine is None


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"socket": "clamd.ctl"}, "socket is not an absolute path"),
        ({"socket": ""}, "socket is not an absolute path"),
        ({"socket": None}, "socket is not an absolute path"),
        ({"socket": "/" + "x" * av.TEXT_MAX}, "socket is not an absolute path"),
        ({"max_age_hours": 0}, "max_age_hours"),
        ({"max_age_hours": 8761}, "max_age_hours"),
        ({"max_age_hours": True}, "max_age_hours"),
        ({"max_age_hours": "24"}, "max_age_hours"),
        ({"max_age_hours": 24.0}, "max_age_hours"),
        ({"scan_paths": "/home"}, "scan_paths"),
        ({"scan_paths": ["home"]}, "scan_paths"),
        ({"scan_paths": [None]}, "scan_paths"),
        ({"quarantine": "q"}, "quarantine"),
        ({"quarantine": 5}, "quarantine"),
    ],
)
def test_config_with_a_bad_value_is_refused_naming_it(change, says):
    data = {"socket": "/s", "max_age_hours": 24, "scan_paths": ["/home"], "quarantine": None}
    data.update(change)
    with pytest.raises(av.CheckError, match=says):
        av.parse_config(json.dumps(data))


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "invalid JSON"),
        ("[]", "not a JSON object"),
        ("[" * 100_000, "invalid JSON"),
        (" " * (av.RECORD_CHARS_MAX + 1), "larger than"),
    ],
)
def test_config_that_is_not_a_json_object_is_refused(text, says):
    with pytest.raises(av.CheckError, match=says):
        av.parse_config(text)


def test_max_age_hours_bounds_are_accepted():
    for hours in (1, 8760):
        text = json.dumps({"socket": "/s", "max_age_hours": hours, "scan_paths": []})
        assert av.parse_config(text).max_age_hours == hours


# ---------------------------------------------------------------- signature headers


def test_cvd_header_gives_its_build_time():
    assert av.header_build_time(header("1768460400")) == 1768460400.0


def test_header_without_the_ninth_field_has_no_build_time():
    assert av.header_build_time(header(None)) is None


@pytest.mark.parametrize("build", ["17684x0400", "", "-1768460400", "1.5", "1" * 13])
def test_header_with_a_build_time_that_is_not_digits_has_none(build):
    assert av.header_build_time(header(build)) is None


@pytest.mark.parametrize("head", [None, b"", b"PK\x03\x04", b"clamav-vdb:x:x:x:x:x:x:x:1"])
def test_something_that_is_no_header_has_no_build_time(head):
    assert av.header_build_time(head) is None


def test_build_time_is_read_within_the_512_byte_header_only():
    text = b"ClamAV-VDB:d:1:2:3:4:5:b"
    assert av.header_build_time(text + b" " * (512 - len(text)) + b":1768460400") is None


def test_cvd_is_as_old_as_its_build_time_not_its_file_time():
    ages = av.signature_ages(
        [("/var/lib/clamav/main.cvd", header(str(int(NOW - 100 * HOUR)), "main"), NOW - HOUR)],
        NOW,
    )
    assert ages == [
        {
            "path": "/var/lib/clamav/main.cvd",
            "official": True,
            "time": "2027-01-11T04:00:00Z",
            "time_source": "build time",
            "age_hours": 100.0,
        }
    ]


def test_cld_is_as_old_as_its_build_time():
    [daily] = av.signature_ages(
        [("/var/lib/clamav/daily.cld", header(str(int(NOW - 2.5 * HOUR))), NOW - 30 * HOUR)], NOW
    )
    assert (daily["official"], daily["time_source"], daily["age_hours"]) == (
        True,
        "build time",
        2.5,
    )


@pytest.mark.parametrize("build", [None, "tomorrow", "99999999999", "\uff11" * 10])
def test_cvd_without_a_readable_build_time_is_of_unknown_age_not_its_file_time(build):
    """A copy restored from a backup has a new file time: it says nothing of the signatures."""
    [item] = av.signature_ages(
        [("/var/lib/clamav/bytecode.cvd", header(build, "bytecode"), NOW - 7 * HOUR)], NOW
    )
    assert (item["time_source"], item["age_hours"], item["official"]) == ("unknown", None, True)
    assert av.newest_age([item]) is None


def test_a_time_in_the_future_is_unknown_not_fresh():
    built = str(int(NOW + 48 * HOUR))
    ages = av.signature_ages(
        [
            ("/var/lib/clamav/daily.cld", header(built), NOW),
            ("/var/lib/clamav/local.ndb", None, NOW + 30 * HOUR),
        ],
        NOW,
    )
    assert [(i["time_source"], i["age_hours"]) for i in ages] == [
        ("build time in the future", None),
        ("file time in the future", None),
    ]
    assert av.newest_age(ages) is None


def test_other_signature_files_use_their_file_time_even_with_a_header():
    [item] = av.signature_ages(
        [("/var/lib/clamav/local.ndb", header(str(int(NOW - 100 * HOUR))), NOW - 3 * HOUR)], NOW
    )
    assert item == {
        "path": "/var/lib/clamav/local.ndb",
        "official": False,
        "time": "2027-01-15T05:00:00Z",
        "time_source": "file time",
        "age_hours": 3.0,
    }


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("main.cvd", True),
        ("daily.cld", True),
        ("bytecode.cld", True),
        ("main.hdb", False),
        ("daily.ndb", False),
        ("local.cvd", False),
        ("urlhaus.cld", False),
        ("maindaily.cvd", False),
    ],
)
def test_only_clamav_own_cvd_and_cld_are_official(name, official):
    [item] = av.signature_ages([(f"/var/lib/clamav/{name}", None, NOW)], NOW)
    assert item["official"] is official


def test_a_database_without_a_time_is_listed_of_unknown_age_and_all_sorted():
    ages = av.signature_ages(
        [
            ("/var/lib/clamav/main.cvd", header(None, "main"), None),
            ("/var/lib/clamav/z.hdb", None, NOW - HOUR),
            ("/var/lib/clamav/a.ndb", None, NOW - 2 * HOUR),
        ],
        NOW,
    )
    assert [(item["path"], item["age_hours"]) for item in ages] == [
        ("/var/lib/clamav/a.ndb", 2.0),
        ("/var/lib/clamav/main.cvd", None),
        ("/var/lib/clamav/z.hdb", 1.0),
    ]
    # The official database decides, and its age is unknown: nothing says it is fresh.
    assert av.newest_age(ages) is None


def test_newest_age_is_the_youngest_database():
    ages = [
        {"age_hours": 30.0, "official": False},
        {"age_hours": 2.5, "official": False},
        {"age_hours": 100.0, "official": False},
    ]
    assert av.newest_age(ages) == 2.5
    assert av.newest_age([]) is None


def test_a_fresh_custom_database_does_not_hide_stale_official_ones():
    ages = [
        {"age_hours": 1.0, "official": False},  # the site's local.ndb
        {"age_hours": 500.0, "official": True},  # daily.cld
        {"age_hours": 900.0, "official": True},  # main.cvd
    ]
    assert av.newest_age(ages) == 500.0


def test_read_signatures_reads_headers_and_file_times_of_signature_files_only(tmp_path):
    (tmp_path / "daily.cld").write_bytes(header() + b"x" * 4096)
    (tmp_path / "local.hdb").write_bytes(b"44d88612fea8a8f36de82e1278abb02f:68:Eicar\n")
    (tmp_path / "freshclam.dat").write_bytes(b"\0" * 64)
    (tmp_path / "sub.cvd").mkdir()
    os.utime(tmp_path / "local.hdb", (NOW - HOUR, NOW - HOUR))
    files = av.read_signatures(str(tmp_path))
    assert [(os.path.basename(p), len(h)) for p, h, _m in files] == [
        ("daily.cld", 512),
        ("local.hdb", 42),
    ]
    assert files[0][1] == header()[:512]
    assert files[1][2] == NOW - HOUR


def test_read_signatures_of_a_missing_directory_is_empty(tmp_path):
    assert av.read_signatures(str(tmp_path / "absent")) == []


@pytest.mark.parametrize(
    ("path", "signature"),
    [("/a/main.cvd", True), ("/a/x.ldb", True), ("/a/freshclam.dat", False), ("/a/cvd", False)],
)
def test_is_signature_file_goes_by_suffix(path, signature):
    assert av.is_signature_file(path) is signature


# ---------------------------------------------------------------- a fake clamd


class FakeClamd:
    """clamd on a unix socket: ``zPING`` -> ``PONG``, ``zFILDES`` -> reads the passed file
    and answers as ClamAV 1.4.3 does. ``mode``: ``clamav`` (detects EICAR only), ``blind``
    (detects nothing), ``paranoid`` (flags everything), ``stranger`` (no clamd: answers
    PING with an error)."""

    def __init__(self, path: str, mode: str = "clamav") -> None:
        self.path, self.mode = path, mode
        self.commands: list[bytes] = []
        self.scanned: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.server.settimeout(0.2)
        self.stopping = False
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping = True
        self.thread.join(5)
        self.server.close()

    def serve(self) -> None:
        while not self.stopping:
            try:
                conn, _addr = self.server.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                self.answer(conn)

    def answer(self, conn: socket.socket) -> None:
        data, fds = b"", []
        while b"\0" not in data or (data.startswith(b"zFILDES\0") and not fds):
            chunk, got, _flags, _addr = socket.recv_fds(conn, 1024, 4)
            if not chunk:
                return
            data, fds = data + chunk, fds + got
        command = data.split(b"\0", 1)[0]
        self.commands.append(command)
        if command == b"zPING":
            conn.sendall(b"PROTOCOL ERROR\0" if self.mode == "stranger" else b"PONG\0")
            return
        if command != b"zFILDES" or len(fds) != 1:
            conn.sendall(b"UNKNOWN COMMAND\0")
            return
        fd = fds[0]
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            content = os.read(fd, 1 << 20)
        finally:
            os.close(fd)
        self.scanned.append(content)
        infected = self.mode == "paranoid" or (self.mode == "clamav" and content == av.eicar())
        verdict = f"{SIGNATURE} FOUND" if infected else "OK"
        conn.sendall(f"fd[{fd}]: {verdict}\0".encode())


@pytest.fixture
def short_dir():
    """A directory with a short path: a unix socket path is at most 107 bytes."""
    with tempfile.TemporaryDirectory(prefix="av-") as name:
        yield name


@pytest.fixture
def clamd(short_dir):
    daemons = []

    def start(mode: str = "clamav") -> FakeClamd:
        daemon = FakeClamd(os.path.join(short_dir, f"clamd-{len(daemons)}.ctl"), mode)
        daemons.append(daemon)
        return daemon

    yield start
    for daemon in daemons:
        daemon.stop()


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    """Where scan_bytes makes its temporary files (empty after each health check)."""
    where = tmp_path / "scratch"
    where.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(where))
    return where


FRESH = [("/var/lib/clamav/daily.cld", header(str(int(NOW - 3 * HOUR))), NOW - HOUR)]


def test_clamd_reply_pings_the_daemon(clamd):
    daemon = clamd()
    assert av.clamd_reply(daemon.path, b"PING") == "PONG"
    assert daemon.commands == [b"zPING"]


def test_clamd_reply_without_a_daemon_raises_oserror(short_dir):
    with pytest.raises(OSError):
        av.clamd_reply(os.path.join(short_dir, "absent.ctl"), b"PING")


def test_scan_bytes_passes_a_file_descriptor_and_removes_the_file(clamd, scratch):
    daemon = clamd()
    assert av.scan_bytes(daemon.path, av.eicar()) == ("found", SIGNATURE)
    assert av.scan_bytes(daemon.path, b"hello\n") == ("clean", None)
    assert daemon.commands == [b"zFILDES", b"zFILDES"]
    assert daemon.scanned == [av.eicar(), b"hello\n"]
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    ("reply", "parsed"),
    [
        ("fd[5]: Test.EICAR.UNOFFICIAL FOUND", ("found", "Test.EICAR.UNOFFICIAL")),
        ("fd[5]: Eicar-Signature FOUND", ("found", "Eicar-Signature")),
        ("fd[5]: OK", ("clean", None)),
        (
            "fd[5]: lstat() failed: Permission denied. ERROR",
            ("error", "fd[5]: lstat() failed: Permission denied. ERROR"),
        ),
        ("UNKNOWN COMMAND", ("error", "UNKNOWN COMMAND")),
        ("", ("error", "no reply")),
        ("fd[5]: OKAY", ("error", "fd[5]: OKAY")),
    ],
)
def test_parse_scan_reply(reply, parsed):
    assert av.parse_scan_reply(reply) == parsed


def test_health_of_a_working_clamd_passes(clamd, scratch):
    daemon = clamd()
    record = av.health(config(daemon.path), NOW, signatures=FRESH)
    assert record["time"] == "2027-01-15T08:00:00Z"
    assert record["passed"] is True
    assert record["detail"] == "daemon, signatures and detection pass"
    assert record["checks"]["daemon"] == {"ok": True, "detail": "answers PING"}
    assert record["checks"]["signatures"] == {
        "ok": True,
        "detail": "newest signatures are 3.0 h old",
        "age_hours": 3.0,
    }
    assert record["checks"]["detection"] == {
        "ok": True,
        "detail": f"EICAR detected as {SIGNATURE}",
        "signature": SIGNATURE,
    }
    assert daemon.commands == [b"zPING", b"zFILDES", b"zFILDES"]
    assert hashlib.sha256(daemon.scanned[0]).hexdigest() == EICAR_SHA256
    assert daemon.scanned[1] != av.eicar()
    assert list(scratch.iterdir()) == []
    assert av.parse_health(json.dumps(record), NOW + HOUR) == {
        "present": True,
        "passed": True,
        "age_hours": 1.0,
        "detail": "daemon, signatures and detection pass",
        "failed": [],
    }


def test_health_of_a_clamd_that_detects_nothing_fails_detection(clamd, scratch):
    daemon = clamd("blind")
    record = av.health(config(daemon.path), NOW, signatures=FRESH)
    assert record["passed"] is False
    assert record["checks"]["daemon"]["ok"] is True
    assert record["checks"]["signatures"]["ok"] is True
    assert record["checks"]["detection"] == {
        "ok": False,
        "detail": "EICAR test file not detected (reported clean)",
    }
    assert record["detail"] == "detection: EICAR test file not detected (reported clean)"
    assert list(scratch.iterdir()) == []
    assert av.parse_health(json.dumps(record), NOW)["failed"] == ["detection"]


def test_health_of_a_clamd_that_flags_everything_fails_detection(clamd, scratch):
    daemon = clamd("paranoid")
    record = av.health(config(daemon.path), NOW, signatures=FRESH)
    assert record["passed"] is False
    assert record["checks"]["detection"]["ok"] is False
    assert record["checks"]["detection"]["detail"] == (
        f"a clean file was not reported clean: {SIGNATURE}"
    )
    assert record["detail"].startswith("detection: a clean file was not reported clean")
    assert list(scratch.iterdir()) == []


def test_health_without_a_daemon_fails_daemon_and_does_not_try_detection(short_dir, scratch):
    path = os.path.join(short_dir, "clamd.ctl")
    record = av.health(config(path), NOW, signatures=FRESH)
    assert record["passed"] is False
    assert record["checks"]["daemon"]["ok"] is False
    assert record["checks"]["daemon"]["detail"].startswith(f"no answer on {path}: ")
    assert record["checks"]["signatures"]["ok"] is True
    assert record["checks"]["detection"] == {
        "ok": False,
        "detail": "not tried: the daemon does not answer",
    }
    assert record["detail"].startswith(f"daemon: no answer on {path}")
    assert "; detection: not tried" in record["detail"]
    assert "signatures" not in record["detail"]
    assert list(scratch.iterdir()) == []
    assert av.parse_health(json.dumps(record), NOW)["failed"] == ["daemon", "detection"]


def test_health_of_a_socket_that_does_not_answer_pong_fails_daemon(clamd, scratch):
    daemon = clamd("stranger")
    record = av.health(config(daemon.path), NOW, signatures=FRESH)
    assert record["checks"]["daemon"] == {"ok": False, "detail": "PROTOCOL ERROR"}
    assert record["checks"]["detection"]["detail"] == "not tried: the daemon does not answer"
    assert daemon.commands == [b"zPING"]
    assert record["detail"] == (
        "daemon: PROTOCOL ERROR; detection: not tried: the daemon does not answer"
    )


def test_health_with_stale_signatures_fails_signatures_only(clamd, scratch):
    daemon = clamd()
    stale = [("/var/lib/clamav/daily.cld", header(str(int(NOW - 30 * HOUR))), NOW - HOUR)]
    record = av.health(config(daemon.path, hours=24), NOW, signatures=stale)
    assert record["passed"] is False
    assert record["checks"]["signatures"] == {
        "ok": False,
        "detail": "newest signatures are 30.0 h old, older than the limit of 24 h",
        "age_hours": 30.0,
    }
    assert record["checks"]["detection"]["ok"] is True
    assert record["detail"] == (
        "signatures: newest signatures are 30.0 h old, older than the limit of 24 h"
    )


def test_health_signatures_exactly_at_the_limit_pass(clamd, scratch):
    daemon = clamd()
    edge = [("/var/lib/clamav/local.ndb", None, NOW - 24 * HOUR)]
    assert av.health(config(daemon.path, hours=24), NOW, signatures=edge)["passed"] is True


def test_health_without_signatures_fails_signatures(clamd, scratch):
    daemon = clamd()
    record = av.health(config(daemon.path), NOW, signatures=[])
    assert record["checks"]["signatures"] == {
        "ok": False,
        "detail": f"no signature database in {av.SIGNATURE_DIR}",
    }
    assert record["passed"] is False


# ---------------------------------------------------------------- the health record


def record(**change) -> str:
    data = {
        "time": "2027-01-15T02:00:00Z",
        "passed": True,
        "detail": "daemon, signatures and detection pass",
        "checks": {name: {"ok": True, "detail": "fine"} for name in av.HEALTH_CHECKS},
    }
    data.update(change)
    return json.dumps(data)


def test_parse_health_without_a_record():
    assert av.parse_health(None, NOW) == {
        "present": False,
        "passed": None,
        "age_hours": None,
        "detail": None,
        "failed": [],
    }


def test_parse_health_of_a_good_record_gives_its_age():
    assert av.parse_health(record(), NOW)["age_hours"] == 6.0


def test_parse_health_names_the_failed_parts():
    checks = {
        "daemon": {"ok": True, "detail": "answers PING"},
        "signatures": {"ok": False, "detail": "old"},
        "detection": {"ok": False, "detail": "not detected"},
    }
    parsed = av.parse_health(record(passed=False, checks=checks, detail="two fail"), NOW)
    assert parsed == {
        "present": True,
        "passed": False,
        "age_hours": 6.0,
        "detail": "two fail",
        "failed": ["signatures", "detection"],
    }


@pytest.mark.parametrize(
    "text",
    [
        record(passed=True, checks={"daemon": {"ok": True}, "signatures": {"ok": True}}),
        record(passed=False),
        record(
            passed=True,
            checks={n: {"ok": n != "detection"} for n in av.HEALTH_CHECKS},
        ),
        record(passed="yes"),
        record(time="2027-01-15T02:00:00+00:00"),
        record(time="yesterday"),
        record(time=None),
        record(checks=[]),
        record(checks={n: {"ok": "true"} for n in av.HEALTH_CHECKS}),
    ],
)
def test_parse_health_of_a_record_the_check_does_not_write_is_untrusted(text):
    parsed = av.parse_health(text, NOW)
    assert parsed == {
        "present": True,
        "passed": None,
        "age_hours": None,
        "detail": "health record is not what the health check writes",
        "failed": [],
    }


@pytest.mark.parametrize(("text", "says"), [("passed\n", "invalid JSON"), ("[]", "not a JSON")])
def test_parse_health_of_a_record_that_is_no_json_object_is_untrusted(text, says):
    parsed = av.parse_health(text, NOW)
    assert (parsed["present"], parsed["passed"], parsed["age_hours"]) == (True, None, None)
    assert parsed["detail"].startswith("health record: ")
    assert says in parsed["detail"]


def test_parse_health_drops_an_overlong_detail():
    assert av.parse_health(record(detail="x" * (av.TEXT_MAX + 1)), NOW)["detail"] == ""


# ---------------------------------------------------------------- the scan


FOUND_OUTPUT = (
    "/root/d/e/eicar.txt: Test.EICAR.UNOFFICIAL FOUND\n"
    "/root/d/e/eicar.txt: moved to '/root/q/eicar.txt'\n"
)


def test_scan_argv_with_quarantine():
    assert av.scan_argv(config("/s", paths=["/root/d"], quarantine="/root/q"), ["/root/d"]) == [
        "clamdscan",
        "--fdpass",
        "--infected",
        "--no-summary",
        "--move=/root/q",
        "--",
        "/root/d",
    ]


def test_scan_argv_without_quarantine_moves_nothing():
    argv = av.scan_argv(config("/s"), ["/home", "/srv"])
    assert not any(arg.startswith("--move") for arg in argv)
    assert argv[-3:] == ["--", "/home", "/srv"]


def test_parse_clamdscan_reads_found_and_moved_lines():
    assert av.parse_clamdscan(FOUND_OUTPUT) == (
        [
            {
                "path": "/root/d/e/eicar.txt",
                "signature": SIGNATURE,
                "moved_to": "/root/q/eicar.txt",
            }
        ],
        0,
    )


def test_parse_clamdscan_without_move_and_with_errors():
    output = (
        "/srv/a b: c.txt: Win.Test.EICAR_HDB-1 FOUND\n"
        "/srv/locked: Access denied. ERROR\n"
        "/srv/other: moved to '/q/other'\n"
    )
    infected, errors = av.parse_clamdscan(output)
    assert infected == [
        {"path": "/srv/a b: c.txt", "signature": "Win.Test.EICAR_HDB-1", "moved_to": None}
    ]
    assert errors == 1


def test_parse_clamdscan_of_a_clean_run_is_empty():
    assert av.parse_clamdscan("") == ([], 0)


def test_parse_clamdscan_keeps_at_most_infected_max():
    output = "".join(f"/d/{i}: Eicar FOUND\n" for i in range(av.INFECTED_MAX + 5))
    infected, _errors = av.parse_clamdscan(output)
    assert len(infected) == av.INFECTED_MAX


def test_count_files_counts_regular_files_under_the_paths(tmp_path):
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "d" / "a").write_text("a")
    (tmp_path / "d" / "e" / "b").write_text("b")
    (tmp_path / "f").write_text("f")
    assert av.count_files([str(tmp_path / "d"), str(tmp_path / "f")]) == 3


def test_count_files_does_not_count_symbolic_links_inside_directories(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a").write_text("a")
    (tmp_path / "d" / "link").symlink_to(tmp_path / "d" / "a")
    assert av.count_files([str(tmp_path / "d")]) == 1


def test_count_files_does_not_count_a_symbolic_link_given_as_a_path(tmp_path):
    (tmp_path / "a").write_text("a")
    (tmp_path / "link").symlink_to(tmp_path / "a")
    assert av.count_files([str(tmp_path / "link")]) == 0


class Runner:
    def __init__(self, rc=0, out="", err="") -> None:
        self.result = (rc, out, err)
        self.calls: list[list[str]] = []

    def __call__(self, argv):
        self.calls.append(argv)
        return self.result


def test_scan_moves_what_clamdscan_found_and_records_it(tmp_path, monkeypatch):
    data = tmp_path / "d"
    (data / "e").mkdir(parents=True)
    (data / "e" / "x.txt").write_text("x")
    (data / "y.txt").write_text("y")
    quarantine = tmp_path / "q"
    monkeypatch.setattr(av, "quarantine_problem", lambda path: None)
    run = Runner(1, FOUND_OUTPUT)
    declared = config("/s", paths=[str(data), str(tmp_path / "gone")], quarantine=str(quarantine))
    result = av.scan(declared, NOW, run=run)
    assert run.calls == [av.scan_argv(declared, [str(data)])]
    assert result == {
        "time": "2027-01-15T08:00:00Z",
        "paths": [str(data)],
        "missing_paths": [str(tmp_path / "gone")],
        "files": 2,
        "quarantine": str(quarantine),
        "rc": 1,
        "infected": [
            {"path": "/root/d/e/eicar.txt", "signature": SIGNATURE, "moved_to": "/root/q/eicar.txt"}
        ],
        "errors": 0,
    }
    parsed = av.parse_scan(json.dumps(result), NOW + 2 * HOUR)
    assert parsed == {
        "present": True,
        "time": "2027-01-15T08:00:00Z",
        "age_hours": 2.0,
        "files": 2,
        "infected": result["infected"],
        "completed": True,
        "error": None,
    }


def test_scan_of_a_clean_tree_without_quarantine(tmp_path):
    run = Runner(0, "")
    result = av.scan(config("/s", paths=[str(tmp_path)]), NOW, run=run)
    assert (result["rc"], result["infected"], result["errors"], result["quarantine"]) == (
        0,
        [],
        0,
        None,
    )
    assert "detail" not in result


def test_scan_that_cannot_reach_clamd_records_why(tmp_path):
    err = (
        "ERROR: Could not connect to clamd on LocalSocket /var/run/clamav/clamd.ctl: "
        "No such file or directory\n"
    )
    result = av.scan(config("/s", paths=[str(tmp_path)]), NOW, run=Runner(2, "", err))
    assert result["rc"] == 2
    assert result["detail"] == err.strip()
    assert av.parse_scan(json.dumps(result), NOW)["completed"] is False


def test_scan_with_no_existing_path_runs_nothing(tmp_path):
    run = Runner(2, "", "should not run")
    result = av.scan(config("/s", paths=[str(tmp_path / "gone")]), NOW, run=run)
    assert run.calls == []
    assert (result["paths"], result["rc"], result["files"]) == ([], 0, 0)


def test_parse_scan_without_a_record():
    assert av.parse_scan(None, NOW) == {
        "present": False,
        "time": None,
        "age_hours": None,
        "files": None,
        "infected": [],
        "completed": None,
        "error": None,
    }


@pytest.mark.parametrize(
    "data",
    [
        {"time": "yesterday", "files": 1, "rc": 0, "infected": []},
        {"time": "2027-01-15T02:00:00Z", "files": "1", "rc": 0, "infected": []},
        {"time": "2027-01-15T02:00:00Z", "files": 1, "rc": None, "infected": []},
        {"time": "2027-01-15T02:00:00Z", "files": 1, "rc": 0, "infected": {}},
        {"time": "2027-01-15T02:00:00Z", "files": 1, "rc": 0, "infected": [{"path": 5}]},
    ],
)
def test_parse_scan_of_a_record_the_scan_does_not_write(data):
    parsed = av.parse_scan(json.dumps(data), NOW)
    assert (parsed["present"], parsed["error"], parsed["files"]) == (
        True,
        "scan record is not what the scan writes",
        None,
    )


def test_parse_scan_of_a_record_that_is_not_json():
    assert av.parse_scan("{", NOW)["error"].startswith("scan record: invalid JSON")


# ---------------------------------------------------------------- the program


@pytest.fixture
def state(tmp_path, monkeypatch):
    monkeypatch.setattr(av, "HEALTH_PATH", str(tmp_path / "state" / "health.json"))
    monkeypatch.setattr(av, "SCAN_PATH", str(tmp_path / "state" / "scan.json"))
    return tmp_path / "state"


def test_main_health_writes_the_record_and_exits_0_when_it_passes(
    clamd, scratch, state, tmp_path, monkeypatch, capsys
):
    daemon = clamd()
    now_built = str(int(time.time()) - 3600)
    monkeypatch.setattr(
        av, "read_signatures", lambda: [("/var/lib/clamav/daily.cld", header(now_built), None)]
    )
    path = tmp_path / "antivirus.json"
    path.write_text(av.config_text(config(daemon.path)))
    assert av.main(["--config", str(path), "health"]) == 0
    written = json.loads((state / "health.json").read_text())
    assert written["passed"] is True
    assert stat.S_IMODE((state / "health.json").stat().st_mode) == 0o644
    assert json.loads(capsys.readouterr().out) == written
    assert [p.name for p in state.iterdir()] == ["health.json"]


def test_main_health_exits_1_when_it_fails(short_dir, scratch, state, tmp_path, monkeypatch):
    monkeypatch.setattr(av, "read_signatures", lambda: [])
    path = tmp_path / "antivirus.json"
    path.write_text(av.config_text(config(os.path.join(short_dir, "none.ctl"))))
    assert av.main(["--config", str(path), "health"]) == 1
    assert json.loads((state / "health.json").read_text())["passed"] is False


def test_main_scan_fails_when_it_finds_something_or_cannot_scan(state, tmp_path, monkeypatch):
    path = tmp_path / "antivirus.json"
    path.write_text(av.config_text(config("/s", paths=[str(tmp_path)])))
    monkeypatch.setattr(av, "_run", Runner(0, ""))
    assert av.main(["--config", str(path), "scan"]) == 0
    monkeypatch.setattr(av, "_run", Runner(1, FOUND_OUTPUT))
    assert av.main(["--config", str(path), "scan"]) == 1, "systemctl --failed shows a find"
    assert json.loads((state / "scan.json").read_text())["rc"] == 1
    monkeypatch.setattr(av, "_run", Runner(2, "", "ERROR: Could not connect to clamd"))
    assert av.main(["--config", str(path), "scan"]) == 1


@pytest.mark.parametrize("argv", [[], ["health", "scan"], ["--config"], ["check"]])
def test_main_usage(argv, capsys):
    assert av.main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_main_with_a_bad_config_exits_1_saying_why(state, tmp_path, capsys):
    path = tmp_path / "antivirus.json"
    path.write_text('{"socket": "relative"}')
    assert av.main(["--config", str(path), "health"]) == 1
    assert "socket is not an absolute path" in capsys.readouterr().err
    assert not state.exists()


def test_a_health_record_dated_in_the_future_is_not_trusted():
    future = {
        "time": "2030-01-01T00:00:00Z",
        "passed": True,
        "detail": "daemon, signatures and detection pass",
        "checks": {name: {"ok": True, "detail": ""} for name in av.HEALTH_CHECKS},
    }
    parsed = av.parse_health(json.dumps(future), NOW)
    assert parsed["passed"] is None and "in the future" in parsed["detail"]


def test_a_quarantine_someone_else_controls_is_not_used(tmp_path):
    """/tmp is writable by everyone: a user could swap the quarantine for a link to /etc."""
    data = tmp_path / "d"
    data.mkdir()
    quarantine = tmp_path / "q"
    quarantine.mkdir(mode=0o700)
    run = Runner(1, FOUND_OUTPUT)
    declared = config("/s", paths=[str(data)], quarantine=str(quarantine))
    result = av.scan(declared, NOW, run=run)
    assert not any(arg.startswith("--move") for arg in run.calls[0])
    assert result["quarantine"] is None
    assert "not root's alone" in result["quarantine_problem"]


def test_quarantine_problem_names_a_link_a_file_and_a_loose_mode(tmp_path, monkeypatch):
    target = tmp_path / "etc"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    (tmp_path / "file").write_text("")
    real = os.lstat

    def root_owned(path):  # the test's tmp_path as if it were root's, 0755 all the way
        info = real(path)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            return info
        mode = 0o700 if str(path).endswith("/q") else 0o755
        fields = list(info)
        fields[0] = stat.S_IFDIR | mode
        fields[4] = 0
        return os.stat_result(fields)

    monkeypatch.setattr(av.os, "lstat", root_owned)
    (tmp_path / "q").mkdir()
    assert av.quarantine_problem(str(tmp_path / "q")) is None
    assert "is not a directory" in av.quarantine_problem(str(tmp_path / "link"))
    assert "is not a directory" in av.quarantine_problem(str(tmp_path / "file"))
    assert "is not mode 0700" in av.quarantine_problem(str(tmp_path / "etc"))
    assert "No such file" in av.quarantine_problem(str(tmp_path / "gone"))


def test_output_that_is_not_utf8_keeps_the_record(tmp_path, monkeypatch):
    """A Big5 file name from a share: the record is still written, the name escaped."""
    name = "/srv/share/\u5831\u544a.exe".encode("big5")
    out = name + b": Test.EICAR.UNOFFICIAL FOUND\n"

    class Done:
        returncode, stdout, stderr = 1, out, b""

    monkeypatch.setattr(av.subprocess, "run", lambda *a, **k: Done())
    rc, text, _err = av._run(["clamdscan"])
    (found,), _errors = av.parse_clamdscan(text)
    assert rc == 1 and found["path"].startswith("/srv/share/\\x")
    json.dumps(found)  # it can be written
