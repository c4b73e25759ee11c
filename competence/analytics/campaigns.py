"""Diagnostic campaigns are school years: a result belongs to the year it was submitted in.

A Russian school year runs from 1 September to 31 August; the region runs one diagnostic
campaign a year, so trends are drawn by school year (2025/26), not by calendar year.
"""

from datetime import date, datetime

# The month a school year starts in.
FIRST_MONTH = 9


def school_year(when: date | datetime) -> int:
    """Return the calendar year a school year starts in: 2025 for 15 March 2026."""
    return when.year if when.month >= FIRST_MONTH else when.year - 1


def school_year_label(year: int) -> str:
    """Return a school year as people write it: 2025/26."""
    return f"{year}/{(year + 1) % 100:02d}"
