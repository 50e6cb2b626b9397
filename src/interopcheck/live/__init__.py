"""Live sandbox testing: the safe HTTP client, credentials, redaction, HAR transcripts, schemathesis."""
