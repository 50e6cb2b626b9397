"""The tender annex as one self-contained, printable HTML page (inline CSS, no scripts, nothing fetched)."""

from __future__ import annotations

import html

from interopcheck.profile.annex_blocks import (
    Annex, Block, Bullets, Code, Fields, Link, Para, RequirementEntry, Section, Subsection, Table, Text,
)

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;line-height:1.5;color:#0b0c0c;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem}h2{font-size:1.35rem;border-bottom:2px solid #0b0c0c;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.1rem;margin-bottom:.3rem}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f2f1}
.req{border-left:4px solid #b1b4b6;padding:.2rem 0 .2rem 1rem;margin:1rem 0;break-inside:avoid;page-break-inside:avoid}
.req.MUST{border-left-color:#d4351c}.req.SHOULD{border-left-color:#f47738}.req.MAY{border-left-color:#505a5f}
.departure{font-weight:700;font-size:.85rem;padding:0 .3rem;background:#fff7bf;border:1px solid #594d00;border-radius:3px}
.statement{font-weight:700}
blockquote{margin:.5rem 0 .5rem 1rem;padding-left:.8rem;border-left:3px solid #b1b4b6}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}dt{font-weight:700}dd{margin:0}dd.note{grid-column:2;color:#505a5f}
pre{background:#f3f2f1;padding:.6rem;overflow-x:auto;font-size:.85rem;white-space:pre-wrap}
.meta{color:#505a5f}
@media print{body{max-width:none;margin:0;font-size:10.5pt}a{color:#0b0c0c}a[href^="http"]::after{content:" (" attr(href) ")";font-size:.8em;word-break:break-all}h2{break-after:avoid}}
"""


def _e(value: object) -> str:
    """HTML-escaped text, quotes included (safe in attributes)."""
    return html.escape(str(value), quote=True)


def _runs(runs: Text) -> str:
    """Runs as HTML, links as anchors."""
    return "".join(f'<a href="{_e(r.url)}">{_e(r.text)}</a>' if isinstance(r, Link) else _e(r) for r in runs)


def _block(block: Block) -> str:
    """One block as HTML."""
    if isinstance(block, Para):
        if block.style == "quote":
            return f"<blockquote><p>{_runs(block.runs)}</p></blockquote>"
        css = f' class="{_e(block.style)}"' if block.style else ""
        return f"<p{css}>{_runs(block.runs)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_runs(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        head = "".join(f'<th scope="col">{_e(h)}</th>' for h in block.header)
        rows = "".join("<tr>" + "".join(f"<td>{_runs(cell)}</td>" for cell in row) + "</tr>" for row in block.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    if isinstance(block, Fields):
        parts = []
        for item in block.items:
            subs = "<ul>" + "".join(f"<li>{_runs(s)}</li>" for s in item.items) + "</ul>" if item.items else ""
            parts.append(f"<dt>{_e(item.label)}</dt><dd>{_runs(item.value)}{subs}</dd>")
            if item.note:
                parts.append(f'<dd class="note">{_e(item.note)}</dd>')
        return "<dl>" + "".join(parts) + "</dl>"
    if isinstance(block, Code):
        return f"<pre><code>{_e(block.text)}</code></pre>"
    raise TypeError(f"unknown annex block {block!r}")


def _part(part: Subsection | RequirementEntry) -> str:
    """A subsection, or a requirement as an anchored section with its numbered heading."""
    inner = "".join(_block(b) for b in part.blocks)
    if isinstance(part, RequirementEntry):
        badge = f' <span class="departure">{_e(part.departure)}</span>' if part.departure else ""
        return (
            f'<section class="req {_e(part.level)}" id="{_e(part.id)}" aria-labelledby="{_e(part.id)}-h">'
            f'<h3 id="{_e(part.id)}-h">{_e(part.heading)}{badge}</h3>{inner}</section>'
        )
    anchor = f' id="{_e(part.anchor)}"' if part.anchor else ""
    return f"<section{anchor}><h3>{_e(part.title)}</h3>{inner}</section>"


def _section(section: Section) -> str:
    """A top-level section with its anchor."""
    body = "".join(_block(b) for b in section.blocks) + "".join(_part(p) for p in section.parts)
    return f'<section id="{_e(section.anchor)}"><h2>{_e(section.title)}</h2>{body}</section>'


def render_html(annex: Annex) -> str:
    """The annex as one HTML page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(annex.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_e(annex.title)}</h1>",
        f'<p class="meta">{_runs(annex.meta)}</p>',
        *(_block(b) for b in annex.intro),
        *(_section(s) for s in annex.sections),
        f'<p class="meta">{_e(annex.footer)}</p>',
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
