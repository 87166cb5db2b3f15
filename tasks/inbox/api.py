"""待办 and 消息 in the API: `GET /inbox/`, `GET /notifications/`, `POST /notifications/{id}/read/` and
`POST /notifications/read-all/`. Each person sees only their own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tasks.inbox.serializers import InboxSerializer, NotificationSerializer, ReadAllSerializer
from tasks.inbox.services import items as inbox
from tasks.models import EventKind, Notification
from tasks.notices.services.reading import mark_all_read, mark_read, notifications_of

INBOX_ROWS = 20


class InboxView(APIView):
    @extend_schema(summary="What waits for the user (待办), by section", responses={200: InboxSerializer})
    def get(self, request: Request) -> Response:
        sections = inbox.sections(request.user, rows=INBOX_ROWS)
        body = {
            "count": sum(s.total for s in sections),
            "sections": [{"kind": s.kind, "label": s.label, "total": s.total} for s in sections],
            "items": [
                {**item.__dict__, "section": section.kind} for section in sections for item in section.items
            ],
        }
        return Response(InboxSerializer(body).data)


class NotificationFilterSet(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Only unread ones")
    kind = filters.ChoiceFilter(choices=EventKind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own notifications (消息), newest first."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    parser_classes = [JSONParser]

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_of(self.request.user)

    @extend_schema(summary="The user's notifications, newest first")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One of the user's notifications")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Mark one notification read (标为已读); the first reading's time is kept",
        request=None,
        responses={200: NotificationSerializer},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: int) -> Response:
        notification = mark_read(request.user, pk)  # 404 for anyone else's
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all of the user's notifications read (全部已读)",
        request=None,
        responses={200: OpenApiResponse(ReadAllSerializer)},
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": mark_all_read(request.user)})
