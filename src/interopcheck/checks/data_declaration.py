"""`data.declaration-valid`: the supplier's declaration is consistent with the run's profile and the standards.

A typo in a declaration must not pass silently: an attestation of a requirement the profile does
not have (or cannot attest), a mapped field the standard entity does not have (in any form of
`fields` entry: a pointer, a value map, a constant, a transform), a declaration for
another profile, an unknown entity or export format. Each problem names the declaration file and
line (`Declaration.line_of`) and, where a close name exists, what was probably meant.

The run's resolved profile is read from `ctx.cache["profile"]` (`PROFILE_KEY`); without it the
attestations and the profile id cannot be compared, and the evidence says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from interopcheck.checks.context import CheckContext
from interopcheck.checks.data_mapping import standards_of
from interopcheck.checks.registry import check, did_you_mean
from interopcheck.checks.results import Decision, from_findings
from interopcheck.declaration import Declaration, EntityMapping
from interopcheck.entities import ENTITIES
from interopcheck.errors import ProfileError
from interopcheck.model import Finding, Location, Mode
from interopcheck.profile.load import Profile, display_name, locate
from interopcheck.resources import display_path
from interopcheck.standards import StandardsRegistry

EXPORT_FORMATS = frozenset({"ndjson", "json", "csv", "zip"})
#: Where the engine leaves the run's resolved profile for this check.
PROFILE_KEY = "profile"


def _pointer(path: Sequence[str | int]) -> str:
    """The JSON pointer of `path` in the declaration file."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path) or "/"


def _finding(decl: Declaration, path: Sequence[str | int], message: str, **data: object) -> Finding:
    """A problem at `path` of the declaration, its message prefixed with `file:line:`."""
    file = display_path(decl.source)
    line = decl.line_of(path)
    where = f"{file}:{line}" if line is not None else file
    return Finding(f"{where}: {message}", location=Location(_pointer(path), line, file), data=dict(data))


def run_profile(ctx: CheckContext) -> Profile | None:
    """The resolved profile of the run, when the engine gave it to the checks."""
    profile = ctx.cache.get(PROFILE_KEY)
    return profile if isinstance(profile, Profile) else None


def _sources(mapping: EntityMapping, std_ptr: str) -> list[object]:
    """The supplier pointers a `fields` entry reads: one, several (`join`), or none (a constant)."""
    rule = mapping.rules.get(std_ptr)
    if rule is None:
        return [mapping.fields[std_ptr]]
    if rule.source is None:
        return []
    return list(rule.source) if isinstance(rule.source, tuple) else [rule.source]


def _entity_findings(decl: Declaration, standards: StandardsRegistry) -> list[Finding]:
    """Unknown entities, entities without a mapping, and mapped fields the standard does not have."""
    findings: list[Finding] = []
    for entity, mapping in decl.entities.items():
        if entity not in ENTITIES:
            findings.append(_finding(decl, ["entities", entity], f"entity {entity!r} is not a standard entity{did_you_mean(entity, ENTITIES)}", entity=entity))
            continue
        if not mapping.identity and not mapping.fields and not mapping.rules:
            findings.append(_finding(decl, ["entities", entity], f"{entity} has neither `mapping: identity` nor any `fields`", entity=entity))
        known = standards.fields(entity)
        for std_ptr in dict.fromkeys([*mapping.fields, *mapping.rules]):
            path = ["entities", entity, "fields", std_ptr]
            sources = _sources(mapping, std_ptr)
            if std_ptr not in known:
                findings.append(_finding(
                    decl, path,
                    f"{entity}: {std_ptr} is not a field of the standard {entity} record{did_you_mean(std_ptr, known)}",
                    entity=entity, field=std_ptr, supplier_pointer=sources[0] if len(sources) == 1 else sources,
                ))
            for sup_ptr in sources:
                if not (isinstance(sup_ptr, str) and (sup_ptr == "" or sup_ptr.startswith("/"))):
                    findings.append(_finding(decl, path, f"{entity}: supplier pointer {sup_ptr!r} for {std_ptr} is not a JSON pointer", entity=entity, field=std_ptr))
    return findings


