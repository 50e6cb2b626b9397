"""The report summary: requirements grouped by their shared cause, skips by short reason, and the score never shown alone."""

from __future__ import annotations

from interopcheck.model import CheckResult, Level, Mode, Outcome, Status
from interopcheck.report.common import preflight_cause, summary_lines
from interopcheck.scoring import normalised_reason, score_text, summary_of

BROKEN = "the sandbox could not be used: the token endpoint refused the client credentials: HTTP 401 invalid_client"


def outcome(rid: str, status: Status, check_id: str, summary: str, level: Level = Level.MUST) -> Outcome:
    check = CheckResult(check_id, status, summary)
    return Outcome(rid, f"title {rid}", level, Mode.LIVE, status, f"{check_id}: {summary}", (check,))


def errored(n: int) -> list[Outcome]:
    return [outcome(f"R-{i}", Status.ERROR, f"live.check-{i}", BROKEN) for i in range(n)]


def test_reasons_are_grouped_without_their_check_ids() -> None:
    summary = summary_of(errored(30))
    assert summary["shared_causes"] == [{
        "cause": "the token endpoint refused the client credentials: HTTP 401 invalid_client",
        "count": 30,
        "requirement_ids": [f"R-{i}" for i in range(30)],
    }]
    assert (summary["decided"], summary["total"]) == (0, 30)


def test_a_reason_only_two_requirements_share_is_not_summarised() -> None:
    outs = [outcome("A", Status.FAIL, "spec.a", "no servers"), outcome("B", Status.FAIL, "spec.b", "no servers")]
    assert summary_of(outs)["shared_causes"] == []


def test_the_deciding_check_gives_the_reason_not_a_passing_one() -> None:
    passed = CheckResult("spec.ok", Status.PASS, "fine")
    failed = CheckResult("spec.bad", Status.ERROR, BROKEN)
    out = Outcome("R", "t", Level.MUST, Mode.LIVE, Status.ERROR, f"spec.bad: {BROKEN}", (passed, failed))
    assert normalised_reason(out) == "the token endpoint refused the client credentials: HTTP 401 invalid_client"


def test_skips_are_counted_by_short_reason() -> None:
    outs = [
        *(outcome(f"L{i}", Status.SKIP, f"live.{i}", "no sandbox was given (--base-url)") for i in range(20)),
        *(outcome(f"D{i}", Status.SKIP, f"data.{i}", "no supplier declaration was given (--declaration)") for i in range(19)),
        *(outcome(f"P{i}", Status.PASS, f"spec.{i}", "fine") for i in range(14)),
    ]
    summary = summary_of(outs)
    assert summary["skipped"] == [{"reason": "no --base-url", "count": 20}, {"reason": "no --declaration", "count": 19}]
    assert score_text(100.0, summary) == "score 100.0 over 14 of 53 requirements (39 skipped: no --base-url, no --declaration)"


def test_score_text_counts_what_could_not_be_decided() -> None:
    outs = [*errored(30), outcome("P", Status.PASS, "spec.p", "fine")]
    assert score_text(30.0, summary_of(outs)) == "score 30.0 over 1 of 31 requirements (30 could not be decided)"


def test_score_text_of_a_whole_run_and_of_an_old_report() -> None:
    assert score_text(100.0, summary_of([outcome("P", Status.PASS, "spec.p", "fine")])) == "score 100.0 over 1 of 1 requirements"
    assert score_text(87.5, None) == "score 87.5"


def test_summary_lines_put_the_score_and_each_shared_cause_once() -> None:
    outs = [*errored(30), outcome("P", Status.PASS, "spec.p", "fine")]
    preflight = {"ok": False, "cause": "the token endpoint refused the client credentials: HTTP 401 invalid_client"}
    report = {
        "score": {"value": 30.0},
        "outcomes": [{"requirement_id": o.requirement_id, "status": o.status.value} for o in outs],
        "summary": summary_of(outs, preflight),
    }
    assert summary_lines(report) == [
        "Score 30.0 over 1 of 31 requirements (30 could not be decided)",
        "30 requirements could not be decided: the token endpoint refused the client credentials: HTTP 401 invalid_client",
    ]
    assert preflight_cause(report) == "Not tested: the token endpoint refused the client credentials: HTTP 401 invalid_client"
    assert preflight_cause({"summary": None}) is None
    assert summary_lines({"summary": None, "score": {"value": 30.0}}) == ["Score 30.0"]  # a report from before the summary


