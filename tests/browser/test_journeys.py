"""What users do in a real browser: log in and switch language, report progress with evidence, verify a
task, read the dashboard's charts, import a document, and be kept out of another department's task; and
the longer journeys: a real seed document from upload through review, edit and 销号, two offices saving
the same task (the stale save is refused), a liaison's report followed by another department's task.

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

from regions.models import Region
from tasks.models import Assignment, DocumentImport, PolicyDocument, Task, TaskChange, TaskStatus
from tests.factories import PASSWORD, DeadlineFactory, TargetFactory, UserFactory

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

    for label in ("已完成", "已逾期"):
        page.goto("/dashboard/")
        # Exact labels: 逾期完成 has a card of its own.
        label_re = re.compile(f"^{label}$")
        card = page.locator("a.figure-card").filter(has=page.locator(".figure-label", has_text=label_re))
        shown = first_number(card.locator(".figure-value").inner_text())
        assert shown == 1, (label, shown)
        card.click()
        expect(page).to_have_url(re.compile(r"/tasks/\?"))
        assert first_number(page.locator(".task-count").inner_text()) == shown
        expect(page.locator("table tbody tr").filter(has=page.locator("a[href*='/tasks/']"))).to_have_count(
            shown
        )


def unfold(task) -> None:
    """Open a task of the review screen as a clerk does: tasks without problems come folded."""
    if task.get_attribute("open") is None:
        task.locator("summary").first.click()


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
    tasks = review.locator("details.task")
    expect(tasks).to_have_count(3)
    expect(review.locator("textarea").nth(0)).to_have_value(re.compile("推进按病种付费"))

    unmatched = review.locator("details.task.has-unmatched")
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


# (g) A real seed document: upload, review, confirm, edit a task, verify it --------------------------

# 郑医改〔2021〕2号: 22 tasks, every responsible department of which resolves in the reference data.
SEED = Path(settings.BASE_DIR) / "fixtures" / "seeds" / "001_7a68ed7b43eddbc1.txt"
REVIEW_NOTE = "（审核时补充：年内完成首批集采品种落地。）"
EDIT_NOTE = "（医改办修订：纳入月度调度。）"


def test_office_imports_a_seed_document_then_edits_and_verifies_one_of_its_tasks(
    page, expect, login_as, real_reference_data, shot
):
    zhengzhou = Region.objects.get(code="410100")
    office = UserFactory(username="zz_office", first_name="郑州市医改办", office=True, region=zhengzhou)
    login_as(office)

    page.goto("/documents/import/")
    upload = page.locator("form.upload")
    upload.locator("select[name=region]").select_option(str(zhengzhou.pk))
    upload.locator("input[type=file]").set_input_files(str(SEED))
    upload.get_by_role("button", name="上传并识别").click()

    # The review screen: all 22 items, every department resolved.
    expect(page).to_have_url(re.compile(r"/documents/import/\d+/$"))
    review = page.locator("#review-form")
    expect(review.locator("details.task")).to_have_count(22)
    expect(review.locator("input[name=doc_number]")).to_have_value("郑医改〔2021〕2号")
    expect(review.locator("details.task.has-unmatched")).to_have_count(0)

    # Two corrections: a sentence added to item （二）, item （二十二） dropped.
    second = review.locator("#task-1")
    expect(second.locator("summary .path")).to_contain_text("（二）")
    unfold(second)
    text = second.locator("textarea[name='t1-text']")
    original = text.input_value()
    assert original.startswith("推进药品耗材集中采购"), original
    text.fill(original + REVIEW_NOTE)
    last = review.locator("#task-21")
    expect(last.locator("summary .path")).to_contain_text("（二十二）")
    unfold(last)
    dropped = last.locator("textarea[name='t21-text']").input_value()
    assert dropped.startswith("做好医改“十三五”总结评估"), dropped
    last.get_by_label("删除此项").check()
    shot("-1-review")
    review.get_by_role("button", name="确认导入").click()

    # The document page: 21 tasks, the edited text, not the dropped item.
    expect(page).to_have_url(re.compile(r"/documents/\d+/$"))
    expect(page.locator(".alert-success")).to_contain_text("新增任务 21 项")
    count = page.locator("dl.facts div").filter(has=page.locator("dt", has_text=re.compile("^任务数$")))
    expect(count.locator("dd")).to_have_text("21")
    outline = page.locator("ol.outline")
    expect(outline.locator("li.outline-task")).to_have_count(21)
    expect(outline.locator("li.outline-task").filter(has_text=REVIEW_NOTE)).to_have_count(1)
    expect(outline).not_to_contain_text("做好医改“十三五”总结评估")
    shot("-2-document")

    document = PolicyDocument.objects.get()
    assert (document.doc_number, document.tasks.count()) == ("郑医改〔2021〕2号", 21)
    assert DocumentImport.objects.get().status == DocumentImport.Status.IMPORTED
    task = document.tasks.get(text__contains=REVIEW_NOTE)
    assert task.text == original + REVIEW_NOTE
    lead = task.assignments.get(role=Assignment.Role.LEAD)
    assert lead.department.name == "郑州市医疗保障局"
    version = task.version

    # Open the task from the document's task list, then edit it.
    page.goto(f"/tasks/?document={document.pk}")
    expect(page.locator(".task-count")).to_contain_text("21")
    page.get_by_role("link", name=re.compile("^推进药品耗材集中采购")).click()
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    page.get_by_role("link", name="编辑任务").click()
    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/edit/$"))
    form = page.locator("form.task-edit-form")
    expect(form.locator("#id_text")).to_have_value(task.text)
    form.locator("#id_text").fill(task.text + EDIT_NOTE)
    form.locator("#id_status").select_option("pending_verification")
    form.locator("#id_progress").fill("100")
    shot("-3-edit")
    form.get_by_role("button", name="保存", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("任务已保存。")
    expect(page.locator(".task-status").first).to_have_text(re.compile("待审核销号"))
    expect(page.locator("body")).to_contain_text(EDIT_NOTE)

    # 销号.
    page.locator("#action-verify").get_by_role("button", name="通过，予以销号").click()
    expect(page.locator(".alert-success")).to_contain_text("已审核销号，任务完成。")
    expect(page.locator(".task-status").first).to_have_text(re.compile("已完成"))
    expect(page.locator("#action-verify")).to_have_count(0)
    shot("-4-verified")

    task.refresh_from_db()
    assert (task.status, task.progress) == (TaskStatus.COMPLETED, 100)
    assert task.text == original + REVIEW_NOTE + EDIT_NOTE
    assert task.version == version + 2
    changes = list(task.changes.exclude(action=TaskChange.Action.IMPORTED).order_by("pk"))
    assert [(c.action, c.actor_id) for c in changes] == [
        (TaskChange.Action.UPDATED, office.pk),
        (TaskChange.Action.VERIFIED, office.pk),
    ]
    assert {"text", "status", "progress"} <= set(changes[0].changes)
    assert changes[0].changes["status"] == [TaskStatus.NOT_STARTED, TaskStatus.PENDING_VERIFICATION]


# (h) Two offices edit the same task: the stale save is refused --------------------------------------

FIRST_SAVE = "全面推进DRG/DIP支付方式改革，年底前实现统筹区全覆盖。"


def test_a_stale_edit_is_refused_with_what_changed_and_the_first_save_is_kept(
    page, expect, login_as, office, province_office, insurance_task, second_browser, console_errors, shot
):
    # The browser logs the 409 answer of the refused save.
    console_errors.allow(r"Failed to load resource: the server responded with a status of 409")
    original = insurance_task.text
    edit_url = f"/tasks/{insurance_task.pk}/edit/"

    # Both offices open the edit page of the task at version 1.
    login_as(office)
    page.goto(edit_url)
    mine = page.locator("form.task-edit-form")
    expect(mine.locator("input[name=version]")).to_have_value("1")
    other = second_browser(province_office)
    other.goto(edit_url)
    theirs = other.locator("form.task-edit-form")
    expect(theirs.locator("input[name=version]")).to_have_value("1")

    # The provincial office saves first.
    theirs.locator("#id_text").fill(FIRST_SAVE)
    theirs.locator("#id_progress").fill("30")
    theirs.get_by_role("button", name="保存", exact=True).click()
    expect(other).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/$"))
    expect(other.locator(".alert-success")).to_contain_text("任务已保存。")
    shot("-1-first-save", of=other)

    # The city office saves from the page it loaded before that.
    mine.locator("#id_status").select_option("in_progress")
    mine.locator("#id_progress").fill("80")
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(edit_url)) as answer:
        mine.get_by_role("button", name="保存", exact=True).click()
    assert answer.value.status == 409

    expect(page).to_have_url(re.compile(rf"{edit_url}$"))
    errors = page.locator(".edit-errors")
    expect(errors).to_contain_text(
        "您打开该任务后，它已被他人修改（版本 1 → 2）。您的修改未保存，请查看最新内容后重试。"
    )
    expect(errors).to_contain_text(re.compile(r"河南省医改办 [\d-]+ [\d:]+ 修改（任务内容、进度（%））"))
    expect(errors).not_to_contain_text("Changed since")  # the whole message in the portal's language
    conflict = page.locator("section.version-conflict")
    expect(conflict.get_by_role("heading", name="您打开此页面后，任务已被他人修改")).to_be_visible()
    change = conflict.locator("ol > li")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("河南省医改办")
    text_row = change.locator("li").filter(has=page.locator("span.field", has_text="任务内容"))
    expect(text_row.locator("del.before")).to_have_text(original)
    expect(text_row.locator("ins.after")).to_have_text(FIRST_SAVE)
    progress_row = change.locator("li").filter(has=page.locator("span.field", has_text="进度"))
    expect(progress_row.locator("del.before")).to_have_text("0%")
    expect(progress_row.locator("ins.after")).to_have_text("30%")
    expect(conflict.locator(".current-text")).to_have_text(FIRST_SAVE)
    # The user's input is kept, and the form now carries the current version.
    expect(mine.locator("#id_progress")).to_have_value("80")
    expect(mine.locator("#id_status")).to_have_value("in_progress")
    expect(mine.locator("#id_text")).to_have_value(original)
    expect(mine.locator("input[name=version]")).to_have_value("2")
    shot("-2-conflict")

    # Nothing of the stale save was written.
    insurance_task.refresh_from_db()
    assert (insurance_task.text, insurance_task.progress, insurance_task.status) == (
        FIRST_SAVE,
        30,
        TaskStatus.NOT_STARTED,
    )
    assert insurance_task.version == 2
    changes = list(insurance_task.changes.order_by("pk"))
    assert [(c.action, c.actor_id) for c in changes] == [(TaskChange.Action.UPDATED, province_office.pk)]

    # Saving again, with the current values in view, is a decision: the form's values replace them.
    mine.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/$"))
    expect(page.locator(".alert-success")).to_contain_text("任务已保存。")
    insurance_task.refresh_from_db()
    assert (insurance_task.text, insurance_task.progress, insurance_task.status, insurance_task.version) == (
        original,
        80,
        TaskStatus.IN_PROGRESS,
        3,
    )


# (i) A liaison reports on its own task, then is refused another department's -----------------------


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
