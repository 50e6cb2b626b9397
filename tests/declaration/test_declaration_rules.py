"""Field entries of the declaration: the transforms, the loader's forms and errors, value map matching, the mapper."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from interopcheck.declaration import MISSING, Declaration, EntityMapping, load_declaration
from interopcheck.declaration_mapper import MAX_VALUES_PER_FIELD, RecordMapper, UnmappedValue, identity_mapper
from interopcheck.declaration_rules import TRANSFORMS, FieldRule, apply_transform, value_text
from interopcheck.errors import DeclarationError, ExitCode

HEAD = """declaration_version: "1.0"
profile: housing
supplier: {name: Maps Ltd, product: Maps 1}
entities:
  tenancy:
    collection: listTenancies
"""


def mapping(fields: dict[str, Any], *, identity: bool = False) -> EntityMapping:
    spec: dict[str, Any] = {"collection": "listTenancies", "fields": fields}
    if identity:
        spec["mapping"] = "identity"
    return Declaration.from_dict({"entities": {"tenancy": spec}}).entities["tenancy"]


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "decl.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


# --- the transforms, one by one -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-01T09:30:00Z", "2026-03-01"),
        ("2026-03-01T23:30:00-05:00", "2026-03-01"),  # the date as written, no time zone conversion
        ("2026-03-01", "2026-03-01"),
        ("01/03/2026", "01/03/2026"),  # not RFC 3339: kept, so the standard's validation reports it
        (20260301, 20260301),
        (None, None),
    ],
)
def test_date(value: Any, expected: Any) -> None:
    assert TRANSFORMS["date"].fn(value) == expected


def test_join() -> None:
    join = TRANSFORMS["join"].fn
    assert join(["Ann", "Lee"]) == "Ann Lee"
    assert join(["Ann", None, MISSING, "", "  Lee "]) == "Ann Lee"
    assert join([None, MISSING]) is MISSING


@pytest.mark.parametrize(
    ("value", "first", "rest"),
    [("Mary Ann Smith", "Mary", "Ann Smith"), ("  Cher ", "Cher", MISSING), ("", "", MISSING), (7, 7, 7)],
)
def test_first_word_and_after_first_word(value: Any, first: Any, rest: Any) -> None:
    assert TRANSFORMS["first-word"].fn(value) == first
    assert TRANSFORMS["after-first-word"].fn(value) is rest if rest is MISSING else TRANSFORMS["after-first-word"].fn(value) == rest


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, True), (False, False), ("yes", True), ("N", False), ("TRUE", True), (1, True), (0, False), ("maybe", "maybe"), (2, 2)],
)
def test_boolean(value: Any, expected: Any) -> None:
    assert TRANSFORMS["boolean"].fn(value) == expected and type(TRANSFORMS["boolean"].fn(value)) is type(expected)


def test_ids() -> None:
    ids = apply_transform(FieldRule("/person_ids", "/people", transform="ids", item="/personId"))
    assert ids is not None
    assert ids([{"personId": "P1"}, {"personId": "P2", "x": 1}]) == ["P1", "P2"]
    assert ids([{"other": 1}]) == [None]  # null, which the standard's validation reports
    assert ids("P1") == "P1"


def test_every_transform_is_documented_with_an_example() -> None:
    for name, transform in TRANSFORMS.items():
        assert transform.doc.startswith(f"`{name}`") and "->" in transform.doc, name


# --- the loader -----------------------------------------------------------------------------------


def test_all_forms_load_and_map(tmp_path: Path) -> None:
    path = write(tmp_path, """    fields:
      /id: /ref
      /tenancy_type: {from: /tenancyKind, values: {AST: 4, SEC: 7}}
      /local_authority: {constant: E09000012}
      /start_date: {from: /startedAt, transform: date}
      /tenant_name: {from: [/given, /family], transform: join}
      /given_name: {from: /fullName, transform: first-word}
      /family_name: {from: /fullName, transform: after-first-word}
      /joint: {from: /isJoint, transform: boolean, values: {true: 1, false: 2}}
      /person_ids: {from: /people, transform: ids, item: /personId}
      /address/postcode: {from: /addr/pc}
""")
    tenancy = load_declaration(path).entities["tenancy"]
    assert tenancy.fields["/tenancy_type"] == "/tenancyKind" and tenancy.mapped_pointer("/tenancy_type") == "/tenancyKind"
    assert tenancy.mapped_pointer("/local_authority") is None and tenancy.converts("/local_authority")
    assert not tenancy.converts("/address/postcode") and not tenancy.converts("/id")
    record = {"ref": "T1", "tenancyKind": "SEC", "startedAt": "2026-01-02T10:00:00Z", "given": "Ann", "family": "Lee",
              "fullName": "Mary Ann Smith", "isJoint": "Y", "people": [{"personId": "P1"}], "addr": {"pc": "E8 1AA"}}
    assert tenancy.to_standard(record) == {
        "id": "T1", "tenancy_type": 7, "local_authority": "E09000012", "start_date": "2026-01-02", "tenant_name": "Ann Lee",
        "given_name": "Mary", "family_name": "Ann Smith", "joint": 1, "person_ids": ["P1"], "address": {"postcode": "E8 1AA"},
    }


def test_identity_with_fields_overrides_only_those(tmp_path: Path) -> None:
    path = write(tmp_path, """    mapping: identity
    fields:
      /tenancy_type: {from: /tenancy_type, values: {AST: 4}}
      /address/postcode: /addr/pc
