"""The leaders' dashboard: every figure against a hand-built ledger, its drill-down, scope and query count.

The ledger (today is 1 June 2026):

    郑州市 document (issued 2026-03-15)
      深化医保支付方式改革
        1 insurance_task  医保局 lead            in progress   due 2026-05-20  overdue 12 days
        2 health_task     卫健委 lead            in progress   due 2026-06-20  due within 30 days
        3 county_task     中原区人民政府 lead    completed     due 2026-03-31  verified 2026-04-15
      推进医疗联合体建设
        4 suspended       医保局 lead            suspended     due 2026-01-31  (not overdue)
        5 pending         卫健委 lead            pending       due 2026-07-15  (45 days: not due soon)
        6 closed          医保局 lead            completed     no "verified" change; updated 2026-05-01 local
    中原区 document (issued 2026-04-01)
      基层
        7 zy_task         医保局 + 卫健委 co-leads  not started  due 2026-04-01  overdue 61 days
        8 zy_done         中原区人民政府 lead    completed     verified 2025-05-10 (before the 12 months)
    长沙市: changsha_task, 长沙市医保局, not started, due 2026-05-01 (overdue), a target not attained.
"""

import datetime
import json
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tasks.dashboard.services.summary import SECTION_DOCUMENTS, DashboardSummary, Figure, dashboard_summary
from tasks.ledger.filtersets import TaskFilterSet
from tasks.models import Assignment, Task, TaskChange, TaskStatus
from tests.factories import (
    AssignmentFactory,
    CityFactory,
    CountyFactory,
    DeadlineFactory,
    DepartmentFactory,
    LeaderFactory,
    PolicyDocumentFactory,
    TargetFactory,
    TaskChangeFactory,
    TaskFactory,
)

TODAY = datetime.date(2026, 6, 1)
D = datetime.date
LOCAL = timezone.get_fixed_timezone(8 * 60)
LEAD, CO_LEAD, COOPERATING = Assignment.Role.LEAD, Assignment.Role.CO_LEAD, Assignment.Role.COOPERATING
MEDICAL_ALLIANCE = "推进医疗联合体建设"


def due(task, day):
    DeadlineFactory(task=task, due_on=day, text=f"{day:%Y年%m月%d日}前", year=day.year)


def set_status(task, status):
    Task.objects.filter(pk=task.pk).update(status=status)


def verified(task, at):
    change = TaskChangeFactory(task=task, action=TaskChange.Action.VERIFIED, changes={})
    TaskChange.objects.filter(pk=change.pk).update(created_at=at)


@pytest.fixture
def ledger(
    zhengzhou_tasks,
    zhengzhou_document,
    zhongyuan,
    insurance_bureau,
    health_commission,
    county_government,
    changsha_task,
):
    insurance_task, health_task, county_task = zhengzhou_tasks
    set_status(insurance_task, TaskStatus.IN_PROGRESS)
    due(insurance_task, D(2026, 5, 20))
    TargetFactory(task=insurance_task, latest_actual=95)
    set_status(health_task, TaskStatus.IN_PROGRESS)
    due(health_task, D(2026, 6, 20))
    TargetFactory(task=health_task, latest_actual=80)
    TargetFactory(task=health_task, comparator=">=", value=10, latest_actual=12)
    set_status(county_task, TaskStatus.COMPLETED)
    due(county_task, D(2026, 3, 31))
    verified(county_task, datetime.datetime(2026, 4, 15, 10, tzinfo=LOCAL))
    TargetFactory(task=county_task)

    suspended = TaskFactory(
        document=zhengzhou_document, position=4, section=MEDICAL_ALLIANCE, status=TaskStatus.SUSPENDED
    )
    AssignmentFactory(task=suspended, department=insurance_bureau, role=LEAD)
    due(suspended, D(2026, 1, 31))
    pending = TaskFactory(
        document=zhengzhou_document,
        position=5,
        section=MEDICAL_ALLIANCE,
        status=TaskStatus.PENDING_VERIFICATION,
    )
    AssignmentFactory(task=pending, department=health_commission, role=LEAD)
    due(pending, D(2026, 7, 15))
    closed = TaskFactory(
        document=zhengzhou_document, position=6, section=MEDICAL_ALLIANCE, status=TaskStatus.COMPLETED
    )
    AssignmentFactory(task=closed, department=insurance_bureau, role=LEAD)
    # 18:00 UTC on 30 April is 02:00 on 1 May in 郑州: months are local.
    Task.objects.filter(pk=closed.pk).update(
        updated_at=datetime.datetime(2026, 4, 30, 18, tzinfo=datetime.UTC)
    )

    zy_document = PolicyDocumentFactory(region=zhongyuan, title="中原区医改重点任务", issued_on=D(2026, 4, 1))
    zy_task = TaskFactory(document=zy_document, position=1, section="基层", status=TaskStatus.NOT_STARTED)
    AssignmentFactory(task=zy_task, department=insurance_bureau, role=CO_LEAD)
    AssignmentFactory(task=zy_task, department=health_commission, role=CO_LEAD)
    due(zy_task, D(2026, 4, 1))
    zy_done = TaskFactory(document=zy_document, position=2, section="基层", status=TaskStatus.COMPLETED)
    AssignmentFactory(task=zy_done, department=county_government, role=LEAD)
    verified(zy_done, datetime.datetime(2025, 5, 10, 10, tzinfo=LOCAL))

    due(changsha_task, D(2026, 5, 1))
    TargetFactory(task=changsha_task, latest_actual=50)
    return {
        "insurance": insurance_task,
        "health": health_task,
        "county": county_task,
        "suspended": suspended,
        "pending": pending,
        "closed": closed,
        "zy_task": zy_task,
        "zy_done": zy_done,
        "zy_document": zy_document,
        "changsha": changsha_task,
    }


