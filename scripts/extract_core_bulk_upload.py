"""Write standards/returns/core-lettings-bulk-upload-YYYY.json from the CORE service's source (a git mirror).

Why: the CORE lettings bulk-upload columns, their answer options and the validation rules the
returns check applies are facts of MHCLG's service; this script reads them from the source at one
commit (line by line, so every fact carries its path and line) instead of copying them by hand.

Usage: python scripts/extract_core_bulk_upload.py GIT_DIR [COMMIT] > standards/returns/core-lettings-bulk-upload-2026.json
(GIT_DIR: a clone or bare mirror of communitiesuk/submit-social-housing-lettings-and-sales-data.)
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from typing import Any

REPO = "communitiesuk/submit-social-housing-lettings-and-sales-data"
COMMIT = "e46822ea6f4a954c0522541322c1a64c26ee8414"
YEAR = 2026
RP = f"app/services/bulk_upload/lettings/year{YEAR}/row_parser.rb"
CSVP = f"app/services/bulk_upload/lettings/year{YEAR}/csv_parser.rb"
TEMPLATE = f"spec/fixtures/files/{YEAR}_{(YEAR + 1) % 100}_lettings_bulk_upload.csv"
Q = "app/models/form/lettings/questions/"


class Source:
    """Files of the CORE repository at one commit, read through git."""

    def __init__(self, git_dir: str, commit: str) -> None:
        self.git_dir, self.commit, self.cache = git_dir, commit, {}

    def lines(self, path: str) -> list[str]:
        """The file's lines (1-based access through index - 1)."""
        if path not in self.cache:
            out = subprocess.run(["git", "show", f"{self.commit}:{path}"], capture_output=True, text=True, check=True, env={**os.environ, "GIT_DIR": self.git_dir})
            self.cache[path] = out.stdout.splitlines()
        return self.cache[path]

    def find(self, path: str, needle: str, start: int = 1) -> int:
        """The 1-based number of the first line at or after `start` containing `needle` (a needle of leading
        spaces then `end` or `}` must be the whole line: the end of a method or hash at that indentation)."""
        exact = needle.startswith(" ") and needle.strip() in ("end", "}", "}.freeze")
        for n, line in enumerate(self.lines(path)[start - 1 :], start):
            if (line.rstrip() == needle) if exact else (needle in line):
                return n
        raise SystemExit(f"{path}: {needle!r} not found after line {start}")

    def block_end(self, path: str, start: int, closer: str) -> int:
        """The first line after `start` that, stripped, starts with `closer` (the end of a hash or method)."""
        for n, line in enumerate(self.lines(path)[start:], start + 1):
            if line.strip().startswith(closer):
                return n
        raise SystemExit(f"{path}: no {closer!r} after line {start}")


_OPTION = re.compile(r'"([^"]+)" => \{(?: "value" => "([^"]*)")?')
_VALUE = re.compile(r'^\s*"value" => "([^"]*)"')


def options(src: Source, path: str, first: int, last: int) -> list[dict[str, Any]]:
    """Answer options `"CODE" => { "value" => "LABEL" ... }` between two lines (the divider left out)."""
    found: list[dict[str, Any]] = []
    lines = src.lines(path)
    for n in range(first, last + 1):
        for m in _OPTION.finditer(lines[n - 1]):  # one option a line, or several on one line
            if m[1] in ("divider", "value"):
                continue
            label = m[2]
            if label is None:  # the value on the next line
                label = _VALUE.match(lines[n])[1]  # type: ignore[index]
            found.append({"code": m[1], "label": label, "line": n})
    return found


def columns(src: Source) -> list[dict[str, Any]]:
    """Every bulk-upload column: its field number, question (row parser QUESTIONS), type, and the template's rows."""
    rp = src.lines(RP)
    types = {}
    for n, line in enumerate(rp, 1):
        if m := re.match(r"^\s*attribute :field_(\d+), :(\w+)", line):
            types[int(m[1])] = (m[2], n)
    text = "\n".join(src.lines(TEMPLATE)).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    by_label = {r[0]: r for r in rows if r}
    numbers = by_label["Field number"]
    cols = []
    first, last = src.find(RP, "QUESTIONS = {"), src.find(RP, "}.freeze", src.find(RP, "QUESTIONS = {"))
    for n, line in enumerate(rp[first:last], first + 1):
        if m := re.match(r'^\s*field_(\d+): "(.*)",$', line):
            field = int(m[1])
            idx = numbers.index(str(field))
            cols.append({
                "field": field,
                "name": f"field_{field}",
                "question": m[2],
                "type": types[field][0],
                "template_values": by_label["Values"][idx].strip(),
                "can_be_empty": by_label["Can be empty?"][idx].strip(),
                "source": {"path": RP, "line": n, "type_line": types[field][1]},
            })
    return cols


