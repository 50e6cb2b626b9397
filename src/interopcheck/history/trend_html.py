"""The trend page: one self-contained HTML file with an inline SVG chart (score and MUSTs failed per run) and a
requirement-by-run grid. No scripts, nothing fetched; every cell says its outcome in a symbol and a word, and
the chart tells its two lines apart by dash, marker and label as well as colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2

from interopcheck.history.records import MET, UNMET
from interopcheck.history.trend import ABSENT, CELLS, Trend

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 64, 24, 64


@dataclass(frozen=True)
class Point:
    """One run on the chart: its x, the y of its score and of its MUSTs failed, and the values themselves."""

    x: float
    score_y: float
    musts_y: float
    score: float
    musts_failed: int
    label: str
    date: str
    musts_label_y: float  # below its square, or above it when the square sits on the axis


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("interopcheck.history", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def chart_points(trend: Trend) -> tuple[list[Point], int]:
    """Each run's point on the chart, and the top of the MUSTs-failed axis."""
    runs = trend.runs
    musts_top = max([1, *(r.record.musts_failed for r in runs)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    inset = 28  # keeps the first and last points (and their labels) off the axes
    step = (plot_w - 2 * inset) / max(len(runs) - 1, 1)
    points = []
    for i, run in enumerate(runs):
        x = LEFT + inset + (i * step if len(runs) > 1 else (plot_w - 2 * inset) / 2)
        score = float(run.record.score)
        musts_y = round(TOP + plot_h * (1 - run.record.musts_failed / musts_top), 1)
        label_y = musts_y + 18 if musts_y < TOP + plot_h - 24 else musts_y - 8
        points.append(
            Point(round(x, 1), round(TOP + plot_h * (1 - score / 100), 1), musts_y, score, run.record.musts_failed, f"#{run.id}", run.recorded_at[:10], label_y)
        )
    return points, musts_top


def grid_rows(trend: Trend) -> list[dict[str, Any]]:
    """The grid: per requirement, per run, the cell's status, text, and whether it regressed or recovered since the run before."""
    rows = []
    for req in trend.requirements:
        cells, before = [], None
        for run in trend.runs:
            status = trend.status(run, req.id)
            symbol, short, label = CELLS.get(status, ("?", status, status)) if status else ABSENT
            change = "regressed" if before in MET and status in UNMET else "recovered" if before in UNMET and status in MET else ""
            cells.append({"status": status or "absent", "symbol": symbol, "short": short, "label": label, "change": change})
            before = status
        rows.append({"id": req.id, "level": req.level, "title": req.title, "cells": cells})
    return rows


def render_trend(trend: Trend) -> str:
    """The trend page as one HTML document."""
    points, musts_top = chart_points(trend)
    plot_h = HEIGHT - TOP - BOTTOM
    musts_ticks = sorted({0, musts_top, *(range(0, musts_top + 1, max(1, musts_top // 4)))})
    return _environment().get_template("trend.html.j2").render(
        trend=trend,
        points=points,
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=HEIGHT - BOTTOM,
        score_ticks=[(v, round(TOP + plot_h * (1 - v / 100), 1)) for v in (0, 25, 50, 75, 100)],
        musts_ticks=[(v, round(TOP + plot_h * (1 - v / musts_top), 1)) for v in musts_ticks],
        score_path=" ".join(f"{p.x},{p.score_y}" for p in points),
        musts_path=" ".join(f"{p.x},{p.musts_y}" for p in points),
        rows=grid_rows(trend),
        legend=[(s, *CELLS[s]) for s in CELLS] + [("absent", *ABSENT)],
    )
