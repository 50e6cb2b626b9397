"""One pass over one entity's export computing everything the export checks need together.

Each record is read, mapped to the standard, validated, and its id, references and (for the
incremental check) update time kept as 64-bit numbers; a few sampled records are kept for the
API round-trip. The checks then read the frozen `EntityScan` from `ctx.cache` instead of re-downloading.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from interopcheck.entities import Reference
from interopcheck.export.readers import MAX_RECORD_BYTES, ReadProblem, read_records
from interopcheck.export.archives import LimitCut, with_gzip
from interopcheck.export.idspill import spill_index
from interopcheck.export.reconcile import RUN, IdIndex, IdsBuilder, cut_off, epoch_time, fraction_digits, pick_since, rfc3339
from interopcheck.export.validate import RecordValidator, Validating, ValidationSummary

KEEP_PROBLEMS = 20
SINCE_SAMPLE = 10_000
_COUNT_STEP = 1024  # records between two updates of RECORDS_READ (a lock per record would cost the scan)


class RunningCount:
    """A running total several threads add to: the export records this process's scans have read, for progress displays.

    In an export worker the total is also written to a file the checking process reads (`mirror_to`); there,
    each worker pool adds its scans still under way (`sources`) to what `total()` says.
    """

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()
        self._mirror: int | None = None
        self.sources: set[Callable[[], int]] = set()

    def add(self, n: int) -> None:
        with self._lock:
            self._value += n
            if self._mirror is not None:
                os.pwrite(self._mirror, self._value.to_bytes(8, "little"), 0)

    def mirror_to(self, fd: int) -> None:
        """Also keep the total, as 8 little-endian bytes, at the start of the file `fd` (an export worker's)."""
        self._mirror = fd

    @property
    def value(self) -> int:
        return self._value

    def total(self) -> int:
        """The records read so far: this process's, and those of the scans under way in worker processes."""
        return self._value + sum(source() for source in list(self.sources))


#: Every export record read in this process so far (scans in worker processes are added as each one ends).
RECORDS_READ = RunningCount()


@dataclass(frozen=True)
class EntityScan:
    """What one pass over an entity's export found (frozen; shared between checks through ctx.cache)."""

    entity: str
    url: str
    format: str
    records: int
    validation: ValidationSummary | None
    ids: IdIndex
    missing_ids: int
    orphans: dict[Reference, int]  # references to ids not in the target's export
    ref_checked: dict[Reference, int]  # references looked up in the target's export
    missing_refs: dict[Reference, int]  # references absent or null where they may not be
    unresolved: tuple[Reference, ...]  # references whose target export could not be read whole
    problems: tuple[ReadProblem, ...]
    problem_count: int
    truncated: bool  # a fatal read problem: the rest of the export is unreadable
    limited: str | None  # a user limit stopped the scan (the checks skip rather than pass)
    samples: tuple[tuple[int, str, Any], ...]  # (line, id, standard record) for the round-trip
    columns: tuple[str, ...]  # CSV header, or the top-level fields of any record as the supplier wrote it (before mapping)
    since: float | None = None  # incremental cut-off T (epoch seconds, between stamps: see `_Since`), when tracked
    expected_since: IdIndex | None = None  # id hashes (spilled) of records with updated_at >= T
    bytes_read: int = 0
    exchange: Any = None
    tally: Any = None  # the measures' tally (interopcheck.measures.tally) the scan fed every record to, when given one


@dataclass
class _Acc:
    """Mutable state of a scan in progress."""

    problems: list[ReadProblem] = field(default_factory=list)
    problem_count: int = 0
    truncated: bool = False

    def add(self, problem: ReadProblem) -> None:
        """Count a problem, keeping the first few."""
        self.problem_count += 1
        self.truncated = self.truncated or problem.fatal
        if len(self.problems) < KEEP_PROBLEMS:
            self.problems.append(problem)


class _Since:
    """Tracks the incremental cut-off T, fixed from the first `SINCE_SAMPLE` update times, then the ids updated after T.

    T lies just before one sampled update time, between the stamps' precision steps (`...:26.5Z` for
    whole seconds, see `cut_off`), so "after T" and "at or after T" select the same records.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[int, float]] = []
        self.digits = 0  # the most digits of a second a sampled stamp gives
        self.since: float | None = None
        self.since_text: str | None = None  # the first whole second after T, as `YYYY-MM-DDTHH:MM:SS`
        self.expected = IdsBuilder()

    def add(self, h: int, record: Any) -> None:
        """Note one record's id hash and update time."""
        value = record.get("updated_at") if record.__class__ is dict else None
        if self.since_text is not None and value.__class__ is str and len(value) == 20 and value[19] == "Z" and value[10] == "T":
            # canonical UTC `YYYY-MM-DDTHH:MM:SSZ` compares as text, without parsing a datetime per record:
            # a whole second is after T exactly when it is at or after the first whole second after T
            if value[:19] >= self.since_text:
                self.expected.append(h)
            return
        t = epoch_time(value)
        if t is None:
            return
        if self.since is None:
            self.pending.append((h, t))
            self.digits = max(self.digits, fraction_digits(value))
            if len(self.pending) >= SINCE_SAMPLE:
                self._fix()
        elif t > self.since:
            self.expected.append(h)

    def _fix(self) -> None:
        t = pick_since(t for _, t in self.pending)
        if t is not None:
            self.since = cut_off(t, self.digits)
            self.since_text = rfc3339(self.since // 1 + 1)[:19]
            self.expected.extend([h for h, u in self.pending if u > self.since])
        self.pending = []

    def finish(self) -> tuple[float | None, IdIndex | None]:
        """(T, the id hashes of the records updated after T), or (None, None) without update times."""
        if self.since is None:
            self._fix()
        if self.since is None:
            return None, None
        return self.since, self.expected.finish(duplicates=False)


def scan_records(
    entity: str,
    fmt: str,
    chunks: Iterable[bytes],
    *,
    validator: RecordValidator | None,
    mapper: Callable[[Any], Any] | None = None,
    targets: dict[Reference, IdIndex | None] | None = None,
    max_records: int | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    max_decompressed: int | None = None,
    track_updated: bool = False,
    ids_mode: str = "keep",
    samples: int = 10,
    seed: int = 0,
    keep_failures: int = 20,
    url: str = "",
    tally: Any = None,
) -> EntityScan:
    """Read, map, validate and index every record of one export body (`chunks` may be gzip-compressed).

    `targets` gives, per reference of this entity, the target entity's id index (None when the
    target could not be read whole), so references are resolved during the same pass. `ids_mode`:
    `keep` the sorted id hashes (a reference target), `count` only duplicates (then drop them), `none`.
    `tally` (an object with `add(record)`, see `interopcheck.measures.tally`) sees every mapped record once.
    """
    acc = _Acc()
    measured = tally  # the measures' tally (the name `tally` is the reference tallies' loop variable below)
    body, gz_problems = with_gzip(chunks, limit=max_decompressed)
    cut = LimitCut(body, gz_problems)
    items = read_records(fmt, cut, max_record_bytes=max_record_bytes)
    validating = Validating(entity, validator, keep_failures) if validator is not None and fmt != "csv" else None
    targets = targets or {}
    refs = [(r, t) for r, t in targets.items() if t is not None and r.entity == entity] if fmt != "csv" else []
    tallies = [_RefTally(r) for r, _ in refs]
    ids = IdsBuilder()
    run = ids.current if ids_mode != "none" else None
    tracker = _Since() if track_updated else None
    rnd, kept = random.Random(seed), []
    columns: dict[str, None] = {}
    shape: Any = None  # the field names of the last record whose fields were new
    count = missing_ids = 0
    limit = max_records if max_records is not None else -1
    limited = None
    is_valid = validating.validator.is_valid if validating else None
    identity = mapper is None or fmt == "csv"
    for item in items:
        if item.__class__ is ReadProblem:
            if cut:
                continue  # the end of a body --export-max-bytes cut: the cut, not the export (see LimitCut)
            acc.add(item)
            if item.fatal:
                break
            continue
        if count == limit:
            limited = f"stopped after --export-max-records={max_records} records"
            break
        line, record = item
        count += 1
        if not count % _COUNT_STEP:
            RECORDS_READ.add(_COUNT_STEP)
        if record.__class__ is dict and (keys := record.keys()) != shape:  # dict_keys compare as sets: a new shape
            columns.update(dict.fromkeys(keys))  # the supplier's own fields, before mapping, from every record
            shape = keys
        if not identity:
            record = mapper(record)
        if is_valid is not None and not is_valid(record):
            validating.failure(line, record)  # type: ignore[union-attr]
        rid = record.get("id") if record.__class__ is dict else None
        if rid.__class__ is str and rid:
            h = hash(rid)
            if run is not None:
                run.append(h)
                if len(run) >= RUN:
                    ids.close_run()
                    run = ids.current
            if len(kept) < samples:
                kept.append((line, rid, record))
            elif samples and rnd.random() * count < samples:
                kept[rnd.randrange(samples)] = (line, rid, record)
            if tracker is not None:
                tracker.add(h, record)
        else:
            missing_ids += 1
        if record.__class__ is dict:
            for tally in tallies:
                tally.collect(record)
        if measured is not None:
            measured.add(record)
    for problem in gz_problems:  # a gzip problem ends the body early, so it comes after the records read
        if problem.kind == "limit":
            limited = limited or problem.message
            break
        acc.add(problem)
        if problem.fatal:
            break
    RECORDS_READ.add(count % _COUNT_STEP)
    orphans, checked, missing_refs = {}, {}, {}
    for tally, (ref, target) in zip(tallies, refs, strict=True):
        found = tally.found.finish(duplicates=False)
        orphans[ref], checked[ref], missing_refs[ref] = found.missing_from(target), found.count, tally.missing
        found.close()
    since, expected = tracker.finish() if tracker is not None else (None, None)
    return EntityScan(
        entity=entity,
        url=url,
        format=fmt,
        records=count,
        validation=validating.summary(count, mapper) if validating else None,
        ids=_finish_ids(ids, ids_mode),
        missing_ids=missing_ids,
        orphans=orphans,
        ref_checked=checked,
        missing_refs=missing_refs,
        unresolved=tuple(r for r, t in targets.items() if r.entity == entity and (t is None or fmt == "csv")),
        problems=tuple(acc.problems),
        problem_count=acc.problem_count,
        truncated=acc.truncated,
        limited=limited,
        samples=tuple(kept),
        columns=tuple(columns),
        since=since,
        expected_since=expected,
        tally=measured,
    )


def _finish_ids(ids: IdsBuilder, mode: str) -> IdIndex:
    """The id index as `mode` asks: whole, duplicates only, or empty."""
    if mode == "none":
        return spill_index(())
    index = ids.finish()
    if mode == "keep":
        return index
    counted = spill_index(())
    counted.duplicates = index.duplicates
    index.close()
    return counted


class _RefTally:
    """The ids one reference field of the records points at (hashes, resolved after the pass) and the absent ones.

    Built once per reference so the per-record work is one method call appending to the builder's run.
    """

    __slots__ = ("found", "key", "many", "missing", "name", "nullable", "run")

    def __init__(self, ref: Reference) -> None:
        name, _, key = ref.field.partition("[].")  # "parties[].party_id": the ids are in each item's key
        self.name = name.removesuffix("[]")
        self.key = key or None
        self.many = bool(key) or name.endswith("[]")
        self.nullable = ref.nullable
        self.found = IdsBuilder()
        self.run = self.found.current
        self.missing = 0

    def collect(self, record: dict[str, Any]) -> None:
        """Keep the hash of each id `record` references; count a reference that is absent or not a string."""
        value = record.get(self.name)
        if self.many:
            if value.__class__ is not list:
                if not (value is None and self.nullable):  # an optional array may be absent
                    self.missing += 1
                return
            if self.key is not None:
                value = [item.get(self.key) if item.__class__ is dict else item for item in value]
            for item in value:
                if item.__class__ is str:
                    self.run.append(hash(item))
                elif not (item is None and self.nullable):
                    self.missing += 1
        elif value.__class__ is str:
            self.run.append(hash(value))
        elif not (value is None and self.nullable):
            self.missing += 1
        if len(self.run) >= RUN:
            self.found.close_run()
            self.run = self.found.current
