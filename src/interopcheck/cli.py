"""The command line: a click group. The only module that prints or exits.

Every command turns the project's errors into one line on stderr and the error's exit code;
anything else that escapes is a defect and exits 4 with a request to report it.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from interopcheck import __version__
from interopcheck.cli_options import (
    add_env_vars, check_exit, config_option, exit_and_spec_options, report_folders, settings_of, spec_arguments, with_value_source, worst_exit,
)
from interopcheck.console import printable, strip_controls
from interopcheck.errors import ExitCode, InteropcheckError, UsageError

#: The sandbox's products (`interopcheck.sandbox.products.PRODUCTS`; named here so the CLI starts without loading them).
SANDBOX_PRODUCTS = ("reference", "own-codes", "homelessness-only")
PRODUCT_HELP = (
    "Which product the sandbox plays: reference (every entity in the standard's shape and national codes), "
    "own-codes (the supplier's own field names and codes, mapped back by its declaration's value maps and a transform), "
    "homelessness-only (people and homelessness cases only; its declaration offers the homelessness module)."
)

EXIT_CODES_HELP = """\b
Exit codes:
  0  conformant: every MUST passed (or was attested, or does not apply)
  1  not conformant: at least one MUST failed
  2  usage or bad input: missing file, unreadable spec, invalid profile or declaration
  3  incomplete: a MUST could not be decided (no sandbox given, sandbox unreachable, a check
     errored), so the verdict is unknown
  4  internal error in interopcheck (please report it)
