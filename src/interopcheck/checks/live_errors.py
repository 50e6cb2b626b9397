"""Live check that errors come back as problem+json (RFC 9457) or the error schema the spec documents."""

from __future__ import annotations

from typing import Any

import jsonschema
import referencing
import referencing.jsonschema

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_unknown_id import UnknownIdProbe, unknown_id_probe
from interopcheck.checks.live_walk import declared_collections, find_operation, finding_from_error, require_live
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, from_findings, skipped
from interopcheck.errors import LiveError
from interopcheck.live.client import LiveResponse
from interopcheck.model import Finding
from interopcheck.spec.operations import Operation

UNKNOWN_ID = "interopcheck-no-such-id-0000"
BAD_VALUE = "not-a-valid-value"
#: Answers that refuse the request itself: without credentials they are expected, never an error-format failure.
AUTH_REFUSALS = frozenset({401, 403})


def _documented_schema(ctx: CheckContext, op: Operation | None, status: int) -> Any:
    """The JSON schema the spec documents for `status` on `op` (exact, then 4XX, then default), or None."""
    if op is None:
        return None
    by_status = {r.status.upper(): r for r in op.responses}
    for key in (str(status), f"{str(status)[0]}XX", "DEFAULT"):
        resp = by_status.get(key)
        if resp is None:
            continue
        for media in resp.media_types:
            if "json" in media.name and media.schema is not None:
                return media.schema
    return None


def _valid_against(ctx: CheckContext, schema: Any, body: Any) -> bool:
    """Whether `body` validates against a spec schema, `$ref`s resolved inside the spec document."""
    assert ctx.index is not None
    spec = referencing.jsonschema.DRAFT202012 if ctx.index.version.startswith("3.1") else referencing.jsonschema.DRAFT4
    resource = referencing.Resource.from_contents(ctx.index.data, default_specification=spec)
    registry: referencing.Registry[Any] = referencing.Registry().with_resource("urn:interopcheck:spec", resource)
    wrapped = {"$ref": "urn:interopcheck:spec#" + schema["$ref"][1:]} if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith("#") else schema
    cls = jsonschema.Draft202012Validator if spec is referencing.jsonschema.DRAFT202012 else jsonschema.Draft4Validator
    try:
        return not any(True for _ in cls(wrapped, registry=registry).iter_errors(body))
    except (jsonschema.exceptions.SchemaError, referencing.exceptions.Unresolvable, TypeError, ValueError):
        return False


def _judge(ctx: CheckContext, what: str, resp: LiveResponse, expected: tuple[int, ...], op: Operation | None) -> Finding | None:
    """A finding when `resp` is not an expected error status in problem+json or the documented schema."""
    if resp.status not in expected:
        return Finding(f"{what} answered HTTP {resp.status}, expected {'/'.join(map(str, expected))}", exchange=resp.exchange)
    media = resp.content_type.split(";")[0].strip().lower()
    try:
        body = resp.json()
    except LiveError:
        return Finding(f"{what} answered {resp.status} with a body that is not JSON ({media or 'no content type'})", exchange=resp.exchange)
    if media == "application/problem+json" and isinstance(body, dict) and ("title" in body or "type" in body):
        return None
    schema = _documented_schema(ctx, op, resp.status)
    if schema is not None and "json" in media and _valid_against(ctx, schema, body):
        return None
    return Finding(f"{what} answered {resp.status} as {media or 'no content type'}, neither problem+json nor the documented error schema", exchange=resp.exchange)


def _item_probe(ctx: CheckContext) -> UnknownIdProbe | None:
    """A GET path with an unknown id that fits the id's schema (`live_unknown_id`): a declared item operation, else any spec GET with one path parameter."""
    ops: list[Operation] = []
    if ctx.declaration is not None:
        ops = [op for m in ctx.declaration.entities.values() if (op := find_operation(ctx, m.item)) is not None]
    if not ops and ctx.index is not None:
        ops = [op for op in ctx.index.operations if op.method == "get" and op.path.count("{") == 1]
    for op in ops:
        if op.method == "get" and op.path.count("{") == 1 and (probe := unknown_id_probe(ctx, op)) is not None:
            return probe
    return None


def _bad_param_probe(ctx: CheckContext) -> tuple[str, dict[str, str], Operation | None] | None:
    """A collection GET with a typed parameter set to a value of the wrong type (updated_since first)."""
    for _, mapping, path in declared_collections(ctx):
        if mapping.updated_since_param:
            return path, {mapping.updated_since_param: BAD_VALUE}, find_operation(ctx, mapping.collection)
    if ctx.index is None:
        return None
    for op in ctx.index.operations:
        if op.method != "get" or "{" in op.path:
            continue
        for param in op.parameters:
            schema = ctx.index.resolve(param.schema)
            if param.location == "query" and isinstance(schema, dict) and (schema.get("type") in ("integer", "number") or schema.get("format") in ("date", "date-time")):
                return op.path, {param.name: BAD_VALUE}, op
    return None


@check("live.problem-errors", title="Errors returned as problem+json", family="live", needs=("live", "spec"))
def problem_errors(ctx: CheckContext) -> Decision:
    """A 404 for an unknown id and a 400 for a malformed parameter come back as problem+json or the documented error schema.

    Without credentials, a probe answered 401/403 was refused before the error could be provoked:
    it is listed, never judged (the supplier is not failed for refusing an unauthenticated request).
    """
    live = require_live(ctx)
    probes: list[tuple[str, str, dict[str, str] | None, tuple[int, ...], Operation | None]] = []
    item = _item_probe(ctx)
    if item is not None:
        probes.append((item.what, item.path, None, item.expected, item.operation))
    bad = _bad_param_probe(ctx)
    if bad is not None:
        probes.append((f"GET {bad[0]}?{next(iter(bad[1]))}={BAD_VALUE}", bad[0], bad[1], (400, 422), bad[2]))
    if not probes:
        return skipped("no item operation and no typed query parameter to provoke an error with")
    findings, evidence, refused = [], [], []
    bare = live.credentials.kind == "none"
    for what, path, params, expected, op in probes:
        try:
            resp = live.client.get(path, params=params)
        except LiveError as exc:
            findings.append(finding_from_error(what, exc))
            continue
        if bare and resp.status in AUTH_REFUSALS:
            # refused before the error could be provoked: the 401 says nothing of the error format it would have had
            refused.append(Finding(f"{what} -> {resp.status} without credentials: not judged", exchange=resp.exchange))
            continue
        problem = _judge(ctx, what, resp, expected, op)
        if problem is None:
            evidence.append(Finding(f"{what} -> {resp.status} {resp.content_type}", exchange=resp.exchange))
        else:
            findings.append(problem)
    if refused:
        note = f"no credentials given: {len(refused)} of {len(probes)} probes answered 401/403 before the error could be provoked ({'; '.join(f.message for f in refused)})"
        if not findings and not evidence:
            return skipped(note)
        decision = from_findings(findings, ok=f"{len(evidence)} provoked errors were problem+json or the documented schema", bad="{n} provoked errors were not in a documented error format", evidence=[*evidence, *refused])
        return Decision(decision.status, f"{note}; {decision.summary}", decision.findings, decision.evidence)
    return from_findings(findings, ok=f"{len(evidence)} provoked errors were problem+json or the documented schema", bad="{n} provoked errors were not in a documented error format", evidence=evidence)
