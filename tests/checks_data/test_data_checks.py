"""data.operations.E, data.mapping.E, data.code-lists and data.declaration-valid on tiny specs and declarations."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import interopcheck.checks.data_codelists  # noqa: F401 - registers the checks
import interopcheck.checks.data_declaration  # noqa: F401 - registers the checks
import interopcheck.checks.data_mapping  # noqa: F401 - registers the checks
from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import _REGISTRY, run_check
from interopcheck.declaration import Declaration
from interopcheck.entities import ENTITIES
from interopcheck.model import CheckResult, Status
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.index import build_index
from interopcheck.standards import load_standards

STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
ADDRESS = {
    "type": "object",
    "properties": {k: STRING for k in ("saon", "paon", "street", "locality", "town", "postcode", "uprn")},
}
PROPERTY = {
    "type": "object",
    "properties": {
        "id": STRING,
        "updated_at": DATE_TIME,
        "uprn": STRING,
        "address": {"$ref": "#/components/schemas/Address"},
        "local_authority": {"type": "object", "properties": {"gss_code": STRING, "name": STRING}},
        "property_type": {"type": "integer", "enum": [1, 7]},  # CORE unittype_gn: flat or maisonette, house
        "tenure_type": STRING,
        "bedrooms": {"type": "integer"},
    },
}
# The supplier's own names for tenancy fields, mapped by `fields`.
TENANCY = {
    "type": "object",
    "properties": {
        "tenancyRef": STRING,
        "lastModified": DATE_TIME,
        "propertyRef": STRING,
        "tenants": {"type": "array", "items": STRING},
        "kind": {"type": "integer", "enum": [7, 2]},  # CORE tenancy: secure lifetime, assured lifetime
        "dates": {"allOf": [{"type": "object", "properties": {"start": DATE, "end": {"type": ["string", "null"], "format": "date"}}}]},
        "state": STRING,
    },
}
TENANCY_FIELDS = {
    "/id": "/tenancyRef", "/updated_at": "/lastModified", "/property_id": "/propertyRef", "/tenant_ids": "/tenants",
    "/tenancy_type": "/kind", "/start_date": "/dates/start", "/end_date": "/dates/end", "/status": "/state",
}


def page(ref: str) -> dict[str, Any]:
    return {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": ref}}, "links": {"type": "object"}}}


def make_spec(property_schema: dict[str, Any] | None = None, tenancy_schema: dict[str, Any] | None = None) -> dict[str, Any]:
    def ok(schema: dict[str, Any]) -> dict[str, Any]:
        return {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}}

    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/v1/properties": {"get": {"operationId": "listProperties", "responses": ok(page("#/components/schemas/Property"))}},
            "/v1/properties/{id}": {"get": {"operationId": "getProperty", "responses": ok({"$ref": "#/components/schemas/Property"})}},
            "/v1/tenancies": {
                "get": {"operationId": "listTenancies", "responses": ok({"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Tenancy"}}}})},
                "post": {"operationId": "createTenancy", "responses": ok({"$ref": "#/components/schemas/Tenancy"})},
            },
        },
        "components": {"schemas": copy.deepcopy({  # tests may edit the result; the constants stay intact
            "Property": property_schema or PROPERTY,
            "Address": ADDRESS,
            "Tenancy": tenancy_schema or TENANCY,
        })},
    }


def declaration(**entities: dict[str, Any]) -> Declaration:
    return Declaration.from_dict({"declaration_version": "1.0", "entities": {k.replace("_", "-"): v for k, v in entities.items()}})


PROPERTY_DECL = {"collection": "listProperties", "item": "getProperty", "records_pointer": "/data", "mapping": "identity"}
TENANCY_DECL = {"collection": "GET /v1/tenancies", "records_pointer": "/items", "fields": TENANCY_FIELDS}


def run(check_id: str, spec: dict[str, Any], decl: Declaration) -> CheckResult:
    index = build_index(SpecDocument(spec, "spec.json", "file:///spec.json", "json", "", 0))
    ctx = CheckContext(index=index, declaration=decl, standards=load_standards())
    return run_check(_REGISTRY[check_id], ctx)


def test_every_entity_has_both_checks() -> None:
    for entity in ENTITIES:
        assert f"data.operations.{entity}" in _REGISTRY and f"data.mapping.{entity}" in _REGISTRY


# --- data.operations.E -----------------------------------------------------------------------

def test_operations_pass_by_operation_id_and_by_method_path() -> None:
    result = run("data.operations.property", make_spec(), declaration(property=PROPERTY_DECL))
    assert result.status is Status.PASS
    assert [e.message for e in result.evidence] == ["collection: GET /v1/properties", "item: GET /v1/properties/{id}"]
    assert run("data.operations.tenancy", make_spec(), declaration(tenancy=TENANCY_DECL)).status is Status.PASS


def test_operations_fail_when_entity_not_declared() -> None:
    result = run("data.operations.repair", make_spec(), declaration(property=PROPERTY_DECL))
    assert result.status is Status.FAIL and result.summary == "the declaration does not map repair"


def test_operations_fail_on_missing_and_non_get_operations() -> None:
    decl = declaration(property={**PROPERTY_DECL, "collection": "listHouses"}, tenancy={**TENANCY_DECL, "collection": "createTenancy"})
    missing = run("data.operations.property", make_spec(), decl)
    assert missing.status is Status.FAIL and "'listHouses' is not in the API description" in missing.findings[0].message
    post = run("data.operations.tenancy", make_spec(), decl)
    assert post.status is Status.FAIL and "POST /v1/tenancies, not a GET" in post.findings[0].message
    assert post.findings[0].location is not None and post.findings[0].location.pointer == "/paths/~1v1~1tenancies/post"


def test_operations_fail_without_collection() -> None:
    decl = declaration(property={"item": "getProperty", "mapping": "identity"})
    result = run("data.operations.property", make_spec(), decl)
    assert result.status is Status.FAIL and "no collection operation" in result.findings[0].message


# --- data.mapping.E --------------------------------------------------------------------------

def test_mapping_identity_pass_with_coverage() -> None:
    result = run("data.mapping.property", make_spec(), declaration(property=PROPERTY_DECL))
    assert result.status is Status.PASS, result.findings
    data = result.evidence[0].data
    assert data == {"entity": "property", "required": 11, "mapped": 11, "compatible": 11, "coverage": 1.0}  # tenure_type is optional (no national list)


def test_mapping_fields_pass_through_allof_and_arrays() -> None:
    result = run("data.mapping.tenancy", make_spec(), declaration(tenancy=TENANCY_DECL))
    assert result.status is Status.PASS, [f.message for f in result.findings]
    assert result.evidence[0].data["coverage"] == 1.0


def test_mapping_fail_lists_unmapped_and_incompatible_fields() -> None:
    bad = copy.deepcopy(PROPERTY)
    bad["properties"]["bedrooms"] = {"type": "string"}
    bad["properties"]["updated_at"] = {"type": "string"}
    del bad["properties"]["uprn"]
    result = run("data.mapping.property", make_spec(property_schema=bad), declaration(property=PROPERTY_DECL))
    assert result.status is Status.FAIL
    problems = {f.data["field"]: f.data["problem"] for f in result.findings if f.data and "field" in f.data}
    assert problems == {"/bedrooms": "incompatible", "/updated_at": "incompatible", "/uprn": "undeclared"}
    coverage = result.findings[0].data
    assert coverage["compatible"] == 8 and coverage["required"] == 11 and coverage["coverage"] == 0.7273
    bedrooms = next(f for f in result.findings if f.data and f.data.get("field") == "/bedrooms")
    assert bedrooms.location is not None and bedrooms.location.pointer == "/components/schemas/Property/properties/bedrooms"


def test_mapping_fail_when_fields_unmapped() -> None:
    fields = {k: v for k, v in TENANCY_FIELDS.items() if k not in ("/status", "/start_date")}
    result = run("data.mapping.tenancy", make_spec(), declaration(tenancy={**TENANCY_DECL, "fields": fields}))
    assert result.status is Status.FAIL
    unmapped = sorted(f.data["field"] for f in result.findings if f.data and f.data.get("problem") == "unmapped")
    assert unmapped == ["/start_date", "/status"]
    assert result.findings[0].data["mapped"] == 6


def test_mapping_fail_when_entity_not_declared_or_no_schema() -> None:
    assert run("data.mapping.leasehold", make_spec(), declaration(property=PROPERTY_DECL)).summary == "the declaration does not map leasehold"
    result = run("data.mapping.property", make_spec(), declaration(property={**PROPERTY_DECL, "records_pointer": "/results"}))
    assert result.status is Status.FAIL and any("records_pointer" in f.message for f in result.findings)


def test_mapping_skips_without_declaration() -> None:
    index = build_index(SpecDocument(make_spec(), "s", "file:///s", "json", "", 0))
    result = run_check(_REGISTRY["data.mapping.property"], CheckContext(index=index))
    assert result.status is Status.SKIP


# --- data.code-lists -------------------------------------------------------------------------

def test_code_lists_pass_when_supplier_enums_are_subsets() -> None:
    result = run("data.code-lists", make_spec(), declaration(property=PROPERTY_DECL, tenancy=TENANCY_DECL))
    assert result.status is Status.PASS
    assert result.evidence[0].data["compared"] == 2  # property_type and tenancy_type


def test_code_lists_fail_on_values_outside_the_standard() -> None:
    bad = copy.deepcopy(PROPERTY)
    bad["properties"]["property_type"] = {"type": "integer", "enum": [1, 99]}
    bad_tenancy = copy.deepcopy(TENANCY)
    bad_tenancy["properties"]["kind"] = {"type": "string", "enum": ["secure-lifetime", "assured-lifetime"]}  # the slugs of old
    result = run("data.code-lists", make_spec(bad, bad_tenancy), declaration(property=PROPERTY_DECL, tenancy=TENANCY_DECL))
    assert result.status is Status.FAIL
    extras = {f.data["field"]: f.data["extra"] for f in result.findings}
    assert extras == {"/property_type": [99], "/tenancy_type": ["secure-lifetime", "assured-lifetime"]}


def test_code_lists_not_applicable_without_coded_fields() -> None:
    result = run("data.code-lists", make_spec(), declaration(person={"collection": "listPeople", "mapping": "identity"}))
    assert result.status is Status.NOT_APPLICABLE


# --- data.declaration-valid ------------------------------------------------------------------

def test_declaration_valid_pass() -> None:
    decl = Declaration.from_dict({"entities": {"property": PROPERTY_DECL, "tenancy": TENANCY_DECL},
                                  "exports": [{"entity": "property", "format": "ndjson", "url": "/x.ndjson"}]})
    assert run("data.declaration-valid", make_spec(), decl).status is Status.PASS


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entities": {"castle": PROPERTY_DECL}}, "not a standard entity"),
        ({"entities": {"tenancy": {**TENANCY_DECL, "fields": {"/colour": "/c"}}}}, "/colour is not a field"),
        ({"entities": {"tenancy": {"collection": "listTenancies"}}}, "neither `mapping: identity` nor any `fields`"),
        ({"entities": {}, "exports": [{"entity": "property", "format": "xlsx", "url": "/x"}]}, "export format 'xlsx'"),
    ],
)
def test_declaration_valid_fail(data: dict[str, Any], message: str) -> None:
    result = run("data.declaration-valid", make_spec(), Declaration.from_dict(data))
    assert result.status is Status.FAIL and any(message in f.message for f in result.findings)


def test_mapping_a_whole_object_covers_its_fields() -> None:
    """Mapping /address to the supplier's /addr maps /address/postcode to /addr/postcode."""
    supplier = copy.deepcopy(PROPERTY)
    supplier["properties"]["addr"] = supplier["properties"].pop("address")
    fields = {f"/{k}": f"/{k}" for k in ("id", "updated_at", "uprn", "local_authority", "property_type", "tenure_type", "bedrooms")}
    decl = declaration(property={**PROPERTY_DECL, "mapping": None, "fields": {**fields, "/address": "/addr"}})
    result = run("data.mapping.property", make_spec(property_schema=supplier), decl)
    assert result.status is Status.PASS, [f.message for f in result.findings]
    supplier["properties"]["addr"] = {"type": "object", "properties": {"paon": STRING, "street": STRING, "town": STRING}}
    result = run("data.mapping.property", make_spec(property_schema=supplier), decl)
    assert result.status is Status.FAIL
    assert [f.data["supplier_pointer"] for f in result.findings if f.data and f.data.get("problem") == "undeclared"] == ["/addr/postcode"]


