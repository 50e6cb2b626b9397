"""The command line's frame: the click group, the entry point, and the one place errors become a line and an exit code.

The CLI layer (this package) is the only one that prints or exits. Every command turns the project's
errors into one line on stderr and the error's exit code; anything else that escapes is a defect and
exits 4 with a request to report it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from interopcheck import __version__
from interopcheck.cli.options import with_value_source
from interopcheck.console import printable
from interopcheck.errors import ExitCode, InteropcheckError, UsageError

#: The sandbox's products (`interopcheck.sandbox.products.PRODUCTS`; named here so the CLI starts without loading them).
SANDBOX_PRODUCTS = ("reference", "own-codes", "homelessness-only")
PRODUCT_HELP = (
    "Which product the sandbox plays: reference (every entity in the standard's shape and national codes), "
    "own-codes (the supplier's own field names and codes, mapped back by its declaration's value maps and a transform), "
    "homelessness-only (people and homelessness cases, with the documents, households and change history every tender requires; its declaration offers the homelessness module)."
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


def split_formats(value: str) -> tuple[str, ...]:
    from interopcheck.report.writer import FORMATS

    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(
            f"unknown report format {', '.join(unknown) or repr(value)}",
            hint=f"choose from {', '.join(FORMATS)}, comma-separated",
        )
    return formats


def echo(message: str, *, err: bool = False, redactor: Any = None) -> None:
    """Print one message through `printable`: every line the CLI prints that carries outside data goes through here."""
    click.echo(printable(message, redactor), err=err)


def _fail(err: InteropcheckError) -> NoReturn:
    echo(f"interopcheck: error: {err}", err=True)
    sys.exit(int(err.exit_code))


@click.group(epilog=EXIT_CODES_HELP, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="interopcheck")
def cli() -> None:
    """Check a housing system's OpenAPI document, sandbox and bulk export against the
    local-government housing data standards and open-data profile, and write a conformance
    report for a tender evaluation."""


def exit_for(verdict: str) -> int:
    return {"conformant": ExitCode.CONFORMANT, "not_conformant": ExitCode.NOT_CONFORMANT}.get(verdict, ExitCode.INCOMPLETE)


def clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: click 8.2+ raises this for a group called without a command (8.1 prints the help itself).
_NO_ARGS_IS_HELP: Any = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _fail_click(exc: click.ClickException) -> NoReturn:
    """A bad option or argument, on one line like every other error, pointing at the command's --help."""
    ctx = getattr(exc, "ctx", None)
    hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
    message = with_value_source(" ".join(exc.format_message().split()), exc)
    echo(f"interopcheck: error: {message}{hint}", err=True)
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
        echo(
            f"interopcheck: internal error: {type(exc).__name__}: {exc} "
            "(a defect in interopcheck; rerun with INTEROPCHECK_DEBUG=1 for the traceback and report it)",
            err=True,
        )
        sys.exit(ExitCode.INTERNAL)
    sys.exit(0)
