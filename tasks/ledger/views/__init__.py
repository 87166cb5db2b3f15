"""The ledger's pages; each module holds one screen's views."""
