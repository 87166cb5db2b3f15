"""The dashboard's figures (summary.py) and their cache (cache.py)."""
