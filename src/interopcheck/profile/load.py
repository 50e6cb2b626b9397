"""Load a requirement profile: resolve its `extends` chain and overlays into one pinned register.

A profile is data (YAML checked against `profile.schema.json`), so every mistake in it is bad
input (exit 2) with the file, the line and the fix, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from interopcheck.checks.registry import did_you_mean
from interopcheck.errors import ProfileError
from interopcheck.model import AttestationTerms, Change, Evidence, Level, Mode, Requirement, Source
from interopcheck.profile.modules import Module, parse_module, unknown_module
from interopcheck.profile.yamldoc import YamlDoc, read_yaml, validate_doc
from interopcheck.resources import profiles_dir

SCHEMA_PATH = Path(__file__).resolve().parent / "profile.schema.json"
PROFILE_FILE = "profile.yaml"


@dataclass(frozen=True)
class Profile:
    """A resolved profile: its requirements in order, pinned by a sha256 of the resolved content."""

    id: str
    version: str
    title: str
    description: str | None
    requirements: tuple[Requirement, ...]
    sha256: str
    files: tuple[str, ...]
    lines: dict[str, str] = field(default_factory=dict, compare=False, repr=False)  # requirement id -> "file:line"
    modules: tuple[Module, ...] = ()
    require_modules: tuple[str, ...] | None = None  # the tender's modules, when an overlay sets them
    require_modules_origin: str | None = None  # "file:line" of that overlay's require_modules
    standards_year: int | None = None  # the default collection year (start year: 2026 = 2026/27)
    standards_years: tuple[int, ...] = ()  # the years a run may choose
    report_validity_days: int | None = None  # how long a report stays valid (a council's choice); None: not said
    annex: tuple[dict[str, Any], ...] = field(default=(), compare=False, repr=False)  # each file's `annex:` block, base first (profile/annex_settings.py merges them)

    def module(self, module_id: str) -> Module:
        """The module `module_id`, or a ProfileError with a suggestion."""
        for module in self.modules:
            if module.id == module_id:
                return module
        raise unknown_module(module_id, (m.id for m in self.modules), f"profile {self.id}", "the run")

    def requirement(self, requirement_id: str) -> Requirement:
        """The requirement `requirement_id`, or a ProfileError with a suggestion."""
        for req in self.requirements:
            if req.id == requirement_id:
                return req
        known = [r.id for r in self.requirements]
        raise ProfileError(f"profile {self.id} has no requirement {requirement_id!r}{did_you_mean(requirement_id, known)}")

    def resolved(self, *, with_origin: bool = True) -> dict[str, Any]:
        """The resolved profile as plain JSON data (what the sha256 pins, less `origin` and `files`)."""
        reqs = [requirement_dict(r, with_origin=with_origin) for r in self.requirements]
        data: dict[str, Any] = {"id": self.id, "version": self.version, "title": self.title}
        if self.description:
            data["description"] = self.description
        if self.standards_year is not None:
            data["standards_year"] = self.standards_year
        if self.standards_years:
            data["standards_years"] = list(self.standards_years)
        if self.report_validity_days is not None:
            data["report_validity_days"] = self.report_validity_days
        if self.modules:
            data["modules"] = [m.as_dict() for m in self.modules]
        if self.require_modules is not None:
            data["require_modules"] = list(self.require_modules)
        data["requirements"] = reqs
        if with_origin:
            data["files"] = list(self.files)
        return data


def requirement_dict(req: Requirement, *, with_origin: bool = True) -> dict[str, Any]:
    """`req` as the plain mapping a profile file would hold (empty fields left out)."""
    data: dict[str, Any] = {
        "id": req.id,
        "title": req.title,
        "level": req.level.value,
        "mode": req.mode.value,
        "source": [source_dict(s) for s in req.source],
    }
    for name in ("statement", "actor", "since"):
        if getattr(req, name):
            data[name] = getattr(req, name)
    data["status"] = req.status
    if req.changed:
        data["changed"] = [{"version": c.version, "change": c.change} for c in req.changed]
    if req.evidence:
        data["evidence"] = {"method": req.evidence.method, "stages": list(req.evidence.stages)}
    if req.checks:
        data["checks"] = list(req.checks)
    for name in ("description", "not_tested_reason", "family"):
        if getattr(req, name):
            data[name] = getattr(req, name)
    if req.modules:
        data["modules"] = list(req.modules)
    if req.attestation is not None:
        data["attestation"] = {"statement": req.attestation.statement, "evidence": req.attestation.evidence}
    if with_origin and req.origin:
        data["origin"] = req.origin
    return data


def source_dict(source: Source) -> dict[str, str]:
    """`source` as the plain mapping a profile file holds (empty fields left out)."""
    data = {"citation": source.citation}
    for name in ("url", "anchor", "quote", "unverified"):
        if getattr(source, name):
            data[name] = getattr(source, name)
    return data


def parse_source(raw: dict[str, Any]) -> Source:
    """A model Source from schema-valid profile data."""
    return Source(raw["citation"], raw.get("url"), raw.get("anchor"), raw.get("quote"), raw.get("unverified"))


def list_profiles() -> list[tuple[str, str, str]]:
    """(id, version, title) of every bundled profile, sorted by id."""
    out = []
    root = profiles_dir()
    for folder in sorted(p for p in root.iterdir() if (p / PROFILE_FILE).is_file()) if root.is_dir() else ():
        profile = load_profile(folder.name)
        out.append((profile.id, profile.version, profile.title))
    return out


def locate(name_or_path: str | Path) -> Path:
    """The profile.yaml a name (a folder under profiles_dir()) or a path refers to."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    if path.is_dir() and (path / PROFILE_FILE).is_file():
        return path / PROFILE_FILE
    root = profiles_dir()
    candidate = root / str(name_or_path) / PROFILE_FILE
    if "/" not in str(name_or_path) and candidate.is_file():
        return candidate
    known = sorted(p.name for p in root.iterdir() if (p / PROFILE_FILE).is_file()) if root.is_dir() else []
    raise ProfileError(
        f"unknown profile {str(name_or_path)!r}{did_you_mean(str(name_or_path), known)}",
        hint=f"use one of: {', '.join(known) or '(none bundled)'}, or the path to a profile.yaml",
    )


