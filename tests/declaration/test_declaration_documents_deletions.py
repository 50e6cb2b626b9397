"""The `documents:` and `deletions:` declaration keys (HSG-API-27, HSG-EXP-10): schema, loader, template."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from interopcheck.declaration import DeletionsDecl, DocumentsDecl, load_declaration
from interopcheck.errors import DeclarationError

TEMPLATE = Path(__file__).resolve().parents[2] / "profiles" / "housing" / "declaration.template.yaml"


def test_the_template_declares_document_downloads_and_deletions() -> None:
    decl = load_declaration(TEMPLATE)
    assert decl.documents == DocumentsDecl("getDocumentContent", "/download_url", "/media_type", "/byte_count")
    assert decl.deletions == DeletionsDecl("listDeletions", "since", "/data", "/links/next", "/entity", "/id", "/deleted_at", "/deleted")


def test_defaults_fill_the_pointers(tmp_path: Path) -> None:
    data = yaml.safe_load(TEMPLATE.read_text())
    data["documents"] = {"content": "GET /v1/documents/{id}/content"}
    data["deletions"] = {"collection": "listDeletions", "since_param": "since"}
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(data))
    decl = load_declaration(path)
    assert decl.documents is not None and decl.documents.size_field == "/byte_count"
    assert decl.deletions is not None and decl.deletions.manifest_pointer == "/deleted" and decl.deletions.next_pointer is None


@pytest.mark.parametrize(("key", "value"), [("documents", {"url_field": "/x"}), ("deletions", {"collection": "listDeletions"}), ("deletions", {"collection": "x", "since_param": "since", "extra": 1})])
def test_incomplete_or_unknown_entries_are_bad_input(tmp_path: Path, key: str, value: dict[str, object]) -> None:
    data = yaml.safe_load(TEMPLATE.read_text())
    data[key] = value
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(DeclarationError):
        load_declaration(path)
