"""Tasks: the list is the task list page's (same FilterSet, same order), one task with its ETag, and the
office's edit with If-Match (428 without it, 412 when stale, nothing written either way)."""

import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext

from tasks.ledger.filtersets import TaskFilterSet
from tasks.models import Assignment, Deadline, Target, Task, TaskChange, TaskStatus
from tests.factories import DeadlineFactory, TaskChangeFactory, TaskFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/tasks/"


def detail(task) -> str:
    return f"/api/v1/tasks/{task.pk}/"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def ledger(zhengzhou_tasks, changsha_task, own_task):
    """Four 郑州市 tasks in different states, and one of 长沙市."""
    insurance, health, county = zhengzhou_tasks
    Task.objects.filter(pk=health.pk).update(status=TaskStatus.IN_PROGRESS, progress=40)
    Task.objects.filter(pk=county.pk).update(status=TaskStatus.COMPLETED, progress=100)
    DeadlineFactory(task=insurance, due_on=timezone.localdate() - datetime.timedelta(days=3))
    return [*zhengzhou_tasks, own_task]


# The list -----------------------------------------------------------------------------------------


def test_the_list_holds_the_tasks_in_the_users_scope_only(api_client, office, liaison, ledger, changsha_task):
    assert set(ids(api_client(office).get(LIST))) == {t.pk for t in ledger}
    assert changsha_task.pk not in ids(api_client(office).get(LIST))
    assert set(ids(api_client(liaison).get(LIST))) == {ledger[0].pk, ledger[3].pk}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "status=in_progress",
        "status=completed&status=not_started",
        "q=DRG",
        "overdue=true",
        "overdue=false",
        "section=深化医保支付方式改革",
        "no_section=true",
        "due_within=90",
        "region=410100",
        "ordering=-progress",
        "ordering=status,-due_on",
        "ordering=-position",
    ],
)
def test_the_list_is_the_task_list_pages_filterset(api_client, office, ledger, query):
    expected = TaskFilterSet(
        QueryDict(query), Task.objects.visible_to(office).with_schedule(), user=office
    ).qs
    assert ids(api_client(office).get(f"{LIST}?{query}")) == [t.pk for t in expected]


def test_the_department_filters_name_departments_by_id(api_client, office, ledger, health_commission):
    expected = {t.pk for t in ledger if t.assignments.filter(department=health_commission).exists()}
    assert set(ids(api_client(office).get(f"{LIST}?department={health_commission.pk}"))) == expected
    leads = ids(api_client(office).get(f"{LIST}?lead_department={health_commission.pk}"))
    assert leads == [ledger[1].pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=finished", "status"),
        ("due_within=soon", "due_within"),
        ("due_after=2026-02-30", "due_after"),
        ("completed_in=2026", "completed_in"),
        ("ordering=text", "ordering"),
        ("region=999999", "region"),
    ],
)
def test_an_invalid_parameter_is_a_400_naming_it(api_client, office, ledger, query, field):
    response = api_client(office).get(f"{LIST}?{query}")
    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert field in body["detail"]


def test_a_department_outside_the_scope_is_an_invalid_choice(api_client, liaison, ledger, changsha_bureau):
    response = api_client(liaison).get(f"{LIST}?department={changsha_bureau.pk}")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["department"]


def test_rows_carry_the_schedule_light_and_lead_departments(api_client, office, ledger, insurance_bureau):
    rows = {row["id"]: row for row in api_client(office).get(LIST).json()["results"]}
    overdue = rows[ledger[0].pk]
    assert overdue["is_overdue"] is True
    assert overdue["light"]["colour"] == "red"
    assert overdue["light"]["reason"]
    assert overdue["leads"] == [
        {
            "department": {"id": insurance_bureau.pk, "name": insurance_bureau.name},
            "role": "lead",
            "collective_text": "",
        }
    ]
    assert rows[ledger[2].pk]["light"]["colour"] == "green", "completed"
    assert rows[ledger[0].pk]["document"]["title"] == ledger[0].document.title


def test_pages_follow_one_another_without_repeating_or_skipping(api_client, office, zhengzhou_document):
    for position in range(20, 27):
        TaskFactory(document=zhengzhou_document, position=position)
    client = api_client(office)
    seen, url = [], f"{LIST}?page_size=3&ordering=-progress"
    while url:
        body = client.get(url).json()
        assert body["count"] == 7
        assert body["count_capped"] is False
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
    assert len(seen) == 7
    assert len(set(seen)) == 7


def test_the_count_stops_at_the_limit(api_client, office, ledger, monkeypatch):
    monkeypatch.setattr("tasks.pagination.COUNT_LIMIT", 2)
    monkeypatch.setattr("api.pagination.COUNT_LIMIT", 2)
    body = api_client(office).get(f"{LIST}?page_size=1").json()
    assert body["count"] == 2
    assert body["count_capped"] is True
    assert body["next"]


