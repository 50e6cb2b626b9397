"""The command line (a click group): the only layer that prints or exits.

`app` holds the group and the entry point; each other module adds its commands to the group when
imported, so importing this package registers every command.
"""

from __future__ import annotations

from interopcheck.cli import declaration, documents, sandbox  # noqa: F401 - importing them registers their commands
from interopcheck.cli.app import SANDBOX_PRODUCTS, cli, main
from interopcheck.cli.check import check, scope_lines
from interopcheck.cli.history import history

cli.add_command(history)

__all__ = ["SANDBOX_PRODUCTS", "check", "cli", "main", "scope_lines"]
