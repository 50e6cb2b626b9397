"""Callbacks written as paths are left out of the index's operations, once, with the reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index
from interopcheck.spec.load import load_spec

_OK = {"responses": {"202": {"description": "Accepted"}}}


def _index(paths: dict[str, Any]) -> Any:
    data = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    return build_index(SpecDocument(data, "mem.json", "file:///mem.json", "json", "", 0))


def test_placeholder_path_marker_and_documented_callback_are_left_out() -> None:
    index = _index(
        {
            "/v1/messages": {"post": dict(_OK)},
            "/<client-provided-URI>": {"post": dict(_OK)},
            "/status": {"x-webhook": True, "post": dict(_OK)},
            "/channel": {"post": {**_OK, "tags": ["Callbacks"], "description": "Sends POST requests to your service."}},
        }
    )
    assert [op.key for op in index.operations] == ["POST /v1/messages"]
    left = {op.key: why for op, why in index.callbacks}
    assert set(left) == {"POST /<client-provided-URI>", "POST /status", "POST /channel"}
    assert "placeholder for a URL the client provides" in left["POST /<client-provided-URI>"]
    assert "x-webhook" in left["POST /status"]


def test_one_word_is_not_enough() -> None:
    index = _index(
        {
            "/callbacks": {"get": {**_OK, "tags": ["Callbacks"], "summary": "List your registered callback URLs"}},
            "/hooks": {"post": {**_OK, "x-webhook": False, "description": "Sends a test request to your service"}},
            "/notify": {"post": {**_OK, "description": "Sends POST requests to your service."}},
        }
    )
    assert sorted(op.key for op in index.operations) == ["GET /callbacks", "POST /hooks", "POST /notify"]
    assert index.callbacks == ()


def test_nhs_notify_callbacks_are_left_out() -> None:
    spec = Path(__file__).parents[1] / "corpus" / "nhs-notify" / "specification" / "communications-manager.yaml"
    index = build_index(load_spec(str(spec)))
    left = [op.key for op, _ in index.callbacks]
    assert left == ["POST /<client-provided-message-status-URI>", "POST /<client-provided-channel-status-URI>"]
    assert all("<" not in op.path for op in index.operations)
