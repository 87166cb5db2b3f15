"""Every task in the list gets a traffic light and the reason for it, in Chinese."""

import datetime

import pytest
from django.utils import translation

from tasks.ledger.lights import (
    LightColour,
    Thresholds,
    attach_lights,
    compute_light,
    elapsed_percent,
    light_for,
)
from tasks.models import Deadline, Task, TaskStatus
from tests.factories import DeadlineFactory, PolicyDocumentFactory, TaskFactory

D = datetime.date
TODAY = D(2026, 6, 1)
DEFAULTS = Thresholds(due_soon_days=14, behind_margin=25)
ISSUED = D(2026, 1, 1)


def light(
    *,
    status=TaskStatus.IN_PROGRESS,
    progress=0,
    due_on=None,
    next_due_on=None,
    starts_on=ISSUED,
    today=TODAY,
    thresholds=DEFAULTS,
):
    if next_due_on is None and due_on is not None and due_on >= today:
        next_due_on = due_on
    return compute_light(
        status=status,
        progress=progress,
        due_on=due_on,
        next_due_on=next_due_on,
        starts_on=starts_on,
        today=today,
        thresholds=thresholds,
    )


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override("zh-hans"):
        yield


# Grey -----------------------------------------------------------------------------------------


def test_a_task_without_a_dated_deadline_is_grey():
    result = light(due_on=None)
    assert result.colour == LightColour.GREY
    assert result.reason == "无截止日期"
    assert result.label == "灰"


def test_a_suspended_task_is_grey_even_when_past_its_deadline():
    result = light(status=TaskStatus.SUSPENDED, due_on=D(2026, 3, 31))
    assert result.colour == LightColour.GREY
    assert result.reason == "已暂停"


# Green ----------------------------------------------------------------------------------------


def test_a_completed_task_is_green_even_when_past_its_deadline():
    result = light(status=TaskStatus.COMPLETED, progress=100, due_on=D(2026, 3, 31))
    assert result.colour == LightColour.GREEN
    assert result.reason == "已完成"


def test_a_task_on_schedule_is_green():
    # Half the time used (1 Jan → 31 Dec, today 1 Jun: 41%), 30% done: within the margin.
    result = light(progress=30, due_on=D(2026, 12, 31))
    assert result.colour == LightColour.GREEN
    assert result.reason == "按计划推进"


# Red ------------------------------------------------------------------------------------------


def test_a_task_past_its_due_date_is_red_with_the_days_overdue():
    result = light(due_on=D(2026, 5, 20), progress=90)
    assert result.colour == LightColour.RED
    assert result.reason == "已逾期 12 天"


def test_a_task_pending_verification_past_its_due_date_is_still_red():
    result = light(status=TaskStatus.PENDING_VERIFICATION, progress=100, due_on=D(2026, 5, 31))
    assert result.colour == LightColour.RED
    assert result.reason == "已逾期 1 天"


def test_a_task_due_today_is_not_yet_overdue():
    result = light(due_on=TODAY, progress=90)
    assert result.colour == LightColour.YELLOW
    assert result.reason == "今日到期"


# Yellow: due soon -----------------------------------------------------------------------------


def test_a_task_due_within_the_band_is_yellow_with_the_days_left():
    result = light(due_on=D(2026, 6, 15), progress=95)  # 14 days: the last day of the band
    assert result.colour == LightColour.YELLOW
    assert result.reason == "距截止还有 14 天"


def test_a_task_due_one_day_after_the_band_is_not_yellow_for_that_reason():
    result = light(due_on=D(2026, 6, 16), progress=95)  # 15 days
    assert result.colour == LightColour.GREEN


def test_the_next_milestone_not_the_final_deadline_decides_due_soon():
    result = light(due_on=D(2026, 12, 31), next_due_on=D(2026, 6, 10), progress=95)
    assert result.colour == LightColour.YELLOW
    assert result.reason == "距截止还有 9 天"


def test_the_band_follows_the_thresholds():
    wider = Thresholds(due_soon_days=30, behind_margin=25)
    assert light(due_on=D(2026, 6, 16), progress=95, thresholds=wider).colour == LightColour.YELLOW
    narrower = Thresholds(due_soon_days=7, behind_margin=25)
    assert light(due_on=D(2026, 6, 10), progress=95, thresholds=narrower).colour == LightColour.GREEN


