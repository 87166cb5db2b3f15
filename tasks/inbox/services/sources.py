"""The 待办 inbox's sections, by role: for each, the query of waiting things and how one reads as an item.

Each source is a queryset over the ledger's state (tasks/inbox/services/items.py counts and lists them).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.models import Region
from tasks.access import scope_of
from tasks.imports.services.review import imports_of
from tasks.instructions.services.queries import unanswered_for
from tasks.models import (
    DocumentImport,
    EventKind,
    ExtensionRequest,
    Notification,
    Report,
    Task,
    TaskStatus,
)
from tasks.models.ledger import CLOSED_STATUSES, LEADING_ROLES, overdue_q
from tasks.notices.services.failures import attention_deliveries
from tasks.reports.services.department import period_label, reports_visible_to
from tasks.reports.services.periods import due_date, period_bounds, previous_period
from tasks.reports.services.workflow import late_departments


@dataclass(frozen=True)
class Item:
    """One waiting thing, as the page and the API show it: what, where it is acted on, since when."""

    kind: str
    title: str
    url: str
    created_at: datetime.datetime | None = None
    detail: str = ""
    task_id: int | None = None
    report_id: int | None = None


@dataclass(frozen=True)
class Source:
    """A section's definition: its rows for a user, how a row reads, and the page with all of them."""

    kind: str
    label: str
    rows: Callable[[object], QuerySet]
    item: Callable[[object], Item]
    more_url: Callable[[object], str] = lambda user: ""


def _task_url(pk: int) -> str:
    return reverse("task_detail", kwargs={"pk": pk})


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _task_item(kind: str, detail: Callable[[Task], str] = lambda task: "") -> Callable[[Task], Item]:
    def make(task: Task) -> Item:
        return Item(
            kind, _short(str(task)), _task_url(task.pk), task.updated_at, detail(task), task_id=task.pk
        )

    return make


def _notice_item(notification: Notification) -> Item:
    event = notification.event
    return Item(
        notification.kind,
        event.title,
        reverse("notification_open", kwargs={"pk": notification.pk}),
        notification.created_at,
        _short(event.body, 120),
        task_id=event.task_id,
        report_id=event.report_id,
    )


def _unread(user, *kinds: str) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True, kind__in=kinds)
        .select_related("event")
        .order_by("-created_at", "-pk")
    )


def _task_list(**params: str) -> str:
    return reverse("task_list") + "?" + urlencode(params)


# Office staff ------------------------------------------------------------------------------------


def _completion_requests(user) -> QuerySet[Task]:
    return (
        Task.objects.visible_to(user)
        .filter(status=TaskStatus.PENDING_VERIFICATION)
        .order_by("updated_at", "pk")
    )


def _pending_extensions(user) -> QuerySet[ExtensionRequest]:
    return (
        ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING, task__in=Task.objects.visible_to(user).values("pk")
        )
        .select_related("task", "department")
        .order_by("created_at", "pk")
    )


def _extension_item(request: ExtensionRequest) -> Item:
    return Item(
        "extension_request",
        _short(str(request.task)),
        _task_url(request.task_id) + f"#action-decide-{request.pk}",
        request.created_at,
        _("%(department)s asks to move the deadline from %(old)s to %(new)s")
        % {
            "department": request.department.name,
            "old": request.current_due_on.isoformat() if request.current_due_on else "—",
            "new": request.requested_due_on.isoformat(),
        },
        task_id=request.task_id,
    )


def _submitted_reports(user) -> QuerySet[Report]:
    return (
        reports_visible_to(user)
        .filter(kind=Report.Kind.DEPARTMENT, status=Report.Status.SUBMITTED)
        .select_related("department")
        .order_by("submitted_at", "pk")
    )


def _report_item(kind: str) -> Callable[[Report], Item]:
    def make(report: Report) -> Item:
        when = report.submitted_at if kind == "report_submitted" else report.reviewed_at
        detail = report.review_comment if kind == "report_returned" else ""
        return Item(
            kind,
            _("%(department)s, %(period)s")
            % {"department": report.department.name, "period": period_label(report.period)},
            reverse("report_detail", kwargs={"pk": report.pk}),
            when or report.requested_at,
            detail,
            report_id=report.pk,
        )

    return make


def _imports_in_review(user) -> QuerySet[DocumentImport]:
    return imports_of(user).filter(status=DocumentImport.Status.DRAFT).order_by("created_at", "pk")


def _import_item(doc_import: DocumentImport) -> Item:
    return Item(
        "import_review",
        doc_import.original_name,
        reverse("document_import_review", kwargs={"pk": doc_import.pk}),
        doc_import.created_at,
    )


def _failed_deliveries(user):
    return attention_deliveries(user).order_by("-created_at", "-pk")


def _delivery_item(delivery) -> Item:
    return Item(
        "delivery_failed",
        delivery.event.title,
        reverse("deliveries_failed"),
        delivery.created_at,
        _("%(channel)s to %(to)s: %(error)s")
        % {
            "channel": delivery.get_channel_display(),
            "to": delivery.label,
            "error": _short(delivery.error, 80),
        },
        task_id=delivery.event.task_id,
    )


