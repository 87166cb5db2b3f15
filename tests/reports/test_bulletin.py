"""The monthly 通报: its figures and the period's changes worked out by hand, the Word document, the build.

The cast is 郑州市's three departments (tests/conftest.py) in October 2026, the bulletin built on
Thursday 5 November (reports due Friday 6 November, tests/reports/cast.py):

    A  医保局 leads; due 15 Oct; completed (verified) 10 Oct            newly completed, on time
    B  医保局 leads; due 20 Oct; in progress                             newly overdue
    C  卫健委 leads; due 25 Oct; completed 2 Nov, after the period        newly overdue, completed late
    D  卫健委 leads; due 30 Sep; in progress                             overdue, but not new
    E  中原区 leads; due 12 Oct; suspended                               not overdue
    F  中原区 leads; no due date; completed 15 Sep                        completed before the period
    G  卫健委 leads, 医保局 co-leads; due 31 Dec; completed 28 Oct        newly completed, on time
    H  中原区 leads; due 20 Nov; in progress                             not due yet
    and a 长沙市 task completed in October, which 郑州市's bulletin never counts.
"""

import datetime
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from regions.models import Region
from tasks.access import NotPermitted
from tasks.models import Assignment, Instruction, Report, TaskChange, TaskStatus
from tasks.reports.services import bulletin as bulletin_service
from tasks.reports.services.bulletin import (
    build_bulletin,
    bulletin_content,
    period_changes,
    region_summary,
    request_bulletin,
)
from tasks.reports.services.periods import due_date
from tasks.workbooks.bulletin import build_bulletin_document
from tasks.workbooks.ledger import ReportTimeliness
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    InstructionFactory,
    InstructionReplyFactory,
    ReportFactory,
    TaskChangeFactory,
    TaskFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_media")]

PERIOD = "2026-10"
TODAY = datetime.date(2026, 11, 5)
D = datetime.date


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def verified(task, day: datetime.date) -> None:
    change = TaskChangeFactory(task=task, action=TaskChange.Action.VERIFIED, changes={})
    TaskChange.objects.filter(pk=change.pk).update(created_at=at(day))


def given_on(instruction: Instruction, day: datetime.date) -> Instruction:
    Instruction.objects.filter(pk=instruction.pk).update(created_at=at(day))
    return instruction


@pytest.fixture
def cast(
    zhengzhou_document,
    insurance_bureau,
    health_commission,
    county_government,
    changsha_task,
    changsha_bureau,
    leader,
):
    def task(label, text, department, status=TaskStatus.IN_PROGRESS, due=None, completed_on=None):
        created = TaskFactory(document=zhengzhou_document, label=label, text=text, status=status)
        AssignmentFactory(task=created, department=department, role=Assignment.Role.LEAD)
        if due:
            DeadlineFactory(task=created, due_on=due)
        if completed_on:
            verified(created, completed_on)
        return created

    done = TaskStatus.COMPLETED
    tasks = {
        "A": task(
            "（一）",
            "全面推进DRG/DIP支付方式改革。",
            insurance_bureau,
            done,
            D(2026, 10, 15),
            D(2026, 10, 10),
        ),
        "B": task("（二）", "推进医保基金智能监管全覆盖。", insurance_bureau, due=D(2026, 10, 20)),
        "C": task(
            "（三）", "推进紧密型城市医疗集团建设。", health_commission, done, D(2026, 10, 25), D(2026, 11, 2)
        ),
        "D": task("（四）", "完善公立医院薪酬制度。", health_commission, due=D(2026, 9, 30)),
        "E": task("（五）", "建设县域医共体。", county_government, TaskStatus.SUSPENDED, D(2026, 10, 12)),
        "F": task(
            "（六）", "落实基层医疗卫生机构建设。", county_government, done, completed_on=D(2026, 9, 15)
        ),
        "G": task(
            "（七）", "协同推进医疗服务价格改革。", health_commission, done, D(2026, 12, 31), D(2026, 10, 28)
        ),
        "H": task("（八）", "推进家庭医生签约服务。", county_government, due=D(2026, 11, 20)),
    }
    AssignmentFactory(task=tasks["G"], department=insurance_bureau, role=Assignment.Role.CO_LEAD)
    changsha_task.status = done
    changsha_task.save()
    verified(changsha_task, D(2026, 10, 9))

    # Instructions: one on task B (answered), one on 中原区's overdue tasks (not yet), one of September,
    # and one on 长沙市's task: only the first two are of 郑州市's October.
    on_task = given_on(
        InstructionFactory(task=tasks["B"], department=insurance_bureau, author=leader, text="请加快推进。"),
        D(2026, 10, 12),
    )
    InstructionReplyFactory(instruction=on_task)
    given_on(
        InstructionFactory(
            task=None, department=county_government, author=leader, text="逾期任务请逐项说明原因。"
        ),
        D(2026, 10, 20),
    )
    given_on(InstructionFactory(task=tasks["D"], department=health_commission, author=leader), D(2026, 9, 30))
    given_on(InstructionFactory(task=changsha_task, department=changsha_bureau), D(2026, 10, 15))

    due = due_date(PERIOD)
    submitted = Report.Status.SUBMITTED
    ReportFactory(department=insurance_bureau, period=PERIOD, status=submitted, submitted_at=at(due, 9))
    ReportFactory(
        department=health_commission,
        period=PERIOD,
        status=Report.Status.APPROVED,
        submitted_at=at(due + datetime.timedelta(days=3), 9),
    )
    return tasks