def test_a_page_past_the_end_is_a_json_404(api_client, office, ledger):
    response = api_client(office).get(f"{LIST}?page=99")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_the_page_size_is_bounded(api_client, office, zhengzhou_document):
    for position in range(1, 206):
        TaskFactory.build(document=zhengzhou_document, position=position).save()
    assert len(ids(api_client(office).get(f"{LIST}?page_size=1000"))) == 200


# One task -----------------------------------------------------------------------------------------


def test_a_task_carries_its_parts_and_its_version_as_etag(api_client, liaison, own_task):
    response = api_client(liaison).get(detail(own_task))
    assert response.status_code == 200
    assert response["ETag"] == f'"{own_task.version}"'
    body = response.json()
    assert body["version"] == own_task.version
    assert [a["department"]["name"] for a in body["assignments"]] == ["郑州市医疗保障局"]
    assert body["deadlines"][0]["kind"] == "date"
    assert body["targets"][0]["comparator"] == ">="
    assert body["document"]["region"]["code"] == "410100"


def test_list_parameters_on_a_tasks_url_change_nothing(api_client, office, own_task):
    assert api_client(office).get(f"{detail(own_task)}?status=finished").status_code == 200


# The office's edit --------------------------------------------------------------------------------


def state(task) -> tuple:
    task = Task.objects.get(pk=task.pk)
    return (
        task.version,
        task.text,
        task.status,
        task.progress,
        TaskChange.objects.filter(task=task).count(),
        list(Deadline.objects.filter(task=task).values_list("pk", "due_on", "text").order_by("pk")),
        list(Assignment.objects.filter(task=task).values_list("department", "role").order_by("pk")),
        list(Target.objects.filter(task=task).values_list("pk", "text", "value").order_by("pk")),
    )


def patch(client, task, data, version=None, **headers):
    if version is not None:
        headers["HTTP_IF_MATCH"] = f'"{version}"'
    return client.patch(detail(task), data, format="json", **headers)


def test_the_office_edits_a_task_with_its_etag(api_client, office, own_task):
    version = own_task.version
    response = patch(api_client(office), own_task, {"text": "改写后的任务内容。", "progress": 30}, version)
    assert response.status_code == 200
    own_task.refresh_from_db()
    assert (own_task.text, own_task.progress, own_task.version) == ("改写后的任务内容。", 30, version + 1)
    assert response["ETag"] == f'"{version + 1}"'
    assert response.json()["text"] == "改写后的任务内容。"
    change = TaskChange.objects.get(task=own_task, action=TaskChange.Action.UPDATED)
    assert change.actor == office
    assert change.changes["progress"] == [0, 30]


@pytest.mark.parametrize("header", [None, "*"])
def test_an_edit_without_a_version_is_428_and_changes_nothing(api_client, office, own_task, header):
    before = state(own_task)
    headers = {"HTTP_IF_MATCH": header} if header else {}
    response = patch(api_client(office), own_task, {"text": "改写。"}, **headers)
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    assert state(own_task) == before


# "²" (Latin-1, so it can arrive in a header) and 5000 digits passed str.isdigit() and failed int(): 500s.
@pytest.mark.parametrize(
    "header", ["3 4", '"3", "4"', "version-3", '"0"', '"²"', "¹", '"' + "9" * 5000 + '"', '" 3 "']
)
def test_an_if_match_that_is_no_version_is_named_as_the_error(api_client, office, own_task, header):
    before = state(own_task)
    response = patch(api_client(office), own_task, {"text": "改写。"}, HTTP_IF_MATCH=header)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["If-Match"]
    assert state(own_task) == before


def test_a_weak_or_bare_etag_is_understood(api_client, office, own_task):
    client = api_client(office)
    assert (
        patch(client, own_task, {"progress": 5}, HTTP_IF_MATCH=f'W/"{own_task.version}"').status_code == 200
    )
    own_task.refresh_from_db()
    assert patch(client, own_task, {"progress": 6}, HTTP_IF_MATCH=str(own_task.version)).status_code == 200


def test_a_stale_edit_is_412_with_what_changed_since_and_changes_nothing(
    api_client, office, leader, own_task
):
    stale = own_task.version
    assert patch(api_client(office), own_task, {"progress": 20}, stale).status_code == 200
    before = state(own_task)
    response = patch(api_client(office), own_task, {"text": "基于旧版本的修改。"}, stale)
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "version_conflict"
    assert body["current_version"] == stale + 1
    assert response["ETag"] == f'"{stale + 1}"'
    assert body["changes_since"][0]["fields"] == ["progress"]
    assert body["changes_since"][0]["actor"] == str(office)
    assert state(own_task) == before


