"""The register fields of every requirement: a normative statement, who it binds, since when, how it
is evidenced, and for each source a verbatim quote (or why none could be read) with a deep link.

A tender cites the statement, not the short title, so its RFC 2119 verb must be the requirement's
level; a citation that links to a landing page cannot be checked by a reader, so each anchor must
point at the section quoted.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from interopcheck.errors import ProfileError
from interopcheck.model import Level, Requirement
from interopcheck.profile.load import load_profile, statement_levels

HOUSING = load_profile("housing")
REQUIREMENTS = HOUSING.requirements
def _is_deep(anchor: str, url: str | None = None) -> bool:
    """A URL with a fragment, a file at a commit (/blob/), or a page more specific than the source's url."""
    parts = urlsplit(anchor)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    if parts.fragment or "/blob/" in parts.path:
        return True
    if url is None:
        return False
    base = urlsplit(url)
    return parts.netloc == base.netloc and parts.path.rstrip("/").startswith(base.path.rstrip("/") + "/")


@pytest.mark.parametrize("req", REQUIREMENTS, ids=lambda r: r.id)
def test_every_requirement_has_a_statement_with_the_verb_of_its_level(req: Requirement) -> None:
    assert req.statement, f"{req.id} has no statement"
    assert statement_levels(req.statement) == {req.level.value}, f"{req.id}: {req.statement}"
    assert req.actor in ("system", "supplier", "council")
    assert req.since and re.fullmatch(r"\d+\.\d+\.\d+", req.since)
    assert req.status in ("active", "deprecated", "withdrawn")
    assert req.evidence and req.evidence.method in ("machine-check", "attestation", "document-review")
    assert req.evidence.stages


@pytest.mark.parametrize("req", REQUIREMENTS, ids=lambda r: r.id)
def test_every_source_has_a_deep_anchor_and_a_quote_or_says_why_not(req: Requirement) -> None:
    for source in req.source:
        assert source.anchor, f"{req.id}: {source.citation}: no anchor"
        assert source.quote or source.unverified, f"{req.id}: {source.citation}: neither quote nor unverified"
        if source.quote:  # a quoted section must be linked to; an unread page can only be linked as a whole
            assert _is_deep(source.anchor, source.url), f"{req.id}: {source.citation}: anchor {source.anchor!r} is not deep"
    assert any(s.quote for s in req.source) or all(s.unverified for s in req.source)


@pytest.mark.parametrize("req", REQUIREMENTS, ids=lambda r: r.id)
def test_machine_checked_requirements_say_so(req: Requirement) -> None:
    assert req.evidence is not None
    if req.checks:
        assert req.evidence.method == "machine-check", req.id
    if req.evidence.method == "machine-check":
        assert req.checks, f"{req.id} claims a machine check but names none"


def test_quoted_with_deep_anchor_count_is_reported() -> None:
    """The figure the register's coverage reports: requirements with a real quote behind a deep anchor."""
    quoted = [r.id for r in REQUIREMENTS if any(s.quote and _is_deep(s.anchor or "", s.url) for s in r.source)]
    assert len(quoted) >= 45, quoted


def test_since_is_never_after_the_profile_version() -> None:
    version = tuple(map(int, HOUSING.version.split(".")))
    for req in REQUIREMENTS:
        assert tuple(map(int, (req.since or "0.0.0").split("."))) <= version, req.id
        for change in req.changed:
            assert tuple(map(int, change.version.split("."))) <= version, req.id


def test_anchor_shape_rule_is_strict() -> None:
    assert _is_deep("https://www.gov.uk/guidance/gds-api-technical-and-data-standards#use-json-for-response-formats")
    assert _is_deep("https://github.com/o/r/blob/3c89368acb2e/ruleset.yaml#L56")
    assert _is_deep("https://submit-social-housing-data.communities.gov.uk/guidance", "https://submit-social-housing-data.communities.gov.uk/")
    assert not _is_deep("https://www.gov.uk/guidance/gds-api-technical-and-data-standards", "https://www.gov.uk/guidance/gds-api-technical-and-data-standards")
    assert not _is_deep("https://www.rfc-editor.org/info/rfc9457", "https://www.rfc-editor.org/info/rfc9457")
    assert not _is_deep("https://loti.london/resources/tender-wording-data-access-api/")


def test_requirement_without_register_fields_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: p\nversion: '1.0.0'\nrequirements:\n"
        "  - {id: P-API-01, title: t, level: MAY, mode: static, source: [{citation: c}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="is a required property"):
        load_profile(path)


def _one(tmp_path: Path, source: str, statement: str = "The API MAY do it.", level: str = "MAY") -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(
        "id: p\nversion: '1.0.0'\nrequirements:\n"
        f"  - {{id: P-API-01, title: t, level: {level}, mode: static, statement: {statement!r}, actor: system,\n"
        "      since: '1.0.0', status: active, evidence: {method: document-review, stages: [award]},\n"
        f"      source: [{source}]}}\n",
        encoding="utf-8",
    )
    return path


def test_a_source_needs_an_anchor_and_a_quote_or_unverified(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="anchor"):
        load_profile(_one(tmp_path, "{citation: c, quote: q}"))
    with pytest.raises(ProfileError):
        load_profile(_one(tmp_path, "{citation: c, anchor: 'https://e.org/p#s'}"))
    assert load_profile(_one(tmp_path, "{citation: c, anchor: 'https://e.org/p#s', quote: q}")).requirements[0].source[0].quote == "q"
    assert load_profile(_one(tmp_path, "{citation: c, anchor: 'https://e.org/p#s', unverified: not stored}")).requirements


def test_a_statement_whose_verb_differs_from_the_level_is_bad_input(tmp_path: Path) -> None:
    path = _one(tmp_path, "{citation: c, anchor: 'https://e.org/p#s', quote: q}", "The API SHOULD do it.")
    with pytest.raises(ProfileError, match="is a MAY but its statement says SHOULD") as info:
        load_profile(path)
    assert "statement" in (info.value.hint or "")


def test_an_overlay_that_raises_a_level_without_the_statement_is_bad_input(tmp_path: Path) -> None:
    overlay = tmp_path / "o.yaml"
    overlay.write_text("id: o\nversion: '1.0.0'\nextends: housing\noverrides:\n  HSG-EXP-06: {level: MUST}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="HSG-EXP-06 is a MUST but its statement says SHOULD"):
        load_profile("housing", [overlay])


def test_register_fields_survive_an_override_and_are_pinned(tmp_path: Path) -> None:
    overlay = tmp_path / "o.yaml"
    overlay.write_text(
        "id: o\nversion: '1.0.0'\nextends: housing\noverrides:\n"
        "  HSG-EXP-06: {level: MUST, statement: 'The export MUST offer incremental extracts.',\n"
        "    changed: [{version: '1.0.0', change: 'level SHOULD -> MUST: the borough loads nightly changes'}]}\n",
        encoding="utf-8",
    )
    profile = load_profile("housing", [overlay])
    req = profile.requirement("HSG-EXP-06")
    base = HOUSING.requirement("HSG-EXP-06")
    assert req.level is Level.MUST and req.source == base.source and req.evidence == base.evidence
    assert req.changed[-1].change.startswith("level SHOULD -> MUST")
    assert profile.sha256 != HOUSING.sha256
    resolved = {r["id"]: r for r in profile.resolved()["requirements"]}
    assert resolved["HSG-EXP-06"]["changed"][-1]["version"] == "1.0.0"
    assert resolved["HSG-API-21"]["source"][0]["quote"].startswith("You can measure")
