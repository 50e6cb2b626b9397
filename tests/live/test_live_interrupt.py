"""Ctrl-C during the schemathesis run: schemathesis catches it, the bridge hands it back, nothing reports a pass."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import live_minisandbox as mini
import pytest
from live_fakes import live_checks as all_checks

from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.checks.registry import run_check
from live_fakes import conformance
from interopcheck.model import Status

pytestmark = pytest.mark.timeout(120)


class _FakeStream:
    """An engine event stream that replays `events` (what schemathesis yields after catching a Ctrl-C)."""

    def __init__(self, events: list[Any]) -> None:
        self._events = events
        self.stopped = False

    def __iter__(self) -> Iterator[Any]:
        return iter(self._events)

    def stop(self) -> None:
        self.stopped = True


def _fake_engine(monkeypatch: pytest.MonkeyPatch, *, with_event: bool) -> list[_FakeStream]:
    """Make `schemathesis.engine.from_schema` return an engine whose run was interrupted by the user."""
    import schemathesis.engine as engine
    from schemathesis.engine import StopReason, events

    streams: list[_FakeStream] = []

    class _Engine:
        def execute(self) -> _FakeStream:
            replay = [events.EngineStarted()]
            if with_event:
                replay.append(events.Interrupted(phase=None))
            replay.append(events.EngineFinished(running_time=0.1, stop_reason=StopReason.INTERRUPTED))
            streams.append(_FakeStream(replay))
            return streams[-1]

    monkeypatch.setattr(engine, "from_schema", lambda schema: _Engine())
    return streams


@pytest.mark.parametrize("with_event", [True, False], ids=["interrupted-event", "interrupted-stop-reason"])
def test_interrupted_engine_raises_keyboard_interrupt(monkeypatch: pytest.MonkeyPatch, with_event: bool) -> None:
    streams = _fake_engine(monkeypatch, with_event=with_event)
    with pytest.raises(KeyboardInterrupt):
        conformance(mini.SPEC, "http://127.0.0.1:9", max_examples=2, rate=1000)
    assert streams and streams[-1].stopped  # the engine is told to stop on the way out


def test_interrupted_conformance_check_is_never_a_result(monkeypatch: pytest.MonkeyPatch, live_ctx: Callable[..., CheckContext]) -> None:
    ctx = live_ctx()
    _fake_engine(monkeypatch, with_event=True)
    with pytest.raises(KeyboardInterrupt):  # run_check turns exceptions into `error`, but lets an interrupt through
        run_check(all_checks()["live.spec-conformance"], ctx)


def test_real_sigint_during_schemathesis_is_raised_again(sandbox: Callable[..., str]) -> None:
    url = sandbox()
    timer = threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):  # at 2 requests/s the run lasts far longer than 1.5 s
            conformance(mini.SPEC, url, max_examples=5, headers={"Authorization": f"Bearer {mini.STATIC_TOKEN}"}, rate=2, max_time=60)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 20


def test_time_cap_cut_is_a_skip_not_a_pass(monkeypatch: pytest.MonkeyPatch, live_ctx: Callable[..., CheckContext]) -> None:
    from interopcheck.checks import live_conformance

    monkeypatch.setattr(live_conformance, "MAX_CONFORMANCE_S", 2.0)
    # at one request every 2 s, the cap cuts the first pass, before each operation was tested once
    ctx = live_ctx(rate=0.5, options=RunOptions(max_examples=5))  # the cap's own stop is not a Ctrl-C
    result = run_check(all_checks()["live.spec-conformance"], ctx)
    assert result.status == Status.SKIP, result.summary
    assert "did not finish" in result.summary and "cut short at the 2 s limit" in result.summary


def test_time_cap_cut_after_every_operation_was_tested_is_a_pass_with_stated_coverage(
    monkeypatch: pytest.MonkeyPatch, live_ctx: Callable[..., CheckContext]
) -> None:
    from interopcheck.checks import live_conformance

    monkeypatch.setattr(live_conformance, "MAX_CONFORMANCE_S", 2.0)
    ctx = live_ctx(rate=3.0, options=RunOptions(max_examples=5))
    result = run_check(all_checks()["live.spec-conformance"], ctx)
    assert result.status == Status.PASS, result.summary
    assert "examples phase (documented examples, or one generated per operation) in full" in result.summary
    assert "(stopped at the time cap)" in result.summary and "3 of 3 operations covered" in result.summary


def test_planned_time_bounds_fuzzing_examples_and_says_so(monkeypatch: pytest.MonkeyPatch, live_ctx: Callable[..., CheckContext]) -> None:
    from interopcheck.checks import live_conformance

    monkeypatch.setattr(live_conformance, "PLANNED_CONFORMANCE_S", 3.0)
    ctx = live_ctx(rate=20.0, options=RunOptions(max_examples=50))
    result = run_check(all_checks()["live.spec-conformance"], ctx)
    assert result.status == Status.PASS, result.summary  # finished well inside the 45 s cap
    assert "of --max-examples 50: as many as fit the planned 3 s at --rate 20" in result.summary
    assert result.duration_ms < 15_000


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.timeout(180)
def test_sigint_to_the_demo_exits_130_with_a_partial_report(tmp_path: Path) -> None:
    """Ctrl-C keeps what was decided: a report marked interrupted, verdict incomplete, then exit 130."""
    pytest.importorskip("interopcheck.sandbox.server")
    out = tmp_path / "demo"
    cmd = [sys.executable, "-m", "interopcheck", "demo", "--output-dir", str(out), "--format", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = None
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "connecting to http://127.0.0.1:" in line:
                port = int(line.rsplit(":", 1)[1])
            if "live checks" in line:
                break
        time.sleep(4.0)  # the live stage starts with a few quick checks, then schemathesis runs for many seconds
        assert proc.poll() is None, "the demo ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert "interopcheck: interrupted; the partial report (run.interrupted, verdict incomplete) is in" in err
    report = json.loads((out / "report.json").read_text())
    assert report["run"]["interrupted"] is True and report["verdict"] == "incomplete"
    statuses = [c["status"] for o in report["outcomes"] for c in o["checks"]]
    assert "pass" in statuses  # the static checks (and the first live ones) done before Ctrl-C are kept
    assert any("the run was interrupted (Ctrl-C) before this check" in c["summary"] for o in report["outcomes"] for c in o["checks"])
    assert port is not None and not _port_open(port)  # the sandbox went with the process
