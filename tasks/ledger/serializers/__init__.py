"""The ledger's API representations, one module per resource."""
