"""Departments report progress on their own tasks: status, percent, narrative, target actuals and files."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tasks.access import NotPermitted
from tasks.ledger.services.progress import record_progress
from tasks.models import Evidence, ProgressUpdate, Target, TargetReading, Task, TaskChange, TaskStatus
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def target(insurance_task):
    return TargetFactory(task=insurance_task, value=Decimal("90"), comparator=Target.Comparator.AT_LEAST)


def state(task):
    task = Task.objects.get(pk=task.pk)
    return (
        (task.status, task.progress, task.version),
        ProgressUpdate.objects.count(),
        TargetReading.objects.count(),
        Evidence.objects.count(),
        list(Target.objects.filter(task=task).values_list("latest_actual", "attained")),
        TaskChange.objects.count(),
    )


class TestALiaisonReports:
    def test_on_their_departments_task(self, liaison, insurance_task, target, insurance_bureau):
        update = record_progress(
            insurance_task,
            liaison,
            status=TaskStatus.IN_PROGRESS,
            percent=40,
            narrative="已印发实施方案。",
            readings={target.pk: Decimal("92.5")},
            files=[SimpleUploadedFile("方案.pdf", PDF), SimpleUploadedFile("照片.png", PNG)],
        )

        assert (update.department, update.author, update.percent) == (insurance_bureau, liaison, 40)
        task = Task.objects.get(pk=insurance_task.pk)
        assert (task.status, task.progress, task.version) == (TaskStatus.IN_PROGRESS, 40, 2)
        assert list(update.readings.values_list("target", "value")) == [(target.pk, Decimal("92.5"))]
        target.refresh_from_db()
        assert (target.latest_actual, target.attained) == (Decimal("92.5"), True)
        assert sorted(update.evidence.values_list("original_name", "content_type")) == [
            ("方案.pdf", "application/pdf"),
            ("照片.png", "image/png"),
        ]
        [change] = TaskChange.objects.filter(task=task)
        assert (change.action, change.actor, change.note) == (
            TaskChange.Action.PROGRESS,
            liaison,
            "已印发实施方案。",
        )
        assert change.changes["status"] == ["not_started", "in_progress"]
        assert change.changes["progress"] == [0, 40]
        assert change.changes["targets.latest_actual"] == {str(target.pk): [None, "92.5000"]}

    def test_a_cooperating_department_reports_too(self, other_liaison, insurance_task, health_commission):
        update = record_progress(insurance_task, other_liaison, status="in_progress", percent=10)

        assert update.department == health_commission

    def test_a_value_below_the_target_is_not_attained(self, liaison, insurance_task, target):
        record_progress(insurance_task, liaison, status="in_progress", percent=10, readings={target.pk: "80"})

        target.refresh_from_db()
        assert (target.latest_actual, target.attained) == (Decimal("80"), False)

    def test_office_staff_may_report_as_well(self, office, insurance_task):
        update = record_progress(insurance_task, office, status="in_progress", percent=20)

        assert update.department is None
        assert Task.objects.get(pk=insurance_task.pk).progress == 20

    def test_every_report_bumps_the_version(self, liaison, insurance_task):
        record_progress(insurance_task, liaison, status="in_progress", percent=10)
        record_progress(insurance_task, liaison, status="in_progress", percent=20)

        assert Task.objects.get(pk=insurance_task.pk).version == 3
        assert ProgressUpdate.objects.filter(task=insurance_task).count() == 2

    def test_the_reads_and_writes_are_counted(
        self, liaison, insurance_task, target, django_assert_max_num_queries
    ):
        files = [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(3)]
        # Permission (1), targets (1), lock (1), update (1), readings (1), target (1), evidence (3),
        # version (1), change (1), refresh (1) and savepoints: the evidence is the only per-item cost.
        with django_assert_max_num_queries(16):
            record_progress(
                insurance_task, liaison, status="in_progress", percent=5, readings={target.pk: 1}, files=files
            )


class TestRefusals:
    def test_another_departments_task_is_not_found(self, liaison, health_task):
        before = state(health_task)

        with pytest.raises(Task.DoesNotExist):
            record_progress(health_task, liaison, status="in_progress", percent=10)

        assert state(health_task) == before

    def test_leaders_are_read_only(self, leader, insurance_task):
        before = state(insurance_task)

        with pytest.raises(NotPermitted, match="read-only"):
            record_progress(insurance_task, leader, status="in_progress", percent=10)

        assert state(insurance_task) == before

    def test_an_office_of_another_city_does_not_see_the_task(self, outsider, insurance_task):
        with pytest.raises(Task.DoesNotExist):
            record_progress(insurance_task, outsider, status="in_progress", percent=10)

    @pytest.mark.parametrize(
        ("status", "percent", "message"),
        [
            (TaskStatus.COMPLETED, 100, "request completion"),
            (TaskStatus.PENDING_VERIFICATION, 100, "request completion"),
            ("finished", 50, "Unknown status"),
            ("in_progress", 101, "from 0 to 100"),
            ("in_progress", -1, "from 0 to 100"),
            ("in_progress", "50.5", "from 0 to 100"),
            ("in_progress", "²", "from 0 to 100"),  # str.isdigit() is true, int() refuses it
            ("in_progress", "9" * 5000, "from 0 to 100"),
            ("in_progress", True, "from 0 to 100"),
        ],
    )
    def test_bad_status_or_percent(self, liaison, insurance_task, status, percent, message):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match=message):
            record_progress(insurance_task, liaison, status=status, percent=percent)

        assert state(insurance_task) == before

    def test_a_target_of_another_task(self, liaison, insurance_task, health_task):
        foreign = TargetFactory(task=health_task)
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="another task"):
            record_progress(
                insurance_task, liaison, status="in_progress", percent=5, readings={foreign.pk: 1}
            )

        assert state(insurance_task) == before

    @pytest.mark.parametrize("value", ["很多", "NaN", "1e20"])
    def test_a_value_that_is_not_a_number(self, liaison, insurance_task, target, value):
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="not a valid number"):
            record_progress(
                insurance_task, liaison, status="in_progress", percent=5, readings={target.pk: value}
            )

        assert state(insurance_task) == before

    def test_a_completed_task_takes_no_more_reports(self, liaison, insurance_task):
        Task.objects.filter(pk=insurance_task.pk).update(status=TaskStatus.COMPLETED, progress=100)
        before = state(insurance_task)

        with pytest.raises(ValidationError, match="verified as completed"):
            record_progress(insurance_task, liaison, status="in_progress", percent=90)

        assert state(insurance_task) == before
