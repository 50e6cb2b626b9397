"""Read and write access to the sandbox's SQLite data, safe to use from many server threads.

Each thread gets its own connection; an in-memory database is shared between them through a
named shared-cache URI, held open by a keeper connection for the store's lifetime.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

from interopcheck.sandbox.csvline import CsvLines
from interopcheck.sandbox.generate import LAYOUT, PREFIXES, generate, table_name
from interopcheck.sandbox.products import REFERENCE, Product
from interopcheck.sandbox.tombstones import META_KEY, META_VALUE, apply_deletions

#: The stored text columns an export can stream.
TEXT_COLUMNS = ("json", "csv")


class Store:
    """The sandbox's records: pages by cursor (row seq), items by id, streams for exports."""

    def __init__(self, db_path: str | Path | None = None) -> None:
        """Open the database at `db_path` (a file), or a fresh shared in-memory one."""
        if db_path is None or str(db_path) == ":memory:":
            self.uri = f"file:interopcheck-sandbox-{uuid.uuid4().hex}?mode=memory&cache=shared"
        else:
            self.uri = Path(db_path).resolve().as_uri()
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._opened: list[sqlite3.Connection] = []
        self._open_lock = threading.Lock()
        self._keeper = self._connect()

    def _connect(self) -> sqlite3.Connection:
        """A new connection to the store's database."""
        conn = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
        # Shared-cache readers would otherwise fail at once (SQLITE_LOCKED) while a write is open.
        conn.execute("PRAGMA read_uncommitted=1")
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
            with self._open_lock:
                self._opened.append(conn)
        return conn

    def fill(self, *, records: int, seed: int, product: Product = REFERENCE) -> dict[str, int]:
        """Generate `product`'s synthetic dataset into the store (replacing what was there)."""
        with self._write_lock:
            counts = generate(self._keeper, records=records, seed=seed, product=product)
            deleted = apply_deletions(self._keeper, product)
            return {e: n - deleted.get(e, 0) for e, n in counts.items()}

    def is_filled(self, *, records: int, seed: int, product: Product = REFERENCE) -> bool:
        """Whether the store already holds `product`'s dataset of `records` and `seed` (a reused db file)."""
        try:
            meta = dict(self._keeper.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error:
            return False
        # The entity list too: a file cached under an older standard lacks the tables of its new entities.
        wanted = {"records": str(records), "seed": str(seed), "layout": LAYOUT, "product": product.name, "entities": ",".join(product.entities), META_KEY: META_VALUE}
        return all(meta.get(k) == v for k, v in wanted.items())

    def count(self, entity: str, since: str | None = None) -> int:
        """How many records of `entity` there are (changed at or after `since`, when given)."""
        t = table_name(entity)
        if since is None:
            return self.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        return self.conn.execute(f"SELECT count(*) FROM {t} WHERE updated_at >= ?", (since,)).fetchone()[0]

    def page(self, entity: str, *, after: int, limit: int, since: str | None = None) -> tuple[list[tuple[int, str]], bool]:
        """Up to `limit` rows (seq, json) after seq `after`, and whether more follow."""
        t = table_name(entity)
        if since is None:
            rows = self.conn.execute(f"SELECT seq, json FROM {t} WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit + 1)).fetchall()
        else:
            rows = self.conn.execute(
                f"SELECT seq, json FROM {t} WHERE seq > ? AND updated_at >= ? ORDER BY seq LIMIT ?", (after, since, limit + 1)
            ).fetchall()
        return rows[:limit], len(rows) > limit

    def get(self, entity: str, record_id: str) -> tuple[int, str] | None:
        """The row (seq, json) of the record `record_id`, or None."""
        return self.conn.execute(f"SELECT seq, json FROM {table_name(entity)} WHERE id = ?", (record_id,)).fetchone()

    def stream(self, entity: str, since: str | None = None, batch: int = 1000) -> Iterator[tuple[int, str]]:
        """Every row (seq, json) of `entity` in order, fetched in batches on a private connection."""
        conn = self._connect()
        try:
            t = table_name(entity)
            if since is None:
                cur = conn.execute(f"SELECT seq, json FROM {t} ORDER BY seq")
            else:
                cur = conn.execute(f"SELECT seq, json FROM {t} WHERE updated_at >= ? ORDER BY seq", (since,))
            while rows := cur.fetchmany(batch):
                yield from rows
        finally:
            conn.close()

    def texts(self, entity: str, column: str, since: str | None = None, *, limit: int | None = None, batch: int = 2000) -> Iterator[list[str]]:
        """The stored `column` text ("json" or "csv") of every row in order, `batch` rows a list, at most `limit` rows.

        The fast path of an export: rows are fetched as 1-tuples on a private connection and never parsed.
        """
        if column not in TEXT_COLUMNS:
            raise ValueError(f"unknown text column {column!r}")
        conn = self._connect()
        try:
            t = table_name(entity)
            where, args = ("", ()) if since is None else (" WHERE updated_at >= ?", (since,))
            cur = conn.execute(f"SELECT {column} FROM {t}{where} ORDER BY seq LIMIT ?", (*args, -1 if limit is None else limit))
            while rows := cur.fetchmany(batch):
                yield [row[0] for row in rows]
        finally:
            conn.close()

    def insert(self, entity: str, build: Callable[[str], tuple[str, str, str]], product: Product = REFERENCE) -> tuple[int, str]:
        """Insert the record `build(new_id)` returns (as JSON text, in `product`'s shape), with its CSV line; returns its (seq, json)."""
        t = table_name(entity)
        with self._write_lock:
            conn = self.conn
            seq = (conn.execute(f"SELECT coalesce(max(seq), 0) FROM {t}").fetchone()[0]) + 1
            record_id, updated_at, text = build(f"{PREFIXES[entity]}-N{seq:07d}")
            line = CsvLines(entity, product.fields(entity)).line(orjson.loads(text))
            conn.execute(f"INSERT INTO {t} (seq, id, updated_at, json, csv) VALUES (?, ?, ?, ?, ?)", (seq, record_id, updated_at, text, line))
            conn.commit()
        return seq, text

    def close(self) -> None:
        """Close every connection (an in-memory database disappears with the last one)."""
        with self._open_lock:
            for conn in self._opened:
                conn.close()
            self._opened.clear()
        self._keeper.close()