def summary_for(user) -> DashboardSummary:
    return dashboard_summary(user, today=TODAY)


def values(rows, key: str) -> dict:
    return {getattr(row, key): (row.total.value, row.completed.value, row.overdue.value) for row in rows}


def listed(user, query: str) -> int:
    """How many tasks the task list shows for this query string."""
    filterset = TaskFilterSet(
        QueryDict(query), Task.objects.visible_to(user).with_schedule(TODAY), user=user, today=TODAY
    )
    assert filterset.is_valid(), filterset.errors
    return filterset.qs.count()


# Totals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["office", "leader", "province_office"])
def test_totals_count_every_task_of_the_region_and_below(request, persona, ledger):
    totals = summary_for(request.getfixturevalue(persona)).totals
    assert totals.total.value == 8
    assert totals.not_started.value == 1
    assert totals.in_progress.value == 2
    assert totals.pending_verification.value == 1
    assert totals.completed.value == 3
    assert totals.suspended.value == 1
    assert totals.completion_rate == 37.5


def test_overdue_is_past_the_due_date_and_neither_completed_nor_suspended(leader, ledger):
    assert summary_for(leader).totals.overdue.value == 2  # insurance_task and zy_task


def test_due_within_30_days_counts_open_tasks_by_their_next_milestone(leader, ledger):
    assert summary_for(leader).totals.due_soon.value == 1  # health_task; pending is 44 days away
    # A completed task due next week is no longer a worry.
    set_status(ledger["health"], TaskStatus.COMPLETED)
    assert summary_for(leader).totals.due_soon.value == 0


def test_overdue_and_due_soon_move_with_today(leader, ledger):
    totals = dashboard_summary(leader, today=D(2026, 6, 21)).totals
    assert totals.overdue.value == 3  # health_task too, a day late
    assert totals.due_soon.value == 1  # pending, due 15 July


def test_an_empty_scope_has_zeros_and_no_rate(db):
    leader = LeaderFactory(region=CityFactory())
    summary = summary_for(leader)
    assert summary.totals.total.value == 0
    assert summary.totals.completion_rate == 0.0
    assert summary.departments == summary.sections == summary.overdue_tasks == []


# Lead departments -------------------------------------------------------------------------------


def test_departments_are_ranked_by_completion_rate_then_total(leader, ledger):
    rows = summary_for(leader).departments
    assert [(row.name, row.completion_rate) for row in rows] == [
        ("中原区人民政府", 100.0),
        ("郑州市医疗保障局", 25.0),
        ("郑州市卫生健康委员会", 0.0),
    ]
    assert values(rows, "name") == {
        "中原区人民政府": (2, 2, 0),
        "郑州市医疗保障局": (4, 1, 2),
        "郑州市卫生健康委员会": (3, 0, 1),
    }


