"""Deadline extensions (延期申请): a department asks, the office approves or refuses.

An approved extension moves the deadline and keeps the deadline as first set in `original_due_on`, so
reports can still show that the task slipped.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks.access import require_editor, require_reporter
from tasks.ledger.services.editing import bump_version, lock_task
from tasks.models import Deadline, ExtensionRequest, Task, TaskChange
from tasks.notices.services import announce

__all__ = ["decide_extension", "request_extension"]


def _final_deadline(task_id: int) -> Deadline | None:
    return (
        Deadline.objects.filter(task_id=task_id, kind=Deadline.Kind.DATE).order_by("-due_on", "-pk").first()
    )


def _already_pending() -> ValidationError:
    return ValidationError(
        _("An extension request for this task is already waiting for the reform office's decision."),
        code="pending",
    )


def request_extension(
    task: Task,
    user,
    *,
    requested_due_on: datetime.date,
    reason: str,
    deadline: Deadline | None = None,
) -> ExtensionRequest:
    """A liaison of an assigned department asks to move a deadline (by default the task's final one)."""
    require_reporter(user, task, office_too=False)
    reason = str(reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the extension."), code="reason")
    if deadline is None:
        deadline = _final_deadline(task.pk)
        if deadline is None:
            raise ValidationError(_("This task has no dated deadline to extend."), code="no_deadline")
    elif deadline.task_id != task.pk or deadline.kind != Deadline.Kind.DATE:
        raise ValidationError(_("Choose a dated deadline of this task."), code="deadline")
    if not isinstance(requested_due_on, datetime.date):
        raise ValidationError(_("Give the requested new date."), code="date")
    if requested_due_on <= deadline.due_on:
        raise ValidationError(
            _("The requested date must be later than the current deadline (%(due)s).")
            % {"due": deadline.due_on.isoformat()},
            code="not_later",
        )
    if requested_due_on < timezone.localdate():
        raise ValidationError(_("The requested date is in the past."), code="past")
    if ExtensionRequest.objects.filter(task_id=task.pk, status=ExtensionRequest.Status.PENDING).exists():
        raise _already_pending()
    try:
        # A savepoint, so that losing the race to a concurrent request leaves the caller's transaction usable.
        with transaction.atomic():
            # Asking again answers a refusal: the task no longer reads 延期未获批准.
            Task.objects.filter(pk=task.pk).exclude(extension_refused_comment="").update(
                extension_refused_comment=""
            )
            return ExtensionRequest.objects.create(
                task=task,
                deadline=deadline,
                department_id=user.department_id,
                requested_by=user,
                current_due_on=deadline.due_on,
                requested_due_on=requested_due_on,
                reason=reason,
            )
    except IntegrityError:
        raise _already_pending() from None


@transaction.atomic
def decide_extension(
    request: ExtensionRequest, user, *, approve: bool, comment: str = ""
) -> ExtensionRequest:
    """The office approves (the deadline moves, the original stays on record) or refuses (with a comment)."""
    task = request.task
    require_editor(user, task)
    comment = str(comment or "").strip()
    if not approve and not comment:
        raise ValidationError(_("Give the department a reason for refusing the extension."), code="comment")
    current = lock_task(task, None)
    locked = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(_("This extension request has already been decided."), code="decided")

    now = timezone.now()
    if approve:
        deadline = (
            Deadline.objects.select_for_update().filter(pk=locked.deadline_id, task_id=task.pk).first()
            if locked.deadline_id
            else None
        ) or _final_deadline(task.pk)
        if deadline is None:
            raise ValidationError(
                _("This task no longer has a dated deadline to extend."), code="no_deadline"
            )
        if locked.requested_due_on <= deadline.due_on:
            raise ValidationError(
                _("The deadline (%(due)s) is already on or after the requested date.")
                % {"due": deadline.due_on.isoformat()},
                code="not_later",
            )
        before, original_before = deadline.due_on, deadline.original_due_on
        # The first-ever due date: a second extension does not overwrite it.
        deadline.original_due_on = deadline.original_due_on or before
        deadline.due_on = locked.requested_due_on
        deadline.year = deadline.due_on.year
        deadline.save(update_fields=["due_on", "original_due_on", "year"])
        bump_version(current)
        TaskChange.objects.create(
            task=current,
            actor=user,
            action=TaskChange.Action.EXTENSION,
            changes={
                "deadline": [before.isoformat(), deadline.due_on.isoformat()],
                **(
                    {"original_due_on": [None, deadline.original_due_on.isoformat()]}
                    if original_before is None
                    else {}
                ),
            },
            note=comment or locked.reason,
        )
    locked.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    locked.reviewed_by = user
    locked.reviewed_at = now
    locked.review_comment = comment
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    # 延期未获批准 with the office's words beside the task's status, until a department answers
    # (reports on the task or asks again: progress.clear_return, request_extension). Not a version
    # bump: the task's own fields are as they were.
    Task.objects.filter(pk=task.pk).update(extension_refused_comment="" if approve else comment)
    announce.extension_decided(locked, user)
    request.refresh_from_db()
    return request
