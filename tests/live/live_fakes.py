"""Stand-ins for parts written by other engineers (the standards registry), so the live tests stand alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jsonschema

from interopcheck.checks.context import CheckContext, RunOptions
from interopcheck.live.session import LiveOptions, LiveSession, open_session


@dataclass(frozen=True)
class RecordError:
    """Mirrors `standards.RecordError`."""

    pointer: str
    message: str
    kind: str


@dataclass(frozen=True)
class FieldSpec:
    """Mirrors `standards.FieldSpec`."""

    type: str | None
    format: str | None
    required: bool = False
    enum: tuple[str, ...] | None = None


class FakeValidator:
    """`.errors(record)` and `.is_valid(record)` over a jsonschema schema."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self._validator = jsonschema.Draft202012Validator(schema)

    def errors(self, record: Any) -> list[RecordError]:
        """Every error, each with its JSON pointer."""
        return [
            RecordError("/" + "/".join(str(p) for p in e.absolute_path), e.message, str(e.validator))
            for e in self._validator.iter_errors(record)
        ]

    def is_valid(self, record: Any) -> bool:
        """No errors."""
        return not self.errors(record)


_SCHEMAS: dict[str, dict[str, Any]] = {
    "property": {
        "type": "object",
        "required": ["id", "updated_at", "uprn", "bedrooms"],
        "properties": {"uprn": {"type": "string", "pattern": "^[1-9][0-9]{0,11}$"}, "bedrooms": {"type": "integer", "minimum": 0}},
    },
    "person": {"type": "object", "required": ["id", "updated_at", "given_name", "family_name"]},
}
_FIELDS = {
    "property": {"/updated_at": FieldSpec("string", "date-time"), "/built_date": FieldSpec("string", "date")},
    "person": {"/updated_at": FieldSpec("string", "date-time"), "/date_of_birth": FieldSpec("string", "date")},
}


class FakeStandards:
    """Mirrors `standards.StandardsRegistry` for two entities."""

    entities = tuple(_SCHEMAS)

    def validator(self, name: str) -> FakeValidator:
        """A validator for entity `name`."""
        return FakeValidator(_SCHEMAS.get(name, {"type": "object"}))

    def fields(self, name: str) -> dict[str, FieldSpec]:
        """Field specs of entity `name`."""
        return _FIELDS.get(name, {})


def context(  # noqa: PLR0913
    base_url: str,
    *,
    index: Any = None,
    declaration: Any = None,
    standards: Any = None,
    env: dict[str, str] | None = None,
    options: RunOptions | None = None,
    **live: Any,
) -> CheckContext:
    """A CheckContext with an open live session against `base_url` (fast, test-friendly defaults)."""
    opts = LiveOptions(base_url=base_url, **{"rate": 1000.0, "timeout": 2.0, **live})
    session: LiveSession = open_session(opts, index, declaration, env=env or {})
    return CheckContext(index=index, declaration=declaration, standards=standards, live=session, options=options or RunOptions(max_examples=5))


def live_checks() -> dict[str, Any]:
    """The registered live checks, importing only the live check modules (other families may be half-written)."""
    import importlib
    import pkgutil

    import interopcheck.checks as package
    from interopcheck.checks import registry

    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("live_"):
            importlib.import_module(f"interopcheck.checks.{info.name}")
    return {cid: spec for cid, spec in sorted(registry._REGISTRY.items()) if cid.startswith("live.")}


def conformance(spec: dict[str, Any], url: str, *, redactor: Any = None, rate: float = 1000.0, allow_writes: bool = False, **kw: Any) -> Any:
    """`run_conformance` against `url` through a fresh safe client (closed afterwards)."""
    from interopcheck.live.client import SafeClient
    from interopcheck.live.redact import Redactor
    from interopcheck.live.schemathesis_bridge import run_conformance

    with SafeClient(url, rate=rate, redactor=redactor or Redactor(), allow_writes=allow_writes) as client:
        return run_conformance(spec, client, allow_writes=allow_writes, **kw)
