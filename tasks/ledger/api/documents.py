"""Policy documents the user may see, and one with its tasks as an outline (as the document page)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet
from rest_framework import viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tasks.ledger.filtersets import DocumentFilterSet
from tasks.ledger.serializers.documents import DocumentDetailSerializer, DocumentSerializer
from tasks.models import Assignment, Deadline, PolicyDocument, Task


class DocumentViewSet(viewsets.ReadOnlyModelViewSet):
    """Documents of the user's scope, newest first; the outline lists only the tasks the user may see."""

    filterset_class = DocumentFilterSet

    def get_queryset(self) -> QuerySet[PolicyDocument]:
        return (
            PolicyDocument.objects.visible_to(self.request.user)
            .select_related("region")
            .order_by(F("issued_on").desc(nulls_last=True), "-created_at", "-pk")
        )

    def get_serializer_class(self):
        return DocumentSerializer if self.action == "list" else DocumentDetailSerializer

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document = self.get_object()
        outline = (
            Task.objects.visible_to(request.user)
            .filter(document=document)
            .order_by("position", "pk")
            .prefetch_related(
                Prefetch(
                    "assignments", queryset=Assignment.objects.select_related("department").order_by("pk")
                ),
                Prefetch("deadlines", queryset=Deadline.objects.order_by(*Deadline.ORDER)),
            )
        )
        context = {**self.get_serializer_context(), "outline": list(outline)}
        return Response(DocumentDetailSerializer(document, context=context).data)
