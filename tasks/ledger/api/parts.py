"""Assignments, deadlines and targets of the tasks the user may see (read-only).

They change with the task, in one edit with one version: PATCH /tasks/{id}/ with the list.
"""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from tasks.ledger.filtersets import AssignmentFilterSet, DeadlineFilterSet, TargetFilterSet
from tasks.ledger.serializers.parts import AssignmentSerializer, DeadlineSerializer, TargetSerializer
from tasks.models import Assignment, Deadline, Target, Task


def _of_visible_tasks(queryset: QuerySet, user) -> QuerySet:
    return queryset.filter(task__in=Task.objects.visible_to(user).values("pk"))


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Responsible departments of tasks (lead, co-lead, cooperating)."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilterSet

    def get_queryset(self) -> QuerySet[Assignment]:
        return _of_visible_tasks(Assignment.objects.select_related("department"), self.request.user).order_by(
            "task_id", "pk"
        )


class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """Time limits of tasks, as written and, where the text allows, as dates; by task, then by date
    with undated deadlines (ongoing, recurring, unresolved) last, on every database."""

    serializer_class = DeadlineSerializer
    filterset_class = DeadlineFilterSet

    def get_queryset(self) -> QuerySet[Deadline]:
        return _of_visible_tasks(Deadline.objects.all(), self.request.user).order_by(
            "task_id", *Deadline.ORDER
        )


class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Quantitative targets of tasks with their latest actual value and whether it is attained."""

    serializer_class = TargetSerializer
    filterset_class = TargetFilterSet

    def get_queryset(self) -> QuerySet[Target]:
        return _of_visible_tasks(Target.objects.all(), self.request.user).order_by("task_id", "pk")
