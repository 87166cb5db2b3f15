"""The task list's FilterSet: every filter narrows the user's own tasks, once each, in one query."""

import datetime
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.request import Request

from regions.models import Region
from tasks.filters import IdField, WholeNumberField
from tasks.ledger.filter_choices import departments_visible_to, regions_visible_to
from tasks.ledger.filtersets import TaskFilterSet
from tasks.ledger.lights import attach_lights
from tasks.models import Assignment, Deadline, Task, TaskChange, TaskStatus
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    DepartmentAliasFactory,
    DepartmentFactory,
    PolicyDocumentFactory,
    RegionFactory,
    TargetFactory,
    TaskChangeFactory,
    TaskFactory,
)

TODAY = datetime.date(2026, 6, 1)
D = datetime.date
UTC = datetime.UTC


def make_filterset(user, params=None, **kwargs):
    data = QueryDict(urlencode(params or {}, doseq=True))
    queryset = Task.objects.visible_to(user).with_schedule(TODAY)
    return TaskFilterSet(data, queryset, user=user, today=TODAY, **kwargs)


def filtered(user, **params):
    filterset = make_filterset(user, params)
    assert filterset.is_valid(), filterset.errors
    return list(filterset.qs)


def due(task, *dates):
    for day in dates:
        DeadlineFactory(task=task, due_on=day, text=f"{day:%Y年%m月%d日}前", year=day.year)
    return task


# Scope and defaults ---------------------------------------------------------------------------


def test_without_parameters_the_list_is_the_users_tasks_in_document_order(office, all_tasks):
    insurance_task, health_task, county_task, _ = all_tasks
    assert filtered(office) == [insurance_task, health_task, county_task]


def test_an_unbound_filterset_is_ordered_too(office, zhengzhou_tasks):
    filterset = TaskFilterSet(None, Task.objects.visible_to(office), user=office, today=TODAY)
    assert list(filterset.qs) == zhengzhou_tasks


def test_documents_are_listed_newest_first_with_a_stable_order(office, zhengzhou, insurance_task):
    older = PolicyDocumentFactory(region=zhengzhou, issued_on=D(2025, 1, 1))
    undated = PolicyDocumentFactory(region=zhengzhou, issued_on=None)
    old_tasks = [TaskFactory(document=older, position=p) for p in (2, 1)]
    undated_task = TaskFactory(document=undated, position=1)
    assert filtered(office) == [insurance_task, old_tasks[1], old_tasks[0], undated_task]


def test_without_a_queryset_the_filterset_starts_from_the_users_own_tasks(liaison, all_tasks):
    filterset = TaskFilterSet(QueryDict(""), user=liaison, today=TODAY)
    assert list(filterset.qs) == [all_tasks[0]]


def test_the_user_is_taken_from_the_request(liaison, zhengzhou_tasks, insurance_bureau):
    request = RequestFactory().get("/tasks/", {"department": insurance_bureau.pk})
    request.user = liaison
    filterset = TaskFilterSet(request.GET, Task.objects.visible_to(liaison), request=request)
    assert filterset.is_valid(), filterset.errors
    assert list(filterset.qs) == [zhengzhou_tasks[0]]


def test_a_queryset_without_a_schedule_gets_one(office, insurance_task):
    due(insurance_task, D(2026, 5, 1))
    filterset = TaskFilterSet(
        QueryDict("overdue=true"), Task.objects.visible_to(office), user=office, today=TODAY
    )
    assert list(filterset.qs) == [insurance_task]
    assert filterset.qs[0].due_on == D(2026, 5, 1)


def test_an_invalid_parameter_lists_nothing_and_says_why(office, zhengzhou_tasks):
    filterset = make_filterset(office, {"due_within": "soon"})
    assert not filterset.is_valid()
    assert "due_within" in filterset.errors
    assert list(filterset.qs) == []


def test_the_api_backend_uses_the_same_filterset(liaison, zhengzhou_tasks, health_commission):
    class View:
        filterset_class = TaskFilterSet

    django_request = RequestFactory().get("/api/tasks/", {"department": health_commission.pk})
    django_request.user = liaison
    request = Request(django_request)
    request.user = liaison
    tasks = DjangoFilterBackend().filter_queryset(request, Task.objects.visible_to(liaison), View())
    assert list(tasks) == [zhengzhou_tasks[0]]


