"""A month's report from the form to the 通报, in a real browser, as the liaison and the office pass it
between them: the liaison fills the report online, saves a draft and finds it again, records and
submits; the office reads the submitted rows and returns one row with a reason; the liaison sees the
reason beside that row, corrects it and submits again; the office approves, closes the period, builds
and downloads the Word 通报, and reads the task list as of the closed period, which keeps the month's
figures after the task moves on. And a completion verified after the deadline reads 逾期完成 on the
task page, in the list and on the dashboard. At desktop and phone width; screenshots under
var/browser-shots/.
"""

import datetime
import io
import re

import pytest
from django.utils import timezone
from docx import Document

from tasks.models import PeriodClosing, ProgressUpdate, Report, ReportRowReturn, Task, TaskStatus
from tasks.reports.services.periods import previous_period
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    ProgressUpdateFactory,
    ReportFactory,
    TargetFactory,
    TaskFactory,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def first_number(text: str) -> int:
    return int(re.search(r"\d+", text.replace(",", "")).group())


@pytest.fixture
def month():
    """Last month: the period a report is filled for now and that can be closed now."""
    return previous_period(timezone.localdate())


@pytest.fixture
def second_task(zhengzhou_document, insurance_bureau):
    task = TaskFactory(document=zhengzhou_document, position=2, text="推进医保基金智能监管系统建设。")
    AssignmentFactory(task=task, department=insurance_bureau, role="lead")
    return task


def fill_row(page, task, *, percent: str, narrative: str, status: str = "in_progress") -> None:
    row = page.locator(f"#row-{task.pk}")
    row.locator("select").select_option(status)
    row.locator("input[type=number]").fill(percent)
    row.locator("textarea").fill(narrative)


