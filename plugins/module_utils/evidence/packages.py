# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The installed Debian packages, shared by every collector that needs them.

Each collector runs the same ``dpkg-query`` argv (``DPKG_QUERY_ARGV``), so the
evidence module's command cache runs it once per host.
"""

from __future__ import annotations

from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import (
    HostReader,
    command_failure,
)

DPKG_QUERY_ARGV: list[str] = ["dpkg-query", "-W", "-f", r"${Package}\t${Version}\t${Status}\n"]
"""Every package dpkg knows: name, version, status, tab-separated (dpkg expands ``\\t``)."""


def parse_dpkg_query(text: str) -> dict[str, str]:
    """Installed packages (name to version) from ``DPKG_QUERY_ARGV`` output.

    A package counts as installed when its status reads ``<want> ok installed``:
    ``install ok installed`` and also a held package (``hold ok installed``).
    Removed packages that left configuration (``deinstall ok config-files``),
    half-installed ones and malformed lines are left out.
    """
    installed: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 3:
            continue
        name, version, status = (field.strip() for field in fields)
        words = status.split()
        if name and len(words) == 3 and words[1] == "ok" and words[2] == "installed":
            installed[name] = version
    return installed


def package_list(host: HostReader) -> tuple[dict[str, str], str | None]:
    """Installed packages on ``host`` and why they could not be listed (None when they were).

    dpkg-query missing or failing, or listing no installed package at all (a Debian host
    always has some), is an error: "not installed" must never be read from a list that
    could not be made.
    """
    result = host.run(DPKG_QUERY_ARGV)
    failure = command_failure(DPKG_QUERY_ARGV, result)
    if failure is not None:
        return {}, failure
    installed = parse_dpkg_query(result.out)
    if not installed:
        return {}, "dpkg-query listed no installed packages"
    return installed, None
