"""Evidence shown once: each check, each HTTP exchange and each finding's record and field, for the HTML and Markdown.

A check cited by several requirements, or one response body cited by forty findings, used to be
repeated in full wherever it was cited (the flawed demo's HTML was 2 MB, 1.43 MB of it twelve bodies
repeated). Here every check and every exchange gets one stable anchor; findings point at them and at
the offending record and field instead. The full evidence stays in report.json and the bundle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from interopcheck.report.common import STATUS_ORDER, one_line, unique_checks

# What a JSON Schema error kind means to someone who has never read a schema.
_KIND_WORDS = {"required": "missing"}


def check_anchor(check_id: str) -> str:
    """The HTML id of a check's section (checks are shown once, whichever requirements cite them)."""
    return "check-" + re.sub(r"[^A-Za-z0-9_-]+", "-", check_id)


def finding_anchor(check_id: str, kind: str, index: int) -> str:
    """The HTML id of one finding ('f') or piece of evidence ('e') of a check: `check-live-pagination-f3`."""
    return f"{check_anchor(check_id)}-{'f' if kind == 'finding' else 'e'}{index}"


def failures_first(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The outcomes ordered by status (fail, error, warn, ... pass), profile order within a status."""
    rank = {s: i for i, s in enumerate(STATUS_ORDER)}
    return sorted(report["outcomes"], key=lambda o: rank.get(o["status"], len(rank)))


def failed_musts(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The MUST requirements that failed, in profile order: what the executive summary lists under the verdict."""
    return [o for o in report["outcomes"] if o["level"] == "MUST" and o["status"] == "fail"]


def record_problems(finding: dict[str, Any]) -> tuple[str | None, list[tuple[str, str]]]:
    """The offending record's ID (with its export line when known) and (field pointer, plain problem) pairs.

    (None, []) when the finding's data does not name a record.
    """
    data = finding.get("data") or {}
    if not isinstance(data, dict) or "id" not in data:
        return None, []
    record = str(data["id"]) + (f" (line {data['line']})" if data.get("line") is not None else "")
    fields = [
        (str(e.get("pointer") or "/"), _KIND_WORDS.get(str(e.get("kind")), one_line(str(e.get("message", "")), 160)))
        for e in data.get("errors") or []
        if isinstance(e, dict)
    ]
    return record, fields


def where_text(finding: dict[str, Any]) -> str:
    """Where a finding points, in one line: record and fields, spec pointer and line, or the request."""
    record, fields = record_problems(finding)
    if record is not None:
        listed = "; ".join(f"field {p}: {problem}" for p, problem in fields)
        return f"record {record}" + (f", {listed}" if listed else "")
    if finding.get("location"):
        loc = finding["location"]
        return loc["pointer"] + (f" (line {loc['line']})" if loc.get("line") else "")
    if finding.get("exchange"):
        req = finding["exchange"]["request"]
        return f"{req['method']} {req['url']}"
    return ""


def data_text(finding: dict[str, Any]) -> str:
    """A finding's structured data as short 'key: value' text, unless it only restates the record's errors."""
    data = finding.get("data")
    if not isinstance(data, dict) or "errors" in data or not data:
        return ""
    return one_line("; ".join(f"{k}: {v}" for k, v in data.items() if k != "id"), 240)


@dataclass(frozen=True)
class ExchangeRef:
    """One distinct HTTP exchange, shown once in the report's appendix, and how many findings cite it."""

    anchor: str
    exchange: dict[str, Any]
    same_body_as: str | None = None  # an earlier exchange whose response body is the same, shown there
    cited_by: list[str] = field(default_factory=list)


def _exchange_key(x: dict[str, Any]) -> tuple[Any, ...]:
    req, resp = x["request"], x.get("response") or {}
    return (req["method"], req["url"], req.get("body"), resp.get("status"), resp.get("body"), x.get("error"))


@dataclass(frozen=True)
class Evidence:
    """The report's evidence de-duplicated: its checks once each, and its exchanges once each."""

    checks: list[tuple[dict[str, Any], list[str]]]
    exchanges: list[ExchangeRef]
    by_key: dict[tuple[Any, ...], ExchangeRef]

    def exchange_of(self, finding: dict[str, Any]) -> ExchangeRef | None:
        """The stored exchange a finding cites (None when it cites none)."""
        x = finding.get("exchange")
        return self.by_key.get(_exchange_key(x)) if x else None


def collect(report: dict[str, Any]) -> Evidence:
    """Every check once (with the requirements citing it) and every distinct exchange once, in report order."""
    checks = list(unique_checks(report).values())
    by_key: dict[tuple[Any, ...], ExchangeRef] = {}
    first_with_body: dict[str, str] = {}
    for check, _ in checks:
        for kind, items in (("finding", check.get("findings", [])), ("evidence", check.get("evidence", []))):
            for index, finding in enumerate(items, 1):
                x = finding.get("exchange")
                if not x:
                    continue
                ref = by_key.get(_exchange_key(x))
                if ref is None:
                    anchor = f"exchange-{len(by_key) + 1}"
                    body = (x.get("response") or {}).get("body")
                    same = first_with_body.setdefault(body, anchor) if body else anchor
                    ref = by_key[_exchange_key(x)] = ExchangeRef(anchor, x, same if same != anchor else None)
                ref.cited_by.append(finding_anchor(check["check_id"], kind, index))
    return Evidence(checks, list(by_key.values()), by_key)
