"""The office's ledger (台账) and department ranking (通报): the workbook, its figures, its build and its command."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from regions.models import Region
from tasks.access import NotPermitted
from tasks.models import Assignment, Report, TaskChange, TaskStatus
from tasks.reports.services import ledger as ledger_export
from tasks.reports.services.ledger import build_ledger, ranking_for, request_ledger, write_ledger
from tasks.reports.services.periods import due_date
from tasks.workbooks.ledger import DepartmentFigures, ReportTimeliness, rank_departments
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    DepartmentFactory,
    EvidenceFactory,
    InstructionFactory,
    InstructionReplyFactory,
    ProgressUpdateFactory,
    ReportFactory,
    TargetFactory,
    TaskChangeFactory,
    TaskFactory,
)

TODAY = datetime.date(2026, 7, 15)
PERIOD = "2026-06"
LEDGER_HEADER = [
    "Task ID",
    "Document",
    "Document number",
    "No. as printed",
    "Task text",
    "Lead departments",
    "Cooperating departments",
    "Time limit",
    "Due date",
    "Status",
    "Progress",
    "Overdue",
    "Latest progress on",
    "Latest progress",
    "Evidence files",
    "Targets (latest actual)",
    "Last updated",
    "Leaders' instructions",
]


def workbook(region, **kwargs) -> openpyxl.Workbook:
    buffer = io.BytesIO()
    with translation.override("en"):
        write_ledger(region, buffer, today=TODAY, period=PERIOD, **kwargs)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))


def values(sheet, row: int) -> list:
    return [cell.value for cell in sheet[row]]


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def verified(task, day: datetime.date) -> None:
    change = TaskChangeFactory(task=task, action=TaskChange.Action.VERIFIED, changes={})
    TaskChange.objects.filter(pk=change.pk).update(created_at=at(day))


# The ledger sheet -------------------------------------------------------------------------------


@pytest.fixture
def ledger(zhengzhou_tasks, insurance_bureau):
    insurance_task, health_task, county_task = zhengzhou_tasks
    DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 6, 30), text="2026年6月底前")
    DeadlineFactory(task=insurance_task, kind="ongoing", due_on=None, text="长期坚持", year=None)
    insurance_task.status, insurance_task.progress = TaskStatus.IN_PROGRESS, 40
    insurance_task.save()
    update = ProgressUpdateFactory(
        task=insurance_task, department=insurance_bureau, narrative="已印发实施方案。"
    )
    EvidenceFactory(update=update)
    EvidenceFactory(update=update, original_name="方案.pdf")
    TargetFactory(task=insurance_task, text="按病种付费占比达到90%以上", latest_actual=85, unit="%")
    TargetFactory(task=insurance_task, text="覆盖全部统筹区", unit="")
    DeadlineFactory(task=health_task, due_on=datetime.date(2026, 6, 30))
    health_task.status, health_task.progress = TaskStatus.COMPLETED, 100
    health_task.save()
    verified(health_task, datetime.date(2026, 6, 1))  # on time: not 逾期完成
    return update


def test_the_ledger_lists_every_task_of_the_region_with_typed_cells(
    ledger, zhengzhou, zhengzhou_tasks, changsha_task
):
    insurance_task, health_task, county_task = zhengzhou_tasks
    book = workbook(zhengzhou)
    assert book.sheetnames == ["Ledger", "Ranking"]
    sheet = book["Ledger"]
    assert sheet["A1"].value == "郑州市 reform task ledger, 2026-07-15"
    assert "3 tasks" in sheet["A2"].value
    assert values(sheet, 3) == LEDGER_HEADER
    assert sheet.freeze_panes == "A4"
    # Only the three tasks of 郑州市, in document order: the 长沙市 task is absent.
    assert sheet.max_row == 6
    assert [sheet.cell(row, 1).value for row in (4, 5, 6)] == [t.pk for t in zhengzhou_tasks]

    row = values(sheet, 4)
    document = insurance_task.document
    insurance_task.refresh_from_db()
    assert row[:8] == [
        insurance_task.pk,
        document.title,
        document.doc_number,
        "1.",
        "全面推进DRG/DIP支付方式改革。",
        "郑州市医疗保障局",
        "郑州市卫生健康委员会",
        "2026年6月底前；长期坚持",
    ]
    assert row[8] == datetime.datetime(2026, 6, 30)
    assert sheet["I4"].is_date
    assert row[9:12] == ["In progress", 0.4, "Yes"]
    assert sheet["K4"].number_format == "0%"
    assert sheet["L4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert row[12] == datetime.datetime.combine(timezone.localtime(ledger.created_at).date(), datetime.time())
    assert sheet["M4"].is_date
    assert row[13:16] == [
        "已印发实施方案。",
        2,
        "按病种付费占比达到90%以上 (latest: 85%)；覆盖全部统筹区 (no actual yet)",
    ]
    updated = timezone.localtime(insurance_task.updated_at).replace(tzinfo=None)
    assert abs(row[16] - updated) < datetime.timedelta(seconds=1)

    # Completed before its due date passed: not overdue. No deadline, no progress: empty cells.
    assert values(sheet, 5)[9:15] == ["Completed", 1, "No", None, None, 0]
    assert not sheet["L5"].fill.fgColor.rgb.endswith("FFC7CE")
    county = values(sheet, 6)
    assert county[5:12] == ["各县（区）人民政府", None, None, None, "Not started", 0, "No"]


def test_co_leads_are_listed_with_the_lead_and_text_never_runs_as_a_formula(
    zhengzhou, insurance_task, county_government
):
    AssignmentFactory(task=insurance_task, department=county_government, role=Assignment.Role.CO_LEAD)
    insurance_task.text = '=HYPERLINK("http://example.com")'
    insurance_task.save()
    sheet = workbook(zhengzhou)["Ledger"]
    assert sheet["F4"].value == "郑州市医疗保障局、中原区人民政府"
    assert sheet["G4"].value == "郑州市卫生健康委员会"
    assert sheet["E4"].data_type == "s"
    assert sheet["E4"].value == '=HYPERLINK("http://example.com")'
    assert sheet["E4"].quotePrefix


def test_a_province_ledger_includes_the_tasks_of_its_cities(ledger, henan, changsha_task):
    sheet = workbook(henan)["Ledger"]
    assert sheet.max_row == 6
    assert changsha_task.pk not in [sheet.cell(row, 1).value for row in (4, 5, 6)]


# The ranking ------------------------------------------------------------------------------------


@pytest.fixture
def ranked(zhengzhou_document, insurance_bureau, health_commission, county_government):
    """Three departments whose figures are worked out by hand in the tests below.

    医保局 leads four tasks (one completed on time, one completed late, one overdue, one not started,
    no deadline) and cooperates on one of 卫健委's; 卫健委 leads two, both completed on time; 中原区人民政府
    leads two: one completed with no due date, one overdue.
    """
    june_end, year_end = datetime.date(2026, 6, 30), datetime.date(2026, 12, 31)

    def task(department, status=TaskStatus.IN_PROGRESS, due=None, completed_on=None):
        created = TaskFactory(document=zhengzhou_document, status=status)
        AssignmentFactory(task=created, department=department, role=Assignment.Role.LEAD)
        if due:
            DeadlineFactory(task=created, due_on=due)
        if completed_on:
            verified(created, completed_on)
        return created

    done = TaskStatus.COMPLETED
    task(insurance_bureau, done, june_end, completed_on=datetime.date(2026, 6, 30))
    task(insurance_bureau, done, june_end, completed_on=datetime.date(2026, 7, 1))
    task(insurance_bureau, TaskStatus.IN_PROGRESS, june_end)
    task(insurance_bureau, TaskStatus.NOT_STARTED)
    health = task(health_commission, done, year_end, completed_on=datetime.date(2026, 7, 1))
    AssignmentFactory(task=health, department=insurance_bureau, role=Assignment.Role.COOPERATING)
    task(health_commission, done, year_end, completed_on=datetime.date(2026, 5, 20))
    task(county_government, done, completed_on=datetime.date(2026, 5, 1))
    task(county_government, TaskStatus.IN_PROGRESS, datetime.date(2026, 7, 14))
    # A suspended task past its due date is not overdue.
    task(county_government, TaskStatus.SUSPENDED, datetime.date(2026, 1, 31))

    due = due_date(PERIOD)
    submitted = Report.Status.SUBMITTED
    ReportFactory(department=insurance_bureau, period=PERIOD, status=submitted, submitted_at=at(due, 17))
    ReportFactory(
        department=health_commission,
        period=PERIOD,
        status=Report.Status.APPROVED,
        submitted_at=at(due + datetime.timedelta(days=1), 9),
    )
    # Handed in on time, then returned for changes: not submitted until it comes back.
    ReportFactory(
        department=county_government, period=PERIOD, status=Report.Status.RETURNED, submitted_at=at(due, 9)
    )
    # Another period's report changes nothing.
    ReportFactory(department=county_government, period="2026-05", status=submitted, submitted_at=at(due, 9))


def test_ranking_figures_are_as_worked_out_by_hand(ranked, zhengzhou):
    ranking = ranking_for(zhengzhou, today=TODAY, period=PERIOD)
    assert ranking.report_due_on == due_date(PERIOD)
    figures = {item.department: item for item in ranking.departments}
    assert set(figures) == {"郑州市医疗保障局", "郑州市卫生健康委员会", "中原区人民政府"}

    insurance = figures["郑州市医疗保障局"]
    assert (insurance.lead_tasks, insurance.all_tasks, insurance.completed, insurance.overdue) == (4, 5, 2, 1)
    assert (insurance.completed_with_due, insurance.completed_on_time) == (2, 1)
    assert (insurance.completion_rate, insurance.on_time_rate) == (0.5, 0.5)
    assert insurance.report == ReportTimeliness.ON_TIME
    assert insurance.report_submitted_on == due_date(PERIOD)

    health = figures["郑州市卫生健康委员会"]
    assert (health.lead_tasks, health.all_tasks, health.completed, health.overdue) == (2, 2, 2, 0)
    assert (health.completion_rate, health.on_time_rate) == (1.0, 1.0)
    assert health.report == ReportTimeliness.LATE

    county = figures["中原区人民政府"]
    assert (county.lead_tasks, county.completed, county.completed_with_due, county.overdue) == (3, 1, 0, 1)
    assert county.completion_rate == pytest.approx(1 / 3)
    assert county.on_time_rate is None
    assert county.report == ReportTimeliness.MISSING
    assert county.report_submitted_on is None


def test_a_department_of_a_region_above_is_not_ranked_nor_expected_to_report(
    ranked, zhengzhou, henan, zhengzhou_document
):
    # A city document naming a province's bureau (省卫生健康委要……): its tasks stay in the city's
    # ledger, but the city office neither ranks the bureau nor asks it for a monthly report.
    task = TaskFactory(document=zhengzhou_document, text="省卫生健康委要出台紧密型城市医疗集团建设指导意见。")
    province_bureau = DepartmentFactory(region=henan, name="河南省卫生健康委员会")
    AssignmentFactory(task=task, department=province_bureau, role=Assignment.Role.LEAD)

    ranking = ranking_for(zhengzhou, today=TODAY, period=PERIOD)
    assert "河南省卫生健康委员会" not in {item.department for item in ranking.departments}
    assert {item.department for item in ranking.departments} == {
        "郑州市医疗保障局",
        "郑州市卫生健康委员会",
        "中原区人民政府",
    }


def test_ranking_sheet_orders_by_completion_then_on_time_rate_with_a_note(ranked, zhengzhou):
    sheet = workbook(zhengzhou)["Ranking"]
    assert values(sheet, 3)[:4] == ["Rank", "Department", "Region", "Tasks led"]
    rows = [values(sheet, row) for row in (4, 5, 6)]
    assert [row[:2] for row in rows] == [
        [1, "郑州市卫生健康委员会"],
        [2, "郑州市医疗保障局"],
        [3, "中原区人民政府"],
    ]
    assert rows[1][3:13] == [
        4,
        5,
        2,
        0.5,
        2,
        1,
        0.5,
        1,
        "On time",
        datetime.datetime.combine(due_date(PERIOD), datetime.time()),
    ]
    assert rows[0][11] == "Late"
    assert rows[2][9] is None
    assert rows[2][11] == "Not submitted"
    assert sheet["G5"].number_format == "0.0%"
    notes = " ".join(str(cell.value) for row in sheet.iter_rows(min_row=8) for cell in row if cell.value)
    assert "On-time rate" in notes
    assert "returned" in notes
    assert "share a rank" in notes


def figures(name, lead, completed, with_due=0, on_time=0, overdue=0):
    return DepartmentFigures(
        name, "郑州市", lead, lead, completed, with_due, on_time, overdue, ReportTimeliness.MISSING
    )


def test_equal_rates_share_a_rank_and_departments_leading_nothing_are_unranked():
    ranked = rank_departments(
        [
            figures("乙", 2, 1, 1, 1, overdue=1),
            figures("甲", 4, 2, 2, 2, overdue=0),
            figures("丙", 2, 2),
            figures("丁", 0, 0),
            figures("戊", 1, 0, overdue=1),
        ]
    )
    assert [(rank, item.department) for rank, item in ranked] == [
        (1, "丙"),  # 100% completed, no on-time rate
        (2, "甲"),  # 50% and 100%, fewer overdue than 乙 within the tie
        (2, "乙"),
        (4, "戊"),
        (None, "丁"),
    ]


# Queries ----------------------------------------------------------------------------------------


def tasks_for(document, department, count):
    for _ in range(count):
        task = TaskFactory(document=document, status=TaskStatus.IN_PROGRESS)
        AssignmentFactory(task=task, department=department)
        DeadlineFactory(task=task)
        TargetFactory(task=task)
        EvidenceFactory(update=ProgressUpdateFactory(task=task, department=department))
        InstructionReplyFactory(instruction=InstructionFactory(task=task, department=department))


@pytest.mark.parametrize("count", [3, 30])
def test_the_ledger_takes_the_same_queries_whatever_the_number_of_tasks(
    count, zhengzhou, zhengzhou_document, insurance_bureau, django_assert_max_num_queries
):
    tasks_for(zhengzhou_document, insurance_bureau, count)
    # Count, ranking (2), the task cursor, and per chunk assignments, deadlines, latest progress,
    # evidence, targets, instructions and their replies.
    with django_assert_max_num_queries(11):
        sheet = workbook(zhengzhou)["Ledger"]
    assert sheet.max_row == 3 + count


def test_each_chunk_costs_the_same_queries(
    zhengzhou, zhengzhou_document, insurance_bureau, django_assert_max_num_queries
):
    tasks_for(zhengzhou_document, insurance_bureau, 12)
    seen = []
    with django_assert_max_num_queries(4 + 3 * 7):
        sheet = workbook(zhengzhou, chunk_size=5, progress=lambda done, total: seen.append((done, total)))[
            "Ledger"
        ]
    assert sheet.max_row == 3 + 12
    assert seen == [(5, 12), (10, 12), (12, 12)]


# Building a Report ------------------------------------------------------------------------------


def test_a_requested_ledger_is_built_after_commit_and_stored(
    ledger, zhengzhou, office, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    original = ledger_export.write_ledger

    def spy(region, out, **kwargs):
        seen.append(Report.objects.get(kind=Report.Kind.LEDGER).status)
        progress = kwargs.pop("progress")

        def recorded(done, total):
            progress(done, total)
            seen.append(Report.objects.get(kind=Report.Kind.LEDGER).progress)

        return original(region, out, chunk_size=2, progress=recorded, **kwargs)

    monkeypatch.setattr(ledger_export, "write_ledger", spy)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = request_ledger(zhengzhou, office, PERIOD)
        assert report.status == Report.Status.QUEUED
    assert len(callbacks) == 1
    report.refresh_from_db()
    # Running while it writes, with the share of tasks written after each chunk (99 at most).
    assert seen == [Report.Status.RUNNING, 66, 99]
    assert (report.status, report.progress, report.error) == (Report.Status.DONE, 100, "")
    assert report.requested_by == office
    assert report.file.name == f"reports/{PERIOD}/ledger-410100-{PERIOD}.xlsx"
    with report.file.open("rb") as stored:
        # The job builds in the portal's language.
        assert openpyxl.load_workbook(stored).sheetnames == ["台账", "通报"]


def test_a_failed_build_is_recorded_and_leaves_no_file(zhengzhou, office, insurance_task, monkeypatch):
    report = Report.objects.create(
        kind=Report.Kind.LEDGER, region=zhengzhou, period=PERIOD, requested_by=office
    )

    written = []

    def broken(rows, ranking, *, out, **kwargs):
        Path(out).write_bytes(b"PK half a workbook")
        written.append(out)
        raise OSError("No space left on device")

    monkeypatch.setattr(ledger_export, "build_ledger_workbook", broken)
    stored_before = set(Path(settings.MEDIA_ROOT).rglob("*"))
    assert build_ledger(report.pk) == Report.Status.FAILED
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "No space left on device" in report.error
    assert not report.file
    # The half-written temporary file is gone and nothing reached the storage.
    assert written
    assert not Path(written[0]).exists()
    assert set(Path(settings.MEDIA_ROOT).rglob("*")) == stored_before


def test_a_finished_report_is_not_built_again_by_a_repeated_job(zhengzhou, office):
    report = Report.objects.create(
        kind=Report.Kind.LEDGER, region=zhengzhou, period=PERIOD, status=Report.Status.DONE, progress=100
    )
    assert build_ledger(report.pk) == Report.Status.DONE
    report.refresh_from_db()
    assert not report.file


def test_a_queued_or_running_ledger_is_reused_and_a_done_one_queued_again(
    zhengzhou, office, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = request_ledger(zhengzhou, office, PERIOD)
        again = request_ledger(zhengzhou, leader, PERIOD)
    assert first.pk == again.pk
    assert len(callbacks) == 1
    Report.objects.filter(pk=first.pk).update(status=Report.Status.FAILED, error="boom", progress=40)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rebuilt = request_ledger(zhengzhou, leader, PERIOD)
    assert rebuilt.pk == first.pk
    assert len(callbacks) == 1
    assert (rebuilt.status, rebuilt.error, rebuilt.progress, rebuilt.requested_by) == (
        Report.Status.QUEUED,
        "",
        0,
        leader,
    )
    assert Report.objects.filter(kind=Report.Kind.LEDGER).count() == 1


def test_province_office_may_request_a_city_ledger(
    zhengzhou, province_office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        report = request_ledger(zhengzhou, province_office, PERIOD)
    assert report.region == zhengzhou


def test_a_liaison_may_not_request_a_ledger(zhengzhou, liaison):
    with pytest.raises(NotPermitted):
        request_ledger(zhengzhou, liaison, PERIOD)
    assert not Report.objects.exists()


def test_office_of_another_region_does_not_see_the_region(zhengzhou, henan, outsider, office):
    with pytest.raises(Region.DoesNotExist):
        request_ledger(zhengzhou, outsider, PERIOD)
    # Nor may a city office build its province's ledger.
    with pytest.raises(Region.DoesNotExist):
        request_ledger(henan, office, PERIOD)
    assert not Report.objects.exists()


def test_a_bad_period_is_refused(zhengzhou, office):
    with pytest.raises(ValidationError):
        request_ledger(zhengzhou, office, "2026-13")
    assert not Report.objects.exists()


# The command ------------------------------------------------------------------------------------


def test_the_command_writes_a_workbook(ledger, tmp_path):
    out = tmp_path / "台账.xlsx"
    stdout = io.StringIO()
    call_command("export_ledger", str(out), "--region", "410100", "--period", PERIOD, stdout=stdout)
    assert "3 rows written" in stdout.getvalue()
    assert openpyxl.load_workbook(out).worksheets[0].max_row == 6


def test_the_command_finds_the_only_province_with_tasks(ledger, tmp_path):
    stdout = io.StringIO()
    call_command("export_ledger", str(tmp_path / "l.xlsx"), stdout=stdout)
    assert stdout.getvalue().startswith("410000 河南省: 3 rows written")


def test_the_command_needs_a_region_when_several_provinces_have_tasks(ledger, changsha_task, tmp_path):
    with pytest.raises(CommandError, match="--region is required"):
        call_command("export_ledger", str(tmp_path / "l.xlsx"))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--region", "999999"], "no region with code '999999'"),
        (["--region", "410100", "--period", "2026-6"], "2026-6"),
    ],
)
def test_the_command_refuses_bad_input(ledger, tmp_path, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("export_ledger", str(tmp_path / "l.xlsx"), *arguments)


def test_the_command_refuses_a_path_it_cannot_write(ledger, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_ledger", str(tmp_path / "missing" / "l.xlsx"), "--region", "410100")


def test_the_command_refuses_a_folder_as_its_file_and_leaves_nothing_behind(ledger, tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        call_command("export_ledger", str(tmp_path), "--region", "410100")
    assert not list(tmp_path.parent.glob("*.xlsx.part"))
