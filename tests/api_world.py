"""The API's test world (a plugin of tests/conftest.py, for tests/api/ and the features' API tests): clients signed in with a token per persona, and a task on each side of a scope.

own_task       郑州市 document, led by 郑州市医疗保障局 only: office, leader and liaison see it;
               other_liaison (卫健委) does not. A dated deadline, a target, a progress report with
               one evidence file.
foreign_task   长沙市 document, the same parts: nobody of 郑州市 sees it.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tasks.models import Assignment
from tests.api.openapi import SchemaCheckingClient
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    EvidenceFactory,
    ProgressUpdateFactory,
    TargetFactory,
    TaskFactory,
)

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


@pytest.fixture
def api_isolation(settings, tmp_path):
    """Every API test (tests/api/ and the features' test_api*.py, see tests/conftest.py): throttle
    counts live in the cache, which outlives a test's transaction; uploads go to the test's own folder."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    cache.clear()


def token_client(user) -> SchemaCheckingClient:
    """A client sending the user's token (none for None); every response is held to the schema."""
    client = SchemaCheckingClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api_client():
    """api_client(user) -> a client sending the user's token; api_client(None) -> anonymous."""
    return token_client


@pytest.fixture
def anonymous():
    return None


def later(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def furnish(task, department) -> None:
    """A lead department, a dated deadline, a target and a progress report with a PDF."""
    AssignmentFactory(task=task, department=department, role=Assignment.Role.LEAD)
    DeadlineFactory(task=task, due_on=later(60), text="两个月内", year=later(60).year)
    TargetFactory(task=task)
    update = ProgressUpdateFactory(task=task, department=department)
    EvidenceFactory(update=update, content=PDF)


@pytest.fixture
def own_task(zhengzhou_document, insurance_bureau):
    task = TaskFactory(document=zhengzhou_document, position=10, text="全面推进DRG/DIP支付方式改革（试点）。")
    furnish(task, insurance_bureau)
    return task


@pytest.fixture
def foreign_task(changsha_document, changsha_bureau):
    task = TaskFactory(document=changsha_document, position=10, text="推进医保基金智能监管。")
    furnish(task, changsha_bureau)
    return task
