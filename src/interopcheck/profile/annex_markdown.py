"""The tender annex as Markdown: headings, numbered requirement headings, pipe tables, a fenced template."""

from __future__ import annotations

from interopcheck.profile.annex_blocks import (
    Annex, Block, Bullets, Code, Fields, Link, Para, RequirementEntry, Section, Table, Text,
)


def _escape(value: str) -> str:
    """Text made safe for one table cell (pipes escaped, line breaks removed)."""
    return value.replace("|", "\\|").replace("\n", " ")


def _runs(runs: Text, cell: bool = False) -> str:
    """Runs as Markdown; links to an anchor in the annex are shown as their text."""
    out = []
    for run in runs:
        if isinstance(run, Link):
            label = run.text.replace("[", "\\[").replace("]", "\\]")
            out.append(label if run.url.startswith("#") else f"[{label}]({run.url})")
        else:
            out.append(run)
    joined = "".join(out)
    return _escape(joined) if cell else joined


def _block(block: Block) -> list[str]:
    """One block as Markdown lines, followed by a blank line."""
    if isinstance(block, Para):
        body = _runs(block.runs)
        return [f"> {body}" if block.style == "quote" else f"**{body}**" if block.style == "statement" else body, ""]
    if isinstance(block, Bullets):
        return [f"- {_runs(item)}" for item in block.items] + [""]
    if isinstance(block, Table):
        lines = ["| " + " | ".join(_escape(h) for h in block.header) + " |", "|" + "---|" * len(block.header)]
        lines += ["| " + " | ".join(_runs(cell, cell=True) for cell in row) + " |" for row in block.rows]
        return lines + [""]
    if isinstance(block, Fields):
        lines = []
        for item in block.items:
            note = f" ({item.note})" if item.note else ""
            lines.append(f"- **{item.label}:** {_runs(item.value)}{note}")
            lines += [f"  - {_runs(sub)}" for sub in item.items]
        return lines + [""]
    if isinstance(block, Code):
        fence = "````" if "```" in block.text else "```"
        return [fence + block.language, block.text.rstrip("\n"), fence, ""]
    raise TypeError(f"unknown annex block {block!r}")


def _section(section: Section) -> list[str]:
    """A section, its subsections at level 3 and requirements as numbered level-3 headings."""
    lines = [f"## {section.title}", ""]
    for block in section.blocks:
        lines += _block(block)
    for part in section.parts:
        lines += [f"### {part.heading if isinstance(part, RequirementEntry) else part.title}", ""]
        for block in part.blocks:
            lines += _block(block)
    return lines


def render_markdown(annex: Annex) -> str:
    """The annex as one Markdown document."""
    lines = [f"# {annex.title}", "", _runs(annex.meta), ""]
    for block in annex.intro:
        lines += _block(block)
    for section in annex.sections:
        lines += _section(section)
    lines.append(annex.footer)
    return "\n".join(lines) + "\n"
