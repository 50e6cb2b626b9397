"""Property: whatever YAML or JSON document `check --spec FILE` is given, the run ends by itself with a
defined exit code (0-3, never 4), within a time and memory bound (issue 19, the standing suite).

Generated documents mix what broke the spec stage before: odd YAML tags (`!!binary`, `!!set`, unknown
tags), deep nesting, huge integers, aliases (up to alias bombs) and odd `$ref`s. The examples run in
process through the CLI's own entry point (a subprocess per example would be too slow); one extreme
document per kind also runs in a subprocess under `limits.run_limited`, whose address-space limit turns a
memory blow-up into a failure.
"""

from __future__ import annotations

import json
import os
import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from limits import ALLOWED_EXIT_CODES, run_limited

from interopcheck.cli import main

HEADER = 'openapi: 3.0.3\ninfo: {title: t, version: "1.0.0"}\n'
PATHS = 'paths:\n  /p:\n    get:\n      responses:\n        "200": {description: ok, content: {application/json: {schema: {$ref: %s}}}}\n'
EXAMPLE_TIMEOUT_S = 90  # a hang guard only: an example normally takes a second or two
PEAK_RSS_BYTES = 3 * 1024**3  # the in-process bound on the test process's peak memory

TAGS = ["!!binary aGVsbG8=", "!!set {a, b}", "!!omap [{a: 1}]", "!!python/object:os.system {}", "!custom x", "!!timestamp 2026-01-01",
        "!!float .nan", "!!int 0x7fffffffffffffffffff", "!!str 1", "!!null ''", "!!bool yes", "!<tag:example.com,2026:x> y"]
REFS = ["'#/components/schemas/A%20B'", "'#/components/schemas/A B'", "'#/nowhere'", "'#'", "''", "'/dev/zero'", "'file:///dev/zero'",
        "'http://[oops'", "'../../../../etc/passwd'", "'other.yaml#/x'", "'#/components/schemas/%ZZ'", "'#/components/schemas/A%2fB'",
        "123", "null", "[1, 2]", "'#/components/schemas/Loop'", "'https://127.0.0.1:1/x.yaml'", "'%00'"]


def deep(depth: int, kind: str) -> str:
    """A flow-style value nested `depth` levels (lists or mappings)."""
    return "[" * depth + "]" * depth if kind == "list" else "{a: " * depth + "1" + "}" * depth


def alias_bomb(levels: int, fan: int) -> str:
    """`levels` anchors, each a list of `fan` aliases of the one before (a billion laughs at 9 x 10)."""
    lines = [f"  l0: &l0 [{', '.join(['lol'] * fan)}]"]
    lines += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]" for i in range(1, levels)]
    return "x-aliases:\n" + "\n".join(lines) + "\n"


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, str]:
    """(file suffix, text) of a description with generated hostile parts."""
    parts = [HEADER, PATHS % draw(st.sampled_from(REFS))]
    parts.append("components:\n  schemas:\n    A B: {type: object}\n    A/B: {type: string}\n    Loop: {$ref: '#/components/schemas/Loop'}\n")
    for i, tag in enumerate(draw(st.lists(st.sampled_from(TAGS), max_size=3))):
        parts.append(f"x-tag{i}: {tag}\n")
    if draw(st.booleans()):
        parts.append(f"x-deep: {deep(draw(st.sampled_from([3, 254, 256, 499, 501, 1100])), draw(st.sampled_from(['list', 'map'])))}\n")
    if draw(st.booleans()):
        sign = draw(st.sampled_from(["", "-"]))
        parts.append(f"x-int: {sign}{'9' * draw(st.sampled_from([1, 20, 21, 4300, 4301, 6000]))}\n")
    if draw(st.booleans()):
        parts.append(alias_bomb(draw(st.integers(1, 10)), draw(st.integers(1, 10))))
    text = "".join(parts)
    if draw(st.booleans()):  # the same document as JSON, where JSON can say it
        try:
            from interopcheck.spec.yaml_safe import parse_yaml

            return ".json", json.dumps(parse_yaml(text, "generated")[0])
        except Exception:  # noqa: BLE001 - not representable as JSON (or refused): keep the YAML
            pass
    return ".yaml", text


@contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Fail the example (TimeoutError) when it runs past `seconds`: a hang guard, not a speed test."""

    def expired(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the example ran past {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_in_process(args: list[str]) -> tuple[int, str]:
    """(exit code, stderr) of the CLI's entry point, output captured by click's runner."""
    runner = CliRunner()
    with runner.isolation() as (_out, err, *_):
        try:
            main(args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        else:  # pragma: no cover - main always exits
            code = 0
        return code, err.getvalue().decode(errors="replace")


@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(document=documents())
def test_any_generated_description_ends_with_a_defined_exit_code(tmp_path: Path, document: tuple[str, str]) -> None:
    suffix, text = document
    spec = tmp_path / f"spec{suffix}"
    spec.write_text(text, encoding="utf-8")
    with hang_guard(EXAMPLE_TIMEOUT_S):
        code, stderr = run_in_process(["check", "--spec", str(spec), "--output-dir", str(tmp_path / "out"), "-q", "--format", "json"])
    assert code in ALLOWED_EXIT_CODES, (code, stderr[-2000:], text[:500])
    if code == 2:
        assert len(stderr.strip().splitlines()) == 1, stderr
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 < PEAK_RSS_BYTES


# One extreme document per kind, in a subprocess under the suite's time and memory limits.
EXTREMES = {
    "tags": HEADER + PATHS % "'#/components/schemas/A'" + "components: {schemas: {A: {type: object}}}\n" + "".join(f"x-t{i}: {t}\n" for i, t in enumerate(TAGS)),
    "deep": HEADER + PATHS % "'#/x'" + f"x-deep: {deep(499, 'map')}\nx-deeper: {deep(5000, 'list')}\n",
    "huge-int": HEADER + PATHS % "'#/x'" + f"x-int: {'9' * 100_000}\n",
    "aliases": HEADER + PATHS % "'#/x'" + alias_bomb(10, 10),
    "refs": HEADER + PATHS % "'second.yaml#/s'" + "components: {schemas: {" + ", ".join(f"r{i}: {{$ref: {r}}}" for i, r in enumerate(REFS)) + "}}\n",
}


@pytest.mark.parametrize("kind", sorted(EXTREMES))
def test_an_extreme_description_of_each_kind_is_handled_under_limits(tmp_path: Path, kind: str) -> None:
    (tmp_path / "spec.yaml").write_text(EXTREMES[kind], encoding="utf-8")
    if kind == "refs":  # a second file whose $refs lead to a FIFO beside it and back to the root
        (tmp_path / "second.yaml").write_text("s: {type: object, properties: {a: {$ref: 'fifo.yaml'}, c: {$ref: 'spec.yaml#/x'}}}\n")
        os.mkfifo(tmp_path / "fifo.yaml")
    result = run_limited(["check", "--spec", "spec.yaml", "--output-dir", "out", "-q", "--format", "json"], tmp_path, timeout_s=120)
    result.assert_handled()
