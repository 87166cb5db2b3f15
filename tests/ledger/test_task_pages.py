"""The task pages: the filtered list and its Excel export, 我的任务, the task page and evidence downloads.

A task outside the user's scope never shows: not in a list, a count or an export, and its URLs are 404.
"""

import datetime
import io
import re
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from tasks.ledger.filtersets import TaskFilterSet
from tasks.models import Assignment, Task, TaskChange, TaskStatus
from tasks.reminders.services.sending import send_manual_reminder
from tasks.workbooks.task_list import HEADER_ROW
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    PolicyDocumentFactory,
    ProgressUpdateFactory,
    TargetFactory,
    TargetReadingFactory,
    TaskChangeFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("task_list")
EXPORT_URL = reverse("task_export")
MINE_URL = reverse("my_tasks")
TASK_LINK = re.compile(r'href="/tasks/(\d+)/"')
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english():
    # Pages are asserted by their msgids, whatever the Chinese catalogue says.
    with translation.override("en"):
        yield


@pytest.fixture
def today():
    return timezone.localdate()


def days(today, n: int) -> datetime.date:
    return today + datetime.timedelta(days=n)


def login(client, user):
    client.force_login(user)
    # The language switch's cookie: pages in English, so they are asserted by their msgids.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def listed(response) -> list[int]:
    """Tasks linked from the page, in page order, each once."""
    seen: list[int] = []
    for pk in TASK_LINK.findall(response.content.decode()):
        if int(pk) not in seen:
            seen.append(int(pk))
    return seen


def task_list(client, user, **params) -> list[int]:
    response = login(client, user).get(LIST_URL, params)
    assert response.status_code == 200
    return listed(response)


def workbook_rows(response) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True))


# The list: each filter through the page ---------------------------------------------------------


