"""Record builders of what a council most needs back at exit: documents, households, temporary accommodation,
the housing register, voids, compliance certificates, complaints and the change history.

A mixin of `generate._Builders`. Index builders take (rng, index) like the others; the `stream_*` builders
derive their records from another entity's records (rebuilt with the same seed, in the standard's shape), so
a household member is a tenant or member of a real tenancy, a void ends on the let date of a tenancy of that
property and a change event's last update is its record's `updated_at`. A stream yields at most the entity's
count (`generate.entity_counts`), fewer when its sources run out (a product without tenancies).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from functools import cached_property, lru_cache
from typing import Any

from interopcheck.errors import StandardsError
from interopcheck.sandbox import codelists as cl

#: The day the sandbox's data describes ("today"): updated_at stamps end here, certificates are valid or expired on it.
AS_OF = date(2026, 11, 1)
#: Housing Ombudsman Complaint Handling Code, as its page "Help if you are waiting for a final response" states:
#: acknowledge within 5 working days; respond within 10 (stage 1) or 20 (stage 2) working days of the acknowledgement.
ACKNOWLEDGE_DAYS = 5
RESPONSE_DAYS = {"stage-1": 10, "stage-2": 20}
#: Media type of each document type's content, and its synthetic size range in bytes.
MEDIA = {"case-note": ("text/plain", 400, 6_000), "photo": ("image/jpeg", 150_000, 4_000_000)}
PDF = ("application/pdf", 30_000, 900_000)
#: The standard field an update of each entity changes (a JSON pointer into its record).
UPDATED_FIELD = {
    "property": "/occupancy_status", "person": "/phone", "tenancy": "/status", "rent-account": "/balance",
    "rent-transaction": "/amount", "repair": "/status", "asb-case": "/status", "homelessness-case": "/stage",
    "leasehold": "/service_charges", "document": "/title", "household-member": "/end_date", "ta-placement": "/end_date",
    "register-application": "/status", "void": "/let_date", "compliance-certificate": "/status", "complaint": "/response_date",
}
#: Records of each entity sampled for change events: every STRIDE-th record, until its share is taken.
#: Every tenancy let since this day has its void (CORE collection years 2023/24 on, so a CORE log has each letting's void).
LETTINGS_FROM = "2023-04-01"
#: Of the tenancies let before LETTINGS_FROM, every this-many-th has its household members.
OLDER_TENANCY_STRIDE = 20
#: Words in a temporary accommodation type's label that mark it as paid by the night.
NIGHTLY_WORDS = ("b&b", "bed and breakfast", "nightly")
CHANGE_SHARE = 20
CHANGE_STRIDE = 4
CERT_TYPES, CERT_STATUS = "compliance-certificate-type", "certificate-status"
#: Synthetic years of validity of each certificate type (none: no expiry, as an asbestos survey).
CERTIFICATE_YEARS = {
    "gas-safety": 1, "electrical": 5, "fire-risk-assessment": 1, "water-risk-assessment": 2, "lift": 1,
    "portable-appliance-test": 1, "energy-performance-certificate": 10,
}

# Invented names of firms and staff accounts (no real organisation or person).
PROVIDERS = ("Acorn Lettings Ltd", "Beacon Emergency Housing Ltd", "Cedar Court Hostels Ltd", "Dove Nightly Lets Ltd")
ISSUERS = {
    "gas-safety": "Albion Gas Services Ltd", "fire-risk-assessment": "Beacon Fire Safety Ltd", "electrical": "Cedar Electrical Testing Ltd",
    "water-risk-assessment": "Dove Water Hygiene Ltd", "lift": "Elm Lift Engineers Ltd",
}
COMPLAINT_CATEGORIES = ("Repairs", "Damp and mould", "Anti-social behaviour", "Rent and charges", "Staff conduct", "Communication")
TITLES = {
    "case-note": "Case note", "letter": "Letter to resident", "photo": "Photograph of the property",
    "tenancy-agreement": "Signed tenancy agreement", "certificate": "Safety certificate", "evidence": "Evidence supplied by the applicant",
}
BANDS = ("Band A", "Band B", "Band C", "Band D")
REFUSALS = ("Too far from school", "Property too small", "Stairs unsuitable for a medical need", "Area not safe for the household")


def _iso(day: date) -> str:
    return day.isoformat()


def _add_working_days(day: date, n: int) -> date:
    """`day` plus `n` working days (Monday to Friday; bank holidays are not known to the sandbox)."""
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _between(rng: random.Random, first: date, last: date) -> date:
    """A random day from `first` to `last` (`first` when the span is empty)."""
    return first + timedelta(days=rng.randrange(max(1, (last - first).days + 1)))


def _unknown(label: str) -> bool:
    """Whether a code's label is a "don't know" or "prefers not to say" answer."""
    return any(w in label.lower() for w in ("know", "prefer", "refus"))


