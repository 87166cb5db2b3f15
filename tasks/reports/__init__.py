"""Department reports (月报), the office ledger (台账) and ranking (通报): periods, builds, filling in,
the review workflow; their pages and API."""