class TestListFilters:
    @pytest.fixture
    def scenery(self, zhengzhou_tasks, changsha_task, today, insurance_task, health_task, county_task):
        DeadlineFactory(task=insurance_task, due_on=days(today, -3))
        DeadlineFactory(task=health_task, due_on=days(today, 10))
        health_task.status, health_task.progress = TaskStatus.IN_PROGRESS, 40
        health_task.section = "公立医院改革"
        health_task.save()
        TargetFactory(task=county_task, latest_actual=Decimal("50"))  # 90% wanted: not attained
        return zhengzhou_tasks

    def test_every_filter_has_a_field_in_the_form(self, client, office):
        page = login(client, office).get(LIST_URL).content.decode()
        names = set(re.findall(r'name="([a-z_]+)"', page))

        assert set(TaskFilterSet.base_filters) <= names

    def test_office_sees_its_region_in_document_order(self, client, office, scenery):
        assert task_list(client, office) == [t.pk for t in scenery]

    def test_free_text_matches_text_and_departments(self, client, office, insurance_task, scenery):
        assert task_list(client, office, q="DRG") == [insurance_task.pk]

    def test_document(self, client, office, scenery, zhengzhou_document):
        other = TaskFactory(document=PolicyDocumentFactory(region=zhengzhou_document.region))

        assert other.pk not in task_list(client, office, document=zhengzhou_document.pk)
        assert task_list(client, office, document=other.document_id) == [other.pk]

    def test_region(self, client, province_office, scenery, zhengzhou):
        assert task_list(client, province_office, region=zhengzhou.code) == [t.pk for t in scenery]
        assert task_list(client, province_office, region="410105") == []

    def test_department_in_any_role(
        self, client, office, scenery, health_commission, insurance_task, health_task
    ):
        assert task_list(client, office, department=health_commission.pk) == [
            insurance_task.pk,
            health_task.pk,
        ]

    def test_department_as_lead(self, client, office, scenery, health_commission, health_task):
        assert task_list(client, office, lead_department=health_commission.pk) == [health_task.pk]

    def test_status(self, client, office, scenery, health_task):
        assert task_list(client, office, status="in_progress") == [health_task.pk]

    def test_section(self, client, office, scenery, health_task):
        assert task_list(client, office, section="公立医院改革") == [health_task.pk]

    def test_deadline_range(self, client, office, scenery, today, health_task, insurance_task):
        assert task_list(client, office, due_after=days(today, 1).isoformat()) == [health_task.pk]
        assert task_list(client, office, due_before=today.isoformat()) == [insurance_task.pk]

    def test_overdue(self, client, office, scenery, insurance_task):
        assert task_list(client, office, overdue="true") == [insurance_task.pk]

    def test_due_within_days(self, client, office, scenery, health_task):
        assert task_list(client, office, due_within=30) == [health_task.pk]
        assert task_list(client, office, due_within=5) == []

    def test_targets_not_attained(self, client, office, scenery, county_task):
        assert task_list(client, office, targets_not_attained="true") == [county_task.pk]

    def test_checked_filters_stay_checked(self, client, office, scenery):
        page = (
            login(client, office).get(LIST_URL, {"overdue": "true", "status": "in_progress"}).content.decode()
        )

        assert re.search(r'name="overdue" value="true"[^>]*checked', page)
        assert re.search(r'value="in_progress"[^>]*checked', page)

    def test_invalid_parameters_list_nothing_and_say_why(self, client, office, scenery):
        response = login(client, office).get(LIST_URL, {"due_within": "soon", "due_after": "yesterday"})
        page = response.content.decode()

        assert listed(response) == []
        assert "alert-danger" in page
        assert "Next deadline within (days)" in page
        assert "Enter a whole number." in page
        assert "Enter a valid date." in page

    @pytest.mark.parametrize(
        "params",
        [
            {"document": "3.4e+38"},
            {"department": "-7.86e+252"},
            {"lead_department": "99999999999999999999999"},
            {"document": str(2**63)},
            {"department": "1.5"},
            {"lead_department": "0"},
        ],
    )
    def test_an_id_that_is_no_id_is_a_filter_error_not_a_500(self, client, office, scenery, params):
        # As the API's id filters (tests/api/test_errors.py): checked before any query, on every database.
        (name,) = params
        response = login(client, office).get(LIST_URL, params)
        page = response.content.decode()

        assert response.status_code == 200
        assert listed(response) == []
        assert "filter-errors" in page
        assert f"Enter an id: a whole number from 1 to {2**63 - 1}." in page
        label = str(TaskFilterSet.base_filters[name].label)
        assert f"<li>{label}: Enter an id" in page

    @pytest.mark.parametrize("value", ["1e400", "-99999999999999999999999", str(2**63), "1.5", "3661"])
    def test_due_within_out_of_range_is_a_filter_error(self, client, office, scenery, value):
        response = login(client, office).get(LIST_URL, {"due_within": value})

        assert response.status_code == 200
        assert listed(response) == []
        assert "Next deadline within (days)" in response.content.decode()

    @pytest.mark.parametrize("params", [{"document": "3.4e+38"}, {"due_within": "1e400"}])
    def test_the_export_of_an_invalid_filter_is_empty_not_a_500(self, client, office, scenery, params):
        response = login(client, office).get(EXPORT_URL, params)

        assert response.status_code == 200
        assert workbook_rows(response) == []

    @pytest.mark.parametrize("value", [str(2**63 - 1), str(2**63), "99999999999999999999999"])
    @pytest.mark.parametrize(
        "path", ["/tasks/{id}/", "/documents/{id}/", "/reports/{id}/", "/tasks/{id}/edit/"]
    )
    def test_a_huge_id_in_a_page_path_is_a_404(self, client, office, path, value):
        client.raise_request_exception = False
        assert login(client, office).get(path.format(id=value)).status_code == 404


