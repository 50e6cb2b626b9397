"""Tenant Satisfaction Measures computed from the exported records (issue 14).

Below `checks`, beside `export`: the export scan feeds each record of an entity a measure needs to a
`tally` (counts and per-property flags, never records), and the `returns.tsm` check turns the
tallies into measures. The definitions are data (standards/returns/tsm.json), not code. This package
imports nothing above `entities`/`resources`, so `export` can hand its scans a tally.
"""