def test_a_task_with_two_co_leads_counts_for_both_and_cooperating_does_not_count(leader, ledger):
    rows = summary_for(leader).departments
    assert sum(row.total.value for row in rows) == 9  # eight tasks, zy_task twice
    # 卫健委 cooperates on insurance_task: not counted for it.
    health = next(row for row in rows if row.name == "郑州市卫生健康委员会")
    assert health.total.value == 3


def test_equal_rates_rank_the_department_with_more_tasks_first(
    leader, zhengzhou_document, insurance_bureau, health_commission
):
    for position, department in enumerate([insurance_bureau, health_commission, health_commission], start=1):
        AssignmentFactory(
            task=TaskFactory(document=zhengzhou_document, position=position), department=department
        )
    assert [row.name for row in summary_for(leader).departments] == [
        "郑州市卫生健康委员会",
        "郑州市医疗保障局",
    ]


# Sections ---------------------------------------------------------------------------------------


def test_sections_are_per_document_newest_document_first_in_document_order(leader, ledger):
    rows = summary_for(leader).sections
    assert [(row.document_title, row.section) for row in rows] == [
        ("中原区医改重点任务", "基层"),
        ("郑州市2026年深化医改重点工作任务", "深化医保支付方式改革"),
        ("郑州市2026年深化医改重点工作任务", MEDICAL_ALLIANCE),
    ]
    assert [(row.total.value, row.completed.value, row.overdue.value) for row in rows] == [
        (2, 1, 1),
        (3, 1, 1),
        (3, 1, 0),
    ]
    assert rows[2].completion_rate == 33.3


def test_sections_cover_only_the_newest_documents(leader, zhengzhou):
    documents = [
        PolicyDocumentFactory(region=zhengzhou, title=f"文件{n}", issued_on=datetime.date(2025, 1, 1 + n))
        for n in range(SECTION_DOCUMENTS + 2)
    ]
    for document in documents:
        TaskFactory(document=document, section="一、总体要求")
    rows = summary_for(leader).sections
    assert [row.document_title for row in rows] == [d.title for d in reversed(documents)][:SECTION_DOCUMENTS]
    # The other figures still count every document.
    assert summary_for(leader).totals.total.value == SECTION_DOCUMENTS + 2


def test_tasks_outside_any_section_drill_down_to_their_document(leader, zhengzhou_document):
    TaskFactory(document=zhengzhou_document, section="")
    (row,) = summary_for(leader).sections
    assert row.section == ""
    assert row.total.query == f"document={zhengzhou_document.pk}&no_section=true"
    assert row.overdue.query == f"document={zhengzhou_document.pk}&no_section=true&overdue=true"


# Regions ----------------------------------------------------------------------------------------


def test_a_city_sees_its_counties_by_the_region_of_the_document(leader, ledger, zhongyuan, jinshui):
    summary = summary_for(leader)
    assert summary.has_subregions
    # The 郑州市 document's tasks belong to the city itself, not to a county, though 中原区人民政府 leads one.
    assert values(summary.regions, "name") == {"中原区": (2, 1, 1), "金水区": (0, 0, 0)}
    assert [row.code for row in summary.regions] == ["410102", "410105"]


def test_the_province_sees_zhengzhou_as_a_subregion_row(province_office, ledger, hunan):
    summary = summary_for(province_office)
    assert values(summary.regions, "name") == {"郑州市": (8, 3, 2)}
    assert summary.regions[0].total.query == "region=410100"


def test_a_county_has_no_region_rows(ledger, zhongyuan):
    leader = LeaderFactory(region=zhongyuan)
    summary = summary_for(leader)
    assert summary.totals.total.value == 2
    assert not summary.has_subregions
    assert summary.regions == []


def test_a_superuser_sees_provinces(superuser, ledger):
    assert values(summary_for(superuser).regions, "name") == {"河南省": (8, 3, 2), "湖南省": (1, 0, 1)}


# Months -----------------------------------------------------------------------------------------


