"""The derived task data (Task.due_on, TaskScope) follows every kind of write that changes its sources.

Each test makes a change the way the application makes it, then asserts the visible effect (what an
office sees, what is overdue) and that `derived.check()` finds nothing to repair.
"""

import datetime

import pytest
from django.core.management import CommandError, call_command

from tasks.ledger.services import editing, extensions
from tasks.models import Assignment, Deadline, Task, TaskScope, derived
from tests.factories import (
    AssignmentFactory,
    DeadlineFactory,
    DepartmentFactory,
    OfficeUserFactory,
    PolicyDocumentFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def visible(user) -> set[Task]:
    return set(Task.objects.visible_to(user))


def test_factories_and_single_saves_keep_both_values(insurance_task, health_task, changsha_task):
    DeadlineFactory(task=insurance_task, due_on=D(2026, 6, 30))
    DeadlineFactory(task=insurance_task, due_on=D(2026, 12, 31))
    DeadlineFactory(task=insurance_task, kind=Deadline.Kind.ONGOING, due_on=None, text="长期坚持")
    insurance_task.refresh_from_db()
    assert insurance_task.due_on == D(2026, 12, 31)
    assert derived.check() == []


def test_deleting_a_deadline_or_an_assignment_updates_the_task(
    insurance_task, insurance_bureau, changsha_bureau, outsider
):
    first = DeadlineFactory(task=insurance_task, due_on=D(2026, 6, 30))
    last = DeadlineFactory(task=insurance_task, due_on=D(2026, 12, 31))
    last.delete()
    insurance_task.refresh_from_db()
    assert insurance_task.due_on == first.due_on

    assignment = AssignmentFactory(task=insurance_task, department=changsha_bureau)
    assert insurance_task in visible(outsider)  # a 长沙 office sees a task a 长沙 body works on
    assignment.delete()
    assert insurance_task not in visible(outsider)
    assert derived.check() == []


def test_a_stale_instance_does_not_write_its_due_date_back(insurance_task):
    stale = Task.objects.get(pk=insurance_task.pk)
    DeadlineFactory(task=insurance_task, due_on=D(2026, 9, 30))
    stale.text = "改写"
    stale.save()
    assert Task.objects.get(pk=insurance_task.pk).due_on == D(2026, 9, 30)


def test_editing_deadlines_and_assignments_through_the_service(
    office, insurance_task, jinshui, jinshui_bureau
):
    deadline = DeadlineFactory(task=insurance_task, due_on=D(2026, 6, 30))
    insurance_task.refresh_from_db()
    editing.replace_deadlines(
        insurance_task,
        office,
        expected_version=insurance_task.version,
        deadlines=[{"id": deadline.pk, "kind": "date", "due_on": "2027-03-31", "text": "2027年3月底前"}],
    )
    assert Task.objects.get(pk=insurance_task.pk).due_on == D(2027, 3, 31)

    # A 金水区 body joins the task: the 金水区 office now sees it; it leaves again: no longer.
    jinshui_office = OfficeUserFactory(region=jinshui)
    assert insurance_task not in visible(jinshui_office)
    keep = [{"department": a.department, "role": a.role} for a in insurance_task.assignments.all()]
    insurance_task.refresh_from_db()
    editing.replace_assignments(
        insurance_task,
        office,
        expected_version=insurance_task.version,
        assignments=[*keep, {"department": jinshui_bureau, "role": "cooperating"}],
    )
    assert insurance_task in visible(jinshui_office)
    insurance_task.refresh_from_db()
    editing.replace_assignments(
        insurance_task, office, expected_version=insurance_task.version, assignments=keep
    )
    assert insurance_task not in visible(jinshui_office)
    assert derived.check() == []


@pytest.fixture
def jinshui_bureau(jinshui):
    return DepartmentFactory(region=jinshui, name="金水区医疗保障局")


def test_an_approved_extension_moves_the_due_date(liaison, office, insurance_task):
    DeadlineFactory(task=insurance_task, due_on=datetime.date.today() + datetime.timedelta(days=5))
    insurance_task.refresh_from_db()
    later = datetime.date.today() + datetime.timedelta(days=60)
    request = extensions.request_extension(
        insurance_task, liaison, requested_due_on=later, reason="需要更多时间"
    )
    extensions.decide_extension(request, office, approve=True, comment="同意")
    assert Task.objects.get(pk=insurance_task.pk).due_on == later
    assert derived.check() == []


def test_moving_a_document_or_a_department_moves_the_scope(
    zhengzhou_document, insurance_task, insurance_bureau, changsha, outsider
):
    assert insurance_task not in visible(outsider)
    zhengzhou_document.region = changsha
    zhengzhou_document.save()
    assert insurance_task in visible(outsider)
    assert derived.check() == []

    other = PolicyDocumentFactory(region=changsha)
    task = TaskFactory(document=other)
    task.document.region = insurance_bureau.region
    task.document.save()
    insurance_bureau.region = changsha
    insurance_bureau.save()
    assert derived.check() == []


def test_queryset_writes_are_repaired_by_the_command(insurance_task, capsys):
    DeadlineFactory(task=insurance_task, due_on=D(2026, 6, 30))
    # Writes that bypass the services and signals leave the derived data behind ...
    Deadline.objects.filter(task=insurance_task).update(due_on=D(2026, 8, 31))
    Assignment.objects.filter(task=insurance_task).delete()
    with pytest.raises(CommandError, match="differ"):
        call_command("refresh_derived", "--check")
    assert "due_on 2026-06-30 should be 2026-08-31" in capsys.readouterr().out
    # ... which the command puts right.
    call_command("refresh_derived")
    assert Task.objects.get(pk=insurance_task.pk).due_on == D(2026, 8, 31)
    call_command("refresh_derived", "--check")
    assert derived.check() == []


def test_a_regions_office_sees_through_the_scope_table(henan, zhengzhou, jinshui, county_task, changsha_task):
    province = OfficeUserFactory(region=henan)
    assert county_task in visible(province)
    assert changsha_task not in visible(province)
    regions = set(TaskScope.objects.filter(task=county_task).values_list("region__code", flat=True))
    # The document's region and the county government's, each with the regions above them.
    assert {"410000", "410100"} <= regions
    assert "430000" not in regions
