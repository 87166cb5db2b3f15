"""The online fill-in form: a row per task, opened with the draft or what was recorded; saved as a draft,
or all recorded in one transaction, or none."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from tasks.access import (
    NotPermitted,
    may_fill_report,
)
from tasks.ledger.services.progress import REPORTABLE_STATUSES
from tasks.models import Report, Target, TaskStatus
from tasks.numbers import parse_digits
from tasks.reports.services.department import (
    department_tasks,
    period_label,
)
from tasks.reports.services.drafts import form_values, save_draft
from tasks.reports.services.filling import (
    FILLABLE_STATUSES,
    FillErrors,
    fill_online,
)
from tasks.reports.services.review import row_returns
from tasks.reports.views.report import report_or_404


def _fill_rows(report: Report, values: dict[int, dict], reasons: dict[int, str]) -> list[dict]:
    """The report's tasks with their targets, the values to show and the latest return's reasons
    (two queries)."""
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
        shown = values.get(task.pk, {})
        rows.append(
            {
                "task": task,
                "prefix": prefix,
                "status": shown.get("status", ""),
                "percent": shown.get("percent", ""),
                "narrative": shown.get("narrative", ""),
                "returned_reason": reasons.get(task.pk, ""),
                "targets": [
                    {
                        "target": target,
                        "name": f"{prefix}actual-{target.pk}",
                        "value": shown.get(f"actual-{target.pk}", ""),
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
    report = report_or_404(request, pk)
    if report.kind != Report.Kind.DEPARTMENT:
        raise Http404
    user = request.user
    if not may_fill_report(user, report):
        raise PermissionDenied(
            _("Only a liaison of the department or reform office staff may fill in its report.")
        )
    status = 200
    errors: list = []
    values, source = None, ""
    if request.method == "POST":
        data = _posted(request)
        values = data
        try:
            if request.POST.get("action") == "draft":
                count = save_draft(report, user, data)
                messages.success(
                    request,
                    _("Draft of %(count)s tasks saved; nothing was recorded yet.") % {"count": count},
                )
                return redirect("report_fill", pk=report.pk)
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
    if values is None:
        values, source = form_values(report)
    allowed = report.status in FILLABLE_STATUSES
    return render(
        request,
        "tasks/reports/fill.html",
        {
            "report": report,
            "period_label": period_label(report.period),
            "rows": _fill_rows(report, values, row_returns(report)),
            "statuses": [(value, TaskStatus(value).label) for value in REPORTABLE_STATUSES],
            "errors": errors,
            "allowed": allowed,
            "source": source,
        },
        status=status,
    )


def _posted(request: HttpRequest) -> dict[int, dict[str, str]]:
    """The posted rows by task id: "t12-status" -> data[12]["status"]."""
    data: dict[int, dict[str, str]] = {}
    for key, value in request.POST.items():
        head, _sep, field = key.partition("-")
        # ASCII digits only (parse_digits): "t²-status" was a 500.
        task_id = parse_digits(head[1:]) if head.startswith("t") and field else None
        if task_id is not None:
            data.setdefault(task_id, {})[field] = value
    return data
