"""Without credentials, a secured API's data cannot be read: the checks that read it skip with that reason (issue 16).

They used to run and blame the supplier for the 401s (a pagination walk "failed", records "could not be read").
`live.auth-required` still runs: refusing anonymous requests is exactly what it tests.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import live_fakes
import live_minisandbox as mini

from interopcheck.checks import registry
from interopcheck.model import Status
from interopcheck.spec.operations import requires_credentials

DATA_CHECKS = ("live.pagination", "live.records.property", "live.dates-valid", "live.response-time", "export.available")


def _run(ctx: object, check_id: str) -> object:
    live_fakes.live_checks()
    import interopcheck.checks.export_records  # noqa: F401 - registers the export checks

    return registry.run_check(registry.get(check_id), ctx)  # type: ignore[arg-type]


def test_data_checks_skip_without_credentials(sandbox: Callable[..., str]) -> None:
    url = sandbox()
    ctx = live_fakes.context(url, index=mini.spec_index(), declaration=mini.declaration(), standards=live_fakes.FakeStandards())
    try:
        for check_id in DATA_CHECKS:
            result = _run(ctx, check_id)
            assert result.status is Status.SKIP, (check_id, result.summary)
            assert result.summary.startswith("no credentials given: the API description requires authentication"), result.summary
        assert _run(ctx, "live.auth-required").status is Status.PASS
    finally:
        ctx.live.close()


def test_with_credentials_the_same_checks_run(live_ctx: Callable[..., object]) -> None:
    ctx = live_ctx()
    assert _run(ctx, "live.pagination").status is Status.PASS


def test_an_open_api_needs_no_credentials(sandbox: Callable[..., str]) -> None:
    """A description that secures nothing (security: []) is read without credentials: the checks run."""
    document = copy.deepcopy(mini.spec_index().data)
    document["security"] = []
    for item in document["paths"].values():
        for op in item.values():
            if isinstance(op, dict):
                op.pop("security", None)
    index = mini.spec_index(document)
    assert not any(requires_credentials(op, index.data) for op in index.operations)
    ctx = live_fakes.context(sandbox("no-auth"), index=index, declaration=mini.declaration(), standards=live_fakes.FakeStandards())
    try:
        assert ctx.has("credentials")
    finally:
        ctx.live.close()
