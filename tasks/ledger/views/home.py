"""The landing page."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tasks.inbox.services import items as inbox
from tasks.models import PolicyDocument, Task, TaskStatus
from tasks.models.ledger import overdue_q


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the documents and task counts within the user's scope.

    Each figure links to the task list filtered the same way, so a number is one click from its tasks.
    """
    tasks = Task.objects.visible_to(request.user)
    totals = tasks.aggregate(
        total=Count("pk"),
        completed=Count("pk", filter=Q(status=TaskStatus.COMPLETED)),
        in_progress=Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS)),
        overdue=Count("pk", filter=overdue_q(timezone.localdate())),
    )
    documents = (
        PolicyDocument.objects.visible_to(request.user)
        .select_related("region")
        .annotate(task_count=Count("tasks", distinct=True))
        .order_by("-issued_on", "-created_at")[:50]
    )
    # The top of the user's 待办: a few rows per section, a constant number of queries.
    waiting = inbox.sections(request.user, rows=3)
    return render(
        request, "tasks/ledger/home.html", {"totals": totals, "documents": documents, "sections": waiting}
    )
