"""Statutory returns a housing system produces from its own data: the CORE lettings log and the H-CLIC return.

Below `checks` and beside `export` in the layering: this package reads a downloaded return (CORE's
bulk-upload CSV, the H-CLIC quarterly content), validates it against the facts bundled under
`standards/returns/` (each cited to its source) and reconciles it with standard records the caller
gives. It makes no requests: the checks fetch, this package judges.
"""