def test_completions_per_month_over_the_last_twelve_months(leader, ledger):
    months = summary_for(leader).months
    assert [row.month for row in months] == [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12",
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
    ]  # fmt: skip
    counts = {row.month: row.completed.value for row in months if row.completed.value}
    # county_task by its verification; closed (never verified) by its last update, in local time;
    # zy_done was verified more than twelve months ago.
    assert counts == {"2026-04": 1, "2026-05": 1}


def test_the_latest_verification_counts_and_a_reopened_task_does_not(leader, ledger):
    verified(ledger["county"], datetime.datetime(2026, 6, 1, 9, tzinfo=LOCAL))
    counts = {row.month: row.completed.value for row in summary_for(leader).months if row.completed.value}
    assert counts == {"2026-05": 1, "2026-06": 1}
    set_status(ledger["county"], TaskStatus.IN_PROGRESS)
    counts = {row.month: row.completed.value for row in summary_for(leader).months if row.completed.value}
    assert counts == {"2026-05": 1}


# Targets ----------------------------------------------------------------------------------------


def test_targets_attained_not_attained_and_without_an_actual(leader, ledger):
    targets = summary_for(leader).targets
    assert (targets.attained.value, targets.not_attained.value, targets.no_actual.value) == (2, 1, 1)
    # The links list tasks: the two attained targets are on two tasks.
    assert (targets.tasks_attained.value, targets.tasks_not_attained.value) == (2, 1)
    assert targets.tasks_without_actual.value == 1
    assert targets.attained.query == targets.tasks_attained.query == "targets_attained=true"
    assert targets.not_attained.query == "targets_not_attained=true"
    assert targets.no_actual.query == targets.tasks_without_actual.query == "targets_without_actual=true"


# Overdue list -----------------------------------------------------------------------------------


def test_the_overdue_list_is_longest_overdue_first_with_lead_departments(leader, ledger):
    rows = summary_for(leader).overdue_tasks
    assert [(row.task_id, row.days_overdue, row.due_on) for row in rows] == [
        (ledger["zy_task"].pk, 61, D(2026, 4, 1)),
        (ledger["insurance"].pk, 12, D(2026, 5, 20)),
    ]
    assert rows[0].lead_departments == ["郑州市医疗保障局", "郑州市卫生健康委员会"]
    assert rows[1].lead_departments == ["郑州市医疗保障局"]  # not the cooperating 卫健委
    assert rows[1].document_title == "郑州市2026年深化医改重点工作任务"
    assert rows[1].text == "全面推进DRG/DIP支付方式改革。"


def test_the_overdue_list_stops_at_twenty(leader, zhengzhou_document):
    for day in range(1, 26):
        due(TaskFactory(document=zhengzhou_document), D(2026, 5, day))
    rows = summary_for(leader).overdue_tasks
    assert len(rows) == 20
    assert rows[0].due_on == D(2026, 5, 1)
    assert summary_for(leader).totals.overdue.value == 25


# Scope ------------------------------------------------------------------------------------------


def test_an_outsider_sees_none_of_zhengzhous_tasks_anywhere(outsider, ledger):
    summary = summary_for(outsider)
    assert summary.totals.total.value == 1
    assert summary.totals.overdue.value == 1
    assert [row.name for row in summary.departments] == ["长沙市医疗保障局"]
    assert [row.task_id for row in summary.overdue_tasks] == [ledger["changsha"].pk]
    assert summary.targets.not_attained.value == 1
    assert summary.targets.attained.value == 0
    data = json.dumps(summary.to_dict(), ensure_ascii=False)
    for name in ("郑州", "中原", "卫生健康", ledger["insurance"].text):
        assert name not in data


def test_to_dict_is_plain_json(leader, ledger):
    data = json.loads(json.dumps(summary_for(leader).to_dict()))
    assert data["today"] == "2026-06-01"
    assert data["totals"]["overdue"] == {"value": 2, "query": "overdue=true"}
    assert data["overdue_tasks"][0]["due_on"] == "2026-04-01"
    assert data["departments"][0]["name"] == "中原区人民政府"


# Drill-down -------------------------------------------------------------------------------------


