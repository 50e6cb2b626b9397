"""`python -m interopcheck` runs the CLI."""

from __future__ import annotations

from interopcheck.cli import main

if __name__ == "__main__":
    main()
