"""The ledger itself: the task list, 我的任务, the task page, office edits, progress reports, 销号,
extensions, evidence and the Excel export; their pages and API."""
