"""Per-entity tallies the export scan feeds every record to: counts and per-property flags, never records.

A tally is created empty for one entity and one reporting year (`tally_for`), travels with the scan's
arguments (pickled to an export worker process when the run has them) and comes back on the
`EntityScan`, so the export is read once for the checks and the measures together. `add` is called
once per record, after the declaration's mapping, so it sees the standard's field names.
Dates are compared as ISO text (`YYYY-MM-DD` prefixes), which orders them without parsing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interopcheck.measures.definitions import ReportingYear, repair_groups

STAGES = {"stage-1": 0, "stage-2": 1}
CERTIFICATES = ("gas-safety", "fire-risk-assessment")


class RepairTally:
    """RP02: repairs completed in the year, per group (0 non-emergency, 1 emergency), and those within target."""

    entity = "repair"

    def __init__(self, year: ReportingYear) -> None:
        self.year = year
        self.start, self.end = year.start, year.end  # once: ReportingYear builds them per call
        groups = repair_groups()
        self.emergency, self.non_emergency = groups["emergency"], groups["non-emergency"]
        self.completed = [0, 0]
        self.within = [0, 0]
        self.missing = [0, 0]  # completed in the year, in the group, without a target time
        self.unknown = 0  # completed (in the year, or with no completion time) but not placeable in a group or year

    def add(self, record: Any) -> None:
        """Count one repair record."""
        if record.__class__ is not dict:
            return
        completed = record.get("completed_at")
        if completed.__class__ is not str:
            if record.get("status") == "completed":
                self.unknown += 1  # completed, but when is not recorded: its year cannot be known
            return
        if not self.start <= completed[:10] <= self.end:
            return
        priority = record.get("priority")
        if priority in self.non_emergency:
            group = 0
        elif priority in self.emergency:
            group = 1
        elif priority.__class__ is str:
            return  # a priority outside RP02 (an inspection)
        else:
            self.unknown += 1
            return
        target = record.get("target_completion_at")
        if target.__class__ is not str:
            self.missing[group] += 1
            return
        self.completed[group] += 1
        if not_after(completed, target):
            self.within[group] += 1


class AsbTally:
    """NM01: ASB cases opened in the year, those involving hate incidents, and those lacking a field."""

    entity = "asb-case"

    def __init__(self, year: ReportingYear) -> None:
        self.year = year
        self.start, self.end = year.start, year.end  # once: ReportingYear builds them per call
        self.opened = 0
        self.hate = 0
        self.no_opened = 0  # no opened_date: its year cannot be known
        self.no_hate = 0  # opened in the year without hate_incident

    def add(self, record: Any) -> None:
        """Count one ASB case record."""
        if record.__class__ is not dict:
            return
        opened = record.get("opened_date")
        if opened.__class__ is not str:
            self.no_opened += 1
            return
        if not self.start <= opened[:10] <= self.end:
            return
        self.opened += 1
        hate = record.get("hate_incident")
        if hate is True:
            self.hate += 1
        elif hate is not False:
            self.no_hate += 1


class ComplaintTally:
    """CH01 and CH02: complaints received in the year per stage, those responded to in it and within the Code's timescale."""

    entity = "complaint"

    def __init__(self, year: ReportingYear) -> None:
        self.year = year
        self.start, self.end = year.start, year.end  # once: ReportingYear builds them per call
        self.received = [0, 0]
        self.responded = [0, 0]
        self.within = [0, 0]
        self.no_received = [0, 0]  # CH01: no received_date
        self.no_within = [0, 0]  # CH02: responded to in the year, within_timescale not recorded
        self.no_stage = 0  # every complaint measure: the stage is not recorded

    def add(self, record: Any) -> None:
        """Count one complaint record."""
        if record.__class__ is not dict:
            return
        stage = STAGES.get(record.get("stage")) if record.get("stage").__class__ is str else None
        if stage is None:
            if record.get("stage").__class__ is not str:
                self.no_stage += 1
            return
        received = record.get("received_date")
        if received.__class__ is not str:
            self.no_received[stage] += 1
        elif self.start <= received[:10] <= self.end:
            self.received[stage] += 1
        response = record.get("response_date")
        when = response if response.__class__ is str else received
        within = record.get("within_timescale")
        if within is True or within is False:
            if when.__class__ is str and self.start <= when[:10] <= self.end:
                self.responded[stage] += 1
                self.within[stage] += within
        elif response.__class__ is str and self.start <= response[:10] <= self.end:
            self.no_within[stage] += 1


class CertificateTally:
    """BS01 and BS02: per certificate type, the homes that have one (hashed ids) and those in date at the year end."""

    entity = "compliance-certificate"

    def __init__(self, year: ReportingYear) -> None:
        self.year = year
        self.start, self.end = year.start, year.end  # once: ReportingYear builds them per call
        self.required: dict[str, set[int]] = {t: set() for t in CERTIFICATES}
        self.compliant: dict[str, set[int]] = {t: set() for t in CERTIFICATES}
        self.missing = dict.fromkeys(CERTIFICATES, 0)

    def add(self, record: Any) -> None:
        """Note one certificate record against its home."""
        if record.__class__ is not dict:
            return
        kind = record.get("certificate_type")
        if kind not in self.required:
            return
        home, issued = record.get("property_id"), record.get("issued_date")
        if home.__class__ is not str or issued.__class__ is not str:
            self.missing[kind] += 1
            return
        h = hash(home)
        self.required[kind].add(h)
        if issued[:10] > self.end:
            return  # issued after the year end: says nothing about the year
        expiry = record.get("expiry_date")
        if expiry.__class__ is not str:
            self.missing[kind] += 1
        elif expiry[:10] >= self.end:
            self.compliant[kind].add(h)


Tally = RepairTally | AsbTally | ComplaintTally | CertificateTally
_KINDS: dict[str, type] = {t.entity: t for t in (RepairTally, AsbTally, ComplaintTally, CertificateTally)}
ENTITIES = tuple(_KINDS)


def tally_for(entity: str, year: ReportingYear | None) -> Tally | None:
    """An empty tally for `entity`'s records in `year`, or None when no measure reads that entity (or no year)."""
    kind = _KINDS.get(entity)
    return kind(year) if kind is not None and year is not None else None


def not_after(done: str, target: str) -> bool:
    """Whether the date-time `done` is at or before `target` (text compare when both are canonical UTC)."""
    if len(done) == len(target) == 20 and done[19] == target[19] == "Z":
        return done <= target
    try:
        return datetime.fromisoformat(done) <= datetime.fromisoformat(target)
    except (ValueError, TypeError):  # a date against a date-time, or an unreadable stamp: compare the days
        return done[:10] <= target[:10]