def lines_of(src: Source, path: str, start_needle: str, closer: str) -> tuple[int, int]:
    """The first and last line of the block starting at `start_needle`."""
    first = src.find(path, start_needle)
    return first, src.block_end(path, first, closer)


def answer_options(src: Source) -> dict[str, Any]:
    """The coded columns a housing system fills: their bulk-upload codes and labels, with the source lines."""
    out: dict[str, Any] = {}

    def direct(fields: list[int], attribute: str, path: str, needle: str, closer: str = "}") -> None:
        first, last = lines_of(src, Q + path, needle, closer)
        for f in fields:
            out[str(f)] = {"attribute": attribute, "source": {"path": Q + path, "lines": [first, last]}, "options": options(src, Q + path, first, last)}

    def mapped(fields: list[int], attribute: str, opts: list[dict[str, Any]], qsource: dict[str, Any], mapping: dict[str, str], mfirst: int, mlast: int) -> None:
        by_log = {o["code"]: o for o in opts}
        coded = [{"code": bu, "label": by_log[log]["label"], "log_code": log, "line": by_log[log]["line"]} for bu, log in mapping.items()]
        for f in fields:
            out[str(f)] = {"attribute": attribute, "source": qsource, "options": coded, "bulk_upload_mapping": {"path": RP, "lines": [mfirst, mlast]}}

    direct([4], "needstype", "needs_type.rb", "ANSWER_OPTIONS = {")
    # renewal: the row parser maps 1 -> 1 (Yes), 2 -> 0 (No)
    rf, rl = lines_of(src, Q + "renewal.rb", "ANSWER_OPTIONS = {", "}")
    mf = src.find(RP, "def renewal")
    ml = src.find(RP, "  end", mf)
    mapped([7], "renewal", options(src, Q + "renewal.rb", rf, rl), {"path": Q + "renewal.rb", "lines": [rf, rl]}, {"1": "1", "2": "0"}, mf, ml)
    # rent type: RENT_TYPE_BU_MAPPING 1..7 -> 0..6 (ANSWER_OPTIONS_2025 from 2025/26 on)
    qf, ql = lines_of(src, Q + "rent_type.rb", "ANSWER_OPTIONS_2025 = {", "}")
    mf, ml = lines_of(src, RP, "RENT_TYPE_BU_MAPPING = {", "}")
    bu = {m[1]: m[2] for line in src.lines(RP)[mf : ml - 1] if (m := re.match(r"^\s*(\d+) => (\d+),", line))}
    mapped([11], "rent_type", options(src, Q + "rent_type.rb", qf, ql), {"path": Q + "rent_type.rb", "lines": [qf, ql]}, bu, mf, ml)
    # reason for vacancy: the 2024-on branch of rsnvac.rb, and the first-let options (rsnvac_first_let.rb)
    first = src.find(Q + "rsnvac.rb", "if form.start_year_2024_or_later?")
    last = src.find(Q + "rsnvac.rb", "else", first)
    ff, fl = lines_of(src, Q + "rsnvac_first_let.rb", "ANSWER_OPTIONS = {", "}")
    out["16"] = {
        "attribute": "rsnvac",
        "source": {"path": Q + "rsnvac.rb", "lines": [first, last], "also": {"path": Q + "rsnvac_first_let.rb", "lines": [ff, fl]}},
        "options": options(src, Q + "rsnvac.rb", first, last) + [dict(o, path=Q + "rsnvac_first_let.rb") for o in options(src, Q + "rsnvac_first_let.rb", ff, fl)],
    }
    direct([26], "unittype_gn", "unittype_gn.rb", "ANSWER_OPTIONS = {")
    direct([27], "wchair", "wheelchair.rb", "ANSWER_OPTIONS = {")
    direct([36], "joint", "joint.rb", "ANSWER_OPTIONS = {")
    direct([37], "startertenancy", "startertenancy.rb", "ANSWER_OPTIONS = {", "QUESTION_NUMBER")
    first = src.find(Q + "tenancy_type.rb", "if form.start_year_2024_or_later?")
    last = src.find(Q + "tenancy_type.rb", "else", first)
    out["38"] = {"attribute": "tenancy", "source": {"path": Q + "tenancy_type.rb", "lines": [first, last]}, "options": options(src, Q + "tenancy_type.rb", first, last)}
    # partner of the lead tenant: the row parser maps 1 -> P, 2 -> X, 3 -> R
    pf, pl = lines_of(src, Q + "person_partner.rb", "def answer_options", "end")
    mf = src.find(RP, "def relationship_from_input_value")
    ml = src.find(RP, "  end", mf)
    mapped([49, 55, 61, 67, 73, 79, 85], "relat2..relat8", options(src, Q + "person_partner.rb", pf, pl), {"path": Q + "person_partner.rb", "lines": [pf, pl]}, {"1": "P", "2": "X", "3": "R"}, mf, ml)
    first = src.find(Q + "reason.rb", f"{YEAR} => {{")
    last = src.find(Q + "reason.rb", "}.freeze", first)
    out["113"] = {"attribute": "reason", "source": {"path": Q + "reason.rb", "lines": [first, last]}, "options": options(src, Q + "reason.rb", first, last)}
    direct([121], "reasonpref", "reasonpref.rb", "ANSWER_OPTIONS = {")
    # reasonable preference reasons: the row parser accepts 0 or 1 (validate_reasonpref_reason_values)
    vf = src.find(RP, "def validate_reasonpref_reason_values")
    vl = src.find(RP, "  end", vf)
    rf, rl = lines_of(src, Q + "reasonable_preference_reason.rb", "ANSWER_OPTIONS = {", "}")
    reasons = options(src, Q + "reasonable_preference_reason.rb", rf, rl)
    for field, reason in zip((122, 123, 124, 125, 126), reasons):
        out[str(field)] = {
            "attribute": reason["code"], "label": reason["label"],
            "source": {"path": RP, "lines": [vf, vl]},
            "options": [{"code": "0", "label": "Not selected", "line": src.find(RP, "valid_reasonpref_reason_options = %w[0 1]")},
                        {"code": "1", "label": "Selected", "line": src.find(RP, "valid_reasonpref_reason_options = %w[0 1]")}],
        }
    # letting allocation: presence and inclusion in [1, 2] (validates :field_127 .. :field_130); cbl etc. map 1 -> 1, 2 -> 0
    for field, attr in ((127, "cbl"), (128, "cap"), (129, "chr"), (130, "accessible_register")):
        first = src.find(RP, f"validates :field_{field},")
        last = src.find(RP, "on: :after_log", first)
        inc = src.find(RP, "in: [1, 2],", first)
        out[str(field)] = {"attribute": attr, "source": {"path": RP, "lines": [first, last]},
                           "options": [{"code": "1", "label": "Yes", "line": inc}, {"code": "2", "label": "No", "line": inc}]}
    direct([141], "period", "period.rb", "ANSWER_OPTIONS = {")
    return dict(sorted(out.items(), key=lambda kv: int(kv[0])))


