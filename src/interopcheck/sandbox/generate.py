"""Deterministic synthetic housing data, streamed into SQLite in batches.

`generate(target, records=N, seed=S)` fills one table per entity with (seq, id, updated_at, json, csv):
the JSON text and the CSV line are served and exported as they are, so pages and exports stream rows
straight out. Records
are built one at a time and inserted with `executemany` in batches, so memory stays flat from a
few hundred to millions of records. The same seed always gives the same records.
"""

from __future__ import annotations

import calendar
import itertools
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from interopcheck.entities import ENTITIES
from interopcheck.sandbox import codelists as cl
from interopcheck.sandbox.csvline import CsvLines
from interopcheck.sandbox.products import REFERENCE, Product
from interopcheck.sandbox.records_exit import CHANGE_SHARE, ExitBuilders

#: The table layout; a cached database file of another layout is generated again.
LAYOUT = "7"

#: Records of each entity per property (the issue's proportions).
RATIOS: dict[str, float] = {
    "property": 1.0,
    "person": 1.3,
    "tenancy": 0.85,
    "rent-account": 0.85,  # one per tenancy
    "rent-transaction": 1.7,  # two per rent account
    "repair": 0.5,
    "asb-case": 0.05,
    "homelessness-case": 0.05,
    "leasehold": 0.1,
    "document": 0.2,
    "household-member": 0.5,  # at most: the people of homelessness cases, of lettings since April 2023 and of every 20th older one
    "ta-placement": 0.03,  # at most: one per homelessness case owed the relief or main duty
    "register-application": 0.05,
    "void": 0.16,  # at most: the void properties, then the void before every let since April 2023
    "compliance-certificate": 0.1,  # beyond the two current ones (gas safety, fire risk assessment) of every property
    "complaint": 0.04,
    "change-event": 0.0,  # computed: a create and an update for a sample of every other entity's records
}

#: Id prefix of each entity's records.
PREFIXES: dict[str, str] = {
    "property": "PRP", "person": "PER", "tenancy": "TEN", "rent-account": "RAC", "rent-transaction": "RTX",
    "repair": "REP", "asb-case": "ASB", "homelessness-case": "HML", "leasehold": "LSH",
    "document": "DOC", "household-member": "HHM", "ta-placement": "TAP", "register-application": "RGA", "void": "VOD",
    "compliance-certificate": "CRT", "complaint": "CMP", "change-event": "CHG",
}

_UPDATED_FROM = calendar.timegm((2024, 1, 1, 0, 0, 0))
_UPDATED_SPAN = calendar.timegm((2026, 11, 1, 0, 0, 0)) - _UPDATED_FROM
_DAY0 = date(2000, 1, 1).toordinal()


def table_name(entity: str) -> str:
    """The SQLite table of `entity` (hyphens are not valid in bare SQL names)."""
    return entity.replace("-", "_")


def record_id(entity: str, index: int) -> str:
    """The id of the `index`-th (0-based) record of `entity`."""
    return f"{PREFIXES[entity]}-{index + 1:07d}"