class TestListSortingAndPages:
    def test_clicking_a_header_sorts_and_keeps_the_other_parameters(self, client, office, zhengzhou_tasks):
        page = login(client, office).get(LIST_URL, {"status": "not_started", "page": "1"}).content.decode()

        assert 'href="?status=not_started&amp;ordering=due_on"' in page

    def test_clicking_the_sorted_header_again_reverses_it(self, client, office, zhengzhou_tasks):
        page = login(client, office).get(LIST_URL, {"ordering": "progress"}).content.decode()

        assert 'href="?ordering=-progress"' in page

    def test_sorting_by_progress(self, client, office, insurance_task, health_task, county_task):
        for task, progress in ((insurance_task, 30), (health_task, 90), (county_task, 60)):
            Task.objects.filter(pk=task.pk).update(progress=progress)

        assert task_list(client, office, ordering="-progress") == [
            health_task.pk,
            county_task.pk,
            insurance_task.pk,
        ]
        assert task_list(client, office, ordering="progress") == [
            insurance_task.pk,
            county_task.pk,
            health_task.pk,
        ]

    def test_sorting_by_due_date_puts_undated_tasks_last(self, client, office, today, zhengzhou_tasks):
        insurance, health, county = zhengzhou_tasks
        DeadlineFactory(task=county, due_on=days(today, 5))
        DeadlineFactory(task=health, due_on=days(today, 50))

        assert task_list(client, office, ordering="due_on") == [county.pk, health.pk, insurance.pk]

    def test_pages_of_fifty_keep_the_filters(self, client, office, zhengzhou_document):
        tasks = TaskFactory.create_batch(55, document=zhengzhou_document, status=TaskStatus.IN_PROGRESS)
        TaskFactory(document=zhengzhou_document, status=TaskStatus.COMPLETED)

        first = login(client, office).get(LIST_URL, {"status": "in_progress"})
        second = client.get(LIST_URL, {"status": "in_progress", "page": "2"})

        assert listed(first) == [t.pk for t in tasks[:50]]
        assert listed(second) == [t.pk for t in tasks[50:]]
        assert 'href="?status=in_progress&amp;page=2"' in first.content.decode()
        assert "55 tasks" in first.content.decode()

    def test_a_page_past_the_end_shows_the_last_page(self, client, office, zhengzhou_tasks):
        assert task_list(client, office, page="99") == [t.pk for t in zhengzhou_tasks]

    def test_each_task_shows_its_light_with_the_reason(self, client, office, today, insurance_task):
        DeadlineFactory(task=insurance_task, due_on=days(today, -3))
        page = login(client, office).get(LIST_URL).content.decode()

        assert 'class="light light-red" title="Red: Overdue by 3 days"' in page

    def test_each_task_shows_document_number_and_lead_department(self, client, office, insurance_task):
        page = login(client, office).get(LIST_URL).content.decode()

        assert insurance_task.document.doc_number in page
        assert "郑州市医疗保障局" in page

    def test_collective_lead_is_named_as_written(self, client, office, county_task):
        assert "各县（区）人民政府" in login(client, office).get(LIST_URL).content.decode()

    def test_the_export_button_carries_the_current_filters(self, client, office, zhengzhou_tasks):
        page = login(client, office).get(LIST_URL, {"status": "in_progress", "page": "2"}).content.decode()

        assert f'href="{EXPORT_URL}?status=in_progress"' in page


class TestScope:
    def test_liaison_lists_and_counts_only_tasks_of_their_department(
        self, client, liaison, all_tasks, insurance_task
    ):
        response = login(client, liaison).get(LIST_URL)

        assert listed(response) == [insurance_task.pk]
        assert "1 task" in response.content.decode()

    def test_a_filter_naming_another_departments_task_is_refused(
        self, client, liaison, health_task, health_commission
    ):
        response = login(client, liaison).get(LIST_URL, {"lead_department": health_commission.pk})

        assert listed(response) == []

    def test_outsider_sees_only_their_own_region(self, client, outsider, all_tasks, changsha_task):
        response = login(client, outsider).get(LIST_URL)

        assert listed(response) == [changsha_task.pk]
        assert "1 task" in response.content.decode()

    def test_another_document_cannot_be_chosen_by_id(self, client, outsider, all_tasks, zhengzhou_document):
        response = login(client, outsider).get(LIST_URL, {"document": zhengzhou_document.pk})

        assert listed(response) == []
        assert "Select a valid choice" in response.content.decode()

    def test_liaison_export_holds_only_their_tasks(self, client, liaison, all_tasks, insurance_task):
        rows = workbook_rows(login(client, liaison).get(EXPORT_URL))

        assert [row[5] for row in rows] == [insurance_task.text]

    def test_outsider_export_holds_only_their_tasks(self, client, outsider, all_tasks, changsha_task):
        rows = workbook_rows(login(client, outsider).get(EXPORT_URL))

        assert [row[5] for row in rows] == [changsha_task.text]

    def test_home_counts_only_visible_tasks_and_links_to_the_list(self, client, liaison, all_tasks):
        page = login(client, liaison).get(reverse("home")).content.decode()

        assert re.search(r'href="/tasks/"><strong>1</strong>', page)
        assert 'href="/tasks/?status=in_progress"' in page
        assert f'href="{MINE_URL}"' in page

    def test_anonymous_is_sent_to_log_in(self, client):
        for url in (LIST_URL, EXPORT_URL, MINE_URL):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))


