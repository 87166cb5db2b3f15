"""Filling in a department report: the workbook round trip, every upload error, and the online form.

Each refusal lists its problems by row and column and records nothing: no progress update, no
reading, the task and its targets as they were.
"""

import io
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tasks.access import NotPermitted
from tasks.models import ProgressUpdate, Report, Target, TargetReading, Task, TaskChange, TaskStatus
from tasks.reports.services.filling import FillErrors, fill_online, upload_report
from tests.factories import ReportFactory
from tests.reports.cast import login, open_workbook, workbook_upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]


def snapshot():
    """Everything an upload could change."""
    return (
        ProgressUpdate.objects.count(),
        TargetReading.objects.count(),
        TaskChange.objects.count(),
        sorted(Task.objects.values_list("pk", "status", "progress", "version")),
        sorted(Target.objects.values_list("pk", "latest_actual")),
    )


def fill(sheet, row, **cells):
    columns = {
        "status": "N",
        "percent": "O",
        "narrative": "P",
        "remarks": "Q",
        "actual1": "R",
        "actual2": "S",
    }
    for name, value in cells.items():
        sheet[f"{columns.get(name, name)}{row}"] = value


def refused(report, user, upload) -> list[tuple]:
    before = snapshot()
    with pytest.raises(FillErrors) as failure:
        upload_report(report, user, upload)
    assert snapshot() == before
    return [(error.row, error.column, error.message) for error in failure.value.errors_list]


class TestRoundTrip:
    def test_a_filled_workbook_records_progress_with_actuals_linked_to_the_report(
        self, built, liaison, report_tasks, targets
    ):
        workbook = open_workbook(built)
        sheet = workbook.worksheets[0]
        fill(
            sheet,
            4,
            status="In progress",
            percent=60,
            narrative="完成87个病种分组。",
            remarks="待省局审核",
            actual1=95,
        )
        fill(sheet, 5, status="Not started", percent=0)

        assert upload_report(built, liaison, workbook_upload(workbook)) == 2

        insurance = Task.objects.get(pk=report_tasks["insurance"].pk)
        assert (insurance.status, insurance.progress) == (TaskStatus.IN_PROGRESS, 60)
        update = ProgressUpdate.objects.get(task=insurance)
        assert update.report == built
        assert update.author == liaison
        assert update.narrative == "完成87个病种分组。\nRemarks: 待省局审核"
        assert list(update.readings.values_list("target_id", "value")) == [(targets[0].pk, Decimal("95"))]
        assert Target.objects.get(pk=targets[0].pk).attained is False
        assert ProgressUpdate.objects.filter(report=built).count() == 2

    def test_rows_left_empty_are_skipped(self, built, liaison, report_tasks):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 5, status="In progress", percent="30", narrative="已召开协调会。")

        assert upload_report(built, liaison, workbook_upload(workbook)) == 1
        assert not ProgressUpdate.objects.filter(task=report_tasks["insurance"]).exists()

    def test_status_labels_of_either_language_are_accepted(self, built, liaison, report_tasks):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="推进中", percent=10)

        upload_report(built, liaison, workbook_upload(workbook))

        assert Task.objects.get(pk=report_tasks["insurance"].pk).status == TaskStatus.IN_PROGRESS

    def test_the_page_uploads_and_says_how_many(self, client, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=20)

        response = login(client, liaison).post(
            reverse("report_upload", args=[built.pk]), {"file": workbook_upload(workbook)}, follow=True
        )

        assert response.status_code == 200
        assert "Progress of 1 tasks recorded from the workbook." in response.content.decode()


