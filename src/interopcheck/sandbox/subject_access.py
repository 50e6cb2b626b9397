"""The sandbox's subject-access extract: everything held about one person, across entities.

GET /v1/persons/{id}/subject-access answers {"data": {"person": {...}, "records": {entity: [...]}}}:
the person's record and every record that references the person (`interopcheck.entities.REFERENCES`
whose target is person: tenancies, ASB cases, homelessness cases, leaseholds...), as the collections
serve them (record faults included). Under the `subject-access-incomplete` fault the homelessness
cases are left out, so `live.subject-access` (HSG-DATA-24) has a failing case.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from interopcheck.entities import REFERENCES, Reference
from interopcheck.sandbox.faults import apply_record_faults, record_faults
from interopcheck.sandbox.generate import table_name
from interopcheck.sandbox.web import SEGMENTS, SandboxState, json_response, problem, state_of, unauthorised

#: The entity the `subject-access-incomplete` fault leaves out of the extract.
LEFT_OUT = "homelessness-case"


def person_references(entities: tuple[str, ...]) -> tuple[Reference, ...]:
    """The references to a person from the entities a product serves."""
    return tuple(r for r in REFERENCES if r.target == "person" and r.entity in entities)


def refers_to(record: dict[str, Any], ref: Reference, person_id: str) -> bool:
    """Whether `record`'s field of `ref` (`x`, `x[]` or `x[].key`) holds `person_id`."""
    name, _, key = ref.field.partition("[].")
    value = record.get(name.removesuffix("[]"))
    if isinstance(value, list):
        items = [v.get(key) if isinstance(v, dict) else None for v in value] if key else value
        return person_id in items
    return value == person_id


def extract(state: SandboxState, person_id: str) -> dict[str, Any] | None:
    """The subject-access extract of `person_id`, or None when there is no such person."""
    row = state.store.get("person", person_id)
    if row is None:
        return None
    faults = record_faults(state.faults)
    person = apply_record_faults(faults, "person", row[0], orjson.loads(row[1]))
    needle = orjson.dumps(person_id).decode()  # the quoted id: "PER-0000012" is not found inside "PER-00000123"
    records: dict[str, list[Any]] = {}
    for ref in person_references(state.product.entities):
        if ref.entity == LEFT_OUT and "subject-access-incomplete" in state.faults:
            continue
        found = records.setdefault(ref.entity, [])
        known = {r["id"] for r in found}
        sql = f"SELECT seq, json FROM {table_name(ref.entity)} WHERE instr(json, ?) > 0 ORDER BY seq"
        for seq, text in state.store.conn.execute(sql, (needle,)):
            record = orjson.loads(text)
            if record.get("id") not in known and refers_to(record, ref, person_id):
                found.append(apply_record_faults(faults, ref.entity, seq, record))
                known.add(record.get("id"))
    return {"person": person, "records": records}


async def subject_access(request: Request) -> Response:
    """GET /v1/persons/{id}/subject-access: the person and every record that references them, or a 404 problem."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    body = extract(state, request.path_params["id"])
    if body is None:
        return problem(state, 404, "Not Found", "No person has this id.", instance=request.url.path)
    return json_response(orjson.dumps({"data": body}))


def routes(state: SandboxState) -> list[Route]:
    """The subject-access route, when the product serves people."""
    if "person" not in state.product.entities:
        return []
    return [Route(f"/v1/{SEGMENTS['person']}/{{id}}/subject-access", subject_access, methods=["GET"])]


def spec_paths(entities: tuple[str, ...]) -> dict[str, Any]:
    """The OpenAPI path of the extract (for `sandbox.openapi`), when the product serves people."""
    if "person" not in entities:
        return {}
    records = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "object"}},
               "description": "Per entity, every record that references the person."}
    schema = {
        "type": "object",
        "required": ["data"],
        "properties": {"data": {"type": "object", "required": ["person", "records"],
                                "properties": {"person": {"$ref": "#/components/schemas/Person"}, "records": records}}},
    }
    return {
        f"/v1/{SEGMENTS['person']}/{{id}}/subject-access": {
            "get": {
                "operationId": "getPersonSubjectAccess",
                "summary": "Everything held about one person: their record and every record that references them (subject access)",
                "tags": ["person"],
                "security": [{"oauth2": []}],
                "parameters": [{"$ref": "#/components/parameters/id"}],
                "responses": {
                    "200": {"description": "The subject-access extract.", "content": {"application/json": {"schema": schema}}},
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "500": {"$ref": "#/components/responses/ServerError"},
                },
            }
        }
    }
