"""The unknown-id probe of live.problem-errors: an id that fits the path parameter's schema but names no record.

Not a check itself. A probe that sends `interopcheck-no-such-id-0000` where the description types the
id as an integer, a uuid or a pattern tests the sandbox's input validation, not its "not found": a
400 or 422 is then the right answer, and expecting 404 wrongly fails the supplier. So the probe
builds a value the parameter's own schema accepts (type, format, pattern, length and range) that is
unlikely to be a real record's id, and expects 404 for it. Only when no such value can be built does
it send a string, and then a 400 or 422 the operation documents is accepted too (the id is of the
wrong type, and the sandbox said so as documented). RFC 9110 section 15.5.5: 404 when the server
finds no current representation for the target (an unknown record); section 15.5.1: 400 for a
request it will not process for a client error (a malformed id). HSG-API-18 (RFC 9457) asks both
in problem+json, so the probe tests 404 only where it sends a well-formed id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import jsonschema

from interopcheck.checks.context import CheckContext
from interopcheck.spec.operations import Operation

#: Sent when the parameter has no schema, or none that a value could be built for.
FALLBACK_ID = "interopcheck-no-such-id-0000"
#: A version 4 UUID no sandbox is expected to hold.
UNKNOWN_UUID = "8d5e1f3a-0c2b-4d6e-9f70-1a2b3c4d5e6f"
BIG = 987654321  # fits int32; far above the ids of a sandbox's test data
_STRINGS = (FALLBACK_ID, "nosuchid0000", "NOSUCHID0000", "987654321", "ZZ987654", UNKNOWN_UUID, "1901-01-01", "1901-01-01T00:00:00Z", "zzzz")


@dataclass(frozen=True)
class UnknownIdProbe:
    """The item path with an unknown id in it, what the id is, and the statuses accepted for it."""

    path: str
    value: str
    fits: bool  # the value fits the path parameter's schema
    expected: tuple[int, ...]
    what: str  # "GET /v1/properties/987654321 (an unknown id that fits the parameter's schema: integer)"
    operation: Operation


def _schema_of(ctx: CheckContext, op: Operation, name: str) -> Any:
    """The path parameter's schema, `$ref`s and a first oneOf/anyOf branch followed; None when it has none."""
    assert ctx.index is not None
    for param in op.parameters:
        if param.location == "path" and param.name == name:
            schema = ctx.index.resolve(param.schema)
            for _ in range(4):
                if isinstance(schema, dict) and not schema.get("type") and isinstance(schema.get("oneOf") or schema.get("anyOf"), list):
                    schema = ctx.index.resolve((schema.get("oneOf") or schema.get("anyOf"))[0])
            return schema if isinstance(schema, dict) else None
    return None


def _validator(ctx: CheckContext, schema: dict[str, Any]) -> Any:
    """A validator of `schema` for the description's dialect (OpenAPI 3.1: 2020-12, else draft 4), formats checked."""
    assert ctx.index is not None
    cls = jsonschema.Draft202012Validator if ctx.index.version.startswith("3.1") else jsonschema.Draft4Validator
    return cls(schema, format_checker=jsonschema.FormatChecker())


def _fits(validator: Any, value: Any) -> bool:
    try:
        return bool(validator.is_valid(value))
    except (jsonschema.exceptions.SchemaError, TypeError, ValueError, RecursionError):
        return False


def _number(schema: dict[str, Any]) -> int:
    """A large integer inside the schema's range (OpenAPI 3.0's boolean exclusive bounds and 3.1's numeric ones)."""
    lo, hi = schema.get("minimum"), schema.get("maximum")
    low_ex, high_ex = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(low_ex, (int, float)) and not isinstance(low_ex, bool):
        lo = low_ex + 1
    elif low_ex is True and isinstance(lo, (int, float)):
        lo = lo + 1
    if isinstance(high_ex, (int, float)) and not isinstance(high_ex, bool):
        hi = high_ex - 1
    elif high_ex is True and isinstance(hi, (int, float)):
        hi = hi - 1
    value = BIG
    if isinstance(hi, (int, float)) and value > hi:
        value = int(hi)
    if isinstance(lo, (int, float)) and value < lo:
        value = int(lo) + (0 if float(lo).is_integer() else 1)
    step = schema.get("multipleOf")
    if isinstance(step, int) and step > 0:
        value -= value % step
    return value


