"""Every error of a schema object against its JSON Schema dialect, not only the first.

openapi-spec-validator (and its Rust port) checks each schema with `check_schema`, which stops at
the schema's first error and hides the rest of that schema (`type: dte` on two neighbouring
properties gave one error). The README promises every error counted: for each schema the engine
found fault with, this pass lists all of them, each at its own pointer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from interopcheck.spec.pointer import join


def schema_root(pointer: str) -> str | None:
    """The pointer of the outermost schema object holding `pointer` in the root document (a
    component schema, or the `schema` of a parameter, media type or header), or None."""
    tokens = pointer.split("/")[1:] if pointer.startswith("/") else []
    if len(tokens) >= 3 and tokens[:2] == ["components", "schemas"]:
        return "/" + "/".join(tokens[:3])
    if "schema" in tokens:
        return "/" + "/".join(tokens[: tokens.index("schema") + 1])
    return None


def _validator(family: str) -> Any:
    """A validator of schema objects against the family's schema dialect (None for Swagger 2.0)."""
    from jsonschema.validators import validator_for
    from openapi_schema_validator import OAS30Validator, OAS31Validator
    from openapi_schema_validator.validators import OPENAPI_SPECIFICATIONS

    cls = {"3.0": OAS30Validator, "3.1": OAS31Validator, "3.2": OAS31Validator}.get(family)
    if cls is None:
        return None
    meta = cls.META_SCHEMA
    # the package's registry holds every meta-schema: nothing is fetched (jsonschema's default would)
    return validator_for(meta, default=cls)(meta, registry=OPENAPI_SPECIFICATIONS)


def every_schema_error(schema: Any, family: str, pointer: str) -> Iterator[tuple[str, str]]:
    """(message, pointer) of every error of `schema` (at `pointer`) against the family's dialect.

    Yields nothing for Swagger 2.0, for a schema choosing its own dialect (`$schema`), and when
    the dialect itself cannot be loaded: the engine's first error still stands then.
    """
    if not isinstance(schema, dict) or "$schema" in schema:
        return
    try:
        validator = _validator(family)
        errors = list(validator.iter_errors(schema)) if validator is not None else []
    except Exception:  # noqa: BLE001 - RecursionError, a meta-schema that cannot be resolved
        return
    for error in errors:
        yield "OpenAPIValidationError:" + str(error.message), join(pointer, *error.absolute_path)