def test_mapping_reads_openapi_3_0_nullable() -> None:
    """A 3.0 `nullable: true` on a field the standard requires non-null is incompatible."""
    spec = make_spec()
    spec["openapi"] = "3.0.3"
    spec["components"]["schemas"]["Property"]["properties"]["bedrooms"] = {"type": "integer", "nullable": True}
    result = run("data.mapping.property", spec, declaration(property=PROPERTY_DECL))
    assert result.status is Status.FAIL
    assert any("nullable" in f.message and f.data.get("field") == "/bedrooms" for f in result.findings if f.data)


def test_mapping_reads_swagger_2() -> None:
    """Swagger 2.0 responses (schema beside `produces`) and `definitions` refs are followed."""
    definitions = {"Property": copy.deepcopy(PROPERTY), "Address": ADDRESS}
    definitions["Property"]["properties"]["address"] = {"$ref": "#/definitions/Address"}
    spec = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "produces": ["application/json"],
        "paths": {"/v1/properties": {"get": {"operationId": "listProperties", "responses": {"200": {
            "description": "ok",
            "schema": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/definitions/Property"}}}},
        }}}}},
        "definitions": definitions,
    }
    decl = declaration(property={k: v for k, v in PROPERTY_DECL.items() if k != "item"})
    passed = run("data.mapping.property", spec, decl)
    assert passed.status is Status.PASS, [f.message for f in passed.findings]
    definitions["Property"]["properties"]["bedrooms"] = {"type": "number"}
    failed = run("data.mapping.property", spec, decl)
    assert failed.status is Status.FAIL and failed.findings[1].location.pointer == "/definitions/Property/properties/bedrooms"


