"""Checks: functions registered under stable IDs that read a `CheckContext` and decide.

Every module in this package other than `registry` and `context` is a family of checks
(`spec_*`, `data_*`, `live_*`, `export_*`, `attestation`); `load_all()` imports them so
their `@check` decorators fill the registry.
"""

from __future__ import annotations

import importlib
import pkgutil

_INFRASTRUCTURE = {"registry", "context", "results"}


def load_all() -> None:
    """Import every check module once so the registry is complete."""
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in _INFRASTRUCTURE:
            continue
        importlib.import_module(f"{__name__}.{info.name}")
