"""待办: what waits for each person, from the ledger's state."""