"""


def _split_formats(value: str) -> tuple[str, ...]:
    from interopcheck.report.writer import FORMATS

    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(
            f"unknown report format {', '.join(unknown) or repr(value)}",
            hint=f"choose from {', '.join(FORMATS)}, comma-separated",
        )
    return formats


def _echo(message: str, *, err: bool = False, redactor: Any = None) -> None:
    """Print one message through `printable`: every line the CLI prints that carries outside data goes through here."""
    click.echo(printable(message, redactor), err=err)


def _fail(err: InteropcheckError) -> NoReturn:
    _echo(f"interopcheck: error: {err}", err=True)
    sys.exit(int(err.exit_code))


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="interopcheck")
def cli() -> None:
    """Check a housing system's OpenAPI document, sandbox and bulk export against the
    local-government housing data standards and open-data profile, and write a conformance
    report for a tender evaluation."""


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
        click.option("--rate", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Maximum requests per second."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=10.0, show_default=True, help="Connect and read timeout per request, seconds."),
        click.option("--ca-bundle", metavar="PATH", help="CA bundle (PEM) for a sandbox with a private CA."),
        click.option("--allow-writes", is_flag=True, help="Allow methods other than GET and HEAD (off by default)."),
        click.option("--sample", type=click.IntRange(min=1), default=50, show_default=True, help="Records per entity validated by live checks."),
        click.option("--max-pages", type=click.IntRange(min=1), default=50, show_default=True, help="Pages walked per collection."),
        click.option("--max-examples", type=click.IntRange(min=1), default=10, show_default=True, help="Generated examples per operation (schemathesis)."),
        click.option("--export-max-records", type=click.IntRange(min=1), help="Stop reading an export after this many records (the check then skips)."),
        click.option("--export-max-bytes", type=click.IntRange(min=1), help="Stop reading an export after this many bytes, downloaded or (gzip, zip) decompressed (the check then skips)."),
        click.option("--export-timeout", type=click.FloatRange(min=1), default=600.0, show_default=True, help="Seconds allowed for each export (past them the check skips)."),
        click.option("--transcript", is_flag=True, help="Also write transcript.har (HAR 1.2, redacted): every request sent to the sandbox, schemathesis' included (at most 5,000)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def history_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """`check`'s run-history options (see `interopcheck history`)."""
    from interopcheck.cli_history import HISTORY_OPTIONS

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
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line.")
@history_options
@exit_and_spec_options
def check(**kw: Any) -> None:
    """Check an API description, SPEC (or --spec), and with --base-url its live sandbox and export.

    Writes the canonical JSON report first, then the other formats, into --output-dir. Several SPECs
    are each checked (reports in a sub-folder of --output-dir named after each file); the exit code is
    the worst of their codes.
    """
    from interopcheck.cli_history import history_target, regression_lines
    from interopcheck.engine.history_hook import ensure_usable, plan_history, record_history
    from interopcheck.engine.options import validate_live_options
    from interopcheck.engine.outputs import write_outputs
    from interopcheck.engine.request import check_request
    from interopcheck.engine.run import run
    from interopcheck.report.targets import single_format, step_summary_target

    ctx = click.get_current_context()
    specs = spec_arguments(ctx, kw)  # and --static-only, --no-reports and --output checked against the rest
    formats = _split_formats(kw["formats"])
    single = None  # the one format --output writes, decided before anything runs
    if kw["output"] is not None:
        given = ctx.get_parameter_source("formats") != click.core.ParameterSource.DEFAULT
        single = single_format(formats, given=given, bundle=kw["bundle"], transcript=kw["transcript"])
    summary_file = step_summary_target(kw["step_summary"], os.environ)
    for spec in specs:
        check_request({**kw, "spec": spec})
    validate_live_options(kw)  # before anything runs or is written: a typo is a usage error, not an incomplete run
    history = None if kw["no_reports"] and not kw.get("history") else history_target(kw)  # --no-reports: no history unless named
    if history is not None:
        ensure_usable(history)
    to_stderr = kw["output"] == "-"
    folders = report_folders(specs)
    codes = []
    for spec in specs:
        one = {**kw, "spec": spec}
        if len(specs) > 1:
            _echo(f"{spec}:")
        request = check_request(one)
        artifacts = run(request, progress=None if kw["quiet"] else _progress)
        artifacts = dataclasses.replace(artifacts, report=dataclasses.replace(artifacts.report, settings=settings_of(ctx, one, positional=bool(kw["specs"]))))
        plan = plan_history(artifacts, request.live, path=history, supplier=kw["supplier"], environment=kw["environment"]) if history else None
        regressions = plan.regressions if plan else None
        output_dir = kw["output_dir"] / folders[spec] if len(specs) > 1 else kw["output_dir"]
        if kw["no_reports"]:
            paths: list[Path] = []
        elif single is None:
            paths = write_outputs(
                artifacts, output_dir, formats, transcript=kw["transcript"], bundle=kw["bundle"], sign_key=kw["sign_key"],
                regressions=regressions,
            )
        else:
            paths = _write_single(artifacts.report, kw["output"], single, regressions, artifacts.redactor)
        if summary_file is not None:
            from interopcheck.report.github import append_step_summary

            append_step_summary(_report_dict(artifacts.report, regressions, artifacts.redactor), summary_file)
        run_id = record_history(plan, next((p for p in paths if p.suffix == ".json"), None)) if plan else None
        _summary(artifacts.report, paths, quiet=kw["quiet"], err=to_stderr, warnings=kw["fail_on"] == "should", redactor=artifacts.redactor)
        for line in regression_lines(plan, run_id, quiet=kw["quiet"]):
            _echo(line, err=to_stderr, redactor=artifacts.redactor)
        if kw["static_only"] and not kw["quiet"]:
            click.echo("static checks only (--static-only): the requirements that need a sandbox were not tested and do not count", err=to_stderr)
        failed_regression = kw["fail_on_regression"] and plan is not None and plan.diff is not None and bool(plan.diff.musts_regressed)
        codes.append(ExitCode.NOT_CONFORMANT if failed_regression else check_exit(artifacts.report, kw["fail_on"], static_only=kw["static_only"]))
    sys.exit(worst_exit(codes))


add_env_vars(check)


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


def _progress(message: str) -> None:
    _echo(f"  {message}", err=True)


