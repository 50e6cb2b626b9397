"""Run the CLI in a subprocess under a time and memory limit, as the adversarial suite needs.

The limit is set with `resource.setrlimit(RLIMIT_AS)` in the child before it execs Python, so a
regression that allocates without bound ends in a MemoryError (exit 4, which the tests refuse) rather
than in a machine that swaps; the wall-clock limit turns a hang into a failed test.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_BYTES = 2 * 1024**3
ALLOWED_EXIT_CODES = frozenset({0, 1, 2, 3})


@dataclass(frozen=True)
class Limited:
    """A finished limited run: exit code, output, and whether a limit ended it."""

    code: int
    stdout: str
    stderr: str
    timed_out: bool

    def assert_handled(self) -> None:
        """The run ended by itself with a defined exit code (never 4, never killed, never hung)."""
        assert not self.timed_out, f"the run hung past its time limit; stderr: {self.stderr[-2000:]}"
        assert self.code in ALLOWED_EXIT_CODES, f"exit {self.code}; stderr: {self.stderr[-2000:]}"


def _limit_memory(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def run_limited(
    args: Sequence[str],
    cwd: Path,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_bytes: int = DEFAULT_MEMORY_BYTES,
    env: dict[str, str] | None = None,
) -> Limited:
    """Run `python -m interopcheck ARGS` in `cwd` under the given limits.

    MALLOC_ARENA_MAX=2 unless `env` says otherwise: glibc reserves 64 MiB of address space per thread arena,
    so a full run's threads (progress ticker, export downloads, worker starters) would otherwise reach
    RLIMIT_AS by reservation, not by use.
    """
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "interopcheck", *args],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            cwd=cwd,
            env={**os.environ, "MALLOC_ARENA_MAX": "2", **(env or {})},
            preexec_fn=lambda: _limit_memory(memory_bytes),
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        return Limited(-1, out, err, timed_out=True)
    return Limited(proc.returncode, proc.stdout, proc.stderr, timed_out=False)
