"""`interopcheck history ...` and `check`'s history options: the CLI layer of the run history (it may print; nothing below it does).

Registered on the main group by `cli/__init__.py`. Read commands never create a history file: a missing one is
bad input (exit 2) with a hint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from interopcheck.errors import HistoryError, UsageError

DEFAULT_HISTORY = Path("reports") / "history.sqlite"

HISTORY_OPTIONS = [
    click.option(
        "--history", "history", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
        help="The run history (SQLite) to record this run in and compare it with. Default: reports/history.sqlite; "
        "with --output-dir DIR, history.sqlite beside DIR (in its parent folder).",
    ),
    click.option("--no-history", is_flag=True, help="Neither record this run nor compare it with earlier runs."),
    click.option("--supplier", metavar="NAME", help="The supplier the run is recorded under. Default: the declaration's supplier name, else the spec's source."),
    # --environment (sandbox | production) is a `check` option shown in every report; the history records
    # a production run as "production" and a sandbox run by its URL, or 'static (no sandbox)'.
    click.option(
        "--fail-on-regression", is_flag=True,
        help="Exit 1 when a MUST that passed in the previous run of this supplier and profile fails now (for scheduled re-tests).",
    ),
]


def history_target(kw: Mapping[str, Any]) -> Path | None:
    """The history file `check` uses: None with --no-history, or with --output unless --history names one; conflicts are usage errors."""
    from interopcheck.engine.history_hook import default_history_path

    if kw.get("no_history"):
        given = [o for o, k in (("--history", "history"), ("--fail-on-regression", "fail_on_regression")) if kw.get(k)]
        if given:
            raise UsageError(f"{' and '.join(given)} given with --no-history", hint="drop --no-history, or drop them")
        return None
    if kw.get("history"):
        return Path(kw["history"])
    if kw.get("output") is not None:
        return None  # --output writes one report and nothing else unless --history names a file
    ctx = click.get_current_context(silent=True)
    chosen = ctx is None or ctx.get_parameter_source("output_dir") is not click.core.ParameterSource.DEFAULT
    return default_history_path(kw["output_dir"], chosen=chosen)


def regression_lines(plan: Any, run_id: int | None, *, quiet: bool) -> list[str]:
    """What `check` prints about the history: the run's number, and each regression since the previous run (nothing with --quiet)."""
    if plan is None or quiet:
        return []
    lines = [f"recorded run {run_id} in {plan.path}"]
    if plan.diff is None:
        return lines
    regressed = plan.diff.of_kind("regressed")
    since = plan.diff.before
    if not regressed:
        return [*lines, f"no regressions since run {since.id} ({since.recorded_at})"]
    lines.append(f"regressions since run {since.id} ({since.recorded_at}): {len(regressed)}, {len(plan.diff.musts_regressed)} of them MUSTs now failing")
    lines += [f"  REGRESSED {c.requirement_id} ({c.level}) {c.before} -> {c.after}" for c in regressed]
    return lines


def _history_option(func: Any) -> Any:
    return click.option(
        "--history", "path", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_HISTORY, show_default=True,
        metavar="PATH", help="The run history file.",
    )(func)


def _open(path: Path) -> Any:
    """The history at `path`, which must exist (reading never creates one)."""
    from interopcheck.history.store import open_history

    if not path.is_file():
        raise HistoryError(f"no run history at {path}", hint="run 'interopcheck check' first, or give --history PATH")
    return open_history(path)


@click.group()
def history() -> None:
    """The run history: every `check` is recorded (supplier, profile, verdict, each requirement's outcome)
    so later runs show what regressed, and trends show conformance over a contract's life."""


@history.command("list")
@_history_option
@click.option("--supplier", metavar="NAME", help="Only this supplier's runs.")
def history_list(path: Path, supplier: str | None) -> None:
    """List the recorded runs, oldest first."""
    from interopcheck.history.store import list_runs
    from interopcheck.history.text import list_lines

    with _open(path) as conn:
        runs = list_runs(conn, supplier=supplier, full=True)  # the outcomes give each score its decided count
    for line in list_lines(runs):
        click.echo(line)


@history.command("show")
@click.argument("run_id", metavar="RUN", type=int)
@_history_option
def history_show(run_id: int, path: Path) -> None:
    """Show run RUN: what it checked, its verdict, and each requirement's outcome and reason."""
    from interopcheck.history.store import get_run
    from interopcheck.history.text import show_lines

    with _open(path) as conn:
        run = get_run(conn, run_id)
    for line in show_lines(run):
        click.echo(line)


@history.command("diff")
@click.argument("run_a", metavar="RUN_A", type=int)
@click.argument("run_b", metavar="RUN_B", type=int)
@_history_option
def history_diff(run_a: int, run_b: int, path: Path) -> None:
    """What changed from RUN_A to RUN_B: requirements that regressed, improved or changed reason, and the spec's changes by operation."""
    from interopcheck.history.compare import diff_runs
    from interopcheck.history.store import get_run
    from interopcheck.history.text import diff_lines

    with _open(path) as conn:
        diff = diff_runs(get_run(conn, run_a), get_run(conn, run_b))
    for line in diff_lines(diff):
        click.echo(line)


@history.command("trend")
@click.option("--supplier", required=True, metavar="NAME", help="The supplier whose runs to draw.")
@click.option("--profile", "profile_id", metavar="ID", help="The profile (default: the one of the supplier's latest run).")
@click.option("--format", "fmt", type=click.Choice(["text", "html"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of standard output.")
@_history_option
def history_trend(supplier: str, profile_id: str | None, fmt: str, output: Path | None, path: Path) -> None:
    """Each requirement's outcome over the supplier's runs; the HTML page adds a chart of score and MUSTs failed."""
    from interopcheck.history.store import list_runs
    from interopcheck.history.trend import build_trend, trend_text
    from interopcheck.history.trend_html import render_trend
    from interopcheck.report.writer import atomic_write, ensure_folder

    with _open(path) as conn:
        runs = list_runs(conn, supplier=supplier, full=True)
    trend = build_trend(supplier, runs, profile_id)
    text = render_trend(trend) if fmt == "html" else "\n".join(trend_text(trend)) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        ensure_folder(output.parent, "--output")
        atomic_write(output, text.encode())
        click.echo(f"wrote {output}", err=True)


def _cutoff(value: str) -> str:
    """`--before` as a UTC ISO text comparable with `recorded_at`: a date (2026-01-31) or a date-time with an offset."""
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--before {value!r} is not a date", hint="give a date such as 2026-01-31, or a date-time such as 2026-01-31T12:00:00+00:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@history.command("prune")
@click.option("--keep", type=click.IntRange(min=1), metavar="N", help="Keep the newest N runs of each supplier and profile.")
@click.option("--before", metavar="DATE", help="Delete runs recorded before DATE (UTC).")
@click.option("--supplier", metavar="NAME", help="Only prune this supplier's runs.")
@_history_option
def history_prune(keep: int | None, before: str | None, supplier: str | None, path: Path) -> None:
    """Delete old runs (and their outcomes) with --keep N and/or --before DATE."""
    from interopcheck.history.store import prune

    if keep is None and before is None:
        raise UsageError("history prune needs --keep N or --before DATE", hint="e.g. interopcheck history prune --keep 50")
    with _open(path) as conn:
        deleted = prune(conn, keep=keep, before=_cutoff(before) if before else None, supplier=supplier)
    click.echo(f"deleted {deleted} run{'s' if deleted != 1 else ''} from {path}")
