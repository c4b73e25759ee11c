"""Diagnostic instruments: the YAML format, validation, versions, authoring by methodists."""
