"""Report writers: the canonical JSON report, its schema, and the formats rendered from it."""

from __future__ import annotations
