"""The ledger's REST resources: tasks, their parts, progress, completion, extensions, evidence, documents."""
