"""Handing in a department report and reviewing it; the departments that are late with theirs.

A liaison of the department submits a built (or returned) report; office staff in scope approve it or
return it with a reason, after which the liaison corrects it and submits again. Each step is one
conditional UPDATE on the report's status, so two clicks or two reviewers cannot both succeed.

A department is late for a period when it has tasks and, after the period's due date
(`report_periods.due_date`), its report is not submitted or approved. Its active liaisons are reminded
once a day (a `Reminder` of kind report, claimed per recipient, kind and day) through the path every
reminder takes: claimed in the transaction, emailed by the `tasks.deliver_reminder` job after commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reform.workdays import is_workday
from regions.models import Department, Region
from tasks.access import NotPermitted, may_submit_report
from tasks.models import EventKind, Reminder, Report, ReportRowReturn
from tasks.notices.services import announce
from tasks.notices.services.events import InApp, publish_in_app
from tasks.queueing import DELIVER_REMINDER, queue_after_commit
from tasks.reminders.services import sending as reminders
from tasks.reports.services.department import (
    department_tasks,
    departments_with_tasks,
    reports_visible_to,
    require_reviewer,
)
from tasks.reports.services.periods import due_date, parse_period, previous_period

__all__ = ["approve_report", "late_departments", "remind_late_reports", "return_report", "submit_report"]

HANDED_IN = (Report.Status.SUBMITTED, Report.Status.APPROVED)
SUBMITTABLE = (Report.Status.DONE, Report.Status.RETURNED)


def _move(report: Report, allowed: tuple[str, ...], message: str, **values) -> Report:
    """Set the values if the report is (still) in one of the allowed statuses; else ValidationError."""
    moved = Report.objects.filter(pk=report.pk, status__in=allowed).update(**values)
    if not moved:
        current = Report.objects.get(pk=report.pk)
        raise ValidationError(message % {"status": current.get_status_display()}, code="status")
    report.refresh_from_db()
    return report


@transaction.atomic
def submit_report(report: Report, user) -> Report:
    """上报: a liaison of the report's department hands in a built or returned report."""
    if not reports_visible_to(user).filter(pk=report.pk, kind=Report.Kind.DEPARTMENT).exists():
        raise Report.DoesNotExist(_("No such report."))
    if not may_submit_report(user, report):
        raise NotPermitted(_("Only a liaison of the department submits its report."))
    report = _move(
        report,
        SUBMITTABLE,
        _("Only a built or returned report can be submitted; this one is “%(status)s”."),
        status=Report.Status.SUBMITTED,
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    announce.report_submitted(report, user)
    return report


@transaction.atomic
def approve_report(report: Report, user) -> Report:
    """The office accepts a submitted report."""
    require_reviewer(user, report)
    report = _move(
        report,
        (Report.Status.SUBMITTED,),
        _("Only a submitted report can be approved; this one is “%(status)s”."),
        status=Report.Status.APPROVED,
        reviewed_by=user,
        reviewed_at=timezone.now(),
        review_comment="",
    )
    announce.report_approved(report, user)
    return report


@transaction.atomic
def return_report(report: Report, user, *, reason: str = "", rows: Sequence[tuple[int, str]] = ()) -> Report:
    """The office returns a submitted report to the department for correction, with a reason for the
    whole report, a reason on some of its rows (task id, reason), or both; at least one is required.
    The row reasons are written with the return, in its transaction."""
    require_reviewer(user, report)
    reason = str(reason or "").strip()
    row_reasons = _row_reasons(report, rows)
    if not reason and not row_reasons:
        raise ValidationError(
            _("Give the department a reason for returning the report, or a reason on a row."), code="reason"
        )
    now = timezone.now()
    report = _move(
        report,
        (Report.Status.SUBMITTED,),
        _("Only a submitted report can be returned; this one is “%(status)s”."),
        status=Report.Status.RETURNED,
        reviewed_by=user,
        reviewed_at=now,
        review_comment=reason,
    )
    ReportRowReturn.objects.bulk_create(
        ReportRowReturn(report=report, task_id=task_id, reason=text, created_by=user, created_at=now)
        for task_id, text in row_reasons.items()
    )
    announce.report_returned(report, user, reason, rows=len(row_reasons))
    return report


def _row_reasons(report: Report, rows: Sequence[tuple[int, str]]) -> dict[int, str]:
    """Task id -> reason of the rows given a reason; each a task of the report, once (one query)."""
    reasons: dict[int, str] = {}
    for task_id, text in rows:
        text = str(text or "").strip()
        if not text:
            continue
        if task_id in reasons:
            raise ValidationError(
                _("A row is returned once; task %(task)s is given twice.") % {"task": task_id}, code="rows"
            )
        reasons[task_id] = text
    if reasons:
        known = set(
            department_tasks(report.department_id).filter(pk__in=reasons).values_list("pk", flat=True)
        )
        unknown = sorted(set(reasons) - known)
        if unknown:
            raise ValidationError(
                _("Task %(task)s is not in this report.") % {"task": unknown[0]}, code="rows"
            )
    return reasons


# Late departments ---------------------------------------------------------------------------------


def late_departments(region: Region | None, period: str, today: datetime.date) -> QuerySet[Department]:
    """Departments with tasks (in `region` and below; everywhere when None) whose report for `period`
    is not submitted or approved once its due date has passed; none before then. One query."""
    parse_period(period)
    if today <= due_date(period):
        return Department.objects.none()
    handed_in = Report.objects.filter(
        kind=Report.Kind.DEPARTMENT, department=OuterRef("pk"), period=period, status__in=HANDED_IN
    )
    return (
        departments_with_tasks(region)
        .annotate(handed_in=Exists(handed_in))
        .filter(handed_in=False)
        .select_related("region")
    )


def _late_message(department: str, period: str, due: datetime.date) -> str:
    # Stored with the reminder, so in the portal's language whatever the job's thread has active.
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "The progress report of %(department)s for %(period)s was due on %(due)s and has not "
            "been submitted. Fill it in and submit it on the reports page."
        ) % {"department": department, "period": period, "due": f"{due:%Y-%m-%d}"}


