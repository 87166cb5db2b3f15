"""Department reports: the list by period, a report's page (build progress, download, fill in, upload,
submit, review), the online fill-in form and the office's list of late departments.

Views stay thin: every decision is in tasks/services/department_reports.py, report_filling.py and
report_workflow.py. A report outside the user's scope is 404, a role that may not act 403, a report in
the wrong state or bad input 400 with the service's message; nothing changes on a refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from regions.models import Department, Region
from tasks.models import Report, Target, TaskStatus
from tasks.numbers import parse_digits
from tasks.services.department_reports import (
    department_tasks,
    departments_in_scope,
    departments_with_tasks,
    get_report_for,
    period_label,
    reports_visible_to,
    request_department_report,
)
from tasks.services.permissions import NotPermitted
from tasks.services.progress import REPORTABLE_STATUSES
from tasks.services.report_filling import (
    FILLABLE_STATUSES,
    FillErrors,
    fill_online,
    require_filler,
    upload_report,
)
from tasks.services.report_periods import due_date, parse_period, previous_period
from tasks.services.report_workflow import (
    HANDED_IN,
    SUBMITTABLE,
    approve_report,
    late_departments,
    return_report,
    submit_report,
)
from tasks.views.export import XLSX_CONTENT_TYPE, download_headers

__all__ = [
    "late_reports",
    "ledger_build",
    "report_approve",
    "report_build",
    "report_detail",
    "report_download",
    "report_fill",
    "report_list",
    "report_progress",
    "report_return",
    "report_submit",
    "report_upload",
]

BUILDING = (Report.Status.QUEUED, Report.Status.RUNNING)


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in workbook (.xlsx)"))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
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


def _report_or_404(request: HttpRequest, pk: int) -> Report:
    try:
        return get_report_for(request.user, pk)
    except Report.DoesNotExist:
        raise Http404(_("No such report.")) from None


def _is_reviewer(user) -> bool:
    return bool(user.is_superuser or user.is_office)


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
    ledger = None
    office_view = bool(user.is_superuser or user.is_office or user.is_leader)
    if office_view:
        departments = list(
            departments_with_tasks()
            .filter(pk__in=departments_in_scope(user).values("pk"))
            .select_related("region")
        )
        reports = {
            report.department_id: report
            for report in reports_visible_to(user).filter(
                kind=Report.Kind.DEPARTMENT, period=period, department__in=[d.pk for d in departments]
            )
        }
        for department in departments:
            report = reports.get(department.pk)
            handed_in = report is not None and report.status in HANDED_IN
            rows.append({"department": department, "report": report, "late": past_due and not handed_in})
        if user.region_id:
            ledger = Report.objects.filter(
                kind=Report.Kind.LEDGER, region_id=user.region_id, period=period
            ).first()
    elif user.is_liaison and user.department_id:
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
            "can_build": bool(user.is_superuser or user.is_office or user.is_liaison),
            "can_build_ledger": bool(user.is_office and user.region_id),
            "ledger": ledger,
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
    """The office's ledger (台账) of its region for a period, built by tasks/services/ledger_export.py."""
    from tasks.services.ledger_export import request_ledger

    period, period_error = _period(request)
    if period_error:
        messages.error(request, period_error)
        return redirect("report_list")
    if not request.user.region_id:
        raise PermissionDenied(_("Only reform office staff may build a region's ledger."))
    try:
        report = request_ledger(Region.objects.get(pk=request.user.region_id), request.user, period)
    except Region.DoesNotExist:
        raise Http404 from None
    return redirect("report_detail", pk=report.pk)


def _detail_context(request: HttpRequest, report: Report, **extra) -> dict:
    user = request.user
    department_report = report.kind == Report.Kind.DEPARTMENT
    own = bool(user.is_liaison and user.department_id == report.department_id)
    fillable = department_report and report.status in FILLABLE_STATUSES
    return {
        "report": report,
        "building": report.status in BUILDING,
        "department_report": department_report,
        "period_label": period_label(report.period),
        "due": due_date(report.period),
        "can_fill": fillable and (own or _is_reviewer(user)),
        "can_submit": department_report and own and report.status in SUBMITTABLE,
        "can_review": department_report and _is_reviewer(user) and report.status == Report.Status.SUBMITTED,
        "upload_form": extra.pop("upload_form", None) or UploadForm(),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        **extra,
    }


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: its status (a progress bar polled while it builds), download, fill in, hand in, review."""
    report = _report_or_404(request, pk)
    return render(request, "tasks/reports/detail.html", _detail_context(request, report))


@login_required
@require_GET
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status partial htmx polls every second while the report builds; once it is built (or has
    failed) the page reloads, to show the download and the forms."""
    report = _report_or_404(request, pk)
    response = render(
        request,
        "tasks/reports/partials/status.html",
        {"report": report, "building": report.status in BUILDING},
    )
    if report.status not in BUILDING and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The built workbook as an attachment; 404 out of scope or before it is built."""
    report = _report_or_404(request, pk)
    if not report.file:
        raise Http404(_("This report has no file yet."))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    owner = report.department.name if report.department_id else report.region.name
    name = f"{owner}-{report.period}{PurePath(report.file.name).suffix}"
    response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    return download_headers(response, name, f"report-{report.pk}-{report.period}.xlsx")


def _act(request: HttpRequest, pk: int, action: Callable[[Report], str], **forms_) -> HttpResponse:
    """Run a service on the report; redirect with its message, or show the page with the refusal."""
    report = _report_or_404(request, pk)
    try:
        message = action(report)
    except Report.DoesNotExist:
        raise Http404(_("No such report.")) from None
    except NotPermitted as refusal:
        return _refused(request, report, [str(refusal)], 403, **forms_)
    except FillErrors as errors:
        return _refused(request, report, [], 400, fill_errors=errors.errors_list, **forms_)
    except ValidationError as error:
        return _refused(request, report, error.messages, 400, **forms_)
    messages.success(request, message)
    return redirect("report_detail", pk=report.pk)


def _refused(request, report, errors, status, **extra) -> HttpResponse:
    report.refresh_from_db()
    context = _detail_context(request, report, errors=errors, **extra)
    return render(request, "tasks/reports/detail.html", context, status=status)


@login_required
@require_POST
def report_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload the filled-in workbook: every row is checked, then all are recorded, or none."""
    form = UploadForm(request.POST, request.FILES)

    def action(report: Report) -> str:
        require_filler(request.user, report)  # a leader's post is refused whatever it holds
        if not form.is_valid():
            raise ValidationError(_("Choose the filled-in workbook to upload."))
        count = upload_report(report, request.user, form.cleaned_data["file"])
        return _("Progress of %(count)s tasks recorded from the workbook.") % {"count": count}

    return _act(request, pk, action, upload_form=form)


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    def action(report: Report) -> str:
        submit_report(report, request.user)
        return _("The report was submitted to the reform office.")

    return _act(request, pk, action)