def cite(src: Source, path: str, needle: str, closer: str = "end", *, quote: str | None = None) -> dict[str, Any]:
    """A citation of the block starting at `needle`, with a verbatim quote (the line holding `quote`, else the first line)."""
    first = src.find(path, needle)
    last = src.find(path, closer, first + 1) if closer else first
    qline = src.find(path, quote, first) if quote else first
    return {"path": path, "lines": [first, last], "quote_line": qline, "quote": src.lines(path)[qline - 1].strip()}


def rules(src: Source) -> list[dict[str, Any]]:
    """The CORE validation rules the returns check applies to each row, each with its source."""
    tv = "app/models/validations/tenancy_validations.rb"
    dv = "app/models/validations/date_validations.rb"
    return [
        {"id": "answer-option", "fields": "every column in answer_options", "description": "A coded answer must be one of the question's answer options (an answer outside them is an invalid option).",
         "source": cite(src, RP, "def validate_valid_radio_option", "  end", quote="question.answer_options.key?")},
        {"id": "numeric-type", "fields": "integer and decimal columns", "description": "A value in an integer or decimal column must be a number (otherwise CORE drops it as invalid).",
         "source": cite(src, CSVP, "def value_is_valid_for_field?", "  end", quote="Integer(value, exception: false)")},
        {"id": "start-date-in-year", "fields": [8, 9, 10], "description": "The tenancy start date must fall in the return's collection year (1 April to 31 March).",
         "source": cite(src, "app/helpers/collection_time_helper.rb", "def collection_start_year_for_date", "  end", quote="date < window_end_date"),
         "also": cite(src, CSVP, "def wrong_template_for_year?", "  end", quote="collection_start_year_for_date(first_record_start_date) != FORM_YEAR")},
        {"id": "year-digits", "fields": [10], "description": "The year of the tenancy start date must be written with two or four digits.",
         "source": cite(src, RP, "validates :field_10,", "on: :after_log", quote=r"with: /\A(\d{2}|\d{4})\z/")},
        {"id": "start-date-present", "fields": [8, 9, 10], "description": "The tenancy start date (day, month, year) must be given.",
         "source": cite(src, RP, "validates :field_8,", "on: :after_log", quote="presence: {")},
        {"id": "age-format", "fields": [41, 48, 54, 60, 66, 72, 78, 84], "description": "An age is one to three digits, or R (prefers not to say).",
         "source": cite(src, RP, "validates :field_41, format:", "", quote="validates :field_41, format:")},
        {"id": "allocation-answered", "fields": [127, 128, 129, 130], "description": "Each of the four letting allocation questions must be answered.",
         "source": cite(src, RP, "validates :field_127,", "on: :after_log", quote="presence: {")},
        {"id": "tenancy-length-supported-fixed", "fields": [4, 38, 40], "params": {"min": 1, "max": 99}, "description": "A fixed-term tenancy (4, 6) in supported housing has a length of 1 to 99 years.",
         "source": cite(src, tv, "def validate_supported_housing_fixed_tenancy_length", "  end", quote="between?(min_tenancy_length, 99)")},
        {"id": "tenancy-length-general-social", "fields": [4, 11, 38, 40], "params": {"min": 2, "max": 99}, "description": "A fixed-term general needs tenancy at Social or Affordable Rent (renttype 1 or 2) has a length of 2 to 99 years.",
         "source": cite(src, tv, "def validate_general_needs_fixed_tenancy_length_affordable_social_rent", "  end", quote="min_tenancy_length = 2")},
        {"id": "tenancy-length-general-intermediate", "fields": [4, 11, 38, 40], "params": {"min": 1, "max": 99}, "description": "A fixed-term general needs tenancy at any other rent type has a length of 1 to 99 years.",
         "source": cite(src, tv, "def validate_general_needs_fixed_tenancy_length_intermediate_rent", "  end", quote="between?(min_tenancy_length, 99)")},
        {"id": "tenancy-length-periodic", "fields": [38, 40], "params": {"min": 1, "max": 99}, "description": "A periodic tenancy (8) with a length has a length of 1 to 99 years.",
         "source": cite(src, tv, "def validate_periodic_tenancy_length", "  end", quote="between?(min_tenancy_length, 99)")},
        {"id": "tenancy-length-not-required", "fields": [38, 40], "description": "Only fixed-term (4, 6) and periodic (8) tenancies have a length.",
         "source": cite(src, tv, "def validate_tenancy_length_blank_when_not_required", "  end", quote="return if record.tenancy_type_fixed_term? || record.is_periodic_tenancy?")},
        {"id": "joint-tenancy-household", "fields": [36], "description": "A joint tenancy needs more than one person in the household.",
         "source": cite(src, tv, "def validate_joint_tenancy", "  end", quote="record.hhmemb == 1 && record.joint == 1")},
        {"id": "void-date-before-start", "fields": [29, 30, 31], "description": "The void date is not after the tenancy start date, not more than 20 years before it, and not after the major repairs date.",
         "source": cite(src, dv, "def validate_property_void_date", "  end", quote='record["startdate"].to_date < record["voiddate"].to_date')},
        {"id": "major-repairs-date", "fields": [32, 33, 34], "description": "The major repairs date is not after the tenancy start date, not more than 20 years before it, and not given for a first let (rsnvac 15, 16, 17).",
         "source": cite(src, dv, "def validate_property_major_repairs", "  end", quote='record["startdate"] < record["mrcdate"]')},
        {"id": "charges-all-given", "fields": [142, 143, 144, 145], "description": "When one of basic rent, service charge, personal service charge and support charge is given, all four are.",
         "source": cite(src, RP, "def validate_all_charges_given", "  end", quote="blank_charge_fields.each do |field, charge|")},
        {"id": "reasonable-preference-reason", "fields": [121, 122, 123, 124, 125, 126], "description": "A household given reasonable preference (1) has at least one reason; Don't know is not given with another reason.",
         "source": cite(src, RP, "def validate_reasonable_preference_homeless", "  end", quote="field_121 == 1 && reason_fields.all?"),
         "also": cite(src, RP, "def rp_dontknow_conflict?", "  end", quote="return true if selected_reasons.any? && dont_know_selected")},
    ]


