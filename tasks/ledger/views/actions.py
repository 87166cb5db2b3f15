"""The workflow forms of the task page: each posts to its own URL, calls one service and redirects back.

On a refusal the task page is rendered again with the posted form, its input and the service's message:
400 for invalid input, 403 when the role may not act, 409 when the task changed since the page was
loaded. A task (or extension request) outside the user's scope answers 404 before any form is read.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks.access import NotPermitted, get_task_for
from tasks.ledger.forms import (
    CompletionForm,
    DecideExtensionForm,
    ExtensionForm,
    ProgressForm,
    ReminderForm,
    ReturnForm,
    VerifyForm,
)
from tasks.ledger.services.editing import VersionConflict
from tasks.ledger.services.extensions import decide_extension, request_extension
from tasks.ledger.services.progress import record_progress, request_completion, return_task, verify_completion
from tasks.ledger.views.task_detail import render_task_page
from tasks.models import ExtensionRequest, Task
from tasks.queueing import noting_delays
from tasks.reminders.services.sending import describe as describe_reminders
from tasks.reminders.services.sending import send_manual_reminder

__all__ = [
    "task_completion",
    "task_decide_extension",
    "task_extension",
    "task_progress",
    "task_remind",
    "task_return",
    "task_verify",
]


def _task_or_404(request: HttpRequest, pk: int) -> Task:
    try:
        return get_task_for(request.user, pk)
    except Task.DoesNotExist:
        raise Http404(_("No such task.")) from None


def _messages_of(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


def _run(
    request: HttpRequest,
    task: Task,
    key: str,
    form: forms.Form,
    action: Callable[[], str | tuple[int, str]],
) -> HttpResponse:
    """Validate the form, run the service; redirect with its success message or show the refusal."""
    if not form.is_valid():
        return render_task_page(request, task.pk, bound={key: form}, status=400)
    try:
        with noting_delays() as jobs:
            success = action()
    except NotPermitted as refusal:
        form.add_error(None, str(refusal))
        return render_task_page(request, task.pk, bound={key: form}, status=403)
    except VersionConflict as conflict:
        form.add_error(None, str(conflict))
        if "version" in form.fields:
            # The page now shows the current task; a second submit is a decision about what it sees.
            data = form.data.copy()
            data["version"] = conflict.current.version
            refreshed = type(form)(data)
            refreshed.is_valid()
            refreshed.add_error(None, str(conflict))
            form = refreshed
        return render_task_page(request, task.pk, bound={key: form}, status=409)
    except ValidationError as error:
        # A refusal for want of evidence belongs to the files input, where the user attaches it.
        field = "files" if getattr(error, "code", None) == "evidence" and "files" in form.fields else None
        for message in _messages_of(error):
            form.add_error(field, message)
        return render_task_page(request, task.pk, bound={key: form}, status=400)
    level, text = success if isinstance(success, tuple) else (messages.SUCCESS, success)
    messages.add_message(request, level, text)
    if jobs.delayed:  # saved, but its emails wait for the queue (tasks/queueing.py)
        messages.warning(
            request,
            _("Background jobs are delayed; reminders will be sent when the queue is back."),
        )
    return redirect("task_detail", pk=task.pk)


@login_required
@require_POST
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """报送进展. Only the progress fields are read: anything else posted (text, deadlines) is ignored."""
    task = _task_or_404(request, pk)
    form = ProgressForm(request.POST, request.FILES, task=task, targets=list(task.targets.order_by("pk")))

    def action() -> str:
        data = form.cleaned_data
        record_progress(
            task,
            request.user,
            status=data["status"],
            percent=data["percent"],
            narrative=data["narrative"],
            readings=form.readings(),
            files=data["files"],
        )
        return _("Progress reported.")

    return _run(request, task, "progress", form, action)


@login_required
@require_POST
def task_completion(request: HttpRequest, pk: int) -> HttpResponse:
    """申请销号."""
    task = _task_or_404(request, pk)
    form = CompletionForm(request.POST, request.FILES)

    def action() -> str:
        request_completion(task, request.user, form.cleaned_data["narrative"], form.cleaned_data["files"])
        return _("Completion requested; the reform office will verify it.")

    return _run(request, task, "completion", form, action)


@login_required
@require_POST
def task_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """延期申请."""
    task = _task_or_404(request, pk)
    form = ExtensionForm(request.POST, deadlines=list(task.deadlines.all()))

    def action() -> str:
        data = form.cleaned_data
        if data.get("deadline") is not None and form.chosen_deadline() is None:
            raise ValidationError(_("Choose a dated deadline of this task."))
        request_extension(
            task,
            request.user,
            requested_due_on=data["requested_due_on"],
            reason=data["reason"],
            deadline=form.chosen_deadline(),
        )
        return _("Extension requested; the reform office will decide on it.")

    return _run(request, task, "extension", form, action)


@login_required
@require_POST
def task_verify(request: HttpRequest, pk: int) -> HttpResponse:
    """销号: completion confirmed."""
    task = _task_or_404(request, pk)
    form = VerifyForm(request.POST)

    def action() -> str:
        verify_completion(task, request.user, expected_version=form.cleaned_data["version"])
        return _("The task is verified as completed.")

    return _run(request, task, "verify", form, action)


@login_required
@require_POST
def task_return(request: HttpRequest, pk: int) -> HttpResponse:
    """退回: the completion request goes back to the department with a reason."""
    task = _task_or_404(request, pk)
    form = ReturnForm(request.POST)

    def action() -> str:
        data = form.cleaned_data
        return_task(task, request.user, reason=data["reason"], expected_version=data["version"])
        return _("The task was returned to the department.")

    return _run(request, task, "return", form, action)


@login_required
@require_POST
def task_decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    """同意 / 驳回 an extension request; 404 unless its task is in the user's scope."""
    extension = get_object_or_404(
        ExtensionRequest.objects.select_related("task").filter(
            task__in=Task.objects.visible_to(request.user).values("pk")
        ),
        pk=pk,
    )
    task = extension.task
    form = DecideExtensionForm(request.POST, prefix=f"decide-{extension.pk}")

    def action() -> str:
        approve = form.cleaned_data["decision"] == "approve"
        decide_extension(extension, request.user, approve=approve, comment=form.cleaned_data["comment"])
        return _("Extension approved; the deadline has moved.") if approve else _("Extension refused.")

    return _run(request, task, f"decide_{extension.pk}", form, action)


@login_required
@require_POST
def task_remind(request: HttpRequest, pk: int) -> HttpResponse:
    """催办: a message to every liaison of the task's departments, once a day each."""
    task = _task_or_404(request, pk)
    form = ReminderForm(request.POST)

    def action() -> tuple[int, str]:
        sent = send_manual_reminder(
            task,
            request.user,
            message=form.cleaned_data["message"],
            urgent=form.cleaned_data.get("urgent", False),
            reason=form.cleaned_data.get("reason", ""),
        )
        if not sent:
            names = "、".join(str(user) for user in sent.skipped)
            return messages.WARNING, _(
                "Nobody was reminded: all of them were already reminded today (%(names)s)."
            ) % {"names": names}
        return messages.SUCCESS, describe_reminders(sent)

    return _run(request, task, "remind", form, action)
