"""The notification bell: the reminders (催办) a user has received, the same rows the emails came from."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from tasks.reminders.services.sending import mark_reminders_read, reminders_of, unread_reminder_count

PAGE_SIZE = 50


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """The latest reminders, unread first marked; a digest by its number of tasks, not its list."""
    reminders = (
        reminders_of(request.user)
        .select_related("task", "sender")
        .annotate(task_count=Count("tasks"))[:PAGE_SIZE]
    )
    return render(
        request,
        "tasks/reminders/notifications.html",
        {"reminders": reminders, "unread": unread_reminder_count(request.user)},
    )


@login_required
@require_GET
def notifications_unread(request: HttpRequest) -> HttpResponse:
    """The bell's badge, fetched by htmx after the page loads so that no page pays for the count."""
    return render(
        request, "tasks/reminders/partials/unread_badge.html", {"unread": unread_reminder_count(request.user)}
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    mark_reminders_read(request.user)
    return redirect("notifications")
