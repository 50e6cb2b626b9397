"""The tender annex as a Word document (python-docx), built to survive being pasted into a council's template.

Only the built-in styles every Word template has are used: Title, Heading 1-3, Normal, Quote, List Bullet,
No Spacing and Table Grid, so pasted text takes on the council's own fonts and numbering. Each requirement
is a Heading 3 whose text carries its number, ID, title and level (the number is text, not a list field, so
it cannot be renumbered by the template it lands in). Tables mark their first row as a header row, repeated
on each page. Links are real hyperlinks.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from interopcheck.profile.annex_blocks import (
    Annex, Block, Bullets, Code, Fields, Link, Para, RequirementEntry, Section, Table, Text,
)


def _hyperlink(paragraph: Paragraph, link: Link) -> None:
    """Append a real external hyperlink run (python-docx has no public call for one)."""
    rel = paragraph.part.relate_to(link.url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    node = OxmlElement("w:hyperlink")
    node.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:u")
    style.set(qn("w:val"), "single")
    props.append(style)
    run.append(props)
    body = OxmlElement("w:t")
    body.text = link.text
    body.set(qn("xml:space"), "preserve")
    run.append(body)
    node.append(run)
    paragraph._p.append(node)


def _add_runs(paragraph: Paragraph, runs: Text, *, bold: bool = False) -> Paragraph:
    """Fill a paragraph with text runs and hyperlinks (links to places in the annex become plain text)."""
    for run in runs:
        if isinstance(run, Link) and not run.url.startswith("#"):
            _hyperlink(paragraph, run)
        else:
            paragraph.add_run(run.text if isinstance(run, Link) else run).bold = bold or None
    return paragraph


def _header_row(table: DocxTable) -> None:
    """Mark the first row as a header row (bold, repeated at the top of each page)."""
    props = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _table(doc: DocxDocument, block: Table) -> None:
    """A grid table with a header row."""
    table = doc.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, block.header, strict=True):
        cell.paragraphs[0].add_run(label).bold = True
    _header_row(table)
    for row in block.rows:
        cells = table.add_row().cells
        for cell, runs in zip(cells, row, strict=True):
            _add_runs(cell.paragraphs[0], runs)


def _block(doc: DocxDocument, block: Block) -> None:
    """One block as Word paragraphs or a table."""
    if isinstance(block, Para):
        style = "Quote" if block.style == "quote" else None
        _add_runs(doc.add_paragraph(style=style), block.runs, bold=block.style == "statement")
    elif isinstance(block, Bullets):
        for item in block.items:
            _add_runs(doc.add_paragraph(style="List Bullet"), item)
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Fields):
        for item in block.items:
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{item.label}: ").bold = True
            _add_runs(paragraph, item.value)
            if item.note:
                paragraph.add_run(f" ({item.note})")
            for sub in item.items:
                _add_runs(doc.add_paragraph(style="List Bullet"), sub)
    elif isinstance(block, Code):
        run = doc.add_paragraph(style="No Spacing").add_run(block.text.rstrip("\n"))
        run.font.name = "Courier New"
        run.font.size = Pt(8)
    else:
        raise TypeError(f"unknown annex block {block!r}")


def _section(doc: DocxDocument, section: Section) -> None:
    """A section as Heading 1, its parts as Heading 2 (subsections) or numbered Heading 3 (requirements)."""
    doc.add_heading(section.title, level=1)
    for block in section.blocks:
        _block(doc, block)
    for part in section.parts:
        doc.add_heading(part.heading if isinstance(part, RequirementEntry) else part.title, level=3 if isinstance(part, RequirementEntry) else 2)
        for block in part.blocks:
            _block(doc, block)


def render_docx(annex: Annex) -> bytes:
    """The annex as the bytes of a .docx file."""
    doc = Document()
    doc.core_properties.title = annex.title
    doc.core_properties.author = "interopcheck"
    doc.add_heading(annex.title, level=0)
    _add_runs(doc.add_paragraph(), annex.meta)
    for block in annex.intro:
        _block(doc, block)
    for section in annex.sections:
        _section(doc, section)
    doc.add_paragraph(annex.footer)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
