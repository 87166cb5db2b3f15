"""Pure openpyxl builders: rows in, .xlsx out (the task list, the department report, the ledger)."""
