"""The ledger's workflows, in transactions: office edits, progress, completion and extensions."""
