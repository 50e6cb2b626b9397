"""The building blocks of the tender annex: a small document model every writer (Markdown, HTML, DOCX) renders.

The content is decided once (profile/annex_model.py) and each writer only lays it out, so the three
formats say the same thing and the glossary can be checked against the annex's own text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """Text that links to a URL."""

    text: str
    url: str


Run = str | Link
Text = tuple[Run, ...]


def text(*runs: Run | None) -> Text:
    """A run sequence, empty runs left out."""
    return tuple(r for r in runs if r)


def plain(runs: Text) -> str:
    """The words of `runs` as one string (links give their text)."""
    return "".join(r.text if isinstance(r, Link) else r for r in runs)


@dataclass(frozen=True)
class Para:
    """A paragraph; `style` is "" (body), "quote" (a verbatim quotation), "statement" (a normative sentence) or "meta"."""

    runs: Text
    style: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, each item one line of text."""

    items: tuple[Text, ...]


@dataclass(frozen=True)
class Table:
    """A table with a header row; each cell is text."""

    header: tuple[str, ...]
    rows: tuple[tuple[Text, ...], ...]


@dataclass(frozen=True)
class Field:
    """One labelled fact of a requirement: its value, an optional note, and sub-items (a source's quote, a check)."""

    label: str
    value: Text
    note: str | None = None
    items: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Fields:
    """The labelled facts of a requirement or a setting list."""

    items: tuple[Field, ...]


@dataclass(frozen=True)
class Code:
    """Preformatted text (the declaration template), shown as it is."""

    text: str
    language: str = ""


Block = Para | Bullets | Table | Fields | Code


@dataclass(frozen=True)
class RequirementEntry:
    """One requirement: its number, ID, title and level in a heading, then its statement and facts."""

    number: int
    id: str
    title: str
    level: str
    blocks: tuple[Block, ...]
    departure: str | None = None  # the departure's kind (raised, lowered, added, changed) when the overlay changed it

    @property
    def heading(self) -> str:
        """The numbered heading, the same in every format: `12. HSG-API-12: Title (MUST)`."""
        return f"{self.number}. {self.id}: {self.title} ({self.level})"


@dataclass(frozen=True)
class Subsection:
    """A titled part of a section."""

    title: str
    blocks: tuple[Block, ...]
    anchor: str | None = None


@dataclass(frozen=True)
class Section:
    """A top-level section of the annex: its blocks, then its subsections or requirements."""

    title: str
    anchor: str
    blocks: tuple[Block, ...] = ()
    parts: tuple[Subsection | RequirementEntry, ...] = ()


@dataclass(frozen=True)
class Annex:
    """The whole annex: title, the line that pins the profile, and its sections in order."""

    title: str
    meta: Text
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]
    footer: str


def block_words(block: Block) -> Iterator[str]:
    """Every piece of text a block shows."""
    if isinstance(block, Para):
        yield plain(block.runs)
    elif isinstance(block, Bullets):
        yield from (plain(item) for item in block.items)
    elif isinstance(block, Table):
        yield from block.header
        yield from (plain(cell) for row in block.rows for cell in row)
    elif isinstance(block, Fields):
        for item in block.items:
            yield item.label
            yield plain(item.value)
            yield item.note or ""
            yield from (plain(sub) for sub in item.items)
    elif isinstance(block, Code):
        yield block.text


def section_words(section: Section) -> Iterator[str]:
    """Every piece of text a section shows, headings included."""
    yield section.title
    for block in section.blocks:
        yield from block_words(block)
    for part in section.parts:
        yield part.heading if isinstance(part, RequirementEntry) else part.title
        for block in part.blocks:
            yield from block_words(block)
