# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit cannot be fooled by evidence it could not read: every collector run on a host
where nothing can be read, every rule judged on what they report."""

from __future__ import annotations

from datetime import date

import pytest
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence import gather
from ansible_collections.edu_tw.hardening.plugins.module_utils.evidence.host import Result
from ansible_collections.edu_tw.hardening.plugins.plugin_utils import catalogue, evaluate
from ansible_collections.edu_tw.hardening.tests.unit.recorded_host import RecordedHost

CONTROLS = catalogue.by_id(catalogue.load())
TODAY = date(2026, 11, 21)

# Controls that read nothing a host can hide: MOE-18 judges the window records (none here:
# none is open) and the maintenance sets of an nftables ruleset (none without nft);
# MOE-29..30 judges the declared backup jobs; MOE-31..32 the journal settings, which a host
# may leave to the defaults.
READS_NOTHING_HIDDEN = {"MOE-18", "MOE-29..30", "MOE-31..32"}
# Controls that fail such a host without saying the evidence is missing: no TMOUT was read
# in any profile (MOE-20), no journal kept on disk (MOE-42.1.5 also says the log
# permissions are missing).
FAIL_ON_WHAT_IS_READ = {"MOE-20"}


class FailingHost(RecordedHost):
    """A host whose every program is there and fails, and whose every file is unreadable
    though it exists."""

    def run(self, argv: list[str]) -> Result:
        return Result(1, "", f"{argv[0]}: Permission denied")

    def mtime(self, path: str) -> float | None:
        return 1_700_000_000.0


HOSTS = {"nothing installed": RecordedHost(), "everything failing": FailingHost()}


@pytest.fixture(params=sorted(HOSTS), scope="module")
def unreadable(request) -> dict:
    """Evidence of every area, collected on a host where nothing can be read."""
    return gather.collect_all(HOSTS[request.param])


@pytest.mark.parametrize("control_id", sorted(set(CONTROLS) - READS_NOTHING_HIDDEN))
def test_no_control_passes_on_evidence_that_could_not_be_read(unreadable, control_id):
    result = evaluate.judge_control(CONTROLS[control_id], unreadable, {}, [], "web1", TODAY)
    assert result["status"] == "fail", result


@pytest.mark.parametrize(
    "control_id", sorted(set(CONTROLS) - READS_NOTHING_HIDDEN - FAIL_ON_WHAT_IS_READ)
)
def test_every_control_names_the_evidence_it_could_not_read(unreadable, control_id):
    result = evaluate.judge_control(CONTROLS[control_id], unreadable, {}, [], "web1", TODAY)
    assert any(reason.startswith("evidence missing: ") for reason in result["reasons"]), result


@pytest.mark.parametrize("control_id", sorted(CONTROLS))
def test_no_rule_raises_on_evidence_that_could_not_be_read(unreadable, control_id):
    control = CONTROLS[control_id]
    thresholds = control.get("thresholds", {})
    evaluate.RULES[control_id](unreadable, thresholds, {})
