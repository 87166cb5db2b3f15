"""Who hears of what: one function per kind of event, called by the service that causes it, inside its
transaction (publish refuses otherwise).

Departments hear of what the office decided about their tasks and reports; the office hears of what a
department handed in. The words are the event's title and text, the same in-app, by email and on the
robots.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from tasks.models import Assignment, EventKind, ExtensionRequest, Reminder, Report, Task
from tasks.notices.services.events import Published, department_liaisons, publish, region_office

__all__ = [
    "extension_decided",
    "report_approved",
    "report_returned",
    "report_submitted",
    "task_reminded",
    "task_returned",
    "task_verified",
]


def _in_portal_language(announce):
    """Notices are stored, emailed and posted once for everyone: in the portal's language, not in the
    language of whoever happened to act."""

    @functools.wraps(announce)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return announce(*args, **kwargs)

    return wrapper


def _task_url(task: Task) -> str:
    return reverse("task_detail", kwargs={"pk": task.pk})


def _report_url(report: Report) -> str:
    return reverse("report_detail", kwargs={"pk": report.pk})


def _leading_departments(task: Task) -> list[int]:
    return list(
        Assignment.objects.filter(
            task_id=task.pk, role__in=[Assignment.Role.LEAD, Assignment.Role.CO_LEAD]
        ).values_list("department_id", flat=True)
    )


def _short(task: Task) -> str:
    text = str(task)
    return text if len(text) <= 60 else text[:59] + "…"


@_in_portal_language
def task_verified(task: Task, actor: User) -> Published:
    departments = _leading_departments(task)
    return publish(
        EventKind.TASK_VERIFIED,
        title=_("Verified as completed (销号): %(task)s") % {"task": _short(task)},
        body=_("The reform office verified the task as completed."),
        url=_task_url(task),
        recipients=department_liaisons(departments),
        actor=actor,
        region_id=task.document.region_id,
        department_ids=departments,
        task=task,
    )


@_in_portal_language
def task_returned(task: Task, actor: User, reason: str) -> Published:
    departments = _leading_departments(task)
    return publish(
        EventKind.TASK_RETURNED,
        title=_("Returned: %(task)s") % {"task": _short(task)},
        body=_("The reform office returned the completion request: %(reason)s") % {"reason": reason},
        url=_task_url(task),
        recipients=department_liaisons(departments),
        actor=actor,
        region_id=task.document.region_id,
        department_ids=departments,
        task=task,
    )


@_in_portal_language
def extension_decided(request: ExtensionRequest, actor: User) -> Published:
    task = request.task
    approved = request.status == ExtensionRequest.Status.APPROVED
    if approved:
        title = _("Extension approved: %(task)s") % {"task": _short(task)}
        body = _("The deadline is now %(due)s.") % {"due": request.requested_due_on.isoformat()}
        if request.review_comment:
            body += " " + request.review_comment
    else:
        title = _("Extension refused: %(task)s") % {"task": _short(task)}
        body = _("The deadline stays %(due)s: %(reason)s") % {
            "due": request.current_due_on.isoformat() if request.current_due_on else "—",
            "reason": request.review_comment,
        }
    return publish(
        EventKind.EXTENSION_APPROVED if approved else EventKind.EXTENSION_REFUSED,
        title=title,
        body=body,
        url=_task_url(task),
        recipients=department_liaisons([request.department_id]),
        actor=actor,
        region_id=task.document.region_id,
        department_ids=[request.department_id],
        task=task,
    )


@_in_portal_language
def report_submitted(report: Report, actor: User) -> Published:
    return publish(
        EventKind.REPORT_SUBMITTED,
        title=_("Report submitted: %(department)s, %(period)s")
        % {"department": report.department.name, "period": report.period},
        body=_("The department submitted its report; it awaits approval."),
        url=_report_url(report),
        recipients=region_office(report.region_id),
        actor=actor,
        region_id=report.region_id,
        report=report,
    )


@_in_portal_language
def report_approved(report: Report, actor: User) -> Published:
    return publish(
        EventKind.REPORT_APPROVED,
        title=_("Report approved: %(period)s") % {"period": report.period},
        body=_("The reform office approved the report of %(department)s for %(period)s.")
        % {"department": report.department.name, "period": report.period},
        url=_report_url(report),
        recipients=department_liaisons([report.department_id]),
        actor=actor,
        region_id=report.region_id,
        department_ids=[report.department_id],
        report=report,
    )


@_in_portal_language
def report_returned(report: Report, actor: User, reason: str, rows: int = 0) -> Published:
    """A return, with the whole report's reason and how many rows were returned with their own."""
    parts = []
    if reason:
        parts.append(
            _("The reform office returned the report for correction: %(reason)s") % {"reason": reason}
        )
    if rows:
        parts.append(
            ngettext(
                "%(count)d row was returned with its reason; see it on the report's page.",
                "%(count)d rows were returned with their reasons; see them on the report's page.",
                rows,
            )
            % {"count": rows}
        )
    return publish(
        EventKind.REPORT_RETURNED,
        title=_("Report returned: %(period)s") % {"period": report.period},
        body=" ".join(parts),
        url=_report_url(report),
        recipients=department_liaisons([report.department_id]),
        actor=actor,
        region_id=report.region_id,
        department_ids=[report.department_id],
        report=report,
    )


@_in_portal_language
def task_reminded(task: Task, actor: User, reminders: list[Reminder], message: str) -> Published:
    """A manual 催办: in-app to each person reminded (the email is the Reminder's own), and the robots of
    their departments (a second 催办 that reaches only a newcomer posts only to the newcomer's group)."""
    departments = sorted({r.recipient.department_id for r in reminders if r.recipient.department_id})
    return publish(
        EventKind.REMINDER,
        title=_("Reminder from the reform office: %(task)s") % {"task": _short(task)},
        body=message,
        url=_task_url(task),
        recipients=[r.recipient for r in reminders],
        actor=actor,
        region_id=task.document.region_id,
        department_ids=departments,
        task=task,
        email=False,
    )
