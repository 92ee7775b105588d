# Copyright: (c) 2026, edu_tw.hardening contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render an audit report (the dict of the audit_report filter) as JSON, JUnit XML and HTML."""

from __future__ import annotations

import json
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jinja2

REPORT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A report's base name: a plain file name, never a path (no '/', no leading '.')."""


def check_name(name: str) -> str:
    """``name`` when it is a plain file name (``REPORT_NAME``); ValueError otherwise."""
    if not isinstance(name, str) or not REPORT_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a plain file name (a letter or digit, then up to 63 letters,"
            " digits, '.', '_' or '-')"
        )
    return name


def to_json(report: dict) -> str:
    """The machine report: the report as indented JSON."""
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def to_junit(report: dict) -> str:
    """The CI report: a test suite per host, a test case per control.

    ``fail`` becomes a failure, ``waived`` and ``not_applicable`` are skipped with the
    reason; an unreachable host is one failing test case named ``audit`` that says why.
    """
    titles = {c["id"]: c["title"]["en"] for c in report["controls"]}
    summary = report["summary"]
    root = ET.Element("testsuites", name=f"edu_tw.hardening {report['phase']}")
    root.set("failures", str(summary["fail"] + summary["hosts_unreachable"]))
    root.set("skipped", str(summary["waived"] + summary["not_applicable"]))
    tests = 0
    for host in report["hosts"]:
        suite = ET.SubElement(root, "testsuite", name=host["host"])
        suite.set("timestamp", host["collected_at"] or report["generated_at"])
        failures = host["counts"]["fail"]
        if host.get("unreachable"):
            case = ET.SubElement(suite, "testcase", classname=host["host"], name="audit")
            ET.SubElement(case, "failure", type="unreachable").set(
                "message",
                "host could not be audited (unreachable)"
                + (f": {host['error']}" if host.get("error") else ""),
            )
            failures += 1
        for verdict in host["controls"]:
            name = f"{verdict['id']} {titles[verdict['id']]}"
            case = ET.SubElement(suite, "testcase", classname=host["host"], name=name)
            if verdict["status"] == "fail":
                failure = ET.SubElement(case, "failure", type=verdict["id"])
                failure.set("message", "; ".join(verdict["reasons"]))
                failure.text = json.dumps(verdict["evidence"], ensure_ascii=False, indent=1)
            elif verdict["status"] == "waived":
                waiver = verdict["waiver"]
                ET.SubElement(case, "skipped").set(
                    "message",
                    f"waived by {waiver['approver']} until {waiver['expires']}: {waiver['reason']}",
                )
            elif verdict["status"] == "not_applicable":
                ET.SubElement(case, "skipped", message="not applicable")
        count = len(suite)
        suite.set("tests", str(count))
        suite.set("failures", str(failures))
        suite.set("skipped", str(host["counts"]["waived"] + host["counts"]["not_applicable"]))
        tests += count
    root.set("tests", str(tests))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def to_html(report: dict, template: str) -> str:
    """The auditor's report: ``template`` (Jinja2, autoescaped) rendered with ``report``."""
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["to_nice_json"] = lambda value: json.dumps(value, indent=2, ensure_ascii=False)
    return env.from_string(template).render(r=report)


def write_atomically(path: Path, text: str, mode: int = 0o640) -> None:
    """Write ``text`` to ``path`` through a temporary file, so readers never see half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_reports(report: dict, directory: str, name: str, template: str) -> dict[str, Any]:
    """Write ``<name>.json``, ``.junit.xml`` and ``.html`` in ``directory``; return their paths.

    ``name`` must be a plain file name (``check_name``): the reports never land elsewhere.
    """
    check_name(name)
    target = Path(directory)
    target.mkdir(mode=0o750, parents=True, exist_ok=True)
    paths = {}
    for suffix, text in (
        ("json", to_json(report)),
        ("junit.xml", to_junit(report)),
        ("html", to_html(report, template)),
    ):
        path = target / f"{name}.{suffix}"
        write_atomically(path, text)
        paths[suffix] = str(path)
    return paths
