"""Loading profiles: extends chains, overrides, removals, overlays, origins, hashing and check ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.errors import ProfileError
from interopcheck.model import Level, Mode, Requirement
from interopcheck.profile.load import list_profiles, load_profile, validate_check_ids

from .conftest import CASES, HOUSING

VALID = CASES / "profiles" / "valid"
OVERLAY = HOUSING / "overlays" / "example-borough.yaml"


def test_minimal_profile_fields() -> None:
    profile = load_profile(VALID / "minimal.yaml")
    assert (profile.id, profile.version, profile.title) == ("minimal", "0.1", "Minimal profile")
    first = profile.requirements[0]
    assert isinstance(first, Requirement)
    assert (first.id, first.level, first.mode, first.checks) == ("MIN-API-01", Level.MUST, Mode.STATIC, ("spec.https-servers",))
    assert first.source[0].url == "https://www.gov.uk/guidance/gds-api-technical-and-data-standards"
    assert first.family == "API"  # derived from the id when not given
    assert first.origin == "tests/cases/profiles/valid/minimal.yaml"
    assert profile.files == ("tests/cases/profiles/valid/minimal.yaml",)


def test_extends_by_relative_path_overrides_removes_and_adds() -> None:
    profile = load_profile(VALID / "child.yaml")
    ids = [r.id for r in profile.requirements]
    assert ids == ["MIN-API-01", "MIN-ATT-01", "CHILD-EXP-01"]  # MIN-API-02 removed, order kept
    att = profile.requirement("MIN-ATT-01")
    assert att.level is Level.SHOULD and att.title == "No charge for API access or export"
    assert att.not_tested_reason == "A commercial term."  # fields not overridden are inherited
    assert att.origin == "tests/cases/profiles/valid/child.yaml"
    assert profile.requirement("MIN-API-01").origin == "tests/cases/profiles/valid/minimal.yaml"
    assert profile.title == "Minimal profile"  # inherited when the child gives none
    assert profile.files == ("tests/cases/profiles/valid/minimal.yaml", "tests/cases/profiles/valid/child.yaml")


def test_three_level_chain() -> None:
    profile = load_profile(VALID / "grandchild.yaml")
    assert profile.id == "grandchild" and len(profile.files) == 3
    assert profile.requirement("CHILD-EXP-01").level is Level.SHOULD


def test_profile_by_name_and_by_folder_are_the_same() -> None:
    assert load_profile("housing").sha256 == load_profile(HOUSING).sha256 == load_profile(HOUSING / "profile.yaml").sha256


def test_unknown_profile_name_suggests() -> None:
    with pytest.raises(ProfileError, match=r"unknown profile 'housin'; did you mean 'housing'\?"):
        load_profile("housin")


def test_example_borough_overlay_raises_a_should_and_adds_a_local_requirement() -> None:
    base = load_profile("housing")
    borough = load_profile("housing", [OVERLAY])
    assert base.requirement("HSG-EXP-06").level is Level.SHOULD
    raised = borough.requirement("HSG-EXP-06")
    assert raised.level is Level.MUST and raised.checks == ("export.incremental",)
    assert raised.origin == "housing/overlays/example-borough.yaml"
    local = borough.requirement("HSG-LOCAL-01")
    assert local.mode is Mode.ATTESTATION and local.not_tested_reason
    assert len(borough.requirements) == len(base.requirements) + 1
    assert borough.files == ("housing/profile.yaml", "housing/overlays/example-borough.yaml")
    assert borough.sha256 != base.sha256
    assert borough.lines["HSG-EXP-06"] == "housing/overlays/example-borough.yaml:13"


def test_overlay_that_extends_nothing_is_refused(tmp_path: Path) -> None:
    overlay = tmp_path / "lonely.yaml"
    overlay.write_text('id: lonely\nversion: "1"\noverrides: {HSG-EXP-06: {level: MUST}}\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="an overlay must 'extends' the profile it changes") as info:
        load_profile("housing", [overlay])
    assert "extends: housing" in (info.value.hint or "")


def test_missing_overlay_file() -> None:
    with pytest.raises(ProfileError, match="overlay file not found"):
        load_profile("housing", ["no/such/overlay.yaml"])


def test_overlay_adding_a_duplicate_requirement(tmp_path: Path) -> None:
    overlay = tmp_path / "dup.yaml"
    overlay.write_text(
        'id: dup\nversion: "1"\nextends: housing\nrequirements:\n'
        "  - {id: HSG-API-01, title: again, level: MAY, mode: static, statement: 'It MAY.', actor: system, since: '1.0.0',\n"
        "     status: active, evidence: {method: document-review, stages: [award]}, source: [{citation: x, anchor: 'https://e.org/p#s', quote: q}]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match=r"dup.yaml:5: duplicate requirement id 'HSG-API-01' \(first defined at housing/profile.yaml:\d+\)"):
        load_profile("housing", [overlay])


def test_sha256_pins_content_not_comments(tmp_path: Path) -> None:
    text = (VALID / "minimal.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yaml").write_text("# another comment\n" + text, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(text.replace("SHOULD", "MAY"), encoding="utf-8")
    a, b, c = (load_profile(tmp_path / n) for n in ("a.yaml", "b.yaml", "c.yaml"))
    assert a.sha256 == b.sha256
    assert a.sha256 != c.sha256


def test_resolved_is_plain_data_with_origins() -> None:
    resolved = load_profile(VALID / "child.yaml").resolved()
    assert resolved["id"] == "child"
    assert resolved["requirements"][1]["level"] == "SHOULD"
    assert resolved["requirements"][1]["origin"].endswith("child.yaml")
    assert "origin" not in load_profile(VALID / "child.yaml").resolved(with_origin=False)["requirements"][0]


def test_validate_check_ids_passes_for_known_ids() -> None:
    profile = load_profile(VALID / "child.yaml")
    validate_check_ids(profile, {"spec.https-servers", "export.available"})


def test_validate_check_ids_fails_with_did_you_mean() -> None:
    profile = load_profile(VALID / "child.yaml")
    with pytest.raises(ProfileError) as info:
        validate_check_ids(profile, {"spec.https-server", "export.available"})
    message = str(info.value)
    assert "minimal.yaml:6: MIN-API-01 names unknown check 'spec.https-servers'" in message
    assert "did you mean 'spec.https-server'?" in message


def test_list_profiles() -> None:
    listed = list_profiles()
    assert ("housing", "1.2.0", "Housing Services interoperability profile") in listed


def test_requirement_lookup_suggests() -> None:
    with pytest.raises(ProfileError, match="did you mean .HSG-EXP-06."):
        load_profile("housing").requirement("HSG-EPX-06")


def test_overlay_must_extend_the_loaded_profile(tmp_path: Path) -> None:
    overlay = tmp_path / "elsewhere.yaml"
    overlay.write_text(f'id: elsewhere\nversion: "1"\nextends: {VALID / "minimal.yaml"}\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"elsewhere.yaml:3: this overlay extends .*minimal.yaml', which is not part of the profile being loaded \(housing\)"):
        load_profile("housing", [overlay])


def test_two_overlays_apply_in_order(tmp_path: Path) -> None:
    second = tmp_path / "second.yaml"
    second.write_text(
        f'id: second\nversion: "1"\nextends: {OVERLAY}\noverrides:\n  HSG-LOCAL-01: {{level: SHOULD, statement: "Data SHOULD stay in the UK."}}\n', encoding="utf-8"
    )
    profile = load_profile("housing", [OVERLAY, second])
    assert profile.id == "second"
    assert profile.requirement("HSG-LOCAL-01").level is Level.SHOULD
    assert profile.requirement("HSG-EXP-06").level is Level.MUST
    assert len(profile.files) == 3
