"""The 督办 loop in a real browser, as two people pass work between them: a completion request reaches
the office's 待办, is verified there, and the liaison reads 已销号 in 消息; a report submitted reaches the
office's inbox, is returned with a reason, and the reason waits in the liaison's. At desktop and phone
width; screenshots under var/browser-shots/."""

import datetime
import re

import pytest
from django.utils import timezone

from tasks.models import Notification, Report, Task, TaskStatus
from tests.factories import DeadlineFactory, ReportFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def later(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_a_completion_request_goes_through_the_offices_inbox_and_back_as_a_notice(
    page, expect, login_as, second_browser, office, liaison, insurance_task, shot
):
    DeadlineFactory(task=insurance_task, due_on=later(30), text="下月底前", year=later(30).year)

    # The liaison requests completion on the task page.
    login_as(liaison)
    page.goto(f"/tasks/{insurance_task.pk}/")
    page.locator("#action-completion summary").click()
    page.locator(".completion-form textarea[name=narrative]").fill("已印发实施方案并组织培训。")
    page.locator(".completion-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The office sees it waiting: the badge in the navigation, the 待办 page, and 首页.
    office_page = second_browser(office)
    office_page.goto("/")
    expect(office_page.locator("#inbox-badge")).to_have_text(re.compile(r"^1"))
    expect(office_page.locator(".home-inbox")).to_contain_text(insurance_task.text[:10])
    office_page.locator("a.inbox-link").click()
    expect(office_page).to_have_url(re.compile(r"/inbox/$"))
    section = office_page.locator('.inbox-section[data-kind="completion_request"]')
    expect(section.locator(".inbox-total")).to_have_text("1")
    shot("-office-inbox", of=office_page)
    section.locator(".inbox-item a").first.click()

    # … acts on it where it links: the task page's verify panel.
    expect(office_page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/"))
    office_page.locator(".verify-form button[type=submit]").click()
    expect(office_page.locator(".alert-success")).to_be_visible()
    office_page.goto("/inbox/")
    expect(office_page.locator(".inbox-empty")).to_be_visible()
    expect(office_page.locator("#inbox-badge")).to_have_text("")

    # The liaison hears of it: the bell, and 已销号 in 消息; opening it reads it.
    page.goto("/")
    expect(page.locator("#unread-badge")).to_have_text(re.compile(r"^1"))
    page.locator("a.bell").click()
    notice = page.locator(".notifications li.unread")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("已销号")
    shot("-liaison-notifications")
    notice.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/"))
    assert Notification.objects.get(recipient=liaison).read_at is not None
    assert Task.objects.get(pk=insurance_task.pk).status == TaskStatus.COMPLETED

    # At phone width the badge and the inbox stay usable.
    page.set_viewport_size(PHONE)
    page.goto("/inbox/")
    expect(page.locator("h1")).to_have_text("待办")
    shot("-liaison-inbox-phone")


def test_a_report_returned_with_a_reason_waits_for_the_liaison(
    page, expect, login_as, second_browser, office, liaison, insurance_bureau, shot
):
    report = ReportFactory(department=insurance_bureau, status=Report.Status.DONE)

    login_as(liaison)
    page.goto("/inbox/")
    expect(page.locator('.inbox-section[data-kind="report_due"] .inbox-total')).to_have_text("1")
    page.goto(f"/reports/{report.pk}/")
    page.locator(".submit-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()

    office_page = second_browser(office)
    office_page.goto("/inbox/")
    section = office_page.locator('.inbox-section[data-kind="report_submitted"]')
    expect(section).to_contain_text(insurance_bureau.name)
    section.locator(".inbox-item a").first.click()
    expect(office_page).to_have_url(re.compile(rf"/reports/{report.pk}/"))
    office_page.locator(".return-form textarea[name=reason]").fill("第3项任务缺少佐证材料")
    office_page.locator(".return-form button[type=submit]").click()
    expect(office_page.locator(".alert-success")).to_be_visible()
    office_page.goto("/inbox/")
    expect(office_page.locator(".inbox-empty")).to_be_visible()

    page.goto("/inbox/")
    returned = page.locator('.inbox-section[data-kind="report_returned"]')
    expect(returned).to_contain_text("第3项任务缺少佐证材料")
    shot("-liaison-inbox")
    page.set_viewport_size(PHONE)
    page.goto("/notifications/")
    expect(page.locator(".notifications li.unread").first).to_contain_text("第3项任务缺少佐证材料")
    shot("-liaison-notifications-phone")
    assert Report.objects.get(pk=report.pk).status == Report.Status.RETURNED


def test_a_leaders_instruction_is_answered_and_the_reply_reaches_the_leader(
    page, expect, login_as, second_browser, leader, liaison, office, insurance_task, shot, tmp_path
):
    # The leader writes a 批示 on the task page.
    login_as(leader)
    page.goto(f"/tasks/{insurance_task.pk}/")
    page.locator("#instructions .instruction-form textarea[name=text]").fill("请加快推进，月底前报送进展。")
    page.locator("#instructions .instruction-form button[type=submit]").click()
    expect(page.locator("#instructions .instruction-text")).to_contain_text("请加快推进")

    # The lead department's liaison finds it in 待办 and replies with evidence.
    liaison_page = second_browser(liaison)
    liaison_page.goto("/inbox/")
    section = liaison_page.locator('.inbox-section[data-kind="instruction"]')
    expect(section).to_contain_text("请加快推进")
    section.locator(".inbox-item a").first.click()
    expect(liaison_page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/"))
    liaison_page.locator(".reply-block summary").click()
    liaison_page.locator(".reply-form textarea[name=text]").fill("已召开专题推进会，明确时间表。")
    evidence = tmp_path / "纪要.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    liaison_page.locator(".reply-form input[type=file]").set_input_files(str(evidence))
    liaison_page.locator(".reply-form button[type=submit]").click()
    expect(liaison_page.locator(".instruction-reply .reply-text")).to_contain_text("专题推进会")
    liaison_page.goto("/inbox/")
    expect(liaison_page.locator('.inbox-section[data-kind="instruction"]')).to_have_count(0)

    # The leader sees the reply in 待办 and on the task page.
    page.goto("/inbox/")
    replies = page.locator('.inbox-section[data-kind="instruction_reply"]')
    expect(replies).to_be_visible()
    shot("-leader-inbox")
    replies.locator(".inbox-item a").first.click()
    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/"))
    expect(page.locator(".instruction-reply .reply-text")).to_contain_text("专题推进会")
    expect(page.locator(".instruction-reply a.reply-evidence")).to_have_text("纪要.pdf")
    shot("-leader-task")
    page.goto("/inbox/")
    expect(page.locator('.inbox-section[data-kind="instruction_reply"]')).to_have_count(0)
