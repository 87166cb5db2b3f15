"""The leaders' dashboard: the figures of tasks.dashboard.services.summary, each linked to its task list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from tasks.access import may_instruct, may_see_dashboard
from tasks.dashboard.services.cache import cached_dashboard_summary
from tasks.dashboard.services.summary import SECTION_DOCUMENTS, DashboardSummary, Figure
from tasks.models.ledger import UPCOMING_DAYS
from tasks.periods.services.as_of import as_of_closing
from tasks.periods.services.changes import changes_of, titled_lists
from tasks.periods.services.frozen import frozen_ranking, frozen_totals, rank_departments

# Until the task list and task pages are routed, link to where they will be.
TASK_LIST_FALLBACK = "/tasks/"
TASK_DETAIL_FALLBACK = "/tasks/{pk}/"


def task_list_url() -> str:
    try:
        return reverse("task_list")
    except NoReverseMatch:
        return TASK_LIST_FALLBACK


def task_detail_url(pk: int) -> str:
    try:
        return reverse("task_detail", kwargs={"pk": pk})
    except NoReverseMatch:
        return TASK_DETAIL_FALLBACK.format(pk=pk)


def _link(base: str, figure: Figure) -> str | None:
    if figure.query is None:
        return None
    return f"{base}?{figure.query}" if figure.query else base


def _cards(summary: DashboardSummary, base: str) -> list[dict]:
    totals = summary.totals
    cards = [
        (_("Tasks"), totals.total, ""),
        (_("Completed"), totals.completed, "good"),
        (_("Completed late"), totals.completed_late, "warn"),
        (_("In progress"), totals.in_progress, ""),
        (_("Pending verification"), totals.pending_verification, ""),
        (_("Not started"), totals.not_started, ""),
        (_("Overdue"), totals.overdue, "bad"),
        (_("Due within %(days)s days") % {"days": UPCOMING_DAYS}, totals.due_soon, "warn"),
        (_("Suspended"), totals.suspended, "muted"),
    ]
    return [
        {"label": label, "value": figure.value, "url": _link(base, figure), "tone": tone}
        for label, figure, tone in cards
    ]


def _chart_data(summary: DashboardSummary, base: str) -> dict:
    """What static/js/dashboard.js draws, with the labels it shows and where each mark leads."""

    def link(figure: Figure) -> str | None:
        return _link(base, figure)

    return {
        "labels": {
            "completionRate": _("Completion rate"),
            "overdue": _("Overdue"),
            "total": _("Tasks"),
            "completed": _("Completed"),
            "completions": _("Tasks completed"),
            "attained": _("Attained"),
            "notAttained": _("Not attained"),
            "noActual": _("No actual yet"),
        },
        "departments": [
            {
                "name": row.name,
                "rate": row.completion_rate,
                "total": row.total.value,
                "completed": row.completed.value,
                "overdue": row.overdue.value,
                "url": link(row.total),
                "overdueUrl": link(row.overdue),
            }
            for row in summary.departments
        ],
        "regions": [
            {
                "name": row.name,
                "rate": row.completion_rate,
                "total": row.total.value,
                "completed": row.completed.value,
                "overdue": row.overdue.value,
                "url": link(row.total),
                "completedUrl": link(row.completed),
                "overdueUrl": link(row.overdue),
            }
            for row in summary.regions
        ],
        "months": [
            {"month": row.month, "completed": row.completed.value, "url": link(row.completed)}
            for row in summary.months
        ],
        "targets": [
            {
                "key": "attained",
                "value": summary.targets.attained.value,
                "url": link(summary.targets.attained),
            },
            {
                "key": "notAttained",
                "value": summary.targets.not_attained.value,
                "url": link(summary.targets.not_attained),
            },
            {
                "key": "noActual",
                "value": summary.targets.no_actual.value,
                "url": link(summary.targets.no_actual),
            },
        ],
    }


def _frozen_chart_data(ranked) -> dict:
    """dashboard.js's departments chart from the ranking frozen at a closing (no links: the task list's
    filters select on today's data, so a bar would open a list that does not add up to it)."""
    departments = [
        {
            "name": row.department,
            "rate": round(100 * row.completion_rate, 1) if row.completion_rate is not None else 0,
            "total": row.lead_tasks,
            "completed": row.completed,
            "overdue": row.overdue,
            "url": None,
            "overdueUrl": None,
        }
        for _rank, row in ranked
        if row.lead_tasks
    ]
    return {
        "labels": {"completionRate": _("Completion rate"), "overdue": _("Overdue")},
        "departments": departments,
        "regions": [],
        "months": [],
        "targets": [],
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Figures, rankings and the overdue list of the user's scope. Liaisons have their own task list."""
    if not may_see_dashboard(request.user):
        raise PermissionDenied
    as_of = (request.GET.get("as_of") or "").strip()
    if as_of:
        return _dashboard_as_of(request, as_of)
    summary, computed_at = cached_dashboard_summary(request.user, refresh="refresh" in request.GET)
    base = task_list_url()
    overdue = [{"task": task, "url": task_detail_url(task.task_id)} for task in summary.overdue_tasks]
    return render(
        request,
        "tasks/dashboard/dashboard.html",
        {
            "summary": summary,
            "scope": request.user.region.name if request.user.region_id else "",
            "cards": _cards(summary, base),
            "task_list_url": base,
            "chart_data": _chart_data(summary, base),
            "overdue": overdue,
            "regions_have_tasks": any(row.total.value for row in summary.regions),
            "due_soon_days": UPCOMING_DAYS,
            "section_documents": SECTION_DOCUMENTS,
            "computed_at": computed_at,
            # Leaders follow a lead department's overdue count to its list and write a 批示 there.
            "may_instruct": may_instruct(request.user),
        },
    )


def _dashboard_as_of(request: HttpRequest, period: str) -> HttpResponse:
    """The totals and the ranking as frozen when the period was closed, and what changed in it."""
    try:
        closing = as_of_closing(request.user, period)
    except ValidationError as error:
        return render(
            request,
            "tasks/periods/dashboard_as_of.html",
            {"as_of_error": " ".join(error.messages)},
            status=404,
        )
    ranking = frozen_ranking(closing)
    changes = changes_of(closing, departments=ranking.departments)
    ranked = rank_departments(ranking.departments)
    return render(
        request,
        "tasks/periods/dashboard_as_of.html",
        {
            "closing": closing,
            "totals": frozen_totals(closing),
            "ranking": ranked,
            "chart_data": _frozen_chart_data(ranked),
            "changes": changes,
            "change_lists": titled_lists(changes),
            "task_list_url": task_list_url(),
        },
    )
