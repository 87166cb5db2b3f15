"""Reporting progress and closing tasks: a department reports, requests completion (申请销号); the office
verifies it (销号) or returns it with a reason.

Every input — status, percent, target values and each evidence file — is checked before anything is
written; the writes of one report happen in one transaction, and files already stored are deleted when
it fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, TextField, Value, When
from django.utils.translation import gettext as _

from tasks.access import NotPermitted, can_request_completion, require_editor, require_reporter, scope_of
from tasks.ledger.services.editing import bump_version, check_percent, jsonable, lock_task
from tasks.models import (
    Assignment,
    Evidence,
    ProgressUpdate,
    Target,
    TargetReading,
    Task,
    TaskChange,
    TaskStatus,
)
from tasks.models.ledger import LEADING_ROLES, needs_evidence
from tasks.notices.services import announce
from tasks.numbers import NotANumber, PercentNotAllowed, is_percent_unit, percent_refusal, read_actual
from tasks.uploads import CheckedEvidence, check_evidence

__all__ = [
    "clear_return",
    "evidence_missing",
    "lead_evidence",
    "record_progress",
    "request_completion",
    "return_task",
    "verify_completion",
]

# Completion is only reached through verification and the request for it only through
# request_completion, so that cooperating departments cannot close a task.
REPORTABLE_STATUSES = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.SUSPENDED)
MAX_FILES = 20


def check_status(status: str) -> None:
    """Refuse a status a progress report may not set."""
    if status not in REPORTABLE_STATUSES:
        if status in (TaskStatus.COMPLETED, TaskStatus.PENDING_VERIFICATION):
            raise ValidationError(
                _("Completion is requested with “request completion” and confirmed by the reform office."),
                code="status",
            )
        raise ValidationError(_("Unknown status “%(status)s”.") % {"status": status}, code="status")


def refuse_completed(current: Task) -> None:
    """A task verified as completed takes no more reports (checked on the locked row)."""
    if current.status == TaskStatus.COMPLETED:
        raise ValidationError(
            _("This task has been verified as completed; ask the reform office to reopen it."),
            code="completed",
        )


def reporting_department_id(user) -> int | None:
    """The department a report is recorded for: the liaison's; none for office staff."""
    return scope_of(user).department_id


def progress_changes(
    current: Task, *, status: str, percent: int, actuals: dict[str, list], evidence_names: Sequence[str] = ()
) -> dict[str, Any]:
    """The TaskChange `changes` of a report on the task as it was (`actuals`: target id -> [before, after])."""
    changes: dict[str, Any] = {}
    if current.status != status:
        changes["status"] = [current.status, status]
    if current.progress != percent:
        changes["progress"] = [current.progress, percent]
    if actuals:
        changes["targets.latest_actual"] = actuals
    if evidence_names:
        changes["evidence"] = [None, list(evidence_names)]
    return changes


def _check_readings(task: Task, readings: Mapping[Any, Any]) -> dict[Target, Decimal]:
    return clean_readings({t.pk: t for t in Target.objects.filter(task_id=task.pk)}, readings)


def clean_readings(targets: Mapping[int, Target], readings: Mapping[Any, Any]) -> dict[Target, Decimal]:
    """Reported values by target, each a target of the task (`targets`: its targets by id).

    A value is a number (a Decimal from a form, or its text) or, for a target whose unit is "%", a
    percentage ("72%", "７２％", or a TypedNumber the API read as one): tasks/numbers.py."""
    clean = {}
    for key, raw in readings.items():
        try:
            target = targets[int(key)]
        except (KeyError, TypeError, ValueError):
            raise ValidationError(
                _("A reported value refers to a target of another task."), code="target"
            ) from None
        try:
            value = read_actual(raw, percentage=is_percent_unit(target.unit))
        except PercentNotAllowed as refusal:
            raise ValidationError(percent_refusal(refusal.typed, target.unit), code="reading") from None
        except NotANumber:
            raise ValidationError(
                _("“%(value)s” is not a valid number for %(what)s.") % {"value": raw, "what": target.text},
                code="reading",
            ) from None
        if value is not None:
            clean[target] = value.quantize(Decimal("0.0001"))
    return clean