OFFICE = (
    Source(
        "completion_request",
        gettext_lazy("Completion requests awaiting verification (销号)"),
        _completion_requests,
        _task_item("completion_request"),
        lambda user: _task_list(status=TaskStatus.PENDING_VERIFICATION),
    ),
    Source(
        "extension_request",
        gettext_lazy("Extension requests awaiting a decision"),
        _pending_extensions,
        _extension_item,
        lambda user: reverse("extension_list"),
    ),
    Source(
        "report_submitted",
        gettext_lazy("Department reports awaiting approval"),
        _submitted_reports,
        _report_item("report_submitted"),
        lambda user: reverse("report_list") + "?status=submitted",
    ),
    Source(
        "import_review",
        gettext_lazy("Document imports left in review"),
        _imports_in_review,
        _import_item,
    ),
    Source(
        "delivery_failed",
        gettext_lazy("Notices that could not be delivered"),
        _failed_deliveries,
        _delivery_item,
        lambda user: reverse("deliveries_failed"),
    ),
    Source(
        "instruction_reply",
        gettext_lazy("Replies to instructions"),
        lambda user: _unread(user, EventKind.INSTRUCTION_REPLY),
        _notice_item,
    ),
)


# Liaisons ----------------------------------------------------------------------------------------


def _returned_tasks(user) -> QuerySet[Task]:
    """Returned to the leading department (the return went to it), and still open."""
    return (
        Task.objects.filter(
            assignments__department_id=user.department_id, assignments__role__in=LEADING_ROLES
        )
        .exclude(returned_reason="")
        .exclude(status__in=[*CLOSED_STATUSES, TaskStatus.PENDING_VERIFICATION])
        .order_by("-updated_at", "pk")
    )


def _department_reports(user, *statuses: str) -> QuerySet[Report]:
    return (
        Report.objects.filter(
            kind=Report.Kind.DEPARTMENT, department_id=user.department_id, status__in=statuses
        )
        .select_related("department")
        .order_by("period", "pk")
    )


def _instruction_item(instruction) -> Item:
    url = (
        _task_url(instruction.task_id) + "#instructions" if instruction.task_id else reverse("notifications")
    )
    return Item(
        "instruction",
        _short(instruction.text),
        url,
        instruction.created_at,
        _("From %(leader)s") % {"leader": instruction.author},
        task_id=instruction.task_id,
    )


LIAISON = (
    Source(
        "task_returned",
        gettext_lazy("Tasks returned by the office"),
        _returned_tasks,
        _task_item("task_returned", lambda task: task.returned_reason),
    ),
    Source(
        "instruction",
        gettext_lazy("Leaders' instructions to answer"),
        lambda user: unanswered_for(user).select_related("author").order_by("created_at", "pk"),
        _instruction_item,
    ),
    Source(
        "report_returned",
        gettext_lazy("Reports returned for correction"),
        lambda user: _department_reports(user, Report.Status.RETURNED),
        _report_item("report_returned"),
    ),
    Source(
        "report_due",
        gettext_lazy("Reports to fill in and submit"),
        lambda user: _department_reports(user, Report.Status.DONE),
        _report_item("report_due"),
        lambda user: reverse("report_list"),
    ),
    Source(
        "reminder",
        gettext_lazy("Reminders received"),
        # A reminder about a task since completed or suspended has nothing left to do.
        lambda user: _unread(user, EventKind.REMINDER, EventKind.ESCALATION).exclude(
            event__task__status__in=CLOSED_STATUSES
        ),
        _notice_item,
    ),
    Source(
        "decided",
        gettext_lazy("Decisions of the office"),
        lambda user: _unread(
            user,
            EventKind.TASK_VERIFIED,
            EventKind.EXTENSION_APPROVED,
            EventKind.EXTENSION_REFUSED,
            EventKind.REPORT_APPROVED,
        ),
        _notice_item,
    ),
)


# Leaders -----------------------------------------------------------------------------------------


def _overdue(user) -> QuerySet[Task]:
    return Task.objects.visible_to(user).filter(overdue_q(timezone.localdate())).order_by("due_on", "pk")


def late_period(today: datetime.date) -> str:
    """The latest period whose report is past due: last month's once its due date has passed, before
    then the month before (so the late departments never vanish in the first days of a month)."""
    period = previous_period(today)
    if today <= due_date(period):
        period = previous_period(period_bounds(period)[0])
    return period


def _late_departments(user):
    scope = scope_of(user)
    region = None if scope.everything else Region.objects.filter(pk=scope.region_id).first()
    today = timezone.localdate()
    return late_departments(region, late_period(today), today).order_by("region__code", "name")


def _late_item(department) -> Item:
    period = late_period(timezone.localdate())
    return Item(
        "report_late",
        department.name,
        reverse("late_reports") + "?" + urlencode({"period": period}),
        None,
        _("No report for %(period)s") % {"period": period_label(period)},
    )


LEADER = (
    Source(
        "overdue",
        gettext_lazy("Needs attention: overdue tasks"),
        _overdue,
        _task_item("overdue", lambda task: _("due %(date)s") % {"date": task.due_on.isoformat()}),
        lambda user: _task_list(overdue="true"),
    ),
    Source(
        "report_late",
        gettext_lazy("Departments late with their report"),
        _late_departments,
        _late_item,
        lambda user: reverse("late_reports") + "?" + urlencode({"period": late_period(timezone.localdate())}),
    ),
    Source(
        "instruction_reply",
        gettext_lazy("Replies to your instructions"),
        lambda user: _unread(user, EventKind.INSTRUCTION_REPLY),
        _notice_item,
    ),
)
