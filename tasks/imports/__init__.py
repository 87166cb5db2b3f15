"""Importing policy documents: upload, parse, a reviewable draft, the review screen, the import itself."""