def _exit_for(verdict: str) -> int:
    return {"conformant": ExitCode.CONFORMANT, "not_conformant": ExitCode.NOT_CONFORMANT}.get(verdict, ExitCode.INCOMPLETE)


def _summary(report: Any, paths: Sequence[Path], *, quiet: bool, err: bool = False, warnings: bool = False, redactor: Any = None) -> None:
    """The verdict and, unless quiet, the failures (and failed SHOULDs, with `warnings`) and files written; on stderr when stdout carries a report."""
    counts = report.counts
    _echo(
        f"verdict: {report.verdict.value.replace('_', ' ')} — {counts.musts_failed} of {counts.musts_total} MUSTs failed; "
        f"score {report.score.value}", err=err
    )
    if quiet:
        return
    shown = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.by_status.items() if n)
    _echo(f"requirements: {shown}", err=err)
    for line in scope_lines(report):
        _echo(line, err=err)
    for o in report.outcomes:
        if o.status.value in ("fail", "error") or (warnings and o.status.value == "warn"):
            _echo(f"  {o.status.value.upper():5} {o.requirement_id} ({o.level.value}) {o.title}: {_clip(printable(o.reason, redactor))}", err=err)
    for path in paths:
        _echo(f"wrote {path}", err=err)


def scope_lines(report: Any) -> list[str]:
    """The summary's lines on the run's modules and standards year (none when the profile has neither)."""
    from interopcheck.report.common import modules_summary, year_label

    lines = []
    if report.modules:
        lines.append(f"modules: {modules_summary(report.modules)}")
    if report.standards_year is not None:
        lines.append(f"standards year: {year_label(report.standards_year)}")
    return lines


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: click 8.2+ raises this for a group called without a command (8.1 prints the help itself).
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _fail_click(exc: click.ClickException) -> NoReturn:
    """A bad option or argument, on one line like every other error, pointing at the command's --help."""
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    message = with_value_source(" ".join(exc.format_message().split()), exc)
    _echo(f"interopcheck: error: {message}{hint}", err=True)
    sys.exit(ExitCode.BAD_INPUT)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: run the CLI and turn every outcome into the documented exit code."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="interopcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interopcheck: interrupted", err=True)
        sys.exit(130)
    except _NO_ARGS_IS_HELP as exc:  # `interopcheck` alone: the help, as before
        exc.show()
        sys.exit(ExitCode.BAD_INPUT)
    except click.ClickException as exc:
        _fail_click(exc)
    except InteropcheckError as err:
        _fail(err)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a defect, reported as such
        if os.environ.get("INTEROPCHECK_DEBUG"):
            raise
        _echo(
            f"interopcheck: internal error: {type(exc).__name__}: {exc} "
            "(a defect in interopcheck; rerun with INTEROPCHECK_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)
    sys.exit(0)


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--variant", type=click.Choice(["good", "flawed"]), default="good", show_default=True, help="A conformant sandbox, or one with a set of faults on.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/demo"), show_default=True)
@click.option("--records", type=click.IntRange(min=10), default=300, show_default=True, help="Properties in the sandbox (related records scale with it).")
@click.option("--format", "formats", default="json,md,html,junit,sarif", show_default=True, help="Report formats to write.")
@click.option("--product", type=click.Choice(SANDBOX_PRODUCTS), default="reference", show_default=True, help=PRODUCT_HELP + " The homelessness-only demo's tender requires only the homelessness module.")
def demo(variant: str, output_dir: Path, records: int, formats: str, product: str) -> None:
    """Start the bundled reference sandbox on 127.0.0.1, check it fully, write the reports, stop it.

    `good` is conformant and exits 0; `flawed` switches on faults that each break the
    requirement they name, and exits 1. `--product` checks one of the sandbox's other products
    against its own bundled declaration.
    """
    from interopcheck.engine.demo import FLAWED_FAULTS, run_demo

    chosen = _split_formats(formats)
    what = "the reference sandbox" if product == "reference" else f"the sandbox's {product} product"
    click.echo(f"starting {what} ({variant}{': ' + ', '.join(FLAWED_FAULTS) if variant == 'flawed' else ''})", err=True)
    artifacts, paths = run_demo(variant, output_dir, records=records, formats=chosen, progress=_progress, product=product)
    _summary(artifacts.report, paths, quiet=False, redactor=artifacts.redactor)
    html = [p for p in paths if p.suffix == ".html"]
    if html:
        click.echo(f"open the report: {html[0].resolve()}")
    sys.exit(_exit_for(artifacts.report.verdict.value))


@cli.group()
def sandbox() -> None:
    """The reference supplier sandbox: a conformant housing API with switchable faults."""


@sandbox.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(min=0, max=65535), default=0, show_default=True, help="0 picks a free port.")
@click.option("--records", type=click.IntRange(min=1), default=300, show_default=True, help="Properties (related records scale with it).")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--fault", "faults", multiple=True, metavar="NAME", help="Switch on a fault (repeatable); see `sandbox faults`.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), help="SQLite file to keep the data in (default: a temporary file).")
@click.option("--product", type=click.Choice(SANDBOX_PRODUCTS), default="reference", show_default=True, help=PRODUCT_HELP)
def sandbox_serve(host: str, port: int, records: int, seed: int, faults: tuple[str, ...], db_path: Path | None, product: str) -> None:
    """Serve the sandbox until Ctrl-C; prints its URL and the test client's credentials.

    Its full exports are written to temporary files at start (about 1.5 s per 100,000 properties) and
    served from them, as a supplier's nightly bulk export would be; `since` extracts and faulty exports
    are built per request.
    """
    from interopcheck.sandbox.server import SandboxConfig, serve_forever

    def ready(server: Any) -> None:
        click.echo(f"sandbox listening on {server.base_url}" + ("" if product == "reference" else f" (product: {product})"))
        click.echo(f"  OpenAPI document: {server.spec_url}")
        click.echo(f"  declaration:      {server.declaration_path}")
        click.echo(f"  OAuth 2.0 token:  {server.base_url}/oauth/token (client credentials)")
        click.echo(f"  client id:        {server.client_id}")
        click.echo(f"  client secret:    {server.client_secret}  (a published test credential, not a secret)")
        click.echo("press Ctrl-C to stop")

    config = SandboxConfig(records=records, seed=seed, faults=tuple(faults), db_path=db_path, host=host, port=port, product=product)
    serve_forever(config, on_ready=ready)
    click.echo("sandbox stopped", err=True)


