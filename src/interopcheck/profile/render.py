"""Render a profile as the interoperability annex a borough pastes into a tender (Markdown or HTML).

The annex cites the same requirement IDs the conformance report later cites, and says for each
one how it will be tested, so suppliers know before bidding exactly what will be checked.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Literal

from interopcheck.errors import UsageError
from interopcheck.model import Level, Mode, Requirement
from interopcheck.profile.load import Profile

Format = Literal["md", "html"]

FAMILY_TITLES: dict[str, str] = {
    "API": "API design and behaviour",
    "DATA": "Data: the housing entities and their standards",
    "EXP": "Bulk export of the council's data",
    "RET": "Statutory returns and regulatory measures",
    "SEC": "Security",
    "ATT": "Supplier attestations",
    "LOCAL": "Local requirements",
}

INTRO = (
    "This annex sets out the interoperability requirements of the housing management system being "
    "procured. Each requirement has a stable identifier, a level and a source. Bidders answer them in "
    "a supplier declaration (profiles/housing/declaration.template.yaml) and make a sandbox and a bulk "
    "export available; the council then tests the product with interopcheck, and the conformance report "
    "cites the same identifiers as this annex."
)

LEVELS = (
    ("MUST", "an absolute requirement: the product is not conformant unless it is met."),
    ("SHOULD", "expected; not meeting it is reported as a warning and weighs on the score, not the verdict."),
    ("MAY", "optional; meeting it counts in the score."),
)

MODES: dict[Mode, str] = {
    Mode.STATIC: "checked automatically against the supplier's published OpenAPI description and declaration",
    Mode.LIVE: "tested automatically against the supplier's sandbox over HTTPS",
    Mode.EXPORT: "tested automatically by downloading and checking every record of the bulk export",
    Mode.ATTESTATION: "signed by the supplier in its declaration; no machine can verify it",
}

OUTCOMES = (
    ("pass", "every check of the requirement passed."),
    ("fail", "a check found the requirement not met (for a SHOULD or MAY this is reported as warn)."),
    ("warn", "a SHOULD or MAY requirement is not met."),
    ("attested", "the supplier signed an attestation for it; this is a claim, not a test result."),
    ("skip", "it could not be tested because an input was missing (for example no sandbox was given)."),
    ("not applicable", "it does not apply to this product (for example TLS when testing over plain loopback HTTP)."),
    ("error", "the test itself or the sandbox broke; never counted as a pass, and never as the supplier's failure."),
)

VERDICT = (
    "The verdict is conformant only when every MUST requirement passed, was attested or does not apply. "
    "It is not conformant when any MUST failed, and incomplete when no MUST failed but one errored or was "
    "skipped. A weighted score (MUST 3, SHOULD 2, MAY 1) is printed for comparison between bids, with its "
    "formula; the verdict never depends on it. Every finding in the report carries its evidence: the "
    "request and response, or the place in the API description."
)


MODULES_TEXT = (
    "The requirements on data are grouped into modules that match how housing systems are bought. "
    "The tender picks the modules it requires; the supplier's declaration lists the modules its product "
    "offers (a declaration that lists none offers every module). A requirement of a module that the tender "
    "does not require and the product does not offer does not apply, and is reported as not applicable "
    "with that reason. A required module that the product does not offer fails HSG-DATA-15 (if the profile "
    "has it). Inside a required or offered module, every entity of the module must be served: an entity the "
    "declaration leaves out fails its requirement. Requirements without a module apply to every tender."
)


def tender_modules(profile: Profile) -> str:
    """The sentence saying which modules this tender requires (from the overlay), or that it picks them."""
    if profile.require_modules is not None:
        return f"This tender requires these modules: {', '.join(profile.require_modules)}."
    return (
        "This profile does not name the tender's modules: unless the borough's overlay lists them "
        "(require_modules) or the evaluation names them (--require-modules), every module is required."
    )


def year_text(profile: Profile) -> str | None:
    """The sentence on the collection year code lists are checked against, or None when the profile names none."""
    if profile.standards_year is None:
        return None

    def label(year: int) -> str:
        return f"{year}/{(year + 1) % 100:02d}"

    others = [label(y) for y in profile.standards_years if y != profile.standards_year]
    choice = f"; the evaluation may choose another of {', '.join(others)}" if others else ""
    return f"Code lists are checked against the {label(profile.standards_year)} collection year (standards_year){choice}."


def module_rows(profile: Profile) -> list[tuple[str, str, str, str]]:
    """(module id, title, entities, requirement ids) for each module of the profile."""
    rows = []
    for module in profile.modules:
        reqs = [r.id for r in profile.requirements if module.id in r.modules]
        rows.append((module.id, module.title, ", ".join(module.entities), ", ".join(reqs) or "-"))
    return rows


def render_annex(profile: Profile, fmt: Format | str = "md", check_titles: Mapping[str, str] | None = None) -> str:
    """The tender annex for `profile` as Markdown (`md`) or a self-contained HTML page (`html`)."""
    titles = dict(check_titles) if check_titles is not None else registered_titles()
    if fmt == "md":
        return _markdown(profile, titles)
    if fmt == "html":
        return _html(profile, titles)
    raise UsageError(f"unknown annex format {fmt!r}", hint="use md or html")


def registered_titles() -> dict[str, str]:
    """Check id -> title from the check registry; empty when the check modules cannot be loaded."""
    try:
        from interopcheck.checks.registry import all_checks

        return {cid: spec.title for cid, spec in all_checks().items()}
    except Exception:  # noqa: BLE001 - the annex still renders with check ids alone
        return {}


def families(profile: Profile) -> list[tuple[str, list[Requirement]]]:
    """The profile's requirements grouped by family, families in order of first appearance."""
    groups: dict[str, list[Requirement]] = {}
    for req in profile.requirements:
        groups.setdefault(req.family or "OTHER", []).append(req)
    return list(groups.items())


