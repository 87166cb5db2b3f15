"""Closing a task, as the task page's forms: 申请销号 by the lead or co-lead department's liaison, then
销号 (verify) or 退回 (return, with a reason) by office staff in scope.

The services decide (request_completion, verify_completion, return_task). Verify and return act on the
task as the office saw it: its version in If-Match (428 without, 412 and nothing written when stale).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import etag_for
from api.preconditions import expected_version
from tasks.access import get_task_for, require_editor, require_reporter
from tasks.ledger.api.progress import PROGRESS_ERROR_FIELDS, timeline
from tasks.ledger.api.tasks import ETAG_HEADER, ETAG_RESPONSE_HEADER, detail_queryset
from tasks.ledger.serializers.completion import (
    CompletionRequestInputSerializer,
    CompletionRequestUploadSerializer,
    ReturnInputSerializer,
)
from tasks.ledger.serializers.progress import ProgressUpdateSerializer
from tasks.ledger.serializers.tasks import TaskDetailSerializer
from tasks.ledger.services.progress import request_completion, return_task, verify_completion

CLOSE_ERROR_STATUSES = {"POST": [400, 412, 428]}  # If-Match: malformed, stale, missing


class TaskCompletionRequestView(APIView):
    """申请销号: the task goes to pending verification at 100%, with the narrative as a progress report."""

    parser_classes = [JSONParser, MultiPartParser]
    # evidence: the task needs 佐证材料 and none came (nor was reported before): named on `files`.
    service_error_fields = {**PROGRESS_ERROR_FIELDS, "narrative": "narrative", "evidence": "files"}

    @extend_schema(
        summary="Request completion (申请销号): the lead or co-lead department's liaison",
        request={
            "application/json": CompletionRequestInputSerializer,
            "multipart/form-data": CompletionRequestUploadSerializer,
        },
        responses={
            201: OpenApiResponse(
                ProgressUpdateSerializer,
                description="The report of completion; the task awaits verification. ETag: its version.",
            )
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        task = get_task_for(request.user, pk)  # 404 out of scope
        # 403 for office staff and leaders before the body is read; request_completion then refuses
        # a liaison of a merely cooperating department.
        require_reporter(request.user, task, office_too=False)
        multipart = request.content_type.startswith("multipart/")
        form = (CompletionRequestUploadSerializer if multipart else CompletionRequestInputSerializer)(
            data=request.data
        )
        form.is_valid(raise_exception=True)
        update = request_completion(
            task, request.user, form.validated_data["narrative"], form.validated_data.get("files", [])
        )
        update = timeline(task).get(pk=update.pk)
        context = {"request": request, "task_version": task.version}
        return Response(
            ProgressUpdateSerializer(update, context=context).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(task.version)},
        )


class _CloseView(APIView):
    extra_error_statuses = CLOSE_ERROR_STATUSES
    # not_pending (the task is not awaiting verification) is about the task, not a field.
    service_error_fields = {"reason": "reason"}

    def _detail(self, request: Request, pk: int) -> Response:
        today = timezone.localdate()
        task = detail_queryset(request.user, today).get(pk=pk)
        data = TaskDetailSerializer(task, context={"request": request, "today": today}).data
        return Response(data, headers={"ETag": etag_for(task.version)})


DONE = OpenApiResponse(TaskDetailSerializer, description="The task as it is now; ETag: its new version.")


class TaskVerifyView(_CloseView):
    @extend_schema(
        summary="Verify completion (销号): office staff, on a task awaiting verification",
        request=None,
        parameters=[ETAG_HEADER, ETAG_RESPONSE_HEADER],
        responses={200: DONE},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = get_task_for(request.user, pk)  # 404 out of scope
        require_editor(request.user, task)  # 403 for liaisons and leaders
        verify_completion(task, request.user, expected_version=expected_version(request))
        return self._detail(request, task.pk)


class TaskReturnView(_CloseView):
    @extend_schema(
        summary="Return a completion request (退回) to the department, with the reason: office staff",
        request=ReturnInputSerializer,
        parameters=[ETAG_HEADER, ETAG_RESPONSE_HEADER],
        responses={200: DONE},
    )
    def post(self, request: Request, pk: int) -> Response:
        task = get_task_for(request.user, pk)  # 404 out of scope
        require_editor(request.user, task)  # 403 before the body is read
        version = expected_version(request)  # 428 / 400
        form = ReturnInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return_task(task, request.user, reason=form.validated_data["reason"], expected_version=version)
        return self._detail(request, task.pk)
