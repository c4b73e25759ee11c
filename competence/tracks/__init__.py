"""Recommendations and individual development tracks (ИОМ) built from deficits."""
