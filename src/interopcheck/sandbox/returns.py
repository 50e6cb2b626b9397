"""The sandbox's statutory returns, built from its own records: the CORE lettings log and the H-CLIC quarterly return.

GET /v1/returns/core-lettings?year=YYYY answers the CORE lettings log of collection year YYYY
(1 April YYYY to 31 March YYYY+1) in CORE's bulk-upload CSV layout for that year: a Question row,
the `Field number` row, then one row per tenancy starting in the year, with its property, household,
rent, void and allocation data. GET /v1/returns/h-clic?quarter=YYYY-Qn answers the H-CLIC content of
calendar quarter n as `interopcheck.returns.hclic` defines it (the official H-CLIC data specification
is not public). This module builds both independently of the checks that judge them (the layering
keeps the sandbox below them), from the records in the standard's shape.

Faults: `core-invalid-answer` writes an answer outside CORE's options into one row;
`hclic-count-mismatch` adds one to a count of table A1.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from interopcheck.entities import ENTITIES
from interopcheck.resources import standards_dir
from interopcheck.sandbox import codelists as cl
from interopcheck.sandbox.generate import iter_records
from interopcheck.sandbox.products import REFERENCE
from interopcheck.sandbox.web import SandboxState, json_response, problem, state_of, unauthorised

CSV_TYPE = "text/csv; charset=utf-8; header=present"
#: The answer `core-invalid-answer` writes, and where: tenancy type (field 38) 9, not one of CORE's options.
INVALID_ANSWER = (38, "9")
#: The periods the endpoints accept (also their OpenAPI patterns, without the anchors).
YEAR_PATTERN = r"20[0-9]{2}"
QUARTER_PATTERN = r"20[0-9]{2}-Q[1-4]"
BU_RELATIONSHIP = {"P": "1", "X": "2", "R": "3"}  # CORE relat code -> bulk-upload answer (row parser relationship_from_input_value)
ALLOCATION_FIELDS = {"cbl": 127, "cap": 128, "chr": 129, "accessible_register": 130}
RP_FIELDS = {"rp_homeless": 122, "rp_insan_unsat": 123, "rp_medwel": 124, "rp_hardship": 125, "rp_dontknow": 126}


@functools.cache
def core_layout(year: int) -> tuple[int, tuple[str, ...]] | None:
    """(field count, question of each field) of collection `year`'s bulk upload, from the bundled facts; None when not bundled."""
    path = standards_dir() / "returns" / f"core-lettings-bulk-upload-{year}.json"
    if not path.is_file():
        return None
    facts = json.loads(path.read_text(encoding="utf-8"))["x-core"]
    return facts["field_count"], tuple(c["question"] for c in facts["columns"])


def _stored(state: SandboxState) -> bool:
    """Whether the store holds records in the standard's shape (the reference product), so rows can be read as they are."""
    return state.product is REFERENCE or state.product.name == REFERENCE.name


def national_records(state: SandboxState, entity: str, keep: Callable[[str], bool] | None = None) -> Iterator[dict[str, Any]]:
    """Every record of `entity` in the standard's shape: the stored rows for the reference product, else regenerated.

    `keep` looks at a stored row's JSON text first, so a large store is not parsed row by row for a few records.
    """
    if entity not in state.product.entities and entity not in ENTITIES:
        return
    if _stored(state):
        for _, text in state.store.stream(entity):
            if keep is None or keep(text):
                yield orjson.loads(text)
    else:
        yield from iter_records(entity, records=state.records, seed=state.seed, product=REFERENCE)


def records_by_id(state: SandboxState, entity: str, ids: set[str]) -> dict[str, dict[str, Any]]:
    """The records of `entity` with these ids (indexed look-ups for the reference product)."""
    if _stored(state):
        rows = (state.store.get(entity, i) for i in sorted(ids))
        return {r["id"]: r for r in (orjson.loads(row[1]) for row in rows if row is not None)}
    return {r["id"]: r for r in national_records(state, entity) if r["id"] in ids}


def _mentions(field: str, ids: set[str]) -> Callable[[str], bool]:
    """A row filter: the row's JSON text gives `field` one of `ids` (a text search before any parsing)."""
    pattern = re.compile(rf'"{re.escape(field)}":\s*"([^"]*)"')
    return lambda text: any(m in ids for m in pattern.findall(text))


