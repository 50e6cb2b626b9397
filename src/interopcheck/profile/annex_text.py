"""The fixed wording of the tender annex: levels, test modes, outcomes, the verdict, modules, and how each requirement is tested.

Kept apart from the layout (profile/annex_model.py) so the wording can be read, and changed, in one place.
"""

from __future__ import annotations

from collections.abc import Mapping

from interopcheck.model import Mode, Requirement
from interopcheck.profile.load import Profile

FAMILY_TITLES: dict[str, str] = {
    "API": "API design and behaviour",
    "DATA": "Data: the housing entities and their standards",
    "EXP": "Bulk export of the council's data",
    "SEC": "Security",
    "RET": "Statutory returns and measures",
    "ATT": "Supplier attestations",
    "LOCAL": "Local requirements",
}

INTRO = (
    "This annex sets out the interoperability requirements of the housing management system being "
    "procured. Each requirement has a number, a stable identifier, a level and a source. Bidders answer them "
    "in a supplier declaration (the template is Appendix B) and make a sandbox and a bulk export available; "
    "the council then tests the product with interopcheck, and the conformance report cites the same "
    "identifiers as this annex."
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


def family_title(code: str) -> str:
    """The heading of a family code (`API` -> "API design and behaviour")."""
    return FAMILY_TITLES.get(code, code)
