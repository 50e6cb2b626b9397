"""check's side of the history: the default file, what a run records (no secrets), regressions for its report."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace

import pytest

from interopcheck.engine.history_hook import default_history_path, plan_history, record_history, run_record, spec_parts
from interopcheck.engine.run import RunArtifacts
from interopcheck.history.store import get_run, open_history
from interopcheck.model import Status
from interopcheck.report import samples
from interopcheck.report.json_report import check_report, to_dict
from interopcheck.report.markdown import render as render_md
from interopcheck.report.html import render as render_html

SECRET = "s3cr3t-client-value"


def _artifacts(report: object, supplier: str | None = "Example Housing Ltd") -> RunArtifacts:
    declaration = SimpleNamespace(supplier={"name": supplier} if supplier else {})
    document = SimpleNamespace(data={"openapi": "3.1.0", "servers": [{"url": "https://x"}], "paths": {"/v1/a": {"get": {"operationId": "a"}, "parameters": []}}})
    return RunArtifacts(report, document, None, declaration)  # type: ignore[arg-type]


def test_the_default_history_is_in_the_default_report_folder_or_beside_a_chosen_one(tmp_path: Path) -> None:
    assert default_history_path(Path("reports"), chosen=False) == Path("reports") / "history.sqlite"
    assert default_history_path(tmp_path / "reports", chosen=True) == tmp_path / "history.sqlite"
    assert default_history_path(Path("reports/acme/2026-12"), chosen=True) == Path("reports/acme/history.sqlite")


def test_a_record_holds_outcomes_and_reasons_but_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    report = samples.flawed_report()
    leaky = dataclasses.replace(report.outcomes[0], reason=f"token {SECRET} was refused")
    report = dataclasses.replace(report, outcomes=(leaky, *report.outcomes[1:]))
    live = SimpleNamespace(client_secret_env="HOOK_SECRET", token_env=None, api_key_env=None)
    record = run_record(_artifacts(report), live, supplier=None, environment=None)
    assert record.supplier == "Example Housing Ltd"
    assert record.environment == report.run.base_url
    assert SECRET not in repr(record) and "[REDACTED]" in record.outcomes[0].reason
    assert [o.requirement_id for o in record.outcomes] == [o.requirement_id for o in report.outcomes]
    assert all("body" not in o.reason.lower() or len(o.reason) <= 1000 for o in record.outcomes)
    assert run_record(_artifacts(report, None), None, supplier="Chosen", environment="staging").supplier == "Chosen"


def test_spec_parts_name_each_operation_and_top_level_member() -> None:
    parts = dict(spec_parts({"openapi": "3.1.0", "paths": {"/a": {"get": {}, "post": {"x": 1}, "parameters": [{"name": "p"}]}}, "servers": []}))
    assert set(parts) == {"GET /a", "POST /a", "#/openapi", "#/servers"}
    changed = dict(spec_parts({"openapi": "3.1.0", "paths": {"/a": {"get": {}, "post": {"x": 2}, "parameters": [{"name": "p"}]}}, "servers": []}))
    assert [k for k in parts if parts[k] != changed[k]] == ["POST /a"]


def test_the_second_run_of_a_supplier_reports_its_regressions_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    good, bad = samples.conformant_report(), samples.flawed_report()
    first = plan_history(_artifacts(good), None, path=path, supplier=None, environment=None)
    assert first.diff is None and not path.exists()  # reading never creates the file
    record_history(first, None)
    second = plan_history(_artifacts(bad), None, path=path, supplier=None, environment=None)
    assert second.diff is not None and second.diff.before.id == 1
    regressed = [c.requirement_id for c in second.diff.of_kind("regressed")]
    failed_now = [o.requirement_id for o in bad.outcomes if o.status is Status.FAIL and good.outcomes and any(g.requirement_id == o.requirement_id and g.status is Status.PASS for g in good.outcomes)]
    assert regressed and set(failed_now) <= set(regressed)
    data = to_dict(bad)
    data["regressions"] = second.regressions
    check_report(data)  # valid against the published schema
    md, html = render_md(data), render_html(data)
    assert md.index("## Since the previous run") < md.index("## Outcomes by status")
    assert html.index('id="regressions"') < html.index('id="summary"')
    for rid in regressed:
        assert rid in md.split("## Outcomes by status")[0]
    report_json = tmp_path / "report.json"
    report_json.write_text("{}")
    with open_history(path) as conn:
        run_id = record_history(second, report_json)
        stored = get_run(conn, run_id)
    assert stored.record.report_path == str(report_json.resolve()) and stored.record.report_sha256 and len(stored.record.report_sha256) == 64
