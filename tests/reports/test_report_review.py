"""Reviewing what was submitted: the liaison saves a draft, records and submits; the office sees the
rows against last month's report, returns one row with a reason; the liaison sees it where they
correct, corrects and submits again; the office approves. And the pages' query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import Event, ProgressUpdate, Report, ReportRowReturn, TaskStatus
from tasks.reports.services.filling import fill_online
from tasks.reports.services.review import report_rows
from tasks.reports.services.workflow import return_report, submit_report
from tests.factories import AssignmentFactory, ReportFactory, TaskFactory
from tests.reports.cast import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]


@pytest.fixture
def september(report_tasks, insurance_bureau, liaison, targets):
    """Last month's report: the insurance task at 30 %, its first target's actual 50."""
    report = ReportFactory(department=insurance_bureau, period="2026-09", status=Report.Status.DONE)
    insurance = report_tasks["insurance"]
    fill_online(
        report,
        liaison,
        {
            insurance.pk: {
                "status": "not_started",
                "percent": "30",
                "narrative": "九月进展",
                f"actual-{targets[0].pk}": "50",
            }
        },
    )
    Report.objects.filter(pk=report.pk).update(status=Report.Status.APPROVED)
    return report


def form(report_tasks, targets, *, percent="60", actual="90", narrative="推进中", action="record") -> dict:
    insurance, coop = report_tasks["insurance"], report_tasks["coop"]
    return {
        "action": action,
        f"t{insurance.pk}-status": "in_progress",
        f"t{insurance.pk}-percent": percent,
        f"t{insurance.pk}-narrative": narrative,
        f"t{insurance.pk}-actual-{targets[0].pk}": actual,
        f"t{coop.pk}-status": "in_progress",
        f"t{coop.pk}-percent": "10",
    }


def test_the_whole_review_flow(client, september, built, report_tasks, targets, liaison, office):
    insurance = report_tasks["insurance"]
    fill_url = reverse("report_fill", args=[built.pk])
    detail_url = reverse("report_detail", args=[built.pk])

    # A draft with an invalid percent is kept as typed, and nothing is recorded.
    login(client, liaison)
    before = ProgressUpdate.objects.count()
    response = client.post(
        fill_url, form(report_tasks, targets, percent="abc", narrative="草稿", action="draft")
    )
    assert response.status_code == 302
    assert response["Location"] == fill_url
    assert ProgressUpdate.objects.count() == before
    built.refresh_from_db()
    assert built.draft[str(insurance.pk)]["percent"] == "abc"
    assert (built.draft_saved_by, built.draft_saved_at is not None) == (liaison, True)
    page = client.get(fill_url).content.decode()
    assert 'value="abc"' in page
    assert "草稿" in page
    assert "draft-source" in page

    # Recording checks as before: the invalid draft is refused, then the corrected form is recorded.
    assert client.post(fill_url, form(report_tasks, targets, percent="abc")).status_code == 400
    assert ProgressUpdate.objects.count() == before
    response = client.post(fill_url, form(report_tasks, targets))
    assert response.status_code == 302
    assert response["Location"] == detail_url
    assert ProgressUpdate.objects.filter(report=built).count() == 2
    built.refresh_from_db()
    assert built.draft == {}
    assert built.draft_saved_by is None

    # The form reopens with what was recorded.
    page = client.get(fill_url).content.decode()
    assert "推进中" in page
    assert 'value="60"' in page
    assert 'value="90"' in page
    assert "recorded-source" in page

    assert client.post(reverse("report_submit", args=[built.pk])).status_code == 302

    # The office sees the rows, compared with September's report.
    login(client, office)
    page = client.get(detail_url).content.decode()
    assert "What was submitted" in page
    assert "2026-09" in page
    rows, previous = report_rows(built)
    assert previous == september
    by_task = {row.task.pk: row for row in rows}
    row = by_task[insurance.pk]
    assert (row.previous.percent, row.update.percent, row.percent_changed) == (30, 60, True)
    assert (row.previous.status, row.update.status) == (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS)
    first = row.readings[0]
    assert (first.before, first.value, first.attained) == (50, 90, False)  # 病种数 ≥ 100
    assert by_task[report_tasks["coop"].pk].is_new
    assert "row-new" in page
    assert "九月进展" not in page

    # Returned with a reason on one row only.
    response = client.post(
        reverse("report_return", args=[built.pk]), {"reason": "", f"row-{insurance.pk}": "请补充佐证材料"}
    )
    assert response.status_code == 302
    built.refresh_from_db()
    assert built.status == Report.Status.RETURNED
    assert built.review_comment == ""
    returned = ReportRowReturn.objects.get(report=built)
    assert (returned.task, returned.reason, returned.created_by) == (insurance, "请补充佐证材料", office)
    event = Event.objects.filter(report=built).order_by("-pk").first()
    assert "退回了 1 行" in event.body

    # The liaison sees the reason on the page and next to the row in the form, corrects and resubmits.
    login(client, liaison)
    assert "请补充佐证材料" in client.get(detail_url).content.decode()
    page = client.get(fill_url).content.decode()
    assert "row-return-reason" in page
    assert "请补充佐证材料" in page
    assert client.post(fill_url, form(report_tasks, targets, percent="65")).status_code == 302
    assert client.post(reverse("report_submit", args=[built.pk])).status_code == 302

    login(client, office)
    rows, _previous = report_rows(built)
    assert {row.task.pk: row.update.percent for row in rows}[insurance.pk] == 65
    assert client.post(reverse("report_approve", args=[built.pk])).status_code == 302
    built.refresh_from_db()
    assert built.status == Report.Status.APPROVED
    assert "row-return-reason" not in client.get(detail_url).content.decode()


class TestReturn:
    def test_needs_a_whole_report_reason_or_a_row_reason(self, built, report_tasks, liaison, office):
        submit_report(built, liaison)
        with pytest.raises(Exception, match="or a reason on a row"):
            return_report(built, office, reason=" ", rows=[(report_tasks["insurance"].pk, "  ")])
        assert Report.objects.get(pk=built.pk).status == Report.Status.SUBMITTED

    def test_a_row_of_another_department_is_refused_and_nothing_is_written(
        self, built, report_tasks, liaison, office
    ):
        submit_report(built, liaison)
        with pytest.raises(Exception, match="not in this report"):
            return_report(built, office, reason="x", rows=[(report_tasks["health"].pk, "不是本部门")])
        assert Report.objects.get(pk=built.pk).status == Report.Status.SUBMITTED
        assert not ReportRowReturn.objects.exists()

    def test_both_reasons_are_kept_and_announced(self, built, report_tasks, liaison, office):
        submit_report(built, liaison)
        return_report(built, office, reason="整体过简", rows=[(report_tasks["insurance"].pk, "补充")])
        body = Event.objects.filter(report=built).order_by("-pk").first().body
        assert "整体过简" in body
        assert "退回了 1 行" in body


class TestWorkbooks:
    def test_the_download_carries_the_recorded_values_and_the_blank_does_not(
        self, client, built, report_tasks, targets, liaison, office
    ):
        login(client, liaison)
        client.post(reverse("report_fill", args=[built.pk]), form(report_tasks, targets))
        submit_report(built, liaison)
        return_report(built, office, reason="", rows=[(report_tasks["insurance"].pk, "请补充")])

        def sheet(query=""):
            response = client.get(reverse("report_download", args=[built.pk]) + query)
            assert response.status_code == 200
            book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
            assert book.properties.identifier == f"department-report:{built.pk}"
            rows = {r[0].value: r for r in book.worksheets[0].iter_rows(min_row=4)}
            return rows[report_tasks["insurance"].pk]

        filled = sheet()
        # Status / percent now (L, M), then this period's status, percent, narrative and actual ①.
        assert [c.value for c in filled[11:16]] == ["In progress", 60, "In progress", 60, "推进中"]
        assert filled[17].value == 90
        assert "请补充" in filled[13].comment.text
        blank = sheet("?blank=1")
        assert [c.value for c in blank[11:16]] == ["Not started", 0, None, None, None]

    def test_the_downloaded_filled_workbook_uploads_again(
        self, client, built, report_tasks, targets, liaison
    ):
        from tasks.reports.services.filling import upload_report
        from tests.reports.cast import workbook_upload

        login(client, liaison)
        client.post(reverse("report_fill", args=[built.pk]), form(report_tasks, targets))
        response = client.get(reverse("report_download", args=[built.pk]))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert upload_report(built, liaison, workbook_upload(book)) == 2


class TestQueries:
    @pytest.mark.parametrize("extra", [1, 28])
    def test_the_report_page_is_constant(
        self,
        client,
        september,
        built,
        report_tasks,
        targets,
        liaison,
        office,
        insurance_bureau,
        zhengzhou_document,
        extra,
        django_assert_num_queries,
    ):
        data = form(report_tasks, targets)
        for position in range(extra):
            task = TaskFactory(document=zhengzhou_document, position=100 + position)
            AssignmentFactory(task=task, department=insurance_bureau)
            data[f"t{task.pk}-status"] = "in_progress"
            data[f"t{task.pk}-percent"] = "5"
        login(client, liaison)
        assert client.post(reverse("report_fill", args=[built.pk]), data).status_code == 302
        with django_assert_num_queries(8):  # the recorded values and their readings
            page = client.get(reverse("report_fill", args=[built.pk])).content.decode()
        assert page.count('value="5"') == extra
        login(client, office)
        with django_assert_num_queries(12):
            page = client.get(reverse("report_detail", args=[built.pk])).content.decode()
        assert page.count("report-row-reviewed") == 2 + extra

    def test_rows_come_a_hundred_a_page(
        self, built, report_tasks, liaison, insurance_bureau, zhengzhou_document
    ):
        data = {}
        for position in range(120):
            task = TaskFactory(document=zhengzhou_document, position=100 + position)
            AssignmentFactory(task=task, department=insurance_bureau)
            data[task.pk] = {"status": "in_progress", "percent": "5"}
        fill_online(built, liaison, data)
        first, _previous = report_rows(built)
        second, _previous = report_rows(built, 2)
        assert (len(first.object_list), len(second.object_list), first.paginator.count) == (100, 20, 120)