def figures(summary: DashboardSummary):
    """Every (name, figure) of the summary that stands for a list of tasks."""
    totals = summary.totals
    for name in (
        "total",
        "not_started",
        "in_progress",
        "pending_verification",
        "completed",
        "suspended",
        "overdue",
        "due_soon",
    ):
        yield name, getattr(totals, name)
    for group in ("departments", "sections", "regions"):
        for row in getattr(summary, group):
            for name in ("total", "completed", "overdue"):
                yield f"{group} {row} {name}", getattr(row, name)
    for row in summary.months:
        yield f"month {row.month}", row.completed
    for name in ("tasks_attained", "tasks_not_attained", "tasks_without_actual"):
        yield name, getattr(summary.targets, name)


@pytest.fixture
def drill_ledger(ledger, zhengzhou_document):
    """The ledger and a task outside any section, completed in May, with two targets lacking an actual."""
    unsectioned = TaskFactory(
        document=zhengzhou_document, position=7, section="", status=TaskStatus.COMPLETED
    )
    verified(unsectioned, datetime.datetime(2026, 5, 31, 23, tzinfo=LOCAL))
    TargetFactory(task=unsectioned)
    TargetFactory(task=unsectioned, value=None)
    return {**ledger, "unsectioned": unsectioned}


def test_the_drill_down_covers_months_targets_and_tasks_outside_any_section(leader, drill_ledger):
    summary = summary_for(leader)
    months = {row.month: row.completed for row in summary.months if row.completed.value}
    assert {month: figure.value for month, figure in months.items()} == {"2026-04": 1, "2026-05": 2}
    for figure in months.values():
        assert listed(leader, figure.query) == figure.value
    assert parse_qs(months["2026-05"].query)["completed_in"] == ["2026-05"]
    # Three targets without an actual, on two tasks: the link lists the two tasks.
    targets = summary.targets
    assert (targets.no_actual.value, targets.tasks_without_actual.value) == (3, 2)
    assert listed(leader, targets.no_actual.query) == 2
    assert listed(leader, targets.attained.query) == targets.tasks_attained.value == 2
    (row,) = [row for row in summary.sections if row.section == ""]
    assert (row.total.value, row.completed.value) == (1, 1)
    assert listed(leader, row.total.query) == 1
    assert listed(leader, row.completed.query) == 1


@pytest.mark.parametrize("persona", ["office", "leader", "province_office", "outsider", "superuser"])
def test_every_figure_drills_down_to_a_list_of_as_many_tasks(request, persona, drill_ledger):
    user = request.getfixturevalue(persona)
    checked = 0
    for name, figure in figures(summary_for(user)):
        assert listed(user, figure.query) == figure.value, name
        checked += 1
    assert checked > 10


def test_following_a_figure_on_the_task_list_page_lists_as_many_tasks(client, leader, drill_ledger):
    # The page takes today from the clock, so the summary does too here.
    client.force_login(leader)
    summary = dashboard_summary(leader)
    checked = 0
    for name, figure in figures(summary):
        response = client.get(f"{reverse('task_list')}?{figure.query}")
        assert response.context["paginator"].count == figure.value, name
        checked += 1
    assert checked > 10


def test_drill_down_query_strings(leader, ledger, insurance_bureau):
    summary = summary_for(leader)
    totals = summary.totals
    assert totals.total == Figure(8, "")
    assert totals.in_progress.query == "status=in_progress"
    assert totals.overdue.query == "overdue=true"
    assert parse_qs(totals.due_soon.query) == {
        "due_within": ["30"],
        "status": ["not_started", "in_progress", "pending_verification"],
    }
    insurance = next(row for row in summary.departments if row.department_id == insurance_bureau.pk)
    assert insurance.total.query == f"lead_department={insurance_bureau.pk}"
    assert insurance.overdue.query == f"lead_department={insurance_bureau.pk}&overdue=true"
    assert insurance.completed.query == f"lead_department={insurance_bureau.pk}&status=completed"
    section = summary.sections[2]
    assert parse_qs(section.total.query) == {
        "document": [str(section.document_id)],
        "section": [MEDICAL_ALLIANCE],
    }
    assert summary.months[0].completed.query == "completed_in=2025-07&ordering=-updated_at"


