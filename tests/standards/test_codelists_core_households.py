"""CORE code lists for household members, the housing register and voids, checked against the CORE service source.

Why: household members, register applications and voids (issue 14) must carry what CORE records for a letting, code
for code and year for year, so a system can build its CORE lettings log from them without translation.

Source: communitiesuk/submit-social-housing-lettings-and-sales-data at commit e46822ea6f4a954c0522541322c1a64c26ee8414,
app/models/form/lettings/questions/:
- person_relationship.rb (answer_options; asked in 2023/24 and 2024/25) and person_partner.rb (answer_options; asked
  from 2025/26: app/models/form/lettings/subsections/household_characteristics.rb relationship_question)
- reasonpref.rb (ANSWER_OPTIONS), reasonable_preference_reason.rb (ANSWER_OPTIONS; the rp_* fields)
- letting_allocation.rb (answer_options: start_year_2024_or_later? branch and the earlier branch)
- rsnvac.rb (answer_options: start_year_2024_or_later? branch and the earlier branch) and rsnvac_first_let.rb
  (ANSWER_OPTIONS, the same rsnvac field for a first let)
Column types from db/schema.rb (lettings_logs): relat2..relat8 string; reasonpref, rsnvac and the checkbox fields integer.
"""

from __future__ import annotations

from typing import Any

import pytest

from interopcheck.standards import load_standards

REGISTRY = load_standards()
CORE_COMMIT = "e46822ea6f4a954c0522541322c1a64c26ee8414"
YEARS = (2023, 2024, 2025, 2026)

# --- answer options copied from the CORE source (code, label), in the source's order -------------------------------
RELATIONSHIP = [("P", "Partner"), ("C", "Child"), ("X", "Other"), ("R", "Person prefers not to say")]
PARTNER = [("P", "Yes"), ("X", "No"), ("R", "Tenant prefers not to say")]
REASONPREF = [(1, "Yes"), (2, "No"), (3, "Don’t know")]
RP_CATEGORIES = [
    ("rp_homeless", "They were homeless or about to lose their home (within 56 days)"),
    ("rp_insan_unsat", "They were living in unsanitary, overcrowded or unsatisfactory housing"),
    ("rp_medwel", "They needed to move due to medical and welfare reasons (including disability)"),
    ("rp_hardship", "They needed to move to avoid hardship to themselves or others"),
    ("rp_dontknow", "Don’t know"),
]
ALLOCATION_2024_ON = [
    ("cbl", "Choice-based lettings (CBL)"),
    ("cap", "Common Allocation Policy (CAP)"),
    ("chr", "Common housing register (CHR)"),
    ("accessible_register", "Accessible housing register"),
    ("letting_allocation_unknown", "None of these allocation systems"),
]
ALLOCATION_BEFORE_2024 = [
    ("cbl", "Choice-based lettings (CBL)"),
    ("cap", "Common Allocation Policy (CAP)"),
    ("chr", "Common housing register (CHR)"),
    ("letting_allocation_unknown", "None of these allocation systems"),
]
RSNVAC_FIRST_LET = [
    (16, "First let of conversion, rehabilitation or acquired property"),
    (17, "First let of leased property"),
    (15, "First let of new-build property"),
]
RSNVAC_2024_ON = [
    (14, "Renewal of fixed-term tenancy"),
    (9, "Re-let to tenant who occupied same property as temporary accommodation"),
    (13, "Internal transfer"),
    (12, "Tenant moved to other social housing provider"),
    (8, "Tenant moved to private sector or other accommodation"),
    (18, "Tenant moved to care home"),
    (20, "Tenant moved to long-stay hospital or similar institution"),
    (5, "Tenant died with no succession"),
    (19, "Tenant involved in a succession downsize"),
    (6, "Tenant abandoned property"),
    (10, "Tenant was evicted due to rent arrears"),
    (11, "Tenant was evicted due to anti-social behaviour"),
    (21, "Tenant was evicted due to both rent arrears and anti-social behaviour"),
    (22, "Any other reason"),
    *RSNVAC_FIRST_LET,
]
# 2023/24 as CORE listed it; code 5 then read "Previous tenant died with no succession" (the list keeps today's wording).
RSNVAC_2023 = [
    (13, "Internal transfer"),
    (5, "Tenant died with no succession"),
    (9, "Re-let to tenant who occupied same property as temporary accommodation"),
    (14, "Renewal of fixed-term tenancy"),
    (19, "Tenant involved in a succession downsize"),
    (8, "Tenant moved to private sector or other accommodation"),
    (12, "Tenant moved to other social housing provider"),
    (18, "Tenant moved to care home"),
    (20, "Tenant moved to long-stay hospital or similar institution"),
    (6, "Tenant abandoned property"),
    (10, "Tenant was evicted due to rent arrears"),
    (11, "Tenant was evicted due to anti-social behaviour"),
    *RSNVAC_FIRST_LET,
]

