"""CORE-derived code lists and the UPRN / postcode types, checked against values copied from the CORE service source.

Why: the housing standard must accept what CORE (MHCLG's lettings log) records, code for code and year for year,
so each list here is compared with CORE's own answer options, one collection year at a time.

Source: communitiesuk/submit-social-housing-lettings-and-sales-data at commit e46822ea6f4a954c0522541322c1a64c26ee8414
(2026-08-05), answer options in app/models/form/lettings/questions/:
- tenancy_type.rb (answer_options: start_year_2024_or_later? branch and the earlier branch)
- rent_type.rb (ANSWER_OPTIONS, ANSWER_OPTIONS_2025 when start_year_2025_or_later?)
- unittype_gn.rb, period.rb, builtype.rb (ANSWER_OPTIONS; builtype's page is not shown from 2026/27:
  app/models/form/lettings/subsections/property_information.rb line 18)
- reason.rb (QUESTIONS_FROM_YEAR 2026, 2025, 2024); the 2023/24 list from the same path at the parent of commit
  8ce222dcaad88720ab88146d993f72b46a44dc71 ("CLDC-3151 Update reason for leaving for 24/25").
UPRN: app/models/validations/property_validations.rb line 39 (/^[0-9]{1,12}$/) and its spec
spec/models/validations/property_validations_spec.rb lines 183-210. Postcode: config/initializers/postcode_regex.rb
(POSTCODE_REGEXP, flag /i) and spec/models/validations/local_authority_validations_spec.rb lines 16-36.
"""

from __future__ import annotations

import re

import pytest

from interopcheck.standards import load_standards

REGISTRY = load_standards()
CORE_COMMIT = "e46822ea6f4a954c0522541322c1a64c26ee8414"
YEARS = (2023, 2024, 2025, 2026)  # collection years (start year) the CORE source at CORE_COMMIT covers

