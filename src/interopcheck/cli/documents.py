"""The commands on profiles and written reports: `checks`, `profile ...`, `report render`, `verify`, `compare`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from interopcheck.cli.app import cli, echo, split_formats
from interopcheck.cli.progress import output_options, say
from interopcheck.errors import ExitCode, UsageError


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
@click.option("--format", "formats", default="md", show_default=True, help="Formats, comma-separated: md, html, docx (e.g. md,html,docx).")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the one format asked for to this file.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), help="Write each format to annex.<ext> in this folder.")
def profile_render(name: str, overlays: tuple[str, ...], formats: str, output: Path | None, output_dir: Path | None) -> None:
    """Render the profile as the interoperability annex of a tender (same IDs as the reports).

    With --overlay, the borough's departures from the shared core are marked. Markdown or HTML alone
    may go to standard output; DOCX, or several formats, need --output-dir (or --output for one).
    Every format is rendered before any file is written, and each file is written whole or not at all.
    """
    from interopcheck.profile.load import load_profile
    from interopcheck.profile.render import EXTENSIONS, render_annex_bytes, split_annex_formats
    from interopcheck.report.writer import atomic_write, ensure_folder

    chosen = split_annex_formats(formats)
    if output is not None and (output_dir is not None or len(chosen) > 1):
        raise UsageError("--output takes one format", hint="use --output-dir for several formats (--format md,html,docx)")
    if output is None and output_dir is None and (len(chosen) > 1 or chosen[0] == "docx"):
        raise UsageError(f"--format {','.join(chosen)} cannot go to standard output", hint="add --output-dir DIR (or --output FILE for one format)")
    profile_ = load_profile(name, overlays)
    rendered = render_annex_bytes(profile_, chosen, core=load_profile(name) if overlays else None)
    if output is None and output_dir is None:
        click.echo(rendered[chosen[0]].decode("utf-8"), nl=False)
        return
    if output is not None:
        targets = {chosen[0]: output}
        ensure_folder(output.parent, "--output")
    else:
        assert output_dir is not None
        targets = {fmt: ensure_folder(output_dir) / f"annex{EXTENSIONS[fmt]}" for fmt in chosen}
    for fmt, path in targets.items():
        atomic_write(path, rendered[fmt])
        click.echo(f"wrote {path}", err=True)


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
@output_options
def report_render(report_json: Path, formats: str, output_dir: Path | None, quiet: bool, **_output: bool) -> None:
    """Re-render REPORT_JSON (a canonical JSON report) into other formats."""
    from interopcheck.report.json_report import load_report
    from interopcheck.report.writer import write_reports

    data = load_report(report_json)
    chosen = [f for f in split_formats(formats) if f != "json"]
    for path in write_reports(data, output_dir or report_json.parent, chosen, basename=report_json.stem):
        if not quiet:
            click.echo(f"wrote {path}")


@cli.command()
@click.argument("bundle", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public-key", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Ed25519 public key (PEM) the bundle must be signed with.")
@output_options
def verify(bundle: Path, public_key: Path | None, quiet: bool, **_output: bool) -> None:
    """Check an evidence bundle: every member's SHA-256, the report against its own outcomes, the signature.

    Exits 0 when the bundle is intact, 1 when anything does not match, 2 when it cannot be read.
    """
    from interopcheck.report.verify import verify_bundle

    result = verify_bundle(bundle, public_key)
    for problem in [] if quiet else result.problems:
        echo(f"  {problem}")
    if not result.ok:
        say(f"verify: {bundle} FAILED ({len(result.problems)} problems)", style="bold red")
        sys.exit(ExitCode.NOT_CONFORMANT)
    say(f"verify: {bundle} OK — {len(result.members)} members, hashes match, report consistent, {result.signature_summary}; verdict {result.verdict}", style="bold green")


@cli.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "formats", default="html,csv,md", show_default=True, help="Formats: html, csv, md.")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("reports/compare"), show_default=True)
@click.option("--allow-mixed", is_flag=True, help="Compare reports made with different profile versions (and say what differs).")
@click.option("--name", "names", multiple=True, metavar="NAME", help='The bidder\'s name for each report, in order (repeatable: --name "Supplier A" --name "Supplier B"). Default: the supplier its declaration names, else the file name.')
@output_options
def compare(reports: tuple[Path, ...], formats: str, output_dir: Path, allow_mixed: bool, names: tuple[str, ...], quiet: bool, **_output: bool) -> None:
    """Compare bidders' JSON reports: a matrix of requirements by bidder, differences first."""
    from interopcheck.report.compare import COMPARE_FORMATS, compare_paths, write_comparison

    chosen = tuple(dict.fromkeys(f.strip() for f in formats.split(",") if f.strip()))
    unknown = [f for f in chosen if f not in COMPARE_FORMATS]
    if unknown or not chosen:
        raise UsageError(f"unknown comparison format {', '.join(unknown) or repr(formats)}", hint=f"choose from {', '.join(COMPARE_FORMATS)}")
    comparison = compare_paths(list(reports), output_dir, allow_mixed=allow_mixed, names=names)
    for path in write_comparison(comparison, output_dir, chosen):
        if not quiet:
            click.echo(f"wrote {path}")


@cli.command()
@click.argument("private_key", type=click.Path(dir_okay=False, path_type=Path), default=Path("interopcheck-signing.pem"))
def keygen(private_key: Path) -> None:
    """Make an Ed25519 key pair for `check --bundle --sign-key`: PRIVATE_KEY (mode 0600) and its .pub.pem beside it.

    Give the public key to whoever checks the bundle (`verify --public-key`). Existing files are never overwritten.
    """
    from interopcheck.report.bundle import generate_keypair

    private, public = generate_keypair(private_key)
    click.echo(f"wrote {private} (private: keep it secret; for --sign-key)")
    click.echo(f"wrote {public} (public: for verify --public-key)")