@sandbox.command("faults")
def sandbox_faults() -> None:
    """List the faults the sandbox can switch on, with the requirement each breaks."""
    from interopcheck.sandbox.faults import FAULTS

    for fault in FAULTS.values():
        click.echo(f"{fault.name:22} {', '.join(fault.requirements):24} {fault.description}")


@cli.command("checks")
def list_checks() -> None:
    """List every registered check with its stable ID and what it needs."""
    from interopcheck.checks.registry import all_checks

    for spec in all_checks().values():
        needs = ",".join(sorted(spec.needs)) or "-"
        click.echo(f"{spec.id:34} {needs:18} {spec.title}")


@cli.group()
def profile() -> None:
    """Profiles: the requirement registers a run is judged against, and the tender annex."""


_overlay_option = click.option("--overlay", "overlays", multiple=True, metavar="PATH", help="A borough overlay (repeatable).")


@profile.command("list")
def profile_list() -> None:
    """List the bundled profiles."""
    from interopcheck.profile.load import list_profiles

    for pid, version, title in list_profiles():
        click.echo(f"{pid:16} {version:10} {title}")


@profile.command("show")
@click.argument("name")
@_overlay_option
def profile_show(name: str, overlays: tuple[str, ...]) -> None:
    """Print the resolved profile (extends and overlays applied) as JSON."""
    import json

    from interopcheck.profile.load import load_profile

    click.echo(json.dumps(load_profile(name, overlays).resolved(), indent=2, ensure_ascii=False))


