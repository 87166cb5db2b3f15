"""generate_demo_data: a deterministic synthetic ledger that --clear removes without touching real data."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from regions.models import Department, Region
from tasks.demo_data import generated_documents
from tasks.models import Assignment, Deadline, PolicyDocument, ProgressUpdate, Task, TaskStatus, derived
from tests.factories import PolicyDocumentFactory, ProgressUpdateFactory, TaskFactory


def generate(tasks=300, *args):
    out = StringIO()
    call_command(
        "generate_demo_data", "--tasks", str(tasks), "--seed", "7", "--batch", "100", *args, stdout=out
    )
    return out.getvalue()


@pytest.fixture
def generated(reference_data):
    return generate()


def test_counts_and_progress_lines(generated):
    assert "tasks 300/300" in generated
    tasks = Task.objects.filter(document__in=generated_documents())
    assert tasks.count() == 300
    assert 4 <= generated_documents().count() <= 15
    assert Assignment.objects.filter(task__in=tasks).count() >= 300
    assert ProgressUpdate.objects.filter(task__in=tasks).exists()
    # Bulk inserts send no signals; the generator refreshes the derived data itself.
    assert tasks.exclude(due_on=None).exists()
    assert derived.check() == []


def test_every_task_has_one_lead_and_valid_statuses(generated):
    tasks = Task.objects.filter(document__in=generated_documents())
    for task in tasks.prefetch_related("assignments"):
        roles = [a.role for a in task.assignments.all()]
        assert roles.count(Assignment.Role.LEAD) == 1
        assert task.status in TaskStatus.values
        assert 0 <= task.progress <= 100
    assert {t.status for t in tasks} >= {TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED}


def test_deadlines_are_valid(generated):
    deadlines = Deadline.objects.filter(task__document__in=generated_documents())
    for deadline in deadlines:
        if deadline.kind == Deadline.Kind.DATE:
            assert datetime.date(2025, 1, 1) <= deadline.due_on <= datetime.date(2027, 12, 31)
        else:
            assert deadline.due_on is None
    assert deadlines.exclude(kind=Deadline.Kind.DATE).exists()


def test_the_same_seed_gives_the_same_texts(reference_data):
    generate(60)
    first = list(Task.objects.order_by("pk").values_list("text", "status", "progress"))
    call_command("generate_demo_data", "--clear", stdout=StringIO())
    generate(60)
    assert list(Task.objects.order_by("pk").values_list("text", "status", "progress")) == first


def test_running_twice_adds(generated):
    generate()
    assert Task.objects.filter(document__in=generated_documents()).count() == 600


def test_clear_removes_only_generated_data(generated):
    zhengzhou = Region.objects.get(code="410100")
    real = PolicyDocumentFactory(region=zhengzhou, title="郑州市2026年深化医改重点工作任务")
    real_task = TaskFactory(document=real, position=1)
    ProgressUpdateFactory(task=real_task, department=Department.objects.filter(region=zhengzhou).first())
    out = StringIO()
    call_command("generate_demo_data", "--clear", stdout=out)
    assert "300 tasks" in out.getvalue()
    assert not generated_documents().exists()
    assert list(PolicyDocument.objects.all()) == [real]
    assert list(Task.objects.all()) == [real_task]
    assert ProgressUpdate.objects.filter(task=real_task).count() == 1
