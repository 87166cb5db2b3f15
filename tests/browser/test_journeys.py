"""What users do in a real browser: log in and switch language, report progress with evidence, verify a
task, read the dashboard's charts, import a document, and be kept out of another department's task; and
a liaison's report with evidence followed, in the same session, by another department's task refused.

The persona fixtures come from tests/conftest.py; the live server makes these tests transactional, so
what a test creates is committed and visible to the server thread.
"""

import datetime
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tasks.models import DocumentImport, PolicyDocument, Task, TaskStatus
from tests.factories import PASSWORD, DeadlineFactory, TargetFactory

pytestmark = pytest.mark.browser

# A minimal PDF the evidence check accepts (it reads the magic bytes).
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png_bytes(width: int = 4, height: int = 4) -> bytes:
    """A real PNG: a red square, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def first_number(text: str) -> int:
    return int(re.search(r"\d+", text.replace(",", "")).group())


def later(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


# (a) Log in, Chinese by default, switch language ---------------------------------------------------


def test_office_logs_in_through_the_form_and_switches_language(page, expect, office, shot):
    page.goto("/tasks/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", office.username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/tasks/$"))

    nav = page.locator("#main-nav")
    # The browser asks for English (en-US); the portal answers in Chinese, its language.
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    for label in ("任务清单", "数据看板", "导入文件"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(nav.get_by_role("link", name="我的任务")).to_have_count(0)  # liaisons only
    shot()

    nav.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    for label in ("Task list", "Dashboard", "Import a document"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()

    nav.get_by_role("button", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(nav.get_by_role("link", name="任务清单")).to_be_visible()


# (b) A liaison reports progress with evidence ----------------------------------------------------


def test_liaison_reports_progress_with_evidence_and_downloads_it(
    page, expect, login_as, liaison, insurance_task, tmp_path, shot
):
    pdf = tmp_path / "会议纪要.pdf"
    pdf.write_bytes(PDF)
    png = tmp_path / "现场照片.png"
    png.write_bytes(png_bytes())

    login_as(liaison)
    page.goto("/tasks/mine/")
    page.get_by_role("link", name="全面推进DRG/DIP支付方式改革").first.click()
    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/$"))

    block = page.locator("#action-progress")
    block.locator("summary").click()
    form = block.locator("form.progress-form")
    form.locator("select[name=status]").select_option("in_progress")
    form.locator("input[name=percent]").fill("60")
    form.locator("textarea[name=narrative]").fill("已召开专题会议，完成支付方式改革实施方案初稿。")
    form.locator("input[type=file][name=files]").set_input_files([str(pdf), str(png)])
    form.get_by_role("button", name="提交报送").click()

    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/$"))
    timeline = page.locator("ol.timeline")
    update = timeline.locator("li.timeline-item").filter(has_text="完成支付方式改革实施方案初稿")
    expect(update).to_have_count(1)
    expect(update.get_by_role("link", name="会议纪要.pdf")).to_be_visible()
    expect(update.get_by_role("link", name="现场照片.png")).to_be_visible()
    shot()

    with page.expect_download() as download_info:
        update.get_by_role("link", name="现场照片.png").click()
    download = download_info.value
    assert download.suggested_filename == "现场照片.png"
    assert Path(download.path()).read_bytes() == png.read_bytes()

    insurance_task.refresh_from_db()
    assert (insurance_task.status, insurance_task.progress) == (TaskStatus.IN_PROGRESS, 60)


# (c) The office verifies a completion --------------------------------------------------------------


def test_office_verifies_a_pending_task(page, expect, login_as, office, insurance_task, shot):
    DeadlineFactory(task=insurance_task, due_on=later(30), text="下月底前", year=later(30).year)
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.PENDING_VERIFICATION, progress=100)

    login_as(office)
    page.goto(f"/tasks/{insurance_task.pk}/")
    verify = page.locator("#action-verify")
    expect(verify).to_be_visible()
    verify.get_by_role("button", name="通过，予以销号").click()

    expect(page.locator(".alert-success")).to_contain_text("已审核销号，任务完成。")
    expect(page.locator(".task-status").first).to_have_text(re.compile("已完成"))
    expect(page.locator("#action-verify")).to_have_count(0)
    shot()
    insurance_task.refresh_from_db()
    assert insurance_task.status == TaskStatus.COMPLETED


# (d) A leader reads the dashboard -------------------------------------------------------------------


def test_leader_dashboard_draws_its_charts_and_cards_lead_to_the_list(
    page, expect, login_as, leader, zhengzhou_tasks, shot
):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.COMPLETED, progress=100)
    DeadlineFactory(task=health_task, due_on=later(-10), text="上月底前", year=later(-10).year)
    TargetFactory(task=county_task)

    login_as(leader)
    page.goto("/dashboard/")
    charts = page.locator(".dashboard .chart")
    assert charts.count() >= 3
    for index in range(charts.count()):
        chart = charts.nth(index)
        canvas = chart.locator("canvas").first
        expect(canvas).to_be_attached()
        size = canvas.evaluate("c => [c.width, c.height, c.getBoundingClientRect().width]")
        assert min(size) > 0, (chart.get_attribute("id"), size)
    shot()

    for label in ("已完成", "逾期"):
        page.goto("/dashboard/")
        card = page.locator("a.figure-card").filter(has=page.locator(".figure-label", has_text=label))
        shown = first_number(card.locator(".figure-value").inner_text())
        assert shown == 1, (label, shown)
        card.click()
        expect(page).to_have_url(re.compile(r"/tasks/\?"))
        assert first_number(page.locator(".task-count").inner_text()) == shown
        expect(page.locator("table tbody tr").filter(has=page.locator("a[href*='/tasks/']"))).to_have_count(
            shown
        )


# (e) The office imports a document ------------------------------------------------------------------

DOCUMENT = """郑州市深化医药卫生体制改革工作领导小组文件

