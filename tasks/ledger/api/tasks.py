"""Tasks: the list (TaskFilterSet, as the task list page), one task, and the office's edit.

Every query starts from `Task.objects.visible_to(user)`, so a task outside it is 404. The edit goes
through `edit_task` with the version from If-Match: 428 without it, 412 (nothing written) when someone
saved the task since. Liaisons report through /tasks/{id}/progress/; leaders only read.
"""

from __future__ import annotations

import datetime
from functools import cached_property
from typing import Any

from django.db.models import Case, Prefetch, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import set_rollback

from api.exceptions import etag_for, responds_to
from api.preconditions import IF_MATCH, expected_version
from tasks.access import get_task_for, require_editor
from tasks.filters import MAX_ID
from tasks.ledger.filtersets import TaskFilterSet
from tasks.ledger.serializers.tasks import TaskDetailSerializer, TaskSerializer, TaskUpdateSerializer
from tasks.ledger.services.editing import EDITABLE_TASK_FIELDS, VersionConflict, edit_task
from tasks.models import Assignment, Deadline, Target, Task
from tasks.models.ledger import LEADING_ROLES

# Codes of edit_task's ValidationErrors -> the request field they are about.
EDIT_ERROR_FIELDS = {
    "status": "status",
    "percent": "progress",
    "text": "text",
    "label": "label",
    "section": "section",
    "deadline": "deadlines",
    "date": "deadlines",
    "assignment": "assignments",
    "assignment_region": "assignments",
    "target": "targets",
}

ETAG_HEADER = OpenApiParameter(
    IF_MATCH,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the task as loaded (its version, e.g. "3").',
)
ETAG_RESPONSE_HEADER = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200], description="The task's version."
)
# Lead before co-lead, as the pages list them.
LEAD_FIRST = Case(When(role=Assignment.Role.LEAD, then=Value(0)), default=Value(1))


def detail_queryset(user, today: datetime.date) -> QuerySet[Task]:
    return (
        Task.objects.visible_to(user)
        .with_schedule(today)
        .select_related("document__region")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("department").order_by("pk")),
            Prefetch("deadlines", queryset=Deadline.objects.order_by(*Deadline.ORDER)),
            Prefetch("targets", queryset=Target.objects.order_by("pk")),
        )
    )


# What drf-spectacular cannot read off TaskFilterSet (its choices are set per user, per request).
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
LIST_PARAMETERS = [
    OpenApiParameter("department", ID_SCHEMA, description="Tasks assigned to this department (id)."),
    OpenApiParameter("lead_department", ID_SCHEMA, description="Tasks led or co-led by it (id)."),
    OpenApiParameter("region", OpenApiTypes.STR, description="Documents of this region or below (code)."),
    OpenApiParameter(
        "completed_in",
        OpenApiTypes.STR,
        description="Completed in this month, YYYY-MM.",
        pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="The task list, filtered and ordered as the task list page", parameters=LIST_PARAMETERS
    ),
    retrieve=extend_schema(
        summary="One task with its assignments, deadlines and targets",
        parameters=[ETAG_RESPONSE_HEADER],
        responses={200: OpenApiResponse(TaskDetailSerializer, description="The task; ETag: its version.")},
    ),
)
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filterset_class = TaskFilterSet
    service_error_fields = EDIT_ERROR_FIELDS
    extra_error_statuses = {"PATCH": [412, 428], "PUT": [412, 428]}

    @cached_property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def get_queryset(self) -> QuerySet[Task]:
        if self.action != "list":
            return detail_queryset(self.request.user, self.today)
        # Ordered by the FilterSet (always ending in the document order and the pk).
        return (
            Task.objects.visible_to(self.request.user)
            .with_schedule(self.today)
            # Not the document's extracted text (it may run to megabytes), which no list row shows.
            .select_related("document")
            .defer("document__text")
            .prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=Assignment.objects.filter(role__in=LEADING_ROLES)
                    .select_related("department")
                    .order_by(LEAD_FIRST, "pk"),
                    to_attr="leading_assignments",
                )
            )
        )

    def filter_queryset(self, queryset: QuerySet[Task]) -> QuerySet[Task]:
        # The list's filters only: query parameters on one task's URL change nothing.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return TaskSerializer if self.action == "list" else TaskDetailSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": self.today}

    def _detail(self, task: Task) -> Response:
        data = TaskDetailSerializer(task, context=self.get_serializer_context()).data
        return Response(data, headers={"ETag": etag_for(task.version)})

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="Edit the task (office staff): fields, and deadlines, assignments or targets as wholes",
        request=TaskUpdateSerializer,
        parameters=[ETAG_HEADER, ETAG_RESPONSE_HEADER],
        responses={200: OpenApiResponse(TaskDetailSerializer, description="Saved; ETag: the new version.")},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        return self._edit(request, pk, partial=True)

    @extend_schema(
        summary="Edit the task (office staff): all its own fields; lists left out are unchanged",
        request=TaskUpdateSerializer,
        parameters=[ETAG_HEADER, ETAG_RESPONSE_HEADER],
        responses={200: OpenApiResponse(TaskDetailSerializer, description="Saved; ETag: the new version.")},
    )
    def update(self, request: Request, pk: int) -> Response:
        return self._edit(request, pk, partial=False)

    def _edit(self, request: Request, pk: int, *, partial: bool) -> Response:
        task = get_task_for(request.user, pk)  # 404 out of scope
        require_editor(request.user, task)  # 403 for liaisons and leaders, with the service's message
        version = expected_version(request)  # 428 / 400
        serializer = TaskUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if not data:
            raise ValidationError(_("Send at least one field to change."))
        edit_task(
            task,
            request.user,
            expected_version=version,  # a stale one raises VersionConflict: 412, nothing written
            fields={name: data[name] for name in EDITABLE_TASK_FIELDS if name in data},
            deadlines=data.get("deadlines"),
            assignments=data.get("assignments"),
            targets=data.get("targets"),
        )
        return self._detail(detail_queryset(request.user, self.today).get(pk=task.pk))


# A stale If-Match (412): what changed since the version the client loaded, and the current ETag.
@responds_to(VersionConflict)
def _conflict_response(conflict: VersionConflict, view: Any) -> Response:
    current = conflict.current
    body = {
        "detail": str(conflict),
        "code": "version_conflict",
        "current_version": current.version,
        "changes_since": [
            {
                "action": change.action,
                "actor": str(change.actor) if change.actor_id else None,
                "fields": sorted(change.changes or {}),
                "at": change.created_at.isoformat(),
            }
            for change in conflict.changes_since
        ],
    }
    set_rollback()
    return Response(
        body, status=status.HTTP_412_PRECONDITION_FAILED, headers={"ETag": etag_for(current.version)}
    )