# The figures ------------------------------------------------------------------------------------


def test_the_summary_counts_each_task_of_the_region_once(cast, zhengzhou):
    summary = region_summary(zhengzhou, TODAY)
    # A, C, F, G completed; A, C, G with a due date, A and G on time; B and D overdue (E is suspended).
    assert (summary.tasks, summary.completed, summary.completed_with_due, summary.completed_on_time) == (
        8,
        4,
        3,
        2,
    )
    assert summary.overdue == 2
    assert summary.completion_rate == 0.5
    assert summary.on_time_rate == pytest.approx(2 / 3)


def test_the_period_changes_are_the_tasks_completed_and_fallen_overdue_in_the_month(cast, zhengzhou):
    changes = period_changes(zhengzhou, PERIOD, TODAY)
    assert [(task.label, task.completed_on) for task in changes.completed] == [
        ("（一）", D(2026, 10, 10)),
        ("（七）", D(2026, 10, 28)),
    ]
    assert changes.completed[1].lead_departments == ("郑州市卫生健康委员会", "郑州市医疗保障局")
    # C was completed only after the period: it was overdue in October.
    assert [(task.label, task.due_on, task.completed_on) for task in changes.overdue] == [
        ("（二）", D(2026, 10, 20), None),
        ("（三）", D(2026, 10, 25), None),
    ]
    assert changes.overdue[0].lead_departments == ("郑州市医疗保障局",)
    assert (changes.completed_total, changes.overdue_total) == (2, 2)


def test_a_bulletin_of_the_month_under_way_counts_overdue_only_up_to_today(cast, zhengzhou):
    # On 20 October, B (due that day) is not overdue yet, and C is not yet due.
    changes = period_changes(zhengzhou, PERIOD, D(2026, 10, 20))
    assert changes.overdue == []
    changes = period_changes(zhengzhou, PERIOD, D(2026, 10, 21))
    assert [task.label for task in changes.overdue] == ["（二）"]


def test_the_lists_are_capped_and_their_totals_kept(cast, zhengzhou):
    changes = period_changes(zhengzhou, PERIOD, TODAY, limit=1)
    assert [task.label for task in changes.completed] == ["（一）"]
    assert [task.label for task in changes.overdue] == ["（二）"]
    assert (changes.completed_total, changes.overdue_total) == (2, 2)


def test_the_content_has_the_ranking_the_reports_and_the_instructions_of_the_period(cast, zhengzhou):
    with translation.override("en"):
        content = bulletin_content(zhengzhou, PERIOD, TODAY)
    assert content.title == (
        "郑州市 bulletin on the progress of the key tasks of deepening the medical and health system reform (2026/10)"
    )
    assert (content.period_start, content.period_end, content.issued_on) == (
        D(2026, 10, 1),
        D(2026, 10, 31),
        TODAY,
    )
    figures = {item.department: item for item in content.ranking.departments}
    insurance = figures["郑州市医疗保障局"]
    # A, B and G (co-lead): A and G completed on time, B overdue.
    assert (insurance.lead_tasks, insurance.completed, insurance.completed_on_time, insurance.overdue) == (
        3,
        2,
        2,
        1,
    )
    assert insurance.report == ReportTimeliness.ON_TIME
    health = figures["郑州市卫生健康委员会"]
    assert (health.lead_tasks, health.completed, health.completed_on_time, health.overdue) == (3, 2, 1, 1)
    assert health.report == ReportTimeliness.LATE
    assert figures["中原区人民政府"].report == ReportTimeliness.MISSING

    assert (content.instructions_total, content.instructions_answered) == (2, 1)
    first, second = content.instructions
    assert (first.given_on, first.department, first.task, first.answered) == (
        D(2026, 10, 12),
        "郑州市医疗保障局",
        "（二）推进医保基金智能监管全覆盖。",
        True,
    )
    assert (second.task, second.department, second.text, second.answered) == (
        "",
        "中原区人民政府",
        "逾期任务请逐项说明原因。",
        False,
    )


