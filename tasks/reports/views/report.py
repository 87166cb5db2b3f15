"""A report's page: build progress (polled), download, upload, submit, approve or return."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from tasks.access import (
    NotPermitted,
    may_fill_report,
    may_review_reports,
    may_submit_report,
)
from tasks.models import Report
from tasks.numbers import parse_digits
from tasks.reports.files import workbook_response
from tasks.reports.services.department import (
    get_report_for,
    period_label,
)
from tasks.reports.services.filling import (
    FILLABLE_STATUSES,
    FillErrors,
    require_filler,
    upload_report,
)
from tasks.reports.services.periods import due_date
from tasks.reports.services.review import report_rows
from tasks.reports.services.workflow import (
    SUBMITTABLE,
    approve_report,
    return_report,
    submit_report,
)

BUILDING = (Report.Status.QUEUED, Report.Status.RUNNING)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The filled-in report workbook (.xlsx, as downloaded from this page)")
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for returning"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


def report_or_404(request: HttpRequest, pk: int) -> Report:
    try:
        return get_report_for(request.user, pk)
    except Report.DoesNotExist:
        raise Http404(_("No such report.")) from None


def _detail_context(request: HttpRequest, report: Report, **extra) -> dict:
    user = request.user
    department_report = report.kind == Report.Kind.DEPARTMENT
    fillable = department_report and report.status in FILLABLE_STATUSES
    rows, previous = None, None
    if department_report and report.status not in BUILDING:
        rows, previous = report_rows(report, request.GET.get("page") or 1)
    return {
        "report": report,
        "building": report.status in BUILDING,
        "department_report": department_report,
        "period_label": period_label(report.period),
        "due": due_date(report.period),
        "can_fill": fillable and may_fill_report(user, report),
        "can_submit": department_report and may_submit_report(user, report) and report.status in SUBMITTABLE,
        "can_review": department_report
        and may_review_reports(user)
        and report.status == Report.Status.SUBMITTED,
        "rows": rows,
        "previous": previous,
        "returned_rows": sum(1 for row in rows if row.returned_reason) if rows else 0,
        "upload_form": extra.pop("upload_form", None) or UploadForm(),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        **extra,
    }


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A report: its status (a progress bar polled while it builds), download, fill in, hand in, review."""
    report = report_or_404(request, pk)
    return render(request, "tasks/reports/detail.html", _detail_context(request, report))


@login_required
@require_GET
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status partial htmx polls every second while the report builds; once it is built (or has
    failed) the page reloads, to show the download and the forms."""
    report = report_or_404(request, pk)
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
    """The workbook as an attachment; 404 out of scope or before it is built. A department report
    comes with what was recorded for it; `?blank=1` is the blank workbook of the build."""
    report = report_or_404(request, pk)
    if not report.file:
        raise Http404(_("This report has no file yet."))
    return workbook_response(report, blank=request.GET.get("blank") == "1")


def _act(request: HttpRequest, pk: int, action: Callable[[Report], str], **forms_) -> HttpResponse:
    """Run a service on the report; redirect with its message, or show the page with the refusal."""
    report = report_or_404(request, pk)
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
        rows = [
            (task_id, value)
            for key, value in request.POST.items()
            if key.startswith("row-") and (task_id := parse_digits(key[4:])) is not None
        ]
        return_report(report, request.user, reason=form.cleaned_data.get("reason", ""), rows=rows)
        return _("The report was returned to the department.")

    return _act(request, pk, action, return_form=form)
