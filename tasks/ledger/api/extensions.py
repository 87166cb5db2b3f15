"""Deadline extensions (延期申请), as the task page's forms: a liaison of an assigned department asks for a
later date, office staff in scope approve (the deadline moves, the first date stays in
`original_due_on`) or refuse with a reason. request_extension and decide_extension decide.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tasks.access import get_task_for, require_editor, require_reporter
from tasks.ledger.serializers.extensions import (
    ExtensionDecisionInputSerializer,
    ExtensionRequestInputSerializer,
    ExtensionRequestSerializer,
)
from tasks.ledger.services.extensions import decide_extension, request_extension
from tasks.models import Deadline, ExtensionRequest, Task

# Codes of request_extension's ValidationErrors -> the request field they are about (the others —
# no dated deadline, a request already pending — are about the task).
REQUEST_ERROR_FIELDS = {
    "reason": "reason",
    "deadline": "deadline",
    "date": "requested_due_on",
    "not_later": "requested_due_on",
    "past": "requested_due_on",
}


def extension_rows() -> QuerySet[ExtensionRequest]:
    return ExtensionRequest.objects.select_related("deadline", "department", "requested_by", "reviewed_by")


class TaskExtensionsView(generics.ListCreateAPIView):
    """GET: the task's extension requests, newest first, for whoever sees the task. POST: a liaison of
    an assigned department asks for a later date; office staff and leaders get 403 with the reason."""

    serializer_class = ExtensionRequestSerializer
    service_error_fields = REQUEST_ERROR_FIELDS

    def task(self) -> Task:
        return get_task_for(self.request.user, self.kwargs["pk"])  # 404 out of scope

    def get_queryset(self) -> QuerySet[ExtensionRequest]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no task
            return ExtensionRequest.objects.none()
        return extension_rows().filter(task=self.task()).order_by("-created_at", "-pk")

    @extend_schema(summary="The task's extension requests (延期申请), newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Request an extension (延期申请): a liaison of an assigned department",
        request=ExtensionRequestInputSerializer,
        responses={
            201: OpenApiResponse(ExtensionRequestSerializer, description="Pending the office's decision.")
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.task()
        require_reporter(request.user, task, office_too=False)  # 403 before the body is read
        form = ExtensionRequestInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        deadline = None
        if data.get("deadline") is not None:
            # As the page's form: only the task's own deadlines are offered.
            deadline = Deadline.objects.filter(task_id=task.pk, pk=data["deadline"]).first()
            if deadline is None:
                raise ValidationError(_("Choose a dated deadline of this task."), code="deadline")
        extension = request_extension(
            task,
            request.user,
            requested_due_on=data["requested_due_on"],
            reason=data["reason"],
            deadline=deadline,
        )
        extension = extension_rows().get(pk=extension.pk)
        return Response(
            ExtensionRequestSerializer(extension, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class ExtensionDecisionView(APIView):
    # comment: a refusal without a reason; the others (decided already, no deadline left, the deadline
    # already as late) are about the request, not a field.
    service_error_fields = {"comment": "comment"}

    @extend_schema(
        summary="Decide on an extension request (同意 / 驳回): office staff",
        request=ExtensionDecisionInputSerializer,
        responses={
            200: OpenApiResponse(
                ExtensionRequestSerializer,
                description="Decided; on approval its deadline has moved and keeps the original date.",
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        # 404 unless the request's task is in the user's scope.
        extension = (
            ExtensionRequest.objects.select_related("task")
            .filter(task__in=Task.objects.visible_to(request.user).values("pk"))
            .get(pk=pk)
        )
        require_editor(request.user, extension.task)  # 403 before the body is read
        form = ExtensionDecisionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        decide_extension(
            extension,
            request.user,
            approve=form.validated_data["decision"] == "approve",
            comment=form.validated_data["comment"],
        )
        extension = extension_rows().get(pk=extension.pk)
        return Response(ExtensionRequestSerializer(extension, context={"request": request}).data)