# document ---------------------------------------------------------------------------------------


def test_document_filter_keeps_that_documents_tasks(superuser, all_tasks, changsha_document):
    assert filtered(superuser, document=changsha_document.pk) == [all_tasks[3]]


def test_a_document_the_user_cannot_see_is_not_a_choice(office, all_tasks, changsha_document):
    filterset = make_filterset(office, {"document": changsha_document.pk})
    assert "document" in filterset.errors
    assert list(filterset.qs) == []


# region -----------------------------------------------------------------------------------------


@pytest.fixture
def zhongyuan_task(zhongyuan):
    return TaskFactory(document=PolicyDocumentFactory(region=zhongyuan), position=1)


def test_region_filter_takes_the_region_and_the_regions_below(
    province_office, zhengzhou_tasks, zhongyuan_task, henan
):
    province_task = TaskFactory(document=PolicyDocumentFactory(region=henan, issued_on=D(2026, 1, 1)))
    # Both documents were issued on the same day; the one imported last comes first.
    assert filtered(province_office, region="410100") == [zhongyuan_task, *zhengzhou_tasks]
    assert filtered(province_office, region="410102") == [zhongyuan_task]
    assert province_task in filtered(province_office, region="410000")


def test_region_choices_are_the_users_subtree(office, zhengzhou_tasks, zhongyuan, changsha_task):
    codes = set(regions_visible_to(office).values_list("code", flat=True))
    assert {"410100", "410102"} <= codes
    assert "430100" not in codes
    assert "region" in make_filterset(office, {"region": "430100"}).errors


def test_a_liaisons_region_choices_hold_the_regions_of_their_documents(liaison, zhengzhou_tasks, changsha):
    assert set(regions_visible_to(liaison).values_list("code", flat=True)) == {"410000", "410100"}


def test_an_unknown_region_code_is_invalid(superuser, zhengzhou_tasks):
    assert "region" in make_filterset(superuser, {"region": "999999"}).errors


# department / lead_department -------------------------------------------------------------------


def test_department_filter_matches_any_role(office, zhengzhou_tasks, health_commission):
    insurance_task, health_task, _ = zhengzhou_tasks
    assert filtered(office, department=health_commission.pk) == [insurance_task, health_task]


def test_lead_department_filter_matches_lead_and_co_lead_only(office, zhengzhou_tasks, health_commission):
    insurance_task, health_task, _ = zhengzhou_tasks
    assert filtered(office, lead_department=health_commission.pk) == [health_task]
    Assignment.objects.filter(task=insurance_task, department=health_commission).update(
        role=Assignment.Role.CO_LEAD
    )
    assert filtered(office, lead_department=health_commission.pk) == [insurance_task, health_task]


def test_department_choices_are_departments_on_the_users_tasks(
    liaison, zhengzhou_tasks, insurance_bureau, health_commission, county_government, changsha_bureau
):
    assert set(departments_visible_to(liaison)) == {insurance_bureau, health_commission}
    filterset = make_filterset(liaison, {"department": county_government.pk})
    assert "department" in filterset.errors
    assert "lead_department" in make_filterset(liaison, {"lead_department": changsha_bureau.pk}).errors


def test_without_a_user_there_are_no_department_choices(zhengzhou_tasks, insurance_bureau):
    filterset = TaskFilterSet(QueryDict(f"department={insurance_bureau.pk}"), Task.objects.all(), today=TODAY)
    assert "department" in filterset.errors
    assert list(filterset.qs) == []


def test_a_superuser_may_choose_any_department(superuser, changsha_bureau, zhengzhou_tasks):
    unused = DepartmentFactory()
    assert {changsha_bureau, unused} <= set(departments_visible_to(superuser))


# status and section -----------------------------------------------------------------------------


def test_status_filter_takes_several_statuses(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.IN_PROGRESS)
    Task.objects.filter(pk=health_task.pk).update(status=TaskStatus.COMPLETED)
    assert filtered(office, status=["in_progress"]) == [insurance_task]
    assert filtered(office, status=["in_progress", "completed"]) == [insurance_task, health_task]
    assert "status" in make_filterset(office, {"status": ["finished"]}).errors


