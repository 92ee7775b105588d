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


# dpkg states of a package whose files are (partly) on the host: installed, and the states an
# interrupted installation or upgrade leaves. A vulnerability scan must see these too.
PRESENT_STATES = frozenset(
    {
        "installed",
        "half-configured",
        "unpacked",
        "half-installed",
        "triggers-awaited",
        "triggers-pending",
    }
)
# Sources that only sign another source's binaries: the security tracker files their CVEs
# under that source, whose version the signed binary package carries (linux-signed-amd64
# 6.1.129+1 builds linux-image-6.1.0-31-amd64 at 6.1.129-1, from linux 6.1.129-1).
SIGNED_SOURCES = (("linux-signed-", "linux"),)


def _rows(text: str):
    """``(name, version, state, source, source version)`` of each package line in ``text``;
    malformed lines are left out. A line without the two source fields (dpkg's output before
    they were asked for) has no source."""
    for line in text.splitlines():
        fields = [field.strip() for field in line.split("\t")]
        if len(fields) == 3:
            fields += ["", ""]
        if len(fields) != 5:
            continue
        name, version, status, source, source_version = fields
        words = status.split()
        if name and len(words) == 3 and words[1] == "ok":
            yield name, version, words[2], source, source_version


def parse_dpkg_query(text: str) -> dict[str, str]:
    """Installed packages (name to version) from ``DPKG_QUERY_ARGV`` output.

    A package counts as installed when its status reads ``<want> ok installed``:
    ``install ok installed`` and also a held package (``hold ok installed``).
    Removed packages that left configuration (``deinstall ok config-files``),
    half-installed ones and malformed lines are left out.
    """
    return {
        name: version
        for name, version, state, _source, _version in _rows(text)
        if state == "installed"
    }


def parse_source_packages(text: str) -> dict[str, list[str]]:
    """The source packages of the packages on the host, each with the versions present from
    it (sorted as text, once each: several while an upgrade is half done), from
    ``DPKG_QUERY_ARGV`` output. Packages left half-installed, unpacked or awaiting triggers
    count (their files are there); removed ones that left configuration do not. A package
    whose source fields are empty counts as its own source at its own version, as dpkg
    defines them; a signed wrapper's binary counts under the source it signs
    (``SIGNED_SOURCES``), at the binary's version."""
    sources: dict[str, set[str]] = {}
    for name, version, state, source, source_version in _rows(text):
        if state not in PRESENT_STATES:
            continue
        source, source_version = source or name, source_version or version
        for prefix, signed in SIGNED_SOURCES:
            if source.startswith(prefix):
                source, source_version = signed, version
        sources.setdefault(source, set()).add(source_version)
    return {source: sorted(versions) for source, versions in sorted(sources.items())}


def _listed(host: HostReader, parse):
    """``parse`` of ``DPKG_QUERY_ARGV``'s output on ``host``, and why it could not be made
    (None when it was): dpkg-query missing or failing, or listing nothing at all (a Debian
    host always has packages)."""
    result = host.run(DPKG_QUERY_ARGV)
    failure = command_failure(DPKG_QUERY_ARGV, result)
    if failure is not None:
        return {}, failure
    listed = parse(result.out)
    if not listed:
        return {}, "dpkg-query listed no installed packages"
    return listed, None


def package_list(host: HostReader) -> tuple[dict[str, str], str | None]:
    """Installed packages on ``host`` and why they could not be listed (None when they were).

    An error when dpkg-query is missing, fails or lists nothing installed: "not installed"
    must never be read from a list that could not be made.
    """
    return _listed(host, parse_dpkg_query)


def source_package_list(host: HostReader) -> tuple[dict[str, list[str]], str | None]:
    """The installed source packages on ``host`` (see parse_source_packages) and why they
    could not be listed (None when they were); the same command as package_list."""
    return _listed(host, parse_source_packages)