# The export -------------------------------------------------------------------------------------


class TestExport:
    def test_is_an_xlsx_attachment_with_a_chinese_name_and_an_ascii_fallback(
        self, client, office, zhengzhou_tasks
    ):
        client.force_login(office)  # in Chinese, the default
        response = client.get(EXPORT_URL)
        stamp = timezone.localdate().strftime("%Y%m%d")

        assert response.status_code == 200
        assert response["Content-Type"] == XLSX
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            f"attachment; filename=\"tasks-{stamp}.xlsx\"; filename*=UTF-8''{quote(f'任务清单-{stamp}.xlsx')}"
        )

    def test_rows_are_the_filtered_list_in_its_order(self, client, office, today, zhengzhou_tasks):
        insurance, health, county = zhengzhou_tasks
        DeadlineFactory(task=county, due_on=days(today, 5))
        DeadlineFactory(task=health, due_on=days(today, 50))
        params = {"ordering": "-due_on", "due_after": today.isoformat()}

        page = task_list(client, office, **params)
        rows = workbook_rows(client.get(EXPORT_URL, params))

        assert page == [health.pk, county.pk]
        assert [row[5] for row in rows] == [health.text, county.text]
        assert rows[0][9] == datetime.datetime.combine(days(today, 50), datetime.time())

    def test_invalid_parameters_export_no_rows(self, client, office, zhengzhou_tasks):
        assert workbook_rows(login(client, office).get(EXPORT_URL, {"due_within": "x"})) == []

    def test_formulas_in_task_text_are_stored_as_text(self, client, office, insurance_task):
        Task.objects.filter(pk=insurance_task.pk).update(text='=HYPERLINK("http://evil.example","点此")')
        response = login(client, office).get(EXPORT_URL)
        cell = openpyxl.load_workbook(io.BytesIO(response.content)).active.cell(HEADER_ROW + 1, 6)

        assert cell.data_type == "s"
        assert cell.value == '=HYPERLINK("http://evil.example","点此")'
        assert cell.quotePrefix


# 我的任务 -----------------------------------------------------------------------------------------


class TestMyTasks:
    def test_lead_tasks_come_before_cooperating_ones(
        self, client, other_liaison, insurance_task, health_task
    ):
        response = login(client, other_liaison).get(MINE_URL)

        assert listed(response) == [health_task.pk, insurance_task.pk]
        page = response.content.decode()
        assert page.index("Tasks we lead") < page.index("Tasks we cooperate on")

    def test_lists_only_their_own_departments_tasks(self, client, liaison, all_tasks, insurance_task):
        assert listed(login(client, liaison).get(MINE_URL)) == [insurance_task.pk]

    def test_overdue_first_then_what_is_due_soon(
        self, client, liaison, today, zhengzhou_document, insurance_bureau
    ):
        def led(due_in: int | None, **fields) -> Task:
            task = TaskFactory(document=zhengzhou_document, **fields)
            AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.LEAD)
            if due_in is not None:
                DeadlineFactory(task=task, due_on=days(today, due_in))
            return task

        later, undated, soon, overdue = led(90), led(None), led(12), led(-2)
        done = led(-10, status=TaskStatus.COMPLETED, progress=100)
        page = login(client, liaison).get(MINE_URL)
        text = page.content.decode()

        assert listed(page) == [overdue.pk, soon.pk, later.pk, undated.pk, done.pk]
        assert text.count("due-flag") == 2
        assert "Due in 12 days" in text
        assert re.search(r"<strong>1</strong> overdue", text)

    def test_shows_the_departments_role(self, client, other_liaison, insurance_task):
        page = login(client, other_liaison).get(MINE_URL).content.decode()

        assert "Cooperating" in page

    def test_office_staff_are_sent_to_the_task_list(self, client, office):
        response = login(client, office).get(MINE_URL)

        assert response.status_code == 302
        assert response["Location"] == LIST_URL


# The task page ----------------------------------------------------------------------------------


