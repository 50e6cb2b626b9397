"""The bundled CORE lettings bulk-upload facts (standards/returns/core-lettings-bulk-upload-2026.json) against the CORE source.

Why: the returns check judges a council's CORE lettings log by these facts, so each must be CORE's own.
Two comparisons: values copied by hand from the source below (always run), and, when a mirror of the
CORE repository is on this machine, every cited path, line and quote read again from git (skipped otherwise).

Source: communitiesuk/submit-social-housing-lettings-and-sales-data at e46822ea6f4a954c0522541322c1a64c26ee8414:
- app/services/bulk_upload/lettings/year2026/csv_parser.rb line 6 (FIELDS = 147)
- app/services/bulk_upload/lettings/year2026/row_parser.rb lines 8-154 (QUESTIONS), 157-165 (RENT_TYPE_BU_MAPPING),
  1837-1846 (relationship_from_input_value)
- app/models/form/lettings/questions/tenancy_type.rb lines 13-40, needs_type.rb 11-14, period.rb 11-23, reasonpref.rb 11-16
- app/models/validations/tenancy_validations.rb lines 18-29 (min_tenancy_length = 2)
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from interopcheck.resources import standards_dir
from interopcheck.returns.core_rules import RULES
from interopcheck.returns.core_spec import available_years, load_core_spec
from interopcheck.standards import load_standards

DATA = standards_dir() / "returns" / "core-lettings-bulk-upload-2026.json"
DOC = json.loads(DATA.read_text(encoding="utf-8"))
COMMIT = "e46822ea6f4a954c0522541322c1a64c26ee8414"
MIRROR = Path(os.environ.get("CORE_MIRROR", "/work/.mirror/communitiesuk+submit-social-housing-lettings-and-sales-data/repo"))

# --- copied from the source by hand --------------------------------------------------------------------------------
QUESTIONS = {  # row_parser.rb QUESTIONS
    1: "Which organisation owns this property?",
    11: "What is the rent type?",
    13: "What is the tenant code?",
    38: "What is the type of tenancy?",
    40: "What is the length of the fixed-term tenancy to the nearest year?",
    147: "What do you expect the outstanding amount to be?",
}
TENANCY = [("4", "Assured Shorthold Tenancy (AST) – Fixed term"), ("6", "Secure – fixed term"), ("2", "Assured – lifetime"),
           ("7", "Secure – lifetime"), ("8", "Periodic"), ("5", "Licence agreement"), ("3", "Other")]
RENT_TYPE_BU = [("1", "Social Rent"), ("2", "Affordable Rent"), ("3", "London Affordable Rent"), ("4", "Rent to Buy"),
                ("5", "London Living Rent"), ("6", "Other intermediate rent product"),
                ("7", "Specified accommodation - exempt accommodation, managed properties, refuges and local authority hostels")]
NEEDS = [("1", "General needs"), ("2", "Supported housing")]
PARTNER_BU = [("1", "Yes"), ("2", "No"), ("3", "Tenant prefers not to say")]
REASONPREF = [("1", "Yes"), ("2", "No"), ("3", "Don’t know")]
PERIOD = [("2", "Every 2 weeks"), ("3", "Every 4 weeks"), ("4", "Every calendar month"), ("9", "Weekly for 46 weeks"),
          ("8", "Weekly for 47 weeks"), ("7", "Weekly for 48 weeks"), ("6", "Weekly for 49 weeks"), ("5", "Weekly for 50 weeks"),
          ("11", "Weekly for 51 weeks"), ("1", "Weekly for 52 weeks"), ("10", "Weekly for 53 weeks")]


def _options(field: int) -> list[tuple[str, str]]:
    return [(o.code, o.label) for o in load_core_spec(2026).column(field).options]


def test_the_layout_is_cores_2026_template() -> None:
    spec = load_core_spec(2026)
    assert spec.field_count == 147 == len(spec.columns)
    assert [c.field for c in spec.columns] == list(range(1, 148))
    assert {n: spec.column(n).question for n in QUESTIONS} == QUESTIONS
    assert spec.header_marker == "Field number" and spec.commit == COMMIT
    assert DOC["x-core"]["template"]["label_rows"][-1] == "Field number"
    assert spec.column(11).kind == "integer" and spec.column(142).kind == "decimal" and spec.column(41).kind == "string"


@pytest.mark.parametrize(("field", "expected"), [(38, TENANCY), (11, RENT_TYPE_BU), (4, NEEDS), (49, PARTNER_BU), (85, PARTNER_BU), (121, REASONPREF), (141, PERIOD)])
def test_answer_options_are_cores(field: int, expected: list[tuple[str, str]]) -> None:
    assert _options(field) == expected


def test_tenancy_options_agree_with_the_standards_code_list() -> None:
    """The return's tenancy answers are the tenancy-type code list's codes (one list for records and return)."""
    codes = [str(c.code) for c in load_standards(2026).codes("tenancy-type")]
    assert sorted(c for c, _ in _options(38)) == sorted(codes)


def test_tenancy_length_rules_carry_cores_ranges() -> None:
    rules = load_core_spec(2026).rules
    assert rules["tenancy-length-general-social"].param("min") == 2 and rules["tenancy-length-general-social"].param("max") == 99
    assert all(rules[r].param("min") == 1 for r in ("tenancy-length-supported-fixed", "tenancy-length-general-intermediate", "tenancy-length-periodic"))
    assert "tenancy_validations.rb lines 18-29" in rules["tenancy-length-general-social"].cite
    spec = load_core_spec(2026)
    assert spec.fixed_term == {4, 6} and spec.periodic == {8} and spec.social_or_affordable == {1, 2}
    assert spec.renttype_of_rent_type == {0: 1, 1: 2, 2: 2, 3: 3, 4: 3, 5: 3, 6: 4}


def test_every_rule_in_the_data_file_is_applied_and_no_other() -> None:
    assert set(load_core_spec(2026).rules) == set(RULES)


def test_an_unbundled_year_is_a_standards_error() -> None:
    from interopcheck.errors import StandardsError

    assert available_years() == (2026,)
    with pytest.raises(StandardsError, match="no CORE lettings bulk-upload specification is bundled for 2025/26"):
        load_core_spec(2025)


def test_the_schema_part_accepts_a_row_and_rejects_an_answer_outside_the_options() -> None:
    validator = load_standards(2026).validator("returns/core-lettings-bulk-upload-2026")
    assert validator.is_valid({"field_4": "1", "field_38": "8", "field_13": "TEN-1"})
    errors = validator.errors({"field_38": "9"})
    assert [e.pointer for e in errors] == ["/field_38"]


# --- read again from the CORE repository, when a mirror is here ------------------------------------------------------
needs_mirror = pytest.mark.skipif(not MIRROR.is_dir(), reason=f"no mirror of the CORE repository at {MIRROR} (set CORE_MIRROR)")


def _lines(path: str) -> list[str]:
    out = subprocess.run(["git", "show", f"{COMMIT}:{path}"], capture_output=True, text=True, check=True, env={**os.environ, "GIT_DIR": str(MIRROR)})
    return out.stdout.splitlines()


@needs_mirror
def test_every_cited_quote_is_on_its_line() -> None:
    facts = DOC["x-core"]
    sources = [r["source"] for r in facts["rules"]] + [r["also"] for r in facts["rules"] if "also" in r]
    sources += [v["source"] for v in facts["lettings_log"].values()]
    for source in sources:
        lines = _lines(source["path"])
        first, last = source["lines"]
        assert first <= source["quote_line"] <= last, source
        assert lines[source["quote_line"] - 1].strip() == source["quote"], source


@needs_mirror
def test_every_column_and_option_is_on_its_cited_line() -> None:
    facts = DOC["x-core"]
    rp = _lines(facts["columns"][0]["source"]["path"])
    for col in facts["columns"]:
        assert f'field_{col["field"]}: "{col["question"]}"' in rp[col["source"]["line"] - 1]
        assert f'attribute :field_{col["field"]}, :{col["type"]}' in rp[col["source"]["type_line"] - 1]
    for field, entry in facts["answer_options"].items():
        for option in entry["options"]:
            path = option.get("path") or entry["source"]["path"]
            line = _lines(path)[option["line"] - 1] + (_lines(path)[option["line"]] if option["line"] < len(_lines(path)) else "")
            code = option.get("log_code", option["code"])
            assert f'"{code}"' in line or f"[{code}" in line or "%w[0 1]" in line or "in: [1, 2]" in line, (field, option)
            if "%w[0 1]" not in line and "in: [1, 2]" not in line:
                assert option["label"] in line, (field, option)
