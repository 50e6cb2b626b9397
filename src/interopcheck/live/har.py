"""Exchanges as a HAR 1.2 transcript (`--transcript` writes `transcript.har` into the output folder).

Each entry carries its own start (the live client records when each exchange began) and its time,
so a HAR viewer's timeline shows the run as it went. The exchanges are redacted by the client as they are recorded; `engine.outputs` passes the whole
transcript through the run's Redactor once more before writing it (secrets learnt later in the run,
fragments a sandbox cut itself), so the transcript can be shared as evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from interopcheck import __version__
from interopcheck.errors import ReportError
from interopcheck.model import Exchange


def _pairs(headers: dict[str, str]) -> list[dict[str, str]]:
    """Headers as HAR name/value pairs."""
    return [{"name": k, "value": v} for k, v in headers.items()]


def _entry(exchange: Exchange, started: str) -> dict[str, Any]:
    """One HAR entry for one exchange."""
    req, resp = exchange.request, exchange.response
    query = [{"name": k, "value": v} for k, v in parse_qsl(urlsplit(req.url).query, keep_blank_values=True)]
    request: dict[str, Any] = {
        "method": req.method,
        "url": req.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _pairs(req.headers),
        "queryString": query,
        "headersSize": -1,
        "bodySize": len(req.body.encode()) if req.body else 0,
    }
    if req.body:
        request["postData"] = {"mimeType": req.headers.get("content-type", "application/octet-stream"), "text": req.body}
    if resp is not None:
        mime = next((v for k, v in resp.headers.items() if k.lower() == "content-type"), "")
        response: dict[str, Any] = {
            "status": resp.status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": _pairs(resp.headers),
            "content": {"size": len((resp.body or "").encode()), "mimeType": mime, "text": resp.body or ""},
            "redirectURL": next((v for k, v in resp.headers.items() if k.lower() == "location"), ""),
            "headersSize": -1,
            "bodySize": -1,
        }
        if resp.body_truncated:
            response["comment"] = "body truncated to the evidence cap"
        elapsed = resp.elapsed_ms or 0.0
    else:
        response = {
            "status": 0,
            "statusText": "",
            "httpVersion": "",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
            "_error": exchange.error or "no response",
        }
        elapsed = 0.0
    entry: dict[str, Any] = {
        "startedDateTime": started,
        "time": elapsed,
        "request": request,
        "response": response,
        "cache": {},
        "timings": {"send": 0, "wait": elapsed, "receive": 0},
    }
    if exchange.error:
        entry["comment"] = exchange.error
    return entry


def to_har(exchanges: Iterable[Exchange], started: str | None = None, times: Sequence[float] = ()) -> dict[str, Any]:
    """A HAR 1.2 log of `exchanges` in order, each entry starting at its time in `times` (epoch seconds, as the
    live client records them); an exchange without one (built outside a run) carries `started`, else now."""
    when = started or datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    entries = []
    for i, exchange in enumerate(exchanges):
        start = _iso(times[i]) if i < len(times) else when
        entries.append(_entry(exchange, start))
    return {"log": {"version": "1.2", "creator": {"name": "interopcheck", "version": __version__}, "entries": entries}}


def _iso(epoch: float) -> str:
    """`epoch` seconds as HAR's ISO 8601 date-time, to the millisecond, in UTC."""
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat(timespec="milliseconds")


def write_har(exchanges: Iterable[Exchange], path: Path, started: str | None = None) -> Path:
    """Write the HAR transcript of `exchanges` to `path`; ReportError when it cannot be written."""
    try:
        path.write_bytes(orjson.dumps(to_har(exchanges, started), option=orjson.OPT_INDENT_2))
    except OSError as exc:
        raise ReportError(f"could not write the transcript {path}: {exc}") from None
    return path
