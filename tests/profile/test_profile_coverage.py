"""Coverage: each requirement with its checks or its reason; a MUST with neither fails."""

from __future__ import annotations

import pytest

from interopcheck.errors import ProfileError
from interopcheck.model import Level, Mode, Requirement, Source
from interopcheck.profile.coverage import ATTESTED, MISSING, NOT_TESTED, TESTED, coverage, format_coverage, require_complete
from interopcheck.profile.load import Profile, load_profile


def _profile(*reqs: Requirement) -> Profile:
    return Profile("p", "1", "P", None, tuple(reqs), "0" * 64, ("p.yaml",))


def _req(rid: str, level: Level, mode: Mode = Mode.STATIC, checks: tuple[str, ...] = (), reason: str | None = None) -> Requirement:
    return Requirement(rid, f"title {rid}", level, mode, (Source("src"),), checks, None, reason)


def test_housing_coverage_every_must_tested_or_explained() -> None:
    profile = load_profile("housing")
    cited = {c: c.upper() for r in profile.requirements for c in r.checks}
    cov = coverage(profile, cited)
    s = cov.summary
    assert s.ok and s.musts_untested == 0 and not s.unknown_checks
    assert s.musts == s.musts_with_checks + s.musts_attested
    assert s.musts_attested == 8  # HSG-ATT-01..04, 09, 10, 13 and HSG-SEC-06
    rows = {r.requirement_id: r for r in cov.rows}
    assert rows["HSG-API-01"].status == TESTED and rows["HSG-API-01"].check_titles == ("SPEC.HTTPS-SERVERS",)
    assert rows["HSG-ATT-01"].status == ATTESTED and rows["HSG-ATT-01"].not_tested_reason
    require_complete(cov)


def test_coverage_fails_when_a_must_has_neither_checks_nor_reason() -> None:
    cov = coverage(
        _profile(
            _req("X-1", Level.MUST, checks=("spec.a",)),
            _req("X-2", Level.MUST),
            _req("X-3", Level.MUST, Mode.LIVE, reason="needs a person"),
            _req("X-4", Level.SHOULD),
        ),
        {"spec.a": "A"},
    )
    statuses = [r.status for r in cov.rows]
    assert statuses == [TESTED, MISSING, NOT_TESTED, MISSING]
    assert cov.summary.musts_untested == 1 and not cov.summary.ok
    with pytest.raises(ProfileError, match=r"neither checks nor a not_tested_reason: X-2 \("):
        require_complete(cov)
    assert "X-2 | MUST | static | missing | NOTHING" in format_coverage(cov)


def test_coverage_flags_unknown_checks() -> None:
    cov = coverage(_profile(_req("X-1", Level.SHOULD, checks=("spec.a", "spec.zzz"))), {"spec.a": "A"})
    assert cov.rows[0].unknown_checks == ("spec.zzz",)
    assert cov.summary.unknown_checks == ("spec.zzz",) and not cov.summary.ok
    with pytest.raises(ProfileError, match="cites checks that do not exist: spec.zzz"):
        require_complete(cov)
    assert "spec.zzz (unknown)" in format_coverage(cov)


def test_the_coverage_figure_splits_musts_and_counts_standard_fields() -> None:
    from interopcheck.profile.coverage import coverage_figure

    profile = load_profile("housing")
    figure = coverage_figure(profile)
    assert figure.musts == sum(r.level is Level.MUST for r in profile.requirements)
    assert figure.musts == figure.musts_machine + figure.musts_attested + figure.musts_not_tested
    assert figure.musts_attested == 8 and figure.musts_not_tested == 0
    assert figure.fields_total > 50 and figure.fields_exercised == figure.fields_total  # every entity's records are validated
    assert 0 < figure.coded_fields <= figure.fields_total and figure.coded_checked
    assert figure.quoted == sum(any(s.quote for s in r.source) for r in profile.requirements)
    text = "\n".join(figure.lines())
    assert f"{figure.musts_machine} of {figure.musts} MUSTs are decided by a machine check" in text
    assert "standard fields" in text


def test_the_figure_counts_only_the_fields_a_cited_check_exercises() -> None:
    from interopcheck.profile.coverage import coverage_figure

    figure = coverage_figure(_profile(_req("X-1", Level.MUST, Mode.LIVE, checks=("live.uprn-valid",)), _req("X-2", Level.MUST, Mode.ATTESTATION, reason="signed")))
    assert (figure.musts, figure.musts_machine, figure.musts_attested, figure.musts_not_tested) == (2, 1, 1, 0)
    assert figure.fields_exercised == 1 and figure.exercised == {"property": ("/uprn",)}
    assert not figure.coded_checked


def test_profile_coverage_prints_the_figure() -> None:
    profile = load_profile("housing")
    text = format_coverage(coverage(profile, {c: c for r in profile.requirements for c in r.checks}))
    assert "## Coverage figure" in text and "MUSTs are decided by a machine check" in text