# --- value maps, constants and transforms in the declaration ----------------------------------

def tenancy_codes() -> tuple[Any, ...]:
    """The standard's tenancy type codes, read now (the code lists are being changed to national codes)."""
    enum = load_standards().fields("tenancy")["/tenancy_type"].enum
    assert enum and len(enum) >= 2
    return tuple(enum)


def mapped_tenancy(supplier_kind: dict[str, Any], entry: Any) -> tuple[dict[str, Any], Declaration]:
    """The tiny spec with the supplier's `kind` schema, and the tenancy declaration with /tenancy_type as `entry`."""
    schema = copy.deepcopy(TENANCY)
    schema["properties"]["kind"] = supplier_kind
    decl = declaration(property=PROPERTY_DECL, tenancy={**TENANCY_DECL, "fields": {**TENANCY_FIELDS, "/tenancy_type": entry}})
    return make_spec(None, schema), decl


def test_code_lists_compare_a_mapped_field_through_its_value_map() -> None:
    codes = tenancy_codes()
    spec, decl = mapped_tenancy({"type": "string", "enum": ["AST", "SEC", "XX", "YY"]}, {"from": "/kind", "values": {"AST": codes[0], "SEC": codes[1]}})
    result = run("data.code-lists", spec, decl)
    assert result.status is Status.FAIL
    [finding] = [f for f in result.findings if f.data["field"] == "/tenancy_type"]
    assert finding.data["uncovered"] == ["XX", "YY"]
    assert "allows values the declaration's value map does not cover: 'XX', 'YY'" in finding.message


