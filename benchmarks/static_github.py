"""Benchmark the static pass on GitHub's 13 MB REST description against pure-Python validation.

Fetches `@octokit/openapi` with `npm pack` into benchmarks/.cache/ (gitignored), extracts
`generated/api.github.com.json`, then times, each in its own subprocess (wall time and peak
RSS from `wait4`): (a) `interopcheck check --spec FILE --format json` (or, with
`--pipeline-only`, load_spec + validate_spec + build_index) and (b) openapi-spec-validator
alone. Prints a Markdown table with the machine and writes it to results/static-github.md.

Usage: .venv/bin/python benchmarks/static_github.py [--repeat N] [--pipeline-only] [--skip-pure-python]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results" / "static-github.md"
MEMBER = "package/generated/api.github.com.json"
VENV_BIN = ROOT / ".venv" / "bin"
TARGET_SECONDS = 5.0
TARGET_MB = 500.0

PIPELINE = """
import sys
from interopcheck.spec.load import load_spec
from interopcheck.spec.validate import validate_spec
from interopcheck.spec.index import build_index
doc = load_spec(sys.argv[1])
result = validate_spec(doc)
index = build_index(doc)
print(len(result.errors), len(index.operations), result.engine)
"""

PURE_PYTHON = """
import json, sys
from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
with open(sys.argv[1], "rb") as handle:
    spec = json.load(handle)
version = str(spec.get("openapi") or spec.get("swagger"))
cls = OpenAPIV2SpecValidator if version.startswith("2") else OpenAPIV31SpecValidator if version.startswith("3.1") else OpenAPIV30SpecValidator
print(len(list(cls(spec).iter_errors())))
"""


@dataclass(frozen=True)
class Sample:
    """One subprocess run: wall seconds, peak RSS in MB, exit code."""

    seconds: float
    peak_mb: float
    returncode: int


def fetch_spec() -> Path:
    """The cached api.github.com.json, fetched with `npm pack` and extracted when missing."""
    target = CACHE / "api.github.com.json"
    if target.is_file():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    tarballs = sorted(CACHE.glob("octokit-openapi-*.tgz"))
    if not tarballs:
        subprocess.run(["npm", "pack", "@octokit/openapi", "--silent"], cwd=CACHE, check=True, timeout=300)
        tarballs = sorted(CACHE.glob("octokit-openapi-*.tgz"))
    with tarfile.open(tarballs[-1], "r:gz") as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{tarballs[-1]} has no {MEMBER}")
        target.write_bytes(member.read())
    return target


def measure(argv: list[str]) -> Sample:
    """Run `argv` once; wall time around the whole process, peak RSS of that process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode not in (0, 1) and stderr:
        print(f"warning: {argv[0]} exited {process.returncode}: {stderr.strip().splitlines()[-1]}", file=sys.stderr)
    return Sample(seconds, usage.ru_maxrss / 1024, process.returncode)


def machine() -> str:
    """CPU model, cores, RAM, Python and OS, as one Markdown line."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def row(name: str, samples: list[Sample], target: bool) -> str:
    """A Markdown table row with medians (and min-max) of `samples`."""
    secs = [s.seconds for s in samples]
    mbs = [s.peak_mb for s in samples]
    median_s, median_mb = statistics.median(secs), statistics.median(mbs)
    verdict = ""
    if target:
        verdict = "yes" if median_s <= TARGET_SECONDS and median_mb <= TARGET_MB else "NO"
    codes = ",".join(sorted({str(s.returncode) for s in samples}))
    return (
        f"| {name} | {median_s:.2f} ({min(secs):.2f}-{max(secs):.2f}) | {median_mb:.0f} ({min(mbs):.0f}-{max(mbs):.0f}) "
        f"| {codes} | {verdict} |"
    )


def main() -> int:
    """Fetch, time, print and record the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (medians reported)")
    parser.add_argument("--pipeline-only", action="store_true", help="time load+validate+index instead of the CLI")
    parser.add_argument("--skip-pure-python", action="store_true", help="do not time openapi-spec-validator")
    args = parser.parse_args()
    spec = fetch_spec()
    python = str(VENV_BIN / "python")
    commands: list[tuple[str, list[str], bool]] = []
    with tempfile.TemporaryDirectory() as out:
        cli = VENV_BIN / "interopcheck"
        if args.pipeline_only or not cli.exists():
            commands.append(("spec stage in-process (load_spec + validate_spec + build_index)", [python, "-c", PIPELINE, str(spec)], True))
        else:
            argv = [str(cli), "check", "--spec", str(spec), "--format", "json", "--output-dir", out]
            commands.append(("`interopcheck check --spec FILE --format json` (whole static pass)", argv, True))
            commands.append(("spec stage alone (load_spec + validate_spec + build_index)", [python, "-c", PIPELINE, str(spec)], True))
        if not args.skip_pure_python:
            commands.append(("openapi-spec-validator 0.9 alone (pure Python, json.load + iter_errors)", [python, "-c", PURE_PYTHON, str(spec)], False))
        rows = []
        for name, argv, target in commands:
            samples = [measure(argv) for _ in range(args.repeat)]
            rows.append(row(name, samples, target))
    size_mb = spec.stat().st_size / 1e6
    package = ", ".join(p.name for p in sorted(CACHE.glob("octokit-openapi-*.tgz"))) or "cached"
    table = "\n".join(
        [
            "# Static pass on GitHub's REST description",
            "",
            f"File: `{MEMBER}` from `npm pack @octokit/openapi` ({package}, {size_mb:.1f} MB).",
            f"Machine: {machine()}.",
            f"Each command in its own subprocess, {args.repeat} runs; median (min-max). "
            f"Target for the static pass: <= {TARGET_SECONDS:g} s and <= {TARGET_MB:g} MB peak RSS.",
            f"Recorded {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `benchmarks/static_github.py`.",
            "",
            "| command | wall s | peak RSS MB | exit codes | meets target |",
            "|---|---|---|---|---|",
            *rows,
            "",
        ]
    )
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(table, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
