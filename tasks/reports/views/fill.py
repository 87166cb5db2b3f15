"""The online fill-in form: a row per task; all recorded in one transaction, or none."""

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
from tasks.reports.services.filling import (
    FILLABLE_STATUSES,
    FillErrors,
    fill_online,
)
from tasks.reports.views.report import report_or_404


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
