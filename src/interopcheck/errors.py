"""The project's error tree: every error knows the exit code it ends a run with.

Library exceptions are caught where they enter (loaders, the HTTP client, validators)
and re-raised as one of these, so the CLI layer (`cli/`) can print one line and exit with the code.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The documented exit codes of every command."""

    CONFORMANT = 0
    NOT_CONFORMANT = 1
    BAD_INPUT = 2
    INCOMPLETE = 3
    INTERNAL = 4


class InteropcheckError(Exception):
    """Base of every error the tool raises on purpose; `str(err)` is the one-line message."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(InteropcheckError):
    """Options that do not fit together, or a value of the wrong shape."""

    exit_code = ExitCode.BAD_INPUT


class InputError(InteropcheckError):
    """An input file or URL that cannot be used: missing, unreadable, not what it claims."""

    exit_code = ExitCode.BAD_INPUT


class SpecReadError(InputError):
    """The API description cannot be read as one at all (not JSON/YAML, not OpenAPI, too big)."""


class ProfileError(InputError):
    """A profile or overlay that is invalid YAML, breaks its schema or names unknown things."""


class DeclarationError(InputError):
    """A supplier declaration that is invalid YAML or breaks its schema."""


class StandardsError(InteropcheckError):
    """A bundled standard schema that does not load or compile: a defect of the tool."""

    exit_code = ExitCode.INTERNAL


class RegistryError(InteropcheckError):
    """Two checks registered under one ID, or a lookup of an ID that does not exist."""

    exit_code = ExitCode.INTERNAL


class LiveError(InteropcheckError):
    """The sandbox could not be used (unreachable, auth failed): the verdict is unknown."""

    exit_code = ExitCode.INCOMPLETE


class AuthError(LiveError):
    """Credentials were missing or the token endpoint refused them."""


class WriteRefused(LiveError):
    """A live check tried a method other than GET/HEAD without `--allow-writes`."""


class ReportError(InteropcheckError):
    """A report that cannot be written, read back, or verified."""

    exit_code = ExitCode.BAD_INPUT


class HistoryError(InputError):
    """The run history (a SQLite file) cannot be opened, read or written: a path to mend, not a defect."""


class CheckSkipped(Exception):
    """Raised inside a check when a precondition is missing; becomes a `skip` outcome."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CheckNotApplicable(Exception):
    """Raised inside a check when it does not apply to this API; becomes `not_applicable`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
