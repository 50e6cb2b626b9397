"""Draw a seeded random sample of the static findings interopcheck makes on the public corpus.

What: runs `interopcheck check --spec DOC --format json` (static only: no --base-url) on every
document in `tests/corpus/manifest.json`, collects every finding of every check that failed
inside a requirement that failed or warned (with the requirement(s) citing it, its level, the
check id, the message and the location), and prints a Markdown table of a random sample of N
of them, drawn with a fixed seed, with an empty "judgement" column to fill in by hand.

Why: the false-positive rate on real documents is measured by judging a sample by hand
(docs/corpus-findings.md); a seeded sample lets the same run be repeated after fixes.

Usage (from the repository root, with the project installed in .venv):

    .venv/bin/python scripts/sample_findings.py [--n 40] [--seed 16] [--corpus tests/corpus]
        [--json findings.json]

The table goes to stdout; a line per document (exit code, finding count, failed MUSTs) goes to
stderr first. `--json` also writes every collected finding (not only the sample). A finding that
several requirements cite is one row with all of them. Only the standard library and the
project's CLI are used.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Row:
    """One finding of one failed check on one corpus document."""

    document: str
    requirements: str
    level: str
    check_id: str
    message: str
    pointer: str
    line: int | None
    file: str


def run_document(name: str, document: Path, out_dir: Path) -> tuple[int, dict | None, str]:
    """Run the static check on `document`; its exit code, report (None when none was written) and stderr."""
    command = [sys.executable, "-m", "interopcheck", "check", "--spec", str(document),
               "--output-dir", str(out_dir / name), "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, cwd=ROOT)
    report_path = out_dir / name / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else None
    return done.returncode, report, done.stderr


def collect(name: str, report: dict) -> list[Row]:
    """Every finding of every failed check inside a failed or warned requirement, one row per
    (check, message, location), naming every requirement that cites it."""
    rows: dict[tuple[str, str, str, str], dict] = {}
    for outcome in report.get("outcomes", []):
        if outcome.get("status") not in ("fail", "warn"):
            continue
        for check in outcome.get("checks", []):
            if check.get("status") != "fail":
                continue
            for finding in check.get("findings", []):
                location = finding.get("location") or {}
                key = (check["check_id"], finding["message"], location.get("file") or "", location.get("pointer") or "")
                row = rows.setdefault(key, {"requirements": [], "levels": [], "location": location})
                if outcome["requirement_id"] not in row["requirements"]:
                    row["requirements"].append(outcome["requirement_id"])
                    row["levels"].append(outcome["level"])
    out = []
    for (check_id, message, file, pointer), row in rows.items():
        level = "MUST" if "MUST" in row["levels"] else row["levels"][0]
        out.append(Row(name, ",".join(row["requirements"]), level, check_id, message, pointer,
                       row["location"].get("line"), _relative(file)))
    return out


def _relative(file: str) -> str:
    """A report's file name relative to tests/corpus, for a short table cell."""
    marker = "tests/corpus/"
    return file.split(marker, 1)[1] if marker in file else file


def failed_musts(report: dict) -> list[str]:
    """The MUST requirements the report fails."""
    return [o["requirement_id"] for o in report.get("outcomes", []) if o.get("level") == "MUST" and o.get("status") == "fail"]


def cell(text: object) -> str:
    """`text` safe inside a Markdown table cell (pipes escaped, one line, at most 160 characters)."""
    value = " ".join(str(text).split()).replace("|", "\\|")
    return value if len(value) <= 160 else value[:157] + "..."


def table(sample: list[Row]) -> str:
    """The sample as a Markdown table with an empty judgement column."""
    lines = ["| # | document | requirement | level | check | message | location | judgement |",
             "|---|---|---|---|---|---|---|---|"]
    for number, row in enumerate(sample, 1):
        where = f"{row.file}#{row.pointer}" + (f" (line {row.line})" if row.line else "")
        lines.append(f"| {number} | {row.document} | {row.requirements} | {row.level} | `{row.check_id}` | "
                     f"{cell(row.message)} | `{cell(where)}` | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the corpus, print the per-document summary to stderr and the sample table to stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="sample size (default 40)")
    parser.add_argument("--seed", type=int, default=16, help="random seed (default 16)")
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus", help="folder holding manifest.json")
    parser.add_argument("--json", type=Path, help="also write every collected finding to this file")
    args = parser.parse_args(argv)
    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))["documents"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for entry in manifest:
            code, report, stderr = run_document(entry["name"], args.corpus / entry["document"], Path(tmp))
            if report is None:
                reason = stderr.strip().splitlines()[-1] if stderr.strip() else "no report"
                print(f"{entry['name']}: exit {code}, no report ({reason})", file=sys.stderr)
                continue
            found = collect(entry["name"], report)
            rows += found
            print(f"{entry['name']}: exit {code}, {len(found)} findings, failed MUSTs: "
                  f"{', '.join(failed_musts(report)) or 'none'}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")
    sample = random.Random(args.seed).sample(rows, min(args.n, len(rows)))
    print(f"{len(rows)} findings on {len(manifest)} documents; sample of {len(sample)} (seed {args.seed})", file=sys.stderr)
    print(table(sample))
    return 0


if __name__ == "__main__":
    sys.exit(main())
