"""Municipalities, schools and the identification of ШНРО / ШНСУ."""
