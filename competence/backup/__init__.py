"""Backups of the whole portal (database with uploaded evidence, certificates and letters)."""
