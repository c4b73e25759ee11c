"""Deficit analytics for those who decide: a school, a municipality, the region (issue 15)."""
