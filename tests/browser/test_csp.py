"""The Content-Security-Policy in a real browser: the pages that run the most script (the task list with
htmx, the task page, the dashboard's ECharts and its tooltips) work under it and Chromium reports no
violation. `page` fails a test on any console error; violations are also counted from the page's own
securitypolicyviolation events, which name the directive.
"""

import datetime

import pytest
from django.utils import timezone

from tasks.models import Task, TaskStatus
from tests.factories import DeadlineFactory, TargetFactory

pytestmark = pytest.mark.browser

LISTEN = """() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
  });
}"""


def violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


@pytest.fixture
def watched(page):
    page.add_init_script(f"({LISTEN})()")
    return page


def test_the_policy_forbids_inline_script_on_every_page_the_browser_loads(
    watched, login_as, office, insurance_task
):
    login_as(office)
    response = watched.goto("/tasks/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_task_list_and_task_page_run_under_the_policy_without_violations(
    watched, expect, login_as, office, insurance_task
):
    login_as(office)
    watched.goto("/tasks/")
    expect(watched.locator("table tbody tr").first).to_be_visible()
    # htmx at work: a filter redraws the list in place.
    watched.fill("input[name=q]", insurance_task.text[:4])
    expect(watched.locator("table tbody tr").first).to_be_visible()
    watched.goto(f"/tasks/{insurance_task.pk}/")
    expect(watched.locator("h1").first).to_be_visible()
    watched.wait_for_load_state("networkidle")
    assert violations(watched) == []


def test_dashboard_charts_and_tooltips_run_under_the_policy_without_violations(
    watched, expect, login_as, leader, zhengzhou_tasks
):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.COMPLETED, progress=100)
    overdue = timezone.localdate() - datetime.timedelta(days=10)
    DeadlineFactory(task=health_task, due_on=overdue, text="上月底前", year=overdue.year)
    TargetFactory(task=county_task)

    login_as(leader)
    watched.goto("/dashboard/")
    charts = watched.locator(".dashboard .chart")
    assert charts.count() >= 3
    for index in range(charts.count()):
        canvas = charts.nth(index).locator("canvas").first
        expect(canvas).to_be_attached()
        box = canvas.bounding_box()
        # Hovering over the middle of each chart opens its HTML tooltip (ECharts' markers carry styles).
        watched.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        watched.wait_for_timeout(300)
    assert violations(watched) == []