def _from_pattern(schema: dict[str, Any], validator: Any) -> str | None:
    """The simplest string that matches the schema's pattern and lengths (hypothesis' shrunk example), or None."""
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return None
    try:
        from hypothesis import HealthCheck, find, settings
        from hypothesis import strategies as st
        from hypothesis.errors import HypothesisException

        quiet = settings(database=None, max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
        value: str = find(st.from_regex(pattern), lambda v: _fits(validator, v) and "/" not in v and len(v) > 0, settings=quiet)
        return value
    except (ImportError, HypothesisException, ValueError, TypeError, RecursionError, re.error):
        return None


def fitting_value(ctx: CheckContext, schema: dict[str, Any] | None) -> tuple[str, str] | None:
    """(value, how it was chosen) that fits `schema` and is unlikely to name a record; None when none could be built."""
    if not schema:
        return FALLBACK_ID, "the parameter has no schema, so any id fits"
    if "enum" in schema or "const" in schema:
        return None  # every allowed value may well be a real one
    validator = _validator(ctx, schema)
    kind = schema.get("type")
    if kind in ("integer", "number") or (kind is None and str(schema.get("format", "")).startswith("int")):
        value = _number(schema)
        return (str(value), str(kind or "integer")) if _fits(validator, value) else None
    candidates = [*_STRINGS]
    for size in (schema.get("minLength"), schema.get("maxLength")):
        if isinstance(size, int) and 0 < size <= 64:
            candidates += ["9" * size, "z" * size]
    for value in candidates:
        if _fits(validator, value):
            return value, _describe(schema)
    value = _from_pattern(schema, validator)
    return (value, _describe(schema)) if value is not None else None


def _describe(schema: dict[str, Any]) -> str:
    """`string, format uuid` / `string, pattern ^P[0-9]{6}$, length 4-8`: what the value was made to fit."""
    parts = [str(schema.get("type", "string"))]
    if schema.get("format"):
        parts.append(f"format {schema['format']}")
    if schema.get("pattern"):
        parts.append(f"pattern {schema['pattern']}")
    if "minLength" in schema or "maxLength" in schema:
        parts.append(f"length {schema.get('minLength', 0)}-{schema.get('maxLength', '')}")
    return ", ".join(parts)


def _constrained(schema: dict[str, Any] | None) -> bool:
    """Whether the schema says what an id looks like (a number, a format, a pattern, a length), so a fitting id must not be refused as malformed."""
    if not schema:
        return False
    return schema.get("type") in ("integer", "number") or any(k in schema for k in ("format", "pattern", "minLength", "maxLength"))


def _documented_client_errors(op: Operation) -> tuple[int, ...]:
    """The 400 and 422 the operation documents (a 4XX range covers both)."""
    codes = {r.status.upper() for r in op.responses}
    return tuple(c for c in (400, 422) if str(c) in codes or "4XX" in codes)


def unknown_id_probe(ctx: CheckContext, op: Operation) -> UnknownIdProbe | None:
    """The probe for item operation `op` (one path parameter), or None when its id is an enum (no unknown value)."""
    start, end = op.path.index("{"), op.path.index("}")
    schema = _schema_of(ctx, op, op.path[start + 1 : end])
    chosen = fitting_value(ctx, schema)
    if chosen is None and schema and ("enum" in schema or "const" in schema):
        return None
    documented = _documented_client_errors(op)
    if chosen is not None:
        value, how = chosen
        path = op.path[:start] + quote(value, safe="") + op.path[end + 1 :]
        what = f"GET {path} (an unknown id that fits the parameter's schema: {how})"
        if _constrained(schema) or not documented:
            return UnknownIdProbe(path, value, True, (404,), what, op)
        loose = f"{what[:-1]}; the schema does not say what an id looks like, so a documented {'/'.join(map(str, documented))} for an id the sandbox reads as malformed is accepted too)"
        return UnknownIdProbe(path, value, True, (404, *documented), loose, op)
    path = op.path[:start] + FALLBACK_ID + op.path[end + 1 :]
    also = f", so a documented {'/'.join(map(str, documented))} for the wrong type is accepted too" if documented else ""
    what = f"GET {path} (an unknown id that does not fit the parameter's schema, {_describe(schema or {})}: no fitting value could be built{also})"
    return UnknownIdProbe(path, FALLBACK_ID, False, (404, *documented), what, op)
