# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The offline vulnerability scan (MOE-17): the Debian security tracker's JSON document
matched against a host's installed source packages, on the controller.

The tracker (``https://security-tracker.debian.org/tracker/data/json``, mirrored by a site
on its own network) lists every CVE by source package, with per release its status, the
version that fixes it, its urgency and, where the security team will not issue an advisory,
why::

    {"openssl": {"CVE-2024-4741": {"description": "...", "releases": {"bookworm": {
        "status": "resolved", "fixed_version": "3.0.14-1~deb12u1", "urgency": "low"}}}}}

The document is tens of megabytes: :func:`load_index` reads it once per run and keeps only
the releases of the hosts at hand; :func:`scan` then costs a dictionary lookup per installed
source package. Versions are compared with dpkg's rules (``debian_version``), never as text.
"""

from __future__ import annotations

import functools
import json
from typing import Any, NamedTuple

from ansible_collections.edu_tw.hardening.plugins.plugin_utils import debian_version

# The tracker's urgencies, least to most urgent; "not yet assigned" (no one has judged it
# yet) and "end-of-life" (the release no longer gets fixes for the package) rank with the
# most urgent: an unjudged open fix is not an unimportant one.
URGENCY_ORDER = ("unimportant", "low", "medium", "high", "not yet assigned", "end-of-life")
URGENCY_RANK = {name: rank for rank, name in enumerate(URGENCY_ORDER)}
URGENCY_RANK["not yet assigned"] = URGENCY_RANK["high"]
URGENCY_RANK["end-of-life"] = URGENCY_RANK["high"]
UNKNOWN_URGENCY = "not yet assigned"
# What the scan reports per host.
CLASSES = ("fix_available", "no_fix", "no_dsa")
# The tracker's statuses of an issue in a release.
OPEN_STATUSES = ("open", "undetermined")
TEXT_MAX = 300


class TrackerError(ValueError):
    """A document that is not the tracker's JSON; the message says why."""


class Entry(NamedTuple):
    """One CVE of a source package in one release, as the scan needs it."""

    cve: str
    status: str
    fixed_version: str | None
    urgency: str
    nodsa: str | None
    nodsa_reason: str | None


def urgency(value: Any) -> str:
    """The tracker's urgency, normalised: its trailing ``*`` (a guess) and case dropped;
    anything unknown is ``not yet assigned``."""
    text = str(value or "").strip().rstrip("*").strip().lower()
    return text if text in URGENCY_RANK else UNKNOWN_URGENCY


def _text(value: Any) -> str | None:
    return value[:TEXT_MAX] if isinstance(value, str) else None


def load_index(document: str | bytes, releases: set[str] | frozenset[str]) -> dict:
    """``{release: {source package: [Entry, ...]}}`` of the tracker ``document`` for
    ``releases`` (codenames: bookworm, ...), and the count of entries it could not read
    under the key ``"__skipped__"``. TrackerError when it is not the tracker's JSON at all.
    """
    try:
        data = json.loads(document)
    except (ValueError, RecursionError) as exc:
        raise TrackerError(f"not JSON: {exc}"[:TEXT_MAX]) from None
    if not isinstance(data, dict) or not data:
        raise TrackerError("not the tracker's document (a JSON object of source packages)")
    index: dict[str, dict[str, list[Entry]]] = {release: {} for release in releases}
    skipped = kept = 0
    for source, issues in data.items():
        if not isinstance(issues, dict):
            skipped += 1
            continue
        for cve, issue in issues.items():
            per_release = issue.get("releases") if isinstance(issue, dict) else None
            if not isinstance(per_release, dict):
                skipped += 1
                continue
            for release in releases.intersection(per_release):
                found = per_release[release]
                status = found.get("status") if isinstance(found, dict) else None
                if status not in ("resolved", *OPEN_STATUSES):
                    skipped += 1
                    continue
                kept += 1
                index[release].setdefault(source, []).append(
                    Entry(
                        cve=str(cve)[:64],
                        status=status,
                        fixed_version=_text(found.get("fixed_version")),
                        urgency=urgency(found.get("urgency")),
                        nodsa=_text(found.get("nodsa")),
                        nodsa_reason=_text(found.get("nodsa_reason")),
                    )
                )
    # A release the document says nothing about is left out, so that scanning it is an error
    # (a tracker copy cut short, a codename it does not know yet), never a clean result.
    return {
        "releases": {name: found for name, found in index.items() if found},
        "skipped": skipped,
        "kept": kept,
    }


def lowest(versions: list[str]) -> str:
    """The lowest of a source package's installed versions (several while an upgrade is half
    done: the oldest is what is exposed). A version the comparator refuses wins, so that the
    scan reports it as unreadable rather than judging a readable one. ValueError when there
    is none."""
    if not versions:
        raise ValueError("no installed version")
    for version in versions:
        try:
            debian_version.parse(version)
        except debian_version.VersionError:
            return version
    return min(versions, key=functools.cmp_to_key(debian_version.compare))


def scan(index: dict, release: str, installed: dict[str, str]) -> dict:
    """The host's CVEs by class, from its installed source packages (name to version):

    - ``fix_available``: resolved in the release at a version newer than the installed one;
    - ``no_fix``: open (or undetermined) in the release, no fixed version yet;
    - ``no_dsa``: open, and the security team will issue no advisory (``nodsa``, with its
      reason: minor issue, postponed, ignored).

    Each finding: cve, package, installed, fixed (or None), urgency, and for no_dsa the
    reason. ``unreadable`` lists the versions the comparator refused (never judged fixed).
    A release the index does not hold is an error: nothing may pass unscanned.
    """
    if release not in index["releases"]:
        raise TrackerError(f"the tracker index holds no release {release!r}")
    by_source = index["releases"][release]
    found: dict[str, list[dict]] = {name: [] for name in CLASSES}
    unreadable = []
    for source, version in sorted(installed.items()):
        for entry in by_source.get(source, ()):
            finding = {
                "cve": entry.cve,
                "package": source,
                "installed": version,
                "fixed": None,
                "urgency": entry.urgency,
            }
            if entry.status == "resolved":
                fixed = entry.fixed_version
                if fixed == "0":
                    continue  # never affected in this release
                if not fixed:
                    unreadable.append({**finding, "error": "resolved with no fixed version"})
                    continue
                try:
                    older = debian_version.compare(version, fixed) < 0
                except debian_version.VersionError as exc:
                    unreadable.append({**finding, "fixed": fixed, "error": str(exc)[:TEXT_MAX]})
                    continue
                if older:
                    found["fix_available"].append({**finding, "fixed": fixed})
            elif entry.nodsa is not None:
                reason = entry.nodsa + (f" ({entry.nodsa_reason})" if entry.nodsa_reason else "")
                found["no_dsa"].append({**finding, "reason": reason})
            else:
                found["no_fix"].append(finding)
    for findings in found.values():
        findings.sort(key=lambda f: (-URGENCY_RANK[f["urgency"]], f["package"], f["cve"]))
    unreadable.sort(key=lambda f: (f["package"], f["cve"]))
    return {**found, "unreadable": unreadable}


def failing(findings: dict, threshold: str) -> list[dict]:
    """The fixes available but not installed at ``threshold`` urgency or above (an urgency
    not yet assigned counts as high)."""
    floor = URGENCY_RANK[urgency(threshold)]
    return [f for f in findings["fix_available"] if URGENCY_RANK[f["urgency"]] >= floor]