# --- answer options copied from the CORE source (code, label), in the source's order -------------------------------
TENANCY_2024_ON = [
    (4, "Assured Shorthold Tenancy (AST) – Fixed term"),
    (6, "Secure – fixed term"),
    (2, "Assured – lifetime"),
    (7, "Secure – lifetime"),
    (8, "Periodic"),
    (5, "Licence agreement"),
    (3, "Other"),
]
TENANCY_BEFORE_2024 = [
    (4, "Assured Shorthold Tenancy (AST) – Fixed term"),
    (6, "Secure – fixed term"),
    (2, "Assured – lifetime"),
    (7, "Secure – lifetime"),
    (5, "Licence agreement"),
    (3, "Other"),
]
RENT_TYPE = [
    (0, "Social Rent"),
    (1, "Affordable Rent"),
    (2, "London Affordable Rent"),
    (3, "Rent to Buy"),
    (4, "London Living Rent"),
    (5, "Other intermediate rent product"),
]
RENT_TYPE_2025 = [
    (0, "Social Rent"),
    (1, "Affordable Rent"),
    (2, "London Affordable Rent"),
    (3, "Rent to Buy"),
    (4, "London Living Rent"),
    (5, "Other intermediate rent product"),
    (6, "Specified accommodation - exempt accommodation, managed properties, refuges and local authority hostels"),
]
UNITTYPE_GN = [
    (2, "Bedsit"),
    (8, "Bungalow"),
    (1, "Flat or maisonette"),
    (7, "House"),
    (10, "Shared bungalow"),
    (4, "Shared flat or maisonette"),
    (9, "Shared house"),
    (6, "Other"),
]
PERIOD = [
    (2, "Every 2 weeks"),
    (3, "Every 4 weeks"),
    (4, "Every calendar month"),
    (9, "Weekly for 46 weeks"),
    (8, "Weekly for 47 weeks"),
    (7, "Weekly for 48 weeks"),
    (6, "Weekly for 49 weeks"),
    (5, "Weekly for 50 weeks"),
    (11, "Weekly for 51 weeks"),
    (1, "Weekly for 52 weeks"),
    (10, "Weekly for 53 weeks"),
]
BUILTYPE = [
    (2, "Converted from previous residential or non-residential property"),
    (1, "Purpose-built"),
]
REASON_2026 = [
    (50, "End of social or private sector tenancy - no fault"),
    (51, "End of social or private sector tenancy - evicted due to anti-social behaviour (ASB)"),
    (52, "End of social or private sector tenancy - evicted due to rent arrears"),
    (53, "End of social or private sector tenancy - evicted for any other reason"),
    (1, "Permanently decanted from another property owned by this landlord"),
    (2, "Left home country as a refugee"),
    (45, "Discharged from prison"),
    (46, "Discharged from long-stay hospital or similar institution"),
    (4, "Loss of tied accommodation"),
    (55, "Leaving foster care or children's home"),
    (9, "Asked to leave by family or friends"),
    (8, "Relationship breakdown (non-violent) with partner"),
    (44, "Death of household member in last settled accommodation"),
    (16, "To move nearer to family, friends or school"),
    (17, "To move nearer to work"),
    (48, "Domestic abuse - previously joint tenancy with partner"),
    (49, "Domestic abuse - other"),
    (56, "Non-domestic violence (e.g. gang violence)"),
    (57, "Cuckooing (property being used by others for illegal activity)"),
    (10, "Racial harassment"),
    (31, "Hate crime"),
    (11, "Other problems with neighbours"),
    (34, "Repossession"),
    (54, "Could no longer afford rent or mortgage"),
    (12, "Property unsuitable because of overcrowding"),
    (13, "Property unsuitable because of ill health or disability"),
    (14, "Property unsuitable because of poor condition"),
    (29, "Under occupation (offered incentive to downsize)"),
    (30, "Under occupation (no incentive)"),
    (18, "To move to accommodation with support"),
    (19, "To move to independent accommodation"),
    (47, "Tenant prefers not to say"),
    (20, "Other"),
    (28, "Don’t know"),
]
REASON_2025 = [
    (50, "End of social or private sector tenancy - no fault"),
    (51, "End of social or private sector tenancy - evicted due to anti-social behaviour (ASB)"),
    (52, "End of social or private sector tenancy - evicted due to rent arrears"),
    (53, "End of social or private sector tenancy - evicted for any other reason"),
    (1, "Permanently decanted from another property owned by this landlord"),
    (2, "Left home country as a refugee"),
    (45, "Discharged from prison"),
    (46, "Discharged from long-stay hospital or similar institution"),
    (4, "Loss of tied accommodation"),
    (55, "Leaving foster care or children's home"),
    (9, "Asked to leave by family or friends"),
    (8, "Relationship breakdown (non-violent) with partner"),
    (44, "Death of household member in last settled accommodation"),
    (16, "To move nearer to family, friends or school"),
    (17, "To move nearer to work"),
    (48, "Domestic abuse - previously joint tenancy with partner"),
    (49, "Domestic abuse - other"),
    (10, "Racial harassment"),
    (31, "Hate crime"),
    (11, "Other problems with neighbours"),
    (34, "Repossession"),
    (54, "Could no longer afford rent or mortgage"),
    (12, "Property unsuitable because of overcrowding"),
    (13, "Property unsuitable because of ill health or disability"),
    (14, "Property unsuitable because of poor condition"),
    (29, "Under occupation (offered incentive to downsize)"),
    (30, "Under occupation (no incentive)"),
    (18, "To move to accommodation with support"),
    (19, "To move to independent accommodation"),
    (47, "Tenant prefers not to say"),
    (20, "Other"),
    (28, "Don’t know"),
]
REASON_2024 = [
    (50, "End of social or private sector tenancy - no fault"),
    (51, "End of social or private sector tenancy - evicted due to anti-social behaviour (ASB)"),
    (52, "End of social or private sector tenancy - evicted due to rent arrears"),
    (53, "End of social or private sector tenancy - evicted for any other reason"),
    (1, "Permanently decanted from another property owned by this landlord"),
    (2, "Left home country as a refugee"),
    (45, "Discharged from prison"),
    (46, "Discharged from long-stay hospital or similar institution"),
    (4, "Loss of tied accommodation"),
    (9, "Asked to leave by family or friends"),
    (8, "Relationship breakdown (non-violent) with partner"),
    (44, "Death of household member in last settled accommodation"),
    (16, "To move nearer to family, friends or school"),
    (17, "To move nearer to work"),
    (48, "Domestic abuse - previously joint tenancy with partner"),
    (49, "Domestic abuse - other"),
    (10, "Racial harassment"),
    (31, "Hate crime"),
    (11, "Other problems with neighbours"),
    (34, "Repossession"),
    (54, "Could no longer afford rent or mortgage"),
    (12, "Property unsuitable because of overcrowding"),
    (13, "Property unsuitable because of ill health or disability"),
    (14, "Property unsuitable because of poor condition"),
    (29, "Under occupation (offered incentive to downsize)"),
    (30, "Under occupation (no incentive)"),
    (18, "To move to accommodation with support"),
    (19, "To move to independent accommodation"),
    (20, "Other"),
    (47, "Tenant prefers not to say"),
    (28, "Don’t know"),
]
REASON_2023 = [
    (40, "End of assured shorthold tenancy (no fault)"),
    (41, "End of assured shorthold tenancy (eviction or tenant at fault)"),
    (42, "End of fixed term tenancy (no fault)"),
    (43, "End of fixed term tenancy (eviction or tenant at fault)"),
    (1, "Permanently decanted from another property owned by this landlord"),
    (46, "Discharged from long-stay hospital or similar institution"),
    (45, "Discharged from prison"),
    (2, "Left home country as a refugee"),
    (4, "Loss of tied accommodation"),
    (9, "Asked to leave by family or friends"),
    (44, "Death of household member in last settled accommodation"),
    (8, "Relationship breakdown (non-violent) with partner"),
    (16, "To move nearer to family, friends or school"),
    (17, "To move nearer to work"),
    (48, "Domestic abuse - previously joint tenancy with partner"),
    (49, "Domestic abuse - other"),
    (31, "Hate crime"),
    (10, "Racial harassment"),
    (11, "Other problems with neighbours"),
    (35, "Couldn’t afford fees attached to renewing the tenancy"),
    (36, "Couldn’t afford increase in rent"),
    (38, "Couldn’t afford rent or mortgage (employment)"),
    (37, "Couldn’t afford rent or mortgage (welfare reforms)"),
    (39, "Couldn’t afford rent or mortgage (other)"),
    (34, "Repossession"),
    (12, "Property unsuitable because of overcrowding"),
    (13, "Property unsuitable because of ill health or disability"),
    (14, "Property unsuitable because of poor condition"),
    (18, "To move to accommodation with support"),
    (19, "To move to independent accommodation"),
    (30, "Under occupation (no incentive)"),
    (29, "Under occupation (offered incentive to downsize)"),
    (20, "Other"),
    (47, "Tenant prefers not to say"),
    (28, "Don’t know"),
]

