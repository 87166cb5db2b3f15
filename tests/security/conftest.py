"""Fixtures shared with the API tests."""

from tests.api_world import api_client  # noqa: F401
