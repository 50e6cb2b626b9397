"""The run history: every `check` recorded in one SQLite file, for regressions, diffs and trends over a contract's life.

Layering: below `report` and `engine` (which record and render), above `model`. Nothing here prints.
`store` opens, migrates and writes the file; `compare` diffs two runs; `trend` and `trend_html` draw a
supplier's runs over time.
"""
