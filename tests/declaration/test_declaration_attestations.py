"""Attestations must be the profile's own words, with an evidence link where the profile asks for one.

Unit tests of `check_attestations`, and through the CLI: a declaration whose statement differs
exits 2 with file:line, the requirement and the expected text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from interopcheck.declaration import load_declaration
from interopcheck.declaration_attestations import check_attestations, normalised
from interopcheck.engine import evaluate
from interopcheck.errors import DeclarationError
from interopcheck.model import AttestationTerms, Level, Mode, Requirement, Source, Status
from interopcheck.profile.load import load_profile

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "cases" / "static" / "spec.info-complete" / "pass" / "complete.yaml"
SIGNER = "{name: A. Person, role: Director, organisation: Example Ltd}"


def requirement(rid: str, statement: str, evidence: str = "optional") -> Requirement:
    return Requirement(rid, "t", Level.MUST, Mode.ATTESTATION, (Source("c"),), attestation=AttestationTerms(statement, evidence))


def declaration(tmp_path: Path, entries: str) -> Path:
    path = tmp_path / "decl.yaml"
    path.write_text(
        'declaration_version: "1.0"\nprofile: housing\nsupplier: {name: Example Ltd, product: Example 1}\nentities:\n  person: {collection: listPeople, mapping: identity}\n'
        "attestations:\n" + entries,
        encoding="utf-8",
    )
    return path


def test_a_different_statement_is_refused_with_file_line_and_the_expected_text(tmp_path: Path) -> None:
    path = declaration(tmp_path, f'  - requirement: HSG-X-01\n    statement: "No charges, mostly."\n    signed_by: {SIGNER}\n    date: "2026-11-01"\n')
    with pytest.raises(DeclarationError) as info:
        check_attestations(load_declaration(path), [requirement("HSG-X-01", "There are no charges.")])
    message = str(info.value)
    assert message.startswith(f"{path}:8: HSG-X-01: the statement is not the profile's")
    assert '"There are no charges."' in message


def test_the_same_words_pass_whatever_the_line_breaks_and_spaces(tmp_path: Path) -> None:
    path = declaration(tmp_path, f"  - requirement: HSG-X-01\n    statement: >-\n      There   are no\n      charges.\n    signed_by: {SIGNER}\n")
    check_attestations(load_declaration(path), [requirement("HSG-X-01", "There are no charges.")])
    assert normalised(" a\n b\t c ") == "a b c"


def test_required_evidence_must_be_linked(tmp_path: Path) -> None:
    req = requirement("HSG-X-02", "Our prices are published.", "required")
    missing = declaration(tmp_path, f'  - requirement: HSG-X-02\n    statement: "Our prices are published."\n    signed_by: {SIGNER}\n')
    with pytest.raises(DeclarationError, match=r"decl.yaml:7: HSG-X-02: evidence_url is missing"):
        check_attestations(load_declaration(missing), [req])
    linked = declaration(
        tmp_path,
        f'  - requirement: HSG-X-02\n    statement: "Our prices are published."\n    signed_by: {SIGNER}\n    evidence_url: https://example.test/prices\n',
    )
    decl = load_declaration(linked)
    check_attestations(decl, [req])
    outcome = evaluate.evaluate_requirement(req, {}, decl)
    assert outcome.status is Status.ATTESTED
    assert "attested by A. Person, Director, Example Ltd" in outcome.reason and "evidence: https://example.test/prices" in outcome.reason


def test_the_bundled_declarations_sign_the_profiles_statements() -> None:
    requirements = load_profile("housing").requirements
    sandbox = ROOT / "src" / "interopcheck" / "sandbox"
    paths = [*sandbox.glob("declaration*.yaml"), ROOT / "profiles" / "housing" / "declaration.template.yaml"]
    for path in paths:
        check_attestations(load_declaration(path), requirements)
    attestable = {r.id for r in requirements if r.attestation is not None}
    assert attestable <= set(load_declaration(sandbox / "declaration.yaml").attestations)


def test_every_attestation_requirement_fixes_its_statement() -> None:
    for req in load_profile("housing").requirements:
        if req.mode is Mode.ATTESTATION and not req.checks:
            assert req.attestation is not None and req.attestation.statement, req.id


def test_cli_exits_2_on_a_statement_that_is_not_the_profiles(tmp_path: Path) -> None:
    path = declaration(tmp_path, f'  - requirement: HSG-ATT-01\n    statement: "Free, mostly."\n    signed_by: {SIGNER}\n    date: "2026-11-01"\n')
    out = tmp_path / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "interopcheck", "check", "--spec", str(SPEC), "--declaration", str(path), "--output-dir", str(out), "--format", "json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr
    assert "decl.yaml:8: HSG-ATT-01: the statement is not the profile's" in proc.stderr
    assert '"API access and bulk export carry no charge beyond the licence fee."' in proc.stderr
    assert not out.exists() or not any(out.iterdir()), "a refused declaration writes no report"


def test_reports_carry_who_signed_when_and_the_evidence_link(tmp_path: Path) -> None:
    import dataclasses

    from interopcheck.report import html
    from interopcheck.report.json_report import to_dict, validation_errors
    from interopcheck.report.samples import conformant_report

    req = requirement("HSG-ATT-01", "Our prices are published.", "required")
    path = declaration(
        tmp_path,
        f'  - requirement: HSG-ATT-01\n    statement: "Our prices are published."\n    signed_by: {SIGNER}\n    date: "2026-11-01"\n'
        "    evidence_url: https://example.test/prices\n",
    )
    outcome = evaluate.evaluate_requirement(req, {}, load_declaration(path))
    assert outcome.attestation == {"statement": "Our prices are published.", "date": "2026-11-01", "evidence_url": "https://example.test/prices",
                                   "signed_by": {"name": "A. Person", "role": "Director", "organisation": "Example Ltd"}}
    sample = conformant_report()
    report = dataclasses.replace(sample, outcomes=tuple(outcome if o.requirement_id == "HSG-ATT-01" else o for o in sample.outcomes))
    data = to_dict(report)
    assert validation_errors(data) == []
    page = html.render(data)
    assert "<strong>Signed by:</strong> A. Person, Director, Example Ltd on 2026-11-01" in page
    assert '<a href="https://example.test/prices">https://example.test/prices</a>' in page
    assert evaluate.evaluate_requirement(requirement("HSG-X-09", "x"), {}, None).attestation is None
