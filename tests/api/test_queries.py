"""The number of queries of every list (and of the one-object pages with lists inside) does not grow with
the number of rows: counted on a small ledger, then held to at ten times the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.models import Assignment, ExtensionRequest
from tests.api.openapi import openapi
from tests.factories import (
    AssignmentFactory,
    CountyFactory,
    DeadlineFactory,
    DepartmentAliasFactory,
    DepartmentFactory,
    DocumentImportFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    PolicyDocumentFactory,
    ProgressUpdateFactory,
    ReportFactory,
    TargetFactory,
    TargetReadingFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

# The most any of them may take: authentication, a count, the page and its prefetches.
QUERY_BUDGET = 8


@pytest.fixture
def ledger(zhengzhou_document, zhengzhou, insurance_bureau, health_commission, office, own_task):
    positions = iter(range(100, 1000))

    def grow(rows: int) -> None:
        for _ in range(rows):
            task = TaskFactory(document=zhengzhou_document, position=next(positions))
            AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.LEAD)
            AssignmentFactory(task=task, department=health_commission, role=Assignment.Role.COOPERATING)
            DeadlineFactory.create_batch(2, task=task)
            TargetFactory.create_batch(2, task=task)
            PolicyDocumentFactory(region=zhengzhou)
            department = DepartmentFactory(region=zhengzhou)
            DepartmentAliasFactory.create_batch(2, department=department)
            ReportFactory(
                department=department,
                period="2026-10",
                requested_by=office,
                submitted_by=office,
                reviewed_by=office,
                file="reports/2026-10/department.xlsx",
            )
            CountyFactory(parent=zhengzhou)
            DocumentImportFactory(region=zhengzhou, created_by=office)
            update = ProgressUpdateFactory(task=own_task, department=insurance_bureau)
            EvidenceFactory.create_batch(2, update=update)
            TargetReadingFactory(update=update, target=own_task.targets.first())
            ExtensionRequestFactory(
                task=own_task, deadline=own_task.deadlines.first(), status=ExtensionRequest.Status.REFUSED
            )

    return grow


def count(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = len(body["results"]) if "results" in body else len(body.get("outline", []))
    return len(queries), rows


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tasks/",
        "/api/v1/tasks/?status=not_started&q=任务&ordering=-due_on&due_after=2000-01-01&targets_without_actual=true",
        "/api/v1/documents/",
        "/api/v1/regions/",
        "/api/v1/departments/",
        "/api/v1/assignments/",
        "/api/v1/deadlines/",
        "/api/v1/targets/",
        "/api/v1/document-imports/",
        "/api/v1/reports/",
        "/api/v1/reports/?period=2026-10&kind=department&status=queued",
        "/api/v1/tasks/{own_task}/progress/",
        "/api/v1/tasks/{own_task}/extensions/",
        "/api/v1/tasks/{own_task}/",
        "/api/v1/documents/{document}/",
    ],
)
def test_queries_do_not_grow_with_the_rows(
    api_client, office, ledger, own_task, url, django_assert_max_num_queries
):
    url = url.format(own_task=own_task.pk, document=own_task.document_id)
    client = api_client(office)
    openapi()  # the schema checker's schema, built before counting
    ledger(2)
    small, small_rows = count(client, url)
    assert small <= QUERY_BUDGET
    ledger(20)
    with django_assert_max_num_queries(small):
        large, large_rows = count(client, url)
    if small_rows:
        assert large_rows > small_rows, "the larger ledger lists more rows"