def _in_year(value: Any, year: int) -> bool:
    """Whether `value` is a date in collection `year` (1 April to 31 March)."""
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return date(year, 4, 1) <= day <= date(year + 1, 3, 31)


def _age(birth: Any, on: date) -> str:
    """Age in whole years on `on`, or R (CORE's answer when the age is not given) without a date of birth."""
    try:
        born = date.fromisoformat(str(birth))
    except ValueError:
        return "R"
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _split(day: Any) -> tuple[str, str, str]:
    """An ISO date as CORE's (DD, MM, YY) cells."""
    d = date.fromisoformat(str(day)[:10])
    return f"{d.day:02d}", f"{d.month:02d}", f"{d.year % 100:02d}"


def _money(value: Any) -> str:
    """A charge as CORE's xxxx.xx (0.00 when the record gives none)."""
    return f"{float(value):.2f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "0.00"


def _row(t: dict[str, Any], prop: dict[str, Any], people: dict[str, dict[str, Any]], extra: dict[str, Any]) -> dict[int, str]:
    """The bulk-upload cells of tenancy `t` (field number -> text)."""
    start = date.fromisoformat(t["start_date"][:10])
    address = prop.get("address") or {}
    postcode = str(address.get("postcode") or "").split(" ")
    cells: dict[int, str] = {
        1: str((prop.get("owning_organisation") or prop.get("managing_organisation") or {}).get("id") or ""),
        2: str((prop.get("managing_organisation") or {}).get("id") or ""),
        4: "1", 7: "2", 11: str(int(t["rent_type"]) + 1) if isinstance(t.get("rent_type"), int) else "",
        13: t["id"], 14: prop.get("id", ""), 15: "1",
        18: str(prop.get("uprn") or ""), 19: " ".join(str(address.get(k)) for k in ("paon", "street") if address.get(k)),
        20: str(address.get("saon") or ""), 21: str(address.get("town") or ""),
        23: postcode[0] if postcode else "", 24: postcode[1] if len(postcode) > 1 else "",
        25: str((prop.get("local_authority") or {}).get("gss_code") or ""),
        26: str(prop.get("property_type") or ""), 28: str(prop.get("bedrooms") if prop.get("bedrooms") is not None else ""),
        36: "1" if len(t.get("tenant_ids") or ()) > 1 else "2", 37: "1" if t.get("starter") else "2",
        38: str(t.get("tenancy_type") or ""),
    }
    cells[8], cells[9], cells[10] = _split(start)
    if t.get("length_years") is not None and t.get("tenancy_type") in (4, 6, 8):
        cells[40] = str(t["length_years"])
    lead, *others = [*(t.get("tenant_ids") or ()), *(t.get("household_member_ids") or ())]
    cells[41] = _age((people.get(lead) or {}).get("date_of_birth"), start)
    relations = {m.get("person_id"): m.get("relationship") for m in extra.get("members", ())}
    for n, pid in enumerate(others[:7], 2):
        base = 48 + 6 * (n - 2)
        cells[base] = _age((people.get(pid) or {}).get("date_of_birth"), start)
        if relations.get(pid) in BU_RELATIONSHIP:
            cells[base + 1] = BU_RELATIONSHIP[relations[pid]]
    void = extra.get("void")
    if void and void.get("void_date"):
        cells[29], cells[30], cells[31] = _split(void["void_date"])
        if void.get("major_repairs_date"):
            cells[32], cells[33], cells[34] = _split(void["major_repairs_date"])
        if void.get("reason_for_vacancy") is not None:
            cells[16] = str(void["reason_for_vacancy"])
    application = extra.get("application") or {}
    routes = set(application.get("allocation_routes") or ())
    for route, n in ALLOCATION_FIELDS.items():
        cells[n] = "1" if route in routes else "2"
    if application.get("reasonable_preference") is not None:
        cells[121] = str(application["reasonable_preference"])
        if cells[121] == "1":
            for category in application.get("reasonable_preference_categories") or ():
                if category in RP_FIELDS:
                    cells[RP_FIELDS[category]] = "1"
    account = extra.get("account")
    if account:
        charges = account.get("charges") or {}
        cells[141] = str(account.get("rent_period") or "")
        cells[142] = _money(charges.get("rent", account.get("weekly_rent")))
        cells[143], cells[144], cells[145] = (_money(charges.get(k, 0)) for k in ("service_charge", "personal_service_charge", "support_charge"))
    return {k: v for k, v in cells.items() if v != ""}


