"""A task's progress reports: the timeline, and 报送进展 with evidence (record_progress)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from api.exceptions import etag_for
from tasks.access import get_task_for, require_reporter
from tasks.ledger.serializers.progress import (
    ProgressInputSerializer,
    ProgressUpdateSerializer,
    ProgressUploadSerializer,
)
from tasks.ledger.services.progress import record_progress
from tasks.models import Evidence, ProgressUpdate, TargetReading, Task

# Codes of record_progress's ValidationErrors -> the request field they are about.
PROGRESS_ERROR_FIELDS = {
    "status": "status",
    "percent": "percent",
    "target": "readings",
    "reading": "readings",
    "files": "files",
    # check_evidence's refusals of one file
    "too_large": "files",
    "empty": "files",
    "bad_zip": "files",
    "zip_bomb": "files",
    "not_ooxml": "files",
    "macros": "files",
    "markup": "files",
    "unsupported": "files",
    "extension_mismatch": "files",
}


def timeline(task: Task) -> QuerySet[ProgressUpdate]:
    """The task's progress reports, newest first, with what ProgressUpdateSerializer shows."""
    return (
        ProgressUpdate.objects.filter(task=task)
        .select_related("author", "department")
        .prefetch_related(
            Prefetch("readings", queryset=TargetReading.objects.order_by("pk")),
            Prefetch("evidence", queryset=Evidence.objects.order_by("pk")),
        )
        .order_by("-created_at", "-pk")
    )


class TaskProgressView(generics.ListCreateAPIView):
    """GET: the task's progress reports, newest first. POST: report progress — a liaison of an assigned
    department, or office staff in scope; leaders and others get 403 with the reason."""

    parser_classes = [JSONParser, MultiPartParser]
    serializer_class = ProgressUpdateSerializer
    service_error_fields = PROGRESS_ERROR_FIELDS

    def task(self) -> Task:
        return get_task_for(self.request.user, self.kwargs["pk"])  # 404 out of scope

    def get_queryset(self) -> QuerySet[ProgressUpdate]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no task
            return ProgressUpdate.objects.none()
        return timeline(self.task())

    @extend_schema(summary="The task's progress reports, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Report progress (报送进展), with evidence files as multipart/form-data",
        request={
            "application/json": ProgressInputSerializer,
            "multipart/form-data": ProgressUploadSerializer,
        },
        responses={201: ProgressUpdateSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.task()
        require_reporter(request.user, task)  # 403 before the body is read, whatever it holds
        multipart = request.content_type.startswith("multipart/")
        form = (ProgressUploadSerializer if multipart else ProgressInputSerializer)(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        update = record_progress(
            task,
            request.user,
            status=data["status"],
            percent=data["percent"],
            narrative=data["narrative"],
            readings=data.get("readings") or {},
            files=data.get("files", []),
        )
        update = self.get_queryset().get(pk=update.pk)
        context = {**self.get_serializer_context(), "task_version": task.version}
        return Response(
            ProgressUpdateSerializer(update, context=context).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(task.version)},
        )
