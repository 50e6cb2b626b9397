"""SpecIndex.find_operation: by operationId or "METHOD /path", from a lookup built once."""

from __future__ import annotations

from typing import Any

import pytest

from interopcheck.checks import spec_shapes
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import SpecIndex, build_index
from interopcheck.standards import supplier


def _op(op_id: str | None) -> dict[str, Any]:
    op: dict[str, Any] = {"responses": {"200": {"description": "ok"}}}
    if op_id is not None:
        op["operationId"] = op_id
    return op


@pytest.fixture()
def index() -> SpecIndex:
    paths = {
        "/v1/properties": {"get": _op("listProperties"), "post": _op("createProperty")},
        "/v1/properties/{id}": {"get": _op("getProperty"), "delete": _op(None)},
        "/v1/odd": {"get": _op("GET /v1/elsewhere")},
    }
    data = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths}
    return build_index(SpecDocument(data, "mem.json", "file:///mem.json", "json", "", 0))


def _key(index: SpecIndex, ref: str) -> str | None:
    op = index.find_operation(ref)
    return None if op is None else op.key


@pytest.mark.parametrize(
    ("ref", "key"),
    [
        ("listProperties", "GET /v1/properties"),
        ("  getProperty ", "GET /v1/properties/{id}"),
        ("GET /v1/properties", "GET /v1/properties"),
        ("post /v1/properties", "POST /v1/properties"),
        ("Delete   /v1/properties/{id}", "DELETE /v1/properties/{id}"),
        ("GET /v1/elsewhere", "GET /v1/odd"),  # no such path: an operationId written like one
        ("PUT /v1/properties", None),
        ("getproperty", None),  # operationIds are case-sensitive
        ("GET v1/properties", None),
        ("", None),
    ],
)
def test_find_operation(index: SpecIndex, ref: str, key: str | None) -> None:
    assert _key(index, ref) == key


def test_lookup_is_built_once_in_the_cache(index: SpecIndex) -> None:
    assert "operation_lookup" not in index._cache
    index.find_operation("listProperties")
    tables = index._cache["operation_lookup"]
    index.find_operation("GET /v1/properties")
    assert index._cache["operation_lookup"] is tables


def test_the_old_names_are_thin_aliases(index: SpecIndex) -> None:
    for ref in ("listProperties", "POST /v1/properties", "nope"):
        assert spec_shapes.find_operation(index, ref) is index.find_operation(ref)
        assert supplier.find_operation(index, ref) is index.find_operation(ref)
