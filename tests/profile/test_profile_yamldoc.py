"""Bad-input messages of yamldoc: empty files get a real line, hints name the file type's own keys, lines by pointer."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.declaration import load_declaration
from interopcheck.errors import DeclarationError, ProfileError
from interopcheck.profile.load import load_profile
from interopcheck.profile.yamldoc import read_yaml

from .conftest import HOUSING


@pytest.mark.parametrize("text", ["", "# only a comment\n"], ids=["empty", "comment-only"])
def test_empty_declaration_has_line_1_and_declaration_keys(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load_declaration(path)
    message = str(info.value)
    assert f"{path}:1: a declaration must be a YAML mapping at the top level; this file is empty" in message
    assert "None" not in message
    assert info.value.hint == "start the file with keys such as 'declaration_version:', 'profile:', 'supplier:' and 'entities:'"


def test_empty_profile_has_line_1_and_profile_keys(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert "empty.yaml:1: a profile must be a YAML mapping at the top level; this file is empty" in str(info.value)
    assert "None" not in str(info.value)
    assert info.value.hint == "start the file with keys such as 'id:' and 'version:'"


def test_top_level_list_declaration_hint_names_declaration_keys(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- profile: housing\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as info:
        load_declaration(path)
    assert f"{path}:1: a declaration must be a YAML mapping at the top level; this file holds a list" in str(info.value)
    assert "'id:'" not in (info.value.hint or "") and "'declaration_version:'" in (info.value.hint or "")


def test_pointer_lines_and_declaration_line_of() -> None:
    template = HOUSING / "declaration.template.yaml"
    lines = read_yaml(template, DeclarationError).pointer_lines()
    text = template.read_text(encoding="utf-8").splitlines()
    assert text[lines["/profile"] - 1].startswith("profile: housing")
    assert "/priority: /priority/code" in text[lines["/entities/repair/fields/~1priority"] - 1]
    assert "requirement: HSG-ATT-01" in text[lines["/attestations/0/requirement"] - 1]
    decl = load_declaration(template)
    assert decl.line_of(["entities", "repair", "fields", "/priority"]) == lines["/entities/repair/fields/~1priority"]
    assert decl.line_of(["entities", "repair", "no-such-key"]) == lines["/entities/repair"]  # the nearest parent
