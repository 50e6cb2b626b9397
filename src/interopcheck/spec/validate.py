"""Structural validation of an API description against the OpenAPI 2.0 / 3.0 / 3.1 schemas.

Runs openapi-spec-validator-rs (fast) and falls back to openapi-spec-validator (pure Python)
when the first cannot be imported or breaks. Neither is allowed onto the network or to open a
file: `$ref`d documents are served from what `load_spec` already loaded (`spec.offline`); network `$ref`s it did not fetch
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

from interopcheck.spec.document import SpecDocument
from interopcheck.spec.follow import inline_operations, path_operations, site, through_refs
from interopcheck.spec.load import ref_target
from interopcheck.spec.locate import locate, tidy
from interopcheck.spec.meta import every_schema_error, schema_root
from interopcheck.spec.offline import RS_FILE_BASE, names_a_file, offline_retriever, rs_uri
from interopcheck.spec.pointer import from_fragment
from interopcheck.spec.refs import REFUSALS, refusal
from interopcheck.spec.refwalk import data_refs, in_extension, iter_refs

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
    swagger2 = isinstance(document.data, dict) and "swagger" in document.data and "openapi" not in document.data
    out: list[tuple[str, str, str]] = []
    for doc_uri, data in docs.items():
        for at_site, ref in iter_refs(data, swagger2=swagger2):
            where = at_site if doc_uri == root_uri else f"{doc_uri}#{at_site}"
            target_uri = ref_target(doc_uri, ref)
            if target_uri not in docs:
                if (where, ref) in remote:
                    continue
                why = (
                    document.unreadable.get(target_uri)
                    or refusal(root_uri, doc_uri, target_uri)
                    or "the file it names does not exist or was not loaded"
                )
                out.append((where, ref, why + _string_expected(at_site)))
                continue
            fragment = from_fragment(ref.partition("#")[2])
            if fragment and not fragment.startswith("/"):
                continue  # a plain-name anchor (3.1 `$anchor`): left to the validator
            found, _ = _get(docs[target_uri], fragment)
            if not found:
                out.append((where, ref, "nothing exists at that pointer"))
    return out


#: Where OpenAPI expects a string and a `$ref` (to a Markdown file, say) is no Reference Object.
_STRING_FIELDS = ("description", "summary", "title")


def _string_expected(at_site: str) -> str:
    """The reason's tail for a `$ref` written where the OpenAPI schema expects a string."""
    last = at_site.rsplit("/", 1)[-1]
    if last not in _STRING_FIELDS or "/properties/" in at_site + "/":
        return ""
    return f"; OpenAPI expects a string as {last}, not a $ref (a bundler may inline the file, but the description as published is invalid)"


def duplicate_operation_ids(document: SpecDocument) -> list[tuple[str, str, str]]:
    """Every operation whose operationId an earlier one already has: (place, id, first place), path
    item and operation `$ref`s followed (a place in another file is `<file URI>#<pointer>`)."""
    seen: dict[str, tuple[str, str]] = {}
    out: list[tuple[str, str, str]] = []
    for op_pointer, op in path_operations(document):
        op_id = op.node.get("operationId")
        if not isinstance(op_id, str):
            continue
        pointer = site(document, op.uri, op.pointer + "/operationId")
        if op_id in seen:
            first, first_op = seen[op_id]  # one file $ref'd by two paths: name the first path
            out.append((pointer, op_id, first if first != pointer else f"{first_op}, the same file"))
        else:
            seen[op_id] = (pointer, op_pointer)
    return out


def _remote_stubs(document: SpecDocument) -> dict[str, Any]:
    """A stand-in for each remote document not fetched: `{}` at every place its `$ref`s point to.

    Sites in the root are stubbed before validation; these serve the `$ref`s of files beside
    the spec, which an engine may read from disk itself, so it never needs the network.
    """
    stubs: dict[str, Any] = {}
    for _, ref, uri in remote_targets(document):
        node = stubs.setdefault(uri, {})
        fragment = from_fragment(ref.partition("#")[2])
        for raw in fragment.split("/")[1:] if fragment.startswith("/") else ():
            token = raw.replace("~1", "/").replace("~0", "~")
            node = node.setdefault(token, {})
    return stubs


def _retriever(document: SpecDocument) -> Callable[[str], bytes]:
    """Serve `$ref`d documents from those `load_spec` already read (or stubs of remote ones not
    fetched); never fetch, never open a file (`spec.offline`)."""
    return offline_retriever(document.externals, _remote_stubs(document))


def _stubbed(data: Any, sites: Iterable[str], make: Callable[[Any], Any] = lambda _: {}) -> Any:
    """`data` with the node at each site replaced by `make(node)` (by default the `$ref` object by
    `{}`, so validators that abort on the first unresolvable (or not fetched) reference can report
    everything else).

    Only the containers on the path to each site are copied; the rest is shared.
    """
    root: Any = dict(data)
    for site_ in sites:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in site_.split("/")[1:]]
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
                node[last] = make(node[last])
            except (KeyError, IndexError, TypeError):
                pass
    return root


def _as_data(node: Any) -> Any:
    """An example value's object with its `$ref` member renamed, so no validator resolves it."""
    return {("$ref (data)" if k == "$ref" else k): v for k, v in node.items()} if isinstance(node, dict) else node


