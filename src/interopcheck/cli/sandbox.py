"""`interopcheck demo` and `interopcheck sandbox ...`: the bundled reference sandbox, checked or served."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

import click

from interopcheck.cli.app import EXIT_CODES_HELP, PRODUCT_HELP, SANDBOX_PRODUCTS, cli, exit_for, split_formats
from interopcheck.cli.check import interrupted_exit, summary
from interopcheck.cli.progress import RunDisplay, output_options
from interopcheck.errors import UsageError


@cli.command(epilog=EXIT_CODES_HELP)
@click.option("--variant", type=click.Choice(["good", "flawed"]), default="good", show_default=True, help="A conformant sandbox, or one with a set of faults on.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/demo"), show_default=True)
@click.option("--records", type=click.IntRange(min=10), default=300, show_default=True, help="Properties in the sandbox (related records scale with it).")
@click.option("--format", "formats", default="json,md,html,junit,sarif", show_default=True, help="Report formats to write.")
@click.option("--product", type=click.Choice(SANDBOX_PRODUCTS), default="reference", show_default=True, help=PRODUCT_HELP + " The homelessness-only demo's tender requires only the homelessness module.")
@click.option("--transcript", is_flag=True, help="Also write transcript.har (HAR 1.2, redacted), as `check --transcript` does.")
@click.option("--bundle", is_flag=True, help="Also write evidence-bundle.zip, as `check --bundle` does.")
@click.option("--sign-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Ed25519 private key (PEM) to sign the bundle (see `interopcheck keygen`).")
@output_options
def demo(
    variant: str, output_dir: Path, records: int, formats: str, product: str, transcript: bool, bundle: bool, sign_key: Path | None,
    quiet: bool, **_output: bool,
) -> None:
    """Start the bundled reference sandbox on 127.0.0.1, check it fully, write the reports, stop it.

    `good` is conformant and exits 0; `flawed` switches on faults that each break the
    requirement they name, and exits 1. `--product` checks one of the sandbox's other products
    against its own bundled declaration.
    """
    from interopcheck.engine.demo import FLAWED_FAULTS, run_demo

    chosen = split_formats(formats)
    if sign_key is not None and not bundle:
        raise UsageError("--sign-key given without --bundle", hint="add --bundle; the signature covers the bundle's manifest")
    what = "the reference sandbox" if product == "reference" else f"the sandbox's {product} product"
    if not quiet:
        click.echo(f"starting {what} ({variant}{': ' + ', '.join(FLAWED_FAULTS) if variant == 'flawed' else ''})", err=True)
    with RunDisplay() as display:
        artifacts, paths = run_demo(
            variant, output_dir, records=records, formats=chosen, progress=display, product=product,
            transcript=transcript, bundle=bundle, sign_key=sign_key, note=(lambda _line: None) if quiet else click.echo,
        )
    summary(artifacts.report, paths, quiet=quiet, redactor=artifacts.redactor)
    if artifacts.interrupted:
        interrupted_exit(paths)
    html = [p for p in paths if p.suffix == ".html"]
    if html and not quiet:
        click.echo(f"open the report: {html[0].resolve()}")
    sys.exit(exit_for(artifacts.report.verdict.value))


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
        click.echo("check it with:")
        click.echo(f"  {check_command(server)}")
        click.echo("press Ctrl-C to stop")

    config = SandboxConfig(records=records, seed=seed, faults=tuple(faults), db_path=db_path, host=host, port=port, product=product)
    serve_forever(config, on_ready=ready)
    click.echo("sandbox stopped", err=True)


def check_command(server: Any) -> str:
    """The ready-to-paste `interopcheck check` command for a listening sandbox, each word shell-quoted.

    The client secret is a published test credential, so it is given in the command's environment.
    """
    words = [
        "interopcheck", "check",
        "--spec", server.spec_url,
        "--declaration", str(server.declaration_path),
        "--base-url", server.base_url,
        "--token-url", f"{server.base_url}/oauth/token",
        "--client-id", server.client_id,
        "--client-secret-env", SANDBOX_SECRET_ENV,
    ]
    return f"{SANDBOX_SECRET_ENV}={shlex.quote(server.client_secret)} " + " ".join(shlex.quote(w) for w in words)


SANDBOX_SECRET_ENV = "SANDBOX_CLIENT_SECRET"


@sandbox.command("faults")
def sandbox_faults() -> None:
    """List the faults the sandbox can switch on, with the requirement each breaks."""
    from interopcheck.sandbox.faults import FAULTS

    for fault in FAULTS.values():
        click.echo(f"{fault.name:22} {', '.join(fault.requirements):24} {fault.description}")