class TestUploadErrors:
    def test_unknown_task_id(self, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 6, A=999999, status="In progress", percent=10)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (6, "A（Task ID）", "Task 999999 is not a task of this department's report.")
        ]

    def test_task_of_another_department(self, built, liaison, report_tasks):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, A=report_tasks["health"].pk, status="In progress", percent=10)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (
                4,
                "A（Task ID）",
                f"Task {report_tasks['health'].pk} is not a task of this department's report.",
            )
        ]

    def test_a_task_id_that_is_not_a_number(self, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, A="abc", status="In progress", percent=10)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (4, "A（Task ID）", "“abc” is not a task ID of this report.")
        ]

    @pytest.mark.parametrize("raw_id", ["²", "①", "1.5", "9" * 5000])
    def test_a_task_id_of_digit_like_characters(self, built, liaison, raw_id):
        # "²".isdigit() is true, but int("²") fails, and int() refuses 5000 digits: refused, not a 500.
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, A=raw_id, status="In progress", percent=10)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (4, "A（Task ID）", f"“{raw_id}” is not a task ID of this report.")
        ]

    def test_a_damaged_target_ids_cell_leaves_its_slot_without_a_target(self, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, B="²", status="In progress", percent=10, actual1=5)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (4, "R（Actual value of target ①）", "This task has no such target; leave the cell empty.")
        ]

    def test_bad_status_label(self, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="Completed", percent=10)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (
                4,
                "N（Status this period）",
                "“Completed” is not a status a report can set; use one of Not started、In progress、Suspended.",
            )
        ]

    def test_missing_status(self, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 5, percent=10, narrative="只写了进展")

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (5, "N（Status this period）", "Choose a status.")
        ]

    # "50%" is 50 (tests/reports/test_report_percentages.py).
    @pytest.mark.parametrize("percent", [101, -5, 12.5, "八十", "50.5%", "²", "①", "9" * 5000])
    def test_percent_not_a_whole_number_from_0_to_100(self, built, liaison, percent):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=percent)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (4, "O（Progress this period (%)）", f"“{percent}” is not a whole number from 0 to 100.")
        ]

    def test_a_date_or_text_where_an_actual_number_goes(self, built, liaison):
        import datetime

        workbook = open_workbook(built)
        fill(
            workbook.worksheets[0],
            4,
            status="In progress",
            percent=10,
            actual1=datetime.date(2026, 3, 4),
            actual2="约九成",
        )

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (
                4,
                "R（Actual value of target ①）",
                "A date is not an actual value; enter a plain number (e.g. 87).",
            ),
            (4, "S（Actual value of target ②）", "“约九成” is not a number."),
        ]

    def test_an_actual_for_a_target_the_task_does_not_have(self, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 5, status="In progress", percent=10, actual1=5)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (5, "R（Actual value of target ①）", "This task has no such target; leave the cell empty.")
        ]

    def test_every_row_is_checked_before_anything_is_written(self, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=50)  # a good row
        fill(workbook.worksheets[0], 5, status="In progress", percent=500)

        assert [error[0] for error in refused(built, liaison, workbook_upload(workbook))] == [5]

    def test_a_task_verified_as_completed(self, built, liaison, report_tasks):
        Task.objects.filter(pk=report_tasks["coop"].pk).update(status=TaskStatus.COMPLETED, progress=100)
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=50)
        fill(workbook.worksheets[0], 5, status="In progress", percent=50)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (5, "N（Status this period）", "This task has been verified as completed; leave its row empty.")
        ]

    def test_a_task_filled_in_twice(self, built, liaison, report_tasks):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=50)
        fill(workbook.worksheets[0], 5, A=report_tasks["insurance"].pk, status="In progress", percent=60)

        assert refused(built, liaison, workbook_upload(workbook)) == [
            (5, "A（Task ID）", f"Task {report_tasks['insurance'].pk} is filled in twice (also row 4).")
        ]

    def test_a_pdf_named_xlsx_is_refused_by_its_content(self, built, liaison):
        upload = SimpleUploadedFile("filled.xlsx", b"%PDF-1.7\n%%EOF\n")

        assert refused(built, liaison, upload) == [
            (None, "", "“filled.xlsx” is named as a .xlsx file but it is really a PDF document.")
        ]

    def test_a_word_document_is_not_a_report(self, built, liaison):
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<w:document/>")
        upload = SimpleUploadedFile("filled.docx", buffer.getvalue())

        assert refused(built, liaison, upload) == [
            (None, "", "Upload the report as the .xlsx workbook it was downloaded as.")
        ]

    def test_a_zip_bomb_is_refused(self, built, liaison):
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", b"\0" * (50 * 1024 * 1024))
        upload = SimpleUploadedFile("filled.xlsx", buffer.getvalue())

        [(row, column, message)] = refused(built, liaison, upload)
        assert "expands to far more data than a real document" in message

    def test_another_reports_workbook(self, built, liaison, insurance_bureau):
        other = ReportFactory(department=insurance_bureau, period="2026-09", status=Report.Status.DONE)
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=10)

        [(row, column, message)] = refused(other, liaison, workbook_upload(workbook))
        assert message.startswith("This is not this report's workbook")

    def test_the_key_on_the_notes_sheet_stands_in_for_a_dropped_property(self, built, liaison):
        workbook = open_workbook(built)
        workbook.properties.identifier = None  # as a spreadsheet program might save it
        fill(workbook.worksheets[0], 4, status="In progress", percent=10)

        assert upload_report(built, liaison, workbook_upload(workbook)) == 1

    def test_an_unrelated_workbook(self, built, liaison):
        workbook = Workbook()
        workbook.active["A4"] = 1

        [(row, column, message)] = refused(built, liaison, workbook_upload(workbook))
        assert message.startswith("This is not this report's workbook")

    def test_a_workbook_with_nothing_filled_in(self, built, liaison):
        assert refused(built, liaison, workbook_upload(open_workbook(built))) == [
            (None, "", "No row of the workbook is filled in; nothing was recorded.")
        ]

    def test_the_page_lists_the_errors_by_row_and_column(self, client, built, liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="Done?", percent=10)

        response = login(client, liaison).post(
            reverse("report_upload", args=[built.pk]), {"file": workbook_upload(workbook)}
        )

        assert response.status_code == 400
        html = response.content.decode()
        assert "Nothing was recorded" in html
        assert "<td>4</td><td>N（Status this period）</td>" in html
        assert not ProgressUpdate.objects.exists()


