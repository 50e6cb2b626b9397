"""The configuration of `check`: interopcheck.toml, or `[tool.interopcheck]` in pyproject.toml, and the report's record of it.

A pipeline should not have to pass ten flags, so every option of `check` can come from a config
file (read with tomllib, validated against the bundled `config.schema.json`) or from an
`INTEROPCHECK_<OPTION>` environment variable. The CLI feeds the file into click's defaults, so
click's own precedence holds: command-line flags > environment > config file > built-in defaults.
The report records where each setting came from (`settings_record`); no option holds a secret value
(secrets stay in the environment variables the `*-env` options name), and URLs are shown with any
user info or credential parameters masked.

Nothing here prints: a file that cannot be used raises InputError (exit 2) with the file, the line
when it can be found, the key and how to mend it, on one line.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from interopcheck.errors import InputError

CONFIG_FILE = "interopcheck.toml"
PYPROJECT = "pyproject.toml"
TABLE = "tool.interopcheck"
ENV_PREFIX = "INTEROPCHECK_"
#: Where a setting's value came from, as the report names it (click's ParameterSource, in words).
SOURCES = ("flag", "env", "config", "default")
#: Options given as comma-separated text on the command line that the file may also give as a list.
_COMMA_LISTS = ("format", "require-modules")


@dataclass(frozen=True)
class Config:
    """A read and validated config file: its path, how reports name it, and its values by option key."""

    path: Path
    label: str  # how reports name it: "interopcheck.toml", "ci/settings.toml" or "pyproject.toml [tool.interopcheck]"
    values: Mapping[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=1)
def config_schema() -> dict[str, Any]:
    """The bundled JSON Schema of a config file."""
    text = resources.files("interopcheck").joinpath("config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def option_keys() -> tuple[str, ...]:
    """Every key a config file may hold: `check`'s long option names without their dashes."""
    return tuple(config_schema()["properties"])


def env_var(key: str) -> str:
    """The environment variable for option `key`: base-url -> INTEROPCHECK_BASE_URL."""
    return ENV_PREFIX + key.upper().replace("-", "_")


def find_config(explicit: str | Path | None, cwd: Path | None = None) -> Path | None:
    """The config file to read: `explicit` (--config), else interopcheck.toml, else pyproject.toml in `cwd`."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise InputError(f"--config {path}: no such file; give the path of an interopcheck.toml or a pyproject.toml with [{TABLE}]")
        return path
    folder = Path(".") if cwd is None else cwd
    for name in (CONFIG_FILE, PYPROJECT):
        if (folder / name).is_file():
            return folder / name
    return None


def load_config(path: Path, *, required: bool = False) -> Config | None:
    """Read and validate `path`; None for a pyproject.toml without [tool.interopcheck] (an error when `required`)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise InputError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"config file {path} is not UTF-8 text; save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"config file {path} is not valid TOML: {exc}") from None
    in_pyproject = path.name == PYPROJECT
    label = f"{path} [{TABLE}]" if in_pyproject else str(path)
    if in_pyproject:
        table = data.get("tool", {}).get("interopcheck")
        if table is None:
            if required:
                raise InputError(f"{path} has no [{TABLE}] table; add one, or give an interopcheck.toml")
            return None
        data = table
    _validate(data, path, text, in_pyproject)
    return Config(path=path, label=label, values=_normalised(data, path.parent))


def _validate(data: Any, path: Path, text: str, in_pyproject: bool) -> None:
    """InputError naming the file, line and key of the first thing the schema refuses."""
    prefix = f"{TABLE}." if in_pyproject else ""
    if not isinstance(data, dict):
        raise InputError(f"{path}: [{TABLE}] must be a table of options, e.g. base-url = \"https://sandbox.example\"")
    known = option_keys()
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key.replace("_", "-"), known, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "see 'interopcheck check --help' for the options"
            raise InputError(f"{_where(path, text, key)}: unknown key '{prefix}{key}' ({hint})")
    import jsonschema

    validator = jsonschema.Draft202012Validator(config_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = errors[0]
        key = str(error.absolute_path[0]) if error.absolute_path else ""
        value = data.get(key)
        raise InputError(f"{_where(path, text, key)}: '{prefix}{key}' = {value!r} is not valid: {_reason(error, key)}")


def _reason(error: Any, key: str) -> str:
    """What the option `key` accepts, in words (jsonschema's oneOf messages say only that none matched)."""
    schema = config_schema()["properties"].get(key, {})
    ref = schema.get("$ref", "")
    if ref.endswith("/list"):
        return "give comma-separated text or a list of strings"
    if ref.endswith("/env"):
        return "give the name of an environment variable (the secret itself stays in the environment)"
    if key == "overlay":
        return "give a path or a list of paths"
    if key == "standards-year":
        return "give a start year (2025) or a collection year (\"2025/26\")"
    if schema.get("pattern") == "^https?://":
        return "give an http(s) URL"
    return error.message


def _where(path: Path, text: str, key: str) -> str:
    """`path:line` of `key`'s assignment when it can be found, else `path`."""
    if key:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.MULTILINE)
        match = pattern.search(text)
        if match:
            return f"{path}:{text.count(chr(10), 0, match.start()) + 1}"
    return str(path)


def _normalised(data: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """The file's values as the command line would give them: lists joined by commas, paths made relative to the file."""
    properties = config_schema()["properties"]
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _COMMA_LISTS and isinstance(value, list):
            value = ",".join(value)
        elif key == "overlay":
            value = [_path(v, base) for v in ([value] if isinstance(value, str) else value)]
        elif properties[key].get("x-path") or (key == "profile" and _looks_like_path(value)):
            value = _path(value, base)
        out[key] = value
    return out


def _looks_like_path(value: str) -> bool:
    return "/" in value or value.endswith((".yaml", ".yml"))


def _path(value: str, base: Path) -> str:
    """`value` relative to the config file's folder (URLs, absolute paths and - for standard output as they are)."""
    if "://" in value or value == "-" or Path(value).is_absolute():
        return value
    return str(base / value)


def settings_record(config: Config | None, entries: Iterable[tuple[str, Any, str]]) -> dict[str, Any]:
    """The report's `settings` section: the config file read, and each option's value and where it came from.

    `entries` are (option key, value, source) with source one of SOURCES. URL values are masked the way
    the report masks every URL; no option holds a secret (the `*-env` options hold variable names).
    """
    from interopcheck.live.redact import Redactor

    redactor = Redactor()
    options: dict[str, Any] = {}
    for key, value, source in entries:
        if source not in SOURCES:
            raise ValueError(f"unknown settings source {source!r}")
        options[key] = {"value": _plain(value, redactor), "source": source}
    return {"config_file": config.label if config is not None else None, "options": options}


def _plain(value: Any, redactor: Any) -> Any:
    """`value` as JSON: paths as text, tuples as lists, URLs masked."""
    if isinstance(value, (list, tuple)):
        return [_plain(v, redactor) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str) and "://" in value:
        return redactor.url(value)
    return value
