"""`interopcheck check`: the options of a run, and what it prints when the run is done."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from interopcheck.cli.app import EXIT_CODES_HELP, cli, clip, echo, split_formats
from interopcheck.cli.options import (
    FiniteFloatRange, add_env_vars, check_exit, config_option, exit_and_spec_options, report_folders, settings_of, spec_arguments, worst_exit,
)
from interopcheck.cli.progress import VERDICT_STYLES, RunDisplay, output_options, say, status_style
from interopcheck.console import printable, strip_controls
from interopcheck.errors import ExitCode


def live_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options of a run against a live sandbox (shared by `check`)."""
    opts = [
        click.option("--base-url", metavar="URL", help="The sandbox to test live (its origin and base path)."),
        click.option("--token-env", metavar="VAR", help="Environment variable holding a bearer token."),
        click.option("--api-key-env", metavar="VAR", help="Environment variable holding an API key."),
        click.option("--api-key-header", default="Authorization", show_default=True, help="Header that carries --api-key-env's key."),
        click.option("--token-url", metavar="URL", help="OAuth 2.0 token endpoint (client-credentials grant)."),
        click.option("--client-id", help="OAuth 2.0 client ID."),
        click.option("--client-secret-env", metavar="VAR", help="Environment variable holding the OAuth 2.0 client secret."),
        click.option("--scope", help="OAuth 2.0 scope to request."),
        click.option("--rate", type=FiniteFloatRange(min=0.1, max=10_000), default=10.0, show_default=True, help="Maximum requests per second."),
        click.option("--timeout", type=FiniteFloatRange(min=0.1, max=3600), default=10.0, show_default=True, help="Connect and read timeout per request, seconds."),
        click.option("--ca-bundle", metavar="PATH", help="CA bundle (PEM) for a sandbox with a private CA."),
        click.option("--allow-writes", is_flag=True, help="Allow methods other than GET and HEAD (off by default)."),
        click.option("--sample", type=click.IntRange(min=1), default=50, show_default=True, help="Records per entity validated by live checks."),
        click.option("--max-pages", type=click.IntRange(min=1), default=50, show_default=True, help="Pages walked per collection."),
        click.option("--max-examples", type=click.IntRange(min=1), default=10, show_default=True, help="Generated examples per operation (schemathesis)."),
        click.option("--export-max-records", type=click.IntRange(min=1), help="Stop reading an export after this many records (the check then skips)."),
        click.option("--export-max-bytes", type=click.IntRange(min=1), help="Stop reading an export after this many bytes, downloaded or (gzip, zip) decompressed (the check then skips)."),
        click.option("--export-timeout", type=FiniteFloatRange(min=1, max=86_400), default=600.0, show_default=True, help="Seconds allowed for each export (past them the check skips)."),
        click.option("--transcript", is_flag=True, help="Also write transcript.har (HAR 1.2, redacted): every request sent to the sandbox, schemathesis' included (at most 5,000)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def history_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """`check`'s run-history options (see `interopcheck history`)."""
    from interopcheck.cli.history import HISTORY_OPTIONS

    for opt in reversed(HISTORY_OPTIONS):
        func = opt(func)
    return func


@cli.command(epilog=EXIT_CODES_HELP)
@config_option
@click.option("--spec", "spec", metavar="PATH_OR_URL", help="The supplier's OpenAPI document (file or URL); or give it as the SPEC argument.")
@click.option("--profile", default="housing", show_default=True, help="Profile name or path to a profile.yaml.")
@click.option("--overlay", "overlays", multiple=True, metavar="PATH", help="A borough overlay on the profile (repeatable).")
@click.option("--declaration", metavar="PATH", help="The supplier's declaration (entities, mapping, exports, attestations).")
@click.option("--require-modules", metavar="IDS", help="The modules the tender requires, comma-separated (e.g. repairs,homelessness). Default: the overlay's require_modules, else every module of the profile.")
@click.option("--standards-year", metavar="YEAR", help="The collection year code lists are checked against: its start year (2025) or 2025/26. Default: the profile's standards_year.")
@click.option("--environment", type=click.Choice(["sandbox", "production"]), default="sandbox", show_default=True, help="What the run tests, shown in the reports: the supplier's sandbox or its production service.")
@click.option("--measures-year", type=click.IntRange(2000, 2100), metavar="YEAR", help="The April-March year the Tenant Satisfaction Measures count (HSG-RET-03), by its start year (2025 = April 2025 to March 2026). Default: the latest year ended before today.")
@live_options
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling and generated requests (recorded).")
@click.option("--allow-remote-refs", is_flag=True, help="Fetch $refs that point at the network (by default they are not fetched and the report says which parts went unvalidated).")
@click.option("--max-spec-bytes", type=click.IntRange(min=1), default=50_000_000, show_default=True, help="Largest API description read.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"), show_default=True)
@click.option("--format", "formats", default="json,md,html", show_default=True, help="Report formats: json, md, html, junit, sarif, github (workflow-command annotations), gitlab (Code Quality).")
@click.option("--output", "output", metavar="FILE|-", help="Write the one report format asked for (JSON unless --format names one) to FILE, or to standard output with -, instead of --output-dir; messages go to standard error.")
@click.option("--step-summary/--no-step-summary", "step_summary", default=None, help="Append the Markdown report to $GITHUB_STEP_SUMMARY. Default: on when GITHUB_STEP_SUMMARY is set.")
@click.option("--bundle", "bundle", is_flag=True, help="Also write evidence-bundle.zip with a manifest of SHA-256 hashes.")
@click.option("--sign-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Ed25519 private key (PEM) to sign the bundle.")
@output_options
@history_options
@exit_and_spec_options
def check(**kw: Any) -> None:
    """Check an API description, SPEC (or --spec), and with --base-url its live sandbox and export.

    Writes the canonical JSON report first, then the other formats, into --output-dir. Several SPECs
    are each checked (reports in a sub-folder of --output-dir named after each file); the exit code is
    the worst of their codes.
    """
    display = RunDisplay().start()  # before the engine loads (a second or more): a sign of life at once
    click.get_current_context().call_on_close(lambda: display.stop(finished=False))  # also when the options are refused
    from interopcheck.cli.history import history_target, regression_lines
    from interopcheck.engine.history_hook import ensure_usable, plan_history, record_history
    from interopcheck.engine.options import validate_live_options
    from interopcheck.engine.outputs import write_outputs
    from interopcheck.engine.request import check_request
    from interopcheck.engine.run import run
    from interopcheck.report.targets import single_format, step_summary_target

    ctx = click.get_current_context()
    specs = spec_arguments(ctx, kw)  # and --static-only, --no-reports and --output checked against the rest
    formats = split_formats(kw["formats"])
    single = None  # the one format --output writes, decided before anything runs
    if kw["output"] is not None:
        given = ctx.get_parameter_source("formats") != click.core.ParameterSource.DEFAULT
        single = single_format(formats, given=given, bundle=kw["bundle"], transcript=kw["transcript"])
    summary_file = step_summary_target(kw["step_summary"], os.environ)
    for spec in specs:
        check_request({**kw, "spec": spec})
    validate_live_options(kw)  # before anything runs or is written: a typo is a usage error, not an incomplete run
    if kw["sign_key"] is not None:
        _check_sign_key(kw["sign_key"])
    history = None if kw["no_reports"] and not kw.get("history") else history_target(kw)  # --no-reports: no history unless named
    if history is not None:
        ensure_usable(history)
    to_stderr = kw["output"] == "-"
    folders = report_folders(specs)
    codes = []
    for spec in specs:
        one = {**kw, "spec": spec}
        if len(specs) > 1:
            display.stop(finished=False)  # the status line goes before a line on stdout (the same terminal)
            echo(f"{spec}:")
        request = check_request(one)
        with display:
            artifacts = run(request, progress=display)
        artifacts = dataclasses.replace(artifacts, report=dataclasses.replace(artifacts.report, settings=settings_of(ctx, one, positional=bool(kw["specs"]))))
        plan = plan_history(artifacts, request.live, path=history, supplier=kw["supplier"], environment="production" if kw["environment"] == "production" else None) if history and not artifacts.interrupted else None
        regressions = plan.regressions if plan else None
        output_dir = kw["output_dir"] / folders[spec] if len(specs) > 1 else kw["output_dir"]
        if kw["no_reports"]:
            paths: list[Path] = []
        elif single is None:
            paths = write_outputs(
                artifacts, output_dir, formats, transcript=kw["transcript"], bundle=kw["bundle"], sign_key=kw["sign_key"],
                regressions=regressions, note=None if kw["quiet"] else (lambda line: echo(line, err=to_stderr)),
            )
        else:
            paths = _write_single(artifacts.report, kw["output"], single, regressions, artifacts.redactor)
        if summary_file is not None:
            from interopcheck.report.github import append_step_summary

            append_step_summary(_report_dict(artifacts.report, regressions, artifacts.redactor), summary_file)
        run_id = record_history(plan, next((p for p in paths if p.suffix == ".json"), None)) if plan else None
        summary(artifacts.report, paths, quiet=kw["quiet"], err=to_stderr, warnings=kw["fail_on"] == "should", redactor=artifacts.redactor)
        for line in regression_lines(plan, run_id, quiet=kw["quiet"]):
            echo(line, err=to_stderr, redactor=artifacts.redactor)
        if kw["static_only"] and not kw["quiet"]:
            click.echo("static checks only (--static-only): the requirements that need a sandbox were not tested and do not count", err=to_stderr)
        if artifacts.interrupted:
            interrupted_exit(paths)
        failed_regression = kw["fail_on_regression"] and plan is not None and plan.diff is not None and bool(plan.diff.musts_regressed)
        codes.append(ExitCode.NOT_CONFORMANT if failed_regression else check_exit(artifacts.report, kw["fail_on"], static_only=kw["static_only"]))
    sys.exit(worst_exit(codes))


add_env_vars(check)


def _check_sign_key(path: Path) -> None:
    """--sign-key loads as an Ed25519 private key (and the cryptography package is there) before the run starts."""
    from interopcheck.errors import ReportError, UsageError
    from interopcheck.report.bundle import load_signing_key

    try:
        load_signing_key(path)
    except ReportError as exc:
        raise UsageError(f"--sign-key {path}: {exc.message}", hint=exc.hint) from None


def _report_dict(report: Any, regressions: dict | None, redactor: Any = None) -> dict[str, Any]:
    """The canonical report as a dict, with the run history's regressions when there are any, through the run's redactor."""
    from interopcheck.live.redact import Redactor
    from interopcheck.report.json_report import to_dict

    data = to_dict(report)
    if regressions is not None:
        data["regressions"] = regressions
    return (redactor or Redactor()).data(data)


def _write_single(report: Any, output: str, fmt: str, regressions: dict | None, redactor: Any = None) -> list[Path]:
    """`--output`: the one format to standard output ('-', where nothing else goes) or to a file."""
    from interopcheck.report.targets import render_one, write_one

    text = render_one(_report_dict(report, regressions, redactor), fmt)
    if output == "-":
        click.echo(strip_controls(text), nl=False)
        return []
    return [write_one(text, Path(output))]


def summary(report: Any, paths: Sequence[Path], *, quiet: bool, err: bool = False, warnings: bool = False, redactor: Any = None) -> None:
    """The verdict and, unless quiet, the failures (and failed SHOULDs, with `warnings`) and files written; on stderr when stdout carries a report."""
    from interopcheck.scoring import score_text

    counts = report.counts
    summary_data = report.summary or {}
    preflight = summary_data.get("preflight") or {}
    if preflight.get("ok") is False:  # a set-up mistake is the first line, before the verdict it causes
        say(f"not tested: {preflight.get('cause')}", err=err, redactor=redactor, style="bold red")
    say(
        f"verdict: {report.verdict.value.replace('_', ' ')} — {counts.musts_failed} of {counts.musts_total} MUSTs failed; "
        f"{score_text(report.score.value, report.summary)}", err=err, style=VERDICT_STYLES.get(report.verdict.value), redactor=redactor
    )
    if quiet:
        return
    shown = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.by_status.items() if n)
    echo(f"requirements: {shown}", err=err)
    for line in scope_lines(report):
        echo(line, err=err)
    for line in skipped_lines(summary_data):
        echo(line, err=err, redactor=redactor)
    shown_once = _shared_cause_lines(report, summary_data, err=err, redactor=redactor)
    for o in report.outcomes:
        if o.requirement_id in shown_once:
            continue
        if o.status.value in ("fail", "error") or (warnings and o.status.value == "warn"):
            say(
                f"  {o.status.value.upper():5} {o.requirement_id} ({o.level.value}) {o.title}: {clip(printable(o.reason, redactor))}",
                err=err, style=status_style(o.status.value),
            )
    for path in paths:
        echo(f"wrote {path}", err=err)