def test_a_requirement_skipped_for_two_reasons_names_each_reason_once() -> None:
    both = "no sandbox was given (--base-url); no supplier declaration was given (--declaration)"
    outs = [
        *(outcome(f"B{i}", Status.SKIP, f"live.{i}", both) for i in range(3)),
        *(outcome(f"D{i}", Status.SKIP, f"data.{i}", "no supplier declaration was given (--declaration)") for i in range(2)),
        outcome("P", Status.PASS, "spec.p", "fine"),
    ]
    summary = summary_of(outs)
    assert summary["skipped"] == [{"reason": "no --base-url + no --declaration", "count": 3}, {"reason": "no --declaration", "count": 2}]
    assert score_text(100.0, summary) == "score 100.0 over 1 of 6 requirements (5 skipped: no --base-url, no --declaration)"


def test_compare_shows_each_score_with_how_much_was_decided() -> None:
    from interopcheck.report import samples
    from interopcheck.report.compare import compare, render_html, render_md
    from interopcheck.report.json_report import to_dict

    good, flawed = to_dict(samples.conformant_report()), to_dict(samples.flawed_report())
    flawed["outcomes"][0]["status"] = "error"
    a, b = compare([good, flawed]).bidders
    total = len(flawed["outcomes"])
    undecided = sum(o["status"] in ("skip", "error") for o in flawed["outcomes"])
    assert b.score_shown == f"{flawed['score']['value']} over {total - undecided} of {total} requirements"
    markdown, page = render_md(compare([good, flawed])), render_html(compare([good, flawed]))
    assert a.score_shown in markdown and b.score_shown in markdown
    assert b.score_shown in page


def test_the_github_verdict_notice_shows_how_much_was_decided() -> None:
    from interopcheck.report import samples
    from interopcheck.report.github import render
    from interopcheck.report.json_report import to_dict

    report = to_dict(samples.conformant_report())
    outcomes = samples.conformant_report().outcomes
    report["summary"] = summary_of(outcomes)
    notice = render(report).splitlines()[-1]
    assert notice.endswith(f"score 100.0 over {len(outcomes)} of {len(outcomes)} requirements")


def test_requirements_that_could_not_be_decided_do_not_weigh_on_the_score() -> None:
    from interopcheck.scoring import score_of

    outs = [*errored(30), outcome("P", Status.PASS, "spec.p", "fine"), outcome("F", Status.FAIL, "spec.f", "bad", Level.SHOULD)]
    score = score_of(outs)
    assert (score.passed_weight, score.total_weight, score.value) == (3, 5, 60.0)
    assert "errored" in score.formula and "left out" in score.formula


def test_verify_accepts_a_report_scored_under_the_earlier_rule() -> None:
    from interopcheck.report import samples
    from interopcheck.report.json_report import to_dict
    from interopcheck.report.verify import recompute
    from interopcheck.scoring import LEGACY_SCORE_FORMULA

    report = to_dict(samples.flawed_report())
    report["outcomes"][0]["status"] = "error"  # an errored MUST: the earlier rule counted its weight as not passed
    report["counts"]["by_status"]["error"] += 1
    report["counts"]["by_status"][samples.flawed_report().outcomes[0].status.value] -= 1
    report["counts"]["musts_failed"] -= samples.flawed_report().outcomes[0].status is Status.FAIL
    report["verdict"] = "not_conformant" if report["counts"]["musts_failed"] else "incomplete"
    passed = sum({"MUST": 3, "SHOULD": 2, "MAY": 1}[o["level"]] for o in report["outcomes"] if o["status"] in ("pass", "attested"))
    weighed = sum({"MUST": 3, "SHOULD": 2, "MAY": 1}[o["level"]] for o in report["outcomes"] if o["status"] in ("pass", "attested", "fail", "warn", "error"))
    report["score"] = {"value": round(100 * passed / weighed, 1), "formula": LEGACY_SCORE_FORMULA, "passed_weight": float(passed), "total_weight": float(weighed)}
    assert recompute(report) == []
    report["score"]["formula"] = "something else"
    assert recompute(report) != []
