"""The spec-part digests the history keeps: stable under key order, and total over what YAML can hold."""

from __future__ import annotations

from interopcheck.engine.history_hook import _digest, spec_parts


def test_key_order_does_not_change_the_digest() -> None:
    assert _digest({"a": 1, "b": [1, 2]}) == _digest({"b": [1, 2], "a": 1})


def test_different_shapes_differ() -> None:
    assert _digest({"a": "b"}) != _digest(["a", "b"])
    assert _digest({"a": 1}) != _digest({"a": "1"})
    assert _digest([1, [2]]) != _digest([[1], 2])


def test_values_json_encoders_refuse_are_hashed() -> None:
    """Integers past 64 bits, YAML sets and bytes, and nesting past 255 levels (issue 19, item 9)."""
    deep: list = []
    for _ in range(5_000):
        deep = [deep]
    for value in (2**64, -(2**64) - 1, {1, 2}, b"bytes", deep, {1: "non-string key"}):
        assert len(_digest(value)) == 64
    parts = dict(spec_parts({"openapi": "3.0.3", "x-big": 2**70, "paths": {}}))
    assert "#/x-big" in parts