#: list name -> (source path, {collection year: CORE's answer options that year})
EXPECTED: dict[str, tuple[str, dict[int, list[tuple[int, str]]]]] = {
    "tenancy-type": ("tenancy_type.rb", {2023: TENANCY_BEFORE_2024, 2024: TENANCY_2024_ON, 2025: TENANCY_2024_ON, 2026: TENANCY_2024_ON}),
    "core-rent-type": ("rent_type.rb", {2023: RENT_TYPE, 2024: RENT_TYPE, 2025: RENT_TYPE_2025, 2026: RENT_TYPE_2025}),
    "property-type": ("unittype_gn.rb", dict.fromkeys(YEARS, UNITTYPE_GN)),
    "core-rent-period": ("period.rb", dict.fromkeys(YEARS, PERIOD)),
    "core-building-type": ("builtype.rb", {2023: BUILTYPE, 2024: BUILTYPE, 2025: BUILTYPE, 2026: []}),
    "core-reason-for-leaving": ("reason.rb", {2023: REASON_2023, 2024: REASON_2024, 2025: REASON_2025, 2026: REASON_2026}),
}
NAMES = sorted(EXPECTED)


def _codes(name: str) -> list[dict]:
    return REGISTRY.schema(f"codelists/{name}")["x-codes"]


