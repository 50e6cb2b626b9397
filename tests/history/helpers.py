"""Records for the history tests: a small profile's worth of outcomes, varied by status."""

from __future__ import annotations

from interopcheck.history.records import OutcomeRow, RunRecord


def record(supplier: str = "Acme Housing", statuses: dict[str, str] | None = None, *, n: int = 6, **extra: object) -> RunRecord:
    """A run of `n` requirements (HSG-API-01.. , MUST then SHOULD alternately), all passing unless `statuses` says otherwise."""
    statuses = statuses or {}
    outcomes = tuple(
        OutcomeRow(
            f"HSG-API-{i:02d}", "MUST" if i % 2 else "SHOULD", statuses.get(f"HSG-API-{i:02d}", "pass"),
            f"reason {statuses.get(f'HSG-API-{i:02d}', 'pass')} {i}", f"title {i}",
        )
        for i in range(1, n + 1)
    )
    failed = sum(1 for o in outcomes if o.level == "MUST" and o.status == "fail")
    values: dict[str, object] = {
        "supplier": supplier, "environment": "https://sandbox.example", "profile_id": "housing", "profile_version": "1.4.0",
        "verdict": "not_conformant" if failed else "conformant", "score": round(100 * (1 - failed / n), 1), "musts_failed": failed,
        "musts_total": (n + 1) // 2, "outcomes": outcomes, "spec_sha256": "a" * 64, "spec_parts": (("GET /v1/x", "1"), ("#/servers", "2")),
    }
    values.update(extra)
    return RunRecord(**values)  # type: ignore[arg-type]
