"""The schemathesis bridge: explicit config (no schemathesis.toml), GET-only by default, failures as redacted findings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import live_minisandbox as mini
import pytest
from live_servers import serve_app
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import run_check
from live_fakes import live_checks as all_checks
from interopcheck.live.redact import Redactor
from live_fakes import conformance
from interopcheck.model import Status

pytestmark = pytest.mark.timeout(90)

SECRET = "tok-Schemathesis-Secret-55"


def _recording_app(seen: list[tuple[str, dict[str, str]]]) -> Starlette:
    async def items(request: Request) -> Response:
        seen.append((request.method, dict(request.headers)))
        if request.method == "GET":
            return JSONResponse({"items": [{"id": "1"}]})
        return JSONResponse({"id": "1"}, status_code=201)

    return Starlette(routes=[Route("/items", items, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"])])


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/items": {
            "get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object"}}}}},
            },
            "delete": {"responses": {"201": {"description": "gone", "content": {"application/json": {"schema": {"type": "object"}}}}}},
        }
    },
}


def test_read_only_run_sends_only_get_even_in_the_coverage_phase() -> None:
    seen: list[tuple[str, dict[str, str]]] = []
    with serve_app(_recording_app(seen)) as url:
        run = conformance(SPEC, url, seed=1, max_examples=5, rate=1000)
    assert run.requests > 0 and not run.findings
    assert {method for method, _ in seen} == {"GET"}
    assert run.methods == ("GET",)


def test_writes_allowed_sends_other_methods() -> None:
    seen: list[tuple[str, dict[str, str]]] = []
    with serve_app(_recording_app(seen)) as url:
        conformance(SPEC, url, seed=1, max_examples=3, rate=1000, allow_writes=True)
    assert {"GET", "POST"} <= {method for method, _ in seen}


def test_schemathesis_toml_in_cwd_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "schemathesis.toml").write_text(
        'base-url = "http://127.0.0.1:9"\nheaders = { X-From-Toml = "yes" }\n[checks]\nenabled = false\n[phases.coverage]\nunexpected-methods = ["DELETE"]\n'
    )
    monkeypatch.chdir(tmp_path)
    seen: list[tuple[str, dict[str, str]]] = []
    with serve_app(_recording_app(seen)) as url:
        run = conformance(SPEC, url, seed=1, max_examples=3, rate=1000)
    assert run.requests > 0 and seen
    assert not any("x-from-toml" in headers for _, headers in seen)
    assert {method for method, _ in seen} == {"GET"}


def test_auth_header_is_sent_and_redacted_in_findings(sandbox: Callable[..., str]) -> None:
    url = sandbox("schema-drift")
    red = Redactor([mini.STATIC_TOKEN])
    run = conformance(mini.SPEC, url, redactor=red, seed=0, max_examples=5, headers={"Authorization": f"Bearer {mini.STATIC_TOKEN}"}, rate=1000)
    drift = [f for f in run.findings if f.data and f.data["check"] == "response_schema_conformance"]
    assert drift, [f.message for f in run.findings]
    finding = drift[0]
    assert finding.data["code"].startswith("ST") and finding.data["operation"].startswith("GET /v1/properties")
    assert finding.exchange is not None and finding.exchange.response is not None
    assert finding.exchange.curl.startswith("curl") and "[REDACTED]" in finding.exchange.curl
    assert mini.STATIC_TOKEN not in repr(run)


def test_spec_conformance_check_passes_on_good_and_fails_on_drift(live_ctx: Callable[..., CheckContext]) -> None:
    good = run_check(all_checks()["live.spec-conformance"], live_ctx())
    assert good.status == Status.PASS, good.summary
    assert "methods GET" in good.summary
    bad = run_check(all_checks()["live.spec-conformance"], live_ctx("schema-drift"))
    assert bad.status == Status.FAIL and bad.findings[0].exchange is not None


def test_spec_conformance_names_the_refs_schemathesis_was_not_given(live_ctx: Callable[..., CheckContext]) -> None:
    import copy

    spec = copy.deepcopy(mini.SPEC)
    spec.setdefault("components", {}).setdefault("schemas", {})["Elsewhere"] = {"$ref": "../../etc/passwd#/X"}
    ctx = live_ctx(index=mini.spec_index(spec))
    result = run_check(all_checks()["live.spec-conformance"], ctx)
    assert result.status == Status.PASS, result.summary
    assert "1 $ref the spec stage did not read left unchecked (../../etc/passwd#/X)" in result.summary
