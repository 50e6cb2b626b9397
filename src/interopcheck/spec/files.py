"""Read an input file only when it is a regular file: never a FIFO, a device or a socket.

Opening a FIFO for reading blocks until a writer appears, and `/dev/zero` never ends, so a path given
on the command line or `$ref`d beside a spec is opened without blocking (`O_NONBLOCK`) and checked with
`fstat` on the very descriptor that is then read: nothing can be swapped in between the check and the
read. Shared by the spec stage, the YAML inputs (profiles, overlays, declarations), reports and keys,
each with its own error class.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from interopcheck.errors import InteropcheckError

NOT_REGULAR_HINT = "give the file itself, not a pipe, device or socket"


def read_regular_file(path: Path, *, max_bytes: int, label: str, error: type[InteropcheckError], max_hint: str) -> bytes:
    """The bytes of `path`, refused (as `error`, one line naming `label`) when it is not a regular file,
    cannot be opened, or holds more than `max_bytes` (`max_hint` says how to raise the limit)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise error(f"{label}: cannot read the file: no such file", hint="check the path") from None
    except PermissionError:
        raise error(f"{label}: cannot read the file: permission denied", hint="make the file readable") from None
    except IsADirectoryError:
        raise error(f"{label}: is a directory, not a file", hint="give the file") from None
    except (OSError, ValueError) as err:  # ValueError: a NUL byte in the path
        raise error(f"{label}: cannot read the file: {getattr(err, 'strerror', None) or err}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{label}: is a directory, not a file", hint="give the file")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{label}: not a regular file (a pipe, device or socket)", hint=NOT_REGULAR_HINT)
        if info.st_size > max_bytes:
            raise error(f"{label}: {info.st_size:,} bytes is over the limit of {max_bytes:,}", hint=max_hint)
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            raw = handle.read(max_bytes + 1)  # the file may have grown since fstat
    except OSError as err:
        raise error(f"{label}: cannot read the file: {err.strerror or err}") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(raw) > max_bytes:
        raise error(f"{label}: more than {max_bytes:,} bytes", hint=max_hint)
    return raw
