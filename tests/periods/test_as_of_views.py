"""The task list, the dashboard and the ledger workbook as of a closed period show the frozen values."""

import io

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from tasks.models import Report, Task
from tasks.reports.services.ledger import build_ledger, write_ledger
from tests.factories import AssignmentFactory, DeadlineFactory, TaskFactory
from tests.periods.conftest import NOVEMBER, OCTOBER, TODAY

TASK_LIST_QUERIES = 3 + 4 + 4
# As of a period: the closing (one query) and the page's frozen rows (one).
AS_OF_LIST_QUERIES = TASK_LIST_QUERIES + 2
DASHBOARD_QUERIES = 9


def login(client, user):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def closed(ledger, zhengzhou, office, close):
    """October closed with 卫健委's task in progress at 40%; completed since."""
    close(zhengzhou, office, OCTOBER)
    health = ledger[1]
    Task.objects.filter(pk=health.pk).update(status="completed", progress=100)
    return ledger


def by_pk(response):
    return {task.pk: task for task in response.context["tasks"]}


def test_the_task_list_as_of_a_period_shows_the_frozen_values(client, office, closed):
    insurance, health, _county = closed
    login(client, office)

    live = by_pk(client.get("/tasks/"))
    frozen_page = client.get("/tasks/", {"as_of": OCTOBER})
    frozen = by_pk(frozen_page)

    assert (live[health.pk].status, live[health.pk].progress) == ("completed", 100)
    assert (frozen[health.pk].status, frozen[health.pk].progress) == ("in_progress", 40)
    assert frozen[insurance.pk].light.colour == "red"
    body = frozen_page.content.decode()
    assert "As of 2026-10 (closed)" in body
    assert 'name="as_of" value="2026-10"' in body  # the filters keep the period


def test_a_task_created_after_the_closing_is_marked_not_in_the_ledger(
    client, office, closed, zhengzhou_document
):
    later = TaskFactory(document=zhengzhou_document)
    login(client, office)

    frozen = by_pk(client.get("/tasks/", {"as_of": OCTOBER}))

    assert frozen[later.pk].frozen is False
    assert frozen[later.pk].light.colour == "grey"


def test_a_period_not_closed_shows_the_live_list_and_says_why(client, office, closed):
    login(client, office)

    response = client.get("/tasks/", {"as_of": NOVEMBER})

    assert response.status_code == 200
    assert response.context["as_of_error"]
    assert by_pk(response)[closed[1].pk].status == "completed"


def test_a_liaison_gets_no_as_of_view(client, liaison, closed):
    login(client, liaison)

    response = client.get("/tasks/", {"as_of": OCTOBER})

    assert response.context["as_of_error"]
    assert response.context["closing"] is None


@pytest.mark.parametrize("count", [5, 60])
def test_the_as_of_task_list_takes_the_same_queries_whatever_the_size(
    client, office, zhengzhou, zhengzhou_document, close, count, django_assert_max_num_queries
):
    for _ in range(count):
        task = TaskFactory(document=zhengzhou_document)
        AssignmentFactory(task=task)
        DeadlineFactory(task=task)
    close(zhengzhou, office, OCTOBER)
    login(client, office)

    with django_assert_max_num_queries(AS_OF_LIST_QUERIES):
        response = client.get("/tasks/", {"as_of": OCTOBER, "status": "not_started"})
    assert len(response.context["tasks"]) == min(count, 50)


def test_the_dashboard_as_of_a_period_shows_the_frozen_totals_and_ranking(client, leader, closed):
    login(client, leader)

    response = client.get("/dashboard/", {"as_of": OCTOBER})

    assert response.status_code == 200
    totals = response.context["totals"]
    assert totals.total == 3
    assert totals.by_status.get("completed", 0) == 0  # completed only after the closing
    assert totals.overdue == 1
    names = [row.department for _rank, row in response.context["ranking"]]
    assert "郑州市卫生健康委员会" in names
    health = next(
        row for _rank, row in response.context["ranking"] if row.department == "郑州市卫生健康委员会"
    )
    assert health.completed == 0


def test_the_dashboard_of_a_period_not_closed_is_not_found(client, leader, closed):
    login(client, leader)

    assert client.get("/dashboard/", {"as_of": NOVEMBER}).status_code == 404


@pytest.mark.parametrize("count", [5, 60])
def test_the_as_of_dashboard_takes_at_most_nine_queries(
    client, office, leader, zhengzhou, zhengzhou_document, close, count, django_assert_max_num_queries
):
    for _ in range(count):
        task = TaskFactory(document=zhengzhou_document)
        AssignmentFactory(task=task)
        DeadlineFactory(task=task)
    close(zhengzhou, office, OCTOBER)
    Task.objects.update(progress=50)
    close(zhengzhou, office, NOVEMBER)
    login(client, leader)

    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get("/dashboard/", {"as_of": NOVEMBER})
    assert response.context["changes"].counts["progress_changed"] == count