def how_tested(req: Requirement, titles: Mapping[str, str]) -> tuple[str, list[str]]:
    """A sentence on how `req` will be decided, and one line per check (title and id)."""
    if req.checks:
        lines = []
        for check_id in req.checks:
            where = _WHERE.get(check_id.split(".", 1)[0], _WHERE_OF_MODE.get(req.mode, ""))
            named = f"{titles[check_id]} ({check_id})" if check_id in titles else check_id
            lines.append(f"{named}, {where}" if where else named)
        return "Decided automatically by these checks; it passes when every check passes or does not apply:", lines
    if req.mode is Mode.ATTESTATION:
        return f"Signed attestation by the supplier in its declaration. Not tested by machine: {req.not_tested_reason}", []
    return f"Not tested by machine: {req.not_tested_reason or 'no check decides this requirement.'}", []


_WHERE = {
    "spec": "checked on the published API description",
    "data": "checked on the API description against the supplier's declaration",
    "live": "tested on the sandbox",
    "export": "tested on the bulk export",
}
_WHERE_OF_MODE = {Mode.STATIC: _WHERE["spec"], Mode.LIVE: _WHERE["live"], Mode.EXPORT: _WHERE["export"]}


def _family_title(code: str) -> str:
    """The heading of a family code (`API` -> "API design and behaviour")."""
    return FAMILY_TITLES.get(code, code)


# ------------------------------------------------------------------------------------- Markdown


