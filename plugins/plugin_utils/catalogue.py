# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

# The MOE control catalogue (meta/controls.yml): load, validate and render it.
#
# Controller-side pure functions with no Ansible dependency, so that scripts, unit tests and
# plugins can all share them. meta/controls.yml is the single source of truth for control IDs;
# docs/controls.md is rendered from it by render_markdown() (see scripts/render_controls_doc.py).

CATALOGUE_PATH: Path = Path(__file__).resolve().parents[2] / "meta" / "controls.yml"
"""Where the shipped catalogue lives: meta/controls.yml at the collection root."""

TIERS: tuple[str, ...] = ("core", "also")
"""The tiers, in the order the catalogue and the docs page list them."""

TIER_HEADINGS: dict[str, str] = {"core": "Core", "also": "Also"}

ID_PATTERN = re.compile(r"^MOE-\d+(\.\d+)*(\.\.\d+)?$")
ROLE_PATTERN = re.compile(r"^[a-z][a-z_]*$")

# The exact shape of one control: top-level keys, and the keys of its nested mappings.
CONTROL_KEYS: frozenset[str] = frozenset(
    {"id", "tier", "title", "clause", "requirement", "role", "evidence"},
)
OPTIONAL_KEYS: frozenset[str] = frozenset({"thresholds"})
AREA_PATTERN = re.compile(r"^[a-z][a-z_]*$")
NESTED_KEYS: dict[str, frozenset[str]] = {
    "title": frozenset({"en", "zh_TW"}),
    "clause": frozenset({"ref", "zh_TW", "en"}),
}


def load(path: Path | str = CATALOGUE_PATH) -> list[dict[str, Any]]:
    """Read the catalogue at ``path`` and return its controls, in file order.

    The file must be a YAML mapping with a ``controls`` list; the list is checked with
    :func:`validate` before it is returned.

    :raises ValueError: if the file does not have that shape or a control is invalid.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict) or "controls" not in data:
        raise ValueError(f"{path}: expected a mapping with a top-level 'controls' key")
    controls = data["controls"]
    validate(controls)
    return controls


def _label(index: int, control: Any) -> str:
    """Name a control in an error message: its id when it has a usable one, else its position."""
    if isinstance(control, dict) and isinstance(control.get("id"), str) and control["id"]:
        return f"control {control['id']!r}"
    return f"control #{index + 1}"


def _check_keys(
    where: str,
    mapping: dict[str, Any],
    expected: frozenset[str],
    optional: frozenset[str] = frozenset(),
) -> None:
    """Raise ValueError if ``mapping`` lacks a key of ``expected`` or has one not allowed."""
    missing = sorted(expected - mapping.keys())
    if missing:
        raise ValueError(f"{where}: missing key(s): {', '.join(missing)}")
    extra = sorted(str(key) for key in mapping.keys() - expected - optional)
    if extra:
        raise ValueError(f"{where}: unexpected key(s): {', '.join(extra)}")


def _check_text(where: str, field: str, value: Any) -> None:
    """Raise ValueError unless ``value`` is a string with visible content."""
    if not isinstance(value, str):
        raise ValueError(f"{where}: field {field!r} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{where}: field {field!r} is empty")


def _check_evidence(where: str, areas: Any) -> None:
    """Raise ValueError unless ``areas`` is a non-empty list of evidence area names."""
    if not isinstance(areas, list) or not areas:
        raise ValueError(f"{where}: field 'evidence' must be a non-empty list of area names")
    for area in areas:
        if not isinstance(area, str) or not AREA_PATTERN.match(area):
            raise ValueError(f"{where}: field 'evidence' has a malformed area {area!r}")


def _check_thresholds(where: str, thresholds: Any) -> None:
    """Raise ValueError unless ``thresholds`` maps names to numbers."""
    if not isinstance(thresholds, dict):
        raise ValueError(f"{where}: field 'thresholds' must be a mapping")
    for name, value in thresholds.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ValueError(f"{where}: threshold {name!r} must be a number, got {value!r}")


def validate(controls: Any) -> None:
    """Check that ``controls`` is a well-formed catalogue; return None or raise ValueError.

    Each control must have exactly the keys ``id``, ``tier``, ``title`` (``en``, ``zh_TW``),
    ``clause`` (``ref``, ``zh_TW``, ``en``), ``requirement`` and ``role``, every value a
    non-empty string, and ``evidence`` (a non-empty list of area names); ``thresholds``
    (names to numbers) is optional. The id must match ``MOE-<n>[.<n>...][..<n>]`` and be
    unique, the tier must be ``core`` or ``also``, and the role a lower-case name
    (``[a-z][a-z_]*``).

    :raises ValueError: naming the offending control and field.
    """
    if not isinstance(controls, list):
        raise ValueError(f"controls must be a list, got {type(controls).__name__}")
    seen: set[str] = set()
    for index, control in enumerate(controls):
        where = _label(index, control)
        if not isinstance(control, dict):
            raise ValueError(f"{where}: must be a mapping, got {type(control).__name__}")
        _check_keys(where, control, CONTROL_KEYS, OPTIONAL_KEYS)
        _check_evidence(where, control["evidence"])
        _check_thresholds(where, control.get("thresholds", {}))
        for field in ("id", "tier", "requirement", "role"):
            _check_text(where, field, control[field])
        for parent, keys in NESTED_KEYS.items():
            nested = control[parent]
            if not isinstance(nested, dict):
                raise ValueError(f"{where}: field {parent!r} must be a mapping")
            _check_keys(f"{where}, field {parent!r}", nested, keys)
            for key in sorted(keys):
                _check_text(where, f"{parent}.{key}", nested[key])

        control_id = control["id"]
        if not ID_PATTERN.match(control_id):
            raise ValueError(
                f"{where}: field 'id' is malformed; expected MOE-<point>[.<item>...][..<point>]"
            )
        if control_id in seen:
            raise ValueError(f"{where}: duplicate id {control_id!r}")
        seen.add(control_id)
        if control["tier"] not in TIERS:
            raise ValueError(
                f"{where}: field 'tier' is {control['tier']!r}; expected one of {', '.join(TIERS)}"
            )
        if not ROLE_PATTERN.match(control["role"]):
            raise ValueError(
                f"{where}: field 'role' is {control['role']!r}; expected a name like [a-z][a-z_]*"
            )


def by_id(controls: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Index ``controls`` by id (in catalogue order)."""
    return {control["id"]: control for control in controls}


