"""Importing a document: upload → parse preview → review → confirm (or discard), as the import pages.

Only office staff (and superusers) may import (403 for others); an import is seen only by whoever
uploaded it, within their region (404 otherwise). The workflow is tasks.imports.services.review's.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from api.exceptions import responds_to
from tasks.access import can_import
from tasks.imports.filtersets import DocumentImportFilterSet
from tasks.imports.serializers import (
    ConfirmSerializer,
    DocumentImportDetailSerializer,
    DocumentImportSerializer,
    ImportResultSerializer,
    ImportUploadSerializer,
    ReviewSerializer,
)
from tasks.imports.services.importing import DocumentImportError
from tasks.imports.services.review import (
    confirm_import,
    discard_import,
    importable_regions,
    imports_of,
    start_import,
    update_draft,
)
from tasks.models import DocumentImport


class CanImportDocuments(IsAuthenticated):
    """Office staff with a region, and superusers, as the import pages (tasks.access.can_import)."""

    message = _("Only reform office staff may import documents.")

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and can_import(request.user)


# A document the parser cannot read: 400 under the view's field for the file (`import_error_field`).
@responds_to(DocumentImportError)
def _import_error(exc: DocumentImportError, view: Any) -> ValidationError:
    return ValidationError(
        {getattr(view, "import_error_field", api_settings.NON_FIELD_ERRORS_KEY): exc.messages}
    )


class DocumentImportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [CanImportDocuments]
    # Confirming or discarding an import that is no longer a draft, or a draft with problems.
    extra_error_statuses = {"POST": [400], "DELETE": [400]}
    # The upload is multipart, the review JSON; the schema states which for each.
    parser_classes = [JSONParser, MultiPartParser]
    filterset_class = DocumentImportFilterSet

    @property
    def import_error_field(self) -> str:
        # The parser's refusals are about the file; a review's or confirmation's about the draft.
        return "file" if self.action == "create" else "non_field_errors"

    def get_queryset(self) -> QuerySet[DocumentImport]:
        return imports_of(self.request.user).select_related("region").order_by("-created_at", "-pk")

    def get_serializer_class(self):
        return DocumentImportSerializer if self.action == "list" else DocumentImportDetailSerializer

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    @extend_schema(
        summary="Upload a document: parsed into a draft to review (the preview); nothing is imported yet",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: DocumentImportDetailSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = ImportUploadSerializer(data=request.data, regions=importable_regions(request.user))
        form.is_valid(raise_exception=True)
        doc_import = start_import(request.user, form.validated_data["file"], form.validated_data["region"])
        data = DocumentImportDetailSerializer(doc_import, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Apply the reviewer's edits to the draft (the review form's fields); nothing is imported yet",
        request={"application/json": ReviewSerializer},
        responses={200: DocumentImportDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: int) -> Response:
        doc_import = self.get_object()
        form = ReviewSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        update_draft(doc_import, request.user, form.validated_data["fields"])
        return Response(
            DocumentImportDetailSerializer(doc_import, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Confirm: import the reviewed draft into the ledger, all or nothing",
        request=ConfirmSerializer,
        responses={200: ImportResultSerializer},
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: int) -> Response:
        form = ConfirmSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = confirm_import(
            self.get_object(),
            request.user,
            acknowledge_unmatched=form.validated_data["acknowledge_unmatched"],
        )
        return Response(
            {
                "document": {
                    "id": result.document.pk,
                    "title": result.document.title,
                    "doc_number": result.document.doc_number,
                },
                "created": result.created,
                "tasks_created": result.tasks_created,
                "tasks_updated": result.tasks_updated,
                "tasks_kept": result.tasks_kept,
                "tasks_removed": result.tasks_removed,
                "warnings": [str(w) for w in result.warnings],
            }
        )

    @extend_schema(summary="Discard the import: the draft and the uploaded file are dropped")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        discard_import(self.get_object(), request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