def tasks_for(document, department, count):
    for index in range(count):
        task = TaskFactory(
            document=document, status=TaskStatus.COMPLETED if index % 2 else TaskStatus.IN_PROGRESS
        )
        AssignmentFactory(task=task, department=department)
        DeadlineFactory(task=task, due_on=D(2026, 10, 1 + index % 28))
        if index % 2:
            verified(task, D(2026, 10, 1 + index % 28))
        given_on(InstructionFactory(task=task, department=department), D(2026, 10, 3))


@pytest.mark.parametrize("count", [3, 30])
def test_the_content_takes_the_same_queries_whatever_the_number_of_tasks(
    count, zhengzhou, zhengzhou_document, insurance_bureau, django_assert_max_num_queries, monkeypatch
):
    tasks_for(zhengzhou_document, insurance_bureau, count)
    # Lists of at most ten, so that 30 tasks overflow them and are counted.
    monkeypatch.setattr(bulletin_service, "LIST_LIMIT", 10)
    # Summary, ranking (2), completed and overdue (a list and a count each, their lead departments),
    # instructions (a list and a count).
    with django_assert_max_num_queries(11):
        content = bulletin_content(zhengzhou, PERIOD, TODAY)
    assert content.summary.tasks == count
    assert content.instructions_total == count
    assert content.changes.completed_total == count // 2
    assert len(content.changes.completed) == min(count // 2, 10)


# The document -----------------------------------------------------------------------------------


def document_of(content) -> docx.Document:
    return docx.Document(io.BytesIO(build_bulletin_document(content)))


def test_the_document_prints_the_title_the_summary_the_table_and_the_lists(cast, zhengzhou):
    with translation.override("zh-hans"):
        content = bulletin_content(zhengzhou, PERIOD, TODAY)
        document = document_of(content)
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert paragraphs[0] == "郑州市深化医药卫生体制改革重点任务推进情况通报（2026年10月）"
    assert document.paragraphs[0].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in document.paragraphs[0].runs)
    text = "\n".join(paragraphs)
    assert "纳入台账管理的重点任务共8项，已完成4项，完成率50.0%" in text
    assert "按期完成率66.7%" in text
    assert "逾期未完成2项" in text
    assert "按时报送1个，逾期报送1个，未报送1个" in text
    assert "未报送单位：中原区人民政府" in text
    assert (
        "1．（一）全面推进DRG/DIP支付方式改革（牵头单位：郑州市医疗保障局；完成时限：2026年10月15日；完成时间：2026年10月10日）"
        in text
    )
    assert (
        "2．（三）推进紧密型城市医疗集团建设（牵头单位：郑州市卫生健康委员会；完成时限：2026年10月25日）"
        in text
    )
    assert "对中原区人民政府逾期任务作出批示：“逾期任务请逐项说明原因。”（待办理回复）" in text
    # The issuing office and the date close the document, right-aligned.
    assert paragraphs[-2:] == ["郑州市深化医药卫生体制改革领导小组办公室", "2026年11月5日"]
    assert document.paragraphs[-1].alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT

    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["排名", "部门", "牵头任务", "已完成", "完成率", "按期完成率", "逾期", "月报报送"]
    assert rows[1:] == [
        ["1", "郑州市医疗保障局", "3", "2", "66.7%", "100.0%", "1", "按时"],
        ["2", "郑州市卫生健康委员会", "3", "2", "66.7%", "50.0%", "1", "逾期"],
        ["3", "中原区人民政府", "3", "1", "33.3%", "—", "0", "未报送"],
    ]


