"""Report workbooks: a department's periodic report (部门工作进展报表) and the office's ledger (台账), with
their build's status and progress, the filled workbook's upload, and the errors of a refused upload."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import PersonSerializer
from api.errors import ErrorSerializer
from regions.serializers import DepartmentBriefSerializer, RegionBriefSerializer
from tasks.models import Report
from tasks.reports.services.periods import parse_period

# Kinds a user may request (the ranking is built with the ledger).
REQUESTABLE_KINDS = [
    (Report.Kind.DEPARTMENT.value, Report.Kind.DEPARTMENT.label),
    (Report.Kind.LEDGER.value, Report.Kind.LEDGER.label),
    (Report.Kind.BULLETIN.value, Report.Kind.BULLETIN.label),
]


class ReportSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer(allow_null=True, help_text="A department report's department.")
    region = RegionBriefSerializer()
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text="The build's progress in percent; 100 once built."
    )
    error = serializers.CharField(help_text="Why the build failed (status failed); empty otherwise.")
    download_url = serializers.SerializerMethodField()
    requested_by = PersonSerializer(allow_null=True)
    submitted_by = PersonSerializer(allow_null=True)
    reviewed_by = PersonSerializer(allow_null=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "department",
            "region",
            "period",
            "status",
            "progress",
            "error",
            "download_url",
            "requested_by",
            "requested_at",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.URLField(
            allow_null=True,
            help_text="The file once one is built (a workbook, .xlsx; the bulletin a Word document, "
            ".docx); null before.",
        )
    )
    def get_download_url(self, report: Report) -> str | None:
        if not report.file:
            return None
        url = reverse("api:report-download", kwargs={"pk": report.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class ReportRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=REQUESTABLE_KINDS,
        help_text="department: a department's report (office staff in scope, or a liaison of the "
        "department); ledger: the office ledger of the user's region (office staff and leaders); "
        "bulletin: the monthly 通报 of the user's region, a Word document (office staff and leaders).",
    )
    department = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The department (its id): required for a department report, not allowed for a ledger "
        "or a bulletin.",
    )
    period = serializers.CharField(max_length=7, help_text="The month reported on: YYYY-MM, e.g. 2026-10.")

    def validate_period(self, value: str) -> str:
        try:
            parse_period(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate(self, data: dict) -> dict:
        department = data.get("department")
        if data["kind"] == Report.Kind.DEPARTMENT and department is None:
            raise serializers.ValidationError({"department": [_("Choose the department of the report.")]})
        if data["kind"] == Report.Kind.LEDGER and department is not None:
            raise serializers.ValidationError(
                {"department": [_("A ledger covers the user's region; it names no department.")]}
            )
        if data["kind"] == Report.Kind.BULLETIN and department is not None:
            raise serializers.ValidationError(
                {"department": [_("A bulletin covers the user's region; it names no department.")]}
            )
        return data


class ReportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The report's workbook (.xlsx) as downloaded, with the period's columns filled in."
    )


class ReportUploadResultSerializer(serializers.Serializer):
    applied = serializers.IntegerField(help_text="How many filled rows were recorded as progress reports.")
    report = ReportSerializer()


class RowReturnInputSerializer(serializers.Serializer):
    task = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A task of the report (id).")
    reason = serializers.CharField(max_length=2000, help_text="What to correct in this row.")


class ReportReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        help_text="Why the whole report goes back to the department. It, or a row's reason, is required.",
    )
    rows = RowReturnInputSerializer(
        many=True,
        required=False,
        default=list,
        max_length=2000,
        help_text="Rows returned with their own reason (the liaison sees each next to its row).",
    )


class RowTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    text = serializers.CharField()


class RowPreviousSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The task's status in the previous period's report.")
    percent = serializers.IntegerField()


class RowTargetSerializer(serializers.Serializer):
    target = serializers.IntegerField(source="target.pk")
    text = serializers.CharField(source="target.text")
    unit = serializers.CharField(source="target.unit")
    value = serializers.DecimalField(
        max_digits=16, decimal_places=4, allow_null=True, help_text="The actual in this report."
    )
    before = serializers.DecimalField(
        max_digits=16, decimal_places=4, allow_null=True, help_text="The actual in the previous report."
    )
    attained = serializers.BooleanField(
        allow_null=True, help_text="Whether this actual meets the target; null when it cannot be judged."
    )


class RowEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="original_name")


class ReportRowSerializer(serializers.Serializer):
    """A row of a report: the latest progress recorded through it for a task, and the previous report's."""

    task = RowTaskSerializer()
    status = serializers.CharField(source="update.status")
    percent = serializers.IntegerField(source="update.percent")
    narrative = serializers.CharField(source="update.narrative")
    recorded_at = serializers.DateTimeField(source="update.created_at")
    is_new = serializers.BooleanField(help_text="The task was not in the previous period's report.")
    previous = RowPreviousSerializer(allow_null=True)
    targets = RowTargetSerializer(many=True, source="readings")
    evidence_count = serializers.IntegerField(help_text="Evidence files of the task in all.")
    evidence = RowEvidenceSerializer(many=True, help_text="The newest few of them.")
    returned_reason = serializers.CharField(help_text="The reason of the latest return; empty if none.")


class ReportRowsSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Tasks recorded through the report.")
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    previous_report = serializers.IntegerField(
        allow_null=True, help_text="The department's report of the period before (id), compared with."
    )
    results = ReportRowSerializer(many=True)


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="The sheet's row number; null for a problem of the whole file."
    )
    column = serializers.CharField(help_text="The column's header; empty for a whole row or the file.")
    message = serializers.CharField()


class RowErrorsSerializer(ErrorSerializer):
    errors = RowErrorSerializer(
        many=True, help_text="Every problem of the workbook; nothing was recorded (code report_rows)."
    )


ROW_FIELDS_HELP = (
    "By task id: the form's fields as typed — status, percent, narrative and actual-<target id>."
)


class ReportDraftInputSerializer(serializers.Serializer):
    rows = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=10000)),
        help_text=ROW_FIELDS_HELP + " Kept as typed (not checked); nothing is recorded.",
    )


class ReportDraftSerializer(serializers.Serializer):
    source = serializers.CharField(
        help_text="draft: a saved draft; recorded: the latest values recorded through the report; "
        "empty: nothing yet.",
    )
    rows = serializers.DictField(
        child=serializers.DictField(child=serializers.CharField(allow_blank=True)), help_text=ROW_FIELDS_HELP
    )
    saved_by = PersonSerializer(allow_null=True, source="draft_saved_by")
    saved_at = serializers.DateTimeField(allow_null=True, source="draft_saved_at")
