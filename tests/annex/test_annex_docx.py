"""The DOCX annex opens with python-docx and keeps its structure when pasted: real Heading styles, one
numbered Heading 3 per requirement, tables with a header row marked as such, real hyperlinks."""

from __future__ import annotations

import io
import re

import docx
import pytest
from docx.oxml.ns import qn

from interopcheck.profile.load import load_profile
from interopcheck.profile.render import render_annex_bytes

from .conftest import TITLES

OVERLAY = "profiles/housing/overlays/example-borough.yaml"


@pytest.fixture(scope="module")
def document():  # type: ignore[no-untyped-def]
    core = load_profile("housing")
    profile = load_profile("housing", [OVERLAY])
    data = render_annex_bytes(profile, ["docx"], TITLES, core)["docx"]
    return profile, docx.Document(io.BytesIO(data))


def test_one_numbered_heading_per_requirement(document) -> None:  # type: ignore[no-untyped-def]
    profile, doc = document
    numbered = [p.text for p in doc.paragraphs if p.style.name == "Heading 3" and re.match(r"^\d+\. ", p.text)]
    expected = [f"{i}. {r.id}: {r.title} ({r.level.value})" for i, r in enumerate(profile.requirements, 1)]
    assert numbered == expected


def test_sections_use_real_heading_styles(document) -> None:  # type: ignore[no-untyped-def]
    _, doc = document
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3"} <= styles
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1[:3] == ["Preamble", "How conformance is tested and reported", "Modules"]
    assert "Glossary" in h1 and "Appendix B: the declaration template" in h1
    assert doc.core_properties.title.endswith("interoperability annex")


def test_tables_have_a_marked_header_row(document) -> None:  # type: ignore[no-untyped-def]
    _, doc = document
    assert len(doc.tables) > 10
    for table in doc.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    glance = next(t for t in doc.tables if t.rows[0].cells[1].text == "ID" and t.rows[0].cells[0].text == "No.")
    assert [c.text for c in glance.rows[1].cells][:3] == ["1", "HSG-API-01", "MUST"]


def test_links_are_hyperlinks(document) -> None:  # type: ignore[no-untyped-def]
    _, doc = document
    targets = {rel.target_ref for rel in doc.part.rels.values() if rel.reltype.endswith("/hyperlink")}
    assert "https://www.legislation.gov.uk/ukpga/2023/54/section/23/enacted" in targets
    assert "https://loti.london/resources/tender-wording-data-access-api/" in targets
