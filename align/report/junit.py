"""Findings for CI test views: JUnit XML, one test suite per checked file and one test case per checked unit,
failing at `--fail-on`.

The file validates against the Jenkins xunit plugin's JUnit schema (junit-10.xsd), which allows no `file` or
`line` on a `<testcase>`: the suite carries the file (`file` attribute, and `source`/`target` properties) and each
failure's text starts with `PATH:LINE`. A case's `classname` is `align-check.` and the target file's path with
every dot as `_` (`align-check.docs/en/index_md`), because test viewers split a classname at its last dot into
package and class. Findings an accepted-findings file or baseline took out of the failure count are listed in the
case's `<system-out>`, marked `[accepted]`, `[false positive]` or `[baseline]`.
"""

from __future__ import annotations

from typing import IO
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from align.report import CheckReport, Item, Mark


def classname(path: str) -> str:
    """A test case's classname for a checked file: no dot past the `align-check` prefix."""
    return "align-check." + (path or "stdin").replace(".", "_")


def _line(mark: Mark) -> str:
    f = mark.finding
    flag = f"[{mark.decision}] " if mark.decision else ""
    return f"{flag}{f.severity}: {f.message}" + (f" ({f.note})" if f.note else "")


def _case(report: CheckReport, suite: Element, item: Item, path: str) -> bool:
    case = SubElement(suite, "testcase", name=item.id, classname=classname(path))
    marks = report.marks(item)
    failing = [m for m in marks if m.failing]
    where = f"{path}:{item.line}"
    if failing:
        failure = SubElement(
            case,
            "failure",
            message="; ".join(m.finding.message for m in failing),
            type=",".join(sorted({f"{m.finding.kind}.{m.finding.status}" for m in failing})),
        )
        failure.text = f"{where}\nde: {item.source}\nen: {item.target}\n" + "\n".join(_line(m) for m in failing)
    rest = [m for m in marks if not m.failing]
    if rest:
        SubElement(case, "system-out").text = f"{where}\n" + "\n".join(_line(m) for m in rest)
    return bool(failing)


def write(report: CheckReport, out: IO[str]) -> None:
    by_file: dict[str, list[Item]] = {}
    for item in report.items:
        by_file.setdefault(report.path(item), []).append(item)
    root = Element("testsuites", name="align check", tests=str(len(report.items)), failures="0", errors="0")
    total = 0
    for path, items in by_file.items() or {report.target_path: []}.items():
        suite = SubElement(root, "testsuite", name=f"align check {path}", tests=str(len(items)), failures="0")
        suite.attrib.update(errors="0", skipped="0", file=path)
        properties = SubElement(suite, "properties")
        source = report.source_file(items[0]) if items else report.source_path
        SubElement(properties, "property", name="source", value=source)
        SubElement(properties, "property", name="target", value=path)
        SubElement(properties, "property", name="fail-on", value=report.fail_on)
        failures = sum(_case(report, suite, item, path) for item in items)
        suite.set("failures", str(failures))
        total += failures
    root.set("failures", str(total))
    indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n")
