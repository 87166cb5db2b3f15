"""htmx in a real browser: the task list follows its filters, sort headers and pages without loading the
page again (a marker set on `window` survives), with the URL, the export link and the filter form in step;
Back asks the server for the earlier list; the task page shows its whole history in place. And the same
list without JavaScript: a plain GET form and plain links.

Elements are found by id, class and attribute rather than by their (Chinese) text.
"""

import re

import pytest
from django.conf import settings
from django.test import Client

from tasks.models import Task, TaskStatus
from tests.factories import TaskChangeFactory, TaskFactory

pytestmark = pytest.mark.browser

EXPORT = "/tasks/export.xlsx"
MARK = "window.__sameDocument = 'never reloaded'"
MARKED = "window.__sameDocument === 'never reloaded'"


def is_htmx(request) -> bool:
    return request.headers.get("hx-request") == "true"


def test_the_list_follows_its_filters_and_sort_without_reloading(
    page, expect, login_as, office, zhengzhou_tasks, shot
):
    insurance, health, county = zhengzhou_tasks
    Task.objects.filter(pk=health.pk).update(status=TaskStatus.IN_PROGRESS, progress=40)
    login_as(office)
    page.goto("/tasks/")
    rows = page.locator("#task-results tbody tr")
    expect(rows).to_have_count(3)
    page.evaluate(MARK)

    # Typing in the search box asks once the typing pauses; the list, the URL and the export link follow.
    with page.expect_request(lambda r: is_htmx(r) and "q=DRG" in r.url):
        page.locator("#id_q").press_sequentially("DRG", delay=60)
    expect(page).to_have_url(re.compile(r"/tasks/\?q=DRG$"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("全面推进DRG/DIP支付方式改革")
    expect(page.locator("#task-count")).to_contain_text("1")
    expect(page.locator("#task-export")).to_have_attribute("href", f"{EXPORT}?q=DRG")
    shot("-1-search")

    # A checkbox asks at once. Empty fields stay out of the URL.
    page.locator("#id_q").fill("")
    expect(rows).to_have_count(3)
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    page.locator("#task-filter-form input[name=status][value=not_started]").check()
    expect(page).to_have_url(re.compile(r"/tasks/\?status=not_started$"))
    expect(rows).to_have_count(2)
    expect(page.locator("#task-export")).to_have_attribute("href", f"{EXPORT}?status=not_started")

    # A sort header: the rows reverse, and the form's "order by" follows the URL, so that the next
    # filter keeps the order.
    page.locator("#task-results a.sort-link[href*='ordering=position']").click()
    expect(page).to_have_url(re.compile(r"/tasks/\?status=not_started&ordering=position$"))
    page.locator("#task-results a.sort-link[href*='ordering=-position']").click()
    expect(page).to_have_url(re.compile(r"/tasks/\?status=not_started&ordering=-position$"))
    expect(rows.first).to_contain_text("各县（区）落实基层医疗卫生机构建设")
    expect(page.locator("#id_ordering")).to_have_value("-position")
    # The header clicked is swapped for a new one, and the focus stays on it.
    expect(page.locator("#sort-position")).to_be_focused()
    page.locator("#task-filter-form input[name=status][value=in_progress]").check()
    # The form sends its fields in their order: the ordering comes before the statuses.
    expect(page).to_have_url(
        re.compile(r"/tasks/\?ordering=-position&status=not_started&status=in_progress$")
    )
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("各县（区）落实基层医疗卫生机构建设")
    expect(page.locator("#task-export")).to_have_attribute(
        "href", f"{EXPORT}?ordering=-position&status=not_started&status=in_progress"
    )

    # The lights' tooltips work on the rows swapped in.
    rows.first.locator(".light").hover()
    expect(page.locator(".tooltip")).to_be_visible()
    assert page.evaluate(MARKED), "the page was loaded again"
    shot("-2-sorted")

    # Switching the language comes back to the list as it is now, not as it was first loaded.
    page.locator("#main-nav form.language-switch button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(
        re.compile(r"/tasks/\?ordering=-position&status=not_started&status=in_progress$")
    )
    expect(page.locator("#id_ordering")).to_have_value("-position")


def test_pages_swap_in_place_and_back_asks_for_the_earlier_page(
    page, expect, login_as, office, zhengzhou_document, shot
):
    TaskFactory.create_batch(55, document=zhengzhou_document)
    login_as(office)
    page.goto("/tasks/")
    rows = page.locator("#task-results tbody tr")
    expect(rows).to_have_count(50)
    page.evaluate(MARK)

    with page.expect_request(lambda r: is_htmx(r) and r.url.endswith("/tasks/?page=2")):
        page.locator("#task-results .pagination a[rel=next]").click()
    expect(page).to_have_url(re.compile(r"/tasks/\?page=2$"))
    expect(rows).to_have_count(5)
    expect(page.locator("#task-results .pagination .active")).to_have_text("2")
    # The export is of every matching task, whatever the page.
    expect(page.locator("#task-export")).to_have_attribute("href", re.compile(r"^/tasks/export\.xlsx\??$"))
    shot("-page-2")

    # Back: htmx keeps no copy of the page, it asks the server for the first page again.
    with page.expect_request(lambda r: r.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    expect(rows).to_have_count(50)
    expect(page.locator("#task-results .pagination .active")).to_have_text("1")
    assert page.evaluate(MARKED), "the page was loaded again"
    page.go_forward()
    expect(rows).to_have_count(5)
    assert page.evaluate(MARKED), "the page was loaded again"


def test_an_expired_session_sends_the_list_to_the_login_page(
    page, context, expect, login_as, office, zhengzhou_tasks
):
    login_as(office)
    page.goto("/tasks/")
    expect(page.locator("#task-results tbody tr")).to_have_count(3)

    context.clear_cookies()
    page.locator("#task-filter-form input[name=status][value=not_started]").check()
    # htmx's request was answered by the login page: it is shown whole, not swapped in as an empty list.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("#id_username")).to_be_visible()


def test_the_task_page_shows_its_whole_history_in_place(page, expect, login_as, office, insurance_task, shot):
    for number in range(1, 13):
        TaskChangeFactory(task=insurance_task, actor=office, note=f"第{number}次变更")
    login_as(office)
    page.goto(f"/tasks/{insurance_task.pk}/")
    items = page.locator("#task-history li.history-item")
    expect(items).to_have_count(10)
    expect(page.locator("#task-history")).not_to_contain_text("第1次变更")
    page.evaluate(MARK)

    page.locator("#task-history a.history-more").click()
    expect(items).to_have_count(12)
    expect(items.last).to_contain_text("第1次变更")
    expect(page.locator("#task-history a.history-more")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/tasks/{insurance_task.pk}/\?history=all$"))
    assert page.evaluate(MARKED), "the page was loaded again"
    shot()


# Without JavaScript ---------------------------------------------------------------------------------


@pytest.fixture
def page_without_javascript(browser, live_server):
    """page_without_javascript(user): a page of a browser session with JavaScript off, signed in as user."""
    contexts = []

    def open_as(user):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-US")
        contexts.append(context)
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


def test_without_javascript_the_list_is_a_form_and_links(
    page_without_javascript, expect, office, zhengzhou_tasks
):
    page = page_without_javascript(office)
    page.goto("/tasks/")
    rows = page.locator("#task-results tbody tr")
    expect(rows).to_have_count(3)

    page.locator("#id_q").fill("DRG")
    with page.expect_navigation():
        page.locator("#task-filter-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/tasks/\?q=DRG&"))
    expect(rows).to_have_count(1)
    expect(page.locator("#task-export")).to_have_attribute(
        "href", re.compile(r"^/tasks/export\.xlsx\?q=DRG&")
    )

    page.locator("#task-filter-form a[href='/tasks/']").click()
    expect(page).to_have_url(re.compile(r"/tasks/$"))
    with page.expect_navigation():
        page.locator("#task-results a.sort-link[href*='ordering=position']").click()
    expect(page).to_have_url(re.compile(r"/tasks/\?ordering=position$"))
    expect(rows).to_have_count(3)
    expect(page.locator("#id_ordering")).to_have_value("position")
