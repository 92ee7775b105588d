# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Unit tests for plugins/plugin_utils/catalogue.py and the shipped meta/controls.yml."""

from __future__ import annotations

import copy
import importlib.util
import re
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[4]
MODULE_PATH = REPO_ROOT / "plugins" / "plugin_utils" / "catalogue.py"
DOC_PATH = REPO_ROOT / "docs" / "controls.md"

_spec = importlib.util.spec_from_file_location("edu_tw_hardening_catalogue", MODULE_PATH)
assert _spec is not None and _spec.loader is not None
catalogue = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalogue)

CJK = r"[\u3000-\u303f\u4e00-\u9fff]"


@pytest.fixture(scope="module")
def controls() -> list[dict]:
    return catalogue.load()


@pytest.fixture
def valid_control(controls: list[dict]) -> dict:
    """A fresh, valid control to break in one way per test."""
    return copy.deepcopy(controls[0])


def test_catalogue_path_points_at_meta_controls_yml():
    assert catalogue.CATALOGUE_PATH == REPO_ROOT / "meta" / "controls.yml"


def test_shipped_catalogue_loads_and_validates(controls):
    assert controls
    catalogue.validate(controls)


def test_control_ids_are_unique(controls):
    ids = [control["id"] for control in controls]
    assert len(ids) == len(set(ids))
    assert list(catalogue.by_id(controls)) == ids


def test_every_control_has_english_and_chinese_titles_and_clause_text(controls):
    for control in controls:
        for text in (
            control["title"]["en"],
            control["title"]["zh_TW"],
            control["clause"]["zh_TW"],
            control["clause"]["en"],
        ):
            assert text.strip(), control["id"]
        assert re.search(CJK, control["title"]["zh_TW"]), control["id"]
        assert re.search(CJK, control["clause"]["zh_TW"]), control["id"]
        assert re.search(CJK, control["clause"]["ref"]), control["id"]


def test_chinese_clause_text_has_no_line_wrap_artefacts(controls):
    for control in controls:
        text = control["clause"]["zh_TW"]
        assert "\n" not in text, control["id"]
        assert not re.search(f"{CJK} | {CJK}", text), control["id"]


def test_core_tier_holds_the_password_firewall_and_remote_access_controls(controls):
    core = {control["id"] for control in controls if control["tier"] == "core"}
    expected = {f"MOE-12.9.{n}" for n in range(1, 6)} | {"MOE-15", "MOE-18", "MOE-42.2.4"}
    assert expected <= core


def test_core_controls_come_before_also_controls(controls):
    tiers = [control["tier"] for control in controls]
    assert tiers == sorted(tiers, key=("core", "also").index)


def test_password_controls_cite_point_12_item_9(controls):
    index = catalogue.by_id(controls)
    assert index["MOE-12.9.1"]["clause"]["ref"] == "第十二點第九款第一目"
    assert "八碼" in index["MOE-12.9.1"]["clause"]["zh_TW"]
    assert "一百八十天" in index["MOE-12.9.2"]["clause"]["zh_TW"]
    assert "前三次" in index["MOE-12.9.3"]["clause"]["zh_TW"]


def test_generated_page_matches_docs_controls_md(controls):
    expected = catalogue.render_markdown(controls)
    current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
    assert current == expected, "docs/controls.md is stale: run make docs"


def test_rendered_page_ends_in_a_single_newline(controls):
    page = catalogue.render_markdown(controls)
    assert page.endswith("\n")
    assert not page.endswith("\n\n")


def test_rendered_page_says_it_is_generated(controls):
    page = catalogue.render_markdown(controls)
    assert "generated from `meta/controls.yml` by `make docs`" in page


def test_rendered_page_has_a_row_and_a_section_per_control(controls):
    page = catalogue.render_markdown(controls)
    for control in controls:
        assert f"| [{control['id']}](#" in page
        assert f"### {control['id']}: " in page
        assert f"> {control['clause']['zh_TW']}" in page


def test_rendered_table_cells_escape_pipes(valid_control):
    valid_control["title"]["en"] = "either|or"
    page = catalogue.render_markdown([valid_control])
    assert "| either\\|or |" in page


def test_validate_rejects_a_duplicate_id(valid_control):
    with pytest.raises(ValueError, match=r"duplicate id 'MOE-12\.9\.1'"):
        catalogue.validate([valid_control, copy.deepcopy(valid_control)])


def test_validate_rejects_a_bad_tier(valid_control):
    valid_control["tier"] = "optional"
    with pytest.raises(ValueError, match=r"'MOE-12\.9\.1'.*'tier' is 'optional'"):
        catalogue.validate([valid_control])


def test_validate_rejects_a_missing_key(valid_control):
    del valid_control["role"]
    with pytest.raises(ValueError, match=r"'MOE-12\.9\.1'.*missing key\(s\): role"):
        catalogue.validate([valid_control])


def test_validate_rejects_a_missing_nested_key(valid_control):
    del valid_control["clause"]["zh_TW"]
    with pytest.raises(ValueError, match=r"'MOE-12\.9\.1'.*'clause'.*missing key\(s\): zh_TW"):
        catalogue.validate([valid_control])


def test_validate_rejects_an_extra_key(valid_control):
    valid_control["owner"] = "someone"
    with pytest.raises(ValueError, match=r"'MOE-12\.9\.1'.*unexpected key\(s\): owner"):
        catalogue.validate([valid_control])


@pytest.mark.parametrize("bad_id", ["MOE-", "MOE-12.", "moe-12", "MOE-12.9..", "MOE-23-28", "12.9"])
def test_validate_rejects_a_malformed_id(valid_control, bad_id):
    valid_control["id"] = bad_id
    with pytest.raises(ValueError, match=r"'id' is malformed"):
        catalogue.validate([valid_control])


def test_validate_rejects_an_empty_string(valid_control):
    valid_control["title"]["zh_TW"] = "  "
    with pytest.raises(ValueError, match=r"'MOE-12\.9\.1'.*'title\.zh_TW' is empty"):
        catalogue.validate([valid_control])


def test_validate_rejects_a_bad_role_name(valid_control):
    valid_control["role"] = "Password-Policy"
    with pytest.raises(ValueError, match=r"'MOE-12\.9\.1'.*'role' is 'Password-Policy'"):
        catalogue.validate([valid_control])


def test_load_rejects_a_file_without_a_controls_key(tmp_path):
    path = tmp_path / "controls.yml"
    path.write_text("---\nchecks: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'controls'"):
        catalogue.load(path)
