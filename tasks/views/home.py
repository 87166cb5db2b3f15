"""The landing page."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tasks.models import PolicyDocument, Task, TaskStatus


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the documents and task counts within the user's scope."""
    tasks = Task.objects.visible_to(request.user)
    totals = tasks.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=TaskStatus.COMPLETED)),
        in_progress=Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS)),
    )
    documents = (
        PolicyDocument.objects.visible_to(request.user)
        .select_related("region")
        .annotate(task_count=Count("tasks", distinct=True))
        .order_by("-issued_on", "-created_at")[:50]
    )
    return render(request, "tasks/home.html", {"totals": totals, "documents": documents})
