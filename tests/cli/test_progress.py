"""The CLI's progress display (cli/progress.py): plain lines off a terminal, nothing when quiet, each check with -v,
only the stages that run announced, and no escape sequence from outside data."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from interopcheck.cli import cli
from interopcheck.cli.progress import PLAIN_EVERY_S, Output, RunDisplay
from interopcheck.engine.events import RunEvent

SPEC = Path(__file__).resolve().parents[1] / "cases" / "bad-specs" / "openapi-3.1.yaml"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _display(settings: Output) -> tuple[RunDisplay, io.StringIO, Clock]:
    stream, clock = io.StringIO(), Clock()
    return RunDisplay(settings, stream, clock=clock), stream, clock


def test_plain_output_has_a_line_per_stage_and_a_counter_line_at_most_every_few_seconds() -> None:
    display, stream, clock = _display(Output())
    with display:
        display(RunEvent("stage", stage="live", status="start", done=0, total=3, message="live checks: 3"))
        for n in range(1, 40):
            clock.now += 0.5
            display(RunEvent("requests", done=n * 10))
        display(RunEvent("check", stage="live", done=1, total=3, check_id="live.reachable", status="pass"))
    lines = stream.getvalue().splitlines()
    assert lines[0] == "  live checks: 3"
    counters = [line for line in lines if line.startswith("  … ")]
    assert 3 <= len(counters) <= 19.5 / PLAIN_EVERY_S + 1, lines
    assert "requests (20/s)" in counters[-1]
    assert lines[-1].startswith("  done in ") and "390 requests" in lines[-1]
    assert "\x1b" not in stream.getvalue()
    assert "live.reachable" not in stream.getvalue()  # each check only with -v


def test_quiet_prints_nothing_and_verbose_prints_each_check_with_its_outcome() -> None:
    display, stream, _ = _display(Output(quiet=True))
    with display:
        display(RunEvent("stage", stage="static", status="start", total=1, message="static checks: 1"))
        display(RunEvent("check", stage="static", done=1, total=1, check_id="spec.valid-openapi", status="fail", message="not valid"))
    assert stream.getvalue() == ""
    display, stream, _ = _display(Output(verbose=True))
    with display:
        display(RunEvent("check", stage="static", done=1, total=2, check_id="spec.valid-openapi", status="fail", message="not \x1b[2Jvalid"))
        display(RunEvent("check", stage="static", done=2, total=2, check_id="spec.openapi-3", status="pass"))
    lines = stream.getvalue().splitlines()
    assert lines[:2] == ["    FAIL  spec.valid-openapi (1/2): not valid", "    PASS  spec.openapi-3 (2/2)"]
    assert "\x1b" not in stream.getvalue()


def test_a_spec_only_run_announces_no_live_or_export_stage(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(SPEC), "--no-reports", "--output-dir", str(tmp_path)])
    assert "static checks:" in result.stderr, result.stderr
    assert "live checks" not in result.stderr and "export checks" not in result.stderr


def test_quiet_and_verbose_together_are_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(SPEC), "-q", "-v", "--no-reports"])
    assert result.exit_code != 0
    assert "-q (--quiet) and -v (--verbose)" in str(result.exception) + result.output + result.stderr


def test_every_command_that_runs_work_takes_quiet_verbose_and_no_color() -> None:
    for command in (["check"], ["demo"], ["compare"], ["report", "render"], ["verify"]):
        help_text = CliRunner().invoke(cli, [*command, "--help"]).output
        for option in ("--quiet", "--verbose", "--no-color"):
            assert option in help_text, (command, option)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _say_on_a_terminal(monkeypatch, settings: Output, env: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    import sys

    import click

    from interopcheck.cli import progress

    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = _Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    with click.Context(click.Command("x")) as ctx:
        ctx.meta["interopcheck.output"] = settings
        progress.say("verdict: not conformant \x1b[2J— 1 of 38 MUSTs failed", style="bold red")
    return out.getvalue()


def test_colour_on_a_terminal_unless_no_color_or_the_no_color_variable(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    coloured = _say_on_a_terminal(monkeypatch, Output(), {})
    assert "\x1b[1;31m" in coloured and "\x1b[2J" not in coloured  # the style is ours; the outside escape is gone
    assert _say_on_a_terminal(monkeypatch, Output(no_color=True), {}) == "verdict: not conformant — 1 of 38 MUSTs failed\n"
    assert _say_on_a_terminal(monkeypatch, Output(), {"NO_COLOR": "1"}) == "verdict: not conformant — 1 of 38 MUSTs failed\n"


def test_quiet_report_render_and_compare_print_nothing_and_still_write(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "reports" / "examples" / "good" / "report.json"
    runner = CliRunner()
    loud = runner.invoke(cli, ["report", "render", str(example), "--format", "md", "--output-dir", str(tmp_path / "a")])
    assert loud.exit_code == 0 and "wrote " in loud.output, loud.output
    quiet = runner.invoke(cli, ["report", "render", str(example), "--format", "md", "--output-dir", str(tmp_path / "b"), "-q"])
    assert quiet.exit_code == 0 and quiet.output == "" and list((tmp_path / "b").iterdir())
    flawed = example.parents[1] / "flawed" / "report.json"
    quiet = runner.invoke(cli, ["compare", str(example), str(flawed), "--format", "csv", "--output-dir", str(tmp_path / "c"), "-q"])
    assert quiet.exit_code == 0 and quiet.output == "" and list((tmp_path / "c").iterdir()), quiet.output
