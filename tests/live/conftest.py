"""Fixtures of the live tests: the helper modules beside this file, a mini sandbox per fault set, contexts on it."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import live_fakes  # noqa: E402
import live_minisandbox as mini  # noqa: E402
import live_servers  # noqa: E402

from interopcheck.checks.context import CheckContext  # noqa: E402


@pytest.fixture
def sandbox() -> Iterator[Callable[..., str]]:
    """`sandbox(*faults)` starts a mini sandbox with those faults and returns its base URL."""
    with ExitStack() as stack:
        yield lambda *faults: stack.enter_context(live_servers.serve_app(mini.make_app(set(faults))))


@pytest.fixture
def live_ctx(sandbox: Callable[..., str]) -> Iterator[Callable[..., CheckContext]]:
    """`live_ctx(*faults, **options)` is a CheckContext with OAuth 2.0 on a mini sandbox with those faults."""
    opened: list[CheckContext] = []

    def make(*faults: str, **kw: Any) -> CheckContext:
        url = sandbox(*faults)
        auth = {"token_url": url + "/oauth/token", "client_id": mini.CLIENT_ID, "client_secret_env": "MINI_SECRET"}
        ctx = live_fakes.context(
            url,
            index=kw.pop("index", mini.spec_index()),
            declaration=kw.pop("declaration", mini.declaration()),
            standards=kw.pop("standards", live_fakes.FakeStandards()),
            env={"MINI_SECRET": mini.CLIENT_SECRET, "MINI_TOKEN": mini.STATIC_TOKEN},
            **{**auth, **kw},
        )
        opened.append(ctx)
        return ctx

    yield make
    for ctx in opened:
        if ctx.live is not None:
            ctx.live.close()
