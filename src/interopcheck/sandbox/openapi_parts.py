"""Small builders the sandbox's OpenAPI document is written with: component references, content maps, errors."""

from __future__ import annotations

from typing import Any

REF = "#/components/"


def pascal(name: str) -> str:
    """`rent-account` -> `RentAccount`."""
    return "".join(part.capitalize() for part in name.split("-"))


def ref(kind: str, name: str) -> dict[str, str]:
    """A $ref to a component."""
    return {"$ref": f"{REF}{kind}/{name}"}


def json_content(schema: dict[str, Any], media: str = "application/json") -> dict[str, Any]:
    """A content map with one media type."""
    return {media: {"schema": schema}}


def errors(*codes: int) -> dict[str, Any]:
    """References to the shared error responses for these status codes."""
    names = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound", 422: "Unprocessable", 500: "ServerError"}
    return {str(c): ref("responses", names[c]) for c in codes}


SECURED = [{"oauth2": []}]
