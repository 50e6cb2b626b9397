"""The declaration's `modules`: the modules the product offers; absent means every module."""

from __future__ import annotations

from pathlib import Path

import pytest

from interopcheck.declaration import load_declaration
from interopcheck.errors import DeclarationError
from interopcheck.sandbox.server import DECLARATION_PATH

from .conftest import HOUSING

TEMPLATE = HOUSING / "declaration.template.yaml"


def test_template_offers_the_repairs_module_it_declares_the_entities_of() -> None:
    declaration = load_declaration(TEMPLATE)
    assert declaration.modules == ("repairs",)
    assert set(declaration.entities) == {"property", "repair"}  # the entities of the repairs module


def test_template_no_longer_says_an_omitted_entity_is_not_provided() -> None:
    text = " ".join(line.lstrip("# ") for line in TEMPLATE.read_text(encoding="utf-8").splitlines())
    assert "not provided" not in text
    assert "reported as not applicable" in text and "fails HSG-DATA-15" in text
    assert "fails that entity's requirement" in text


def test_declaration_without_modules_offers_every_module() -> None:
    assert load_declaration(DECLARATION_PATH).modules is None


@pytest.mark.parametrize(("value", "fragment"), [("[]", "should be non-empty"), ("[Repairs]", "does not match"), ("[repairs, repairs]", "non-unique")])
def test_schema_refuses_bad_module_lists(tmp_path: Path, value: str, fragment: str) -> None:
    path = tmp_path / "declaration.yaml"
    path.write_text(TEMPLATE.read_text(encoding="utf-8").replace("modules: [repairs]", f"modules: {value}"), encoding="utf-8")
    with pytest.raises(DeclarationError, match=fragment):
        load_declaration(path)
