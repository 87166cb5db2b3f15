"""The instructions' workflows (instructing.py) and querysets (queries.py)."""
