"""Escalation: overdue N working days after the first overdue notice, one step at a time up the
ladder (liaison → department head → office and 分管领导), each step once per task, never twice."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from reform.workdays import add_workdays, is_workday
from tasks.jobs import scan_reminders as scan_job
from tasks.models import Channel, Deadline, Delivery, Escalation, EventKind, Notification, Task, TaskStatus
from tasks.reminders.services.escalation import escalate_overdue, ladder
from tasks.reminders.services.scan import scan_reminders
from tests.factories import DeadlineFactory

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 5, 25)  # a Monday
FIRST_NOTICE = datetime.date(2026, 5, 26)  # the first working day after it


@pytest.fixture(autouse=True)
def short_ladder(settings):
    settings.ESCALATION_LADDER = ["2:liaison", "3:head", "5:office"]


@pytest.fixture
def overdue(insurance_task, insurance_bureau, liaison, django_capture_on_commit_callbacks):
    insurance_bureau.head_name = "王局长"
    insurance_bureau.head_email = "head@ybj.example.cn"
    insurance_bureau.save()
    DeadlineFactory(task=insurance_task, due_on=DUE)
    assert is_workday(FIRST_NOTICE)
    with django_capture_on_commit_callbacks(execute=True):
        scan_reminders(FIRST_NOTICE)  # the first overdue notice: the liaisons' digest lists the task
    mail.outbox.clear()
    return insurance_task


def run(day, capture):
    with capture(execute=True):
        return escalate_overdue(day)


def steps(task) -> list[int]:
    return list(Escalation.objects.filter(task=task).values_list("step", flat=True))


def test_one_step_at_a_time_once_each(overdue, liaison, office, leader, django_capture_on_commit_callbacks):
    day1 = add_workdays(FIRST_NOTICE, 1)
    assert run(day1, django_capture_on_commit_callbacks)["escalated"] == 0  # 1 working day: not yet
    day2 = add_workdays(FIRST_NOTICE, 2)
    assert run(day2, django_capture_on_commit_callbacks)["escalated"] == 1
    assert steps(overdue) == [1]
    notice = Notification.objects.get(recipient=liaison, kind=EventKind.ESCALATION)
    assert DUE.isoformat() in notice.event.body
    assert [m.to for m in mail.outbox] == [[liaison.email]]  # the first step emails the liaisons too
    mail.outbox.clear()
    # The same day again (a re-run, a second beat): nothing more.
    assert run(day2, django_capture_on_commit_callbacks)["escalated"] == 0

    day3 = add_workdays(FIRST_NOTICE, 3)
    assert run(day3, django_capture_on_commit_callbacks)["escalated"] == 1
    head = Delivery.objects.get(channel=Channel.EMAIL, address="head@ybj.example.cn")
    assert head.status == Delivery.Status.SENT
    assert "王局长" in head.label
    assert [m.to for m in mail.outbox] == [["head@ybj.example.cn"]]

    # Step 3 is due only after 5 working days; then the office and the leaders hear.
    assert run(add_workdays(FIRST_NOTICE, 4), django_capture_on_commit_callbacks)["escalated"] == 0
    assert run(add_workdays(FIRST_NOTICE, 5), django_capture_on_commit_callbacks)["escalated"] == 1
    third = Escalation.objects.get(task=overdue, step=3).event
    assert set(third.notifications.values_list("recipient_id", flat=True)) == {office.pk, leader.pk}
    assert steps(overdue) == [1, 2, 3]
    # The ladder's top: nothing more, ever.
    assert run(add_workdays(FIRST_NOTICE, 9), django_capture_on_commit_callbacks)["escalated"] == 0


def test_two_thresholds_passed_at_once_take_one_step_a_day(overdue, django_capture_on_commit_callbacks):
    late = add_workdays(FIRST_NOTICE, 8)
    run(late, django_capture_on_commit_callbacks)
    assert steps(overdue) == [1]
    run(add_workdays(late, 1), django_capture_on_commit_callbacks)
    assert steps(overdue) == [1, 2]


def test_a_completed_task_and_a_day_off_do_not_escalate(overdue, django_capture_on_commit_callbacks):
    saturday = datetime.date(2026, 6, 6)
    assert not is_workday(saturday)
    assert run(saturday, django_capture_on_commit_callbacks) == {
        "today": "2026-06-06",
        "workday": False,
        "escalated": 0,
    }
    Task.objects.filter(pk=overdue.pk).update(status=TaskStatus.COMPLETED)
    assert run(add_workdays(FIRST_NOTICE, 3), django_capture_on_commit_callbacks)["escalated"] == 0
    assert steps(overdue) == []


def test_a_task_never_notified_as_overdue_does_not_escalate(
    insurance_task, django_capture_on_commit_callbacks
):
    DeadlineFactory(task=insurance_task, due_on=DUE)  # no scan ran: no first overdue notice
    assert run(add_workdays(FIRST_NOTICE, 10), django_capture_on_commit_callbacks)["escalated"] == 0


def test_the_daily_job_escalates_after_the_scan(overdue, liaison):
    result = scan_job.apply(args=[add_workdays(FIRST_NOTICE, 2).isoformat()]).get()
    assert result["escalation"]["escalated"] == 1
    assert steps(overdue) == [1]


@pytest.mark.parametrize(
    "entries",
    [["3:liaison", "3:head"], ["x:liaison"], ["3:mayor"], ["5:head", "2:office"]],
)
def test_a_malformed_ladder_is_refused(entries):
    with pytest.raises(ImproperlyConfigured):
        ladder(entries)


def test_the_default_ladder_is_well_formed():
    from reform import settings as project_settings

    assert [s.audience for s in ladder(project_settings.ESCALATION_LADDER)] == ["liaison", "head", "office"]


def test_running_twice_on_a_day_takes_one_step_only(overdue, django_capture_on_commit_callbacks):
    late = add_workdays(FIRST_NOTICE, 8)
    run(late, django_capture_on_commit_callbacks)
    run(late, django_capture_on_commit_callbacks)
    assert steps(overdue) == [1]


def test_an_extension_starts_the_ladder_again(overdue, django_capture_on_commit_callbacks):
    for n in (2, 3, 5):
        run(add_workdays(FIRST_NOTICE, n), django_capture_on_commit_callbacks)
    assert steps(overdue) == [1, 2, 3]
    # The deadline moves (an approved extension) and the task is overdue again later.
    new_due = datetime.date(2026, 7, 1)
    Deadline.objects.filter(task=overdue).update(due_on=new_due)
    Task.objects.filter(pk=overdue.pk).update(due_on=new_due)
    notice = datetime.date(2026, 7, 2)
    with django_capture_on_commit_callbacks(execute=True):
        scan_reminders(notice)
    run(add_workdays(notice, 2), django_capture_on_commit_callbacks)
    assert list(Escalation.objects.filter(task=overdue, due_on=new_due).values_list("step", flat=True)) == [1]


def test_a_task_awaiting_verification_is_not_escalated(overdue, django_capture_on_commit_callbacks):
    Task.objects.filter(pk=overdue.pk).update(status=TaskStatus.PENDING_VERIFICATION)
    assert run(add_workdays(FIRST_NOTICE, 3), django_capture_on_commit_callbacks)["escalated"] == 0


def test_a_failed_escalation_email_reaches_the_offices_list(
    overdue, office, django_capture_on_commit_callbacks
):
    from tasks.notices.services.failures import attention_deliveries

    run(add_workdays(FIRST_NOTICE, 2), django_capture_on_commit_callbacks)
    delivery = Delivery.objects.filter(event__kind=EventKind.ESCALATION).first()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error="550")
    assert list(attention_deliveries(office).values_list("pk", flat=True)) == [delivery.pk]