def _rs_errors(data: Any, family: str, document: SpecDocument) -> Iterator[tuple[str, str]]:
    """(message, pointer) from openapi-spec-validator-rs, with our retriever."""
    from openapi_spec_validator_rs import _core, _stack
    from openapi_spec_validator_rs.exceptions import _from_core

    retrieve = _retriever(document)
    base = rs_uri(document.base_uri)
    for core in _core.validate(data, family, base, True, retrieve, _stack.spec_depth(), _stack.limit()):
        error = _from_core(core)
        message = str(error.message).replace(RS_FILE_BASE + "/", "file:///")
        yield type(error).__name__ + ":" + message, _pointer(getattr(error, "path", ()))


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
    """Validate `document` and return every error it has, each with its pointer and line.

    An error inside a `$ref`d path item or operation file is placed in that file
    (`<file URI>#<pointer>`, with its line), not at the `$ref` in the root.
    """
    data = document.data
    if not isinstance(data, dict):
        return SpecValidation("", (SpecIssue("the document is not a mapping", "", 1),), "interopcheck")
    version, family = _version_key(data)
    issues: list[SpecIssue] = []

    def add(message: str, pointer: str, locate: bool = True) -> None:
        issue = SpecIssue(message, pointer, document.line_at(pointer) if locate else None)
        if issue not in issues:
            issues.append(issue)

    remote = remote_targets(document)
    not_fetched = tuple(sorted({uri for _, _, uri in remote}))
    if family is None:
        key = "/openapi" if "openapi" in data else "/swagger"
        add(f"unsupported OpenAPI version {_short(repr(version))}: expected 2.0, 3.0.x, 3.1.x or 3.2.x", key)
        return SpecValidation(version, tuple(issues), "interopcheck", not_fetched)
    dangling = dangling_refs(document)
    for at_site, ref, why in dangling:
        if not in_extension(at_site):  # still stubbed below, so no engine stops at it
            add(f"unresolvable $ref {ref!r}: {why}", at_site)
    for pointer, op_id, first in duplicate_operation_ids(document):
        add(f"operationId {op_id!r} is not unique (first used at {first})", pointer)
    root_sites = [s for s, _, _ in [*dangling, *remote] if _in_root(s)]
    # A stub served for another file's remote `$ref` can make an engine stop (a parameter with no name).
    stubs_served = any(not _in_root(s) for s, _, _ in remote)
    checked = _stubbed(data, root_sites) if root_sites else data
    checked, inlined = inline_operations(document, checked)
    examples = list(data_refs(checked))  # validators resolve a `$ref` member even in an example value
    checked = _stubbed(checked, examples, _as_data) if examples else checked
    # rs reads `file:` documents from disk itself: not when another file $refs one that load_spec refused.
    refused_elsewhere = any(not _in_root(s) and why in REFUSALS for s, _, why in dangling)
    # rs is given `file:` documents through the retriever only, unless a document names one absolutely.
    names_a_file_ = names_a_file([checked, *document.externals.values()])
    engine, found = _run_validators(checked, family, document, rs_allowed=not (refused_elsewhere or names_a_file_))
    for message, pointer in _every_error(document, checked, family, found, root_sites, inlined):
        kind, _, text = message.partition(":")
        if kind == "ValidationAbortedError" and (dangling or stubs_served):
            continue  # the engine stopped at a dangling $ref (reported above) or at a stub
        if kind == "DuplicateOperationIDError":
            continue  # reported above, with a pointer
        add(_short(tidy(text)), pointer, locate=pointer != "" or kind == "ValidationAbortedError")
    return SpecValidation(version, tuple(issues), engine, not_fetched)


def _site_of(document: SpecDocument, data: Any, pointer: str, inlined: set[str]) -> str:
    """Where a place the engine saw (`pointer` in the data it validated) is written: the same pointer
    in the root, or the place in the `$ref`d file its path leads through."""
    if pointer == "" or (_get(data, pointer)[0] and not any(pointer == p or pointer.startswith(p + "/") for p in inlined)):
        return pointer
    return through_refs(document, pointer, follow_last=pointer in inlined) or pointer


def _every_error(
    document: SpecDocument, checked: Any, family: str, found: list[tuple[str, str]], root_sites: list[str], inlined: set[str]
) -> Iterator[tuple[str, str]]:
    """The engine's errors, placed in the document (a path relative to a sub-schema is found again by
    `locate`), with each faulty schema's errors listed in full (`meta`: the engine gives a schema's
    first error only). An "is not valid under any of the given schemas" summary of an object gives
    way to the errors found inside it."""
    placed: set[str] = set()
    errors: list[tuple[str, str, bool]] = []  # (message, pointer in `checked`, written relative to a sub-schema)
    for message, pointer in found:
        if any(pointer == s or pointer.startswith(s + "/") for s in root_sites):
            continue  # an artefact of the stub that replaced a dangling or not-fetched $ref
        if _get(checked, pointer)[0]:
            errors.append((message, pointer, False))
        else:  # keyword validators report paths relative to the schema they checked
            errors.append((message, locate(checked, pointer, message.partition(":")[2], placed) or "", True))
    listed: list[tuple[str, str, bool]] = []
    roots = sorted({r for _, p, _ in errors if p for r in [schema_root(p)] if r is not None})
    full: set[str] = set()
    for root in roots:
        more = [(m, p, False) for m, p in every_schema_error(_get(checked, root)[1], family, root)]
        if more:
            full.add(root)
            listed += more
    kept = [(m, p, rel) for m, p, rel in errors if not (rel and schema_root(p) in full)] + listed
    pointers = [p for _, p, _ in kept]
    for message, pointer, _ in kept:
        summary = message.endswith("is not valid under any of the given schemas") or "is not valid under any of the schemas listed" in message
        if summary and any(q.startswith(pointer + "/") for q in pointers if pointer):
            continue  # the errors inside it say what is wrong
        yield message, _site_of(document, document.data, pointer, inlined)
