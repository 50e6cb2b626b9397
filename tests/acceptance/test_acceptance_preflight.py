"""Set-up mistakes are not bidder results: a wrong secret or an unreachable sandbox stops the run at the preflight
(exit 3, quickly) with the cause in one line, first on the terminal and first in every report."""

from __future__ import annotations

import html
import re
import socket
from pathlib import Path

from interopcheck.sandbox.server import SandboxServer
from .conftest import SECRET_ENV, CliResult, check_args, run_cli

#: A hang guard, not a benchmark: the preflight fails in a second or two; the full run takes minutes.
HANG_GUARD_S = 10


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _assert_stopped_by(result: CliResult, cause: str) -> None:
    assert result.code == 3, result.stderr
    assert result.stdout.splitlines()[0] == f"not tested: {cause}"
    assert cause in result.stderr  # the progress line says it as it happens
    assert result.report is not None
    assert result.report["summary"]["preflight"] == {"ok": False, "cause": cause}
    markdown = (result.output_dir / "report.md").read_text(encoding="utf-8")
    assert markdown.splitlines()[0] == f"**Not tested: {cause}**".replace("_", "\\_")
    body = (result.output_dir / "report.html").read_text(encoding="utf-8").split("<header>", 1)[1]
    first = re.sub(r"<[^>]+>", "", body.strip().splitlines()[0])
    assert html.unescape(first) == f"Not tested: {cause}"
    errors = [line for line in result.stdout.splitlines() if line.lstrip().startswith("ERROR")]
    assert errors == []  # one shared-cause line instead of 30 cut ERROR lines
    assert f"requirements could not be decided: {cause}" in result.stdout
    assert re.search(r"score [\d.]+ over \d+ of \d+ requirements \(\d+ could not be decided", result.stdout)


def test_wrong_client_secret_stops_at_the_preflight(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = run_cli(check_args(good_sandbox, out), out, env={SECRET_ENV: "not-the-secret"}, timeout=HANG_GUARD_S)
    _assert_stopped_by(result, "the token endpoint refused the client credentials: HTTP 401 invalid_client")


def test_unreachable_base_url_stops_at_the_preflight(good_sandbox: SandboxServer, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    base = f"http://127.0.0.1:{_closed_port()}"
    args = check_args(good_sandbox, out)
    args[args.index("--base-url") + 1] = base
    args[args.index("--token-url") + 1] = f"{base}/oauth/token"
    result = run_cli(args, out, env={SECRET_ENV: good_sandbox.client_secret}, timeout=HANG_GUARD_S)
    _assert_stopped_by(result, f"connection refused at {base}")
