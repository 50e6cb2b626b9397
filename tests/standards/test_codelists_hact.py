"""HACT code lists and the Reference shape, checked against values copied from their sources.

Why: these lists must carry the national (HACT / OSCRE UK Housing Data Standards v3.3) codes exactly as
the HACT schemas type them, so that a supplier following HACT passes; each expected value below was
copied by hand from the source, never from the file under test.

Sources (repository LBHackney-IT/repairs-api-dotnet, commit e96c2c17339daa3e7913d2ffa36191191593c188):
- WorkPriorityCode codes: HactGenerator/json/RaiseRepair-M3SoR-v7.json, definitions.WorkPriorityCode
  ("enum": ["1","2","3","4","5"]); labels: RepairsApi/V2/Enums/WorkPriorityCode.cs
  ([Description("Immediate")] Immediate = 1 ... [Description("Inspection")] Inspection = 5).
- JobStatusUpdateTypeCode codes: HactGenerator/json/JobStatusUpdate-M3SoR-v7.json, definitions.JobStatusUpdateTypeCode;
  labels: the /// <summary> comments of RepairsApi/V2/Generated/WorkOrderComplete-M3SoR-v7-deduplicated.cs,
  "// Denied Access" in RepairsApi/V2/UseCase/CompleteWorkOrderUseCase.cs, and (80, 100-20) the comments of
  LBHackney-IT/repairs-hub-frontend src/utils/hact/jobStatusUpdate/{variation,authorisation}.js at
  ad1ba506316af291e0e7c0a719d07b85e03f1b7c; codes without a label in any source read are None.
- PersonAlertTypeCode codes: HactGenerator/json/RaiseRepair-M3SoR-v7.json, definitions.PersonAlertTypeCode; names:
  robchamberspfc/data-standards helpers/input/technical-guidance-for-person-alert-codes at
  64942f79a2dabf34a6733d0cb376779ae0927bd3 (the HACT v3.5 table, same 16 codes).
- Reference: definitions.Reference of every HactGenerator/json/*.json ("required": ["ID"]).
- Repair status event mapping: RepairsApi/V2/UseCase/CompleteWorkOrderUseCase.cs (70 -> WorkStatusCode.NoAccess),
  RepairsApi/V2/UseCase/JobStatusUpdatesUseCases/JobIncompleteStrategy.cs (120 -> Hold).
"""

from __future__ import annotations

from typing import Any

import pytest

from interopcheck.standards import load_standards

REGISTRY = load_standards()

PRIORITY = [("1", "Immediate"), ("2", "Emergency"), ("3", "Urgent"), ("4", "Normal"), ("5", "Inspection")]

JOB_STATUS_UPDATE = [
    ("0", "Other"),
    ("10", "Operatives assigned"),
    ("20", None),
    ("30", None),
    ("40", None),
    ("50", None),
    ("60", None),
    ("70", "Denied Access"),
    ("80", "More specific SOR codes identified"),
    ("90", None),
    ("100", None),
    ("100-10", "Variation acknowledged by contractor, workorder set to in progress"),
    ("100-20", "Additional work approved"),
    ("110", None),
    ("120", "Job Incomplete"),
    ("120-10", None),
    ("120-20", "Job incomplete - need materials"),
    ("120-30", None),
    ("120-40", None),
    ("120-50", None),
]

PERSON_ALERT = [
    ("0", "Other - please contact for details"),
    ("1", "Other - see comments"),
    ("10", "Don’t visit alone"),
    ("10-10", "Anti-social Behaviour"),
    ("20", "Disability or vulnerability"),
    ("20-10", "Hearing difficulties"),
    ("20-20", "Impaired vision"),
    ("20-30", "Illness"),
    ("20-40", "Physical support"),
    ("20-50", "Wheelchair"),
    ("20-60", "Elderly"),
    ("20-70", "Safeguarding alert"),
    ("30", "Regularly misses appointments"),
    ("40", "Language support"),
    ("50", "Operative gender"),
    ("60", "Capacity"),
]

LISTS = {
    "codelists/repair-priority": PRIORITY,
    "codelists/hact-job-status-update-type": JOB_STATUS_UPDATE,
    "codelists/hact-person-alert-type": PERSON_ALERT,
}
ALL_CODES = [(name, code, label) for name, codes in LISTS.items() for code, label in codes]


def _schema(name: str) -> dict[str, Any]:
    return REGISTRY.schema(name)