@pytest.fixture
def reported_task(insurance_task, liaison, insurance_bureau, office):
    """insurance_task with a deadline, a target, a progress update with a reading and a file, a change."""
    DeadlineFactory(
        task=insurance_task, due_on=datetime.date(2026, 9, 30), original_due_on=datetime.date(2026, 6, 30)
    )
    target = TargetFactory(task=insurance_task, baseline=Decimal("60"), latest_actual=Decimal("92"))
    update = ProgressUpdateFactory(
        task=insurance_task, department=insurance_bureau, author=liaison, narrative="已印发实施方案。"
    )
    TargetReadingFactory(update=update, target=target, value=Decimal("92"))
    EvidenceFactory(update=update, original_name="实施方案.pdf")
    TaskChangeFactory(
        task=insurance_task,
        actor=office,
        changes={"status": ["not_started", "in_progress"], "progress": [0, 40]},
    )
    ExtensionRequestFactory(task=insurance_task, department=insurance_bureau, requested_by=liaison)
    return insurance_task


def detail_url(task) -> str:
    return reverse("task_detail", args=[task.pk])


class TestTaskDetail:
    def test_shows_the_task_in_its_documents_context(self, client, office, reported_task):
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert reported_task.document.title in page
        assert reported_task.document.doc_number in page
        assert reported_task.text in page
        assert reported_task.section in page

    def test_shows_parent_siblings_and_children_the_user_may_see(
        self, client, liaison, zhengzhou_document, insurance_bureau, health_commission
    ):
        def task(position, parent=None, department=insurance_bureau):
            made = TaskFactory(
                document=zhengzhou_document, position=position, parent=parent, text=f"任务{position}号"
            )
            AssignmentFactory(task=made, department=department)
            return made

        parent = task(10)
        me, sibling, hidden = task(11, parent), task(12, parent), task(13, parent, health_commission)
        child = task(14, me)
        page = login(client, liaison).get(detail_url(me)).content.decode()

        for shown in (parent, sibling, child):
            assert f'href="{detail_url(shown)}"' in page
        assert detail_url(hidden) not in page

    def test_top_level_neighbours_are_those_of_the_same_section(self, client, office, zhengzhou_tasks):
        insurance, health, county = zhengzhou_tasks
        Task.objects.filter(pk=county.pk).update(section="强化基层")
        page = login(client, office).get(detail_url(insurance)).content.decode()

        assert f'href="{detail_url(health)}"' in page
        assert f'href="{detail_url(county)}"' not in page

    def test_shows_assignments_by_role(self, client, office, reported_task):
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert re.search(r"Lead</dt>\s*<dd[^>]*>\s*<span class=\"dept\">郑州市医疗保障局", page)
        assert re.search(r"Cooperating</dt>\s*<dd[^>]*>\s*<span class=\"dept\">郑州市卫生健康委员会", page)

    def test_shows_collective_assignees_with_their_collective_text(self, client, office, county_task):
        page = login(client, office).get(detail_url(county_task)).content.decode()

        assert "<strong>各县（区）人民政府</strong>：中原区人民政府" in page

    def test_shows_deadlines_as_written_and_as_dates_with_the_original(self, client, office, reported_task):
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert "2026年6月底前" in page
        assert "2026-09-30" in page
        assert "originally 2026-06-30" in page

    def test_shows_targets_with_baseline_actual_and_attainment(self, client, office, reported_task):
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert "按病种付费占比" in page
        assert "60%" in page
        assert "at least 90%" in page
        assert "92%" in page
        assert 'title="Attained">✓' in page

    def test_shows_the_progress_timeline_with_evidence_links(self, client, office, reported_task):
        evidence = reported_task.progress_updates.get().evidence.get()
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert "已印发实施方案。" in page
        assert "医保局联络员" in page
        assert f'href="{reverse("evidence_download", args=[evidence.pk])}">实施方案.pdf</a>' in page
        assert "(39\xa0bytes)" in page

    def test_times_are_shown_in_beijing_time(self, client, office, reported_task):
        update = reported_task.progress_updates.get()
        local = timezone.localtime(update.created_at, timezone.get_fixed_timezone(480))
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert local.strftime("%Y-%m-%d %H:%M") in page

    def test_shows_extension_requests(self, client, office, reported_task):
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert "国家配套文件尚未出台，需顺延。" in page
        assert "Pending" in page

    def test_shows_the_history_before_and_after(self, client, office, reported_task):
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert '<del class="before">Not started</del> → <ins class="after">In progress</ins>' in page
        assert '<del class="before">0%</del> → <ins class="after">40%</ins>' in page
        assert "郑州市医改办" in page

    def test_history_reads_target_actuals_and_assignments(self, client, office, reported_task):
        target = reported_task.targets.get()
        TaskChangeFactory(
            task=reported_task,
            actor=office,
            action=TaskChange.Action.UPDATED,
            changes={
                "targets.latest_actual": {str(target.pk): ["85.0000", "92.0000"]},
                "assignments": [[], [{"department": 1, "name": "郑州市财政局", "role": "cooperating"}]],
            },
        )
        page = login(client, office).get(detail_url(reported_task)).content.decode()

        assert "Actual of “按病种付费占比”" in page
        assert '<del class="before">85</del> → <ins class="after">92</ins>' in page
        assert '<del class="before">—</del> → <ins class="after">郑州市财政局（Cooperating）</ins>' in page

    def test_shows_the_light_with_its_reason(self, client, office, today, insurance_task):
        DeadlineFactory(task=insurance_task, due_on=days(today, -1))
        page = login(client, office).get(detail_url(insurance_task)).content.decode()

        assert "Red: Overdue by 1 day" in page

    def test_has_the_place_for_task_actions(self, client, office, insurance_task):
        page = login(client, office).get(detail_url(insurance_task)).content.decode()

        assert 'class="task-actions-slot' in page

    @pytest.mark.parametrize("persona", ["other_liaison", "outsider", "nobody"])
    def test_another_departments_task_is_not_found(
        self, client, request, persona, health_task, changsha_task
    ):
        user = request.getfixturevalue(persona)
        task = changsha_task if persona == "other_liaison" else health_task

        assert login(client, user).get(detail_url(task)).status_code == 404

    def test_liaison_cannot_open_a_task_of_another_department(self, client, liaison, health_task):
        assert login(client, liaison).get(detail_url(health_task)).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client, insurance_task):
        response = client.get(detail_url(insurance_task))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# Evidence downloads -----------------------------------------------------------------------------


