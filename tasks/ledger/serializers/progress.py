"""Progress reports (append-only), their target readings and evidence files."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from accounts.serializers import PersonSerializer
from regions.serializers import DepartmentBriefSerializer
from tasks.ledger.services.progress import MAX_FILES, REPORTABLE_STATUSES
from tasks.models import Evidence, ProgressUpdate, TargetReading
from tasks.numbers import NotANumber, TypedNumber, read_number

# Statuses a report may set (completion has its own workflow); named in SPECTACULAR_SETTINGS.
REPORTABLE_CHOICES = [(status.value, status.label) for status in REPORTABLE_STATUSES]


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "size", "content_type", "sha256", "created_at", "download_url"]

    def get_download_url(self, evidence: Evidence) -> str:
        url = reverse("api:evidence-download", kwargs={"pk": evidence.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ReadingSerializer(serializers.ModelSerializer):
    class Meta:
        model = TargetReading
        fields = ["target", "value"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer(allow_null=True)
    author = PersonSerializer()
    readings = ReadingSerializer(many=True)
    evidence = EvidenceSerializer(many=True)
    task_version = serializers.SerializerMethodField(
        help_text="The task's version after this report (its new ETag); only in the answer to a report."
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "task",
            "department",
            "author",
            "status",
            "percent",
            "narrative",
            "created_at",
            "readings",
            "evidence",
            "task_version",
        ]

    def get_task_version(self, update: ProgressUpdate) -> int | None:
        return self.context.get("task_version")


class ReadingValueField(serializers.DecimalField):
    """An actual value: a decimal, or for a target in % also a percentage ("72%", "72％", "７２％").

    Which target it is for is the service's business (record_progress), so a percentage is handed on
    as a TypedNumber marked as one: the service takes it as 72 for a target in % and refuses it for any
    other (tasks/numbers.py). Anything else is a decimal as DRF reads it."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str):
            try:
                typed = read_number(data)
            except NotANumber:
                typed = None  # DRF's own message below
            if typed is not None and typed.percent:
                return TypedNumber(super().to_internal_value(format(typed.value, "f")), percent=True)
        return super().to_internal_value(data)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "format": "decimal"},
        "description": 'For a target whose unit is "%", a value may also be a percentage: "72%" or "72％" is 72.',
    }
)
class ReadingsField(serializers.DictField):
    """{target id: actual value}: a JSON object, also as one multipart field holding JSON text
    (or DRF's `readings.<id>` multipart fields)."""

    default_error_messages = {"not_json": _("Send the readings as a JSON object of target id to value.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=ReadingValueField(max_digits=16, decimal_places=4), required=False, **kwargs)

    def get_value(self, dictionary: Any) -> Any:
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            try:
                data = json.loads(data) if data.strip() else {}
            except ValueError:
                self.fail("not_json")
        return super().to_internal_value(data)


class ProgressInputSerializer(serializers.Serializer):
    """报送进展 as JSON: status, percent, what was done and the targets' actual values."""

    status = serializers.ChoiceField(
        choices=REPORTABLE_CHOICES,
        help_text="Completion is requested separately and verified by the reform office.",
    )
    percent = serializers.IntegerField(min_value=0, max_value=100)
    narrative = serializers.CharField(required=False, allow_blank=True, default="")
    readings = ReadingsField(help_text="Actual values of the task's targets, by target id.")


class ProgressUploadSerializer(ProgressInputSerializer):
    """报送进展 as multipart/form-data, with evidence files (`files`, repeated); `readings` is JSON text
    or `readings.<target id>` fields."""

    files = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=MAX_FILES,
        help_text="Evidence files: PDF, Word, Excel, JPEG or PNG, checked by content.",
    )
