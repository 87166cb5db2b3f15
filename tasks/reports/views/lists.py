"""The reports of a period: departments of the scope with their report, builds, the office ledger, late departments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from regions.models import Department, Region
from tasks.access import (
    NotPermitted,
    may_build_all_reports,
    may_build_ledger,
    may_close_period,
    may_request_department_report,
    may_see_late_reports,
    require_ledger_builder,
    scope_of,
)
from tasks.models import Report, ReportBatch
from tasks.reports.services.batch import batches_visible_to, latest_batch, request_all_reports
from tasks.reports.services.department import (
    departments_in_scope,
    departments_with_tasks,
    period_label,
    reports_visible_to,
    request_department_report,
)
from tasks.reports.services.ordering import clerk_order, with_lead_counts
from tasks.reports.services.periods import due_date, parse_period, previous_period
from tasks.reports.services.workflow import (
    HANDED_IN,
    late_departments,
)


def _period(request: HttpRequest) -> tuple[str, str | None]:
    """The period asked for (default: last month) and an error if it was not one."""
    default = previous_period(timezone.localdate())
    asked = (request.GET.get("period") or request.POST.get("period") or "").strip()
    if not asked:
        return default, None
    try:
        parse_period(asked)
    except ValidationError as error:
        return default, error.messages[0]
    return asked, None


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """/reports/: office staff and leaders see the departments of their scope that have tasks, with
    this period's report; a liaison their department's reports. Five queries whatever the number."""
    user = request.user
    period, period_error = _period(request)
    today = timezone.localdate()
    due = due_date(period)
    past_due = today > due
    rows = []
    own_reports = []
    ledger = bulletin = None
    office_view = may_see_late_reports(user)  # those who oversee a region see its departments
    batch = None
    if office_view:
        departments = clerk_order(
            with_lead_counts(
                departments_with_tasks().filter(pk__in=departments_in_scope(user).values("pk"))
            ).select_related("region")
        )
        # The department reports of the period and the office's own ledger and 通报, in one query.
        ledger_q = (
            Q(kind__in=(Report.Kind.LEDGER, Report.Kind.BULLETIN), region_id=user.region_id)
            if user.region_id
            else Q(pk__in=[])
        )
        reports = {}
        for report in reports_visible_to(user).filter(
            Q(kind=Report.Kind.DEPARTMENT, department__in=[d.pk for d in departments]) | ledger_q,
            period=period,
        ):
            if report.kind == Report.Kind.LEDGER:
                ledger = report
            elif report.kind == Report.Kind.BULLETIN:
                bulletin = report
            else:
                reports[report.department_id] = report
        for department in departments:
            report = reports.get(department.pk)
            handed_in = report is not None and report.status in HANDED_IN
            rows.append({"department": department, "report": report, "late": past_due and not handed_in})
        batch = latest_batch(user.region_id, period)
    elif scope_of(user).department_id:  # a liaison: their department's own reports
        own_reports = list(
            reports_visible_to(user).filter(kind=Report.Kind.DEPARTMENT).order_by("-period")[:36]
        )
    return render(
        request,
        "tasks/reports/list.html",
        {
            "period": period,
            "period_label": period_label(period),
            "period_error": period_error,
            "due": due,
            "rows": rows,
            "own_reports": own_reports,
            "office_view": office_view,
            "can_build": may_request_department_report(user),
            "can_build_ledger": bool(may_build_ledger(user) and user.region_id),
            "ledger": ledger,
            "bulletin": bulletin,
            # Closing the period (tasks/periods): a button to the periods' own view.
            "may_close_period": bool(may_close_period(user) and user.region_id),
            "batch": batch,
            "batch_running": batch is not None
            and batch.status in (ReportBatch.Status.QUEUED, ReportBatch.Status.RUNNING),
            "can_build_all": may_build_all_reports(user),
            "late_count": sum(1 for row in rows if row["late"]),
            "handed_in": HANDED_IN,
        },
    )


@login_required
@require_POST
def report_build(request: HttpRequest) -> HttpResponse:
    """Queue (or reuse) a department's report for a period; then its page."""
    period, period_error = _period(request)
    if period_error:
        messages.error(request, period_error)
        return redirect("report_list")
    department_id = request.POST.get("department") or request.user.department_id
    try:
        department = departments_in_scope(request.user).get(pk=int(department_id))
        report = request_department_report(department, period, request.user)
    except (Department.DoesNotExist, TypeError, ValueError):
        raise Http404(_("No such department.")) from None
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("report_list")
    return redirect("report_detail", pk=report.pk)