@pytest.fixture
def evidence(zhengzhou_document, insurance_bureau, liaison):
    # A task of the insurance bureau alone: the health commission's liaison has no part in it.
    task = TaskFactory(document=zhengzhou_document)
    AssignmentFactory(task=task, department=insurance_bureau)
    update = ProgressUpdateFactory(task=task, department=insurance_bureau, author=liaison)
    return EvidenceFactory(update=update, original_name="会议纪要 (终稿).pdf")


class TestEvidenceDownload:
    def test_liaison_of_the_department_downloads_it_as_an_attachment(self, client, liaison, evidence):
        response = login(client, liaison).get(reverse("evidence_download", args=[evidence.pk]))

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4\n% evidence for the test suite\n"
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            f"attachment; filename=\"evidence-{evidence.pk}.pdf\"; filename*=UTF-8''{quote('会议纪要 (终稿).pdf', safe='')}"
        )

    def test_office_staff_of_the_region_download_it(self, client, office, evidence):
        assert login(client, office).get(reverse("evidence_download", args=[evidence.pk])).status_code == 200

    @pytest.mark.parametrize("persona", ["other_liaison", "outsider", "nobody"])
    def test_others_get_not_found(self, client, request, persona, evidence):
        user = request.getfixturevalue(persona)

        assert login(client, user).get(reverse("evidence_download", args=[evidence.pk])).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, client, evidence):
        response = client.get(reverse("evidence_download", args=[evidence.pk]))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_a_missing_file_is_not_found(self, client, liaison, evidence):
        evidence.file.delete(save=False)

        assert login(client, liaison).get(reverse("evidence_download", args=[evidence.pk])).status_code == 404


# Queries do not grow with the rows --------------------------------------------------------------


def ledger(document, count: int, today) -> list[Task]:
    """`count` tasks, each with a lead and a cooperating department, two deadlines and a progress update."""
    tasks = []
    for _ in range(count):
        task = TaskFactory(document=document)
        AssignmentFactory(task=task, role=Assignment.Role.LEAD)
        AssignmentFactory(task=task, role=Assignment.Role.COOPERATING)
        DeadlineFactory(task=task, due_on=days(today, 10))
        DeadlineFactory(task=task, due_on=days(today, 100))
        ProgressUpdateFactory(task=task)
        tasks.append(task)
    return tasks


