# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the evidence collectors: the registry of areas and the error boundary around each."""

from __future__ import annotations

from typing import Callable

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import (
    accounts,
    antivirus,
    databases,
    firewall,
    pam,
    remote_access,
    sockets,
    system,
    updates,
)
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    Result,
)

COLLECTORS: dict[str, Callable[[HostReader], dict]] = {
    module.AREA: module.collect
    for module in (
        accounts,
        pam,
        firewall,
        sockets,
        antivirus,
        updates,
        remote_access,
        databases,
        system,
    )
}
"""Every evidence area, by name, and the collector that reads it."""


class CachingHost(HostReader):
    """Wrap a host so that each command runs and each file is read at most once."""

    def __init__(self, inner: HostReader) -> None:
        self._inner = inner
        self._runs: dict[tuple[str, ...], Result] = {}
        self._reads: dict[str, str | None] = {}

    def read(self, path: str) -> str | None:
        if path not in self._reads:
            self._reads[path] = self._inner.read(path)
        return self._reads[path]

    def head(self, path: str, size: int) -> bytes | None:
        return self._inner.head(path, size)

    def glob(self, pattern: str) -> list[str]:
        return self._inner.glob(pattern)

    def mtime(self, path: str) -> float | None:
        return self._inner.mtime(path)

    def now(self) -> float:
        return self._inner.now()

    def run(self, argv: list[str]) -> Result:
        key = tuple(argv)
        if key not in self._runs:
            self._runs[key] = self._inner.run(argv)
        return self._runs[key]

    def which(self, name: str) -> str | None:
        return self._inner.which(name)


def collect_all(host: HostReader, areas: list[str] | None = None) -> dict[str, dict]:
    """Evidence of each area (all when ``areas`` is None).

    A collector that raises does not stop the others: its area holds
    ``{"error": "<what failed>"}``, which the evaluation reports as such.
    """
    evidence: dict[str, dict] = {}
    for area, collect in COLLECTORS.items():
        if areas is not None and area not in areas:
            continue
        try:
            evidence[area] = collect(host)
        except Exception as exc:
            evidence[area] = {"error": f"{type(exc).__name__}: {exc}"}
    return evidence
