"""HAR transcripts, and the end-to-end secret search: a whole live run leaks no secret into any output."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import live_minisandbox as mini
import orjson
import pytest

from interopcheck.checks.context import CheckContext
from interopcheck.checks.registry import run_check
from live_fakes import live_checks as all_checks
from interopcheck.live.har import to_har, write_har
from interopcheck.model import Exchange, HttpRequest, HttpResponse

pytestmark = pytest.mark.timeout(90)


def test_har_has_the_1_2_shape(tmp_path: Path) -> None:
    exchanges = [
        Exchange(HttpRequest("GET", "http://h/v1/x?page=2", {"Accept": "application/json"}), HttpResponse(200, {"content-type": "application/json"}, '{"a":1}', False, 12.5), "curl"),
        Exchange(HttpRequest("GET", "http://h/v1/y"), None, "curl", error="ReadTimeout: timed out"),
    ]
    har = to_har(exchanges, started="2026-11-22T00:00:00+00:00")
    log = har["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "interopcheck"
    first, second = log["entries"]
    assert first["request"]["queryString"] == [{"name": "page", "value": "2"}]
    assert first["response"]["content"] == {"size": 7, "mimeType": "application/json", "text": '{"a":1}'}
    assert first["time"] == 12.5
    assert second["response"]["status"] == 0 and second["comment"] == "ReadTimeout: timed out"
    path = write_har(exchanges, tmp_path / "transcript.har")
    assert json.loads(path.read_text())["log"]["entries"][0]["request"]["url"] == "http://h/v1/x?page=2"


def test_whole_live_run_leaks_no_secret(live_ctx: Callable[..., CheckContext], tmp_path: Path) -> None:
    ctx = live_ctx("schema-drift", "missing-uprn")  # failures, so findings carry evidence
    results = [run_check(spec, ctx) for cid, spec in all_checks().items() if cid.startswith("live.")]
    assert ctx.live is not None
    issued = ctx.live.credentials._token
    assert issued and ctx.live.credentials.issued >= 1
    basic = base64.b64encode(f"{mini.CLIENT_ID}:{mini.CLIENT_SECRET}".encode()).decode()
    secrets = [mini.CLIENT_SECRET, issued, basic]
    write_har(ctx.live.exchanges, tmp_path / "transcript.har")
    outputs = {
        "results": orjson.dumps([dataclasses.asdict(r) for r in results]).decode(),
        "exchanges": orjson.dumps([dataclasses.asdict(e) for e in ctx.live.exchanges]).decode(),
        "har": (tmp_path / "transcript.har").read_text(),
        "reprs": repr(results) + repr(ctx.live.exchanges),
    }
    assert len(ctx.live.exchanges) > 10
    assert any(f.exchange for r in results for f in r.findings)
    for name, text in outputs.items():
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {name}"
    assert "Bearer [REDACTED]" in outputs["har"]


def test_transcript_holds_what_the_readme_says(live_ctx: Callable[..., CheckContext]) -> None:
    ctx = live_ctx("schema-drift")
    results = {cid: run_check(spec, ctx) for cid, spec in all_checks().items() if cid.startswith("live.")}
    entries = to_har(ctx.live.exchanges)["log"]["entries"]
    assert entries[0]["request"]["url"].endswith("/")  # the start-up probe
    assert not [e for e in entries if e["request"]["method"] == "POST" or "/oauth/token" in e["request"]["url"]]  # no token requests
    from_schemathesis = [e for e in entries if any(h["name"].lower() == "x-interopcheck-source" for h in e["request"]["headers"])]
    # every one of schemathesis' requests, as sent to the sandbox (not to the loopback relay it talks to)
    base = ctx.live.client.base_url
    assert len(from_schemathesis) > 10
    assert not [e for e in entries if any(h["name"].lower() == "x-schemathesis-testcaseid" for h in e["request"]["headers"])]  # random: runs would differ
    assert all(e["request"]["url"].startswith(base + "/") for e in from_schemathesis)
    drift = results["live.spec-conformance"].findings
    assert drift and all(f.exchange is not None and f.exchange.request.url.startswith(base + "/") for f in drift)
    assert {f.exchange.request.url for f in drift} <= {e["request"]["url"] for e in from_schemathesis}


def test_each_entry_carries_its_own_start_time(live_ctx: Callable[..., CheckContext]) -> None:
    """A HAR viewer's timeline needs each request's own start: not one timestamp shared by every entry."""
    import datetime as dt

    before = dt.datetime.now(dt.UTC)
    ctx = live_ctx()
    for cid, spec in all_checks().items():
        if cid == "live.pagination" or cid.startswith("live.records."):
            run_check(spec, ctx)
    after = dt.datetime.now(dt.UTC)
    entries = to_har(ctx.live.exchanges, times=ctx.live.exchange_times)["log"]["entries"]
    starts = [dt.datetime.fromisoformat(e["startedDateTime"]) for e in entries]
    assert len(entries) >= 5 and len(set(starts)) > 1 and starts == sorted(starts)
    assert all(before - dt.timedelta(seconds=1) <= s <= after for s in starts)
    assert all(e["timings"]["wait"] == e["time"] for e in entries)