def _export_findings(decl: Declaration) -> list[Finding]:
    """Exports of unknown entities or in formats the export checks cannot read."""
    findings: list[Finding] = []
    for i, export in enumerate(decl.exports):
        if export.entity not in ENTITIES:
            findings.append(_finding(decl, ["exports", i, "entity"], f"export of unknown entity {export.entity!r}{did_you_mean(export.entity, ENTITIES)}",
                                     entity=export.entity, url=export.url))
        if export.format not in EXPORT_FORMATS:
            findings.append(_finding(decl, ["exports", i, "format"], f"export format {export.format!r} is not one of {sorted(EXPORT_FORMATS)}",
                                     entity=export.entity, url=export.url))
    return findings


def _attestation_findings(decl: Declaration, profile: Profile) -> list[Finding]:
    """Attestations of requirements the profile lacks, or that checks (not a signature) decide."""
    by_id = {r.id: r for r in profile.requirements}
    attestable = [r.id for r in profile.requirements if r.mode is Mode.ATTESTATION and not r.checks]
    listed = ", ".join(attestable) or "none"
    findings: list[Finding] = []
    for i, rid in enumerate(decl.attestations):
        path = ["attestations", i, "requirement"]
        req = by_id.get(rid)
        if req is None:
            message = f"attestation of {rid}, which is not a requirement of profile {profile.id}"
        elif req.mode is not Mode.ATTESTATION or req.checks:
            message = f"attestation of {rid}, which is a {req.mode.value} requirement decided by its checks, not by attestation"
        else:
            continue
        findings.append(_finding(
            decl, path, f"{message}{did_you_mean(rid, attestable)} (attestable: {listed}); the attestation is ignored",
            requirement=rid, profile=profile.id, attestable=attestable,
        ))
    return findings


def _extends(profile: Profile, declared: str) -> bool:
    """Whether the run's profile is built on the bundled profile `declared` (an overlay or child of it)."""
    try:
        return display_name(locate(declared)) in profile.files
    except (ProfileError, OSError):
        return False


def _profile_findings(decl: Declaration, profile: Profile) -> list[Finding]:
    """A declaration written for a profile other than the run's (or one the run's extends)."""
    declared = decl.profile
    if declared is None or declared == profile.id or _extends(profile, declared):
        return []
    return [_finding(
        decl, ["profile"],
        f"the declaration is for profile {declared!r}, but this run checks profile {profile.id!r}; did you mean {profile.id!r}?",
        declared=declared, profile=profile.id,
    )]


@check("data.declaration-valid", title="The declaration is consistent with the profile and the standards", family="data", needs=("declaration",))
def declaration_valid(ctx: CheckContext) -> Decision:
    """Entities, mapped standard fields, exports, attestations and the profile id of the declaration are all known."""
    assert ctx.declaration is not None
    decl = ctx.declaration
    profile = run_profile(ctx)
    findings = _entity_findings(decl, standards_of(ctx)) + _export_findings(decl)
    if profile is not None:
        findings += _attestation_findings(decl, profile) + _profile_findings(decl, profile)
    counts = {"entities": len(decl.entities), "exports": len(decl.exports), "attestations": len(decl.attestations)}
    against = f"profile {profile.id} and the standards" if profile is not None else "the standards"
    ok = (f"the declaration's {counts['entities']} entity mapping(s), {counts['exports']} export(s) "
          f"and {counts['attestations']} attestation(s) fit {against}")
    if profile is None:
        ok += " (attestations and the profile id not compared: the run's profile was not available)"
    first = findings[0].message.replace("{", "{{").replace("}", "}}") if findings else ""
    return from_findings(findings, ok=ok, bad="{n} problem(s) in the declaration; first: " + first,
                         evidence=[Finding(ok, data={**counts, "profile": profile.id if profile else None})])