def _check_files(files: Sequence[Any]) -> list[tuple[Any, CheckedEvidence]]:
    if len(files) > MAX_FILES:
        raise ValidationError(
            _("At most %(count)s files can be attached to one report.") % {"count": MAX_FILES}, code="files"
        )
    return [(upload, check_evidence(upload)) for upload in files]


def _store_report(
    current: Task,
    user,
    *,
    status: str,
    percent: int,
    narrative: str,
    readings: dict[Target, Decimal],
    files: list[tuple[Any, CheckedEvidence]],
    stored: list[Evidence],
    report=None,
) -> ProgressUpdate:
    """The writes of one report; the caller's transaction makes them all-or-nothing."""
    update = ProgressUpdate.objects.create(
        task=current,
        department_id=reporting_department_id(user),
        author=user,
        status=status,
        percent=percent,
        narrative=narrative,
        report=report,
    )
    actuals = {}
    TargetReading.objects.bulk_create(
        [TargetReading(update=update, target=target, value=value) for target, value in readings.items()]
    )
    for target, value in readings.items():
        actuals[str(target.pk)] = [jsonable(target.latest_actual), jsonable(value)]
        target.latest_actual = value
        target.save(update_fields=["latest_actual"])  # save() re-derives `attained`
    for upload, checked in files:
        upload.seek(0)
        evidence = Evidence(
            update=update,
            original_name=checked.safe_name,
            size=checked.size,
            content_type=checked.content_type,
            sha256=checked.sha256,
            uploaded_by=user,
        )
        # The name only gives the suffix: evidence_path() stores it under a random name.
        evidence.file.save(f"upload{checked.extension}", File(upload), save=False)
        stored.append(evidence)
        evidence.save()

    changes = progress_changes(
        current,
        status=status,
        percent=percent,
        actuals=actuals,
        evidence_names=[checked.safe_name for _upload, checked in files],
    )
    bump_version(current, status=status, progress=percent)
    clear_return([current.pk], user)
    TaskChange.objects.create(
        task=current, actor=user, action=TaskChange.Action.PROGRESS, changes=changes, note=narrative
    )
    return update


def clear_return(task_ids: list[int], user) -> None:
    """Reporting again answers the office, in one UPDATE:

    - a return (已退回): when the report is the leading department's (the one the return was sent to)
      or the office's; a cooperating department's is not;
    - a refused extension (延期未获批准): when the report is a department's — the office's own report
      is no answer from the department."""
    department_id = reporting_department_id(user)
    rows = Task.objects.filter(pk__in=task_ids)
    if department_id is None:
        rows.exclude(returned_reason="").update(returned_reason="")
        return
    leads_it = Exists(
        Assignment.objects.filter(task=OuterRef("pk"), department_id=department_id, role__in=LEADING_ROLES)
    )
    rows.filter(~Q(returned_reason="") | ~Q(extension_refused_comment="")).update(
        returned_reason=Case(
            When(leads_it, then=Value("")), default=F("returned_reason"), output_field=TextField()
        ),
        extension_refused_comment=Value(""),
    )


def _report(
    task: Task, user, *, status: str, percent: int, narrative: str, readings, files, report=None
) -> ProgressUpdate:
    clean_readings = _check_readings(task, readings or {})
    checked_files = _check_files(list(files or []))
    stored: list[Evidence] = []
    try:
        with transaction.atomic():
            current = lock_task(task, None)
            refuse_completed(current)
            update = _store_report(
                current,
                user,
                status=status,
                percent=percent,
                narrative=narrative,
                readings=clean_readings,
                files=checked_files,
                stored=stored,
                report=report,
            )
    except BaseException:
        # The rows are rolled back; the files are not part of the transaction.
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise
    task.refresh_from_db()
    return update


def record_progress(
    task: Task,
    user,
    *,
    status: str,
    percent: int,
    narrative: str = "",
    readings: Mapping[int, Decimal] | None = None,
    files: Sequence[Any] = (),
    report=None,
) -> ProgressUpdate:
    """A progress report by a liaison of an assigned department or by office staff.

    `report` is the department Report it was filled in through (tasks/reports/services/filling.py).

    Writes the ProgressUpdate, its TargetReadings (moving each target's latest actual) and Evidence,
    sets the task's status and progress, bumps its version and records a TaskChange — or nothing.
    """
    require_reporter(user, task)
    check_status(status)
    percent = check_percent(percent)
    return _report(
        task,
        user,
        status=status,
        percent=percent,
        narrative=str(narrative or "").strip(),
        readings=readings,
        files=files,
        report=report,
    )