#: list name -> (JSON type, source file, {collection year: CORE's answer options that year})
EXPECTED: dict[str, tuple[str, str, dict[int, list[tuple[Any, str]]]]] = {
    "core-relationship": ("string", "person_relationship.rb", {2023: RELATIONSHIP, 2024: RELATIONSHIP, 2025: PARTNER, 2026: PARTNER}),
    "core-reasonable-preference": ("integer", "reasonpref.rb", dict.fromkeys(YEARS, REASONPREF)),
    "core-reasonable-preference-category": ("string", "reasonable_preference_reason.rb", dict.fromkeys(YEARS, RP_CATEGORIES)),
    "core-letting-allocation": (
        "string",
        "letting_allocation.rb",
        {2023: ALLOCATION_BEFORE_2024, 2024: ALLOCATION_2024_ON, 2025: ALLOCATION_2024_ON, 2026: ALLOCATION_2024_ON},
    ),
    "core-reason-for-vacancy": ("integer", "rsnvac.rb", {2023: RSNVAC_2023, 2024: RSNVAC_2024_ON, 2025: RSNVAC_2024_ON, 2026: RSNVAC_2024_ON}),
}
NAMES = sorted(EXPECTED)


def _codes(name: str) -> list[dict[str, Any]]:
    return REGISTRY.schema(f"codelists/{name}")["x-codes"]


def _valid_in(entry: dict[str, Any], year: int) -> bool:
    return entry.get("from", YEARS[0]) <= year <= entry.get("until", YEARS[-1])


def _label_in(entry: dict[str, Any], year: int) -> str:
    """The wording CORE uses for the code in `year`: the latest `label_from` at or before it, else `label`."""
    later = {int(y): text for y, text in (entry.get("label_from") or {}).items() if int(y) <= year}
    return later[max(later)] if later else entry["label"]


@pytest.mark.parametrize("name", NAMES)
def test_list_is_cited_to_the_core_file_and_commit(name: str) -> None:
    """The CORE column type, the question file and the pinned commit."""
    schema = REGISTRY.schema(f"codelists/{name}")
    source = schema["x-source"]
    assert schema["type"] == EXPECTED[name][0]
    assert source["repository"] == "communitiesuk/submit-social-housing-lettings-and-sales-data"
    assert source["path"] == "app/models/form/lettings/questions/" + EXPECTED[name][1]
    assert source["commit"] == CORE_COMMIT and CORE_COMMIT in source["url"]


@pytest.mark.parametrize("name", NAMES)
def test_enum_is_every_x_code_once(name: str) -> None:
    schema = REGISTRY.schema(f"codelists/{name}")
    codes = [entry["code"] for entry in schema["x-codes"]]
    assert schema["enum"] == codes and len(set(codes)) == len(codes)


@pytest.mark.parametrize(("name", "year"), [(n, y) for n in NAMES for y in YEARS])
def test_codes_and_labels_match_core_for_each_year(name: str, year: int) -> None:
    """The codes in use in a year, with that year's wording, are CORE's answer options for that year (order aside)."""
    got = {e["code"]: _label_in(e, year) for e in _codes(name) if _valid_in(e, year)}
    assert got == dict(EXPECTED[name][2][year])


@pytest.mark.parametrize("name", NAMES)
def test_order_follows_the_latest_source_list(name: str) -> None:
    """x-codes keep CORE's order: the newest year's list first, then codes withdrawn earlier."""
    latest = EXPECTED[name][2][YEARS[-1]]
    assert [e["code"] for e in _codes(name)][: len(latest)] == [code for code, _ in latest]


def test_relationship_child_ends_when_core_asks_only_about_partners() -> None:
    """From 2025/26 CORE asks "Is tenant N the partner of tenant 1?": C is no answer, X means not the partner."""
    codes = {e["code"]: e for e in _codes("core-relationship")}
    assert codes["C"].get("until") == 2024
    assert _label_in(codes["X"], 2024) == "Other" and _label_in(codes["X"], 2025) == "No"
    assert "person_partner.rb" in REGISTRY.schema("codelists/core-relationship")["x-source"]["also"][0]["path"]
    assert REGISTRY.validator("codelists/core-relationship").is_valid("C")


def test_letting_allocation_accessible_register_from_2024() -> None:
    codes = {e["code"]: e for e in _codes("core-letting-allocation")}
    assert codes["accessible_register"].get("from") == 2024
    assert not load_standards(2023).validator("codelists/core-letting-allocation").is_valid("accessible_register")
    assert load_standards(2024).validator("codelists/core-letting-allocation").is_valid("accessible_register")


def test_reason_for_vacancy_includes_first_lets_from_the_same_field() -> None:
    codes = {e["code"] for e in _codes("core-reason-for-vacancy")}
    assert {15, 16, 17} <= codes and {21, 22} <= codes
    assert "rsnvac_first_let.rb" in REGISTRY.schema("codelists/core-reason-for-vacancy")["x-source"]["also"][0]["path"]