def extra_applications(lettings: list[dict[str, Any]], applications: Iterator[dict[str, Any]], extra: dict[str, dict[str, Any]]) -> None:
    """The register application each letting was allocated from: its lead tenant's, else one whose accepted offer is of the let property (on or before the start)."""
    by_applicant: dict[Any, dict[str, Any]] = {}
    by_offer: dict[Any, list[tuple[str, dict[str, Any]]]] = {}
    for application in applications:
        by_applicant.setdefault(application.get("applicant_id"), application)
        for offer in application.get("offers") or ():
            if isinstance(offer, dict) and offer.get("outcome") == "accepted":
                by_offer.setdefault(offer.get("property_id"), []).append((str(offer.get("offer_date")), application))
    for t in lettings:
        lead = (t.get("tenant_ids") or [None])[0]
        offered = [a for day, a in sorted(by_offer.get(t.get("property_id"), ()), key=lambda x: x[0]) if day <= t["start_date"]]
        found = by_applicant.get(lead) or (offered[-1] if offered else None)
        if found is not None:
            extra[t["id"]]["application"] = found


def core_lettings_csv(state: SandboxState, year: int) -> str:
    """The CORE lettings log of collection `year` as bulk-upload CSV (`core-invalid-answer` spoils its first row)."""
    layout = core_layout(year)
    assert layout is not None
    count, questions = layout
    dated = _mentions("start_date", {f"{year + (m < 4)}-{m:02d}-{d:02d}" for m in range(1, 13) for d in range(1, 32)})
    lettings = [t for t in national_records(state, "tenancy", dated) if _in_year(t.get("start_date"), year)]
    wanted_people = {p for t in lettings for p in (*(t.get("tenant_ids") or ()), *(t.get("household_member_ids") or ()))}
    wanted_props = {t.get("property_id") for t in lettings}
    ids = {t["id"] for t in lettings}
    people = records_by_id(state, "person", {str(p) for p in wanted_people})
    props = records_by_id(state, "property", {str(p) for p in wanted_props})
    extra: dict[str, dict[str, Any]] = {tid: {} for tid in ids}
    of_lettings = _mentions("tenancy_id", ids)
    for account in national_records(state, "rent-account", of_lettings):
        if account.get("tenancy_id") in ids:
            extra[account["tenancy_id"]]["account"] = account
    if "void" in state.product.entities:
        for void in national_records(state, "void", of_lettings):
            if void.get("tenancy_id") in ids:
                extra[void["tenancy_id"]]["void"] = void
    if "household-member" in state.product.entities:
        for member in national_records(state, "household-member", of_lettings):
            if member.get("tenancy_id") in ids:
                extra[member["tenancy_id"]].setdefault("members", []).append(member)
    if "register-application" in state.product.entities:
        extra_applications(lettings, national_records(state, "register-application"), extra)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Question", *questions])
    writer.writerow(["Field number", *range(1, count + 1)])
    for i, t in enumerate(sorted(lettings, key=lambda r: (r["start_date"], r["id"]))):
        cells = _row(t, props.get(t.get("property_id"), {}), people, extra[t["id"]])
        if i == 0 and "core-invalid-answer" in state.faults:
            cells[INVALID_ANSWER[0]] = INVALID_ANSWER[1]
        writer.writerow(["", *(cells.get(n, "") for n in range(1, count + 1))])
    return out.getvalue()


def _duties(case: dict[str, Any]) -> list[dict[str, Any]]:
    """The duty entries of a homelessness case."""
    return [d for d in case.get("duties") or () if isinstance(d, dict)]


def _case_record(case: dict[str, Any], la: str) -> dict[str, Any]:
    """The H-CLIC case record (standards/returns/h-clic.json) of a homelessness case."""
    ended = {d.get("duty"): d.get("end_reason") for d in _duties(case) if d.get("end_date")}
    decisions = [d for d in case.get("decisions") or () if isinstance(d, dict)]
    return {
        "case_ref": case["id"], "la": la, "approach_date": case.get("approach_date"), "stage": case.get("stage"),
        "reason_for_loss_of_settled_home": case.get("reason_for_loss_of_settled_home"),
        "prevention_duty_end_reason": ended.get("prevention"), "relief_duty_end_reason": ended.get("relief"),
        "main_duty_decision": decisions[-1].get("decision") if decisions else None,
        "household": case.get("household"),
    }


