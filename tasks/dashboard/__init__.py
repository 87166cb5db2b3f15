"""The leaders' and offices' dashboard: the summary, its cache and warm-up, the page and the API."""
