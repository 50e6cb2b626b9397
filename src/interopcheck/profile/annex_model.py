"""What the tender annex says, decided once for every format: preamble, modules and lots, the numbered
requirements, departures from the shared core, the test process, the glossary and the appendices.

The writers (annex_markdown, annex_html, annex_docx) only lay this out. Register fields that a profile may
not carry yet (statement, actor, since, status, evidence, quote and anchor of a source, an attestation's
statement) are shown when present; without them a requirement shows its title and description.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from interopcheck import __version__
from interopcheck.model import Level, Requirement
from interopcheck.profile import annex_text as words
from interopcheck.profile.annex_appendix import standard_sections, template_blocks
from interopcheck.profile.annex_blocks import (
    Annex, Block, Bullets, Field, Fields, Link, Para, RequirementEntry, Section, Subsection, Table, Text, section_words, text,
)
from interopcheck.profile.annex_departures import Departure, departures
from interopcheck.profile.annex_glossary import named_standards, used_terms
from interopcheck.profile.annex_settings import AnnexSettings, annex_settings, gap
from interopcheck.profile.coverage import coverage
from interopcheck.profile.load import Profile

ACT_S23 = "https://www.legislation.gov.uk/ukpga/2023/54/section/23/enacted"
ACT_S56 = "https://www.legislation.gov.uk/ukpga/2023/54/section/56"
#: Read this session from legislation.gov.uk (ukpga/2023/54/section/23/enacted and the part 3 chapter 6
#: "Technical specifications" cross-heading page); verbatim.
QUOTE_S23_3A = (
    "describe how tenders are to be assessed by reference to them and, in particular, specify whether failure to "
    "meet one or more criteria would disqualify a tender (the “assessment methodology”)"
)
QUOTE_S56_4 = (
    "If the procurement documents refer to a United Kingdom standard, they must provide that tenders, proposals or "
    "applications that the contracting authority considers satisfy an equivalent standard from another state, "
    "territory or organisation of states or territories will be treated as having satisfied the United Kingdom standard."
)
QUOTE_S56_8 = (
    "If the matters mentioned in subsection (7) are referred to, the procurement documents must also provide that "
    "tenders, proposals or applications demonstrating equivalent quality or performance will not be disadvantaged."
)
EQUIVALENT = (
    "Where this annex names a standard, specification, certification or product-neutral format, a product that "
    "meets an equivalent one is treated as meeting it when the council considers the equivalent serves the same "
    "purpose. The bidder shows the equivalence in its declaration or tender response, with evidence; the council "
    "may require certification or other evidence. The standards this annex names are:"
)


def build_annex(
    profile: Profile, titles: Mapping[str, str], core: Profile | None = None, schemas: Mapping[str, Any] | None = None
) -> Annex:
    """The annex of `profile`; with `core` (the profile without the borough's overlays) its departures are marked."""
    settings = annex_settings(profile)
    changed = {d.requirement_id: d for d in departures(core, profile)} if core is not None else {}
    numbered = {r.id: i for i, r in enumerate(profile.requirements, 1)}
    body: list[Section] = [_testing(profile), *_modules(profile, settings), _glance(profile, numbered, changed)]
    if core is not None:
        body.append(_departures(changed.values()))
    for code, reqs in words.families(profile):
        entries = tuple(_entry(r, numbered[r.id], titles, changed.get(r.id)) for r in reqs)
        body.append(Section(words.family_title(code), f"family-{code.lower()}", (), entries))
    body.append(_process(profile, settings))
    appendices = [
        Section("Appendix A: the data standard", "appendix-a", (Para(text(
            "The entities, fields and code lists the data requirements test, as published in the standard's JSON Schema files. "
            "A required field must be present in every record; a code list field holds one of the list's codes.")),),
            standard_sections(schemas)),
        Section("Appendix B: the declaration template", "appendix-b", template_blocks(profile)),
    ]
    seen = "\n".join(w for s in [*body, *appendices] for w in section_words(s))
    preamble = _preamble(profile, settings, seen)
    seen += "\n" + "\n".join(section_words(preamble))
    glossary = Section("Glossary", "glossary", (
        Para(text("The technical terms this annex uses.")),
        Table(("Term", "Meaning"), tuple((text(t.term), text(t.definition)) for t in used_terms(seen))),
    ))
    title = f"{profile.title}: interoperability annex"
    meta = text(f"Profile {profile.id} version {profile.version} (SHA-256 {profile.sha256[:16]}).")
    intro = (Para(text(profile.description)),) if profile.description else ()
    musts = sum(r.level is Level.MUST for r in profile.requirements)
    footer = f"{len(profile.requirements)} requirements, {musts} of them MUST. Profile files: {', '.join(profile.files)}."
    return Annex(title, meta, intro, (preamble, *body, glossary, *appendices), footer)


def _preamble(profile: Profile, settings: AnnexSettings, seen: str) -> Section:
    """What the council states before the requirements: who buys, how a failed MUST is treated, equivalents."""
    buyer = settings.buyer or gap("the council's name (annex.buyer)")
    failed = [Para(text(settings.failed_must_text()))]
    if settings.failed_must_note:
        failed.append(Para(text(settings.failed_must_note)))
    failed += [
        Para(text("The Procurement Act 2023, section 23(3)(a), requires a contracting authority setting award criteria to:")),
        Para(text("“", QUOTE_S23_3A, "” (", Link("Procurement Act 2023, s.23(3)(a)", ACT_S23), ")"), "quote"),
    ]
    standards = named_standards(seen)
    equivalent: list[Block] = [Para(text(EQUIVALENT))]
    equivalent.append(Bullets(tuple(text(t.term) for t in standards)) if standards else Para(text("(none)")))
    equivalent += [
        Para(text("This follows the Procurement Act 2023, section 56(4) and (8):")),
        Para(text("“", QUOTE_S56_4, "” (", Link("s.56(4)", ACT_S56), ")"), "quote"),
        Para(text("“", QUOTE_S56_8, "” (", Link("s.56(8)", ACT_S56), ")"), "quote"),
    ]
    return Section("Preamble", "preamble", (
        Para(text(f"Buyer: {buyer}.")),
        Para(text(words.INTRO)),
    ), (
        Subsection("Treatment of a failed MUST requirement", tuple(failed), "failed-must"),
        Subsection("Named standards and equivalents", tuple(equivalent), "equivalents"),
    ))


def _testing(profile: Profile) -> Section:
    """Levels, test modes, outcomes, the verdict, the collection year and the coverage figure."""
    s = coverage(profile, {}).summary
    blocks: list[Block] = [
        Para(text("Levels, as in RFC 2119:")),
        Fields(tuple(Field(name, text(desc)) for name, desc in words.LEVELS)),
        Para(text("How a requirement is tested:")),
        Fields(tuple(Field(mode.value, text(desc + ".")) for mode, desc in words.MODES.items())),
        Para(text("Each requirement ends with one outcome:")),
        Fields(tuple(Field(name, text(desc)) for name, desc in words.OUTCOMES)),
        Para(text(words.VERDICT)),
        Para(text(
            f"Coverage of the {s.musts} MUST requirements: decided by machine checks, {s.musts_with_checks}; by the supplier's "
            f"signed attestation or a stated reason why no machine can test them, {s.musts_attested}"
            + (f"; by neither, {s.musts_untested}." if s.musts_untested else ".")
        )),
    ]
    if words.year_text(profile):
        blocks.append(Para(text(words.year_text(profile))))
    return Section("How conformance is tested and reported", "testing", tuple(blocks))


def _modules(profile: Profile, settings: AnnexSettings) -> list[Section]:
    """Lots and modules, when the profile has modules or the borough names lots."""
    if not profile.modules and not settings.lots:
        return []
    blocks: list[Block] = [Para(text(words.MODULES_TEXT)), Para(text(words.tender_modules(profile)))]
    if settings.lots:
        blocks += [
            Para(text("The tender is divided into these lots; a bidder's product is tested against the modules of each lot it bids for:")),
            Table(("Lot", "Title", "Modules"), tuple((text(lot.id), text(lot.title), text(", ".join(lot.modules))) for lot in settings.lots)),
        ]
    if profile.modules:
        rows = tuple(tuple(text(c) for c in row) for row in words.module_rows(profile))
        blocks.append(Table(("Module", "Title", "Entities", "Requirements"), rows))
    return [Section("Modules", "modules", tuple(blocks))]


def _glance(profile: Profile, numbered: Mapping[str, int], changed: Mapping[str, Departure]) -> Section:
    """The table of every requirement: number, ID (linked), level, mode, title, and any departure."""
    header = ("No.", "ID", "Level", "Mode", "Requirement") + (("Departure",) if changed else ())
    rows = []
    for r in profile.requirements:
        row: tuple[Text, ...] = (text(str(numbered[r.id])), (Link(r.id, f"#{r.id}"),), text(r.level.value), text(r.mode.value), text(r.title))
        rows.append(row + ((text(changed[r.id].kind if r.id in changed else ""),) if changed else ()))
    return Section("Requirements at a glance", "glance", (Table(header, tuple(rows)),))


def _departures(items: Iterable[Departure]) -> Section:
    """The overlay's departures from the shared core, or the sentence saying there are none."""
    rows = tuple((text(d.requirement_id), text(d.kind), text(d.title), text(d.summary())) for d in items)
    lead = Para(text(
        "This tender uses the shared housing profile with the borough's overlay. Where the overlay departs from the "
        "shared core, the requirement is marked: raised or lowered (its level changed), added (a local requirement), "
        "removed (a core requirement this tender does not make), or changed (its wording or tests changed)."
    ))
    if not rows:
        return Section("Departures from the shared core", "departures", (lead, Para(text("This tender states every requirement as the shared core does."))))
    return Section("Departures from the shared core", "departures", (lead, Table(("ID", "Departure", "Requirement", "Detail"), rows)))


def _get(obj: Any, key: str) -> Any:
    """A register field of a requirement, source or evidence: an attribute or a mapping key, None when absent."""
    if obj is None:
        return None
    return obj.get(key) if isinstance(obj, Mapping) else getattr(obj, key, None)


def _entry(req: Requirement, number: int, titles: Mapping[str, str], departure: Departure | None) -> RequirementEntry:
    """One numbered requirement: statement, description, the supplier's attestation text, and its facts."""
    blocks: list[Block] = []
    statement = _get(req, "statement")
    if statement:
        blocks.append(Para(text(statement), "statement"))
        if req.level.value not in statement:
            blocks.append(Para(text(f"This tender sets the level of {req.id} to {req.level.value}: read the statement's verb as {req.level.value}.")))
    if req.description:
        blocks.append(Para(text(req.description)))
    signed = _get(_get(req, "attestation"), "statement")
    if signed:
        blocks.append(Para(text("The supplier signs: “", signed, "”"), "quote"))
    facts = [Field("Level", text(req.level.value)), Field("Mode", text(req.mode.value))]
    if departure is not None:
        facts.append(Field("Departure", text(departure.summary())))
    for label, key in (("Actor", "actor"), ("Since", "since")):
        if _get(req, key):
            facts.append(Field(label, text(str(_get(req, key)))))
    if _get(req, "status") not in (None, "active"):
        facts.append(Field("Status", text(str(_get(req, "status")))))
    changes = [f"in {_get(c, 'version')}, {_get(c, 'change')}" for c in _get(req, "changed") or ()]
    if changes:
        facts.append(Field("Changed", text("; ".join(changes))))
    if req.modules:
        facts.append(Field("Modules", text(", ".join(req.modules)), "applies when the tender requires or the product offers one of them"))
    evidence = _get(req, "evidence")
    if evidence is not None:
        stages = _get(evidence, "stages") or ()
        facts.append(Field("Evidence", text(f"{_get(evidence, 'method') or ''}" + (f" at {', '.join(stages)}" if stages else ""))))
    facts.append(_sources(req.source))
    sentence, lines = words.how_tested(req, titles)
    facts.append(Field("How it will be tested", text(sentence), items=tuple(text(line) for line in lines)))
    return RequirementEntry(number, req.id, req.title, req.level.value, (*blocks, Fields(tuple(facts))), departure.kind if departure else None)


def _sources(sources: Sequence[Any]) -> Field:
    """The Source fact: each citation (linked), and under it the quote with its deep link, or why it is unverified."""
    value: list[str | Link] = []
    items: list[Text] = []
    for i, source in enumerate(sources):
        if i:
            value.append("; ")
        url = _get(source, "url")
        value.append(Link(source.citation, url) if url else source.citation)
        quote, anchor, unverified = _get(source, "quote"), _get(source, "anchor"), _get(source, "unverified")
        if quote:
            items.append(text("“", quote, "”", " (", Link("section quoted", anchor) if anchor else None, ")" if anchor else None))
        elif unverified:
            items.append(text(f"Not verified: {unverified}"))
    return Field("Source", tuple(value), items=tuple(items))


STAGES = ("selection", "award", "acceptance", "annual-retest")


def _stages(profile: Profile) -> str:
    """How many requirements the register tests at each tender stage (its `evidence.stages`), or nothing without them."""
    counts = {stage: 0 for stage in STAGES}
    for req in profile.requirements:
        for stage in _get(_get(req, "evidence"), "stages") or ():
            counts[stage] = counts.get(stage, 0) + 1
    named = [f"{stage} {n}" for stage, n in counts.items() if n]
    return f" Number of requirements the register tests at each stage: {', '.join(named)}." if named else ""


def _process(profile: Profile, settings: AnnexSettings) -> Section:
    """The test process: facts about the tool, then the borough's settings (or the gaps to fill)."""
    p = settings.test_process
    volume = (
        f"The sandbox and the bulk export hold at least {p.minimum_records} records of each entity of the modules tested, "
        "so that paging, incremental extracts and code lists are exercised."
        if p.minimum_records else gap("the least number of test records of each entity the sandbox and export must hold (annex.test_process.minimum_records)")
    )
    facts = (
        Field("When tests run", text(
            p.when or gap("the stages at which the product is tested (selection, award, acceptance, each year after go-live)"),
            _stages(profile),
        )),
        Field("Tool and profile", text(
            f"interopcheck {__version__} with profile {profile.id} version {profile.version} (SHA-256 {profile.sha256[:16]}). "
            "Every report names the tool version and the profile's version and SHA-256, so a result can be reproduced."
        )),
        Field("Dry runs", text(
            "interopcheck is open source, so a bidder can run the same tests against its own sandbox before submitting. ",
            p.dry_run or gap("whether the council offers a dry run before the evaluated run, and whether its results count"),
        )),
        Field("Re-tests", text(
            "An outcome of error (the tool or the sandbox broke) is never counted as the supplier's failure: the requirement "
            "is tested again. ", p.retests or gap("whether and when a failed requirement may be re-tested after a fix"),
        )),
        Field("Sandbox access", text(p.sandbox_access or gap("how long the sandbox must stay reachable over HTTPS, and from where"))),
        Field("Credentials", text(
            "The council's secrets are read from environment variables and redacted from every report and evidence file. ",
            p.credentials or gap("how the bidder issues OAuth 2.0 client credentials for the council's test client, and when they are revoked"),
        )),
        Field("Minimum test data", text(volume)),
        Field("Evidence retention", text(
            "Each run can write an evidence bundle (interopcheck check --bundle) that records the SHA-256 of each file and can be signed. ",
            p.evidence_retention or gap("how long the council keeps reports and evidence bundles"),
        )),
    )
    return Section("Test process", "test-process", (Fields(facts),))
