"""The demo: the reference sandbox on loopback, checked fully with the housing profile and its declaration.

Used by `interopcheck demo` (and so by `make demo`) and by the example reports. The sandbox is
stopped on every way out, Ctrl-C included.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from interopcheck.checks.context import RunOptions
from interopcheck.engine.outputs import write_outputs
from interopcheck.engine.run import Progress, RunArtifacts, RunRequest, run

#: Faults of the flawed variant: each breaks the requirement the sandbox's fault table names.
FLAWED_FAULTS: tuple[str, ...] = (
    "missing-uprn", "bad-dates", "broken-pagination", "no-updated-since", "export-truncated", "http-only",
    "core-invalid-answer", "real-looking-pii", "deletions-hidden",
)

SECRET_ENV = "INTEROPCHECK_DEMO_CLIENT_SECRET"


def demo_request(server: object, *, seed: int = 0, sample: int = 50) -> RunRequest:
    """The `check` request the demo runs against a started sandbox server.

    The tender requires the modules the server's product names (`tender_modules`, e.g. only
    homelessness for the homelessness-only product), else the profile's default (every module).
    """
    from interopcheck.live.session import LiveOptions

    base_url = server.base_url  # type: ignore[attr-defined]
    os.environ[SECRET_ENV] = server.client_secret  # type: ignore[attr-defined]
    live = LiveOptions(
        base_url=base_url,
        token_url=f"{base_url}/oauth/token",
        client_id=server.client_id,  # type: ignore[attr-defined]
        client_secret_env=SECRET_ENV,
        rate=200.0,
    )
    product = getattr(server, "product", None)
    return RunRequest(
        spec=server.spec_url,  # type: ignore[attr-defined]
        declaration=str(server.declaration_path),  # type: ignore[attr-defined]
        live=live,
        options=RunOptions(seed=seed, sample=sample),
        require_modules=getattr(product, "tender_modules", None),
    )


def run_demo(
    variant: str,
    output_dir: Path,
    *,
    records: int = 300,
    formats: Sequence[str] = ("json", "md", "html"),
    progress: Progress | None = None,
    faults: Sequence[str] | None = None,
    product: str = "reference",
    transcript: bool = False,
    bundle: bool = False,
    sign_key: Path | None = None,
    note: Callable[[str], None] | None = None,
) -> tuple[RunArtifacts, list[Path]]:
    """Start the sandbox `product` (`good` or `flawed`), run the full check, write the reports, stop it."""
    from interopcheck.sandbox.server import SandboxConfig, SandboxServer

    chosen = tuple(faults) if faults is not None else (FLAWED_FAULTS if variant == "flawed" else ())
    with SandboxServer(SandboxConfig(records=records, faults=chosen, product=product)) as server:
        request = demo_request(server)
        artifacts = run(request, progress)
    paths = write_outputs(artifacts, output_dir, formats, transcript=transcript, bundle=bundle, sign_key=sign_key, note=note)
    return artifacts, paths