@lru_cache(maxsize=None)
def _named(name: str, code: str) -> str:
    """`code` of list `name`, which the sandbox's logic relies on (a StandardsError if the standard has dropped it)."""
    if code not in cl.codelist(name):
        raise StandardsError(f"the sandbox needs code {code!r} of list {name!r}, which the standard does not have")
    return code


def _staff(rng: random.Random) -> str:
    """A synthetic staff account (a user id, never a name)."""
    return f"USR-{rng.randrange(1, 400):04d}"


class ExitBuilders:
    """Builders of the exit entities; mixed into `generate._Builders` (which gives counts, served, _ref, _updated, source)."""

    seed: int
    counts: dict[str, int]
    served: tuple[str, ...]
    _ref: Callable[[str, random.Random], str]
    _updated: Callable[[random.Random], str]
    source: Callable[[str], Iterator[dict[str, Any]]]
    record_id: Callable[[str, int], str]

    @cached_property
    def ta_types(self) -> tuple[tuple[Any, str], ...]:
        """The temporary accommodation types with their labels in lower case."""
        return tuple((c.code, c.label.lower()) for c in cl.labelled("hclic-ta-type"))

    @cached_property
    def partner(self) -> Any:
        return cl.code_labelled("core-relationship", "Partner")

    @cached_property
    def other_relations(self) -> tuple[Any, ...]:
        """The relationships of members other than a partner (a child, another), not a refusal to say."""
        return tuple(c.code for c in cl.labelled("core-relationship") if c.code != self.partner and not _unknown(c.label))

    @cached_property
    def has_preference(self) -> Any:
        return cl.code_labelled("core-reasonable-preference", "Yes")

    @cached_property
    def preference_categories(self) -> tuple[Any, ...]:
        """The reasonable preference categories, without "don't know"."""
        return tuple(c.code for c in cl.labelled("core-reasonable-preference-category") if not _unknown(c.label))

    def _updated_after(self, rng: random.Random, *days: str | None) -> str:
        """A random updated_at, but not before the latest of the record's own dates (ISO dates or stamps)."""
        latest = max((d for d in days if d), default="")
        stamp = self._updated(rng)
        return stamp if stamp[:10] > latest[:10] else f"{latest[:10]}T{rng.randrange(8, 18):02d}:{rng.randrange(60):02d}:00Z"

    def _unlet_property(self, rng: random.Random) -> str | None:
        """A property no tenancy is let on (tenancy i lets property i * P // T), for temporary accommodation in own stock."""
        properties, tenancies = self.counts.get("property", 0), self.counts.get("tenancy", 0)
        if "property" not in self.served or not properties:
            return None
        for _ in range(20):
            p = rng.randrange(properties)
            i = -(-p * tenancies // properties)  # the first tenancy index that could let property p
            if not (i < tenancies and i * properties // tenancies == p):
                return self.record_id("property", p)
        return None

    def _maybe_ref(self, entity: str, rng: random.Random) -> str | None:
        """A random existing record of `entity`, or None when the product does not serve it."""
        return self._ref(entity, rng) if entity in self.served and self.counts.get(entity) else None

    def document(self, rng: random.Random, i: int) -> dict[str, Any]:
        """A document's metadata: its type decides its media type, size and what it is linked to."""
        kind = rng.choice(cl.codelist("document-type"))
        media, low, high = MEDIA.get(kind, PDF)
        created = _between(rng, date(2019, 1, 1), AS_OF - timedelta(days=2))
        links: dict[str, Any] = dict.fromkeys(("person_id", "tenancy_id", "property_id", "asb_case_id", "homelessness_case_id"))
        if kind == "case-note":
            case = "asb-case" if rng.random() < 0.5 and "asb-case" in self.served else "homelessness-case"
            links[case.replace("-", "_") + "_id"] = self._maybe_ref(case, rng)
        elif kind in ("letter", "tenancy-agreement"):
            links["tenancy_id"] = self._maybe_ref("tenancy", rng)
        elif kind in ("photo", "certificate"):
            links["property_id"] = self._maybe_ref("property", rng)
        elif kind == "evidence":
            links["homelessness_case_id"] = self._maybe_ref("homelessness-case", rng)
        if not any(links.values()):
            links["person_id"] = self._maybe_ref("person", rng)
        record_id = self.record_id("document", i)
        created_at = f"{_iso(created)}T{rng.randrange(8, 18):02d}:{rng.randrange(60):02d}:00Z"
        return {
            "id": record_id,
            "updated_at": max(created_at, self._updated(rng)),
            "document_type": kind,
            "title": f"{TITLES.get(kind, 'Document')} {_iso(created)}",
            "created_at": created_at,
            "author": _staff(rng),
            "media_type": media,
            "byte_count": rng.randrange(low, high),
            "download_url": f"/v1/documents/{record_id}/content",
            "sha256": None,
            **links,
        }

    def stream_household_member(self, rng: random.Random) -> Iterator[dict[str, Any]]:
        """The members of homelessness households (every case), then of tenancies (every one let since LETTINGS_FROM, every
        OLDER_TENANCY_STRIDE-th older one): their own people."""
        n = 0
        for case in self.source("homelessness-case"):
            people = [case["applicant_id"], *case.get("household_member_ids", [])]
            for k, person in enumerate(people):
                yield self._member(rng, n, person, k == 0, False, k, None, case["id"], None, None)
                n += 1
        for t, tenancy in enumerate(self.source("tenancy")):
            if tenancy["start_date"] < LETTINGS_FROM and t % OLDER_TENANCY_STRIDE:
                continue
            tenants, others = tenancy["tenant_ids"], tenancy.get("household_member_ids", [])
            for k, person in enumerate([*tenants, *others]):
                joined = tenancy["start_date"] if k < len(tenants) else None
                yield self._member(rng, n, person, k == 0, k < len(tenants), k, tenancy["id"], None, joined, tenancy["end_date"])
                n += 1

    def _member(
        self, rng: random.Random, n: int, person: str, lead: bool, holder: bool, k: int,
        tenancy_id: str | None, case_id: str | None, start: str | None, end: str | None,
    ) -> dict[str, Any]:
        """One household member: the lead (no relationship: CORE asks none of person 1), a joint tenant (partner) or another."""
        relation = None if lead else (self.partner if holder or k == 1 else rng.choice(self.other_relations))
        return {
            "id": self.record_id("household-member", n),
            "updated_at": self._updated_after(rng, start, end),
            "person_id": person,
            "tenancy_id": tenancy_id,
            "homelessness_case_id": case_id,
            "relationship": relation,
            "lead_tenant": lead,
            "contract_holder": holder,
            "start_date": start,
            "end_date": end,
        }

    def stream_ta_placement(self, rng: random.Random) -> Iterator[dict[str, Any]]:
        """A placement for each homelessness case owed the relief or main duty (temporary accommodation), from its duty's start."""
        n = 0
        for case in self.source("homelessness-case"):
            duties = [d for d in case.get("duties", []) if d["duty"] in ("relief", "main-duty")]
            if not duties:
                continue
            kind, label = rng.choice(self.ta_types)
            nightly = any(w in label for w in NIGHTLY_WORDS)  # bed and breakfast, nightly paid: costed by the night
            start = date.fromisoformat(duties[0]["start_date"]) + timedelta(days=rng.randrange(0, 5))
            ended = rng.random() < 0.3 and start < AS_OF - timedelta(days=30)
            gss, _, _ = cl.BOROUGHS[int(case["id"][-3:]) % len(cl.BOROUGHS)]
            away = cl.BOROUGHS[rng.randrange(len(cl.BOROUGHS))][0] if rng.random() < 0.3 else None
            own = "stock" in label  # the council's or a housing association's own homes
            end = _iso(_between(rng, start + timedelta(days=7), AS_OF - timedelta(days=1))) if ended else None
            yield {
                "id": self.record_id("ta-placement", n),
                "updated_at": self._updated_after(rng, _iso(start), end),
                "homelessness_case_id": case["id"],
                "accommodation_type": kind,
                "property_id": self._unlet_property(rng) if own else None,
                "provider": "Example Housing Council" if own else rng.choice(PROVIDERS),
                "start_date": _iso(start),
                "end_date": end,
                "cost_amount": round(rng.uniform(45.0, 110.0), 2) if nightly else round(rng.uniform(220.0, 520.0), 2),
                "cost_period": _named("ta-cost-period", "night" if nightly else "week"),
                "placing_authority_gss_code": gss,
                "out_of_borough_gss_code": away if away != gss else None,
            }
            n += 1

    def register_application(self, rng: random.Random, i: int) -> dict[str, Any]:
        """A housing register application with its preference, bids and offers (an accepted offer once housed)."""
        applied = _between(rng, date(2015, 1, 1), AS_OF - timedelta(days=40))
        status = rng.choice(cl.codelist("register-application-status"))
        preference = rng.choice(cl.codelist("core-reasonable-preference"))
        categories = self.preference_categories if preference == self.has_preference else ()
        bids = []
        for _ in range(rng.randrange(0, 5) if status != "cancelled" else 0):
            bids.append({"property_id": self._ref("property", rng), "bid_date": _iso(_between(rng, applied, AS_OF - timedelta(days=30))), "position": rng.randrange(1, 200)})
        bids.sort(key=lambda b: b["bid_date"])
        offers = []
        if bids and status == "housed":
            offers.append({"property_id": bids[-1]["property_id"], "offer_date": _iso(date.fromisoformat(bids[-1]["bid_date"]) + timedelta(days=14)), "outcome": "accepted", "refusal_reason": None})
        elif bids and rng.random() < 0.3:
            outcome = rng.choice(("refused", "pending", "withdrawn"))
            offers.append({"property_id": bids[0]["property_id"], "offer_date": _iso(date.fromisoformat(bids[0]["bid_date"]) + timedelta(days=14)), "outcome": outcome,
                           "refusal_reason": rng.choice(REFUSALS) if outcome == "refused" else None})
        return {
            "id": self.record_id("register-application", i),
            "updated_at": self._updated_after(rng, _iso(applied), *(b["bid_date"] for b in bids), *(o["offer_date"] for o in offers)),
            "applicant_id": self._ref("person", rng),
            "household_member_ids": sorted({self._ref("person", rng) for _ in range(rng.randrange(3))}),
            "application_date": _iso(applied),
            "status": status,
            "reasonable_preference": preference,
            "reasonable_preference_categories": sorted(rng.sample(categories, min(len(categories), rng.randrange(1, 3)))) if categories else [],
            "allocation_routes": [rng.choice(cl.codelist("core-letting-allocation"))],
            "band": rng.choice(BANDS) if rng.random() < 0.8 else None,
            "bids": bids,
            "offers": offers,
        }

    def stream_void(self, rng: random.Random) -> Iterator[dict[str, Any]]:
        """Current voids, then the void before each letting since LETTINGS_FROM.

        A current void is a property whose occupancy status is void and which no tenancy holds on its void date (never
        let, or its tenancy ended by then): properties and their tenancies are walked side by side (both in property order).
        """
        n = 0
        reasons = cl.codelist("core-reason-for-vacancy")
        tenancies = self.source("tenancy")
        tenancy = next(tenancies, None)
        for prop in self.source("property"):
            while tenancy is not None and tenancy["property_id"] < prop["id"]:
                tenancy = next(tenancies, None)
            held = tenancy if tenancy is not None and tenancy["property_id"] == prop["id"] else None
            if prop.get("void_date") and (held is None or (held["end_date"] or "9999") <= prop["void_date"]):
                yield self._void(rng, n, prop["id"], prop["void_date"], rng.choice(reasons), None, None)
                n += 1
        for tenancy in self.source("tenancy"):
            if tenancy["start_date"] >= LETTINGS_FROM:
                let = date.fromisoformat(tenancy["start_date"])
                void = let - timedelta(days=rng.randrange(10, 120))
                yield self._void(rng, n, tenancy["property_id"], _iso(void), rng.choice(reasons), tenancy, rng.random() < 0.2)
                n += 1
        if n == 0:  # a small sandbox with no letting since LETTINGS_FROM: the void before its latest letting, so voids are testable
            latest = max(self.source("tenancy"), key=lambda t: t["start_date"], default=None)
            if latest is not None:
                void = date.fromisoformat(latest["start_date"]) - timedelta(days=rng.randrange(10, 120))
                yield self._void(rng, n, latest["property_id"], _iso(void), rng.choice(reasons), latest, False)

    def _void(self, rng: random.Random, n: int, property_id: str, void_date: str, reason: Any, tenancy: dict[str, Any] | None, repairs: bool | None) -> dict[str, Any]:
        """A void of `property_id` from `void_date`, ended by the let of `tenancy` (None: still void)."""
        let = tenancy["start_date"] if tenancy else None
        major = None
        if tenancy and repairs:
            major = _iso(_between(rng, date.fromisoformat(void_date), date.fromisoformat(let) - timedelta(days=1)))
        return {
            "id": self.record_id("void", n),
            "updated_at": self._updated_after(rng, void_date, let),
            "property_id": property_id,
            "void_date": void_date,
            "reason_for_vacancy": reason,
            "major_repairs_date": major,
            "void_end_date": let,
            "let_date": let,
            "tenancy_id": tenancy["id"] if tenancy else None,
        }

    def compliance_certificate(self, rng: random.Random, i: int) -> dict[str, Any]:
        """Certificates 2p and 2p+1 are property p's current gas safety record and fire risk assessment; the rest are
        earlier ones (expired) and other kinds (electrical, asbestos, water, lifts)."""
        gas, fra = _named(CERT_TYPES, "gas-safety"), _named(CERT_TYPES, "fire-risk-assessment")
        valid, expired = _named(CERT_STATUS, "valid"), _named(CERT_STATUS, "expired")
        if i < 2 * self.counts["property"]:
            kind, prop = (gas if i % 2 == 0 else fra), self.record_id("property", i // 2)
            if rng.random() < 0.04:  # overdue: last issued over a year ago
                issued, status = _between(rng, AS_OF - timedelta(days=540), AS_OF - timedelta(days=366)), expired
            else:
                issued, status = _between(rng, AS_OF - timedelta(days=360), AS_OF - timedelta(days=1)), valid
                if kind == fra and rng.random() < 0.05:
                    status = _named(CERT_STATUS, "remedial-action-required")
        else:
            kind, prop = rng.choice(cl.codelist(CERT_TYPES)), self._ref("property", rng)
            if kind in (gas, fra):  # an earlier one, long expired and since replaced
                issued, status = _between(rng, date(2023, 1, 1), date(2024, 4, 30)), expired
            else:  # current: issued within its validity (an asbestos survey has none: within two years)
                span = 365 * CERTIFICATE_YEARS.get(str(kind), 2) - 5
                issued, status = _between(rng, AS_OF - timedelta(days=span), AS_OF - timedelta(days=1)), valid
        years = CERTIFICATE_YEARS.get(str(kind))
        expiry = issued.replace(year=issued.year + years, day=min(issued.day, 28)) if years else None
        changed = min(AS_OF, expiry) if status == expired and expiry else issued
        return {
            "id": self.record_id("compliance-certificate", i),
            "updated_at": f"{_iso(changed)}T{rng.randrange(7, 19):02d}:{rng.randrange(60):02d}:00Z",
            "property_id": prop,
            "certificate_type": kind,
            "issued_date": _iso(issued),
            "expiry_date": _iso(expiry) if expiry else None,
            "issuer": ISSUERS.get(str(kind), "Fern Building Surveyors Ltd"),
            "status": status,
        }

    def stream_complaint(self, rng: random.Random) -> Iterator[dict[str, Any]]:
        """Complaints by the lead tenants of every few tenancies, at stage 1 or 2, timed by the Complaint Handling Code."""
        tenancies = self.counts.get("tenancy", 0) if "tenancy" in self.served else 0
        stride = max(1, tenancies // max(1, self.counts["complaint"]))
        n = 0
        for t, tenancy in enumerate(self.source("tenancy") if tenancies else ()):
            if t % stride:
                continue
            start = max(date.fromisoformat(tenancy["start_date"]), date(2023, 1, 1))
            end = min(date.fromisoformat(tenancy["end_date"]) if tenancy["end_date"] else AS_OF, AS_OF) - timedelta(days=1)
            yield self._complaint(rng, n, tenancy, _between(rng, start, end) if start <= end else date.fromisoformat(tenancy["start_date"]))
            n += 1

    def _complaint(self, rng: random.Random, n: int, tenancy: dict[str, Any], received: date) -> dict[str, Any]:
        """One complaint received on `received`: acknowledged, due, answered (on time or late) or still open."""
        stage = _named("complaint-stage", "stage-2" if rng.random() < 0.2 else "stage-1")
        acknowledged = _add_working_days(received, rng.randrange(0, ACKNOWLEDGE_DAYS + 1))
        due = _add_working_days(acknowledged, RESPONSE_DAYS.get(str(stage), 10))
        roll = rng.random()
        response = None
        if roll < 0.85:
            response = _add_working_days(acknowledged, rng.randrange(1, RESPONSE_DAYS.get(str(stage), 10) + 1))
        elif roll < 0.95:
            response = due + timedelta(days=rng.randrange(1, 30))
        if response is not None and response >= AS_OF:
            response = None  # not answered yet on the sandbox's day
        if acknowledged >= AS_OF:
            acknowledged_text = None
        else:
            acknowledged_text = _iso(acknowledged)
        last = response or (acknowledged if acknowledged_text else received)
        return {
            "id": self.record_id("complaint", n),
            "updated_at": f"{_iso(last)}T{rng.randrange(8, 18):02d}:{rng.randrange(60):02d}:00Z",
            "complainant_id": tenancy["tenant_ids"][0],
            "property_id": tenancy["property_id"],
            "tenancy_id": tenancy["id"],
            "stage": stage,
            "received_date": _iso(received),
            "acknowledged_date": acknowledged_text,
            "response_due_date": _iso(due),
            "response_date": _iso(response) if response else None,
            "within_timescale": (response <= due) if response else None,
            "category": rng.choice(COMPLAINT_CATEGORIES),
        }

    def stream_change_event(self, rng: random.Random) -> Iterator[dict[str, Any]]:
        """A create and an update event for a sample of the records of every other entity; the update is the record's updated_at."""
        n = 0
        for entity in self.served:
            if entity == "change-event":
                continue
            share = max(1, self.counts.get(entity, 0) // CHANGE_SHARE)
            taken = 0
            for k, record in enumerate(self.source(entity)):
                if taken >= share:
                    break
                if k % CHANGE_STRIDE:
                    continue
                updated = record["updated_at"]
                created = record.get("created_at") or _iso(date.fromisoformat(updated[:10]) - timedelta(days=rng.randrange(1, 400))) + updated[10:]
                for action, at, pointer in (("create", created, None), ("update", updated, UPDATED_FIELD.get(entity))):
                    yield {
                        "id": self.record_id("change-event", n),
                        "updated_at": at,
                        "entity": entity,
                        "record_id": record["id"],
                        "action": action,
                        "field": pointer,
                        "changed_at": at,
                        "changed_by": _staff(rng),
                    }
                    n += 1
                taken += 1

