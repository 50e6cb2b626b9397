"""Compare bidders: a requirements x bidders matrix with MUST gates and SHOULD scores, rows that
differ first, each cell linking to that bidder's HTML report evidence.

Reports made with different profiles (id, version or hash) are refused unless `allow_mixed`, and
then the comparison lists what differs, so nobody compares answers to different questions unawares.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from interopcheck.errors import ReportError, UsageError
from interopcheck.report.common import VERDICT_LABELS, anchor, one_line, status_label
from interopcheck.report.markdown import cell as md_cell


@dataclass(frozen=True)
class Bidder:
    """One compared report: its name, verdict, MUST gate, scores and where its HTML report is."""

    name: str
    verdict: str
    musts_failed: int
    musts_total: int
    score: float
    shoulds_met: int
    shoulds_decided: int
    link: str | None
    decided: int | None = None  # requirements decided (neither skipped nor errored), of `total`: a score never stands alone
    total: int | None = None

    @property
    def score_shown(self) -> str:
        """'87.5 over 14 of 53 requirements', or the bare score when the report does not say how much was decided."""
        return f"{self.score} over {self.decided} of {self.total} requirements" if self.total is not None else str(self.score)

    @property
    def gate_passed(self) -> bool:
        """The MUST gate: every MUST satisfied (the report's verdict is conformant)."""
        return self.verdict == "conformant"


@dataclass(frozen=True)
class Cell:
    """One bidder's outcome of one requirement, with a link to its evidence."""

    status: str
    reason: str
    link: str | None


@dataclass(frozen=True)
class Row:
    """One requirement across bidders; `differs` when their outcomes are not all the same."""

    requirement_id: str
    title: str
    level: str
    cells: tuple[Cell | None, ...]
    differs: bool


@dataclass(frozen=True)
class Comparison:
    """The matrix, its bidders, and (when allowed) how their profiles differ."""

    bidders: tuple[Bidder, ...]
    rows: tuple[Row, ...]
    profile: str
    mixed: tuple[str, ...] = ()


def html_link_for(json_report: Path, output_dir: Path) -> str:
    """The relative link from the comparison in `output_dir` to the HTML report beside `json_report`."""
    target = Path(json_report).with_suffix(".html")
    return Path(os.path.relpath(target.resolve(), Path(output_dir).resolve())).as_posix()


def _profile_differences(reports: Sequence[dict[str, Any]], names: Sequence[str]) -> list[str]:
    """One line per profile field (id, version, sha256) on which the reports disagree."""
    out = []
    for key in ("id", "version", "sha256"):
        values = [r["profile"][key] for r in reports]
        if len(set(values)) > 1:
            out.append(f"profile {key}: " + ", ".join(f"{n} {v}" for n, v in zip(names, values)))
    return out


def _bidder(name: str, report: dict[str, Any], link: str | None) -> Bidder:
    """The bidder's summary: verdict, MUST tally, score and SHOULDs met among those decided."""
    shoulds = [o for o in report["outcomes"] if o["level"] == "SHOULD" and o["status"] in ("pass", "attested", "warn", "fail", "error")]
    met = sum(o["status"] in ("pass", "attested") for o in shoulds)
    counts = report["counts"]
    undecided = sum(o["status"] in ("skip", "error") for o in report["outcomes"])
    return Bidder(name, report["verdict"], counts["musts_failed"], counts["musts_total"], report["score"]["value"],
                  met, len(shoulds), link, len(report["outcomes"]) - undecided, len(report["outcomes"]))


def compare(
    reports: list[dict[str, Any]],
    *,
    allow_mixed: bool = False,
    names: Sequence[str] | None = None,
    links: Sequence[str | None] | None = None,
) -> Comparison:
    """Build the comparison of `reports` (canonical dicts); `links` are relative hrefs of their HTML reports."""
    if len(reports) < 2:
        raise ReportError("compare needs at least two reports")
    names = list(names) if names is not None else [f"Bidder {chr(65 + i)}" if i < 26 else f"Bidder {i + 1}" for i in range(len(reports))]
    links = list(links) if links is not None else [None] * len(reports)
    if len(names) != len(reports) or len(links) != len(reports):
        raise ReportError("compare: one name and one link per report are needed")
    if len(set(names)) != len(names):
        raise ReportError("compare: two reports have the same bidder name", hint="give each report a distinct --name")
    mixed = _profile_differences(reports, names)
    if mixed and not allow_mixed:
        raise ReportError(f"the reports were made with different profiles ({'; '.join(mixed)})", hint="use --allow-mixed to compare anyway")
    by_bidder = [{o["requirement_id"]: o for o in r["outcomes"]} for r in reports]
    order: dict[str, dict[str, Any]] = {}
    for report in reports:
        for outcome in report["outcomes"]:
            order.setdefault(outcome["requirement_id"], outcome)
    rows = []
    for req_id, first in order.items():
        cells = tuple(
            Cell(o["status"], one_line(o["reason"]), f"{link}#{anchor(req_id)}" if link else None) if (o := outcomes.get(req_id)) else None
            for outcomes, link in zip(by_bidder, links)
        )
        statuses = {c.status if c else None for c in cells}
        rows.append(Row(req_id, first["title"], first["level"], cells, len(statuses) > 1))
    rows.sort(key=lambda r: not r.differs)  # stable: profile order kept within each group
    profile = reports[0]["profile"]
    return Comparison(
        tuple(_bidder(n, r, link) for n, r, link in zip(names, reports, links)),
        tuple(rows),
        f"{profile['id']} {profile['version']}",
        tuple(mixed),
    )


def render_csv(comparison: Comparison) -> str:
    """The matrix as CSV: one row per requirement, one status column per bidder."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["requirement_id", "title", "level", "differs", *(b.name for b in comparison.bidders)])
    for b_field, label in (("verdict", "verdict"), ("musts_failed", "MUSTs failed"), ("score", "score")):
        writer.writerow(["", label, "", "", *(str(getattr(b, b_field)) for b in comparison.bidders)])
    for row in comparison.rows:
        writer.writerow([row.requirement_id, row.title, row.level, "yes" if row.differs else "no",
                         *(c.status if c else "absent" for c in row.cells)])
    return out.getvalue()


def _md_status(c: Cell | None) -> str:
    """A Markdown cell for one bidder's outcome, linked to its evidence when a link is known."""
    if c is None:
        return "absent"
    text = md_cell(status_label(c.status))
    return f"[{text}]({c.link.replace(' ', '%20').replace(')', '%29')})" if c.link else text


def render_md(comparison: Comparison) -> str:
    """The comparison as Markdown: bidders' gates and scores, then the matrix with links."""
    bidders = comparison.bidders
    out = [f"# Bidder comparison: {md_cell(comparison.profile)}", ""]
    out += [f"- {md_cell(m)}" for m in comparison.mixed] + ([""] if comparison.mixed else [])
    out += ["| Bidder | Verdict | MUST gate | MUSTs failed | SHOULDs met | Score |", "|---|---|---|---|---|---|"]
    for b in bidders:
        out.append(f"| {md_cell(b.name)} | {md_cell(VERDICT_LABELS.get(b.verdict, b.verdict))} | {'✓ passed' if b.gate_passed else '✗ not passed'} | "
                   f"{b.musts_failed} of {b.musts_total} | {b.shoulds_met} of {b.shoulds_decided} | {md_cell(b.score_shown)} |")
    out += ["", "| Requirement | Level | Differs | " + " | ".join(md_cell(b.name) for b in bidders) + " |",
            "|---|---|---|" + "---|" * len(bidders)]
    for row in comparison.rows:
        out.append(f"| {md_cell(row.requirement_id)}: {md_cell(row.title)} | {row.level} | {'yes' if row.differs else 'no'} | "
                   + " | ".join(_md_status(c) for c in row.cells) + " |")
    return "\n".join(out) + "\n"


_env = jinja2.Environment(loader=jinja2.PackageLoader("interopcheck.report", "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render_html(comparison: Comparison) -> str:
    """The comparison as one self-contained HTML page."""
    return _env.get_template("compare.html.j2").render(c=comparison, label=status_label, verdicts=VERDICT_LABELS)


COMPARE_FORMATS: dict[str, Callable[[Comparison], str]] = {"html": render_html, "csv": render_csv, "md": render_md}
_EXTENSIONS = {"html": ".html", "csv": ".csv", "md": ".md"}


def bidder_names(paths: Sequence[Path]) -> list[str]:
    """A short distinct name per report file: its stem, or folder/stem when stems repeat (bids/a/report.json)."""
    stems = [Path(p).stem for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    return [f"{Path(p).parent.name}/{Path(p).stem}" if stems.count(Path(p).stem) > 1 else Path(p).stem for p in paths]


def default_names(reports: Sequence[dict[str, Any]], paths: Sequence[Path]) -> list[str]:
    """Each report's supplier as its declaration names it, else its file's short name; a supplier named by
    more than one report gets the file's short name after it, so every column is told apart."""
    files = bidder_names(paths)
    suppliers = [(r.get("run") or {}).get("supplier") or None for r in reports]
    return [
        file if not supplier else (supplier if suppliers.count(supplier) == 1 else f"{supplier} ({file})")
        for supplier, file in zip(suppliers, files)
    ]


def compare_paths(paths: Sequence[Path], output_dir: Path, *, allow_mixed: bool = False, names: Sequence[str] = ()) -> Comparison:
    """Load and validate each JSON report, then compare them, linking to the HTML report beside each one.

    `names` (from `--name`, one per report, in order) name the bidders; by default each is the supplier its
    declaration names (recorded in the report), else the report's file name.
    """
    from interopcheck.report.json_report import load_report

    if names and len(names) != len(paths):
        raise UsageError(f"--name given {len(names)} times for {len(paths)} reports", hint="give one --name per report, in the reports' order, or none")
    reports = [load_report(p) for p in paths]
    return compare(reports, allow_mixed=allow_mixed, names=list(names) or default_names(reports, paths),
                   links=[html_link_for(Path(p), output_dir) for p in paths])


def write_comparison(comparison: Comparison, output_dir: Path, formats: Sequence[str], *, basename: str = "comparison") -> list[Path]:
    """Render the wanted formats (html, csv, md) and write each atomically into `output_dir`, creating it (and its parents)."""
    from interopcheck.report.writer import atomic_write, ensure_folder

    wanted = list(dict.fromkeys(f.strip().lower() for f in formats))
    unknown = [f for f in wanted if f not in COMPARE_FORMATS]
    if unknown or not wanted:
        raise UsageError(f"unknown comparison format {', '.join(unknown) or repr(formats)}", hint=f"choose from {', '.join(COMPARE_FORMATS)}")
    rendered = [(f, COMPARE_FORMATS[f](comparison)) for f in wanted]
    ensure_folder(output_dir)  # reports/compare, the default, does not exist on a fresh clone
    return [atomic_write(Path(output_dir) / f"{basename}{_EXTENSIONS[f]}", text) for f, text in rendered]
