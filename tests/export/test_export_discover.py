"""Exports documented in the API description serve the entities the declaration gives no export of."""

from __future__ import annotations

from typing import Any

import pytest

from export_fakes import FakeSandbox, make_ctx
from interopcheck.checks.registry import all_checks, run_check
from interopcheck.entities import ENTITIES
from interopcheck.export.discover import export_of, spec_exports
from interopcheck.model import Status
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index


def _spec(paths: dict[str, Any]) -> Any:
    data = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    return build_index(SpecDocument(data=data, source="spec.json", base_uri="file:///spec.json", format="json", sha256="", size=0))


def _get(media: str) -> dict[str, Any]:
    return {"get": {"responses": {"200": {"description": "ok", "content": {media: {"schema": {"type": "string"}}}}}}}


@pytest.mark.parametrize(
    ("path", "media", "found"),
    [
        ("/v1/exports/property.ndjson", "application/x-ndjson", ("property", "ndjson")),
        ("/bulk/tenancies", "text/csv; charset=utf-8", ("tenancy", "csv")),
        ("/exports/people.csv", "text/csv", ("person", "csv")),
        ("/exports/rent_accounts.zip", "application/zip", ("rent-account", "zip")),
        ("/v1/properties", "application/json", None),  # a collection, not a file
        ("/v1/exports/{entity}.ndjson", "application/x-ndjson", None),  # a template: which entities is unknown
        ("/v1/exports/widgets.csv", "text/csv", None),  # no housing entity
    ],
)
def test_which_operations_are_exports(path: str, media: str, found: tuple[str, str] | None) -> None:
    (op,) = _spec({path: _get(media)}).operations
    decl = export_of(op)
    assert (None if decl is None else (decl.entity, decl.format)) == found
    assert decl is None or decl.url == path


def test_writes_are_never_exports() -> None:
    index = _spec({"/v1/exports/property.ndjson": {"post": _get("application/x-ndjson")["get"]}})
    assert spec_exports(index) == ()


def test_an_undeclared_export_documented_in_the_spec_is_read_and_said_to_be(sandbox: FakeSandbox) -> None:
    declared = [{"entity": e, "format": f, "url": f"/v1/exports/{e}.{f}"} for e in ENTITIES if e != "repair" for f in ("ndjson", "csv")]
    ctx = make_ctx(sandbox, sandbox.declaration(exports=declared))
    missing = run_check(all_checks()["export.available"], ctx)
    assert missing.status is Status.FAIL and any("repair" in f.message for f in missing.findings)
    ctx = make_ctx(sandbox, sandbox.declaration(exports=declared))
    ctx.index = _spec({"/v1/exports/repair.ndjson": _get("application/x-ndjson"), "/v1/exports/repair.csv": _get("text/csv")})
    found = run_check(all_checks()["export.available"], ctx)
    assert found.status is Status.PASS
    assert any("repair: /v1/exports/repair.ndjson (ndjson) (documented in the API description, not declared)" in f.message for f in found.evidence)
    assert run_check(all_checks()["export.formats"], ctx).status is Status.PASS