@pytest.mark.parametrize(
    ("persona", "msgid"),
    [
        ("liaison", "Liaisons report progress; only the reform office changes the task itself."),
        ("leader", "Only reform office staff may change tasks."),
    ],
)
def test_other_roles_are_told_why_they_may_not_edit(request, api_client, own_task, persona, msgid):
    before = state(own_task)
    with translation.override("zh-hans"):
        response = patch(
            api_client(request.getfixturevalue(persona)), own_task, {"text": "改写。"}, own_task.version
        )
        message = gettext(msgid)
    assert response.status_code == 403
    assert response.json()["detail"] == message
    assert state(own_task) == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"progress": 101}, "progress"),
        ({"status": "finished"}, "status"),
        ({"text": "   "}, "text"),
        ({"label": "一" * 40}, "label"),
        ({"section": "板" * 201}, "section"),
        ({"deadlines": [{"kind": "date", "text": "年底前"}]}, "deadlines"),
        ({"deadlines": [{"kind": "date", "due_on": "2026-13-01"}]}, "deadlines.0.due_on"),
        ({"targets": [{"text": "介于两值之间", "comparator": "range", "value": "1"}]}, "targets"),
        ({"targets": [{"text": "达到", "value": "abc"}]}, "targets.0.value"),
        ({"assignments": [{"department": 999999, "role": "lead"}]}, "assignments"),
        ({"assignments": [{"department": 1, "role": "boss"}]}, "assignments.0.role"),
    ],
)
def test_invalid_input_is_400_naming_the_field_and_changes_nothing(api_client, office, own_task, data, field):
    before = state(own_task)
    response = patch(api_client(office), own_task, data, own_task.version)
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["errors"]) == [field]
    assert body["errors"][field][0]
    assert state(own_task) == before


def test_a_department_of_another_province_cannot_be_assigned(api_client, office, own_task, changsha_bureau):
    before = state(own_task)
    response = patch(
        api_client(office),
        own_task,
        {"assignments": [{"department": changsha_bureau.pk, "role": "lead"}]},
        own_task.version,
    )
    assert response.status_code == 400
    assert changsha_bureau.name in response.json()["errors"]["assignments"][0]
    assert state(own_task) == before


def test_an_empty_edit_is_refused(api_client, office, own_task):
    before = state(own_task)
    response = patch(api_client(office), own_task, {}, own_task.version)
    assert response.status_code == 400
    assert state(own_task) == before


def test_deadlines_assignments_and_targets_are_replaced_in_one_version(
    api_client, office, own_task, insurance_bureau, health_commission
):
    deadline = own_task.deadlines.get()
    target = own_task.targets.get()
    version = own_task.version
    response = patch(
        api_client(office),
        own_task,
        {
            "deadlines": [
                {"id": deadline.pk, "kind": "date", "due_on": "2026-12-31", "text": "年底前"},
                {"kind": "ongoing", "text": "长期坚持"},
            ],
            "assignments": [
                {"department": insurance_bureau.pk, "role": "lead"},
                {"department": health_commission.pk, "role": "cooperating"},
            ],
            "targets": [
                {"id": target.pk, "text": target.text, "comparator": ">=", "value": "95", "unit": "%"}
            ],
        },
        version,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["version"] == version + 1
    assert [(d["kind"], d["due_on"]) for d in body["deadlines"]] == [
        ("date", "2026-12-31"),
        ("ongoing", None),
    ]
    assert {a["department"]["id"]: a["role"] for a in body["assignments"]} == {
        insurance_bureau.pk: "lead",
        health_commission.pk: "cooperating",
    }
    assert body["targets"][0]["value"] == "95.0000"
    assert TaskChange.objects.filter(task=own_task, action=TaskChange.Action.UPDATED).count() == 1


def test_put_needs_every_field_of_the_task(api_client, office, own_task):
    before = state(own_task)
    response = api_client(office).put(
        detail(own_task), {"text": "只有内容。"}, format="json", HTTP_IF_MATCH=f'"{own_task.version}"'
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"label", "section", "status", "progress"}
    assert state(own_task) == before


def test_put_replaces_the_fields(api_client, office, own_task):
    data = {"label": "（一）", "section": "医保", "text": "新内容。", "status": "suspended", "progress": 0}
    response = api_client(office).put(
        detail(own_task), data, format="json", HTTP_IF_MATCH=f'"{own_task.version}"'
    )
    assert response.status_code == 200
    own_task.refresh_from_db()
    assert (own_task.label, own_task.section, own_task.text, own_task.status) == (
        "（一）",
        "医保",
        "新内容。",
        "suspended",
    )


def test_a_history_entry_by_someone_else_is_named_in_the_conflict(api_client, office, own_task):
    TaskChangeFactory(task=own_task, changes={"text": ["a", "b"]})
    Task.objects.filter(pk=own_task.pk).update(version=own_task.version + 1)
    response = patch(api_client(office), own_task, {"progress": 1}, own_task.version)
    assert response.status_code == 412
    assert response.json()["changes_since"][0]["fields"] == ["text"]
