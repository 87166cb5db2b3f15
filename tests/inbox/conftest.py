import pytest
from django.conf import settings


@pytest.fixture
def client(client):
    """The pages in English, as the assertions read them."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