class TestWhoMayFill:
    def test_leaders_may_not_and_other_departments_do_not_see_it(self, built, leader, other_liaison):
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=10)
        with pytest.raises(NotPermitted):
            upload_report(built, leader, workbook_upload(workbook))
        with pytest.raises(Report.DoesNotExist):
            upload_report(built, other_liaison, workbook_upload(workbook))
        assert not ProgressUpdate.objects.exists()

    def test_a_submitted_report_cannot_be_filled(self, built, liaison):
        Report.objects.filter(pk=built.pk).update(status=Report.Status.SUBMITTED)
        workbook = open_workbook(built)
        fill(workbook.worksheets[0], 4, status="In progress", percent=10)

        with pytest.raises(Exception, match="until it is submitted; this one is “Submitted”"):
            upload_report(built, liaison, workbook_upload(workbook))
        assert not ProgressUpdate.objects.exists()


class TestOnline:
    def test_the_form_records_every_filled_task_in_one_go(
        self, client, built, liaison, report_tasks, targets
    ):
        insurance, coop = report_tasks["insurance"], report_tasks["coop"]
        login(client, liaison)
        page = client.get(reverse("report_fill", args=[built.pk]))
        assert page.status_code == 200
        assert f'name="t{insurance.pk}-actual-{targets[0].pk}"' in page.content.decode()

        response = client.post(
            reverse("report_fill", args=[built.pk]),
            {
                f"t{insurance.pk}-status": "in_progress",
                f"t{insurance.pk}-percent": "40",
                f"t{insurance.pk}-narrative": "推进中",
                f"t{insurance.pk}-actual-{targets[0].pk}": "101",
                f"t{coop.pk}-status": "",
                f"t{coop.pk}-percent": "",
            },
        )

        assert response.status_code == 302
        update = ProgressUpdate.objects.get()
        assert (update.task_id, update.percent, update.report_id) == (insurance.pk, 40, built.pk)
        assert Target.objects.get(pk=targets[0].pk).attained is True

    def test_one_bad_task_records_nothing_and_shows_every_error(self, client, built, liaison, report_tasks):
        insurance, coop = report_tasks["insurance"], report_tasks["coop"]
        before = snapshot()

        response = login(client, liaison).post(
            reverse("report_fill", args=[built.pk]),
            {
                f"t{insurance.pk}-status": "in_progress",
                f"t{insurance.pk}-percent": "40",
                f"t{coop.pk}-status": "completed",
                f"t{coop.pk}-percent": "140",
            },
        )

        assert response.status_code == 400
        html = response.content.decode()
        assert "“completed” is not a status a report can set" in html
        assert "“140” is not a whole number from 0 to 100." in html
        assert 'value="40"' in html  # what was typed is kept
        assert snapshot() == before

    @pytest.mark.parametrize("key", ["t²-status", "t١٢-status", "t" + "9" * 5000 + "-status", "t-status"])
    def test_a_field_name_with_no_task_id_is_ignored_not_a_500(
        self, client, built, liaison, report_tasks, key
    ):
        # "²".isdigit() is true and int("²") raises ValueError; so does int() of 5000 digits.
        insurance = report_tasks["insurance"]
        client.raise_request_exception = False
        data = {
            key: "in_progress",
            f"t{insurance.pk}-status": "in_progress",
            f"t{insurance.pk}-percent": "40",
        }
        response = login(client, liaison).post(
            reverse("report_fill", args=[built.pk]),
            urlencode(data),  # as the browser's form: a 5000-digit name is too long a multipart header
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code == 302
        assert ProgressUpdate.objects.get().task_id == insurance.pk

    @pytest.mark.parametrize("percent", ["²", "9" * 5000])
    def test_a_percent_of_digits_int_cannot_read_is_an_error_not_a_500(
        self, client, built, liaison, report_tasks, percent
    ):
        insurance = report_tasks["insurance"]
        client.raise_request_exception = False
        data = {f"t{insurance.pk}-status": "in_progress", f"t{insurance.pk}-percent": percent}
        response = login(client, liaison).post(
            reverse("report_fill", args=[built.pk]),
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )

        assert response.status_code == 400
        assert "is not a whole number from 0 to 100." in response.content.decode()
        assert not ProgressUpdate.objects.exists()

    def test_leaders_get_403(self, client, built, leader):
        login(client, leader)
        assert client.get(reverse("report_fill", args=[built.pk])).status_code == 403
        assert client.post(reverse("report_fill", args=[built.pk]), {}).status_code == 403

    def test_the_service_refuses_an_empty_form(self, built, liaison):
        with pytest.raises(Exception, match="Fill in at least one task."):
            fill_online(built, liaison, {})
