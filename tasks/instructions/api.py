"""领导批示 in the API: a task's instructions (list; a leader writes one), the instructions in scope
(filtered, paginated), 办理情况 by the answering department's liaison (JSON, or multipart with a file),
and a reply's evidence download.

The services decide (tasks/instructions/services/). Out of scope is 404, a role that may not 403
(checked before the body is read), bad input 400 with the field named.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.negotiation import FirstRenderer
from regions.models import Department
from tasks.access import NotPermitted, get_task_for, may_instruct, require_instructor, require_replier
from tasks.instructions.files import reply_evidence_response
from tasks.instructions.filtersets import InstructionFilterSet
from tasks.instructions.serializers import (
    InstructionInputSerializer,
    InstructionReplySerializer,
    InstructionSerializer,
    ReplyInputSerializer,
    ReplyUploadSerializer,
)
from tasks.instructions.services.instructing import give_instruction, reply
from tasks.instructions.services.queries import instructions_visible_to, with_replies
from tasks.models import Instruction, InstructionReply, Task
from tasks.reports.services.department import departments_in_scope
from tasks.uploads import CONTENT_TYPES

# Codes of the services' ValidationErrors -> the request field they are about.
ERROR_FIELDS = {
    "text": "text",
    "department": "non_field_errors",
    # check_evidence's refusals of the file
    "too_large": "file",
    "empty": "file",
    "bad_zip": "file",
    "zip_bomb": "file",
    "not_ooxml": "file",
    "macros": "file",
    "markup": "file",
    "unsupported": "file",
    "extension_mismatch": "file",
}
FILE_TYPES = sorted({*CONTENT_TYPES.values(), "application/octet-stream"})


class TaskInstructionsView(generics.ListCreateAPIView):
    """GET: the task's instructions with their replies, newest first. POST: a leader's 批示 on the task,
    answered by its lead department; anyone else in scope gets 403."""

    parser_classes = [JSONParser]
    serializer_class = InstructionSerializer
    service_error_fields = ERROR_FIELDS

    def task(self) -> Task:
        return get_task_for(self.request.user, self.kwargs["pk"])  # 404 out of scope

    def get_queryset(self) -> QuerySet[Instruction]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no task
            return Instruction.objects.none()
        return with_replies(Instruction.objects.filter(task=self.task())).order_by("-created_at", "-pk")

    @extend_schema(summary="The task's leaders' instructions (领导批示) with their replies, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Write an instruction (领导批示) on the task: leaders only",
        request=InstructionInputSerializer,
        responses={201: InstructionSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = get_task_for(request.user, self.kwargs["pk"])
        require_instructor(request.user, task)  # 403 before the body is read
        form = InstructionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        instruction = give_instruction(request.user, text=form.validated_data["text"], task=task)
        instruction = with_replies(Instruction.objects.filter(pk=instruction.pk)).get()
        return Response(
            InstructionSerializer(instruction, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class InstructionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The instructions in the user's scope: on the tasks they see, and on the departments they see."""

    serializer_class = InstructionSerializer
    filterset_class = InstructionFilterSet

    def get_queryset(self) -> QuerySet[Instruction]:
        return with_replies(instructions_visible_to(self.request.user)).order_by("-created_at", "-pk")

    @extend_schema(summary="Leaders' instructions (领导批示) in the user's scope, newest first")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="An instruction with its replies")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


class InstructionRepliesView(APIView):
    """POST: 办理情况, by a liaison of the answering department (office staff do not reply on its behalf)."""

    parser_classes = [JSONParser, MultiPartParser]
    service_error_fields = ERROR_FIELDS

    @extend_schema(
        summary="Reply to an instruction (办理情况), with an optional evidence file as multipart/form-data",
        request={"application/json": ReplyInputSerializer, "multipart/form-data": ReplyUploadSerializer},
        responses={201: InstructionReplySerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        instruction = (
            instructions_visible_to(request.user)
            .select_related("task__document", "department", "author")
            .filter(pk=pk)
            .first()
        )
        if instruction is None:
            raise Instruction.DoesNotExist(_("No such instruction."))  # 404 out of scope
        require_replier(request.user, instruction)  # 403 before the body is read
        multipart = request.content_type.startswith("multipart/")
        form = (ReplyUploadSerializer if multipart else ReplyInputSerializer)(data=request.data)
        form.is_valid(raise_exception=True)
        answer = reply(
            request.user, instruction, text=form.validated_data["text"], file=form.validated_data.get("file")
        )
        answer = InstructionReply.objects.select_related("author", "department").get(pk=answer.pk)
        return Response(
            InstructionReplySerializer(answer, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ReplyEvidenceDownloadView(APIView):
    content_negotiation_class = FirstRenderer

    @extend_schema(
        summary="Download a reply's evidence file under its original name",
        responses={
            (200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description="The file, as an attachment.")
            for media_type in FILE_TYPES
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        return reply_evidence_response(request.user, pk)


class DepartmentInstructionsView(generics.ListCreateAPIView):
    """GET: the instructions on the department's overdue tasks, newest first. POST: a leader's 批示 on
    them (the department must have overdue tasks it leads); anyone else in scope gets 403."""

    parser_classes = [JSONParser]
    serializer_class = InstructionSerializer
    service_error_fields = ERROR_FIELDS

    def department(self) -> Department:
        try:
            return departments_in_scope(self.request.user).get(pk=self.kwargs["pk"])
        except Department.DoesNotExist:
            raise Http404(_("No such department.")) from None

    def get_queryset(self) -> QuerySet[Instruction]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no department
            return Instruction.objects.none()
        rows = instructions_visible_to(self.request.user).filter(
            task__isnull=True, department=self.department()
        )
        return with_replies(rows).order_by("-created_at", "-pk")

    @extend_schema(summary="The instructions (领导批示) on a department's overdue tasks, newest first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Write an instruction (领导批示) on a department's overdue tasks: leaders only",
        request=InstructionInputSerializer,
        responses={201: InstructionSerializer},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        department = self.department()  # 404 out of scope
        if not may_instruct(request.user):  # 403 before the body is read
            raise NotPermitted(_("Only leaders write instructions (领导批示)."))
        form = InstructionInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        instruction = give_instruction(request.user, text=form.validated_data["text"], department=department)
        instruction = with_replies(Instruction.objects.filter(pk=instruction.pk)).get()
        return Response(
            InstructionSerializer(instruction, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
