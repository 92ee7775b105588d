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

DPKG_QUERY_ARGV: list[str] = [
    "dpkg-query",
    "-W",
    "-f",
    r"${Package}\t${Version}\t${Status}\t${source:Package}\t${source:Version}\n",
]
"""Every package dpkg knows: name, version, status, and the source package it was built from
with that source's version (the name and version the Debian security tracker uses; a binNMU
has a binary version the source never had), tab-separated (dpkg expands ``\\t``)."""


def _installed_rows(text: str):
    """``(name, version, source, source version)`` of each installed package in ``text``.

    A package counts as installed when its status reads ``<want> ok installed``:
    ``install ok installed`` and also a held package (``hold ok installed``).
    Removed packages that left configuration (``deinstall ok config-files``),
    half-installed ones and malformed lines are left out. A line without the two source
    fields (dpkg's output before they were asked for) has no source.
    """
    for line in text.splitlines():
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) == 3:
            fields += ["", ""]
        if len(fields) != 5:
            continue
        name, version, status, source, source_version = fields
        words = status.split()
        if name and len(words) == 3 and words[1] == "ok" and words[2] == "installed":
            yield name, version, source, source_version


def parse_dpkg_query(text: str) -> dict[str, str]:
    """Installed packages (name to version) from ``DPKG_QUERY_ARGV`` output."""
    return {name: version for name, version, _source, _version in _installed_rows(text)}


def parse_source_packages(text: str) -> dict[str, list[str]]:
    """The source packages of the installed packages, each with the versions installed from it
    (sorted as text, once each: several while an upgrade is half done), from
    ``DPKG_QUERY_ARGV`` output. A package whose source fields are empty counts as its own
    source at its own version, as dpkg defines them."""
    sources: dict[str, set[str]] = {}
    for name, version, source, source_version in _installed_rows(text):
        sources.setdefault(source or name, set()).add(source_version or version)
    return {source: sorted(versions) for source, versions in sorted(sources.items())}


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


def source_package_list(host: HostReader) -> tuple[dict[str, list[str]], str | None]:
    """The installed source packages on ``host`` (see parse_source_packages) and why they
    could not be listed (None when they were); the same command as package_list."""
    result = host.run(DPKG_QUERY_ARGV)
    failure = command_failure(DPKG_QUERY_ARGV, result)
    if failure is not None:
        return {}, failure
    sources = parse_source_packages(result.out)
    if not sources:
        return {}, "dpkg-query listed no installed packages"
    return sources, None
