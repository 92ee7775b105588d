# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every rule returns, and how a rule says that evidence could not be read."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple


class Verdict(NamedTuple):
    """What a rule decided: a status, the reasons for a failure, and the evidence shown."""

    status: str
    reasons: list[str]
    evidence: dict[str, Any]


def verdict(reasons: list[str], evidence: dict[str, Any]) -> Verdict:
    """A failure with ``reasons`` when there are any, else a pass; ``evidence`` shown either way."""
    return Verdict("fail" if reasons else "pass", reasons, evidence)


Rule = Callable[[dict, dict, dict], Verdict]
"""A rule: (the host's evidence, the control's thresholds, the site's inputs) -> verdict."""


VULNERABILITY_SCAN = "__vulnerability_scan__"
"""The key of the site inputs under which the audit passes a host's vulnerability scan (its
entry of edu_tw.hardening.vulnerability_scan's ``scans``; None when no tracker document is
configured). Made on the controller, it is not the site's declaration but the rules read it
beside them."""

MISSING = "evidence missing"
"""How every reason about evidence that could not be read begins."""


def missing(ev: dict, area: str, part: str) -> list[str]:
    """``["evidence missing: <area>: <why>"]`` when the collector of ``area`` could not read
    ``part`` (it reports why in ``<part>_error``), else ``[]``.

    A rule never judges a part that could not be read: what was not read is neither
    compliant nor a finding, and the control fails for it.
    """
    error = ev[area].get(f"{part}_error")
    return [f"{MISSING}: {area}: {error}"] if error else []