def hclic_return(state: SandboxState, quarter: str) -> dict[str, Any]:
    """The H-CLIC content of `quarter` (YYYY-Qn) from the homelessness cases (`hclic-count-mismatch` adds one to table A1)."""
    year, n = int(quarter[:4]), int(quarter[-1])
    first = date(year, 3 * n - 2, 1)
    last = date.fromordinal(date(year + (n == 4), 1 if n == 4 else 3 * n + 1, 1).toordinal() - 1)

    def within(value: Any) -> bool:
        """Whether `value` is a date inside the quarter."""
        try:
            return first <= date.fromisoformat(str(value)[:10]) <= last
        except ValueError:
            return False

    tables: dict[str, dict[str, int]] = {"A1": {}, "A2": {}, "P1": {}, "R1": {}, "MD1": {}}
    cases = []
    la = cl.BOROUGHS[0][0]
    for case in national_records(state, "homelessness-case") if "homelessness-case" in state.product.entities else ():
        duties = _duties(case)
        active = False
        if within(case.get("approach_date")):
            active = True
            initial = str(duties[0].get("duty")) if duties else "no-duty-owed"
            tables["A1"][initial] = tables["A1"].get(initial, 0) + 1
            reason = str(case.get("reason_for_loss_of_settled_home"))
            tables["A2"][reason] = tables["A2"].get(reason, 0) + 1
        for duty in duties:
            table = {"prevention": "P1", "relief": "R1"}.get(str(duty.get("duty")))
            if table and within(duty.get("end_date")):
                active = True
                reason = str(duty.get("end_reason") or "not-known")
                tables[table][reason] = tables[table].get(reason, 0) + 1
        for decision in case.get("decisions") or ():
            if isinstance(decision, dict) and within(decision.get("date")):
                active = True
                tables["MD1"][str(decision.get("decision"))] = tables["MD1"].get(str(decision.get("decision")), 0) + 1
        if active:
            cases.append(_case_record(case, la))
    if "hclic-count-mismatch" in state.faults:
        key = next(iter(sorted(tables["A1"])), "prevention")
        tables["A1"][key] = tables["A1"].get(key, 0) + 1
    return {"return": "h-clic", "quarter": quarter, "period": {"start": first.isoformat(), "end": last.isoformat()}, "cases": cases,
            "tables": {name: dict(sorted(t.items())) for name, t in tables.items()}}


async def core_lettings(request: Request) -> Response:
    """GET /v1/returns/core-lettings?year=YYYY: the CORE lettings log as bulk-upload CSV."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    raw = request.query_params.get("year", "")
    if not re.fullmatch(YEAR_PATTERN, raw):
        return problem(state, 400, "Bad Request", "year must be a collection year's start year from 2000 to 2099, e.g. 2026 for 2026/27.", instance=request.url.path)
    if core_layout(int(raw)) is None:
        return problem(state, 404, "Not Found", f"No CORE bulk-upload layout for {raw}/{(int(raw) + 1) % 100:02d} is known to this sandbox.", instance=request.url.path)
    if "tenancy" not in state.product.entities:
        return problem(state, 404, "Not Found", "This product holds no tenancies, so it makes no CORE lettings log.", instance=request.url.path)
    body = core_lettings_csv(state, int(raw)).encode()
    return Response(body, media_type=CSV_TYPE, headers={"Content-Disposition": f'attachment; filename="core-lettings-{raw}.csv"'})


async def h_clic(request: Request) -> Response:
    """GET /v1/returns/h-clic?quarter=YYYY-Qn: the H-CLIC quarterly return content."""
    state = state_of(request)
    if denied := unauthorised(request):
        return denied
    quarter = request.query_params.get("quarter", "")
    if not re.fullmatch(QUARTER_PATTERN, quarter):
        return problem(state, 400, "Bad Request", "quarter must be of the form YYYY-Qn, a year from 2000 to 2099 and n = 1 to 4 (calendar quarters).", instance=request.url.path)
    return json_response(hclic_return(state, quarter))


def routes() -> list[Route]:
    """The returns endpoints."""
    return [Route("/v1/returns/core-lettings", core_lettings, methods=["GET"]), Route("/v1/returns/h-clic", h_clic, methods=["GET"])]