# Yellow: behind schedule ----------------------------------------------------------------------


def test_a_task_whose_time_runs_ahead_of_its_progress_is_yellow():
    # 1 Jan → 31 Dec 2026, today 1 Jun: 151 of 364 days = 41% used; 10% done: 31 points behind.
    result = light(due_on=D(2026, 12, 31), progress=10)
    assert result.colour == LightColour.YELLOW
    assert result.reason == "进度滞后：时间已过 41%，完成 10%"


def test_behind_by_exactly_the_margin_is_still_on_track():
    # 41% used, 16% done: 25 points is not more than the margin.
    assert light(due_on=D(2026, 12, 31), progress=16).colour == LightColour.GREEN
    assert light(due_on=D(2026, 12, 31), progress=15).colour == LightColour.YELLOW


def test_the_margin_follows_the_thresholds():
    strict = Thresholds(due_soon_days=14, behind_margin=10)
    assert light(due_on=D(2026, 12, 31), progress=30, thresholds=strict).colour == LightColour.YELLOW


def test_without_an_issue_date_the_time_is_measured_from_the_tasks_creation():
    # Created 1 May, due 31 Jul: a third of the time used and nothing done is over the margin.
    assert light(due_on=D(2026, 7, 31), starts_on=D(2026, 5, 1), progress=0).colour == LightColour.YELLOW
    # Created 25 May: a tenth used, nothing done, on track.
    assert light(due_on=D(2026, 7, 31), starts_on=D(2026, 5, 25), progress=0).colour == LightColour.GREEN


def test_due_soon_is_named_before_behind_schedule():
    assert light(due_on=D(2026, 6, 10), progress=0).reason == "距截止还有 9 天"


def test_elapsed_share_is_clamped_and_needs_a_span():
    assert elapsed_percent(D(2026, 1, 1), D(2026, 1, 11), D(2026, 1, 6)) == 50
    assert elapsed_percent(D(2026, 1, 1), D(2026, 1, 11), D(2025, 12, 1)) == 0
    assert elapsed_percent(D(2026, 1, 1), D(2026, 1, 11), D(2026, 2, 1)) == 100
    assert elapsed_percent(D(2026, 1, 11), D(2026, 1, 1), D(2026, 1, 6)) is None
    assert elapsed_percent(None, D(2026, 1, 1), D(2026, 1, 6)) is None


def test_reasons_are_in_english_when_the_user_reads_english():
    with translation.override("en"):
        assert light(due_on=D(2026, 5, 20)).reason == "Overdue by 12 days"
        assert light(due_on=D(2026, 5, 31)).reason == "Overdue by 1 day"
        assert light(due_on=D(2026, 12, 31), progress=10).reason == (
            "Behind schedule: 41% of the time used, 10% done"
        )


# Settings -------------------------------------------------------------------------------------


def test_thresholds_come_from_settings_and_an_override_changes_the_band(settings):
    assert Thresholds.from_settings() == DEFAULTS
    due_in_20_days = {"due_on": D(2026, 6, 21), "progress": 95, "thresholds": None}
    assert light(**due_in_20_days).colour == LightColour.GREEN
    settings.TRAFFIC_LIGHTS = {"due_soon_days": 21, "behind_margin": 25}
    assert light(**due_in_20_days).colour == LightColour.YELLOW


def test_a_settings_override_changes_the_behind_margin(settings):
    settings.TRAFFIC_LIGHTS = {"due_soon_days": 14, "behind_margin": 50}
    assert light(due_on=D(2026, 12, 31), progress=0, thresholds=None).colour == LightColour.GREEN


# From the database ----------------------------------------------------------------------------


@pytest.fixture
def document(db):
    return PolicyDocumentFactory(issued_on=D(2026, 1, 1))


def scheduled(task, today=TODAY):
    return Task.objects.with_schedule(today).get(pk=task.pk)


