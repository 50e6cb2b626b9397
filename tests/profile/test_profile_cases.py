"""Every case file under tests/cases/profiles and tests/cases/declarations loads, or fails as it promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.declaration import Declaration, load_declaration
from interopcheck.errors import DeclarationError, ExitCode, ProfileError
from interopcheck.profile.load import Profile, load_profile

from .conftest import CASES, expected_fragment

PROFILE_VALID = sorted((CASES / "profiles" / "valid").glob("*.yaml"))
PROFILE_INVALID = sorted((CASES / "profiles" / "invalid").glob("*.yaml"))
DECL_VALID = sorted((CASES / "declarations" / "valid").glob("*.yaml"))
DECL_INVALID = sorted((CASES / "declarations" / "invalid").glob("*.yaml"))


def test_case_folders_are_populated() -> None:
    assert len(PROFILE_VALID) >= 4 and len(PROFILE_INVALID) >= 15
    assert len(DECL_VALID) >= 2 and len(DECL_INVALID) >= 8


@pytest.mark.parametrize("path", PROFILE_VALID, ids=lambda p: p.name)
def test_valid_profile_cases_load(path: Path) -> None:
    profile = load_profile(path)
    assert isinstance(profile, Profile)
    assert profile.requirements and len(profile.sha256) == 64


@pytest.mark.parametrize("path", PROFILE_INVALID, ids=lambda p: p.name)
def test_invalid_profile_cases_fail_with_their_message(path: Path) -> None:
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert expected_fragment(path) in str(info.value)
    assert info.value.exit_code is ExitCode.BAD_INPUT
    assert info.value.hint, "every profile error carries a fix"


@pytest.mark.parametrize("path", DECL_VALID, ids=lambda p: p.name)
def test_valid_declaration_cases_load(path: Path) -> None:
    declaration = load_declaration(path)
    assert isinstance(declaration, Declaration)
    assert declaration.entities and len(declaration.sha256) == 64


@pytest.mark.parametrize("path", DECL_INVALID, ids=lambda p: p.name)
def test_invalid_declaration_cases_fail_with_their_message(path: Path) -> None:
    with pytest.raises(DeclarationError) as info:
        load_declaration(path)
    assert expected_fragment(path) in str(info.value)
    assert info.value.exit_code is ExitCode.BAD_INPUT
    assert info.value.hint
