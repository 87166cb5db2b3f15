"""待办 and 消息 pages: what waits for the user, and what they were told."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tasks.access import may_handle_failed_deliveries
from tasks.inbox.services import items as inbox
from tasks.models import Delivery, Notification
from tasks.notices.services import failures
from tasks.notices.services.reading import mark_all_read, mark_read, notifications_of, unread_count

PAGE_SIZE = 30


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    return render(request, "tasks/inbox/inbox.html", {"sections": inbox.sections(request.user, rows=20)})


@login_required
@require_GET
def inbox_badge(request: HttpRequest) -> HttpResponse:
    """The 待办 count, fetched by htmx after the page loads so that no page waits for it."""
    return render(request, "tasks/inbox/partials/badge.html", {"count": inbox.count(request.user)})


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(notifications_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "tasks/inbox/notifications.html",
        {"page": page, "unread": unread_count(request.user)},
    )


@login_required
@require_GET
def notifications_unread(request: HttpRequest) -> HttpResponse:
    return render(request, "tasks/inbox/partials/unread_badge.html", {"unread": unread_count(request.user)})


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notification is reading it: the read receipt, then the page where it is acted on."""
    try:
        notification = mark_read(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404(_("No such notification.")) from None
    url = notification.event.url
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect(url)
    return redirect("notifications")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        mark_read(request.user, pk)
    except Notification.DoesNotExist:
        raise Http404(_("No such notification.")) from None
    return redirect(request.POST.get("next") if _safe(request) else "notifications")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = mark_all_read(request.user)
    messages.success(
        request,
        ngettext("%(count)s notification marked as read.", "%(count)s notifications marked as read.", count)
        % {"count": count},
    )
    return redirect("notifications")


def _safe(request: HttpRequest) -> bool:
    return bool(request.POST.get("next")) and url_has_allowed_host_and_scheme(
        request.POST["next"], allowed_hosts={request.get_host()}
    )


@login_required
@require_GET
def deliveries_failed(request: HttpRequest) -> HttpResponse:
    """Office staff: notices an outside channel could not deliver, to resend or set aside."""
    if not may_handle_failed_deliveries(request.user):
        raise PermissionDenied(_("Only reform office staff see failed deliveries."))
    rows = failures.attention_deliveries(request.user).select_related("event", "robot", "recipient")
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tasks/inbox/deliveries_failed.html", {"page": page})


@login_required
@require_POST
def delivery_action(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_handle_failed_deliveries(request.user):
        raise PermissionDenied(_("Only reform office staff see failed deliveries."))
    try:
        delivery = failures.attention_deliveries(request.user).get(pk=pk)
    except Delivery.DoesNotExist:
        raise Http404(_("No such delivery.")) from None
    if request.POST.get("action") == "resend":
        try:
            failures.resend(delivery, request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("deliveries_failed")
        messages.success(
            request, _("Queued to send again: %(to)s.") % {"to": delivery.label or delivery.address}
        )
    else:
        failures.acknowledge(delivery, request.user)
        messages.success(request, _("Set aside: %(to)s.") % {"to": delivery.label or delivery.address})
    return redirect("deliveries_failed")
