"""Where the bundled data lives: the standards, the profiles, the sandbox's files.

`standards/` and `profiles/` sit at the top of the repository for people to read; the package
reaches them through the `data/` symlinks so an installed copy finds them too.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_DATA = _PACKAGE / "data"


def standards_dir() -> Path:
    """The folder of the bundled JSON Schemas."""
    return _DATA / "standards"


def profiles_dir() -> Path:
    """The folder of the bundled profiles (one sub-folder per profile)."""
    return _DATA / "profiles"


def display_path(path: str | Path) -> str:
    """`path` as a report shows it: a bundled file as `interopcheck/...`, so reports do not depend on where it is installed."""
    try:
        return "interopcheck/" + Path(path).resolve().relative_to(_PACKAGE).as_posix()
    except (OSError, ValueError):
        return str(path)