@login_required
@require_POST
def report_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def action(report: Report) -> str:
        approve_report(report, request.user)
        return _("The report was approved.")

    return _act(request, pk, action)


@login_required
@require_POST
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)

    def action(report: Report) -> str:
        form.is_valid()
        return_report(report, request.user, reason=form.cleaned_data.get("reason", ""))
        return _("The report was returned to the department.")

    return _act(request, pk, action, return_form=form)


def _fill_rows(report: Report, posted=None) -> list[dict]:
    """The report's tasks with their targets and what was posted for them (three queries)."""
    tasks = list(
        department_tasks(report.department_id)
        .select_related("document")
        .defer("document__text")
        .order_by("document_id", "position", "pk")
    )
    targets: dict[int, list[Target]] = {}
    for target in Target.objects.filter(task__in=[t.pk for t in tasks]).order_by("task_id", "pk"):
        targets.setdefault(target.task_id, []).append(target)
    rows = []
    for task in tasks:
        prefix = f"t{task.pk}-"
        rows.append(
            {
                "task": task,
                "prefix": prefix,
                "status": posted.get(prefix + "status", "") if posted else "",
                "percent": posted.get(prefix + "percent", "") if posted else "",
                "narrative": posted.get(prefix + "narrative", "") if posted else "",
                "targets": [
                    {
                        "target": target,
                        "name": f"{prefix}actual-{target.pk}",
                        "value": posted.get(f"{prefix}actual-{target.pk}", "") if posted else "",
                    }
                    for target in targets.get(task.pk, [])
                ],
            }
        )
    return rows


@login_required
def report_fill(request: HttpRequest, pk: int) -> HttpResponse:
    """The online form: a row per task (status, percent, narrative, actual per target); all recorded
    in one transaction, or none when any row has an error."""
    report = _report_or_404(request, pk)
    if report.kind != Report.Kind.DEPARTMENT:
        raise Http404
    user = request.user
    if not (_is_reviewer(user) or (user.is_liaison and user.department_id == report.department_id)):
        raise PermissionDenied(
            _("Only a liaison of the department or reform office staff may fill in its report.")
        )
    status = 200
    errors: list = []
    posted = None
    if request.method == "POST":
        posted = request.POST
        data: dict[int, dict] = {}
        for key, value in request.POST.items():
            head, _sep, field = key.partition("-")
            # ASCII digits only (parse_digits): "t²-status" was a 500.
            task_id = parse_digits(head[1:]) if head.startswith("t") and field else None
            if task_id is not None:
                data.setdefault(task_id, {})[field] = value
        try:
            count = fill_online(report, user, data)
        except NotPermitted as refusal:
            errors, status = [str(refusal)], 403
        except FillErrors as failure:
            errors, status = [str(error) for error in failure.errors_list], 400
        except ValidationError as error:
            errors, status = error.messages, 400
        else:
            messages.success(request, _("Progress of %(count)s tasks recorded.") % {"count": count})
            return redirect("report_detail", pk=report.pk)
    allowed = report.status in FILLABLE_STATUSES
    return render(
        request,
        "tasks/reports/fill.html",
        {
            "report": report,
            "period_label": period_label(report.period),
            "rows": _fill_rows(report, posted),
            "statuses": [(value, TaskStatus(value).label) for value in REPORTABLE_STATUSES],
            "errors": errors,
            "allowed": allowed,
        },
        status=status,
    )


@login_required
@require_GET
def late_reports(request: HttpRequest) -> HttpResponse:
    """Office staff (and leaders): the departments of their scope late with the period's report."""
    user = request.user
    if not (user.is_superuser or ((user.is_office or user.is_leader) and user.region_id)):
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
