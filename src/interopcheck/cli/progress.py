"""Progress on stderr while a run works, and the CLI's output settings (-q, -v, --no-color): the only place that draws progress.

On a terminal a live status line (rich) shows the stage, checks done of total, requests sent and their
rate, export records read and their rate, and the time elapsed; elsewhere (CI logs) plain lines: one
per stage and at most one counter line every few seconds. `-q` shows nothing, `-v` also each check as it
finishes with its outcome. Everything printed of outside data goes through `console.printable` first;
the styling is applied afterwards, to rich `Text` objects, so it never mixes with the sanitising.
Colour only on a terminal, never with `--no-color` or NO_COLOR (https://no-color.org).
"""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

import click

from interopcheck.console import printable
from interopcheck.engine.events import CHECK, NOTE, RECORDS, REQUESTS, STAGE, RunEvent
from interopcheck.errors import UsageError

#: Seconds between two counter lines in plain (non-terminal) output.
PLAIN_EVERY_S = 5.0
#: Seconds of history the rates are computed over.
RATE_WINDOW_S = 5.0
#: Styles of a check's or requirement's status, and of the verdict.
STATUS_STYLES = {"fail": "bold red", "error": "yellow", "warn": "yellow", "pass": "green", "skip": "dim"}
VERDICT_STYLES = {"conformant": "bold green", "not_conformant": "bold red", "incomplete": "bold yellow"}
_META_KEY = "interopcheck.output"


