"""Bulk export machinery: streaming readers, downloads under limits, per-record validation and reconciliation.

The export checks (`checks/export_*.py`) reach all of it through `export.runner`, which scans each
entity's export once per run and shares the result through `ctx.cache`.
"""