def lettings_log_helpers(src: Source) -> dict[str, Any]:
    """The LettingsLog predicates the tenancy length rules read, and the rent type -> renttype map."""
    ll = "app/models/lettings_log.rb"
    dv = "app/models/derived_variables/lettings_log_variables.rb"
    return {
        "fixed_term_tenancy": {"codes": [4, 6], "source": cite(src, ll, "def tenancy_type_fixed_term?", "  end", quote="[4, 6].include? tenancy")},
        "periodic_tenancy": {"codes": [8], "source": cite(src, ll, "def is_periodic_tenancy?", "  end", quote="tenancy == 8")},
        "general_needs": {"codes": [1], "source": cite(src, ll, "def is_general_needs?", "  end", quote="needstype == 1")},
        "supported_housing": {"codes": [2], "source": cite(src, ll, "def is_supported_housing?", "  end", quote="needstype == 2")},
        "affordable_or_social_renttype": {"codes": [1, 2], "source": cite(src, ll, "def affordable_or_social_rent?", "  end", quote="[1, 2].include?(renttype)")},
        "renttype_of_rent_type": {
            "map": {m[1]: int(m[2]) for line in src.lines(dv)[: src.find(dv, "}.freeze")] if (m := re.match(r"^\s*(\d) => (\d), # ", line))},
            "source": cite(src, dv, "RENT_TYPE_MAPPING = {", "}.freeze", quote="0 => 1,"),
        },
    }