def test_code_lists_pass_when_the_map_covers_the_supplier_enum() -> None:
    codes = tenancy_codes()
    entry = {"from": "/kind", "values": {"AST": codes[0], "SEC": codes[1], "OLD": codes[0]}}
    covered = run("data.code-lists", *mapped_tenancy({"type": "string", "enum": ["AST", "SEC"]}, entry))
    assert not [f.message for f in covered.findings if f.data["field"] == "/tenancy_type"]  # (other coded fields are the fixture's)
    one_more = run("data.code-lists", *mapped_tenancy({"type": "string", "enum": ["AST", "SEC", "X"]}, entry))
    assert [f.data["uncovered"] for f in one_more.findings if f.data["field"] == "/tenancy_type"] == [["X"]]


def test_code_lists_apply_the_transform_before_the_map() -> None:
    codes = tenancy_codes()
    spec, decl = mapped_tenancy({"type": "string", "enum": ["Y", "N", "maybe"]},
                                {"from": "/kind", "transform": "boolean", "values": {True: codes[0], False: codes[1]}})
    result = run("data.code-lists", spec, decl)
    assert result.status is Status.FAIL
    assert [f.data["uncovered"] for f in result.findings if f.data["field"] == "/tenancy_type"] == [["maybe"]]


def test_mapping_does_not_compare_types_of_converted_fields() -> None:
    """A boolean supplier field cannot hold the standard's code as it is, but a value map turns it into one."""
    codes = tenancy_codes()
    spec, plain = mapped_tenancy({"type": "boolean"}, "/kind")
    before = run("data.mapping.tenancy", spec, plain)
    assert any(f.data.get("field") == "/tenancy_type" and f.data.get("problem") == "incompatible" for f in before.findings)
    _, decl = mapped_tenancy({"type": "boolean"}, {"from": "/kind", "transform": "boolean", "values": {True: codes[0], False: codes[1]}})
    after = run("data.mapping.tenancy", spec, decl)
    assert not any(f.data.get("field") == "/tenancy_type" for f in after.findings), [f.message for f in after.findings]
    assert after.evidence[0].data["compatible"] == before.evidence[0].data["compatible"] + 1


