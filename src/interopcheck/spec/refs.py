"""Which local files a description's `$ref`s may make the spec stage read.

A description read from a local file may `$ref` files only inside its own folder tree (the
directory of the root file and below, after resolving `..` and symlinks). A description
fetched by URL, and every document fetched over the network, may `$ref` no local file at
all. A refused reference is never read: like a `$ref` to a missing file, it is left for
validation to report as unresolvable.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

OUTSIDE_FOLDER = "it points outside the spec's folder, so it was not read"
FROM_NETWORK = "a document fetched by URL may not $ref local files, so it was not read"
UNRESOLVABLE = "it names no usable local path, so it was not read"
REFUSALS = (OUTSIDE_FOLDER, FROM_NETWORK, UNRESOLVABLE)  # every reason `refusal` can give


@dataclass(frozen=True)
class LocalRef:
    """Where a `file:` `$ref` target leads: the resolved `path` to read, or why it is `refused`."""

    path: Path | None
    refused: str = ""


def join_ref(base_uri: str, target: str) -> str:
    """`target` (a `$ref` without its fragment) resolved against `base_uri`; a reference that is no
    URI at all (`http://[oops`) gives an `invalid:` URI that names no document, so it is left dangling
    for validation to report instead of crashing the spec stage."""
    try:
        return urljoin(base_uri, target)
    except ValueError:
        return "invalid:" + quote(target, safe="")


def spec_folder(base_uri: str) -> Path | None:
    """The resolved folder of a root description read from a local file; None when fetched by URL."""
    parts = urlsplit(base_uri)
    if parts.scheme.lower() != "file":
        return None
    try:
        return Path(unquote(parts.path)).resolve().parent
    except (OSError, RuntimeError, ValueError):
        return None


def local_ref(target_uri: str, referrer_uri: str, folder: Path | None) -> LocalRef:
    """Check the `file:` URI `target_uri`, `$ref`d from the document at `referrer_uri`, against
    `folder` (from `spec_folder`): a path inside it may be read, anything else is refused."""
    if folder is None or urlsplit(referrer_uri).scheme.lower() != "file":
        return LocalRef(None, FROM_NETWORK)
    parts = urlsplit(target_uri)
    if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
        return LocalRef(None, UNRESOLVABLE)
    try:
        path = Path(unquote(parts.path)).resolve()  # `..` and every symlink on the way
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
        return LocalRef(None, UNRESOLVABLE)
    if not path.is_relative_to(folder):
        return LocalRef(None, OUTSIDE_FOLDER)
    return LocalRef(path)


def refusal(root_uri: str, referrer_uri: str, target_uri: str) -> str:
    """Why the spec stage did not read the local document `target_uri` ("" when it may be read),
    for a `$ref` in the document at `referrer_uri` of the description at `root_uri`."""
    if urlsplit(target_uri).scheme.lower() != "file":
        return ""
    return local_ref(target_uri, referrer_uri, spec_folder(root_uri)).refused