def remind_late_reports(today: datetime.date) -> dict:
    """On a working day, remind the liaisons of departments late with last month's report, once a day.

    The claim is the Reminder row (kind report, unique per recipient, kind and day), so a re-run, a
    second worker or a double-fired beat claims nothing more; emails go out after commit.
    """
    if not is_workday(today):
        return {"today": today.isoformat(), "workday": False, "claimed": 0}
    period = previous_period(today)
    late = late_departments(None, period, today)
    due = due_date(period)
    recipients = list(
        User.objects.filter(is_active=True, role=Role.LIAISON, department__in=late.values("pk"))
        .select_related("department")
        .order_by("department_id", "pk")
    )
    claimed: list[Reminder] = []

    with transaction.atomic():
        already = set(
            Reminder.objects.filter(
                kind=Reminder.Kind.REPORT, sent_on=today, task__isnull=True, recipient__in=recipients
            ).values_list("recipient_id", flat=True)
        )
        candidates = [
            Reminder(
                recipient=user,
                kind=Reminder.Kind.REPORT,
                sent_on=today,
                message=_late_message(user.department.name, period, due),
            )
            for user in recipients
            if user.pk not in already
        ]
        try:
            with transaction.atomic():
                claimed = Reminder.objects.bulk_create(candidates)
        except IntegrityError:
            # Someone claimed one of them since our read: claim them one by one.
            claimed = [reminder for reminder in candidates if reminders.claim_one(reminder)]
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Your department's progress report is overdue")
        # In-app as well, in the same transaction as the claims.
        publish_in_app(
            [
                InApp(
                    EventKind.REMINDER,
                    r.recipient,
                    title,
                    r.message,
                    reverse("report_list"),
                    reminder=r,
                    region_id=r.recipient.department.region_id,
                )
                for r in claimed
            ]
        )
        for reminder in claimed:
            queue_after_commit(DELIVER_REMINDER, reminder.pk)
    return {"today": today.isoformat(), "workday": True, "period": period, "claimed": len(claimed)}
