"""The issue-14 entities in the sandbox's data: plausible and consistent with the records they derive from.

Household members are the people of real tenancies and homelessness cases, voids end on the let date of a
tenancy of that property, every property has a gas safety record and a fire risk assessment, complaints are
timed by the Housing Ombudsman's Complaint Handling Code, and change events match their records.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from interopcheck.entities import ENTITIES
from interopcheck.sandbox.codelists import codelist, labelled
from interopcheck.sandbox.fields import FIELDS
from interopcheck.sandbox.generate import entity_counts, iter_records
from interopcheck.sandbox.records_exit import AS_OF

EXIT = ("document", "household-member", "ta-placement", "register-application", "void", "compliance-certificate", "complaint", "change-event")
N = 300


def _by_id(entity: str) -> dict[str, dict]:
    return {r["id"]: r for r in iter_records(entity, records=N, seed=1)}


def _working_days(first: date, last: date) -> int:
    """Working days (Monday to Friday) after `first` up to and including `last`."""
    return sum(1 for k in range(1, (last - first).days + 1) if (first + timedelta(days=k)).weekday() < 5)


def test_the_exit_entities_are_standard_entities_with_records() -> None:
    assert set(EXIT) <= set(ENTITIES) and set(EXIT) <= set(FIELDS)
    counts = entity_counts(N)
    for entity in EXIT:
        made = sum(1 for _ in iter_records(entity, records=N, seed=1))
        assert 0 < made <= counts[entity], entity
    assert counts["compliance-certificate"] >= 2 * counts["property"]


def test_household_members_are_the_people_of_their_tenancy_or_case() -> None:
    tenancies, cases = _by_id("tenancy"), _by_id("homelessness-case")
    members = list(iter_records("household-member", records=N, seed=1))
    assert any(m["tenancy_id"] for m in members) and any(m["homelessness_case_id"] for m in members)
    recent = {t["id"]: t for t in tenancies.values() if t["start_date"] >= "2023-04-01"}
    for tenancy_id, tenancy in recent.items():  # every letting since April 2023 has all its people (a CORE log's hhmemb)
        people = [m["person_id"] for m in members if m["tenancy_id"] == tenancy_id]
        assert sorted(people) == sorted(tenancy["tenant_ids"] + tenancy["household_member_ids"]), tenancy_id
    for m in members:
        assert (m["tenancy_id"] is None) != (m["homelessness_case_id"] is None)
        assert m["relationship"] is None if m["lead_tenant"] else m["relationship"] in codelist("core-relationship")
        if m["tenancy_id"]:
            tenancy = tenancies[m["tenancy_id"]]
            assert m["person_id"] in tenancy["tenant_ids"] + tenancy["household_member_ids"]
            assert m["lead_tenant"] == (m["person_id"] == tenancy["tenant_ids"][0])
            assert m["contract_holder"] == (m["person_id"] in tenancy["tenant_ids"])
            assert m["end_date"] == tenancy["end_date"]
        else:
            case = cases[m["homelessness_case_id"]]
            assert m["person_id"] in [case["applicant_id"], *case["household_member_ids"]]
            assert m["lead_tenant"] == (m["person_id"] == case["applicant_id"]) and not m["contract_holder"]


def test_voids_precede_the_let_of_a_tenancy_of_that_property() -> None:
    tenancies, properties = _by_id("tenancy"), _by_id("property")
    voids = list(iter_records("void", records=N, seed=1))
    recent = {t["id"] for t in tenancies.values() if t["start_date"] >= "2023-04-01"}
    assert recent and recent == {v["tenancy_id"] for v in voids if v["tenancy_id"]}  # every letting since April 2023 has its void
    assert any(v["tenancy_id"] for v in voids) and any(v["tenancy_id"] is None for v in voids)
    for v in voids:
        assert v["reason_for_vacancy"] in codelist("core-reason-for-vacancy")
        if v["tenancy_id"]:
            tenancy = tenancies[v["tenancy_id"]]
            assert v["property_id"] == tenancy["property_id"] and v["let_date"] == tenancy["start_date"] == v["void_end_date"]
            assert v["void_date"] < v["let_date"]
            assert v["major_repairs_date"] is None or v["void_date"] <= v["major_repairs_date"] < v["let_date"]
        else:  # still void: the property says so, and no tenancy holds it
            prop = properties[v["property_id"]]
            assert prop["occupancy_status"] == "void" and prop["void_date"] == v["void_date"] and v["let_date"] is None
            held = [t for t in tenancies.values() if t["property_id"] == v["property_id"]]
            assert all(t["end_date"] and t["end_date"] <= v["void_date"] for t in held), held


def test_every_property_has_a_gas_safety_record_and_a_fire_risk_assessment_most_valid() -> None:
    certificates = list(iter_records("compliance-certificate", records=N, seed=1))
    latest: dict[tuple[str, str], dict] = {}
    for c in certificates:
        assert c["certificate_type"] in codelist("compliance-certificate-type") and c["status"] in codelist("certificate-status")
        assert c["expiry_date"] is None or c["issued_date"] < c["expiry_date"]
        if c["status"] == "expired":
            assert c["expiry_date"] < AS_OF.isoformat()
        elif c["expiry_date"]:
            assert c["expiry_date"] >= AS_OF.isoformat(), c
        key = (c["property_id"], c["certificate_type"])
        if key not in latest or latest[key]["issued_date"] < c["issued_date"]:
            latest[key] = c
    properties = _by_id("property")
    for kind in ("gas-safety", "fire-risk-assessment"):
        current = [latest[(p, kind)] for p in properties]  # KeyError: a property without one
        valid = sum(c["status"] == "valid" for c in current)
        assert 0.85 * len(current) < valid < len(current), kind  # most valid, a few expired
    assert len(certificates) > 2 * len(properties)  # earlier ones and other kinds too


def test_complaints_follow_the_complaint_handling_codes_timescales() -> None:
    complaints = list(iter_records("complaint", records=2000, seed=1))
    assert {c["stage"] for c in complaints} == {"stage-1", "stage-2"}
    assert {c["within_timescale"] for c in complaints} == {True, False, None}
    tenancies = {r["id"]: r for r in iter_records("tenancy", records=2000, seed=1)}
    for c in complaints:
        received, due = date.fromisoformat(c["received_date"]), date.fromisoformat(c["response_due_date"])
        if c["acknowledged_date"]:
            acknowledged = date.fromisoformat(c["acknowledged_date"])
            assert _working_days(received, acknowledged) <= 5 or acknowledged == received
            assert _working_days(acknowledged, due) == {"stage-1": 10, "stage-2": 20}[c["stage"]]
        if c["response_date"] is None:
            assert c["within_timescale"] is None
        else:
            assert c["within_timescale"] == (c["response_date"] <= c["response_due_date"])
            assert c["response_date"] < AS_OF.isoformat() and c["updated_at"][:10] == c["response_date"]
        tenancy = tenancies[c["tenancy_id"]]
        assert c["complainant_id"] in tenancy["tenant_ids"] and c["property_id"] == tenancy["property_id"]


def test_documents_have_a_media_type_a_size_and_a_content_url() -> None:
    documents = list(iter_records("document", records=N, seed=1))
    assert {d["media_type"] for d in documents} == {"application/pdf", "image/jpeg", "text/plain"}
    for d in documents:
        assert d["download_url"] == f"/v1/documents/{d['id']}/content"
        assert isinstance(d["byte_count"], int) and d["byte_count"] > 0
        assert (d["media_type"] == "text/plain") == (d["document_type"] == "case-note")
        assert d["created_at"] <= d["updated_at"]
        assert any(d[k] for k in ("person_id", "tenancy_id", "property_id", "asb_case_id", "homelessness_case_id"))


def test_ta_placements_start_with_a_relief_or_main_duty_and_are_costed_by_type() -> None:
    cases = {r["id"]: r for r in iter_records("homelessness-case", records=2000, seed=1)}
    let = {t["property_id"] for t in iter_records("tenancy", records=2000, seed=1)}
    labels = {c.code: c.label.lower() for c in labelled("hclic-ta-type")}
    for p in iter_records("ta-placement", records=2000, seed=1):
        duties = [d for d in cases[p["homelessness_case_id"]]["duties"] if d["duty"] in ("relief", "main-duty")]
        assert duties and p["start_date"] >= duties[0]["start_date"]
        assert (p["cost_period"] == "night") == any(w in labels[p["accommodation_type"]] for w in ("bed and breakfast", "nightly"))
        assert (p["property_id"] is not None) == ("stock" in labels[p["accommodation_type"]])
        assert p["property_id"] not in let  # own stock used as temporary accommodation is not let to a tenant
        assert p["out_of_borough_gss_code"] != p["placing_authority_gss_code"]


def test_register_applications_bids_and_offers_agree() -> None:
    applications = list(iter_records("register-application", records=1000, seed=1))
    assert any(a["offers"] for a in applications)
    for a in applications:
        assert bool(a["reasonable_preference_categories"]) <= (a["reasonable_preference"] == 1)
        assert "rp_dontknow" not in a["reasonable_preference_categories"]
        bid_properties = {b["property_id"] for b in a["bids"]}
        assert all(o["property_id"] in bid_properties for o in a["offers"])
        assert all(b["bid_date"] >= a["application_date"] for b in a["bids"])
        if a["status"] == "housed" and a["bids"]:
            assert [o["outcome"] for o in a["offers"]] == ["accepted"]


@pytest.mark.parametrize("entity", ["property", "tenancy", "repair", "compliance-certificate"])
def test_change_events_create_then_update_their_records(entity: str) -> None:
    records = _by_id(entity)
    events = [e for e in iter_records("change-event", records=N, seed=1) if e["entity"] == entity]
    assert events and [e["action"] for e in events[:2]] == ["create", "update"]
    for create, update in zip(events[::2], events[1::2], strict=True):
        assert create["record_id"] == update["record_id"] and create["changed_at"] < update["changed_at"]
        assert update["changed_at"] == records[update["record_id"]]["updated_at"]
        assert update["field"].lstrip("/") in {f.name for f in FIELDS[entity]} and create["field"] is None


def test_documents_point_at_records_of_the_entity_each_link_names() -> None:
    prefixes = {"person_id": "PER-", "tenancy_id": "TEN-", "property_id": "PRP-", "asb_case_id": "ASB-", "homelessness_case_id": "HML-"}
    for d in iter_records("document", records=N, seed=1):
        assert all(d[k] is None or d[k].startswith(p) for k, p in prefixes.items()), d


def test_a_code_the_builders_rely_on_must_be_in_the_standard() -> None:
    """The sandbox never invents a code nor falls back to another: a code its logic names must be in the list."""
    from interopcheck.errors import StandardsError
    from interopcheck.sandbox.records_exit import _named

    assert _named("complaint-stage", "stage-2") == "stage-2"
    with pytest.raises(StandardsError, match="stage-3"):
        _named("complaint-stage", "stage-3")