def test_the_document_is_laid_out_as_an_office_prints_it(cast, zhengzhou):
    with translation.override("zh-hans"):
        document = document_of(bulletin_content(zhengzhou, PERIOD, TODAY))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.orientation == docx.enum.section.WD_ORIENT.PORTRAIT
    qn = docx.oxml.ns.qn
    title_fonts = document.paragraphs[0].runs[0]._r.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "宋体"
    body_fonts = document.paragraphs[3].runs[0]._r.rPr.rFonts
    assert body_fonts.get(qn("w:eastAsia")) == "仿宋"
    header = document.tables[0].rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    footer = section.footer._element.xml
    assert "PAGE" in footer
    assert "fldChar" in footer


def test_an_empty_period_says_so(zhengzhou):
    with translation.override("en"):
        document = document_of(bulletin_content(zhengzhou, PERIOD, TODAY))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "No task was completed in the period." in text
    assert "No task became overdue in the period." in text
    assert "No leader's instruction was given in the period." in text
    assert len(document.tables[0].rows) == 1


def test_a_capped_list_says_how_many_more(cast, zhengzhou, monkeypatch):
    monkeypatch.setattr(bulletin_service, "LIST_LIMIT", 1)
    with translation.override("zh-hans"):
        document = document_of(bulletin_content(zhengzhou, PERIOD, TODAY))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    # One more completed, one more overdue, one more instruction.
    assert text.count("及其他1项（详见台账）。") == 3


# The Report row and its build -------------------------------------------------------------------


def test_a_requested_bulletin_is_built_after_commit_and_stored(
    cast, zhengzhou, office, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = request_bulletin(zhengzhou, office, PERIOD)
        assert report.status == Report.Status.QUEUED
    assert len(callbacks) == 1
    report.refresh_from_db()
    assert (report.kind, report.status, report.progress, report.error) == (
        Report.Kind.BULLETIN,
        Report.Status.DONE,
        100,
        "",
    )
    assert report.file.name == f"reports/{PERIOD}/bulletin-410100-{PERIOD}.docx"
    with report.file.open("rb") as stored:
        # The job builds in the portal's language.
        assert docx.Document(stored).paragraphs[0].text.endswith("通报（2026年10月）")


def test_a_failed_build_is_recorded_and_the_previous_file_kept(zhengzhou, office, monkeypatch):
    report = Report.objects.create(
        kind=Report.Kind.BULLETIN, region=zhengzhou, period=PERIOD, requested_by=office
    )
    assert build_bulletin(report.pk, today=TODAY) == Report.Status.DONE
    report.refresh_from_db()
    stored = report.file.name
    Report.objects.filter(pk=report.pk).update(status=Report.Status.QUEUED)

    def broken(content, out=None):
        raise OSError("No space left on device")

    monkeypatch.setattr(bulletin_service, "build_bulletin_document", broken)
    assert build_bulletin(report.pk, today=TODAY) == Report.Status.FAILED
    report.refresh_from_db()
    assert "No space left on device" in report.error
    assert report.file.name == stored
    assert report.file.storage.exists(stored)


def test_a_queued_bulletin_is_reused_and_a_done_one_queued_again(
    zhengzhou, office, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = request_bulletin(zhengzhou, office, PERIOD)
        again = request_bulletin(zhengzhou, leader, PERIOD)
    assert first.pk == again.pk
    assert len(callbacks) == 1
    Report.objects.filter(pk=first.pk).update(status=Report.Status.DONE, progress=100)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rebuilt = request_bulletin(zhengzhou, leader, PERIOD)
    assert (rebuilt.pk, rebuilt.status, rebuilt.requested_by) == (first.pk, Report.Status.QUEUED, leader)
    assert len(callbacks) == 1
    # The ledger of the same period is another row.
    assert Report.objects.filter(kind=Report.Kind.BULLETIN).count() == 1


def test_who_may_not_request_a_bulletin_writes_nothing(zhengzhou, henan, liaison, outsider, office):
    with pytest.raises(NotPermitted):
        request_bulletin(zhengzhou, liaison, PERIOD)
    with pytest.raises(Region.DoesNotExist):
        request_bulletin(zhengzhou, outsider, PERIOD)
    with pytest.raises(Region.DoesNotExist):
        request_bulletin(henan, office, PERIOD)
    with pytest.raises(ValidationError):
        request_bulletin(zhengzhou, office, "2026-13")
    assert not Report.objects.exists()
