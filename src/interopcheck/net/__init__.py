"""Network rules shared by every HTTP reader (the live client, the spec fetcher, the token endpoint).

Below `spec` and `live` in the layering, so both apply the same deadline, address and decoding rules.
"""