@login_required
@require_POST
def ledger_build(request: HttpRequest) -> HttpResponse:
    """The office's ledger (台账) of its region for a period, built by tasks/reports/services/ledger.py."""
    from tasks.reports.services.ledger import request_ledger

    period, period_error = _period(request)
    if period_error:
        messages.error(request, period_error)
        return redirect("report_list")
    require_ledger_builder(request.user)
    if not request.user.region_id:  # a superuser with no region has no ledger of their own (nor in the API)
        raise PermissionDenied(_("Only reform office staff and leaders may build a region's ledger."))
    try:
        report = request_ledger(Region.objects.get(pk=request.user.region_id), request.user, period)
    except Region.DoesNotExist:
        raise Http404 from None
    return redirect("report_detail", pk=report.pk)


@login_required
@require_POST
def bulletin_build(request: HttpRequest) -> HttpResponse:
    """The office's monthly 通报 of its region for a period (a Word document), as the ledger is built."""
    from tasks.reports.services.bulletin import request_bulletin

    period, period_error = _period(request)
    if period_error:
        messages.error(request, period_error)
        return redirect("report_list")
    require_ledger_builder(request.user)
    if not request.user.region_id:
        raise PermissionDenied(_("Only reform office staff and leaders may build a region's bulletin."))
    try:
        report = request_bulletin(Region.objects.get(pk=request.user.region_id), request.user, period)
    except Region.DoesNotExist:
        raise Http404 from None
    return redirect("report_detail", pk=report.pk)


@login_required
@require_GET
def late_reports(request: HttpRequest) -> HttpResponse:
    """Office staff (and leaders): the departments of their scope late with the period's report."""
    user = request.user
    if not may_see_late_reports(user):
        raise PermissionDenied(_("Only reform office staff and leaders see the late departments."))
    period, period_error = _period(request)
    region = None if user.is_superuser and not user.region_id else Region.objects.get(pk=user.region_id)
    late = list(late_departments(region, period, timezone.localdate()))
    return render(
        request,
        "tasks/reports/late.html",
        {
            "period": period,
            "period_label": period_label(period),
            "period_error": period_error,
            "due": due_date(period),
            "late": late,
        },
    )


@login_required
@require_POST
def report_build_all(request: HttpRequest) -> HttpResponse:
    """「全部生成」: one job builds every department's report of the period; /reports/ shows its bar."""
    period, period_error = _period(request)
    if period_error:
        messages.error(request, period_error)
        return redirect("report_list")
    try:
        batch = request_all_reports(request.user, period)
    except NotPermitted as refusal:
        raise PermissionDenied(str(refusal)) from None
    messages.success(
        request,
        _("Building the reports of %(count)s departments; the bar below shows the progress.")
        % {"count": batch.total},
    )
    return redirect(f"{reverse('report_list')}?period={period}")


@login_required
@require_GET
def batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The batch's bar, polled by htmx every second while it runs; the list reloads once it ends."""
    try:
        batch = batches_visible_to(request.user).get(pk=pk)
    except ReportBatch.DoesNotExist:
        raise Http404(_("No such batch.")) from None
    running = batch.status in (ReportBatch.Status.QUEUED, ReportBatch.Status.RUNNING)
    response = render(request, "tasks/reports/partials/batch.html", {"batch": batch, "running": running})
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
