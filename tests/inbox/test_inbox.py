"""待办: each role's waiting things come from the ledger's state, leave when done by anyone, link to
where they are acted on, and cost a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tasks.inbox.services import items as inbox
from tasks.ledger.services.extensions import decide_extension
from tasks.ledger.services.progress import record_progress, request_completion, return_task, verify_completion
from tasks.models import Channel, Delivery, Event, EventKind, Report, Task, TaskStatus
from tasks.notices.services.reading import mark_all_read
from tasks.reports.services.workflow import approve_report, return_report, submit_report
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    DocumentImportFactory,
    ExtensionRequestFactory,
    ReportFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def kinds(user) -> dict[str, int]:
    return {section.kind: section.total for section in inbox.sections(user)}


def fresh(task) -> Task:
    return Task.objects.get(pk=task.pk)


def test_a_completion_request_waits_for_the_office_until_verified(office, liaison, insurance_task):
    assert kinds(office) == {}
    request_completion(insurance_task, liaison, "已完成。")

    sections = inbox.sections(office)
    assert [(s.kind, s.total) for s in sections] == [("completion_request", 1)]
    item = sections[0].items[0]
    assert item.url == reverse("task_detail", args=[insurance_task.pk])
    assert item.task_id == insurance_task.pk
    assert inbox.count(office) == 1

    task = fresh(insurance_task)
    verify_completion(task, office, expected_version=task.version)
    assert kinds(office) == {}
    # The liaison hears of it: an unread decision, until read.
    assert kinds(liaison) == {"decided": 1}
    mark_all_read(liaison)
    assert kinds(liaison) == {}


def test_a_returned_task_waits_for_the_liaison_with_its_reason_until_they_report(
    office, liaison, insurance_task
):
    request_completion(insurance_task, liaison, "已完成。")
    task = fresh(insurance_task)
    return_task(task, office, reason="佐证材料不全", expected_version=task.version)

    returned = next(s for s in inbox.sections(liaison) if s.kind == "task_returned")
    assert returned.total == 1
    assert returned.items[0].detail == "佐证材料不全"

    record_progress(
        fresh(insurance_task), liaison, status=TaskStatus.IN_PROGRESS, percent=90, narrative="补充材料"
    )
    assert "task_returned" not in kinds(liaison)


def test_an_extension_request_waits_until_decided_by_anyone(
    office, liaison, insurance_task, insurance_bureau
):
    request = ExtensionRequestFactory(
        task=insurance_task,
        department=insurance_bureau,
        requested_by=liaison,
        requested_due_on=timezone.localdate() + datetime.timedelta(days=200),
        deadline__due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    extensions = next(s for s in inbox.sections(office) if s.kind == "extension_request")
    assert extensions.total == 1
    assert insurance_bureau.name in extensions.items[0].detail

    decide_extension(request, office, approve=False, comment="按期完成")
    assert "extension_request" not in kinds(office)
    assert kinds(liaison) == {"decided": 1}


def test_a_report_passes_between_the_department_and_the_office(office, liaison, insurance_bureau):
    report = ReportFactory(department=insurance_bureau, status=Report.Status.DONE)
    assert kinds(liaison) == {"report_due": 1}

    submit_report(report, liaison)
    assert kinds(liaison) == {}
    assert kinds(office) == {"report_submitted": 1}

    return_report(report, office, reason="第3项数据有误")
    assert kinds(office) == {}
    returned = next(s for s in inbox.sections(liaison) if s.kind == "report_returned")
    assert returned.items[0].detail == "第3项数据有误"
    assert returned.items[0].url == reverse("report_detail", args=[report.pk])

    submit_report(report, liaison)
    approve_report(report, office)
    assert kinds(office) == {}
    assert kinds(liaison) == {"decided": 1}


def test_imports_in_review_and_failed_deliveries_wait_for_the_office(office, zhengzhou, liaison, outsider):
    DocumentImportFactory(region=zhengzhou, created_by=office)
    event = Event.objects.create(kind=EventKind.TASK_VERIFIED, title="已销号", region=zhengzhou)
    failed = Delivery.objects.create(
        event=event, channel=Channel.EMAIL, address="a@example.cn", status=Delivery.Status.FAILED, error="550"
    )
    assert kinds(office) == {"import_review": 1, "delivery_failed": 1}
    # Another region's office sees neither.
    assert kinds(outsider) == {}
    failed.acknowledged_at = timezone.now()
    failed.save()
    assert kinds(office) == {"import_review": 1}


def test_the_leader_sees_overdue_tasks_in_scope(leader, outsider, insurance_task):
    DeadlineFactory(task=insurance_task, due_on=timezone.localdate() - datetime.timedelta(days=3))
    overdue = next(s for s in inbox.sections(leader) if s.kind == "overdue")
    assert overdue.total == 1
    assert overdue.more_url == reverse("task_list") + "?overdue=true"
    assert "overdue" not in kinds(outsider)


def test_the_inbox_page_and_home_show_the_items(client, office, liaison, insurance_task):
    request_completion(insurance_task, liaison, "已完成。")
    client.force_login(office)

    page = client.get(reverse("inbox")).content.decode()
    assert "Completion requests awaiting verification" in page
    assert reverse("task_detail", args=[insurance_task.pk]) in page
    assert "Waiting for you" in client.get(reverse("home")).content.decode()
    badge = client.get(reverse("inbox_badge")).content.decode()
    assert 'id="inbox-badge">1<' in badge

    client.force_login(liaison)
    assert "Nothing is waiting for you." in client.get(reverse("inbox")).content.decode()


def _lots(zhengzhou_document, insurance_bureau, liaison, n):
    for _ in range(n):
        task = TaskFactory(document=zhengzhou_document, status=TaskStatus.PENDING_VERIFICATION)
        AssignmentFactory(task=task, department=insurance_bureau)
        DeadlineFactory(task=task, due_on=timezone.localdate() - datetime.timedelta(days=5))
        ExtensionRequestFactory(
            task=task, department=insurance_bureau, requested_by=liaison, deadline__task=task
        )
        Task.objects.filter(pk=task.pk).update(returned_reason="补充")


@pytest.mark.parametrize("n", [1, 40])
def test_the_queries_do_not_grow_with_the_data(
    n, office, leader, liaison, zhengzhou_document, insurance_bureau, django_assert_max_num_queries
):
    _lots(zhengzhou_document, insurance_bureau, liaison, n)
    for user, sections in ((office, 6), (liaison, 6), (leader, 3)):
        user = type(user).objects.get(pk=user.pk)
        with django_assert_max_num_queries(sections + 2):
            inbox.count(user)
        with django_assert_max_num_queries(2 * sections + 4):
            inbox.sections(user)


def test_a_return_is_the_leading_departments_and_the_office_can_settle_it(
    office, liaison, other_liaison, insurance_task
):
    from tasks.ledger.services.editing import update_task

    request_completion(insurance_task, liaison, "已完成。")
    task = fresh(insurance_task)
    return_task(task, office, reason="佐证材料不全", expected_version=task.version)
    # 卫健委 cooperates: the return was not sent to it, and its own report does not answer it.
    assert "task_returned" not in kinds(other_liaison)
    record_progress(fresh(insurance_task), other_liaison, status=TaskStatus.IN_PROGRESS, percent=50)
    assert kinds(liaison).get("task_returned") == 1
    # The office closes the task by editing its status: nothing is left to answer.
    task = fresh(insurance_task)
    update_task(task, expected_version=task.version, user=office, status=TaskStatus.COMPLETED)
    assert "task_returned" not in kinds(liaison)


@pytest.mark.parametrize(
    ("today", "period"),
    [
        (datetime.date(2026, 3, 2), "2026-01"),  # February's report is not due yet: January's is the latest
        (datetime.date(2026, 3, 31), "2026-02"),
        (datetime.date(2026, 1, 5), "2025-11"),
    ],
)
def test_the_leaders_late_departments_are_of_the_latest_period_past_due(today, period):
    from tasks.reports.services.periods import due_date

    assert inbox.late_period(today) == period
    assert due_date(period) < today
