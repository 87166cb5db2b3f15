"""Honest status: a returned task reads 已退回 with the office's reason, and a task whose extension was
refused reads 延期未获批准 with the office's comment — in 我的任务, the task list and the task page —
until the department answers (reports again, or asks again), at no extra query."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tasks.ledger.services.extensions import decide_extension, request_extension
from tasks.ledger.services.progress import record_progress, request_completion, return_task
from tasks.models import Task, TaskStatus
from tests.factories import AssignmentFactory, DeadlineFactory, TaskFactory

pytestmark = pytest.mark.django_db

REASON = "佐证材料不全，请补充验收报告。"
COMMENT = "国家文件已出台，不予延期。"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def row_of(page: str, task) -> str:
    link = f'href="/tasks/{task.pk}/"'
    rows = [row for row in page.split("<tr") if link in row]
    assert len(rows) == 1, task
    return rows[0]


def pages(client, liaison, task) -> dict[str, str]:
    """What the liaison sees of the task in each place: its row of 我的任务 and of the list, its page."""
    login(client, liaison)
    return {
        "mine": row_of(client.get(reverse("my_tasks")).content.decode(), task),
        "list": row_of(client.get(reverse("task_list")).content.decode(), task),
        "page": client.get(reverse("task_detail", args=[task.pk])).content.decode(),
    }


@pytest.fixture
def returned(liaison, office, insurance_task):
    request_completion(insurance_task, liaison, "任务已完成。")
    task = Task.objects.get(pk=insurance_task.pk)
    return return_task(task, office, reason=REASON, expected_version=task.version)


@pytest.fixture
def refused(liaison, office, insurance_task):
    DeadlineFactory(task=insurance_task)
    request = request_extension(
        insurance_task, liaison, requested_due_on=datetime.date(2099, 6, 30), reason="配套文件未出台。"
    )
    decide_extension(request, office, approve=False, comment=COMMENT)
    return Task.objects.get(pk=insurance_task.pk)


class TestReturned:
    def test_it_reads_returned_with_the_reason_everywhere(self, client, liaison, returned):
        assert (returned.status, returned.progress) == (TaskStatus.IN_PROGRESS, 100)
        for place, html in pages(client, liaison, returned).items():
            assert "mark-returned" in html, place
            assert REASON in html, place

    def test_it_reads_so_until_the_liaison_reports_again(self, client, liaison, returned):
        record_progress(
            returned, liaison, status=TaskStatus.IN_PROGRESS, percent=90, narrative="补充材料中。"
        )

        for place, html in pages(client, liaison, returned).items():
            assert "mark-returned" not in html, place
            assert "returned-reason" not in html, place  # the reason stays in the history only

    def test_a_cooperating_departments_report_does_not_answer_it(self, other_liaison, returned):
        record_progress(
            returned, other_liaison, status=TaskStatus.IN_PROGRESS, percent=90, narrative="配合中。"
        )

        assert Task.objects.get(pk=returned.pk).returned_reason == REASON


class TestExtensionRefused:
    def test_it_reads_extension_not_approved_with_the_comment_everywhere(self, client, liaison, refused):
        assert refused.extension_refused_comment == COMMENT
        for place, html in pages(client, liaison, refused).items():
            assert "Extension not approved" in html, place
            assert COMMENT in html, place

    def test_a_report_by_the_department_answers_it(self, client, liaison, refused):
        record_progress(
            refused, liaison, status=TaskStatus.IN_PROGRESS, percent=30, narrative="按原期限推进。"
        )

        assert Task.objects.get(pk=refused.pk).extension_refused_comment == ""
        for place, html in pages(client, liaison, refused).items():
            assert "mark-extension-refused" not in html, place

    def test_asking_again_answers_it(self, liaison, refused):
        request_extension(
            refused, liaison, requested_due_on=refused.due_on.replace(year=2099), reason="再次申请。"
        )

        assert Task.objects.get(pk=refused.pk).extension_refused_comment == ""

    def test_the_offices_own_report_does_not(self, office, refused):
        record_progress(refused, office, status=TaskStatus.IN_PROGRESS, percent=30, narrative="办公室代报。")

        assert Task.objects.get(pk=refused.pk).extension_refused_comment == COMMENT

    def test_an_approved_extension_leaves_no_mark(self, liaison, office, insurance_task):
        DeadlineFactory(task=insurance_task)
        request = request_extension(
            insurance_task, liaison, requested_due_on=datetime.date(2099, 6, 30), reason="配套文件未出台。"
        )
        decide_extension(request, office, approve=True, comment="同意。")

        assert Task.objects.get(pk=insurance_task.pk).extension_refused_comment == ""


@pytest.mark.parametrize("count", [3, 30])
def test_the_marks_cost_no_query(
    client, liaison, insurance_bureau, zhengzhou_document, count, django_assert_max_num_queries
):
    for n in range(count):
        task = TaskFactory(
            document=zhengzhou_document, returned_reason=f"退回{n}", extension_refused_comment="不予延期"
        )
        AssignmentFactory(task=task, department=insurance_bureau)
    login(client, liaison)

    with django_assert_max_num_queries(5):
        mine = client.get(reverse("my_tasks")).content.decode()
    with django_assert_max_num_queries(11):
        listed = client.get(reverse("task_list")).content.decode()

    assert mine.count("mark-returned") == count
    assert listed.count("mark-extension-refused") == min(count, 50)
