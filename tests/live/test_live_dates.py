"""live.dates-valid says what is wrong with a date: the wrong kind of ISO 8601 value, or not ISO 8601 at all."""

from __future__ import annotations

from typing import Any

import httpx
import live_minisandbox as mini

from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.checks.registry import run_check
from interopcheck.live.session import LiveOptions, open_session
from interopcheck.model import CheckResult, Status
from live_fakes import FakeStandards, live_checks

BASE = "http://sandbox.test"


def _dates(people: list[dict[str, Any]]) -> CheckResult:
    """live.dates-valid on a sandbox whose only declared people are `people` (properties: none)."""

    def handle(request: httpx.Request) -> httpx.Response:
        records = people if request.url.path == "/v1/people" else []
        return httpx.Response(200, json={"data": records, "links": {}, "meta": {"total": len(records)}})

    index, declaration = mini.spec_index(), mini.declaration()
    options = LiveOptions(base_url=BASE, rate=1000.0, token_env="DATES_TOKEN")
    session = open_session(options, index, declaration, env={"DATES_TOKEN": "tok-dates"}, transport=httpx.MockTransport(handle))
    ctx = CheckContext(index=index, declaration=declaration, standards=FakeStandards(), live=session, options=RunOptions())
    try:
        return run_check(live_checks()["live.dates-valid"], ctx)
    finally:
        session.close()


def _person(pid: str, updated_at: str = "2026-01-02T10:00:00Z", date_of_birth: str = "1980-02-03") -> dict[str, Any]:
    return {"id": pid, "updated_at": updated_at, "given_name": "Ann", "family_name": "Lee", "date_of_birth": date_of_birth}


def test_a_date_time_where_a_date_is_expected_is_named_as_such() -> None:
    result = _dates([_person("n1", date_of_birth="1938-05-16T00:00:00Z"), _person("n2")])
    assert result.status is Status.FAIL, result.summary
    assert [f.message for f in result.findings] == ["person n1: /date_of_birth = '1938-05-16T00:00:00Z' is a date-time where the standard expects a date"]
    assert "not valid ISO 8601" not in result.summary
    assert result.summary.startswith("1 of 4 dates are of the wrong kind: 1 a date-time where the standard expects a date; every date must be an RFC 3339 full-date")


def test_a_date_where_a_date_time_is_expected_is_named_as_such() -> None:
    result = _dates([_person("n1", updated_at="2026-01-02")])
    assert result.status is Status.FAIL, result.summary
    assert [f.message for f in result.findings] == ["person n1: /updated_at = '2026-01-02' is a date where the standard expects a date-time"]


def test_values_that_are_neither_stay_not_valid_iso_8601() -> None:
    result = _dates([_person("n1", date_of_birth="02/01/2026"), _person("n2", date_of_birth="1938-05-16T00:00:00Z"), _person("n3", updated_at="2026-02-30T10:00:00Z")])
    assert result.status is Status.FAIL, result.summary
    messages = [f.message for f in result.findings]
    assert "person n1: /date_of_birth = '02/01/2026' is not a valid ISO 8601 date" in messages
    assert "person n3: /updated_at = '2026-02-30T10:00:00Z' is not a valid ISO 8601 date-time" in messages
    assert result.summary.startswith("3 of 6 dates are not as the standard expects: 2 not valid ISO 8601, 1 a date-time where the standard expects a date;")


def test_good_dates_pass_as_before() -> None:
    result = _dates([_person("n1"), _person("n2")])
    assert result.status is Status.PASS and result.summary == "all 4 dates in the sampled records are valid ISO 8601"
