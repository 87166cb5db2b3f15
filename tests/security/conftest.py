"""Fixtures shared with the API tests."""

from tests.api.conftest import api_client  # noqa: F401
