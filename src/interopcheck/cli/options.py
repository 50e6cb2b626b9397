"""`check`'s option plumbing: the config file into click's defaults, INTEROPCHECK_* variables, where each setting
came from, the SPEC argument beside --spec, and the exit code under --fail-on and --static-only.

Kept out of `cli/check.py` so that module stays the command and its printing; nothing here prints or exits.
Reading and validating the file itself is `interopcheck.config`'s job.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import click

from interopcheck.errors import ExitCode, UsageError

#: click's ParameterSource as the report's settings name it.
SOURCE_NAMES = {"COMMANDLINE": "flag", "PROMPT": "flag", "ENVIRONMENT": "env", "DEFAULT_MAP": "config", "DEFAULT": "default"}
#: Exit codes from least to most severe, for the worst of several specs' runs.
_EXIT_SEVERITY = (ExitCode.CONFORMANT, ExitCode.INCOMPLETE, ExitCode.NOT_CONFORMANT)
_VERDICT_EXIT = {"conformant": ExitCode.CONFORMANT, "not_conformant": ExitCode.NOT_CONFORMANT}


class FiniteFloatRange(click.FloatRange):
    """A FloatRange that also refuses nan and inf (click's lets them through: `nan < min` is false), so a typo
    like `--rate inf` is a usage error before the run, not an OverflowError after it."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


def config_option(func: Any) -> Any:
    """`--config PATH` (eager, so the file becomes click's defaults before the other options are read)."""
    return click.option(
        "--config", "config", metavar="PATH", is_eager=True, expose_value=False, callback=read_config,
        help="Config file of these options (default: ./interopcheck.toml, else [tool.interopcheck] in ./pyproject.toml). "
        "Every option can also be set as INTEROPCHECK_<OPTION> (INTEROPCHECK_BASE_URL); flags win over the environment, which wins over the file.",
    )(func)


def exit_and_spec_options(func: Any) -> Any:
    """`--fail-on`, `--static-only`, `--no-reports` and the SPEC arguments of `check`."""
    opts = [
        click.option("--fail-on", type=click.Choice(["must", "should"]), default="must", show_default=True, help="What exits 1: a failed MUST, or (should) a failed MUST or SHOULD."),
        click.option("--static-only", is_flag=True, help="Judge the API description alone (no --base-url): requirements left untested for want of a sandbox do not make the exit 3, so only a failed MUST (or SHOULD, with --fail-on should) or an errored MUST fails the run. For pre-commit."),
        click.option("--no-reports", is_flag=True, help="Write no report files (nor a run history unless --history names one): print the verdict and the failures only."),
        click.argument("specs", nargs=-1, metavar="[SPEC]..."),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def read_config(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """`--config` (an eager callback): read the config file into click's defaults, so flags and INTEROPCHECK_* variables still win."""
    from interopcheck.config import find_config, load_config

    path = find_config(value)
    config = load_config(path, required=value is not None) if path is not None else None
    ctx.meta["interopcheck.config"] = config
    if config is not None:
        names = option_names(ctx.command)
        ctx.default_map = {**(ctx.default_map or {}), **{names[key]: v for key, v in config.values.items()}}
    return value


def option_names(command: click.Command) -> dict[str, str]:
    """Config key (the long option name without dashes) -> click parameter name, for `command`'s options."""
    names = {}
    for param in command.params:
        if isinstance(param, click.Option) and param.name:
            longest = max(param.opts, key=len)
            names[longest.lstrip("-")] = param.name
    return names


def add_env_vars(command: click.Command) -> None:
    """Give each option of `command` its INTEROPCHECK_<OPTION> environment variable."""
    from interopcheck.config import env_var

    for key, name in option_names(command).items():
        param = next(p for p in command.params if p.name == name)
        param.envvar = env_var(key)


def settings_of(ctx: click.Context, kw: dict[str, Any], *, positional: bool = False) -> dict[str, Any]:
    """Each configurable option's value and where it came from (flag, env, config, default), for the report.

    `positional`: the spec came from the SPEC argument (the command line), whatever --spec's source.
    """
    from interopcheck.config import option_keys, settings_record

    names = option_names(ctx.command)
    entries = []
    for key in option_keys():
        source = ctx.get_parameter_source(names[key])
        named = "flag" if key == "spec" and positional else SOURCE_NAMES.get(source.name, "default") if source else "default"
        entries.append((key, kw[names[key]], named))
    return settings_record(ctx.meta.get("interopcheck.config"), entries)


def spec_arguments(ctx: click.Context, kw: dict[str, Any]) -> tuple[str, ...]:
    """The API descriptions to check: the SPEC arguments, else --spec (from the flag, INTEROPCHECK_SPEC or the config file).

    Also refuses the options that do not go with them: --static-only with --base-url, --output with --no-reports or several SPECs.
    """
    given, option = tuple(kw["specs"]), kw["spec"]
    source = ctx.get_parameter_source("spec")
    if given and option is not None and source is not None and source.name == "COMMANDLINE" and given != (option,):
        raise UsageError(f"--spec {option} and the SPEC argument {' '.join(given)} differ", hint="give the API description once, as SPEC or as --spec")
    specs = tuple(dict.fromkeys(given)) if given else (option,) if option else ()
    if not specs:
        raise UsageError("no API description given", hint="interopcheck check openapi.yaml, or --spec, INTEROPCHECK_SPEC or spec in interopcheck.toml")
    if kw["static_only"] and kw.get("base_url"):
        raise UsageError("--static-only judges the API description alone, so it cannot go with --base-url", hint="drop one of them")
    if kw["no_reports"] and kw.get("output") is not None:
        raise UsageError("--no-reports writes no report, --output writes one", hint="drop one of them")
    for flag in ("bundle", "transcript"):
        if kw["no_reports"] and kw.get(flag):
            raise UsageError(f"--no-reports writes no files, --{flag} asks for one", hint="drop one of them")
    if kw.get("output") is not None and len(specs) > 1:
        raise UsageError(f"--output writes one report, and {len(specs)} SPECs were given", hint="give one SPEC, or drop --output to write each one's reports under --output-dir")
    return specs


def report_folders(specs: Sequence[str]) -> dict[str, str]:
    """A distinct sub-folder name per spec for a run of several: the file's stem (numbered when two share one)."""
    folders: dict[str, str] = {}
    for spec in specs:
        stem = Path(spec.split("?", 1)[0].rstrip("/")).stem or "spec"
        name, n = stem, 1
        while name in folders.values():
            n += 1
            name = f"{stem}-{n}"
        folders[spec] = name
    return folders


def check_exit(report: Any, fail_on: str, *, static_only: bool) -> int:
    """`check`'s exit code: 1 for a failed MUST (or SHOULD, with --fail-on should), else by the verdict.

    With --static-only an untested requirement is expected (there is no sandbox), so only an errored MUST makes it 3.
    """
    levels = ("MUST",) if fail_on == "must" else ("MUST", "SHOULD")
    if any(o.level.value in levels and o.status.value in ("fail", "warn") for o in report.outcomes):
        return ExitCode.NOT_CONFORMANT
    if static_only:
        errored = any(o.level.value == "MUST" and o.status.value == "error" for o in report.outcomes)
        return ExitCode.INCOMPLETE if errored else ExitCode.CONFORMANT
    return _VERDICT_EXIT.get(report.verdict.value, ExitCode.INCOMPLETE)


def worst_exit(codes: Iterable[int]) -> int:
    """The exit code of several specs' runs: 1 if any MUST failed, else 3 if any was incomplete, else 0."""
    return max(codes, key=_EXIT_SEVERITY.index)


def with_value_source(message: str, exc: click.ClickException) -> str:
    """click's message for a bad value, saying where a value the user did not type came from (a variable, the config file)."""
    ctx, param = getattr(exc, "ctx", None), getattr(exc, "param", None)
    source = ctx.get_parameter_source(param.name) if ctx is not None and param is not None and param.name else None
    if source is None or source.name not in ("ENVIRONMENT", "DEFAULT_MAP"):
        return message
    where = param.envvar if source.name == "ENVIRONMENT" else "the config file"
    named = param.get_error_hint(ctx)
    return message.replace(f"{named}:", f"{named} (from {where}):", 1)