def display_name(path: Path) -> str:
    """How a profile file is named in messages and reports: relative to profiles_dir() when inside it."""
    resolved = path.resolve()
    for root in (profiles_dir().resolve(), Path.cwd().resolve()):
        if resolved.is_relative_to(root):
            return resolved.relative_to(root).as_posix()
    return str(resolved)


@dataclass
class _Layer:
    """One parsed profile or overlay file and its display name."""

    doc: YamlDoc
    name: str


@dataclass
class _State:
    """The profile being resolved: requirements in order, where each was defined, files applied."""

    requirements: dict[str, Requirement] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    loaded: set[Path] = field(default_factory=set)
    modules: dict[str, Module] = field(default_factory=dict)
    require_modules: tuple[str, ...] | None = None
    require_modules_origin: str | None = None
    annex: list[dict[str, Any]] = field(default_factory=list)


def load_profile(name_or_path: str | Path, overlays: Sequence[str | Path] = ()) -> Profile:
    """Load a profile by name or path, resolve `extends`, apply `overlays` in order, and pin it."""
    state = _State()
    _apply_chain(locate(name_or_path), state, ())
    for overlay in overlays:
        overlay_path = Path(overlay)
        if not overlay_path.is_file():
            raise ProfileError(f"{overlay_path}: overlay file not found", hint="give the path to an overlay .yaml file")
        _apply_chain(overlay_path, state, (), overlay=True)
    requirements = tuple(state.requirements.values())
    _check_requirements(requirements, state.lines)
    years = tuple(state.meta.get("standards_years") or ())
    year = state.meta.get("standards_year")
    if year is not None and years and year not in years:
        raise ProfileError(
            f"{state.meta.get('standards_year_at', state.meta['id'])}: standards_year {year} is not one of standards_years {list(years)}",
            hint="choose a year from standards_years, or add it there",
        )
    profile = Profile(
        id=state.meta["id"],
        version=state.meta["version"],
        title=state.meta.get("title") or state.meta["id"],
        description=state.meta.get("description"),
        requirements=requirements,
        sha256="",
        files=tuple(state.files),
        lines=dict(state.lines),
        modules=tuple(state.modules.values()),
        require_modules=state.require_modules,
        require_modules_origin=state.require_modules_origin,
        standards_year=year,
        standards_years=years,
        report_validity_days=state.meta.get("report_validity_days"),
        annex=tuple(state.annex),
    )
    canonical = json.dumps(profile.resolved(with_origin=False), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return replace(profile, sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def _apply_chain(path: Path, state: _State, stack: tuple[Path, ...], *, overlay: bool = False) -> None:
    """Apply the file at `path` after everything it extends; files already applied are skipped."""
    real = path.resolve()
    if real in state.loaded:
        return  # an overlay's base, or a shared ancestor: applied once only
    doc = read_yaml(path, ProfileError)
    validate_doc(doc, SCHEMA_PATH, ProfileError, "profile")
    layer = _Layer(doc, display_name(path))
    parent = doc.data.get("extends")
    if parent is not None:
        parent_path = _resolve_extends(parent, layer)
        chain = (*stack, real)
        if parent_path.resolve() in chain:
            loop = chain[chain.index(parent_path.resolve()) :] + (parent_path.resolve(),)
            raise ProfileError(
                f"{layer.name}:{doc.line_of(['extends'])}: circular extends: {' -> '.join(display_name(p) for p in loop)}",
                hint="remove the 'extends' that closes the loop",
            )
        if overlay and parent_path.resolve() not in state.loaded:
            raise ProfileError(
                f"{layer.name}:{doc.line_of(['extends'])}: this overlay extends {parent!r}, "
                f"which is not part of the profile being loaded ({state.meta.get('id')})",
                hint=f"use the overlay with the profile it extends, or change it to 'extends: {state.meta.get('id')}'",
            )
        _apply_chain(parent_path, state, chain)
    elif overlay:
        raise ProfileError(
            f"{layer.name}:{doc.line_of(())}: an overlay must 'extends' the profile it changes",
            hint=f"add 'extends: {state.meta.get('id', 'housing')}' at the top of the overlay",
        )
    state.loaded.add(real)
    _apply_layer(layer, state)


def _resolve_extends(parent: str, layer: _Layer) -> Path:
    """The file an `extends` value names: a path relative to this file, or a bundled profile id."""
    line = layer.doc.line_of(["extends"])
    if parent.endswith((".yaml", ".yml")) or "/" in parent:
        target = layer.doc.path.parent / parent
        if not target.is_file():
            raise ProfileError(f"{layer.name}:{line}: extends {parent!r}: no such file", hint="give a path relative to this file, or a profile id")
        return target
    try:
        return locate(parent)
    except ProfileError as exc:
        raise ProfileError(f"{layer.name}:{line}: extends {exc.message}", hint=exc.hint) from exc


def _apply_layer(layer: _Layer, state: _State) -> None:
    """Apply one file's metadata, `remove`, `overrides` and new `requirements`, in that order."""
    data, doc, name = layer.doc.data, layer.doc, layer.name
    state.files.append(name)
    for key in ("id", "version", "title", "description", "standards_year", "standards_years", "report_validity_days"):
        if key in data:
            state.meta[key] = data[key]
    if "standards_year" in data:
        state.meta["standards_year_at"] = f"{name}:{doc.line_of(['standards_year'])}"
    if "annex" in data:
        state.annex.append(data["annex"])
    _apply_modules(layer, state)
    reqs = state.requirements
    for i, rid in enumerate(data.get("remove") or ()):
        if rid not in reqs:
            raise _unknown(rid, reqs, f"{name}:{doc.line_of(['remove', i])}", "remove")
        del reqs[rid]
        state.lines.pop(rid, None)
    for rid, changes in (data.get("overrides") or {}).items():
        if rid not in reqs:
            raise _unknown(rid, reqs, f"{name}:{doc.line_of(['overrides', rid])}", "override")
        merged = requirement_dict(reqs[rid], with_origin=False) | changes
        _check_tags(changes, ["overrides", rid], layer, state)
        reqs[rid] = _requirement(merged, name)
        state.lines[rid] = f"{name}:{doc.line_of(['overrides', rid])}"
    for i, raw in enumerate(data.get("requirements") or ()):
        rid = raw["id"]
        where = f"{name}:{doc.line_of(['requirements', i, 'id'])}"
        if rid in reqs:
            first = state.lines.get(rid, "an earlier file")
            raise ProfileError(
                f"{where}: duplicate requirement id {rid!r} (first defined at {first})",
                hint="give the new requirement its own id, or change the existing one under 'overrides:'",
            )
        _check_tags(raw, ["requirements", i], layer, state)
        reqs[rid] = _requirement(raw, name)
        state.lines[rid] = where


def _apply_modules(layer: _Layer, state: _State) -> None:
    """Add the file's `modules` (before its requirements, which may be tagged with them) and its `require_modules`."""
    data, doc, name = layer.doc.data, layer.doc, layer.name
    for i, raw in enumerate(data.get("modules") or ()):
        where = f"{name}:{doc.line_of(['modules', i, 'id'])}"
        if raw["id"] in state.modules:
            first = state.modules[raw["id"]].origin or "an earlier file"
            raise ProfileError(f"{where}: duplicate module id {raw['id']!r} (first defined in {first})", hint="give the new module its own id")
        state.modules[raw["id"]] = parse_module(raw, where, name)
    if "require_modules" in data:
        for j, module_id in enumerate(data["require_modules"]):
            if module_id not in state.modules:
                where = f"{name}:{doc.line_of(['require_modules', j])}"
                raise unknown_module(module_id, state.modules, where, "require_modules")
        state.require_modules = tuple(m for m in state.modules if m in data["require_modules"])
        state.require_modules_origin = f"{name}:{doc.line_of(['require_modules'])}"


def _check_tags(raw: dict[str, Any], path: list[str | int], layer: _Layer, state: _State) -> None:
    """Every module a requirement (or an override) is tagged with is a module of the profile."""
    for j, module_id in enumerate(raw.get("modules") or ()):
        if module_id not in state.modules:
            where = f"{layer.name}:{layer.doc.line_of([*path, 'modules', j])}"
            raise unknown_module(module_id, state.modules, where, f"requirement {raw.get('id') or path[-1]}")


def _unknown(rid: str, reqs: dict[str, Requirement], where: str, verb: str) -> ProfileError:
    """The error for removing or overriding a requirement the base does not have."""
    return ProfileError(
        f"{where}: cannot {verb} unknown requirement {rid!r}{did_you_mean(rid, reqs)}",
        hint="name a requirement of the profile this file extends",
    )


def _requirement(raw: dict[str, Any], origin: str) -> Requirement:
    """A model Requirement from schema-valid profile data, recording the file it came from."""
    return Requirement(
        id=raw["id"],
        title=raw["title"],
        level=Level(raw["level"]),
        mode=Mode(raw["mode"]),
        source=tuple(parse_source(s) for s in raw["source"]),
        checks=tuple(raw.get("checks") or ()),
        description=raw.get("description"),
        not_tested_reason=raw.get("not_tested_reason"),
        family=raw.get("family") or _family_of(raw["id"]),
        origin=origin,
        modules=tuple(raw.get("modules") or ()),
        statement=raw.get("statement"),
        actor=raw.get("actor"),
        since=raw.get("since"),
        status=raw.get("status") or "active",
        changed=tuple(Change(c["version"], c["change"]) for c in raw.get("changed") or ()),
        evidence=Evidence(raw["evidence"]["method"], tuple(raw["evidence"]["stages"])) if raw.get("evidence") else None,
        attestation=_attestation_terms(raw.get("attestation")),
    )


def _attestation_terms(raw: dict[str, Any] | None) -> AttestationTerms | None:
    """The profile's fixed attestation statement, when the requirement has one."""
    if not raw:
        return None
    return AttestationTerms(raw["statement"], raw.get("evidence", "optional"))


def _family_of(requirement_id: str) -> str:
    """`HSG-API-01` -> `API`: the family when a requirement does not name one."""
    parts = requirement_id.split("-")
    return parts[1] if len(parts) >= 3 else parts[0]


_RFC2119 = re.compile(r"\b(MUST|SHOULD|MAY)\b")


def statement_levels(statement: str) -> set[str]:
    """The RFC 2119 levels a normative sentence uses (MUST NOT counts as MUST, SHOULD NOT as SHOULD)."""
    return set(_RFC2119.findall(statement))


_MODE_OF_PREFIX = {"spec": Mode.STATIC, "data": Mode.STATIC, "live": Mode.LIVE, "export": Mode.EXPORT}
_RANK = {Mode.STATIC: 0, Mode.LIVE: 1, Mode.EXPORT: 2}


def _check_requirements(requirements: Iterable[Requirement], lines: dict[str, str]) -> None:
    """Every MUST is decidable, and a tested requirement's mode is the most demanding of its checks'."""
    for req in requirements:
        modes = [_MODE_OF_PREFIX[c.split(".", 1)[0]] for c in req.checks if c.split(".", 1)[0] in _MODE_OF_PREFIX]
        if modes and req.mode is not Mode.ATTESTATION:
            needed = max(modes, key=_RANK.__getitem__)
            if needed is not req.mode:
                raise ProfileError(
                    f"{lines.get(req.id, req.origin)}: {req.id} has mode {req.mode.value} but its checks need {needed.value}",
                    hint=f"set 'mode: {needed.value}' (the most demanding mode of its checks: static < live < export)",
                )
        if req.statement is not None and statement_levels(req.statement) != {req.level.value}:
            raise ProfileError(
                f"{lines.get(req.id, req.origin)}: {req.id} is a {req.level.value} but its statement says "
                f"{' and '.join(sorted(statement_levels(req.statement))) or 'no RFC 2119 verb'}: {req.statement!r}",
                hint=f"write the statement with {req.level.value} (an overlay that changes 'level' changes 'statement' too)",
            )
        if req.level is Level.MUST and not req.checks and not req.not_tested_reason:
            raise ProfileError(
                f"{lines.get(req.id, req.origin)}: MUST requirement {req.id} has neither checks nor a not_tested_reason",
                hint="list the check ids that decide it under 'checks:', or say why no machine can under 'not_tested_reason:'",
            )


def validate_check_ids(profile: Profile, known: Iterable[str]) -> None:
    """Raise ProfileError when a requirement cites a check id that is not in `known`."""
    known_ids = sorted(set(known))
    problems = []
    for req in profile.requirements:
        for check_id in req.checks:
            if check_id not in known_ids:
                where = profile.lines.get(req.id, req.origin or profile.id)
                problems.append(f"{where}: {req.id} names unknown check {check_id!r}{did_you_mean(check_id, known_ids)}")
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ProfileError(problems[0] + more, hint="use the check ids listed by 'interopcheck checks' (see docs/CONTRACTS.md)")