def _one_line(text: str) -> str:
    """Collapse all whitespace runs (including newlines) to single spaces."""
    return " ".join(text.split())


def _cell(text: str) -> str:
    """Make ``text`` safe for a Markdown table cell: one line, ``|`` escaped."""
    return _one_line(text).replace("|", "\\|")


def _anchor(control_id: str) -> str:
    """The HTML anchor of a control's section, e.g. ``moe-12-9-1`` or ``moe-23-28``."""
    return re.sub(r"[^a-z0-9]+", "-", control_id.lower()).strip("-")


def render_markdown(controls: list[dict[str, Any]]) -> str:
    """Render the docs page (docs/controls.md) for ``controls``.

    The page has an overview table per tier (Core, then Also) and one section per control in
    catalogue order. The output depends only on ``controls`` and ends in a single newline.
    """
    lines: list[str] = [
        "# MOE controls",
        "",
        "This page is generated from `meta/controls.yml` by `make docs` and must not be edited",
        "by hand: change the catalogue and regenerate it.",
        "",
        "Each control comes from the Ministry of Education (Taiwan) rules for outsourced or",
        "subsidised building and operation of servers and application websites",
        "(教育部委外辦理或補助建置維運伺服主機及應用系統網站資通安全及個人資料保護管理要點,",
        "amended 2021-06-18). Control IDs have the form `MOE-<point>[.<item>[.<sub-item>]]`;",
        "`MOE-23..28` covers points 23 to 28.",
        "",
    ]
    for tier in TIERS:
        lines += [
            f"## {TIER_HEADINGS[tier]}",
            "",
            "| ID | Title | 標題 | Clause | Role |",
            "|---|---|---|---|---|",
        ]
        tier_controls = [control for control in controls if control["tier"] == tier]
        for control in tier_controls:
            cells = [
                f"[{_cell(control['id'])}](#{_anchor(control['id'])})",
                _cell(control["title"]["en"]),
                _cell(control["title"]["zh_TW"]),
                _cell(control["clause"]["ref"]),
                f"`{_cell(control['role'])}`",
            ]
            lines.append("| " + " | ".join(cells) + " |")
        if not tier_controls:
            lines.append("| - | - | - | - | - |")
        lines.append("")

    lines += ["## Controls", ""]
    for control in controls:
        title = control["title"]
        clause = control["clause"]
        lines += [
            f'<a id="{_anchor(control["id"])}"></a>',
            "",
            f"### {control['id']}: {_one_line(title['en'])}",
            "",
            f"{_one_line(title['zh_TW'])}",
            "",
            f"- Tier: {control['tier']}",
            f"- Clause: {_one_line(clause['ref'])}",
            f"- Role: `{control['role']}`",
            "- Evidence: " + ", ".join(f"`{area}`" for area in control["evidence"]),
        ]
        thresholds = control.get("thresholds", {})
        if thresholds:
            lines.append(
                "- Thresholds (floors): "
                + ", ".join(f"`{name}` {value}" for name, value in thresholds.items())
            )
        lines += [
            "",
            f"> {_one_line(clause['zh_TW'])}",
            "",
            _one_line(clause["en"]),
            "",
            f"**What the host must show:** {_one_line(control['requirement'])}",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"
