# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What an evidence collector may ask of the host: read a file, list files, run a command.

Collectors receive a ``HostReader`` and never touch the host any other way, so the
same collector runs inside the ``edu_tw.hardening.evidence`` module (``ModuleHost``)
and in unit tests against recorded files and command output (the tests' own double).
Nothing here writes to the host.
"""

from __future__ import annotations

import glob
import os
import shutil
from typing import Callable, NamedTuple


class Result(NamedTuple):
    """The outcome of a command: exit code, standard output, standard error."""

    rc: int
    out: str
    err: str


MAX_ERROR_TEXT = 500
"""How much of a failing command's standard error the evidence keeps."""


def command_failure(argv: list[str], result: Result) -> str | None:
    """Why a command's output cannot be used as evidence, or None when it exited 0.

    A missing program (rc 127) says so; any other failure names the command, its exit
    code and what it wrote on standard error (its lines joined by "; ", at most
    ``MAX_ERROR_TEXT`` characters): the line that says what is wrong is not always the last
    (sshd -T ends with "terminating, 1 bad configuration options").
    """
    if result.rc == 0:
        return None
    if result.rc == 127:
        return f"{argv[0]} is not installed (not found on the host)"
    detail = "; ".join(line.strip() for line in result.err.splitlines() if line.strip())
    if len(detail) > MAX_ERROR_TEXT:
        detail = detail[: MAX_ERROR_TEXT - 3] + "..."
    return f"{' '.join(argv)} exited {result.rc}" + (f": {detail}" if detail else "")


class HostReader:
    """The read-only view of a host that collectors use."""

    def read(self, path: str) -> str | None:
        """The text of ``path``, or None when it does not exist or cannot be read."""
        raise NotImplementedError

    def head(self, path: str, size: int) -> bytes | None:
        """The first ``size`` bytes of ``path``, or None when it cannot be read."""
        raise NotImplementedError

    def glob(self, pattern: str) -> list[str]:
        """Sorted paths matching a shell pattern."""
        raise NotImplementedError

    def mtime(self, path: str) -> float | None:
        """Modification time of ``path`` (seconds since the epoch), or None when absent."""
        raise NotImplementedError

    def now(self) -> float:
        """The host's current time (seconds since the epoch)."""
        raise NotImplementedError

    def run(self, argv: list[str]) -> Result:
        """Run a command (argv list, never a shell string). A missing program gives rc 127."""
        raise NotImplementedError

    def which(self, name: str) -> str | None:
        """The path of a program on the host, or None."""
        raise NotImplementedError


class ModuleHost(HostReader):
    """The live host, through an AnsibleModule (for ``run_command``)."""

    def __init__(self, module, clock: Callable[[], float]) -> None:
        self._module = module
        self._clock = clock

    def read(self, path: str) -> str | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return None

    def head(self, path: str, size: int) -> bytes | None:
        try:
            with open(path, "rb") as handle:
                return handle.read(size)
        except OSError:
            return None

    def glob(self, pattern: str) -> list[str]:
        return sorted(glob.glob(pattern))

    def mtime(self, path: str) -> float | None:
        try:
            return os.stat(path).st_mtime
        except OSError:
            return None

    def now(self) -> float:
        return self._clock()

    def run(self, argv: list[str]) -> Result:
        if self.which(argv[0]) is None:
            return Result(127, "", f"{argv[0]}: not found")
        rc, out, err = self._module.run_command(argv, environ_update={"LC_ALL": "C"})
        return Result(rc, out, err)

    def which(self, name: str) -> str | None:
        if os.path.isabs(name):
            return name if os.access(name, os.X_OK) else None
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        return shutil.which(name, path=path)


def unit_active(host: HostReader, unit: str) -> bool | None:
    """Whether systemd runs ``unit`` now (``systemctl is-active`` says ``active``); None
    when systemctl cannot be run on the host."""
    result = host.run(["systemctl", "is-active", unit])
    if result.rc == 127:
        return None
    return result.rc == 0 and result.out.strip() == "active"


def unit_enabled(host: HostReader, unit: str) -> bool:
    """Whether ``unit`` starts at boot (``systemctl is-enabled`` says ``enabled``)."""
    result = host.run(["systemctl", "is-enabled", unit])
    return result.rc == 0 and result.out.strip() == "enabled"
