"""The operations of an API description as the index gives them: merged parameters, responses, media types.

Built once by `spec.index.build_index`; every check reads these frozen records instead of the raw document.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from interopcheck.spec.pointer import join

if TYPE_CHECKING:
    from interopcheck.spec.index import SpecIndex

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class MediaType:
    """One media type of a request body or response, with its (unresolved) schema."""

    name: str
    pointer: str
    schema: Any  # the schema object as written (may be a {"$ref": ...}); None if absent


@dataclass(frozen=True)
class Response:
    """One documented response of an operation (`status` is "200", "4XX", "default", ...)."""

    status: str
    pointer: str
    description: str | None
    media_types: tuple[MediaType, ...]
    headers: tuple[str, ...]


@dataclass(frozen=True)
class Parameter:
    """A parameter after path-level and operation-level parameters are merged and resolved."""

    name: str
    location: str  # query, header, path, cookie (and body/formData for Swagger 2.0)
    required: bool
    pointer: str
    schema: Any
    defined_at: str = ""  # where the parameter object is written: its `$ref` target, else `pointer`


@dataclass(frozen=True)
class Operation:
    """One method on one path."""

    method: str  # lower case
    path: str
    pointer: str
    operation_id: str | None
    summary: str | None
    parameters: tuple[Parameter, ...]
    responses: tuple[Response, ...]
    request_body: tuple[MediaType, ...]
    security: tuple[dict[str, Any], ...] | None  # None: inherits the document's
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """`GET /v1/properties`: how reports name the operation."""
        return f"{self.method.upper()} {self.path}"


def operations(index: SpecIndex, data: dict[str, Any]) -> Iterator[Operation]:
    """Every operation of `data`'s paths, its path-level and own parameters merged, `$ref`s resolved through `index`."""
    paths = data.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item_raw in paths.items():
        found = index.target(item_raw, base=index.root_uri)
        item = found.node
        if not isinstance(item, dict):
            continue
        item_ptr = join("/paths", path) if item is item_raw else index.site(found.uri, found.pointer)
        shared = _parameters(index, item.get("parameters"), join(item_ptr, "parameters"))
        for method in HTTP_METHODS:
            if not isinstance(item.get(method), dict):
                continue
            # an operation `$ref`d from another file (bundlers resolve it as JSON Reference does)
            found_op = index.target(item[method], base=found.uri)
            op = found_op.node
            if not isinstance(op, dict):
                continue
            op_ptr = join(item_ptr, method) if found_op.node is item[method] else index.site(found_op.uri, found_op.pointer)
            own = _parameters(index, op.get("parameters"), join(op_ptr, "parameters"))
            merged = {(p.name, p.location): p for p in shared}
            merged.update({(p.name, p.location): p for p in own})
            security = op.get("security")
            yield Operation(
                method=method,
                path=str(path),
                pointer=op_ptr,
                operation_id=op.get("operationId") if isinstance(op.get("operationId"), str) else None,
                summary=op.get("summary") if isinstance(op.get("summary"), str) else None,
                parameters=tuple(merged.values()),
                responses=tuple(_responses(index, op, op_ptr)),
                request_body=_request_body(index, op, op_ptr, own),
                security=tuple(s for s in security if isinstance(s, dict)) if isinstance(security, list) else None,
                tags=tuple(t for t in op.get("tags", ()) if isinstance(t, str)) if isinstance(op.get("tags"), list) else (),
            )


def _parameters(index: SpecIndex, raw: Any, pointer: str) -> list[Parameter]:
    if not isinstance(raw, list):
        return []
    out = []
    for i, item in enumerate(raw):
        found = index.target(item)
        param = found.node
        if not isinstance(param, dict) or not isinstance(param.get("name"), str):
            continue
        is_ref = isinstance(item, dict) and "$ref" in item
        schema = param.get("schema")
        if schema is None and "type" in param:  # Swagger 2.0 non-body parameter
            schema = {k: v for k, v in param.items() if k in ("type", "format", "items", "enum")}
        out.append(
            Parameter(
                name=param["name"],
                location=str(param.get("in", "")),
                required=bool(param.get("required", False)),
                pointer=join(pointer, i),
                schema=schema,
                defined_at=index.site(found.uri, found.pointer) if is_ref else join(pointer, i),
            )
        )
    return out


def _media_types(content: Any, pointer: str) -> tuple[MediaType, ...]:
    if not isinstance(content, dict):
        return ()
    return tuple(
        MediaType(str(name), join(pointer, name), mt.get("schema") if isinstance(mt, dict) else None)
        for name, mt in content.items()
    )


def _responses(index: SpecIndex, op: dict[str, Any], op_ptr: str) -> Iterator[Response]:
    responses = op.get("responses")
    if not isinstance(responses, dict):
        return
    produces = op.get("produces") or index.data.get("produces") or ["application/json"]
    for status, raw in responses.items():
        resp_ptr = join(op_ptr, "responses", status)
        resp = index.resolve(raw)
        if not isinstance(resp, dict):
            continue
        if index.major == 2:
            schema = resp.get("schema")
            media = tuple(MediaType(str(m), resp_ptr, schema) for m in produces) if schema is not None else ()
        else:
            media = _media_types(resp.get("content"), join(resp_ptr, "content"))
        headers = resp.get("headers")
        yield Response(
            status=str(status),
            pointer=resp_ptr,
            description=resp.get("description") if isinstance(resp.get("description"), str) else None,
            media_types=media,
            headers=tuple(str(h) for h in headers) if isinstance(headers, dict) else (),
        )


def _request_body(
    index: SpecIndex, op: dict[str, Any], op_ptr: str, params: list[Parameter]
) -> tuple[MediaType, ...]:
    if index.major == 2:
        consumes = op.get("consumes") or index.data.get("consumes") or ["application/json"]
        body = [p for p in params if p.location == "body"]
        return tuple(MediaType(str(m), body[0].pointer, body[0].schema) for m in consumes) if body else ()
    body_raw = index.resolve(op.get("requestBody"))
    if not isinstance(body_raw, dict):
        return ()
    return _media_types(body_raw.get("content"), join(op_ptr, "requestBody", "content"))


def requires_credentials(op: Operation, document: Any) -> bool:
    """Whether `op` needs credentials: its security (or the document's) lists requirements, none of them empty (`{}` is anonymous)."""
    requirements = op.security if op.security is not None else (document.get("security") if isinstance(document, dict) else None)
    if not isinstance(requirements, (list, tuple)) or not requirements:
        return False
    return all(isinstance(r, dict) and r for r in requirements)
