"""Workbooks: pure builders (rows in, bytes out) and the helpers that turn querysets into rows."""