郑医改〔2026〕9号

关于印发郑州市深化医药卫生体制改革2026年重点工作任务的通知

2026年3月1日

一、深化医保支付方式改革

（一）推进按病种付费，年底前病种数不少于100个。（郑州市医疗保障局负责）

（二）完善医疗服务价格动态调整机制，6月底前完成调价评估。（市医疗保障部门牵头）

二、加强基层能力

（三）推进紧密型城市医疗集团建设。（郑州市卫生健康委员会负责）
"""


def test_office_imports_a_document_after_mapping_an_unknown_department(
    page, expect, login_as, office, zhengzhou, insurance_bureau, health_commission, tmp_path, shot
):
    source = tmp_path / "重点任务.txt"
    source.write_text(DOCUMENT, encoding="utf-8")

    login_as(office)
    page.goto("/documents/import/")
    form = page.locator("form.upload")
    region = form.locator("select[name=region]")
    if region.count():
        region.select_option(str(zhengzhou.pk))
    form.locator("input[type=file]").set_input_files(str(source))
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/documents/import/\d+/$"))
    review = page.locator("#review-form")
    tasks = review.locator("fieldset.task")
    expect(tasks).to_have_count(3)
    expect(review.locator("textarea").nth(0)).to_have_value(re.compile("推进按病种付费"))

    unmatched = review.locator("fieldset.task.has-unmatched")
    expect(unmatched).to_have_count(1)
    suggestion = unmatched.locator("button.suggestion", has_text="郑州市医疗保障局")
    expect(suggestion).to_be_visible()
    name_input = page.locator(f"#{suggestion.get_attribute('data-fill')}")
    expect(name_input).to_have_value("")
    suggestion.click()
    expect(name_input).to_have_value("郑州市医疗保障局")  # filled by review.js
    expect(name_input).not_to_have_class(re.compile(r"\binvalid\b"))
    expect(name_input).to_be_focused()

    review.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(page.locator(".alert-success")).to_be_visible()
    shot()

    document = PolicyDocument.objects.get()
    assert document.doc_number == "郑医改〔2026〕9号"
    second = document.tasks.get(text__contains="完成调价评估")
    assert [a.department.name for a in second.assignments.all()] == ["郑州市医疗保障局"]
    assert DocumentImport.objects.get().status == DocumentImport.Status.IMPORTED


# (f) Out of scope -----------------------------------------------------------------------------------


def test_another_departments_task_is_not_found_for_a_liaison(
    page, expect, login_as, liaison, health_task, console_errors, shot
):
    # The browser logs the 404 answer of the page itself.
    console_errors.allow(r"Failed to load resource: the server responded with a status of 404")
    login_as(liaison)
    response = page.goto(f"/tasks/{health_task.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("推进紧密型城市医疗集团建设")
    shot()

    response = page.goto("/tasks/")
    assert response.status == 200
    expect(page.get_by_role("link", name=re.compile("推进紧密型城市医疗集团建设"))).to_have_count(0)


# (g) A liaison reports on its own task, then is refused another department's -----------------------


def test_liaison_reports_with_evidence_then_is_refused_another_departments_task(
    page, expect, login_as, liaison, insurance_task, health_task, console_errors, tmp_path, shot
):
    # The browser logs the 404 answer of the refused page itself.
    console_errors.allow(r"Failed to load resource: the server responded with a status of 404")
    evidence = tmp_path / "实施方案.pdf"
    evidence.write_bytes(PDF)

    login_as(liaison)
    page.goto("/tasks/mine/")
    expect(page.get_by_role("link", name=re.compile("推进紧密型城市医疗集团建设"))).to_have_count(0)
    page.get_by_role("link", name="全面推进DRG/DIP支付方式改革").first.click()
    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/$"))

    block = page.locator("#action-progress")
    block.locator("summary").click()
    form = block.locator("form.progress-form")
    form.locator("select[name=status]").select_option("in_progress")
    form.locator("input[name=percent]").fill("40")
    form.locator("textarea[name=narrative]").fill("印发DRG付费实施方案，完成首批医疗机构培训。")
    form.locator("input[type=file][name=files]").set_input_files(str(evidence))
    shot("-1-report")
    form.get_by_role("button", name="提交报送").click()

    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/$"))
    update = page.locator("ol.timeline li.timeline-item").filter(has_text="完成首批医疗机构培训")
    expect(update).to_have_count(1)
    expect(update.get_by_role("link", name="实施方案.pdf")).to_be_visible()
    expect(page.locator(".task-status").first).to_have_text(re.compile("推进中"))
    shot("-2-timeline")

    insurance_task.refresh_from_db()
    assert (insurance_task.status, insurance_task.progress) == (TaskStatus.IN_PROGRESS, 40)
    report = insurance_task.progress_updates.get()
    assert report.author_id == liaison.pk
    assert [e.original_name for e in report.evidence.all()] == ["实施方案.pdf"]

    # The other department's task, by its address: not found, and nothing of it shown.
    response = page.goto(f"/tasks/{health_task.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("推进紧密型城市医疗集团建设")
    shot("-3-refused")
    # Nor may the liaison post a report on it (with the session's CSRF token, as the form would).
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == settings.CSRF_COOKIE_NAME)
    response = page.request.post(
        f"/tasks/{health_task.pk}/progress/",
        form={"status": "in_progress", "percent": "50", "narrative": "越权报送"},
        headers={"X-CSRFToken": csrf},
    )
    assert response.status == 404
    assert not health_task.progress_updates.exists()
