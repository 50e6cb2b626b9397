"""Tombstones of deleted records in the sandbox's SQLite store (HSG-EXP-10; served by `sandbox.deletions`).

`apply_deletions` runs after the data is generated: it deletes a deterministic few records of the
entities nothing else refers to (so referential integrity holds), keeps a tombstone {entity, id,
deleted_at} for each in the `deletion` table, and, when the product serves change events, appends
an action=delete event for each to the change-event table (first, so a partial read meets them).
"""

from __future__ import annotations

import calendar
import sqlite3
import time

import orjson

from interopcheck.entities import REFERENCES
from interopcheck.sandbox.csvline import CsvLines
from interopcheck.sandbox.generate import table_name
from interopcheck.sandbox.products import Product

#: Entities whose records the sandbox may delete (when nothing the product serves refers to them):
#: records a housing system really deletes, and that no return or measure is built from record by
#: record. Never the audit trail (change events), nor certificates, voids or complaints, which the
#: returns and regulatory measures are computed from.
CANDIDATES = ("rent-transaction", "repair", "leasehold", "document", "asb-case", "homelessness-case")
#: Every EVERY-th record (from the 2nd) of a deletable entity is deleted.
EVERY = 40
#: Deletions happen after every generated update (updated_at ends before 2026-11-01), a minute apart
#: in tombstone order (so even a million-record dataset's deletions end within weeks).
_DELETED_FROM = calendar.timegm((2026, 11, 2, 0, 0, 0))
#: The meta key that says a store holds this layout of deletions (a reused db file without it is refilled).
META_KEY = "deletions"
META_VALUE = "1"
CHANGED_BY = "sandbox-housing-officer"


def _stamp(seconds: int) -> str:
    """Epoch seconds as an RFC 3339 UTC stamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def deletable(entities: tuple[str, ...]) -> tuple[str, ...]:
    """The CANDIDATES among `entities` that none of `entities` refers to (`interopcheck.entities.REFERENCES`),
    so deleting their records leaves no reference dangling."""
    targets = {r.target for r in REFERENCES if r.entity in entities}
    return tuple(e for e in entities if e in CANDIDATES and e not in targets)


def apply_deletions(conn: sqlite3.Connection, product: Product) -> dict[str, int]:
    """Delete the chosen records of `product`'s deletable entities, keeping tombstones (and delete events); returns the counts per entity."""
    conn.execute("DROP TABLE IF EXISTS deletion")
    conn.execute("CREATE TABLE deletion (seq INTEGER PRIMARY KEY, entity TEXT NOT NULL, id TEXT NOT NULL, deleted_at TEXT NOT NULL)")
    counts: dict[str, int] = {}
    done = 0
    for entity in deletable(product.entities):
        t = table_name(entity)
        where = f"seq % {EVERY} = 2"
        ids = [row[0] for row in conn.execute(f"SELECT id FROM {t} WHERE {where} ORDER BY seq")]
        stamps = [_stamp(_DELETED_FROM + (done + n) * 60) for n in range(len(ids))]
        conn.executemany("INSERT INTO deletion (entity, id, deleted_at) VALUES (?, ?, ?)", [(entity, i, at) for i, at in zip(ids, stamps)])
        conn.execute(f"DELETE FROM {t} WHERE {where}")
        counts[entity] = len(ids)
        done += len(ids)
    conn.execute("CREATE INDEX deletion_at ON deletion (deleted_at)")
    conn.execute("CREATE INDEX deletion_entity_id ON deletion (entity, id)")
    if "change-event" in product.entities:
        _delete_events(conn, product)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (META_KEY, META_VALUE))
    conn.commit()
    return counts


def _delete_events(conn: sqlite3.Connection, product: Product) -> None:
    """An action=delete change event for every tombstone, at the head of the change-event table."""
    t = table_name("change-event")
    line = CsvLines("change-event", product.fields("change-event")).line
    rows = []
    for n, (entity, record_id, deleted_at) in enumerate(conn.execute("SELECT entity, id, deleted_at FROM deletion ORDER BY seq").fetchall(), 1):
        event = {
            "id": f"CHG-D{n:07d}", "updated_at": deleted_at, "entity": entity, "record_id": record_id, "action": "delete",
            "field": None, "changed_at": deleted_at, "changed_by": CHANGED_BY,
        }
        shaped = product.to_supplier("change-event", event)
        rows.append((event["id"], deleted_at, orjson.dumps(shaped).decode(), line(shaped)))
    # The delete events come first (the others move up), so even a first page or a cut export shows some.
    conn.execute(f"UPDATE {t} SET seq = -seq")
    conn.execute(f"UPDATE {t} SET seq = -seq + ?", (len(rows),))
    conn.executemany(f"INSERT INTO {t} (seq, id, updated_at, json, csv) VALUES (?, ?, ?, ?, ?)", [(n, *row) for n, row in enumerate(rows, 1)])


def tombstones(conn: sqlite3.Connection, *, since: str | None, after: int = 0, limit: int = -1, entity: str | None = None) -> list[tuple[int, str, str, str]]:
    """Tombstones (seq, entity, id, deleted_at) after seq `after`, deleted at or after `since`, of `entity` when given."""
    sql = "SELECT seq, entity, id, deleted_at FROM deletion WHERE seq > ?"
    args: list[object] = [after]
    if since is not None:
        sql += " AND deleted_at >= ?"
        args.append(since)
    if entity is not None:
        sql += " AND entity = ?"
        args.append(entity)
    return conn.execute(sql + " ORDER BY seq LIMIT ?", (*args, limit)).fetchall()
