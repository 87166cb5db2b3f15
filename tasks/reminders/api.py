"""催办: office staff remind every liaison of a task's departments, once a day each."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tasks.access import get_task_for, require_editor
from tasks.reminders.serializers import ReminderInputSerializer, ReminderResultSerializer
from tasks.reminders.services.sending import send_manual_reminder


class TaskRemindersView(APIView):
    service_error_fields = {"message": "message", "no_recipients": "non_field_errors"}

    @extend_schema(
        summary="Remind the task's departments (催办)",
        request=ReminderInputSerializer,
        responses={
            201: OpenApiResponse(ReminderResultSerializer, description="At least one person was reminded."),
            200: OpenApiResponse(
                ReminderResultSerializer, description="Nobody was reminded: all were reminded today already."
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        task = get_task_for(request.user, pk)  # 404 out of scope
        require_editor(request.user, task)  # 403 before the body is read, whatever it holds
        form = ReminderInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        sent = send_manual_reminder(task, request.user, message=form.validated_data["message"])
        body = {
            "reminded": [
                {"id": r.pk, "recipient": {"id": r.recipient.pk, "name": str(r.recipient)}} for r in sent
            ],
            "skipped": [{"id": user.pk, "name": str(user)} for user in sent.skipped],
        }
        return Response(body, status=status.HTTP_201_CREATED if sent else status.HTTP_200_OK)
