"""Multi-row writes are all or nothing: a failure injected half way leaves every table, and the media
directory, exactly as they were. (Importing is in test_atomic_import.py: it needs the reference data.)"""

import datetime
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tasks.ledger.services.editing import edit_task
from tasks.ledger.services.progress import record_progress
from tasks.models import Assignment, Deadline, Target, Task, TaskStatus
from tasks.models.scope import TaskScope
from tests.factories import DeadlineFactory, TargetFactory

PDF = b"%PDF-1.7\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class InjectedFailure(Exception):
    pass


def row_counts() -> dict[str, int]:
    """Rows of every table of the ledger, the reference data and the accounts."""
    models = [
        model
        for label in ("tasks", "regions", "accounts")
        for model in apps.get_app_config(label).get_models()
    ]
    return {model._meta.db_table: model.objects.count() for model in models}


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def fail_on_call(number: int, real):
    """A stand-in that behaves as `real` until its `number`th call, which raises."""
    calls = []

    def call(*args, **kwargs):
        calls.append(1)
        if len(calls) == number:
            raise InjectedFailure(f"injected failure on call {number}")
        return real(*args, **kwargs)

    return call


def edit_state(task: Task) -> tuple:
    stored = Task.objects.get(pk=task.pk)
    return (
        (stored.version, stored.text, stored.due_on),
        list(Deadline.objects.filter(task=task).order_by("pk").values_list("pk", "due_on", "text")),
        list(Assignment.objects.filter(task=task).order_by("pk").values_list("department_id", "role")),
        list(Target.objects.filter(task=task).order_by("pk").values_list("pk", "text", "value")),
        sorted(TaskScope.objects.filter(task=task).values_list("region_id", flat=True)),
    )


@pytest.mark.django_db(transaction=True)
def test_an_office_edit_failing_in_its_targets_step_leaves_the_task_as_it_was(
    office, insurance_task, insurance_bureau, county_government, province_office
):
    deadline = DeadlineFactory(task=insurance_task, due_on=datetime.date(2026, 6, 30))
    kept = TargetFactory(task=insurance_task, value=Decimal("90"))
    TargetFactory(task=insurance_task, text="覆盖全部统筹区", value=Decimal("100"))
    before, counts = edit_state(insurance_task), row_counts()

    real_save = Target.save
    with (
        mock.patch.object(Target, "save", autospec=True, side_effect=fail_on_call(2, real_save)),
        pytest.raises(InjectedFailure),
    ):
        edit_task(
            Task.objects.get(pk=insurance_task.pk),
            office,
            expected_version=before[0][0],
            fields={"text": "改写后的任务内容。"},
            deadlines=[
                {"id": deadline.pk, "kind": "date", "due_on": "2026-09-30", "text": "2026年9月底前"},
                {"kind": "date", "due_on": "2026-12-31", "text": "2026年底前"},
            ],
            assignments=[
                {"department": insurance_bureau.pk, "role": Assignment.Role.LEAD},
                {"department": county_government.pk, "role": Assignment.Role.COOPERATING},
            ],
            targets=[
                {"id": kept.pk, "text": "按病种付费占比达到95%以上", "value": "95"},
                {"text": "新增目标", "value": "10"},
            ],
        )

    assert edit_state(insurance_task) == before
    assert row_counts() == counts
    # The failed edit left nothing to refresh: the derived values agree with a recomputation.
    from django.core.management import call_command

    call_command("refresh_derived", "--check", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_report_failing_after_its_first_file_is_stored_leaves_no_row_and_no_file(liaison, insurance_task):
    from tasks.models import Evidence

    counts, files_before = row_counts(), media_files()
    version = Task.objects.get(pk=insurance_task.pk).version
    stored_files = []
    real_save = Evidence.save

    def save(evidence, *args, **kwargs):
        stored_files.append(evidence.file.name)
        if len(stored_files) == 2:
            raise InjectedFailure("database went away")
        return real_save(evidence, *args, **kwargs)

    with mock.patch.object(Evidence, "save", autospec=True, side_effect=save), pytest.raises(InjectedFailure):
        record_progress(
            Task.objects.get(pk=insurance_task.pk),
            liaison,
            status=TaskStatus.IN_PROGRESS,
            percent=30,
            narrative="附两份材料。",
            files=[SimpleUploadedFile("方案.pdf", PDF), SimpleUploadedFile("照片.png", PNG)],
        )

    assert len(stored_files) == 2  # both files reached the storage before the failure
    assert media_files() == files_before
    assert row_counts() == counts
    assert Task.objects.get(pk=insurance_task.pk).version == version