def interrupted_exit(paths: Sequence[Path]) -> None:
    """After Ctrl-C: say the partial report was kept (marked interrupted, verdict incomplete) and exit 130."""
    kept = f"; the partial report (run.interrupted, verdict incomplete) is in {paths[0].parent}" if paths else ""
    click.echo(f"interopcheck: interrupted{kept}", err=True)
    sys.exit(130)


def skipped_lines(summary_data: dict[str, Any]) -> list[str]:
    """What was skipped and why, one line per reason ('skipped 20: no --base-url')."""
    return [f"skipped {s['count']}: {s['reason']}" for s in summary_data.get("skipped", [])]


def _shared_cause_lines(report: Any, summary_data: dict[str, Any], *, err: bool, redactor: Any) -> set[str]:
    """Print each cause many failed or errored requirements share, once; the IDs it covers (not listed again)."""
    from interopcheck.report.common import shared_cause_line

    statuses = {o.requirement_id: o.status.value for o in report.outcomes}
    covered: set[str] = set()
    for cause in summary_data.get("shared_causes", []):
        echo(f"  {shared_cause_line(cause, statuses)}", err=err, redactor=redactor)
        echo(f"    {clip(', '.join(cause['requirement_ids']))}", err=err)
        covered.update(cause["requirement_ids"])
    return covered


def scope_lines(report: Any) -> list[str]:
    """The summary's lines on the run's modules and standards year (none when the profile has neither)."""
    from interopcheck.report.common import modules_summary, year_label

    lines = []
    if report.modules:
        lines.append(f"modules: {modules_summary(report.modules)}")
    if report.standards_year is not None:
        lines.append(f"standards year: {year_label(report.standards_year)}")
    return lines