def test_a_report_goes_from_the_form_through_review_to_the_bulletin_and_the_closed_period(
    page,
    expect,
    login_as,
    second_browser,
    office,
    liaison,
    insurance_bureau,
    insurance_task,
    second_task,
    month,
    shot,
):
    target = TargetFactory(task=insurance_task)
    report = ReportFactory(department=insurance_bureau, period=month, status=Report.Status.DONE)

    # The liaison fills the form, saves a draft, and finds what was typed when reopening it.
    login_as(liaison)
    page.goto(f"/reports/{report.pk}/fill/")
    fill_row(page, insurance_task, percent="60", narrative="完成首批37家医疗机构DRG付费清算。")
    page.locator(f"#row-{insurance_task.pk} input[name$='actual-{target.pk}']").fill("85")
    fill_row(page, second_task, percent="30", narrative="完成智能监管系统招标。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".alert-success")).to_contain_text("草稿")
    assert not ProgressUpdate.objects.exists(), "a draft records nothing"
    page.goto(f"/reports/{report.pk}/")
    page.goto(f"/reports/{report.pk}/fill/")
    expect(page.locator(".draft-source")).to_be_visible()
    expect(page.locator(f"#row-{insurance_task.pk} input[type=number]")).to_have_value("60")
    expect(page.locator(f"#row-{insurance_task.pk} textarea")).to_have_value(
        "完成首批37家医疗机构DRG付费清算。"
    )
    expect(page.locator(f"#row-{insurance_task.pk} input[name$='actual-{target.pk}']")).to_have_value("85")
    expect(page.locator(f"#row-{second_task.pk} input[type=number]")).to_have_value("30")
    shot("-liaison-draft")

    # … records it and submits the report.
    page.get_by_role("button", name="保存并记录").click()
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("2")
    page.locator(".submit-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The office reads the submitted rows and returns one of them with a reason.
    office_page = second_browser(office)
    office_page.goto(f"/reports/{report.pk}/")
    rows = office_page.locator(".report-row-reviewed")
    expect(rows).to_have_count(2)
    first = office_page.locator(f".report-row-reviewed#row-{insurance_task.pk}")
    expect(first.locator(".row-percent")).to_have_text("60")
    expect(first).to_contain_text("完成首批37家医疗机构DRG付费清算。")
    expect(first.locator(".row-reading")).to_contain_text("85%")
    expect(first.locator(".row-reading")).to_contain_text("未达标")
    shot("-office-rows", of=office_page)
    office_page.locator(f"#id_row-{insurance_task.pk}").fill("清算进度与医保结算数据不符，请核实后重报。")
    office_page.locator(".return-form button[type=submit]").click()
    expect(office_page.locator(".alert-success")).to_be_visible()
    assert Report.objects.get(pk=report.pk).status == Report.Status.RETURNED
    assert list(ReportRowReturn.objects.values_list("task_id", flat=True)) == [insurance_task.pk]

    # The liaison finds the reason beside that row (only that one), corrects it, and submits again.
    page.goto(f"/reports/{report.pk}/fill/")
    expect(page.locator(f"#row-{insurance_task.pk} .row-return-reason")).to_contain_text("请核实后重报")
    expect(page.locator(f"#row-{second_task.pk} .row-return-reason")).to_have_count(0)
    page.set_viewport_size(PHONE)
    shot("-liaison-returned-row-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    fill_row(page, insurance_task, percent="55", narrative="经核实，完成首批33家医疗机构DRG付费清算。")
    page.get_by_role("button", name="保存并记录").click()
    expect(page).to_have_url(re.compile(rf"/reports/{report.pk}/$"))
    page.locator(".submit-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The office sees the correction and approves.
    office_page.goto(f"/reports/{report.pk}/")
    expect(office_page.locator(f"#row-{insurance_task.pk} .row-percent")).to_have_text("55")
    office_page.locator(".approve-form button[type=submit]").click()
    expect(office_page.locator(".alert-success")).to_be_visible()
    assert Report.objects.get(pk=report.pk).status == Report.Status.APPROVED

    # … closes the month (a job; in-process here) …
    office_page.goto("/periods/")
    office_page.locator("#id_close_period").fill(month)
    office_page.locator(".period-close-form button[type=submit]").click()
    expect(office_page).to_have_url(re.compile(r"/periods/\d+/$"))
    office_page.reload()
    closing = PeriodClosing.objects.get(period=month)
    assert closing.status == PeriodClosing.Status.DONE
    expect(office_page.locator(".as-of-links")).to_be_visible()
    shot("-office-period", of=office_page)

    # … builds the 通报 and downloads it: the month's figures, the department, the task.
    office_page.goto(f"/reports/?period={month}")
    office_page.locator(".bulletin-build button[type=submit]").click()
    expect(office_page).to_have_url(re.compile(r"/reports/\d+/$"))
    office_page.reload()
    with office_page.expect_download() as download:
        office_page.locator("a.report-download").click()
    assert download.value.suggested_filename.endswith(".docx")
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    year, number = month.split("-")
    assert f"{int(year)}年{int(number)}月" in text
    assert "郑州市医疗保障局" in cells

    # Work goes on: the liaison reports more in the new month …
    ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison, percent=90)
    Task.objects.filter(pk=insurance_task.pk).update(progress=90)

    # … and the task list as of the closed month still shows the month's 55%, today's shows 90%.
    office_page.goto(f"/tasks/?as_of={month}")
    expect(office_page.locator(".as-of-banner")).to_contain_text(month)
    row = office_page.locator("table tbody tr").filter(has_text="全面推进DRG/DIP")
    expect(row.locator(".task-progress")).to_have_attribute("aria-valuenow", "55")
    shot("-office-as-of", of=office_page)
    office_page.set_viewport_size(PHONE)
    shot("-office-as-of-phone", of=office_page)
    office_page.goto("/tasks/")
    row = office_page.locator("table tbody tr").filter(has_text="全面推进DRG/DIP")
    expect(row.locator(".task-progress")).to_have_attribute("aria-valuenow", "90")

    # The dashboard as of the month: the frozen ranking, drawn as the live dashboard draws it.
    office_page.set_viewport_size({"width": 1366, "height": 900})
    office_page.goto(f"/dashboard/?as_of={month}")
    expect(office_page.locator(".as-of-banner")).to_contain_text(month)
    canvas = office_page.locator("#chart-departments canvas").first
    expect(canvas).to_be_attached()
    assert min(canvas.evaluate("c => [c.width, c.height]")) > 0
    expect(office_page.locator(".frozen-ranking")).to_contain_text("郑州市医疗保障局")
    shot("-office-dashboard-as-of", of=office_page)


def test_a_completion_verified_after_the_deadline_reads_completed_late_everywhere(
    page, expect, login_as, office, insurance_task, health_task, shot
):
    due = timezone.localdate() - datetime.timedelta(days=40)
    DeadlineFactory(task=insurance_task, due_on=due, text="上月底前", year=due.year)
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.PENDING_VERIFICATION, progress=100)
    # Completed on time, for contrast: no deadline passed before the completion.
    Task.objects.filter(pk=health_task.pk).update(status=TaskStatus.COMPLETED, progress=100)

    login_as(office)
    page.goto(f"/tasks/{insurance_task.pk}/")
    page.locator("#action-verify").get_by_role("button", name="通过，予以销号").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".task-status").first).to_have_text("逾期完成")
    shot("-task")

    page.goto("/tasks/")
    late_row = page.locator("table tbody tr").filter(has_text="全面推进DRG/DIP")
    expect(late_row.locator(".task-status")).to_have_text("逾期完成")
    expect(late_row.locator(".light")).to_have_class(re.compile(r"\blight-late\b"))
    expect(late_row.locator(".light")).to_have_attribute("aria-label", re.compile("逾期完成"))
    on_time_row = page.locator("table tbody tr").filter(has_text="紧密型城市医疗集团")
    expect(on_time_row.locator(".task-status")).to_have_text("已完成")
    expect(on_time_row.locator(".light")).not_to_have_class(re.compile(r"\blight-late\b"))

    page.goto("/dashboard/")
    card = page.locator("a.figure-card").filter(
        has=page.locator(".figure-label", has_text=re.compile("^逾期完成$"))
    )
    assert first_number(card.locator(".figure-value").inner_text()) == 1
    card.click()
    expect(page).to_have_url(re.compile(r"completed_late=true"))
    expect(page.locator("table tbody tr").filter(has=page.locator("a[href*='/tasks/']"))).to_have_count(1)
    page.set_viewport_size(PHONE)
    shot("-list-phone")
