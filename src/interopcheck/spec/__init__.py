"""The spec stage: load an API description safely, validate it, and index it once."""
