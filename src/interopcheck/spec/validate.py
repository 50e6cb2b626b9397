"""Structural validation of an API description against the OpenAPI 2.0 / 3.0 / 3.1 schemas.

Runs openapi-spec-validator-rs (fast) and falls back to openapi-spec-validator (pure Python)
when the first cannot be imported or breaks. Neither is allowed onto the network: `$ref`d
documents are served from what `load_spec` already loaded; network `$ref`s it did not fetch
are stubbed out and reported as `not_fetched`, never as errors. Adds what the validators miss
or abort on: dangling `$ref`s (local, or to a missing file) and duplicate operationIds, each
with its pointer and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import orjson

from interopcheck.spec.locate import locate, tidy
from interopcheck.spec.document import SpecDocument
from interopcheck.spec.load import iter_refs, ref_target
from interopcheck.spec.refs import REFUSALS, refusal

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
MAX_MESSAGE = 300


@dataclass(frozen=True)
class SpecIssue:
    """One structural error: what is wrong, where (JSON pointer) and the line in the file."""

    message: str
    pointer: str
    line: int | None = None


@dataclass(frozen=True)
class SpecValidation:
    """Every structural error of a document (not only the first), and which engine found them.

    `not_fetched` lists the remote documents (absolute URIs) that were not fetched, so the
    parts of the description they hold were not validated; they are not errors.
    """

    version: str
    errors: tuple[SpecIssue, ...]
    engine: str
    not_fetched: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        """True when the document has no structural errors."""
        return not self.errors


def _esc(token: Any) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _pointer(path: Iterable[Any]) -> str:
    return "".join("/" + _esc(t) for t in path)


def _get(data: Any, pointer: str) -> tuple[bool, Any]:
    """(found, node) at `pointer` in `data`."""
    node = data
    for raw in pointer.split("/")[1:] if pointer else ():
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def _version_key(data: dict[str, Any]) -> tuple[str, str | None]:
    """(declared version, "2.0" | "3.0" | "3.1" | "3.2" or None when unsupported)."""
    if "openapi" in data:
        version = str(data["openapi"])
        family = ".".join(version.split(".")[:2])
        if isinstance(data["openapi"], str) and family in ("3.0", "3.1", "3.2") and version.count(".") == 2:
            return version, family
        return version, None
    version = str(data.get("swagger", ""))
    return version, "2.0" if version == "2.0" and isinstance(data.get("swagger"), str) else None


def _short(message: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else "invalid"
    return first if len(first) <= MAX_MESSAGE else first[: MAX_MESSAGE - 1] + "…"


def _in_root(site: str) -> bool:
    """Whether a `$ref` site is a pointer into the root document (not `<file URI>#<pointer>`)."""
    return site == "" or site.startswith("/")


def _site_document(document: SpecDocument, site: str) -> str:
    """The URI of the document holding `site` (a root pointer, or `<file URI>#<pointer>`)."""
    return document.base_uri.partition("#")[0] if _in_root(site) else site.partition("#")[0]


def remote_targets(document: SpecDocument) -> list[tuple[str, str, str]]:
    """Every network `$ref` that `load_spec` did not fetch: (site, reference, remote document URI)."""
    return [(site, ref, ref_target(_site_document(document, site), ref)) for site, ref in document.remote_refs]


def dangling_refs(document: SpecDocument) -> list[tuple[str, str, str]]:
    """Every `$ref` whose target does not exist: (pointer of the site, reference, why).

    Sites in `$ref`d files get pointers of the form `file:///...#/pointer`. Network `$ref`s
    listed in `document.remote_refs` (deliberately not fetched) are not dangling.
    """
    docs: dict[str, Any] = {document.base_uri.partition("#")[0]: document.data, **document.externals}
    root_uri = document.base_uri.partition("#")[0]
    remote = set(document.remote_refs)
    out: list[tuple[str, str, str]] = []
    for doc_uri, data in docs.items():
        for site, ref in iter_refs(data):
            where = site if doc_uri == root_uri else f"{doc_uri}#{site}"
            target_uri = ref_target(doc_uri, ref)
            if target_uri not in docs:
                if (where, ref) in remote:
                    continue
                why = refusal(root_uri, doc_uri, target_uri) or "the file it names does not exist or was not loaded"
                out.append((where, ref, why))
                continue
            fragment = ref.partition("#")[2]
            if fragment and not fragment.startswith("/"):
                continue  # a plain-name anchor (3.1 `$anchor`): left to the validator
            found, _ = _get(docs[target_uri], fragment)
            if not found:
                out.append((where, ref, "nothing exists at that pointer"))
    return out


def duplicate_operation_ids(data: Any) -> list[tuple[str, str, str]]:
    """Every operation whose operationId an earlier one already has: (pointer, id, first pointer)."""
    seen: dict[str, str] = {}
    out: list[tuple[str, str, str]] = []
    paths = data.get("paths") if isinstance(data, dict) else None
    if not isinstance(paths, dict):
        return out
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            op = item.get(method)
            op_id = op.get("operationId") if isinstance(op, dict) else None
            if not isinstance(op_id, str):
                continue
            pointer = _pointer(("paths", path, method, "operationId"))
            if op_id in seen:
                out.append((pointer, op_id, seen[op_id]))
            else:
                seen[op_id] = pointer
    return out


def _remote_stubs(document: SpecDocument) -> dict[str, Any]:
    """A stand-in for each remote document not fetched: `{}` at every place its `$ref`s point to.

    Sites in the root are stubbed before validation; these serve the `$ref`s of files beside
    the spec, which an engine may read from disk itself, so it never needs the network.
    """
    stubs: dict[str, Any] = {}
    for _, ref, uri in remote_targets(document):
        node = stubs.setdefault(uri, {})
        fragment = ref.partition("#")[2]
        for raw in fragment.split("/")[1:] if fragment.startswith("/") else ():
            token = raw.replace("~1", "/").replace("~0", "~")
            node = node.setdefault(token, {})
    return stubs


def _retriever(document: SpecDocument) -> Callable[[str], bytes]:
    """Serve `$ref`d network documents from those already loaded (or stubs of those not
    fetched); never fetch."""
    stubs = _remote_stubs(document)

    def retrieve(uri: str) -> bytes:
        key = uri.partition("#")[0]
        data = document.externals.get(key, stubs.get(key))
        if data is None:
            raise LookupError(f"{uri} was not loaded (remote references are fetched by load_spec only)")
        return orjson.dumps(data)

    return retrieve


def _stubbed(data: Any, sites: Iterable[str]) -> Any:
    """`data` with the `$ref` object at each site replaced by `{}`, so validators that abort
    on the first unresolvable (or not fetched) reference can report everything else.

    Only the containers on the path to each site are copied; the rest is shared.
    """
    root: Any = dict(data)
    for site in sites:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in site.split("/")[1:]]
        if not tokens:
            continue
        node = root
        for token in tokens[:-1]:
            key: Any = int(token) if isinstance(node, list) and token.isdigit() else token
            try:
                child = node[key]
            except (KeyError, IndexError, TypeError):
                break
            child = dict(child) if isinstance(child, dict) else list(child) if isinstance(child, list) else child
            node[key] = child
            node = child
        else:
            last: Any = int(tokens[-1]) if isinstance(node, list) and tokens[-1].isdigit() else tokens[-1]
            try:
                node[last] = {}
            except (IndexError, TypeError):
                pass
    return root


def _rs_errors(data: Any, family: str, document: SpecDocument) -> Iterator[tuple[str, str]]:
    """(message, pointer) from openapi-spec-validator-rs, with our retriever."""
    from openapi_spec_validator_rs import _core, _stack
    from openapi_spec_validator_rs.exceptions import _from_core

    retrieve = _retriever(document)
    for core in _core.validate(data, family, document.base_uri, True, retrieve, _stack.spec_depth(), _stack.limit()):
        error = _from_core(core)
        yield type(error).__name__ + ":" + str(error.message), _pointer(getattr(error, "path", ()))


def _py_validator(family: str) -> Any:
    import openapi_spec_validator as osv

    classes = {"2.0": osv.OpenAPIV2SpecValidator, "3.0": osv.OpenAPIV30SpecValidator, "3.1": osv.OpenAPIV31SpecValidator}
    return classes.get(family, getattr(osv, "OpenAPIV32SpecValidator", osv.OpenAPIV31SpecValidator))


def _py_errors(data: Any, family: str, document: SpecDocument) -> Iterator[tuple[str, str]]:
    """(message, pointer) from pure-Python openapi-spec-validator, network handlers replaced."""
    base = _py_validator(family)
    retrieve = _retriever(document)

    def handler(uri: str) -> Any:
        return orjson.loads(retrieve(uri)) if not uri.startswith("file:") else _file_handler(uri)

    def _file_handler(uri: str) -> Any:
        data = document.externals.get(uri.partition("#")[0])
        if data is None:
            raise LookupError(f"{uri} was not loaded")
        return data

    handlers = {"http": handler, "https": handler, "file": handler, "<all_urls>": handler}
    offline = type("Offline" + base.__name__, (base,), {"resolver_handlers": handlers})
    for error in offline(data, base_uri=document.base_uri).iter_errors():
        yield type(error).__name__ + ":" + str(error.message), _pointer(getattr(error, "path", ()))


def _schema_only_errors(data: Any, family: str) -> Iterator[tuple[str, str]]:
    """(message, pointer) of the JSON Schema pass alone, which never resolves a `$ref`."""
    from openapi_spec_validator import schemas

    validator = {
        "2.0": schemas.openapi_v2_schema_validator,
        "3.0": schemas.openapi_v30_schema_validator,
        "3.1": schemas.openapi_v31_schema_validator,
    }.get(family, getattr(schemas, "openapi_v32_schema_validator", schemas.openapi_v31_schema_validator))
    for error in validator.iter_errors(data):
        yield "OpenAPIValidationError:" + str(error.message), _pointer(error.path)


def _engine_name(dist: str) -> str:
    try:
        return f"{dist} {metadata.version(dist)}"
    except metadata.PackageNotFoundError:
        return dist


def _run_validators(
    data: Any, family: str, document: SpecDocument, *, rs_allowed: bool = True
) -> tuple[str, list[tuple[str, str]]]:
    """(engine, [(message, pointer)]): rs first (unless not `rs_allowed`), pure Python when rs
    is missing or breaks.

    An aborted validation (a reference cycle the engine cannot follow, a malformed path
    template) becomes one issue plus the JSON Schema pass's errors.
    """
    engines: list[tuple[str, Callable[..., Iterator[tuple[str, str]]]]] = []
    try:
        import openapi_spec_validator_rs  # noqa: F401

        if rs_allowed:
            engines.append((_engine_name("openapi-spec-validator-rs"), _rs_errors))
    except ImportError:
        pass
    engines.append((_engine_name("openapi-spec-validator"), _py_errors))
    aborted, aborted_by = "", engines[-1][0]
    for name, run in engines:
        try:
            return name, list(run(data, family, document))
        except RecursionError:
            aborted, aborted_by = "the document nests or references itself too deeply to validate", name
        except Exception as err:  # noqa: BLE001 - any library failure: try the next engine
            detail = _short(str(err)) if str(err).strip() else type(err).__name__
            aborted, aborted_by = f"validation stopped: {detail}", name
            if type(err).__name__ in ("ValidationAbortedError", "Unresolvable", "PointerToNowhere", "Unretrievable"):
                break  # the document's fault: another engine would stop at the same place
    try:
        found = list(_schema_only_errors(data, family))
    except Exception:  # noqa: BLE001 - RecursionError included; the abort issue still reports it
        found = []
    if not found:
        found = [(f"ValidationAbortedError:{aborted}", "")]
    return aborted_by + " (schema pass)", found


def validate_spec(document: SpecDocument) -> SpecValidation:
    """Validate `document` and return every error it has, each with its pointer and line."""
    data = document.data
    if not isinstance(data, dict):
        return SpecValidation("", (SpecIssue("the document is not a mapping", "", 1),), "interopcheck")
    version, family = _version_key(data)
    issues: list[SpecIssue] = []

    def add(message: str, pointer: str, locate: bool = True) -> None:
        in_root = "#" not in pointer and (pointer == "" or pointer.startswith("/"))
        line = document.line_of(pointer) if locate and in_root else None
        issue = SpecIssue(message, pointer, line)
        if issue not in issues:
            issues.append(issue)

    remote = remote_targets(document)
    not_fetched = tuple(sorted({uri for _, _, uri in remote}))
    if family is None:
        key = "/openapi" if "openapi" in data else "/swagger"
        add(f"unsupported OpenAPI version {version!r}: expected 2.0, 3.0.x, 3.1.x or 3.2.x", key)
        return SpecValidation(version, tuple(issues), "interopcheck", not_fetched)
    dangling = dangling_refs(document)
    for site, ref, why in dangling:
        add(f"unresolvable $ref {ref!r}: {why}", site)
    for pointer, op_id, first in duplicate_operation_ids(data):
        add(f"operationId {op_id!r} is not unique (first used at {first})", pointer)
    root_sites = [site for site, _, _ in [*dangling, *remote] if _in_root(site)]
    # A stub served for another file's remote `$ref` can make an engine stop (a parameter with no name).
    stubs_served = any(not _in_root(site) for site, _, _ in remote)
    checked = _stubbed(data, root_sites) if root_sites else data
    # rs reads `file:` documents from disk itself: not when another file $refs one that load_spec refused.
    refused_elsewhere = any(not _in_root(site) and why in REFUSALS for site, _, why in dangling)
    engine, found = _run_validators(checked, family, document, rs_allowed=not refused_elsewhere)
    placed: set[str] = set()
    for message, pointer in found:
        kind, _, text = message.partition(":")
        if kind == "ValidationAbortedError" and (dangling or stubs_served):
            continue  # the engine stopped at a dangling $ref (reported above) or at a stub
        if kind == "DuplicateOperationIDError":
            continue  # reported above, with a pointer
        if any(pointer == s or pointer.startswith(s + "/") for s in root_sites):
            continue  # an artefact of the stub that replaced a dangling or not-fetched $ref
        exists, _ = _get(data, pointer)
        if not exists:  # keyword validators report paths relative to the schema they checked
            pointer = locate(data, pointer, text, placed) or ""
            exists = bool(pointer)
        add(_short(tidy(text)), pointer, locate=exists)
    return SpecValidation(version, tuple(issues), engine, not_fetched)
