"""Certificates: PDF documents with a public verification page, issued singly or in batches."""