def entity_counts(records: int) -> dict[str, int]:
    """How many records of each entity `records` properties bring (at least one each when records > 0).

    For the entities built from others' records (`STREAMED`) the count is a ceiling: a product without their
    sources (say, no tenancies) has fewer.
    """
    if records <= 0:
        return {e: 0 for e in ENTITIES}
    counts = {e: max(1, round(records * r)) for e, r in RATIOS.items() if e in ENTITIES}
    counts["rent-account"] = counts["tenancy"]
    counts["rent-transaction"] = 2 * counts["rent-account"]
    if "compliance-certificate" in counts:
        counts["compliance-certificate"] += 2 * counts["property"]
    if "change-event" in counts:
        counts["change-event"] = sum(2 * max(1, n // CHANGE_SHARE) for e, n in counts.items() if e != "change-event")
    return counts


def _stamp(seconds: int) -> str:
    """Epoch seconds as an RFC 3339 UTC stamp."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _day(rng: random.Random, first_year: int, last_year: int) -> str:
    """A random ISO date between two years."""
    start = date(first_year, 1, 1).toordinal()
    return date.fromordinal(start + rng.randrange(date(last_year, 12, 31).toordinal() - start)).isoformat()


def _plus_days(day: str, days: int) -> str:
    """The ISO date `days` after ISO date `day`."""
    return date.fromordinal(date.fromisoformat(day).toordinal() + days).isoformat()


def _postcode(rng: random.Random, outward: tuple[str, str]) -> str:
    """A plausible postcode in one of a borough's real outward codes."""
    letters = cl.INWARD_LETTERS
    return f"{rng.choice(outward)} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"


class _Builders(ExitBuilders):
    """Record builders for one seed and size; each takes (rng, index) and returns a standard record
    (or, for the `STREAMED` entities, `stream_<entity>(rng)` yields them; see `records_exit`)."""

    record_id = staticmethod(record_id)

    def __init__(self, seed: int, counts: dict[str, int], served: tuple[str, ...] = ENTITIES) -> None:
        """Builders for `seed`, the dataset's `counts` (for references) and the entities the product serves."""
        self.seed = seed
        self.counts = counts
        self.served = served
        self.uprn_base = 100_000_000_000 + (seed % 1000) * 100_000_000
        self.flat_type = cl.code_labelled("property-type", "Flat")  # CORE unittype_gn 1, "Flat or maisonette"
        self.weekly_period = cl.code_labelled("core-rent-period", "Weekly for 52 weeks")  # the accounts' charges are weekly
        self.occupancy = cl.codelist("occupancy-status")  # (occupied, void)
        self.party_roles = cl.codelist("asb-party-role")
        self.stages = cl.codelist("homelessness-stage")
        self.statuses = cl.codelist("repair-status")
        self.priorities = cl.codelist("repair-priority")
        self.alert_types = cl.codelist("hact-person-alert-type")
        self.end_reasons = {"prevention": cl.codelist("hclic-prevention-duty-end"), "relief": cl.codelist("hclic-relief-duty-end")}
        self.decisions = cl.codelist("hclic-main-duty-decision")

    def _updated(self, rng: random.Random) -> str:
        """A random updated_at between 2024-01-01 and 2026-10-31."""
        return _stamp(_UPDATED_FROM + rng.randrange(_UPDATED_SPAN))

    def _ref(self, entity: str, rng: random.Random) -> str:
        """The id of a random existing record of `entity`."""
        return record_id(entity, rng.randrange(self.counts[entity]))

    def property(self, rng: random.Random, i: int) -> dict[str, Any]:
        """A property with a BS 7666 London address, UPRN, USRN and borough."""
        gss, name, outward = cl.BOROUGHS[rng.randrange(len(cl.BOROUGHS))]
        borough = int(gss[-2:])
        street = rng.randrange(400)
        usrn = str(20_000_000 + borough * 100_000 + street)
        uprn = str(self.uprn_base + i)
        flat = rng.random() < 0.45
        address = {
            "saon": f"Flat {rng.randrange(1, 40)}" if flat else None,
            "paon": str(rng.randrange(1, 250)),
            "street": f"{cl.STREET_STEMS[street % len(cl.STREET_STEMS)]} {cl.STREET_KINDS[street % len(cl.STREET_KINDS)]}",
            "locality": rng.choice(cl.LOCALITIES),
            "town": "London",
            "postcode": _postcode(rng, outward),
            "uprn": uprn,
            "usrn": usrn,
        }
        stem = cl.STREET_STEMS[street % len(cl.STREET_STEMS)]
        void = rng.random() < 0.04
        record = {
            "id": record_id("property", i),
            "updated_at": self._updated(rng),
            "uprn": uprn,
            "address": address,
            "usrn": usrn,
            "local_authority": {"gss_code": gss, "name": name},
            "property_type": self.flat_type if flat else rng.choice(cl.codelist("property-type")),
            "tenure_type": rng.choice(cl.codelist("tenure-type")),
            "bedrooms": rng.randrange(0, 6),
            "managing_organisation": {"id": f"ORG-{borough:02d}", "name": f"{name} Council"},
            "occupancy_status": self.occupancy[1] if void else self.occupancy[0],
            "void_date": _day(rng, 2025, 2026) if void else None,
        }
        if flat:
            record["block"] = {"id": f"BLK-{borough:02d}{street:03d}", "name": f"{stem} House"}
        if street % 3 == 0:
            record["estate"] = {"id": f"EST-{borough:02d}{street % 40:02d}", "name": f"{stem} Estate"}
        return record

    def person(self, rng: random.Random, i: int) -> dict[str, Any]:
        """A fictitious person (invented names, example.test email, drama phone range)."""
        given, family = rng.choice(cl.GIVEN_NAMES), rng.choice(cl.FAMILY_NAMES)
        record: dict[str, Any] = {"id": record_id("person", i), "updated_at": self._updated(rng)}
        if i % 40 == 39:  # an organisation party (a commercial tenant, a company leaseholder)
            record["kind"] = "organisation"
            record["organisation_name"] = f"{family} Trading Ltd"
            record["email"] = f"office.{family}.{i + 1}@example.test".lower()
            return record
        record["kind"] = "person"
        if i % 10 == 7:  # one name field (GOV.UK names pattern)
            record["full_name"] = f"{given} {family}"
        else:
            record["given_name"], record["family_name"] = given, family
        if i % 20 != 11:  # date of birth is optional
            record["date_of_birth"] = _day(rng, 1940, 2006)
        record["vulnerable"] = rng.random() < 0.08
        if record["vulnerable"]:
            record["alerts"] = [{"alert_type": rng.choice(self.alert_types)}]
        record["email"] = f"{given}.{family}.{i + 1}@example.test".lower()
        record["phone"] = f"020 7946 0{rng.randrange(1000):03d}"  # Ofcom's range reserved for fiction
        return record

    def tenancy(self, rng: random.Random, i: int) -> dict[str, Any]:
        """A tenancy of one property with one or two tenants."""
        prop = (i * self.counts["property"]) // max(1, self.counts["tenancy"])
        tenants = sorted({self._ref("person", rng) for _ in range(1 + (rng.random() < 0.3))})
        start = _day(rng, 2005, 2026)  # to the end of 2026, so the CORE lettings log of 2026/27 has lettings
        ended = rng.random() < 0.15
        status = "ended" if ended else rng.choice(("active", "active", "active", "notice-served"))
        members = sorted({self._ref("person", rng) for _ in range(rng.randrange(3))} - set(tenants))
        record = {
            "id": record_id("tenancy", i),
            "updated_at": self._updated(rng),
            "property_id": record_id("property", prop),
            "tenant_ids": tenants,
            "household_member_ids": members,
            "tenancy_type": rng.choice(cl.codelist("tenancy-type")),
            "rent_type": rng.choice(cl.codelist("core-rent-type")),
            "rent_period": rng.choice(cl.codelist("core-rent-period")),
            "start_date": start,
            "end_date": _plus_days(start, rng.randrange(30, 3000)) if ended else None,
            "status": status,
            "end_reason": rng.choice(cl.END_REASONS) if ended else None,
            "starter": start >= "2024-01-01" and rng.random() < 0.5,
        }
        if status == "notice-served":
            served = _plus_days(start, rng.randrange(200, 600))
            record["notices"] = [{"type": "Notice seeking possession", "served_date": served, "expiry_date": _plus_days(served, 28)}]
        return record

    def rent_account(self, rng: random.Random, i: int) -> dict[str, Any]:
        """The rent account of tenancy `i`."""
        rent = round(rng.uniform(85.0, 260.0), 2)
        service = float(rng.randrange(0, 40))
        return {
            "id": record_id("rent-account", i),
            "updated_at": self._updated(rng),
            "tenancy_id": record_id("tenancy", i),
            "currency": "GBP",
            "weekly_rent": rent,
            "rent_period": self.weekly_period,
            "charges": {"rent": rent, "service_charge": service, "total": round(rent + service, 2)},
            "balance": round(rng.uniform(-400.0, 1200.0), 2),
            "opened_date": _day(rng, 2005, 2025),
        }

    def rent_transaction(self, rng: random.Random, i: int) -> dict[str, Any]:
        """One of the two transactions of rent account `i // 2`."""
        kind = rng.choice(cl.codelist("rent-transaction-type"))
        amount = round(rng.uniform(20.0, 300.0), 2)
        return {
            "id": record_id("rent-transaction", i),
            "updated_at": self._updated(rng),
            "rent_account_id": record_id("rent-account", i // 2),
            "date": _day(rng, 2024, 2026),
            "amount": amount if kind in ("rent-charge", "service-charge") else -amount,
            "transaction_type": kind,
        }

    def repair(self, rng: random.Random, i: int) -> dict[str, Any]:
        """A repair with its status history."""
        statuses = self.statuses
        raised = _UPDATED_FROM + rng.randrange(_UPDATED_SPAN - 86_400 * 30)
        steps = rng.randrange(1, 4)
        history = [{"status": statuses[min(s, len(statuses) - 1)], "at": _stamp(raised + s * 86_400 * 3)} for s in range(steps)]
        if steps > 1:
            history[-1]["reason"] = rng.choice(cl.STATUS_REASONS)
        description = rng.choice(cl.REPAIR_DESCRIPTIONS)
        rank = rng.randrange(len(self.priorities))  # the list's order: most urgent first
        target = raised + 86_400 * cl.TARGET_DAYS[min(rank, len(cl.TARGET_DAYS) - 1)]
        history = _completed(history, raised, target, i)
        done = history[-1]["status"] == "completed"
        return {
            "id": record_id("repair", i),
            "updated_at": max(self._updated(rng), history[-1]["at"]),
            "property_id": self._ref("property", rng),
            "priority": self.priorities[rank],
            "status": history[-1]["status"],
            "status_history": history,
            "description": description,
            "raised_at": _stamp(raised),
            "reported_at": _stamp(raised - 3600 * rng.randrange(1, 48)),
            "target_completion_at": _stamp(target),
            "completed_at": history[-1]["at"] if done else None,
            "damp_and_mould": "amp" in description or "ould" in description,
        }

    def asb_case(self, rng: random.Random, i: int) -> dict[str, Any]:
        """An anti-social behaviour case (sometimes not tied to a property)."""
        status = rng.choice(cl.codelist("asb-status"))
        opened = _day(rng, 2022, 2026)
        closed = date.fromordinal(date.fromisoformat(opened).toordinal() + rng.randrange(1, 200)).isoformat()
        parties = [{"party_id": self._ref("person", rng), "role": self.party_roles[0]}]
        if rng.random() < 0.7:
            parties.append({"party_id": self._ref("person", rng), "role": self.party_roles[-1]})
        return {
            "id": record_id("asb-case", i),
            "updated_at": self._updated(rng),
            "property_id": self._ref("property", rng) if rng.random() < 0.9 else None,
            "category": rng.choice(cl.codelist("asb-category")),
            "status": status,
            "opened_date": opened,
            "closed_date": closed if status == "closed" else None,
            "hate_incident": rng.random() < 0.1,
            "parties": parties,
        }

    def homelessness_case(self, rng: random.Random, i: int) -> dict[str, Any]:
        """An H-CLIC homelessness case."""
        duties_owed = [c for c in self.stages if c in cl.DUTY_STAGES]
        stage = rng.choice(self.stages)
        approach = _day(rng, 2023, 2026)
        duties: list[dict[str, Any]] = []
        if stage in duties_owed:  # the duties owed so far, in order, the last one running
            start = approach
            for duty in duties_owed[: duties_owed.index(stage) + 1]:
                if duties:
                    duties[-1]["end_date"] = start
                    if duties[-1]["duty"] in self.end_reasons:
                        duties[-1]["end_reason"] = rng.choice(self.end_reasons[duties[-1]["duty"]])
                entry: dict[str, Any] = {"duty": duty, "start_date": start}
                if duty in cl.FIFTY_SIX_DAY_DUTIES:
                    entry["target_date"] = _plus_days(start, 56)
                duties.append(entry)
                start = _plus_days(start, rng.randrange(20, 70))
        adults, children = rng.randrange(1, 3), rng.randrange(0, 4)
        return {
            "id": record_id("homelessness-case", i),
            "updated_at": self._updated(rng),
            "applicant_id": self._ref("person", rng),
            "stage": stage,
            "household": {"adults": adults, "children": children},
            "household_member_ids": [self._ref("person", rng) for _ in range(adults - 1)],
            "reason_for_loss_of_settled_home": rng.choice(cl.codelist("hclic-reason-for-loss")),
            "approach_date": approach,
            "support_needs": [rng.choice(cl.SUPPORT_NEEDS)] if rng.random() < 0.4 else [],
            "duties": duties,
            "decisions": [{"decision": rng.choice(self.decisions), "date": duties[-1]["start_date"]}] if stage == "main-duty" and duties else [],
        }

    def leasehold(self, rng: random.Random, i: int) -> dict[str, Any]:
        """A lease with its service charges."""
        charges = []
        for year in range(2024, 2024 + rng.randrange(1, 3)):
            estimate = round(rng.uniform(600.0, 3500.0), 2)
            actual = round(estimate * rng.uniform(0.85, 1.2), 2) if year < 2025 else None
            charges.append({"period_start": f"{year}-04-01", "period_end": f"{year + 1}-03-31", "amount": actual or estimate, "estimated_amount": estimate, "actual_amount": actual})
        start = _day(rng, 1985, 2020)
        term = rng.choice((99, 125, 999))
        return {
            "id": record_id("leasehold", i),
            "updated_at": self._updated(rng),
            "property_id": self._ref("property", rng),
            "leaseholder_id": self._ref("person", rng),
            "joint_leaseholder_ids": [self._ref("person", rng)] if rng.random() < 0.2 else [],
            "lease_start_date": start,
            "lease_end_date": f"{int(start[:4]) + term}{start[4:]}".replace("-02-29", "-02-28"),
            "lease_term_years": term,
            "ground_rent": float(rng.choice((0, 10, 50, 250))),
            "service_charges": charges,
        }

    def builder(self, entity: str) -> Callable[[random.Random, int], dict[str, Any]]:
        """The builder method of `entity`."""
        return getattr(self, entity.replace("-", "_"))

    def source(self, entity: str) -> Iterator[dict[str, Any]]:
        """Every record of `entity` in the standard's shape, built again from the same seed (none when not served)."""
        if entity not in self.served:
            return iter(())
        return _standard_records(entity, self.seed, self.counts, self.served)


def _completed(history: list[dict[str, Any]], raised: int, target: int, i: int) -> list[dict[str, Any]]:
    """Repair `i`'s history, completed for three in four repairs done by the data's end (one in ten of them late).

    Decided by the index, not the random stream, so every other field of every repair stays as it was;
    the completions give the Tenant Satisfaction Measure RP02 something to count.
    """
    late = i % 10 == 0
    at = target + 86_400 if late else raised + (target - raised) * 3 // 5
    if i % 4 == 3 or at > _UPDATED_FROM + _UPDATED_SPAN:
        return history
    return [history[0], {"status": "completed", "at": _stamp(at)}]


def _standard_records(entity: str, seed: int, counts: dict[str, int], served: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The records of `entity` in the standard's shape: by index, or from its stream (at most its count)."""
    builders = _Builders(seed, counts, served)
    rng = random.Random(seed * 100 + ENTITIES.index(entity))
    stream = getattr(builders, "stream_" + entity.replace("-", "_"), None)
    if stream is not None:
        yield from itertools.islice(stream(rng), counts[entity])
        return
    build = builders.builder(entity)
    for i in range(counts[entity]):
        yield build(rng, i)


def iter_records(entity: str, *, records: int = 300, seed: int = 1, product: Product = REFERENCE) -> Iterator[dict[str, Any]]:
    """Yield every record of `entity` for `records` properties and `seed`, one at a time, in `product`'s shape.

    Records are built in the standard's shape (so a product serves the same data as the reference)
    and converted to the product's fields, names and codes.
    """
    for record in _standard_records(entity, seed, entity_counts(records), product.entities):
        yield product.to_supplier(entity, record)


def create_schema(conn: sqlite3.Connection, entities: tuple[str, ...] = ENTITIES) -> None:
    """Create the tables of `entities` (seq is the cursor order; updated_at is indexed for filters), dropping every old entity table."""
    for entity in ENTITIES:
        conn.execute(f"DROP TABLE IF EXISTS {table_name(entity)}")
    for entity in entities:
        t = table_name(entity)
        conn.execute(f"CREATE TABLE {t} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, updated_at TEXT NOT NULL, json TEXT NOT NULL, csv TEXT NOT NULL)")
    conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def _index(conn: sqlite3.Connection, entities: tuple[str, ...]) -> None:
    """Create the id and updated_at indexes (after loading: faster than during)."""
    for entity in entities:
        t = table_name(entity)
        conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {t}_id ON {t}(id)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {t}_updated ON {t}(updated_at)")


def generate(
    target: sqlite3.Connection | str | Path, *, records: int = 300, seed: int = 1, batch_size: int = 5000, product: Product = REFERENCE
) -> dict[str, int]:
    """Fill `target` (a connection, a file path or ":memory:") with `product`'s synthetic dataset; return the counts."""
    conn = target if isinstance(target, sqlite3.Connection) else sqlite3.connect(str(target))
    made: dict[str, int] = {}
    try:
        conn.execute("PRAGMA synchronous=OFF")
        create_schema(conn, product.entities)
        for entity in product.entities:
            sql = f"INSERT INTO {table_name(entity)} (id, updated_at, json, csv) VALUES (?, ?, ?, ?)"
            batch: list[tuple[str, str, str, str]] = []
            line = CsvLines(entity, product.fields(entity)).line
            made[entity] = 0
            for rec in iter_records(entity, records=records, seed=seed, product=product):
                made[entity] += 1
                batch.append((rec["id"], rec["updated_at"], orjson.dumps(rec).decode(), line(rec)))
                if len(batch) >= batch_size:
                    conn.executemany(sql, batch)
                    batch.clear()
            if batch:
                conn.executemany(sql, batch)
        _index(conn, product.entities)
        meta = (("records", str(records)), ("seed", str(seed)), ("layout", LAYOUT), ("product", product.name), ("entities", ",".join(product.entities)))
        conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta)
        conn.commit()
    finally:
        if not isinstance(target, sqlite3.Connection):
            conn.close()
    return made
