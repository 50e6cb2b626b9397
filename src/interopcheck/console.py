"""What the CLI may print of outside data: secrets masked, and no escape sequence or control character.

A spec, a sandbox, a spec server or a bundle can put ANSI escape sequences (ESC or the one-byte
C1 CSI) in text the CLI prints; printed raw they can clear or retitle the evaluator's terminal and
hide or fake lines of the verdict. The CLI layer (`cli/`) prints every such line through `printable`.
"""

from __future__ import annotations

import re
from typing import Any

#: ANSI/ECMA-48 escape sequences (CSI, OSC, DCS/PM/APC/SOS strings, two-byte escapes), in their 7-bit and C1 forms.
_ESCAPE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
#: What is left after them: C0 controls but tab and newline, DEL, and C1 controls.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without escape sequences and control characters (tabs and newlines kept)."""
    return _CONTROL_RE.sub("", _ESCAPE_RE.sub("", text))


def printable(text: str, redactor: Any = None) -> str:
    """`text` safe to print: secrets masked (the run's `redactor`, else credentials written in URLs), and escape
    sequences and control characters removed (tabs and newlines kept)."""
    from interopcheck.live.redact import Redactor

    return strip_controls((redactor or Redactor()).text(text) or "")
