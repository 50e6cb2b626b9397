"""Errors the validator reports relative to a sub-schema are placed in the document; whole-object reprs are tidied."""

from __future__ import annotations

from pathlib import Path

from interopcheck.spec.load import load_spec
from interopcheck.spec.locate import locate, offending_value, tidy
from interopcheck.spec.validate import validate_spec

ROOT = Path(__file__).resolve().parents[2]


def test_offending_value_reads_the_leading_scalar() -> None:
    assert offending_value("'time' is not valid under any of the given schemas") == (True, "time")
    assert offending_value("12 is not of type 'string'") == (True, 12)
    assert offending_value("{'a': 1} is not valid")[0] is False


def test_locate_finds_each_node_once_by_suffix_and_value() -> None:
    data = {"a": {"schema": {"type": "time"}}, "b": {"schema": {"type": "time"}}, "c": {"schema": {"type": "string"}}}
    taken: set[str] = set()
    first = locate(data, "/type", "'time' is not valid", taken)
    second = locate(data, "/type", "'time' is not valid", taken)
    assert {first, second} == {"/a/schema/type", "/b/schema/type"}
    assert locate(data, "/type", "'time' is not valid", taken) is None  # no third node to blame
    assert locate(data, "/type", "'date' is not valid", set()) is None


def test_tidy_replaces_a_leading_object_repr() -> None:
    assert tidy("{'name': 'x', 'schema': {'type': 'time'}} is not valid under any of the given schemas") == (
        "this object is not valid under any of the given schemas"
    )
    assert tidy("'time' is not valid") == "'time' is not valid"


def test_every_structural_error_of_the_oruk_profile_has_a_pointer_and_line() -> None:
    validation = validate_spec(load_spec(str(ROOT / "tests" / "corpus" / "openreferral" / "oruk-uk-profile-openapi30.json")))
    assert validation.errors
    for issue in validation.errors:
        assert issue.pointer.startswith("/components/parameters/") and issue.line, issue
        assert not issue.message.startswith("{")


def test_invalid_types_case_points_at_the_bad_type() -> None:
    validation = validate_spec(load_spec(str(ROOT / "tests" / "cases" / "bad-specs" / "invalid-types.yaml")))
    pointers = {issue.pointer for issue in validation.errors}
    assert "/components/schemas/Property/properties/uprn/type" in pointers
    assert all(issue.line for issue in validation.errors)