""")
    tenancy = load_declaration(path).entities["tenancy"]
    record = {"id": "T1", "tenancy_type": "AST", "address": {"line1": "1 High St"}, "addr": {"pc": "E8 1AA"}}
    mapped = tenancy.mapper()(record)
    assert mapped == {"id": "T1", "tenancy_type": 4, "address": {"line1": "1 High St", "postcode": "E8 1AA"}, "addr": {"pc": "E8 1AA"}}
    assert record == {"id": "T1", "tenancy_type": "AST", "address": {"line1": "1 High St"}, "addr": {"pc": "E8 1AA"}}  # untouched
    assert tenancy.mapped_pointer("/address/postcode") == "/addr/pc" and tenancy.mapped_pointer("/id") == "/id"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("      /start_date: {from: /startedAt, transform: dates}\n", "decl.yaml:8: /start_date: unknown transform 'dates'; did you mean 'date'"),
        ("      /n: {from: /n, transform: frist-word}\n", "did you mean 'first-word'"),
        ("      /n: {from: /given, transform: join}\n", "decl.yaml:8: /n: transform join needs `from` to be a list of pointers"),
        ("      /n: {from: [/a, /b]}\n", "a list needs transform join"),
        ("      /p: {from: /people, transform: ids}\n", "`item` (the pointer to each element's id) goes with transform ids"),
        ("      /p: {from: /people, item: /id}\n", "goes with transform ids, and only with it"),
        ("      /j: {from: /j, transform: boolean, values: {true: 1}}\n", "transform boolean needs `values` with a code for true and for false"),
        ("      /t:\n        from: /t\n        values:\n          1.50: a\n          '1.5': b\n", "decl.yaml:12: /t: map keys 1.5 and '1.5' are the same value written two ways"),
        ("      /t: {from: /t, values: {2026-01-01: a}}\n", "map key datetime.date(2026, 1, 1) is not a string, number or boolean"),
    ],
)
def test_bad_entries_name_file_line_and_fix(tmp_path: Path, body: str, fragment: str) -> None:
    path = write(tmp_path, "    fields:\n" + body)
    with pytest.raises(DeclarationError) as info:
        load_declaration(path)
    assert fragment in str(info.value)
    assert info.value.exit_code is ExitCode.BAD_INPUT


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("      /la: {constant: E09000012, from: /la}\n", "declaration invalid at /entities/tenancy/fields/~1la"),
        ("      /t: {from: /t, values: {}}\n", "declaration invalid at /entities/tenancy/fields/~1t"),
        ("      /t: {from: t}\n", "declaration invalid at /entities/tenancy/fields/~1t"),
        ("      /t: {value: 1}\n", "declaration invalid at /entities/tenancy/fields/~1t"),
    ],
)
def test_schema_refuses_malformed_entries(tmp_path: Path, body: str, fragment: str) -> None:
    with pytest.raises(DeclarationError) as info:
        load_declaration(write(tmp_path, "    fields:\n" + body))
    assert fragment in str(info.value)


# --- value map matching ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"), [("AST", "AST"), (1, "1"), (1.0, "1"), (1.5, "1.5"), (True, "true"), (False, "false"), (None, "null"), ([1], None), ({}, None)]
)
def test_value_text(value: Any, text: str | None) -> None:
    assert value_text(value) == text


def test_keys_match_values_by_string_form(tmp_path: Path) -> None:
    """YAML key 1 matches JSON 1 and "1"; key "2" matches 2; key true matches true and "true"; "yes" is quoted to stay a string."""
    path = write(tmp_path, """    fields:
      /a: {from: /a, values: {1: one, "2": two, "yes": quoted-yes, "01": leading-zero}}
      /b: {from: /b, values: {true: yes-code, false: no-code}}
