"""Small helpers every renderer shares: outcome labels readable without colour, anchors, one-line text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

# Text and a symbol for each status, so an outcome never depends on colour alone.
STATUS_LABELS: dict[str, tuple[str, str]] = {
    "pass": ("✓", "Pass"),
    "fail": ("✗", "Fail"),
    "warn": ("!", "Warning"),
    "skip": ("–", "Skipped"),
    "not_applicable": ("∅", "Not applicable"),
    "error": ("⚠", "Error"),
    "attested": ("✎", "Attested"),
}
STATUS_ORDER = ("fail", "error", "warn", "skip", "attested", "not_applicable", "pass")
VERDICT_LABELS: dict[str, str] = {
    "conformant": "Conformant",
    "not_conformant": "Not conformant",
    "incomplete": "Incomplete (verdict unknown)",
}


def status_label(status: str) -> str:
    """'✗ Fail' style label of a status."""
    symbol, text = STATUS_LABELS.get(status, ("?", status))
    return f"{symbol} {text}"


def anchor(requirement_id: str) -> str:
    """The HTML id of a requirement's details section, stable across runs and bidders."""
    return "req-" + re.sub(r"[^A-Za-z0-9_-]+", "-", requirement_id)


def one_line(text: str | None, limit: int = 240) -> str:
    """`text` squeezed onto one line and cut at `limit` characters with an ellipsis."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def findings_of(check: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """('finding' | 'evidence', finding) pairs of one check result, findings first."""
    for finding in check.get("findings", []):
        yield "finding", finding
    for finding in check.get("evidence", []):
        yield "evidence", finding


def unique_checks(report: dict[str, Any]) -> dict[str, tuple[dict[str, Any], list[str]]]:
    """Each check result once, by ID, with the requirements that cite it (report order)."""
    seen: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for outcome in report["outcomes"]:
        for check in outcome["checks"]:
            entry = seen.setdefault(check["check_id"], (check, []))
            entry[1].append(outcome["requirement_id"])
    return seen
