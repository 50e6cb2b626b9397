"""data.declaration-valid on the sandbox's own declaration and on copies of it with one typo each."""

from __future__ import annotations

from pathlib import Path

import pytest

import interopcheck.checks.data_declaration  # noqa: F401 - registers the check
from interopcheck.checks.context import CheckContext
from interopcheck.checks.data_declaration import PROFILE_KEY
from interopcheck.checks.registry import _REGISTRY, run_check
from interopcheck.entities import ENTITIES
from interopcheck.declaration import Declaration, load_declaration
from interopcheck.model import CheckResult, Status
from interopcheck.profile.load import Profile, load_profile
from interopcheck.standards import load_standards

ROOT = Path(__file__).resolve().parents[2]
SANDBOX = ROOT / "src" / "interopcheck" / "sandbox" / "declaration.yaml"
TEMPLATE = ROOT / "profiles" / "housing" / "declaration.template.yaml"
BOROUGH = ROOT / "profiles" / "housing" / "overlays" / "example-borough.yaml"

LOCAL_ATTESTATION = """  - requirement: HSG-LOCAL-01
    statement: "All data is hosted in the UK."
    signed_by: {name: A. N. Example, role: Chief Technology Officer, organisation: Example Housing Ltd}
"""


@pytest.fixture(scope="module")
def housing() -> Profile:
    return load_profile("housing")


def variant(tmp_path: Path, old: str, new: str, *, base: Path = SANDBOX, append: str = "") -> Path:
    """A copy of `base` with `old` replaced by `new` once (and `append` added at the end)."""
    text = base.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "decl.yaml"
    path.write_text(text.replace(old, new, 1) + append, encoding="utf-8")
    return path


def line_with(path: Path, fragment: str) -> int:
    """The 1-based line of the first line of `path` containing `fragment`."""
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def run(decl: Declaration, profile: Profile | None) -> CheckResult:
    ctx = CheckContext(declaration=decl, standards=load_standards())
    if profile is not None:
        ctx.cache[PROFILE_KEY] = profile
    return run_check(_REGISTRY["data.declaration-valid"], ctx)


def test_sandbox_declaration_passes(housing: Profile) -> None:
    result = run(load_declaration(SANDBOX), housing)
    assert result.status is Status.PASS, [f.message for f in result.findings]
    assert f"{len(ENTITIES)} entity mapping(s), {2 * len(ENTITIES)} export(s) and 15 attestation(s) fit profile housing" in result.summary


def test_template_passes(housing: Profile) -> None:
    result = run(load_declaration(TEMPLATE), housing)
    assert result.status is Status.PASS, [f.message for f in result.findings]


def test_without_the_run_profile_says_what_was_not_compared() -> None:
    result = run(load_declaration(SANDBOX), None)
    assert result.status is Status.PASS and "profile id not compared" in result.summary


def test_attestation_of_unknown_requirement_fails_with_line_and_suggestion(tmp_path: Path, housing: Profile) -> None:
    path = variant(tmp_path, "requirement: HSG-ATT-06", "requirement: HSG-ATT-99")
    result = run(load_declaration(path), housing)
    assert result.status is Status.FAIL
    [finding] = result.findings
    line = line_with(path, "HSG-ATT-99")
    assert finding.message.startswith(f"{path}:{line}: attestation of HSG-ATT-99, which is not a requirement of profile housing; did you mean 'HSG-ATT-0")
    assert "(attestable: HSG-SEC-05, HSG-SEC-06, HSG-ATT-01, HSG-ATT-02" in finding.message and "the attestation is ignored" in finding.message
    assert finding.location is not None and (finding.location.file, finding.location.line) == (str(path), line)
    assert finding.location.pointer == "/attestations/5/requirement"
    assert result.summary.startswith(f"1 problem(s) in the declaration; first: {path}:{line}: attestation of HSG-ATT-99")


def test_attestation_of_a_tested_requirement_fails(tmp_path: Path, housing: Profile) -> None:
    path = variant(tmp_path, "requirement: HSG-ATT-06", "requirement: HSG-API-01")
    result = run(load_declaration(path), housing)
    assert result.status is Status.FAIL
    assert f"{path}:{line_with(path, 'HSG-API-01')}: attestation of HSG-API-01, which is a static requirement decided by its checks" in result.findings[0].message


def test_local_attestation_needs_the_overlay(tmp_path: Path, housing: Profile) -> None:
    path = variant(tmp_path, "profile: housing", "profile: housing", append=LOCAL_ATTESTATION)
    assert run(load_declaration(path), housing).status is Status.FAIL
    borough = load_profile("housing", [BOROUGH])
    result = run(load_declaration(path), borough)
    assert result.status is Status.PASS, [f.message for f in result.findings]  # and `profile: housing` fits the overlay on it


def test_mapped_field_not_in_the_standard_fails_with_suggestion(tmp_path: Path, housing: Profile) -> None:
    path = variant(tmp_path, "      /priority: /priority/code", "      /priorty: /priority/code", base=TEMPLATE)
    result = run(load_declaration(path), housing)
    assert result.status is Status.FAIL
    [finding] = result.findings
    line = line_with(path, "/priorty:")
    assert finding.message == f"{path}:{line}: repair: /priorty is not a field of the standard repair record; did you mean '/priority'?"
    assert finding.location is not None and finding.location.pointer == "/entities/repair/fields/~1priorty"
    assert finding.data is not None and finding.data["field"] == "/priorty"


def test_declared_profile_other_than_the_run_fails(tmp_path: Path, housing: Profile) -> None:
    path = variant(tmp_path, "profile: housing", "profile: other")
    result = run(load_declaration(path), housing)
    assert result.status is Status.FAIL
    assert [f.message for f in result.findings] == [
        f"{path}:{line_with(path, 'profile: other')}: the declaration is for profile 'other', but this run checks profile 'housing'; did you mean 'housing'?"
    ]


def test_every_problem_is_listed(tmp_path: Path, housing: Profile) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("profile: housing", "profile: hosuing", 1).replace("      /priority:", "      /priorty:", 1)
    path = tmp_path / "decl.yaml"
    path.write_text(text.replace("requirement: HSG-ATT-06", "requirement: HSG-ATT-60", 1), encoding="utf-8")
    result = run(load_declaration(path), housing)
    assert result.status is Status.FAIL and result.summary.startswith("3 problem(s) in the declaration")
    assert {f.location.pointer for f in result.findings if f.location} == {
        "/entities/repair/fields/~1priorty", "/attestations/5/requirement", "/profile"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entities": {"proprety": {"collection": "x", "mapping": "identity"}}}, "'proprety' is not a standard entity; did you mean 'property'?"),
        ({"entities": {}, "exports": [{"entity": "property", "format": "xlsx", "url": "/x"}]}, "<memory>: export format 'xlsx'"),
    ],
)
def test_in_memory_declarations_name_the_source_without_a_line(data: dict[str, object], message: str, housing: Profile) -> None:
    result = run(Declaration.from_dict(data), housing)
    assert result.status is Status.FAIL and any(message in f.message for f in result.findings), [f.message for f in result.findings]