def test_section_filter_is_exact(office, zhengzhou_tasks):
    insurance_task, health_task, _ = zhengzhou_tasks
    Task.objects.filter(pk=health_task.pk).update(section="深化医保支付方式改革（二）")
    assert filtered(office, section="深化医保支付方式改革") == [insurance_task, zhengzhou_tasks[2]]
    assert filtered(office, section="深化医保支付方式改革（二）") == [health_task]


def test_no_section_lists_the_tasks_outside_any_section(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=health_task.pk).update(section="")
    assert filtered(office, no_section="true") == [health_task]
    assert filtered(office, no_section="false") == [insurance_task, county_task]
    # An empty section parameter still means "any section", as the form sends it.
    assert filtered(office, section="") == zhengzhou_tasks


# completed_in -----------------------------------------------------------------------------------


def set_status(task, status, updated_at=None):
    fields = {"status": status} if updated_at is None else {"status": status, "updated_at": updated_at}
    Task.objects.filter(pk=task.pk).update(**fields)


def verified(task, at):
    change = TaskChangeFactory(task=task, action=TaskChange.Action.VERIFIED, changes={})
    TaskChange.objects.filter(pk=change.pk).update(created_at=at)


def test_completed_in_is_the_month_of_the_latest_verification_in_local_time(office, zhengzhou_tasks):
    insurance_task, health_task, _ = zhengzhou_tasks
    set_status(insurance_task, TaskStatus.COMPLETED, datetime.datetime(2026, 5, 20, tzinfo=UTC))
    # 16:30 UTC on 30 April is 00:30 on 1 May in 郑州: the month is local.
    verified(insurance_task, datetime.datetime(2026, 4, 30, 16, 30, tzinfo=UTC))
    set_status(health_task, TaskStatus.COMPLETED, datetime.datetime(2026, 5, 3, tzinfo=UTC))
    verified(health_task, datetime.datetime(2026, 3, 10, tzinfo=UTC))
    verified(health_task, datetime.datetime(2026, 4, 10, tzinfo=UTC))  # the latest counts
    assert filtered(office, completed_in="2026-05") == [insurance_task]
    assert filtered(office, completed_in="2026-04") == [health_task]
    assert filtered(office, completed_in="2026-03") == []


