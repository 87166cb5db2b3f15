"""逾期完成: a task completed after its due date says so everywhere it is shown — its light, the task
list and its export, the task page, 我的任务, the dashboard figure and the list it links to, the office
ledger — and the ranking's on-time rate leaves it out, all by one rule: the completion day (the last
verification, local time) after the due date."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from tasks.dashboard.services.summary import dashboard_summary
from tasks.ledger.filtersets import TaskFilterSet
from tasks.ledger.lights import compute_light, light_for
from tasks.models import Task, TaskChange, TaskStatus
from tasks.reports.services.ledger import ranking_for, write_ledger
from tasks.workbooks.task_list import HEADER_ROW
from tests.factories import DeadlineFactory, TaskChangeFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 6, 30)
TODAY = datetime.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def completed(task, verified_at: datetime.datetime, due: datetime.date | None = DUE) -> Task:
    if due is not None:
        DeadlineFactory(task=task, due_on=due, text="2026年6月底前")
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.COMPLETED, progress=100)
    change = TaskChangeFactory(
        task=task,
        action=TaskChange.Action.VERIFIED,
        changes={"status": ["pending_verification", "completed"]},
    )
    TaskChange.objects.filter(pk=change.pk).update(created_at=verified_at)
    return Task.objects.get(pk=task.pk)


@pytest.fixture
def late(insurance_task):
    """Verified half an hour into the day after the due date (local time): late, though still the
    due date in UTC."""
    return completed(insurance_task, local(DUE + datetime.timedelta(days=1), 0, 30))


@pytest.fixture
def on_time(health_task):
    """Verified late on the due date itself: on time."""
    return completed(health_task, local(DUE, 23, 30))


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def row_of(page: str, task) -> str:
    """The task-list table row linking to the task."""
    link = f'href="/tasks/{task.pk}/"'
    rows = [row for row in page.split("<tr") if link in row]
    assert len(rows) == 1, task
    return rows[0]


def column(sheet, header_row: int, header: str) -> dict[str, str]:
    """{task text: cell} of the column under `header`."""
    headers = [cell.value for cell in sheet[header_row]]
    status, text = headers.index(header), headers.index("Task text")
    return {
        row[text]: row[status]
        for row in sheet.iter_rows(min_row=header_row + 1, values_only=True)
        if row[text] is not None
    }


def test_the_light_says_completed_late(late, on_time):
    lights = {task.pk: light_for(task, TODAY) for task in Task.objects.with_schedule(TODAY)}

    assert (lights[late.pk].colour, lights[late.pk].reason, lights[late.pk].late) == (
        "green",
        "Completed late",
        True,
    )
    assert (lights[on_time.pk].colour, lights[on_time.pk].reason, lights[on_time.pk].late) == (
        "green",
        "Completed",
        False,
    )


@pytest.mark.parametrize(("late", "reason"), [(True, "Completed late"), (False, "Completed")])
def test_the_pure_rule_reads_the_annotation(late, reason):
    light = compute_light(
        status=TaskStatus.COMPLETED,
        progress=100,
        due_on=DUE,
        next_due_on=None,
        starts_on=None,
        today=TODAY,
        completed_late=late,
    )
    assert (light.colour, light.reason, light.late) == ("green", reason, late)


def test_a_completed_task_without_a_due_date_is_not_late(insurance_task):
    task = completed(insurance_task, local(DUE, 10), due=None)

    assert not Task.objects.with_schedule(TODAY).get(pk=task.pk).completed_late


def test_a_task_completed_by_an_edit_is_judged_by_its_last_update(insurance_task):
    DeadlineFactory(task=insurance_task, due_on=DUE)
    Task.objects.filter(pk=insurance_task.pk).update(
        status=TaskStatus.COMPLETED, updated_at=local(DUE + datetime.timedelta(days=3), 9)
    )

    assert Task.objects.with_schedule(TODAY).get(pk=insurance_task.pk).completed_late


def test_the_task_list_and_its_filter(client, office, late, on_time, county_task):
    page = login(client, office).get(reverse("task_list")).content.decode()

    assert "Completed late" in row_of(page, late)
    assert "Completed late" not in row_of(page, on_time)
    assert "status-completed-late" not in row_of(page, county_task)

    tasks = Task.objects.visible_to(office).with_schedule(TODAY)
    assert list(TaskFilterSet({"completed_late": "true"}, tasks, user=office).qs) == [late]
    assert late not in TaskFilterSet({"completed_late": "false"}, tasks, user=office).qs


def test_the_export_cell(client, office, late, on_time):
    response = login(client, office).get(reverse("task_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active

    statuses = column(sheet, HEADER_ROW, "Status")
    assert statuses[late.text] == "Completed late"
    assert statuses[on_time.text] == "Completed"
    assert column(sheet, HEADER_ROW, "Traffic light")[late.text] == "Green: Completed late"


def test_the_task_page_and_my_tasks(client, liaison, late):
    page = login(client, liaison).get(reverse("task_detail", args=[late.pk])).content.decode()
    assert "Green: Completed late" in page
    assert "status-completed-late" in page

    mine = client.get(reverse("my_tasks")).content.decode()
    assert "Completed late" in row_of(mine, late)


def test_the_dashboard_figure_and_the_list_it_links_to(client, office, late, on_time):
    totals = dashboard_summary(office, today=TODAY).totals

    assert (totals.completed.value, totals.completed_late.value) == (2, 1)
    assert totals.completed_late.query == "completed_late=true"
    page = login(client, office).get(reverse("dashboard")).content.decode()
    assert "?completed_late=true" in page
    listed = client.get(f"{reverse('task_list')}?{totals.completed_late.query}").content.decode()
    assert f'href="/tasks/{late.pk}/"' in listed
    assert f'href="/tasks/{on_time.pk}/"' not in listed


def test_the_ledger_cell_and_the_ranking(zhengzhou, insurance_bureau, health_commission, late, on_time):
    out = io.BytesIO()
    write_ledger(zhengzhou, out, today=TODAY, period="2026-08")
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["Ledger"]

    statuses = column(sheet, 3, "Status")
    assert statuses[late.text] == "Completed late"
    assert statuses[on_time.text] == "Completed"

    figures = {f.department: f for f in ranking_for(zhengzhou, today=TODAY, period="2026-08").departments}
    insurance, health = figures[insurance_bureau.name], figures[health_commission.name]
    assert (insurance.completed, insurance.completed_with_due, insurance.completed_on_time) == (1, 1, 0)
    assert insurance.on_time_rate == 0
    assert (health.completed, health.completed_with_due, health.completed_on_time) == (1, 1, 1)


def test_every_place_agrees(office, zhengzhou, late, on_time):
    """One late task, one on time: the filter, the dashboard, the ledger and the on-time count agree."""
    tasks = Task.objects.visible_to(office).with_schedule(TODAY)
    by_light = {t.pk for t in tasks if light_for(t, TODAY).reason == "Completed late"}
    by_filter = {t.pk for t in TaskFilterSet({"completed_late": "true"}, tasks, user=office).qs}
    late_count = dashboard_summary(office, today=TODAY).totals.completed_late.value
    ranking = ranking_for(zhengzhou, today=TODAY, period="2026-08").departments
    # Each task has one leading department: completed with a due date, less on time, is the late ones.
    late_by_ranking = sum(f.completed_with_due - f.completed_on_time for f in ranking)

    assert by_light == by_filter == {late.pk}
    assert late_count == late_by_ranking == 1


def test_the_api_says_completed_late(api_client, office, late, on_time):
    rows = {row["id"]: row for row in api_client(office).get("/api/v1/tasks/").json()["results"]}

    assert rows[late.pk]["completed_late"] is True
    assert rows[on_time.pk]["completed_late"] is False
