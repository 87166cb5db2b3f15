"""The API's documentation pages get the inline styles Swagger UI and ReDoc set; nothing else does."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/docs/redoc/"])
def test_the_docs_pages_allow_inline_styles_but_not_inline_scripts(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "worker-src 'self' blob:" in policy
    assert "script-src 'self';" in policy or policy.endswith("script-src 'self'")


def test_the_portal_pages_keep_the_strict_policy(client):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    assert "style-src 'self';" in policy or policy.endswith("style-src 'self'")
    assert "unsafe-inline" not in policy.split("style-src-attr")[0]
