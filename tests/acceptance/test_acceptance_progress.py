"""Progress while `check` runs against the reference sandbox: a live display on a terminal (pseudo-terminal),
plain lines elsewhere, only the verdict with -q, each check with -v, and no colour under NO_COLOR."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from interopcheck.sandbox.server import SandboxServer

from .conftest import ROOT, SECRET_ENV, check_args, run_cli

#: Upper bound for one run; only to catch a hang.
HANG_S = 180
_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def _in_pty(args: list[str], env: dict[str, str], cwd: Path = ROOT) -> tuple[int, list[tuple[float, bytes]]]:
    """Run the CLI with stdout and stderr on a pseudo-terminal; every chunk it wrote, with seconds since the start."""
    master, slave = os.openpty()
    os.set_blocking(master, False)
    full_env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "160", "LINES": "40", **env}
    if "NO_COLOR" not in env:
        full_env.pop("NO_COLOR", None)
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "interopcheck", *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=full_env, cwd=cwd,
    )
    os.close(slave)
    chunks: list[tuple[float, bytes]] = []
    try:
        while time.monotonic() - start < HANG_S:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: the child closed its end
                    data = b""
                if data:
                    chunks.append((time.monotonic() - start, data))
                    continue
                if proc.poll() is not None:
                    break
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=HANG_S)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return code, chunks


def _text(chunks: list[tuple[float, bytes]]) -> str:
    return b"".join(c for _, c in chunks).decode("utf-8", "replace")


def _colours(text: str) -> list[str]:
    """The colour parameters of the SGR sequences in `text` (foreground 30-38, 90-97)."""
    found = []
    for params in _SGR.findall(text):
        found += [p for p in params.split(";") if p and (30 <= int(p) <= 38 or 90 <= int(p) <= 97)]
    return found


def test_a_live_run_on_a_terminal_shows_progress_within_2_s_and_at_least_every_5_s(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, chunks = _in_pty(check_args(good_sandbox, out), {SECRET_ENV: good_sandbox.client_secret}, cwd=tmp_path)
    text = _text(chunks)
    assert code == 0, text
    times = [t for t, _ in chunks]
    assert times[0] <= 2.0, times[:3]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps) <= 5.0, max(gaps)
    assert "live checks" in text and "export checks" in text
    assert re.search(r"\d+ of \d+ checks", text) and re.search(r"[\d,]+ requests \(\d+/s\)", text), text
    verdict = next(line for line in text.splitlines() if "verdict: conformant" in line)
    assert "32" in _colours(verdict)  # green on a terminal


def test_quiet_on_a_terminal_prints_only_the_verdict_and_no_colour_under_no_color(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code, chunks = _in_pty(check_args(good_sandbox, out, "-q"), {SECRET_ENV: good_sandbox.client_secret, "NO_COLOR": "1"}, cwd=tmp_path)
    text = _text(chunks)
    assert code == 0, text
    lines = [line for line in _ESCAPES.sub("", text).replace("\r", "").splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("verdict: conformant"), lines
    assert _colours(text) == []


def test_off_a_terminal_progress_is_plain_lines_and_verbose_names_each_check(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run_cli(check_args(good_sandbox, out, "-v"), out, env={SECRET_ENV: good_sandbox.client_secret})
    assert result.code == 0, result.stderr
    assert "\x1b" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert any(re.fullmatch(r"  static checks: \d+", line) for line in lines), lines
    assert any(re.fullmatch(r"  live checks: \d+", line) for line in lines), lines
    assert any(re.fullmatch(r"    PASS  live\.reachable \(\d+/\d+\)", line) for line in lines), lines
    assert re.search(r"  done in [\d.]+ s: (\d+) of \1 checks, [\d,]+ requests, [\d,]+ export records", result.stderr), result.stderr