""")
    m = load_declaration(path).entities["tenancy"].mapper()
    got = [m({"a": v}).get("a") for v in (1, "1", 2, "2", "yes", 1.0, "01", "3", [1], True)]
    assert got == ["one", "one", "two", "two", "quoted-yes", "one", "leading-zero", "3", ["one"], True]  # a list: each element
    assert [m({"b": v}).get("b") for v in (True, "true", False, "false", "yes", 1)] == ["yes-code", "yes-code", "no-code", "no-code", "yes", 1]


def test_yaml_leading_zero_key_collides_with_its_integer(tmp_path: Path) -> None:
    """YAML 1.1 reads 01 as the integer 1 and `yes` as true: the loader refuses the map instead of keeping the last silently."""
    for text in ("{1: one, 01: two}", "{true: a, yes: b}", "{1: a, true: b}"):
        with pytest.raises(DeclarationError, match=r"decl.yaml:8: /a: the value map's keys .* hold only 1 distinct values") as info:
            load_declaration(write(tmp_path, "    fields:\n      /a: {from: /a, values: " + text + "}\n"))
        assert "quote keys" in str(info.value)


# --- the mapper and its tally ---------------------------------------------------------------------


def test_unmapped_values_are_kept_and_tallied() -> None:
    m = mapping({"/id": "/ref", "/tenancy_type": {"from": "/kind", "values": {"AST": 4, "SEC": 7}}, "/codes": {"from": "/codes", "values": {"a": 1}}}).mapper()
    out = [m(r) for r in ({"ref": "T1", "kind": "AST"}, {"ref": "T2", "kind": "XX"}, {"ref": "T3", "kind": "XX"}, {"ref": "T4", "kind": None},
                          {"ref": "T5", "kind": 9, "codes": ["a", "b", None]}, {"ref": "T6"})]
    assert [o.get("tenancy_type", MISSING) for o in out] == [4, "XX", "XX", None, 9, MISSING]
    assert out[4]["codes"] == [1, "b", None]
    assert isinstance(m, RecordMapper)
    assert m.unmapped() == (
        UnmappedValue("/codes", "b", 1, "T5"),
        UnmappedValue("/tenancy_type", "XX", 2, "T2"),
        UnmappedValue("/tenancy_type", 9, 1, "T5"),
    )


def test_a_map_that_covers_everything_adds_nothing() -> None:
    m = mapping({"/t": {"from": "/t", "values": {"A": 1, "B": 2}}}).mapper()
    assert [m({"t": v})["t"] for v in "ABA"] == [1, 2, 1]
    assert m.unmapped() == ()


def test_free_text_cannot_fill_the_tally() -> None:
    m = mapping({"/t": {"from": "/t", "values": {"A": 1}}}).mapper()
    for i in range(MAX_VALUES_PER_FIELD + 50):
        m({"id": f"R{i}", "t": f"v{i}"})
    found = m.unmapped()
    assert len(found) == MAX_VALUES_PER_FIELD + 1
    assert found[-1] == UnmappedValue("/t", None, 50, f"R{MAX_VALUES_PER_FIELD}", other=True)
    assert "other values" in found[-1].message


def test_fast_path_is_the_identity_and_equals_the_general_mapper() -> None:
    plain = mapping({}, identity=True)
    assert plain.mapper() is identity_mapper
    record = {"id": "T1", "tenancy_type": 4, "address": {"postcode": "E8 1AA"}}
    assert plain.to_standard(record) is record
    general = RecordMapper({}, {}, identity=True, id_field="/id")  # the same mapping through the general path
    copy = general(record)
    assert copy == record and copy is not record
    assert general([1, 2]) == [1, 2]


def test_plain_fields_map_as_before() -> None:
    """The compiled mapper gives what the former `to_standard` loop gave for plain pointers."""
    m = mapping({"/id": "/id", "/uprn": "/uprnNumber", "/address/postcode": "/addr/pc", "/address/line1": "/addr/l1", "/x": "/list/1"})
    record = {"id": "P1", "uprnNumber": "100", "addr": {"pc": "E8"}, "list": ["a", "b"]}
    assert m.to_standard(record) == {"id": "P1", "uprn": "100", "address": {"postcode": "E8"}, "x": "b"}
    assert m.to_standard("not a record") == {}


def test_declaration_pickles_with_its_rules() -> None:
    """Export workers receive the pickled declaration; MISSING stays the one marker after the trip."""
    m = mapping({"/t": {"from": "/t", "values": {"A": 1}}, "/c": {"constant": None}})
    again = pickle.loads(pickle.dumps(m))
    assert again == m and again.rules["/t"].constant is MISSING and again.rules["/c"].has_constant
    assert again.mapper()({"t": "A"}) == {"t": 1, "c": None}


def test_contracts_document_every_transform() -> None:
    contracts = (Path(__file__).resolve().parents[2] / "docs" / "CONTRACTS.md").read_text(encoding="utf-8")
    for name in TRANSFORMS:
        assert f"| `{name}` |" in contracts, name


def test_the_templates_commented_field_examples_load(tmp_path: Path) -> None:
    """The object entries the template shows in comments are valid when uncommented."""
    template = Path(__file__).resolve().parents[2] / "profiles" / "housing" / "declaration.template.yaml"
    examples = [line.strip()[2:] for line in template.read_text(encoding="utf-8").splitlines() if line.strip().startswith("#   /") and "{" in line]
    assert len(examples) >= 3
    path = write(tmp_path, "    fields:\n" + "".join(f"      {e.split('#')[0].rstrip()}\n" for e in examples))
    assert len(load_declaration(path).entities["tenancy"].rules) == len(examples)
