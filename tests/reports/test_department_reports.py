"""Department reports: the workbook cell by cell, the build job, the monthly build and the command.

The cast is in tests/reports/cast.py: 郑州市医疗保障局's report for October 2026.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reform.celery import beat_schedule
from regions.models import Department
from tasks.access import NotPermitted
from tasks.jobs import build_monthly_reports as monthly_job
from tasks.models import Report
from tasks.reports.services import department as department_reports
from tasks.reports.services.department import build_report, request_department_report
from tasks.workbooks.department_report import OVERDUE_FILL, build_department_workbook
from tests.reports.cast import BUILD_DAY, PERIOD, open_workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "report_media")]

FIRST_WORKING_DAY_OF_OCTOBER = datetime.date(2026, 10, 8)  # after the National Day holiday
NATIONAL_DAY = datetime.date(2026, 10, 1)
MAKE_UP_SATURDAY = datetime.date(2026, 10, 10)  # 调休: a working Saturday, but not the first working day


class TestWorkbook:
    def test_title_names_the_department_and_period(self, built):
        sheet = open_workbook(built).worksheets[0]

        assert sheet["A1"].value == "郑州市医疗保障局 2026/10 progress report"
        assert "Due on 2026-11-06." in sheet["A2"].value

    def test_header_row_has_the_task_columns_then_the_columns_to_fill(self, built):
        sheet = open_workbook(built).worksheets[0]

        headers = [cell.value for cell in sheet[3]]
        assert headers == [
            "Task ID",
            "Target IDs",
            "Document",
            "Document number",
            "No. as printed",
            "Task text",
            "Role of the department",
            "Time limit",
            "Due date",
            "Targets",
            "Latest progress",
            "Status now",
            "Progress now (%)",
            "Status this period",
            "Progress this period (%)",
            "Progress this period",
            "Remarks",
            "Actual value of target ①",
            "Actual value of target ②",
        ]

    def test_lead_task_comes_first_with_its_targets_and_real_date(self, built, report_tasks, targets):
        sheet = open_workbook(built).worksheets[0]
        task = report_tasks["insurance"]

        row = [cell.value for cell in sheet[4]]
        assert row[0] == task.pk
        assert row[1] == f"{targets[0].pk},{targets[1].pk}"
        assert row[2] == "郑州市2026年深化医改重点工作任务"
        assert row[4] == task.label
        assert row[5] == "全面推进DRG/DIP支付方式改革。"
        assert row[6] == "Lead"
        assert row[7] == "2026年6月底前"
        assert row[8] == datetime.datetime(2026, 6, 30)
        assert sheet["I4"].is_date
        assert sheet["I4"].number_format == "yyyy-mm-dd"
        assert row[9] == "①病种数 ≥ 100个；latest 87个\n②患者满意度明显提高；no actual yet"
        assert row[11] == "Not started"
        assert row[12] == 0
        assert sheet["M4"].data_type == "n"
        assert row[13:] == [None] * 6

    def test_cooperating_task_follows_although_its_document_is_newer(self, built, report_tasks):
        sheet = open_workbook(built).worksheets[0]

        row = [cell.value for cell in sheet[5]]
        assert row[0] == report_tasks["coop"].pk
        assert row[1] is None  # no targets
        assert row[2] == "郑州市医保支付改革实施方案"
        assert row[6] == "Cooperating"
        assert row[8] is None
        assert sheet.max_row == 5  # the task of 卫健委 alone is not in it

    def test_overdue_rows_are_filled_and_others_not(self, built):
        sheet = open_workbook(built).worksheets[0]

        assert sheet["F4"].fill.fgColor.rgb.endswith(OVERDUE_FILL)
        assert not sheet["F5"].fill.fgColor.rgb.endswith(OVERDUE_FILL)

    def test_layout_freezes_the_header_hides_the_ids_and_validates_status_and_percent(self, built):
        workbook = open_workbook(built)
        sheet = workbook.worksheets[0]

        assert sheet.freeze_panes == "B4"
        assert sheet.column_dimensions["B"].hidden
        assert sheet.column_dimensions["F"].width == 48
        assert sheet["F4"].alignment.wrap_text
        validations = {v.type: v for v in sheet.data_validations.dataValidation}
        assert validations["list"].formula1 == '"Not started,In progress,Suspended"'
        assert str(validations["list"].sqref).startswith("N4:N")
        # Decimal, so that a typed 72% (0.72 in the cell) is let through; the upload reads it as 72.
        assert (validations["decimal"].formula1, validations["decimal"].formula2) == ("0", "100")
        assert str(validations["decimal"].sqref).startswith("O4:O")
        assert sheet["O4"].number_format == "General"  # a typed 72% gets a percent format
        assert workbook.properties.identifier == f"department-report:{built.pk}"
        assert workbook.sheetnames == ["Report", "Notes"]
        assert (
            "Status this period: one of Not started、In progress、Suspended" in workbook["Notes"]["A3"].value
        )

    def test_text_that_looks_like_a_formula_stays_text(self):
        from tasks.workbooks.department_report import DepartmentRow

        row = DepartmentRow(
            task_id=1,
            document_title='=HYPERLINK("http://x")',
            doc_number="",
            label="",
            text="+1",
            role="Lead",
            time_limit="",
            due_on=None,
            targets=(),
            latest_progress_on=None,
            latest_narrative="",
            status="Not started",
            progress=0,
            overdue=False,
        )
        out = io.BytesIO()
        build_department_workbook(
            [row],
            out,
            department="D",
            period_label="2026/10",
            due_on=datetime.date(2026, 11, 6),
            status_labels=["Not started"],
            target_slots=0,
            identifier="department-report:1",
        )
        sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
        assert sheet["C4"].data_type == "s"
        assert sheet["C4"].value == '=HYPERLINK("http://x")'
        assert sheet["F4"].data_type == "s"


class TestBuild:
    def test_request_queues_and_the_job_builds_after_commit(
        self, report_tasks, liaison, insurance_bureau, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            report = request_department_report(insurance_bureau, PERIOD, liaison)

        report.refresh_from_db()
        assert (report.status, report.progress, report.requested_by) == (Report.Status.DONE, 100, liaison)
        assert report.file.name.startswith("reports/2026-10/department-")
        assert open_workbook(report).worksheets[0]["A4"].value == report_tasks["insurance"].pk

    def test_a_second_request_reuses_the_row(
        self, report_tasks, office, liaison, insurance_bureau, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = request_department_report(insurance_bureau, PERIOD, liaison)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            second = request_department_report(insurance_bureau, PERIOD, office)

        assert second.pk == first.pk
        assert callbacks == []
        assert Report.objects.filter(department=insurance_bureau, period=PERIOD).count() == 1

    def test_a_failed_report_is_queued_again(
        self, report, office, insurance_bureau, django_capture_on_commit_callbacks
    ):
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error="boom")
        with django_capture_on_commit_callbacks(execute=True):
            again = request_department_report(insurance_bureau, PERIOD, office)

        again.refresh_from_db()
        assert (again.pk, again.status, again.error) == (report.pk, Report.Status.DONE, "")

    def test_leaders_may_not_request_and_others_do_not_see_the_department(
        self, report_tasks, leader, other_liaison, outsider, insurance_bureau
    ):
        with pytest.raises(NotPermitted):
            request_department_report(insurance_bureau, PERIOD, leader)
        with pytest.raises(Department.DoesNotExist):
            request_department_report(insurance_bureau, PERIOD, other_liaison)
        with pytest.raises(Department.DoesNotExist):
            request_department_report(insurance_bureau, PERIOD, outsider)
        assert not Report.objects.exists()

    def test_progress_moves_chunk_by_chunk_while_running(self, report, monkeypatch):
        seen = []
        original = department_reports.write_department_report

        def spy(report_, out, **kwargs):
            progress = kwargs["progress"]

            def watched(done, total):
                progress(done, total)
                seen.append(tuple(Report.objects.values_list("status", "progress").get(pk=report_.pk)))

            return original(report_, out, **{**kwargs, "progress": watched, "chunk_size": 1})

        monkeypatch.setattr(department_reports, "write_department_report", spy)

        assert build_report(report.pk, today=BUILD_DAY) == Report.Status.DONE
        assert seen == [("running", 50), ("running", 99)]
        report.refresh_from_db()
        assert (report.status, report.progress) == ("done", 100)

    def test_a_failure_marks_it_failed_with_the_error_and_leaves_no_file(
        self, report, report_media, monkeypatch
    ):
        def broken(rows, out, **kwargs):
            out.write(b"PK\x03\x04 half a workbook")
            raise OSError("disk full")

        monkeypatch.setattr(department_reports, "build_department_workbook", broken)

        assert build_report(report.pk, today=BUILD_DAY) == Report.Status.FAILED
        report.refresh_from_db()
        assert report.status == Report.Status.FAILED
        assert report.error == "The report could not be built: disk full"
        assert (report.file.name, report.progress) == ("", 0)
        assert (
            not list((report_media / "reports").rglob("*.xlsx"))
            if (report_media / "reports").exists()
            else True
        )

    def test_the_job_is_safe_to_repeat(self, built):
        assert build_report(built.pk) == Report.Status.DONE
        built.refresh_from_db()
        assert built.progress == 100

    def test_build_queries_do_not_grow_with_the_tasks(
        self, report, insurance_bureau, zhengzhou_document, django_assert_num_queries
    ):
        from tests.factories import AssignmentFactory, TaskFactory

        with django_assert_num_queries(11):
            build_report(report.pk, today=BUILD_DAY)
        for position in range(10, 40):
            task = TaskFactory(document=zhengzhou_document, position=position)
            AssignmentFactory(task=task, department=insurance_bureau)
        Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED)
        with django_assert_num_queries(11):
            build_report(report.pk, today=BUILD_DAY)
        report.refresh_from_db()
        assert open_workbook(report).worksheets[0].max_row == 3 + 32


class TestMonthly:
    @pytest.fixture
    def departments(
        self,
        report_tasks,
        county_task,
        changsha_task,
        insurance_bureau,
        health_commission,
        county_government,
        changsha_bureau,
    ):
        return {insurance_bureau.pk, health_commission.pk, county_government.pk, changsha_bureau.pk}

    def test_on_the_first_working_day_every_department_with_tasks_gets_last_months_report(
        self, departments, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            result = monthly_job.delay(FIRST_WORKING_DAY_OF_OCTOBER.isoformat()).get()

        assert result == {"today": "2026-10-08", "build_day": True, "period": "2026-09", "queued": 4}
        reports = Report.objects.filter(period="2026-09")
        assert set(reports.values_list("department_id", flat=True)) == departments
        assert set(reports.values_list("status", flat=True)) == {Report.Status.DONE}

    def test_running_it_twice_builds_nothing_more(self, departments, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            monthly_job.delay("2026-10-08").get()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            again = monthly_job.delay("2026-10-08").get()

        assert again["queued"] == 0
        assert callbacks == []
        assert Report.objects.filter(period="2026-09").count() == 4

    @pytest.mark.parametrize("day", [NATIONAL_DAY, MAKE_UP_SATURDAY, datetime.date(2026, 10, 9)])
    def test_other_days_build_nothing(self, departments, day):
        assert monthly_job.delay(day.isoformat()).get()["build_day"] is False
        assert not Report.objects.exists()

    def test_the_beat_runs_it_daily_at_the_configured_time(self, settings):
        settings.REPORT_BUILD_HOUR = 7
        settings.REPORT_BUILD_MINUTE = 45

        entry = beat_schedule(settings)["monthly-report-build-first-working-day"]

        assert entry["task"] == "tasks.build_monthly_reports"
        assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {45})
        assert entry["schedule"].day_of_month == set(range(1, 32))


class TestCommand:
    def test_builds_the_named_department_and_prints_its_status(self, report_tasks, capsys):
        call_command("build_reports", "--period", PERIOD, "--department", "郑州市医疗保障局")

        out = capsys.readouterr().out
        report = Report.objects.get(period=PERIOD)
        assert f"郑州市医疗保障局 2026-10: done ({report.file.name})" in out
        assert "2026-10: 1 report(s)" in out

    def test_builds_every_department_with_tasks(self, report_tasks, capsys):
        call_command("build_reports", "--period", PERIOD)

        assert Report.objects.filter(period=PERIOD, status=Report.Status.DONE).count() == 2
        assert "2026-10: 2 report(s)" in capsys.readouterr().out

    def test_refuses_a_bad_period_and_an_unknown_department(self, report_tasks):
        with pytest.raises(CommandError, match="is not a period"):
            call_command("build_reports", "--period", "2026-13")
        with pytest.raises(CommandError, match="No department is named '不存在的局'"):
            call_command("build_reports", "--period", PERIOD, "--department", "不存在的局")
        assert not Report.objects.exists()