def _property(column: dict[str, Any], opts: dict[str, Any]) -> dict[str, Any]:
    """The schema of one column's cell: its answer codes, else its number format, else any text."""
    if str(column["field"]) in opts:
        return {"type": "string", "enum": [o["code"] for o in opts[str(column["field"])]["options"]]}
    if column["type"] == "integer":
        return {"type": "string", "pattern": "^[+-]?[0-9]+$"}
    if column["type"] == "decimal":
        return {"type": "string", "pattern": "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)$"}
    return {"type": "string"}


def main() -> None:
    git_dir = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) > 2 else COMMIT
    src = Source(git_dir, commit)
    fields = int(re.search(r"FIELDS = (\d+)", "\n".join(src.lines(CSVP)))[1])  # type: ignore[index]
    cols = columns(src)
    opts = answer_options(src)
    facts = {
        "collection_year": YEAR,
        "collection_year_label": f"{YEAR}/{(YEAR + 1) % 100}",
        "field_count": fields,
        "field_count_source": {"path": CSVP, "line": src.find(CSVP, "FIELDS = ")},
        "template": {
            "path": TEMPLATE,
            "header_marker": "Field number",
            "header_marker_source": cite(src, CSVP, "def with_headers?", "  end", quote="field number/i"),
            "first_column_is_label": True,
            "label_column_source": cite(src, CSVP, "def col_offset", "  end", quote="with_headers? ? 1 : 0"),
            "label_rows": [r[0] for r in csv.reader(io.StringIO("\n".join(src.lines(TEMPLATE)).lstrip("\ufeff"))) if r and r[0]][:8],
        },
        "columns": cols,
        "answer_options": opts,
        "lettings_log": lettings_log_helpers(src),
        "rules": rules(src),
    }
    label = f"{YEAR}/{(YEAR + 1) % 100}"
    doc = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://standards.interopcheck.org/returns/core-lettings-bulk-upload-{YEAR}.json",
        "title": f"CORE lettings bulk upload {label}: one data row, its columns, answer options and validation rules",
        "x-version": "1.0.0",
        "x-source": {
            "citation": f"MHCLG CORE (Submit social housing lettings and sales data): lettings bulk upload for {label} (row parser, CSV parser, template fixture), lettings question answer options and validations",
            "publisher": "MHCLG",
            "version": f"CORE lettings collection year {label}",
            "repository": REPO,
            "commit": commit,
            "url": f"https://github.com/{REPO}/tree/{commit}",
            "paths": [RP, CSVP, TEMPLATE, Q, "app/models/validations/"],
            "licence": "MIT (CORE service source)",
        },
        "$comment": "Generated by scripts/extract_core_bulk_upload.py from the CORE service's source at x-source.commit; every fact in x-core carries its path and line(s). Do not edit by hand: run the script again. The schema part checks one data row (cells as the CSV's strings, keyed field_N, blank cells left out) against the answer options of the coded columns and the number formats; the cross-field rules in x-core.rules are applied by interopcheck.returns.",
        "description": f"One data row of a CORE lettings bulk upload for {label}, keyed by field number (field_1 .. field_{fields}).",
        "type": "object",
        "additionalProperties": False,
        "properties": {c["name"]: _property(c, opts) for c in cols},
        "x-core": facts,
    }
    json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
