"""Document imports: upload, the parsed draft to review (the preview), the reviewer's edits, the result."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regions.models import Region
from regions.serializers import RegionBriefSerializer
from tasks.imports.services.importing import find_existing_document
from tasks.imports.services.review import review_problems, unmatched_names
from tasks.imports.services.review_edits import draft_revision
from tasks.models import DocumentImport
from tasks.serializers import DocumentBriefSerializer


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Word (.docx), PDF, Excel (.xlsx) or plain text (.txt, .md).")
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.none(),
        help_text="The document's region: the user's own or one below it.",
        error_messages={
            "does_not_exist": _("You may only import documents for your region and the regions below it.")
        },
    )

    def __init__(self, *args: Any, regions=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions


class DocumentImportSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer()

    class Meta:
        model = DocumentImport
        fields = ["id", "original_name", "region", "status", "document", "created_at"]


class DraftSerializer(serializers.Serializer):
    """The reviewable draft (tasks.imports.services.importing.build_draft); the review form names its fields
    by position: t3-text, t3-a0-name, t3-d1-date..."""

    title = serializers.CharField(allow_null=True, allow_blank=True)
    doc_number = serializers.CharField(allow_null=True, allow_blank=True)
    issuer = serializers.CharField(allow_null=True, allow_blank=True)
    issued_on = serializers.CharField(allow_null=True, allow_blank=True)
    base_year = serializers.IntegerField(allow_null=True)
    region = serializers.CharField(allow_null=True)
    kind = serializers.CharField(allow_null=True, allow_blank=True)
    warnings = serializers.ListField(child=serializers.CharField())
    tasks = serializers.ListField(child=serializers.DictField())


class DocumentImportDetailSerializer(DocumentImportSerializer):
    """The parse preview: the draft, what stops it from being confirmed, and the document it updates."""

    draft = serializers.SerializerMethodField()
    revision = serializers.SerializerMethodField(help_text="Send back as the `revision` field of a review.")
    problems = serializers.SerializerMethodField(help_text="What must be corrected before confirming.")
    unmatched = serializers.SerializerMethodField(help_text="Names no department was found for.")
    existing_document = serializers.SerializerMethodField(
        help_text="The document a confirmation updates (same file, or same 文号 in the region)."
    )

    class Meta(DocumentImportSerializer.Meta):
        fields = [
            *DocumentImportSerializer.Meta.fields,
            "draft",
            "revision",
            "problems",
            "unmatched",
            "existing_document",
        ]

    @extend_schema_field(DraftSerializer)
    def get_draft(self, doc_import: DocumentImport) -> dict[str, Any]:
        return doc_import.draft

    def get_revision(self, doc_import: DocumentImport) -> str:
        return draft_revision(doc_import.draft)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, doc_import: DocumentImport) -> list[str]:
        return review_problems(doc_import.draft)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_unmatched(self, doc_import: DocumentImport) -> list[str]:
        return unmatched_names(doc_import.draft)

    @extend_schema_field(DocumentBriefSerializer(allow_null=True))
    def get_existing_document(self, doc_import: DocumentImport) -> dict[str, Any] | None:
        if doc_import.status != DocumentImport.Status.DRAFT:
            return None
        existing = find_existing_document(
            doc_import.region, doc_import.checksum, doc_import.draft.get("doc_number")
        )
        return DocumentBriefSerializer(existing).data if existing else None


class ReviewSerializer(serializers.Serializer):
    fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="The review form's fields by name (revision, title, t0-text, t0-a0-name, t0-drop...); "
        "a field left out keeps its value.",
    )


class ConfirmSerializer(serializers.Serializer):
    acknowledge_unmatched = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Confirm although some names as written are mapped to no department (they are not assigned).",
    )


class ImportResultSerializer(serializers.Serializer):
    document = DocumentBriefSerializer()
    created = serializers.BooleanField(help_text="A new document (else an earlier version was updated).")
    tasks_created = serializers.IntegerField()
    tasks_updated = serializers.IntegerField()
    tasks_kept = serializers.IntegerField(
        help_text="Gone from the new version but kept: they carry progress."
    )
    tasks_removed = serializers.IntegerField()
    warnings = serializers.ListField(child=serializers.CharField())
