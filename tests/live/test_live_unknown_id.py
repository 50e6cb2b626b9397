"""The unknown-id probe of live.problem-errors sends an id that fits the path parameter's schema but names no record.

Fake sandboxes that validate the id as their description says (an integer, a uuid, a pattern) and
answer 400/422 problem+json for a malformed id and 404 problem+json for an unknown one.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import live_minisandbox as mini
import pytest

from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.checks.registry import run_check
from interopcheck.live.session import LiveOptions, open_session
from interopcheck.model import CheckResult, Status
from live_fakes import live_checks

BASE = "http://sandbox.test"
ITEM = "/v1/properties/"


def _problem(status: int, title: str) -> httpx.Response:
    return httpx.Response(status, json={"type": "about:blank", "title": title, "status": status}, headers={"content-type": "application/problem+json"})


def _spec(id_schema: dict[str, Any], malformed: int = 400, documented: bool = True) -> dict[str, Any]:
    spec = copy.deepcopy(mini.SPEC)
    op = spec["paths"]["/v1/properties/{id}"]["get"]
    op["parameters"][0]["schema"] = id_schema
    if malformed != 400:
        op["responses"][str(malformed)] = op["responses"]["400"]
    if not documented:
        del op["responses"]["400"]
    return spec


def _run(id_schema: dict[str, Any], well_formed: Callable[[str], bool], malformed: int = 400, documented: bool = True) -> CheckResult:
    """live.problem-errors on a sandbox answering `malformed` for an id `well_formed` rejects, 404 for any other."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.startswith(ITEM):
            return _problem(404, "Not Found") if well_formed(path[len(ITEM) :]) else _problem(malformed, "Malformed id")
        if "updated_since" in request.url.params:
            return _problem(400, "updated_since is not a date-time")
        return httpx.Response(200, json={"data": [], "links": {}})

    spec = _spec(id_schema, malformed, documented)
    index, declaration = mini.spec_index(spec), mini.declaration()
    session = open_session(LiveOptions(base_url=BASE, rate=1000.0), index, declaration, env={}, transport=httpx.MockTransport(handle))
    ctx = CheckContext(index=index, declaration=declaration, standards=None, live=session, options=RunOptions())
    try:
        return run_check(live_checks()["live.problem-errors"], ctx)
    finally:
        session.close()


def _probe(result: CheckResult) -> Any:
    """The finding (failed) or evidence (passed) of the unknown-id probe."""
    found = [f for f in (*result.findings, *result.evidence) if ITEM in f.message]
    assert len(found) == 1, [f.message for f in (*result.findings, *result.evidence)]
    return found[0]


def _is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


@pytest.mark.parametrize(
    ("schema", "well_formed", "malformed"),
    [
        ({"type": "integer", "format": "int64"}, str.isdigit, 400),
        ({"type": "integer", "minimum": 1, "maximum": 99999}, lambda v: v.isdigit() and 1 <= int(v) <= 99999, 400),
        ({"type": "string", "format": "uuid"}, _is_uuid, 422),
        ({"type": "string", "pattern": "^P[0-9]{6}$"}, lambda v: re.fullmatch("P[0-9]{6}", v) is not None, 400),
        ({"type": "string", "minLength": 4, "maxLength": 8}, lambda v: 4 <= len(v) <= 8, 400),
    ],
)
def test_the_probe_sends_an_id_that_fits_the_schema_and_gets_its_404(schema: dict[str, Any], well_formed: Callable[[str], bool], malformed: int) -> None:
    result = _run(schema, well_formed, malformed)
    assert result.status is Status.PASS, (result.summary, [f.message for f in result.findings])
    probe = _probe(result)
    assert "fits the parameter's schema" in probe.message and "-> 404" in probe.message
    assert probe.exchange is not None and probe.exchange.response.status == 404
    sent = probe.exchange.request.url.rsplit("/", 1)[1]
    assert well_formed(sent), sent


def test_a_fitting_id_answered_400_still_fails() -> None:
    """The sandbox refuses an id its own description allows: that is the supplier's, and the finding says what was sent."""
    result = _run({"type": "integer"}, lambda v: False)
    assert result.status is Status.FAIL
    probe = _probe(result)
    assert "fits the parameter's schema" in probe.message and "answered HTTP 400, expected 404" in probe.message
    assert probe.exchange is not None and probe.exchange.response.status == 400


def test_without_a_fitting_value_a_documented_400_for_the_wrong_type_is_no_failure() -> None:
    result = _run({"type": "string", "minLength": 9, "maxLength": 3}, lambda v: False)  # no value fits
    assert result.status is Status.PASS, (result.summary, [f.message for f in result.findings])
    probe = _probe(result)
    assert "does not fit" in probe.message and "-> 400" in probe.message
    assert probe.exchange is not None


def test_a_loose_string_id_refused_with_a_documented_400_is_no_failure() -> None:
    """`type: string` says nothing of an id's shape (an NHS number, say): a sandbox stricter than that may say 400, as documented."""
    result = _run({"type": "string"}, lambda v: v.isdigit())
    assert result.status is Status.PASS, (result.summary, [f.message for f in result.findings])
    probe = _probe(result)
    assert "-> 400" in probe.message and "documented 400" in probe.message


def test_a_loose_string_id_refused_with_an_undocumented_400_fails() -> None:
    result = _run({"type": "string"}, lambda v: v.isdigit(), documented=False)
    assert result.status is Status.FAIL
    assert "answered HTTP 400, expected 404" in _probe(result).message
