"""Policy documents: the list, and one document with its tasks as an outline."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regions.serializers import RegionBriefSerializer
from tasks.ledger.serializers.parts import AssignmentSerializer, DeadlineSerializer
from tasks.models import PolicyDocument, Task


class DocumentSerializer(serializers.ModelSerializer):
    region = RegionBriefSerializer()

    class Meta:
        model = PolicyDocument
        fields = [
            "id",
            "title",
            "doc_number",
            "issuer",
            "region",
            "issued_on",
            "base_year",
            "kind",
            "original_name",
            "created_at",
            "updated_at",
        ]


class OutlineTaskSerializer(serializers.ModelSerializer):
    assignments = AssignmentSerializer(many=True)
    deadlines = DeadlineSerializer(many=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "parent",
            "position",
            "label",
            "outline_path",
            "section",
            "text",
            "status",
            "progress",
            "version",
            "assignments",
            "deadlines",
        ]


class DocumentDetailSerializer(DocumentSerializer):
    outline = serializers.SerializerMethodField(
        help_text="The document's tasks that the user may see, in document order."
    )

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "outline"]

    @extend_schema_field(OutlineTaskSerializer(many=True))
    def get_outline(self, document: PolicyDocument) -> list:
        return OutlineTaskSerializer(self.context["outline"], many=True, context=self.context).data