def _valid_in(entry: dict, year: int) -> bool:
    """Whether a code is in use in collection `year`, by its inclusive from / until."""
    return entry.get("from", YEARS[0]) <= year <= entry.get("until", YEARS[-1])


@pytest.mark.parametrize("name", NAMES)
def test_list_has_core_integer_codes_cited_to_the_commit(name: str) -> None:
    """Integer codes (CORE stores these answers in integer columns), cited to the CORE source file and commit."""
    schema = REGISTRY.schema(f"codelists/{name}")
    source = schema["x-source"]
    assert schema["type"] == "integer"
    assert source["repository"] == "communitiesuk/submit-social-housing-lettings-and-sales-data"
    assert source["path"] == "app/models/form/lettings/questions/" + EXPECTED[name][0]
    assert source["commit"] == CORE_COMMIT and CORE_COMMIT in source["url"]


@pytest.mark.parametrize("name", NAMES)
def test_enum_is_every_x_code_once(name: str) -> None:
    """`enum` holds exactly the codes of `x-codes`, in the same order, each once."""
    schema = REGISTRY.schema(f"codelists/{name}")
    codes = [entry["code"] for entry in schema["x-codes"]]
    assert schema["enum"] == codes
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("name", NAMES)
def test_years_are_collection_years(name: str) -> None:
    """Every from / until is a collection start year in 2021..2030, and from <= until."""
    for entry in _codes(name):
        start, end = entry.get("from", 2021), entry.get("until", 2030)
        assert isinstance(start, int) and isinstance(end, int)
        assert 2021 <= start <= end <= 2030, entry


@pytest.mark.parametrize(("name", "year"), [(n, y) for n in NAMES for y in YEARS])
def test_codes_and_labels_match_core_for_each_year(name: str, year: int) -> None:
    """The codes in use in a year, with their labels, are CORE's answer options for that year (order aside)."""
    expected = dict(EXPECTED[name][1][year])
    got = {entry["code"]: entry["label"] for entry in _codes(name) if _valid_in(entry, year)}
    assert got == expected


@pytest.mark.parametrize("name", NAMES)
def test_order_follows_the_latest_source_list(name: str) -> None:
    """x-codes keep CORE's order: the newest year's list first, then codes withdrawn earlier."""
    by_year = EXPECTED[name][1]
    latest = next(by_year[y] for y in reversed(YEARS) if by_year[y])
    assert [e["code"] for e in _codes(name)][: len(latest)] == [code for code, _ in latest]


def test_issue_13_core_faults_are_fixed() -> None:
    """Issue 13: rent type 6 from 2025/26; reasons 55 from 2025/26, 56 and 57 from 2026/27; 50-53 current wording."""
    rent = {e["code"]: e for e in _codes("core-rent-type")}
    assert rent[6].get("from") == 2025
    reason = {e["code"]: e for e in _codes("core-reason-for-leaving")}
    assert reason[55].get("from") == 2025 and reason[56].get("from") == 2026 and reason[57].get("from") == 2026
    for code in (50, 51, 52, 53):
        assert reason[code]["label"].startswith("End of social or private sector tenancy - ")
    assert reason[28]["label"] == "Don’t know" and reason[47]["label"] == "Tenant prefers not to say"
    tenancy = {e["code"]: e for e in _codes("tenancy-type")}
    assert tenancy[8] == {"code": 8, "label": "Periodic", "from": 2024}


# --- UPRN -----------------------------------------------------------------------------------------------------------

UPRN_VALID = [
    "123456789012",  # CORE spec: within the limit and only numeric
    "000000199356",  # zero-padded to 12 digits
    "1",
    100023336956,  # integer form still accepted
]
UPRN_INVALID = [
    "123abc",  # CORE spec: alphanumeric
    "1234567890123",  # CORE spec: over the length limit
    "000100023336956",  # padded past 12 digits: CORE's /^[0-9]{1,12}$/ refuses it
    "000000000000",  # zeros only: no property once normalised
    "",
    0,
    1.5,
]


