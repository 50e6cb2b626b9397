"""Requirement profiles: load and resolve them (`load`), render the tender annex (`render`), list coverage (`coverage`)."""
