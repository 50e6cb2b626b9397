"""The command line: a click group. The only module that prints or exits.

Every command turns the project's errors into one line on stderr and the error's exit code;
anything else that escapes is a defect and exits 4 with a request to report it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from interopcheck import __version__
from interopcheck.errors import ExitCode, InteropcheckError, UsageError

EXIT_CODES_HELP = """\b
Exit codes:
  0  conformant: every MUST passed (or was attested, or does not apply)
  1  not conformant: at least one MUST failed
  2  usage or bad input: missing file, unreadable spec, invalid profile or declaration
  3  incomplete: the sandbox was unreachable or checks errored, so the verdict is unknown
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


def _fail(err: InteropcheckError) -> NoReturn:
    click.echo(f"interopcheck: error: {err}", err=True)
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
        click.option("--ca-bundle", type=click.Path(exists=True, dir_okay=False), help="CA bundle for a sandbox with a private CA."),
        click.option("--allow-writes", is_flag=True, help="Allow methods other than GET and HEAD (off by default)."),
        click.option("--sample", type=click.IntRange(min=1), default=50, show_default=True, help="Records per entity validated by live checks."),
        click.option("--max-pages", type=click.IntRange(min=1), default=50, show_default=True, help="Pages walked per collection."),
        click.option("--max-examples", type=click.IntRange(min=1), default=10, show_default=True, help="Generated examples per operation (schemathesis)."),
        click.option("--export-max-records", type=click.IntRange(min=1), help="Stop reading an export after this many records (the check then skips)."),
        click.option("--export-max-bytes", type=click.IntRange(min=1), help="Stop reading an export after this many bytes."),
        click.option("--export-timeout", type=click.FloatRange(min=1), default=600.0, show_default=True, help="Seconds allowed for each export."),
        click.option("--transcript", is_flag=True, help="Also write every HTTP exchange as HAR (transcript.har)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--spec", "spec", required=True, metavar="PATH_OR_URL", help="The supplier's OpenAPI document (file or URL).")
@click.option("--profile", default="housing", show_default=True, help="Profile name or path to a profile.yaml.")
@click.option("--overlay", "overlays", multiple=True, metavar="PATH", help="A borough overlay on the profile (repeatable).")
@click.option("--declaration", metavar="PATH", help="The supplier's declaration (entities, mapping, exports, attestations).")
@live_options
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling and generated requests (recorded).")
@click.option("--allow-remote-refs", is_flag=True, help="Fetch $refs that point at the network (refused by default).")
@click.option("--max-spec-bytes", type=click.IntRange(min=1), default=50_000_000, show_default=True, help="Largest API description read.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"), show_default=True)
@click.option("--format", "formats", default="json,md,html", show_default=True, help="Report formats: json, md, html, junit, sarif.")
@click.option("--bundle", "bundle", is_flag=True, help="Also write evidence-bundle.zip with a manifest of SHA-256 hashes.")
@click.option("--sign-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Ed25519 private key (PEM) to sign the bundle.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line.")
def check(**kw: Any) -> None:
    """Check an API description (and, with --base-url, its live sandbox and export).

    Writes the canonical JSON report first, then the other formats, into --output-dir.
    """
    from interopcheck.engine.outputs import write_outputs
    from interopcheck.engine.request import check_request
    from interopcheck.engine.run import run

    formats = _split_formats(kw["formats"])
    request = check_request(kw)
    artifacts = run(request, progress=None if kw["quiet"] else _progress)
    paths = write_outputs(artifacts, kw["output_dir"], formats, transcript=kw["transcript"], bundle=kw["bundle"], sign_key=kw["sign_key"])
    _summary(artifacts.report, paths, quiet=kw["quiet"])
    sys.exit(_exit_for(artifacts.report.verdict.value))


def _progress(message: str) -> None:
    click.echo(f"  {message}", err=True)


def _exit_for(verdict: str) -> int:
    return {"conformant": ExitCode.CONFORMANT, "not_conformant": ExitCode.NOT_CONFORMANT}.get(verdict, ExitCode.INCOMPLETE)


def _summary(report: Any, paths: Sequence[Path], *, quiet: bool) -> None:
    counts = report.counts
    click.echo(
        f"verdict: {report.verdict.value.replace('_', ' ')} — {counts.musts_failed} of {counts.musts_total} MUSTs failed; "
        f"score {report.score.value}"
    )
    if quiet:
        return
    shown = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.by_status.items() if n)
    click.echo(f"requirements: {shown}")
    for o in report.outcomes:
        if o.status.value in ("fail", "error"):
            click.echo(f"  {o.status.value.upper():5} {o.requirement_id} ({o.level.value}) {o.title}: {_clip(o.reason)}")
    for path in paths:
        click.echo(f"wrote {path}")


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point: run the CLI and turn every outcome into the documented exit code."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="interopcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interopcheck: interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.BAD_INPUT)
    except InteropcheckError as err:
        _fail(err)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a defect, reported as such
        if os.environ.get("INTEROPCHECK_DEBUG"):
            raise
        click.echo(
            f"interopcheck: internal error: {type(exc).__name__}: {exc} "
            "(a defect in interopcheck; rerun with INTEROPCHECK_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)
    sys.exit(0)
