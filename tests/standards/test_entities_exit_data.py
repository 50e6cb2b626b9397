"""The entities a borough needs back at exit (issue 14): their fields, code lists and references agree with the contract.

Why: the sandbox, the export checks and the statutory returns read these schemas and `interopcheck.entities`; a
reference to a field the schema does not have, or a change event that cannot name a new entity, would pass silently.
"""

from __future__ import annotations

import pytest

from interopcheck.entities import ENTITIES, REFERENCES
from interopcheck.standards import load_standards

REGISTRY = load_standards()
NEW = ("document", "household-member", "ta-placement", "register-application", "void", "compliance-certificate", "complaint", "change-event")

#: entity -> {field: code list}, as docs/CONTRACTS.md names them
CODED = {
    "document": {"document_type": "document-type"},
    "household-member": {"relationship": "core-relationship"},
    "ta-placement": {"accommodation_type": "hclic-ta-type", "cost_period": "ta-cost-period"},
    "register-application": {
        "status": "register-application-status",
        "reasonable_preference": "core-reasonable-preference",
        "reasonable_preference_categories": "core-reasonable-preference-category",
        "allocation_routes": "core-letting-allocation",
    },
    "void": {"reason_for_vacancy": "core-reason-for-vacancy"},
    "compliance-certificate": {"certificate_type": "compliance-certificate-type", "status": "certificate-status"},
    "complaint": {"stage": "complaint-stage"},
}


def test_new_entities_are_appended_in_contract_order() -> None:
    assert ENTITIES[-len(NEW) :] == NEW
    assert REGISTRY.entities == ENTITIES


@pytest.mark.parametrize(("entity", "field", "codelist"), [(e, f, c) for e, m in CODED.items() for f, c in m.items()])
def test_coded_fields_use_their_code_list(entity: str, field: str, codelist: str) -> None:
    """The field's allowed values are exactly the code list's (arrays: each item's)."""
    spec = REGISTRY.fields(entity)[f"/{field}"]
    enum = spec.items.enum if spec.items is not None and spec.enum is None else spec.enum
    assert enum is not None
    assert set(enum) - {None} == set(REGISTRY.schema(f"codelists/{codelist}")["enum"])


def test_every_reference_names_a_field_of_its_entity() -> None:
    """Each new entity's references point at properties its schema has (`name[].key`: the items' key)."""
    for ref in (r for r in REFERENCES if r.entity in NEW):
        name, _, key = ref.field.partition("[].")
        props = REGISTRY.schema(ref.entity)["properties"]
        assert name.removesuffix("[]") in props, ref
        if key:
            assert key in props[name]["items"]["properties"], ref
        assert ref.target in ENTITIES


def test_change_event_can_name_every_entity_and_has_no_reference() -> None:
    """record_id is not a checked reference: the record may have been deleted."""
    assert REGISTRY.schema("change-event")["properties"]["entity"]["enum"] == list(ENTITIES)
    assert not [r for r in REFERENCES if r.entity == "change-event"]


def test_only_the_lead_tenant_has_no_relationship() -> None:
    """CORE asks relat2..relat8 of persons 2 to 8; the lead tenant (person 1) has none."""
    validator = REGISTRY.validator("household-member")
    base = {"id": "HHM-1", "updated_at": "2026-11-01T09:30:00Z", "person_id": "PER-1", "tenancy_id": "TEN-1", "contract_holder": True}
    assert validator.is_valid({**base, "lead_tenant": True, "relationship": None})
    assert not validator.is_valid({**base, "lead_tenant": False, "relationship": None})
    assert validator.is_valid({**base, "lead_tenant": False, "relationship": "X"})


def test_void_dates_are_cores() -> None:
    """void_date and major_repairs_date are CORE's voiddate and mrcdate, cited to the form questions."""
    schema = REGISTRY.schema("void")
    cited = [schema["x-source"]["path"], *(a["path"] for a in schema["x-source"]["also"])]
    assert "app/models/form/lettings/questions/voiddate.rb" in cited
    assert "app/models/form/lettings/questions/mrcdate.rb" in cited
    assert schema["properties"]["void_date"]["$comment"] == "CORE voiddate"
