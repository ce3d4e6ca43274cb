"""Findings for CI test views: JUnit XML, one test case per checked unit, failing at `--fail-on`."""

from __future__ import annotations

from typing import IO
from xml.etree.ElementTree import Element, SubElement, indent, tostring

from align.report import CheckReport


def write(report: CheckReport, out: IO[str]) -> None:
    failures = sum(1 for item in report.items if report.failing(item))
    root = Element("testsuites", name="align check", tests=str(len(report.items)), failures=str(failures))
    suite = SubElement(
        root,
        "testsuite",
        name=f"align check {report.source_path} {report.target_path}",
        tests=str(len(report.items)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for item in report.items:
        case = SubElement(
            suite,
            "testcase",
            classname=f"align.check.{report.target_path}",
            name=item.id,
            file=item.path or report.target_path,
            line=str(item.line),
        )
        failing = report.failing(item)
        if failing:
            failure = SubElement(
                case,
                "failure",
                message="; ".join(f.message for f in failing),
                type=",".join(sorted({f"{f.kind}.{f.status}" for f in failing})),
            )
            failure.text = f"de: {item.source}\nen: {item.target}\n" + "\n".join(
                f"{f.severity}: {f.message}" for f in failing
            )
        rest = [f for f in report.shown(item) if f not in failing]
        if rest:
            SubElement(case, "system-out").text = "\n".join(f"{f.severity}: {f.message}" for f in rest)
    indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode") + "\n")
