"""H-CLIC code lists against the categories MHCLG publishes in its statutory homelessness live tables.

Source read: MHCLG, Statutory homelessness detailed local authority-level tables, England, October to
December 2025 (sheet notes: "Latest update: 30 April 2026"), the ODS as published, kept in the public
repository MastodonC/witan.homelessness.benchmarking at commit 1c9c24bca478fb710da00890c313a8e1b85d4b0b,
path resources/homelessness-statistics/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods
(added in commit 6402470fd15b62a240635d6aa97329df345c1939). The labels below are copied from the second
header row of sheets A2P and A2R (columns G to BF), P1 (G to W), R1 (F to T) and MD1 (F to I), footnote
digits removed; A1's column headings give the "no duty owed" outcomes; TA1's visible column headings (row 6) give
the types of temporary accommodation (the same six headings as table TA9_TATYPE).

The files are read as JSON rather than through the registry, so that these facts are checked even while
another schema in the bundle fails to load. Each of the four faults a reviewer found in the previous lists
(reason for loss, duty end reasons, main duty decisions, stages) has its own test here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from interopcheck.resources import standards_dir

REASON_FOR_LOSS = (
    "End of private rented tenancy - assured shorthold",
    "End of private rented tenancy - not assured shorthold",
    "Family or friends no longer willing or able to accommodate",
    "Non-violent relationship breakdown with partner",
    "Domestic abuse",
    "Other violence or harrassment",
    "End of social rented tenancy",
    "Eviction from supported housing",
    "Left institution with no accommodation available",
    "Required to leave accommodation provided by Home Office as asylum support",
    "Home no longer suitable - disability / ill health",
    "Loss of placement or sponsorship provided through a resettlement scheme",
    "Other reasons / not known",
)
PREVENTION_END = (
    "Secured accommodation for 6+ months",
    "Homeless (including intentionally homeless)",
    "Refused suitable accommodation offer",
    "Refused to cooperate",
    "Contact lost",
    "Withdrew application / applicant deceased",
    "56 days elapsed and no further action",
    "No longer eligible",
    "Not known",
)
RELIEF_END = (
    "Secured accommodation for 6+ months",
    "56 days elapsed",
    "Local connection referral accepted by other LA",
    "Intentionally homeless from accommodation provided",
    "Refused final accommodation",
    "Notice served due to refusal to cooperate",
    "Contact lost",
    "Withdrew application / applicant deceased",
    "No longer eligible",
    "Not known",
)
MAIN_DUTY_DECISION = (
    "Homeless + priority need + unintentionally homeless (acceptance)",
    "Homeless + priority need + intentionally homeless",
    "Homeless + no priority need",
    "Not homeless",
)
#: TA1's accommodation type column headings (row 6, columns K, P, S, V, Y, AB; footnote 7 removed); issue 14.
TA_TYPE = (
    "Bed and breakfast hotels (including shared annexes)",
    "Nightly paid, privately managed accommodation, self-contained",
    "Hostels (including reception centres, emergency units and refuges)",
    "Private sector accommodation leased by your authority or leased or managed by a registered provider",
    "Local authority or Housing association (LA/HA) stock",
    "Any other type of temporary accommodation (including private landlord and not known)",
)
A1_NO_DUTY = (
    "Not threatened with homelessness within 56 days - no duty owed",
    "Withdrew application before assessment - no duty owed",
    "Not eligible / no longer eligible - no duty owed",
)
PUBLISHED = {
    "hclic-reason-for-loss": REASON_FOR_LOSS,
    "hclic-prevention-duty-end": PREVENTION_END,
    "hclic-relief-duty-end": RELIEF_END,
    "hclic-main-duty-decision": MAIN_DUTY_DECISION,
    "hclic-ta-type": TA_TYPE,
}
SOURCE_COMMIT = "1c9c24bca478fb710da00890c313a8e1b85d4b0b"
SOURCE_PATH = "resources/homelessness-statistics/Statutory_Homelessness_Detailed_Local_Authority_Data_202512.ods"


def _load(name: str) -> dict[str, Any]:
    """One bundled code list or return, parsed from standards/."""
    path = standards_dir() / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _codes(name: str) -> list[tuple[str, str]]:
    """(code, label) pairs of a code list in file order."""
    return [(c["code"], c["label"]) for c in _load(f"codelists/{name}")["x-codes"]]


def _key(label: str) -> str:
    """The mechanical key rule the files state in $comment."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_labels_are_the_published_categories_in_order(name: str) -> None:
    """Every label is a category the live table publishes, in the table's order, and nothing else."""
    assert tuple(label for _, label in _codes(name)) == PUBLISHED[name]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_codes_are_keys_derived_from_the_wording(name: str) -> None:
    """Codes follow the stated rule, so a supplier can derive them; the rule is written in the file."""
    schema = _load(f"codelists/{name}")
    assert [code for code, _ in _codes(name)] == [_key(label) for label in PUBLISHED[name]]
    assert "Code rule" in schema["$comment"]


