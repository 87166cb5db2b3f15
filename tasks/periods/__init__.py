"""Reporting periods: closing a month for a region, its snapshot, and the "as of" views."""
