"""Benchmark the export checks on the reference sandbox at 100,000 and 1,000,000 properties.

Three kinds of process, so no one's memory is counted in another's: the sandbox (`--serve`, its
SQLite data cached in benchmarks/.cache/), the checking process (`--check`: every export check,
timed, on a live session with OAuth) and the baseline (`--baseline`: the same records streamed and
validated one by one with python-jsonschema). Peak RSS comes from `wait4` on the checking process.
Writes benchmarks/results/export.md (medians, ratios, the machine).

Usage: .venv/bin/python benchmarks/export_bench.py [--sizes 100000 1000000] [--repeat N] [--baseline-records K]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results" / "export.md"
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
TARGET_RATE = 150_000
TARGET_MB = 200.0
TARGET_FLAT = 0.15
TARGET_RATIO = 10.0
CORE = ("export.available", "export.records.", "export.unique-ids", "export.referential-integrity", "export.complete")


def serve(records: int) -> None:
    """Child: run the sandbox with `records` properties until stdin closes; print its URL and credentials first."""
    from interopcheck.sandbox.server import SandboxConfig, SandboxServer

    CACHE.mkdir(exist_ok=True)
    db = CACHE / f"export-sandbox-{records}.sqlite"
    start = time.perf_counter()
    with SandboxServer(SandboxConfig(records=records, db_path=db)) as server:  # data cached: publishing the exports is most of this
        info = {
            "base_url": server.base_url, "client_id": server.client_id, "client_secret": server.client_secret,
            "declaration": str(server.declaration_path), "ready_s": round(time.perf_counter() - start, 1),
        }
        print(json.dumps(info), flush=True)
        sys.stdin.read()


def _session(info: dict[str, Any]) -> tuple[Any, Any]:
    import yaml

    from interopcheck.declaration import Declaration
    from interopcheck.live.session import LiveOptions, open_session

    data = yaml.safe_load(Path(info["declaration"]).read_text())
    data.setdefault("data_dictionary", "/v1/exports/data-dictionary.json")
    declaration = Declaration.from_dict(data, source=info["declaration"])
    os.environ["EXPORT_BENCH_SECRET"] = info["client_secret"]
    options = LiveOptions(
        base_url=info["base_url"], rate=100.0, timeout=60.0, run_deadline_s=7200.0,
        token_url=info["base_url"] + "/oauth/token", client_id=info["client_id"], client_secret_env="EXPORT_BENCH_SECRET",
    )
    return open_session(options, None, declaration), declaration


def check(info: dict[str, Any]) -> None:
    """Child: run every export check once on a fresh context; print records read, timings and own peak RSS."""
    import resource

    from interopcheck.checks.context import CheckContext, RunOptions
    from interopcheck.checks.registry import all_checks, run_check
    from interopcheck.export.background import close_workers, plan_checks
    from interopcheck.export.scan import EntityScan
    from interopcheck.spec.index import build_index
    from interopcheck.spec.load import load_spec
    from interopcheck.standards import load_standards

    live, declaration = _session(info)
    index = build_index(load_spec(info["base_url"] + "/openapi.json"))
    ctx = CheckContext(index=index, declaration=declaration, standards=load_standards(), live=live, options=RunOptions())
    found = {k: v for k, v in all_checks().items() if k.startswith("export.")}
    # the core pass first, so the scans it triggers are timed there and not inside a later check
    checks = {k: found[k] for k in sorted(found, key=lambda k: (not k.startswith(CORE), k))}
    timings: dict[str, float] = {}
    statuses: dict[str, str] = {}
    start = time.perf_counter()
    plan_checks(ctx, checks)  # what a run tells the export runner: which checks it will call (inside the timing)
    for check_id, spec in checks.items():
        t0 = time.perf_counter()
        result = run_check(spec, ctx)
        timings[check_id] = time.perf_counter() - t0
        statuses[check_id] = f"{result.status.value}: {result.summary[:120]}"
    total = time.perf_counter() - start
    workers = close_workers(ctx)  # after the timing: the workers report their own peak RSS and CPU time
    scans = [v for k, v in ctx.cache.items() if k.startswith("export.scan:") and isinstance(v, EntityScan) and v.format != "csv"]
    records = sum(s.records for s in scans)
    core = sum(t for k, t in timings.items() if k.startswith(CORE))
    print(json.dumps({
        "records": records, "seconds": total, "core_seconds": core, "timings": timings, "statuses": statuses,
        "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "self_cpu_s": sum(resource.getrusage(resource.RUSAGE_SELF)[:2]),  # the whole process, start-up included
        "workers_peak_mb": [mb for mb, _ in workers], "workers_cpu_s": [cpu for _, cpu in workers],
    }), flush=True)


def baseline(info: dict[str, Any], limit: int) -> None:
    """Child: stream the first `limit` records of each entity's NDJSON export and validate each with python-jsonschema."""
    import jsonschema
    import orjson
    from referencing import Registry, Resource

    from interopcheck.entities import ENTITIES
    from interopcheck.standards import load_standards

    live, declaration = _session(info)
    standards = load_standards()
    registry = Registry().with_resources(
        (s.get("$id", n), Resource.from_contents(s)) for n in standards.names for s in [standards.schema(n)]
    )
    seen = invalid = 0
    start = time.perf_counter()
    per_entity = max(1, limit // len(ENTITIES))
    for entity in ENTITIES:
        validator = jsonschema.Draft202012Validator(standards.schema(entity), registry=registry, format_checker=jsonschema.FormatChecker())
        url = next(e.url for e in declaration.exports_of(entity) if e.format == "ndjson")
        n = 0
        with live.client.stream(url) as stream:
            carry = b""
            for chunk in stream.iter_bytes():
                lines = (carry + chunk).split(b"\n")
                carry = lines.pop()
                for line in lines:
                    if line and n < per_entity:
                        n += 1
                        invalid += not validator.is_valid(orjson.loads(line))
                if n >= per_entity:
                    break
        seen += n
    seconds = time.perf_counter() - start
    print(json.dumps({"records": seen, "seconds": seconds, "invalid": invalid}), flush=True)


def _child(args: list[str]) -> tuple[dict[str, Any], float]:
    """Run this script as a child with `args`; its JSON line and its peak RSS in MB (from wait4)."""
    proc = subprocess.Popen([PYTHON, __file__, *args], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark child {args[0]} failed with status {status}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def machine() -> dict[str, str]:
    """CPU model, cores, RAM and Python, for the results file."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(l.split()[1]) for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
        ram = f"{mem_kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        ram = "unknown"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": str(cores), "ram": ram, "python": platform.python_version(), "os": platform.platform()}


def run_size(records: int, repeat: int, baseline_records: int) -> dict[str, Any]:
    """Serve `records` properties in a child, run the checker `repeat` times and the baseline once."""
    server = subprocess.Popen([PYTHON, __file__, "--serve", str(records)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        info_line = server.stdout.readline()
        if not info_line:
            raise SystemExit("the sandbox child did not start")
        info = json.dumps(json.loads(info_line))
        runs, sandbox_cpu = [], []
        for _ in range(repeat):
            before = _cpu_seconds(server.pid)
            runs.append(_child(["--check", info]))
            sandbox_cpu.append(_cpu_seconds(server.pid) - before)
        base, _ = _child(["--baseline", info, "--baseline-records", str(baseline_records)])
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=60)
    rates = [r["records"] / r["seconds"] for r, _ in runs]
    core_rates = [r["records"] / r["core_seconds"] for r, _ in runs]
    # memory of the run = the checking process's peak (wait4) + each worker process's own peak (VmHWM), summed
    totals = [rss + sum(r.get("workers_peak_mb", ())) for r, rss in runs]
    return {
        "size": records,
        "records": runs[0][0]["records"],
        "rate": statistics.median(rates),
        "core_rate": statistics.median(core_rates),
        "seconds": statistics.median(r["seconds"] for r, _ in runs),
        "rss": statistics.median(totals),
        "checker_rss": statistics.median(rss for _, rss in runs),
        "workers_rss": [round(mb) for mb in runs[0][0].get("workers_peak_mb", ())],
        "cpu": statistics.median(r["self_cpu_s"] + sum(r.get("workers_cpu_s", ())) for r, _ in runs),
        "all_seconds": [round(r["seconds"], 2) for r, _ in runs],
        "sandbox_cpu": statistics.median(sandbox_cpu),
        "sandbox_ready_s": json.loads(info)["ready_s"],
        "baseline_rate": base["records"] / base["seconds"],
        "baseline_records": base["records"],
        "statuses": runs[0][0]["statuses"],
        "timings": runs[0][0]["timings"],
    }


def report(results: list[dict[str, Any]], repeat: int) -> str:
    """The Markdown results table with targets and the machine."""
    m = machine()
    lines = [
        "# Export checks benchmark",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python {m['python']} ({m['os']}).",
        f"Each size: the sandbox in its own process; the checking process run {repeat}x (medians). Peak RSS: the checking process's",
        "(wait4) plus each export worker process's own peak (VmHWM), summed; CPU: checking process (start-up included) and workers.",
        "Records/s: records of the NDJSON exports (every entity) over the time of ALL export checks (which also read every CSV,",
        "the async job's files and the incremental extract); the core rate counts only available, records.*, unique-ids, referential-integrity, complete.",
        "",
        "| properties | records | all checks s (each run) | records/s (all) | records/s (core) | peak RSS MB (checker + workers) | CPU s (checker + workers / sandbox) | jsonschema baseline rec/s | speed-up (core / baseline) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r["core_rate"] / r["baseline_rate"] if r["baseline_rate"] else float("nan")
        runs = ", ".join(f"{s:.2f}" for s in r["all_seconds"])
        parts = " + ".join(str(mb) for mb in r["workers_rss"])
        lines.append(
            f"| {r['size']:,} | {r['records']:,} | {r['seconds']:.2f} ({runs}) | {r['rate']:,.0f} | {r['core_rate']:,.0f} | "
            f"{r['rss']:.0f} ({r['checker_rss']:.0f} + {parts}) | {r['cpu']:.1f} / {r['sandbox_cpu']:.1f} | {r['baseline_rate']:,.0f} | {ratio:.1f}x |"
        )
    lines += ["", "Targets: >= 150,000 records/s, peak RSS <= 200 MB and within 15% between 100k and 1M, >= 10x the baseline.", ""]
    if len(results) >= 2:
        small, big = results[0]["rss"], results[-1]["rss"]
        lines.append(f"RSS growth {results[0]['size']:,} -> {results[-1]['size']:,}: {100 * (big - small) / small:+.1f}% (target within {TARGET_FLAT:.0%}).")
    lines += ["", "## Against the targets", "", *verdicts(results)]
    for r in results:
        lines += ["", f"## Check outcomes at {r['size']:,} properties", "", "| check | seconds | outcome |", "|---|---:|---|"]
        lines += [f"| {k} | {r['timings'][k]:.2f} | {v.replace('|', '/')} |" for k, v in r["statuses"].items()]
    return "\n".join(lines) + "\n"


def verdicts(results: list[dict[str, Any]]) -> list[str]:
    """One line per target, met or not, from the medians; plus what explains the misses."""
    def mark(ok: bool) -> str:
        return "met" if ok else "NOT met"

    out = []
    for r in results:
        ratio = r["core_rate"] / r["baseline_rate"] if r["baseline_rate"] else 0.0
        out.append(
            f"- {r['size']:,} properties: core {r['core_rate']:,.0f} rec/s ({mark(r['core_rate'] >= TARGET_RATE)}), "
            f"all checks {r['rate']:,.0f} rec/s ({mark(r['rate'] >= TARGET_RATE)}), peak RSS (checker + workers) {r['rss']:.0f} MB "
            f"({mark(r['rss'] <= TARGET_MB)}), {ratio:.1f}x the baseline ({mark(ratio >= TARGET_RATIO)})."
        )
    if len(results) >= 2:
        growth = (results[-1]["rss"] - results[0]["rss"]) / results[0]["rss"]
        out.append(f"- RSS within {TARGET_FLAT:.0%} between {results[0]['size']:,} and {results[-1]['size']:,}: {mark(abs(growth) <= TARGET_FLAT)} ({growth:+.0%}).")
    out += [
        "- The all-checks rate includes export.csv-valid (every CSV row checked: strict RFC 4180 through the csv module,",
        "  rows without a quote by a split on commas, field count against the header) and export.async-job (kick-off,",
        "  polling and every job file downloaded whole, its NDJSON lines counted and shape-checked, the first 1,000 parsed),",
        "  so each record crosses the wire three times; and export.complete's API counts, export.roundtrip's item GETs and export.incremental's",
        "  `?since=T` extract and export job since T, all inside the timing.",
        "- The sandbox serves each full export from the file it published when it started (as a supplier's nightly bulk",
        "  export would be; `sandbox.published`), with a Content-Length. Its start-up, not timed, took "
        + ", ".join(f"{r['sandbox_ready_s']:g} s at {r['size']:,}" for r in results) + ".",
        "  Before it did so (every export built per request from SQLite), the sandbox used about a third of the 2 cores",
        "  it shares with the checker, and the same checks measured 88,000 to 162,000 records/s.",
        "- How: all HTTP stays in the checking process (the one safe client, its rate cap, caps and transcript); the bodies'",
        "  chunks are streamed to 3 worker processes (`export.workers`) that parse, validate and index them, two record",
        "  exports at a time in dependency order plus the CSVs; the job, the API counts, the round-trip GETs and the",
        "  incremental extract run on background threads as soon as what they need is known. All workers share one hash",
        "  seed, so id hashes (spilled to unnamed files, handed back as file descriptors) compare across them.",
        "- The core column is now about the all-checks one: the core checks wait for the scans, which run beside everything",
        "  else. The bound is the 2 cores (CPU column: the checker and its workers, then the sandbox).",
        "- Memory: id hashes (uniqueness, references, the incremental comparison) are spilled to unnamed temporary files in",
        "  64 hash-range buckets and compared one bucket at a time; in memory only a 65,536-hash run and one bucket per",
        "  worker. The RSS column sums the peaks of all the run's processes (they do not all peak at once).",
        "- Baseline: python-jsonschema Draft 2020-12 with the format checker, the first records of every entity's",
        "  NDJSON export (same client, same download), one record at a time.",
    ]
    return out


def main() -> None:
    """Dispatch: a child role (--serve/--check/--baseline) or the whole benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-records", type=int, default=45_000)
    parser.add_argument("--serve", type=int)
    parser.add_argument("--check")
    parser.add_argument("--baseline")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.serve is not None:
        return serve(args.serve)
    if args.check:
        return check(json.loads(args.check))
    if args.baseline:
        return baseline(json.loads(args.baseline), args.baseline_records)
    results = [run_size(size, args.repeat, args.baseline_records) for size in args.sizes]
    text = report(results, args.repeat)
    if not args.no_write:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