@pytest.mark.parametrize("name", [*sorted(PUBLISHED), "homelessness-stage"])
def test_enum_matches_x_codes_and_source_is_recorded(name: str) -> None:
    """enum is exactly the x-codes codes; the source, its version and what is unverified are recorded."""
    schema = _load(f"codelists/{name}")
    codes = [code for code, _ in _codes(name)]
    assert schema["type"] == "string"
    assert schema["enum"] == codes
    assert len(set(codes)) == len(codes)
    source = schema["x-source"]
    assert source["commit"] == SOURCE_COMMIT
    assert source["path"] == SOURCE_PATH
    assert source["repository"] == "MastodonC/witan.homelessness.benchmarking"
    assert "October to December 2025" in source["version"]
    assert source["unverified"] and "value map" in source["unverified"]


def test_reason_for_loss_has_resettlement_and_no_unpublished_values() -> None:
    """Fault 1: the resettlement category was missing; fire/flood and disrepair are not published categories."""
    codes = dict(_codes("hclic-reason-for-loss"))
    assert codes["loss-of-placement-or-sponsorship-provided-through-a-resettlement-scheme"] == (
        "Loss of placement or sponsorship provided through a resettlement scheme"
    )
    assert "fire-flood-emergency" not in codes
    assert "property-disrepair" not in codes
    assert "A2P" in _load("codelists/hclic-reason-for-loss")["x-source"]["citation"]


def test_duty_end_reasons_cite_p1_and_r1_and_relief_has_all_outcomes() -> None:
    """Fault 2: end reasons live in P1 and R1 (not P3/R3); three relief outcomes were missing."""
    prevention = _load("codelists/hclic-prevention-duty-end")["x-source"]["citation"]
    relief = _load("codelists/hclic-relief-duty-end")["x-source"]["citation"]
    assert "table P1" in prevention and "P3" not in prevention
    assert "table R1" in relief and "R3" not in relief
    labels = {label for _, label in _codes("hclic-relief-duty-end")}
    assert {
        "Refused final accommodation",
        "Local connection referral accepted by other LA",
        "Notice served due to refusal to cooperate",
    } <= labels
    assert not (standards_dir() / "codelists" / "hclic-outcome.json").exists()


def test_main_duty_decisions_are_all_md1_categories() -> None:
    """Fault 3: not homeless, no priority need and intentionally homeless must be recordable, not only acceptance."""
    codes = [code for code, _ in _codes("hclic-main-duty-decision")]
    assert codes == [
        "homeless-priority-need-unintentionally-homeless-acceptance",
        "homeless-priority-need-intentionally-homeless",
        "homeless-no-priority-need",
        "not-homeless",
    ]


def test_ineligibility_is_recordable_where_mhclg_publishes_it() -> None:
    """MD1 counts eligible households only, so ineligibility is A1's no-duty outcome and P1/R1's "No longer eligible"."""
    decision = _load("codelists/hclic-main-duty-decision")
    assert "eligible" in decision["$comment"] and "ineligible" not in decision["enum"]
    assert "no-longer-eligible" in _load("codelists/hclic-prevention-duty-end")["enum"]
    assert "no-longer-eligible" in _load("codelists/hclic-relief-duty-end")["enum"]
    stage_citation = _load("codelists/homelessness-stage")["x-source"]["citation"]
    assert all(outcome in stage_citation for outcome in A1_NO_DUTY)


def test_stage_has_no_duty_owed() -> None:
    """Fault 4: a case assessed as owed no duty needs a stage; the list says it is our grouping."""
    schema = _load("codelists/homelessness-stage")
    assert schema["enum"] == ["prevention", "relief", "main-duty", "no-duty-owed"]
    assert dict(_codes("homelessness-stage"))["no-duty-owed"] == "No duty owed"
    assert schema["x-source"]["citation"].startswith("no national code list")


def test_h_clic_return_uses_the_new_lists() -> None:
    """The return refers to each list once and no longer to the removed hclic-outcome list."""
    text = (standards_dir() / "returns" / "h-clic.json").read_text(encoding="utf-8")
    ret = json.loads(text)
    props = ret["properties"]
    assert props["stage"] == {"$ref": "../codelists/homelessness-stage.json"}
    assert props["reason_for_loss_of_settled_home"] == {"$ref": "../codelists/hclic-reason-for-loss.json"}
    for field, name in (
        ("prevention_duty_end_reason", "hclic-prevention-duty-end"),
        ("relief_duty_end_reason", "hclic-relief-duty-end"),
        ("main_duty_decision", "hclic-main-duty-decision"),
    ):
        assert props[field] == {"anyOf": [{"$ref": f"../codelists/{name}.json"}, {"type": "null"}]}
    assert "hclic-outcome" not in text and "duty_end_reason" not in props
    assert ret["x-source"]["commit"] == SOURCE_COMMIT


def test_ta_type_is_types_of_accommodation_only() -> None:
    """TA1's out-of-area and "no accommodation secured" columns are not accommodation types (issue 14)."""
    schema = _load("codelists/hclic-ta-type")
    assert "in-ta-in-another-local-authority-district" not in schema["enum"]
    assert "duty-owed-no-accommodation-secured" not in schema["enum"]
    assert "TA1" in schema["x-source"]["citation"] and "out_of_borough_gss_code" in schema["$comment"]
