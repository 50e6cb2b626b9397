"""The history's terminal views show a score only with how much the run decided (issue 17: never a score alone)."""

from __future__ import annotations

import dataclasses

from interopcheck.history.records import StoredRun
from interopcheck.history.text import list_lines, score_over, show_lines

from .helpers import record


def test_the_score_says_how_many_requirements_were_decided() -> None:
    run = record(statuses={"HSG-API-01": "skip", "HSG-API-02": "error", "HSG-API-03": "fail"})
    assert score_over(run).endswith("over 4 of 6")


def test_list_and_show_carry_the_decided_count() -> None:
    stored = StoredRun(1, "2026-12-06T05:00:00Z", record(statuses={"HSG-API-01": "skip"}))
    assert "over 5 of 6" in list_lines([stored])[1]
    assert any("over 5 of 6 requirements" in line for line in show_lines(stored))


def test_without_outcomes_the_score_is_shown_alone() -> None:
    bare = dataclasses.replace(record(), outcomes=())
    assert score_over(bare) == f"{bare.score}"
