"""GitHub workflow-command annotations: golden file, escaping, levels, workspace-relative paths, step summary."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from interopcheck.report import github


def _lines(report: dict[str, Any], **kw: Any) -> list[str]:
    return github.render(report, **kw).splitlines()


def test_golden(good: dict[str, Any], flawed: dict[str, Any], golden: Callable[[str, str], None]) -> None:
    golden("good.github.txt", github.render(good))
    golden("flawed.github.txt", github.render(flawed))


def test_escaping_follows_the_workflow_command_rules() -> None:
    assert github.escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert github.escape_property("50% a:b,c\r\n") == "50%25 a%3Ab%2Cc%0D%0A"


def test_failed_must_is_an_error_on_the_spec_line(flawed: dict[str, Any]) -> None:
    line = next(x for x in _lines(flawed) if "spec.https-servers" in x)
    assert line.startswith("::error file=openapi.yaml,line=7,title=HSG-API-01::spec.https-servers: ")
    assert "\n" not in line and "%0Aplain HTTP" in line  # the finding's newline is escaped, not a new command


def test_should_is_a_warning_and_live_findings_have_no_file(flawed: dict[str, Any]) -> None:
    lines = _lines(flawed)
    info = next(x for x in lines if "spec.info-complete" in x)
    assert info.startswith("::warning file=openapi.yaml,line=2,title=HSG-API-03::")
    live = next(x for x in lines if "live.pagination" in x)
    assert live.startswith("::error title=HSG-API-14::live.pagination: next link of page 2 points back to page 2")
    assert "GET https://sandbox.test/v1/properties?page=2" in live
    errored = next(x for x in lines if "live.response-time" in x)
    assert errored.startswith("::warning title=HSG-API-21::live.response-time could not be decided: ")
    assert lines[-1].startswith("::notice title=interopcheck verdict::Not conformant")


def test_conformant_report_has_only_the_verdict(good: dict[str, Any]) -> None:
    assert _lines(good) == ["::notice title=interopcheck verdict::Conformant — 0 of 4 MUSTs failed; score 100.0"]


def test_a_check_cited_twice_is_annotated_once_with_both_ids(flawed: dict[str, Any]) -> None:
    first = flawed["outcomes"][0]
    flawed["outcomes"].append(dict(first, requirement_id="HSG-SEC-09"))
    lines = [x for x in _lines(flawed) if "spec.https-servers" in x]
    assert len(lines) == 1 and ",title=HSG-API-01%2C HSG-SEC-09::" in lines[0]


@pytest.mark.parametrize(("source", "workspace", "expected"), [
    ("/home/runner/work/api/api/specs/openapi.yaml", "/home/runner/work/api/api", "specs/openapi.yaml"),
    ("/elsewhere/openapi.yaml", "/home/runner/work/api/api", "/elsewhere/openapi.yaml"),
    ("specs/openapi.yaml", "/home/runner/work/api/api", "specs/openapi.yaml"),
    ("file:///home/runner/work/api/api/my%20spec.yaml", "/home/runner/work/api/api", "my spec.yaml"),
    ("https://api.example.test/openapi.yaml", None, None),
])
def test_paths_relative_to_the_workspace(source: str, workspace: str | None, expected: str | None) -> None:
    assert github.annotation_path(source, workspace) == expected


def test_url_spec_gives_annotations_without_file(flawed: dict[str, Any]) -> None:
    flawed["run"]["spec_source"] = "https://api.example.test/openapi.yaml"
    line = next(x for x in _lines(flawed) if "spec.https-servers" in x)
    assert line.startswith("::error title=HSG-API-01::") and "(at /servers/0/url)" in line


def test_workspace_defaults_to_github_workspace(flawed: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", "/ws")
    flawed["run"]["spec_source"] = "/ws/api/openapi.yaml"
    assert any(x.startswith("::error file=api/openapi.yaml,line=7,") for x in github.render(flawed).splitlines())


def test_many_findings_are_capped(flawed: dict[str, Any]) -> None:
    check = flawed["outcomes"][0]["checks"][0]
    check["findings"] = [dict(check["findings"][0], message=f"finding {i}") for i in range(github.MAX_PER_CHECK + 7)]
    lines = [x for x in _lines(flawed) if "spec.https-servers" in x]
    assert len(lines) == github.MAX_PER_CHECK + 1 and "7 more findings" in lines[-1]


def test_step_summary_is_appended(flawed: dict[str, Any], tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    github.append_step_summary(flawed, summary)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n") and "HSG-API-01" in text and "Not conformant" in text


def test_step_summary_target_follows_github_step_summary() -> None:
    from interopcheck.errors import UsageError
    from interopcheck.report.targets import step_summary_target

    assert step_summary_target(None, {}) is None
    assert step_summary_target(None, {"GITHUB_STEP_SUMMARY": "/s.md"}) == Path("/s.md")
    assert step_summary_target(False, {"GITHUB_STEP_SUMMARY": "/s.md"}) is None
    with pytest.raises(UsageError, match="GITHUB_STEP_SUMMARY is not set"):
        step_summary_target(True, {})


def test_every_failing_check_comes_before_any_checks_second_finding(flawed: dict[str, Any]) -> None:
    """GitHub shows the first 10 annotations of a kind per step: a check with many findings must not hide the others."""
    check = flawed["outcomes"][0]["checks"][0]
    check["findings"] = [dict(check["findings"][0], message=f"finding {i}") for i in range(12)]
    lines = _lines(flawed)
    assert "finding 0" in lines[0] and "spec.info-complete" in lines[1] and "live.pagination" in lines[2]
    assert "finding 1" in lines[4]
