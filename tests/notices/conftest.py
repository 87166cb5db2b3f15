"""The notices' tests: a webhook and an SMTP server of their own (servers.py)."""

from tests.notices.servers import smtp_server, webhook  # noqa: F401 (fixtures)