def test_with_schedule_takes_the_latest_dated_deadline_as_the_due_date(document):
    task = TaskFactory(document=document)
    DeadlineFactory(task=task, due_on=D(2026, 6, 30))
    DeadlineFactory(task=task, due_on=D(2026, 12, 31))
    DeadlineFactory(task=task, due_on=D(2026, 3, 31))
    DeadlineFactory(task=task, kind=Deadline.Kind.ONGOING, due_on=None, text="长期坚持", year=None)
    task = scheduled(task)
    assert task.due_on == D(2026, 12, 31)
    assert task.next_due_on == D(2026, 6, 30)
    assert task.starts_on == D(2026, 1, 1)
    assert task.is_overdue is False


def test_the_next_milestone_includes_a_deadline_falling_today(document):
    task = TaskFactory(document=document)
    DeadlineFactory(task=task, due_on=TODAY)
    assert scheduled(task).next_due_on == TODAY
    assert scheduled(task, today=TODAY + datetime.timedelta(days=1)).next_due_on is None


def test_with_schedule_marks_overdue_only_open_tasks(document):
    open_task = TaskFactory(document=document, status=TaskStatus.IN_PROGRESS)
    completed = TaskFactory(document=document, status=TaskStatus.COMPLETED)
    suspended = TaskFactory(document=document, status=TaskStatus.SUSPENDED)
    for task in (open_task, completed, suspended):
        DeadlineFactory(task=task, due_on=D(2026, 5, 31))
    assert scheduled(open_task).is_overdue is True
    assert scheduled(completed).is_overdue is False
    assert scheduled(suspended).is_overdue is False
    assert scheduled(open_task, today=D(2026, 5, 31)).is_overdue is False


def test_a_task_with_only_undated_deadlines_has_no_schedule_dates(document):
    task = TaskFactory(document=document)
    DeadlineFactory(task=task, kind=Deadline.Kind.RECURRING, due_on=None, text="每季度", year=None)
    task = scheduled(task)
    assert (task.due_on, task.next_due_on, task.is_overdue) == (None, None, False)
    assert light_for(task, TODAY).colour == LightColour.GREY


def test_without_an_issue_date_the_schedule_starts_on_the_day_of_creation(db):
    task = TaskFactory(document=PolicyDocumentFactory(issued_on=None))
    Task.objects.filter(pk=task.pk).update(
        created_at=datetime.datetime(2026, 4, 30, 20, 0, tzinfo=datetime.UTC)
    )
    # 20:00 UTC is 04:00 the next morning in Shanghai.
    assert scheduled(task).starts_on == D(2026, 5, 1)


def test_light_for_reads_the_annotations_of_each_colour(document):
    overdue = TaskFactory(document=document, status=TaskStatus.IN_PROGRESS)
    DeadlineFactory(task=overdue, due_on=D(2026, 5, 1))
    soon = TaskFactory(document=document, progress=80)
    DeadlineFactory(task=soon, due_on=D(2026, 6, 8))
    behind = TaskFactory(document=document, progress=5)
    DeadlineFactory(task=behind, due_on=D(2026, 9, 30))
    fine = TaskFactory(document=document, progress=60)
    DeadlineFactory(task=fine, due_on=D(2026, 9, 30))
    colours = {task.pk: light_for(task, TODAY).colour for task in Task.objects.with_schedule(TODAY)}
    assert colours == {
        overdue.pk: LightColour.RED,
        soon.pk: LightColour.YELLOW,
        behind.pk: LightColour.YELLOW,
        fine.pk: LightColour.GREEN,
    }


def test_light_for_refuses_a_task_without_a_schedule(document):
    task = TaskFactory(document=document)
    with pytest.raises(TypeError, match="with_schedule"):
        light_for(Task.objects.get(pk=task.pk), TODAY)


def test_attach_lights_costs_no_query_beyond_the_list(document, django_assert_num_queries):
    for position in range(1, 6):
        task = TaskFactory(document=document, position=position)
        DeadlineFactory(task=task, due_on=D(2026, 5, 1))
    with django_assert_num_queries(1):
        tasks = attach_lights(Task.objects.with_schedule(TODAY), TODAY)
    assert [task.light.colour for task in tasks] == [LightColour.RED] * 5
