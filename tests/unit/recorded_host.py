# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The test double of plugins/module_utils/evidence/host.py: a host made of recordings."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    Result,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.packages import (
    DPKG_QUERY_ARGV,
)

FIXTURES = Path(__file__).parent / "plugins" / "fixtures"
PWQUALITY_DROP_IN = "/etc/security/pwquality.conf.d/90-edu_tw_hardening.conf"


class RecordedHost(HostReader):
    """A host made of recorded file contents and command outputs (the collectors' unit tests).

    ``files`` maps paths to text; ``commands`` maps the argv joined by spaces to a
    ``Result`` (or to a string, meaning rc 0 with that output); ``mtimes`` maps paths
    to modification times; ``programs`` lists the programs that exist.
    """

    def __init__(
        self,
        files: dict[str, str] | None = None,
        commands: dict[str, object] | None = None,
        mtimes: dict[str, float] | None = None,
        programs: list[str] | None = None,
        now: float = 1_800_000_000.0,
    ) -> None:
        self.files = dict(files or {})
        self.commands = dict(commands or {})
        self.mtimes = dict(mtimes or {})
        self.programs = set(programs or [])
        self._now = now

    def read(self, path: str) -> str | None:
        return self.files.get(path)

    def head(self, path: str, size: int) -> bytes | None:
        text = self.files.get(path)
        return None if text is None else text.encode("utf-8", errors="surrogateescape")[:size]

    def glob(self, pattern: str) -> list[str]:
        return sorted(p for p in set(self.files) | set(self.mtimes) if fnmatch.fnmatch(p, pattern))

    def mtime(self, path: str) -> float | None:
        return self.mtimes.get(path)

    def now(self) -> float:
        return self._now

    def run(self, argv: list[str]) -> Result:
        recorded = self.commands.get(" ".join(argv))
        if recorded is None:
            return Result(127, "", f"{argv[0]}: not found")
        if isinstance(recorded, str):
            return Result(0, recorded, "")
        return recorded  # type: ignore[return-value]

    def which(self, name: str) -> str | None:
        return f"/usr/bin/{name}" if name in self.programs else None


def recorded_pam_host(
    release: int,
    state: str,
    drop_in: str,
    libpam_version: str,
    extra: dict[str, str] | None = None,
) -> RecordedHost:
    """A PAM stack recorded on a Debian ``release`` test host (fixtures/pam-debian*.json):
    ``stock`` (no pwquality), ``pwquality`` (installed, with its pwquality.conf) or ``role``
    (the role's profile applied and its ``drop_in`` text written), with libpam-modules at
    ``libpam_version`` and the ``extra`` files on top."""
    fixture = json.loads((FIXTURES / f"pam-debian{release}.json").read_text())
    files = dict(fixture[state]["files"])
    if state != "stock":
        files["/etc/security/pwquality.conf"] = fixture["pwquality.conf"]
    if state == "role":
        files[PWQUALITY_DROP_IN] = drop_in
    files.update(extra or {})
    packages = f"libpam-modules\t{libpam_version}\tinstall ok installed\n"
    return RecordedHost(
        files=files, commands={" ".join(DPKG_QUERY_ARGV): packages}, programs=["dpkg-query"]
    )