@pytest.mark.parametrize("name", list(LISTS))
def test_codes_in_source_order_and_enum_matches(name: str) -> None:
    """The list holds exactly the source's codes, as strings, in its order; enum is the codes of x-codes."""
    schema = _schema(name)
    assert schema["type"] == "string"
    assert [entry["code"] for entry in schema["x-codes"]] == [code for code, _ in LISTS[name]]
    assert schema["enum"] == [entry["code"] for entry in schema["x-codes"]]


@pytest.mark.parametrize(("name", "code", "label"), ALL_CODES, ids=lambda v: str(v))
def test_label_as_the_source_words_it(name: str, code: str, label: str | None) -> None:
    """Each code's label is the source's wording (None where no source read names the code)."""
    labels = {entry["code"]: entry["label"] for entry in _schema(name)["x-codes"]}
    assert labels[code] == label


@pytest.mark.parametrize(("name", "code", "label"), ALL_CODES, ids=lambda v: str(v))
def test_code_validates_as_string_not_number(name: str, code: str, label: str | None) -> None:
    """A record carrying the HACT string code passes; the same code as a number does not."""
    validator = REGISTRY.validator(name)
    assert validator.is_valid(code)
    if code.isdigit():
        assert not validator.is_valid(int(code))


@pytest.mark.parametrize("name", list(LISTS))
def test_cites_hact_v3_3_at_a_commit(name: str) -> None:
    """Source, version and commit are recorded for tools."""
    source = _schema(name)["x-source"]
    assert source["repository"] == "LBHackney-IT/repairs-api-dotnet"
    assert source["commit"] == "e96c2c17339daa3e7913d2ffa36191191593c188"
    assert "v3.3" in source["version"]
    assert source["commit"] in source["url"] and source["path"] in source["url"]


def test_job_status_labels_left_open_are_declared_unverified() -> None:
    """Codes without a label are named in x-source.unverified, so nobody mistakes a gap for a label."""
    schema = _schema("codelists/hact-job-status-update-type")
    unlabelled = [entry["code"] for entry in schema["x-codes"] if entry["label"] is None]
    assert unlabelled and all(code in schema["x-source"]["unverified"] for code in unlabelled)
    assert set(schema["x-label-sources"]) == {entry["code"] for entry in schema["x-codes"]} - set(unlabelled)


def test_repair_status_is_ours_and_has_no_access() -> None:
    """The status list says it is not national and can record that the operative was denied access."""
    schema = _schema("codelists/repair-status")
    assert schema["x-source"]["citation"].startswith("no national code list; statuses derived from HACT JobStatusUpdateTypeCode events")
    assert schema["enum"] == [entry["code"] for entry in schema["x-codes"]]
    assert "no-access" in schema["enum"]
    assert REGISTRY.validator("codelists/repair-status").is_valid("no-access")


def test_repair_status_events_are_hact_event_codes() -> None:
    """x-events covers every status, and every event it names is a JobStatusUpdateTypeCode."""
    schema = _schema("codelists/repair-status")
    events = schema["x-events"]
    hact = set(_schema("codelists/hact-job-status-update-type")["enum"])
    assert set(events) == set(schema["enum"])
    assert all(event["code"] in hact for mapped in events.values() for event in mapped)


@pytest.mark.parametrize(("status", "code"), [("no-access", "70"), ("on-hold", "120"), ("on-hold", "120-20")])
def test_repair_status_event_mapping_follows_the_source(status: str, code: str) -> None:
    """Denied Access (70) leads to no-access; Job Incomplete (120, 120-20) to on-hold, as Hackney applies them."""
    events = _schema("codelists/repair-status")["x-events"]
    assert code in [event["code"] for event in events[status]]
    descriptions = {entry["code"]: entry["description"] for entry in _schema("codelists/repair-status")["x-codes"]}
    assert code in descriptions[status]


@pytest.mark.parametrize(
    ("record", "valid"),
    [({"id": "X"}, True), ({"id": "X", "description": "bar code", "assigned_by": "Hackney"}, True), ({}, False), ({"assigned_by": "Hackney"}, False)],
)
def test_identifier_reference_requires_only_the_id(record: dict[str, str], valid: bool) -> None:
    """HACT Reference requires ID only; Description and AllocatedBy are optional."""
    assert REGISTRY.validator("common/identifier-reference").is_valid(record) is valid
    assert _schema("common/identifier-reference")["required"] == ["id"]
