"""A suite's result as JUnit XML, so a partner's CI pipeline can run the same checks.

One testcase per check; a failed check carries its stage, message and advice; a skipped one says
why; a warning passes with the warning in system-out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # (writing XML, never parsing untrusted input)  # nosec B405

from golive.checks.results import CheckResult, SuiteResult

# Characters XML 1.0 cannot hold at all (escaping does not help): strip them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _details(check: CheckResult) -> str:
    lines = [check.message]
    if check.advice:
        lines.append(f"what to do: {check.advice}")
    for stage in check.stages:
        lines.append(
            f"  {stage.stage.value}: {stage.outcome} ({stage.elapsed_s * 1000:.0f} ms) {stage.message}"
        )
    return "\n".join(lines)


# Long because it writes the whole JUnit document, one element after another.
def junit_xml(result: SuiteResult) -> bytes:
    suite_name = f"golive.{result.suite}.{result.environment}"
    failures = sum(c.outcome == "failed" for c in result.checks)
    skipped = sum(c.outcome in ("skipped", "cancelled") for c in result.checks)
    # The wall-clock time of the run (checks run concurrently, so not the sum of their times).
    total_time = result.elapsed_s or max((c.elapsed_s for c in result.checks), default=0.0)
    root = ET.Element(
        "testsuites",
        name="golive",
        tests=str(len(result.checks)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time=f"{total_time:.3f}",
    )
    suite = ET.SubElement(
        root,
        "testsuite",
        name=suite_name,
        tests=str(len(result.checks)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time=f"{total_time:.3f}",
        timestamp=result.started.strftime("%Y-%m-%dT%H:%M:%S"),
        hostname=_text(result.host),
    )
    properties = ET.SubElement(suite, "properties")
    for key, value in (
        ("environment", result.environment),
        ("host", result.host),
        ("base_url", result.base_url),
        ("rehearsal", str(result.rehearsal).lower()),
        ("demo", str(result.demo).lower()),
        ("outcome", result.outcome),
    ):
        ET.SubElement(properties, "property", name=key, value=_text(value))
    for check in result.checks:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"golive.{result.suite}",
            name=_text(f"{check.id}: {check.title}"),
            time=f"{check.elapsed_s:.3f}",
        )
        if check.outcome == "failed":
            stage = check.stage.value if check.stage else "check"
            failure = ET.SubElement(
                case, "failure", message=_text(f"[{stage}] {check.message}"), type=stage
            )
            failure.text = _text(_details(check))
        elif check.outcome in ("skipped", "cancelled"):
            ET.SubElement(case, "skipped", message=_text(check.message or check.outcome))
        elif check.outcome == "warning":
            out = ET.SubElement(case, "system-out")
            out.text = _text("warning: " + _details(check))
    if result.cancelled:
        out = ET.SubElement(suite, "system-err")
        out.text = "the run was cancelled before its end"
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"