def ledger_rows(region, **kwargs):
    buffer = io.BytesIO()
    with translation.override("en"):
        write_ledger(region, buffer, today=TODAY, period=OCTOBER, **kwargs)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    header = [cell.value for cell in sheet[3]]
    return {
        row[0]: dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=4, values_only=True)
    }


def test_the_ledger_workbook_as_of_a_period_reads_the_snapshot(zhengzhou, closed):
    health = closed[1]

    live = ledger_rows(zhengzhou)
    frozen = ledger_rows(zhengzhou, as_of=True)

    assert (live[health.pk]["Status"], live[health.pk]["Progress"]) == ("Completed", 1)
    assert (frozen[health.pk]["Status"], frozen[health.pk]["Progress"]) == ("In progress", 0.4)
    assert frozen[closed[0].pk]["Overdue"] == "Yes"


def test_the_ledger_build_of_a_closed_period_is_the_frozen_one(zhengzhou, closed, office, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = Report.objects.create(
        kind=Report.Kind.LEDGER, region=zhengzhou, period=OCTOBER, requested_by=office
    )

    assert build_ledger(report.pk, today=TODAY) == Report.Status.DONE

    report.refresh_from_db()
    sheet = openpyxl.load_workbook(report.file.path).worksheets[0]
    statuses = {row[0]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert statuses[closed[1].pk][10] == 0.4


def test_the_ledger_ranking_as_of_a_period_is_the_one_closed(zhengzhou, closed):
    buffer = io.BytesIO()
    with translation.override("en"):
        write_ledger(zhengzhou, buffer, today=TODAY, period=OCTOBER, as_of=True)
    ranking = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[1]
    rows = [row for row in ranking.iter_rows(values_only=True) if "郑州市卫生健康委员会" in row]

    # 卫健委 completed its task after October was closed: the frozen ranking counts none.
    assert rows
    header = next(row for row in ranking.iter_rows(values_only=True) if row and "Completed" in row)
    assert rows[0][header.index("Completed")] == 0


def test_export_ledger_as_of_a_period_not_closed_says_so(zhengzhou, ledger, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="2026-10"):
        call_command(
            "export_ledger", str(tmp_path / "out.xlsx"), region=zhengzhou.code, period=OCTOBER, as_of=True
        )
    assert not (tmp_path / "out.xlsx").exists()


def changes_sheet(region, period):
    buffer = io.BytesIO()
    with translation.override("en"):
        write_ledger(region, buffer, today=TODAY, period=period, as_of=True)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def test_the_ledger_as_of_a_period_has_a_sheet_of_what_changed_since_the_previous(
    zhengzhou, office, closed, close
):
    insurance, health, _county = closed  # October closed; 卫健委's task completed since
    Task.objects.filter(pk=insurance.pk).update(progress=70)
    close(zhengzhou, office, NOVEMBER)

    workbook = changes_sheet(zhengzhou, NOVEMBER)
    assert workbook.sheetnames == ["Ledger", "Ranking", "Changes"]
    sheet = workbook["Changes"]
    assert sheet["A2"].value.startswith("Compared with 2026-10: Newly completed: 1 task; ")
    header = [cell.value for cell in sheet[3]]
    assert header[0] == "Change"
    assert header[4] == "Status (before → after)"
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    by_change = {}
    for row in rows:
        by_change.setdefault(row[0], []).append(row)
    assert [(row[2], row[4], row[5]) for row in by_change["Newly completed"]] == [
        (health.text, "In progress → Completed", "40% → 100%")
    ]
    assert {(row[2], row[5]) for row in by_change["Progress changed"]} == {
        (health.text, "40% → 100%"),
        (insurance.text, "0% → 70%"),
    }
    # Nothing newly overdue in November: 医保局's task was overdue in October already.
    assert "Newly overdue" not in by_change
    # Every department with tasks and no November report is late.
    assert {row[2] for row in by_change["Report late"]} >= {"郑州市医疗保障局", "郑州市卫生健康委员会"}
    assert all(row[4] == "not submitted" for row in by_change["Report late"])


def test_the_first_closed_periods_sheet_of_changes_says_there_is_nothing_to_compare_with(zhengzhou, closed):
    sheet = changes_sheet(zhengzhou, OCTOBER)["Changes"]
    assert sheet["A2"].value.startswith("The first closed period: nothing to compare with")
    overdue = [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] == "Newly overdue"]
    assert [row[2] for row in overdue] == [closed[0].text]


def test_the_live_ledger_has_no_sheet_of_changes(zhengzhou, closed):
    buffer = io.BytesIO()
    write_ledger(zhengzhou, buffer, today=TODAY, period=OCTOBER)
    assert len(openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).sheetnames) == 2