def test_completed_in_falls_back_to_the_last_update_and_skips_reopened_tasks(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    # Completed by an import or an edit: no verification, so the last update (local time) stands in.
    set_status(insurance_task, TaskStatus.COMPLETED, datetime.datetime(2026, 1, 31, 17, tzinfo=UTC))
    # Verified, then reopened: no longer completed, so in no month.
    verified(health_task, datetime.datetime(2026, 2, 10, tzinfo=UTC))
    set_status(health_task, TaskStatus.IN_PROGRESS, datetime.datetime(2026, 2, 11, tzinfo=UTC))
    set_status(county_task, TaskStatus.NOT_STARTED, datetime.datetime(2026, 2, 12, tzinfo=UTC))
    assert filtered(office, completed_in="2026-02") == [insurance_task]
    assert filtered(office, completed_in="2026-01") == []


def test_completed_in_takes_a_month_only(office, zhengzhou_tasks):
    # 9999-12 and 0001-01 would overflow the month's bounds: refused, not a server error.
    for bad in ("2026-13", "2026-05-01", "May 2026", "9999-12", "0001-01"):
        filterset = make_filterset(office, {"completed_in": bad})
        assert "completed_in" in filterset.errors, bad
        assert list(filterset.qs) == []
    assert 'type="month"' in str(make_filterset(office).form["completed_in"])


# due dates --------------------------------------------------------------------------------------


@pytest.fixture
def dated(zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    due(insurance_task, D(2026, 5, 31))  # overdue by a day
    due(health_task, D(2026, 6, 8), D(2026, 12, 31))  # next milestone in a week, due at year end
    DeadlineFactory(task=county_task, kind=Deadline.Kind.ONGOING, due_on=None, text="长期坚持", year=None)
    return zhengzhou_tasks


def test_due_after_and_due_before_are_inclusive_and_use_the_latest_deadline(office, dated):
    insurance_task, health_task, _ = dated
    assert filtered(office, due_after="2026-05-31") == [insurance_task, health_task]
    assert filtered(office, due_after="2026-06-01") == [health_task]
    assert filtered(office, due_before="2026-05-31") == [insurance_task]
    assert filtered(office, due_before="2026-05-30") == []
    # The health task's first milestone is in June, but its due date is 31 December.
    assert filtered(office, due_after="2026-06-01", due_before="2026-06-30") == []
    assert filtered(office, due_after="2026-12-31", due_before="2026-12-31") == [health_task]


def test_overdue_filter(office, dated):
    insurance_task, health_task, county_task = dated
    assert filtered(office, overdue="true") == [insurance_task]
    assert filtered(office, overdue="false") == [health_task, county_task]


def test_a_completed_task_past_its_deadline_is_not_overdue(office, dated):
    Task.objects.filter(pk=dated[0].pk).update(status=TaskStatus.COMPLETED)
    assert filtered(office, overdue="true") == []


def test_due_within_looks_at_the_next_milestone(office, dated):
    _, health_task, _ = dated
    assert filtered(office, due_within=7) == [health_task]  # 8 June is 7 days away
    assert filtered(office, due_within=6) == []
    assert filtered(office, due_within=0) == []


def test_due_within_zero_means_due_today(office, zhengzhou_tasks):
    due(zhengzhou_tasks[1], TODAY)
    assert filtered(office, due_within=0) == [zhengzhou_tasks[1]]


def test_due_within_refuses_negative_and_fractional_days(office, dated):
    assert "due_within" in make_filterset(office, {"due_within": "-1"}).errors
    assert "due_within" in make_filterset(office, {"due_within": "1.5"}).errors


# targets ----------------------------------------------------------------------------------------


def test_targets_not_attained_filter_lists_each_task_once(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    TargetFactory(task=insurance_task, value=90, latest_actual=80)
    TargetFactory(task=insurance_task, value=50, latest_actual=10)
    TargetFactory(task=health_task, value=90, latest_actual=95)
    TargetFactory(task=county_task, value=90, latest_actual=None)  # not judged: not "not attained"
    assert filtered(office, targets_not_attained="true") == [insurance_task]
    assert filtered(office, targets_not_attained="false") == [health_task, county_task]


def test_targets_attained_filter_lists_each_task_once(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    TargetFactory(task=insurance_task, value=90, latest_actual=95)
    TargetFactory(task=insurance_task, value=50, latest_actual=60)
    TargetFactory(task=health_task, value=90, latest_actual=80)
    TargetFactory(task=county_task, value=90, latest_actual=None)  # not judged: not "attained"
    assert filtered(office, targets_attained="true") == [insurance_task]
    assert filtered(office, targets_attained="false") == [health_task, county_task]


def test_targets_without_actual_filter_looks_at_the_latest_actual(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    TargetFactory(task=insurance_task, value=90, latest_actual=None)
    TargetFactory(task=insurance_task, value=None, latest_actual=None)
    TargetFactory(task=insurance_task, value=90, latest_actual=95)
    # An actual without a value to judge it by: not attained either way, but it has an actual.
    TargetFactory(task=health_task, value=None, latest_actual=80)
    assert filtered(office, targets_without_actual="true") == [insurance_task]
    assert filtered(office, targets_without_actual="false") == [health_task, county_task]


# q ----------------------------------------------------------------------------------------------


def test_q_finds_by_task_text_label_and_section(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=county_task.pk).update(label="（十二）", section="基层卫生")
    assert filtered(office, q="DRG") == [insurance_task]
    assert filtered(office, q="十二") == [county_task]
    assert filtered(office, q="基层卫生") == [county_task]


def test_q_finds_by_document_title_and_number(office, zhengzhou_tasks, zhengzhou):
    other = TaskFactory(
        document=PolicyDocumentFactory(
            region=zhengzhou, title="郑州市公立医院改革方案", doc_number="郑医改〔2026〕7号"
        )
    )
    assert filtered(office, q="公立医院改革") == [other]
    assert filtered(office, q="郑医改〔2026〕7号") == [other]
    # Part of the number (the factory numbers other documents 医改办〔2026〕N号, so "7号" alone would
    # also find 17号 or 27号 depending on the order tests run in).
    assert filtered(office, q="〔2026〕7号") == [other]


def test_q_finds_by_department_name_alias_and_name_as_written(office, zhengzhou_tasks, health_commission):
    insurance_task, health_task, county_task = zhengzhou_tasks
    assert filtered(office, q="中原区人民政府") == [county_task]
    # Both the lead and the cooperating department match, yet the task is listed once.
    assert filtered(office, q="郑州市") == zhengzhou_tasks
    DepartmentAliasFactory(department=health_commission, alias="市卫健委")
    assert filtered(office, q="卫健委") == [insurance_task, health_task]
    Assignment.objects.filter(task=county_task).update(text_as_written="各县（区）政府")
    assert filtered(office, q="县（区）政府") == [county_task]


def test_q_words_must_all_match(office, zhengzhou_tasks):
    insurance_task, health_task, _ = zhengzhou_tasks
    assert filtered(office, q="推进 医疗集团") == [health_task]
    assert filtered(office, q="推进 DRG") == [insurance_task]
    assert filtered(office, q="推进 不存在的词") == []


def test_q_matching_several_aliases_lists_the_task_once(office, insurance_task, insurance_bureau):
    DepartmentAliasFactory(department=insurance_bureau, alias="市医保局")
    DepartmentAliasFactory(department=insurance_bureau, alias="医保局")
    assert filtered(office, q="医保局") == [insurance_task]


# ordering ---------------------------------------------------------------------------------------


def test_ordering_by_due_date_puts_tasks_without_one_last(office, dated):
    insurance_task, health_task, county_task = dated
    assert filtered(office, ordering="due_on") == [insurance_task, health_task, county_task]
    assert filtered(office, ordering="-due_on") == [health_task, insurance_task, county_task]


def test_ordering_by_status_follows_the_workflow(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.COMPLETED)
    Task.objects.filter(pk=county_task.pk).update(status=TaskStatus.IN_PROGRESS)
    assert filtered(office, ordering="status") == [health_task, county_task, insurance_task]
    assert filtered(office, ordering="-status") == [insurance_task, county_task, health_task]


def test_ordering_by_progress_breaks_ties_in_document_order(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=health_task.pk).update(progress=60)
    assert filtered(office, ordering="progress") == [insurance_task, county_task, health_task]
    assert filtered(office, ordering="-progress") == [health_task, insurance_task, county_task]


def test_ordering_by_update_time_and_by_position(office, zhengzhou_tasks):
    insurance_task, health_task, county_task = zhengzhou_tasks
    Task.objects.filter(pk=insurance_task.pk).update(
        updated_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC)
    )
    Task.objects.filter(pk=health_task.pk).update(
        updated_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    )
    Task.objects.filter(pk=county_task.pk).update(
        updated_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    )
    assert filtered(office, ordering="updated_at") == [county_task, health_task, insurance_task]
    assert filtered(office, ordering="-updated_at") == [insurance_task, health_task, county_task]
    assert filtered(office, ordering="-position") == [county_task, health_task, insurance_task]
    assert filtered(office, ordering="position") == zhengzhou_tasks


def test_ordering_by_two_columns(office, dated):
    insurance_task, health_task, county_task = dated
    Task.objects.filter(pk__in=[insurance_task.pk, county_task.pk]).update(progress=50)
    assert filtered(office, ordering="-progress,due_on") == [insurance_task, county_task, health_task]


def test_an_unknown_ordering_is_invalid(office, zhengzhou_tasks):
    assert "ordering" in make_filterset(office, {"ordering": "text"}).errors


# Combinations -----------------------------------------------------------------------------------


def test_filters_combine(office, dated, health_commission):
    insurance_task, health_task, _ = dated
    Task.objects.filter(pk__in=[insurance_task.pk, health_task.pk]).update(status=TaskStatus.IN_PROGRESS)
    TargetFactory(task=insurance_task, value=90, latest_actual=10)
    TargetFactory(task=insurance_task, value=80, latest_actual=10)
    assert filtered(office, department=health_commission.pk, status=["in_progress"]) == [
        insurance_task,
        health_task,
    ]
    assert filtered(office, department=health_commission.pk, overdue="true") == [insurance_task]
    assert filtered(office, department=health_commission.pk, overdue="false", due_within=14) == [health_task]
    assert filtered(
        office, department=health_commission.pk, targets_not_attained="true", q="郑州市", region="410100"
    ) == [insurance_task]
    assert filtered(office, lead_department=health_commission.pk, targets_not_attained="true") == []


def test_a_liaison_filtering_never_sees_more_than_their_own_tasks(liaison, all_tasks):
    assert filtered(liaison, q="推进") == [all_tasks[0]]
    assert filtered(liaison, region="410000") == [all_tasks[0]]


# Queries ----------------------------------------------------------------------------------------


@pytest.fixture
def make_tasks(zhengzhou_document, insurance_bureau, health_commission):
    def make(count):
        for position in range(10, 10 + count):
            task = TaskFactory(document=zhengzhou_document, position=position, status=TaskStatus.IN_PROGRESS)
            AssignmentFactory(task=task, department=insurance_bureau, role=Assignment.Role.LEAD)
            AssignmentFactory(task=task, department=health_commission, role=Assignment.Role.COOPERATING)
            due(task, D(2026, 6, 10), D(2026, 12, 31))
            TargetFactory(task=task, value=90, latest_actual=10)
            TargetFactory(task=task, value=80, latest_actual=10)

    return make


@pytest.mark.parametrize("count", [3, 30])
def test_the_filtered_list_costs_the_same_queries_for_3_or_30_tasks(
    office, make_tasks, health_commission, count, django_assert_num_queries
):
    make_tasks(count)
    params = {
        "q": "郑州市 推进",
        "department": health_commission.pk,
        "status": ["in_progress"],
        "targets_not_attained": "true",
        "targets_without_actual": "false",
        "no_section": "false",
        "due_within": "30",
        "ordering": "-due_on",
    }
    # One to check the chosen department against the choices, one for the list.
    with django_assert_num_queries(2):
        tasks = attach_lights(make_filterset(office, params).qs, TODAY)
    assert len(tasks) == count
    assert len({task.pk for task in tasks}) == count


def test_regions_of_a_province_office_include_documents_below(province_office, zhongyuan_task):
    assert Region.objects.get(code="410102") in regions_visible_to(province_office)
    assert RegionFactory() not in regions_visible_to(province_office)


# Numbers in the query string: whole numbers as written, ids within 64 bits ------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [("7", 7), (" 7 ", 7), ("007", 7), (str(2**63 - 1), 2**63 - 1), ("", None)],
)
def test_an_id_field_takes_a_whole_number_from_1_to_2_63_minus_1(raw, value):
    assert IdField(required=False).clean(raw) == value


@pytest.mark.parametrize(
    "raw", ["0", "-1", str(2**63), "9" * 5000, "1.5", "1.0", "1e3", "1_000", "+7", "١٢", "0x10", "nan", "7 8"]
)
def test_an_id_field_refuses_anything_else_with_one_message(raw):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        IdField(required=False).clean(raw)
    assert refused.value.messages == [f"Enter an id: a whole number from 1 to {2**63 - 1}."]
    assert refused.value.code == "invalid_id"


def test_the_id_message_is_in_chinese_on_the_pages():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        IdField().clean("1e3")
    assert refused.value.messages == [f"请输入编号：1 至 {2**63 - 1} 之间的整数。"]


@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("-3", -3), ("12", 12), (" 12", 12)])
def test_a_whole_number_field_reads_digits_only(raw, value):
    assert WholeNumberField().clean(raw) == value


@pytest.mark.parametrize("raw", ["1.0", "1_000", "١٢", "1e3", "inf"])
def test_a_whole_number_field_refuses_what_int_or_integerfield_would_read(raw):
    with pytest.raises(ValidationError):
        WholeNumberField().clean(raw)


@pytest.mark.parametrize("raw", ["9" * 5000, "-" + "9" * 5000])
def test_a_whole_number_field_of_thousands_of_digits_is_out_of_range_not_an_error(raw):
    with pytest.raises(ValidationError) as refused:
        WholeNumberField(min_value=0, max_value=10).clean(raw)
    assert [error.code for error in refused.value.error_list] == [
        "min_value" if raw[0] == "-" else "max_value"
    ]


def test_the_id_filters_refuse_before_querying(office, zhengzhou_tasks, django_assert_num_queries):
    filterset = make_filterset(office, {"document": "3.4e+38", "department": str(2**64)})
    with django_assert_num_queries(0):
        assert set(filterset.errors) == {"document", "department"}
