"""The reporting periods' pages: the closings of a region, closing one, its progress and its changes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from regions.models import Region
from tasks.access import NotPermitted, may_build_ledger, may_close_period, may_see_periods
from tasks.models import PeriodClosing
from tasks.periods.services.changes import changes_of, titled_lists
from tasks.periods.services.closing import close_day, request_close
from tasks.periods.services.snapshots import closings_visible_to, get_closing_for
from tasks.reports.services.periods import previous_period

RUNNING = (PeriodClosing.Status.QUEUED, PeriodClosing.Status.RUNNING)


def _closing_or_404(request: HttpRequest, pk: int) -> PeriodClosing:
    try:
        return get_closing_for(request.user, pk)
    except PeriodClosing.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def period_list(request: HttpRequest) -> HttpResponse:
    """The closings of the user's region and below, newest first, and the form to close a month."""
    if not may_see_periods(request.user):
        raise PermissionDenied
    closings = list(closings_visible_to(request.user).select_related("region")[:120])
    last_month = previous_period(timezone.localdate())
    return render(
        request,
        "tasks/periods/list.html",
        {
            "closings": closings,
            "may_close": may_close_period(request.user) and bool(request.user.region_id),
            "period": request.GET.get("period") or last_month,
            "close_day": close_day(last_month),
        },
    )


@login_required
@require_POST
def period_close(request: HttpRequest) -> HttpResponse:
    """Close the posted period for the user's own region; then the closing's page (its progress)."""
    user = request.user
    if not may_close_period(user) or not user.region_id:
        raise PermissionDenied(_("Only reform office staff may close a reporting period."))
    period = (request.POST.get("period") or "").strip()
    try:
        closing = request_close(Region.objects.get(pk=user.region_id), user, period)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("period_list")
    except NotPermitted as refusal:
        raise PermissionDenied(str(refusal)) from None
    return redirect("period_detail", pk=closing.pk)


@login_required
@require_GET
def period_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A closing: its progress while it runs; once closed, what changed since the previous period."""
    closing = _closing_or_404(request, pk)
    changes = changes_of(closing) if closing.status == PeriodClosing.Status.DONE else None
    return render(
        request,
        "tasks/periods/detail.html",
        {
            "closing": closing,
            "running": closing.status in RUNNING,
            "changes": changes,
            "change_lists": titled_lists(changes) if changes else [],
            # The 台账 and 通报 of a closed period are the frozen ones; they are built for one's own region.
            "may_build": may_build_ledger(request.user) and closing.region_id == request.user.region_id,
        },
    )


@login_required
@require_GET
def period_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status partial htmx polls every second while the closing runs; the page reloads once it ends."""
    closing = _closing_or_404(request, pk)
    running = closing.status in RUNNING
    response = render(request, "tasks/periods/partials/status.html", {"closing": closing, "running": running})
    if not running and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response
