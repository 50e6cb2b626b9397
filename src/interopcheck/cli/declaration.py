"""`interopcheck declaration init`: write a profile's declaration template for a bidder to fill in.

A bidder should not need a copy of this repository to find the template: the installed tool carries
it. An existing file is never overwritten without --force, so a half-filled declaration is not lost.
"""

from __future__ import annotations

from pathlib import Path

import click

from interopcheck.cli.app import cli
from interopcheck.errors import UsageError


@cli.group()
def declaration() -> None:
    """Supplier declarations: what a bidder sends with its tender."""


@declaration.command("init")
@click.option("--profile", "profile_name", default="housing", show_default=True, metavar="NAME", help="The profile (a bundled name or a path to its profile.yaml).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("declaration.yaml"), show_default=True, help="Where to write it; - for standard output.")
@click.option("--force", is_flag=True, help="Overwrite --output if it exists.")
def declaration_init(profile_name: str, output: Path, force: bool) -> None:
    """Write the declaration template of a profile, with its instructions, for a bidder to fill in."""
    from interopcheck.profile.annex_appendix import read_template
    from interopcheck.profile.load import load_profile
    from interopcheck.report.writer import atomic_write, ensure_folder

    content = read_template(load_profile(profile_name))
    if str(output) == "-":
        click.echo(content.decode("utf-8"), nl=False)
        return
    if output.exists() and not force:
        raise UsageError(f"{output} already exists", hint="pass --force to overwrite it, or choose another --output")
    ensure_folder(output.parent, "--output")
    atomic_write(output, content)
    click.echo(f"wrote {output}: replace the example values with your product's, then check it with interopcheck check --declaration {output}", err=True)