@dataclass(frozen=True)
class Output:
    """How much the CLI says and whether it may colour it."""

    quiet: bool = False
    verbose: bool = False
    no_color: bool = False


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Option callback: keep -q/-v/--no-color in the context's meta (shared by the whole command chain)."""
    current: Output = ctx.meta.get(_META_KEY, Output())
    name = param.name or ""
    chosen = dataclasses.replace(current, **{name: bool(value) or getattr(current, name)})
    if chosen.quiet and chosen.verbose:
        raise UsageError("-q (--quiet) and -v (--verbose) ask for opposite things", hint="give one of them")
    ctx.meta[_META_KEY] = chosen
    return value


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """`-q/--quiet`, `-v/--verbose` and `--no-color` on a command (their values also reach `current()`)."""
    opts = [
        click.option("-q", "--quiet", is_flag=True, callback=_remember, help="Print only the result line: no progress."),
        click.option("-v", "--verbose", is_flag=True, callback=_remember, help="Say more: each check as it finishes, with its outcome."),
        click.option("--no-color", "no_color", is_flag=True, callback=_remember, help="No colour (also when NO_COLOR is set, or output is not a terminal)."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def current() -> Output:
    """The running command's output settings (defaults outside a command)."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_META_KEY, Output()) if ctx is not None else Output()


def _console(stream: IO[str], settings: Output, *, terminal: bool = True) -> Any:
    """A rich console on `stream`; off a terminal (`terminal=False`) it writes no escape at all, FORCE_COLOR or not."""
    from rich.console import Console

    no_color = settings.no_color or os.environ.get("NO_COLOR", "") != ""
    return Console(
        file=stream, no_color=no_color, highlight=False, emoji=False, markup=False, soft_wrap=True,
        **({} if terminal else {"color_system": None, "force_terminal": False}),
    )


def say(text: str, *, err: bool = False, style: str | None = None, redactor: Any = None) -> None:
    """Print one line through `printable`, in `style` when colour is allowed (a terminal, no --no-color, no NO_COLOR)."""
    stream = sys.stderr if err else sys.stdout
    clean = printable(text, redactor)
    settings = current()
    if style is None or settings.no_color or os.environ.get("NO_COLOR", "") != "" or not _isatty(stream):
        click.echo(clean, err=err)
        return
    from rich.text import Text

    _console(stream, settings).print(Text(clean, style=style))


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def status_style(status: str) -> str | None:
    """The style of a FAIL/ERROR/WARN/PASS/SKIP word."""
    return STATUS_STYLES.get(status)


class _Rate:
    """A running total and its rate over the last few seconds."""

    def __init__(self) -> None:
        self.total = 0
        self._samples: deque[tuple[float, int]] = deque()

    def update(self, value: int, now: float) -> None:
        self.total = value
        self._samples.append((now, value))
        while len(self._samples) > 2 and now - self._samples[0][0] > RATE_WINDOW_S:
            self._samples.popleft()

    def per_second(self, now: float) -> float:
        if not self._samples:
            return 0.0
        t0, v0 = self._samples[0]
        span = max(now - t0, 1.0)
        return (self.total - v0) / span


def _elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


class RunDisplay:
    """Draws a run's events on stderr: a live status line on a terminal, plain lines elsewhere, nothing when quiet.

    Use as a context manager around the run (or `start()` it early, before the engine loads, and `stop()` it)
    and pass it as the run's progress sink. Each start begins a fresh count (one per spec of a run of several).
    Thread-safe: the engine's ticker sends the counters from its own thread.
    """

    def __init__(self, settings: Output | None = None, stream: IO[str] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings or current()
        self.stream = stream or sys.stderr
        self._clock = clock
        self._lock = threading.Lock()
        self._live: Any = None
        self._console: Any = None
        self._running = False
        self.interactive = _isatty(self.stream) and os.environ.get("TERM", "") not in ("dumb", "unknown")
        self._reset()

    def _reset(self) -> None:
        self._start = self._clock()
        self._stage = "starting"
        self._done = self._total = 0
        self._requests, self._records = _Rate(), _Rate()
        self._last_plain = self._start

    # -- the context -------------------------------------------------------------------

    def start(self) -> RunDisplay:
        """Begin showing progress (nothing when quiet); a display already running goes on."""
        if self._running or self.settings.quiet:
            return self
        self._running = True
        self._reset()
        self._console = _console(self.stream, self.settings, terminal=self.interactive)
        if self.interactive:
            from rich.live import Live

            self._live = Live(self, console=self._console, refresh_per_second=4, transient=True, redirect_stdout=False)
            self._live.start()
        return self

    def stop(self, *, finished: bool = True) -> None:
        """Take the status line away; with `finished`, say how long the run took and what it did."""
        if not self._running:
            return
        self._running = False
        if self._live is not None:
            self._live.stop()
            self._live = None
        if finished:
            self._line(f"  done in {self._elapsed_s():.1f} s: {self._counters_text(final=True)}")

    def __enter__(self) -> RunDisplay:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop(finished=exc[0] is None)

    # -- events ------------------------------------------------------------------------

    def __call__(self, event: RunEvent) -> None:
        if self.settings.quiet:
            return
        now = self._clock()
        out: list[Any] = []  # printed after the lock is let go: rich's refresh thread takes its own lock, then ours
        with self._lock:
            if event.kind == STAGE:
                out += self._stage_event(event)
            elif event.kind == CHECK:
                self._done, self._total = event.done, event.total
                if self.settings.verbose:
                    out.append(self._check_line(event))
            elif event.kind == REQUESTS:
                self._requests.update(event.done, now)
            elif event.kind == RECORDS:
                self._records.update(event.done, now)
            elif event.kind == NOTE and event.message:
                out.append(_text(f"  {event.message}"))
            if not self.interactive and now - self._last_plain >= PLAIN_EVERY_S:
                self._last_plain = now
                out.append(_text(f"  … {self._stage}: {self._counters_text()}; {_elapsed(now - self._start)} elapsed"))
        for line in out:
            self._print(line)

    def _stage_event(self, event: RunEvent) -> list[Any]:
        if event.status == "end":
            return []
        self._stage = (event.message.split(":", 1)[0] if event.message else event.stage) or "working"
        if event.total:
            self._done, self._total = event.done, event.total
        return [_text(f"  {event.message}")] if event.message else []

    def _check_line(self, event: RunEvent) -> Any:
        from rich.text import Text

        status = (event.status or "").upper()
        line = Text("    ")
        line.append(f"{status:5}", style=status_style(event.status or "") or "")
        line.append(printable(f" {event.check_id} ({event.done}/{event.total})"))
        if event.message and event.status in ("fail", "error"):
            summary = " ".join(printable(event.message).split())
            line.append(": " + (summary if len(summary) <= 120 else summary[:119] + "…"))
        return line

    # -- drawing -----------------------------------------------------------------------

    def _line(self, text: str) -> None:
        self._print(_text(text))

    def _print(self, text: Any) -> None:
        if self._console is None:
            return
        self._console.print(text)

    def _elapsed_s(self) -> float:
        return self._clock() - self._start

    def _counters_text(self, *, final: bool = False) -> str:
        now = self._clock()
        parts = [f"{self._done} of {self._total} checks" if self._total else "preparing"]
        if self._requests.total:
            rate = "" if final else f" ({self._requests.per_second(now):.0f}/s)"
            parts.append(f"{self._requests.total:,} requests{rate}")
        if self._records.total:
            rate = "" if final else f" ({self._records.per_second(now):,.0f}/s)"
            parts.append(f"{self._records.total:,} export records{rate}")
        return ", ".join(parts)

    def __rich__(self) -> Any:
        """The live status line (rich calls this at each refresh, so the elapsed time moves on its own)."""
        from rich.text import Text

        with self._lock:
            now = self._clock()
            line = Text("  ")
            line.append(printable(self._stage), style="bold")
            line.append(f" · {self._counters_text()} · {_elapsed(now - self._start)}")
            return line


def _text(text: str) -> Any:
    """`text` through `printable`, as an unstyled rich Text (never parsed as markup)."""
    from rich.text import Text

    return Text(printable(text))