# The page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_figures_with_links(client, leader, ledger, insurance_bureau):
    client.force_login(leader)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"?lead_department={insurance_bureau.pk}&amp;overdue=true" in page
    assert "?overdue=true" in page
    assert ledger["zy_task"].text in page
    assert "中原区" in page  # a region row
    assert 'id="dashboard-data" type="application/json"' in page
    assert "js/dashboard.js" in page
    assert "<script>" not in page  # no inline script: the page must pass a strict CSP
    data = response.context["chart_data"]
    assert [row["name"] for row in data["departments"]][0] == "中原区人民政府"
    assert len(data["months"]) == 12
    assert {row["key"]: row["url"] for row in data["targets"]} == {
        "attained": "/tasks/?targets_attained=true",
        "notAttained": "/tasks/?targets_not_attained=true",
        "noActual": "/tasks/?targets_without_actual=true",
    }
    assert all(row["url"].startswith("/tasks/?completed_in=") for row in data["months"])


def test_the_target_figures_link_to_their_tasks_and_say_so(client, leader, ledger):
    client.force_login(leader)
    page = client.get(reverse("dashboard")).content.decode()
    # The figures count targets; the links are labelled as tasks so the list's length is no surprise.
    assert '?targets_attained=true">查看相关任务（2 项）</a>' in page
    assert '?targets_not_attained=true">查看相关任务（1 项）</a>' in page
    assert '?targets_without_actual=true">查看相关任务（1 项）</a>' in page
    assert "链接列出含有此类目标的任务" in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard")).content.decode()
    assert '?targets_attained=true">View the related tasks (2)</a>' in page
    assert "A link lists the tasks having at least one such target." in page


def test_the_overdue_list_links_to_each_task(client, leader, ledger):
    client.force_login(leader)
    page = client.get(reverse("dashboard")).content.decode()
    assert f'href="/tasks/{ledger["zy_task"].pk}/"' in page


@pytest.mark.parametrize("persona", ["office", "leader", "province_office", "superuser"])
def test_office_staff_leaders_and_superusers_may_see_the_dashboard(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize("persona", ["liaison", "nobody"])
def test_liaisons_and_users_without_a_role_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dashboard")).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_nav_links_to_the_dashboard_for_leaders(client, leader):
    client.force_login(leader)
    assert f'href="{reverse("dashboard")}"' in client.get(reverse("home")).content.decode()


# Query count ------------------------------------------------------------------------------------


def build_city(tasks: int, departments: int, counties: int):
    """A city with its counties, departments and tasks of every kind, and its leader."""
    city = CityFactory()
    regions = [city, *(CountyFactory(parent=city) for _ in range(counties))]
    bodies = [DepartmentFactory(region=city) for _ in range(departments)]
    documents = [PolicyDocumentFactory(region=region) for region in regions]
    statuses = list(TaskStatus)
    for n in range(tasks):
        task = TaskFactory(
            document=documents[n % len(documents)],
            section=f"第{n % 4}部分",
            status=statuses[n % len(statuses)],
        )
        AssignmentFactory(task=task, department=bodies[n % departments], role=LEAD)
        if n % 3 == 0:
            AssignmentFactory(task=task, department=bodies[(n + 1) % departments], role=CO_LEAD)
        due(task, TODAY + datetime.timedelta(days=n % 60 - 30))
        if n % 2 == 0:
            TargetFactory(task=task, latest_actual=n % 100)
        if task.status == TaskStatus.COMPLETED:
            verified(task, timezone.now() - datetime.timedelta(days=n * 5))
    return LeaderFactory(region=city)


@pytest.fixture
def small_and_large(db):
    small = build_city(tasks=5, departments=2, counties=1)
    large = build_city(tasks=80, departments=12, counties=3)
    return small, large


def test_the_summary_takes_the_same_few_queries_whatever_the_size(small_and_large, django_assert_num_queries):
    small, large = small_and_large
    with CaptureQueriesContext(connection) as queries:
        summary = summary_for(small)
    assert summary.totals.total.value == 5
    assert summary.overdue_tasks
    assert len(queries) <= 10
    with django_assert_num_queries(len(queries)):
        summary = summary_for(large)
    assert summary.totals.total.value == 80
    assert len(summary.departments) == 12
    assert len(summary.regions) == 3


def test_the_page_takes_the_same_queries_whatever_the_size(
    client, small_and_large, django_assert_num_queries
):
    small, large = small_and_large
    client.force_login(small)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("dashboard")).status_code == 200
    client.force_login(large)
    with django_assert_num_queries(len(queries)):
        assert client.get(reverse("dashboard")).status_code == 200
