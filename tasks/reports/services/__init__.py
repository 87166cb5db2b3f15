"""Report periods, department reports (build, fill in, submit, review) and the office ledger."""
