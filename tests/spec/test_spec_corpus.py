"""Every case of tests/cases/bad-specs/ is classified as its manifest says, and nothing but
the project's own read errors escapes the spec stage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from interopcheck.errors import SpecReadError
from interopcheck.spec.index import build_index
from interopcheck.spec.load import load_spec
from interopcheck.spec.validate import validate_spec

CASES_DIR = Path(__file__).resolve().parents[1] / "cases" / "bad-specs"
MANIFEST: dict[str, Any] = yaml.safe_load((CASES_DIR / "cases.yaml").read_text(encoding="utf-8"))


def classify(path: Path) -> tuple[str, Exception | None]:
    """("read-error" | "invalid" | "valid", the read error if any) for the spec at `path`."""
    try:
        document = load_spec(str(path))
    except SpecReadError as err:
        return "read-error", err
    validation = validate_spec(document)
    build_index(document)  # indexing must cope with every loadable case, valid or not
    return ("valid" if validation.valid else "invalid"), None


def test_manifest_has_enough_cases_and_every_file_exists() -> None:
    assert len(MANIFEST["cases"]) >= 20
    for name, case in MANIFEST["cases"].items():
        assert (CASES_DIR / name).is_file(), name
        assert case["expect"] in ("read-error", "invalid", "valid")
        assert case["note"]


@pytest.mark.timeout(20)
@pytest.mark.parametrize("name", sorted(MANIFEST["cases"]))
def test_case_is_classified_as_expected(name: str) -> None:
    case = MANIFEST["cases"][name]
    outcome, err = classify(CASES_DIR / name)
    assert outcome == case["expect"], f"{name}: {case['note']}"
    if err is not None:
        assert type(err).__name__ == "SpecReadError"
        message = str(err)
        assert "\n" not in message and len(message) < 400
        assert err.hint, "every read error says how to mend it"


@pytest.mark.timeout(20)
def test_generated_60mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    assert MANIFEST["generated"]["huge-60mb.yaml"]["expect"] == "read-error"
    path = tmp_path / "huge-60mb.yaml"
    with path.open("wb") as handle:
        handle.write(b"openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-pad: '")
        block = b"a" * 1_000_000
        for _ in range(60):
            handle.write(block)
        handle.write(b"'\n")
    outcome, err = classify(path)
    assert outcome == "read-error"
    assert "over the limit" in str(err) and "--max-spec-bytes" in str(err)


def test_invalid_cases_report_their_place() -> None:
    validation = validate_spec(load_spec(str(CASES_DIR / "duplicate-operation-ids.yaml")))
    issue = validation.errors[0]
    assert issue.pointer == "/paths/~1v1~1tenancies/get/operationId"
    assert issue.line == 14
    assert "listProperties" in issue.message


def test_remote_ref_case_is_valid_with_the_remote_document_not_fetched() -> None:
    validation = validate_spec(load_spec(str(CASES_DIR / "remote-ref.yaml")))
    assert validation.valid
    assert validation.not_fetched == ("https://schemas.example.test/housing/property.yaml",)


OPEN_REFERRAL = Path(__file__).resolve().parents[1] / "corpus" / "openreferral"
#: What the corpus's own structural errors may be about: ORUK's `type: time` parameters.
REAL_ERRORS = ("'time'", "/components/parameters/start_time", "/components/parameters/end_time")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", ["hsds-openapi31.json", "oruk-uk-profile-openapi30.json"])
def test_open_referral_descriptions_load_and_validate_without_fetching(name: str) -> None:
    path = OPEN_REFERRAL / name
    document = load_spec(str(path))  # default options: network $refs are recorded, not fetched
    assert document.remote_refs and document.externals == {}
    assert all(ref.startswith("https://raw.githubusercontent.com/openreferral/") for _, ref in document.remote_refs)
    validation = validate_spec(document)
    assert validation.not_fetched and all(uri.endswith(".json") and "#" not in uri for uri in validation.not_fetched)
    assert set(validation.not_fetched) == {ref.partition("#")[0] for _, ref in document.remote_refs}
    for issue in validation.errors:  # real errors only: nothing about the references or an aborted run
        text = f"{issue.message} {issue.pointer}"
        assert "$ref" not in text and "githubusercontent" not in text and "aborted" not in text.lower(), issue
        assert any(mark in text for mark in REAL_ERRORS), issue
    if name.startswith("hsds"):
        assert validation.valid
    build_index(document)