@profile.command("render")
@click.argument("name")
@_overlay_option
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file instead of standard output.")
def profile_render(name: str, overlays: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Render the profile as the interoperability annex of a tender (same IDs as the reports)."""
    from interopcheck.profile.load import load_profile
    from interopcheck.profile.render import render_annex
    from interopcheck.report.writer import atomic_write, ensure_folder

    text = render_annex(load_profile(name, overlays), fmt)
    if output is None:
        click.echo(text)
    else:
        ensure_folder(output.parent, "--output")
        atomic_write(output, text.encode())
        click.echo(f"wrote {output}", err=True)


@profile.command("coverage")
@click.argument("name")
@_overlay_option
def profile_coverage(name: str, overlays: tuple[str, ...]) -> None:
    """List each requirement with the checks that decide it; exit 2 if a MUST has neither checks nor a reason."""
    from interopcheck.checks.registry import all_checks
    from interopcheck.profile.coverage import coverage, format_coverage, require_complete
    from interopcheck.profile.load import load_profile

    cov = coverage(load_profile(name, overlays), {k: v.title for k, v in all_checks().items()})
    click.echo(format_coverage(cov))
    require_complete(cov)


@cli.group()
def report() -> None:
    """Work with written reports: re-render them from the canonical JSON."""


@report.command("render")
@click.argument("report_json", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "formats", default="md,html", show_default=True, help="Formats to render: md, html, junit, sarif, github, gitlab.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), help="Default: the report's own folder.")
def report_render(report_json: Path, formats: str, output_dir: Path | None) -> None:
    """Re-render REPORT_JSON (a canonical JSON report) into other formats."""
    from interopcheck.report.json_report import load_report
    from interopcheck.report.writer import write_reports

    data = load_report(report_json)
    chosen = [f for f in _split_formats(formats) if f != "json"]
    for path in write_reports(data, output_dir or report_json.parent, chosen, basename=report_json.stem):
        click.echo(f"wrote {path}")


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Ed25519 public key (PEM) the bundle must be signed with.")
def verify(bundle: Path, public_key: Path | None) -> None:
    """Check an evidence bundle: every member's SHA-256, the report against its own outcomes, the signature.

    Exits 0 when the bundle is intact, 1 when anything does not match, 2 when it cannot be read.
    """
    from interopcheck.report.verify import verify_bundle

    result = verify_bundle(bundle, public_key)
    for problem in result.problems:
        _echo(f"  {problem}")
    if not result.ok:
        _echo(f"verify: {bundle} FAILED ({len(result.problems)} problems)")
        sys.exit(ExitCode.NOT_CONFORMANT)
    _echo(f"verify: {bundle} OK — {len(result.members)} members, hashes match, report consistent, {result.signature_summary}; verdict {result.verdict}")


@cli.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "formats", default="html,csv,md", show_default=True, help="Formats: html, csv, md.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/compare"), show_default=True)
@click.option("--allow-mixed", is_flag=True, help="Compare reports made with different profile versions (and say what differs).")
def compare(reports: tuple[Path, ...], formats: str, output_dir: Path, allow_mixed: bool) -> None:
    """Compare bidders' JSON reports: a matrix of requirements by bidder, differences first."""
    from interopcheck.report.compare import COMPARE_FORMATS, compare_paths, write_comparison

    chosen = tuple(dict.fromkeys(f.strip() for f in formats.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in COMPARE_FORMATS]
    if unknown or not chosen:
        raise UsageError(f"unknown comparison format {', '.join(unknown) or repr(formats)}", hint=f"choose from {', '.join(COMPARE_FORMATS)}")
    comparison = compare_paths(list(reports), output_dir, allow_mixed=allow_mixed)
    for path in write_comparison(comparison, output_dir, chosen):
        click.echo(f"wrote {path}")


def _register_history() -> None:
    """`interopcheck history ...` lives in cli_history (the CLI layer too); registered here so `cli` has every command."""
    from interopcheck.cli_history import history

    cli.add_command(history)


_register_history()