# Every page: session, user, and the user's region or department shown in the top bar.
# The list: count, the page's ids, its rows, leading assignments, and the choices of the document,
# region and department selects (the department choices serve two fields and are read twice).
LIST_QUERIES = 3 + 4 + 4
# The export has no top bar: session, user, then task_rows' four.
EXPORT_QUERIES = 2 + 4
# 我的任务: the tasks and their leading assignments.
MINE_QUERIES = 3 + 2
# The task, its ten prefetches (assignments, deadlines, targets, updates, readings, evidence,
# extension requests, changes, instructions and their replies), the outline around it, and for office
# staff the 催办记录 (events, their notifications, reminders and deliveries).
DETAIL_QUERIES = 3 + 1 + 10 + 1 + 4


class TestQueryCounts:
    @pytest.mark.parametrize("count", [5, 60])
    def test_list_page(self, client, office, zhengzhou_document, today, count, django_assert_max_num_queries):
        ledger(zhengzhou_document, count, today)
        login(client, office)

        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(LIST_URL, {"status": "not_started", "ordering": "-due_on"})
        assert len(listed(response)) == min(count, 50)

    @pytest.mark.parametrize("count", [5, 60])
    def test_export(self, client, office, zhengzhou_document, today, count, django_assert_max_num_queries):
        ledger(zhengzhou_document, count, today)
        login(client, office)

        with django_assert_max_num_queries(EXPORT_QUERIES):
            response = client.get(EXPORT_URL, {"status": "not_started"})
        assert len(workbook_rows(response)) == count

    @pytest.mark.parametrize("count", [5, 60])
    def test_my_tasks(
        self,
        client,
        liaison,
        insurance_bureau,
        zhengzhou_document,
        today,
        count,
        django_assert_max_num_queries,
    ):
        for task in ledger(zhengzhou_document, count, today):
            AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.CO_LEAD)
        login(client, liaison)

        with django_assert_max_num_queries(MINE_QUERIES):
            response = client.get(MINE_URL)
        assert len(listed(response)) == count

    @pytest.mark.parametrize("updates", [1, 10])
    def test_task_page(
        self,
        client,
        office,
        insurance_task,
        insurance_bureau,
        liaison,
        updates,
        django_assert_max_num_queries,
    ):
        target = TargetFactory(task=insurance_task)
        DeadlineFactory(task=insurance_task)
        for _ in range(updates):
            update = ProgressUpdateFactory(task=insurance_task, department=insurance_bureau, author=liaison)
            TargetReadingFactory(update=update, target=target)
            EvidenceFactory.create_batch(3 if updates > 1 else 1, update=update)
        TaskChangeFactory.create_batch(updates, task=insurance_task)
        send_manual_reminder(insurance_task, office, message="请报送进展。")
        if updates > 1:
            send_manual_reminder(
                insurance_task, office, message="今天下班前报送。", urgent=True, reason="领导督办"
            )
        login(client, office)

        with django_assert_max_num_queries(DETAIL_QUERIES):
            response = client.get(detail_url(insurance_task))
        assert response.content.decode().count("record-item") == (2 if updates > 1 else 1)
        assert response.content.decode().count("bi-paperclip") == (30 if updates > 1 else 1)


def test_lists_and_exports_never_load_the_documents_text(client, office, zhengzhou_document, insurance_task):
    """A document's extracted text may run to megabytes: rows of a list must not drag it along."""
    client.force_login(office)
    text_column = '"tasks_policydocument"."text"'
    for url in (reverse("task_list"), reverse("task_export")):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert not [q["sql"] for q in queries if text_column in q["sql"]], url


def test_the_extension_requests_list_shows_those_of_the_scope_pending_first(
    client, office, outsider, liaison, insurance_task, insurance_bureau
):
    from tests.factories import ExtensionRequestFactory

    pending = ExtensionRequestFactory(task=insurance_task, department=insurance_bureau, requested_by=liaison)
    login(client, office)
    page = client.get(reverse("extension_list")).content.decode()
    assert f"#action-decide-{pending.pk}" in page
    assert insurance_bureau.name in page
    assert (
        "No extension requests."
        in client.get(reverse("extension_list") + "?status=approved").content.decode()
    )
    # Another city's office sees none of them; a liaison sees their department's, without the decide link.
    login(client, outsider)
    assert "No extension requests." in client.get(reverse("extension_list")).content.decode()
    login(client, liaison)
    page = client.get(reverse("extension_list")).content.decode()
    assert insurance_bureau.name in page
    assert "#action-decide-" not in page