def lead_evidence(task: Task) -> QuerySet[Evidence]:
    """The evidence its leading departments have reported on the task so far (the office's and a
    cooperating department's files do not count: the leading department answers for completion)."""
    leading = Assignment.objects.filter(task_id=task.pk, role__in=LEADING_ROLES).values("department_id")
    return Evidence.objects.filter(update__task_id=task.pk, update__department_id__in=leading)


def evidence_missing(task: Task) -> bool:
    """Whether a completion request without files is refused: the task (as stored now, not as the caller
    loaded it) needs evidence, and no leading department has reported any on it yet."""
    rule, document_required = (
        Task.objects.filter(pk=task.pk)
        .values_list("completion_evidence", "document__completion_evidence_required")
        .get()
    )
    return needs_evidence(rule, document_required) and not lead_evidence(task).exists()


def request_completion(
    task: Task,
    user,
    narrative: str,
    files: Sequence[Any] = (),
    *,
    readings: Mapping[int, Decimal] | None = None,
) -> ProgressUpdate:
    """申请销号: a liaison of the lead or co-lead department reports the task done (100%) for verification.

    When the task needs evidence (`Task.evidence_required`), the request brings files or a leading
    department has attached some to the task's earlier progress; otherwise it is refused (code
    "evidence") and nothing is written."""
    require_reporter(user, task, office_too=False)
    if not can_request_completion(user, task):
        raise NotPermitted(_("Only the lead or co-lead department may request completion of a task."))
    narrative = str(narrative or "").strip()
    if not narrative:
        raise ValidationError(_("Describe what was done to complete the task."), code="narrative")
    if Task.objects.filter(pk=task.pk, status=TaskStatus.PENDING_VERIFICATION).exists():
        raise ValidationError(_("Completion of this task is already awaiting verification."), code="pending")
    files = list(files or [])
    if not files and evidence_missing(task):
        raise ValidationError(
            _(
                "This task needs evidence (佐证材料) for completion: attach the files that show it was done, "
                "or report them with the task's progress first."
            ),
            code="evidence",
        )
    return _report(
        task,
        user,
        status=TaskStatus.PENDING_VERIFICATION,
        percent=100,
        narrative=narrative,
        readings=readings,
        files=files,
    )


def _close(task: Task, user, *, expected_version: int, status: str, action: str, note: str = "") -> Task:
    require_editor(user, task)
    with transaction.atomic():
        current = lock_task(task, expected_version)
        if current.status != TaskStatus.PENDING_VERIFICATION:
            raise ValidationError(
                _("Only a task awaiting verification can be verified or returned; this one is “%(status)s”.")
                % {"status": current.get_status_display()},
                code="not_pending",
            )
        changes: dict[str, Any] = {"status": [current.status, status]}
        values: dict[str, Any] = {"status": status, "returned_reason": note}
        if status == TaskStatus.COMPLETED and current.progress != 100:
            changes["progress"] = [current.progress, 100]
            values["progress"] = 100
        bump_version(current, **values)
        TaskChange.objects.create(task=current, actor=user, action=action, changes=changes, note=note)
        # The departments hear of the decision in the same transaction (tasks/notices).
        if status == TaskStatus.COMPLETED:
            announce.task_verified(current, user)
        else:
            announce.task_returned(current, user, note)
    task.refresh_from_db()
    return task


def verify_completion(task: Task, user, *, expected_version: int) -> Task:
    """销号: the office confirms a task awaiting verification as completed."""
    return _close(
        task,
        user,
        expected_version=expected_version,
        status=TaskStatus.COMPLETED,
        action=TaskChange.Action.VERIFIED,
    )


def return_task(task: Task, user, *, reason: str, expected_version: int) -> Task:
    """The office returns a completion request to the department, in progress again, with its reason."""
    reason = str(reason or "").strip()
    if not reason:
        require_editor(user, task)
        raise ValidationError(_("Give the department a reason for returning the task."), code="reason")
    return _close(
        task,
        user,
        expected_version=expected_version,
        status=TaskStatus.IN_PROGRESS,
        action=TaskChange.Action.RETURNED,
        note=reason,
    )
