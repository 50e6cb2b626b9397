"""Where a borough's overlay departs from the shared core: requirements raised, lowered, added, removed or changed.

Boroughs buying together share one profile and differ only in their overlays; the annex marks each
departure so that a supplier, and the other boroughs, see exactly where this tender differs. The
comparison is between the effective profiles (base alone, base with the overlays), so it covers
every way an overlay can change a requirement.
"""

from __future__ import annotations

from dataclasses import dataclass

from interopcheck.model import Level, Requirement
from interopcheck.profile.load import Profile, requirement_dict

RAISED, LOWERED, ADDED, REMOVED, CHANGED = "raised", "lowered", "added", "removed", "changed"
#: How a changed register field is named in the annex (the others by their own name).
FIELD_WORDS = {"changed": "change record", "not_tested_reason": "reason not tested", "checks": "checks", "source": "sources"}
_RANK = {Level.MAY: 0, Level.SHOULD: 1, Level.MUST: 2}


@dataclass(frozen=True)
class Departure:
    """One requirement this tender states differently from the shared core."""

    requirement_id: str
    kind: str  # raised | lowered | added | removed | changed
    title: str
    core_level: Level | None  # None when added
    level: Level | None  # None when removed
    fields: tuple[str, ...] = ()  # the other fields the overlay changed (description, checks...)
    origin: str | None = None  # the file that made the change

    def summary(self) -> str:
        """One line for a table cell or a requirement's "departure" field."""
        if self.kind == ADDED:
            return f"added by this tender ({self.level})"
        if self.kind == REMOVED:
            return f"removed by this tender (was {self.core_level} in the shared core)"
        if self.kind == CHANGED:
            return f"changed from the shared core: {', '.join(self.fields)}"
        also = f"; also changed: {', '.join(self.fields)}" if self.fields else ""
        return f"{self.kind} from {self.core_level} in the shared core to {self.level}{also}"


def departures(core: Profile, tender: Profile) -> tuple[Departure, ...]:
    """How `tender` (the core with overlays) differs from `core`, in the tender's order, removals last."""
    before = {r.id: r for r in core.requirements}
    after = {r.id: r for r in tender.requirements}
    out = [_compare(before.get(rid), req) for rid, req in after.items()]
    out += [Departure(r.id, REMOVED, r.title, r.level, None) for rid, r in before.items() if rid not in after]
    return tuple(d for d in out if d is not None)


def _compare(old: Requirement | None, new: Requirement) -> Departure | None:
    """The departure of one requirement, or None when the tender states it as the core does."""
    if old is None:
        return Departure(new.id, ADDED, new.title, None, new.level, origin=new.origin)
    a, b = requirement_dict(old, with_origin=False), requirement_dict(new, with_origin=False)
    fields = tuple(FIELD_WORDS.get(k, k) for k in sorted(a.keys() | b.keys()) if k != "level" and a.get(k) != b.get(k))
    if old.level is not new.level:
        kind = RAISED if _RANK[new.level] > _RANK[old.level] else LOWERED
        return Departure(new.id, kind, new.title, old.level, new.level, fields, new.origin)
    if fields:
        return Departure(new.id, CHANGED, new.title, old.level, new.level, fields, new.origin)
    return None