def _md_text(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _md_link(citation: str, url: str | None) -> str:
    """A Markdown link to a source, or the bare citation when it has no URL."""
    label = citation.replace("[", "\\[").replace("]", "\\]")
    return f"[{label}]({url})" if url else label


def _markdown(profile: Profile, titles: Mapping[str, str]) -> str:
    """The annex as Markdown."""
    out = [f"# {profile.title}: interoperability annex", ""]
    out += [f"Profile `{profile.id}` version {profile.version} (sha256 `{profile.sha256[:16]}`).", ""]
    if profile.description:
        out += [profile.description, ""]
    out += ["## Introduction", "", INTRO, ""]
    out += ["## How conformance is tested and reported", ""]
    out += ["Levels, as in RFC 2119:", ""] + [f"- **{name}**: {text}" for name, text in LEVELS] + [""]
    out += ["How a requirement is tested:", ""] + [f"- **{mode.value}**: {text}." for mode, text in MODES.items()] + [""]
    out += ["Each requirement ends with one outcome:", ""] + [f"- **{name}**: {text}" for name, text in OUTCOMES] + [""]
    out += [VERDICT, ""]
    if year_text(profile):
        out += [year_text(profile) or "", ""]
    if profile.modules:
        out += ["## Modules", "", MODULES_TEXT, "", tender_modules(profile), ""]
        out += ["| Module | Title | Entities | Requirements |", "|---|---|---|---|"]
        out += [f"| {mid} | {_md_text(title)} | {ents} | {reqs} |" for mid, title, ents, reqs in module_rows(profile)]
        out.append("")
    out += ["## Requirements at a glance", "", "| ID | Level | Mode | Requirement |", "|---|---|---|---|"]
    out += [f"| {r.id} | {r.level.value} | {r.mode.value} | {_md_text(r.title)} |" for r in profile.requirements]
    out.append("")
    for code, reqs in families(profile):
        out += [f"## {_family_title(code)}", ""]
        for req in reqs:
            out += [f"### {req.id}: {req.title} ({req.level.value})", ""]
            if req.description:
                out += [req.description, ""]
            out.append(f"- **Level:** {req.level.value}; **mode:** {req.mode.value}")
            if req.modules:
                out.append(f"- **Modules:** {', '.join(req.modules)} (applies when the tender requires or the product offers one of them)")
            out.append("- **Source:** " + "; ".join(_md_link(s.citation, s.url) for s in req.source))
            sentence, lines = how_tested(req, titles)
            out.append(f"- **How it will be tested:** {sentence}")
            out += [f"  - {line}" for line in lines]
            out.append("")
    musts = sum(r.level is Level.MUST for r in profile.requirements)
    out.append(f"{len(profile.requirements)} requirements, {musts} of them MUST. Profile files: {', '.join(profile.files)}.")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------ HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;line-height:1.5;color:#0b0c0c;max-width:60rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.8rem}h2{font-size:1.35rem;border-bottom:2px solid #0b0c0c;padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.1rem;margin-bottom:.3rem}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{border:1px solid #b1b4b6;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f2f1}
.req{border-left:4px solid #b1b4b6;padding:.2rem 0 .2rem 1rem;margin:1rem 0;break-inside:avoid;page-break-inside:avoid}
.req.MUST{border-left-color:#d4351c}.req.SHOULD{border-left-color:#f47738}.req.MAY{border-left-color:#505a5f}
.level{font-weight:700;font-size:.85rem;padding:0 .3rem;border:1px solid currentColor;border-radius:3px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}dt{font-weight:700}dd{margin:0}
.meta{color:#505a5f}
@media print{body{max-width:none;margin:0;font-size:10.5pt}a{color:#0b0c0c}a[href]::after{content:" (" attr(href) ")";font-size:.8em;word-break:break-all}h2{break-after:avoid}}
"""


def _e(text: object) -> str:
    """HTML-escaped text, quotes included (safe in attributes)."""
    return html.escape(str(text), quote=True)


def _html(profile: Profile, titles: Mapping[str, str]) -> str:
    """The annex as one self-contained, printable HTML page (inline CSS, no scripts)."""
    title = f"{profile.title}: interoperability annex"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">Profile <code>{_e(profile.id)}</code> version {_e(profile.version)} '
        f"(sha256 <code>{_e(profile.sha256[:16])}</code>).</p>",
    ]
    if profile.description:
        parts.append(f"<p>{_e(profile.description)}</p>")
    parts += ["<h2>Introduction</h2>", f"<p>{_e(INTRO)}</p>", "<h2>How conformance is tested and reported</h2>"]
    parts += ["<p>Levels, as in RFC 2119:</p>", _dl((name, text) for name, text in LEVELS)]
    parts += ["<p>How a requirement is tested:</p>", _dl((m.value, t + ".") for m, t in MODES.items())]
    parts += ["<p>Each requirement ends with one outcome:</p>", _dl(OUTCOMES), f"<p>{_e(VERDICT)}</p>"]
    if year_text(profile):
        parts.append(f"<p>{_e(year_text(profile))}</p>")
    if profile.modules:
        parts += ["<h2>Modules</h2>", f"<p>{_e(MODULES_TEXT)}</p>", f"<p>{_e(tender_modules(profile))}</p>"]
        parts.append(
            '<table><thead><tr><th scope="col">Module</th><th scope="col">Title</th><th scope="col">Entities</th>'
            '<th scope="col">Requirements</th></tr></thead><tbody>'
            + "".join(f"<tr><td>{_e(m)}</td><td>{_e(t)}</td><td>{_e(en)}</td><td>{_e(rq)}</td></tr>" for m, t, en, rq in module_rows(profile))
            + "</tbody></table>"
        )
    parts += [
        "<h2>Requirements at a glance</h2>",
        "<table><thead><tr><th scope=\"col\">ID</th><th scope=\"col\">Level</th><th scope=\"col\">Mode</th>"
        "<th scope=\"col\">Requirement</th></tr></thead><tbody>",
    ]
    parts += [
        f'<tr><td><a href="#{_e(r.id)}">{_e(r.id)}</a></td><td>{_e(r.level.value)}</td>'
        f"<td>{_e(r.mode.value)}</td><td>{_e(r.title)}</td></tr>"
        for r in profile.requirements
    ]
    parts.append("</tbody></table>")
    for code, reqs in families(profile):
        parts.append(f"<h2>{_e(_family_title(code))}</h2>")
        parts += [_html_requirement(req, titles) for req in reqs]
    musts = sum(r.level is Level.MUST for r in profile.requirements)
    parts.append(
        f'<p class="meta">{len(profile.requirements)} requirements, {musts} of them MUST. '
        f"Profile files: {_e(', '.join(profile.files))}.</p>"
    )
    parts += ["</main>", "</body>", "</html>"]
    return "\n".join(parts) + "\n"


def _dl(items: Iterable[tuple[str, str]]) -> str:
    """A definition list of (term, text) pairs."""
    rows = "".join(f"<dt>{_e(name)}</dt><dd>{_e(text)}</dd>" for name, text in items)
    return f"<dl>{rows}</dl>"


def _html_requirement(req: Requirement, titles: Mapping[str, str]) -> str:
    """One requirement as an anchored HTML section."""
    sources = "; ".join(
        f'<a href="{_e(s.url)}">{_e(s.citation)}</a>' if s.url else _e(s.citation) for s in req.source
    )
    sentence, lines = how_tested(req, titles)
    checks = "<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>" if lines else ""
    body = f"<p>{_e(req.description)}</p>" if req.description else ""
    return (
        f'<section class="req {_e(req.level.value)}" id="{_e(req.id)}" aria-labelledby="{_e(req.id)}-h">'
        f'<h3 id="{_e(req.id)}-h">{_e(req.id)}: {_e(req.title)} <span class="level">{_e(req.level.value)}</span></h3>'
        f"{body}<dl><dt>Level</dt><dd>{_e(req.level.value)}</dd><dt>Mode</dt><dd>{_e(req.mode.value)}</dd>"
        + (f"<dt>Modules</dt><dd>{_e(', '.join(req.modules))}</dd>" if req.modules else "")
        + f"<dt>Source</dt><dd>{sources}</dd><dt>How it will be tested</dt><dd>{_e(sentence)}{checks}</dd></dl>"
        "</section>"
    )