@pytest.mark.parametrize("value", UPRN_VALID, ids=repr)
def test_uprn_accepts_what_core_accepts(value: object) -> None:
    """1-12 digits, leading zeros allowed in the string form."""
    assert REGISTRY.validator("common/uprn").is_valid(value)


@pytest.mark.parametrize("value", UPRN_INVALID, ids=repr)
def test_uprn_refuses_what_core_refuses(value: object) -> None:
    """Letters, more than 12 digits, and values that name no property are refused."""
    assert not REGISTRY.validator("common/uprn").is_valid(value)


def test_uprn_string_form_is_cores_pattern_and_says_how_to_normalise() -> None:
    """The string form is CORE's /^[0-9]{1,12}$/; consumers are told to strip leading zeros."""
    schema = REGISTRY.schema("common/uprn")
    assert schema["$defs"]["uprn-string"]["pattern"] == "^[0-9]{1,12}$"
    assert schema["x-normalise"] == "strip-leading-zeros"
    assert "strip" in schema["$comment"] and "property_validations.rb" in schema["$comment"]


# --- postcode -------------------------------------------------------------------------------------------------------

#: CORE's POSTCODE_REGEXP (config/initializers/postcode_regex.rb at CORE_COMMIT), a Ruby regex with the /i flag.
CORE_POSTCODE_REGEXP = (
    r"^(([A-Z]{1,2}[0-9][A-Z0-9]?|ASCN|STHL|TDCU|BBND|[BFS]IQQ|PCRN|TKCA) ?[0-9][A-Z]{2}|BFPO ?[0-9]{1,4}|"
    r"(KY[0-9]|MSR|VG|AI)[ -]?[0-9]{4}|[A-Z]{2} ?[0-9]{2}|GE ?CX|GIR ?0A{2}|SAN ?TA1)$"
)
POSTCODE_VALID = [
    "M1 1AE",  # CORE spec: uppercase with space
    "m11ae",  # CORE spec: lowercase without space
    "sw1a 1aa",
    "SW1A 1AA",
    "EC1A1BB",
    "BFPO 1234",
    "bfpo1",
    "GIR 0AA",
    "KY1-1234",
    "ASCN 1ZZ",
    "siqq 1zz",
]
POSTCODE_INVALID = [
    "invalid",  # CORE spec
    "SW1A",
    "SW1A  1AA",
    "BFPO 12345",
    "1AA SW1A",
    "",
]


@pytest.mark.parametrize("value", POSTCODE_VALID)
def test_postcode_accepts_what_core_accepts(value: str) -> None:
    """Lower case, no space, BFPO and overseas-territory codes are valid, as in CORE."""
    assert re.match(CORE_POSTCODE_REGEXP, value, re.IGNORECASE)
    assert REGISTRY.validator("common/postcode").is_valid(value)


@pytest.mark.parametrize("value", POSTCODE_INVALID)
def test_postcode_refuses_what_core_refuses(value: str) -> None:
    """What CORE's pattern refuses, the standard refuses."""
    assert not re.match(CORE_POSTCODE_REGEXP, value, re.IGNORECASE)
    assert not REGISTRY.validator("common/postcode").is_valid(value)


def test_postcode_pattern_is_cores_without_the_flag() -> None:
    """Folding case in the JSON pattern's letters gives back CORE's pattern; normalisation is stated."""
    schema = REGISTRY.schema("common/postcode")
    folded = re.sub(r"\[([A-Z])([a-z])\]", lambda m: m.group(1) if m.group(1).lower() == m.group(2) else m.group(0), schema["pattern"])
    folded = folded.replace("A-Za-z", "A-Z").replace("[BFSbfs]", "[BFS]")
    assert folded == CORE_POSTCODE_REGEXP
    assert schema["x-normalise"] == "upper-case, single space before the inward code"
    assert schema["x-source"]["path"] == "config/initializers/postcode_regex.rb"
