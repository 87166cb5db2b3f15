"""The pages of 领导批示: the task page's forms post here; a department's overdue tasks with the
leader's form; an instruction's own page (one on a department's overdue tasks is read and answered
there); a reply's evidence download.

Each form calls one service and redirects back with a message; a refusal shows the form again, with
the input and the service's message, on a page of its own (400 invalid, 403 role), since the task page
belongs to the ledger. Out of scope is 404 before any form is read.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tasks.access import NotPermitted, can_reply, may_instruct
from tasks.instructions.files import reply_evidence_response
from tasks.instructions.forms import InstructionForm, ReplyForm
from tasks.instructions.services.instructing import give_instruction, instruction_url, reply
from tasks.instructions.services.queries import instructions_visible_to, overdue_tasks, with_replies
from tasks.models import Task
from tasks.queueing import noting_delays
from tasks.reports.services.department import departments_in_scope

__all__ = ["department_overdue", "instruction_detail", "instruction_reply", "reply_evidence", "task_instruct"]

# The overdue tasks a department's page lists; the task list (its link) has them all.
OVERDUE_SHOWN = 200
INSTRUCTIONS_SHOWN = 20


def _run(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[], object],
    *,
    success: str,
    then: Callable[[object], str],
    heading: str,
    back: str,
) -> HttpResponse:
    """Validate, run the service, redirect with `success`; on a refusal the form again with the reason."""
    status = 400
    if form.is_valid():
        try:
            with noting_delays() as jobs:
                done = action()
        except NotPermitted as refusal:
            form.add_error(None, str(refusal))
            status = 403
        except ValidationError as error:
            field = "file" if error.code not in ("text", "department") and "file" in form.fields else None
            for message in error.messages:
                form.add_error("text" if error.code == "text" else field, message)
        else:
            messages.success(request, success)
            if jobs.delayed:
                messages.warning(
                    request, _("Background jobs are delayed; messages will be sent when the queue is back.")
                )
            return redirect(then(done))
    return render(
        request,
        "tasks/instructions/form_page.html",
        {"form": form, "heading": heading, "back": back, "multipart": "file" in form.fields},
        status=status,
    )


@login_required
@require_POST
def task_instruct(request: HttpRequest, pk: int) -> HttpResponse:
    """批示 on a task, from the task page's panel."""
    task = get_object_or_404(Task.objects.visible_to(request.user).select_related("document"), pk=pk)
    form = InstructionForm(request.POST)
    back = reverse("task_detail", kwargs={"pk": task.pk}) + "#instructions"
    return _run(
        request,
        form,
        lambda: give_instruction(request.user, text=form.cleaned_data["text"], task=task),
        success=_("The instruction was sent to the department."),
        then=lambda instruction: back,
        heading=_("Leader's instruction on “%(task)s”") % {"task": task},
        back=back,
    )


@login_required
@require_POST
def instruction_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """办理情况: the answering department's liaison replies, with an optional file."""
    instruction = get_object_or_404(
        instructions_visible_to(request.user).select_related("task__document", "department", "author"), pk=pk
    )
    form = ReplyForm(request.POST, request.FILES)
    back = instruction_url(instruction)
    return _run(
        request,
        form,
        lambda: reply(
            request.user, instruction, text=form.cleaned_data["text"], file=form.cleaned_data["file"]
        ),
        success=_("Your reply was sent to the leader."),
        then=lambda answer: back,
        heading=_("Reply to the instruction of %(leader)s") % {"leader": instruction.author},
        back=back,
    )


@login_required
@require_http_methods(["GET", "POST"])
def department_overdue(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's overdue tasks in the leader's scope, its earlier instructions and the 批示 form."""
    department = get_object_or_404(departments_in_scope(request.user).select_related("region"), pk=pk)
    if not may_instruct(request.user):
        raise NotPermitted(_("Only leaders write instructions (领导批示)."))
    back = reverse("instruction_department", kwargs={"pk": department.pk})
    form = InstructionForm(request.POST or None)
    if request.method == "POST":
        return _run(
            request,
            form,
            lambda: give_instruction(request.user, text=form.cleaned_data["text"], department=department),
            success=_("The instruction was sent to the department."),
            then=lambda instruction: back,
            heading=_("Leader's instruction on the overdue tasks of %(department)s")
            % {"department": department.name},
            back=back,
        )
    today = timezone.localdate()
    tasks = list(overdue_tasks(request.user, department, today)[: OVERDUE_SHOWN + 1])
    earlier = with_replies(
        instructions_visible_to(request.user).filter(task__isnull=True, department=department)
    ).order_by("-created_at", "-pk")[:INSTRUCTIONS_SHOWN]
    return render(
        request,
        "tasks/instructions/department.html",
        {
            "department": department,
            "tasks": [(task, (today - task.due_on).days) for task in tasks[:OVERDUE_SHOWN]],
            "more_tasks": len(tasks) > OVERDUE_SHOWN,
            "task_list_query": f"lead_department={department.pk}&overdue=true",
            "instructions": list(earlier),
            "form": form,
        },
    )


@login_required
@require_GET
def instruction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One instruction with its replies and, for the answering department's liaison, the reply form."""
    instruction = get_object_or_404(with_replies(instructions_visible_to(request.user)), pk=pk)
    today = timezone.localdate()
    tasks = []
    if instruction.task_id is None:
        tasks = [
            (task, (today - task.due_on).days)
            for task in overdue_tasks(request.user, instruction.department, today)[:OVERDUE_SHOWN]
        ]
    return render(
        request,
        "tasks/instructions/detail.html",
        {
            "instruction": instruction,
            "tasks": tasks,
            "may_reply": can_reply(request.user, instruction),
            "reply_form": ReplyForm(),
        },
    )


@login_required
@require_GET
def reply_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """A reply's evidence file; 404 unless its instruction is in the user's scope."""
    return reply_evidence_response(request.user, pk)
