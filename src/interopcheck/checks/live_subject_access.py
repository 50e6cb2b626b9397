"""HSG-DATA-24: for one person's id, the API returns everything it holds about them (a subject-access extract).

The declaration names the operation (`subject_access: getPersonSubjectAccess` or
`GET /v1/persons/{id}/subject-access`). From the records the pagination walks read, mapped to the
standard, the check knows which records reference each person (`interopcheck.entities.REFERENCES`
whose target is person: tenancies, ASB and homelessness cases, leaseholds...). For a few people
with such records, picked by the run's seed, it reads the extract and looks for each record's id
anywhere in it, so any shape of extract passes that holds them.
"""

from __future__ import annotations

import random
from typing import Any

from interopcheck.checks.context import CheckContext
from interopcheck.checks.live_walk import cached_walk
from interopcheck.checks.registry import check
from interopcheck.checks.results import Decision, failed, passed, skipped
from interopcheck.declaration import pointer_get
from interopcheck.entities import REFERENCES, Reference
from interopcheck.errors import CheckSkipped, LiveError
from interopcheck.export.api import operation_path
from interopcheck.model import Finding

PEOPLE = 5  # people whose extracts are read (more when that many do not cover every kind of referencing record)


def _ids_in(ref: Reference, record: Any) -> list[str]:
    """The person ids a standard-shaped `record` holds in `ref`'s field (`x`, `x[]` or `x[].key`)."""
    if record.__class__ is not dict:
        return []
    name, _, key = ref.field.partition("[].")
    value = record.get(name.removesuffix("[]"))
    if isinstance(value, list):
        items = [v.get(key) if isinstance(v, dict) else None for v in value] if key else value
        return [v for v in items if isinstance(v, str)]
    return [value] if isinstance(value, str) else []


def _held_about(ctx: CheckContext) -> dict[str, set[tuple[str, str]]]:
    """Person id -> the (entity, record id) of every walked record that references them."""
    assert ctx.declaration is not None
    held: dict[str, set[tuple[str, str]]] = {}
    for ref in REFERENCES:
        if ref.target != "person" or ref.entity not in ctx.declaration.entities or ref.entity not in ctx.scope.entities:
            continue
        try:
            w = cached_walk(ctx, ref.entity)
        except CheckSkipped:
            continue
        mapper = ctx.declaration.entities[ref.entity].mapper()
        for raw in w.records:
            record = mapper(raw)
            rid = pointer_get(record, "/id")
            if not isinstance(rid, str):
                continue
            for person in _ids_in(ref, record):
                held.setdefault(person, set()).add((ref.entity, rid))
    return held


def _choose(held: dict[str, set[tuple[str, str]]], rng: random.Random) -> list[str]:
    """People whose extracts together cover every kind of record that references a person (greedily, the person
    covering most kinds still uncovered first, ties drawn at random), then any others up to PEOPLE in all."""
    people = sorted(held)
    kinds = {p: {e for e, _ in held[p]} for p in people}
    uncovered = set().union(*kinds.values()) if kinds else set()
    chosen: list[str] = []
    while uncovered:
        best = max(len(kinds[p] & uncovered) for p in people if p not in chosen)
        pick = rng.choice([p for p in people if p not in chosen and len(kinds[p] & uncovered) == best])
        chosen.append(pick)
        uncovered -= kinds[pick]
    rest = [p for p in people if p not in chosen]
    chosen += rng.sample(rest, min(PEOPLE - len(chosen), len(rest))) if len(chosen) < PEOPLE else []
    return sorted(chosen)


def _record_ids(node: Any, pointers: tuple[str, ...], out: set[str]) -> set[str]:
    """The ids of every object anywhere in `node`, read at the declared id pointers (an id named only in another record's
    reference field, a household member's `homelessness_case_id`, say, is not that record)."""
    if isinstance(node, dict):
        for pointer in pointers:
            value = pointer_get(node, pointer)
            if isinstance(value, str):
                out.add(value)
        for value in node.values():
            _record_ids(value, pointers, out)
    elif isinstance(node, list):
        for value in node:
            _record_ids(value, pointers, out)
    return out


def _url(path: str, person_id: str) -> str:
    from urllib.parse import quote

    return path[: path.index("{")] + quote(person_id, safe="") + path[path.index("}") + 1 :]


@check("live.subject-access", title="Everything held about one person can be extracted by person id", family="live",
       needs=("live", "declaration", "credentials"))
def subject_access(ctx: CheckContext) -> Decision:
    """For sampled people, the declared subject-access extract holds the person and every record the API serves that references them."""
    assert ctx.declaration is not None and ctx.live is not None
    if "person" not in ctx.scope.entities:
        return skipped("people are not among the entities this tender covers")
    op = ctx.declaration.subject_access
    if not op:
        return failed("the declaration names no subject-access operation (subject_access: <operation>), so no extract of "
                      "everything held about one person could be read (HSG-DATA-24)",
                      [Finding("declare subject_access: the operation that returns everything held about one person, by person id")])
    path = operation_path(ctx, op)
    if path is None or "{" not in path:
        return failed(f"the declared subject-access operation {op} is not an operation of the API description with a person id in its path",
                      [Finding(f"subject_access: {op} names no GET operation with a path parameter for the person id")])
    held = _held_about(ctx)
    if not held:
        return skipped("no walked record references a person, so there is nothing an extract must hold")
    chosen = _choose(held, random.Random(f"{ctx.options.seed}:subject-access"))
    pointers = tuple(sorted({d.id_field or "/id" for d in ctx.declaration.entities.values()}))
    findings: list[Finding] = []
    evidence: list[Finding] = []
    expected_total = 0
    for person in chosen:
        url = _url(path, person)
        try:
            resp = ctx.live.client.get(url)
        except LiveError as exc:
            findings.append(Finding(f"person {person}: GET {url} failed: {exc}"))
            continue
        if resp.status != 200:
            findings.append(Finding(f"person {person}: GET {url} answered HTTP {resp.status}, not 200 with the extract", exchange=resp.exchange))
            continue
        try:
            found = _record_ids(resp.json(), pointers, set())
        except LiveError:
            findings.append(Finding(f"person {person}: GET {url} did not return JSON", exchange=resp.exchange))
            continue
        expected = sorted(held[person])
        expected_total += len(expected)
        missing = [f"{entity} {rid}" for entity, rid in expected if rid not in found]
        if person not in found:
            missing.insert(0, f"the person record {person}")
        if missing:
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            findings.append(Finding(f"person {person}: the extract lacks {shown}", exchange=resp.exchange,
                                    data={"person": person, "missing": len(missing), "expected": len(expected) + 1}))
        elif not evidence:
            evidence.append(Finding(f"person {person}: the extract holds all {len(expected)} records that reference them", exchange=resp.exchange))
    if findings:
        return failed(f"{len(findings)} of {len(chosen)} sampled people's subject-access extracts are missing records the API "
                      "serves about them (HSG-DATA-24)", findings, evidence)
    return passed(f"the subject-access extracts of {len(chosen)} sampled people hold each person and all {expected_total} "
                  "records that reference them", evidence)