def test_mapping_counts_a_constant_as_mapped_and_still_finds_an_undeclared_from() -> None:
    spec, decl = mapped_tenancy({"type": "string"}, {"constant": tenancy_codes()[0]})
    result = run("data.mapping.tenancy", spec, decl)
    assert not any(f.data.get("field") == "/tenancy_type" for f in result.findings)
    _, decl = mapped_tenancy({"type": "string"}, {"from": "/nowhere", "values": {"A": tenancy_codes()[0]}})
    result = run("data.mapping.tenancy", spec, decl)
    assert any(f.data.get("field") == "/tenancy_type" and f.data.get("problem") == "undeclared" for f in result.findings)


def test_declaration_valid_accepts_every_entry_form() -> None:
    codes = tenancy_codes()
    fields = {**TENANCY_FIELDS, "/tenancy_type": {"from": "/kind", "values": {"AST": codes[0]}}, "/start_date": {"from": "/dates/start", "transform": "date"},
              "/end_date": {"constant": None}, "/tenant_ids": {"from": "/people", "transform": "ids", "item": "/personId"}}
    decl = Declaration.from_dict({"entities": {"property": PROPERTY_DECL, "tenancy": {**TENANCY_DECL, "fields": fields}}})
    result = run("data.declaration-valid", make_spec(), decl)
    assert result.status is Status.PASS, [f.message for f in result.findings]
    only_constant = Declaration.from_dict({"entities": {"tenancy": {"collection": "listTenancies", "fields": {"/end_date": {"constant": None}}}}})
    assert run("data.declaration-valid", make_spec(), only_constant).status is Status.PASS


def test_declaration_valid_names_an_unknown_field_in_any_entry_form() -> None:
    fields = {"/colour": {"constant": "red"}, "/tenancy_typ": {"from": "/kind", "values": {"A": 1}}, "/nmae": {"from": ["/a", "/b"], "transform": "join"}}
    decl = Declaration.from_dict({"entities": {"tenancy": {"collection": "listTenancies", "fields": fields}}})
    result = run("data.declaration-valid", make_spec(), decl)
    messages = [f.message for f in result.findings]
    assert result.status is Status.FAIL and len(messages) == 3
    assert any("/tenancy_typ is not a field of the standard tenancy record; did you mean '/tenancy_type'?" in m for m in messages)
    assert {f.data["supplier_pointer"] for f in result.findings if isinstance(f.data["supplier_pointer"], str)} == {"/kind"}
