"""Import workflows: parse an upload, build and validate the draft, review edits, import in one transaction."""
